//! One module per subcommand; this one holds what they share: reading the inputs through the
//! metric fold, and writing the result.

pub mod benchmarks;
pub mod cohort;
pub mod compare;
pub mod compute;
pub mod metrics;
pub mod pairs;
mod progress;
pub mod report;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use std::process::ExitCode;
use std::sync::atomic::AtomicU64;

use crate::cli::{ClvArg, ColorArg, Config, InputArgs};
use crate::input::orders::{OrderFiles, ReadReport};
use crate::input::{Book, Campaigns, Customers};
use crate::input::{Line, OrderColumns};
use crate::metrics::slice::{CustomerGroups, Dim, Router};
use crate::metrics::{Fold, Inputs, Metric, Row, Unit};
use crate::output::{self, Format, Style, Summary};
use crate::report::{self as judge, Threshold};

/// Reads the inputs once and computes `wanted` (`None`: every metric the inputs allow).
pub fn evaluate(config: &Config, wanted: Option<Vec<Metric>>) -> Result<(Vec<Row>, Summary)> {
    let mut notes: Vec<String> = Vec::new();
    let mut book = Book::default();
    let campaigns = match &config.campaigns {
        Some(source) => Some(Campaigns::read(source, &config.read, &mut book)?),
        None => None,
    };
    for c in campaigns.iter().flat_map(|c| &c.list) {
        for (what, count) in [("clicks", c.clicks), ("conversions", c.conversions)] {
            if let (Some(n), Some(impressions)) = (count, c.impressions)
                && n > impressions
            {
                notes.push(format!(
                    "warning: campaign {} reports more {what} ({n}) than impressions ({impressions})",
                    c.id
                ));
            }
        }
    }
    let customers = match &config.customers {
        Some(source) => Some(Customers::read(source, &config.read, &mut book)?),
        None => None,
    };
    let files = OrderFiles::open(&config.orders, &config.read)?;
    let inputs = Inputs {
        orders: files.columns(),
        campaigns: campaigns.as_ref(),
        customers: customers.as_ref(),
    };
    let missing = |m: &Metric| m.missing(&config.settings, &inputs);
    let metrics = match wanted {
        Some(list) => {
            if let Some((metric, why)) = list.iter().find_map(|m| Some((m, missing(m)?))) {
                bail!("{} {why}", metric.name());
            }
            list
        }
        None => {
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
            able
        }
    };
    let mut fold = Fold::new(&metrics, config.settings.clone());
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
    let each = |line: &Line| {
        fold.add(line, router.route(line));
        unknown_lines += u64::from(line.campaign.is_some_and(|c| c as usize >= known));
        progress.line();
    };
    // Several metrics cost about as much to fold as the rows to read: the fold then gets a
    // thread of its own (measured: 10M lines report 14.4 -> 12.0 s; cross-sell alone 3.6 ->
    // 4.0 s, so one metric does not).
    let report = if metrics.len() > 1 {
        files.read_beside(&mut book, &config.read, columns, &done, each)?
    } else {
        files.read(&mut book, &config.read, columns, &done, each)?
    };
    drop(progress);
    notes.extend(reading_notes(&report));
    check_period_count(config, &book)?;
    let uses_campaigns = metrics.iter().any(|m| m.is_campaign())
        || config.settings.slicing.dims.contains(&Dim::CampaignType);
    if let Some(c) = campaigns
        .as_ref()
        .filter(|_| uses_campaigns && unknown_lines > 0)
    {
        let unknown = book.campaigns.len() - known;
        let mut ids: Vec<&str> = (known..book.campaigns.len())
            .map(|i| book.campaigns.name(i as u32))
            .take(5)
            .collect();
        if unknown > ids.len() {
            ids.push("...");
        }
        notes.push(format!(
            "warning: {} attributed to {} missing from {} ({}); campaign metrics leave them \
             out, and --by campaign-type groups them as (unknown)",
            count(unknown_lines, "order line"),
            count(unknown as u64, "campaign"),
            c.file,
            ids.join(", ")
        ));
    }
    let customer_dims: Vec<Dim> = config.settings.slicing.customer_dims().cloned().collect();
    notes.extend(
        customers
            .as_ref()
            .and_then(|file| apply_customers(&mut book, file)),
    );
    let cohorts = CustomerGroups::new(&book, &customer_dims);
    let rows = fold.rows(
        &book,
        campaigns.as_ref(),
        &router,
        &cohorts,
        config.read.threads,
    )?;
    let mut summary = summary(&book, config, &report);
    summary.notes = notes;
    Ok((rows, summary))
}

