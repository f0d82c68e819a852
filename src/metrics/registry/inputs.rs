//! Whether the inputs allow a metric: the columns it reads, and what is missing for it.

use super::{Column, Metric, Need, When};
use crate::input::{Campaigns, Customers, OrderColumns};
use crate::metrics::slice::{Dim, Slicing};
use crate::metrics::{Level, Settings};

/// What the inputs offer, for checking that a metric can be computed.
pub struct Inputs<'a> {
    pub orders: OrderColumns,
    pub campaigns: Option<&'a Campaigns>,
    pub customers: Option<&'a Customers>,
}

impl Metric {
    /// The optional order columns `metrics` under `settings` read, of those the files have:
    /// the others are not parsed (nor checked) at all.
    pub fn columns_read(
        metrics: &[Metric],
        settings: &Settings,
        present: OrderColumns,
    ) -> OrderColumns {
        // Every column a metric may read, whether or not these inputs make it needed.
        let reads = |column: Column| {
            metrics.iter().any(|m| {
                m.info().needs.iter().any(|n| {
                    n.column == column
                        && (n.when != When::LevelCategory || settings.level == Level::Category)
                })
            })
        };
        let dim = |d: Dim| settings.slicing.dims.contains(&d);
        let wanted = OrderColumns {
            category: reads(Column::Category) || dim(Dim::Category),
            channel: dim(Dim::Channel),
            // Campaign metrics also warn of lines attributed to unknown campaigns.
            campaign: reads(Column::CampaignId)
                || metrics.iter().any(|m| m.is_campaign())
                || dim(Dim::Campaign)
                || dim(Dim::CampaignType),
            segment: dim(Dim::Segment),
            loyalty: reads(Column::Loyalty) || dim(Dim::Loyalty),
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
        // column:NAME has no fixed column: it is checked as the files open.
        let lacks = |dim: &Dim| {
            let column = dim.column()?;
            (!dim.has_column(&inputs.orders, inputs.customers)).then(|| {
                let place = if dim.is_customer() {
                    format!("a {column} column in the orders or in --customers FILE")
                } else {
                    format!("the column {column} in every orders file")
                };
                format!("needs {place} for --by {}", dim.name())
            })
        };
        slicing.dims.iter().find_map(|dim| match dim {
            Dim::Channel if self.is_campaign() => campaign_column("channel"),
            Dim::Campaign if self.is_campaign() => None,
            Dim::CampaignType => campaign_column("campaign_type")
                .or_else(|| (!self.is_campaign()).then(|| lacks(dim)).flatten()),
            _ => lacks(dim),
        })
    }

    fn column_problem(self, settings: &Settings, inputs: &Inputs) -> Option<String> {
        // Conversion counts attributed buyers where a campaign reports no conversions.
        let counts_buyers = inputs
            .campaigns
            .is_some_and(|c| c.list.iter().any(|c| c.conversions.is_none()));
        let applies = |n: &&Need| match n.when {
            When::Always => true,
            When::LevelCategory => settings.level == Level::Category,
            When::NoConversions => counts_buyers,
            When::IfPresent => false,
        };
        // Customer attributes may come from customers.csv instead.
        let given = |c: &str| inputs.customers.is_some_and(|f| f.columns.contains(c));
        let lacking: Vec<&Need> = self
            .info()
            .needs
            .iter()
            .filter(applies)
            .filter(|n| n.column.in_orders())
            .filter(|n| {
                let c = n.column.name();
                !(inputs.orders.has(c) || (n.column == Column::Loyalty && given(c)))
            })
            .collect();
        if !lacking.is_empty() {
            let why = if lacking.iter().any(|n| n.when == When::NoConversions) {
                " to count the buyers of campaigns without a conversions value"
            } else {
                ""
            };
            let names: Vec<&str> = lacking.iter().map(|n| n.column.name()).collect();
            return Some(format!(
                "needs the column {} in every orders file{why}",
                names.join(", ")
            ));
        }
        let needed: Vec<&str> = self.info().campaign_columns().collect();
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
