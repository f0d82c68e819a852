//! A map keyed by a pair of dense ids, such as (customer, item), for folds with millions of
//! keys: open addressing with linear probing, the key and value side by side in one slot, so
//! that an update reads one slot (usually one cache line) and no separate control bytes. A batch
//! of updates can load its slots first ([`PairMap::touch`]), independent loads that the
//! processor overlaps, instead of one cache miss after another.

/// The key of an empty slot: no pair of ids reaches it (that takes four billion customers).
const VACANT: (u32, u32) = (u32::MAX, u32::MAX);

#[derive(Clone, Debug)]
pub(super) struct PairMap<V> {
    /// A power of two in length (or empty), at most three quarters full.
    slots: Vec<((u32, u32), V)>,
    len: usize,
}

impl<V> Default for PairMap<V> {
    fn default() -> Self {
        PairMap {
            slots: Vec::new(),
            len: 0,
        }
    }
}

/// Where `key`'s probe starts in a table of 2^`bits` slots: the top bits of a multiplicative mix.
fn home(key: (u32, u32), bits: u32) -> usize {
    let k = u64::from(key.0) << 32 | u64::from(key.1);
    let mixed = (k ^ k >> 29)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(23)
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (mixed >> (64 - bits)) as usize
}

impl<V: Copy> PairMap<V> {
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot of `key`, or of the empty slot where it would go.
    fn position(&self, key: (u32, u32)) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = home(key, self.slots.len().trailing_zeros());
        while self.slots[i].0 != key && self.slots[i].0 != VACANT {
            i = (i + 1) & mask;
        }
        i
    }

    pub fn get(&self, key: (u32, u32)) -> Option<&V> {
        if self.slots.is_empty() {
            return None;
        }
        let (k, v) = &self.slots[self.position(key)];
        (*k == key).then_some(v)
    }

    /// The value of `key`, inserted as `value` if absent; whether it was.
    pub fn entry(&mut self, key: (u32, u32), value: V) -> (&mut V, bool) {
        debug_assert!(key != VACANT);
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            self.grow(value);
        }
        let i = self.position(key);
        let slot = &mut self.slots[i];
        let inserted = slot.0 == VACANT;
        if inserted {
            *slot = (key, value);
            self.len += 1;
        }
        (&mut slot.1, inserted)
    }

    /// Loads the home slots of `keys`, so that updating them next finds them in cache.
    pub fn touch(&self, keys: impl Iterator<Item = (u32, u32)>) {
        if self.slots.is_empty() {
            return;
        }
        let bits = self.slots.len().trailing_zeros();
        let touched = keys.fold(0u32, |sum, key| sum ^ self.slots[home(key, bits)].0.0);
        std::hint::black_box(touched);
    }

    /// Doubles the table (16 slots at first); `filler` fills the empty slots' values.
    fn grow(&mut self, filler: V) {
        let size = (2 * self.slots.len()).max(16);
        let old = std::mem::replace(&mut self.slots, vec![(VACANT, filler); size]);
        for slot in old.into_iter().filter(|s| s.0 != VACANT) {
            let i = self.position(slot.0);
            self.slots[i] = slot;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = ((u32, u32), &V)> {
        self.slots
            .iter()
            .filter(|s| s.0 != VACANT)
            .map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_found_updated_and_listed() {
        let mut map: PairMap<u64> = PairMap::default();
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
        assert_eq!(map.slots.len(), 4096);
        let mut all: Vec<_> = map.iter().map(|(k, v)| (k, *v)).collect();
        all.sort();
        assert_eq!(all.len(), 3000);
        assert_eq!(all[0], ((0, 0), 0));
        assert_eq!(all[2999], ((299, 9), 299_009));
    }
}
