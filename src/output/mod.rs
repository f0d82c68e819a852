//! Renderers: the same rows as a table for people, or CSV / JSON for scripts (and a Markdown
//! table for documentation). The CSV and JSON columns are a contract: `metric, group, period,
//! value, numerator, denominator`.

mod csv;
mod json;
mod markdown;
mod table;

use std::io::{self, Write};

use crate::metrics::{Quantity, Row, Unit};

pub use self::csv::into_io;
pub use markdown::write_cells as write_markdown;
pub use table::{Style, Summary, human_value, write_grid};

/// How rows are written (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// A readable table: rates as percentages, money with two decimals, n/a for no value.
    #[default]
    Table,
    /// Tidy CSV: rates as fractions with 6 decimals, exact counts and money, empty for n/a.
    Csv,
    /// A JSON array of objects with the CSV's fields; null for n/a.
    Json,
}

/// The stable column names, in order: the core six, then the slicing and statistics columns.
pub const COLUMNS: [&str; 9] = [
    "metric",
    "group",
    "period",
    "value",
    "numerator",
    "denominator",
    "by",
    "ci_low",
    "ci_high",
];

/// The columns `--industry` adds after [`COLUMNS`].
pub const BENCHMARK_COLUMNS: [&str; 4] = ["benchmark_low", "benchmark_high", "status", "rating"];

/// One machine-readable cell: text, a number written as it is, or nothing (n/a, empty).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(String),
    Null,
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Null
        } else {
            Cell::Text(s.to_string())
        }
    }

    /// The CSV form: n/a is an empty cell.
    fn csv(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Null => "",
        }
    }
}

/// A fraction or amount with 6 decimals, or nothing.
pub fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Null, |v| Cell::Number(format!("{v:.6}")))
}

/// Writes records of named cells: CSV, a JSON array of objects, or a table (one record: one
/// field per line).
pub fn write_records(
    out: &mut dyn Write,
    format: Format,
    columns: &[&str],
    records: &[Vec<Cell>],
) -> io::Result<()> {
    match format {
        Format::Csv => csv::write_cells(out, columns, records),
        Format::Json => json::write_cells(out, columns, records),
        Format::Table => table::write_cells(out, columns, records),
    }
}

/// The column names and cells of rows for CSV and JSON, with the benchmark columns when
/// `benchmarks` (asked for by `--industry`, whatever the rows hold: the columns are a contract).
fn records(rows: &[Row], benchmarks: bool) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    let columns = COLUMNS
        .iter()
        .chain(
            benchmarks
                .then_some(&BENCHMARK_COLUMNS)
                .into_iter()
                .flatten(),
        )
        .copied()
        .collect();
    (columns, rows.iter().map(|r| cells(r, benchmarks)).collect())
}

/// The cells of a row for CSV and JSON, in the order of [`COLUMNS`] (and
/// [`BENCHMARK_COLUMNS`] when `benchmarks`).
fn cells(row: &Row, benchmarks: bool) -> Vec<Cell> {
    let number =
        |v: Option<f64>| v.map_or(Cell::Null, |v| Cell::Number(machine_value(v, row.unit)));
    let mut cells = vec![
        Cell::Text(row.metric.to_string()),
        Cell::Text(row.group.clone()),
        row.period.as_deref().map_or(Cell::Null, Cell::text),
        number(row.value),
        row.numerator
            .map_or(Cell::Null, |q| Cell::Number(quantity(q))),
        row.denominator
            .map_or(Cell::Null, |q| Cell::Number(quantity(q))),
        Cell::text(&row.by),
        row.ci
            .map_or(Cell::Null, |(low, _)| Cell::Number(format!("{low:.6}"))),
        row.ci
            .map_or(Cell::Null, |(_, high)| Cell::Number(format!("{high:.6}"))),
    ];
    if benchmarks {
        match &row.benchmark {
            Some(b) => cells.extend([
                Cell::Number(machine_value(b.low, row.unit)),
                b.high
                    .map_or(Cell::Null, |h| Cell::Number(machine_value(h, row.unit))),
                Cell::text(&b.status),
                b.rating.as_deref().map_or(Cell::Null, Cell::text),
            ]),
            None => cells.extend([Cell::Null, Cell::Null, Cell::Null, Cell::Null]),
        }
    }
    cells
}

pub fn write_rows(
    out: &mut dyn Write,
    format: Format,
    rows: &[Row],
    summary: Option<&Summary>,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(out, rows, summary, style),
        Format::Csv => csv::write(out, rows, style.benchmarks),
        Format::Json => json::write(out, rows, style.benchmarks),
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
