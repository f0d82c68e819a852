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

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_value, run, table};
    use super::super::{Metric, Settings, Window};

    const LINES: [&str; 10] = [
        "O1 U1 2025-01-15 P1 a 10 - n",
        "O2 U1 2025-02-03 P1 a 10 - n",
        "O3 U1 2025-04-02 P1 a 10 - n",
        "O4 U2 2025-01-15 P1 a 10 - n", // two orders on one day are two orders
        "O5 U2 2025-01-15 P2 a 10 - n",
        "O6 U3 2025-02-10 P1 a 10 - n",
        "O7 U3 2025-03-10 P1 a 10 - n",
        "O8 U4 2025-03-11 P1 a -10 - n", // a return is no order
        "O9 U5 2025-02-20 P1 a 10 - n",
        "O10 U1 2025-02-04 P2 a 10 - n",
    ];

    #[test]
    fn retention_keeps_month_over_month_customers() {
        let rows = run(Metric::Retention, Settings::default(), &LINES, &[]);
        let want = [
            ("", "2", "6"),        // pooled: (1 + 1 + 0) / (2 + 3 + 1)
            ("2025-02", "1", "2"), // January: U1, U2; of them U1 again in February
            ("2025-03", "1", "3"), // February: U1, U3, U5; U3 again in March
            ("2025-04", "0", "1"), // March: U3 (U4 only returned); nobody in April
        ];
        let got = table(&rows);
        let got: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|r| (r.1.as_str(), r.3.as_str(), r.4.as_str()))
            .collect();
        assert_eq!(got, want);
        assert_value(rows[0].value, Some(2.0 / 6.0));
    }

    #[test]
    fn retention_lists_every_month_even_without_orders() {
        let window = Window {
            from: Some("2026-01-01".parse().unwrap()),
            to: Some("2026-03-31".parse().unwrap()),
        };
        let rows = run(
            Metric::Retention,
            Settings {
                window,
                ..Settings::default()
            },
            &LINES,
            &[],
        );
        let periods: Vec<Option<&str>> = rows.iter().map(|r| r.period.as_deref()).collect();
        assert_eq!(periods, [None, Some("2026-02"), Some("2026-03")]);
        assert!(rows.iter().all(|r| r.value.is_none()));
    }

    #[test]
    fn repeat_rate_counts_customers_with_two_orders() {
        // U1: 4 orders, U2: 2 (same day), U3: 2, U5: 1; U4 has none.
        let rows = run(Metric::RepeatRate, Settings::default(), &LINES, &[]);
        assert_eq!(
            table(&rows),
            [("all".into(), "".into(), Some(0.75), "3".into(), "4".into())]
        );
    }
}
