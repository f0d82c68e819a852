//! The pages of `xsell clv`, made from the rows its CSV writes, each value shown as the table
//! rounds it ([`Cell::for_people`]): the fit (the CLV headline, a card per model), predicted
//! against actual repeat purchases in a holdout (the chart of lifetimes'
//! `plot_calibration_purchases_vs_holdout_purchases`), and the customers' predictions (CLV as
//! a bar), at most [`MAX_CUSTOMERS`] of them with a note of how many are left out.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};
use maud::{Markup, html};

use super::charts::{Point, Scale, bars, f, step, tick};
use super::{Page, bar};
use crate::metrics::Unit;
use crate::output::{Cell, shortest};

/// The most customers a page lists (a page of a million rows opens nowhere): beyond, the page
/// shows those of the largest CLV, as `--top` would, and says how many it leaves out.
pub const MAX_CUSTOMERS: usize = 1000;

/// The fit table's rows that are not a parameter: each model's fit statistics.
const FIT_STATISTICS: [&str; 4] = ["log_likelihood", "customers", "iterations", "converged"];

/// What the predictions were made under, as `xsell clv` was given it.
pub struct Assumptions {
    /// `--horizon`: the CLV's months.
    pub months: u32,
    /// `--discount-rate`, per month.
    pub discount_rate: f64,
    /// `--margin`: the share of a purchase kept as profit.
    pub margin: f64,
    /// `--time-unit`: `day`, `week` or `month`.
    pub unit: &'static str,
    /// `--purchases-horizon`, in time units.
    pub purchases_horizon: f64,
}

/// Which output of `xsell clv` the rows are.
pub enum ClvOutput {
    /// `model, parameter, estimate, std_error, ci_low, ci_high`.
    Fit,
    /// `frequency, customers, actual, predicted, error`: the fit on the purchases before
    /// `from`, the holdout from `from` to `to`.
    Holdout { from: NaiveDate, to: NaiveDate },
    /// The summary and predictions of each customer (`--top`: the most valuable).
    Customers { top: Option<usize> },
}

/// The page of `xsell clv`'s `output`, whose rows are `rows` under `columns`.
pub fn clv_page(
    out: &mut dyn Write,
    page: &Page,
    output: &ClvOutput,
    assumptions: &Assumptions,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> io::Result<()> {
    let records = Records { columns, rows };
    let body = match output {
        ClvOutput::Fit => fit(&records, assumptions),
        ClvOutput::Holdout { from, to } => holdout(&records, *from, *to),
        ClvOutput::Customers { top } => customers(&records, *top, assumptions),
    };
    page.write(out, body)
}

/// Rows of named cells.
struct Records<'a> {
    columns: &'a [&'a str],
    rows: &'a [Vec<Cell>],
}

impl Records<'_> {
    /// The cell of `column` in `row`; n/a when there is no such column.
    fn cell<'r>(&self, row: &'r [Cell], column: &str) -> &'r Cell {
        let at = self.columns.iter().position(|c| *c == column);
        at.and_then(|i| row.get(i)).unwrap_or(&Cell::Null)
    }

    /// The text of `column` in `row`, as the table shows it.
    fn shown(&self, row: &[Cell], column: &str) -> String {
        self.cell(row, column).for_people()
    }
}

/// A cell's number, if it holds one.
fn value(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Float { value, .. } => Some(*value),
        Cell::Number(text) => text.parse().ok(),
        Cell::Text(_) | Cell::Null => None,
    }
}

/// `0.01`: a number given on the command line, as it was given.
fn given(v: f64) -> String {
    shortest(v).unwrap_or_else(|| v.to_string())
}

