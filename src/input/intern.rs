//! Texts to dense ids and back, for the millions of order and customer ids of a large export.
//! The texts live end to end in one string, with no allocation of their own.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::open_table::{Entry, OpenTable, spread};

/// Texts by dense id `0..len`.
#[derive(Debug)]
struct Names {
    text: String,
    /// Where each text ends in `text` (it starts where the previous one ends), modulo
    /// 2^`bits`: 4 bytes an id rather than 8.
    ends: Vec<u32>,
    /// The ids whose end is the first past a further multiple of 2^`bits` (after 4 GiB of texts).
    wraps: Vec<u32>,
    /// 32; fewer in tests, to see the ends wrap.
    bits: u32,
}

impl Default for Names {
    fn default() -> Names {
        Names {
            text: String::new(),
            ends: Vec::new(),
            wraps: Vec::new(),
            bits: 32,
        }
    }
}

impl Names {
    fn push(&mut self, text: &str) -> u32 {
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        let before = self.text.len() as u64 >> self.bits;
        self.text.push_str(text);
        let after = self.text.len() as u64;
        for _ in before..after >> self.bits {
            self.wraps.push(id);
        }
        self.ends.push((after & ((1 << self.bits) - 1)) as u32);
        id
    }

    /// Where text `id` ends in `text`.
    fn end(&self, id: usize) -> Option<usize> {
        let low = u64::from(*self.ends.get(id)?);
        let wrapped = self.wraps.partition_point(|&w| w as usize <= id) as u64;
        usize::try_from(wrapped << self.bits | low).ok()
    }

    fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let Some(end) = self.end(id) else {
            return "";
        };
        let start = id.checked_sub(1).and_then(|i| self.end(i));
        self.text.get(start.unwrap_or(0)..end).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

fn hash(text: &[u8]) -> u64 {
    FxBuildHasher.hash_one(text)
}

/// Maps texts to dense ids `0..len` and back. The table ([`OpenTable`]) has 16-byte slots that
/// hold a short text (most ids) themselves, so that finding a text reads one slot, usually one
/// cache line, and compares two integers: no visit to the text store.
#[derive(Default)]
pub struct Interner {
    slots: OpenTable<TextSlot>,
    names: Names,
    /// The text last interned (its key, when short) and its id: a column's consecutive values
    /// often repeat.
    last: Option<(Key, u32)>,
}

/// Lookups loaded together by [`Interner::intern_each`].
const TOUCH: usize = 256;

/// The longest text kept in a slot.
const INLINE: usize = 11;

/// A text as a slot holds it: up to [`INLINE`] bytes, zero-padded, then the length byte; a
/// longer text is its 64-bit hash and the marker [`LONG`] in place of a length.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    low: u64,
    high: u32,
}

/// The length byte of a text longer than [`INLINE`].
const LONG: u32 = 0xFF;

impl Key {
    fn of(text: &[u8]) -> Key {
        // Little-endian words of up to 8 and 3 bytes, zero-padded (no copy call).
        let word = |bytes: &[u8]| bytes.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        if text.len() > INLINE {
            return Key {
                low: hash(text),
                high: LONG << 24,
            };
        }
        let (low, high) = text.split_at(text.len().min(8));
        Key {
            low: word(low),
            high: word(high) as u32 | (text.len() as u32) << 24,
        }
    }

    fn is_long(self) -> bool {
        self.high >> 24 == LONG
    }

    /// The table's hash of all the key's bytes.
    fn hash(self) -> u64 {
        spread(self.low ^ u64::from(self.high).rotate_left(29))
    }
}

/// A table slot, 16 bytes: a [`Key`]'s two parts and its id plus one (0: an empty slot).
#[derive(Clone, Copy)]
struct TextSlot {
    low: u64,
    high: u32,
    id: u32,
}

impl TextSlot {
    fn key(self) -> Key {
        Key {
            low: self.low,
            high: self.high,
        }
    }
}

impl Entry for TextSlot {
    fn vacant() -> TextSlot {
        TextSlot {
            low: 0,
            high: 0,
            id: 0,
        }
    }

    fn is_vacant(&self) -> bool {
        self.id == 0
    }

