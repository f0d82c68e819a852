//! `clv` under `--clv-model bgnbd`: the mean customer lifetime value the BG/NBD and
//! Gamma-Gamma models predict ([`crate::clv`]), as `xsell clv`'s `clv mean` row.
//!
//! ```text
//! clv = Σ predicted CLV / customers
//! ```
//!
//! over the customers with a purchase (amount > 0) on or before the window's end (`--to`, else
//! the data's last date), which is the observation end: a customer's history starts at their
//! first purchase, so the window has no start (`--from` is refused). The prediction: 12 months,
//! 1% discount a month, weeks as the time unit, times the margin (1: revenue). Both models are
//! fitted once, on every customer; under `--by` each group's row is the mean of its customers'
//! predictions ([`grouped`]). When the data cannot identify a model, the row is n/a and a note
//! says why.

use chrono::NaiveDate;

use super::row::{ALL, Row, Unit};
use super::slice::{Route, ScopeId};
use super::{Context, Label, Window};
use crate::clv::predict::{Aggregate, Models, aggregate};
use crate::clv::rfm::RfmAccumulator;
use crate::clv::{ClvOptions, TimeUnit};
use crate::input::Line;
use crate::money::Money;

/// The time unit of the models' recency and age: a week, as `xsell clv` by default.
pub const UNIT: TimeUnit = TimeUnit::Week;

/// Every customer's purchase days up to the window's end, and their first purchase line.
#[derive(Debug)]
pub struct PredictedClv {
    acquisition: RfmAccumulator,
    margin: f64,
}

impl PredictedClv {
    pub fn new(window: Window, margin: f64) -> PredictedClv {
        PredictedClv {
            acquisition: RfmAccumulator::new(window.to.unwrap_or(NaiveDate::MAX)),
            margin,
        }
    }

    /// Adds a line routed to `routes`: none after the window's end. The tag of a customer's
    /// first purchase line is the scope of its line dimensions' values (of every line without
    /// them).
    pub fn add(&mut self, line: &Line, routes: &[Route]) {
        let Some(all) = routes.first() else {
            return;
        };
        let tag = routes.get(1).unwrap_or(all).scope.0;
        (self.acquisition).add_tagged(line.customer, line.date, line.amount, tag);
    }

    pub fn merge(&mut self, other: PredictedClv) {
        self.acquisition.merge(other.acquisition);
    }

    /// Ends the observation at `end` (the data's last date when `--to` is not given).
    pub fn settle(&mut self, end: Option<NaiveDate>) {
        self.acquisition.settle();
        if let Some(end) = end {
            self.acquisition.end_at(end);
        }
    }

    /// The `clv` rows (everyone's, then each group's), and the notes on the fits.
    pub fn rows(&self, ctx: &Context, threads: usize) -> (Vec<Row>, Vec<String>) {
        let customers: Vec<_> = self.acquisition.summaries(UNIT).collect();
        let models = match Models::fit(&customers, threads) {
            Ok(models) => models,
            Err(e) => {
                let note = format!("note: clv (--clv-model bgnbd) is n/a: {e}");
                return (vec![Row::unknown("clv", ALL, Unit::Money)], vec![note]);
            }
        };
        let notes = (models.unconverged().iter())
            .map(|m| {
                format!(
                    "warning: clv (--clv-model bgnbd): the {m} fit did not converge; the \
                     predicted CLV is not a maximum of the likelihood"
                )
            })
            .collect();
        let options = ClvOptions {
            margin: self.margin,
            ..ClvOptions::new(UNIT)
        };
        let clvs = models.clvs(&customers, &options, threads);
        let each = customers.iter().map(|c| c.0).zip(clvs);
        let (all, groups) = grouped(ctx, &self.acquisition, each);
        let row = |a: &Aggregate, label: &Label| {
            let total = Money::from_f64(a.total);
            Row::estimate_per("clv", a.mean(), total, a.customers).labelled(label)
        };
        let mut rows = vec![row(&all, &Label::all(None))];
        rows.extend(groups.iter().map(|(label, a)| row(a, label)));
        (rows, notes)
    }
}

/// Everyone's predicted CLV and each `--by` group's, groups sorted by label (as compute sorts
/// them; none without `--by`). A customer's group: the customer dimensions' values (segment,
/// loyalty) as compute gives them, and the line dimensions' values on their first purchase
/// line (the tag `acquisition` holds).
pub fn grouped(
    ctx: &Context,
    acquisition: &RfmAccumulator,
    clvs: impl IntoIterator<Item = (u32, Option<f64>)>,
) -> (Aggregate, Vec<(Label, Aggregate)>) {
    let (all, groups) = aggregate(clvs, |c| (acquisition.tag(c), ctx.groups.of(c)));
    if ctx.settings.slicing.dims.is_empty() {
        return (all, Vec::new());
    }
    let mut labelled: Vec<(Label, Aggregate)> = (groups.into_iter())
        .map(|((tag, group), a)| (ctx.label(ScopeId(tag), group), a))
        .collect();
    labelled.sort_by(|a, b| a.0.group.cmp(&b.0.group));
    (all, labelled)
}
