//! The tables a statement reads: their names as the engine names them, and their columns
//! that have other names than the canonical ones (`--map`, `--campaigns-map`,
//! `--customers-map`).

use anyhow::{Result, bail};

use super::Dialect;
use crate::input::Spec;

/// Whose columns a table holds: order lines', campaigns' or customers'.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Of {
    Orders,
    Campaigns,
    Customers,
}

impl Of {
    /// The canonical columns, the options that name the table and map its columns, and a
    /// map's example.
    fn specs(self) -> (&'static [Spec], &'static str, &'static str, &'static str) {
        use crate::input::{campaigns, customers, orders};
        match self {
            Of::Orders => (orders::SPECS, "--orders-table", "--map", "amount=net_total"),
            Of::Campaigns => (
                campaigns::SPECS,
                "--campaigns-table",
                "--campaigns-map",
                "cost=spend",
            ),
            Of::Customers => (
                customers::SPECS,
                "--customers-table",
                "--customers-map",
                "segment=tier",
            ),
        }
    }
}

/// A table as the engine names it (`sales.orders`), and its columns that have other names than
/// the canonical ones (`--map amount=net_total`).
#[derive(Clone, Debug)]
pub struct Table {
    pub(super) name: String,
    /// Canonical name, the table's column.
    pub(super) map: Vec<(String, String)>,
}

impl Table {
    /// The table `name` of `of`'s columns, which `map` (`canonical=column` pairs) names
    /// otherwise; refused when the name or a pair does not read as one.
    pub fn mapped(name: &str, map: &[String], of: Of) -> Result<Table> {
        let (specs, table_option, option, example) = of.specs();
        if !is_table_name(name) {
            bail!(
                "{table_option} {name:?}: expected a table name, optionally qualified \
                 (sales.{}) and quoted as the engine quotes",
                table_option
                    .trim_start_matches('-')
                    .trim_end_matches("-table")
            );
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for pair in map {
            let Some((canonical, column)) = pair.split_once('=') else {
                bail!("{option} {pair:?}: expected canonical=column, e.g. {option} {example}");
            };
            let canonical = crate::input::normalize(canonical);
            let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
            if !names.contains(&canonical.as_str()) {
                bail!(
                    "{option} {pair:?}: {canonical:?} is not a column it maps; its columns: {}",
                    names.join(", ")
                );
            }
            let column = column.trim();
            if column.is_empty() || column.contains(['\n', '\r']) {
                bail!("{option} {pair:?}: expected a column's name after =");
            }
            if pairs.iter().any(|(c, _)| *c == canonical) {
                bail!("{option} {pair:?}: {canonical} is mapped already; give it once");
            }
            pairs.push((canonical, column.to_string()));
        }
        Ok(Table {
            name: name.to_string(),
            map: pairs,
        })
    }

    /// The table's name, as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// [`Table::mapped`] when a table is named; a map without its table is refused.
    pub fn given(name: Option<&str>, map: &[String], of: Of) -> Result<Option<Table>> {
        let (_, table_option, option, _) = of.specs();
        match name {
            Some(name) => Table::mapped(name, map, of).map(Some),
            None if !map.is_empty() => {
                bail!("{option} maps the columns of {table_option}: give the table too")
            }
            None => Ok(None),
        }
    }

    /// The table read in a statement's FROM, which reads the columns `reads` of it (canonical
    /// names, or a `column:NAME` dimension's column as the statement writes it). Under `--map`,
    /// a query over the table that selects those columns, each mapped one under its canonical
    /// name: never `SELECT *` beside them, which would make a mapped name ambiguous in a table
    /// that also has a column of that name (`--map amount=net_total` over a table with its
    /// own `amount`).
    pub fn from(&self, d: Dialect, reads: &[impl AsRef<str>]) -> String {
        if self.map.is_empty() {
            return self.name.clone();
        }
        let mut selected: Vec<String> = Vec::new();
        for read in reads.iter().map(AsRef::as_ref) {
            // A canonical name may come quoted (`--by column:channel` reads `"channel"`).
            let mapped = (self.map.iter()).find(|(c, _)| c == read || d.ident(c) == read);
            let column = match mapped {
                Some((canonical, column)) => format!("{} AS {canonical}", column_name(d, column)),
                None => read.to_string(),
            };
            if !selected.contains(&column) {
                selected.push(column);
            }
        }
        format!(
            "(SELECT {} FROM {}) AS mapped",
            selected.join(", "),
            self.name
        )
    }
}

/// A column's name as the engine reads it: bare when it is a plain lower-case name (which every
/// engine reads in its own case rules, as a table created without quotes names it), quoted
/// otherwise (`"Net Total"`, `"OrderID"`: the name as written).
pub(super) fn column_name(d: Dialect, name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    match plain {
        true => name.to_string(),
        false => d.ident(name),
    }
}

/// Whether `name` reads as a table's name: parts split by dots, each a bare name (letters,
/// digits, `_`, `$`) or one quoted whole in `"`, backticks or brackets, with no quote inside.
fn is_table_name(name: &str) -> bool {
    let bare = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    let quoted = |part: &str| {
        [('"', '"'), ('`', '`'), ('[', ']')]
            .iter()
            .any(|&(open, close)| {
                part.len() > 2
                    && part.starts_with(open)
                    && part.ends_with(close)
                    && bare(&part[1..part.len() - 1].replace([' ', '-'], "_"))
            })
    };
    name.split('.').all(|part| bare(part) || quoted(part))
}
