//! The store under the folds: the tables that hold a fold's state per (scope, customer) or per
//! pair of ids, with the speed machinery that 10M lines over 1.25M customers need written once,
//! so that a KPI module keeps its per-line update and its formula.
//!
//! - [`Dense`]: a value per dense id (customer, order) in a plain vector. Updates are held back
//!   and applied [`BATCH`] at a time, their entries loaded first: in a tight loop of independent
//!   updates the processor overlaps the cache misses, instead of taking one after another.
//! - [`PerScope`]: a value per (scope, id): the main scope ([`ScopeId::MAIN`], the first one a
//!   line is routed to: without `--period` the whole window unsliced, which every measured line
//!   reaches) in a [`Dense`] vector, the other scopes (periods, slices) in a side map.
//! - [`Batched`]: the same batching in front of a [`PairMap`] keyed by two ids.
//!
//! The values are [`Merge`]able: two partial states combine into the state of the whole, so
//! that threads can fold partitions of the input and merge their stores.

use rustc_hash::FxHashMap as HashMap;

use super::pair_map::{Pair, PairMap};
use super::slice::ScopeId;

/// A partial state of a fold that combines with another into the state of both inputs:
/// associative and commutative, with the default as the state of no input (the stores list no
/// key whose value is the default).
pub trait Merge {
    fn merge(&mut self, other: Self);
}

/// A flag: set in either part, set in the whole.
impl Merge for bool {
    fn merge(&mut self, other: bool) {
        *self |= other;
    }
}

/// Presence alone: nothing to combine.
impl Merge for () {
    fn merge(&mut self, _: ()) {}
}

/// A count: the sum of the parts'.
impl Merge for u32 {
    fn merge(&mut self, other: u32) {
        *self += other;
    }
}

/// Updates held back before they are applied together.
pub const BATCH: usize = 4096;

/// `v[i]`, growing `v` with defaults as needed.
pub fn at<T: Default + Clone>(v: &mut Vec<T>, i: u32) -> &mut T {
    let i = i as usize;
    if i >= v.len() {
        v.resize(i + 1, T::default());
    }
    &mut v[i]
}

/// A value per dense id; the default value is no value.
#[derive(Clone, Debug, Default)]
pub struct Dense<V> {
    values: Vec<V>,
    /// Updates not yet merged into `values`.
    pending: Vec<(u32, V)>,
}

impl<V: Merge + Copy + Default + PartialEq> Dense<V> {
    /// Room for ids `0..ids` from the start (the vector grows past it as needed).
    pub fn with_ids(ids: usize) -> Dense<V> {
        Dense {
            values: vec![V::default(); ids],
            pending: Vec::new(),
        }
    }

    /// Merges `update` into the value of `id`, in the next batch. Consecutive updates of one id
    /// (the lines of one order) become one.
    #[inline]
    pub fn add(&mut self, id: u32, update: V) {
        match self.pending.last_mut() {
            Some((last, value)) if *last == id => value.merge(update),
            _ => {
                if self.pending.len() >= BATCH {
                    self.settle();
                }
                self.pending.push((id, update));
            }
        }
    }

    /// Merges `update` into the value of `id` at once, unbatched (ids that arrive in increasing
    /// order, such as orders, find their entries in cache anyway).
    pub fn add_now(&mut self, id: u32, update: V) {
        at(&mut self.values, id).merge(update);
    }

    /// Applies the held-back updates, their entries loaded first.
    pub fn settle(&mut self) {
        if let Some(last) = self.pending.iter().map(|p| p.0).max() {
            at(&mut self.values, last);
        }
        let values = &self.values;
        let touched = (self.pending.iter()).fold(false, |any, &(id, _)| {
            any ^ (values[id as usize] == V::default())
        });
        std::hint::black_box(touched);
        for (id, update) in self.pending.drain(..) {
            self.values[id as usize].merge(update);
        }
    }

