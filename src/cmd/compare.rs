//! `xsell compare`: one proportion in two groups of a dimension, or in two periods.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::CompareArgs;
use crate::engine::{self, left_out_row};
use crate::metrics::slice::{Dim, PeriodKind, Slicing, label_part};
use crate::metrics::{Metric, Row};
use crate::output::html::{Comparison, Page, Point};
use crate::output::{self, Cell, Format, Summary, number};
use crate::report::{self, compare};

const COLUMNS: [&str; 15] = [
    "metric",
    "by",
    "a",
    "b",
    "value_a",
    "value_b",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
    "numerator_a",
    "denominator_a",
    "numerator_b",
    "denominator_b",
];

pub fn run(args: &CompareArgs) -> Result<ExitCode> {
    let metric = Metric::from_name(&args.metric).filter(|m| m.is_proportion());
    let Some(metric) = metric else {
        bail!(
            "compare needs a proportion; {} is not one (use cross-sell, campaign-cross-sell, \
             loyalty-cross-sell, ctr, conversion, retention or repeat-rate)",
            args.metric
        );
    };
    let by_period = args.by == "period";
    let slicing = slicing(args)?;
    let config = args.options().config(slicing, args.confidence.judging()?)?;
    let (rows, summary) = engine::evaluate(&config, Some(vec![metric]))?;
    super::tell(&summary);
    let by = config.settings.slicing.by();
    // A group is named by its value as written or as labelled (`a/b` or `"a/b"`).
    let find = |value: &str| -> Result<(u64, u64)> {
        let label = label_part(value);
        let hit = rows.iter().find(|r| {
            if by_period {
                r.group == "all" && r.period.as_deref() == Some(value)
            } else {
                r.by == by && (r.group == value || r.group == label) && r.period.is_none()
            }
        });
        let Some(row) = hit else {
            let known = groups(&rows, by_period).join(", ");
            if by_period {
                bail!("no lines in period {value:?}; the periods with lines: {known}");
            }
            bail!(
                "--by {by} has no group {value:?} with lines in the window; groups with lines: {known}"
            );
        };
        report::proportion(row).ok_or_else(|| {
            anyhow::anyhow!(
                "{} of group {value:?} is not a proportion: its numerator exceeds its denominator \
                 (check the campaign counts)",
                metric.name()
            )
        })
    };
    let (a, b) = (find(&args.a)?, find(&args.b)?);
    let c = compare::compare(a, b, config.judging.z, config.judging.confidence);
    let (columns, record) = record(args, metric, (a, b), &c, &summary);
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Html => {
            let z = config.judging.z;
            let rate = |label: &str, (k, n): (u64, u64), value| Point {
                label: label.to_string(),
                value,
                ci: report::stats::wilson(k, n, z),
            };
            let comparison = Comparison {
                metric: metric.name().to_string(),
                a: rate(&args.a, a, c.value_a),
                b: rate(&args.b, b, c.value_b),
                difference: Point {
                    label: "difference".to_string(),
                    value: c.difference,
                    ci: c.ci,
                },
                verdict: c.verdict.clone(),
                fields: (columns.iter().zip(&record))
                    .map(|(name, cell)| (name.to_string(), cell.for_people()))
                    .collect(),
            };
            let level = format!("{:.0}%", config.judging.confidence * 100.0);
            let page = Page::new(Some(&summary), Vec::new());
            output::html::compare_page(out, &page, &comparison, &level)
        }
        format => output::write_records(out, format, &columns, &[record]),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The two groups' dimension (`--by DIM`), or their period length (`--by period`).
fn slicing(args: &CompareArgs) -> Result<Slicing> {
    Ok(if args.by == "period" {
        let kinds = (PeriodKind::of_label(&args.a), PeriodKind::of_label(&args.b));
        let (Some(kind), Some(other)) = kinds else {
            bail!(
                "--by period: --a and --b must be periods such as 2025, 2025-Q1, 2025-03 or 2025-W07"
            );
        };
        if kind != other {
            bail!(
                "--by period: {} and {} are periods of different lengths",
                args.a,
                args.b
            );
        }
        Slicing {
            dims: Vec::new(),
            period: Some(kind),
        }
    } else {
        let dim = Dim::parse(&args.by)
            .map_err(|e| anyhow::anyhow!("--by {}: {e}, or period", args.by))?;
        Slicing {
            dims: vec![dim],
            period: None,
        }
    })
}

/// The output's columns and its one record (with `skipped_rows` after `--skip-invalid`, and a
/// count per reason rows were left out for, as `guest_rows`).
fn record(
    args: &CompareArgs,
    metric: Metric,
    (a, b): ((u64, u64), (u64, u64)),
    c: &compare::Comparison,
    summary: &Summary,
) -> (Vec<String>, Vec<Cell>) {
    let count = |n: u64| Cell::Number(n.to_string());
    let mut record = vec![
        Cell::text(metric.name()),
        Cell::text(&args.by),
        Cell::text(&args.a),
        Cell::text(&args.b),
        number(c.value_a),
        number(c.value_b),
        number(c.difference),
        number(c.ci.map(|ci| ci.0)),
        number(c.ci.map(|ci| ci.1)),
        c.p_value.map_or(Cell::Null, |p| {
            // In a table too, a small p-value keeps its digits: 3.200e-9, not 0.000000.
            Cell::float(
                p,
                if p < 1e-4 {
                    format!("{p:.3e}")
                } else {
                    format!("{p:.6}")
                },
            )
        }),
        Cell::text(&c.verdict),
        count(a.0),
        count(a.1),
        count(b.0),
        count(b.1),
    ];
    // With --skip-invalid the rows left out are counted in the output too, as in compute.
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    if let Some(skipped) = summary.skipped {
        columns.push("skipped_rows".to_string());
        record.push(count(skipped));
    }
    for (reason, n) in &summary.left_out {
        columns.push(left_out_row(reason).replace('-', "_"));
        record.push(count(*n));
    }
    (columns, record)
}

/// The groups (or periods) there are, for an error message.
fn groups(rows: &[Row], by_period: bool) -> Vec<String> {
    let mut names: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            if by_period {
                r.period.clone()
            } else {
                (r.group != "all").then(|| r.group.clone())
            }
        })
        .collect();
    names.dedup();
    const SHOWN: usize = 20;
    if names.len() > SHOWN {
        let more = names.len() - SHOWN;
        names.truncate(SHOWN);
        names.push(format!("... ({more} more)"));
    }
    names
}
