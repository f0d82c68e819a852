//! The steps every statement shares: the lines read, the window, the customers' attributes,
//! each line in its groups and period, and the rows listed.

use chrono::NaiveDate;

use super::{Dialect, Query, Table, bytewise, indent};
use crate::metrics::registry::Sql;
use crate::metrics::slice::Dim;

/// The columns the KPIs read, named as the steps after use them: `v1`, `v2`, ... are the
/// values each `--by` reads (as text, but for loyalty).
pub(super) fn lines(query: &Query, d: Dialect) -> String {
    let (item, mut reads) = line_columns(query.counts_categories(), &query.by, d);
    let by = by_values(&query.by, d);
    // loyalty-cross-sell's new categories, and its members' flags; the campaign KPIs'
    // campaigns (an empty cell is organic).
    let mut member = match query.needs(Sql::MemberCrossSell) {
        true => {
            reads.extend(["category".into(), "loyalty".into()]);
            ", COALESCE(category, '') AS cat, loyalty AS flag".to_string()
        }
        false => String::new(),
    };
    if query.has_campaign_kpis() {
        reads.push("campaign_id".into());
        member += ", NULLIF(campaign_id, '') AS cid";
    }
    format!(
        "SELECT order_id, customer_id, order_date AS d, {item} AS item, amount{by}{member}\nFROM {}",
        query.orders.from(d, &reads)
    )
}

/// The item of a `lines` step (the category with `categories`, an empty one the category "";
/// else the product), and the orders columns the step reads: order, customer, date, item and
/// amount, then the columns of the dimensions `by`, as [`by_values`] writes them.
pub(super) fn line_columns(
    categories: bool,
    by: &[Dim],
    d: Dialect,
) -> (&'static str, Vec<String>) {
    let (item, item_column) = match categories {
        true => ("COALESCE(category, '')", "category"),
        false => ("product_id", "product_id"),
    };
    let mut reads: Vec<String> = [
        "order_id",
        "customer_id",
        "order_date",
        item_column,
        "amount",
    ]
    .map(String::from)
    .into();
    reads.extend(by.iter().map(|dim| match dim {
        Dim::Column(name) => d.ident(name),
        dim => dim.column().unwrap_or_default().to_string(),
    }));
    (item, reads)
}

/// The columns the dimensions of `--by` read, `v1`, `v2`, ... in their order (text, but for
/// loyalty), each after a comma; none without `--by`.
pub(super) fn by_values(dims: &[Dim], d: Dialect) -> String {
    let value = |dim: &Dim| match dim {
        Dim::Column(name) => format!("CAST({} AS {})", d.ident(name), d.text()),
        Dim::Loyalty => "loyalty".into(),
        dim => format!("CAST({} AS {})", dim.column().unwrap_or_default(), d.text()),
    };
    (dims.iter().enumerate())
        .map(|(i, dim)| format!(", {} AS v{}", value(dim), i + 1))
        .collect()
}

/// Whether a line's loyalty cell says the customer is a member, as xsell reads a flag.
fn is_member(d: Dialect, cell: &str) -> String {
    format!(
        "LOWER(CAST({cell} AS {})) IN ('true', 't', '1', 'yes', 'y')",
        d.text()
    )
}

