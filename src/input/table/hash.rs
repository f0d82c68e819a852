//! Hashes of a row, to find lines identical to an earlier one: fast over the line as written
//! where its cells are the columns read, in order; else over those cells.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::Table;

impl Table {
    /// The 128-bit identity of the current row, for `--dedupe` and for naming repeats: its fast
    /// hash ([`Table::record_hash`]) above a SipHash of its cells, two independent hashes that
    /// must both agree. The fast half lets a second reading find a row by its cheap hash first.
    pub fn record_key(&mut self) -> u128 {
        let mut sip = DefaultHasher::new();
        for cell in self.read_cells() {
            cell.hash(&mut sip);
        }
        u128::from(self.record_hash()) << 64 | u128::from(sip.finish())
    }

    /// A fast 64-bit hash of the current row, for counting repeats: of its read cells joined by
    /// the delimiter, which is the line as written when the file's columns are those cells, in
    /// order, and no cell is padded. Joined cells tell rows apart only when no cell holds the
    /// delimiter (`"a,b",c` and `a,"b,c"` join alike): a row with one that does is hashed from
    /// its cells' lengths and bytes instead, with another seed.
    #[inline(always)] // as parse_row is, for the reader's loop
    pub fn record_hash(&mut self) -> u64 {
        if self.canonical
            && self.cleaned.is_empty()
            && let Some(line) = self.record.as_written_unspaced()
        {
            return hash_bytes(line, JOINED);
        }
        let delimiter = self.delimiter;
        let split = self
            .read_cells()
            .any(|cell| memchr::memchr(delimiter, cell).is_some());
        let mut joined = std::mem::take(&mut self.joined);
        joined.clear();
        for (n, cell) in self.read_cells().enumerate() {
            if split {
                joined.extend_from_slice(&(cell.len() as u64).to_le_bytes());
            } else if n > 0 {
                joined.push(delimiter);
            }
            joined.extend_from_slice(cell);
        }
        let hash = hash_bytes(&joined, if split { LENGTHS } else { JOINED });
        self.joined = joined;
        hash
    }
}

/// Whether `bytes` hold a space, a tab or a form feed: what a cell may be padded with. A
/// line as written without them has its cells as written.
#[inline]
pub(crate) fn spaced(bytes: &[u8]) -> bool {
    memchr::memchr3(b' ', b'\t', b'\x0C', bytes).is_some()
}

/// The seeds of [`Table::record_hash`]'s two encodings of a row.
const JOINED: u64 = 0;
const LENGTHS: u64 = 0x2545_F491_4F6C_DD1D;

/// A fast 64-bit hash of `bytes` (folded multiplies, eight bytes at a time) from `seed`, for
/// counting repeated lines: a collision could only inflate the count.
fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    const K: [u64; 2] = [0x9E37_79B9_7F4A_7C15, 0xD6E8_FEB8_6659_FD93];
    let mix = |a: u64, b: u64| {
        let m = u128::from(a) * u128::from(b);
        m as u64 ^ (m >> 64) as u64
    };
    let mut h = mix(bytes.len() as u64 ^ seed ^ K[0], K[1]);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        h = mix(h ^ w ^ K[1], K[0]);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let w = rest.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
        h = mix(h ^ w ^ K[0], K[1]);
    }
    mix(h ^ K[1], K[0])
}
