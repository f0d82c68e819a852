//! Renderers: the same rows as a table for people, or CSV / JSON for scripts (and a Markdown
//! table for documentation). The CSV and JSON columns are a contract: `metric, group, period,
//! value, numerator, denominator`.

mod csv;
pub mod html;
mod json;
mod markdown;
mod shortest;
mod table;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::metrics::{Quantity, Row, Unit};

pub use self::csv::into_io;
pub use markdown::write_cells as write_markdown;
pub use shortest::shortest;
pub use table::{Style, Summary, fit_to_terminal, human_value, new_table, write_grid};

/// How rows are written (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// A readable table: rates as percentages, money with two decimals, n/a for no value.
    #[default]
    Table,
    /// Tidy CSV: ratios in full (the shortest text that reads back to the same float), exact
    /// counts and money, empty for n/a.
    Csv,
    /// A JSON array of objects with the CSV's fields; null for n/a.
    Json,
    /// GitHub-flavoured Markdown: the table's cells, for Slack, issues and wikis.
    Markdown,
    /// One self-contained HTML page with charts (report, compute, cohort, pairs, compare, clv).
    Html,
}

impl Format {
    /// A format for people (a table, Markdown or a page), whose values are rounded.
    pub fn is_human(self) -> bool {
        matches!(self, Format::Table | Format::Markdown | Format::Html)
    }
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

/// One machine-readable cell: text, a number written as it is, a computed number, or nothing
/// (n/a, empty).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// The same text in every format: a count, an exact amount of money.
    Number(String),
    /// A computed number (a ratio, a bound, a p-value), finite: in full for CSV and JSON
    /// ([`shortest`]), as `shown` in a table.
    Float {
        value: f64,
        shown: String,
    },
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

    /// A computed number, shown to people as `shown`; n/a when it is NaN or infinite.
    pub fn float(value: f64, shown: String) -> Cell {
        if value.is_finite() {
            Cell::Float { value, shown }
        } else {
            Cell::Null
        }
    }

    /// The CSV form (JSON's too, for a number): n/a is an empty cell.
    fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) | Cell::Number(s) => Cow::Borrowed(s),
            Cell::Float { value, .. } => Cow::Owned(shortest(*value).unwrap_or_default()),
            Cell::Null => Cow::Borrowed(""),
        }
    }

    /// The text a table shows: a computed number rounded, `n/a` for no value.
    pub fn for_people(&self) -> String {
        match self {
            Cell::Null => "n/a".to_string(),
            cell => cell.shown().into_owned(),
        }
    }

    /// The form for people: a computed number rounded as `shown`; n/a is an empty cell.
    fn shown(&self) -> Cow<'_, str> {
        match self {
            Cell::Float { shown, .. } => Cow::Borrowed(shown),
            cell => cell.csv(),
        }
    }
}

/// A computed number: in full for CSV and JSON, with 6 decimals in a table; or nothing.
pub fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Null, |v| Cell::float(v, format!("{v:.6}")))
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
        Format::Markdown => markdown::write_cells(out, columns, records),
        Format::Html => Err(io::Error::other(
            "this command has no HTML page: use --format markdown, csv or json",
        )),
    }
}

/// The column names of rows for CSV and JSON, with the benchmark columns when `benchmarks`
/// (asked for by `--industry`, whatever the rows hold: the columns are a contract). The cells of
/// each row ([`cells`]) are made as it is written, not all at once (a million campaigns make
/// millions of rows).
fn columns(benchmarks: bool) -> Vec<&'static str> {
    let extra = benchmarks
        .then_some(&BENCHMARK_COLUMNS)
        .into_iter()
        .flatten();
    COLUMNS.iter().chain(extra).copied().collect()
}

/// The cells of a row for CSV and JSON, in the order of [`COLUMNS`] (and
/// [`BENCHMARK_COLUMNS`] when `benchmarks`).
fn cells(row: &Row, benchmarks: bool) -> Vec<Cell> {
    let value = |v: Option<f64>| v.map_or(Cell::Null, |v| machine_value(v, row.unit));
    let mut cells = vec![
        Cell::Text(row.metric.to_string()),
        Cell::Text(row.group.clone()),
        row.period.as_deref().map_or(Cell::Null, Cell::text),
        value(row.value),
        row.numerator
            .map_or(Cell::Null, |q| Cell::Number(quantity(q))),
        row.denominator
            .map_or(Cell::Null, |q| Cell::Number(quantity(q))),
        Cell::text(&row.by),
        number(row.ci.map(|(low, _)| low)),
        number(row.ci.map(|(_, high)| high)),
    ];
    if benchmarks {
        match &row.benchmark {
            Some(b) => cells.extend([
                machine_value(b.low, row.unit),
                value(b.high),
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
    let columns = columns(style.benchmarks);
    let records = rows.iter().map(|row| cells(row, style.benchmarks));
    match format {
        Format::Table | Format::Markdown => table::write(out, rows, summary, style, format),
        Format::Csv => csv::write_cells(out, &columns, records),
        Format::Json => json::write_cells(out, &columns, records),
        Format::Html => Err(io::Error::other("the HTML page is written by output::html")),
    }
}

/// A value for machines: whole numbers (days) as integers, every other value in full; n/a when
/// it is not finite.
fn machine_value(value: f64, unit: Unit) -> Cell {
    match unit {
        Unit::Count if value.is_finite() => Cell::Number(format!("{value:.0}")),
        _ => number(Some(value)),
    }
}

/// A numerator or denominator, exactly.
fn quantity(q: Quantity) -> String {
    match q {
        Quantity::Count(n) => n.to_string(),
        Quantity::Money(m) => m.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record written in `format`.
    fn written(format: Format, record: Vec<Cell>) -> String {
        let mut out = Vec::new();
        write_records(&mut out, format, &["a", "b", "c", "d"], &[record]).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn computed_numbers_are_full_for_programs_and_rounded_for_people() {
        let record = || {
            let money = Cell::Number("12.50".to_string());
            vec![
                number(Some(1.0 / 3.0)),
                number(Some(-0.0)),
                number(None),
                money,
            ]
        };
        assert_eq!(
            written(Format::Csv, record()),
            "a,b,c,d\n0.3333333333333333,0,,12.50\n"
        );
        assert_eq!(
            written(Format::Json, record()),
            "[\n  {\"a\": 0.3333333333333333, \"b\": 0, \"c\": null, \"d\": 12.50}\n]\n"
        );
        let table = written(Format::Table, record());
        assert!(
            table.contains(" 0.333333 ") && table.contains(" 12.50 "),
            "{table}"
        );
    }

    #[test]
    fn a_number_that_is_not_finite_is_no_value() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(number(Some(v)), Cell::Null);
        }
    }
}
