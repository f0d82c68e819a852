//! The human view: a comfy-table with rates as percentages and a footer on what was read.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width, presets};

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
    /// Notes on how the values were judged (a benchmark left out, and why): on stderr and
    /// under the table.
    pub remarks: Vec<String>,
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
        lines.extend(self.remarks.iter().cloned());
        lines
    }
}

/// Whether tables fit themselves to the terminal's width, wrapping long cells: set by the
/// command when the output goes to standard output and that is a terminal (never for `-o
/// FILE` or a pipe, where lines are as wide as they need).
static FIT: AtomicBool = AtomicBool::new(false);

/// Tables fit the terminal's width from now on, or not.
pub fn fit_to_terminal(on: bool) {
    FIT.store(on, Ordering::Relaxed);
}

/// A table in xsell's style, fitting the terminal when [`fit_to_terminal`] says so.
pub fn new_table() -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    if FIT.load(Ordering::Relaxed) {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    table
}

/// Numbers are never broken across lines when a table fits the terminal: each column whose
/// `right` is true (numbers) is at least as wide as its widest cell (its header may wrap);
/// the text columns take the wrapping, at spaces where they can. A table wider than the
/// terminal drops the spaces that pad its cells first (one column of separator between cells
/// instead of three). A table that cannot fit even so (a cohort matrix of 24 months) is
/// printed whole, as wide as it is: `less -S` pages it.
fn keep_numbers_whole(table: &mut Table, rows: &[Vec<String>], right: impl Fn(usize) -> bool) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let Some(width) = table.width().filter(|_| FIT.load(Ordering::Relaxed)) else {
        return;
    };
    let width = usize::from(width);
    let natural: usize = (table.column_max_content_widths().iter())
        .map(|&w| usize::from(w) + 3)
        .sum::<usize>()
        + 1;
    if natural <= width {
        return;
    }
    // The narrowest the table can be: numbers whole, text at its longest word (a longer one
    // is cut, at TEXT_CUT), no padding.
    const TEXT_CUT: usize = 10;
    let narrowest = |index: usize| {
        let cells = rows.iter().filter_map(|row| row.get(index));
        match right(index) {
            true => cells.map(|c| c.chars().count()).max().unwrap_or(0),
            false => (cells.flat_map(|c| c.split_whitespace()))
                .map(|word| word.chars().count().min(TEXT_CUT))
                .max()
                .unwrap_or(0),
        }
    };
    let least: usize = (0..columns).map(|i| narrowest(i) + 1).sum::<usize>() + 1;
    if least > width {
        table.set_content_arrangement(ContentArrangement::Disabled);
        return;
    }
    for index in 0..columns {
        if let Some(column) = table.column_mut(index) {
            column.set_padding((0, 0));
        }
    }
    for index in (0..columns).filter(|&i| right(i)) {
        let widest = (rows.iter())
            .filter_map(|row| row.get(index))
            .map(|cell| cell.chars().count())
            .max()
            .unwrap_or(0);
        if let Some(column) = table.column_mut(index) {
            let width = u16::try_from(widest).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
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
    let mut table = new_table();
    table.set_header(columns);
    for row in rows {
        table.add_row(row);
    }
    keep_numbers_whole(&mut table, rows, |i| i >= left);
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
    let mut table = new_table();
    table.set_header(shown.iter().map(|c| c.header));
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
    let texts: Vec<Vec<String>> = (rows.iter())
        .map(|row| shown.iter().map(|c| (c.cell)(row)).collect())
        .collect();
    keep_numbers_whole(&mut table, &texts, |i| shown[i].right);
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
    let mut table = new_table();
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

    /// The table of `rows` (the first column text, the others numbers) on a terminal of
    /// `width` columns, as printed.
    fn on_terminal(rows: &[Vec<String>], width: u16) -> String {
        fit_to_terminal(true);
        let mut table = new_table();
        table.set_width(width);
        for row in rows {
            table.add_row(row);
        }
        keep_numbers_whole(&mut table, rows, |i| i > 0);
        fit_to_terminal(false);
        table.to_string()
    }

    #[test]
    fn a_table_fits_the_terminal_without_breaking_a_number() {
        let row = |name: &str| {
            let mut row = vec![name.to_string()];
            row.extend(
                [
                    "131254.76",
                    "88.9%–94.5%",
                    "12592.28",
                    "1042.3%",
                    "15.0%–30.0%",
                ]
                .map(String::from),
            );
            row
        };
        let rows = vec![row("campaign-cross-sell rate of the window"), row("aov")];
        let text = on_terminal(&rows, 70);
        assert!(text.lines().all(|l| l.chars().count() <= 70), "{text}");
        for number in [
            "131254.76",
            "88.9%–94.5%",
            "12592.28",
            "1042.3%",
            "15.0%–30.0%",
        ] {
            assert_eq!(text.matches(number).count(), 2, "{number} whole: {text}");
        }
        // Thirty numbers cannot fit 60 columns whole: the table is printed as wide as it is.
        let wide = vec![(0..30).map(|i| format!("{i:>6}")).collect::<Vec<_>>()];
        let text = on_terminal(&wide, 60);
        assert!(text.lines().any(|l| l.chars().count() > 60), "{text}");
        assert!(text.contains("    29"), "{text}");
    }

    #[test]
    fn humans_see_percentages_and_n_a() {
        assert_eq!(human_value(Some(1.0 / 6.0), Unit::Rate), "16.7%");
        assert_eq!(human_value(Some(0.2), Unit::Rate), "20.0%");
        assert_eq!(human_value(Some(301.786_804), Unit::Money), "301.79");
        assert_eq!(human_value(None, Unit::Rate), "n/a");
        assert_eq!(human_value(Some(730.0), Unit::Count), "730");
    }
}
