//! Both models fitted once on every customer, each customer's predictions, and the predicted
//! CLV summed per group: what `xsell clv` prints and what `--clv-model bgnbd` reports.
//!
//! The groups share the fit: a group's mean is the mean of its customers' CLV under the models
//! of all customers, so the groups' totals and customers add up to everyone's.

use std::collections::HashMap;
use std::hash::Hash;

use super::ClvError;
use super::bgnbd::{BgNbd, BgNbdFit};
use super::gamma_gamma::{GammaGamma, GammaGammaFit};
use super::rfm::Rfm;
use super::value::{ClvOptions, customer_lifetime_value};

/// Both fitted models.
#[derive(Clone, Debug)]
pub struct Models {
    pub purchases: BgNbdFit,
    pub value: GammaGammaFit,
}

impl Models {
    /// BG/NBD and Gamma-Gamma fitted to `customers` on `threads` threads.
    pub fn fit(customers: &[(u32, Rfm)], threads: usize) -> Result<Models, ClvError> {
        let rfms: Vec<Rfm> = customers.iter().map(|(_, r)| *r).collect();
        Ok(Models {
            purchases: BgNbd::fit(&rfms, threads)?,
            value: GammaGamma::fit(&rfms, threads)?,
        })
    }

    /// The names of the fits that stopped short of a maximum of the likelihood.
    pub fn unconverged(&self) -> Vec<&'static str> {
        let fits = [
            ("BG/NBD", self.purchases.fit.converged),
            ("Gamma-Gamma", self.value.fit.converged),
        ];
        fits.iter().filter(|f| !f.1).map(|f| f.0).collect()
    }

    /// Each customer's CLV over the options' horizon, in the order of `customers`.
    pub fn clvs(
        &self,
        customers: &[(u32, Rfm)],
        options: &ClvOptions,
        threads: usize,
    ) -> Vec<Option<f64>> {
        let (purchases, value) = (&self.purchases.model, &self.value.model);
        on_threads(customers, threads, |rfm| {
            customer_lifetime_value(purchases, value, rfm, options)
        })
    }
}

/// Each customer's P(alive), expected purchases over `horizon`, expected average value and
/// CLV, on `threads` threads (the CLV's monthly steps are the costly part).
pub fn predict(
    customers: &[(u32, Rfm)],
    (purchases, value): (&BgNbd, &GammaGamma),
    horizon: f64,
    options: &ClvOptions,
    threads: usize,
) -> Vec<[Option<f64>; 4]> {
    on_threads(customers, threads, |rfm| {
        [
            Some(purchases.p_alive(rfm)),
            purchases.expected_purchases(horizon, rfm),
            value.expected_average_value(rfm),
            customer_lifetime_value(purchases, value, rfm, options),
        ]
    })
}

/// `one` of each customer's summary, in order, on `threads` threads.
fn on_threads<T: Send>(
    customers: &[(u32, Rfm)],
    threads: usize,
    one: impl Fn(&Rfm) -> T + Sync,
) -> Vec<T> {
    let chunk = customers.len().div_ceil(threads.max(1)).max(1);
    let one = &one;
    std::thread::scope(|s| {
        let parts: Vec<_> = (customers.chunks(chunk))
            .map(|part| s.spawn(move || part.iter().map(|(_, r)| one(r)).collect::<Vec<_>>()))
            .collect();
        (parts.into_iter())
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The predicted CLV of a set of customers: those with a value, and its sum.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Aggregate {
    pub customers: u64,
    pub total: f64,
}

impl Aggregate {
    /// total / customers; `None` for no customer.
    pub fn mean(&self) -> Option<f64> {
        (self.customers > 0).then(|| self.total / self.customers as f64)
    }

    fn add(&mut self, clv: Option<f64>) {
        if let Some(clv) = clv {
            self.customers += 1;
            self.total += clv;
        }
    }
}

/// Everyone's aggregate, and each group's (`group_of` a customer), in the order groups first
/// appear. A customer without a value (n/a) counts nowhere. Sums run in customer order, so
/// everyone's total is the same with or without groups.
pub fn aggregate<K: Eq + Hash + Clone>(
    clvs: impl IntoIterator<Item = (u32, Option<f64>)>,
    group_of: impl Fn(u32) -> K,
) -> (Aggregate, Vec<(K, Aggregate)>) {
    let mut all = Aggregate::default();
    let mut places: HashMap<K, usize> = HashMap::new();
    let mut groups: Vec<(K, Aggregate)> = Vec::new();
    for (customer, clv) in clvs {
        all.add(clv);
        let key = group_of(customer);
        let place = *places.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Aggregate::default()));
            groups.len() - 1
        });
        groups[place].1.add(clv);
    }
    (all, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_to_everyone() {
        let clvs = [(0, Some(1.5)), (1, None), (2, Some(2.0)), (3, Some(4.0))];
        let (all, groups) = aggregate(clvs, |c| c % 2);
        assert_eq!(
            all,
            Aggregate {
                customers: 3,
                total: 7.5
            }
        );
        assert_eq!(all.mean(), Some(2.5));
        assert_eq!(
            groups,
            [
                (
                    0,
                    Aggregate {
                        customers: 2,
                        total: 3.5
                    }
                ),
                (
                    1,
                    Aggregate {
                        customers: 1,
                        total: 4.0
                    }
                )
            ]
        );
        assert_eq!(Aggregate::default().mean(), None);
    }
}
