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
use crate::metrics::registry::{Distinct, Sql};
use crate::metrics::slice::{Dim, PeriodKind};

/// What to compute.
#[derive(Clone, Debug)]
pub struct Query {
    pub metrics: Vec<Metric>,
    /// The orders table, as the engine names it (`sales.orders`).
    pub orders: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub by: Option<Dim>,
    pub period: Option<PeriodKind>,
    /// Items are categories (`--level category`), not products.
    pub categories: bool,
}

impl Query {
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
    let mut steps = vec![("lines", lines(query, d)), ("win", window(query))];
    if let Some(customers) = query.by.as_ref().and_then(|by| customers(by, d)) {
        steps.push(("customers", customers));
    }
    steps.push(("scoped", scoped(query, d)));
    steps.push(("cells", cells(query, d)));
    let mut rows = Vec::new();
    let names: Vec<String> = (1..=query.metrics.len()).map(|i| format!("m{i}")).collect();
    for ((pos, metric), name) in query.metrics.iter().enumerate().zip(&names) {
        steps.push((name, measure(metric.info().sql, query)));
        rows.push(row(*metric, name, pos, query, d));
    }
    let with: Vec<String> = (steps.iter())
        .map(|(name, body)| format!("{name} AS (\n{}\n)", indent(body)))
        .collect();
    let order = format!(
        "ORDER BY pos, period, CASE WHEN by_label IS NULL THEN 0 ELSE 1 END, {}",
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
    if query.by == Some(Dim::CampaignType) {
        bail!("--by campaign-type needs the campaigns table, which xsell sql does not read yet");
    }
    let name = &query.orders;
    let plain = |c: char| c.is_alphanumeric() || "_.$\"`[]".contains(c);
    if name.is_empty() || !name.chars().all(plain) {
        bail!(
            "--orders-table {name:?}: expected a table name, optionally qualified \
             (sales.orders) and quoted as the engine quotes"
        );
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
    format!(
        "SELECT order_id, customer_id, order_date AS d, {item} AS item, amount{by}\nFROM {}",
        query.orders
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
            "SELECT customer_id, MAX(CASE WHEN LOWER(CAST(v AS {})) IN ('true', 't', '1', \
             'yes', 'y') THEN 1 ELSE 0 END) AS member\nFROM lines GROUP BY customer_id",
            d.text()
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
    let select = |group: &str, by: &str, join: &str| {
        format!(
            "SELECT {group} AS group_label, {by} AS by_label, {period} AS period, l.customer_id, \
             l.order_id, l.item, l.amount\nFROM lines l{join}, win WHERE l.d BETWEEN win.lo AND win.hi"
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

/// A KPI's numerator and denominator per cell.
fn measure(sql: Sql, query: &Query) -> String {
    let distinct = |what: Distinct| match what {
        Distinct::Items => "item",
        Distinct::Orders => "order_id",
        Distinct::Customers => "customer_id",
    };
    match sql {
        // By category, a category's buyers are counted by the categories of all their lines
        // (of the period): those of the `all` scope.
        Sql::AtLeastTwo(Distinct::Items) if query.by == Some(Dim::Category) => {
            "SELECT s.group_label, s.period, COUNT(CASE WHEN w.n >= 2 THEN 1 END) AS numerator, \
             COUNT(*) AS denominator\nFROM (\n    SELECT DISTINCT group_label, period, \
             customer_id FROM scoped WHERE amount > 0\n) AS s\nJOIN (\n    SELECT period, \
             customer_id, COUNT(DISTINCT item) AS n\n    FROM scoped WHERE amount > 0 AND \
             by_label IS NULL\n    GROUP BY period, customer_id\n) AS w ON w.period = s.period \
             AND w.customer_id = s.customer_id\nGROUP BY s.group_label, s.period"
                .into()
        }
        Sql::AtLeastTwo(what) => format!(
            "SELECT group_label, period, COUNT(CASE WHEN n >= 2 THEN 1 END) AS numerator, \
             COUNT(*) AS denominator\nFROM (\n    SELECT group_label, period, customer_id, \
             COUNT(DISTINCT {}) AS n\n    FROM scoped WHERE amount > 0\n    GROUP BY \
             group_label, period, customer_id\n) AS per_customer\nGROUP BY group_label, period",
            distinct(what)
        ),
        Sql::RevenuePer(what) => format!(
            "SELECT group_label, period, SUM(amount) AS numerator, COUNT(DISTINCT CASE WHEN \
             amount > 0 THEN {} END) AS denominator\nFROM scoped GROUP BY group_label, period",
            distinct(what)
        ),
        Sql::Not => unreachable!("refused by check"),
    }
}

/// A KPI's rows: every cell, its numerator and denominator (0 where it has no line), and the
/// value, n/a (NULL) over 0.
fn row(metric: Metric, name: &str, pos: usize, query: &Query, d: Dialect) -> String {
    let period = match query.period {
        Some(_) => "c.period".into(),
        None => format!("CAST(NULL AS {})", d.text()),
    };
    format!(
        "SELECT {pos} AS pos, '{}' AS metric, c.group_label, {period} AS period,\n    \
         CAST(COALESCE(m.numerator, 0) AS {}) / NULLIF(COALESCE(m.denominator, 0), 0) AS value,\n    \
         COALESCE(m.numerator, 0) AS numerator, COALESCE(m.denominator, 0) AS denominator, \
         c.by_label\nFROM cells c LEFT JOIN {name} m ON m.group_label = c.group_label AND \
         m.period = c.period",
        metric.name(),
        d.double()
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
