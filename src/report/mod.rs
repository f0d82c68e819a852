//! What is done with the metrics' rows before they are printed: confidence intervals, industry
//! benchmarks, ordering (`--sort`, `--top`) and the `--fail-under` check of cron jobs.

pub mod benchmarks;
pub mod compare;
pub mod stats;

use crate::metrics::row::{ALL, Judgement};
use crate::metrics::slice::PeriodKind;
use crate::metrics::{Metric, Quantity, Row};
use benchmarks::Benchmarks;

/// The counts of a proportion row: (successes, trials), when the successes do not exceed the
/// trials (a campaign may report more conversions than impressions: no interval then).
pub fn proportion(row: &Row) -> Option<(u64, u64)> {
    match (row.numerator, row.denominator) {
        (Some(Quantity::Count(k)), Some(Quantity::Count(n)))
            if Metric::from_name(row.metric).is_some_and(Metric::is_proportion) && k <= n =>
        {
            Some((k, n))
        }
        _ => None,
    }
}

/// Adds the Wilson score interval at two-sided quantile `z` to every proportion row.
pub fn add_intervals(rows: &mut [Row], z: f64) {
    for row in rows {
        row.ci = proportion(row).and_then(|(k, n)| stats::wilson(k, n, z));
    }
}

/// Holds every row that has a value and a benchmark for `industry` against it, when it is
/// measured over a period the range applies to (`measured`: the `--period`, or `None` for the
/// whole window). Returns a note for each metric whose range does not apply, saying why and
/// how to get a comparable figure.
pub fn judge(
    rows: &mut [Row],
    table: &Benchmarks,
    industry: &str,
    measured: Option<PeriodKind>,
) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for row in rows {
        let (Some(value), Some(b)) = (row.value, table.find(row.metric, industry)) else {
            continue;
        };
        // Under --period, a row of the whole window (retention's pooled row) is measured over
        // the window.
        let measured = measured.filter(|_| row.period.is_some());
        if !b.applies_to(measured) {
            let note = format!(
                "note: {}'s benchmark and rating are left empty: the {} range is for a rate \
                 measured per {} (a month's rate in the published example), and this one is \
                 measured over {}; --period month gives rates to hold to it",
                row.metric,
                b.industry,
                b.period_text(),
                match measured {
                    Some(kind) => format!("each {}", kind.name()),
                    None => "the whole window".to_string(),
                }
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
            continue;
        }
        row.benchmark = Some(Judgement {
            low: b.low,
            high: b.high,
            status: benchmarks::status(value, b).label().to_string(),
            rating: benchmarks::rated(row.metric)
                .then(|| benchmarks::rating(value).label().to_string()),
        });
    }
    notes
}

/// How groups are ordered under each `all` row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// By group label (the default).
    #[default]
    Group,
    /// By value, highest first; n/a last.
    Value,
}

/// Orders the groups that follow each `all` row by `sort` and keeps the first `top` of them.
/// A group's rows (retention's periods) move together; its first row's value is its key.
pub fn order(rows: Vec<Row>, sort: SortBy, top: Option<usize>) -> Vec<Row> {
    if sort == SortBy::Group && top.is_none() {
        return rows;
    }
    // Runs of consecutive rows of one metric family and group: a group's rows (retention's
    // periods, a CLV and its factors).
    let family = |row: &Row| row.metric.split('.').next().unwrap_or(row.metric);
    let mut units: Vec<Vec<Row>> = Vec::new();
    for row in rows {
        match units.last_mut() {
            Some(unit)
                if family(&unit[0]) == family(&row)
                    && unit[0].group == row.group
                    && unit[0].by == row.by
                    && unit[0].period == row.period =>
            {
                unit.push(row)
            }
            _ => units.push(vec![row]),
        }
    }
    let mut out = Vec::new();
    let mut block: Vec<Vec<Row>> = Vec::new();
    let flush = |block: &mut Vec<Vec<Row>>, out: &mut Vec<Row>| {
        if sort == SortBy::Value {
            block.sort_by(|a, b| {
                let key = |u: &Vec<Row>| u[0].value.unwrap_or(f64::NEG_INFINITY);
                key(b)
                    .total_cmp(&key(a))
                    .then_with(|| a[0].group.cmp(&b[0].group))
            });
        }
        block.truncate(top.unwrap_or(usize::MAX));
        out.extend(block.drain(..).flatten());
    };
    for unit in units {
        if unit[0].group == ALL && unit[0].by.is_empty() {
            flush(&mut block, &mut out);
            out.extend(unit);
        } else {
            block.push(unit);
        }
    }
    flush(&mut block, &mut out);
    out
}

/// What `--fail-under` holds the values against.
#[derive(Clone, Debug, PartialEq)]
pub enum Threshold {
    /// A fraction for rates, an amount for money metrics.
    Value(f64),
    /// The low end of each row's industry benchmark.
    Benchmark,
}

