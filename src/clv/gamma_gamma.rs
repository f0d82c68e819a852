//! The Gamma-Gamma model of purchase value (Fader, Hardie & Lee 2005b; Fader & Hardie 2013,
//! note 025; lifetimes' `GammaGammaFitter`).
//!
//! A customer's purchase values are Gamma(p, ν), of mean p/ν, and ν varies across customers as
//! Gamma(q, v): the shape p is shared, the mean differs. Of a customer with x > 0 repeat
//! purchases of mean value m (the mean of x values):
//!
//! ```text
//! ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm+v)
//! ```
//!
//! (note 025 eq. 1a). Only returning customers (x > 0) enter the fit. The model assumes a
//! customer's mean value is independent of how often they buy; check that before relying on it
//! (lifetimes suggests the correlation of x and m, which should be near 0).
//!
//! The conditional expected value of a purchase (note 025 eq. 5; lifetimes'
//! `conditional_expected_average_profit`) weighs the population mean `pv/(q−1)` against the
//! customer's own mean m:
//!
//! ```text
//! E[Z | x, m] = (q−1)/(px+q−1) · pv/(q−1) + px/(px+q−1) · m = p (v + x m) / (px + q − 1)
//! ```
//!
//! which for x = 0 is the population mean, defined only for q > 1.
//!
//! Fitting as [`super::bgnbd`]: customers with equal (x, m) are one weighted term, the x-only
//! terms are computed once per distinct x, long sums run on all cores; values are divided by
//! their mean while fitting (so the optimiser sees numbers near 1 whatever the currency) and v,
//! its covariance and ln L are reported in the data's currency (ln L changes by −n ln s when
//! values are multiplied by s).

use rustc_hash::FxHashMap;

use super::ClvError;
use super::mle::{self, Fit, LogLikelihood};
use super::rfm::Rfm;
use super::special::{digamma, ln_gamma};

/// Fewer returning customers (x > 0) than this and the fit is refused: three parameters of a
/// distribution of means need some means to spread. A floor; the standard errors tell the rest.
pub const MIN_RETURNING: usize = 10;

/// lifetimes' starting point, ln θ = 0.1 (values rescaled to mean 1).
const START: [f64; 3] = [1.105_170_918_075_647_7; 3];

/// The Gamma-Gamma parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GammaGamma {
    /// Shape of a customer's purchase values.
    pub p: f64,
    /// Shape of the distribution of the customers' rate parameters ν.
    pub q: f64,
    /// Scale of the distribution of ν, in currency units.
    pub v: f64,
}

/// A fitted Gamma-Gamma model: the parameters and how they were found.
#[derive(Clone, Debug, PartialEq)]
pub struct GammaGammaFit {
    pub model: GammaGamma,
    /// Estimates in the order p, q, v.
    pub fit: Fit<3>,
}

impl GammaGamma {
    /// The parameter names, in [`Fit::estimates`] order.
    pub const NAMES: [&'static str; 3] = ["p", "q", "v"];

    /// Fits the model on the customers with `frequency > 0` (others are skipped), summing the
    /// likelihood on up to `threads` threads.
    ///
    /// Refused when a returning customer's summary is invalid or its monetary value is not
    /// positive (lifetimes refuses it too), when fewer than [`MIN_RETURNING`] customers return,
    /// or when all their mean values are equal (the likelihood then grows without bound as q
    /// and v do).
    pub fn fit(customers: &[Rfm], threads: usize) -> Result<GammaGammaFit, ClvError> {
        let data = Grouped::new(customers, threads)?;
        let optimum = mle::maximise(&data, START)?;
        let log_likelihood = optimum.log_likelihood - data.customers * data.mean.ln();
        let fit = mle::fit_summary(
            &data,
            &optimum,
            Self::NAMES,
            [1.0, 1.0, data.mean],
            log_likelihood,
        );
        let [p, q, v] = fit.values();
        Ok(GammaGammaFit {
            model: GammaGamma { p, q, v },
            fit,
        })
    }

    /// ln L of one returning customer (the module doc's formula); None when x = 0 or m ≤ 0
    /// (the customer is not in the model).
    pub fn log_likelihood(&self, c: &Rfm) -> Option<f64> {
        let m = c.monetary_value;
        if c.frequency == 0 || m.is_nan() || m <= 0.0 {
            return None;
        }
        let terms = XTerms::new(self, c.frequency);
        Some(term(self, &terms, m, m.ln(), 1.0).0)
    }

    /// The population mean value of a purchase, `pv/(q−1)`; None unless q > 1.
    pub fn mean_value(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.p * self.v / (self.q - 1.0))
    }

