//! The order KPIs' steps: each shape of the registry ([`Sql`]) as its numerator and denominator
//! per group and period.

use super::{Dialect, Query, campaigns::per_campaign, indent};
use crate::metrics::registry::{Distinct, Sql};
use crate::metrics::slice::Dim;
use crate::metrics::value::DAYS_PER_YEAR;

/// The steps that compute a KPI of shape `sql`, the last named `name`: its numerator and
/// denominator per cell (group and period), or for retention its own rows.
pub(super) fn measure(sql: Sql, name: &str, query: &Query, d: Dialect) -> Vec<(String, String)> {
    let distinct = |what: Distinct| match what {
        Distinct::Items => "item",
        Distinct::Orders => "order_id",
        Distinct::Customers => "customer_id",
    };
    let one = |body: String| vec![(name.to_string(), body)];
    match sql {
        // By category, a category's buyers are counted by the categories of all their lines
        // (of the period) in the group with every category (`wide`: '' under `--by category`
        // alone, `web` under `--by channel --by category`; `all` for the `all` row).
        Sql::AtLeastTwo(Distinct::Items) if query.widens() => one(
            "SELECT s.group_label, s.period, COUNT(CASE WHEN w.n >= 2 THEN 1 END) AS numerator, \
             COUNT(*) AS denominator\nFROM (\n    SELECT DISTINCT group_label, period, wide, \
             customer_id FROM scoped WHERE amount > 0\n) AS s\nJOIN (\n    SELECT wide, period, \
             customer_id, COUNT(DISTINCT item) AS n\n    FROM scoped WHERE amount > 0\n    GROUP BY wide, \
             period, customer_id\n) AS w ON w.wide = s.wide AND w.period = s.period AND \
             w.customer_id = s.customer_id\nGROUP BY s.group_label, s.period"
                .into(),
        ),
        Sql::AtLeastTwo(what) => one(format!(
            "SELECT group_label, period, COUNT(CASE WHEN n >= 2 THEN 1 END) AS numerator, \
             COUNT(*) AS denominator\nFROM (\n    SELECT group_label, period, customer_id, \
             COUNT(DISTINCT {}) AS n\n    FROM scoped WHERE amount > 0\n    GROUP BY \
             group_label, period, customer_id\n) AS per_customer\nGROUP BY group_label, period",
            distinct(what)
        )),
        Sql::RevenuePer(what) => one(format!(
            "SELECT group_label, period, SUM(amount) AS numerator, COUNT(DISTINCT CASE WHEN \
             amount > 0 THEN {} END) AS denominator\nFROM scoped GROUP BY group_label, period",
            distinct(what)
        )),
        Sql::MemberCrossSell => member_cross_sell(name, query),
        Sql::Retention => retention(name, query, d),
        Sql::PerCampaign(kpi) => per_campaign(kpi, name),
        Sql::Not => unreachable!("refused by check"),
    }
}

/// loyalty-cross-sell: members' orders (non-members' too in the groups of `--by loyalty`),
/// each marked when a line of it in the scope buys a category first bought that day, after an
/// earlier first day; history is every line.
fn member_cross_sell(name: &str, query: &Query) -> Vec<(String, String)> {
    let counted = match query.by.contains(&Dim::Loyalty) {
        true => "mem.member = 1 OR s.by_label IS NOT NULL",
        false => "mem.member = 1",
    };
    vec![
        // The day each customer first bought each category, and first bought anything,
        // over every line (history).
        (
            format!("{name}_firsts"),
            "SELECT customer_id, cat, MIN(d) AS first_d FROM lines WHERE amount > 0 GROUP \
             BY customer_id, cat"
                .into(),
        ),
        (
            format!("{name}_buyers"),
            "SELECT customer_id, MIN(d) AS first_d FROM lines WHERE amount > 0 GROUP BY \
             customer_id"
                .into(),
        ),
        // Members' orders (non-members' too in the groups of --by loyalty), each marked when a line of it in the scope buys a new category after a first day.
        (
            format!("{name}_orders"),
            format!(
                "SELECT s.group_label, s.period, s.order_id, MAX(CASE WHEN f.first_d = s.d \
                 AND b.first_d < s.d THEN 1 ELSE 0 END) AS cross_sold\nFROM scoped s\n\
                 JOIN members mem ON mem.customer_id = s.customer_id\nJOIN {name}_firsts \
                 f ON f.customer_id = s.customer_id AND f.cat = s.cat\nJOIN {name}_buyers \
                 b ON b.customer_id = s.customer_id\nWHERE s.amount > 0 AND ({counted})\nGROUP BY \
                 s.group_label, s.period, s.order_id"
            ),
        ),
        (
            name.to_string(),
            format!(
                "SELECT group_label, period, SUM(cross_sold) AS numerator, COUNT(*) AS \
                 denominator\nFROM {name}_orders GROUP BY group_label, period"
            ),
        ),
    ]
}