    fn hash(&self) -> u64 {
        self.key().hash()
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.len()).map(|id| self.name(id as u32)))
            .finish()
    }
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> u32 {
        let key = Key::of(text.as_bytes());
        if let Some((last, id)) = self.last
            && last == key
            && !key.is_long()
        {
            return id;
        }
        let id = match self.find(key, text) {
            Ok(id) => id,
            Err(()) => self.add(key, text),
        };
        self.last = Some((key, id));
        id
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        self.find(Key::of(text.as_bytes()), text).ok()
    }

    /// The hash by which the table places `text` (its top bits pick the home slot): other bits
    /// of it may pick one of several interners
    /// ([`CustomerIds`](super::customer_ids::CustomerIds)).
    pub fn hash(text: &str) -> u64 {
        Key::of(text.as_bytes()).hash()
    }

    /// [`Interner::intern`] for each text, its id pushed onto `ids`. The texts' home slots are
    /// loaded first, in a loop of independent loads that the processor overlaps, instead of one
    /// cache miss after another: in a table of millions most lookups miss the cache.
    pub fn intern_each<'t>(&mut self, texts: impl Iterator<Item = &'t str>, ids: &mut Vec<u32>) {
        let keyed: Vec<(Key, &str)> = texts.map(|t| (Key::of(t.as_bytes()), t)).collect();
        for keyed in keyed.chunks(TOUCH) {
            self.slots.touch(keyed.iter().map(|(key, _)| key.hash()));
            for &(key, text) in keyed {
                ids.push(match self.find(key, text) {
                    Ok(id) => id,
                    Err(()) => self.add(key, text),
                });
            }
        }
    }

    /// The id of `text`, whose key is `key`.
    fn find(&self, key: Key, text: &str) -> Result<u32, ()> {
        let is = |slot: &TextSlot| {
            slot.key() == key && (!key.is_long() || self.names.get(slot.id - 1) == text)
        };
        self.slots
            .get(key.hash(), is)
            .map(|slot| slot.id - 1)
            .ok_or(())
    }

    /// Adds `text`, which the caller has just looked up in vain.
    fn add(&mut self, key: Key, text: &str) -> u32 {
        debug_assert!(self.get(text).is_none());
        self.slots.reserve_one();
        let id = self.names.push(text);
        let slot = TextSlot {
            low: key.low,
            high: key.high,
            id: id.saturating_add(1),
        };
        if let Some(i) = self.slots.find(key.hash(), |_| false) {
            self.slots.fill(i, slot);
        }
        id
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.len() == 0
    }
}

/// Order ids to dense ids. Exports usually list orders by increasing id: the ids that arrive in
/// increasing order (shorter first, then byte by byte, so that 9 comes before 10) are kept in
/// arrival order, which is sorted, and a new id past the greatest needs no search at all; only
/// the others go to a hash table.
#[derive(Debug, Default)]
pub struct OrderIds {
    names: Names,
    /// Ids whose texts arrived in increasing order, sorted by text: ids `0..first` (usually
    /// every id, kept as the one number), then `rising`.
    first: u32,
    rising: Vec<u32>,
    /// The other ids: none of their texts is past the last rising one.
    others: HashTable<u32>,
}