    /// The value of `id`, once settled.
    pub fn get(&self, id: u32) -> Option<&V> {
        debug_assert!(self.pending.is_empty(), "read before settle()");
        self.values.get(id as usize).filter(|v| **v != V::default())
    }

    /// Every id with a value, in order, once settled.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &V)> {
        debug_assert!(self.pending.is_empty(), "read before settle()");
        (0u32..)
            .zip(&self.values)
            .filter(|(_, v)| **v != V::default())
    }

    pub fn merge(&mut self, mut other: Dense<V>) {
        other.settle();
        for (id, value) in other.values.into_iter().enumerate() {
            if value != V::default() {
                self.add(id as u32, value);
            }
        }
    }
}

/// A value per (scope, id): the main scope's in a [`Dense`] vector, the others in a map.
#[derive(Clone, Debug, Default)]
pub struct PerScope<V> {
    main: Dense<V>,
    sliced: HashMap<(ScopeId, u32), V>,
}

impl<V: Merge + Copy + Default + PartialEq> PerScope<V> {
    /// Room for ids `0..ids` of the main scope from the start: for a table of every customer,
    /// no growing and copying on the way.
    pub fn with_ids(ids: usize) -> PerScope<V> {
        PerScope {
            main: Dense::with_ids(ids),
            sliced: HashMap::default(),
        }
    }

    /// Merges `update` into the value of (`scope`, `id`); the main scope's in the next batch.
    #[inline]
    pub fn add(&mut self, scope: ScopeId, id: u32, update: V) {
        if scope == ScopeId::MAIN {
            self.main.add(id, update);
        } else {
            self.add_sliced(scope, id, update);
        }
    }

    /// [`PerScope::add`] unbatched: applied at once (ids that arrive in increasing order, such
    /// as orders, find their entries in cache anyway), and readable without a settle.
    #[inline]
    pub fn add_now(&mut self, scope: ScopeId, id: u32, update: V) {
        if scope == ScopeId::MAIN {
            self.main.add_now(id, update);
        } else {
            self.add_sliced(scope, id, update);
        }
    }

    fn add_sliced(&mut self, scope: ScopeId, id: u32, update: V) {
        self.sliced.entry((scope, id)).or_default().merge(update);
    }

    /// Applies the held-back updates, before reading.
    pub fn settle(&mut self) {
        self.main.settle();
    }

    /// The value of (`scope`, `id`), once settled; none where it is the default, in every
    /// scope alike.
    pub fn get(&self, scope: ScopeId, id: u32) -> Option<&V> {
        if scope == ScopeId::MAIN {
            self.main.get(id)
        } else {
            self.sliced
                .get(&(scope, id))
                .filter(|v| **v != V::default())
        }
    }

    /// Every (scope, id) with a value other than the default: the main scope's by id, then the
    /// others in no order.
    pub fn iter(&self) -> impl Iterator<Item = (ScopeId, u32, &V)> {
        let main = self.main.iter().map(|(id, v)| (ScopeId::MAIN, id, v));
        let sliced = (self.sliced.iter()).filter(|(_, v)| **v != V::default());
        main.chain(sliced.map(|(&(scope, id), v)| (scope, id, v)))
    }

    pub fn merge(&mut self, other: PerScope<V>) {
        self.main.merge(other.main);
        for (key, value) in other.sliced {
            self.sliced.entry(key).or_default().merge(value);
        }
    }
}

/// A [`PairMap`] whose updates are held back and applied a batch at a time, their slots loaded
/// first: by [`Batched::settle`] for values that [`Merge`], or by the fold itself
/// ([`Batched::drain`]).
#[derive(Debug)]
pub struct Batched<K, V> {
    map: PairMap<K, V>,
    pending: Vec<(K, V)>,
}

impl<K, V> Default for Batched<K, V> {
    fn default() -> Self {
        Batched {
            map: PairMap::default(),
            pending: Vec::new(),
        }
    }
}

