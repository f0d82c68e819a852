//! Property tests: invariants of the KPIs over random valid order sets, through the library.
//!
//! Each case generates a few customers and orders (every line of an order shares its customer and
//! date), renders them as orders.csv bytes and runs the engine on them
//! (`workdir::evaluate`).

use std::sync::Arc;

use crate::workdir::{Ask, evaluate as engine};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use xsell::metrics::slice::{Dim, Slicing};
use xsell::metrics::{Metric, Quantity, Row, Window};
use xsell::money::Money;

// ==== Generated data ====

const ORDERS_HEADER: &str = "order_id,customer_id,order_date,product_id,category,quantity,amount,\
                      channel,campaign_id,segment,loyalty";
/// Products, with their category.
const PRODUCTS: [(&str, &str); 6] = [
    ("P1", "home"),
    ("P2", "home"),
    ("P3", "garden"),
    ("P4", "garden"),
    ("P5", "toys"),
    ("P6", "toys"),
];
/// Line amounts in integer cents: purchases, zero lines and returns.
const AMOUNTS: [i64; 10] = [1999, 1000, 1250, 1, 4995, 0, 0, -525, -1000, -1];
const CHANNELS: [&str; 5] = ["email", "sms", "web", "store", ""];
const CAMPAIGNS: [&str; 3] = ["C1", "C2", ""];
const SEGMENTS: [&str; 4] = ["budget", "mainstream", "premium", ""];
const FLAGS: [&str; 7] = ["true", "false", "1", "0", "yes", "no", ""];
/// Dates are this day plus 0..DAYS days: two months.
const DAYS: u64 = 60;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

fn day(offset: u64) -> NaiveDate {
    start().checked_add_days(Days::new(offset)).unwrap()
}

#[derive(Clone, Debug)]
struct Customer {
    segment: usize,
    loyalty: usize,
}

#[derive(Clone, Debug)]
struct LineSpec {
    product: usize,
    amount: usize,
    channel: usize,
    campaign: usize,
    /// Another segment than the customer's on this line, now and then.
    segment: Option<usize>,
    /// Another loyalty flag than the customer's on this line, now and then.
    loyalty: Option<usize>,
}

#[derive(Clone, Debug)]
struct OrderSpec {
    customer: usize,
    day: u64,
    lines: Vec<LineSpec>,
}

#[derive(Clone, Debug)]
struct Data {
    customers: Vec<Customer>,
    orders: Vec<OrderSpec>,
}

/// One rendered order line with what the test needs to know about it.
struct Rendered {
    date: NaiveDate,
    cents: i64,
    text: String,
}

impl Data {
    fn lines(&self) -> Vec<Rendered> {
        let mut out = Vec::new();
        for (i, order) in self.orders.iter().enumerate() {
            let customer = &self.customers[order.customer];
            let date = day(order.day);
            for line in &order.lines {
                let (product, category) = PRODUCTS[line.product];
                let cents = AMOUNTS[line.amount];
                let quantity = match cents.signum() {
                    1 => 1 + (line.product as i64 % 3),
                    0 => 0,
                    _ => -1,
                };
                let text = format!(
                    "O{i},U{},{date},{product},{category},{quantity},{},{},{},{},{}",
                    order.customer,
                    amount_text(cents),
                    CHANNELS[line.channel],
                    CAMPAIGNS[line.campaign],
                    SEGMENTS[line.segment.unwrap_or(customer.segment)],
                    FLAGS[line.loyalty.unwrap_or(customer.loyalty)],
                );
                out.push(Rendered { date, cents, text });
            }
        }
        out
    }
}

/// `-5.25`, `10.00`, `0.01`.
fn amount_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// orders.csv bytes: the header, then `lines` in the order given.
fn csv<'a>(lines: impl IntoIterator<Item = &'a str>) -> Arc<[u8]> {
    let mut text = String::from(ORDERS_HEADER);
    text.push('\n');
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    Arc::from(text.into_bytes())
}

fn line_spec() -> impl Strategy<Value = LineSpec> {
    (
        0..PRODUCTS.len(),
        0..AMOUNTS.len(),
        0..CHANNELS.len(),
        0..CAMPAIGNS.len(),
        prop::option::weighted(0.25, 0..SEGMENTS.len()),
        prop::option::weighted(0.25, 0..FLAGS.len()),
    )
        .prop_map(
            |(product, amount, channel, campaign, segment, loyalty)| LineSpec {
                product,
                amount,
                channel,
                campaign,
                segment,
                loyalty,
            },
        )
}

