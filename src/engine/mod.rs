//! The engine below the command line: one call reads the inputs and returns result rows.
//!
//! [`evaluate`] runs the metric fold over the orders (with campaigns and customers when given)
//! and [`judge`] adds intervals, benchmarks and the groups' order; [`read_orders`] streams the
//! orders through a fold of the caller's own (`pairs`, `cohort`). Nothing here knows about
//! clap: the CLI resolves its arguments into a [`Config`] first.

mod config;
pub mod database;
mod notes;
mod partitions;
mod progress;

use std::sync::atomic::AtomicU64;

use anyhow::{Result, bail};

use crate::input::orders::{self, Inspection, OrderFiles};
use crate::input::{Book, Campaigns, Customers, Line, OrderColumns};
use crate::metrics::slice::{CustomerGroups, Dim, PeriodKind, Router};
use crate::metrics::{Fold, Inputs, Metric, Row, Unit};
use crate::output::Summary;
use crate::report;
pub use config::{Config, Judging, default_threads};
pub use notes::{count, left_out_row};

/// Reads the inputs once and computes `wanted` (`None`: every metric the inputs allow). The
/// summary's notes say what reading found (skipped rows, repeats, unknown campaigns, ...).
pub fn evaluate(config: &Config, wanted: Option<Vec<Metric>>) -> Result<(Vec<Row>, Summary)> {
    let mut book = Book::default();
    let (campaigns, customers, files) = open(config, &mut book)?;
    let mut notes = notes::campaign_counts(campaigns.as_ref());
    let inputs = Inputs {
        orders: files.columns(),
        campaigns: campaigns.as_ref(),
        customers: customers.as_ref(),
    };
    let metrics = choose(config, &inputs, wanted, &mut notes)?;
    let make_fold = || Fold::new(&metrics, config.settings.clone());
    let mut fold = make_fold();
    let campaign_types: Vec<Option<String>> = campaigns
        .iter()
        .flat_map(|c| c.list.iter().map(|c| c.campaign_type.clone()))
        .collect();
    let mut router = Router::new(
        config.settings.window,
        &config.settings.slicing,
        fold.wants_retention(),
        &campaign_types,
    );
    let known = campaigns.as_ref().map_or(0, |c| c.list.len());
    let mut unknown_lines = 0u64;
    let done = AtomicU64::new(0);
    let mut progress = progress::Progress::new(config.quiet, files.size(), &done);
    let columns = Metric::columns_read(&metrics, &config.settings, files.columns());
    let (threads, read) = (config.threads, &config.read);
    let mut note = |line: &Line| {
        unknown_lines += u64::from(line.campaign.is_some_and(|c| c as usize >= known));
        progress.line();
    };
    let report = match partitions::fold_threads(threads, metrics.len()) {
        0 => files.read(&mut book, read, threads, columns, &done, |line| {
            fold.add(line, router.route(line));
            note(line);
        })?,
        parts => {
            let (report, whole, routed) = partitions::fold(parts, make_fold, router, |fold| {
                files.read(&mut book, read, threads, columns, &done, |line| {
                    fold(line);
                    note(line);
                })
            });
            (fold, router) = (whole, routed);
            report?
        }
    };
    drop(progress);
    notes.extend(notes::reading(&report, &config.read));
    check_period_count(config, &book, metrics.contains(&Metric::Retention))?;
    let uses_campaigns = metrics.iter().any(|m| m.is_campaign())
        || config.settings.slicing.dims.contains(&Dim::CampaignType);
    if let Some(c) = campaigns.as_ref().filter(|_| uses_campaigns) {
        notes.extend(notes::unknown_campaigns(&book, c, unknown_lines));
    }
    let customer_dims: Vec<Dim> = config.settings.slicing.customer_dims().cloned().collect();
    if let Some(file) = customers.as_ref() {
        notes.extend(notes::apply_customers(&mut book, file));
    }
    let groups = CustomerGroups::new(&book, &customer_dims);
    let rows = fold.rows(&book, campaigns.as_ref(), &router, &groups, threads)?;
    notes.extend(fold.notes().iter().cloned());
    let mut summary = notes::summary(&book, config, &report);
    // Why a row is n/a shows under the table too.
    summary.remarks = (fold.notes().iter())
        .map(|n| n.trim_start_matches("note: ").to_string())
        .collect();
    summary.notes = notes;
    Ok((rows, summary))
}

/// The metrics to compute: `wanted`, each of which the inputs must allow, or (`None`) every
/// metric they allow, with a note per reason for those left out.
fn choose(
    config: &Config,
    inputs: &Inputs,
    wanted: Option<Vec<Metric>>,
    notes: &mut Vec<String>,
) -> Result<Vec<Metric>> {
    let missing = |m: &Metric| m.missing(&config.settings, inputs);
    if let Some(list) = wanted {
        if let Some((metric, why)) = list.iter().find_map(|m| Some((m, missing(m)?))) {
            bail!("{} {why}", metric.name());
        }
        return Ok(list);
    }
    let (able, unable): (Vec<Metric>, Vec<Metric>) =
        Metric::ALL.iter().partition(|m| missing(m).is_none());
    // One note per reason: "skipped ctr, roi: each needs ...".
    let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
    for metric in unable {
        let why = missing(&metric).unwrap_or_default();
        match reasons.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(metric.name()),
            None => reasons.push((why, vec![metric.name()])),
        }
    }
    for (why, names) in reasons {
        let subject = if names.len() == 1 { "it" } else { "each" };
        notes.push(format!(
            "note: skipped {}: {subject} {why}",
            names.join(", ")
        ));
    }
    Ok(able)
}