impl<K: Pair, V: Copy + Default> Batched<K, V> {
    /// Holds back an update of `key`; true when the batch is full: time to apply it.
    #[inline]
    pub fn push(&mut self, key: K, update: V) -> bool {
        self.pending.push((key, update));
        self.pending.len() >= BATCH
    }

    /// The map and the held-back updates to apply to it, their slots loaded.
    pub fn drain(&mut self) -> (&mut PairMap<K, V>, std::vec::Drain<'_, (K, V)>) {
        self.map.touch(self.pending.iter().map(|p| p.0));
        (&mut self.map, self.pending.drain(..))
    }

    /// The map, to apply updates to directly.
    pub fn map_mut(&mut self) -> &mut PairMap<K, V> {
        &mut self.map
    }

    /// The map, once every update is applied.
    pub fn map(&self) -> &PairMap<K, V> {
        debug_assert!(self.pending.is_empty(), "read before settle()");
        &self.map
    }
}

impl<K: Pair, V: Copy + Default + Merge> Batched<K, V> {
    /// Applies the held-back updates, their slots loaded first.
    pub fn settle(&mut self) {
        let (map, updates) = self.drain();
        for (key, update) in updates {
            merge_into(map, key, update);
        }
    }

    /// This map's entries and `other`'s together.
    pub fn merge(&mut self, mut other: Batched<K, V>) {
        other.settle();
        self.settle();
        for (key, &value) in other.map.iter() {
            merge_into(&mut self.map, key, value);
        }
    }
}

/// A new key takes `update` as its value; a known one merges it in.
fn merge_into<K: Pair, V: Copy + Default + Merge>(map: &mut PairMap<K, V>, key: K, update: V) {
    let (value, inserted) = map.entry(key, update);
    if !inserted {
        value.merge(update);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test accumulator: a sum and a count.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    struct Sum(u64, u64);

    impl Merge for Sum {
        fn merge(&mut self, other: Sum) {
            self.0 += other.0;
            self.1 += other.1;
        }
    }

    fn fold(store: &mut PerScope<Sum>, updates: &[(u32, u32, u64)]) {
        for &(scope, id, n) in updates {
            store.add(ScopeId(scope), id, Sum(n, 1));
        }
    }

    fn sorted(store: &PerScope<Sum>) -> Vec<(ScopeId, u32, Sum)> {
        let mut all: Vec<_> = store.iter().map(|(s, i, v)| (s, i, *v)).collect();
        all.sort_by_key(|&(s, i, _)| (s, i));
        all
    }

    #[test]
    fn stores_fold_in_batches_and_merge_into_the_whole() {
        // More updates than a batch holds, in the main scope and in scopes 1 and 2.
        let a: Vec<(u32, u32, u64)> = (0..5000).map(|n| (n % 3, n % 7, u64::from(n))).collect();
        let b: Vec<(u32, u32, u64)> = vec![(0, 3, 100), (0, 9, 1), (2, 6, 5), (4, 1, 2)];
        let mut whole = PerScope::default();
        fold(&mut whole, &a);
        fold(&mut whole, &b);
        whole.settle();
        let (mut left, mut right) = (PerScope::default(), PerScope::default());
        fold(&mut left, &a);
        fold(&mut right, &b);
        left.merge(right);
        left.settle();
        assert_eq!(sorted(&left), sorted(&whole));
        // Main scope, id 3: the n = 3 (mod 21) of 0..5000 (238 of them) and b's 100.
        let threes: u64 = (0..5000).filter(|n| n % 21 == 3).sum();
        assert_eq!(
            whole.get(ScopeId::MAIN, 3),
            Some(&Sum(threes + 100, 238 + 1))
        );
        assert_eq!(whole.get(ScopeId(4), 1), Some(&Sum(2, 1)));
        assert_eq!(whole.get(ScopeId::MAIN, 8), None, "no update");
        let main = whole.iter().filter(|(s, _, _)| *s == ScopeId::MAIN);
        assert_eq!(main.count(), 8, "ids 0 to 6, and 9");
    }
}
