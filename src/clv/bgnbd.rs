//! The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005a; lifetimes' `BetaGeoFitter`).
//!
//! While alive a customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each purchase
//! they drop out with probability p ~ Beta(a, b). For a customer with x repeat purchases, the last
//! at t_x, observed for T (see [`super::rfm`]), the likelihood is (paper eq. 6, with ln Γ):
//!
//! ```text
//! ln L = ln Γ(r+x) − ln Γ(r) + r ln α
//!      + ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x)
//!      + ln[ (α+T)^−(r+x) + [x > 0] a/(b+x−1) (α+t_x)^−(r+x) ]
//! ```
//!
//! the last term taken as a log-sum-exp so that neither power underflows. Predictions:
//!
//! - P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x−1) ((α+T)/(α+t_x))^(r+x))
//!   (Fader, Hardie & Lee 2008, note 021; lifetimes' `conditional_probability_alive`).
//! - E[Y(t) | x, t_x, T], the expected repeat purchases in the next t units (paper eq. 10;
//!   `conditional_expected_number_of_purchases_up_to_time`):
//!
//! ```text
//!          (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]
//! E[Y(t)] = ────────────────────────────────────────────────────────────────────────,  z = t/(α+T+t)
//!                     1 + [x > 0] a/(b+x−1) ((α+T)/(α+t_x))^(r+x)
//! ```
//!
//!   evaluated through Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z)
//!   (A&S 15.3.3), which turns the bracket into `1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z)`:
//!   the same number, but the series' upper parameters no longer grow with x, so it neither
//!   overflows for heavy buyers (lifetimes switches to this form only when the direct one is
//!   infinite) nor needs more than a few dozen terms. It needs a ≠ 1 and a+b+x > 1.
//!
//! Fitting: the likelihood is a sum over customers, and customers with the same (x, t_x, T) — with
//! dates in whole days they repeat a lot — are one weighted term; the terms that depend on x alone
//! (the ln Γ and ψ) are computed once per distinct x per evaluation, and long sums run on all
//! cores ([`super::mle::parallel_sum`]). Time is rescaled so that the longest age is 1 while
//! fitting, as lifetimes does; estimates, covariance and log-likelihood are reported in the data's
//! unit (ln L changes by −x ln s when time is multiplied by s).

use rustc_hash::FxHashMap;

use super::ClvError;
use super::mle::{self, Fit, LogLikelihood};
use super::rfm::Rfm;
use super::special::{digamma, hyp2f1, ln_gamma};

/// Fewer customers with a repeat purchase than this and the fit is refused: a, b (the drop-out
/// distribution) are identified only by repeat buyers' recency, and with a handful of them the
/// likelihood is flat. A floor, not a guarantee: the standard errors tell the rest.
pub const MIN_REPEAT_BUYERS: usize = 10;

/// lifetimes' starting point: ln θ = 0.1 for every parameter (time rescaled to max T = 1).
const START: [f64; 4] = [1.105_170_918_075_647_7; 4];

/// The BG/NBD parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbd {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Scale of the Gamma distribution of purchase rates, in the time unit.
    pub alpha: f64,
    /// First shape of the Beta distribution of drop-out probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of drop-out probabilities.
    pub b: f64,
}

/// A fitted BG/NBD model: the parameters and how they were found.
#[derive(Clone, Debug, PartialEq)]
pub struct BgNbdFit {
    pub model: BgNbd,
    /// Estimates in the order r, alpha, a, b.
    pub fit: Fit<4>,
}