/// Refuses the options of `compute` that `command` would silently ignore: `--campaigns`, the CLV
/// model and (when `no_level`) `--level`.
fn refuse_unused(input: &InputArgs, command: &str, no_level: bool) -> Result<()> {
    let unused = [
        ("--campaigns", input.campaigns.is_some()),
        ("--clv-model formula", input.clv_model == ClvArg::Formula),
        ("--margin", input.margin.is_some()),
        ("--lifespan", input.lifespan.is_some()),
        ("--level", no_level && input.level.is_some()),
    ];
    match unused.iter().find(|(_, given)| *given) {
        Some((option, _)) => bail!("xsell {command} does not use {option}; drop it"),
        None => Ok(()),
    }
}

/// The warnings of reading: rows skipped (`--skip-invalid`) and lines repeated.
fn reading_notes(report: &ReadReport) -> Vec<String> {
    let mut notes = Vec::new();
    if report.skipped > 0 {
        notes.push(format!(
            "warning: skipped {} of {} (--skip-invalid); the first:",
            count(report.skipped, "invalid row"),
            count(report.rows, "row")
        ));
        for reason in &report.reasons {
            notes.push(format!("  {reason}"));
        }
    }
    if report.duplicates > 0 {
        let lines = count(report.duplicates, "order line");
        if report.dropped {
            notes.push(format!(
                "note: dropped {lines} identical to an earlier line (--dedupe)"
            ));
        } else {
            notes.push(format!(
                "warning: {lines} identical to an earlier line: counted as data \
                 (--dedupe drops them)"
            ));
        }
    }
    notes
}

/// Applies customers.csv to the book; a warning when it lacks customers of the orders.
fn apply_customers(book: &mut Book, file: &Customers) -> Option<String> {
    let unknown = book.apply(file);
    (unknown > 0).then(|| {
        format!(
            "warning: {} of the orders missing from {}: their attributes come from the order lines",
            count(unknown, "customer"),
            file.file
        )
    })
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
    let customers = match &config.customers {
        Some(source) => Some(Customers::read(source, &config.read, &mut book)?),
        None => None,
    };
    let files = OrderFiles::open(&config.orders, &config.read)?;
    let columns = columns(files.columns(), customers.as_ref())?;
    let done = AtomicU64::new(0);
    let mut progress = progress::Progress::new(config.quiet, files.size(), &done);
    let report = files.read(&mut book, &config.read, columns, &done, |line| {
        each(line);
        progress.line();
    })?;
    drop(progress);
    let mut notes = reading_notes(&report);
    notes.extend(
        customers
            .as_ref()
            .and_then(|file| apply_customers(&mut book, file)),
    );
    let mut summary = summary(&book, config, &report);
    summary.notes = notes;
    Ok((book, summary))
}

/// The most periods `--period` may list: 96 years of weeks. More comes from a typo in a date
/// (year 8174) far more often than from a wish for that many rows.
const MAX_PERIODS: usize = 5000;

fn check_period_count(config: &Config, book: &Book) -> Result<()> {
    let (Some(kind), Some((first, last))) = (
        config.settings.slicing.period,
        config.settings.window.bounds(book.span),
    ) else {
        return Ok(());
    };
    let periods = kind.range(first, last).count();
    if periods > MAX_PERIODS {
        bail!(
            "the window from {first} to {last} spans {periods} periods of --period, more than \
             {MAX_PERIODS}; check the dates for a typo, or narrow it with --from/--to"
        );
    }
    Ok(())
}

