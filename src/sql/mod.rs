//! `xsell sql`: the KPIs as one SQL statement, for the engine where the order lines live. Its
//! rows are those `xsell compute` prints for the same lines: `metric, group_label, period,
//! value, numerator, denominator, by_label`.
//!
//! Each KPI's shape comes from its declaration in the registry ([`Sql`]); this module writes
//! the shapes once, in SQL every engine reads, and [`Dialect`] supplies what differs (types,
//! quoting, periods). The statement is a chain of named steps:
//! - `lines`: the orders table's columns the KPIs read;
//! - `win`: the window's first and last date (`--from`/`--to`, else the data's);
//! - `customers`: a customer's segment or membership, over every line, under `--by segment`
//!   or `--by loyalty`;
//! - `scoped`: each line of the window once for the group `all` and once for its `--by` group,
//!   with its period's label;
//! - `cells`: the (group, period) rows listed: `all` for every period of the window, a group
//!   for each period it has lines in;
//! - `m1`, `m2`, ...: each KPI's numerator and denominator per cell.

mod dialect;

use anyhow::{Result, bail};
use chrono::NaiveDate;

pub use dialect::Dialect;

use crate::metrics::Metric;
use crate::metrics::registry::{CampaignSql, Distinct, Sql};
use crate::metrics::slice::{Dim, PeriodKind};

/// What to compute.
#[derive(Clone, Debug)]
pub struct Query {
    pub metrics: Vec<Metric>,
    /// The orders table, as the engine names it (`sales.orders`).
    pub orders: String,
    /// The campaigns table, for the campaign KPIs.
    pub campaigns: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by: Option<Dim>,
    pub period: Option<PeriodKind>,
    /// Items are categories (`--level category`), not products.
    pub categories: bool,
}

impl Query {
    /// Whether a metric of shape `sql` is asked for.
    fn needs(&self, sql: Sql) -> bool {
        self.metrics.iter().any(|m| m.info().sql == sql)
    }

    /// Whether a campaign KPI is asked for.
    fn has_campaign_kpis(&self) -> bool {
        (self.metrics.iter()).any(|m| matches!(m.info().sql, Sql::PerCampaign(_)))
    }

    /// The unit of retention: the period, else the month.
    fn unit(&self) -> PeriodKind {
        self.period.unwrap_or(PeriodKind::Month)
    }

    /// Items are categories: with `--level category`, and under `--by category`, where
    /// cross-sell is the share of a category's buyers who bought two categories or more.
    fn counts_categories(&self) -> bool {
        self.categories || self.by == Some(Dim::Category)
    }
}

/// The statement that computes `query` in `dialect`; a refusal says what cannot be rendered.
pub fn render(query: &Query, dialect: Dialect) -> Result<String> {
    check(query)?;
    let d = dialect;
    let mut steps = vec![
        ("lines".to_string(), lines(query, d)),
        ("win".into(), window(query)),
    ];
    if let Some(customers) = query.by.as_ref().and_then(|by| customers(by, d)) {
        steps.push(("customers".into(), customers));
    }
    if query.needs(Sql::MemberCrossSell) {
        steps.push(("members".into(), members(d)));
    }
    if query.has_campaign_kpis() {
        steps.push(("camps".into(), camps(query)));
    }
    steps.push(("scoped".into(), scoped(query, d)));
    steps.push(("cells".into(), cells(query, d)));
    if query.needs(Sql::Retention) {
        steps.push(("groups".into(), groups(d)));
    }
    let mut rows = Vec::new();
    for (pos, metric) in query.metrics.iter().enumerate() {
        let name = format!("m{}", pos + 1);
        let sql = metric.info().sql;
        steps.extend(measure(sql, &name, query, d));
        rows.push(row(*metric, sql, &name, pos, query, d));
    }
    let with: Vec<String> = (steps.iter())
        .map(|(name, body)| format!("{name} AS (\n{}\n)", indent(body)))
        .collect();
    let order = format!(
        "ORDER BY pos, CASE WHEN period IS NULL THEN 0 ELSE 1 END, period, \
         CASE WHEN by_label IS NULL THEN 0 ELSE 1 END, {}",
        bytewise(d, "group_label")
    );
    Ok(format!(
        "WITH\n{}\nSELECT metric, group_label, period, value, numerator, denominator, by_label\n\
         FROM (\n{}\n) AS r\n{order};\n",
        with.join(",\n"),
        indent(&rows.join("\nUNION ALL\n")),
    ))
}

