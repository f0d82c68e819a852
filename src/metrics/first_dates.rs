//! The first date each customer bought each item, with the values of that date's lines: what
//! "an item the customer had not bought before" needs (campaign- and loyalty-cross-sell).

use std::num::NonZeroU32;

use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;

use super::pair_map::{Bought, PairMap};
use super::store::Batched;

/// A date and a value of a line of that date (none when the line has none).
type Dated<T> = (NaiveDate, Option<T>);

/// Per (customer, item): the first date the customer bought the item, and the distinct values
/// (`T`) of that date's purchase lines. A date nearly always has one value or none, so the first
/// sits in the map's entry and any others in a side map. Values hold ids one up ([`one_up`]), so
/// that `Option<T>` takes no more room than `T`: an entry is 16 bytes for a campaign, 20 for a
/// (scope, order).

#[derive(Debug)]
pub(super) struct FirstDates<T> {
    /// Purchases are applied a batch at a time (see [`FirstDates::settle`]).
    first: Batched<Bought, Dated<T>>,
    more: HashMap<Bought, Vec<T>>,
}

/// `id + 1`, never zero (an id of `u32::MAX`, which interning never hands out, stays as it is).
pub(super) fn one_up(id: u32) -> NonZeroU32 {
    NonZeroU32::new(id.saturating_add(1)).unwrap_or(NonZeroU32::MIN)
}

impl<T> Default for FirstDates<T> {
    fn default() -> Self {
        FirstDates {
            first: Batched::default(),
            more: HashMap::default(),
        }
    }
}

impl<T: Copy + PartialEq> FirstDates<T> {
    /// Notes a purchase of `key` = (customer, item) on `date`, by a line with `values`.
    pub fn add(&mut self, key: Bought, date: NaiveDate, values: impl IntoIterator<Item = T>) {
        let (mut any, mut full) = (false, false);
        for value in values {
            full = self.first.push(key, (date, Some(value)));
            any = true;
        }
        if !any {
            full = self.first.push(key, (date, None));
        }
        if full {
            self.settle();
        }
    }

    /// Applies the purchases held back, before reading.
    pub fn settle(&mut self) {
        let (first, purchases) = self.first.drain();
        for (key, (date, value)) in purchases {
            apply(first, &mut self.more, key, date, value);
        }
    }

    /// The state of this fold's purchases and `other`'s together.
    pub fn merge(&mut self, mut other: FirstDates<T>) {
        other.settle();
        self.settle();
        // The smaller map's purchases into the larger, made room for first: a map with fewer
        // slots would take keys that come in the order of their hashes into ever longer runs
        // of full slots.
        if other.first.map().len() > self.first.map().len() {
            std::mem::swap(self, &mut other);
        }
        self.first.map_mut().reserve(other.first.map().len());
        let first = other.first.map();
        for (key, &(date, value)) in first.iter() {
            apply(self.first.map_mut(), &mut self.more, key, date, value);
        }
        for (key, values) in other.more {
            let date = first.get(key).map(|entry| entry.0);
            for value in values {
                if let Some(date) = date {
                    apply(self.first.map_mut(), &mut self.more, key, date, Some(value));
                }
            }
        }
    }

    /// Each value of a (customer, item)'s first date, with the pair and the date, once settled:
    /// the entries' own values, then the few in the side map (not probed for every entry).
    pub fn values(&self) -> impl Iterator<Item = (Bought, NaiveDate, T)> + '_ {
        let first = self.first.map();
        let firsts = (first.iter()).filter_map(|(key, &(date, value))| Some((key, date, value?)));
        let more = self.more.iter().flat_map(move |(&key, values)| {
            let date = first.get(key).map(|entry| entry.0);
            values
                .iter()
                .filter_map(move |&value| Some((key, date?, value)))
        });
        firsts.chain(more)
    }
}

