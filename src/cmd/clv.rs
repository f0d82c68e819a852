//! `xsell clv`: each customer's RFM summary from one pass over the order lines, then BG/NBD and
//! Gamma-Gamma fitted by maximum likelihood and each customer's predictions ([`crate::clv`]).
//!
//! Outputs, each a table for people and tidy columns for programs:
//! - the fit (default): `model, parameter, estimate, std_error, ci_low, ci_high`, then each
//!   model's log-likelihood, iterations and convergence, and the predicted CLV's customers,
//!   total and mean (model `clv`);
//! - `--rfm`: `customer_id, frequency, recency, T, monetary_value`;
//! - `--per-customer`: the summary with `p_alive, expected_purchases, expected_average_value,
//!   clv` (`--top N`: the N most valuable);
//! - `--holdout-from`: `frequency, customers, actual, predicted, error`: the mean repeat
//!   purchases in the holdout of the customers of each calibration frequency (6 and more
//!   together), as lifetimes' `plot_calibration_purchases_vs_holdout_purchases`.
//!
//! `--by DIM`: the models are fitted once, on every customer; the `clv` rows come for `all`,
//! then per group (sorted by label, as compute sorts its groups), with compute's `group` (after
//! `model`) and `by` (before `ci_low`) columns; `--per-customer` adds `group` after
//! `customer_id`. A customer's group: segment and loyalty as compute gives them (customers.csv
//! first, else their lines); channel, category, campaign and column:NAME as their first purchase
//! line has them (earliest date; of several that day, the first read): where they were acquired.
//!
//! `--format html` writes a page of each but `--rfm` ([`crate::output::html::clv_page`]).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Days, NaiveDate};
use rustc_hash::FxHashMap as HashMap;

use crate::cli::{PredictArgs, TimeUnitArg};
use crate::clv::bgnbd::{BgNbd, BgNbdFit};
use crate::clv::predict::{Models, predict};
use crate::clv::rfm::{Rfm, RfmAccumulator, TimeUnit};
use crate::clv::value::ClvOptions;
use crate::engine::Config;
use crate::engine::{self, Judging};
use crate::input::{Book, Customers, OrderColumns};
use crate::metrics::predicted::grouped;
use crate::metrics::slice::{CustomerGroups, Dim, Router, ScopeId, Slicing};
use crate::metrics::{Context, Label, Settings, Window};
use crate::output::html::{Assumptions, ClvOutput, Page};
use crate::output::{self, Cell, Format, Summary, number};

use super::clv_rows::{clv_rows, fit_rows, holdout, labelled, summary_cells};

const FIT_COLUMNS: [&str; 6] = [
    "model",
    "parameter",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
];
const RFM_COLUMNS: [&str; 5] = ["customer_id", "frequency", "recency", "T", "monetary_value"];
const PREDICTION_COLUMNS: [&str; 4] = [
    "p_alive",
    "expected_purchases",
    "expected_average_value",
    "clv",
];
const HOLDOUT_COLUMNS: [&str; 5] = ["frequency", "customers", "actual", "predicted", "error"];
/// The longest `--horizon`: 100 years of monthly steps (each step sums the months before it).
const MAX_HORIZON: u32 = 1200;

