//! JSON written by hand so that numbers keep their exact text: money as `1234.50`, ratios in
//! full (the shortest text that reads back to the same float), like the CSV.

use std::io::{self, Write};

use super::{Cell, records, shortest};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row], benchmarks: bool) -> io::Result<()> {
    let (columns, records) = records(rows, benchmarks);
    write_cells(out, &columns, &records)
}

pub fn write_cells(out: &mut dyn Write, columns: &[&str], records: &[Vec<Cell>]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, record) in records.iter().enumerate() {
        let fields: Vec<String> = columns
            .iter()
            .zip(record)
            .map(|(name, cell)| {
                let value = match cell {
                    Cell::Text(s) => string(s),
                    Cell::Number(n) => n.clone(),
                    Cell::Float { value, .. } => {
                        shortest(*value).unwrap_or_else(|| "null".to_string())
                    }
                    Cell::Null => "null".to_string(),
                };
                format!("{}: {value}", string(name))
            })
            .collect();
        let separator = if i == 0 { "" } else { "," };
        write!(out, "{separator}\n  {{{}}}", fields.join(", "))?;
    }
    out.write_all(if records.is_empty() { b"]\n" } else { b"\n]\n" })
}

fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "null".to_string())
}
