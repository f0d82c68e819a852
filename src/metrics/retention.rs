//! Loyalty over time: month-to-month retention and repeat-purchase rate. Both are pure
//! functions of the orders in the window; they need nothing from the lines beyond the book.

use std::collections::{HashMap, HashSet};

use super::Context;
use super::row::{ALL, Row};
use super::window::Month;

/// `retention` for each calendar month P of the window after its first = customers with an order
/// in both P−1 and P / customers with an order in P−1; then a pooled row (sums of numerators and
/// of denominators) with an empty period, first.
pub fn retention(ctx: &Context) -> Vec<Row> {
    let active: HashSet<(u32, Month)> = ctx
        .orders()
        .map(|o| (o.customer, Month::of(o.date)))
        .collect();
    let mut stayed: HashMap<Month, u64> = HashMap::new();
    let mut before: HashMap<Month, u64> = HashMap::new();
    for &(customer, month) in &active {
        *before.entry(month.next()).or_default() += 1;
        if active.contains(&(customer, month.next())) {
            *stayed.entry(month.next()).or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    let (mut numerator, mut denominator) = (0, 0);
    if let Some((first, last)) = ctx.bounds() {
        let (mut month, last) = (Month::of(first).next(), Month::of(last));
        while month <= last {
            let (n, d) = (
                stayed.get(&month).copied().unwrap_or(0),
                before.get(&month).copied().unwrap_or(0),
            );
            numerator += n;
            denominator += d;
            rows.push(Row::rate("retention", ALL, n, Some(d)).in_period(month.label()));
            month = month.next();
        }
    }
    rows.insert(0, Row::rate("retention", ALL, numerator, Some(denominator)));
    rows
}

/// `repeat-rate` = customers with >= 2 orders in the window / customers with >= 1.
pub fn repeat_rate(ctx: &Context) -> Vec<Row> {
    let mut orders_of: HashMap<u32, u32> = HashMap::new();
    for order in ctx.orders() {
        *orders_of.entry(order.customer).or_default() += 1;
    }
    let repeaters = orders_of.values().filter(|&&n| n >= 2).count() as u64;
    vec![Row::rate(
        "repeat-rate",
        ALL,
        repeaters,
        Some(orders_of.len() as u64),
    )]
}
