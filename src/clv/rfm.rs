//! The RFM summary the CLV models take: per customer the number of repeat purchase days, the
//! recency and age in a time unit, and the mean value of the repeat purchase days, as lifetimes'
//! `summary_data_from_transaction_data` defines them (with `freq='D'`).
//!
//! A customer's purchase days are the distinct dates of their purchase lines (amount > 0, as
//! everywhere in xsell) on or before the observation end; the lines of one day are summed. With
//! days d₁ < d₂ < … < dₖ, day values v₁ … vₖ and the end date E:
//!
//! ```text
//! frequency x      = k − 1                      (repeat purchase days)
//! recency t_x      = (dₖ − d₁) / u              (0 when x = 0)
//! age T            = (E − d₁) / u
//! monetary value m = (v₂ + … + vₖ) / x          (0 when x = 0; the first day is left out)
//! ```
//!
//! where u is the unit's length in days ([`TimeUnit::days`]): 1 for `day`, 7 for `week`
//! (lifetimes' `freq='D', freq_multiplier=7`: exact fractions of a week, not calendar weeks) and
//! 365.25/12 = 30.4375 for `month` (the mean Gregorian month; lifetimes' `freq='M'` would count
//! calendar months instead, so T would jump at month ends).
//!
//! Streaming: [`RfmAccumulator`] takes lines `(customer, date, amount)` in any order and keeps
//! per customer only its sorted distinct purchase days and two exact sums (the whole and the
//! first day's). Counting distinct days needs the days themselves when lines arrive out of order
//! (a later line can fall on any earlier day), and xsell reads files in parallel chunks whose
//! order is not the date order; a customer has few purchase days, so the set is small (4 bytes a
//! day). Requiring date-sorted lines instead would save that set but break chunked reading and
//! the merge. Accumulators of disjoint chunks [`merge`](RfmAccumulator::merge) into the one of the
//! whole. Lines are applied a batch at a time, their customers' entries loaded first (a table
//! of millions read at random: the misses overlap). Memory: 64 bytes a customer (in pages of
//! 4,096 ids, so that each of the engine's fold threads holds its own customers' pages only) and
//! 4 a purchase day (plus the allocator's overhead of each customer's day list), roughly 140 MB
//! for 1.25 million customers with 8 purchase days each.

use chrono::{Datelike as _, NaiveDate};

use crate::money::Money;

/// The time unit of recency, age and predictions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Day,
    Week,
    Month,
}

/// Days in the mean Gregorian month, 365.25 / 12.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// lifetimes' months of a CLV horizon in weeks (`_customer_lifetime_value`: `'W': 4.345`).
pub const WEEKS_PER_CLV_MONTH: f64 = 4.345;
/// lifetimes' months of a CLV horizon in days (`'D': 30`).
pub const DAYS_PER_CLV_MONTH: f64 = 30.0;

impl TimeUnit {
    /// The unit's length in days: 1, 7, or [`DAYS_PER_MONTH`].
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => DAYS_PER_MONTH,
        }
    }

    /// Units in one month of a CLV horizon, as lifetimes counts them: 30 days, 4.345 weeks,
    /// 1 month. (30 days and 4.345 weeks = 30.415 days are lifetimes' constants, kept so that
    /// values match it; they are not [`DAYS_PER_MONTH`].)
    pub fn per_clv_month(self) -> f64 {
        match self {
            TimeUnit::Day => DAYS_PER_CLV_MONTH,
            TimeUnit::Week => WEEKS_PER_CLV_MONTH,
            TimeUnit::Month => 1.0,
        }
    }

    /// `day`, `week` or `month`.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
        }
    }
}

/// One customer's RFM summary (lifetimes' `frequency`, `recency`, `T`, `monetary_value`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rfm {
    /// x: purchase days after the first.
    pub frequency: u32,
    /// t_x: time from the first to the last purchase day, in the time unit.
    pub recency: f64,
    /// T: time from the first purchase day to the observation end, in the time unit.
    pub age: f64,
    /// m: mean value of the repeat purchase days (0 when `frequency` is 0).
    pub monetary_value: f64,
}

