//! The cells of `xsell clv`'s outputs ([`super::clv`]): the fit table, the `clv` rows, a
//! customer's summary and the holdout table.

use crate::clv::bgnbd::{BgNbd, BgNbdFit};
use crate::clv::gamma_gamma::GammaGammaFit;
use crate::clv::mle::Estimate;
use crate::clv::predict::Aggregate;
use crate::clv::rfm::{Rfm, RfmAccumulator};
use crate::metrics::Label;
use crate::output::{Cell, number};

/// A fit table row with compute's `group` (after `model`) and `by` (before `ci_low`).
pub(super) fn labelled(mut row: Vec<Cell>, label: &Label) -> Vec<Cell> {
    row.insert(1, Cell::Text(label.group.clone()));
    row.insert(5, Cell::text(&label.by));
    row
}

/// A customer's summary cells: customer_id, frequency, recency, T, monetary_value.
pub(super) fn summary_cells(name: String, rfm: &Rfm) -> Vec<Cell> {
    vec![
        Cell::Text(name),
        Cell::Number(rfm.frequency.to_string()),
        number(Some(rfm.recency)),
        number(Some(rfm.age)),
        number(Some(rfm.monetary_value)),
    ]
}

/// The parameter table, each fit's log-likelihood, iterations and convergence.
pub(super) fn fit_rows(purchases: &BgNbdFit, value: &GammaGammaFit) -> Vec<Vec<Cell>> {
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
    rows
}

/// The predicted CLV's customers, total and mean (model `clv`).
pub(super) fn clv_rows(a: &Aggregate) -> Vec<Vec<Cell>> {
    let row = |parameter: &str, value: Cell| {
        let mut row = vec![Cell::text("clv"), Cell::text(parameter), value];
        row.extend([Cell::Null, Cell::Null, Cell::Null]);
        row
    };
    vec![
        row("customers", Cell::Number(a.customers.to_string())),
        row("total", number(Some(a.total))),
        row("mean", number(a.mean())),
    ]
}

/// Mean repeat purchases in the holdout, actual and predicted, per calibration frequency (0 to
/// 5, then 6 and more), for the customers with a purchase in the calibration period.
pub(super) fn holdout(
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