fn data() -> impl Strategy<Value = Data> {
    (1..=12usize).prop_flat_map(|n| {
        let customers = prop::collection::vec(
            (0..SEGMENTS.len(), 0..FLAGS.len())
                .prop_map(|(segment, loyalty)| Customer { segment, loyalty }),
            n,
        );
        let order = (0..n, 0..DAYS, prop::collection::vec(line_spec(), 1..=4)).prop_map(
            |(customer, day, lines)| OrderSpec {
                customer,
                day,
                lines,
            },
        );
        (customers, prop::collection::vec(order, 1..=25))
            .prop_map(|(customers, orders)| Data { customers, orders })
    })
}

/// An optional `--from`/`--to` window within the data's two months (from <= to).
fn window() -> impl Strategy<Value = Window> {
    (
        prop::option::of(0..DAYS),
        prop::option::of(0..DAYS),
        any::<bool>(),
    )
        .prop_map(|(a, b, use_it)| {
            if !use_it {
                return Window::default();
            }
            let (from, to) = match (a, b) {
                (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                other => other,
            };
            Window {
                from: from.map(day),
                to: to.map(day),
            }
        })
}

// ==== Running xsell ====

/// The engine's question: these orders files (`orders0.csv`, ...), sliced by `dims`.
struct Config {
    files: Vec<(String, Arc<[u8]>)>,
    ask: Ask,
}

fn config(files: Vec<Arc<[u8]>>, dims: Vec<Dim>, window: Window) -> Config {
    let files = files
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| (format!("orders{i}.csv"), bytes))
        .collect();
    let slicing = Slicing { dims, period: None };
    let ask = Ask {
        slicing,
        window,
        ..Ask::default()
    };
    Config { files, ask }
}

fn evaluate(config: &Config, metrics: Option<Vec<Metric>>) -> Vec<Row> {
    match engine(config.files.clone(), &config.ask, metrics) {
        Ok(rows) => rows,
        Err(e) => panic!("evaluate failed on valid input: {e}"),
    }
}

/// What a row says, without presentation: (metric, by, group, period, value, numerator,
/// denominator).
type Key = (
    &'static str,
    String,
    String,
    Option<String>,
    Option<f64>,
    Option<Quantity>,
    Option<Quantity>,
);

fn keys(rows: &[Row]) -> Vec<Key> {
    rows.iter()
        .map(|r| {
            (
                r.metric,
                r.by.clone(),
                r.group.clone(),
                r.period.clone(),
                r.value,
                r.numerator,
                r.denominator,
            )
        })
        .collect()
}

fn count(q: Option<Quantity>) -> u64 {
    match q {
        Some(Quantity::Count(n)) => n,
        other => panic!("expected a count, got {other:?}"),
    }
}

fn money(q: Option<Quantity>) -> Money {
    match q {
        Some(Quantity::Money(m)) => m,
        other => panic!("expected money, got {other:?}"),
    }
}

/// The `all` row of `metric` without a period.
fn all_row<'a>(rows: &'a [Row], metric: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.metric == metric && r.group == "all" && r.period.is_none())
        .unwrap_or_else(|| panic!("no all row of {metric}"))
}

/// The group rows of `metric` without a period.
fn group_rows<'a>(rows: &'a [Row], metric: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r.metric == metric && r.group != "all" && r.period.is_none())
        .collect()
}

const RATES: [Metric; 4] = [
    Metric::CrossSell,
    Metric::LoyaltyCrossSell,
    Metric::Retention,
    Metric::RepeatRate,
];

/// 64 cases, or `PROPTEST_CASES` for a longer hunt.
fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ==== Properties ====

