//! The declarations: every metric once, as data. `xsell metrics`, the README's metric table
//! (`xsell metrics --format markdown`) and the checks of what a metric needs all read these.
//! To add a metric, add its variant to [`Metric`] and its [`Info`] at the same place in
//! [`METRICS`].
//!
//! The texts are plain ASCII (`>=`, `-`, `x`) so that they print alike on every terminal.

use super::Column::{
    CampaignId, Category, Clicks, Conversions, Cost, Impressions, Loyalty, Targeted,
};
use super::FoldPart::{Campaign, CampaignCrossSell, CrossSell, LoyaltyCrossSell, Spending};
use super::Formula::{Expression, Ratio};
use super::When::{IfPresent, LevelCategory, NoConversions};
use super::{CampaignSql, Computed, Distinct, Info, Kind, Need, Sql};

/// Every KPI xsell computes, in the order reports list them; each has its declaration in
/// [`METRICS`], at the same place.
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

/// The KPIs of `compute` and `report`, in the order of [`Metric`]'s variants (checked when
/// compiling).
pub const METRICS: [Info; 11] = [
    Info {
        name: "cross-sell",
        title: "Customer cross-sell rate",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "customers with >= 2 distinct products among their purchase lines in the window",
            denominator: "customers with >= 1 purchase line in the window",
        },
        definition: "With `--level category`, categories instead of products.",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Kpi(Metric::CrossSell, &[CrossSell]),
        sql: Sql::AtLeastTwo(Distinct::Items),
    },
    Info {
        name: "campaign-cross-sell",
        title: "Campaign cross-sell rate (successful cross-sells / customers targeted)",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "customers with a successful cross-sell attributed to the campaign",
            denominator: "targeted",
        },
        definition: "Per campaign. A successful cross-sell is a purchase line attributed to the \
                     campaign, in the window, dated d, of a product (category with `--level \
                     category`) the customer had not bought before d, by a customer who had a \
                     purchase line before d. `all`: distinct such customers over all campaigns / \
                     sum of targeted.",
        needs: &[
            Need::always(CampaignId),
            Need::when(Category, LevelCategory),
            Need::always(Targeted),
        ],
        computed: Computed::Kpi(Metric::CampaignCrossSell, &[CampaignCrossSell]),
        sql: Sql::PerCampaign(CampaignSql::CrossSell),
    },
    Info {
        name: "loyalty-cross-sell",
        title: "Loyalty-member cross-sell rate",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "cross-sell orders by loyalty members in the window",
            denominator: "orders by loyalty members in the window",
        },
        definition: "First orders count in the denominator. A cross-sell order holds a purchase \
                     line of a category (a product without a category column) its customer had \
                     not bought on an earlier date, from a customer who had bought something on \
                     an earlier date. Group `all` is the members' rate; under `--by loyalty` the \
                     non-member row applies the same formula to non-members, for comparison. The \
                     loyalty flag may come from `--customers FILE` instead of the orders.",
        needs: &[Need::always(Loyalty), Need::when(Category, IfPresent)],
        computed: Computed::Kpi(Metric::LoyaltyCrossSell, &[LoyaltyCrossSell, Spending]),
        sql: Sql::MemberCrossSell,
    },
    Info {
        name: "ctr",
        title: "Click-through rate",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "clicks",
            denominator: "impressions",
        },
        definition: "Per campaign. `all`: sum of clicks / sum of impressions.",
        needs: &[Need::always(Impressions), Need::always(Clicks)],
        computed: Computed::Kpi(Metric::Ctr, &[]),
        sql: Sql::PerCampaign(CampaignSql::Ctr),
    },
    Info {
        name: "conversion",
        title: "Conversion (response) rate",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "conversions",
            denominator: "impressions",
        },
        definition: "Per campaign. A campaign with an empty conversions cell (or no such column) \
                     counts the distinct customers with purchase lines attributed to it in the \
                     window instead. `all`: sum of conversions / sum of impressions.",
        needs: &[
            Need::always(Impressions),
            Need::when(Conversions, IfPresent),
            Need::when(CampaignId, NoConversions),
        ],
        computed: Computed::Kpi(Metric::Conversion, &[Campaign]),
        sql: Sql::PerCampaign(CampaignSql::Conversion),
    },
    Info {
        name: "roi",
        title: "Return on investment",
        kind: Kind::Ratio,
        formula: Ratio {
            numerator: "net revenue of the lines attributed to the campaign in the window - cost",
            denominator: "cost",
        },
        definition: "Per campaign. `all`: (sum of revenue - sum of cost) / sum of cost.",
        needs: &[Need::always(CampaignId), Need::always(Cost)],
        computed: Computed::Kpi(Metric::Roi, &[Campaign]),
        sql: Sql::PerCampaign(CampaignSql::Roi),
    },
    Info {
        name: "cac",
        title: "Customer acquisition cost",
        kind: Kind::Money,
        formula: Ratio {
            numerator: "cost",
            denominator: "new customers",
        },
        definition: "Per campaign. A new customer has their first order date in the window and \
                     a purchase line attributed to the campaign on that date. `all`: sum of cost / \
                     distinct new customers over all campaigns.",
        needs: &[Need::always(CampaignId), Need::always(Cost)],
        computed: Computed::Kpi(Metric::Cac, &[Campaign]),
        sql: Sql::PerCampaign(CampaignSql::Cac),
    },
    Info {
        name: "aov",
        title: "Average order value",
        kind: Kind::Money,
        formula: Ratio {
            numerator: "net revenue in the window",
            denominator: "orders with a purchase line in the window",
        },
        definition: "Net revenue includes the return lines.",
        needs: &[],
        computed: Computed::Kpi(Metric::Aov, &[Spending]),
        sql: Sql::RevenuePer(Distinct::Orders),
    },
    Info {
        name: "clv",
        title: "Customer lifetime value",
        kind: Kind::Money,
        formula: Ratio {
            numerator: "net revenue in the window",
            denominator: "customers with a purchase line in the window",
        },
        definition: "Historic, the default. `--clv-model formula --margin M --lifespan Y`: AOV x \
                     purchase frequency x Y x M, purchase frequency = orders / customers / \
                     (window days / 365.25), window days = last - first date of the window (of \
                     the period, under `--period`) + 1; the factors get rows `clv.aov`, \
                     `clv.frequency`, `clv.window-days`, `clv.lifespan`, `clv.margin`. \
                     `--clv-model bgnbd [--margin M]`: the mean CLV over 12 months (1% discount \
                     a month, weeks) that BG/NBD and Gamma-Gamma, fitted once on every customer \
                     with a purchase up to `--to`, predict, times M (default 1), as `xsell clv`'s \
                     `clv mean`: numerator the total, denominator the customers; under `--by`, a \
                     customer's line dimensions are those of their first purchase line; no \
                     `--period` or `--from`; n/a with a note when the data cannot identify a model.",
        needs: &[],
        computed: Computed::Kpi(Metric::Clv, &[Spending]),
        sql: Sql::RevenuePer(Distinct::Customers),
    },
    Info {
        name: "retention",
        title: "Period-to-period retention (months, or the unit of --period)",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "customers with an order in both P-1 and P",
            denominator: "customers with an order in P-1",
        },
        definition: "For each calendar month P of the window after its first (or period, with \
                     `--period`), also those without orders: a row per period (`period` = 2025-03) \
                     after a pooled row (sums of numerators and of denominators, empty period).",
        needs: &[],
        computed: Computed::Kpi(Metric::Retention, &[Spending]),
        sql: Sql::Retention,
    },
    Info {
        name: "repeat-rate",
        title: "Repeat-purchase rate",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "customers with >= 2 orders in the window",
            denominator: "customers with >= 1 order in the window",
        },
        definition: "",
        needs: &[],
        computed: Computed::Kpi(Metric::RepeatRate, &[Spending]),
        sql: Sql::AtLeastTwo(Distinct::Orders),
    },
];