/// The window's first and last date: `--from` and `--to`, else the data's.
pub(super) fn window(query: &Query) -> String {
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

/// The steps of the customer dimensions of `dims`, `attrs1`, `attrs2`, ... by the dimension's
/// place (`attrs`: a name no customers table takes): each customer's segment (`v`) or
/// membership (`member`).
pub(super) fn attrs(dims: &[Dim], d: Dialect, given: Option<&Table>) -> Vec<(String, String)> {
    (dims.iter().enumerate())
        .filter_map(|(i, dim)| {
            let step = customers(dim, &format!("v{}", i + 1), d, given)?;
            Some((format!("attrs{}", i + 1), step))
        })
        .collect()
}

/// A customer's segment (that of their earliest-dated line with one; ties: the smallest) or
/// membership (any line says so), from the lines' column `v`, unless the customers table
/// `given` says otherwise (an empty or NULL cell leaves it to the lines); `None` for a
/// dimension of lines.
fn customers(by: &Dim, v: &str, d: Dialect, given: Option<&Table>) -> Option<String> {
    match by {
        Dim::Segment => {
            let lines = format!(
                "SELECT customer_id, v FROM (\n    SELECT customer_id, {v} AS v, ROW_NUMBER() OVER \
                 (PARTITION BY customer_id ORDER BY d, {}) AS rn\n    FROM lines WHERE {v} IS NOT \
                 NULL AND {v} <> ''\n) AS ranked WHERE rn = 1",
                bytewise(d, v)
            );
            let given = given.map(|t| {
                format!(
                    "SELECT customer_id, CAST(segment AS {text}) AS v FROM {}\nWHERE segment IS \
                     NOT NULL AND CAST(segment AS {text}) <> ''",
                    t.from(d, &["customer_id", "segment"]),
                    text = d.text()
                )
            });
            Some(winning(lines, given, "v"))
        }
        Dim::Loyalty => Some(members_of(v, d, given)),
        _ => None,
    }
}

/// The loyalty members: any line says so, unless the customers table `given` says otherwise.
pub(super) fn members(d: Dialect, given: Option<&Table>) -> String {
    members_of("flag", d, given)
}

/// Each customer's membership (`member`, 1 or 0) from the lines' column `cell`, unless the
/// customers table `given` has a flag for them.
fn members_of(cell: &str, d: Dialect, given: Option<&Table>) -> String {
    let lines = format!(
        "SELECT customer_id, MAX(CASE WHEN {} THEN 1 ELSE 0 END) AS member\nFROM lines GROUP BY \
         customer_id",
        is_member(d, cell)
    );
    let given = given.map(|t| {
        format!(
            "SELECT customer_id, CASE WHEN {} THEN 1 ELSE 0 END AS member FROM {}\nWHERE \
             loyalty IS NOT NULL AND CAST(loyalty AS {}) <> ''",
            is_member(d, "loyalty"),
            t.from(d, &["customer_id", "loyalty"]),
            d.text()
        )
    });
    winning(lines, given, "member")
}

/// `lines`' attribute `column` per customer, with the customers table's (`given`) winning where
/// it has one: as customers.csv wins over the order lines in `compute`.
fn winning(lines: String, given: Option<String>, column: &str) -> String {
    let Some(given) = given else {
        return lines;
    };
    format!(
        "SELECT COALESCE(g.customer_id, r.customer_id) AS customer_id, COALESCE(g.{column}, \
         r.{column}) AS {column}\nFROM (\n{}\n) AS r\nFULL OUTER JOIN (\n{}\n) AS g ON \
         g.customer_id = r.customer_id",
        indent(&lines),
        indent(&given)
    )
}

/// Each line of the window, for `all` and for its group, with its period's label ('' without
/// `--period`).
pub(super) fn scoped(query: &Query, d: Dialect) -> String {
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
    let select = |group: &str, by: &str, wide: &str, join: &str| {
        let wide = match query.widens() {
            true => format!(", {wide} AS wide"),
            false => String::new(),
        };
        format!(
            "SELECT {group} AS group_label, {by} AS by_label, {period} AS period{wide}, \
             l.customer_id, l.order_id, l.item, l.amount{more}\nFROM lines l{join}, win WHERE \
             l.d BETWEEN win.lo AND win.hi"
        )
    };
    let all = select("'all'", &format!("CAST(NULL AS {})", d.text()), "'all'", "");
    if query.by.is_empty() {
        return all;
    }
    let (parts, join) = group_parts(&query.by);
    let names: Vec<String> = query.by.iter().map(Dim::name).collect();
    // Cross-sell by category counts a customer's categories over the group with every
    // category: the other dimensions' parts ('' for none).
    let wide: Vec<String> = (query.by.iter().zip(&parts))
        .filter(|(dim, _)| **dim != Dim::Category)
        .map(|(_, part)| part.clone())
        .collect();
    let wide = match wide.is_empty() {
        true => "''".to_string(),
        false => joined(&wide),
    };
    let grouped = select(&joined(&parts), &d.string(&names.join("/")), &wide, &join);
    format!("{all}\nUNION ALL\n{grouped}")
}

/// The group label of a line `l` under the dimensions `dims` (their parts joined by `/`, as
/// `mainstream/email`), and the joins that bring its customer's attributes (`attrsN cN`, by the
/// dimension's place) or its campaign's type (`ctypes k`).
pub(super) fn group_of(dims: &[Dim]) -> (String, String) {
    let (parts, join) = group_parts(dims);
    (joined(&parts), join)
}

/// Each dimension's part of a line `l`'s group label, and the joins they need.
fn group_parts(dims: &[Dim]) -> (Vec<String>, String) {
    let mut join = String::new();
    let parts = (dims.iter().enumerate())
        .map(|(i, dim)| {
            let (v, c) = (format!("l.v{}", i + 1), format!("c{}", i + 1));
            if dim.is_customer() {
                join += &format!(
                    " LEFT JOIN attrs{} {c} ON {c}.customer_id = l.customer_id",
                    i + 1
                );
            }
            match dim {
                Dim::Segment => label(&format!("{c}.v")),
                Dim::Loyalty => {
                    format!("CASE WHEN {c}.member = 1 THEN 'member' ELSE 'non-member' END")
                }
                // The type of the line's campaign (step `ctypes`): (none) without a campaign
                // or a type, (unknown) for a campaign the campaigns table does not list.
                Dim::CampaignType => {
                    join += &format!(" LEFT JOIN ctypes k ON k.campaign_id = {v}");
                    format!(
                        "CASE WHEN {v} IS NULL OR {v} = '' THEN '(none)' WHEN k.campaign_id IS \
                         NULL THEN '(unknown)' ELSE {} END",
                        label("k.campaign_type")
                    )
                }
                _ => label(&v),
            }
        })
        .collect();
    (parts, join)
}

/// Label parts joined by `/`.
pub(super) fn joined(parts: &[String]) -> String {
    parts.join(" || '/' || ")
}

/// A group's label for the text value `v`: `(none)` for none; a value holding `/` or `"`, or
/// reading like a label xsell makes, quoted with its quotes doubled.
pub(super) fn label(v: &str) -> String {
    format!(
        "CASE WHEN {v} IS NULL OR {v} = '' THEN '(none)' WHEN {v} LIKE '%/%' OR {v} LIKE '%\"%' \
         OR {v} IN ('(none)', '(unknown)', 'all') THEN '\"' || REPLACE({v}, '\"', '\"\"') || '\"' \
         ELSE {v} END"
    )
}

/// The rows listed: `all` in every period of the window (one row without `--period`), and
/// each group in each period it has lines in.
pub(super) fn cells(query: &Query, d: Dialect) -> String {
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
        "{all}\nUNION ALL\nSELECT DISTINCT group_label, by_label, period FROM scoped WHERE by_label IS \
         NOT NULL"
    )
}

/// Retention's groups: `all`, and those with a purchase line in the window.
pub(super) fn groups(d: Dialect) -> String {
    format!(
        "SELECT 'all' AS group_label, CAST(NULL AS {}) AS by_label\nUNION ALL\nSELECT DISTINCT \
         group_label, by_label FROM scoped WHERE by_label IS NOT NULL AND amount > 0",
        d.text()
    )
}
