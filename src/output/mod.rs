//! Renderers: the same rows as a table for people, or CSV / JSON for scripts. The CSV and JSON
//! columns are a contract: `metric, group, period, value, numerator, denominator`.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

use crate::metrics::{Quantity, Row, Unit};

pub use self::csv::into_io;
pub use table::Summary;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table: rates as percentages, money with two decimals, n/a for no value.
    #[default]
    Table,
    /// Tidy CSV: rates as fractions with 6 decimals, exact counts and money, empty for n/a.
    Csv,
    /// A JSON array of objects with the CSV's fields; null for n/a.
    Json,
}

/// The stable column names, in order.
pub const COLUMNS: [&str; 6] = [
    "metric",
    "group",
    "period",
    "value",
    "numerator",
    "denominator",
];

/// `terminal`: the output is a terminal, so the table may fit itself to its width.
pub fn write_rows(
    out: &mut dyn Write,
    format: Format,
    rows: &[Row],
    summary: Option<&Summary>,
    terminal: bool,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(out, rows, summary, terminal),
        Format::Csv => csv::write(out, rows),
        Format::Json => json::write(out, rows),
    }
}

/// A value for machines: fractions with 6 decimals, whole numbers as integers.
fn machine_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{value:.0}"),
        Unit::Rate | Unit::Money | Unit::Number => format!("{value:.6}"),
    }
}

/// A numerator or denominator, exactly.
fn quantity(q: Quantity) -> String {
    match q {
        Quantity::Count(n) => n.to_string(),
        Quantity::Money(m) => m.to_string(),
    }
}