impl BgNbd {
    /// The parameter names, in [`Fit::estimates`] order.
    pub const NAMES: [&'static str; 4] = ["r", "alpha", "a", "b"];

    /// Fits the model by maximum likelihood (see the module doc and [`super::mle`]), summing the
    /// likelihood on up to `threads` threads.
    ///
    /// Refused when a customer's summary is invalid ([`Rfm::problem`]), when fewer than
    /// [`MIN_REPEAT_BUYERS`] customers have a repeat purchase, or when every age is 0.
    pub fn fit(customers: &[Rfm], threads: usize) -> Result<BgNbdFit, ClvError> {
        let data = Grouped::new(customers, threads)?;
        let optimum = mle::maximise(&data, START)?;
        let scale = data.longest;
        // ln L in the data's unit: the fit's value minus Σ x ln s, s = 1/longest.
        let log_likelihood = optimum.log_likelihood - data.purchases * scale.ln();
        let fit = mle::fit_summary(
            &data,
            &optimum,
            Self::NAMES,
            [1.0, scale, 1.0, 1.0],
            log_likelihood,
        );
        let [r, alpha, a, b] = fit.values();
        Ok(BgNbdFit {
            model: BgNbd { r, alpha, a, b },
            fit,
        })
    }

    /// ln L of one customer (the module doc's formula).
    pub fn log_likelihood(&self, c: &Rfm) -> f64 {
        let terms = XTerms::new(self, c.frequency);
        term(self, &terms, c.recency, c.age, 1.0).0
    }

    /// The probability that the customer has not dropped out: 1 with no repeat purchase,
    /// otherwise `1 / (1 + a/(b+x−1) ((α+T)/(α+t_x))^(r+x))`.
    pub fn p_alive(&self, c: &Rfm) -> f64 {
        if c.frequency == 0 {
            return 1.0;
        }
        let x = f64::from(c.frequency);
        let log_odds_dead = (self.r + x) * ((self.alpha + c.age) / (self.alpha + c.recency)).ln()
            + (self.a / (self.b + x - 1.0)).ln();
        1.0 / (1.0 + log_odds_dead.exp())
    }

    /// Expected repeat purchases in the next `t` time units (the module doc's formula); None
    /// when `t` is negative or not finite, when a = 1 or a+b+x ≤ 1 (the formula has no value),
    /// or when ₂F₁ does not converge (t so long that t/(α+T+t) is within ~1e-5 of 1).
    pub fn expected_purchases(&self, t: f64, c: &Rfm) -> Option<f64> {
        if !(t >= 0.0 && t.is_finite()) || self.a == 1.0 {
            return None;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = f64::from(c.frequency);
        let c_ = a + b + x - 1.0;
        if c_.is_nan() || c_ <= 0.0 {
            return None;
        }
        let z = t / (alpha + c.age + t);
        let one_minus_z = (alpha + c.age) / (alpha + c.age + t);
        let hyp = hyp2f1(a + b - 1.0 - r, a - 1.0, c_, z)?;
        let bracket = 1.0 - one_minus_z.powf(a - 1.0) * hyp;
        let numerator = c_ / (a - 1.0) * bracket;
        let denominator = if c.frequency == 0 {
            1.0
        } else {
            1.0 + a / (b + x - 1.0) * ((alpha + c.age) / (alpha + c.recency)).powf(r + x)
        };
        let e = numerator / denominator;
        e.is_finite().then_some(e)
    }
}

/// Customers with equal (x, t_x, T) as one weighted term, in time rescaled by 1/`longest`.
struct Grouped {
    /// Distinct frequencies.
    xs: Vec<u32>,
    groups: Vec<Group>,
    customers: f64,
    /// Σ x over the customers (for the log-likelihood's change of unit).
    purchases: f64,
    /// The longest age T, the unit of the rescaled time.
    longest: f64,
    threads: usize,
}

#[derive(Clone, Copy)]
struct Group {
    /// Index into `xs`.
    x: u32,
    recency: f64,
    age: f64,
    weight: f64,
}

impl Grouped {
    fn new(customers: &[Rfm], threads: usize) -> Result<Grouped, ClvError> {
        let mut repeat_buyers = 0;
        let mut longest = 0.0_f64;
        let mut purchases = 0.0;
        for (index, c) in customers.iter().enumerate() {
            if let Some(problem) = c.problem() {
                return Err(ClvError::InvalidCustomer { index, problem });
            }
            repeat_buyers += usize::from(c.frequency > 0);
            longest = longest.max(c.age);
            purchases += f64::from(c.frequency);
        }
        if repeat_buyers < MIN_REPEAT_BUYERS {
            return Err(ClvError::TooFewRepeatBuyers {
                model: "BG/NBD",
                needed: MIN_REPEAT_BUYERS,
                found: repeat_buyers,
            });
        }
        if longest.is_nan() || longest <= 0.0 {
            return Err(ClvError::NoObservationTime);
        }
        let mut index: FxHashMap<(u32, u64, u64), usize> = FxHashMap::default();
        let mut x_index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut xs = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for c in customers {
            let key = (c.frequency, c.recency.to_bits(), c.age.to_bits());
            let at = *index.entry(key).or_insert_with(|| {
                let x = *x_index.entry(c.frequency).or_insert_with(|| {
                    xs.push(c.frequency);
                    (xs.len() - 1) as u32
                });
                groups.push(Group {
                    x,
                    recency: c.recency / longest,
                    age: c.age / longest,
                    weight: 0.0,
                });
                groups.len() - 1
            });
            groups[at].weight += 1.0;
        }
        Ok(Grouped {
            xs,
            groups,
            customers: customers.len() as f64,
            purchases,
            longest,
            threads,
        })
    }
}

/// What depends on the parameters and x alone, computed once per distinct x per evaluation.
struct XTerms {
    x: f64,
    /// ln Γ(r+x) − ln Γ(r) + ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x)
    constant: f64,
    /// ln a − ln(b+x−1) (x > 0)
    ln_odds: f64,
    /// 1/(b+x−1) (x > 0)
    inv_bx: f64,
    /// ψ(r+x) − ψ(r), ψ(a+b) − ψ(a+b+x), ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x)
    d_r: f64,
    d_a: f64,
    d_b: f64,
}

impl XTerms {
    fn new(p: &BgNbd, frequency: u32) -> XTerms {
        let BgNbd { r, a, b, .. } = *p;
        let x = f64::from(frequency);
        let constant = ln_gamma(r + x) - ln_gamma(r) + ln_gamma(a + b) + ln_gamma(b + x)
            - ln_gamma(b)
            - ln_gamma(a + b + x);
        let (ln_odds, inv_bx) = if frequency > 0 {
            (a.ln() - (b + x - 1.0).ln(), 1.0 / (b + x - 1.0))
        } else {
            (f64::NEG_INFINITY, 0.0)
        };
        let psi_ab = digamma(a + b);
        let psi_abx = digamma(a + b + x);
        XTerms {
            x,
            constant,
            ln_odds,
            inv_bx,
            d_r: digamma(r + x) - digamma(r),
            d_a: psi_ab - psi_abx,
            d_b: psi_ab + digamma(b + x) - digamma(b) - psi_abx,
        }
    }
}

/// `weight × (ln L, ∂ln L/∂(r, α, a, b))` for one (x, t_x, T).
fn term(p: &BgNbd, xt: &XTerms, recency: f64, age: f64, weight: f64) -> (f64, [f64; 4]) {
    let BgNbd { r, alpha, a, .. } = *p;
    let rx = r + xt.x;
    let ln_at = (alpha + age).ln();
    let l3 = -rx * ln_at;
    // The share of the two terms of the sum: w3 for "alive at T", w4 for "dropped after t_x".
    let (lse, w3, w4, ln_ar) = if xt.x > 0.0 {
        let ln_ar = (alpha + recency).ln();
        let l4 = xt.ln_odds - rx * ln_ar;
        let (hi, lo) = if l3 >= l4 { (l3, l4) } else { (l4, l3) };
        let e = (lo - hi).exp();
        let share_hi = 1.0 / (1.0 + e);
        let (w3, w4) = if l3 >= l4 {
            (share_hi, e * share_hi)
        } else {
            (e * share_hi, share_hi)
        };
        (hi + e.ln_1p(), w3, w4, ln_ar)
    } else {
        (l3, 1.0, 0.0, 0.0)
    };
    let ln_alpha = alpha.ln();
    let value = xt.constant + r * ln_alpha + lse;
    let d_r = xt.d_r + ln_alpha - w3 * ln_at - w4 * ln_ar;
    let d_alpha = r / alpha - rx * (w3 / (alpha + age) + w4 / (alpha + recency));
    let d_a = xt.d_a + w4 / a;
    let d_b = xt.d_b - w4 * xt.inv_bx;
    (
        weight * value,
        [weight * d_r, weight * d_alpha, weight * d_a, weight * d_b],
    )
}

impl LogLikelihood<4> for Grouped {
    fn value_and_gradient(&self, theta: &[f64; 4]) -> (f64, [f64; 4]) {
        let [r, alpha, a, b] = *theta;
        let p = BgNbd { r, alpha, a, b };
        let terms: Vec<XTerms> = self.xs.iter().map(|&x| XTerms::new(&p, x)).collect();
        mle::parallel_sum(&self.groups, self.threads, |g| {
            term(&p, &terms[g.x as usize], g.recency, g.age, g.weight)
        })
    }

    fn customers(&self) -> f64 {
        self.customers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::assert_rel;

    /// The published CDNOW estimates (Fader, Hardie & Lee 2005a, in weeks).
    const CDNOW: BgNbd = BgNbd {
        r: 0.2426,
        alpha: 4.4135,
        a: 0.7929,
        b: 2.4258,
    };

    #[test]
    fn likelihood_of_a_one_time_buyer_by_hand() {
        // x = 0: ln L = r ln α − r ln(α+T) = r ln(α/(α+T)) (the Gamma-Poisson zero term).
        let c = Rfm::new(0, 0.0, 38.86, 0.0);
        let expected = CDNOW.r * (CDNOW.alpha / (CDNOW.alpha + 38.86)).ln();
        assert_rel(CDNOW.log_likelihood(&c), expected, 1e-14, "ln L, x = 0");
    }

    #[test]
    fn likelihood_of_a_repeat_buyer_by_hand() {
        // x = 1 with Γ(r+1) = rΓ(r), B(a, b+1)/B(a, b) = b/(a+b):
        // L = r α^r b/(a+b) [(α+T)^−(r+1) + a/b (α+t)^−(r+1)].
        let (t, age) = (1.71, 38.86);
        let BgNbd { r, alpha, a, b } = CDNOW;
        let l = r * alpha.powf(r) * b / (a + b)
            * ((alpha + age).powf(-(r + 1.0)) + a / b * (alpha + t).powf(-(r + 1.0)));
        let c = Rfm::new(1, t, age, 0.0);
        assert_rel(CDNOW.log_likelihood(&c), l.ln(), 1e-13, "ln L, x = 1");
    }

    #[test]
    fn gradient_matches_differences_of_the_likelihood() {
        let customers = [
            Rfm::new(0, 0.0, 30.0, 0.0),
            Rfm::new(2, 30.43, 38.86, 0.0),
            Rfm::new(7, 35.0, 38.0, 0.0),
            Rfm::new(40, 10.0, 12.0, 0.0),
        ];
        let theta = [CDNOW.r, CDNOW.alpha, CDNOW.a, CDNOW.b];
        for c in customers {
            let p = CDNOW;
            let (_, g) = term(&p, &XTerms::new(&p, c.frequency), c.recency, c.age, 1.0);
            for j in 0..4 {
                let h = 1e-6 * theta[j];
                let mut up = theta;
                let mut down = theta;
                up[j] += h;
                down[j] -= h;
                let ll = |t: [f64; 4]| {
                    let m = BgNbd {
                        r: t[0],
                        alpha: t[1],
                        a: t[2],
                        b: t[3],
                    };
                    m.log_likelihood(&c)
                };
                let numeric = (ll(up) - ll(down)) / (2.0 * h);
                assert!(
                    (g[j] - numeric).abs() <= 1e-6 * numeric.abs().max(1e-3),
                    "∂/∂{} at {c:?}: {} vs {numeric}",
                    BgNbd::NAMES[j],
                    g[j]
                );
            }
        }
    }

    #[test]
    fn p_alive_by_hand() {
        assert_eq!(CDNOW.p_alive(&Rfm::new(0, 0.0, 38.86, 0.0)), 1.0);
        // x = 2, t_x = 30.43, T = 38.86: odds = a/(b+1) ((α+T)/(α+t))^(r+2).
        let odds = CDNOW.a / (CDNOW.b + 1.0)
            * ((CDNOW.alpha + 38.86) / (CDNOW.alpha + 30.43)).powf(CDNOW.r + 2.0);
        let c = Rfm::new(2, 30.43, 38.86, 0.0);
        assert_rel(CDNOW.p_alive(&c), 1.0 / (1.0 + odds), 1e-14, "P(alive)");
        // Bought at the very end: the drop-out term is as large as it can be, yet < 1.
        let last_day = Rfm::new(3, 38.86, 38.86, 0.0);
        assert_rel(
            CDNOW.p_alive(&last_day),
            1.0 / (1.0 + CDNOW.a / (CDNOW.b + 2.0)),
            1e-14,
            "P(alive) at t_x = T",
        );
    }

    #[test]
    fn expected_purchases_of_a_new_customer_is_the_unconditional_formula() {
        // With x = 0 and T = 0, eq. 10 reduces to eq. 9, E[X(t)] =
        // (a+b−1)/(a−1) [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]; lifetimes'
        // expected_number_of_purchases_up_to_time(52) at the CDNOW estimates (scipy's ₂F₁)
        // gives 1.44406222198838 for r 0.2426, α 4.4135, a 0.7929, b 2.4258.
        let e = CDNOW
            .expected_purchases(52.0, &Rfm::new(0, 0.0, 0.0, 0.0))
            .unwrap();
        assert_rel(e, 1.444_062_221_988_38, 1e-12, "E[X(52)]");
        // No time, no purchases.
        assert_eq!(
            CDNOW.expected_purchases(0.0, &Rfm::new(3, 20.0, 30.0, 0.0)),
            Some(0.0)
        );
    }

    #[test]
    fn expected_purchases_refusals() {
        let c = Rfm::new(1, 1.0, 2.0, 0.0);
        assert_eq!(CDNOW.expected_purchases(-1.0, &c), None);
        assert_eq!(CDNOW.expected_purchases(f64::INFINITY, &c), None);
        let a_one = BgNbd { a: 1.0, ..CDNOW };
        assert_eq!(a_one.expected_purchases(1.0, &c), None);
        let small = BgNbd {
            a: 0.2,
            b: 0.3,
            ..CDNOW
        };
        assert_eq!(
            small.expected_purchases(1.0, &Rfm::new(0, 0.0, 2.0, 0.0)),
            None
        );
    }

    #[test]
    fn heavy_buyers_do_not_overflow() {
        // x = 500: the untransformed ₂F₁(r+x, b+x; a+b+x−1; z) is about 1e120. The value, from
        // mpmath at 50 digits: 11.505281885614527833 (P(alive) is only 1/37: a customer buying
        // 13 times a week has not bought for 0.86 weeks).
        let c = Rfm::new(500, 38.0, 38.86, 0.0);
        let e = CDNOW.expected_purchases(52.0, &c).unwrap();
        assert_rel(e, 11.505_281_885_614_528, 1e-11, "E[Y(52)], x = 500");
    }

    #[test]
    fn refuses_data_that_cannot_identify_the_model() {
        let one_timers = vec![Rfm::new(0, 0.0, 10.0, 0.0); 100];
        let mut few = one_timers.clone();
        few.extend(vec![Rfm::new(1, 2.0, 10.0, 5.0); MIN_REPEAT_BUYERS - 1]);
        assert_eq!(
            BgNbd::fit(&few, 1).unwrap_err(),
            ClvError::TooFewRepeatBuyers {
                model: "BG/NBD",
                needed: MIN_REPEAT_BUYERS,
                found: MIN_REPEAT_BUYERS - 1
            }
        );
        let mut bad = one_timers;
        bad.push(Rfm::new(1, 12.0, 10.0, 5.0));
        let err = BgNbd::fit(&bad, 1).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("customer 100: recency 12 is larger than age 10"),
            "{err}"
        );
        let no_time = vec![Rfm::new(0, 0.0, 0.0, 0.0); 20];
        assert!(matches!(
            BgNbd::fit(&no_time, 1).unwrap_err(),
            ClvError::TooFewRepeatBuyers { .. }
        ));
    }
}
