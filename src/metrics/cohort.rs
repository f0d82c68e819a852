//! Cohorts: customers grouped by the period of their first order (over all history), and per
//! later period what share of each cohort ordered again, or what it spent per customer.

use rustc_hash::FxHashMap as HashMap;

use super::pair_map::Ordered;
use super::store::{Batched, at};
use crate::money::Money;

/// What a cell measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Measure {
    /// Share of the cohort's customers with an order (a purchase line) in the period.
    #[default]
    Customers,
    /// The cohort's net revenue in the period (returns included) per cohort customer.
    Revenue,
}

/// What the lines measured say per (customer, period): who ordered, and with `--metric revenue`
/// their net revenue; and which customers had any line measured.
#[derive(Debug, Default)]
pub struct Activity {
    /// (customer, period as u32 bits) with an order, for the share of customers ordering.
    ordered: Batched<Ordered, ()>,
    /// Per (customer, period) with a line, with `--metric revenue`: the net revenue.
    revenue: Option<HashMap<Ordered, Money>>,
    active: Vec<bool>,
}

impl Activity {
    pub fn new(measure: Measure) -> Activity {
        Activity {
            revenue: (measure == Measure::Revenue).then(HashMap::default),
            ..Activity::default()
        }
    }

    pub fn add(&mut self, customer: u32, period: i32, purchase: bool, amount: Money) {
        let key = Ordered {
            customer,
            period: period as u32,
        };
        // Revenue needs no orders.
        if purchase && self.revenue.is_none() && self.ordered.push(key, ()) {
            self.settle();
        }
        if let Some(revenue) = &mut self.revenue {
            *revenue.entry(key).or_default() += amount;
        }
        *at(&mut self.active, customer) = true;
    }

    /// The state of this fold's lines and `other`'s together (both of one [`Measure`]).
    pub fn merge(&mut self, other: Activity) {
        self.ordered.merge(other.ordered);
        if let (Some(mine), Some(theirs)) = (&mut self.revenue, other.revenue) {
            for (key, money) in theirs {
                *mine.entry(key).or_default() += money;
            }
        }
        for (customer, &active) in (0u32..).zip(&other.active) {
            if active {
                *at(&mut self.active, customer) = true;
            }
        }
    }

    /// Adds the pending orders; before [`cohorts`].
    pub fn settle(&mut self) {
        self.ordered.settle();
    }

    /// Whether the customer has a line measured.
    pub fn is_active(&self, customer: u32) -> bool {
        self.active.get(customer as usize).copied().unwrap_or(false)
    }
}

/// A cell's numerator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Customers(u64),
    Revenue(Money),
}

/// One cohort: its first period, its size, and a cell per k = 0, 1, ... up to the last period
/// measured; `None` for a period before the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    pub period: i32,
    pub size: u64,
    pub cells: Vec<Option<Count>>,
}

