//! Industry benchmarks: where a KPI stands against a published range, and the overall rating of
//! a cross-sell rate.
//!
//! The built-in table comes from the published KPI definitions:
//!
//! - *Marketing-automation cross-sell rate by industry*: technology 10–20%, healthcare 5–15%,
//!   financial services 10–25%, e-commerce 15–30%, education 10–20%, real estate 10–20%. That
//!   definition is a campaign rate (successful cross-sells / customers targeted), so it is the
//!   range of `campaign-cross-sell`; the customer rate `cross-sell` is held to the same range.
//! - *Loyalty-member cross-sell rate*: target above 20%, an open range `[0.20, ∞)` for
//!   `loyalty-cross-sell` in each of those industries.
//! - *Overall cross-sell rating*: above 25% excellent, below 10% needs improvement; 10% up to
//!   20% fair, 20% to 25% good (see [`rating`]).
//!
//! `--benchmarks FILE` merges a user's CSV (`metric,industry,low,high[,source]`) over the table,
//! for any metric ([`Benchmarks::merge_file`]). Rates are fractions (0.183 = 18.3%); money
//! metrics take amounts in the currency of the data.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use csv::{ReaderBuilder, StringRecord, Trim};

use crate::metrics::Metric;

/// Source of the industry ranges of `campaign-cross-sell`.
pub const SOURCE_CAMPAIGN: &str =
    "marketing-automation cross-sell rate benchmarks by industry (published KPI definitions)";
/// Source of the industry ranges of `cross-sell`: the same ranges, applied to the customer rate.
pub const SOURCE_CUSTOMER: &str = "marketing-automation cross-sell rate benchmarks by industry \
     (published KPI definitions); a campaign rate there, the customer cross-sell rate is held to \
     the same industry range";
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

/// Loyalty-member cross-sell rate target: above 20%, no upper end. Source: [`SOURCE_LOYALTY`].
const LOYALTY_TARGET: f64 = 0.20;

/// Overall cross-sell rating (published KPI definitions): below this, needs improvement.
const FAIR_FROM: f64 = 0.10;
/// "10% up to 20% fair, 20% to 25% good": from this, good.
const GOOD_FROM: f64 = 0.20;
/// "Above 25% excellent": above this (25% itself is good), excellent.
const EXCELLENT_ABOVE: f64 = 0.25;

/// The columns a benchmarks file must have, in the order its header should list them.
const REQUIRED_COLUMNS: [&str; 4] = ["metric", "industry", "low", "high"];

/// One benchmark range: the metric it applies to, the industry, and inclusive bounds (fractions
/// for rates, amounts for money metrics); `high: None` is an open range ("above 20%").
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmark {
    pub metric: String,
    pub industry: String,
    pub low: f64,
    pub high: Option<f64>,
    pub source: String,
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

/// Whether a metric's values are fractions in [0, 1], so that a benchmark outside them is a
/// mistake (most likely a percentage written as 15 for 15%).
fn is_fraction(metric: Metric) -> bool {
    match metric {
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
                source: source.to_string(),
            };
            entries.push(entry(Metric::CrossSell, low, Some(high), SOURCE_CUSTOMER));
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

/// Where each column is in a benchmarks file.
struct Columns {
    metric: usize,
    industry: usize,
    low: usize,
    high: usize,
    source: Option<usize>,
}

/// Finds the columns in the header row (line 1).
fn columns(name: &str, header: &StringRecord) -> Result<Columns> {
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_lowercase()
        })
        .collect();
    let find = |wanted: &str| -> Result<Option<usize>> {
        let mut at = names.iter().enumerate().filter(|(_, n)| *n == wanted);
        let first = at.next().map(|(i, _)| i);
        if at.next().is_some() {
            bail!(
                "{name}:1: column {wanted}: the header names {wanted:?} twice; keep one column \
                 {wanted}"
            );
        }
        Ok(first)
    };
    let require = |wanted: &str| -> Result<usize> {
        find(wanted)?.ok_or_else(|| {
            let delimiter_hint = if names.len() == 1 && names[0].contains([';', '\t']) {
                "; the file must be comma-separated"
            } else {
                ""
            };
            anyhow!(
                "{name}:1: column {wanted}: the header {:?} lacks the column {wanted:?}; expected \
                 a header {}{delimiter_hint}",
                names.join(","),
                REQUIRED_COLUMNS.join(",")
            )
        })
    };
    Ok(Columns {
        metric: require("metric")?,
        industry: require("industry")?,
        low: require("low")?,
        high: require("high")?,
        source: find("source")?,
    })
}

