//! A map keyed by a pair of dense ids, such as (customer, item), for folds with millions of
//! keys: an [`OpenTable`] whose slots hold the key and the value side by side, so that an update
//! reads one slot (usually one cache line). A batch of updates can load its slots first
//! ([`PairMap::touch`]), independent loads that the processor overlaps, instead of one cache
//! miss after another.

use crate::open_table::{Entry, OpenTable, spread};

/// A key of two dense ids, 8 bytes aligned to 4 (so that a slot packs tightly).
pub(super) trait Pair: Copy + Eq {
    /// The key of an empty slot: no pair of ids reaches it (that takes four billion ids).
    const VACANT: Self;
    /// Both ids, the first in the high half.
    fn bits(self) -> u64;
}

/// Declares a key of a customer and one other dense id.
macro_rules! customer_and {
    ($(#[$doc:meta])* $name:ident, $other:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(super) struct $name {
            pub customer: u32,
            pub $other: u32,
        }

        impl Pair for $name {
            const VACANT: Self = $name {
                customer: u32::MAX,
                $other: u32::MAX,
            };
            fn bits(self) -> u64 {
                u64::from(self.customer) << 32 | u64::from(self.$other)
            }
        }
    };
}

customer_and!(
    /// A customer and an item (a product or a category) they bought.
    Bought,
    item
);
customer_and!(
    /// A customer and a campaign their lines are attributed to.
    Attributed,
    campaign
);
customer_and!(
    /// A customer and a period (its key's bits) in which they ordered.
    Ordered,
    period
);

#[cfg(test)]
impl Pair for (u32, u32) {
    const VACANT: Self = (u32::MAX, u32::MAX);
    fn bits(self) -> u64 {
        u64::from(self.0) << 32 | u64::from(self.1)
    }
}

fn hash<K: Pair>(key: K) -> u64 {
    let k = key.bits();
    spread(k ^ k >> 29)
}

impl<K: Pair, V: Copy + Default> Entry for (K, V) {
    fn vacant() -> Self {
        (K::VACANT, V::default())
    }

    fn is_vacant(&self) -> bool {
        self.0 == K::VACANT
    }

    fn hash(&self) -> u64 {
        hash(self.0)
    }
}

#[derive(Clone, Debug)]
pub(super) struct PairMap<K, V> {
    table: OpenTable<(K, V)>,
}

impl<K, V> Default for PairMap<K, V> {
    fn default() -> Self {
        PairMap {
            table: OpenTable::default(),
        }
    }
}

impl<K: Pair, V: Copy + Default> PairMap<K, V> {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Makes room for `more` keys at once ([`OpenTable::reserve`]): before taking in another
    /// map's keys.
    pub fn reserve(&mut self, more: usize) {
        self.table.reserve(more);
    }

    pub fn get(&self, key: K) -> Option<&V> {
        self.table.get(hash(key), |e| e.0 == key).map(|(_, v)| v)
    }

    /// The value of `key`, inserted as `value` if absent; whether it was.
    #[inline]
    pub fn entry(&mut self, key: K, value: V) -> (&mut V, bool) {
        debug_assert!(key != K::VACANT);
        self.table.reserve_one();
        let Some(i) = self.table.find(hash(key), |e| e.0 == key) else {
            unreachable!("a reserved table has slots");
        };
        let inserted = self.table.slot(i).is_vacant();
        if inserted {
            self.table.fill(i, (key, value));
        }
        (&mut self.table.slot_mut(i).1, inserted)
    }

    /// Loads the home slots of `keys`, so that updating them next finds them in cache.
    pub fn touch(&self, keys: impl Iterator<Item = K>) {
        self.table.touch(keys.map(hash));
    }

    pub fn iter(&self) -> impl Iterator<Item = (K, &V)> {
        self.table.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_found_updated_and_listed() {
        let mut map: PairMap<(u32, u32), u64> = PairMap::default();
        assert_eq!(map.get((1, 2)), None);
        map.touch([(1, 2)].into_iter()); // an empty table: nothing to load
        assert_eq!(map.entry((1, 2), 10), (&mut 10, true));
        *map.entry((1, 2), 99).0 += 1;
        assert_eq!(map.entry((2, 1), 20), (&mut 20, true));
        assert_eq!(
            (map.get((1, 2)), map.get((2, 1)), map.get((2, 2))),
            (Some(&11), Some(&20), None)
        );
        // Enough keys to grow the table several times: (c, i) -> c * 1000 + i.
        for c in 0..300 {
            for i in 0..10 {
                map.entry((c, i), u64::from(c * 1000 + i));
            }
        }
        map.touch((0..300).map(|c| (c, 3)));
        assert_eq!(map.len(), 3000, "(1, 2) and (2, 1) were among them");
        assert_eq!(map.get((1, 2)), Some(&11), "kept its value");
        assert_eq!(map.get((2, 1)), Some(&20), "kept its value");
        assert_eq!(map.get((299, 9)), Some(&299_009));
        assert_eq!(map.get((300, 0)), None);
        // 3000 keys in at most three quarters of a power of two: 4096 * 3 / 4 = 3072 >= 3000.
        assert_eq!(map.table.capacity(), 4096);
        let mut all: Vec<_> = map.iter().map(|(k, v)| (k, *v)).collect();
        all.sort();
        assert_eq!(all.len(), 3000);
        assert_eq!(all[0], ((0, 0), 0));
        assert_eq!(all[2999], ((299, 9), 299_009));
    }
}
