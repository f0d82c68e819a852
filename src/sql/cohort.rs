//! `xsell sql cohort`: the cohorts of `xsell cohort` as one statement. Its rows are the tidy
//! rows `xsell cohort --format csv` prints, in its order: `cohort`, `k`, `period`, `value`,
//! `numerator`, `denominator`, one per cohort and period from the cohort's own (k = 0) to the
//! last period measured.
//!
//! A period is its first day until it is labelled. The steps:
//! - `lines`: the orders table's columns read; `span`, the data's first and last date;
//! - `measured`: the first and last period measured: the whole periods of the window, up to the
//!   period where the data ends (a period that `--from` or `--to` cuts, with data on its other
//!   side, is left out, as xsell leaves it out with a note);
//! - `firsts`, `sizes`: each customer's cohort (the period of their first purchase line, over
//!   every line), and each cohort's customers;
//! - `active`: the cohorts with a customer who has a line in the window; `listed`, the cohorts
//!   shown: those of the periods measured, and the earlier ones still active;
//! - `win`, `periods`: every period from the oldest cohort listed to the last measured, numbered;
//! - `activity`: per cohort and period, its customers with a purchase line there, or its net
//!   revenue (returns included).

use anyhow::Result;
use chrono::NaiveDate;

use super::{Dialect, Table, indent};
use crate::metrics::cohort::Measure;
use crate::metrics::slice::PeriodKind;

/// The cohorts to list, as `xsell cohort` takes them.
#[derive(Clone, Debug)]
pub struct CohortQuery {
    /// The orders table, as the engine names it.
    pub orders: Table,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub period: PeriodKind,
    pub measure: Measure,
}

/// The statement that lists the cohorts of `query` in `dialect`.
pub fn render_cohort(query: &CohortQuery, d: Dialect) -> Result<String> {
    let unit = query.period;
    let start = |date: &str| d.period_start(unit, date);
    let date = |day: NaiveDate| format!("DATE '{}'", day.format("%Y-%m-%d"));
    // The window's lines: `--from` and `--to` as given (a cut period's lines are in it).
    let mut window = Vec::new();
    if let Some(from) = query.from {
        window.push(format!("l.d >= {}", date(from)));
    }
    if let Some(to) = query.to {
        window.push(format!("l.d <= {}", date(to)));
    }
    let first_p = match query.from {
        Some(from) => {
            let (f, p) = (date(from), start(&date(from)));
            format!(
                "CASE WHEN {f} > s.dmin AND {p} < {f} THEN {} ELSE {} END",
                d.add_periods(unit, &p, 1),
                start(&format!("GREATEST({f}, s.dmin)"))
            )
        }
        None => start("s.dmin"),
    };
    let last_p = match query.to {
        Some(to) => {
            let (t, p) = (date(to), start(&date(to)));
            format!(
                "CASE WHEN {t} < s.dmax AND {} = {p} THEN {} ELSE {} END",
                start(&d.next_day(&t)),
                d.add_periods(unit, &p, -1),
                start(&format!("LEAST({t}, s.dmax)"))
            )
        }
        None => start("s.dmax"),
    };
    let (numerator, mut kept) = match query.measure {
        Measure::Customers => (
            "COUNT(DISTINCT customer_id)",
            vec!["l.amount > 0".to_string()],
        ),
        Measure::Revenue => ("SUM(amount)", Vec::new()),
    };
    kept.extend(window.iter().cloned());
    let steps = [
        (
            "lines",
            format!(
                "SELECT customer_id, order_date AS d, amount\nFROM {}",
                query
                    .orders
                    .from(d, &["customer_id", "order_date", "amount"])
            ),
        ),
        (
            "span",
            "SELECT MIN(d) AS dmin, MAX(d) AS dmax FROM lines".to_string(),
        ),
        (
            "measured",
            format!("SELECT {first_p} AS first_p,\n    {last_p} AS last_p\nFROM span s"),
        ),
        (
            "firsts",
            format!(
                "SELECT customer_id, {} AS cohort_day FROM lines WHERE amount > 0 GROUP BY \
                 customer_id",
                start("MIN(d)")
            ),
        ),
        (
            "sizes",
            "SELECT cohort_day, COUNT(*) AS size FROM firsts GROUP BY cohort_day".to_string(),
        ),
        (
            "active",
            format!(
                "SELECT DISTINCT f.cohort_day FROM lines l JOIN firsts f ON f.customer_id = \
                 l.customer_id{}",
                conditions(&window)
            ),
        ),
        (
            "listed",
            "SELECT z.cohort_day, z.size\nFROM sizes z CROSS JOIN measured m LEFT JOIN active a \
             ON a.cohort_day = z.cohort_day\nWHERE m.first_p <= m.last_p AND z.cohort_day <= \
             m.last_p AND (z.cohort_day >= m.first_p OR a.cohort_day IS NOT NULL)"
                .to_string(),
        ),
        (
            "win",
            "SELECT MIN(c.cohort_day) AS lo, MIN(m.last_p) AS hi FROM listed c CROSS JOIN \
             measured m"
                .to_string(),
        ),
        (
            "periods",
            format!(
                "SELECT p, ROW_NUMBER() OVER (ORDER BY p) AS i FROM (\n{}\n) AS s",
                indent(&d.periods(unit, "lo", "hi"))
            ),
        ),
        (
            "activity",
            format!(
                "SELECT cohort_day, p, {numerator} AS n FROM (\n    SELECT f.cohort_day, {} AS \
                 p, l.customer_id, l.amount\n    FROM lines l JOIN firsts f ON f.customer_id = \
                 l.customer_id{}\n) AS a\nGROUP BY cohort_day, p",
                start("l.d"),
                conditions(&kept)
            ),
        ),
    ];
    let double = d.double();
    let value = match query.measure {
        Measure::Customers => {
            format!("CAST(COALESCE(a.n, 0) AS {double}) / NULLIF(CAST(c.size AS {double}), 0)")
        }
        // The amount in ten-thousandths over ten thousand times the customers: one division of
        // exact integers, the double xsell computes.
        Measure::Revenue => format!(
            "CAST(CAST(COALESCE(a.n, 0) * 10000 AS BIGINT) AS {double}) / NULLIF(CAST(c.size * \
             10000 AS {double}), 0)"
        ),
    };
    let with: Vec<String> = (steps.iter())
        .map(|(name, body)| format!("{name} AS (\n{}\n)", indent(body)))
        .collect();
    // Periods before the window: no value, no numerator.
    let before = "pp.p < m.first_p";
    Ok(format!(
        "WITH\n{}\nSELECT {} AS cohort, pp.i - pc.i AS k, {} AS period,\n    CASE WHEN {before} \
         THEN NULL ELSE {value} END AS value,\n    CASE WHEN {before} THEN NULL ELSE \
         COALESCE(a.n, 0) END AS numerator,\n    c.size AS denominator\nFROM listed c\nJOIN \
         periods pc ON pc.p = c.cohort_day\nJOIN periods pp ON pp.p >= c.cohort_day\nCROSS JOIN \
         measured m\nLEFT JOIN activity a ON a.cohort_day = c.cohort_day AND a.p = pp.p\nORDER \
         BY c.cohort_day, pp.p;\n",
        with.join(",\n"),
        d.period_label(unit, "c.cohort_day"),
        d.period_label(unit, "pp.p"),
    ))
}

/// `\nWHERE` the conditions joined by AND; nothing without any.
fn conditions(conditions: &[String]) -> String {
    match conditions.is_empty() {
        true => String::new(),
        false => format!("\nWHERE {}", conditions.join(" AND ")),
    }
}