/// Reads and checks every row of a benchmarks file. The file is small, so it is read whole.
fn parse<R: Read>(mut input: R, name: &str) -> Result<Vec<Benchmark>> {
    let mut data = Vec::new();
    input
        .read_to_end(&mut data)
        .with_context(|| format!("cannot read benchmarks file {name}"))?;
    let mut reader = ReaderBuilder::new()
        .trim(Trim::All)
        .flexible(true)
        .from_reader(data.as_slice());
    let header = reader
        .headers()
        .with_context(|| format!("{name}: cannot read the header row"))?
        .clone();
    let at = columns(name, &header)?;
    let mut rows = Vec::new();
    // (metric, industry key) → the line that has it.
    let mut seen: HashMap<(Metric, String), u64> = HashMap::new();
    let mut record = StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("{name}: cannot read a row"))?;
        if !more {
            break;
        }
        if record.iter().all(str::is_empty) {
            continue; // a blank row, e.g. the trailing `,,,` of a spreadsheet export
        }
        let line = line_at(&data, record.position().map_or(0, |p| p.byte()));
        let cell = |i: usize| record.get(i).unwrap_or("");
        let metric = parse_metric(name, line, cell(at.metric))?;
        let industry = cell(at.industry);
        if industry.is_empty() {
            bail!(
                "{name}:{line}: column industry: {industry:?} is empty; expected the industry the \
                 range applies to, e.g. e-commerce"
            );
        }
        let low = parse_bound(name, line, "low", cell(at.low), metric)?.ok_or_else(|| {
            anyhow!(
                "{name}:{line}: column low: \"\" is empty; expected a number, the low end of \
                     the range (only high may be empty, for an open range)"
            )
        })?;
        let high = parse_bound(name, line, "high", cell(at.high), metric)?;
        if high.is_some_and(|high| low > high) {
            bail!(
                "{name}:{line}: column high: {:?} is below low {:?}; expected high >= low, or an \
                 empty high for an open range",
                cell(at.high),
                cell(at.low)
            );
        }
        if let Some(first) = seen.insert((metric, industry_key(industry)), line) {
            bail!(
                "{name}:{line}: columns metric, industry: {:?}, {industry:?} repeats line {first}; \
                 keep one row per metric and industry",
                metric.name()
            );
        }
        let source = at
            .source
            .map(cell)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("{name}, line {line}"), str::to_string);
        rows.push(Benchmark {
            metric: metric.name().to_string(),
            industry: industry.to_string(),
            low,
            high,
            source,
        });
    }
    Ok(rows)
}