impl Rfm {
    pub fn new(frequency: u32, recency: f64, age: f64, monetary_value: f64) -> Rfm {
        Rfm {
            frequency,
            recency,
            age,
            monetary_value,
        }
    }

    /// Why the summary cannot come from purchases (lifetimes' `_check_inputs`): a value not
    /// finite or negative, recency > age, or recency ≠ 0 with no repeat purchase.
    pub fn problem(&self) -> Option<String> {
        let Rfm {
            frequency,
            recency,
            age,
            monetary_value,
        } = *self;
        if !(recency.is_finite() && age.is_finite() && monetary_value.is_finite()) {
            return Some(format!(
                "recency {recency}, age {age} and monetary value {monetary_value} must be finite"
            ));
        }
        if recency < 0.0 || age < 0.0 {
            return Some(format!(
                "recency {recency} and age {age} must not be negative"
            ));
        }
        if recency > age {
            return Some(format!(
                "recency {recency} is larger than age {age} (the last purchase is after the end)"
            ));
        }
        if frequency == 0 && recency != 0.0 {
            return Some(format!(
                "recency {recency} with no repeat purchase (it must be 0)"
            ));
        }
        None
    }
}

/// One customer's purchase days so far: the sorted distinct days (days from the common era),
/// exact sums of all their purchases and of the first day's, and the tag of their first
/// purchase line (of the earliest day; of several that day, the first added).
#[derive(Clone, Debug, Default)]
struct Days {
    days: Vec<i32>,
    first_amount: Money,
    total: Money,
    tag: u32,
}

impl Days {
    fn add(&mut self, day: i32, amount: Money, tag: u32) {
        self.total += amount;
        match self.days.first() {
            Some(&first) if day > first => {}
            Some(&first) if day == first => self.first_amount += amount,
            _ => {
                self.first_amount = amount;
                self.tag = tag;
            }
        }
        if let Err(at) = self.days.binary_search(&day) {
            self.days.insert(at, day);
        }
    }

    /// Adds the days of `other`, read after these: on the same first day this tag stays.
    fn merge(&mut self, other: Days) {
        match (self.days.first(), other.days.first()) {
            (_, None) => return,
            (None, Some(_)) => {
                *self = other;
                return;
            }
            (Some(a), Some(b)) if b < a => {
                self.first_amount = other.first_amount;
                self.tag = other.tag;
            }
            (Some(a), Some(b)) if a == b => self.first_amount += other.first_amount,
            _ => {}
        }
        self.total += other.total;
        self.days.extend(other.days);
        self.days.sort_unstable();
        self.days.dedup();
    }

    fn summary(&self, end: i32, unit: TimeUnit) -> Option<Rfm> {
        let (&first, &last) = (self.days.first()?, self.days.last()?);
        let frequency = u32::try_from(self.days.len() - 1).unwrap_or(u32::MAX);
        let repeat = self.total - self.first_amount;
        let u = unit.days();
        Some(Rfm {
            frequency,
            recency: f64::from(last - first) / u,
            age: f64::from(end - first) / u,
            monetary_value: repeat.per(u64::from(frequency)).unwrap_or(0.0),
        })
    }
}

/// A purchase line added but not yet applied: customer, day, amount, tag.
type Pending = (u32, i32, Money, u32);

/// Lines held back before they are applied together (see [`RfmAccumulator::settle`]).
const BATCH: usize = 4096;

/// Customers per page of [`Pages`]: 4096, the blocks of customer ids the engine's fold threads
/// take (`metrics::page_of`).
const PAGE_BITS: u32 = 12;
const PAGE: usize = 1 << PAGE_BITS;