/// The rows that fall short of `threshold`; n/a never does.
pub fn shortfalls<'a>(rows: &'a [Row], threshold: &Threshold) -> Vec<&'a Row> {
    rows.iter()
        .filter(|row| Metric::from_name(row.metric).is_some()) // not formula factors
        .filter(|row| match (threshold, row.value) {
            (_, None) => false,
            (Threshold::Value(limit), Some(v)) => v < *limit,
            (Threshold::Benchmark, Some(_)) => {
                row.benchmark.as_ref().is_some_and(|b| b.status == "below")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(metric: &'static str, group: &str, value: Option<f64>) -> Row {
        let mut r = Row::rate(metric, group, 0, Some(0));
        r.value = value;
        if group != ALL {
            r.by = "segment".into();
        }
        r
    }

    fn groups(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| format!("{}:{}", r.metric, r.group))
            .collect()
    }

    #[test]
    fn order_sorts_groups_under_each_all_row_and_keeps_the_top() {
        let rows = vec![
            row("cross-sell", ALL, Some(0.5)),
            row("cross-sell", "a", Some(0.2)),
            row("cross-sell", "b", None),
            row("cross-sell", "c", Some(0.9)),
            row("aov", ALL, Some(10.0)),
            row("aov", "a", Some(5.0)),
            row("aov", "b", Some(7.0)),
        ];
        let sorted = order(rows.clone(), SortBy::Value, None);
        assert_eq!(
            groups(&sorted),
            [
                "cross-sell:all",
                "cross-sell:c",
                "cross-sell:a",
                "cross-sell:b",
                "aov:all",
                "aov:b",
                "aov:a"
            ]
        );
        let top = order(rows.clone(), SortBy::Value, Some(1));
        assert_eq!(
            groups(&top),
            ["cross-sell:all", "cross-sell:c", "aov:all", "aov:b"]
        );
        assert_eq!(order(rows.clone(), SortBy::Group, None), rows);
    }

    #[test]
    fn a_metric_and_its_factors_move_together() {
        // CLV rows with their factor rows: groups rank by the CLV, and each keeps its factors.
        let rows = vec![
            row("clv", ALL, Some(6.0)),
            row("clv.aov", ALL, Some(50.0)),
            row("clv", "a", Some(5.0)),
            row("clv.aov", "a", Some(100.0)),
            row("clv", "b", Some(7.0)),
            row("clv.aov", "b", Some(1.0)),
        ];
        let sorted = order(rows, SortBy::Value, Some(1));
        assert_eq!(
            groups(&sorted),
            ["clv:all", "clv.aov:all", "clv:b", "clv.aov:b"]
        );
    }

    #[test]
    fn periods_rank_their_groups_apart() {
        let mut rows = Vec::new();
        for (period, a, b) in [("2025-01", 0.1, 0.9), ("2025-02", 0.8, 0.2)] {
            for (group, value) in [(ALL, 0.5), ("a", a), ("b", b)] {
                let mut r = row("retention", group, Some(value));
                r.period = Some(period.into());
                rows.push(r);
            }
        }
        let top = order(rows, SortBy::Value, Some(1));
        let picked: Vec<String> = top
            .iter()
            .map(|r| format!("{}:{}", r.period.as_deref().unwrap_or(""), r.group))
            .collect();
        assert_eq!(
            picked,
            ["2025-01:all", "2025-01:b", "2025-02:all", "2025-02:a"]
        );
    }

    #[test]
    fn intervals_only_for_proportions_within_their_trials() {
        let mut rows = vec![
            Row::rate("cross-sell", ALL, 100, Some(500)),
            Row::rate("conversion", "C1", 30, Some(20)),
            Row::money_per("aov", ALL, crate::money::Money::units(10), 2),
        ];
        add_intervals(&mut rows, 1.959_963_985);
        // Wilson 95% for 100/500, by hand: centre (0.2 + 1.96²/1000) / (1 + 1.96²/500) = 0.202290,
        // half-width 1.96 * sqrt(0.2*0.8/500 + 1.96²/1_000_000) / 1.007683 = 0.035002.
        let (low, high) = rows[0].ci.unwrap();
        assert!(
            (low - 0.167_29).abs() < 1e-5 && (high - 0.237_29).abs() < 1e-5,
            "{low} {high}"
        );
        assert_eq!(rows[1].ci, None);
        assert_eq!(rows[2].ci, None);
    }

    #[test]
    fn shortfalls_ignore_n_a() {
        let rows = vec![
            row("cross-sell", ALL, Some(0.05)),
            row("cross-sell", "a", None),
            row("cross-sell", "b", Some(0.2)),
        ];
        let short = shortfalls(&rows, &Threshold::Value(0.1));
        assert_eq!(
            groups(&short.into_iter().cloned().collect::<Vec<_>>()),
            ["cross-sell:all"]
        );
    }
}