/// The line (1-based) of the first content byte at or after offset `byte`: csv reports a
/// record's offset before the blank lines (and the `\n` of a CRLF) it skips.
fn line_at(data: &[u8], byte: u64) -> u64 {
    let end = usize::try_from(byte).map_or(data.len(), |b| b.min(data.len()));
    let blank = data[end..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let newlines = data[..end + blank].iter().filter(|&&b| b == b'\n').count();
    newlines as u64 + 1
}

/// A metric name, trimmed and case-insensitive, `_` and spaces read as `-`.
fn parse_metric(name: &str, line: u64, text: &str) -> Result<Metric> {
    let wanted = text.to_lowercase().replace(['_', ' '], "-");
    Metric::from_name(&wanted).ok_or_else(|| {
        let known: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        anyhow!(
            "{name}:{line}: column metric: {text:?} is not a metric xsell computes; known metrics: \
             {}",
            known.join(", ")
        )
    })
}

/// A range end: `None` when empty; a finite number, and a fraction in [0, 1] for a rate.
fn parse_bound(
    name: &str,
    line: u64,
    column: &str,
    text: &str,
    metric: Metric,
) -> Result<Option<f64>> {
    if text.is_empty() {
        return Ok(None);
    }
    let value = text
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            let hint = if text.ends_with('%') {
                "; rates are fractions: write 0.15 for 15%"
            } else {
                ""
            };
            anyhow!(
                "{name}:{line}: column {column}: {text:?} is not a number; expected a decimal \
                 number such as 0.15{hint}"
            )
        })?;
    if is_fraction(metric) && !(0.0..=1.0).contains(&value) {
        bail!(
            "{name}:{line}: column {column}: {text:?} is not a fraction between 0 and 1; {} is a \
             rate: write 0.15 for 15%",
            metric.name()
        );
    }
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::fs;

    fn bench(low: f64, high: Option<f64>) -> Benchmark {
        Benchmark {
            metric: "cross-sell".to_string(),
            industry: "e-commerce".to_string(),
            low,
            high,
            source: String::new(),
        }
    }

    /// Writes `text` as `name` in a fresh temp dir and merges it over the built-in table.
    fn merged(name: &str, text: &str) -> (Result<Benchmarks>, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let mut table = Benchmarks::builtin();
        let result = table.merge_file(&path).map(|()| table);
        (result, path.display().to_string())
    }

    /// The message of a failed merge, checked to name the file, the line and each `part`.
    fn merge_error(text: &str, line: u64, parts: &[&str]) -> String {
        let (result, file) = merged("mine.csv", text);
        let message = match result {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(err) => format!("{err:#}"),
        };
        assert!(
            message.starts_with(&format!("{file}:{line}: ")),
            "{message:?} should start with {file}:{line}"
        );
        for part in parts {
            assert!(message.contains(part), "{message:?} should name {part:?}");
        }
        message
    }

    #[test]
    fn status_includes_both_ends() {
        // e-commerce is 15-30%: [0.15, 0.30], both ends inclusive.
        let ecommerce = Benchmarks::builtin();
        let b = ecommerce.find("cross-sell", "e-commerce").unwrap();
        assert_eq!((b.low, b.high), (0.15, Some(0.30)));
        assert_eq!(status(0.1499, b), Status::Below); // 0.1499 < 0.15
        assert_eq!(status(0.15, b), Status::Within); // the low end itself
        assert_eq!(status(3.0 / 20.0, b), Status::Within); // 3 of 20 customers is exactly 15%
        assert_eq!(status(0.30, b), Status::Within); // the high end itself
        assert_eq!(status(3.0 / 10.0, b), Status::Within); // 3 of 10 customers is exactly 30%
        assert_eq!(status(0.3001, b), Status::Above); // 0.3001 > 0.30
    }

    #[test]
    fn an_open_range_has_no_above() {
        // Loyalty target "above 20%": [0.20, ∞).
        let loyalty = Benchmarks::builtin();
        let b = loyalty.find("loyalty-cross-sell", "technology").unwrap();
        assert_eq!((b.low, b.high), (0.20, None));
        assert_eq!(status(0.5, b), Status::Within);
        assert_eq!(status(1.0, b), Status::Within);
        assert_eq!(status(0.20, b), Status::Within);
        assert_eq!(status(0.1999, b), Status::Below);
        assert_eq!(status(1e9, &bench(0.0, None)), Status::Within);
    }

    #[test]
    fn labels() {
        let statuses = [Status::Below, Status::Within, Status::Above];
        let labels: Vec<&str> = statuses.iter().map(Status::label).collect();
        assert_eq!(labels, ["below", "within", "above"]);
        assert_eq!(Rating::NeedsImprovement.to_string(), "needs improvement");
        assert_eq!(Rating::Fair.label(), "fair");
        assert_eq!(Rating::Good.label(), "good");
        assert_eq!(Rating::Excellent.label(), "excellent");
    }

    #[test]
    fn rating_boundaries() {
        let cases = [
            (0.0, Rating::NeedsImprovement),
            (0.0999, Rating::NeedsImprovement), // below 10%
            (0.10, Rating::Fair),               // 10% is not "below 10%"
            (1.0 / 10.0, Rating::Fair),         // 1 of 10 customers: exactly 0.10
            (0.1999, Rating::Fair),             // "10% up to 20%"
            (0.20, Rating::Good),               // "20% to 25%"
            (1.0 / 5.0, Rating::Good),          // 1 of 5: exactly 0.20
            (0.25, Rating::Good),               // 25% is not "above 25%"
            (1.0 / 4.0, Rating::Good),          // 1 of 4: exactly 0.25
            (0.2501, Rating::Excellent),        // above 25%
            (1.0, Rating::Excellent),
        ];
        for (value, expected) in cases {
            assert_eq!(rating(value), expected, "rating({value})");
        }
    }

    #[test]
    fn only_the_cross_sell_rates_are_rated() {
        for metric in ["cross-sell", "campaign-cross-sell", "loyalty-cross-sell"] {
            assert!(rated(metric), "{metric}");
        }
        for metric in [
            "ctr",
            "conversion",
            "roi",
            "cac",
            "aov",
            "clv",
            "retention",
            "repeat-rate",
            "clv.aov",
            "Cross-Sell",
            "",
        ] {
            assert!(!rated(metric), "{metric}");
        }
    }

    #[test]
    fn the_builtin_table() {
        let table = Benchmarks::builtin();
        // 6 industries × (cross-sell, campaign-cross-sell, loyalty-cross-sell).
        assert_eq!(table.all().len(), 18);
        assert_eq!(
            table.industries(),
            [
                "e-commerce",
                "education",
                "financial services",
                "healthcare",
                "real estate",
                "technology"
            ]
        );
        let ranges: Vec<(f64, Option<f64>)> = table
            .all()
            .iter()
            .filter(|b| b.metric == "campaign-cross-sell")
            .map(|b| (b.low, b.high))
            .collect();
        // Sorted by industry: e-commerce, education, financial services, healthcare, real
        // estate, technology.
        assert_eq!(
            ranges,
            [
                (0.15, Some(0.30)),
                (0.10, Some(0.20)),
                (0.10, Some(0.25)),
                (0.05, Some(0.15)),
                (0.10, Some(0.20)),
                (0.10, Some(0.20)),
            ]
        );
        let customer = table.find("cross-sell", "healthcare").unwrap();
        assert_eq!((customer.low, customer.high), (0.05, Some(0.15)));
        assert_eq!(customer.source, SOURCE_CUSTOMER);
        assert!(
            table
                .all()
                .iter()
                .filter(|b| b.metric == "loyalty-cross-sell")
                .all(|b| b.low == 0.20 && b.high.is_none() && b.source == SOURCE_LOYALTY)
        );
        let metrics: Vec<&str> = table.all().iter().map(|b| b.metric.as_str()).collect();
        assert_eq!(metrics[0], "cross-sell");
        assert_eq!(metrics[6], "campaign-cross-sell");
        assert_eq!(metrics[12], "loyalty-cross-sell");
        assert!(table.find("aov", "e-commerce").is_none());
    }

    #[test]
    fn industry_names_match_loosely() {
        let table = Benchmarks::builtin();
        for name in [
            "e-commerce",
            "E-commerce",
            "ecommerce",
            "e_commerce",
            " E Commerce ",
        ] {
            let b = table.find("cross-sell", name);
            assert_eq!(b.map(|b| b.industry.as_str()), Some("e-commerce"), "{name}");
            assert!(table.has_industry(name), "{name}");
        }
        for name in [
            "financial services",
            "Financial-Services",
            "financial_services",
            "FINANCIALSERVICES",
        ] {
            let b = table.find("campaign-cross-sell", name);
            assert_eq!(b.map(|b| b.low), Some(0.10), "{name}");
        }
        assert!(!table.has_industry("retail"));
        assert!(!table.has_industry("e-commerc"));
        assert!(table.find("cross-sell", "retail").is_none());
    }

    #[test]
    fn a_file_replaces_adds_and_opens_ranges() {
        let (table, file) = merged(
            "mine.csv",
            "\u{feff}Metric , INDUSTRY,low,High,note,Source\n\
             cross-sell,E-Commerce,0.18,0.35,ours,\n\
             aov,e-commerce,45.5,80,,shop survey 2024\n\
             \n\
             Repeat_Rate,Retail,0.3,,,\n",
        );
        let table = table.unwrap();
        // Replaced: one cross-sell entry for e-commerce, with the built-in display name.
        let b = table.find("cross-sell", "ecommerce").unwrap();
        assert_eq!(
            b,
            &Benchmark {
                metric: "cross-sell".to_string(),
                industry: "e-commerce".to_string(),
                low: 0.18,
                high: Some(0.35),
                source: format!("{file}, line 2"),
            }
        );
        assert_eq!(status(0.16, b), Status::Below); // 0.16 < 0.18, within the old 15-30%
        // Untouched: campaign-cross-sell keeps the built-in 15-30%.
        let campaign = table.find("campaign-cross-sell", "e-commerce").unwrap();
        assert_eq!((campaign.low, campaign.high), (0.15, Some(0.30)));
        // New metric with amounts.
        let aov = table.find("aov", "E-commerce").unwrap();
        assert_eq!((aov.low, aov.high), (45.5, Some(80.0)));
        assert_eq!(aov.source, "shop survey 2024");
        assert_eq!(status(45.5, aov), Status::Within);
        assert_eq!(status(80.01, aov), Status::Above);
        // An open high on line 5 (line 4 is blank), for a new industry.
        let repeat = table.find("repeat-rate", "retail").unwrap();
        assert_eq!((repeat.low, repeat.high), (0.3, None));
        assert_eq!(repeat.source, format!("{file}, line 5"));
        assert_eq!(status(0.9, repeat), Status::Within);
        // 18 built-in - 0 removed + aov + repeat-rate.
        assert_eq!(table.all().len(), 20);
        assert!(table.has_industry("Retail"));
        assert_eq!(table.industries().len(), 7);
        // Metric order: ... loyalty-cross-sell, aov, repeat-rate.
        let last: Vec<&str> = table.all()[18..]
            .iter()
            .map(|b| b.metric.as_str())
            .collect();
        assert_eq!(last, ["aov", "repeat-rate"]);
    }

    #[test]
    fn rows_of_one_new_industry_share_its_first_spelling() {
        let (table, _) = merged(
            "mine.csv",
            "metric,industry,low,high\nctr,Retail Banking,0.01,0.05\nconversion,retail-banking,0.02,\n",
        );
        let table = table.unwrap();
        assert_eq!(
            table.find("conversion", "RetailBanking").unwrap().industry,
            "Retail Banking"
        );
        assert!(table.industries().contains(&"Retail Banking"));
        assert!(!table.industries().contains(&"retail-banking"));
    }

    #[test]
    fn lines_are_counted_across_blank_rows_and_crlf() {
        // Line 1 header, 2 a row, 3 blank, 4 `,,,` (skipped), 5 the bad row.
        merge_error(
            "metric,industry,low,high\r\naov,retail,1,2\r\n\r\n,,,\r\naov,retail,x,2\r\n",
            5,
            &["column low", "\"x\""],
        );
        let data = b"a\r\nb\n\n\nc";
        assert_eq!(line_at(data, 0), 1);
        assert_eq!(line_at(data, 2), 2); // on the \n of the header's CRLF
        assert_eq!(line_at(data, 4), 5); // the \n ending line 2, then two blank lines
    }

    #[test]
    fn an_unknown_metric() {
        let message = merge_error(
            "metric,industry,low,high\ncross-sell,technology,0.1,0.2\nupsell,technology,0.1,0.2\n",
            3,
            &[
                "column metric",
                "\"upsell\"",
                "cross-sell, campaign-cross-sell",
                "repeat-rate",
            ],
        );
        assert!(message.contains("aov"));
    }

    #[test]
    fn a_bound_that_is_not_a_number() {
        merge_error(
            "metric,industry,low,high\nroi,technology,abc,2\n",
            2,
            &["column low", "\"abc\"", "not a number"],
        );
        merge_error(
            "metric,industry,low,high\nroi,technology,1,NaN\n",
            2,
            &["column high", "\"NaN\"", "not a number"],
        );
        merge_error(
            "metric,industry,low,high\ncross-sell,technology,15%,20%\n",
            2,
            &["column low", "\"15%\"", "not a number", "0.15 for 15%"],
        );
        merge_error(
            "metric,industry,low,high\ncross-sell,technology,,0.2\n",
            2,
            &["column low", "\"\"", "empty"],
        );
    }

    #[test]
    fn a_rate_bound_that_is_not_a_fraction() {
        // 15 meant as 15%: the rate is a fraction.
        merge_error(
            "metric,industry,low,high\nctr,technology,0.01,15\n",
            2,
            &["column high", "\"15\"", "between 0 and 1", "0.15 for 15%"],
        );
        // ROI is not bounded: 1.5 (150%) and -0.2 are fine.
        let (table, _) = merged(
            "roi.csv",
            "metric,industry,low,high\nroi,technology,-0.2,1.5\n",
        );
        assert_eq!(
            table.unwrap().find("roi", "technology").unwrap().high,
            Some(1.5)
        );
    }

    #[test]
    fn low_above_high() {
        merge_error(
            "metric,industry,low,high\naov,technology,90,80\n",
            2,
            &["column high", "\"80\"", "below low \"90\""],
        );
    }

    #[test]
    fn an_empty_industry() {
        merge_error(
            "metric,industry,low,high\naov,technology,1,2\naov,  ,1,2\n",
            3,
            &["column industry", "\"\"", "empty"],
        );
        // A short row has no industry either.
        merge_error("metric,industry,low,high\naov\n", 2, &["column industry"]);
    }

    #[test]
    fn a_repeated_row() {
        merge_error(
            "metric,industry,low,high\naov,E-commerce,1,2\nctr,e-commerce,0.1,0.2\naov,ecommerce,3,4\n",
            4,
            &["\"aov\", \"ecommerce\"", "repeats line 2"],
        );
    }

    #[test]
    fn a_header_lacking_a_column() {
        merge_error(
            "metric,industry,low\naov,technology,1\n",
            1,
            &["column high", "lacks", "metric,industry,low,high"],
        );
        merge_error(
            "metric;industry;low;high\naov;technology;1;2\n",
            1,
            &["column metric", "comma-separated"],
        );
        merge_error("", 1, &["column metric", "lacks"]);
        merge_error(
            "metric,industry,low,high,LOW\n",
            1,
            &["column low", "twice"],
        );
    }

    #[test]
    fn an_error_leaves_the_table_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("half.csv");
        fs::write(
            &path,
            "metric,industry,low,high\ncross-sell,technology,0.5,0.6\nnope,technology,1,2\n",
        )
        .unwrap();
        let mut table = Benchmarks::builtin();
        assert!(table.merge_file(&path).is_err());
        assert_eq!(table.all(), Benchmarks::builtin().all());
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.csv");
        let message = format!("{:#}", Benchmarks::builtin().merge_file(&path).unwrap_err());
        assert!(message.contains("absent.csv"), "{message}");
    }
}
