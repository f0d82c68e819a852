//! The part of counting repeated lines ([`super::hashes`]) that goes to disk once the lines
//! outgrow the buffer: sorted runs of 64-bit hashes on an anonymous temporary file, merged back
//! into one sorted sequence, and a list of values that spills the same way past a size.
//!
//! The file is made by the `tempfile` crate in the system's temporary directory (`TMPDIR`) and
//! unlinked at once, so the system removes it when xsell ends, however it ends. Values are
//! stored as 8 little-endian bytes each, and read and written at a place (`pread`/`pwrite`), so
//! that two threads can merge the two halves of the hash space from the one file. Any failure
//! (no room, no directory, no right to write there) is an error that names the directory and
//! says to set `TMPDIR`: a count from a file half written would be silently wrong.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use anyhow::{Result, anyhow};

/// Where the hash space is cut to merge its two halves on two threads: values below it, and
/// the rest. Equal values fall in the same half, so the halves' counts add up.
pub(super) const HALF: u64 = 1 << 63;

/// Values converted to bytes and written at once, at most: 64 KiB.
const BLOCK: usize = 8192;

/// An anonymous temporary file of `u64` values, written at its end.
pub(super) struct Store {
    file: File,
    /// Values written.
    len: u64,
}

/// A sorted run of values in a [`Store`]: where it starts, how many values it has, and how
/// many of them are below [`HALF`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Run {
    pub start: u64,
    pub len: u64,
    pub low: u64,
}

impl Run {
    /// Its values below [`HALF`], as (start, length).
    pub fn low_half(&self) -> (u64, u64) {
        (self.start, self.low)
    }

    /// Its values from [`HALF`] on.
    pub fn high_half(&self) -> (u64, u64) {
        (self.start + self.low, self.len - self.low)
    }

    pub fn whole(&self) -> (u64, u64) {
        (self.start, self.len)
    }
}

impl Store {
    pub(super) fn new() -> Result<Store> {
        let file = tempfile::tempfile().map_err(|e| trouble("create a temporary file", &e))?;
        Ok(Store { file, len: 0 })
    }

    /// Appends `sorted` as a run.
    pub(super) fn append_run(&mut self, sorted: &[u64]) -> Result<Run> {
        let start = self.len;
        self.append(sorted)?;
        Ok(Run {
            start,
            len: sorted.len() as u64,
            low: sorted.partition_point(|&h| h < HALF) as u64,
        })
    }

    pub(super) fn append(&mut self, values: &[u64]) -> Result<()> {
        self.write(self.len, values)?;
        self.len += values.len() as u64;
        Ok(())
    }

    /// Merges the runs `group` (each as start and length) into one run at the end, reading
    /// ahead `room` values ([`merge`]).
    pub(super) fn merge_runs(&mut self, group: &[(u64, u64)], room: usize) -> Result<Run> {
        let (start, mut end, mut low) = (self.len, self.len, 0);
        let mut out = Vec::with_capacity(BLOCK);
        let store: &Store = self;
        merge(store, group, room, |value| {
            out.push(value);
            low += u64::from(value < HALF);
            if out.len() == BLOCK {
                store.write(end, &out)?;
                end += BLOCK as u64;
                out.clear();
            }
            Ok(())
        })?;
        store.write(end, &out)?;
        self.len = end + out.len() as u64;
        Ok(Run {
            start,
            len: self.len - start,
            low,
        })
    }

    /// Writes `values` from the `at`-th value on.
    fn write(&self, at: u64, values: &[u64]) -> Result<()> {
        let mut bytes = Vec::with_capacity(8 * values.len().min(BLOCK));
        for (n, block) in values.chunks(BLOCK).enumerate() {
            bytes.clear();
            bytes.extend(block.iter().flat_map(|v| v.to_le_bytes()));
            let at = 8 * (at + (n * BLOCK) as u64);
            (self.file.write_all_at(&bytes, at))
                .map_err(|e| trouble("write to a temporary file", &e))?;
        }
        Ok(())
    }

    /// Reads the values from the `at`-th on into `values`, through `bytes`.
    fn read(&self, at: u64, values: &mut [u64], bytes: &mut Vec<u8>) -> Result<()> {
        bytes.resize(8 * values.len(), 0);
        (self.file.read_exact_at(bytes, 8 * at))
            .map_err(|e| trouble("read back a temporary file", &e))?;
        for (value, b) in values.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut le = [0; 8];
            le.copy_from_slice(b);
            *value = u64::from_le_bytes(le);
        }
        Ok(())
    }
}

/// The error of a temporary file that failed: what failed, where, and the fix.
fn trouble(what: &str, e: &io::Error) -> anyhow::Error {
    anyhow!(
        "counting repeated order lines: could not {what} in {} ({e}); set TMPDIR to a writable \
         directory with room (8 bytes an order line)",
        std::env::temp_dir().display()
    )
}

