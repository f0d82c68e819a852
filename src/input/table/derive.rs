//! `--derive` and `--where`: canonical columns computed from the file's columns, and the
//! conditions a row must meet to be read (see [`crate::input::expr`] for the syntax).

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::Table;
use crate::input::expr::{Cells, Decimal, EvalError, Kind, Node, NumberError, parse};
use crate::input::header::{nearest, normalize};
use crate::input::{ColumnMap, FieldError, PresetOrigin};
use crate::money::{Money, MoneyError};

/// The expressions of one file, resolved against its header.
#[derive(Clone, Debug, Default)]
pub(super) struct Derived {
    /// Per spec: the expression that gives the column, and its text.
    columns: Vec<Option<(Node, String)>>,
    /// `--where` conditions, and their texts.
    filters: Vec<(Node, String)>,
    /// The file's columns that the derived columns read.
    reads: Vec<usize>,
    /// What a preset gave, for messages.
    pub(super) preset: Option<PresetOrigin>,
}

impl Derived {
    pub(super) fn reads(&self) -> impl Iterator<Item = usize> + '_ {
        self.reads.iter().copied()
    }

    /// The file's columns that the `--where` conditions read, added to `out`.
    pub(super) fn filter_reads(&self, out: &mut Vec<usize>) {
        for (node, _) in &self.filters {
            node.columns(out);
        }
    }

    /// The text of the expression that gives column `spec`, if it is derived.
    pub(super) fn source(&self, spec: usize) -> Option<&str> {
        self.column(spec).map(|(_, text)| text.as_str())
    }

    fn column(&self, spec: usize) -> Option<&(Node, String)> {
        self.columns.get(spec).and_then(Option::as_ref)
    }

    /// The option that gave derived column `name`, as a message names it.
    pub(super) fn derive_option(&self, name: &str, text: &str) -> String {
        let from = PresetOrigin::note(&self.preset, Some(name), None);
        format!("--derive {name}={text}{from}")
    }

    /// The option that gave condition `n`, as a message names it.
    fn where_option(&self, n: usize, text: &str) -> String {
        let from = PresetOrigin::note(&self.preset, None, Some(n));
        format!("--where {text}{from}")
    }
}

impl Table {
    /// A name in an expression: a header as written, or as [`normalize`]d, or a canonical
    /// column (mapped, or derived before it).
    fn resolve(&self, name: &str) -> Result<Node, String> {
        let header = (self.headers.iter().position(|h| h == name))
            .or_else(|| (self.headers.iter()).position(|h| normalize(h) == normalize(name)));
        if let Some(index) = header {
            return Ok(Node::Column(index));
        }
        let spec = self.specs.iter().position(|s| s.name == normalize(name));
        match spec.map(|spec| (self.columns[spec], self.derived.column(spec))) {
            Some((Some(index), _)) => return Ok(Node::Column(index)),
            Some((None, Some((node, _)))) => return Ok(node.clone()),
            _ => {}
        }
        let hint = nearest(&normalize(name), &self.headers)
            .map(|h| format!(" (did you mean {h:?}?)"))
            .unwrap_or_default();
        let quote = if name.contains(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            ""
        } else {
            "; a name with spaces or punctuation is written in double quotes"
        };
        Err(format!(
            "the file has no column {name:?}{hint}; its columns: {}{quote}",
            crate::input::header::listed(&self.headers)
        ))
    }

    /// Compiles the `--derive` expressions of `map` against this file's header.
    pub(super) fn derive(&mut self, map: &ColumnMap) -> Result<()> {
        self.derived.columns = vec![None; self.specs.len()];
        for (spec, s) in self.specs.iter().enumerate() {
            let Some(text) = map.derived(s.name) else {
                continue;
            };
            let from = PresetOrigin::note(&self.derived.preset, Some(s.name), None);
            let node = parse(text, &|name| self.resolve(name)).map_err(|e| {
                let (file, name) = (&self.name, s.name);
                anyhow::anyhow!("{file}: --derive {name}{from}: {}", e.render(text))
            })?;
            let numeric = s.name == "amount";
            if node.kind() == Kind::Bool || (node.kind() == Kind::Number && !numeric) {
                bail!(
                    "{}: {}: {} takes a text: a column, coalesce(...) or strip_suffix(...); only \
                     amount is computed with arithmetic",
                    self.name,
                    self.derived.derive_option(s.name, text),
                    s.name
                );
            }
            // A plain column (`column('Invoice', 'InvoiceNo')`) is read as a mapped one is.
            if let Node::Column(index) = node {
                self.columns[spec] = Some(index);
                continue;
            }
            node.columns(&mut self.derived.reads);
            self.derived.columns[spec] = Some((node, text.to_string()));
        }
        Ok(())
    }