    /// The expected value of the customer's purchases, `p (v + x m) / (px + q − 1)`; None when
    /// px + q ≤ 1 (for x = 0 that is q ≤ 1: the population mean does not exist).
    pub fn expected_average_value(&self, c: &Rfm) -> Option<f64> {
        let px = self.p * f64::from(c.frequency);
        let denominator = px + self.q - 1.0;
        let e = self.p * (self.v + f64::from(c.frequency) * c.monetary_value) / denominator;
        (denominator > 0.0 && e.is_finite()).then_some(e)
    }
}

/// Returning customers with equal (x, m) as one weighted term, values divided by their mean.
struct Grouped {
    xs: Vec<u32>,
    groups: Vec<Group>,
    customers: f64,
    /// The mean of the returning customers' m: the unit of the rescaled values.
    mean: f64,
    threads: usize,
}

#[derive(Clone, Copy)]
struct Group {
    /// Index into `xs`.
    x: u32,
    m: f64,
    ln_m: f64,
    weight: f64,
}

impl Grouped {
    fn new(customers: &[Rfm], threads: usize) -> Result<Grouped, ClvError> {
        let mut returning = 0_usize;
        let mut sum = 0.0;
        let mut first_value = None;
        let mut spread = false;
        for (index, c) in customers.iter().enumerate() {
            if c.frequency == 0 {
                continue;
            }
            if let Some(problem) = c.problem() {
                return Err(ClvError::InvalidCustomer { index, problem });
            }
            let m = c.monetary_value;
            if m.is_nan() || m <= 0.0 {
                return Err(ClvError::InvalidCustomer {
                    index,
                    problem: format!(
                        "monetary value {m} with {} repeat purchases (it must be positive)",
                        c.frequency
                    ),
                });
            }
            returning += 1;
            sum += m;
            spread |= *first_value.get_or_insert(m) != m;
        }
        if returning < MIN_RETURNING {
            return Err(ClvError::TooFewRepeatBuyers {
                model: "Gamma-Gamma",
                needed: MIN_RETURNING,
                found: returning,
            });
        }
        if !spread {
            return Err(ClvError::NoValueSpread {
                count: returning,
                value: first_value.unwrap_or(0.0),
            });
        }
        let mean = sum / returning as f64;
        let mut index: FxHashMap<(u32, u64), usize> = FxHashMap::default();
        let mut x_index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut xs = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for c in customers.iter().filter(|c| c.frequency > 0) {
            let key = (c.frequency, c.monetary_value.to_bits());
            let at = *index.entry(key).or_insert_with(|| {
                let x = *x_index.entry(c.frequency).or_insert_with(|| {
                    xs.push(c.frequency);
                    (xs.len() - 1) as u32
                });
                let m = c.monetary_value / mean;
                groups.push(Group {
                    x,
                    m,
                    ln_m: m.ln(),
                    weight: 0.0,
                });
                groups.len() - 1
            });
            groups[at].weight += 1.0;
        }
        Ok(Grouped {
            xs,
            groups,
            customers: returning as f64,
            mean,
            threads,
        })
    }
}

/// What depends on the parameters and x alone, once per distinct x per evaluation.
struct XTerms {
    x: f64,
    ln_x: f64,
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v
    constant: f64,
    /// ψ(px+q) − ψ(px), ψ(px+q) − ψ(q)
    psi_p: f64,
    psi_q: f64,
}

impl XTerms {
    fn new(g: &GammaGamma, frequency: u32) -> XTerms {
        let GammaGamma { p, q, v } = *g;
        let x = f64::from(frequency);
        let px = p * x;
        let psi_pxq = digamma(px + q);
        XTerms {
            x,
            ln_x: x.ln(),
            constant: ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + q * v.ln(),
            psi_p: psi_pxq - digamma(px),
            psi_q: psi_pxq - digamma(q),
        }
    }
}

/// `weight × (ln L, ∂ln L/∂(p, q, v))` for one (x, m).
fn term(g: &GammaGamma, xt: &XTerms, m: f64, ln_m: f64, weight: f64) -> (f64, [f64; 3]) {
    let GammaGamma { p, q, v } = *g;
    let px = p * xt.x;
    let ln_xmv = (xt.x * m + v).ln();
    let value = xt.constant + (px - 1.0) * ln_m + px * xt.ln_x - (px + q) * ln_xmv;
    let d_p = xt.x * (xt.psi_p + ln_m + xt.ln_x - ln_xmv);
    let d_q = xt.psi_q + v.ln() - ln_xmv;
    let d_v = q / v - (px + q) / (xt.x * m + v);
    (weight * value, [weight * d_p, weight * d_q, weight * d_v])
}

