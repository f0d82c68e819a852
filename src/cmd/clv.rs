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
//! `--format html` writes a page of each but `--rfm` ([`crate::output::html::clv_page`]).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Days, NaiveDate};

use crate::cli::{PredictArgs, TimeUnitArg};
use crate::clv::bgnbd::{BgNbd, BgNbdFit};
use crate::clv::gamma_gamma::{GammaGamma, GammaGammaFit};
use crate::clv::mle::Estimate;
use crate::clv::rfm::{Rfm, RfmAccumulator, TimeUnit};
use crate::clv::value::{ClvOptions, customer_lifetime_value};
use crate::engine::Config;
use crate::engine::{self, Judging};
use crate::input::Book;
use crate::input::OrderColumns;
use crate::metrics::slice::Slicing;
use crate::output::html::{Assumptions, ClvOutput, Page};
use crate::output::{self, Cell, Format, Summary, number};

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
    let config = args
        .options()
        .config(Slicing::default(), Judging::default())?;
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
            let rows = holdout(
                &customers,
                &purchases.model,
                &read.all,
                calibration,
                duration,
            );
            (HOLDOUT_COLUMNS.to_vec(), rows)
        }
        None => predicted(
            args,
            &read.all.summaries(unit).collect::<Vec<_>>(),
            unit,
            config.threads,
            name,
        )?,
    };
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Html => page(out, args, unit, &read, (&columns, &rows)),
        format => output::write_records(out, format, &columns, &rows),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What one pass over the lines gave: every customer's purchase days up to the observation
