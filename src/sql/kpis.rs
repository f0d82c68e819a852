//! The order KPIs' steps: each shape of the registry ([`Sql`]) as its numerator and denominator
//! per group and period.

use super::{Dialect, Query, campaigns::per_campaign, indent};
use crate::metrics::registry::{Distinct, Sql};
use crate::metrics::slice::Dim;

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
        // (of the period): those of the `all` scope.
        Sql::AtLeastTwo(Distinct::Items) if query.by == Some(Dim::Category) => one(
            "SELECT s.group_label, s.period, COUNT(CASE WHEN w.n >= 2 THEN 1 END) AS numerator, \
             COUNT(*) AS denominator\nFROM (\n    SELECT DISTINCT group_label, period, \
             customer_id FROM scoped WHERE amount > 0\n) AS s\nJOIN (\n    SELECT period, \
             customer_id, COUNT(DISTINCT item) AS n\n    FROM scoped WHERE amount > 0 AND \
             by_label IS NULL\n    GROUP BY period, customer_id\n) AS w ON w.period = s.period \
             AND w.customer_id = s.customer_id\nGROUP BY s.group_label, s.period"
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
        Sql::MemberCrossSell => member_cross_sell(name),
        Sql::Retention => retention(name, query, d),
        Sql::PerCampaign(kpi) => per_campaign(kpi, name),
        Sql::Not => unreachable!("refused by check"),
    }
}

/// loyalty-cross-sell: members' orders (non-members' in the non-member row of `--by loyalty`),
/// each marked when a line of it in the scope buys a category first bought that day, after an
/// earlier first day; history is every line.
fn member_cross_sell(name: &str) -> Vec<(String, String)> {
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
        // Members' orders (non-members' in the non-member row of --by loyalty), each
        // marked when a line of it in the scope buys a new category after a first day.
        (
            format!("{name}_orders"),
            format!(
                "SELECT s.group_label, s.period, s.order_id, MAX(CASE WHEN f.first_d = s.d \
                 AND b.first_d < s.d THEN 1 ELSE 0 END) AS cross_sold\nFROM scoped s\n\
                 JOIN members mem ON mem.customer_id = s.customer_id\nJOIN {name}_firsts \
                 f ON f.customer_id = s.customer_id AND f.cat = s.cat\nJOIN {name}_buyers \
                 b ON b.customer_id = s.customer_id\nWHERE s.amount > 0 AND (mem.member = \
                 1 OR (s.by_label = 'loyalty' AND s.group_label = 'non-member'))\nGROUP BY \
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
