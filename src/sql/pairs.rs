//! `xsell sql pairs`: the association rules of `xsell pairs` as one statement. Its rows are those
//! `xsell pairs --format csv` prints, in its order: `group_label` (the CSV's `group`),
//! `antecedent`, `consequent`, `count`, `support`, `confidence`, `lift`, `leverage`, `conviction`.
//!
//! Each measure is one division of exact integers (products of counts) converted to doubles, as
//! [`crate::metrics::pairs::Rule`] computes it, so each is the same double; a zero denominator
//! gives NULL (conviction when the confidence is 1, which the CSV leaves empty). The steps:
//! - `lines`: the orders table's columns read; `attrs`, a customer's segment or membership
//!   under `--by segment` or `--by loyalty`;
//! - `scoped`: each (group, basket, item) of the purchase lines of the window, once;
//! - `baskets`, `items`: the baskets of each group, and the baskets holding each item (baskets
//!   of any size);
//! - `paired`, `together`: the items of the baskets of 2 to `--max-basket` items, and the
//!   baskets holding each ordered pair of them;
//! - `measured`, `ranked`: the measures of each rule, and its rank in its group among those the
//!   thresholds keep.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::steps::{attrs, by_values, group_of, line_columns};
use super::{Dialect, Table, bytewise, indent};
use crate::metrics::basket::BasketKind;
use crate::metrics::slice::Dim;

/// The rules to list, as `xsell pairs` takes them.
#[derive(Clone, Debug)]
pub struct PairsQuery {
    /// The orders table, as the engine names it.
    pub orders: Table,
    /// The customers table, whose segments and loyalty flags win over the lines'.
    pub customers: Option<Table>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub basket: BasketKind,
    /// Items are categories, not products.
    pub categories: bool,
    /// The dimensions of `--by`, in their order.
    pub by: Vec<Dim>,
    pub min_support: f64,
    pub min_count: u64,
    pub min_confidence: f64,
    pub min_lift: f64,
    /// Only rules with this antecedent (`--for`).
    pub antecedent: Option<String>,
    /// Rules per group; 0 for all.
    pub top: usize,
    /// Baskets with more distinct items add no pairs.
    pub max_basket: usize,
}

/// The statement that lists the rules of `query` in `dialect`.
pub fn render_pairs(query: &PairsQuery, d: Dialect) -> Result<String> {
    if query.by.contains(&Dim::CampaignType) {
        bail!(
            "pairs can be split by segment, loyalty, channel, category, campaign or column:NAME, \
             not by campaign-type"
        );
    }
    // An empty category is the category "", shown as (none).
    let (item, reads) = line_columns(query.categories, &query.by, d);
    let mut steps = vec![(
        "lines".to_string(),
        format!(
            "SELECT order_id, customer_id, order_date AS d, {item} AS item, amount{}\nFROM {}",
            by_values(&query.by, d),
            query.orders.from(d, &reads)
        ),
    )];
    let given = query.customers.as_ref();
    steps.extend(attrs(&query.by, d, given));
    let (group, join) = match query.by.is_empty() {
        false => group_of(&query.by),
        true => ("'all'".to_string(), String::new()),
    };
    let basket = match query.basket {
        BasketKind::Order => "order_id",
        BasketKind::Customer => "customer_id",
    };
    steps.push((
        "scoped".to_string(),
        format!(
            "SELECT DISTINCT {group} AS group_label, l.{basket} AS basket, l.item\nFROM lines \
             l{join}\nWHERE l.amount > 0{}",
            window(query.from, query.to)
        ),
    ));
    steps.push((
        "baskets".to_string(),
        "SELECT group_label, COUNT(DISTINCT basket) AS n FROM scoped GROUP BY group_label".into(),
    ));
    steps.push((
        "items".to_string(),
        "SELECT group_label, item, COUNT(*) AS n FROM scoped GROUP BY group_label, item".into(),
    ));
    // A basket's size by a window, not a join: PostgreSQL, which cannot estimate the rows of
    // a step read twice, joined such steps in nested loops (minutes on 200,000 lines).
    steps.push((
        "paired".to_string(),
        format!(
            "SELECT group_label, basket, item FROM (\n    SELECT group_label, basket, item, \
             COUNT(*) OVER (PARTITION BY group_label, basket) AS k FROM scoped\n) AS s\nWHERE k \
             BETWEEN 2 AND {}",
            query.max_basket
        ),
    ));
    let only = match &query.antecedent {
        Some(item) => format!("\nWHERE a.item = {}", d.string(item)),
        None => String::new(),
    };
    steps.push((
        "together".to_string(),
        format!(
            "SELECT a.group_label, a.item AS antecedent, c.item AS consequent, COUNT(*) AS n\n\
             FROM paired a JOIN paired c ON c.group_label = a.group_label AND c.basket = a.basket \
             AND c.item <> a.item{only}\nGROUP BY a.group_label, a.item, c.item"
        ),
    ));
    steps.push(("measured".to_string(), measured(d)));
    steps.push(("ranked".to_string(), ranked(query, d)));
    let with: Vec<String> = (steps.iter())
        .map(|(name, body)| format!("{name} AS (\n{}\n)", indent(body)))
        .collect();
    let top = match query.top {
        0 => String::new(),
        n => format!("\nWHERE pos <= {n}"),
    };
    let shown = |column: &str| format!("CASE WHEN {column} = '' THEN '(none)' ELSE {column} END");
    Ok(format!(
        "WITH\n{}\nSELECT group_label, {} AS antecedent, {} AS consequent, n AS count, support, \
         confidence, lift, leverage, conviction\nFROM ranked{top}\nORDER BY {}, pos;\n",
        with.join(",\n"),
        shown("antecedent"),
        shown("consequent"),
        bytewise(d, "group_label"),
    ))
}

