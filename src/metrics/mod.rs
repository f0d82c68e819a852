//! The KPIs. Each family folds parsed order lines in one pass into a small state keyed by
//! customer; the functions that turn that state into rows are pure. Nothing here knows about
//! the command line or the output format.

mod campaign;
mod cross_sell;
mod retention;
pub mod row;
#[cfg(test)]
mod testkit;
mod value;
pub mod window;

use std::collections::hash_map::Entry;

use chrono::NaiveDate;

use crate::input::book::Order;
use crate::input::{Book, Campaign, Campaigns, Line, OrderColumns};
pub use row::{Quantity, Row, Unit};
pub use window::Window;

/// Every KPI xsell computes, in the order reports list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    CrossSell,
    CampaignCrossSell,
    LoyaltyCrossSell,
    Ctr,
    Conversion,
    Roi,
    Cac,
    Aov,
    Clv,
    Retention,
    RepeatRate,
}

/// A metric's documentation: its name, formula and the columns it needs.
#[derive(Debug)]
pub struct Info {
    pub name: &'static str,
    pub title: &'static str,
    pub formula: &'static str,
    /// Columns of orders.csv beyond the required ones.
    pub order_columns: &'static [&'static str],
    /// Columns of campaigns.csv (`--campaigns`); empty when the metric needs no campaigns file.
    pub campaign_columns: &'static [&'static str],
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::CrossSell,
        Metric::CampaignCrossSell,
        Metric::LoyaltyCrossSell,
        Metric::Ctr,
        Metric::Conversion,
        Metric::Roi,
        Metric::Cac,
        Metric::Aov,
        Metric::Clv,
        Metric::Retention,
        Metric::RepeatRate,
    ];

    pub fn info(self) -> &'static Info {
        &INFO[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Why this metric cannot be computed from the given inputs, if it cannot: "needs ...".
    pub fn missing(
        self,
        settings: &Settings,
        orders: OrderColumns,
        campaigns: Option<&Campaigns>,
    ) -> Option<String> {
        let mut order_columns: Vec<&str> = self.info().order_columns.to_vec();
        if settings.level == Level::Category
            && matches!(self, Metric::CrossSell | Metric::CampaignCrossSell)
        {
            order_columns.push("category");
        }
        // Conversion counts attributed buyers where a campaign reports no conversions.
        let counts_buyers =
            campaigns.is_some_and(|c| c.list.iter().any(|c| c.conversions.is_none()));
        if self == Metric::Conversion && counts_buyers {
            order_columns.push("campaign_id");
        }
        let lacking: Vec<&str> = order_columns
            .into_iter()
            .filter(|c| !orders.has(c))
            .collect();
        if !lacking.is_empty() {
            let why = if self == Metric::Conversion {
                " to count the buyers of campaigns without a conversions value"
            } else {
                ""
            };
            return Some(format!(
                "needs the column {} in every orders file{why}",
                lacking.join(", ")
            ));
        }
        let needed = self.info().campaign_columns;
        if needed.is_empty() {
            return None;
        }
        let Some(campaigns) = campaigns else {
            return Some(format!(
                "needs a campaigns file (--campaigns FILE) with {}",
                needed.join(", ")
            ));
        };
        let lacking: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|c| !campaigns.columns.contains(c))
            .collect();
        (!lacking.is_empty()).then(|| {
            format!(
                "needs the column {} in {}",
                lacking.join(", "),
                campaigns.file
            )
        })
    }
}

