//! The campaign KPIs' steps: sums over the campaigns of the campaigns table, grouped by
//! campaign, channel or type.

use super::steps::{joined, label};
use super::{Dialect, Query, indent};
use crate::metrics::registry::{CampaignSql, Sql};
use crate::metrics::slice::Dim;

/// The campaigns, each with its group: itself, or its channel or type under `--by` (their
/// parts joined by `/` for a cross-tab); with the columns the KPIs asked for read (the others
/// may be missing from the table, as from a file).
pub(super) fn camps(query: &Query, d: Dialect) -> String {
    let column = |dim: &Dim| match dim {
        Dim::Channel => "channel",
        Dim::CampaignType => "campaign_type",
        _ => "campaign_id",
    };
    let dims = match query.by.is_empty() {
        true => &[Dim::Campaign][..],
        false => &query.by,
    };
    let parts: Vec<String> = dims.iter().map(|dim| label(column(dim))).collect();
    let names: Vec<String> = dims.iter().map(Dim::name).collect();
    let mut columns: Vec<&str> = Vec::new();
    for metric in &query.metrics {
        if let Sql::PerCampaign(kpi) = metric.info().sql {
            columns.extend(match kpi {
                CampaignSql::Ctr => &["clicks", "impressions"][..],
                CampaignSql::Conversion => &["conversions", "impressions"],
                CampaignSql::Roi | CampaignSql::Cac => &["cost"],
                CampaignSql::CrossSell => &["targeted"],
            });
        }
    }
    columns.sort_unstable();
    columns.dedup();
    let mut reads = vec!["campaign_id"];
    reads.extend(dims.iter().map(column));
    reads.extend(&columns);
    format!(
        "SELECT campaign_id AS id, {} AS group_label, {} AS by_label, {}\nFROM {}",
        joined(&parts),
        d.string(&names.join("/")),
        columns.join(", "),
        query
            .campaigns
            .as_ref()
            .map(|t| t.from(d, &reads))
            .unwrap_or_default()
    )
}

