//! Texts to dense ids and back, for the millions of order and customer ids of a large export.
//! The texts live end to end in one string, with no allocation of their own.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Texts by dense id `0..len`.
#[derive(Debug, Default)]
struct Names {
    text: String,
    /// Where each text ends in `text`; it starts where the previous one ends.
    ends: Vec<usize>,
}

impl Names {
    fn push(&mut self, text: &str) -> u32 {
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        self.ends.push(self.text.len());
        id
    }

    fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let Some(&end) = self.ends.get(id) else {
            return "";
        };
        let start = id.checked_sub(1).and_then(|i| self.ends.get(i)).copied();
        self.text.get(start.unwrap_or(0)..end).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

fn hash(text: &str) -> u64 {
    FxBuildHasher.hash_one(text)
}

/// Maps texts to dense ids `0..len` and back; the hash table holds bare ids, so an id costs
/// about 13 bytes besides its text.
#[derive(Default)]
pub struct Interner {
    ids: HashTable<u32>,
    names: Names,
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
        self.ids
            .insert_unique(hash(text), id, |&id| hash(names.get(id)));
        id
    }

    pub fn get(&self, text: &str) -> Option<u32> {
        self.ids
            .find(hash(text), |&id| self.names.get(id) == text)
            .copied()
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
            .find(hash(text), |&id| self.names.get(id) == text)
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
            self.others
                .insert_unique(hash(text), id, |&id| hash(names.get(id)));
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
