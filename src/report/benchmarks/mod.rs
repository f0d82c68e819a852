//! Industry benchmarks: where a KPI stands against a published range, and the overall rating of
//! a cross-sell rate.
//!
//! The built-in table comes from the published KPI definitions:
//!
//! - *Marketing-automation cross-sell rate by industry*: technology 10–20%, healthcare 5–15%,
//!   financial services 10–25%, e-commerce 15–30%, education 10–20%, real estate 10–20%. That
//!   definition is a campaign rate (successful cross-sells / customers targeted), so it is the
//!   range of `campaign-cross-sell`. The customer rate `cross-sell` is held to the same range
//!   only when measured per week, month or quarter ([`Benchmark::period`]): the product KPI's
//!   worked example is a month's rate (100 of 500 customers in a given month), while a rate over
//!   two years (any two products in two years) is far above any campaign's.
//! - *Loyalty-member cross-sell rate*: target above 20%, an open range `[0.20, ∞)` for
//!   `loyalty-cross-sell` in each of those industries.
//! - *Overall cross-sell rating*: above 25% excellent, below 10% needs improvement; 10% up to
//!   20% fair, 20% to 25% good (see [`rating`]).
//!
//! `--benchmarks FILE` merges a user's CSV (`metric,industry,low,high[,source]`) over the table,
//! for any metric ([`Benchmarks::merge_file`]). Rates are fractions (0.183 = 18.3%); money
//! metrics take amounts in the currency of the data.

mod file;
#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

use file::parse;

use crate::metrics::Metric;
use crate::metrics::slice::PeriodKind;

/// Source of the industry ranges of `campaign-cross-sell`.
pub const SOURCE_CAMPAIGN: &str =
    "marketing-automation cross-sell rate benchmarks by industry (published KPI definitions)";
/// Source of the industry ranges of `cross-sell`: the same ranges, for the customer rate of a
/// week, month or quarter.
pub const SOURCE_CUSTOMER: &str = "the marketing-automation ranges (published KPI definitions), \
     for the customer rate of a period of at most a quarter: the product KPI is a month's rate \
     (100 of 500 customers in a given month)";
/// Source of the `loyalty-cross-sell` target.
pub const SOURCE_LOYALTY: &str =
    "loyalty-member cross-sell rate: target above 20% (published KPI definitions)";

/// Marketing-automation cross-sell rate by industry, inclusive fractions: (display name, low, high).
/// Source: [`SOURCE_CAMPAIGN`].
const INDUSTRY_RANGES: [(&str, f64, f64); 6] = [
    ("technology", 0.10, 0.20),
    ("healthcare", 0.05, 0.15),
    ("financial services", 0.10, 0.25),
    ("e-commerce", 0.15, 0.30),
    ("education", 0.10, 0.20),
    ("real estate", 0.10, 0.20),
];

/// The longest period over which the customer cross-sell rate is held to the industry ranges:
/// a quarter (the product KPI's example is a month's rate).
pub const CUSTOMER_RATE_PERIOD: PeriodKind = PeriodKind::Quarter;

/// Loyalty-member cross-sell rate target: above 20%, no upper end. Source: [`SOURCE_LOYALTY`].
const LOYALTY_TARGET: f64 = 0.20;

/// Overall cross-sell rating (published KPI definitions): below this, needs improvement.
const FAIR_FROM: f64 = 0.10;
/// "10% up to 20% fair, 20% to 25% good": from this, good.
const GOOD_FROM: f64 = 0.20;
/// "Above 25% excellent": above this (25% itself is good), excellent.
const EXCELLENT_ABOVE: f64 = 0.25;

/// One benchmark range: the metric it applies to, the industry, and inclusive bounds (fractions
/// for rates, amounts for money metrics); `high: None` is an open range ("above 20%").
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmark {
    pub metric: String,
    pub industry: String,
    pub low: f64,
    pub high: Option<f64>,
    /// The longest period a value may be measured over to be held to the range (`--period`
    /// of at most this); `None`: any, the whole window too.
    pub period: Option<PeriodKind>,
    pub source: String,
}