/// Shorter first, then byte by byte.
fn by_length(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl OrderIds {
    /// The rising ids: how many, and the one at place `i`.
    fn rising_len(&self) -> usize {
        self.first as usize + self.rising.len()
    }

    fn rising_at(&self, i: usize) -> u32 {
        match i.checked_sub(self.first as usize) {
            None => i as u32,
            Some(i) => self.rising[i],
        }
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        let len = self.rising_len();
        let last = self.names.get(self.rising_at(len.checked_sub(1)?));
        if by_length(text, last) == Ordering::Greater {
            return None; // past every id seen so far
        }
        // Binary search of the rising ids by text.
        let (mut low, mut high) = (0, len);
        while low < high {
            let mid = low + (high - low) / 2;
            let id = self.rising_at(mid);
            match by_length(self.names.get(id), text) {
                Ordering::Less => low = mid + 1,
                Ordering::Greater => high = mid,
                Ordering::Equal => return Some(id),
            }
        }
        self.others
            .find(hash(text.as_bytes()), |&id| self.names.get(id) == text)
            .copied()
    }

    /// Adds `text`, which the caller has just looked up in vain.
    pub fn add(&mut self, text: &str) -> u32 {
        debug_assert!(self.get(text).is_none());
        let rising = match self.rising_len().checked_sub(1) {
            None => true,
            Some(last) => {
                by_length(text, self.names.get(self.rising_at(last))) == Ordering::Greater
            }
        };
        let id = self.names.push(text);
        if rising && self.rising.is_empty() && id == self.first {
            self.first += 1;
        } else if rising {
            self.rising.push(id);
        } else {
            let names = &self.names;
            self.others.insert_unique(hash(text.as_bytes()), id, |&id| {
                hash(names.get(id).as_bytes())
            });
        }
        id
    }

    #[cfg(test)]
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_texts_come_back() {
        let mut i = Interner::default();
        assert_eq!(i.intern("b"), 0);
        assert_eq!(i.intern("a"), 1);
        assert_eq!(i.intern("a"), 1, "the text last interned");
        assert_eq!(i.intern("b"), 0);
        assert_eq!(i.intern(""), 2);
        assert_eq!(
            (i.name(0), i.name(1), i.name(2), i.name(3)),
            ("b", "a", "", "")
        );
        assert_eq!(i.get("a"), Some(1));
        assert_eq!(i.get("c"), None);
        assert_eq!(i.len(), 3);
        // Texts longer than a slot holds, and ones that share a slot-long prefix.
        let long = "customer-0000000001";
        assert_eq!(i.intern(long), 3);
        assert_eq!(i.intern("customer-0000000002"), 4);
        assert_eq!(i.intern("12345678901"), 5);
        assert_eq!(i.intern("123456789012"), 6);
        assert_eq!(i.get(long), Some(3));
        assert_eq!(i.get("12345678901"), Some(5));
        assert_eq!(i.get("123456789012"), Some(6));
        assert_eq!(i.get("customer-000000000"), None);
        // Many texts, so that the table grows and rehashes from slots and from the store.
        for n in 0..5000 {
            i.intern(&format!(
                "{}{n}",
                if n % 2 == 0 { "u" } else { "a-long-prefix-" }
            ));
        }
        assert_eq!(i.get("u4998"), Some(7 + 4998));
        assert_eq!(i.get("a-long-prefix-4999"), Some(7 + 4999));
        assert_eq!(i.name(7 + 4999), "a-long-prefix-4999");
        assert_eq!(std::mem::size_of::<TextSlot>(), 16);
        // A table of 8192 slots holds 5007 texts, at most three quarters full.
        assert_eq!(i.slots.capacity(), 8192);
    }

    #[test]
    fn text_ends_past_the_offset_width_come_back() {
        // Ends kept modulo 2^4 = 16 bytes: "abcdefghij" (10) ends at 10, "klmnopq" at 17 (one
        // wrap, at id 1), "" at 17, a 40-byte text at 57 (two more wraps, both at id 3).
        let mut names = Names {
            bits: 4,
            ..Names::default()
        };
        let long = "x".repeat(40);
        for text in ["abcdefghij", "klmnopq", "", long.as_str(), "yz"] {
            names.push(text);
        }
        assert_eq!(names.wraps, [1, 3, 3]);
        assert_eq!(names.ends, [10, 1, 1, 9, 11]);
        let all: Vec<&str> = (0..5).map(|id| names.get(id)).collect();
        assert_eq!(all, ["abcdefghij", "klmnopq", "", long.as_str(), "yz"]);
        assert_eq!(names.get(5), "");
    }

    #[test]
    fn order_ids_in_any_arrival_order_are_found() {
        // Rising ids (9 before 10: shorter first), then ids out of order, then rising again.
        let arrivals = ["O8", "O9", "O10", "O11", "O05", "A", "O100", "O7", "O12"];
        let mut ids = OrderIds::default();
        for (n, text) in arrivals.iter().enumerate() {
            assert_eq!(ids.get(text), None, "{text} is new");
            assert_eq!(ids.add(text), n as u32);
        }
        for (n, text) in arrivals.iter().enumerate() {
            assert_eq!(ids.get(text), Some(n as u32), "{text}");
            assert_eq!(ids.name(n as u32), *text);
        }
        // Absent ids before, between and after the known ones.
        for text in ["", "O1", "O99", "O101", "O0", "B", "O1000", "O8 "] {
            assert_eq!(ids.get(text), None, "{text} was never added");
        }
        // O05, A, O7 and O12 (after O100) arrived out of order: they are the hash table's. The
        // first four ids rose from the start (one number); O100 rose after them.
        assert_eq!(ids.others.len(), 4);
        assert_eq!((ids.first, ids.rising.as_slice()), (4, &[6][..]));
    }
}
