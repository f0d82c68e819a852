//! Synthetic customers drawn from the BG/NBD and Gamma-Gamma models, for tests and timings (as
//! lifetimes' `generate_data.beta_geometric_nbd_model`).
//!
//! A customer first buys at time 0 and is observed for `age`. Their purchase rate is
//! λ ~ Gamma(r, scale 1/α) and their drop-out probability p ~ Beta(a, b); gaps between purchases
//! are Exponential(λ), and after each repeat purchase they drop out with probability p. Each
//! purchase's value is Gamma(p_gg, scale 1/ν) with ν ~ Gamma(q, scale 1/v).
//!
//! With `whole_days`, purchase times are truncated to whole time units and purchases of one unit
//! are one purchase day (values summed), as [`super::rfm`] summarises real order lines: the
//! (x, t_x, T) then repeat across customers the way real data do.
//!
//! Random numbers: SplitMix64 (Steele, Lea & Flood 2014), Box-Muller normals, Marsaglia & Tsang's
//! (2000) Gamma sampler (with the U^(1/k) boost for shapes below 1), Beta as a ratio of Gammas.
//! Deterministic for a seed; not for cryptography or for statistics beyond tests.

use super::bgnbd::BgNbd;
use super::gamma_gamma::GammaGamma;
use super::rfm::Rfm;

/// A small deterministic random number generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on (0, 1): 53 random bits, never 0.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Gamma(shape, scale 1).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = (1.0 + c * z).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < z * z / 2.0 + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        x / (x + self.gamma(b))
    }
}

/// One customer of age `age` drawn from the models; see the module doc.
pub fn customer(
    rng: &mut Rng,
    purchases: &BgNbd,
    value: &GammaGamma,
    age: f64,
    whole_days: bool,
) -> Rfm {
    let rate = rng.gamma(purchases.r) / purchases.alpha;
    let drop_out = rng.beta(purchases.a, purchases.b);
    let nu = rng.gamma(value.q) / value.v;
    let draw_value = |rng: &mut Rng| rng.gamma(value.p) / nu;
    let mut time = 0.0;
    let mut frequency = 0_u32;
    let mut last = 0.0;
    let mut total = 0.0;
    loop {
        time += -rng.uniform().ln() / rate;
        if time >= age {
            break;
        }
        let at = if whole_days { time.floor() } else { time };
        let amount = draw_value(rng);
        if at > last || !whole_days {
            frequency += 1;
        } else if frequency == 0 {
            // Same day as the first purchase: part of the first day's value, not a repeat.
            if rng.uniform() < drop_out {
                break;
            }
            continue;
        }
        last = at;
        total += amount;
        if rng.uniform() < drop_out {
            break;
        }
    }
    let monetary_value = if frequency == 0 {
        0.0
    } else {
        total / f64::from(frequency)
    };
    Rfm::new(frequency, last, age, monetary_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_draws_have_the_right_mean_and_variance() {
        let mut rng = Rng::new(7);
        for shape in [0.25, 1.0, 6.25] {
            let n = 200_000;
            let draws: Vec<f64> = (0..n).map(|_| rng.gamma(shape)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n as f64;
            // Gamma(k, 1): mean k, variance k; 5 standard errors of the mean.
            let se = (shape / n as f64).sqrt();
            assert!(
                (mean - shape).abs() < 5.0 * se,
                "shape {shape}: mean {mean}"
            );
            assert!(
                (var - shape).abs() < 0.05 * shape,
                "shape {shape}: var {var}"
            );
        }
    }

    #[test]
    fn customers_are_valid_summaries() {
        let bg = BgNbd {
            r: 0.25,
            alpha: 4.0,
            a: 0.8,
            b: 2.4,
        };
        let gg = GammaGamma {
            p: 6.0,
            q: 3.7,
            v: 15.0,
        };
        let mut rng = Rng::new(1);
        for i in 0..10_000 {
            for whole_days in [false, true] {
                let c = customer(&mut rng, &bg, &gg, f64::from(i % 300), whole_days);
                assert_eq!(c.problem(), None, "{c:?}");
                assert_eq!(c.frequency > 0, c.monetary_value > 0.0, "{c:?}");
                if whole_days {
                    assert_eq!(c.recency, c.recency.floor());
                }
            }
        }
    }
}
