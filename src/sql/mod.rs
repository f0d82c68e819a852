//! `xsell sql`: the KPIs as one SQL statement, for the engine where the order lines live. Its
//! rows are those `xsell compute` prints for the same lines: `metric, group_label, period,
//! value, numerator, denominator, by_label`.
//!
//! Each KPI's shape comes from its declaration in the registry ([`Sql`]); this module writes
//! the shapes once, in SQL every engine reads, and [`Dialect`] supplies what differs (types,
//! quoting, periods). The statement is a chain of named steps:
//! - `lines`: the orders table's columns the KPIs read;
//! - `win`: the window's first and last date (`--from`/`--to`, else the data's);
//! - `attrs`: a customer's segment or membership, over every line (the customers table's
//!   winning), under `--by segment` or `--by loyalty`; `members`, for loyalty-cross-sell;
//! - `camps`: the campaigns table, each campaign with its group, for the campaign KPIs;
//!   `ctypes`, each campaign's type, for the order KPIs `--by campaign-type`;
//! - `scoped`: each line of the window once for the group `all` and once for its `--by` group,
//!   with its period's label;
//! - `cells`: the `all` rows, one for every period of the window, and the groups with lines in
//!   each period; `retained`, retention's groups (`groups` is a word BigQuery keeps);
//! - `m1`, `m2`, ...: each KPI's numerator and denominator per cell (`m1_units`, ... before
//!   them where a KPI takes several steps).
//!
//! The shared steps are in [`steps`], the order KPIs' in [`kpis`], the campaign KPIs' in
//! [`campaigns`]. `xsell sql pairs` and `xsell sql cohort` have statements of their own, in
//! [`pairs`] and [`cohort`].

mod campaigns;
mod cohort;
mod dialect;
mod kpis;
mod pairs;
mod steps;
mod table;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use campaigns::camps;
pub use cohort::{CohortQuery, render_cohort};
pub use dialect::Dialect;
use kpis::measure;
pub use pairs::{PairsQuery, render_pairs};
use steps::{attrs, cells, groups, lines, members, scoped, window};
pub use table::{Of, Table};

use crate::metrics::registry::{Distinct, Sql};
use crate::metrics::slice::{Dim, PeriodKind};
use crate::metrics::{ClvModel, Metric};

/// What to compute.
#[derive(Clone, Debug)]
pub struct Query {
    pub metrics: Vec<Metric>,
    /// The orders table, as the engine names it (`sales.orders`).
    pub orders: Table,
    /// The campaigns table, for the campaign KPIs.
    pub campaigns: Option<Table>,
    /// The customers table, whose segments and loyalty flags win over the lines'.
    pub customers: Option<Table>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The dimensions of `--by`, in their order: one, or several for a cross-tab.
    pub by: Vec<Dim>,
    pub period: Option<PeriodKind>,
    /// Items are categories (`--level category`), not products.
    pub categories: bool,
    /// How CLV is computed: its historic mean, or the formula of `--clv-model formula`.
    pub clv: ClvModel,
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
        self.categories || self.by.contains(&Dim::Category)
    }

    /// Whether scoped lines carry their `wide` group, for cross-sell by category: the group
    /// with every category (see [`kpis::measure`]).
    fn widens(&self) -> bool {
        self.by.contains(&Dim::Category) && self.needs(Sql::AtLeastTwo(Distinct::Items))
    }
}

/// Every KPI of `compute`: the campaign ones only `with_campaigns` (a campaigns table).
pub fn every_kpi(with_campaigns: bool) -> Vec<Metric> {
    (Metric::ALL.into_iter())
        .filter(|m| !m.is_campaign() || with_campaigns)
        .collect()
}

