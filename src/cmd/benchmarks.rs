//! `xsell benchmarks`: the industry ranges xsell holds values against.

use anyhow::Result;

use crate::cli::BenchmarksArgs;
use crate::output::{self, Cell, number};
use crate::report::benchmarks::Benchmarks;

const COLUMNS: [&str; 5] = ["metric", "industry", "low", "high", "source"];

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
                Cell::text(&b.source),
            ]
        })
        .collect();
    super::write_with(None, |out| {
        output::write_records(out, args.format.into(), &COLUMNS, &records)
    })
}
