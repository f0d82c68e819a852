//! Reading a user's benchmarks CSV (`--benchmarks FILE`): header, rows and their checks, with
//! errors that name the file, line, column and value.

use std::collections::HashMap;
use std::io::Read;

use anyhow::{Context, Result, anyhow, bail};
use csv::{ReaderBuilder, StringRecord, Trim};

use super::{Benchmark, industry_key};
use crate::metrics::Metric;
use crate::metrics::slice::PeriodKind;

/// The columns a benchmarks file must have, in the order its header should list them.
const REQUIRED_COLUMNS: [&str; 4] = ["metric", "industry", "low", "high"];

/// Where each column is in a benchmarks file.
struct Columns {
    metric: usize,
    industry: usize,
    low: usize,
    high: usize,
    period: Option<usize>,
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
        period: find("period")?,
        source: find("source")?,
    })
}

/// Reads and checks every row of a benchmarks file. The file is small, so it is read whole.
pub(super) fn parse<R: Read>(mut input: R, name: &str) -> Result<Vec<Benchmark>> {
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
        // The longest period a value may be measured over: any unless the file says.
        let period = match at
            .period
            .map(cell)
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "" | "any" => None,
            text => Some(PeriodKind::parse(text).ok_or_else(|| {
                anyhow!(
                    "{name}:{line}: column period: {text:?} is not a period; expected week, \
                     month, quarter or year (the longest --period a value may be measured over \
                     to be held to the range), or any"
                )
            })?),
        };
        rows.push(Benchmark {
            metric: metric.name().to_string(),
            industry: industry.to_string(),
            low,
            high,
            period,
            source,
        });
    }
    Ok(rows)
}

/// The line (1-based) of the first content byte at or after offset `byte`: csv reports a
/// record's offset before the blank lines (and the `\n` of a CRLF) it skips.
pub(super) fn line_at(data: &[u8], byte: u64) -> u64 {
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
    if metric.is_proportion() && !(0.0..=1.0).contains(&value) {
        bail!(
            "{name}:{line}: column {column}: {text:?} is not a fraction between 0 and 1; {} is a \
             rate: write 0.15 for 15%",
            metric.name()
        );
    }
    Ok(Some(value))
}