/// The cohorts, oldest first. `first` holds each customer's cohort (the period of their first
/// order); `measured` is the first and last period of the window. Shown are the cohorts that
/// start in the window and the earlier ones with a customer active in it; a cohort's cells run
/// to the last period measured.
pub fn cohorts(
    first: &[(u32, i32)],
    activity: &Activity,
    measure: Measure,
    measured: (i32, i32),
) -> Vec<Cohort> {
    let (from, to) = measured;
    let mut cohort_of: Vec<Option<i32>> = Vec::new();
    for &(customer, cohort) in first {
        *at(&mut cohort_of, customer) = Some(cohort);
    }
    let mut sizes: HashMap<i32, u64> = HashMap::default();
    for &(_, period) in first {
        *sizes.entry(period).or_default() += 1;
    }
    // (cohort, period) → numerator
    let mut sums: HashMap<(i32, i32), Count> = HashMap::default();
    let zero = match measure {
        Measure::Customers => Count::Customers(0),
        Measure::Revenue => Count::Revenue(Money::ZERO),
    };
    let mut add = |customer: u32, period: i32, f: &dyn Fn(&mut Count)| {
        if let Some(&Some(cohort)) = cohort_of.get(customer as usize) {
            f(sums.entry((cohort, period)).or_insert(zero));
        }
    };
    match (&activity.revenue, measure) {
        (Some(revenue), Measure::Revenue) => {
            for (&Ordered { customer, period }, &money) in revenue {
                add(customer, period as i32, &|sum| {
                    if let Count::Revenue(m) = sum {
                        *m += money;
                    }
                });
            }
        }
        _ => {
            for (Ordered { customer, period }, _) in activity.ordered.map().iter() {
                let period = period as i32;
                add(customer, period, &|sum| {
                    if let Count::Customers(n) = sum {
                        *n += 1;
                    }
                });
            }
        }
    }
    // Customers with a line measured, in no cohort when they never bought.
    let active: Vec<i32> = (0u32..)
        .zip(&activity.active)
        .filter(|(_, a)| **a)
        .filter_map(|(c, _)| cohort_of.get(c as usize).copied().flatten())
        .collect();
    let mut shown: Vec<i32> = sizes
        .keys()
        .copied()
        .filter(|&c| (from..=to).contains(&c))
        .chain(active.into_iter().filter(|&c| c < from))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    shown
        .into_iter()
        .map(|cohort| Cohort {
            period: cohort,
            size: sizes.get(&cohort).copied().unwrap_or(0),
            cells: (cohort..=to)
                .map(|period| {
                    (period >= from).then(|| sums.get(&(cohort, period)).copied().unwrap_or(zero))
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    /// Periods are plain numbers here: 1, 2, 3 are consecutive months.
    fn sample(measure: Measure) -> (Vec<(u32, i32)>, Activity) {
        // Customer 0 and 1 start in period 1, customer 2 in period 2, customer 3 in period 0
        // (before the window, which measures periods 1..=3).
        let first = vec![(0, 1), (1, 1), (2, 2), (3, 0)];
        let mut a = Activity::new(measure);
        a.add(0, 1, true, money("10"));
        a.add(1, 1, true, money("5"));
        a.add(0, 2, true, money("7"));
        a.add(0, 2, false, money("-2")); // a return in the same period
        a.add(1, 3, false, money("-5")); // only a return: no order
        a.add(2, 2, true, money("4"));
        a.add(3, 3, true, money("8"));
        a.add(9, 3, false, money("-1")); // never bought: in no cohort
        a.settle();
        (first, a)
    }

    #[test]
    fn customers_share_per_period_since_the_first_order() {
        let (first, a) = sample(Measure::Customers);
        let c = cohorts(&first, &a, Measure::Customers, (1, 3));
        let n = |k: u64| Some(Count::Customers(k));
        assert_eq!(
            c,
            [
                // Customer 3's cohort starts before the window: shown, periods 0 unmeasured.
                Cohort {
                    period: 0,
                    size: 1,
                    cells: vec![None, n(0), n(0), n(1)]
                },
                // Period 1: both ordered; period 2 only customer 0; period 3 a return only.
                Cohort {
                    period: 1,
                    size: 2,
                    cells: vec![n(2), n(1), n(0)]
                },
                Cohort {
                    period: 2,
                    size: 1,
                    cells: vec![n(1), n(0)]
                },
            ]
        );
    }

    #[test]
    fn activity_of_two_parts_merges_into_that_of_the_whole() {
        for measure in [Measure::Customers, Measure::Revenue] {
            let (first, whole) = sample(measure);
            let lines = [
                (0, 1, true, "10"),
                (1, 1, true, "5"),
                (0, 2, true, "7"),
                (0, 2, false, "-2"),
                (1, 3, false, "-5"),
                (2, 2, true, "4"),
                (3, 3, true, "8"),
                (9, 3, false, "-1"),
            ];
            for split in 0..=lines.len() {
                let (mut left, mut right) = (Activity::new(measure), Activity::new(measure));
                for (n, &(customer, period, purchase, amount)) in lines.iter().enumerate() {
                    let part = if n < split { &mut left } else { &mut right };
                    part.add(customer, period, purchase, money(amount));
                }
                left.merge(right);
                left.settle();
                assert_eq!(
                    cohorts(&first, &left, measure, (1, 3)),
                    cohorts(&first, &whole, measure, (1, 3)),
                    "{measure:?} split at {split}"
                );
                assert_eq!(left.active, whole.active);
            }
        }
    }

    #[test]
    fn revenue_is_net_per_cohort_and_period() {
        let (first, a) = sample(Measure::Revenue);
        let c = cohorts(&first, &a, Measure::Revenue, (1, 3));
        let m = |s: &str| Some(Count::Revenue(money(s)));
        assert_eq!(c[1].cells, vec![m("15"), m("5"), m("-5")]);
        assert_eq!(c[2].cells, vec![m("4"), m("0")]);
    }

    #[test]
    fn an_earlier_cohort_without_activity_in_the_window_is_left_out() {
        let first = vec![(0, 0), (1, 2)];
        let mut a = Activity::new(Measure::Customers);
        a.add(1, 2, true, money("1"));
        a.settle();
        let c = cohorts(&first, &a, Measure::Customers, (1, 2));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].period, 2);
    }
}
