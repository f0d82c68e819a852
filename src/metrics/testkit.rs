//! Test helpers: order lines written as compact text, run through the real book and fold.

use super::slice::{CustomerGroups, Dim, Router};
use super::{Fold, Metric, Row, Settings};
use crate::input::{Book, Campaign, Campaigns, orders};
use crate::money::Money;

/// Runs `metric` over lines written one per string as
/// `order customer date product category amount campaign loyal`, where campaign `-` is organic
/// and loyal is `y` or `n`.
pub fn run(metric: Metric, settings: Settings, lines: &[&str], campaigns: &[Campaign]) -> Vec<Row> {
    try_run(metric, settings, lines, campaigns).expect("rows")
}

/// [`run`], keeping the error of a metric that fails.
pub fn try_run(
    metric: Metric,
    settings: Settings,
    lines: &[&str],
    campaigns: &[Campaign],
) -> anyhow::Result<Vec<Row>> {
    run_in_parts(metric, lines, campaigns, (settings, &|_, _| false, false))
}

/// Says whether line `n` (counted from 0), of the customer of this id, goes to the second fold.
pub type Second<'a> = &'a dyn Fn(usize, u32) -> bool;

/// [`run`] with the lines that `second` picks folded apart from the others, the two folds
/// merged (the second into the first, or with `swap` the first into the second).
pub fn run_in_parts(
    metric: Metric,
    lines: &[&str],
    campaigns: &[Campaign],
    (settings, second_part, swap): (Settings, Second, bool),
) -> anyhow::Result<Vec<Row>> {
    let mut book = Book::default();
    let list = Campaigns {
        list: campaigns.to_vec(),
        ..Campaigns::default()
    };
    for c in campaigns {
        book.campaigns.intern(&c.id);
    }
    let mut fold = Fold::new(&[metric], settings.clone());
    let mut second = Fold::new(&[metric], settings.clone());
    let types: Vec<Option<String>> = campaigns.iter().map(|c| c.campaign_type.clone()).collect();
    let mut router = Router::new(
        settings.window,
        &settings.slicing,
        fold.wants_retention(),
        &types,
    );
    for (n, text) in lines.iter().enumerate() {
        let f: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(f.len(), 8, "test line {text:?} needs 8 fields");
        let row = orders::Row {
            order: f[0],
            customer: f[1],
            date: f[2].parse().expect("test date"),
            product: f[3],
            category: Some(f[4]),
            quantity: 1,
            amount: Money::parse(f[5]).expect("test amount"),
            rounded: false,
            invisible: false,
            guest: false,
            unfilled: false,
            channel: None,
            campaign: (f[6] != "-").then_some(f[6]),
            segment: None,
            loyalty: Some(f[7] == "y"),
            extra: None,
        };
        let at = n as u64 + 2;
        let customer = book.customers.find(row.customer).expect("a customer");
        let order = book
            .check_order(&row, customer.handle, 0, at)
            .expect("consistent test order");
        let line = book.admit(&row, order, customer, 0, at);
        book.record(&line);
        let part = match second_part(n, line.customer) {
            false => &mut fold,
            true => &mut second,
        };
        part.add(&line, router.route(&line));
    }
    if swap {
        second.merge(fold);
        fold = second;
    } else {
        fold.merge(second);
    }
    book.settle();
    let dims: Vec<Dim> = settings.slicing.customer_dims().cloned().collect();
    let groups = CustomerGroups::new(&book, &dims);
    fold.rows(&book, Some(&list), &router, &groups, 1)
}

/// A campaign with the given cost and counts; `None` is an empty cell.
pub fn campaign(
    id: &str,
    cost: Option<&str>,
    impressions: Option<u64>,
    clicks: Option<u64>,
) -> Campaign {
    Campaign {
        id: id.to_string(),
        cost: cost.map(|c| Money::parse(c).expect("test cost")),
        impressions,
        clicks,
        ..Campaign::default()
    }
}

/// (group, period, value, numerator, denominator) of each row, for compact assertions.
pub fn table(rows: &[Row]) -> Vec<(String, String, Option<f64>, String, String)> {
    let text = |q: Option<super::Quantity>| match q {
        Some(super::Quantity::Count(n)) => n.to_string(),
        Some(super::Quantity::Money(m)) => m.to_string(),
        None => String::new(),
    };
    rows.iter()
        .map(|r| {
            (
                r.group.clone(),
                r.period.clone().unwrap_or_default(),
                r.value,
                text(r.numerator),
                text(r.denominator),
            )
        })
        .collect()
}

/// Asserts a value to 1e-9, or n/a.
pub fn assert_value(got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "got {g}, want {w}"),
        _ => assert_eq!(got, want),
    }
}
