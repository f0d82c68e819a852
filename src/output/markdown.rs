//! GitHub-flavoured Markdown tables, for documentation, Slack, issues and wikis (`--format
//! markdown`; `xsell metrics --format markdown` is the README's metric table).

use std::io::{self, Write};

use super::Cell;

/// Writes a header row, the alignment row and a row per record. `|` in a cell is escaped and a
/// line break becomes `<br>`, so that every record stays one row; n/a is an empty cell.
pub fn write_cells(out: &mut dyn Write, columns: &[&str], records: &[Vec<Cell>]) -> io::Result<()> {
    let row = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(out, "{}", row(&mut columns.iter().map(|c| escape(c))))?;
    writeln!(out, "|{}", "---|".repeat(columns.len()))?;
    for record in records {
        writeln!(
            out,
            "{}",
            row(&mut record.iter().map(|c| escape(&c.shown())))
        )?;
    }
    Ok(())
}

/// Rows of text as a Markdown table, the columns whose `right` is true aligned right (numbers);
/// then each `footer` line as a paragraph line (a line break at its end).
pub fn write_grid(
    out: &mut dyn Write,
    columns: &[String],
    rows: &[Vec<String>],
    right: &[bool],
    footer: &[String],
) -> io::Result<()> {
    let line = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(out, "{}", line(columns))?;
    let align: Vec<&str> = (0..columns.len())
        .map(|i| match right.get(i) {
            Some(true) => "--:",
            _ => "---",
        })
        .collect();
    writeln!(out, "|{}|", align.join("|"))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    if !footer.is_empty() {
        writeln!(out)?;
        for text in footer {
            writeln!(out, "{}  ", escape(text))?;
        }
    }
    Ok(())
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_table() {
        let mut out = Vec::new();
        let records = vec![
            vec![Cell::Text("`a`".into()), Cell::Number("1".into())],
            vec![Cell::Text("x | y\nz".into()), Cell::Null],
        ];
        write_cells(&mut out, &["name", "value"], &records).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| name | value |\n\
             |---|---|\n\
             | `a` | 1 |\n\
             | x \\| y<br>z |  |\n"
        );
    }
}
