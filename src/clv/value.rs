//! Discounted customer lifetime value from the two models, as lifetimes'
//! `GammaGammaFitter.customer_lifetime_value` (`utils._customer_lifetime_value`) computes it.
//!
//! The horizon is cut into months; month i (1 ≤ i ≤ H) runs from (i−1)·u to i·u time units, where
//! u is the unit's length of a month as lifetimes counts it ([`TimeUnit::per_clv_month`]: 30
//! days, 4.345 weeks, 1 month). Its expected purchases, from the BG/NBD model, are valued at the
//! Gamma-Gamma expected value of a purchase, times the margin, and discounted by month:
//!
//! ```text
//! CLV = Σ_{i=1..H}  margin · E[Z | x, m] · (E[Y(i·u)] − E[Y((i−1)·u)]) / (1 + d)^i
//! ```
//!
//! with d the monthly discount rate (lifetimes' default 0.01) and E[Y(0)] = 0. lifetimes has no
//! margin; margin 1 gives its value (a gross-revenue CLV).

use super::bgnbd::BgNbd;
use super::gamma_gamma::GammaGamma;
use super::rfm::{Rfm, TimeUnit};

/// lifetimes' default monthly discount rate.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.01;
/// lifetimes' default horizon, in months.
pub const DEFAULT_MONTHS: u32 = 12;

/// The CLV horizon and money terms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClvOptions {
    /// Horizon in months (lifetimes' `time`).
    pub months: u32,
    /// Discount rate per month (lifetimes' `discount_rate`).
    pub discount_rate: f64,
    /// Share of a purchase's value kept as profit; 1 for revenue.
    pub margin: f64,
    /// The time unit of the customers' recency and age (lifetimes' `freq`).
    pub unit: TimeUnit,
}

impl ClvOptions {
    /// lifetimes' defaults (12 months, 1% a month) with margin 1, for data in `unit`.
    pub fn new(unit: TimeUnit) -> ClvOptions {
        ClvOptions {
            months: DEFAULT_MONTHS,
            discount_rate: DEFAULT_DISCOUNT_RATE,
            margin: 1.0,
            unit,
        }
    }
}

/// The customer's discounted lifetime value over the horizon (the module doc's formula); None
/// when the Gamma-Gamma expected value or a BG/NBD expectation has no value (see
/// [`GammaGamma::expected_average_value`] and [`BgNbd::expected_purchases`]).
pub fn customer_lifetime_value(
    purchases: &BgNbd,
    value: &GammaGamma,
    c: &Rfm,
    options: &ClvOptions,
) -> Option<f64> {
    let per_purchase = options.margin * value.expected_average_value(c)?;
    let month = options.unit.per_clv_month();
    let mut total = 0.0;
    let mut before = 0.0;
    let mut discount = 1.0;
    for i in 1..=options.months {
        let cumulative = purchases.expected_purchases(f64::from(i) * month, c)?;
        discount *= 1.0 + options.discount_rate;
        total += per_purchase * (cumulative - before) / discount;
        before = cumulative;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BG: BgNbd = BgNbd {
        r: 0.2426,
        alpha: 4.4135,
        a: 0.7929,
        b: 2.4258,
    };
    const GG: GammaGamma = GammaGamma {
        p: 6.25,
        q: 3.74,
        v: 15.44,
    };

    #[test]
    fn no_discount_telescopes_to_the_horizon_expectation() {
        // With d = 0 the monthly differences add up to E[Y(H·u)].
        let c = Rfm::new(2, 30.43, 38.86, 22.35);
        let options = ClvOptions {
            discount_rate: 0.0,
            margin: 0.25,
            ..ClvOptions::new(TimeUnit::Week)
        };
        let clv = customer_lifetime_value(&BG, &GG, &c, &options).unwrap();
        let expected = 0.25
            * GG.expected_average_value(&c).unwrap()
            * BG.expected_purchases(12.0 * 4.345, &c).unwrap();
        assert!(
            (clv - expected).abs() <= 1e-12 * expected,
            "{clv} vs {expected}"
        );
    }

    #[test]
    fn one_month_is_one_discounted_step() {
        let c = Rfm::new(0, 0.0, 20.0, 0.0);
        let options = ClvOptions {
            months: 1,
            ..ClvOptions::new(TimeUnit::Day)
        };
        // The same customer and model in days (ages and α times 7): one month is 30 days.
        let c_days = Rfm {
            age: c.age * 7.0,
            ..c
        };
        let days = BgNbd {
            alpha: BG.alpha * 7.0,
            ..BG
        };
        let clv = customer_lifetime_value(&days, &GG, &c_days, &options).unwrap();
        let expected =
            GG.mean_value().unwrap() * days.expected_purchases(30.0, &c_days).unwrap() / 1.01;
        assert!(
            (clv - expected).abs() <= 1e-12 * expected,
            "{clv} vs {expected}"
        );
        // Zero months, zero value.
        let none = ClvOptions {
            months: 0,
            ..options
        };
        assert_eq!(
            customer_lifetime_value(&days, &GG, &c_days, &none),
            Some(0.0)
        );
    }

    #[test]
    fn no_value_without_a_population_mean() {
        let heavy_tail = GammaGamma { q: 0.5, ..GG };
        let c = Rfm::new(0, 0.0, 20.0, 0.0);
        let options = ClvOptions::new(TimeUnit::Week);
        assert_eq!(
            customer_lifetime_value(&BG, &heavy_tail, &c, &options),
            None
        );
    }
}