/// Refuses what is not rendered: never an approximation.
fn check(query: &Query) -> Result<()> {
    let rendered: Vec<&str> = (Metric::ALL.iter())
        .filter(|m| m.info().sql != Sql::Not)
        .map(|m| m.name())
        .collect();
    for metric in &query.metrics {
        if metric.info().sql == Sql::Not {
            bail!(
                "{} is not rendered as SQL yet; xsell sql renders {}",
                metric.name(),
                rendered.join(", ")
            );
        }
    }
    for metric in &query.metrics {
        if !matches!(metric.info().sql, Sql::PerCampaign(_)) {
            if query.by == Some(Dim::CampaignType) {
                bail!(
                    "{} --by campaign-type (the type of each line's campaign) is not rendered as \
                     SQL yet",
                    metric.name()
                );
            }
            continue;
        }
        let name = metric.name();
        if query.campaigns.is_none() {
            bail!("{name} needs the campaigns table: name it with --campaigns-table");
        }
        if query.period.is_some() {
            bail!("{name} cannot be split by --period: campaign costs and counts are not dated");
        }
        if let Some(by) = &query.by
            && !matches!(by, Dim::Campaign | Dim::CampaignType | Dim::Channel)
        {
            bail!(
                "{name} cannot be split by {}: it is measured per campaign (use campaign, \
                 campaign-type or channel)",
                by.name()
            );
        }
    }
    let plain = |c: char| c.is_alphanumeric() || "_.$\"`[]".contains(c);
    for (option, name) in [
        ("orders", Some(&query.orders)),
        ("campaigns", query.campaigns.as_ref()),
    ] {
        if let Some(name) = name
            && (name.is_empty() || !name.chars().all(plain))
        {
            bail!(
                "--{option}-table {name:?}: expected a table name, optionally qualified \
                 (sales.{option}) and quoted as the engine quotes"
            );
        }
    }
    Ok(())
}

/// The columns the KPIs read, named as the steps after use them: `v` is the value `--by`
/// reads (as text, but for loyalty).
fn lines(query: &Query, d: Dialect) -> String {
    let item = match query.counts_categories() {
        // An empty category is the category "", as in the files.
        true => "COALESCE(category, '')",
        false => "product_id",
    };
    let by = match &query.by {
        None => String::new(),
        Some(Dim::Column(name)) => format!(", CAST({} AS {}) AS v", d.ident(name), d.text()),
        Some(Dim::Loyalty) => ", loyalty AS v".into(),
        Some(dim) => format!(", {} AS v", dim.column().unwrap_or_default()),
    };
    // loyalty-cross-sell's new categories, and its members' flags; the campaign KPIs'
    // campaigns (an empty cell is organic).
    let mut member = match query.needs(Sql::MemberCrossSell) {
        true => ", COALESCE(category, '') AS cat, loyalty AS flag".to_string(),
        false => String::new(),
    };
    if query.has_campaign_kpis() {
        member += ", NULLIF(campaign_id, '') AS cid";
    }
    format!(
        "SELECT order_id, customer_id, order_date AS d, {item} AS item, amount{by}{member}\nFROM {}",
        query.orders
    )
}

/// Whether a line's loyalty cell says the customer is a member, as xsell reads a flag.
fn is_member(d: Dialect, cell: &str) -> String {
    format!(
        "LOWER(CAST({cell} AS {})) IN ('true', 't', '1', 'yes', 'y')",
        d.text()
    )
}

/// The loyalty members: any line says so.
fn members(d: Dialect) -> String {
    format!(
        "SELECT customer_id, MAX(CASE WHEN {} THEN 1 ELSE 0 END) AS member\nFROM lines GROUP BY \
         customer_id",
        is_member(d, "flag")
    )
}

/// The window's first and last date: `--from` and `--to`, else the data's.
fn window(query: &Query) -> String {
    let date = |d: NaiveDate| format!("DATE '{}'", d.format("%Y-%m-%d"));
    match (query.from, query.to) {
        (Some(from), Some(to)) => format!("SELECT {} AS lo, {} AS hi", date(from), date(to)),
        (from, to) => format!(
            "SELECT {} AS lo, {} AS hi FROM lines",
            from.map_or("MIN(d)".into(), date),
            to.map_or("MAX(d)".into(), date)
        ),
    }
}