/// retention: per unit period after the window's first, the customers with orders in the unit
/// before who ordered again, every group in every unit; then each group's pooled row.
fn retention(name: &str, query: &Query, d: Dialect) -> Vec<(String, String)> {
    let unit = query.unit();
    vec![
        // The unit periods of the window, numbered.
        (
            format!("{name}_units"),
            format!(
                "SELECT {} AS unit, ROW_NUMBER() OVER (ORDER BY p) AS k\nFROM (\n{}\n) \
                 AS s",
                d.period_label(unit, "p"),
                indent(&d.periods(unit, "lo", "hi"))
            ),
        ),
        (
            format!("{name}_ordered"),
            format!(
                "SELECT DISTINCT s.group_label, u.k, s.customer_id\nFROM scoped s JOIN \
                 {name}_units u ON u.unit = s.unit WHERE s.amount > 0"
            ),
        ),
        // Of the customers with an order in unit k - 1, those with one in k too.
        (
            format!("{name}_kept"),
            format!(
                "SELECT a.group_label, a.k + 1 AS k, COUNT(b.customer_id) AS numerator, \
                 COUNT(*) AS denominator\nFROM {name}_ordered a LEFT JOIN {name}_ordered \
                 b ON b.group_label = a.group_label AND b.k = a.k + 1 AND b.customer_id \
                 = a.customer_id\nGROUP BY a.group_label, a.k"
            ),
        ),
        // Every group in every unit after the first, also those without orders.
        (
            format!("{name}_each"),
            format!(
                "SELECT g.group_label, g.by_label, u.unit AS period, \
                 COALESCE(kept.numerator, 0) AS numerator, COALESCE(kept.denominator, \
                 0) AS denominator\nFROM retained g CROSS JOIN {name}_units u\nLEFT JOIN \
                 {name}_kept kept ON kept.group_label = g.group_label AND kept.k = u.k\n\
                 WHERE u.k > 1"
            ),
        ),
        // Then the pooled row of each group: no period.
        (
            name.to_string(),
            format!(
                "SELECT group_label, by_label, period, numerator, denominator FROM \
                 {name}_each\nUNION ALL\nSELECT g.group_label, g.by_label, CAST(NULL AS \
                 {}) AS period, COALESCE(SUM(e.numerator), 0) AS numerator, \
                 COALESCE(SUM(e.denominator), 0) AS denominator\nFROM retained g LEFT JOIN \
                 {name}_each e ON e.group_label = g.group_label\nGROUP BY g.group_label, \
                 g.by_label",
                d.text()
            ),
        ),
    ]
}