/// Customers' entries in pages of [`PAGE`] ids, a page allocated when one of its customers
/// first buys: a fold thread of the engine, which sees whole blocks of customer ids, holds its
/// own blocks' pages only.
#[derive(Clone, Debug, Default)]
struct Pages {
    pages: Vec<Option<Box<[Days]>>>,
}

impl Pages {
    /// The entry of `customer`, its page allocated if need be.
    #[inline]
    fn slot(&mut self, customer: u32) -> &mut Days {
        let page = (customer >> PAGE_BITS) as usize;
        if page >= self.pages.len() {
            self.pages.resize_with(page + 1, || None);
        }
        let entries = self.pages[page].get_or_insert_with(|| vec![Days::default(); PAGE].into());
        &mut entries[customer as usize & (PAGE - 1)]
    }

    /// The entry of `customer`, whose page [`slot`](Pages::slot) allocated.
    #[inline]
    fn allocated(&mut self, customer: u32) -> &mut Days {
        let page = self.pages[(customer >> PAGE_BITS) as usize].as_deref_mut();
        &mut page.expect("a page slot() allocated")[customer as usize & (PAGE - 1)]
    }

    fn get(&self, customer: u32) -> Option<&Days> {
        let page = self.pages.get((customer >> PAGE_BITS) as usize)?.as_ref()?;
        page.get(customer as usize & (PAGE - 1))
    }

    /// Every entry of the allocated pages, in customer order.
    fn iter(&self) -> impl Iterator<Item = (u32, &Days)> {
        (self.pages.iter().enumerate())
            .filter_map(|(p, page)| Some((p, page.as_ref()?)))
            .flat_map(|(p, page)| {
                (page.iter().enumerate()).map(move |(i, d)| (((p << PAGE_BITS) + i) as u32, d))
            })
    }

    /// Adds the entries of `other`, read after these.
    fn merge(&mut self, other: Pages) {
        if other.pages.len() > self.pages.len() {
            self.pages.resize_with(other.pages.len(), || None);
        }
        for (mine, theirs) in self.pages.iter_mut().zip(other.pages) {
            match (mine.as_mut(), theirs) {
                (_, None) => {}
                (None, theirs) => *mine = theirs,
                (Some(mine), Some(theirs)) => {
                    for (m, t) in mine.iter_mut().zip(theirs.into_vec()) {
                        m.merge(t);
                    }
                }
            }
        }
    }
}

/// Per-customer purchase days from order lines in any order, up to an observation end date
/// (see the module doc). Customers are dense indices, as xsell's customer tables give them.
///
/// Lines are applied [`BATCH`] at a time, each customer's entry and day list loaded first: the
/// customers of consecutive lines are scattered over a table of millions, and loading their
/// entries together overlaps the cache misses instead of taking one after another. Reading
/// the summaries needs [`settle`](RfmAccumulator::settle) (or [`end_at`](RfmAccumulator::end_at))
/// after the last line: a read before it panics, never miscounts.
#[derive(Clone, Debug)]
pub struct RfmAccumulator {
    end: NaiveDate,
    customers: Pages,
    pending: Vec<Pending>,
}

impl RfmAccumulator {
    /// An empty accumulator for purchases on or before `end` (lifetimes'
    /// `observation_period_end`, inclusive).
    pub fn new(end: NaiveDate) -> RfmAccumulator {
        RfmAccumulator {
            end,
            customers: Pages::default(),
            pending: Vec::new(),
        }
    }

    /// The observation end date.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Moves the observation end, after the lines were added, to `end`: the data's last date
    /// when no end was given (every line added lies on or before it). Settles the lines.
    pub fn end_at(&mut self, end: NaiveDate) {
        self.settle();
        self.end = end;
    }

    /// Adds one order line; returns whether it counted: a purchase (amount > 0) on or before the
    /// end date. Other lines (returns, zero lines, later dates) change nothing.
    pub fn add(&mut self, customer: u32, date: NaiveDate, amount: Money) -> bool {
        self.add_tagged(customer, date, amount, 0)
    }

