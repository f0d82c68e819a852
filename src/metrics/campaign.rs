//! Campaign metrics: click-through, conversion (response), ROI and customer acquisition cost.
//!
//! One row per campaign of campaigns.csv (sorted by id) after an `all` row. A campaign whose
//! needed cell is empty is n/a and left out of the `all` row. Lines attributed to a campaign
//! that campaigns.csv does not list are left out of every campaign metric (xsell warns).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDate;

use anyhow::{Result, anyhow};

use super::pair_map::Attributed;
use super::row::{ALL, Row, Unit};
use super::store::{Batched, Merge};
use super::{Context, Window};
use crate::input::{Campaign, Line};
use crate::money::Money;

/// What the campaign metrics need from the order lines.
#[derive(Debug, Default)]
pub struct CampaignFold {
    window: Window,
    /// Net revenue of the lines attributed to each campaign in the window.
    revenue: HashMap<u32, Money>,
    /// (customer, campaign) with an attributed purchase line → the earliest date of one, over
    /// all rows, and whether one lies in the window.
    attributed: Batched<Attributed, Attribution>,
}

/// A customer's attributed purchases of one campaign: the earliest date of one, and whether one
/// lies in the window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Attribution {
    first: NaiveDate,
    in_window: bool,
}

impl Merge for Attribution {
    fn merge(&mut self, other: Attribution) {
        self.first = self.first.min(other.first);
        self.in_window |= other.in_window;
    }
}

impl CampaignFold {
    pub fn new(window: Window) -> CampaignFold {
        CampaignFold {
            window,
            ..CampaignFold::default()
        }
    }

    pub fn add(&mut self, line: &Line) {
        let Some(campaign) = line.campaign else {
            return;
        };
        let in_window = self.window.contains(line.date);
        if in_window {
            *self.revenue.entry(campaign).or_default() += line.amount;
        }
        if line.is_purchase()
            && (self.attributed).push(
                Attributed {
                    customer: line.customer,
                    campaign,
                },
                Attribution {
                    first: line.date,
                    in_window,
                },
            )
        {
            self.settle();
        }
    }

    /// Applies the purchases held back, before reading.
    pub fn settle(&mut self) {
        self.attributed.settle();
    }

    /// The state of this fold's lines and `other`'s together.
    pub fn merge(&mut self, other: CampaignFold) {
        for (campaign, money) in other.revenue {
            *self.revenue.entry(campaign).or_default() += money;
        }
        self.attributed.merge(other.attributed);
    }

    /// `conversion` = conversions / impressions. A campaign with no conversions value counts the
    /// distinct customers with attributed purchase lines in the window instead.
    pub fn conversion(&self, ctx: &Context) -> Result<Vec<Row>> {
        let mut buyers: HashMap<u32, u64> = HashMap::default();
        for (Attributed { campaign, .. }, &Attribution { in_window, .. }) in
            self.attributed.map().iter()
        {
            *buyers.entry(campaign).or_default() += u64::from(in_window);
        }
        summed_rates(ctx, "conversion", |index, c| {
            let converted = c
                .conversions
                .unwrap_or_else(|| buyers.get(&index).copied().unwrap_or(0));
            Some((converted, c.impressions?))
        })
    }

    /// `roi` = (net revenue attributed to the campaign in the window − cost) / cost.
    pub fn roi(&self, ctx: &Context) -> Result<Vec<Row>> {
        per_campaign(
            ctx,
            "roi",
            Unit::Rate,
            |index, campaign, (revenue, cost): &mut (Money, Money)| {
                *cost += campaign.cost?;
                *revenue += self.revenue.get(&index).copied().unwrap_or_default();
                Some(Ok(()))
            },
            |(revenue, cost)| Row::money_rate("roi", ALL, revenue - cost, cost),
        )
    }

    /// `cac` = cost / new customers: customers whose first order date is in the window and who
    /// have a purchase line attributed to the campaign on that date.
    pub fn cac(&self, ctx: &Context) -> Result<Vec<Row>> {
        let mut acquired: HashMap<u32, HashSet<u32>> = HashMap::default();
        for (Attributed { customer, campaign }, &Attribution { first: date, .. }) in
            self.attributed.map().iter()
        {
            if ctx.first_order(customer) == Some(date) && self.window.contains(date) {
                acquired.entry(campaign).or_default().insert(customer);
            }
        }
        per_campaign(
            ctx,
            "cac",
            Unit::Money,
            |index, campaign, (everyone, cost): &mut (HashSet<u32>, Money)| {
                *cost += campaign.cost?;
                everyone.extend(acquired.get(&index).into_iter().flatten());
                Some(Ok(()))
            },
            |(everyone, cost)| Row::money_per("cac", ALL, cost, everyone.len() as u64),
        )
    }
}

/// `ctr` = clicks / impressions.
pub fn ctr(ctx: &Context) -> Result<Vec<Row>> {
    summed_rates(ctx, "ctr", |_, c| Some((c.clicks?, c.impressions?)))
}

