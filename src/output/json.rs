//! JSON written by hand so that numbers keep their exact text: money as `1234.50`, fractions
//! with 6 decimals, like the CSV.

use std::io::{self, Write};

use super::{BENCHMARK_COLUMNS, COLUMNS, Cell, benchmarked, cells};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let benchmarks = benchmarked(rows);
    let names: Vec<&str> = COLUMNS
        .iter()
        .chain(
            benchmarks
                .then_some(&BENCHMARK_COLUMNS)
                .into_iter()
                .flatten(),
        )
        .copied()
        .collect();
    out.write_all(b"[")?;
    for (i, row) in rows.iter().enumerate() {
        let fields: Vec<String> = names
            .iter()
            .zip(cells(row, benchmarks))
            .map(|(name, cell)| {
                let value = match cell {
                    Cell::Text(s) => string(&s),
                    Cell::Number(n) => n,
                    Cell::Null => "null".to_string(),
                };
                format!("{}: {value}", string(name))
            })
            .collect();
        let separator = if i == 0 { "" } else { "," };
        write!(out, "{separator}\n  {{{}}}", fields.join(", "))?;
    }
    out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
}

fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "null".to_string())
}