/// Notes a purchase of `key` on `date` by a line with `value`: the first date and its values.
fn apply<T: Copy + PartialEq>(
    first: &mut PairMap<Bought, Dated<T>>,
    more: &mut HashMap<Bought, Vec<T>>,
    key: Bought,
    date: NaiveDate,
    value: Option<T>,
) {
    let (entry, _) = first.entry(key, (date, None));
    if date < entry.0 {
        *entry = (date, None);
        if !more.is_empty() {
            more.remove(&key);
        }
    }
    if date != entry.0 {
        return;
    }
    if let Some(value) = value {
        match entry.1 {
            None => entry.1 = Some(value),
            Some(first) if first == value => {}
            Some(_) => {
                let more = more.entry(key).or_default();
                if !more.contains(&value) {
                    more.push(value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, d).unwrap()
    }

    fn bought(customer: u32, item: u32) -> Bought {
        Bought { customer, item }
    }

    /// (customer, item, date, value) of every value, sorted.
    fn collect(f: &mut FirstDates<u32>) -> Vec<(u32, u32, NaiveDate, u32)> {
        f.settle();
        let mut all: Vec<_> = f
            .values()
            .map(|(key, date, value)| (key.customer, key.item, date, value))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn first_dates_keep_the_values_of_the_earliest_date_only() {
        let mut f = FirstDates::default();
        f.add(bought(1, 7), day(2), [10]);
        f.add(bought(1, 7), day(2), [11, 10]); // a second value on the same date, and a repeat
        f.add(bought(1, 7), day(3), [12]); // a later date: ignored
        f.add(bought(2, 7), day(5), []); // bought with no value
        f.add(bought(2, 8), day(4), [14]);
        assert_eq!(
            collect(&mut f),
            [(1, 7, day(2), 10), (1, 7, day(2), 11), (2, 8, day(4), 14)]
        );
        f.add(bought(1, 7), day(1), [13]); // an earlier date replaces the date and its values
        f.add(bought(2, 7), day(5), [15]); // a later value on the first date of a pair with none
        assert_eq!(
            collect(&mut f),
            [(1, 7, day(1), 13), (2, 7, day(5), 15), (2, 8, day(4), 14)]
        );
        // The map entries of the two folds: key, date and one value, ids one up.
        type Entry<T> = (Bought, Dated<T>);
        assert_eq!(std::mem::size_of::<Entry<NonZeroU32>>(), 16);
        assert_eq!(
            std::mem::size_of::<Entry<(crate::metrics::slice::ScopeId, NonZeroU32)>>(),
            20
        );
        assert_eq!((one_up(0).get(), one_up(u32::MAX).get()), (1, u32::MAX));
    }

    #[test]
    fn first_dates_of_two_parts_merge_into_those_of_the_whole() {
        type Purchase = (u32, u32, u32, &'static [u32]);
        let a: [Purchase; 4] = [
            (1, 7, 3, &[10, 11]),
            (2, 7, 5, &[]),
            (1, 8, 2, &[1]),
            (3, 1, 9, &[4]),
        ];
        let b: [Purchase; 4] = [
            (1, 7, 3, &[12]),
            (2, 7, 4, &[20]),
            (1, 8, 6, &[2]),
            (4, 4, 4, &[4]),
        ];
        let fold = |f: &mut FirstDates<u32>, part: &[Purchase]| {
            for &(c, i, d, values) in part {
                f.add(bought(c, i), day(d), values.iter().copied());
            }
        };
        let mut whole = FirstDates::default();
        fold(&mut whole, &a);
        fold(&mut whole, &b);
        let (mut left, mut right) = (FirstDates::default(), FirstDates::default());
        fold(&mut left, &a);
        fold(&mut right, &b);
        left.merge(right);
        let want = [
            (1, 7, day(3), 10), // three values on one date, from both parts
            (1, 7, day(3), 11),
            (1, 7, day(3), 12),
            (1, 8, day(2), 1),  // the later part's later date is dropped
            (2, 7, day(4), 20), // the later part's earlier date wins
            (3, 1, day(9), 4),
            (4, 4, day(4), 4),
        ];
        assert_eq!(collect(&mut whole), want);
        assert_eq!(collect(&mut left), want);
    }

    #[test]
    fn first_dates_of_a_larger_part_merge_into_it() {
        // The right part is the larger: the left one's purchases go into it, and the values
        // beyond the first of their first dates come with them.
        let mut left = FirstDates::default();
        left.add(bought(1, 7), day(3), [10, 11]);
        let mut right = FirstDates::default();
        right.add(bought(5000, 7), day(2), [20, 21, 22]);
        right.add(bought(5000, 8), day(4), [23]);
        right.add(bought(2, 7), day(1), [24, 25]);
        left.merge(right);
        let want = [
            (1, 7, day(3), 10),
            (1, 7, day(3), 11),
            (2, 7, day(1), 24),
            (2, 7, day(1), 25),
            (5000, 7, day(2), 20),
            (5000, 7, day(2), 21),
            (5000, 7, day(2), 22),
            (5000, 8, day(4), 23),
        ];
        assert_eq!(collect(&mut left), want);
    }
}