/// The fit: the predicted CLV's headline, a card per model (parameters with their 95%
/// intervals, log-likelihood, customers, iterations, and a warning when it did not converge),
/// then every row as the table prints it.
fn fit(records: &Records, a: &Assumptions) -> Markup {
    let mut models: Vec<&str> = Vec::new();
    for row in records.rows {
        if let Cell::Text(m) = records.cell(row, "model")
            && m != "clv"
            && !models.contains(&m.as_str())
        {
            models.push(m);
        }
    }
    let rows_of = |model: &str| -> Vec<&Vec<Cell>> {
        (records.rows.iter())
            .filter(|r| matches!(records.cell(r, "model"), Cell::Text(m) if m == model))
            .collect()
    };
    let statistic = |model: &str, name: &str| {
        (rows_of(model).into_iter())
            .find(|r| records.shown(r, "parameter") == name)
            .map_or_else(|| "n/a".to_string(), |r| records.shown(r, "estimate"))
    };
    let unconverged: Vec<&str> = (models.iter().copied())
        .filter(|m| statistic(m, "converged") == "no")
        .collect();
    html! {
        section {
            h2 { "Headline" }
            @for model in &unconverged {
                p.warning {
                    strong { "The " (model) " fit did not converge" }
                    " (" (statistic(model, "iterations")) " iterations): its estimates, and the CLV predicted from them, are not a maximum of the likelihood."
                }
            }
            div.cards.wide {
                article.card {
                    h3 { "clv" }
                    p.muted { "Mean predicted CLV per customer over " (a.months) " months" }
                    p.value { (statistic("clv", "mean")) }
                    p { "Total " strong { (statistic("clv", "total")) } " over " (statistic("clv", "customers")) " customers" }
                    p.muted {
                        "Horizon " (a.months) " months, discount rate " (given(a.discount_rate))
                        " a month, margin " (given(a.margin)) " (the share of a purchase kept as profit); time unit "
                        (a.unit) "; amounts in the data's currency."
                    }
                }
            }
        }
        @if let Some(groups) = groups(records) {
            section {
                h2 { "By group" }
                p.note { "Mean predicted CLV per customer of each group of " (records.shown(groups.1, "by")) ", under the models fitted to every customer." }
                div.charts {
                    figure {
                        figcaption { "mean predicted CLV by " (records.shown(groups.1, "by")) " (amount, in the data's currency)" }
                        (bars("mean predicted CLV", &groups.0, Unit::Money))
                    }
                }
            }
        }
        section {
            h2 { "Models" }
            p.note { "Each parameter's estimate with its 95% interval (Wald, estimate ± 1.96 standard errors; n/a where the standard error is not known)." }
            div.cards.wide {
                @for model in &models {
                    (model_card(model, &rows_of(model), records, unconverged.contains(model)))
                }
            }
        }
        section {
            h2 { "All rows" }
            (table(records, records.rows.iter(), None))
        }
    }
}

/// Under `--by`: each group's mean predicted CLV (the `clv` rows of a group other than `all`),
/// and one of those rows (for its `by`); `None` without groups.
fn groups<'r>(records: &Records<'r>) -> Option<(Vec<Point>, &'r Vec<Cell>)> {
    let rows: Vec<&Vec<Cell>> = (records.rows.iter())
        .filter(|r| {
            records.shown(r, "model") == "clv"
                && records.shown(r, "parameter") == "mean"
                && !matches!(records.cell(r, "group"), Cell::Null)
                && records.shown(r, "group") != "all"
        })
        .collect();
    let points = (rows.iter())
        .map(|r| Point {
            label: records.shown(r, "group"),
            value: value(records.cell(r, "estimate")),
            ci: None,
        })
        .collect();
    Some((points, *rows.first()?))
}

/// A model's card: what it predicts, its parameters, and its fit statistics.
fn model_card(model: &str, rows: &[&Vec<Cell>], records: &Records, unconverged: bool) -> Markup {
    let (parameters, statistics): (Vec<&Vec<Cell>>, Vec<&Vec<Cell>>) = (rows.iter().copied())
        .partition(|r| !FIT_STATISTICS.contains(&records.shown(r, "parameter").as_str()));
    let what = match model {
        "bgnbd" => "BG/NBD: how many purchases, and whether a customer is still alive",
        "gamma-gamma" => "Gamma-Gamma: the value of a purchase",
        _ => "",
    };
    html! {
        article.card {
            h3 { (model) }
            p.muted { (what) }
            @if unconverged {
                p.warning { strong { "Not converged" } ": these estimates are not a maximum of the likelihood." }
            }
            div.scroll {
                table {
                    thead { tr { th { "parameter" } th.num { "estimate" } th.num { "95% interval" } } }
                    tbody { @for r in &parameters { tr {
                        td.text { (records.shown(r, "parameter")) }
                        td.num { (records.shown(r, "estimate")) }
                        td.num {
                            @match (records.cell(r, "ci_low"), records.cell(r, "ci_high")) {
                                (Cell::Null, _) | (_, Cell::Null) => { "n/a" }
                                (low, high) => { (low.for_people()) "–" (high.for_people()) }
                            }
                        }
                    } } }
                }
            }
            @for r in &statistics {
                p.muted { (records.shown(r, "parameter").replace('_', "-")) " " (records.shown(r, "estimate")) }
            }
        }
    }
}