pub fn run(args: &PredictArgs) -> Result<ExitCode> {
    let slicing = Slicing {
        dims: args.by.clone(),
        period: None,
    };
    let config = args.options().config(slicing, Judging::default())?;
    check(args, &config)?;
    let unit = match args.time_unit {
        TimeUnitArg::Day => TimeUnit::Day,
        TimeUnitArg::Week => TimeUnit::Week,
        TimeUnitArg::Month => TimeUnit::Month,
    };
    let read = read(args, &config)?;
    let name = |c: u32| read.book.customers.name(c);
    let (columns, rows): (Vec<&str>, Vec<Vec<Cell>>) = match &read.calibration {
        _ if args.rfm => {
            let rows = (read.all.summaries(unit))
                .map(|(c, rfm)| summary_cells(name(c), &rfm))
                .collect();
            (RFM_COLUMNS.to_vec(), rows)
        }
        Some(calibration) => {
            let customers: Vec<(u32, Rfm)> = calibration.summaries(unit).collect();
            let purchases = fit_purchases(&customers, config.threads)?;
            let days = (read.end - calibration.end()).num_days() as f64;
            let duration = days / unit.days();
            let all = &read.all;
            let rows = holdout(&customers, &purchases.model, all, calibration, duration);
            (HOLDOUT_COLUMNS.to_vec(), rows)
        }
        None => predicted(args, &read, unit, config.threads)?,
    };
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Html => page(out, args, unit, &read, (&columns, &rows)),
        format => output::write_records(out, format, &columns, &rows),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What one pass over the lines gave: every customer's purchase days up to the observation
/// end (with their first purchase line's scope under `--by`), and up to the day before
/// `--holdout-from`; the scopes and the customers' groups of `--by`.
struct Read {
    book: Book,
    all: RfmAccumulator,
    calibration: Option<RfmAccumulator>,
    end: NaiveDate,
    /// What was read, for the page's footer.
    summary: Summary,
    settings: Settings,
    router: Router,
    groups: CustomerGroups,
}

impl Read {
    /// What labels the groups of `--by`.
    fn context(&self) -> Context<'_> {
        let (book, settings) = (&self.book, &self.settings);
        Context::new(book, None, settings, &self.router, &self.groups)
    }
}

/// Reads the order lines into the accumulators; the lines left out (no purchase, after the
/// observation end) are counted in a note, and a summary without a purchase is refused.
fn read(args: &PredictArgs, config: &Config) -> Result<Read> {
    let given_end = args.observation_end.or(config.settings.window.to);
    // The calibration period ends the day before the holdout.
    let calibration_end = (args.holdout_from).and_then(|d| d.checked_sub_days(Days::new(1)));
    let mut all = RfmAccumulator::new(given_end.unwrap_or(NaiveDate::MAX));
    let mut calibration = calibration_end.map(RfmAccumulator::new);
    let (mut returns, mut later) = (0u64, 0u64);
    let slicing = &config.settings.slicing;
    // The scope of a line's values of the line dimensions (0 without any).
    let mut router = Router::new(Window::default(), slicing, false, &[]);
    let by_line = slicing.line_dims().next().is_some();
    let (book, mut summary) = engine::read_orders(
        config,
        |present, customers| columns(slicing, present, customers),
        |line| {
            let tag = match by_line {
                true => router.route(line).get(1).map_or(0, |r| r.scope.0),
                false => 0,
            };
            if !all.add_tagged(line.customer, line.date, line.amount, tag) {
                match line.is_purchase() {
                    false => returns += 1,
                    true => later += 1,
                }
            }
            if let Some(c) = &mut calibration {
                c.add(line.customer, line.date, line.amount);
            }
        },
    )?;
    all.settle();
    if let Some(c) = &mut calibration {
        c.settle();
    }
    let Some((first, last)) = book.span else {
        bail!("no order line to summarise: the input is empty");
    };
    let end = given_end.unwrap_or(last);
    if returns + later > 0 {
        summary.notes.push(format!(
            "note: {returns} lines with an amount of 0 or less (no purchase) and {later} dated \
             after the observation end {end} are not in the summary"
        ));
    }
    super::tell(&summary);
    if all.summaries(TimeUnit::Day).next().is_none() {
        bail!(
            "no purchase (a line with an amount above 0) on or before the observation end {end}: \
             nothing to summarise; check the amounts' sign and --observation-end"
        );
    }
    all.end_at(end);
    if let Some(holdout) = args.holdout_from
        && (holdout <= first || holdout > end)
    {
        bail!(
            "--holdout-from {holdout}: expected a date after the data's first day {first} and on \
             or before the observation end {end}, so that both periods have days"
        );
    }
    let customer_dims: Vec<Dim> = slicing.customer_dims().cloned().collect();
    let groups = CustomerGroups::new(&book, &customer_dims);
    let settings = Settings {
        slicing: slicing.clone(),
        ..Settings::default()
    };
    Ok(Read {
        book,
        all,
        calibration,
        end,
        summary,
        settings,
        router,
        groups,
    })
}

