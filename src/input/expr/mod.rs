//! Expressions over a row's cells: derived columns (`--derive amount='quantity * price'`) and
//! row filters (`--where "status not in ('voided', 'refunded')"`).
//!
//! The syntax, as `--help` (of --derive and --where) and the README describe it:
//! - a column is a bare name (`quantity`, `Customer_ID`) or in double quotes
//!   (`"Lineitem price"`, a quote inside written `""`); a text value is in single quotes
//!   (`'voided'`); a number is written bare (`2`, `0.5`);
//! - arithmetic `+ - *` on numbers is exact: a cell is read as the amounts are (`--decimal-comma`,
//!   `--thousands`, `--currency`); an empty cell makes the result empty;
//! - `coalesce(a, b, ...)` is the first value that is not empty; `strip_suffix(x, '.0')` drops a
//!   suffix when it is there; `round(x, places)` rounds half to even; `column('A', 'B')` is the
//!   first of these columns the file has (for layouts that name a column differently);
//! - conditions: `=`, `!=` (or `<>`), `<`, `<=`, `>`, `>=`; `x [not] in (v, ...)`;
//!   `x is [not] empty`; `x [not] starts with 'text'`; `and`, `or`, `not` and parentheses.
//!   A comparison with a number compares numbers, and is false when the cell is empty; with a
//!   date written `YYYY-MM-DD` it compares dates; otherwise it compares texts, exactly (case
//!   and all), an empty cell being the text `''`.

mod build;
mod lex;
mod number;
mod parse;

use chrono::NaiveDate;

pub(crate) use number::{Decimal, NumberError};
pub(crate) use parse::parse;

/// A parsed expression, its columns resolved to their positions in the file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Column(usize),
    Text(String),
    Number(Decimal),
    Coalesce(Vec<Node>),
    StripSuffix(Box<Node>, String),
    Round(Box<Node>, u32),
    /// A sum or product of two terms or more (a subtraction adds a [`Node::Neg`]); a chain is one
    /// node, not a deep tree.
    Add(Vec<Node>),
    Mul(Vec<Node>),
    Neg(Box<Node>),
    Compare(Cmp, Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>),
    /// `x in ('a', 'b', ...)` of a text and texts: looked up in a set.
    InTexts(Box<Node>, rustc_hash::FxHashSet<String>),
    IsEmpty(Box<Node>),
    StartsWith(Box<Node>, Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a node gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    Bool,
}

/// What an expression reads from the current row.
pub(crate) trait Cells {
    /// The trimmed text of the file's column `index`.
    fn text(&self, index: usize) -> Result<&str, EvalError>;
    /// `text` as a number, written as the amounts are.
    fn number(&self, text: &str) -> Result<Decimal, NumberError>;
    fn date(&self, text: &str) -> Option<NaiveDate>;
}

/// A cell an expression cannot use: the file's column (`None` for a value written in the
/// expression), its value and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EvalError {
    pub column: Option<usize>,
    pub value: String,
    pub expected: String,
}

