//! The registry of metrics: names, formulas, and what each needs from the inputs.

use super::slice::{Dim, Slicing};
use super::{Level, Settings};
use crate::input::{Campaigns, Customers, OrderColumns};

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

    /// Whether the numerator counts a subset of the denominator, so that the value is a
    /// proportion in [0, 1] with a binomial confidence interval.
    pub fn is_proportion(self) -> bool {
        match self {
            Metric::CrossSell
            | Metric::CampaignCrossSell
            | Metric::LoyaltyCrossSell
            | Metric::Ctr
            | Metric::Conversion
            | Metric::Retention
            | Metric::RepeatRate => true,
            // ROI is a ratio that may pass 1 or go negative; CAC, AOV and CLV are amounts.
            Metric::Roi | Metric::Cac | Metric::Aov | Metric::Clv => false,
        }
    }

    /// A metric of campaigns (its denominator comes from campaigns.csv), as opposed to one of
    /// customers and their orders.
    pub fn is_campaign(self) -> bool {
        !self.info().campaign_columns.is_empty()
    }

    /// The optional order columns `metrics` under `settings` read, of those the files have:
    /// the others are not parsed (nor checked) at all.
    pub fn columns_read(
        metrics: &[Metric],
        settings: &Settings,
        present: OrderColumns,
    ) -> OrderColumns {
        let any = |f: fn(&Metric) -> bool| metrics.iter().any(f);
        let dim = |d: Dim| settings.slicing.dims.contains(&d);
        let by_level = settings.level == Level::Category
            && any(|m| matches!(m, Metric::CrossSell | Metric::CampaignCrossSell));
        let wanted = OrderColumns {
            category: by_level || any(|m| *m == Metric::LoyaltyCrossSell) || dim(Dim::Category),
            channel: dim(Dim::Channel),
            // Campaign metrics also warn of lines attributed to unknown campaigns.
            campaign: any(|m| m.is_campaign() || *m == Metric::CampaignCrossSell)
                || dim(Dim::Campaign)
                || dim(Dim::CampaignType),
            segment: dim(Dim::Segment),
            loyalty: any(|m| *m == Metric::LoyaltyCrossSell) || dim(Dim::Loyalty),
        };
        OrderColumns {
            category: wanted.category && present.category,
            channel: wanted.channel && present.channel,
            campaign: wanted.campaign && present.campaign,
            segment: wanted.segment && present.segment,
            loyalty: wanted.loyalty && present.loyalty,
        }
    }

    /// Why this metric cannot be computed from the given inputs and slicing, if it cannot:
    /// "needs ..." or "cannot ...", to follow the metric's name.
    pub fn missing(self, settings: &Settings, inputs: &Inputs) -> Option<String> {
        self.column_problem(settings, inputs)
            .or_else(|| self.slicing_problem(&settings.slicing, inputs))
    }

    fn slicing_problem(self, slicing: &Slicing, inputs: &Inputs) -> Option<String> {
        if self.is_campaign() {
            if slicing.period.is_some() {
                return Some(
                    "cannot be split by --period: campaign costs and counts are not dated".into(),
                );
            }
            if let Some(dim) = slicing
                .dims
                .iter()
                .find(|d| !matches!(d, Dim::Campaign | Dim::CampaignType | Dim::Channel))
            {
                return Some(format!(
                    "cannot be split by {}: it is measured per campaign (use campaign, campaign-type or channel)",
                    dim.name()
                ));
            }
        }
        let campaign_column = |column: &str| match inputs.campaigns {
            Some(c) if c.columns.contains(column) => None,
            Some(c) => Some(format!(
                "needs the column {column} in {} for --by {}",
                c.file,
                column.replace('_', "-")
            )),
            None => Some(format!(
                "needs --campaigns FILE with a {column} column for --by {}",
                column.replace('_', "-")
            )),
        };
        let order_column = |column: &str, dim: &Dim| {
            (!inputs.orders.has(column)).then(|| {
                format!(
                    "needs the column {column} in every orders file for --by {}",
                    dim.name()
                )
            })
        };
        let attribute = |column: &'static str, dim: &Dim| {
            let given = inputs.customers.is_some_and(|c| c.columns.contains(column));
            (!given && !inputs.orders.has(column)).then(|| {
                format!(
                    "needs a {column} column in the orders or in --customers FILE for --by {}",
                    dim.name()
                )
            })
        };
        slicing.dims.iter().find_map(|dim| match dim {
            Dim::Segment => attribute("segment", dim),
            Dim::Loyalty => attribute("loyalty", dim),
            Dim::Category => order_column("category", dim),
            Dim::Channel if self.is_campaign() => campaign_column("channel"),
            Dim::Channel => order_column("channel", dim),
            Dim::Campaign if self.is_campaign() => None,
            Dim::Campaign => order_column("campaign_id", dim),
            Dim::CampaignType => campaign_column("campaign_type").or_else(|| {
                (!self.is_campaign())
                    .then(|| order_column("campaign_id", dim))
                    .flatten()
            }),
            Dim::Column(_) => None,
        })
    }

    fn column_problem(self, settings: &Settings, inputs: &Inputs) -> Option<String> {
        let mut order_columns: Vec<&str> = self.info().order_columns.to_vec();
        if settings.level == Level::Category
            && matches!(self, Metric::CrossSell | Metric::CampaignCrossSell)
        {
            order_columns.push("category");
        }
        // Conversion counts attributed buyers where a campaign reports no conversions.
        let counts_buyers = inputs
            .campaigns
            .is_some_and(|c| c.list.iter().any(|c| c.conversions.is_none()));
        if self == Metric::Conversion && counts_buyers {
            order_columns.push("campaign_id");
        }
        // Customer attributes may come from customers.csv instead.
        let given = |c: &str| inputs.customers.is_some_and(|f| f.columns.contains(c));
        let lacking: Vec<&str> = order_columns
            .into_iter()
            .filter(|c| !(inputs.orders.has(c) || (*c == "loyalty" && given(c))))
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
        let Some(campaigns) = inputs.campaigns else {
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

/// What the inputs offer, for checking that a metric can be computed.
pub struct Inputs<'a> {
    pub orders: OrderColumns,
    pub campaigns: Option<&'a Campaigns>,
    pub customers: Option<&'a Customers>,
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
        title: "Period-to-period retention (months, or the unit of --period)",
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
