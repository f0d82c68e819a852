//! Group labels: the text of a dimension's value, quoted where it could be misread.

use super::Dim;
use super::dim::{NONE, UNKNOWN};
use crate::input::Book;
use crate::input::book::Interner;

/// `mainstream/email`: a group's label, the values of `dims` in the order given, taken from
/// `line` (the order-line dimensions' values, in order) and `customer` (the customer
/// dimensions').
pub fn group_label(
    book: &Book,
    types: Option<&Interner>,
    dims: &[Dim],
    line: &[u32],
    customer: &[u32],
) -> String {
    let (mut line, mut customer) = (line.iter(), customer.iter());
    let parts: Vec<String> = dims
        .iter()
        .map(|dim| {
            let from = if dim.is_customer() {
                &mut customer
            } else {
                &mut line
            };
            value_label(book, types, dim, from.next().copied().unwrap_or(NONE))
        })
        .collect();
    parts.join("/")
}

/// The label part of a dimension's value (`Dim::CampaignType` names come from `types`).
pub fn value_label(book: &Book, types: Option<&Interner>, dim: &Dim, value: u32) -> String {
    if value == NONE {
        return label_part("");
    }
    if value == UNKNOWN {
        return "(unknown)".to_string();
    }
    let text = match dim {
        Dim::Segment => book.segments.name(value),
        Dim::Loyalty => {
            return if value == 1 { "member" } else { "non-member" }.to_string();
        }
        Dim::Channel => book.channels.name(value),
        Dim::Category => book.categories.name(value),
        Dim::Campaign => book.campaigns.name(value),
        Dim::CampaignType => types.map_or("", |t| t.name(value)),
        Dim::Column(_) => book.extras.name(value),
    };
    label_part(text)
}

/// A group label part: `(none)` for an empty value; quoted when it holds the separator `/` or
/// a quote, or reads like a label xsell makes itself (`(none)`, `(unknown)`, `all`).
pub fn label_part(value: &str) -> String {
    if value.is_empty() {
        "(none)".to_string()
    } else if value.contains(['/', '"']) || matches!(value, "(none)" | "(unknown)" | "all") {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_the_separator_unambiguous() {
        assert_eq!(label_part(""), "(none)");
        assert_eq!(label_part("email"), "email");
        assert_eq!(label_part("a/b"), "\"a/b\"");
        assert_eq!(label_part("say \"hi\"/x"), "\"say \"\"hi\"\"/x\"");
    }
}
