//! Finding order lines identical to an earlier line: counted (the default) or dropped
//! (`--dedupe`), and the first of them named with the line each repeats ([`super::twins`]).

use anyhow::Result;
use rustc_hash::FxHashSet as HashSet;

use super::hashes::Hashes;
#[cfg(doc)]
use super::hashes::RepeatedHashes;
use crate::input::table::Table;

/// Where a row starts: its file, by its place among the order files, and its line there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Place {
    pub file: u32,
    pub line: u64,
}

/// A line identical to an earlier one: where it is, its key ([`Table::record_key`]), and the
/// earlier line once found.
#[derive(Debug)]
pub(super) struct Repeat {
    pub at: Place,
    pub key: u128,
    pub of: Option<Place>,
}

/// Lines seen so far, to find exact repeats: fast 64-bit hashes counted after reading, in a
/// bounded buffer spilled to a temporary file past it ([`Hashes`]; a collision could only
/// inflate the warning's count), or with `--dedupe` a set of 128-bit keys checked as lines
/// arrive, so that no line is dropped by a collision, and the first [`Repeat::FIRST`] lines
/// dropped. That set grows with the distinct lines (16 bytes each and the table's slack): a
/// line must be known as a repeat when it comes, to be dropped before it counts as data.
pub(super) enum Seen {
    Count(Hashes),
    Drop {
        keys: HashSet<u128>,
        dropped: u64,
        first: Vec<Repeat>,
    },
}

impl Repeat {
    /// How many repeated lines are named.
    pub const FIRST: usize = super::ReadReport::REASONS;
}

impl Seen {
    /// Repeats to drop with `dedupe`, else to count, with the help of a thread when `threads`
    /// > 1.
    pub(super) fn new(dedupe: bool, threads: usize) -> Seen {
        if dedupe {
            Seen::Drop {
                keys: HashSet::default(),
                dropped: 0,
                first: Vec::new(),
            }
        } else {
            Seen::Count(Hashes::new(Hashes::limit(), threads))
        }
    }

    /// The identity of the table's current row: its fast hash, or its 128-bit key with
    /// `--dedupe`.
    pub(super) fn key(dedupe: bool, t: &mut Table) -> u128 {
        if dedupe {
            t.record_key()
        } else {
            u128::from(t.record_hash())
        }
    }

    /// Whether the row of `key`, at `at`, repeats an earlier one and is to be dropped. Fails
    /// when the hashes cannot be written to a temporary file.
    pub(super) fn drop_repeat(&mut self, key: u128, at: Place) -> Result<bool> {
        match self {
            Seen::Count(hashes) => {
                hashes.push(key as u64)?;
                Ok(false)
            }
            Seen::Drop {
                keys,
                dropped,
                first,
            } => {
                let repeat = !keys.insert(key);
                if repeat {
                    *dropped += 1;
                    if first.len() < Repeat::FIRST {
                        first.push(Repeat { at, key, of: None });
                    }
                }
                Ok(repeat)
            }
        }
    }

    /// How many lines repeated an earlier one.
    pub(super) fn duplicates(&mut self) -> Result<u64> {
        match self {
            Seen::Count(hashes) => hashes.count(),
            Seen::Drop { dropped, .. } => Ok(*dropped),
        }
    }
}

/// The values that `hashes` (the lines' hashes after [`count_repeats`]) holds more than once,
/// sorted: the hashes of the lines repeated, to find them again. When its two halves were sorted
/// apart, they are walked together into a new vector while it holds fewer than one value in 64
/// of theirs (at most 1/32 more memory, as it grows), which spares sorting the whole again;
/// past that, or when `hashes` is sorted whole, they are kept in its own room.
pub(super) fn repeated(mut hashes: Vec<u64>) -> Vec<u64> {
    if !hashes.is_sorted() {
        let (a, b) = hashes.split_at(hashes.len() / 2);
        let most = hashes.len() / 64;
        let mut kept = Vec::new();
        let mut last = None;
        for value in merged(a, b) {
            if last == Some(value) && kept.last() != Some(&value) {
                if kept.len() == most {
                    break;
                }
                kept.push(value);
            }
            last = Some(value);
        }
        if kept.len() < most {
            return kept;
        }
        hashes.sort_unstable();
    }
    let mut kept = 0;
    let mut i = 0;
    while i < hashes.len() {
        let value = hashes[i];
        let run = hashes[i..].iter().take_while(|&&h| h == value).count();
        if run > 1 {
            hashes[kept] = value;
            kept += 1;
        }
        i += run;
    }
    hashes.truncate(kept);
    hashes.shrink_to_fit();
    hashes
}

