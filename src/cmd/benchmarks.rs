//! `xsell benchmarks`: the industry ranges xsell holds values against.

use std::io::{self, Write};

use anyhow::Result;

use crate::cli::BenchmarksArgs;
use crate::metrics::{Metric, Unit};
use crate::output::{self, Cell, Format, number};
use crate::report::benchmarks::{Benchmark, Benchmarks};

/// `period`: the periods a value may be measured over to be held to the range (`any`, or
/// `week, month or quarter`).
const COLUMNS: [&str; 6] = ["metric", "industry", "low", "high", "period", "source"];

pub fn run(args: &BenchmarksArgs) -> Result<()> {
    super::no_page(args.format.into(), "benchmarks")?;
    let mut table = Benchmarks::builtin();
    if let Some(path) = &args.benchmarks {
        table.merge_file(path)?;
    }
    let records: Vec<Vec<Cell>> = table
        .all()
        .iter()
        .map(|b| {
            vec![
                Cell::text(&b.metric),
                Cell::text(&b.industry),
                number(Some(b.low)),
                number(b.high),
                Cell::text(&b.period_text()),
                Cell::text(&b.source),
            ]
        })
        .collect();
    let format: Format = args.format.into();
    super::write_with(None, |out| match format {
        Format::Table | Format::Markdown => grid(out, table.all(), format),
        format => output::write_records(out, format, &COLUMNS, &records),
    })
}

/// The ranges for people: rates as percentages, and each source once, under the table, by its
/// number (the sources are long: the table stays narrow enough for a terminal).
fn grid(out: &mut dyn Write, all: &[Benchmark], format: Format) -> io::Result<()> {
    let mut sources: Vec<&str> = Vec::new();
    let rows: Vec<Vec<String>> = (all.iter())
        .map(|b| {
            let number = match sources.iter().position(|s| *s == b.source) {
                Some(i) => i + 1,
                None => {
                    sources.push(&b.source);
                    sources.len()
                }
            };
            let unit = Metric::from_name(&b.metric).map_or(Unit::Number, Metric::unit);
            let value = |v: f64| output::human_value(Some(v), unit);
            let range = match b.high {
                Some(high) => format!("{}–{}", value(b.low), value(high)),
                None => format!(">= {}", value(b.low)),
            };
            vec![
                b.metric.clone(),
                b.industry.clone(),
                b.period_text(),
                range,
                format!("[{number}]"),
            ]
        })
        .collect();
    let columns = ["metric", "industry", "measured per", "range", "source"].map(String::from);
    let footer: Vec<String> = (sources.iter().enumerate())
        .map(|(i, s)| format!("[{}] {s}", i + 1))
        .collect();
    output::write_grid(out, &columns, &rows, 3, &footer, format)
}