    /// [`add`](RfmAccumulator::add), with the line's `tag`: the customer's [`tag`] when it is
    /// their first purchase line.
    ///
    /// [`tag`]: RfmAccumulator::tag
    pub fn add_tagged(&mut self, customer: u32, date: NaiveDate, amount: Money, tag: u32) -> bool {
        if !amount.is_positive() || date > self.end {
            return false;
        }
        if self.pending.len() >= BATCH {
            self.settle();
        }
        (self.pending).push((customer, date.num_days_from_ce(), amount, tag));
        true
    }

    /// Applies the lines held back, in the order they were added: each customer's entry, then
    /// its day list, loaded before any is changed.
    pub fn settle(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        let customers = &mut self.customers;
        let entries = (pending.iter()).fold(0, |any, p| any ^ customers.slot(p.0).days.len());
        let days = (pending.iter()).fold(0, |any, p| {
            any ^ (customers.allocated(p.0).days.first()).map_or(0, |&d| d as usize)
        });
        std::hint::black_box((entries, days));
        for (customer, day, amount, tag) in pending.drain(..) {
            customers.allocated(customer).add(day, amount, tag);
        }
        self.pending = pending;
    }

    /// Adds the lines another accumulator (of the same end date) has seen.
    pub fn merge(&mut self, mut other: RfmAccumulator) {
        self.settle();
        other.settle();
        debug_assert_eq!(
            self.end, other.end,
            "merging accumulators of different ends"
        );
        self.customers.merge(other.customers);
    }

    /// The customer's distinct purchase days so far (0 for an unknown customer). For a holdout
    /// period, lifetimes' `frequency_holdout` is this count in an accumulator ending at the
    /// holdout's end minus the count in one ending at the calibration's end.
    pub fn purchase_days(&self, customer: u32) -> usize {
        self.assert_settled();
        self.customers.get(customer).map_or(0, |d| d.days.len())
    }

    /// The customer's first purchase day so far (days from the common era); `None` before any.
    pub fn first_day(&self, customer: u32) -> Option<i32> {
        self.assert_settled();
        self.customers.get(customer)?.days.first().copied()
    }

    /// The tag of the customer's first purchase line (0 for a customer without one).
    pub fn tag(&self, customer: u32) -> u32 {
        self.assert_settled();
        self.customers.get(customer).map_or(0, |d| d.tag)
    }

    fn assert_settled(&self) {
        assert!(
            self.pending.is_empty(),
            "RfmAccumulator read before settle(): lines added but not applied"
        );
    }

