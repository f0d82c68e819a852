//! Finding order lines identical to an earlier line: counted (the default) or dropped
//! (`--dedupe`).

use rustc_hash::FxHashSet as HashSet;

use crate::input::table::Table;

/// Lines seen so far, to find exact repeats: fast 64-bit hashes counted after reading (8 bytes a
/// line; a collision could only inflate the warning's count), or with `--dedupe` a set of
/// 128-bit SipHash pairs checked as lines arrive, so that no line is dropped by a collision.
pub(super) enum Seen {
    Count(Vec<u64>),
    Drop(HashSet<u128>, u64),
}

impl Seen {
    pub(super) fn new(dedupe: bool) -> Seen {
        if dedupe {
            Seen::Drop(HashSet::default(), 0)
        } else {
            Seen::Count(Vec::new())
        }
    }

    /// The identity of the table's current row: its fast hash, or both hashes with `--dedupe`.
    pub(super) fn key(dedupe: bool, t: &mut Table) -> u128 {
        if dedupe {
            let (low, high) = t.record_hashes();
            u128::from(high) << 64 | u128::from(low)
        } else {
            u128::from(t.record_hash())
        }
    }

    /// Whether the row of `key` repeats an earlier one and is to be dropped.
    pub(super) fn drop_repeat(&mut self, key: u128) -> bool {
        match self {
            Seen::Count(hashes) => {
                hashes.push(key as u64);
                false
            }
            Seen::Drop(set, dropped) => {
                let repeat = !set.insert(key);
                *dropped += u64::from(repeat);
                repeat
            }
        }
    }

    pub(super) fn duplicates(&mut self, threads: usize) -> u64 {
        match self {
            Seen::Count(hashes) => count_repeats(hashes, threads),
            Seen::Drop(_, dropped) => *dropped,
        }
    }
}

/// How many of `hashes` equal an earlier one. With two threads or more the halves are sorted
/// side by side, then walked together as one sorted sequence.
fn count_repeats(hashes: &mut [u64], threads: usize) -> u64 {
    if threads <= 1 || hashes.len() < 1 << 16 {
        hashes.sort_unstable();
        return hashes.windows(2).filter(|w| w[0] == w[1]).count() as u64;
    }
    let (a, b) = hashes.split_at_mut(hashes.len() / 2);
    std::thread::scope(|scope| {
        scope.spawn(|| a.sort_unstable());
        b.sort_unstable();
    });
    let (mut i, mut j, mut last, mut repeats) = (0, 0, None, 0);
    while i < a.len() || j < b.len() {
        let next = if j == b.len() || (i < a.len() && a[i] <= b[j]) {
            i += 1;
            a[i - 1]
        } else {
            j += 1;
            b[j - 1]
        };
        repeats += u64::from(last == Some(next));
        last = Some(next);
    }
    repeats
}

#[cfg(test)]
mod tests {
    use super::count_repeats;

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
}