impl Node {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Node::Column(_) | Node::Text(_) | Node::StripSuffix(..) => Kind::Text,
            Node::Coalesce(args) if args.iter().all(|a| a.kind() == Kind::Text) => Kind::Text,
            Node::Number(_) | Node::Coalesce(_) | Node::Round(..) => Kind::Number,
            Node::Add(..) | Node::Mul(..) | Node::Neg(_) => Kind::Number,
            _ => Kind::Bool,
        }
    }

    /// The longest path from this node to a leaf, in nodes.
    pub(crate) fn depth(&self) -> usize {
        let children: Vec<&Node> = match self {
            Node::Column(_) | Node::Text(_) | Node::Number(_) => Vec::new(),
            Node::Coalesce(args) | Node::Add(args) | Node::Mul(args) => args.iter().collect(),
            Node::And(args) | Node::Or(args) => args.iter().collect(),
            Node::In(x, list) => std::iter::once(x.as_ref()).chain(list).collect(),
            Node::StripSuffix(x, _) | Node::Round(x, _) | Node::Neg(x) => vec![x],
            Node::IsEmpty(x) | Node::Not(x) | Node::InTexts(x, _) => vec![x],
            Node::Compare(_, a, b) | Node::StartsWith(a, b) => vec![a, b],
        };
        1 + children.iter().map(|c| c.depth()).max().unwrap_or(0)
    }

    /// The file's columns the node reads, added to `out` once each.
    pub(crate) fn columns(&self, out: &mut Vec<usize>) {
        if let Node::Column(i) = self {
            if !out.contains(i) {
                out.push(*i);
            }
            return;
        }
        let mut each = |n: &Node| n.columns(out);
        match self {
            Node::Column(_) | Node::Text(_) | Node::Number(_) => {}
            Node::Coalesce(args) | Node::Add(args) | Node::Mul(args) => args.iter().for_each(each),
            Node::And(args) | Node::Or(args) => args.iter().for_each(each),
            Node::In(x, list) => {
                each(x);
                list.iter().for_each(each);
            }
            Node::StripSuffix(x, _) | Node::Round(x, _) | Node::Neg(x) => each(x),
            Node::IsEmpty(x) | Node::Not(x) | Node::InTexts(x, _) => each(x),
            Node::Compare(_, a, b) | Node::StartsWith(a, b) => {
                each(a);
                each(b);
            }
        }
    }

    /// The text of a text node; `""` when empty.
    pub(crate) fn text<'a>(&'a self, cells: &'a impl Cells) -> Result<&'a str, EvalError> {
        Ok(match self {
            Node::Column(i) => cells.text(*i)?,
            Node::Text(text) => text,
            Node::Coalesce(args) => {
                for arg in args {
                    let text = arg.text(cells)?;
                    if !text.is_empty() {
                        return Ok(text);
                    }
                }
                ""
            }
            Node::StripSuffix(x, suffix) => {
                let text = x.text(cells)?;
                text.strip_suffix(suffix.as_str()).unwrap_or(text)
            }
            // A number or a condition is not asked for as text: parsing checks kinds.
            _ => "",
        })
    }

    /// The number of a node, `None` when it is empty (an empty cell, or arithmetic on one).
    pub(crate) fn number(&self, cells: &impl Cells) -> Result<Option<Decimal>, EvalError> {
        let inexact = |value: String, e: NumberError| EvalError {
            column: self.first_column(),
            value,
            expected: match e {
                NumberError::Decimals => "a result with at most 18 decimals",
                _ => "a result small enough for exact arithmetic",
            }
            .to_string(),
        };
        Ok(match self {
            Node::Number(n) => Some(*n),
            Node::Coalesce(args) => {
                for arg in args {
                    if let Some(n) = arg.number(cells)? {
                        return Ok(Some(n));
                    }
                }
                None
            }
            Node::Round(x, places) => x.number(cells)?.map(|n| n.round(*places).0),
            Node::Neg(x) => x.number(cells)?.map(Decimal::neg),
            Node::Add(terms) | Node::Mul(terms) => {
                // Every term is read (a bad cell is an error even beside an empty one).
                let numbers = (terms.iter())
                    .map(|t| t.number(cells))
                    .collect::<Result<Vec<_>, _>>()?;
                let Some(numbers) = numbers.into_iter().collect::<Option<Vec<_>>>() else {
                    return Ok(None);
                };
                let mut result = numbers[0];
                for &y in &numbers[1..] {
                    let next = match self {
                        Node::Add(_) => result.add(y),
                        _ => result.mul(y),
                    };
                    result = next.map_err(|e| inexact(format!("{result} and {y}"), e))?;
                }
                Some(result)
            }
            _ => {
                let text = self.text(cells)?;
                if text.is_empty() {
                    return Ok(None);
                }
                let number = cells.number(text).map_err(|e| EvalError {
                    column: self.first_column(),
                    value: text.to_string(),
                    expected: match e {
                        NumberError::Syntax => "a number, written as the amounts are",
                        NumberError::Decimals => "a number with at most 18 decimals",
                        NumberError::Overflow => "a number of at most 38 digits",
                    }
                    .to_string(),
                })?;
                Some(number)
            }
        })
    }

    /// Whether a condition holds for the current row.
    pub(crate) fn holds(&self, cells: &impl Cells) -> Result<bool, EvalError> {
        Ok(match self {
            Node::And(all) => {
                for c in all {
                    if !c.holds(cells)? {
                        return Ok(false);
                    }
                }
                true
            }
            Node::Or(any) => {
                for c in any {
                    if c.holds(cells)? {
                        return Ok(true);
                    }
                }
                false
            }
            Node::Not(x) => !x.holds(cells)?,
            Node::IsEmpty(x) => match x.kind() {
                Kind::Text => x.text(cells)?.is_empty(),
                _ => x.number(cells)?.is_none(),
            },
            Node::StartsWith(x, prefix) => x.text(cells)?.starts_with(prefix.text(cells)?),
            Node::Compare(cmp, a, b) => compare(a, b, cells)?.is_some_and(|o| cmp.holds(o)),
            Node::InTexts(x, set) => set.contains(x.text(cells)?),
            Node::In(x, list) => {
                for item in list {
                    if compare(x, item, cells)? == Some(std::cmp::Ordering::Equal) {
                        return Ok(true);
                    }
                }
                false
            }
            _ => false,
        })
    }

    /// The first column the node reads, to name in an error.
    fn first_column(&self) -> Option<usize> {
        let mut columns = Vec::new();
        self.columns(&mut columns);
        columns.first().copied()
    }
}

impl Cmp {
    fn holds(self, order: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => order == Equal,
            Cmp::Ne => order != Equal,
            Cmp::Lt => order == Less,
            Cmp::Le => order != Greater,
            Cmp::Gt => order == Greater,
            Cmp::Ge => order != Less,
        }
    }
}

/// How `a` compares with `b`: as numbers when either is one (`None` when either is empty), as
/// dates when either is a date value (`'2024-03-05'`), else as texts.
fn compare(
    a: &Node,
    b: &Node,
    cells: &impl Cells,
) -> Result<Option<std::cmp::Ordering>, EvalError> {
    if a.kind() == Kind::Number || b.kind() == Kind::Number {
        let (Some(x), Some(y)) = (a.number(cells)?, b.number(cells)?) else {
            return Ok(None);
        };
        return Ok(x.partial_cmp(&y));
    }
    let date_value = |n: &Node| match n {
        Node::Text(t) => crate::input::date::parse_ymd(t),
        _ => None,
    };
    if date_value(a).is_some() || date_value(b).is_some() {
        let date = |n: &Node| -> Result<Option<NaiveDate>, EvalError> {
            if let Some(d) = date_value(n) {
                return Ok(Some(d));
            }
            let text = n.text(cells)?;
            if text.is_empty() {
                return Ok(None);
            }
            cells.date(text).map(Some).ok_or_else(|| EvalError {
                column: n.first_column(),
                value: text.to_string(),
                expected: "a date, to compare with a date".to_string(),
            })
        };
        let (Some(x), Some(y)) = (date(a)?, date(b)?) else {
            return Ok(None);
        };
        return Ok(Some(x.cmp(&y)));
    }
    Ok(Some(a.text(cells)?.cmp(b.text(cells)?)))
}

#[cfg(test)]
mod tests;