/// The hashes of the repeated lines ([`repeated`], [`RepeatedHashes`]), found by their top
/// bits: `start[k]` is where those whose top bits are `k` begin, about 32 to a bucket. A lookup
/// reads an entry of `start` (an eighth of a byte a value, which stays in the cache) and a
/// bucket (a few cache lines in a row), where a binary search over millions of values would
/// miss the cache some twenty times; the hashes are uniform, so the buckets are even. (`u32`
/// places: it holds no more values than the hash buffer, [`Hashes::LIMIT`].)
pub(super) struct Repeated {
    hashes: Vec<u64>,
    start: Vec<u32>,
    shift: u32,
}

impl Repeated {
    pub(super) fn new(hashes: Vec<u64>) -> Repeated {
        let bits = (hashes.len() / 32).max(2).ilog2();
        let shift = 64 - bits;
        let mut start = vec![0; (1 << bits) + 1];
        for &h in &hashes {
            start[(h >> shift) as usize + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        Repeated {
            hashes,
            start,
            shift,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// The index of `hash` among the repeated hashes, if it is one.
    pub(super) fn find(&self, hash: u64) -> Option<usize> {
        let k = (hash >> self.shift) as usize;
        let (from, to) = (self.start[k] as usize, self.start[k + 1] as usize);
        let at = self.hashes[from..to].iter().position(|&h| h == hash)?;
        Some(from + at)
    }
}

/// How many of `hashes` equal an earlier one. With two threads or more the halves are sorted
/// side by side, then walked together as one sorted sequence.
pub(super) fn count_repeats(hashes: &mut [u64], threads: usize) -> u64 {
    if threads <= 1 || hashes.len() < 1 << 16 {
        hashes.sort_unstable();
        return hashes.windows(2).filter(|w| w[0] == w[1]).count() as u64;
    }
    let (a, b) = hashes.split_at_mut(hashes.len() / 2);
    std::thread::scope(|scope| {
        scope.spawn(|| a.sort_unstable());
        b.sort_unstable();
    });
    let (mut last, mut repeats) = (None, 0);
    for next in merged(a, b) {
        repeats += u64::from(last == Some(next));
        last = Some(next);
    }
    repeats
}

/// The values of the sorted `a` and `b` as one sorted sequence.
fn merged<'a>(a: &'a [u64], b: &'a [u64]) -> impl Iterator<Item = u64> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        if j == b.len() || (i < a.len() && a[i] <= b[j]) {
            i += 1;
            a.get(i - 1).copied()
        } else {
            j += 1;
            Some(b[j - 1])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{Repeated, count_repeats, repeated};

    #[test]
    fn repeats_are_counted_alike_on_one_thread_and_two() {
        // 0..50,000 then 0..20,000 again, shuffled by a multiplier prime to 2^64: 20,000
        // repeats, spread across both halves. A value three times counts twice.
        for threads in [1, 2] {
            let mut hashes: Vec<u64> = (0..70_000u64)
                .map(|i| (i % 50_000).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect();
            hashes.extend([7, 7, 7]);
            assert_eq!(
                count_repeats(&mut hashes, threads),
                20_002,
                "{threads} threads"
            );
        }
        assert_eq!(count_repeats(&mut [], 2), 0);
        assert_eq!(count_repeats(&mut [5, 5], 2), 1);
    }

    #[test]
    fn the_values_met_more_than_once_are_kept_once_each() {
        // Sorted whole: 9 twice, 4 three times, 1 and 7 once.
        assert_eq!(repeated(vec![1, 4, 4, 4, 7, 9, 9]), [4, 9]);
        assert_eq!(repeated(vec![3, 5, 8]), [] as [u64; 0]);
        // Two sorted halves of 1,001, as two threads leave them: 0..=999 with 999 twice, and
        // 990..=1990. 990..=999 repeat (999 three times): 10 values, fewer than 2,002 / 64 = 31.
        let mut hashes: Vec<u64> = (0..1000).chain([999]).collect();
        hashes.extend(990..1991);
        let want: Vec<u64> = (990..1000).collect();
        assert_eq!(repeated(hashes), want);
        // 0..=40 in both halves: 41 values repeat, more than 82 / 64; kept in place.
        let hashes: Vec<u64> = (0..41).chain(0..41).collect();
        assert_eq!(repeated(hashes), (0..41).collect::<Vec<u64>>());
    }

    #[test]
    fn a_repeated_hash_is_found_in_its_bucket() {
        // 1,000 spread values (by a multiplier prime to 2^64), the first and last of the range,
        // and none else.
        let mut hashes: Vec<u64> = (1..=1000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .chain([0, u64::MAX])
            .collect();
        hashes.sort_unstable();
        let repeated = Repeated::new(hashes.clone());
        for (i, &h) in hashes.iter().enumerate() {
            assert_eq!(repeated.find(h), Some(i), "{h}");
            assert_eq!(repeated.find(h ^ 1), None, "{h}");
        }
        let one = Repeated::new(vec![42]);
        assert_eq!((one.find(42), one.find(41), one.len()), (Some(0), None, 1));
        assert_eq!(Repeated::new(Vec::new()).find(7), None);
    }
}
