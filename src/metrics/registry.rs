//! The registry of metrics: what a declaration holds, what follows from it, and whether the
//! inputs allow a metric. [`defs`] declares every metric once.

mod defs;
mod inputs;

use std::fmt;

use super::row::Unit;

pub use defs::{COHORT, METRICS, Metric, PAIRS};
pub use inputs::Inputs;

/// The declaration of a metric (or of a measure of `pairs` and `cohort`): everything that
/// documents it, and what it reads.
#[derive(Debug)]
pub struct Info {
    /// The name on the command line and in the `metric` column: `cross-sell`.
    pub name: &'static str,
    pub title: &'static str,
    pub kind: Kind,
    /// The formula in one line, numerator and denominator apart where it is a ratio.
    pub formula: Formula,
    /// The rest of the definition: the groups (`all`), variants and edge cases; may be empty.
    pub definition: &'static str,
    /// The columns it reads beyond the required orders columns, and when.
    pub needs: &'static [Need],
    /// What computes it.
    pub computed: Computed,
    /// How `xsell sql` computes it in a database.
    pub sql: Sql,
}

/// How `xsell sql` computes a KPI in a database (`crate::sql` renders it for each dialect): an
/// aggregate over the lines of each group and period, as the formula says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sql {
    /// Per customer with a purchase line in the scope, the distinct `Distinct` of those lines:
    /// the numerator counts the customers with two or more, the denominator all of them.
    AtLeastTwo(Distinct),
    /// The net revenue of the scope's lines (returns included) over the distinct `Distinct`
    /// of its purchase lines.
    RevenuePer(Distinct),
    /// Cross-sell orders of loyalty members over their orders (`loyalty-cross-sell`): an order
    /// with a purchase line in the scope buying a category its customer first bought that
    /// day, from a customer who had bought before.
    MemberCrossSell,
    /// Customers with orders in both of two consecutive unit periods over those with orders
    /// in the first (`retention`), per unit period after the window's first, then pooled.
    Retention,
    /// A KPI per campaign of the campaigns table, summed over the campaigns of each group
    /// whose values are known (an unknown value leaves a campaign out; a group with none known
    /// is n/a).
    PerCampaign(CampaignSql),
    /// Not rendered as SQL yet.
    Not,
}

/// The campaign KPIs' shapes ([`Sql::PerCampaign`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignSql {
    /// clicks / impressions
    Ctr,
    /// conversions (else the distinct customers with purchase lines attributed in the window)
    /// / impressions
    Conversion,
    /// (net revenue of the lines attributed in the window - cost) / cost
    Roi,
    /// cost / distinct customers whose first order, in the window, has a purchase line
    /// attributed to the campaign
    Cac,
    /// distinct customers with a successful cross-sell attributed to the campaign / targeted
    CrossSell,
}

/// What a [`Sql`] shape counts distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distinct {
    /// Products, or categories with `--level category`.
    Items,
    Orders,
    Customers,
}

/// What a value is: how it is shown, and whether it has a binomial confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A share in [0, 1]: the numerator counts a subset of the denominator.
    Proportion,
    /// A ratio that may pass 1 or go negative (ROI), shown as a percentage.
    Ratio,
    /// An amount of money.
    Money,
    /// A whole number.
    Count,
    /// A plain number (lift, leverage).
    Number,
}

/// A one-line formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formula {
    /// `numerator / denominator`: the row's numerator and denominator are these.
    Ratio {
        numerator: &'static str,
        denominator: &'static str,
    },
    /// Any other expression.
    Expression(&'static str),
}

/// A column a metric may read beyond the required orders columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// orders: the product's category.
    Category,
    /// orders: the campaign a line is attributed to.
    CampaignId,
    /// orders (or `--customers`): whether the customer is a loyalty member.
    Loyalty,
    /// campaigns: customers targeted.
    Targeted,
    /// campaigns
    Impressions,
    /// campaigns
    Clicks,
    /// campaigns
    Conversions,
    /// campaigns: the campaign's cost.
    Cost,
}

/// When a metric needs a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Always: without it the metric cannot be computed.
    Always,
    /// With `--level category` only.
    LevelCategory,
    /// When a campaign of campaigns.csv has no conversions value.
    NoConversions,
    /// Read when the files have it, never required.
    IfPresent,
}

