//! Building nodes from parsed parts, with the checks of their kinds: a chain of `and`, `or`, `+`
//! or `*` kept one node, `in` lists of texts made sets.

use super::parse::{ParseError, Spanned, err};
use super::{Kind, Node};
use crate::input::date;

/// `x in (...)`: a set of texts when `x` is a text and every item a text that is no date (a
/// lookup a row, however long the list), else the items compared one by one.
pub(super) fn in_list(x: Node, list: Vec<Node>) -> Node {
    let texts: Option<rustc_hash::FxHashSet<String>> = (list.iter())
        .map(|item| match item {
            Node::Text(t) if crate::input::date::parse_ymd(t).is_none() => Some(t.clone()),
            _ => None,
        })
        .collect();
    match texts {
        Some(set) if x.kind() == Kind::Text => Node::InTexts(Box::new(x), set),
        _ => Node::In(Box::new(x), list),
    }
}

pub(super) fn negate(node: Node, negated: bool) -> Node {
    if negated {
        Node::Not(Box::new(node))
    } else {
        node
    }
}

pub(super) fn logic(
    (a, aat): Spanned,
    (b, bat): Spanned,
    join: fn(Vec<Node>) -> Node,
) -> Result<Spanned, ParseError> {
    for (node, at) in [(&a, aat), (&b, bat)] {
        if node.kind() != Kind::Bool {
            return err("and / or join conditions, such as x = 'a'", at);
        }
    }
    Ok((flat(a, b, join), (aat.0, bat.1)))
}

/// `a` and `b` joined by the operation `join` makes (and, or, +, *), a chain kept one node:
/// `a and b and c` is And([a, b, c]), so that a long chain is no deep tree.
fn flat(a: Node, b: Node, join: fn(Vec<Node>) -> Node) -> Node {
    let same = std::mem::discriminant(&a) == std::mem::discriminant(&join(Vec::new()));
    let mut items = match a {
        Node::And(v) | Node::Or(v) | Node::Add(v) | Node::Mul(v) if same => v,
        a => vec![a],
    };
    items.push(b);
    join(items)
}

pub(super) fn number_operand(node: &Node, at: (usize, usize)) -> Result<(), ParseError> {
    match node {
        Node::Text(_) => err(
            "arithmetic on a quoted text; numbers are written bare: 2.5",
            at,
        ),
        _ if node.kind() == Kind::Bool => err("arithmetic on a condition", at),
        _ => Ok(()),
    }
}

pub(super) fn arithmetic(
    (a, aat): Spanned,
    (b, bat): Spanned,
    join: fn(Vec<Node>) -> Node,
) -> Result<Spanned, ParseError> {
    number_operand(&a, aat)?;
    number_operand(&b, bat)?;
    Ok((flat(a, b, join), (aat.0, bat.1)))
}

/// An error when `node` is a text value shaped as a date (`'2024-02-30'`) that no calendar has:
/// compared as text it would quietly give another answer.
pub(super) fn no_impossible_date((node, at): &Spanned) -> Result<(), ParseError> {
    match node {
        Node::Text(t) if date::ymd_shape(t) && date::parse_ymd(t).is_none() => {
            err(format!("'{t}' is no calendar date"), *at)
        }
        _ => Ok(()),
    }
}
