//! Loyalty over time: period-to-period retention and repeat-purchase rate, both from the orders
//! with a purchase line in each scope.

use rustc_hash::FxHashMap as HashMap;

use super::row::{ALL, Row};
use super::slice::{PeriodKind, ScopeId};
use super::store::PerScope;
use super::value::Spending;
use super::{Context, Tally};

/// `retention` for each period P of the window after its first (calendar months, or the unit of
/// `--period`) = customers with an order in both P−1 and P / customers with an order in P−1; a
/// pooled row (sums of numerators and of denominators, empty period) comes first, then the rows
/// of each period.
pub fn retention(ctx: &Context, spending: &Spending) -> Vec<Row> {
    let unit = ctx.settings.slicing.period.unwrap_or(PeriodKind::Month);
    // The (scope, period)s of each customer's orders, grouped by customer with a counting sort
    // (customers are dense ids; millions of orders sort slower), then sorted within each
    // customer: a customer's next active period in a scope is their next distinct entry.
    let customers = ctx.book.customers.len();
    let orders = || {
        (spending.orders())
            .filter_map(|(scope, order)| Some((scope, ctx.book.orders.get(order as usize)?)))
            .filter(|(_, order)| (order.customer as usize) < customers)
    };
    let mut ends = vec![0usize; customers + 1];
    for (_, order) in orders() {
        ends[order.customer as usize + 1] += 1;
    }
    for c in 1..ends.len() {
        ends[c] += ends[c - 1];
    }
    // `ends[c]` is where customer c's entries start, until they are placed: then where they end.
    let mut active = vec![(ScopeId::MAIN, 0i32); ends.last().copied().unwrap_or(0)];
    for (scope, order) in orders() {
        let next = &mut ends[order.customer as usize];
        active[*next] = (scope, unit.key(order.date));
        *next += 1;
    }
    // (scope, customer group) → period P → (stayed from P−1, active in P−1)
    let mut tally: Tally<ByPeriod> = Tally::new();
    let mut start = 0;
    for (customer, &end) in (0u32..).zip(&ends) {
        let mine = &mut active[start..end];
        start = end;
        mine.sort_unstable();
        let mut distinct = mine.chunk_by(|a, b| a == b).map(|run| run[0]).peekable();
        while let Some((scope, period)) = distinct.next() {
            let stayed = u64::from(distinct.peek() == Some(&(scope, period + 1)));
            tally.add(ctx, scope, customer, |by_period| {
                let cell = by_period.at(period + 1);
                cell.0 += stayed;
                cell.1 += 1;
            });
        }
    }
    let periods: Vec<i32> = match ctx.bounds() {
        Some((first, last)) => unit.range(first, last).skip(1).collect(),
        None => Vec::new(),
    };
    let labels: Vec<String> = periods.iter().map(|&p| unit.label(p)).collect();
    let mut rows = ctx.rows(&tally, true, |label, cell| {
        let empty = ByPeriod::default();
        let by_period = cell.map_or(&empty, |(_, t)| t);
        let mut rows = Vec::new();
        let (mut numerator, mut denominator) = (0, 0);
        for &p in &periods {
            let (n, d) = by_period.get(p);
            numerator += n;
            denominator += d;
            rows.push(
                Row::rate("retention", ALL, n, Some(d))
                    .labelled(label)
                    .in_period(unit.label(p)),
            );
        }
        rows.insert(
            0,
            Row::rate("retention", ALL, numerator, Some(denominator)).labelled(label),
        );
        rows
    });
    // Period-major, like every other metric: the pooled rows (all, then each group), then each
    // period's rows. The sort is stable, so the groups keep their order within a period.
    let index: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let position = |row: &Row| row.period.as_deref().and_then(|p| index.get(p).copied());
    rows.sort_by_key(|row| position(row).map_or(0, |i| i + 1));
    rows
}

/// Counts per period, in a vector from the earliest period counted: no bigger than the rows
/// the cell gets, one for every period of the window.
#[derive(Debug, Default)]
struct ByPeriod {
    first: i32,
    cells: Vec<(u64, u64)>,
}