/// The page of the output (`--format html`): its rows, and what the predictions were made
/// under.
fn page(
    out: &mut dyn Write,
    args: &PredictArgs,
    unit: TimeUnit,
    read: &Read,
    (columns, rows): (&[&str], &[Vec<Cell>]),
) -> io::Result<()> {
    let output = match args.holdout_from {
        Some(from) => ClvOutput::Holdout { from, to: read.end },
        None if args.per_customer => ClvOutput::Customers { top: args.top },
        None => ClvOutput::Fit,
    };
    let assumptions = Assumptions {
        months: args.horizon,
        discount_rate: args.discount_rate,
        margin: args.margin,
        unit: unit.name(),
        purchases_horizon: args.purchases_horizon,
    };
    let page = Page::new(Some(&read.summary), Vec::new());
    output::html::clv_page(out, &page, &output, &assumptions, columns, rows)
}

/// The order columns `--by` reads; refuses a dimension the inputs lack.
fn columns(
    slicing: &Slicing,
    present: OrderColumns,
    customers: Option<&Customers>,
) -> Result<OrderColumns> {
    for dim in &slicing.dims {
        if let (Some(column), false) = (dim.column(), dim.has_column(&present, customers)) {
            let place = match dim.is_customer() {
                true => format!("a {column} column in the orders or in --customers FILE"),
                false => format!("the column {column} in every orders file"),
            };
            bail!("xsell clv --by {} needs {place}", dim.name());
        }
    }
    let dim = |d: Dim| slicing.dims.contains(&d);
    Ok(OrderColumns {
        category: dim(Dim::Category),
        channel: dim(Dim::Channel),
        campaign: dim(Dim::Campaign),
        segment: dim(Dim::Segment) && present.segment,
        loyalty: dim(Dim::Loyalty) && present.loyalty,
    })
}

/// Both models fitted to every customer, and each customer's predictions: one row per
/// customer (`--per-customer`, `--top`), or the fit table.
fn predicted(
    args: &PredictArgs,
    read: &Read,
    unit: TimeUnit,
    threads: usize,
) -> Result<(Vec<&'static str>, Vec<Vec<Cell>>)> {
    let customers: Vec<(u32, Rfm)> = read.all.summaries(unit).collect();
    let models = Models::fit(&customers, threads)?;
    for model in models.unconverged() {
        warn_unless_converged(model, false);
    }
    let options = ClvOptions {
        months: args.horizon,
        discount_rate: args.discount_rate,
        margin: args.margin,
        ..ClvOptions::new(unit)
    };
    let ctx = read.context();
    if !args.per_customer {
        let clvs = models.clvs(&customers, &options, threads);
        let each = customers.iter().map(|c| c.0).zip(clvs);
        let (all, groups) = grouped(&ctx, &read.all, each);
        let mut rows = fit_rows(&models.purchases, &models.value);
        rows.extend(clv_rows(&all));
        if args.by.is_empty() {
            return Ok((FIT_COLUMNS.to_vec(), rows));
        }
        let all = Label::all(None);
        let mut rows: Vec<Vec<Cell>> = rows.into_iter().map(|r| labelled(r, &all)).collect();
        for (label, a) in &groups {
            rows.extend(clv_rows(a).into_iter().map(|r| labelled(r, label)));
        }
        let mut columns = FIT_COLUMNS.to_vec();
        columns.insert(1, "group");
        columns.insert(5, "by");
        return Ok((columns, rows));
    }
    let models = (&models.purchases.model, &models.value.model);
    let predictions = predict(
        &customers,
        models,
        args.purchases_horizon,
        &options,
        threads,
    );
    let mut labels: HashMap<_, String> = HashMap::default();
    let name = |c: u32| read.book.customers.name(c);
    let mut rows: Vec<(f64, Vec<Cell>)> = (customers.iter().zip(&predictions))
        .map(|((c, rfm), p)| {
            let mut cells = summary_cells(name(*c), rfm);
            if !args.by.is_empty() {
                let key = (read.all.tag(*c), read.groups.of(*c));
                let label =
                    (labels.entry(key)).or_insert_with(|| ctx.label(ScopeId(key.0), key.1).group);
                cells.insert(1, Cell::Text(label.clone()));
            }
            cells.extend(p.iter().map(|v| number(*v)));
            (p[3].unwrap_or(f64::NEG_INFINITY), cells)
        })
        .collect();
    if let Some(top) = args.top {
        // The most valuable first; n/a last; ties in customer order.
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        rows.truncate(top);
    }
    let mut columns = [&RFM_COLUMNS[..], &PREDICTION_COLUMNS[..]].concat();
    if !args.by.is_empty() {
        columns.insert(1, "group");
    }
    Ok((columns, rows.into_iter().map(|(_, cells)| cells).collect()))
}