/// The `all` row over every campaign, then a row per campaign (or per group of campaigns under
/// `--by campaign-type` or `channel`). `add` adds one campaign's share to its group's
/// accumulator, or returns `None` when a value it needs is unknown: the campaign then stays out
/// of every sum, and a group with no known campaign is n/a. `total` makes a group's row.
pub fn per_campaign<A: Default>(
    ctx: &Context,
    metric: &'static str,
    unit: Unit,
    mut add: impl FnMut(u32, &Campaign, &mut A) -> Option<Result<()>>,
    total: impl Fn(A) -> Row,
) -> Result<Vec<Row>> {
    let mut fold = |members: &[(u32, &Campaign)]| -> Result<Option<A>> {
        let (mut sum, mut known) = (A::default(), false);
        for &(index, campaign) in members {
            if let Some(added) = add(index, campaign, &mut sum) {
                added?;
                known = true;
            }
        }
        Ok(known.then_some(sum))
    };
    let everything = fold(&ctx.campaigns())?;
    let mut rows = vec![everything.map_or_else(|| total(A::default()), &total)];
    for (label, members) in ctx.campaign_groups() {
        let row = match fold(&members)? {
            Some(sum) => total(sum),
            None => Row::unknown(metric, ALL, unit),
        };
        rows.push(row.labelled(&label));
    }
    Ok(rows)
}

/// A rate per campaign (or group) from `parts` (numerator, denominator; `None` when unknown),
/// summed over the campaigns whose parts are known.
fn summed_rates(
    ctx: &Context,
    metric: &'static str,
    parts: impl Fn(u32, &Campaign) -> Option<(u64, u64)>,
) -> Result<Vec<Row>> {
    per_campaign(
        ctx,
        metric,
        Unit::Rate,
        |index, campaign, (numerator, denominator): &mut (u64, u64)| {
            let (n, d) = parts(index, campaign)?;
            Some(add_count(numerator, n, metric).and_then(|()| add_count(denominator, d, metric)))
        },
        |(numerator, denominator)| Row::rate(metric, ALL, numerator, Some(denominator)),
    )
}

/// Adds a campaign's count to a total; too large a total is an error, never a wrapped number.
pub fn add_count(total: &mut u64, count: u64, metric: &str) -> Result<()> {
    *total = total.checked_add(count).ok_or_else(|| {
        anyhow!(
            "{metric}: the sum over all campaigns exceeds {}; check the campaign counts",
            u64::MAX
        )
    })?;
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_value, campaign, run, table};
    use super::super::{Metric, Settings};
    use crate::input::Campaign;

    #[test]
    fn campaign_sums_that_overflow_are_errors() {
        let huge = campaign("C1", None, Some(u64::MAX), Some(1));
        let also = campaign("C2", None, Some(1), Some(1));
        let ctx_rows =
            super::super::testkit::try_run(Metric::Ctr, Settings::default(), &[], &[huge, also]);
        assert!(ctx_rows.unwrap_err().to_string().contains("exceeds"));
    }

    fn campaigns() -> Vec<Campaign> {
        let mut c2 = campaign("C2", Some("50.00"), Some(400), Some(40));
        c2.conversions = Some(8);
        vec![
            campaign("C1", Some("100.00"), Some(1000), Some(50)),
            c2,
            campaign("C3", None, None, Some(5)),
        ]
    }

    const LINES: [&str; 6] = [
        "O1 U1 2025-01-10 P1 a 30.00 C1 n", // U1's first order, through C1: new for C1
        "O2 U2 2025-01-05 P1 a 20.00 - n",  // U2 bought before C1 reached them
        "O3 U2 2025-01-12 P2 a 40.00 C1 n",
        "O4 U3 2025-01-12 P1 a 25.00 C2 n", // U3's first day has lines through C2 and C1
        "O5 U3 2025-01-12 P2 a 10.00 C1 n",
        "O6 U4 2025-01-20 P1 a -15.00 C1 n", // a return through C1: revenue only
    ];

    /// (group, value, numerator, denominator)
    fn check(metric: Metric, want: &[(&str, Option<f64>, &str, &str)]) {
        let got = table(&run(metric, Settings::default(), &LINES, &campaigns()));
        assert_eq!(got.len(), want.len(), "{metric:?}: {got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(
                (g.0.as_str(), g.3.as_str(), g.4.as_str()),
                (w.0, w.2, w.3),
                "{metric:?}"
            );
            assert_value(g.2, w.1);
        }
    }

    #[test]
    fn ctr_is_clicks_over_impressions() {
        check(
            Metric::Ctr,
            &[
                ("all", Some(90.0 / 1400.0), "90", "1400"),
                ("C1", Some(0.05), "50", "1000"),
                ("C2", Some(0.1), "40", "400"),
                ("C3", None, "", ""), // no impressions: n/a and left out of all
            ],
        );
    }

    #[test]
    fn conversion_counts_buyers_where_no_conversions_are_reported() {
        check(
            Metric::Conversion,
            &[
                ("all", Some(11.0 / 1400.0), "11", "1400"),
                ("C1", Some(0.003), "3", "1000"), // U1, U2, U3 bought through C1; U4 only returned
                ("C2", Some(0.02), "8", "400"),   // as reported
                ("C3", None, "", ""),
            ],
        );
    }

    #[test]
    fn roi_nets_returns_against_cost() {
        check(
            Metric::Roi,
            &[
                ("all", Some(-0.4), "-60.00", "150.00"), // (65 + 25 - 150) / 150
                ("C1", Some(-0.35), "-35.00", "100.00"), // 30 + 40 + 10 - 15 = 65
                ("C2", Some(-0.5), "-25.00", "50.00"),
                ("C3", None, "", ""),
            ],
        );
    }

    #[test]
    fn cac_divides_cost_by_customers_acquired_on_their_first_day() {
        check(
            Metric::Cac,
            &[
                ("all", Some(75.0), "150.00", "2"), // distinct new customers: U1, U3
                ("C1", Some(50.0), "100.00", "2"),  // U1, U3 (U2 bought before)
                ("C2", Some(50.0), "50.00", "1"),   // U3
                ("C3", None, "", ""),
            ],
        );
    }
}
