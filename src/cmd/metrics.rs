//! `xsell metrics`: every metric, its formula and the columns it needs; then the measures of
//! `xsell pairs` and `xsell cohort`. All of it comes from the declarations of
//! [`crate::metrics::registry`].

use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::Result;
use comfy_table::ContentArrangement;

use crate::cli::{MetricsArgs, MetricsFormat};
use crate::input::orders;
use crate::metrics::Info;
use crate::metrics::registry::{When, declarations};
use crate::output::{Cell, into_io, write_markdown};

/// One metric's documentation, as printed in every format.
#[derive(serde::Serialize)]
struct Doc {
    metric: &'static str,
    title: &'static str,
    /// The formula in one line.
    formula: String,
    /// Every orders.csv column the metric reads: the required ones and its own.
    order_columns: Vec<&'static str>,
    /// campaigns.csv columns (`--campaigns`); empty when it needs no campaigns file.
    campaign_columns: Vec<&'static str>,
    /// proportion, ratio, money, count or number.
    kind: &'static str,
    /// The rest of the definition.
    definition: &'static str,
}

fn doc(info: &'static Info) -> Doc {
    let required = orders::SPECS.iter().filter(|s| s.required).map(|s| s.name);
    let mut campaign_columns: Vec<&str> = info.campaign_columns().collect();
    if !campaign_columns.is_empty() {
        campaign_columns.insert(0, "campaign_id");
    }
    Doc {
        metric: info.name,
        title: info.title,
        formula: info.formula.to_string(),
        order_columns: required.chain(info.order_columns()).collect(),
        campaign_columns,
        kind: info.kind.name(),
        definition: info.definition,
    }
}

/// What a metric needs beyond the required orders columns, in words: the orders columns (with
/// the condition of those not always needed), then the campaigns.csv ones.
fn needs(info: &Info) -> String {
    let orders: Vec<String> = info
        .needs
        .iter()
        .filter(|n| n.column.in_orders() && n.when != When::IfPresent)
        .map(|n| format!("{}{}", n.column.name(), n.when.condition()))
        .collect();
    let campaigns: Vec<&str> = info.campaign_columns().collect();
    let mut parts = Vec::new();
    if !orders.is_empty() {
        parts.push(orders.join(", "));
    }
    if !campaigns.is_empty() {
        parts.push(format!("campaigns: {}", campaigns.join(", ")));
    }
    parts.join("; ")
}

/// The formula, then the rest of the definition on a line of its own.
fn formula_and_definition(d: &Doc) -> String {
    if d.definition.is_empty() {
        d.formula.clone()
    } else {
        format!("{}\n{}", d.formula, d.definition)
    }
}

/// The README's metric table: the required columns go without saying.
pub fn write_markdown_table(out: &mut dyn Write) -> io::Result<()> {
    let records: Vec<Vec<Cell>> = declarations()
        .map(|info| {
            vec![
                Cell::Text(format!("`{}`\n{}", info.name, info.title)),
                Cell::Text(info.kind.name().to_string()),
                Cell::Text(info.formula.to_string()),
                Cell::text(info.definition),
                Cell::text(&needs(info)),
            ]
        })
        .collect();
    write_markdown(
        out,
        &["metric", "kind", "formula", "definition", "needs"],
        &records,
    )
}

pub fn run(args: &MetricsArgs) -> Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let docs: Vec<Doc> = declarations().map(doc).collect();
    match args.format {
        MetricsFormat::Table => {
            // On a terminal, the terminal's width; elsewhere 120 columns.
            let terminal = io::stdout().is_terminal();
            crate::output::fit_to_terminal(terminal);
            let mut table = crate::output::new_table();
            table.set_header(["metric", "formula", "needs"]);
            if !terminal {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(120);
            }
            for d in &docs {
                let mut needs = format!("orders: {}", d.order_columns.join(", "));
                if !d.campaign_columns.is_empty() {
                    needs.push_str(&format!("\n--campaigns: {}", d.campaign_columns.join(", ")));
                }
                table.add_row([
                    format!("{}\n{}", d.metric, d.title),
                    formula_and_definition(d),
                    needs,
                ]);
            }
            writeln!(out, "{table}")?;
        }
        MetricsFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record([
                "metric",
                "title",
                "formula",
                "order_columns",
                "campaign_columns",
                "kind",
                "definition",
            ])?;
            for d in &docs {
                let (o, c) = (d.order_columns.join(" "), d.campaign_columns.join(" "));
                w.write_record([d.metric, d.title, &d.formula, &o, &c, d.kind, d.definition])
                    .map_err(into_io)?;
            }
            w.flush()?;
        }
        MetricsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
        }
        MetricsFormat::Markdown => write_markdown_table(&mut out)?,
    }
    out.flush()?;
    Ok(())
}