/// end, and up to the day before `--holdout-from`.
struct Read {
    book: Book,
    all: RfmAccumulator,
    calibration: Option<RfmAccumulator>,
    end: NaiveDate,
    /// What was read, for the page's footer.
    summary: Summary,
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
    let (book, mut summary) = engine::read_orders(
        config,
        |_, _| Ok(OrderColumns::default()),
        |line| {
            if !all.add(line.customer, line.date, line.amount) {
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
    Ok(Read {
        book,
        all,
        calibration,
        end,
        summary,
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

/// Both models fitted to `customers`, and each customer's predictions: one row per customer
/// (`--per-customer`, `--top`), or the fit table.
fn predicted(
    args: &PredictArgs,
    customers: &[(u32, Rfm)],
    unit: TimeUnit,
    threads: usize,
    name: impl Fn(u32) -> String,
) -> Result<(Vec<&'static str>, Vec<Vec<Cell>>)> {
    let purchases = fit_purchases(customers, threads)?;
    let rfms: Vec<Rfm> = customers.iter().map(|(_, r)| *r).collect();
    let value = GammaGamma::fit(&rfms, threads).map_err(|e| anyhow::anyhow!("{e}"))?;
    warn_unless_converged("Gamma-Gamma", value.fit.converged);
    let options = ClvOptions {
        months: args.horizon,
        discount_rate: args.discount_rate,
        margin: args.margin,
        ..ClvOptions::new(unit)
    };
    let models = (&purchases.model, &value.model);
    let predictions = predict(customers, models, args.purchases_horizon, &options, threads);
    if !args.per_customer {
        return Ok((
            FIT_COLUMNS.to_vec(),
            fit_rows(&purchases, &value, &predictions),
        ));
    }
    let mut rows: Vec<(f64, Vec<Cell>)> = (customers.iter().zip(&predictions))
        .map(|((c, rfm), p)| {
            let mut cells = summary_cells(name(*c), rfm);
            cells.extend(p.iter().map(|v| number(*v)));
            (p[3].unwrap_or(f64::NEG_INFINITY), cells)
        })
        .collect();
    if let Some(top) = args.top {
        // The most valuable first; n/a last; ties in customer order.
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        rows.truncate(top);
    }
    let columns = [&RFM_COLUMNS[..], &PREDICTION_COLUMNS[..]].concat();
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

/// A customer's summary cells: customer_id, frequency, recency, T, monetary_value.
fn summary_cells(name: String, rfm: &Rfm) -> Vec<Cell> {
    vec![
        Cell::Text(name),
        Cell::Number(rfm.frequency.to_string()),
        number(Some(rfm.recency)),
        number(Some(rfm.age)),
        number(Some(rfm.monetary_value)),
    ]
}

/// Each customer's P(alive), expected purchases over `horizon`, expected average value and
/// CLV, on `threads` threads (the CLV's monthly steps are the costly part).
fn predict(
    customers: &[(u32, Rfm)],
    (purchases, value): (&BgNbd, &GammaGamma),
    horizon: f64,
    options: &ClvOptions,
    threads: usize,
) -> Vec<[Option<f64>; 4]> {
    let one = |rfm: &Rfm| {
        [
            Some(purchases.p_alive(rfm)),
            purchases.expected_purchases(horizon, rfm),
            value.expected_average_value(rfm),
            customer_lifetime_value(purchases, value, rfm, options),
        ]
    };
    let chunk = customers.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = (customers.chunks(chunk))
            .map(|part| s.spawn(move || part.iter().map(|(_, r)| one(r)).collect::<Vec<_>>()))
            .collect();
        (parts.into_iter())
            .flat_map(|p| p.join().unwrap_or_default())
            .collect()
    })
}

/// The parameter table, each fit's log-likelihood, iterations and convergence, and the
/// predicted CLV's customers, total and mean.
fn fit_rows(
    purchases: &BgNbdFit,
    value: &GammaGammaFit,
    predictions: &[[Option<f64>; 4]],
) -> Vec<Vec<Cell>> {
    let estimate = |model: &str, e: &Estimate| {
        vec![
            Cell::text(model),
            Cell::text(e.name),
            number(Some(e.value)),
            number(e.se),
            number(e.lower),
            number(e.upper),
        ]
    };
    let plain = |model: &str, parameter: &str, value: Cell| {
        let mut row = vec![Cell::text(model), Cell::text(parameter), value];
        row.extend([Cell::Null, Cell::Null, Cell::Null]);
        row
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let fits = [
        (
            "bgnbd",
            &purchases.fit.estimates[..],
            &purchases.fit.log_likelihood,
        ),
        (
            "gamma-gamma",
            &value.fit.estimates[..],
            &value.fit.log_likelihood,
        ),
    ];
    let info = [
        (
            purchases.fit.iterations,
            purchases.fit.converged,
            purchases.fit.customers,
        ),
        (
            value.fit.iterations,
            value.fit.converged,
            value.fit.customers,
        ),
    ];
    for ((model, estimates, ll), (iterations, converged, customers)) in fits.into_iter().zip(info) {
        rows.extend(estimates.iter().map(|e| estimate(model, e)));
        rows.push(plain(model, "log_likelihood", number(Some(*ll))));
        rows.push(plain(
            model,
            "customers",
            Cell::Number(customers.to_string()),
        ));
        rows.push(plain(
            model,
            "iterations",
            Cell::Number(iterations.to_string()),
        ));
        rows.push(plain(
            model,
            "converged",
            Cell::text(if converged { "yes" } else { "no" }),
        ));
    }
    let clvs: Vec<f64> = predictions.iter().filter_map(|p| p[3]).collect();
    let total: f64 = clvs.iter().sum();
    let mean = (!clvs.is_empty()).then(|| total / clvs.len() as f64);
    rows.push(plain(
        "clv",
        "customers",
        Cell::Number(clvs.len().to_string()),
    ));
    rows.push(plain("clv", "total", number(Some(total))));
    rows.push(plain("clv", "mean", number(mean)));
    rows
}

/// Mean repeat purchases in the holdout, actual and predicted, per calibration frequency (0 to
/// 5, then 6 and more), for the customers with a purchase in the calibration period.
fn holdout(
    customers: &[(u32, Rfm)],
    purchases: &BgNbd,
    all: &RfmAccumulator,
    calibration: &RfmAccumulator,
    duration: f64,
) -> Vec<Vec<Cell>> {
    const LAST: u32 = 6;
    // Per bucket: customers, actual purchases, predicted purchases.
    let mut buckets = [(0u64, 0u64, 0.0f64); LAST as usize + 1];
    for (c, rfm) in customers {
        let actual = all.purchase_days(*c) - calibration.purchase_days(*c);
        let predicted = purchases
            .expected_purchases(duration, rfm)
            .unwrap_or(f64::NAN);
        let b = &mut buckets[rfm.frequency.min(LAST) as usize];
        b.0 += 1;
        b.1 += actual as u64;
        b.2 += predicted;
    }
    (buckets.iter().enumerate())
        .filter(|(_, b)| b.0 > 0)
        .map(|(i, &(n, actual, predicted))| {
            let label = match i as u32 {
                LAST => format!("{LAST}+"),
                i => i.to_string(),
            };
            let actual = actual as f64 / n as f64;
            let predicted = predicted / n as f64;
            vec![
                Cell::Text(label),
                Cell::Number(n.to_string()),
                number(Some(actual)),
                number(Some(predicted)),
                number(Some(predicted - actual)),
            ]
        })
        .collect()
}
