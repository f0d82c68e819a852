//! `xsell metrics`: every metric, its formula and the columns it needs; then the measures of
//! `xsell pairs` and `xsell cohort`.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};

use crate::cli::MetricsArgs;
use crate::input::orders;
use crate::metrics::{Metric, cohort, pairs};
use crate::output::{Format, into_io};

/// One metric's documentation, as printed in every format.
#[derive(serde::Serialize)]
struct Doc {
    metric: &'static str,
    title: &'static str,
    formula: &'static str,
    /// Every orders.csv column the metric reads: the required ones and its own.
    order_columns: Vec<&'static str>,
    /// campaigns.csv columns (`--campaigns`); empty when it needs no campaigns file.
    campaign_columns: Vec<&'static str>,
}

fn docs() -> Vec<Doc> {
    let required = orders::SPECS.iter().filter(|s| s.required).map(|s| s.name);
    let analyses =
        pairs::MEASURES
            .iter()
            .chain(&cohort::MEASURES)
            .map(|&(metric, title, formula)| Doc {
                metric,
                title,
                formula,
                order_columns: required.clone().collect(),
                campaign_columns: Vec::new(),
            });
    let kpis = Metric::ALL.iter().map(|m| {
        let info = m.info();
        let mut campaign_columns = info.campaign_columns.to_vec();
        if !campaign_columns.is_empty() {
            campaign_columns.insert(0, "campaign_id");
        }
        Doc {
            metric: info.name,
            title: info.title,
            formula: info.formula,
            order_columns: required
                .clone()
                .chain(info.order_columns.iter().copied())
                .collect(),
            campaign_columns,
        }
    });
    kpis.chain(analyses).collect()
}

pub fn run(args: &MetricsArgs) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let docs = docs();
    match Format::from(args.format) {
        Format::Table => {
            let mut table = Table::new();
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(120)
                .set_header(["metric", "formula", "needs"]);
            for d in &docs {
                let mut needs = format!("orders: {}", d.order_columns.join(", "));
                if !d.campaign_columns.is_empty() {
                    needs.push_str(&format!("\n--campaigns: {}", d.campaign_columns.join(", ")));
                }
                table.add_row([
                    format!("{}\n{}", d.metric, d.title),
                    d.formula.to_string(),
                    needs,
                ]);
            }
            writeln!(out, "{table}")?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "metric",
                "title",
                "formula",
                "order_columns",
                "campaign_columns",
            ])?;
            for d in &docs {
                let (o, c) = (d.order_columns.join(" "), d.campaign_columns.join(" "));
                w.write_record([d.metric, d.title, d.formula, &o, &c])
                    .map_err(into_io)?;
            }
            w.flush()?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}