proptest! {
    #![proptest_config(cases())]

    /// 1. Every rate from orders alone is a fraction: 0 <= numerator <= denominator, value =
    ///    numerator / denominator in [0, 1] (n/a exactly when the denominator is 0), for the all
    ///    row and under --by segment and --by channel.
    #[test]
    fn rates_lie_between_zero_and_one(data in data(), window in window()) {
        let lines = data.lines();
        let bytes = csv(lines.iter().map(|l| l.text.as_str()));
        for dims in [vec![], vec![Dim::Segment], vec![Dim::Channel]] {
            let rows = evaluate(&config(vec![bytes.clone()], dims.clone(), window), Some(RATES.to_vec()));
            prop_assert!(!rows.is_empty());
            for r in &rows {
                let (n, d) = (count(r.numerator), count(r.denominator));
                prop_assert!(n <= d, "{dims:?}: numerator above denominator: {r:?}");
                match r.value {
                    None => prop_assert_eq!(d, 0, "{:?}: n/a with a denominator: {:?}", dims, r),
                    Some(v) => {
                        prop_assert!((0.0..=1.0).contains(&v), "{dims:?}: rate out of [0, 1]: {r:?}");
                        prop_assert_eq!(v, n as f64 / d as f64);
                    }
                }
            }
        }
    }

    /// 2. Results never depend on the order of the rows.
    #[test]
    fn shuffling_rows_changes_nothing(
        (data, perm) in data().prop_flat_map(|d| {
            let n = d.lines().len();
            (Just(d), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        window in window(),
    ) {
        let lines = data.lines();
        let original = csv(lines.iter().map(|l| l.text.as_str()));
        let shuffled = csv(perm.iter().map(|&i| lines[i].text.as_str()));
        for dims in [vec![], vec![Dim::Segment], vec![Dim::Channel]] {
            let a = evaluate(&config(vec![original.clone()], dims.clone(), window), None);
            let b = evaluate(&config(vec![shuffled.clone()], dims.clone(), window), None);
            prop_assert_eq!(keys(&a), keys(&b), "under {:?}", dims);
        }
    }

    /// 3. Two files, each with the header, read as one stream: the same result as one file.
    #[test]
    fn splitting_into_two_files_changes_nothing(
        (data, sides) in data()
            .prop_filter("two lines or more", |d| d.lines().len() >= 2)
            .prop_flat_map(|d| {
                let n = d.lines().len();
                (Just(d), prop::collection::vec(any::<bool>(), n))
            }),
        window in window(),
    ) {
        let lines = data.lines();
        let mut sides = sides;
        // Neither file may be empty: a file with a header and no rows is an error.
        if sides.iter().all(|&s| s) {
            sides[0] = false;
        } else if sides.iter().all(|&s| !s) {
            sides[0] = true;
        }
        let one = csv(lines.iter().map(|l| l.text.as_str()));
        let first = csv(lines.iter().zip(&sides).filter(|(_, s)| !**s).map(|(l, _)| l.text.as_str()));
        let second = csv(lines.iter().zip(&sides).filter(|(_, s)| **s).map(|(l, _)| l.text.as_str()));
        for dims in [vec![], vec![Dim::Segment], vec![Dim::Channel]] {
            let a = evaluate(&config(vec![one.clone()], dims.clone(), window), None);
            let b = evaluate(
                &config(vec![first.clone(), second.clone()], dims.clone(), window),
                None,
            );
            prop_assert_eq!(keys(&a), keys(&b), "under {:?}", dims);
        }
    }

    /// 4. Under --by segment (groups partition the customers) the additive metrics add up:
    ///    cross-sell and repeat-rate numerators and denominators, aov net revenue and orders.
    ///    The `all` row stays what it is without slicing.
    #[test]
    fn segment_groups_add_up_to_all(data in data(), window in window()) {
        let lines = data.lines();
        let bytes = csv(lines.iter().map(|l| l.text.as_str()));
        let wanted = vec![Metric::CrossSell, Metric::RepeatRate, Metric::Aov];
        let plain = evaluate(&config(vec![bytes.clone()], vec![], window), Some(wanted.clone()));
        let sliced = evaluate(&config(vec![bytes], vec![Dim::Segment], window), Some(wanted));
        for metric in ["cross-sell", "repeat-rate", "aov"] {
            let all = all_row(&sliced, metric);
            prop_assert_eq!(
                keys(std::slice::from_ref(all_row(&plain, metric))),
                keys(std::slice::from_ref(all)),
                "{} all row changes under --by segment", metric
            );
            let groups = group_rows(&sliced, metric);
            prop_assert!(groups.iter().all(|r| r.by == "segment"));
            let denominator: u64 = groups.iter().map(|r| count(r.denominator)).sum();
            prop_assert_eq!(denominator, count(all.denominator), "{} denominators", metric);
            if metric == "aov" {
                let revenue = groups.iter().fold(Money::ZERO, |s, r| s + money(r.numerator));
                prop_assert_eq!(revenue, money(all.numerator), "aov net revenue");
            } else {
                let numerator: u64 = groups.iter().map(|r| count(r.numerator)).sum();
                prop_assert_eq!(numerator, count(all.numerator), "{} numerators", metric);
            }
        }
    }

    /// 5. Money is exact: net revenue (the aov and historic clv numerator) is the sum of the
    ///    amounts of the lines in the window, to the cent.
    #[test]
    fn net_revenue_is_the_exact_sum_of_amounts(data in data(), window in window()) {
        let lines = data.lines();
        let bytes = csv(lines.iter().map(|l| l.text.as_str()));
        let cents: i64 = lines
            .iter()
            .filter(|l| window.contains(l.date))
            .map(|l| l.cents)
            .sum();
        let expected = Money::from_minor(i128::from(cents) * 100);
        let rows = evaluate(
            &config(vec![bytes], vec![], window),
            Some(vec![Metric::Aov, Metric::Clv]),
        );
        prop_assert_eq!(money(all_row(&rows, "aov").numerator), expected);
        prop_assert_eq!(money(all_row(&rows, "clv").numerator), expected);
    }
}