/// A customer's segment (that of their earliest-dated line with one; ties: the smallest) or
/// membership (any line says so), over every line; `None` for a dimension of lines.
fn customers(by: &Dim, d: Dialect) -> Option<String> {
    match by {
        Dim::Segment => Some(format!(
            "SELECT customer_id, v FROM (\n    SELECT customer_id, v, ROW_NUMBER() OVER \
             (PARTITION BY customer_id ORDER BY d, {}) AS rn\n    FROM lines WHERE v IS NOT \
             NULL AND v <> ''\n) AS ranked WHERE rn = 1",
            bytewise(d, "v")
        )),
        Dim::Loyalty => Some(format!(
            "SELECT customer_id, MAX(CASE WHEN {} THEN 1 ELSE 0 END) AS member\nFROM lines \
             GROUP BY customer_id",
            is_member(d, "v")
        )),
        _ => None,
    }
}

/// Each line of the window, for `all` and for its group, with its period's label ('' without
/// `--period`).
fn scoped(query: &Query, d: Dialect) -> String {
    let period = match query.period {
        Some(unit) => d.period_label(unit, "l.d"),
        None => "''".into(),
    };
    // Retention's unit period; loyalty-cross-sell's dates and categories.
    let mut more = String::new();
    if query.needs(Sql::Retention) {
        more += &format!(", {} AS unit", d.period_label(query.unit(), "l.d"));
    }
    if query.needs(Sql::MemberCrossSell) {
        more += ", l.d, l.cat";
    }
    let select = |group: &str, by: &str, join: &str| {
        format!(
            "SELECT {group} AS group_label, {by} AS by_label, {period} AS period, l.customer_id, \
             l.order_id, l.item, l.amount{more}\nFROM lines l{join}, win WHERE l.d BETWEEN \
             win.lo AND win.hi"
        )
    };
    let all = select("'all'", &format!("CAST(NULL AS {})", d.text()), "");
    let Some(by) = &query.by else {
        return all;
    };
    let join = " LEFT JOIN customers c ON c.customer_id = l.customer_id";
    let (group, join) = match by {
        Dim::Segment => (label("c.v"), join),
        Dim::Loyalty => (
            "CASE WHEN c.member = 1 THEN 'member' ELSE 'non-member' END".into(),
            join,
        ),
        _ => (label("l.v"), ""),
    };
    format!(
        "{all}\nUNION ALL\n{}",
        select(&group, &format!("'{}'", by.name()), join)
    )
}

/// A group's label for the text value `v`: `(none)` for none; a value holding `/` or `"`, or
/// reading like a label xsell makes, quoted with its quotes doubled.
fn label(v: &str) -> String {
    format!(
        "CASE WHEN {v} IS NULL OR {v} = '' THEN '(none)' WHEN {v} LIKE '%/%' OR {v} LIKE '%\"%' \
         OR {v} IN ('(none)', '(unknown)', 'all') THEN '\"' || REPLACE({v}, '\"', '\"\"') || '\"' \
         ELSE {v} END"
    )
}

/// The rows listed: `all` in every period of the window (one row without `--period`), and
/// each group in each period it has lines in.
fn cells(query: &Query, d: Dialect) -> String {
    let all = match query.period {
        Some(unit) => format!(
            "SELECT 'all' AS group_label, CAST(NULL AS {text}) AS by_label, {} AS period\nFROM (\n{}\n) AS periods",
            d.period_label(unit, "p"),
            indent(&d.periods(unit, "lo", "hi")),
            text = d.text()
        ),
        None => format!(
            "SELECT 'all' AS group_label, CAST(NULL AS {}) AS by_label, '' AS period",
            d.text()
        ),
    };
    format!(
        "{all}\nUNION\nSELECT DISTINCT group_label, by_label, period FROM scoped WHERE by_label IS NOT NULL"
    )
}

/// The campaigns, each with its group: itself, or its channel or type under `--by`.
fn camps(query: &Query) -> String {
    let (group, by) = match &query.by {
        Some(Dim::Channel) => ("channel", "channel"),
        Some(Dim::CampaignType) => ("campaign_type", "campaign-type"),
        _ => ("campaign_id", "campaign"),
    };
    format!(
        "SELECT campaign_id AS id, {} AS group_label, '{by}' AS by_label, cost, impressions, \
         clicks, targeted, conversions\nFROM {}",
        label(group),
        query.campaigns.as_deref().unwrap_or_default()
    )
}