    /// The summary of every customer with a purchase, in customer order: `(customer, Rfm)`.
    pub fn summaries(&self, unit: TimeUnit) -> impl Iterator<Item = (u32, Rfm)> + '_ {
        self.assert_settled();
        let end = self.end.num_days_from_ce();
        (self.customers.iter()).filter_map(move |(c, days)| Some((c, days.summary(end, unit)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn money(units: i64) -> Money {
        Money::units(units)
    }

    fn all(acc: &RfmAccumulator, unit: TimeUnit) -> Vec<(u32, Rfm)> {
        acc.summaries(unit).collect()
    }

    /// Customer 0 buys on Jan 1 (10 + 5), Jan 8 (20) and Jan 29 (30 − a return of 4 that is
    /// not a purchase); customer 1 once on Jan 15; customer 2 only returns; end Feb 5.
    ///   0: x = 2, t_x = 28 days, T = 35 days, m = (20 + 30) / 2 = 25
    ///   1: x = 0, t_x = 0, T = 21 days, m = 0
    fn lines() -> Vec<(u32, &'static str, i64)> {
        vec![
            (0, "2024-01-01", 10),
            (0, "2024-01-08", 20),
            (1, "2024-01-15", 7),
            (0, "2024-01-01", 5),
            (0, "2024-01-29", 30),
            (0, "2024-01-29", -4),
            (2, "2024-01-20", -9),
            (0, "2024-02-06", 100), // after the end
        ]
    }

    fn expected_days() -> Vec<(u32, Rfm)> {
        vec![
            (0, Rfm::new(2, 28.0, 35.0, 25.0)),
            (1, Rfm::new(0, 0.0, 21.0, 0.0)),
        ]
    }

    fn accumulate(lines: &[(u32, &str, i64)]) -> RfmAccumulator {
        let mut acc = RfmAccumulator::new(date("2024-02-05"));
        for &(c, d, a) in lines {
            acc.add(c, date(d), money(a));
        }
        acc.settle();
        acc
    }

    /// Customer 0: a return on Jan 1 (no purchase), app (tag 1) on Jan 5, web (2) on Jan 3,
    /// then app again on Jan 3 (a tie: web was read first); customer 1: one purchase after the
    /// end.
    const TAGGED: [(u32, &str, i64, u32); 5] = [
        (0, "2025-01-01", -5, 9),
        (0, "2025-01-05", 10, 1),
        (0, "2025-01-03", 10, 2),
        (0, "2025-01-03", 10, 1),
        (1, "2025-03-01", 10, 3),
    ];

    fn tagged(lines: &[(u32, &str, i64, u32)]) -> RfmAccumulator {
        let mut acc = RfmAccumulator::new(date("2025-02-01"));
        for &(c, d, amount, tag) in lines {
            acc.add_tagged(c, date(d), money(amount), tag);
        }
        acc.settle();
        acc
    }

    #[test]
    fn the_first_purchase_line_tags_the_customer() {
        let acc = tagged(&TAGGED);
        assert_eq!(acc.tag(0), 2);
        assert_eq!(acc.tag(1), 0);
        assert_eq!(acc.purchase_days(0), 2);
    }

    #[test]
    fn tags_of_parts_merged_in_reading_order_give_the_whole() {
        for split in 0..=TAGGED.len() {
            let mut acc = tagged(&TAGGED[..split]);
            acc.merge(tagged(&TAGGED[split..]));
            assert_eq!((acc.tag(0), acc.tag(1)), (2, 0), "split at {split}");
        }
    }

    #[test]
    fn only_the_pages_of_customers_seen_are_held() {
        // Customers 5000 and 5001 share the second page of 4096 ids; 20000 is on the fifth.
        let mut acc = RfmAccumulator::new(date("2024-02-05"));
        for c in [5000, 5001, 20000] {
            acc.add(c, date("2024-01-01"), money(1));
        }
        acc.settle();
        let held: Vec<usize> = (acc.customers.pages.iter().enumerate())
            .filter_map(|(p, page)| page.as_ref().map(|_| p))
            .collect();
        assert_eq!(held, [1, 4]);
        let seen: Vec<u32> = all(&acc, TimeUnit::Day).iter().map(|(c, _)| *c).collect();
        assert_eq!(seen, [5000, 5001, 20000]);
    }

    #[test]
    fn lines_past_a_batch_are_all_applied_in_order() {
        // 3 batches' worth of lines over 1000 customers, against each customer's days and
        // sums kept in a set by the test; the tag of the first line on the first day.
        let start = date("2024-01-01");
        let mut acc = RfmAccumulator::new(date("2024-12-31"));
        let mut want: Vec<(std::collections::BTreeMap<i64, i64>, Option<u32>)> =
            vec![Default::default(); 1000];
        for i in 0..3 * BATCH as u32 + 17 {
            let c = (i * 7919) % 1000;
            let offset = i64::from((i * 31) % 90);
            let amount = i64::from(i % 13) + 1;
            let day = start + chrono::Days::new(offset as u64);
            assert!(acc.add_tagged(c, day, money(amount), i));
            let (days, tag) = &mut want[c as usize];
            if days.keys().next().is_none_or(|&first| offset < first) {
                *tag = Some(i);
            }
            *days.entry(offset).or_default() += amount;
        }
        acc.settle();
        let got = all(&acc, TimeUnit::Day);
        assert_eq!(got.len(), 1000);
        for (c, rfm) in got {
            let (days, tag) = &want[c as usize];
            let (first, last) = (*days.keys().next().unwrap(), *days.keys().last().unwrap());
            let repeat: i64 = days.values().skip(1).sum();
            let x = days.len() as u32 - 1;
            let m = if x == 0 {
                0.0
            } else {
                repeat as f64 / f64::from(x)
            };
            let age = (date("2024-12-31") - start).num_days() - first;
            let expected = Rfm::new(x, (last - first) as f64, age as f64, m);
            assert_eq!(rfm, expected, "customer {c}");
            assert_eq!(Some(acc.tag(c)), *tag, "customer {c}");
        }
    }

    #[test]
    fn hand_worked_summary_in_days_weeks_months() {
        let acc = accumulate(&lines());
        assert_eq!(all(&acc, TimeUnit::Day), expected_days());
        let weeks = all(&acc, TimeUnit::Week);
        assert_eq!(weeks[0].1, Rfm::new(2, 4.0, 5.0, 25.0));
        assert_eq!(weeks[1].1, Rfm::new(0, 0.0, 3.0, 0.0));
        let months = all(&acc, TimeUnit::Month);
        assert_eq!(months[0].1.recency, 28.0 / 30.4375);
        assert_eq!(months[0].1.age, 35.0 / 30.4375);
    }

    #[test]
    fn add_says_what_counted() {
        let mut acc = RfmAccumulator::new(date("2024-02-05"));
        assert!(acc.add(3, date("2024-02-05"), money(1)));
        assert!(!acc.add(3, date("2024-02-06"), money(1)));
        assert!(!acc.add(3, date("2024-01-06"), Money::ZERO));
        assert!(!acc.add(3, date("2024-01-06"), money(-1)));
        acc.settle();
        assert_eq!(
            all(&acc, TimeUnit::Day),
            vec![(3, Rfm::new(0, 0.0, 0.0, 0.0))]
        );
        assert_eq!(acc.purchase_days(3), 1);
        assert_eq!(acc.purchase_days(0), 0);
        assert_eq!(acc.purchase_days(99), 0);
    }

    #[test]
    fn line_order_and_chunking_do_not_matter() {
        let lines = lines();
        let expected = expected_days();
        // Every rotation and the reverse, each split at every point into two merged chunks.
        let mut orders: Vec<Vec<_>> = (0..lines.len())
            .map(|k| {
                let mut l = lines.clone();
                l.rotate_left(k);
                l
            })
            .collect();
        orders.push(lines.iter().rev().cloned().collect());
        for order in orders {
            assert_eq!(all(&accumulate(&order), TimeUnit::Day), expected);
            for split in 0..=order.len() {
                let mut a = accumulate(&order[..split]);
                a.merge(accumulate(&order[split..]));
                assert_eq!(all(&a, TimeUnit::Day), expected, "split at {split}");
                let mut b = accumulate(&order[split..]);
                b.merge(accumulate(&order[..split]));
                assert_eq!(
                    all(&b, TimeUnit::Day),
                    expected,
                    "split at {split}, reversed"
                );
            }
        }
    }

    #[test]
    fn problems_lifetimes_refuses() {
        assert_eq!(Rfm::new(2, 3.0, 5.0, 1.0).problem(), None);
        assert!(
            Rfm::new(2, 6.0, 5.0, 1.0)
                .problem()
                .unwrap()
                .contains("larger than age")
        );
        assert!(
            Rfm::new(0, 1.0, 5.0, 0.0)
                .problem()
                .unwrap()
                .contains("no repeat")
        );
        assert!(
            Rfm::new(1, -1.0, 5.0, 1.0)
                .problem()
                .unwrap()
                .contains("negative")
        );
        assert!(
            Rfm::new(1, 1.0, f64::NAN, 1.0)
                .problem()
                .unwrap()
                .contains("finite")
        );
    }
}
