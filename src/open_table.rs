//! One open-addressing table with linear probing, for the tables with millions of keys: the
//! interner's texts ([`crate::input::book::Interner`]) and the folds' pairs of ids
//! (`metrics::pair_map`). A slot holds its key (or the key's short form) and its value side by
//! side, so that a lookup reads one slot, usually one cache line, and no separate control bytes.
//! A batch of lookups can load its home slots first ([`OpenTable::touch`]): independent loads
//! that the processor overlaps, instead of one cache miss after another.

/// What a slot of an [`OpenTable`] holds: a key and its value, or nothing.
pub(crate) trait Entry: Copy {
    /// An empty slot.
    fn vacant() -> Self;
    fn is_vacant(&self) -> bool;
    /// The hash of the entry's key (of an occupied slot): [`spread`] of the key's bits.
    fn hash(&self) -> u64;
}

/// The mix every table's hash ends with: a multiplicative mix whose top bits pick the home
/// slot, so that keys that differ in any bit land apart.
pub(crate) fn spread(bits: u64) -> u64 {
    bits.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(26)
        .wrapping_mul(0xD6E8_FEB8_6659_FD93)
}

/// Slots of `E`, a power of two in number (or none), at most three quarters full.
#[derive(Clone, Debug)]
pub(crate) struct OpenTable<E> {
    slots: Vec<E>,
    len: usize,
}

impl<E> Default for OpenTable<E> {
    fn default() -> Self {
        OpenTable {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<E: Entry> OpenTable<E> {
    pub fn len(&self) -> usize {
        self.len
    }

    /// How many slots the table has.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Where `hash`'s probe starts: its top bits (the table is not empty).
    fn home(&self, hash: u64) -> usize {
        (hash >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The first slot from `hash`'s home that `is` the key sought or is vacant (where the key
    /// would go); `None` in a table without slots.
    #[inline]
    pub fn find(&self, hash: u64, is: impl Fn(&E) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let slot = &self.slots[i];
            if slot.is_vacant() || is(slot) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The entry that `is` the key sought, probing from `hash`'s home.
    #[inline]
    pub fn get(&self, hash: u64, is: impl Fn(&E) -> bool) -> Option<&E> {
        let slot = &self.slots[self.find(hash, is)?];
        (!slot.is_vacant()).then_some(slot)
    }

    pub fn slot(&self, i: usize) -> &E {
        &self.slots[i]
    }

    pub fn slot_mut(&mut self, i: usize) -> &mut E {
        &mut self.slots[i]
    }

    /// Makes room for one more entry, before the [`OpenTable::find`] of an insertion: doubles
    /// the table (16 slots at first) when it would be more than three quarters full.
    #[inline]
    pub fn reserve_one(&mut self) {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            self.grow();
        }
    }

    /// Makes room for `more` entries at once. Before inserting every entry of another table:
    /// its entries come in the order of their hashes, and a table with fewer slots than theirs
    /// would take them into ever longer runs of full slots.
    pub fn reserve(&mut self, more: usize) {
        while 4 * (self.len + more) > 3 * self.slots.len() {
            self.grow();
        }
    }

    /// Puts `entry` into vacant slot `i`, found by [`OpenTable::find`] after
    /// [`OpenTable::reserve_one`].
    pub fn fill(&mut self, i: usize, entry: E) {
        debug_assert!(self.slots[i].is_vacant() && !entry.is_vacant());
        self.slots[i] = entry;
        self.len += 1;
    }

    /// Loads the home slots of `hashes`, so that looking them up next finds them in cache.
    pub fn touch(&self, hashes: impl Iterator<Item = u64>) {
        if self.slots.is_empty() {
            return;
        }
        let touched = hashes.fold(false, |any, hash| {
            any ^ self.slots[self.home(hash)].is_vacant()
        });
        std::hint::black_box(touched);
    }

    #[cold]
    fn grow(&mut self) {
        let size = (2 * self.slots.len()).max(16);
        let old = std::mem::replace(&mut self.slots, vec![E::vacant(); size]);
        for entry in old.into_iter().filter(|e| !e.is_vacant()) {
            if let Some(i) = self.find(entry.hash(), |_| false) {
                self.slots[i] = entry;
            }
        }
    }

    /// The occupied slots, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.slots.iter().filter(|e| !e.is_vacant())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key and its value; key 0 is no key.
    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Number(u64, u64);

    impl Entry for Number {
        fn vacant() -> Self {
            Number(0, 0)
        }
        fn is_vacant(&self) -> bool {
            self.0 == 0
        }
        fn hash(&self) -> u64 {
            spread(self.0)
        }
    }

    fn insert(table: &mut OpenTable<Number>, key: u64, value: u64) {
        table.reserve_one();
        let i = table.find(spread(key), |e| e.0 == key).unwrap();
        if table.slot(i).is_vacant() {
            table.fill(i, Number(key, value));
        } else {
            table.slot_mut(i).1 = value;
        }
    }

    #[test]
    fn entries_are_found_after_the_table_grows() {
        let mut table = OpenTable::default();
        assert_eq!(table.find(spread(1), |_: &Number| true), None);
        table.touch([spread(1)].into_iter()); // no slots: nothing to load
        for key in 1..=1000 {
            insert(&mut table, key, key * 10);
        }
        insert(&mut table, 7, 8);
        table.touch((1..=1000).map(spread));
        assert_eq!(table.len(), 1000);
        // 1000 keys in at most three quarters of a power of two: 2048 * 3 / 4 = 1536 >= 1000.
        assert_eq!(table.capacity(), 2048);
        let at = |key: u64| {
            table
                .find(spread(key), |e| e.0 == key)
                .map(|i| *table.slot(i))
        };
        assert_eq!(at(7), Some(Number(7, 8)));
        assert_eq!(at(1000), Some(Number(1000, 10_000)));
        assert_eq!(
            at(1001),
            Some(Number(0, 0)),
            "absent: the vacant slot it would take"
        );
        assert_eq!(table.get(spread(7), |e| e.0 == 7), Some(&Number(7, 8)));
        assert_eq!(table.get(spread(1001), |e| e.0 == 1001), None);
        let mut keys: Vec<u64> = table.iter().map(|e| e.0).collect();
        keys.sort_unstable();
        assert_eq!(keys, (1..=1000).collect::<Vec<_>>());
    }
}
