//! The human view: a comfy-table with rates as percentages and a footer on what was read.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use super::quantity;
use crate::metrics::{Row, Unit};

/// What the rows were computed from, printed under the table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: u64,
    pub orders: u64,
    pub customers: u64,
    pub files: Vec<String>,
    /// The window, as `first to last`, or a note that it is empty.
    pub window: String,
    /// Rows skipped as invalid, with `--skip-invalid`.
    pub skipped: Option<u64>,
    /// Rows left out on purpose, by reason (`--where` labels, `guest`, `repeated`), for each
    /// option that leaves rows out, counted even when none was.
    pub left_out: Vec<(String, u64)>,
    /// Warnings and notes about the input, for stderr (`warning: ...`, `note: ...`).
    pub notes: Vec<String>,
}

impl Summary {
    /// The lines printed under a table: what was read, and what was skipped.
    pub fn footer(&self) -> Vec<String> {
        let counted = |n: u64, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
        let mut lines = vec![format!(
            "{}, {}, {} read from {}; window {}",
            counted(self.lines, "line"),
            counted(self.orders, "order"),
            counted(self.customers, "customer"),
            self.files.join(", "),
            self.window
        )];
        if let Some(skipped) = self.skipped {
            lines.push(format!(
                "skipped rows: {skipped} (--skip-invalid): the values above leave them out"
            ));
        }
        if !self.left_out.is_empty() {
            let counts: Vec<String> = (self.left_out.iter())
                .map(|(reason, n)| format!("{n} {reason}"))
                .collect();
            lines.push(format!(
                "rows left out: {} (not read: the values above are without them)",
                counts.join(", ")
            ));
        }
        lines
    }
}