const INFO: [Info; 11] = [
    Info {
        name: "cross-sell",
        title: "Customer cross-sell rate",
        formula: "customers with >= 2 distinct products (categories with --level category) among their \
                  purchase lines in the window / customers with >= 1 purchase line in the window",
        order_columns: &[],
        campaign_columns: &[],
    },
    Info {
        name: "campaign-cross-sell",
        title: "Campaign cross-sell rate (successful cross-sells / customers targeted)",
        formula: "per campaign: distinct customers with a purchase line attributed to the campaign, in the \
                  window, dated d, of a product (category with --level category) they had not bought \
                  before d, who had a purchase line before d / targeted; all: distinct such customers \
                  over all campaigns / sum of targeted",
        order_columns: &["campaign_id"],
        campaign_columns: &["targeted"],
    },
    Info {
        name: "loyalty-cross-sell",
        title: "Loyalty-member cross-sell rate",
        formula: "cross-sell orders by loyalty members / all orders by loyalty members in the window; a \
                  cross-sell order buys a category (product without a category column) its customer had \
                  not bought on an earlier date, from a customer who had bought on an earlier date",
        order_columns: &["loyalty"],
        campaign_columns: &[],
    },
    Info {
        name: "ctr",
        title: "Click-through rate",
        formula: "clicks / impressions, per campaign; all: sum of clicks / sum of impressions",
        order_columns: &[],
        campaign_columns: &["impressions", "clicks"],
    },
    Info {
        name: "conversion",
        title: "Conversion (response) rate",
        formula: "conversions / impressions; a campaign without a conversions value counts the distinct \
                  customers with purchase lines attributed to it in the window; all: sums",
        order_columns: &[],
        campaign_columns: &["impressions"],
    },
    Info {
        name: "roi",
        title: "Return on investment",
        formula: "(net revenue of the lines attributed to the campaign in the window - cost) / cost; all: \
                  (sum of revenue - sum of cost) / sum of cost",
        order_columns: &["campaign_id"],
        campaign_columns: &["cost"],
    },
    Info {
        name: "cac",
        title: "Customer acquisition cost",
        formula: "cost / new customers, a new customer having their first order date in the window and a \
                  purchase line attributed to the campaign on that date; all: sum of cost / distinct new \
                  customers",
        order_columns: &["campaign_id"],
        campaign_columns: &["cost"],
    },
    Info {
        name: "aov",
        title: "Average order value",
        formula: "net revenue / orders (orders with a purchase line), in the window",
        order_columns: &[],
        campaign_columns: &[],
    },
    Info {
        name: "clv",
        title: "Customer lifetime value",
        formula: "historic: net revenue / customers with a purchase line, in the window; --clv-model formula: \
                  AOV x purchase frequency x lifespan x margin, purchase frequency = orders / customers / \
                  (window days / 365.25)",
        order_columns: &[],
        campaign_columns: &[],
    },
    Info {
        name: "retention",
        title: "Month-to-month retention",
        formula: "for each month P of the window after its first: customers with an order in both P-1 and P \
                  / customers with an order in P-1; pooled: sum of numerators / sum of denominators",
        order_columns: &[],
        campaign_columns: &[],
    },
    Info {
        name: "repeat-rate",
        title: "Repeat-purchase rate",
        formula: "customers with >= 2 orders in the window / customers with >= 1 order in the window",
        order_columns: &[],
        campaign_columns: &[],
    },
];

/// Products or categories as the unit of "distinct items".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Product,
    Category,
}

impl Level {
    /// The line's item at this level. Without a category column the category level falls back
    /// to products (commands refuse `--level category` without one beforehand).
    pub fn item(self, line: &Line) -> u32 {
        match self {
            Level::Category => line.category.unwrap_or(line.product),
            Level::Product => line.product,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum ClvModel {
    #[default]
    Historic,
    /// AOV × purchase frequency × lifespan (years) × margin (a fraction).
    Formula { margin: f64, lifespan: f64 },
}

/// How to measure.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Settings {
    pub window: Window,
    pub level: Level,
    pub clv: ClvModel,
}

/// What the pure metric functions read besides their own fold.
pub struct Context<'a> {
    pub book: &'a Book,
    pub campaigns: Option<&'a Campaigns>,
    pub window: Window,
    pub settings: &'a Settings,
}

impl Context<'_> {
    pub fn first_order(&self, customer: u32) -> Option<NaiveDate> {
        self.book
            .customer
            .get(customer as usize)
            .and_then(|c| c.first_order)
    }

    /// The orders that count in the window: dated in it, with at least one purchase line.
    pub fn orders(&self) -> impl Iterator<Item = &Order> + '_ {
        self.book
            .orders
            .iter()
            .filter(|o| o.has_purchase && self.window.contains(o.date))
    }

    /// Customers with a purchase line in the window.
    pub fn buyers(&self) -> u64 {
        let mut seen = vec![false; self.book.customer.len()];
        self.orders()
            .filter(|o| !std::mem::replace(&mut seen[o.customer as usize], true))
            .count() as u64
    }

    /// The window's first and last date.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.window.bounds(self.book.span)
    }

    /// The campaigns of campaigns.csv with their interned index, sorted by id.
    pub fn campaigns(&self) -> Vec<(u32, &Campaign)> {
        let mut list: Vec<(u32, &Campaign)> = self
            .campaigns
            .map(|c| {
                c.list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i as u32, c))
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        list
    }
}