/// One column a metric reads, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub column: Column,
    pub when: When,
}

/// What computes a declared measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Computed {
    /// A KPI of `compute` and `report`, and the parts of [`super::Fold`] that serve it (none:
    /// it comes from campaigns.csv alone).
    Kpi(Metric, &'static [FoldPart]),
    /// A column of `xsell pairs`.
    Pairs,
    /// A cell of `xsell cohort`.
    Cohort,
}

/// A part of [`super::Fold`], the one-pass fold of the order lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldPart {
    /// `cross_sell::CrossSell`
    CrossSell,
    /// `cross_sell::CampaignCrossSell`
    CampaignCrossSell,
    /// `cross_sell::LoyaltyCrossSell`
    LoyaltyCrossSell,
    /// `campaign::CampaignFold`
    Campaign,
    /// `value::Spending`: orders and net revenue per customer.
    Spending,
}

// Each metric's declaration sits at its variant's place; checked when compiling.
const _: () = {
    let mut i = 0;
    while i < METRICS.len() {
        match METRICS[i].computed {
            Computed::Kpi(metric, _) => {
                assert!(
                    metric as usize == i,
                    "METRICS must follow the order of Metric"
                )
            }
            _ => panic!("METRICS holds KPIs only"),
        }
        i += 1;
    }
};

impl Metric {
    /// Every metric, from [`METRICS`].
    pub const ALL: [Metric; METRICS.len()] = {
        let mut all = [Metric::CrossSell; METRICS.len()];
        let mut i = 0;
        while i < METRICS.len() {
            if let Computed::Kpi(metric, _) = METRICS[i].computed {
                all[i] = metric;
            }
            i += 1;
        }
        all
    };

    pub fn info(self) -> &'static Info {
        &METRICS[self as usize]
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
        self.info().kind == Kind::Proportion
    }

    /// The parts of [`super::Fold`] that serve it (none: it comes from campaigns.csv alone).
    pub fn fold_parts(self) -> &'static [FoldPart] {
        match self.info().computed {
            Computed::Kpi(_, parts) => parts,
            Computed::Pairs | Computed::Cohort => &[],
        }
    }

    /// How its value is shown.
    pub fn unit(self) -> Unit {
        match self.info().kind {
            Kind::Proportion | Kind::Ratio => Unit::Rate,
            Kind::Money => Unit::Money,
            Kind::Count => Unit::Count,
            Kind::Number => Unit::Number,
        }
    }

    /// A metric of campaigns (it reads campaigns.csv), as opposed to one of customers and
    /// their orders.
    pub fn is_campaign(self) -> bool {
        self.info().needs.iter().any(|n| !n.column.in_orders())
    }
}

/// Every declaration: the KPIs, then the measures of `pairs` and `cohort`.
pub fn declarations() -> impl Iterator<Item = &'static Info> {
    METRICS.iter().chain(&PAIRS).chain(&COHORT)
}

impl Info {
    /// The orders columns it always needs beyond the required ones.
    pub fn order_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.always().filter(|c| c.in_orders()).map(Column::name)
    }

    /// The campaigns.csv columns it always needs besides campaign_id; none when it needs no
    /// campaigns file.
    pub fn campaign_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.always().filter(|c| !c.in_orders()).map(Column::name)
    }

    fn always(&self) -> impl Iterator<Item = Column> + '_ {
        self.needs
            .iter()
            .filter(|n| n.when == When::Always)
            .map(|n| n.column)
    }
}

impl Need {
    pub const fn always(column: Column) -> Need {
        Need {
            column,
            when: When::Always,
        }
    }

    pub const fn when(column: Column, when: When) -> Need {
        Need { column, when }
    }
}

impl Column {
    /// Its name in the file's header.
    pub fn name(self) -> &'static str {
        match self {
            Column::Category => "category",
            Column::CampaignId => "campaign_id",
            Column::Loyalty => "loyalty",
            Column::Targeted => "targeted",
            Column::Impressions => "impressions",
            Column::Clicks => "clicks",
            Column::Conversions => "conversions",
            Column::Cost => "cost",
        }
    }

    /// A column of orders.csv, as opposed to campaigns.csv.
    pub fn in_orders(self) -> bool {
        matches!(
            self,
            Column::Category | Column::CampaignId | Column::Loyalty
        )
    }
}