/// `1 campaign`, `2 campaigns`.
fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn summary(book: &Book, config: &Config, report: &ReadReport) -> Summary {
    let window = match config.settings.window.bounds(book.span) {
        Some((first, last)) => format!("{first} to {last}"),
        None => "empty".to_string(),
    };
    Summary {
        lines: book.lines,
        orders: book.orders.iter().filter(|o| o.has_purchase()).count() as u64,
        customers: book.customers.len() as u64,
        files: book.files.clone(),
        window,
        skipped: config.read.invalid.skip.then_some(report.skipped),
        notes: Vec::new(),
    }
}

/// Prints the warnings and notes of reading, one a line, on stderr.
pub fn tell(summary: &Summary) {
    for note in &summary.notes {
        if note.starts_with(' ') {
            eprintln!("{note}");
        } else {
            eprintln!("xsell: {note}");
        }
    }
}

/// Adds intervals and benchmarks, orders the groups, writes the rows and checks
/// `--fail-under`: exit 1 when a value falls short, after the full result is written.
pub fn finish(config: &Config, mut rows: Vec<Row>, summary: &Summary) -> Result<ExitCode> {
    tell(summary);
    let judging = &config.judging;
    judge::add_intervals(&mut rows, judging.z);
    if let Some(industry) = &judging.industry {
        judge::judge(&mut rows, &judging.benchmarks, industry);
    }
    let mut rows = judge::order(rows, judging.sort, judging.top);
    if let Some(skipped) = summary.skipped {
        // The KPIs above were computed without these rows: say how many, in every format.
        rows.push(Row::plain(
            "skipped-rows",
            Some(skipped as f64),
            Unit::Count,
        ));
    }
    write(
        config.output.as_deref(),
        config.format,
        &rows,
        Some(summary),
        judging.color,
        judging.industry.is_some(),
    )?;
    let Some(threshold) = &judging.fail_under else {
        return Ok(ExitCode::SUCCESS);
    };
    let short = judge::shortfalls(&rows, threshold);
    if short.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let what = match threshold {
        Threshold::Value(v) => format!("below {v}"),
        Threshold::Benchmark => "below the benchmark".to_string(),
    };
    let named: Vec<String> = short
        .iter()
        .take(5)
        .map(|r| {
            let period = r
                .period
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            format!("{} {}{period}", r.metric, r.group)
        })
        .collect();
    let more = if short.len() > named.len() {
        ", ..."
    } else {
        ""
    };
    eprintln!(
        "xsell: {} {what}: {}{more}",
        count(short.len() as u64, "value"),
        named.join(", ")
    );
    Ok(ExitCode::from(1))
}

/// Writes `rows` to `-o FILE` or standard output; a table fits and colours itself only on a
/// terminal (colour also with `--color always`, never with `NO_COLOR`).
pub fn write(
    output: Option<&Path>,
    format: Format,
    rows: &[Row],
    summary: Option<&Summary>,
    color: ColorArg,
    benchmarks: bool,
) -> Result<()> {
    let terminal = output.is_none() && io::stdout().is_terminal();
    let color = match color {
        ColorArg::Auto => terminal,
        ColorArg::Always => true,
        ColorArg::Never => false,
    } && !no_color();
    let style = Style {
        terminal,
        color,
        benchmarks,
    };
    write_with(output, |out| {
        output::write_rows(out, format, rows, summary, style)
    })
}

/// Runs `write` on `-o FILE` or standard output, buffered and flushed once.
pub fn write_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = BufWriter::with_capacity(32 * 1024, io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())?;
            Ok(())
        }
    }
}

/// `NO_COLOR` set to anything but the empty string turns colour off (no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