/// A campaign KPI's steps: per group (and for `all`) the sums over the campaigns whose values
/// are known, in a step `name`; `all` sums to 0 over none, a group has no row then (n/a).
fn per_campaign(kpi: CampaignSql, name: &str) -> Vec<(String, String)> {
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

/// Retention's groups: `all`, and those with a purchase line in the window.
fn groups(d: Dialect) -> String {
    format!(
        "SELECT 'all' AS group_label, CAST(NULL AS {}) AS by_label\nUNION\nSELECT DISTINCT \
         group_label, by_label FROM scoped WHERE by_label IS NOT NULL AND amount > 0",
        d.text()
    )
}

/// The steps that compute a KPI of shape `sql`, the last named `name`: its numerator and
/// denominator per cell (group and period), or for retention its own rows.
fn measure(sql: Sql, name: &str, query: &Query, d: Dialect) -> Vec<(String, String)> {
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
        Sql::MemberCrossSell => vec![
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
        ],
        Sql::Retention => {
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
                         0) AS denominator\nFROM groups g CROSS JOIN {name}_units u\nLEFT JOIN \
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
                         COALESCE(SUM(e.denominator), 0) AS denominator\nFROM groups g LEFT JOIN \
                         {name}_each e ON e.group_label = g.group_label\nGROUP BY g.group_label, \
                         g.by_label",
                        d.text()
                    ),
                ),
            ]
        }
        Sql::PerCampaign(kpi) => per_campaign(kpi, name),
        Sql::Not => unreachable!("refused by check"),
    }
}

/// A KPI's rows: `all` in every cell, a group where the KPI counted something (a line for
/// revenue, a purchase for the others), with the numerator and denominator (0 where nothing
/// was counted) and the value, n/a (NULL) over 0; retention lists its own.
fn row(metric: Metric, sql: Sql, name: &str, pos: usize, query: &Query, d: Dialect) -> String {
    let value = format!(
        "CAST(COALESCE(m.numerator, 0) AS {}) / NULLIF(COALESCE(m.denominator, 0), 0) AS value,\n    \
         COALESCE(m.numerator, 0) AS numerator, COALESCE(m.denominator, 0) AS denominator",
        d.double()
    );
    let metric = metric.name();
    if let Sql::PerCampaign(_) = sql {
        // Every campaign group, n/a (no numerator, no denominator) where no value is known.
        return format!(
            "SELECT {pos} AS pos, '{metric}' AS metric, g.group_label, CAST(NULL AS {text}) AS \
             period,\n    CAST(m.numerator AS {double}) / NULLIF(m.denominator, 0) AS value, \
             m.numerator, m.denominator, g.by_label\nFROM (SELECT 'all' AS group_label, CAST(NULL \
             AS {text}) AS by_label UNION SELECT DISTINCT group_label, by_label FROM camps) AS g\n\
             LEFT JOIN {name} m ON m.group_label = g.group_label",
            text = d.text(),
            double = d.double()
        );
    }
    if sql == Sql::Retention {
        return format!(
            "SELECT {pos} AS pos, '{metric}' AS metric, m.group_label, m.period,\n    {value}, \
             m.by_label\nFROM {name} m"
        );
    }
    let period = match query.period {
        Some(_) => "c.period".into(),
        None => format!("CAST(NULL AS {})", d.text()),
    };
    format!(
        "SELECT {pos} AS pos, '{metric}' AS metric, c.group_label, {period} AS period,\n    \
         {value}, c.by_label\nFROM cells c LEFT JOIN {name} m ON m.group_label = c.group_label \
         AND m.period = c.period\nWHERE c.by_label IS NULL OR m.group_label IS NOT NULL"
    )
}

/// `expr` compared byte by byte, as xsell compares texts, whatever the database's collation.
fn bytewise(d: Dialect, expr: &str) -> String {
    match d {
        Dialect::Postgres => format!("{expr} COLLATE \"C\""),
        _ => expr.to_string(),
    }
}

fn indent(text: &str) -> String {
    (text.lines())
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