/// Adds intervals and benchmarks to `rows`, orders the groups and, when rows were skipped,
/// adds a `skipped-rows` row, and a row per reason rows were left out for (`filtered-rows`,
/// `guest-rows`, `repeated-rows`, ...): the KPIs were computed without them, and every format
/// says so.
pub fn judge(config: &Config, mut rows: Vec<Row>, summary: &mut Summary) -> Vec<Row> {
    let judging = &config.judging;
    report::add_intervals(&mut rows, judging.z);
    if let Some(industry) = &judging.industry {
        let period = config.settings.slicing.period;
        let notes = report::judge(&mut rows, &judging.benchmarks, industry, period);
        (summary.remarks).extend(
            notes
                .iter()
                .map(|n| n.trim_start_matches("note: ").to_string()),
        );
        summary.notes.extend(notes);
    }
    let mut rows = report::order(rows, judging.sort, judging.top);
    if let Some(skipped) = summary.skipped {
        rows.push(Row::plain(
            "skipped-rows",
            Some(skipped as f64),
            Unit::Count,
        ));
    }
    for (reason, n) in &summary.left_out {
        // A row's metric is a static name; a run has a few reasons, named once.
        let name: &'static str = Box::leak(notes::left_out_row(reason).into_boxed_str());
        rows.push(Row::plain(name, Some(*n as f64), Unit::Count));
    }
    rows
}

/// Reads the orders (and `--customers`) through `each`, for commands other than the metric
/// fold. `columns` checks which optional columns the files have (and customers.csv, if given)
/// and returns those to read. Returns the book and what was read, with its notes.
pub fn read_orders(
    config: &Config,
    columns: impl FnOnce(OrderColumns, Option<&Customers>) -> Result<OrderColumns>,
    mut each: impl FnMut(&Line),
) -> Result<(Book, Summary)> {
    let mut book = Book::default();
    let (_, customers, files) = open(config, &mut book)?;
    let columns = columns(files.columns(), customers.as_ref())?;
    let done = AtomicU64::new(0);
    let mut progress = progress::Progress::new(config.quiet, files.size(), &done);
    let report = files.read(
        &mut book,
        &config.read,
        config.threads,
        columns,
        &done,
        |line| {
            each(line);
            progress.line();
        },
    )?;
    drop(progress);
    let mut notes = notes::reading(&report, &config.read);
    if let Some(file) = customers.as_ref() {
        notes.extend(notes::apply_customers(&mut book, file));
    }
    let mut summary = notes::summary(&book, config, &report);
    summary.notes = notes;
    Ok((book, summary))
}

/// Reads `--campaigns` and `--customers` into `book` and opens the order files (their headers
/// checked), in that order, so that the first error is the same whatever the command.
fn open(
    config: &Config,
    book: &mut Book,
) -> Result<(Option<Campaigns>, Option<Customers>, OrderFiles)> {
    let campaigns = match &config.campaigns {
        Some(source) => Some(Campaigns::read(source, &config.read, book)?),
        None => None,
    };
    let customers = match &config.customers {
        Some(source) => Some(Customers::read(source, &config.read, book)?),
        None => None,
    };
    let files = OrderFiles::open(&config.orders, &config.read)?;
    Ok((campaigns, customers, files))
}

/// A metric, and what it misses if the inputs do not allow it.
pub type Allowed = (Metric, Option<String>);

/// `xsell inspect`: reads the inputs as a run would, each order column on its own, and says
/// for every metric whether these columns allow it (`None`) or what it misses.
pub fn inspect(config: &Config) -> Result<(Inspection, Vec<Allowed>)> {
    let mut book = Book::default();
    let (campaigns, customers, files) = open(config, &mut book)?;
    let inputs = Inputs {
        orders: files.columns(),
        campaigns: campaigns.as_ref(),
        customers: customers.as_ref(),
    };
    let metrics = (Metric::ALL.iter())
        .map(|m| (*m, m.missing(&config.settings, &inputs)))
        .collect();
    Ok((orders::inspect(files, &config.read)?, metrics))
}

/// The most periods `--period` may list: 96 years of weeks. More comes from a typo in a date
/// (year 8174) far more often than from a wish for that many rows.
const MAX_PERIODS: usize = 5000;

/// Refuses a window of more than [`MAX_PERIODS`] periods of `--period`, or of months for
/// `retention` (its periods when `--period` is not given).
fn check_period_count(config: &Config, book: &Book, retention: bool) -> Result<()> {
    let (unit, option) = match config.settings.slicing.period {
        Some(kind) => (kind, "periods of --period"),
        None if retention => (PeriodKind::Month, "months (retention's periods)"),
        None => return Ok(()),
    };
    let Some((first, last)) = config.settings.window.bounds(book.span) else {
        return Ok(());
    };
    let periods = unit.range(first, last).count();
    if periods > MAX_PERIODS {
        bail!(
            "the window from {first} to {last} spans {periods} {option}, more than \
             {MAX_PERIODS}; check the dates for a typo, or narrow it with --from/--to"
        );
    }
    Ok(())
}
