//! `xsell cohort`: customers by the period of their first order, and for each later period the
//! share of the cohort that ordered (or its net revenue per customer).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{CohortArgs, CohortMetricArg};
use crate::engine::{self, Judging};
use crate::input::OrderColumns;
use crate::metrics::cohort::{Activity, Cohort, Count, Measure, cohorts};
use chrono::NaiveDate;

use crate::metrics::slice::{PeriodKind, Slicing};
use crate::metrics::{Unit, Window};
use crate::output::html::{HeatRow, Page};
use crate::output::{self, Cell, Format, Summary};

pub const COLUMNS: [&str; 6] = ["cohort", "k", "period", "value", "numerator", "denominator"];

/// The most periods a matrix may span: its cells grow with the square.
const MAX_PERIODS: i32 = 1000;

pub fn run(args: &CohortArgs) -> Result<ExitCode> {
    let config = args
        .options()
        .config(Slicing::default(), Judging::default())?;
    let kind = PeriodKind::from(args.period);
    let measure = match args.metric {
        CohortMetricArg::Customers => Measure::Customers,
        CohortMetricArg::Revenue => Measure::Revenue,
    };
    let window = config.settings.window;
    let mut activity = Activity::new(measure);
    let (book, mut summary) = engine::read_orders(
        &config,
        |_, _| Ok(OrderColumns::default()),
        |line| {
            if window.contains(line.date) {
                let period = kind.key(line.date);
                activity.add(line.customer, period, line.is_purchase(), line.amount);
            }
        },
    )?;
    activity.settle();
    let measured = measured_periods(kind, window, book.span, &mut summary.notes);
    super::tell(&summary);
    let first: Vec<(u32, i32)> = (0u32..)
        .zip(&book.customer_facts)
        .filter_map(|(c, facts)| Some((c, kind.key(facts.first_order?))))
        .collect();
    let list = match measured {
        Some((from, to)) => {
            // The oldest cohort listed: the window's first, or an earlier one still active.
            let oldest = first
                .iter()
                .filter(|&&(c, cohort)| cohort < from && activity.is_active(c))
                .map(|f| f.1)
                .min()
                .unwrap_or(from);
            if to - oldest >= MAX_PERIODS {
                bail!(
                    "the cohorts span {} periods of --period from {} to {}, more than {MAX_PERIODS}; \
                     use a longer --period or a later --from, or check the dates for a typo",
                    to - oldest + 1,
                    kind.label(oldest),
                    kind.label(to)
                );
            }
            cohorts(&first, &activity, measure, (from, to))
        }
        None => Vec::new(),
    };
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Table | Format::Markdown => {
            table(out, &list, kind, measure, &summary, config.format)
        }
        Format::Html => page(out, &list, kind, measure, &summary),
        format => {
            let records: Vec<Vec<Cell>> = list.iter().flat_map(|c| tidy(c, kind)).collect();
            output::write_records(out, format, &COLUMNS, &records)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The matrix for people: the columns, a row per cohort (its label, size and the value k
/// periods after its first order) and the note on how it reads.
struct Matrix {
    columns: Vec<String>,
    rows: Vec<(String, String, Vec<Option<f64>>)>,
    note: String,
}

fn matrix(list: &[Cohort], kind: PeriodKind, measure: Measure) -> Matrix {
    let unit = match kind {
        PeriodKind::Week => "week",
        PeriodKind::Month => "month",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Year => "year",
    };
    let width = list.iter().map(|c| c.cells.len()).max().unwrap_or(1);
    let mut columns = vec!["cohort".to_string(), "size".to_string()];
    columns.extend((0..width).map(|k| format!("+{k}")));
    let rows = (list.iter())
        .map(|c| {
            let cells = (0..width)
                .map(|k| {
                    c.cells
                        .get(k)
                        .copied()
                        .flatten()
                        .and_then(|n| value(n, c.size))
                })
                .collect();
            (kind.label(c.period), c.size.to_string(), cells)
        })
        .collect();
    let what = match measure {
        Measure::Customers => "share of the cohort's customers with an order",
        Measure::Revenue => "net revenue per cohort customer",
    };
    Matrix {
        columns,
        rows,
        note: format!(
            "cohort: {unit} of the first order; +k: {what} k {unit}s later; blank: before \
             the window or after the data"
        ),
    }
}

/// The matrix as a table (or Markdown), the note and what was read under it.
fn table(
    out: &mut dyn Write,
    list: &[Cohort],
    kind: PeriodKind,
    measure: Measure,
    summary: &Summary,
    format: Format,
) -> io::Result<()> {
    let m = matrix(list, kind, measure);
    let rows: Vec<Vec<String>> = (m.rows.into_iter())
        .map(|(label, size, cells)| {
            let cells = cells.into_iter().map(|v| match v {
                Some(v) => output::human_value(Some(v), unit_of(measure)),
                None => String::new(),
            });
            [label, size].into_iter().chain(cells).collect()
        })
        .collect();
    let mut footer = vec![m.note];
    footer.extend(summary.footer());
    output::write_grid(out, &m.columns, &rows, 1, &footer, format)
}

/// The matrix as a heatmap page: each cell coloured by its share of the largest value after
/// the first period (whose shares are all 100%), its number written in it.
fn page(
    out: &mut dyn Write,
    list: &[Cohort],
    kind: PeriodKind,
    measure: Measure,
    summary: &Summary,
) -> io::Result<()> {
    let m = matrix(list, kind, measure);
    let later = (m.rows.iter()).flat_map(|(_, _, cells)| cells.iter().skip(1).flatten());
    let top = later.copied().fold(0.0_f64, f64::max);
    let rows: Vec<HeatRow> = (m.rows.into_iter())
        .map(|(label, size, cells)| HeatRow {
            label,
            size,
            cells: (cells.into_iter())
                .map(|v| {
                    let v = v?;
                    let share = if top > 0.0 { v / top } else { 0.0 };
                    Some((share, output::human_value(Some(v), unit_of(measure))))
                })
                .collect(),
        })
        .collect();
    let page = Page::new(Some(summary), Vec::new());
    output::html::heatmap_page(out, &page, &m.columns, &rows, &m.note)
}

/// The first and last period measured: the whole periods of the window, up to the period where
/// the data ends (which may be partial: the data stops there). A period that `--from` or `--to`
/// cuts, with data on its other side, is left out, with a note: its cells would count part of
/// it only.
fn measured_periods(
    kind: PeriodKind,
    window: Window,
    span: Option<(NaiveDate, NaiveDate)>,
    notes: &mut Vec<String>,
) -> Option<(i32, i32)> {
    let (data_first, data_last) = span?;
    let (first, last) = window.bounds(span)?;
    let (first, last) = (first.max(data_first), last.min(data_last));
    let (mut from, mut to) = (kind.key(first), kind.key(last));
    let cut = |key: i32| kind.label(key);
    if let Some(f) = window.from
        && f > data_first
        && kind.bounds(from).is_some_and(|(start, _)| start < f)
    {
        let p = cut(from);
        notes.push(format!(
            "note: --from {f} falls inside {p}: cohorts measure whole periods, so {p} is left out"
        ));
        from += 1;
    }
    if let Some(t) = window.to
        && t < data_last
        && kind.bounds(to).is_some_and(|(_, end)| t < end)
    {
        let p = cut(to);
        notes.push(format!(
            "note: --to {t} falls inside {p}: cohorts measure whole periods, so {p} is left out"
        ));
        to -= 1;
    }
    (from <= to).then_some((from, to))
}

/// A cell's value: a share of the cohort, or an amount per cohort customer.
fn value(count: Count, size: u64) -> Option<f64> {
    match count {
        Count::Customers(n) => (size > 0).then(|| n as f64 / size as f64),
        Count::Revenue(m) => m.per(size),
    }
}

/// How a cell reads: a share, or money per customer.
fn unit_of(measure: Measure) -> Unit {
    match measure {
        Measure::Customers => Unit::Rate,
        Measure::Revenue => Unit::Money,
    }
}

/// The cells of one cohort as tidy records: cohort, k, period, value, numerator, denominator.
fn tidy(c: &Cohort, kind: PeriodKind) -> Vec<Vec<Cell>> {
    (0i32..)
        .zip(&c.cells)
        .map(|(k, cell)| {
            let (value, numerator) = match cell {
                None => (Cell::Null, Cell::Null),
                Some(count) => (
                    output::number(value(*count, c.size)),
                    Cell::Number(match count {
                        Count::Customers(n) => n.to_string(),
                        Count::Revenue(m) => m.to_string(),
                    }),
                ),
            };
            vec![
                Cell::Text(kind.label(c.period)),
                Cell::Number(k.to_string()),
                Cell::Text(kind.label(c.period + k)),
                value,
                numerator,
                Cell::Number(c.size.to_string()),
            ]
        })
        .collect()
}
