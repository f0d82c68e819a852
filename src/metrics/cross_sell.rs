//! Cross-sell rates: customer level, campaign level, loyalty-member level.
//!
//! History ("had not bought before", "had bought something earlier") always uses every input
//! row; only the lines dated inside the window are measured. Each fold keeps the earliest date per
//! (customer, item), so the result never depends on the order of rows.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::row::{ALL, Row};
use super::{Context, Level, Window, min_date};
use crate::input::Line;

/// What one customer bought in the window, as far as "two or more distinct items" needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Basket {
    #[default]
    Empty,
    One(u32),
    Many,
}

/// `cross-sell` = customers with >= 2 distinct items among their purchase lines in the window /
/// customers with >= 1 purchase line in the window.
#[derive(Debug)]
pub struct CrossSell {
    level: Level,
    window: Window,
    baskets: Vec<Basket>,
}

impl CrossSell {
    pub fn new(level: Level, window: Window) -> CrossSell {
        CrossSell {
            level,
            window,
            baskets: Vec::new(),
        }
    }

    pub fn add(&mut self, line: &Line) {
        if !line.is_purchase() || !self.window.contains(line.date) {
            return;
        }
        let c = line.customer as usize;
        if c >= self.baskets.len() {
            self.baskets.resize(c + 1, Basket::Empty);
        }
        let item = self.level.item(line);
        let basket = &mut self.baskets[c];
        *basket = match *basket {
            Basket::Empty => Basket::One(item),
            Basket::One(first) if first == item => Basket::One(first),
            _ => Basket::Many,
        };
    }

    pub fn rows(&self) -> Vec<Row> {
        let multi = self.baskets.iter().filter(|b| **b == Basket::Many).count() as u64;
        let buyers = self.baskets.iter().filter(|b| **b != Basket::Empty).count() as u64;
        vec![Row::rate("cross-sell", ALL, multi, Some(buyers))]
    }
}

/// `campaign-cross-sell` per campaign = distinct customers with a purchase line attributed to the
/// campaign, in the window, dated d, of an item they had not bought before d, who had bought
/// something before d / the campaign's `targeted`.
///
/// A purchase of item i on date d is "not bought before d" exactly when d is the customer's first
/// date for i, so the fold keeps, per customer, the first date of each item and the first
/// attributed date of each (campaign, item).
#[derive(Debug, Default)]
pub struct CampaignCrossSell {
    level: Level,
    first_bought: HashMap<(u32, u32), NaiveDate>,
    first_attributed: HashMap<(u32, u32, u32), NaiveDate>,
}

impl CampaignCrossSell {
    pub fn new(level: Level) -> CampaignCrossSell {
        CampaignCrossSell {
            level,
            ..CampaignCrossSell::default()
        }
    }

    pub fn add(&mut self, line: &Line) {
        if !line.is_purchase() {
            return;
        }
        let item = self.level.item(line);
        min_date(self.first_bought.entry((line.customer, item)), line.date);
        if let Some(campaign) = line.campaign {
            min_date(
                self.first_attributed.entry((line.customer, campaign, item)),
                line.date,
            );
        }
    }

    pub fn rows(&self, ctx: &Context) -> Vec<Row> {
        let mut won: HashSet<(u32, u32)> = HashSet::new();
        for (&(customer, campaign, item), &date) in &self.first_attributed {
            let new_item = self.first_bought.get(&(customer, item)) == Some(&date);
            let returning = ctx.first_order(customer).is_some_and(|first| first < date);
            if new_item && returning && ctx.window.contains(date) {
                won.insert((campaign, customer));
            }
        }
        let mut by_campaign: HashMap<u32, HashSet<u32>> = HashMap::new();
        for (campaign, customer) in won {
            by_campaign.entry(campaign).or_default().insert(customer);
        }
        let (mut rows, mut everyone, mut targeted) = (Vec::new(), HashSet::<u32>::new(), 0);
        for (index, campaign) in ctx.campaigns() {
            let customers = by_campaign.remove(&index).unwrap_or_default();
            if let Some(t) = campaign.targeted {
                targeted += t;
                everyone.extend(&customers);
            }
            rows.push(Row::rate(
                "campaign-cross-sell",
                &campaign.id,
                customers.len() as u64,
                campaign.targeted,
            ));
        }
        rows.insert(
            0,
            Row::rate(
                "campaign-cross-sell",
                ALL,
                everyone.len() as u64,
                Some(targeted),
            ),
        );
        rows
    }
}

/// `loyalty-cross-sell` = cross-sell orders by loyalty members / all orders by loyalty members
/// in the window. A cross-sell order holds a purchase line of a category (product when there is
/// no category column) that its customer had not bought on an earlier date, from a customer who
/// had bought something on an earlier date.
#[derive(Debug, Default)]
pub struct LoyaltyCrossSell {
    /// Per (customer, item): the first date the customer bought it, and the orders of that date
    /// that hold it.
    first_bought: HashMap<(u32, u32), (NaiveDate, Vec<u32>)>,
}

impl LoyaltyCrossSell {
    pub fn add(&mut self, line: &Line) {
        if !line.is_purchase() {
            return;
        }
        let item = line.category.unwrap_or(line.product);
        let entry = self
            .first_bought
            .entry((line.customer, item))
            .or_insert((line.date, Vec::new()));
        if line.date < entry.0 {
            *entry = (line.date, Vec::new());
        }
        if line.date == entry.0 && !entry.1.contains(&line.order) {
            entry.1.push(line.order);
        }
    }

    pub fn rows(&self, ctx: &Context) -> Vec<Row> {
        let member = |customer: u32| {
            ctx.book
                .customer
                .get(customer as usize)
                .is_some_and(|c| c.member)
        };
        let mut cross_orders: HashSet<u32> = HashSet::new();
        for (&(customer, _), (date, orders)) in &self.first_bought {
            let returning = ctx.first_order(customer).is_some_and(|first| first < *date);
            if returning && member(customer) && ctx.window.contains(*date) {
                cross_orders.extend(orders);
            }
        }
        let member_orders = ctx.orders().filter(|o| member(o.customer)).count() as u64;
        vec![Row::rate(
            "loyalty-cross-sell",
            ALL,
            cross_orders.len() as u64,
            Some(member_orders),
        )]
    }
}