/// Predicted against actual: the chart, what was fitted on what, then the table.
fn holdout(records: &Records, from: NaiveDate, to: NaiveDate) -> Markup {
    let calibration_end = from.checked_sub_days(Days::new(1)).unwrap_or(from);
    let days = (to - from).num_days() + 1;
    let points: Vec<Bucket> = (records.rows.iter())
        .map(|r| Bucket {
            label: records.shown(r, "frequency"),
            customers: records.shown(r, "customers"),
            actual: value(records.cell(r, "actual")),
            predicted: value(records.cell(r, "predicted")),
            actual_text: records.shown(r, "actual"),
            predicted_text: records.shown(r, "predicted"),
        })
        .collect();
    html! {
        section {
            h2 { "Predicted against actual repeat purchases" }
            p.note {
                "BG/NBD fitted on the purchases up to " (calibration_end) "; the holdout runs from "
                (from) " to " (to) " (" (days) " days). Customers with a purchase up to "
                (calibration_end) ", by their repeat purchases then (frequency; 6 and more together): the mean of their repeat purchases in the holdout, actual and predicted."
            }
            @if points.is_empty() {
                p.note { "No customer to show." }
            } @else {
                div.charts {
                    figure {
                        figcaption { "Mean repeat purchases in the holdout, by frequency in the calibration period" }
                        (calibration_chart(&points))
                    }
                }
            }
        }
        section {
            h2 { "All rows" }
            (table(records, records.rows.iter(), None))
        }
    }
}

/// One calibration frequency of the holdout chart.
struct Bucket {
    label: String,
    customers: String,
    actual: Option<f64>,
    predicted: Option<f64>,
    actual_text: String,
    predicted_text: String,
}