impl ByPeriod {
    fn at(&mut self, period: i32) -> &mut (u64, u64) {
        if self.cells.is_empty() {
            self.first = period;
        }
        if period < self.first {
            let before = (self.first - period) as usize;
            self.cells.splice(0..0, std::iter::repeat_n((0, 0), before));
            self.first = period;
        }
        let i = (period - self.first) as usize;
        if i >= self.cells.len() {
            self.cells.resize(i + 1, (0, 0));
        }
        &mut self.cells[i]
    }

    fn get(&self, period: i32) -> (u64, u64) {
        let i = usize::try_from(i64::from(period) - i64::from(self.first));
        i.ok()
            .and_then(|i| self.cells.get(i))
            .copied()
            .unwrap_or((0, 0))
    }
}

/// `repeat-rate` = customers with >= 2 orders in the scope / customers with >= 1.
pub fn repeat_rate(ctx: &Context, spending: &Spending) -> Vec<Row> {
    let mut orders_of: PerScope<u32> = PerScope::with_ids(ctx.book.customers.len());
    for (scope, order) in spending.orders() {
        if let Some(customer) = ctx.book.customer_of(order) {
            orders_of.add_now(scope, customer, 1);
        }
    }
    let mut tally: Tally<(u64, u64)> = Tally::new();
    for (scope, customer, &orders) in orders_of.iter() {
        tally.add(ctx, scope, customer, |(n, d)| {
            *n += u64::from(orders >= 2);
            *d += 1;
        });
    }
    ctx.rows(&tally, false, |label, cell| {
        let (n, d) = cell.map_or((0, 0), |(_, t)| *t);
        vec![Row::rate("repeat-rate", ALL, n, Some(d)).labelled(label)]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_by_period_grow_both_ways() {
        let mut by = super::ByPeriod::default();
        assert_eq!(by.get(5), (0, 0));
        by.at(5).0 += 1;
        by.at(3).1 += 2; // before the first: the vector grows at the front
        by.at(8).0 += 4;
        by.at(5).1 += 1;
        assert_eq!((by.first, by.cells.len()), (3, 6));
        let all: Vec<_> = (2..=9).map(|p| by.get(p)).collect();
        assert_eq!(
            all,
            [
                (0, 0),
                (0, 2),
                (0, 0),
                (1, 1),
                (0, 0),
                (0, 0),
                (4, 0),
                (0, 0)
            ]
        );
    }

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
    fn retention_by_an_order_line_dimension_counts_each_group_on_its_own() {
        use super::super::slice::{Dim, Slicing};
        let lines = [
            "O1 U1 2025-01-15 P1 a 10 - n",
            "O2 U1 2025-02-03 P2 b 10 - n",
            "O3 U1 2025-02-04 P1 a 10 - n",
            "O4 U1 2025-03-02 P1 a 10 - n",
            "O5 U2 2025-01-20 P1 a 10 - n",
            "O6 U2 2025-02-01 P1 a 10 - n",
            "O7 U3 2025-02-10 P2 b 10 - n",
            "O8 U3 2025-03-10 P2 b 10 - n",
        ];
        let settings = Settings {
            slicing: Slicing {
                dims: vec![Dim::Category],
                period: None,
            },
            ..Settings::default()
        };
        let rows = run(Metric::Retention, settings, &lines, &[]);
        let got = table(&rows);
        let got: Vec<(&str, &str, &str, &str)> = got
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.3.as_str(), r.4.as_str()))
            .collect();
        // Active: all Jan {U1 U2}, Feb {U1 U2 U3}, Mar {U1 U3}; category a Jan {U1 U2},
        // Feb {U1 U2}, Mar {U1}; category b Feb {U1 U3}, Mar {U3}.
        let want = [
            ("all", "", "4", "5"),
            ("a", "", "3", "4"),
            ("b", "", "1", "2"),
            ("all", "2025-02", "2", "2"),
            ("a", "2025-02", "2", "2"),
            ("b", "2025-02", "0", "0"),
            ("all", "2025-03", "2", "3"),
            ("a", "2025-03", "1", "2"),
            ("b", "2025-03", "1", "2"),
        ];
        assert_eq!(got, want);
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