/// Keeps the earliest date in a map entry.
fn min_date<K>(entry: Entry<'_, K, NaiveDate>, date: NaiveDate) {
    entry.and_modify(|d| *d = (*d).min(date)).or_insert(date);
}

/// The one-pass fold of every requested metric.
pub struct Fold {
    metrics: Vec<Metric>,
    settings: Settings,
    cross_sell: Option<cross_sell::CrossSell>,
    campaign_cross_sell: Option<cross_sell::CampaignCrossSell>,
    loyalty: Option<cross_sell::LoyaltyCrossSell>,
    campaign: Option<campaign::CampaignFold>,
    revenue: Option<value::Revenue>,
}

impl Fold {
    pub fn new(metrics: &[Metric], settings: Settings) -> Fold {
        let wants = |m: &[Metric]| metrics.iter().any(|x| m.contains(x));
        let window = settings.window;
        Fold {
            metrics: metrics.to_vec(),
            settings,
            cross_sell: wants(&[Metric::CrossSell])
                .then(|| cross_sell::CrossSell::new(settings.level, window)),
            campaign_cross_sell: wants(&[Metric::CampaignCrossSell])
                .then(|| cross_sell::CampaignCrossSell::new(settings.level)),
            loyalty: wants(&[Metric::LoyaltyCrossSell]).then(cross_sell::LoyaltyCrossSell::default),
            campaign: wants(&[Metric::Conversion, Metric::Roi, Metric::Cac])
                .then(|| campaign::CampaignFold::new(window)),
            revenue: wants(&[Metric::Aov, Metric::Clv]).then(|| value::Revenue::new(window)),
        }
    }

    pub fn add(&mut self, line: &Line) {
        if let Some(f) = &mut self.cross_sell {
            f.add(line);
        }
        if let Some(f) = &mut self.campaign_cross_sell {
            f.add(line);
        }
        if let Some(f) = &mut self.loyalty {
            f.add(line);
        }
        if let Some(f) = &mut self.campaign {
            f.add(line);
        }
        if let Some(f) = &mut self.revenue {
            f.add(line);
        }
    }

    /// The rows of every metric, in the order they were asked for.
    pub fn rows(&self, book: &Book, campaigns: Option<&Campaigns>) -> anyhow::Result<Vec<Row>> {
        let ctx = Context {
            book,
            campaigns,
            window: self.settings.window,
            settings: &self.settings,
        };
        let mut rows = Vec::new();
        for metric in &self.metrics {
            rows.extend(
                match metric {
                    Metric::CrossSell => self.cross_sell.as_ref().map(|f| f.rows()),
                    Metric::CampaignCrossSell => self
                        .campaign_cross_sell
                        .as_ref()
                        .map(|f| f.rows(&ctx))
                        .transpose()?,
                    Metric::LoyaltyCrossSell => self.loyalty.as_ref().map(|f| f.rows(&ctx)),
                    Metric::Ctr => Some(campaign::ctr(&ctx)?),
                    Metric::Conversion => self
                        .campaign
                        .as_ref()
                        .map(|f| f.conversion(&ctx))
                        .transpose()?,
                    Metric::Roi => self.campaign.as_ref().map(|f| f.roi(&ctx)).transpose()?,
                    Metric::Cac => self.campaign.as_ref().map(|f| f.cac(&ctx)).transpose()?,
                    Metric::Aov => self.revenue.as_ref().map(|f| f.aov(&ctx)),
                    Metric::Clv => self.revenue.as_ref().map(|f| f.clv(&ctx)),
                    Metric::Retention => Some(retention::retention(&ctx)),
                    Metric::RepeatRate => Some(retention::repeat_rate(&ctx)),
                }
                .unwrap_or_default(),
            );
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_in_step_with_the_enum() {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "cross-sell",
                "campaign-cross-sell",
                "loyalty-cross-sell",
                "ctr",
                "conversion",
                "roi",
                "cac",
                "aov",
                "clv",
                "retention",
                "repeat-rate"
            ]
        );
        let all_columns = OrderColumns {
            category: true,
            channel: true,
            campaign: true,
            segment: true,
            loyalty: true,
        };
        for metric in Metric::ALL {
            assert_eq!(Metric::from_name(metric.name()), Some(metric));
            for column in metric.info().order_columns {
                assert!(
                    all_columns.has(column),
                    "{column} is not an optional orders column"
                );
            }
        }
    }
}
