//! Texts to dense ids and back, for the millions of order and customer ids of a large export.
//! The texts live end to end in one string, with no allocation of their own.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

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

/// Maps texts to dense ids `0..len` and back. A short text (most ids) is also kept in its hash
/// table slot, so that finding it reads the slot alone, not the text store.
#[derive(Default)]
pub struct Interner {
    slots: HashTable<Slot>,
    names: Names,
}

/// The longest text kept in a slot.
const INLINE: usize = 11;

/// A hash table slot: an id, and its text when that is at most [`INLINE`] bytes.
#[derive(Clone, Copy)]
struct Slot {
    id: u32,
    /// The text's length, or `u8::MAX` when it is not kept here.
    len: u8,
    text: [u8; INLINE],
}

impl Slot {
    fn new(id: u32, text: &str) -> Slot {
        let mut slot = Slot {
            id,
            len: u8::MAX,
            text: [0; INLINE],
        };
        if let Some(inline) = slot.text.get_mut(..text.len()) {
            inline.copy_from_slice(text.as_bytes());
            slot.len = text.len() as u8;
        }
        slot
    }

    /// The slot's text: from the slot, or from `names`.
    fn text<'a>(&'a self, names: &'a Names) -> &'a [u8] {
        match self.text.get(..usize::from(self.len)) {
            Some(inline) => inline,
            None => names.get(self.id).as_bytes(),
        }
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
        match self.get(text) {
            Some(id) => id,
            None => self.add(text),
        }
    }

    /// Adds `text`, which the caller has just looked up in vain.
    fn add(&mut self, text: &str) -> u32 {
        debug_assert!(self.get(text).is_none());
        let id = self.names.push(text);
        let names = &self.names;
        self.slots
            .insert_unique(hash(text.as_bytes()), Slot::new(id, text), |s| {
                hash(s.text(names))
            });
        id
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        let bytes = text.as_bytes();
        self.slots
            .find(hash(bytes), |s| s.text(&self.names) == bytes)
            .map(|s| s.id)
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
    /// Ids whose texts arrived in increasing order: sorted by text.
    rising: Vec<u32>,
    /// The other ids: none of their texts is past the last of `rising`.
    others: HashTable<u32>,
}

/// Shorter first, then byte by byte.
fn by_length(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl OrderIds {
    pub fn get(&self, text: &str) -> Option<u32> {
        let last = self.rising.last().map(|&id| self.names.get(id))?;
        if by_length(text, last) == Ordering::Greater {
            return None; // past every id seen so far
        }
        let found = self
            .rising
            .binary_search_by(|&id| by_length(self.names.get(id), text));
        if let Ok(i) = found {
            return self.rising.get(i).copied();
        }
        self.others
            .find(hash(text.as_bytes()), |&id| self.names.get(id) == text)
            .copied()
    }

    /// Adds `text`, which the caller has just looked up in vain.
    pub fn add(&mut self, text: &str) -> u32 {
        debug_assert!(self.get(text).is_none());
        let rising = match self.rising.last() {
            None => true,
            Some(&last) => by_length(text, self.names.get(last)) == Ordering::Greater,
        };
        let id = self.names.push(text);
        if rising {
            self.rising.push(id);
        } else {
            let names = &self.names;
            self.others.insert_unique(hash(text.as_bytes()), id, |&id| {
                hash(names.get(id).as_bytes())
            });
        }
        id
    }

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
        // O05, A, O7 and O12 (after O100) arrived out of order: they are the hash table's.
        assert_eq!(ids.others.len(), 4);
    }
}