/// `clv --clv-model formula`: per cell, the net revenue, the orders and the customers with a
/// purchase line; and in `{name}_days` the days of each period within the window (of the whole
/// window without `--period`), which the purchase frequency is a year's share of.
pub(super) fn clv_formula(name: &str, query: &Query, d: Dialect) -> Vec<(String, String)> {
    let days = match query.period {
        Some(unit) => {
            // From the period's first day, or the window's, to the next period's first day, or
            // the day after the window.
            let from = "GREATEST(ps.p, win.lo)";
            let to = format!(
                "LEAST({}, {})",
                d.add_periods(unit, "ps.p", 1),
                d.next_day("win.hi")
            );
            format!(
                "SELECT {} AS period, {} AS days\nFROM (\n{}\n) AS ps, win",
                d.period_label(unit, "ps.p"),
                d.days_between(from, &to),
                indent(&d.periods(unit, "lo", "hi"))
            )
        }
        None => format!(
            "SELECT '' AS period, {} + 1 AS days FROM win",
            d.days_between("win.lo", "win.hi")
        ),
    };
    vec![
        (format!("{name}_days"), days),
        (
            name.to_string(),
            "SELECT group_label, period, SUM(amount) AS revenue, COUNT(DISTINCT CASE WHEN \
             amount > 0 THEN order_id END) AS orders, COUNT(DISTINCT CASE WHEN amount > 0 THEN \
             customer_id END) AS customers\nFROM scoped GROUP BY group_label, period"
                .into(),
        ),
    ]
}

/// The rows of `clv --clv-model formula` in each cell, as `compute` prints them: `clv` = AOV
/// × purchase frequency × lifespan × margin, then each factor (`clv.aov` with its revenue and
/// orders; `clv.frequency` = orders / customers / (days / 365.25); `clv.window-days`;
/// `clv.lifespan`; `clv.margin`), in the same order of operations, so the same doubles.
pub(super) fn clv_formula_rows(
    name: &str,
    pos: usize,
    (margin, lifespan): (f64, f64),
    query: &Query,
    d: Dialect,
) -> String {
    let double = d.double();
    let period = match query.period {
        Some(_) => "c.period".into(),
        None => format!("CAST(NULL AS {})", d.text()),
    };
    let aov =
        format!("CAST(COALESCE(m.revenue, 0) AS {double}) / NULLIF(COALESCE(m.orders, 0), 0)");
    let frequency = format!(
        "CASE WHEN COALESCE(m.customers, 0) > 0 THEN CAST(m.orders AS {double}) / m.customers \
         / (CAST(t.days AS {double}) / {DAYS_PER_YEAR:?}) END"
    );
    let number = |x: f64| format!("CAST({x:?} AS {double})");
    // Untyped, so that the numerators keep the type of the other rows' (money and counts).
    let none = "NULL".to_string();
    let rows = [
        (
            "clv",
            format!(
                "{aov} * {frequency} * {} * {}",
                number(lifespan),
                number(margin)
            ),
            none.clone(),
            none.clone(),
        ),
        (
            "clv.aov",
            aov.clone(),
            "COALESCE(m.revenue, 0)".into(),
            "COALESCE(m.orders, 0)".into(),
        ),
        (
            "clv.frequency",
            frequency.clone(),
            none.clone(),
            none.clone(),
        ),
        (
            "clv.window-days",
            format!("CAST(t.days AS {double})"),
            none.clone(),
            none.clone(),
        ),
        ("clv.lifespan", number(lifespan), none.clone(), none.clone()),
        ("clv.margin", number(margin), none.clone(), none),
    ];
    let selects: Vec<String> = (rows.iter().enumerate())
        .map(|(sub, (metric, value, numerator, denominator))| {
            format!(
                "SELECT {pos} AS pos, {sub} AS sub, '{metric}' AS metric, c.group_label, \
                 {period} AS period,\n    {value} AS value,\n    {numerator} AS numerator, \
                 {denominator} AS denominator, c.by_label\nFROM cells c LEFT JOIN {name} m ON \
                 m.group_label = c.group_label AND m.period = c.period\nJOIN {name}_days t ON \
                 t.period = c.period\nWHERE c.by_label IS NULL OR m.group_label IS NOT NULL"
            )
        })
        .collect();
    selects.join("\nUNION ALL\n")
}