/// A run being merged: the values read ahead from it, and where the rest are.
struct Cursor {
    ahead: Vec<u64>,
    next: usize,
    /// The first value not read yet, and the end of the run, in the store.
    at: u64,
    end: u64,
}

impl Cursor {
    #[inline]
    fn next(&mut self, store: &Store, bytes: &mut Vec<u8>) -> Result<Option<u64>> {
        if let Some(&value) = self.ahead.get(self.next) {
            self.next += 1;
            return Ok(Some(value));
        }
        self.refill(store, bytes)
    }

    #[cold]
    fn refill(&mut self, store: &Store, bytes: &mut Vec<u8>) -> Result<Option<u64>> {
        let n = (self.end - self.at).min(self.ahead.capacity() as u64) as usize;
        if n == 0 {
            return Ok(None);
        }
        self.ahead.resize(n, 0);
        store.read(self.at, &mut self.ahead, bytes)?;
        self.at += n as u64;
        self.next = 1;
        Ok(self.ahead.first().copied())
    }
}

/// Hands the values of the sorted runs `runs` (each as start and length in `store`) to `each`,
/// as one sorted sequence, reading about `room` values ahead in all (at least one a run): a
/// k-way merge by a tree of losers (Knuth, TAOCP vol. 3, 5.4.1), where each value taken costs
/// one comparison a level, log2 k in all: about 20 ns a value over 10 runs of random hashes,
/// where a binary heap took twice that. The comparisons are coin tosses the processor
/// mispredicts half the time; a branchless form was slower still (each level then waits on
/// the one below).
pub(super) fn merge(
    store: &Store,
    runs: &[(u64, u64)],
    room: usize,
    mut each: impl FnMut(u64) -> Result<()>,
) -> Result<()> {
    let ahead = (room / runs.len().max(1)).max(1);
    let mut bytes = Vec::new();
    let mut cursors: Vec<Cursor> = (runs.iter())
        .map(|&(start, len)| Cursor {
            ahead: Vec::with_capacity(ahead),
            next: 0,
            at: start,
            end: start + len,
        })
        .collect();
    // Each run's next value, `u64::MAX` once it has none left (and for the leaves past the
    // last run, up to a power of two).
    let leaves = cursors.len().next_power_of_two();
    let (mut keys, mut done) = (vec![u64::MAX; leaves], vec![true; leaves]);
    for ((key, done), cursor) in keys.iter_mut().zip(&mut done).zip(&mut cursors) {
        if let Some(value) = cursor.next(store, &mut bytes)? {
            (*key, *done) = (value, false);
        }
    }
    // losers[n], for the inner nodes 1..leaves, is the run that lost the match there;
    // losers[0] the run that won them all, whose key is the smallest.
    let mut losers = vec![0; leaves.max(2)];
    let mut winners = vec![0; 2 * leaves];
    for (leaf, winner) in winners.iter_mut().skip(leaves).enumerate() {
        *winner = leaf;
    }
    for n in (1..leaves).rev() {
        let (a, b) = (winners[2 * n], winners[2 * n + 1]);
        let (win, lose) = if keys[a] <= keys[b] { (a, b) } else { (b, a) };
        (winners[n], losers[n]) = (win, lose);
    }
    losers[0] = if leaves > 1 { winners[1] } else { 0 };
    loop {
        let mut winner = losers[0];
        if done[winner] {
            // Every key is u64::MAX: the runs not done hold that value alone.
            for (n, cursor) in cursors.iter_mut().enumerate() {
                if !done[n] {
                    each(u64::MAX)?;
                    while let Some(value) = cursor.next(store, &mut bytes)? {
                        each(value)?;
                    }
                }
            }
            return Ok(());
        }
        each(keys[winner])?;
        let next = match cursors.get_mut(winner) {
            Some(cursor) => cursor.next(store, &mut bytes)?,
            None => None,
        };
        match next {
            Some(next) => keys[winner] = next,
            None => (keys[winner], done[winner]) = (u64::MAX, true),
        }
        let mut node = (winner + leaves) / 2;
        while node > 0 {
            let loser = losers[node];
            if keys[loser] < keys[winner] {
                (losers[node], winner) = (winner, loser);
            }
            node /= 2;
        }
        losers[0] = winner;
    }
}

/// Values written in order and read back in the same order, in parts of at most `cap`: held in
/// memory up to `cap`, and past that on a [`Store`] of their own, `cap` at a time.
pub(super) struct Values {
    held: Vec<u64>,
    cap: usize,
    store: Option<Store>,
    /// Values of the store handed back.
    read: u64,
}

impl Values {
    pub(super) fn new(cap: usize) -> Values {
        Values {
            held: Vec::new(),
            cap: cap.max(1),
            store: None,
            read: 0,
        }
    }

    /// Values already in memory, fewer than `cap` or not: one part.
    pub(super) fn held(held: Vec<u64>, cap: usize) -> Values {
        Values {
            held,
            cap: cap.max(1),
            store: None,
            read: 0,
        }
    }