impl LogLikelihood<3> for Grouped {
    fn value_and_gradient(&self, theta: &[f64; 3]) -> (f64, [f64; 3]) {
        let [p, q, v] = *theta;
        let g = GammaGamma { p, q, v };
        let terms: Vec<XTerms> = self.xs.iter().map(|&x| XTerms::new(&g, x)).collect();
        mle::parallel_sum(&self.groups, self.threads, |grp| {
            term(&g, &terms[grp.x as usize], grp.m, grp.ln_m, grp.weight)
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

    /// The published CDNOW estimates (Fader, Hardie & Lee 2005b).
    const CDNOW: GammaGamma = GammaGamma {
        p: 6.25,
        q: 3.74,
        v: 15.44,
    };

    #[test]
    fn likelihood_of_one_purchase_is_a_gamma_gamma_density() {
        // x = 1: m is one purchase value, Gamma(p, ν) with ν ~ Gamma(q, v), whose marginal
        // density is Γ(p+q)/(Γ(p)Γ(q)) v^q m^(p−1) / (m+v)^(p+q).
        let GammaGamma { p, q, v } = CDNOW;
        let m: f64 = 22.35;
        let density =
            (ln_gamma(p + q) - ln_gamma(p) - ln_gamma(q)).exp() * v.powf(q) * m.powf(p - 1.0)
                / (m + v).powf(p + q);
        let c = Rfm::new(1, 5.0, 10.0, m);
        assert_rel(
            CDNOW.log_likelihood(&c).unwrap(),
            density.ln(),
            1e-13,
            "ln L, x = 1",
        );
        assert_eq!(CDNOW.log_likelihood(&Rfm::new(0, 0.0, 10.0, 0.0)), None);
        assert_eq!(CDNOW.log_likelihood(&Rfm::new(2, 1.0, 10.0, 0.0)), None);
    }

    #[test]
    fn gradient_matches_differences_of_the_likelihood() {
        let theta = [CDNOW.p, CDNOW.q, CDNOW.v];
        for c in [Rfm::new(1, 1.0, 2.0, 11.77), Rfm::new(9, 1.0, 2.0, 80.5)] {
            let (_, g) = term(
                &CDNOW,
                &XTerms::new(&CDNOW, c.frequency),
                c.monetary_value,
                c.monetary_value.ln(),
                1.0,
            );
            for j in 0..3 {
                let h = 1e-6 * theta[j];
                let ll = |t: [f64; 3]| {
                    let m = GammaGamma {
                        p: t[0],
                        q: t[1],
                        v: t[2],
                    };
                    m.log_likelihood(&c).unwrap()
                };
                let mut up = theta;
                let mut down = theta;
                up[j] += h;
                down[j] -= h;
                let numeric = (ll(up) - ll(down)) / (2.0 * h);
                assert!(
                    (g[j] - numeric).abs() <= 1e-6 * numeric.abs().max(1e-3),
                    "∂/∂{}: {} vs {numeric}",
                    GammaGamma::NAMES[j],
                    g[j]
                );
            }
        }
    }

    #[test]
    fn expected_average_value_by_hand() {
        let GammaGamma { p, q, v } = CDNOW;
        // x = 0: the population mean pv/(q−1) = 6.25 × 15.44 / 2.74.
        let mean = p * v / (q - 1.0);
        assert_rel(
            CDNOW.mean_value().unwrap(),
            35.218_978_102_189_78,
            1e-14,
            "mean",
        );
        let new = Rfm::new(0, 0.0, 3.0, 0.0);
        assert_rel(
            CDNOW.expected_average_value(&new).unwrap(),
            mean,
            1e-14,
            "x = 0",
        );
        // x = 2, m = 22.35: weight px/(px+q−1) = 12.5/15.24 on m, the rest on the mean.
        let w = 12.5 / 15.24;
        let c = Rfm::new(2, 30.43, 38.86, 22.35);
        let expected = (1.0 - w) * mean + w * 22.35;
        assert_rel(
            CDNOW.expected_average_value(&c).unwrap(),
            expected,
            1e-14,
            "x = 2",
        );
        // q ≤ 1: no population mean.
        let heavy_tail = GammaGamma { q: 0.9, ..CDNOW };
        assert_eq!(heavy_tail.mean_value(), None);
        assert_eq!(heavy_tail.expected_average_value(&new), None);
    }

    #[test]
    fn refusals() {
        let mut same = vec![Rfm::new(0, 0.0, 5.0, 0.0); 5];
        same.extend(vec![Rfm::new(2, 1.0, 5.0, 12.5); MIN_RETURNING]);
        assert_eq!(
            GammaGamma::fit(&same, 1).unwrap_err(),
            ClvError::NoValueSpread {
                count: MIN_RETURNING,
                value: 12.5
            }
        );
        assert_eq!(
            GammaGamma::fit(&same[..MIN_RETURNING], 1).unwrap_err(),
            ClvError::TooFewRepeatBuyers {
                model: "Gamma-Gamma",
                needed: MIN_RETURNING,
                found: MIN_RETURNING - 5
            }
        );
        same.push(Rfm::new(1, 1.0, 5.0, 0.0));
        let err = GammaGamma::fit(&same, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            "customer 15: monetary value 0 with 1 repeat purchases (it must be positive)"
        );
    }
}
