//! JSON written by hand so that numbers keep their exact text: money as `1234.50`, ratios in
//! full (the shortest text that reads back to the same float), like the CSV.

use std::io::{self, Write};

use super::{Cell, shortest};

pub fn write_cells<R: AsRef<[Cell]>>(
    out: &mut dyn Write,
    columns: &[&str],
    records: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    out.write_all(b"[")?;
    let mut empty = true;
    for (i, record) in records.into_iter().enumerate() {
        empty = false;
        let fields: Vec<String> = columns
            .iter()
            .zip(record.as_ref())
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
    out.write_all(if empty { b"]\n" } else { b"\n]\n" })
}

fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "null".to_string())
}