    pub(super) fn push(&mut self, value: u64) -> Result<()> {
        if self.held.len() >= self.cap {
            let store = match &mut self.store {
                Some(store) => store,
                None => self.store.insert(Store::new()?),
            };
            store.append(&self.held)?;
            self.held.clear();
        }
        self.held.push(value);
        Ok(())
    }

    /// The next values, at most `cap` of them from the store; `None` after the last.
    pub(super) fn next_part(&mut self) -> Result<Option<Vec<u64>>> {
        if let Some(store) = &self.store
            && self.read < store.len
        {
            let mut part = vec![0; (store.len - self.read).min(self.cap as u64) as usize];
            store.read(self.read, &mut part, &mut Vec::new())?;
            self.read += part.len() as u64;
            return Ok(Some(part));
        }
        let held = std::mem::take(&mut self.held);
        Ok((!held.is_empty()).then_some(held))
    }
}

#[cfg(test)]
mod tests {
    use super::{HALF, Run, Store, Values, merge};

    /// The values `merge` hands on.
    fn merged(store: &Store, runs: &[(u64, u64)], room: usize) -> Vec<u64> {
        let mut out = Vec::new();
        merge(store, runs, room, |v| {
            out.push(v);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn runs_written_are_merged_back_in_order() {
        // Three runs: [1, 4, 9], [2, 4], [] and [0, HALF, u64::MAX]: one sorted sequence of 8,
        // whatever is read ahead (one value a run, or all).
        let mut store = Store::new().unwrap();
        let a = store.append_run(&[1, 4, 9]).unwrap();
        let b = store.append_run(&[2, 4]).unwrap();
        let c = store.append_run(&[]).unwrap();
        let d = store.append_run(&[0, HALF, u64::MAX]).unwrap();
        assert_eq!(
            (a, d),
            (
                Run {
                    start: 0,
                    len: 3,
                    low: 3
                },
                Run {
                    start: 5,
                    len: 3,
                    low: 1
                }
            )
        );
        assert_eq!(store.len, 8);
        let runs: Vec<(u64, u64)> = [a, b, c, d].iter().map(Run::whole).collect();
        let want = [0, 1, 2, 4, 4, 9, HALF, u64::MAX];
        for room in [1, 3, 100] {
            assert_eq!(merged(&store, &runs, room), want, "room {room}");
        }
        // The halves: below HALF, then from it on.
        let low: Vec<(u64, u64)> = [a, b, d].iter().map(Run::low_half).collect();
        let high: Vec<(u64, u64)> = [a, b, d].iter().map(Run::high_half).collect();
        assert_eq!(merged(&store, &low, 2), [0, 1, 2, 4, 4, 9]);
        assert_eq!(merged(&store, &high, 2), [HALF, u64::MAX]);
        assert_eq!(merged(&store, &[], 2), [] as [u64; 0]);
        // a and d merged into one run at the end: 6 values from 8 on, 4 below HALF.
        let ad = store.merge_runs(&[a.whole(), d.whole()], 2).unwrap();
        let (start, len, low) = (8, 6, 4);
        assert_eq!(ad, Run { start, len, low });
        assert_eq!(
            merged(&store, &[ad.whole()], 4),
            [0, 1, 4, 9, HALF, u64::MAX]
        );
        assert_eq!(store.len, 14);
    }

    #[test]
    fn the_largest_value_is_merged_like_any_other() {
        // u64::MAX is also what a run without values left holds: [MAX, MAX], [5, MAX] and [MAX]
        // give 5 and MAX four times; a run of it alone, MAX once.
        let mut store = Store::new().unwrap();
        let runs: Vec<(u64, u64)> = [&[u64::MAX, u64::MAX][..], &[5, u64::MAX], &[u64::MAX]]
            .iter()
            .map(|run| store.append_run(run).unwrap().whole())
            .collect();
        let max = u64::MAX;
        assert_eq!(merged(&store, &runs, 3), [5, max, max, max, max]);
        assert_eq!(merged(&store, &runs[2..], 3), [max]);
    }

    #[test]
    fn values_past_their_cap_come_back_in_parts_in_order() {
        // 0..7 with a cap of 3: 3 and 3 written to the store, 1 held; back as [0,1,2], [3,4,5],
        // [6]. Under the cap, one part; none when empty.
        let mut values = Values::new(3);
        for v in 0..7 {
            values.push(v).unwrap();
        }
        let mut parts = Vec::new();
        while let Some(part) = values.next_part().unwrap() {
            parts.push(part);
        }
        assert_eq!(parts, [vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        let mut values = Values::new(3);
        values.push(8).unwrap();
        assert_eq!(values.next_part().unwrap(), Some(vec![8]));
        assert_eq!(values.next_part().unwrap(), None);
        assert_eq!(Values::new(3).next_part().unwrap(), None);
        assert_eq!(
            Values::held(vec![5; 4], 3).next_part().unwrap(),
            Some(vec![5; 4])
        );
    }
}