impl Benchmark {
    /// Whether a value measured over `measured` (a `--period`, or `None`: the whole window)
    /// is held to this range.
    pub fn applies_to(&self, measured: Option<PeriodKind>) -> bool {
        match (self.period, measured) {
            (None, _) => true,
            (Some(longest), Some(period)) => period <= longest,
            (Some(_), None) => false,
        }
    }

    /// What the range applies to, for `xsell benchmarks`: `any` or `week, month or quarter`.
    pub fn period_text(&self) -> String {
        let Some(longest) = self.period else {
            return "any".to_string();
        };
        let kinds: Vec<&str> = [
            PeriodKind::Week,
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Year,
        ]
        .into_iter()
        .filter(|k| *k <= longest)
        .map(PeriodKind::name)
        .collect();
        match kinds.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// Where a value falls in a benchmark range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Below,
    Within,
    Above,
}

impl Status {
    /// The label of the `status` column.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Below => "below",
            Status::Within => "within",
            Status::Above => "above",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The overall rating of a cross-sell rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rating {
    NeedsImprovement,
    Fair,
    Good,
    Excellent,
}

impl Rating {
    /// The label of the `rating` column.
    pub fn label(&self) -> &'static str {
        match self {
            Rating::NeedsImprovement => "needs improvement",
            Rating::Fair => "fair",
            Rating::Good => "good",
            Rating::Excellent => "excellent",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a value falls in `b`, both ends inclusive: below `low`, above `high` (never, for an
/// open range), else within.
///
/// No tolerance is applied at the ends: a rate computed as `p / q` is the double nearest the
/// exact ratio, as is a decimal bound such as `0.15`, so a rate of exactly 15% (3 / 20) equals
/// the bound 0.15. A NaN (which xsell never computes: a zero denominator is n/a) counts as within.
pub fn status(value: f64, b: &Benchmark) -> Status {
    if value < b.low {
        Status::Below
    } else if b.high.is_some_and(|high| value > high) {
        Status::Above
    } else {
        Status::Within
    }
}

/// The overall cross-sell rating of a rate `v` (a fraction), from "above 25% excellent, below
/// 10% needs improvement", "10% up to 20% fair", "20% to 25% good":
///
/// | rating | range | at the boundary |
/// |---|---|---|
/// | needs improvement | v < 0.10 | |
/// | fair | 0.10 ≤ v < 0.20 | 10% is fair: only *below* 10% needs improvement |
/// | good | 0.20 ≤ v ≤ 0.25 | 20% is good ("up to 20%" stops short of it) |
/// | excellent | v > 0.25 | 25% is good: only *above* 25% is excellent |
///
/// A NaN (never computed by xsell) rates as needs improvement.
pub fn rating(value: f64) -> Rating {
    if value > EXCELLENT_ABOVE {
        Rating::Excellent
    } else if value >= GOOD_FROM {
        Rating::Good
    } else if value >= FAIR_FROM {
        Rating::Fair
    } else {
        Rating::NeedsImprovement
    }
}

/// Whether the rating applies to a metric: only the cross-sell rates (cross-sell,
/// campaign-cross-sell, loyalty-cross-sell).
pub fn rated(metric: &str) -> bool {
    matches!(
        Metric::from_name(metric),
        Some(Metric::CrossSell | Metric::CampaignCrossSell | Metric::LoyaltyCrossSell)
    )
}

/// An industry name as compared: lowercase, without whitespace, hyphens or underscores, so
/// "E-commerce", "ecommerce" and "e_commerce" are one industry.
fn industry_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The benchmark table: the built-in ranges, with any user file merged over them.
#[derive(Clone, Debug)]
pub struct Benchmarks {
    /// Sorted by metric (in the order reports list metrics), then industry; one entry per
    /// (metric, industry key).
    entries: Vec<Benchmark>,
}

impl Benchmarks {
    /// The built-in table: each industry range for `cross-sell` and `campaign-cross-sell`, and
    /// the loyalty target for `loyalty-cross-sell` in each of those industries.
    pub fn builtin() -> Benchmarks {
        let mut entries = Vec::with_capacity(3 * INDUSTRY_RANGES.len());
        for (industry, low, high) in INDUSTRY_RANGES {
            let entry = |metric: Metric, low: f64, high: Option<f64>, source: &str| Benchmark {
                metric: metric.name().to_string(),
                industry: industry.to_string(),
                low,
                high,
                period: None,
                source: source.to_string(),
            };
            entries.push(Benchmark {
                period: Some(CUSTOMER_RATE_PERIOD),
                ..entry(Metric::CrossSell, low, Some(high), SOURCE_CUSTOMER)
            });
            entries.push(entry(
                Metric::CampaignCrossSell,
                low,
                Some(high),
                SOURCE_CAMPAIGN,
            ));
            entries.push(entry(
                Metric::LoyaltyCrossSell,
                LOYALTY_TARGET,
                None,
                SOURCE_LOYALTY,
            ));
        }
        let mut table = Benchmarks { entries };
        table.sort();
        table
    }

    /// Merges the user CSV at `path` over the table; messages name the file as `path` displays.
    /// See [`Benchmarks::merge_reader`] for the format and the errors.
    pub fn merge_file(&mut self, path: &Path) -> Result<()> {
        let name = path.display().to_string();
        let file =
            File::open(path).with_context(|| format!("cannot open benchmarks file {name}"))?;
        self.merge_reader(file, &name)
    }

    /// Merges a user CSV over the table; `name` names it in messages.
    ///
    /// Header `metric,industry,low,high` (trimmed, case-insensitive; extra columns ignored; an
    /// optional `source` column, else the source is the file and line). `high` may be empty: an
    /// open range. A row with the same (metric, industry) as an entry replaces it; an industry
    /// that matches a known one takes the known display name. The whole file is checked before
    /// anything is merged: on an error the table is unchanged.
    ///
    /// Errors name the file, line, column and value: an unknown metric (listing the known ones),
    /// a low or high that is not a finite number (or, for a rate, not a fraction in [0, 1]),
    /// low > high, an empty industry, a (metric, industry) repeated within the file, a header
    /// lacking a column.
    pub fn merge_reader<R: Read>(&mut self, input: R, name: &str) -> Result<()> {
        for row in parse(input, name)? {
            let key = industry_key(&row.industry);
            let known = self
                .entries
                .iter()
                .find(|b| industry_key(&b.industry) == key)
                .map(|b| b.industry.clone());
            let row = Benchmark {
                industry: known.unwrap_or(row.industry),
                ..row
            };
            match self
                .entries
                .iter_mut()
                .find(|b| b.metric == row.metric && industry_key(&b.industry) == key)
            {
                Some(existing) => *existing = row,
                None => self.entries.push(row),
            }
        }
        self.sort();
        Ok(())
    }

    /// The benchmark for a metric (its exact name, e.g. `cross-sell`) in an industry, the
    /// industry matched case-insensitively and ignoring spaces, hyphens and underscores.
    pub fn find(&self, metric: &str, industry: &str) -> Option<&Benchmark> {
        let key = industry_key(industry);
        self.entries
            .iter()
            .find(|b| b.metric == metric && industry_key(&b.industry) == key)
    }

    /// Whether any benchmark exists for this industry (matched as in [`Benchmarks::find`]).
    pub fn has_industry(&self, industry: &str) -> bool {
        let key = industry_key(industry);
        self.entries
            .iter()
            .any(|b| industry_key(&b.industry) == key)
    }

    /// The industries, sorted and distinct, by their display names.
    pub fn industries(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.entries.iter().map(|b| b.industry.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// All entries, sorted by metric (in the order reports list metrics: cross-sell,
    /// campaign-cross-sell, loyalty-cross-sell, ctr, …) then by industry.
    pub fn all(&self) -> &[Benchmark] {
        &self.entries
    }

    fn sort(&mut self) {
        let rank = |b: &Benchmark| Metric::from_name(&b.metric).map_or(usize::MAX, |m| m as usize);
        self.entries.sort_by(|a, b| {
            (rank(a), &a.metric, &a.industry).cmp(&(rank(b), &b.metric, &b.industry))
        });
    }
}
