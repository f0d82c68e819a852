//! The human view: a comfy-table with rates as percentages and a footer on what was read.

use std::io::{self, Write};

use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

use super::{COLUMNS, quantity};
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
}

pub fn write(
    out: &mut dyn Write,
    rows: &[Row],
    summary: Option<&Summary>,
    terminal: bool,
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(COLUMNS);
    if terminal {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    for row in rows {
        table.add_row([
            row.metric.to_string(),
            row.group.clone(),
            row.period.clone().unwrap_or_default(),
            human_value(row.value, row.unit),
            row.numerator.map(quantity).unwrap_or_default(),
            row.denominator.map(quantity).unwrap_or_default(),
        ]);
    }
    for column in 3..6 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    if let Some(s) = summary {
        writeln!(
            out,
            "{} lines, {} orders, {} customers from {}; window {}",
            s.lines,
            s.orders,
            s.customers,
            s.files.join(", "),
            s.window
        )?;
    }
    Ok(())
}

/// Rates as percentages with one decimal, money with two, n/a for no value.
fn human_value(value: Option<f64>, unit: Unit) -> String {
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