/// Rows of text as a table: the first `left` columns aligned left, the others (numbers) right;
/// then the `footer` lines. In Markdown (`format`), a Markdown table and the footer as lines.
pub fn write_grid(
    out: &mut dyn Write,
    columns: &[String],
    rows: &[Vec<String>],
    left: usize,
    footer: &[String],
    format: super::Format,
) -> io::Result<()> {
    if format == super::Format::Markdown {
        let right: Vec<bool> = (0..columns.len()).map(|i| i >= left).collect();
        return super::markdown::write_grid(out, columns, rows, &right, footer);
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(columns);
    for row in rows {
        table.add_row(row);
    }
    for index in left..columns.len() {
        if let Some(c) = table.column_mut(index) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    for line in footer {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// How the output looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// The table may fit itself to the terminal's width.
    pub terminal: bool,
    /// The table colours the benchmark status.
    pub color: bool,
    /// CSV and JSON carry the benchmark columns (`--industry`).
    pub benchmarks: bool,
}

/// A column shown when any row has something in it.
struct Column {
    header: &'static str,
    right: bool,
    cell: fn(&Row) -> String,
}

const TABLE_COLUMNS: [Column; 10] = [
    Column {
        header: "metric",
        right: false,
        cell: |r| r.metric.to_string(),
    },
    Column {
        header: "by",
        right: false,
        cell: |r| r.by.clone(),
    },
    Column {
        header: "group",
        right: false,
        cell: |r| r.group.clone(),
    },
    Column {
        header: "period",
        right: false,
        cell: |r| r.period.clone().unwrap_or_default(),
    },
    Column {
        header: "value",
        right: true,
        cell: |r| human_value(r.value, r.unit),
    },
    Column {
        header: "ci",
        right: true,
        cell: |r| interval(r),
    },
    Column {
        header: "numerator",
        right: true,
        cell: |r| r.numerator.map(quantity).unwrap_or_default(),
    },
    Column {
        header: "denominator",
        right: true,
        cell: |r| r.denominator.map(quantity).unwrap_or_default(),
    },
    Column {
        header: "benchmark",
        right: true,
        cell: benchmark_range,
    },
    Column {
        header: "status",
        right: false,
        cell: judgement,
    },
];

pub fn write(
    out: &mut dyn Write,
    rows: &[Row],
    summary: Option<&Summary>,
    style: Style,
    format: super::Format,
) -> io::Result<()> {
    let shown = shown_columns(rows);
    let footer = summary.map(Summary::footer).unwrap_or_default();
    if format == super::Format::Markdown {
        let grid = grid(rows);
        return super::markdown::write_grid(out, &grid.columns, &grid.cells, &grid.right, &footer);
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(shown.iter().map(|c| c.header));
    if style.terminal {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    if style.color {
        table.enforce_styling();
    }
    for row in rows {
        table.add_row(shown.iter().map(|c| {
            let text = (c.cell)(row);
            let cell = comfy_table::Cell::new(&text);
            match (style.color, c.header) {
                (true, "status") => cell.fg(colour(row)),
                _ => cell,
            }
        }));
    }
    for (index, column) in shown.iter().enumerate() {
        if let (true, Some(c)) = (column.right, table.column_mut(index)) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    for line in footer {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The table's columns with something in them (and the core ones).
fn shown_columns(rows: &[Row]) -> Vec<&'static Column> {
    let always = ["metric", "group", "value", "numerator", "denominator"];
    (TABLE_COLUMNS.iter())
        .filter(|c| always.contains(&c.header) || rows.iter().any(|r| !(c.cell)(r).is_empty()))
        .collect()
}

/// Rows as the table shows them: its column names, which are numbers (aligned right), and
/// each row's texts.
pub struct Grid {
    pub columns: Vec<String>,
    pub right: Vec<bool>,
    pub cells: Vec<Vec<String>>,
}

/// The table's cells of `rows`, for Markdown and the HTML page.
pub fn grid(rows: &[Row]) -> Grid {
    let shown = shown_columns(rows);
    Grid {
        columns: shown.iter().map(|c| c.header.to_string()).collect(),
        right: shown.iter().map(|c| c.right).collect(),
        cells: (rows.iter())
            .map(|row| shown.iter().map(|c| (c.cell)(row)).collect())
            .collect(),
    }
}

/// Records as a table; a single record is shown one field per line.
pub fn write_cells(
    out: &mut dyn Write,
    columns: &[&str],
    records: &[Vec<super::Cell>],
) -> io::Result<()> {
    let text = super::Cell::for_people;
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    if let [record] = records {
        for (name, cell) in columns.iter().zip(record) {
            table.add_row([name.to_string(), text(cell)]);
        }
    } else {
        table.set_header(columns.iter().copied());
        for record in records {
            table.add_row(record.iter().map(text));
        }
    }
    writeln!(out, "{table}")
}

/// `12.0%–25.3%`: the confidence interval, in the value's unit.
fn interval(row: &Row) -> String {
    row.ci.map_or_else(String::new, |(low, high)| {
        format!(
            "{}–{}",
            human_value(Some(low), row.unit),
            human_value(Some(high), row.unit)
        )
    })
}

/// `15.0%–30.0%`, or `>= 20.0%` for an open range.
fn benchmark_range(row: &Row) -> String {
    row.benchmark
        .as_ref()
        .map_or_else(String::new, |b| match b.high {
            Some(high) => format!(
                "{}–{}",
                human_value(Some(b.low), row.unit),
                human_value(Some(high), row.unit)
            ),
            None => format!(">= {}", human_value(Some(b.low), row.unit)),
        })
}

/// `within, good`: the status and, for cross-sell rates, the rating.
fn judgement(row: &Row) -> String {
    row.benchmark
        .as_ref()
        .map_or_else(String::new, |b| match &b.rating {
            Some(rating) => format!("{}, {rating}", b.status),
            None => b.status.clone(),
        })
}

/// Red below the range, green within, cyan above.
fn colour(row: &Row) -> comfy_table::Color {
    match row.benchmark.as_ref().map(|b| b.status.as_str()) {
        Some("below") => comfy_table::Color::Red,
        Some("above") => comfy_table::Color::Cyan,
        _ => comfy_table::Color::Green,
    }
}

/// Rates as percentages with one decimal, money with two, n/a for no value.
pub fn human_value(value: Option<f64>, unit: Unit) -> String {
    let Some(v) = value else {
        return "n/a".to_string();
    };
    match unit {
        Unit::Rate => format!("{:.1}%", v * 100.0),
        Unit::Money | Unit::Number => format!("{v:.2}"),
        Unit::Count => format!("{v:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans_see_percentages_and_n_a() {
        assert_eq!(human_value(Some(1.0 / 6.0), Unit::Rate), "16.7%");
        assert_eq!(human_value(Some(0.2), Unit::Rate), "20.0%");
        assert_eq!(human_value(Some(301.786_804), Unit::Money), "301.79");
        assert_eq!(human_value(None, Unit::Rate), "n/a");
        assert_eq!(human_value(Some(730.0), Unit::Count), "730");
    }
}