/// A campaign KPI's steps: per group (and for `all`) the sums over the campaigns whose values
/// are known, in a step `name`; `all` sums to 0 over none, a group has no row then (n/a).
pub(super) fn per_campaign(kpi: CampaignSql, name: &str) -> Vec<(String, String)> {
    let step = |suffix: &str, body: String| (format!("{name}{suffix}"), body);
    // The sums of `{name}_each` (group_label, by_label, num, den): per group, then all.
    let sums = |num: &str, den: &str| {
        format!(
            "SELECT group_label, by_label, {num} AS numerator, {den} AS denominator\nFROM \
             {name}_each GROUP BY group_label, by_label\nUNION ALL\nSELECT 'all', NULL, \
             COALESCE({num}, 0), COALESCE({den}, 0) FROM {name}_each"
        )
    };
    let in_window = "FROM lines, win WHERE cid IS NOT NULL AND d BETWEEN win.lo AND win.hi";
    // Customers distinct over a group's campaigns (`{name}_who`: id, customer_id) over the
    // sum of `den` of its known campaigns.
    let distinct_over = |den: &str| {
        vec![
            step(
                "_each",
                format!(
                    "SELECT id, group_label, by_label, {den} AS den FROM camps WHERE {den} IS NOT NULL"
                ),
            ),
            step(
                "",
                format!(
                    "SELECT e.group_label, e.by_label, COUNT(DISTINCT w.customer_id) AS \
                     numerator, MAX(t.den) AS denominator\nFROM {name}_each e\nJOIN (SELECT \
                     group_label, SUM(den) AS den FROM {name}_each GROUP BY group_label) AS t ON \
                     t.group_label = e.group_label\nLEFT JOIN {name}_who w ON w.id = e.id\n\
                     GROUP BY e.group_label, e.by_label\nUNION ALL\nSELECT 'all', NULL, \
                     COUNT(DISTINCT w.customer_id), (SELECT COALESCE(SUM(den), 0) FROM \
                     {name}_each)\nFROM {name}_each e JOIN {name}_who w ON w.id = e.id"
                ),
            ),
        ]
    };
    match kpi {
        CampaignSql::Ctr => vec![
            step(
                "_each",
                "SELECT group_label, by_label, clicks AS num, impressions AS den FROM camps\n\
                 WHERE clicks IS NOT NULL AND impressions IS NOT NULL"
                    .into(),
            ),
            step("", sums("SUM(num)", "SUM(den)")),
        ],
        CampaignSql::Conversion => vec![
            // Where no conversions are given: the customers with purchase lines attributed to
            // the campaign in the window.
            step(
                "_buyers",
                format!(
                    "SELECT cid AS id, COUNT(DISTINCT customer_id) AS n {in_window} AND amount \
                     > 0 GROUP BY cid"
                ),
            ),
            step(
                "_each",
                format!(
                    "SELECT c.group_label, c.by_label, COALESCE(c.conversions, b.n, 0) AS num, \
                     c.impressions AS den\nFROM camps c LEFT JOIN {name}_buyers b ON b.id = c.id \
                     WHERE c.impressions IS NOT NULL"
                ),
            ),
            step("", sums("SUM(num)", "SUM(den)")),
        ],
        CampaignSql::Roi => vec![
            step(
                "_revenue",
                format!("SELECT cid AS id, SUM(amount) AS revenue {in_window} GROUP BY cid"),
            ),
            step(
                "_each",
                format!(
                    "SELECT c.group_label, c.by_label, COALESCE(r.revenue, 0) - c.cost AS num, \
                     c.cost AS den\nFROM camps c LEFT JOIN {name}_revenue r ON r.id = c.id WHERE \
                     c.cost IS NOT NULL"
                ),
            ),
            step("", sums("SUM(num)", "SUM(den)")),
        ],
        CampaignSql::Cac => {
            // A campaign's new customers: their first purchase day is in the window and has a
            // purchase line attributed to the campaign.
            let mut steps = vec![step(
                "_who",
                "SELECT DISTINCT a.id, a.customer_id\nFROM (SELECT cid AS id, customer_id, \
                 MIN(d) AS first_d FROM lines WHERE amount > 0 AND cid IS NOT NULL GROUP BY cid, \
                 customer_id) AS a\nJOIN (SELECT customer_id, MIN(d) AS first_d FROM lines \
                 WHERE amount > 0 GROUP BY customer_id) AS f ON f.customer_id = a.customer_id AND \
                 f.first_d = a.first_d\nJOIN win ON a.first_d BETWEEN win.lo AND win.hi"
                    .into(),
            )];
            // cost / new customers: the count is the denominator.
            let mut counted = distinct_over("cost");
            let (_, last) = &mut counted[1];
            *last = format!(
                "SELECT group_label, by_label, denominator AS numerator, numerator AS \
                 denominator FROM (\n{}\n) AS swapped",
                indent(last)
            );
            steps.extend(counted);
            steps
        }
        CampaignSql::CrossSell => {
            // A successful cross-sell: a purchase line attributed to the campaign, in the
            // window, on the first day its customer bought the item, after an earlier day.
            let mut steps = vec![step(
                "_who",
                "SELECT DISTINCT l.cid AS id, l.customer_id\nFROM lines l\nJOIN (SELECT \
                 customer_id, item, MIN(d) AS first_d FROM lines WHERE amount > 0 GROUP BY \
                 customer_id, item) AS f ON f.customer_id = l.customer_id AND f.item = l.item \
                 AND f.first_d = l.d\nJOIN (SELECT customer_id, MIN(d) AS first_d FROM lines \
                 WHERE amount > 0 GROUP BY customer_id) AS b ON b.customer_id = l.customer_id AND \
                 b.first_d < l.d\nJOIN win ON l.d BETWEEN win.lo AND win.hi\nWHERE l.amount > \
                 0 AND l.cid IS NOT NULL"
                    .into(),
            )];
            steps.extend(distinct_over("targeted"));
            steps
        }
    }
}