/// The statement that computes `query` in `dialect`; a refusal says what cannot be rendered.
pub fn render(query: &Query, dialect: Dialect) -> Result<String> {
    check(query)?;
    let d = dialect;
    let mut steps = vec![
        ("lines".to_string(), lines(query, d)),
        ("win".into(), window(query)),
    ];
    let given = query.customers.as_ref();
    steps.extend(attrs(&query.by, d, given));
    if query.needs(Sql::MemberCrossSell) {
        steps.push(("members".into(), members(d, given)));
    }
    if query.has_campaign_kpis() {
        steps.push(("camps".into(), camps(query, d)));
    }
    // Each line's campaign's type, for the order KPIs (`scoped` reads it whatever KPIs follow:
    // PostgreSQL checks a step nothing reads).
    if let (true, Some(campaigns)) = (query.by.contains(&Dim::CampaignType), &query.campaigns) {
        let types = format!(
            "SELECT campaign_id, CAST(campaign_type AS {}) AS campaign_type FROM {}",
            d.text(),
            campaigns.from(d, &["campaign_id", "campaign_type"])
        );
        steps.push(("ctypes".into(), types));
    }
    steps.push(("scoped".into(), scoped(query, d)));
    steps.push(("cells".into(), cells(query, d)));
    if query.needs(Sql::Retention) {
        steps.push(("retained".into(), groups(d)));
    }
    let mut rows = Vec::new();
    for (pos, metric) in query.metrics.iter().enumerate() {
        let name = format!("m{}", pos + 1);
        let sql = metric.info().sql;
        if let (Metric::Clv, ClvModel::Formula { margin, lifespan }) = (metric, query.clv) {
            steps.extend(kpis::clv_formula(&name, query, d));
            rows.push(kpis::clv_formula_rows(
                &name,
                pos,
                (margin, lifespan),
                query,
                d,
            ));
            continue;
        }
        steps.extend(measure(sql, &name, query, d));
        rows.push(row(*metric, sql, &name, pos, query, d));
    }
    let with: Vec<String> = (steps.iter())
        .map(|(name, body)| format!("{name} AS (\n{}\n)", indent(body)))
        .collect();
    let order = format!(
        "ORDER BY pos, CASE WHEN period IS NULL THEN 0 ELSE 1 END, period, \
         CASE WHEN by_label IS NULL THEN 0 ELSE 1 END, {}, sub",
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
    if let (true, ClvModel::BgNbd { .. }) = (query.metrics.contains(&Metric::Clv), query.clv) {
        bail!(
            "clv --clv-model bgnbd is not rendered as SQL (its models are fitted by maximum \
             likelihood, which a query does not do): compute it from the order files, or use \
             --clv-model historic or formula"
        );
    }
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
            if query.by.contains(&Dim::CampaignType) && query.campaigns.is_none() {
                bail!(
                    "{} --by campaign-type needs the campaigns table, for each line's campaign's \
                     type: name it with --campaigns-table",
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
        if let Some(by) = (query.by.iter())
            .find(|by| !matches!(by, Dim::Campaign | Dim::CampaignType | Dim::Channel))
        {
            bail!(
                "{name} cannot be split by {}: it is measured per campaign (use campaign, \
                 campaign-type or channel)",
                by.name()
            );
        }
    }
    Ok(())
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
            "SELECT {pos} AS pos, 0 AS sub, '{metric}' AS metric, g.group_label, CAST(NULL AS \
             {text}) AS period,\n    CAST(m.numerator AS {double}) / NULLIF(m.denominator, 0) AS value, \
             m.numerator, m.denominator, g.by_label\nFROM (SELECT 'all' AS group_label, CAST(NULL \
             AS {text}) AS by_label UNION ALL SELECT DISTINCT group_label, by_label FROM camps) AS \
             g\n\
             LEFT JOIN {name} m ON m.group_label = g.group_label",
            text = d.text(),
            double = d.double()
        );
    }
    if sql == Sql::Retention {
        return format!(
            "SELECT {pos} AS pos, 0 AS sub, '{metric}' AS metric, m.group_label, m.period,\n    \
             {value}, m.by_label\nFROM {name} m"
        );
    }
    let period = match query.period {
        Some(_) => "c.period".into(),
        None => format!("CAST(NULL AS {})", d.text()),
    };
    format!(
        "SELECT {pos} AS pos, 0 AS sub, '{metric}' AS metric, c.group_label, {period} AS \
         period,\n    {value}, c.by_label\nFROM cells c LEFT JOIN {name} m ON m.group_label = c.group_label \
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