/// Actual and predicted per bucket as two lines on a zero-based scale, as lifetimes draws
/// them: actual a solid line with round markers, predicted a dashed one with square markers
/// (told apart without colour too), a legend above.
fn calibration_chart(buckets: &[Bucket]) -> Markup {
    let (w, h) = (520.0, 270.0);
    let (left, right, top, bottom) = (58.0, 16.0, 40.0, 44.0);
    let values = buckets.iter().flat_map(|b| [b.actual, b.predicted]);
    let y = Scale::over(values.flatten(), h - bottom, top);
    let slot = (w - left - right) / buckets.len().max(1) as f64;
    let x = |i: usize| left + (i as f64 + 0.5) * slot;
    // A line through the values, broken where one is n/a.
    let line = |of: fn(&Bucket) -> Option<f64>| {
        let mut d = String::new();
        let mut drawing = false;
        for (i, b) in buckets.iter().enumerate() {
            match of(b) {
                Some(v) => {
                    d += &format!(
                        "{}{},{}",
                        if drawing { " L" } else { "M" },
                        f(x(i)),
                        f(y.at(v))
                    );
                    drawing = true;
                }
                None => drawing = false,
            }
        }
        d
    };
    let title = format!(
        "Mean repeat purchases in the holdout by calibration frequency, actual against \
         predicted: {}",
        (buckets.iter())
            .map(|b| format!(
                "{}: actual {}, predicted {} ({} customers)",
                b.label, b.actual_text, b.predicted_text, b.customers
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let step = step(y.hi - y.lo);
    html! {
        svg.chart viewBox={"0 0 " (w) " " (h)} role="img" aria-label="Actual against predicted repeat purchases in the holdout" {
            title { (title) }
            @for t in y.ticks() {
                line.grid x1=(left) x2=(w - right) y1=(f(y.at(t))) y2=(f(y.at(t))) {}
                text.tick x=(left - 6.0) y=(f(y.at(t) + 4.0)) text-anchor="end" { (tick(t, Unit::Number, step)) }
            }
            line.axis x1=(left) x2=(w - right) y1=(f(y.at(0.0))) y2=(f(y.at(0.0))) {}
            path.actual d=(line(|b| b.actual)) {}
            path.predicted d=(line(|b| b.predicted)) {}
            @for (i, b) in buckets.iter().enumerate() {
                @if let Some(v) = b.actual {
                    circle.actual cx=(f(x(i))) cy=(f(y.at(v))) r="4" {
                        title { (b.label) ": actual " (b.actual_text) }
                    }
                }
                @if let Some(v) = b.predicted {
                    rect.predicted x=(f(x(i) - 4.0)) y=(f(y.at(v) - 4.0)) width="8" height="8" {
                        title { (b.label) ": predicted " (b.predicted_text) }
                    }
                }
                text.tick x=(f(x(i))) y=(h - bottom + 16.0) text-anchor="middle" { (b.label) }
            }
            text.tick x=(f((left + w - right) / 2.0)) y=(h - 6.0) text-anchor="middle" { "repeat purchases in the calibration period" }
            g {
                line.actual x1=(left) x2=(left + 24.0) y1="14" y2="14" {}
                circle.actual cx=(left + 12.0) cy="14" r="4" {}
                text x=(left + 30.0) y="18" { "actual" }
                line.predicted x1=(left + 100.0) x2=(left + 124.0) y1="14" y2="14" {}
                rect.predicted x=(left + 108.0) y="10" width="8" height="8" {}
                text x=(left + 130.0) y="18" { "predicted (BG/NBD)" }
            }
        }
    }
}

/// The customers' table, CLV as a bar from 0; beyond [`MAX_CUSTOMERS`], those of the largest
/// CLV and how many more there are.
fn customers(records: &Records, top: Option<usize>, a: &Assumptions) -> Markup {
    let clv = |r: &Vec<Cell>| value(records.cell(r, "clv")).unwrap_or(f64::NEG_INFINITY);
    let mut shown: Vec<&Vec<Cell>> = records.rows.iter().collect();
    let left_out = shown.len().saturating_sub(MAX_CUSTOMERS);
    if left_out > 0 {
        // The most valuable first, n/a last, ties in the rows' order (as --top orders them).
        shown.sort_by(|x, y| clv(y).total_cmp(&clv(x)));
        shown.truncate(MAX_CUSTOMERS);
    }
    let clv_at = records.columns.iter().position(|c| *c == "clv");
    let values = shown.iter().map(|r| clv(r)).filter(|v| v.is_finite());
    let range = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    html! {
        section {
            h2 {
                @match top {
                    Some(n) => { "The " (n) " most valuable customers" }
                    None => { "Customers" }
                }
            }
            p.note {
                "P(alive) at the observation end; expected purchases over the next " (given(a.purchases_horizon)) " "
                (a.unit) "s; CLV over " (a.months) " months (discount rate " (given(a.discount_rate))
                " a month, margin " (given(a.margin)) ") drawn as a bar from 0. Recency and T in "
                (a.unit) "s; amounts in the data's currency."
            }
            @if left_out > 0 {
                p.warning {
                    strong { "The page lists " (MAX_CUSTOMERS) " of the " (records.rows.len()) " customers" }
                    ": those with the largest CLV, as --top " (MAX_CUSTOMERS) " would; " (left_out)
                    " more are left out here. All of them: the same command with --format csv -o clv.csv (or --format json)."
                }
            }
            (table(records, shown.into_iter(), clv_at.map(|at| (at, range))))
        }
    }
}

/// `rows` under the records' columns as the table prints them, numbers to the right; a bar
/// in the column `bar.0` on the scale `bar.1`.
fn table<'a>(
    records: &Records,
    rows: impl Iterator<Item = &'a Vec<Cell>>,
    bar_in: Option<(usize, (f64, f64))>,
) -> Markup {
    let rows: Vec<&Vec<Cell>> = rows.collect();
    // A column with numbers is aligned to the right.
    let right: Vec<bool> = (0..records.columns.len())
        .map(|i| {
            (rows.iter().filter_map(|r| r.get(i)))
                .any(|c| matches!(c, Cell::Number(_) | Cell::Float { .. }))
        })
        .collect();
    html! {
        div.scroll {
            table.records {
                thead { tr { @for (i, c) in records.columns.iter().enumerate() {
                    th class=[right[i].then_some("num")] { (c) }
                } } }
                tbody { @for row in &rows { tr { @for (i, cell) in row.iter().enumerate() {
                    @if right.get(i) == Some(&true) {
                        td {
                            (cell.for_people())
                            @if let (Some((at, range)), Some(v)) = (bar_in, value(cell)) {
                                @if at == i { (bar(v, range)) }
                            }
                        }
                    } @else {
                        td.text { (cell.for_people()) }
                    }
                } } } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(label: &str, actual: Option<f64>, predicted: Option<f64>) -> Bucket {
        let text = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.6}"));
        Bucket {
            label: label.into(),
            customers: "3".into(),
            actual,
            predicted,
            actual_text: text(actual),
            predicted_text: text(predicted),
        }
    }

    #[test]
    fn a_prediction_without_a_value_breaks_its_line_and_has_no_marker() {
        let chart = calibration_chart(&[
            bucket("0", Some(0.5), Some(0.25)),
            bucket("1", Some(1.0), None),
            bucket("2", Some(2.0), Some(1.5)),
        ])
        .into_string();
        // Actual: one line through three points; predicted: two runs of one point each.
        let path = |class: &str| {
            let from = chart
                .find(&format!("<path class=\"{class}\" d=\""))
                .unwrap();
            let d = &chart[from..];
            d[d.find("d=\"").unwrap() + 3..]
                .split('"')
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(path("actual").matches('M').count(), 1);
        assert_eq!(path("actual").matches('L').count(), 2);
        assert_eq!(path("predicted").matches('M').count(), 2);
        assert_eq!(path("predicted").matches('L').count(), 0);
        // Three round markers and two squares, each titled, and one of each in the legend.
        assert_eq!(chart.matches("<circle class=\"actual\"").count(), 4);
        assert_eq!(chart.matches("<rect class=\"predicted\"").count(), 3);
        assert!(chart.contains("1: actual 1.000000, predicted n/a (3 customers)"));
        // The scale holds 0 and the largest value: 0 to 2.
        assert!(
            chart.contains(">0.00</text>") && chart.contains(">2.00</text>"),
            "{chart}"
        );
    }
}