/// Refuses options that make no sense together or out of range.
fn check(args: &PredictArgs, config: &Config) -> Result<()> {
    let window = config.settings.window;
    if let (Some(end), Some(to)) = (args.observation_end, window.to)
        && end != to
    {
        bail!("--observation-end {end} and --to {to} both end the observation: give one");
    }
    if let Some(from) = window.from {
        bail!(
            "xsell clv reads every purchase up to the observation end (a customer's first \
             purchase starts their history): drop --from {from}; --observation-end (or --to) \
             ends the observation"
        );
    }
    if !(args.purchases_horizon > 0.0 && args.purchases_horizon.is_finite()) {
        bail!(
            "--purchases-horizon {}: expected a positive number of time units, e.g. 52",
            args.purchases_horizon
        );
    }
    if !(0.0..=1.0).contains(&args.discount_rate) {
        bail!(
            "--discount-rate {}: expected a monthly rate from 0 to 1, e.g. 0.01",
            args.discount_rate
        );
    }
    if !(args.margin > 0.0 && args.margin <= 1.0) {
        bail!(
            "--margin {}: expected the share of a purchase kept as profit, above 0 and at most 1",
            args.margin
        );
    }
    if !(1..=MAX_HORIZON).contains(&args.horizon) {
        bail!(
            "--horizon {}: expected 1 to {MAX_HORIZON} months (100 years; discounted, CLV no \
             longer changes long before), e.g. 12",
            args.horizon
        );
    }
    if args.top == Some(0) {
        bail!("--top 0: expected at least one customer, e.g. --top 20 (without --top: all)");
    }
    if args.rfm && config.format == Format::Html {
        // A page adds nothing to a list of millions of rows that another program reads.
        bail!(
            "xsell clv --rfm has no HTML page: the summary is data for another program (one row \
             per customer); write it with --format csv -o rfm.csv, or see each customer's \
             summary with its predictions on the page of --per-customer --format html"
        );
    }
    if args.per_customer && args.holdout_from.is_some() {
        bail!("--per-customer and --holdout-from are two outputs: give one");
    }
    if let Some(dim) = args.by.first() {
        let dim = dim.name();
        if args.rfm {
            bail!("--by {dim} groups the predicted CLV, which --rfm does not fit: give one");
        }
        if args.holdout_from.is_some() {
            bail!(
                "--by {dim} groups the predicted CLV, which --holdout-from does not print: \
                 give one"
            );
        }
    }
    if args.by.contains(&Dim::CampaignType) {
        bail!(
            "xsell clv --by campaign-type needs campaigns.csv, which xsell clv does not read: use \
             xsell compute --metric clv --clv-model bgnbd --campaigns FILE --by campaign-type"
        );
    }
    Ok(())
}

/// BG/NBD fitted to `customers`.
fn fit_purchases(customers: &[(u32, Rfm)], threads: usize) -> Result<BgNbdFit> {
    let rfms: Vec<Rfm> = customers.iter().map(|(_, r)| *r).collect();
    let purchases = BgNbd::fit(&rfms, threads).map_err(|e| anyhow::anyhow!("{e}"))?;
    warn_unless_converged("BG/NBD", purchases.fit.converged);
    Ok(purchases)
}

/// A warning on stderr when a fit stopped short of a maximum.
fn warn_unless_converged(model: &str, converged: bool) {
    if !converged {
        super::sink::to_stderr(format_args!(
            "xsell: warning: the {model} fit did not converge (see its iterations): its \
             estimates, and the predictions made from them, are not a maximum of the likelihood; \
             the data may not identify the model (for Gamma-Gamma: spend that does not vary \
             between customers as the model assumes)"
        ));
    }
}
