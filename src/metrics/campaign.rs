//! Campaign metrics: click-through, conversion (response), ROI and customer acquisition cost.
//!
//! One row per campaign of campaigns.csv (sorted by id) after an `all` row. A campaign whose
//! needed cell is empty is n/a and left out of the `all` row. Lines attributed to a campaign
//! that campaigns.csv does not list are left out of every campaign metric (xsell warns).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::row::{ALL, Row, Unit};
use super::{Context, Window, min_date};
use crate::input::Line;
use crate::money::Money;

/// What the campaign metrics need from the order lines.
#[derive(Debug, Default)]
pub struct CampaignFold {
    window: Window,
    /// Net revenue of the lines attributed to each campaign in the window.
    revenue: HashMap<u32, Money>,
    /// (campaign, customer) with an attributed purchase line in the window.
    buyers: HashSet<(u32, u32)>,
    /// (customer, campaign) → the earliest date of an attributed purchase line, over all rows.
    first_attributed: HashMap<(u32, u32), NaiveDate>,
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
        if line.is_purchase() {
            if in_window {
                self.buyers.insert((campaign, line.customer));
            }
            min_date(
                self.first_attributed.entry((line.customer, campaign)),
                line.date,
            );
        }
    }

    /// `conversion` = conversions / impressions. A campaign with no conversions value counts the
    /// distinct customers with attributed purchase lines in the window instead.
    pub fn conversion(&self, ctx: &Context) -> Vec<Row> {
        let converted = |index: u32, reported: Option<u64>| {
            reported
                .unwrap_or_else(|| self.buyers.iter().filter(|(c, _)| *c == index).count() as u64)
        };
        summed_rates(ctx, "conversion", |index, c| {
            Some((converted(index, c.conversions), c.impressions?))
        })
    }

    /// `roi` = (net revenue attributed to the campaign in the window − cost) / cost.
    pub fn roi(&self, ctx: &Context) -> Vec<Row> {
        let (mut rows, mut revenue, mut cost) = (Vec::new(), Money::ZERO, Money::ZERO);
        for (index, campaign) in ctx.campaigns() {
            let earned = self.revenue.get(&index).copied().unwrap_or_default();
            rows.push(match campaign.cost {
                Some(spent) => {
                    revenue += earned;
                    cost += spent;
                    Row::money_rate("roi", &campaign.id, earned - spent, spent)
                }
                None => Row::unknown("roi", &campaign.id, Unit::Rate),
            });
        }
        rows.insert(0, Row::money_rate("roi", ALL, revenue - cost, cost));
        rows
    }

    /// `cac` = cost / new customers: customers whose first order date is in the window and who
    /// have a purchase line attributed to the campaign on that date.
    pub fn cac(&self, ctx: &Context) -> Vec<Row> {
        let mut acquired: HashMap<u32, HashSet<u32>> = HashMap::new();
        for (&(customer, campaign), &date) in &self.first_attributed {
            if ctx.first_order(customer) == Some(date) && ctx.window.contains(date) {
                acquired.entry(campaign).or_default().insert(customer);
            }
        }
        let (mut rows, mut everyone, mut cost) = (Vec::new(), HashSet::<u32>::new(), Money::ZERO);
        for (index, campaign) in ctx.campaigns() {
            let customers = acquired.remove(&index).unwrap_or_default();
            rows.push(match campaign.cost {
                Some(spent) => {
                    cost += spent;
                    everyone.extend(&customers);
                    Row::money_per("cac", &campaign.id, spent, customers.len() as u64)
                }
                None => Row::unknown("cac", &campaign.id, Unit::Money),
            });
        }
        rows.insert(0, Row::money_per("cac", ALL, cost, everyone.len() as u64));
        rows
    }
}

/// `ctr` = clicks / impressions.
pub fn ctr(ctx: &Context) -> Vec<Row> {
    summed_rates(ctx, "ctr", |_, c| Some((c.clicks?, c.impressions?)))
}

/// A rate per campaign from `parts` (numerator, denominator; `None` when unknown), and an `all`
/// row from the sums over the campaigns whose parts are known.
fn summed_rates(
    ctx: &Context,
    metric: &'static str,
    parts: impl Fn(u32, &crate::input::Campaign) -> Option<(u64, u64)>,
) -> Vec<Row> {
    let (mut rows, mut numerator, mut denominator) = (Vec::new(), 0, 0);
    for (index, campaign) in ctx.campaigns() {
        rows.push(match parts(index, campaign) {
            Some((n, d)) => {
                numerator += n;
                denominator += d;
                Row::rate(metric, &campaign.id, n, Some(d))
            }
            None => Row::unknown(metric, &campaign.id, Unit::Rate),
        });
    }
    rows.insert(0, Row::rate(metric, ALL, numerator, Some(denominator)));
    rows
}
