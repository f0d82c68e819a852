//! `xsell metrics`: every metric, its formula and the columns it needs.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};

use crate::cli::MetricsArgs;
use crate::metrics::{Info, Metric};
use crate::output::Format;

pub fn run(args: &MetricsArgs) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let infos: Vec<&Info> = Metric::ALL.iter().map(|m| m.info()).collect();
    match args.format {
        Format::Table => {
            let mut table = Table::new();
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(120)
                .set_header(["metric", "formula", "needs"]);
            for info in &infos {
                table.add_row([
                    format!("{}\n{}", info.name, info.title),
                    info.formula.to_string(),
                    needs(info),
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
            for info in &infos {
                let (o, c) = (
                    info.order_columns.join(" "),
                    info.campaign_columns.join(" "),
                );
                w.write_record([info.name, info.title, info.formula, &o, &c])?;
            }
            w.flush()?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &infos)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn needs(info: &Info) -> String {
    let mut parts =
        vec!["orders: order_id, customer_id, order_date, product_id, amount".to_string()];
    if !info.order_columns.is_empty() {
        parts[0].push_str(&format!(", {}", info.order_columns.join(", ")));
    }
    if !info.campaign_columns.is_empty() {
        parts.push(format!(
            "--campaigns: campaign_id, {}",
            info.campaign_columns.join(", ")
        ));
    }
    parts.join("\n")
}