/// ` AND` the line's date in `--from`..=`--to`; nothing without them.
fn window(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let date = |d: NaiveDate| format!("DATE '{}'", d.format("%Y-%m-%d"));
    let mut text = String::new();
    if let Some(from) = from {
        text += &format!(" AND l.d >= {}", date(from));
    }
    if let Some(to) = to {
        text += &format!(" AND l.d <= {}", date(to));
    }
    text
}

/// Each rule's measures, as [`crate::metrics::pairs::Rule`] defines them: with `n` the baskets
/// holding both, `a` and `c` those holding the antecedent and the consequent, `b` the baskets,
/// support = n / b, confidence = n / a, lift = n·b / (a·c), leverage = (n·b − a·c) / b²,
/// conviction = (b − c)·a / (b·(a − n)).
fn measured(d: Dialect) -> String {
    let ratio = |n: &str, q: &str| {
        format!(
            "CAST({n} AS {double}) / NULLIF(CAST({q} AS {double}), 0)",
            double = d.double()
        )
    };
    format!(
        "SELECT t.group_label, t.antecedent, t.consequent, t.n,\n    {} AS support,\n    {} AS \
         confidence,\n    {} AS lift,\n    {} AS leverage,\n    {} AS conviction\nFROM together \
         t\nJOIN baskets b ON b.group_label = t.group_label\nJOIN items ia ON ia.group_label = \
         t.group_label AND ia.item = t.antecedent\nJOIN items ic ON ic.group_label = \
         t.group_label AND ic.item = t.consequent",
        ratio("t.n", "b.n"),
        ratio("t.n", "ia.n"),
        ratio("t.n * b.n", "ia.n * ic.n"),
        ratio("t.n * b.n - ia.n * ic.n", "b.n * b.n"),
        ratio("(b.n - ic.n) * ia.n", "b.n * (ia.n - t.n)"),
    )
}

/// The rules the thresholds keep, each with its rank in its group: by lift, then count (both
/// highest first), then antecedent and consequent (byte by byte, as xsell compares names).
fn ranked(query: &PairsQuery, d: Dialect) -> String {
    let mut keep = Vec::new();
    if query.min_count > 1 {
        keep.push(format!("n >= {}", query.min_count));
    }
    // A threshold as the double xsell compares with: its shortest text, read by the engine.
    for (measure, min) in [
        ("support", query.min_support),
        ("confidence", query.min_confidence),
        ("lift", query.min_lift),
    ] {
        if min > 0.0 {
            keep.push(format!("{measure} >= CAST('{min:?}' AS {})", d.double()));
        }
    }
    let keep = match keep.is_empty() {
        true => String::new(),
        false => format!("\nWHERE {}", keep.join(" AND ")),
    };
    format!(
        "SELECT m.*, ROW_NUMBER() OVER (PARTITION BY group_label ORDER BY lift DESC, n DESC, {}, \
         {}) AS pos\nFROM measured m{keep}",
        bytewise(d, "antecedent"),
        bytewise(d, "consequent")
    )
}