impl When {
    /// What follows the column's name where it is not always needed.
    pub fn condition(self) -> &'static str {
        match self {
            When::Always => "",
            When::LevelCategory => " with `--level category`",
            When::NoConversions => " when a campaign has no conversions value",
            When::IfPresent => " if present",
        }
    }
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Proportion => "proportion",
            Kind::Ratio => "ratio",
            Kind::Money => "money",
            Kind::Count => "count",
            Kind::Number => "number",
        }
    }
}

/// `numerator / denominator`, a numerator with a difference (` - `) in parentheses.
impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Formula::Ratio {
                numerator,
                denominator,
            } if numerator.contains(" - ") => {
                write!(f, "({numerator}) / {denominator}")
            }
            Formula::Ratio {
                numerator,
                denominator,
            } => write!(f, "{numerator} / {denominator}"),
            Formula::Expression(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{campaign, run};
    use super::*;
    use crate::metrics::Settings;

    #[test]
    fn the_names_stay_as_they_are() {
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
    }

    #[test]
    fn every_metric_is_declared_once_in_order() {
        for (i, metric) in Metric::ALL.into_iter().enumerate() {
            assert_eq!(metric as usize, i);
            assert_eq!(Metric::from_name(metric.name()), Some(metric));
            assert!(matches!(metric.info().computed, Computed::Kpi(m, _) if m == metric));
        }
        let mut names: Vec<&str> = declarations().map(|d| d.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name is declared twice");
        assert_eq!(Metric::from_name("pairs.lift"), None, "not a KPI");
        assert_eq!(Metric::from_name("all"), None);
    }

    #[test]
    fn declarations_are_whole() {
        for d in declarations() {
            let one_line = |text: &str| !text.is_empty() && !text.contains('\n');
            match d.formula {
                Formula::Ratio {
                    numerator,
                    denominator,
                } => assert!(one_line(numerator) && one_line(denominator), "{}", d.name),
                Formula::Expression(text) => assert!(one_line(text), "{}", d.name),
            }
            assert!(!d.title.is_empty() && d.title.is_ascii(), "{}", d.name);
            assert!(d.definition.is_ascii(), "{}: plain ASCII", d.name);
            let mut columns: Vec<&str> = d.needs.iter().map(|n| n.column.name()).collect();
            let count = columns.len();
            columns.sort_unstable();
            columns.dedup();
            assert_eq!(columns.len(), count, "{}: a column is needed twice", d.name);
        }
    }

    #[test]
    fn formulas_read_as_one_line() {
        assert_eq!(
            Metric::Ctr.info().formula.to_string(),
            "clicks / impressions"
        );
        assert_eq!(
            Metric::Roi.info().formula.to_string(),
            "(net revenue of the lines attributed to the campaign in the window - cost) / cost"
        );
        assert_eq!(
            Metric::Roi.info().order_columns().collect::<Vec<_>>(),
            ["campaign_id"]
        );
        assert_eq!(
            Metric::Ctr.info().campaign_columns().collect::<Vec<_>>(),
            ["impressions", "clicks"]
        );
        assert!(Metric::Ctr.is_campaign() && !Metric::Aov.is_campaign());
        assert!(Metric::Retention.is_proportion() && !Metric::Roi.is_proportion());
    }

    /// The rows a metric makes carry its declared name (first) and the unit of its kind.
    #[test]
    fn declared_units_are_those_of_the_rows() {
        let lines = [
            "O1 A 2025-01-05 P1 c1 10.00 C1 y",
            "O2 A 2025-02-05 P2 c2 20.00 C1 y",
            "O3 B 2025-02-06 P1 c1 5.00 - n",
        ];
        let mut c1 = campaign("C1", Some("10.00"), Some(100), Some(10));
        c1.targeted = Some(50);
        for metric in Metric::ALL {
            let rows = run(metric, Settings::default(), &lines, &[c1.clone()]);
            assert_eq!(rows.first().map(|r| r.metric), Some(metric.name()));
            for row in rows.iter().filter(|r| r.metric == metric.name()) {
                assert_eq!(row.unit, metric.unit(), "{metric:?}");
            }
        }
    }
}