    /// `--where`: only rows for which each of `conditions` holds are read.
    pub fn filter(&mut self, conditions: &[String]) -> Result<()> {
        for (n, text) in conditions.iter().enumerate() {
            let from = PresetOrigin::note(&self.derived.preset, None, Some(n));
            let node = parse(text, &|name| self.resolve(name))
                .map_err(|e| anyhow::anyhow!("{}: --where{from}: {}", self.name, e.render(text)))?;
            if node.kind() != Kind::Bool {
                bail!(
                    "{}: {}: expected a condition, such as \"Financial Status\" != 'voided' or \
                     quantity > 0",
                    self.name,
                    self.derived.where_option(n, text)
                );
            }
            self.derived.filters.push((node, text.clone()));
        }
        Ok(())
    }

    pub(super) fn is_derived(&self, spec: usize) -> bool {
        self.derived.column(spec).is_some()
    }

    /// The text of the derived column `spec`; `None` when it is not derived.
    pub(super) fn derived_text(&self, spec: usize) -> Result<Option<&str>, FieldError> {
        let Some((node, text)) = self.derived.column(spec) else {
            return Ok(None);
        };
        node.text(self).map(Some).map_err(|e| {
            let option = self.derived.derive_option(self.specs[spec].name, text);
            self.eval_error(e, &option)
        })
    }

    /// The first of the `--where` conditions that the current row fails, if one does.
    pub fn left_out(&self) -> Result<Option<usize>, FieldError> {
        for (n, (node, text)) in self.derived.filters.iter().enumerate() {
            let holds = node
                .holds(self)
                .map_err(|e| self.eval_error(e, &self.derived.where_option(n, text)))?;
            if !holds {
                return Ok(Some(n));
            }
        }
        Ok(None)
    }

    /// The amount in column `spec`, computed when `--derive` gives it with arithmetic, rounded
    /// as `--round-amounts` says; whether rounding changed it.
    pub fn amount(&self, spec: usize) -> Result<(Money, bool), FieldError> {
        let Some((node, text)) =
            (self.derived.column(spec)).filter(|(n, _)| n.kind() == Kind::Number)
        else {
            return self.required_amount(spec);
        };
        let number = node.number(self).map_err(|e| {
            let option = self.derived.derive_option(self.specs[spec].name, text);
            self.eval_error(e, &option)
        })?;
        let Some(number) = number else {
            let expected = "a value (the column is required; an empty cell in the expression \
                            leaves it empty, unless coalesce(cell, 0) says otherwise)";
            return Err(self.invalid(spec, "", expected));
        };
        let (number, rounded) = match self.money.round {
            Some(places) => number.round(places),
            None => (number, false),
        };
        let money = number.to_money().map_err(|e| {
            let expected = match e {
                MoneyError::Precision => format!(
                    "at most 4 decimals, but the result has {}: xsell does not round money \
                     unless told; wrap the expression in round(..., 2), or use --round-amounts 2",
                    number.decimals()
                ),
                _ => e.expected().to_string(),
            };
            self.invalid(spec, &number.to_string(), &expected)
        })?;
        Ok((money, rounded))
    }

    fn eval_error(&self, e: EvalError, option: &str) -> FieldError {
        let column = (e.column)
            .and_then(|i| self.headers.get(i).cloned())
            .unwrap_or_else(|| "(a value written in the expression)".to_string());
        self.cell_error(column, e.value, format!("{} (in {option})", e.expected))
    }
}

impl Cells for Table {
    fn text(&self, index: usize) -> Result<&str, EvalError> {
        self.column(index).map_err(|e| EvalError {
            column: Some(index),
            value: e.value,
            expected: e.expected,
        })
    }

    fn number(&self, text: &str) -> Result<Decimal, NumberError> {
        if self.money == crate::money::MoneyFormat::default() {
            return Decimal::parse(text);
        }
        let plain = self.money.plain(text).map_err(|_| NumberError::Syntax)?;
        Decimal::parse(&plain)
    }

    fn date(&self, text: &str) -> Option<NaiveDate> {
        self.dates.parse(text)
    }
}