/// The columns of `xsell pairs`: each ordered pair of items seen together, antecedent A ->
/// consequent C.
pub const PAIRS: [Info; 6] = [
    Info {
        name: "pairs.count",
        title: "Baskets with both items (xsell pairs)",
        kind: Kind::Count,
        formula: Expression("baskets holding both the antecedent A and the consequent C"),
        definition: "A basket is an order, or with `--basket customer` everything a customer \
                     bought in the window. Only purchase lines in the window count, and an item \
                     (a product, or a category with `--level category`) once per basket.",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
    Info {
        name: "pairs.support",
        title: "Support of A and C",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "count",
            denominator: "baskets with a purchase line",
        },
        definition: "Single-item baskets count in the denominator.",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
    Info {
        name: "pairs.confidence",
        title: "Confidence of A -> C",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "count",
            denominator: "baskets holding A",
        },
        definition: "Equals support(A and C) / support(A).",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
    Info {
        name: "pairs.lift",
        title: "Lift of A -> C",
        kind: Kind::Number,
        formula: Expression("confidence / support(C)"),
        definition: "1 means independence; above 1, A's buyers take C more often than others.",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
    Info {
        name: "pairs.leverage",
        title: "Leverage of A -> C",
        kind: Kind::Number,
        formula: Expression("support(A and C) - support(A) x support(C)"),
        definition: "",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
    Info {
        name: "pairs.conviction",
        title: "Conviction of A -> C",
        kind: Kind::Number,
        formula: Expression("(1 - support(C)) / (1 - confidence)"),
        definition: "Empty (null) when confidence is 1.",
        needs: &[Need::when(Category, LevelCategory)],
        computed: Computed::Pairs,
        sql: Sql::Not,
    },
];

/// The cells of `xsell cohort`: cell (cohort, k) is the cohort's period k after its own.
pub const COHORT: [Info; 2] = [
    Info {
        name: "cohort.customers",
        title: "Cohort retention (xsell cohort)",
        kind: Kind::Proportion,
        formula: Ratio {
            numerator: "the cohort's customers with an order in period cohort + k",
            denominator: "the cohort's customers",
        },
        definition: "A customer's cohort is the period (month, or the unit of `--period`) of their \
                     first purchase line over all history.",
        needs: &[],
        computed: Computed::Cohort,
        sql: Sql::Not,
    },
    Info {
        name: "cohort.revenue",
        title: "Cohort revenue per customer (xsell cohort --metric revenue)",
        kind: Kind::Money,
        formula: Ratio {
            numerator: "the cohort's net revenue (returns included) in period cohort + k",
            denominator: "the cohort's customers",
        },
        definition: "Cohorts as for `cohort.customers`.",
        needs: &[],
        computed: Computed::Cohort,
        sql: Sql::Not,
    },
];
