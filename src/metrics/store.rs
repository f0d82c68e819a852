//! The store under the folds: the tables that hold a fold's state per (scope, customer) or per
//! pair of ids, with the speed machinery that 10M lines over 1.25M customers need written once,
//! so that a KPI module keeps its per-line update and its formula.
//!
//! - [`Dense`]: a value per dense id (customer, order) in pages of ids. Updates are held back and
//!   applied [`BATCH`] at a time, their entries loaded first: in a tight loop of independent
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

/// Ids per page of a [`Dense`] store.
const PAGE_BITS: u32 = 12;
const PAGE: usize = 1 << PAGE_BITS;

/// The page of `id` in a [`Dense`] store.
pub fn page_of(id: u32) -> u32 {
    id >> PAGE_BITS
}

/// A value per dense id; the default value is no value. The values lie in pages of [`PAGE`]
/// ids, allocated when one of their ids first gets a value: a fold of one partition of the
/// customers (the engine's fold threads, by blocks of ids) holds only its own customers' pages.
#[derive(Clone, Debug, Default)]
pub struct Dense<V> {
    pages: Vec<Option<Box<[V; PAGE]>>>,
    /// Updates not yet merged into the pages.
    pending: Vec<(u32, V)>,
}

impl<V: Merge + Copy + Default + PartialEq> Dense<V> {
    /// Room for ids `0..ids` from the start (it grows past it as needed).
    pub fn with_ids(ids: usize) -> Dense<V> {
        let mut dense = Dense::default();
        if let Some(last) = ids.checked_sub(1) {
            for page in 0..=last >> PAGE_BITS {
                dense.slot((page << PAGE_BITS) as u32);
            }
        }
        dense
    }

    /// The value of `id`, its page allocated if need be.
    #[inline]
    fn slot(&mut self, id: u32) -> &mut V {
        let page = page_of(id) as usize;
        if page >= self.pages.len() {
            self.pages.resize_with(page + 1, || None);
        }
        let values = self.pages[page].get_or_insert_with(|| Box::new([V::default(); PAGE]));
        &mut values[id as usize & (PAGE - 1)]
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
        self.slot(id).merge(update);
    }

    /// Applies the held-back updates, their entries loaded first.
    pub fn settle(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        let touched = (pending.iter()).fold(false, |any, &(id, _)| {
            any ^ (*self.slot(id) == V::default())
        });
        std::hint::black_box(touched);
        for (id, update) in pending.drain(..) {
            self.slot(id).merge(update);
        }
        self.pending = pending;
    }

    /// The value of `id`, once settled.
    pub fn get(&self, id: u32) -> Option<&V> {
        debug_assert!(self.pending.is_empty(), "read before settle()");
        let values = self.pages.get(page_of(id) as usize)?.as_ref()?;
        Some(&values[id as usize & (PAGE - 1)]).filter(|v| **v != V::default())
    }

    /// Every id with a value, in order, once settled.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &V)> {
        debug_assert!(self.pending.is_empty(), "read before settle()");
        let pages = (0u32..).zip(&self.pages);
        let pages = pages.filter_map(|(page, values)| Some((page << PAGE_BITS, values.as_ref()?)));
        pages
            .flat_map(|(first, values)| (first..).zip(values.iter()))
            .filter(|(_, v)| **v != V::default())
    }

    /// This store's values and `other`'s together. A page only `other` has is taken over as it
    /// is: stores of disjoint partitions of the ids merge without a copy.
    pub fn merge(&mut self, mut other: Dense<V>) {
        other.settle();
        if other.pages.len() > self.pages.len() {
            self.pages.resize_with(other.pages.len(), || None);
        }
        for (mine, theirs) in self.pages.iter_mut().zip(other.pages) {
            let Some(theirs) = theirs else {
                continue;
            };
            match mine {
                None => *mine = Some(theirs),
                Some(mine) => {
                    for (m, t) in mine.iter_mut().zip(theirs.iter()) {
                        if *t != V::default() {
                            m.merge(*t);
                        }
                    }
                }
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

    /// This store's values and `other`'s together, the smaller map's taken into the larger,
    /// made room for first (a map with fewer slots would take keys that come in the order of
    /// their hashes into ever longer runs of full slots).
    pub fn merge(&mut self, mut other: PerScope<V>) {
        if other.sliced.len() > self.sliced.len() {
            std::mem::swap(self, &mut other);
        }
        self.main.merge(other.main);
        self.sliced.reserve(other.sliced.len());
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

    /// This map's entries and `other`'s together, the smaller map's taken into the larger
    /// (made room for first: [`PairMap::reserve`]).
    pub fn merge(&mut self, mut other: Batched<K, V>) {
        other.settle();
        self.settle();
        if other.map.len() > self.map.len() {
            std::mem::swap(self, &mut other);
        }
        self.map.reserve(other.map.len());
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

    #[test]
    fn dense_pages_hold_only_ids_with_values_and_merge_whole() {
        // Ids 5 and 4100 lie in pages 0 and 1; 3 * 4096 + 1 in page 3; page 2 is never touched.
        let mut left: Dense<u32> = Dense::default();
        left.add(5, 1);
        left.add(4100, 2);
        let mut right: Dense<u32> = Dense::default();
        right.add(4100, 10);
        right.add(3 * 4096 + 1, 7);
        right.settle();
        assert_eq!(
            right.pages.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, true, false, true]
        );
        left.merge(right);
        left.settle();
        assert_eq!(
            left.iter().map(|(id, v)| (id, *v)).collect::<Vec<_>>(),
            [(5, 1), (4100, 12), (3 * 4096 + 1, 7)]
        );
        assert_eq!(left.get(2 * 4096 + 9), None, "a page never touched");
        assert_eq!(left.get(6), None, "a default value is no value");
        assert_eq!(Dense::<u32>::with_ids(4097).pages.len(), 2);
    }
}
