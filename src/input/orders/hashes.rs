//! Counting the order lines identical to an earlier line in memory bounded by a buffer, not by
//! the lines: the lines' 64-bit hashes ([`Table::record_hash`]) are sorted and equal neighbours
//! counted, an external sort once they outgrow the buffer.
//!
//! The count is the number of lines whose hash equals an earlier line's hash: in a sorted
//! sequence, the values equal to the one before. A collision of two different lines' hashes
//! (about one in 2^64 a pair) could only inflate it; [`super::twins`] never names such a pair.
//!
//! - **No more lines than the buffer holds** ([`Hashes::LIMIT`] hashes, 8 MiB): the hashes stay
//!   in it and are sorted there at the end, its two halves on two threads when there are two,
//!   as before there was a buffer; no file is made.
//! - **More**: each time the buffer is full it is sorted and written as a run to an anonymous
//!   temporary file ([`super::runs`]): on a helper thread when there are two threads or more,
//!   while the reading fills a second buffer, or on the reading thread with `--threads 1`. At
//!   the end the last part is written too and the runs are merged (k-way, by a tree of losers,
//!   read ahead in long strides) into one sorted sequence, counting equal neighbours and keeping the
//!   values met more than once, to name the lines ([`RepeatedHashes`]). Each run was cut at
//!   the middle of the hash space as it was written, so that two threads merge the halves side
//!   by side. More than [`Hashes::fan_in`] runs are first merged in groups into longer runs, so
//!   that the runs merged at once, and their read buffers, stay few. The runs' sorting costs
//!   what sorting all the hashes at the end did; the merge adds about 20 ns a line (0.2 s of
//!   CPU over 10M lines, half of it on each of two threads) and the file's writes and reads.
//!
//! Memory, whatever the number of lines: the buffer (8 bytes × [`Hashes::LIMIT`] = 8 MiB) and,
//! while a helper thread sorts and writes it, a second one: 16 MiB. The merge reads ahead
//! 8 MiB in all and keeps the repeated values in at most 8 MiB more, past which they go to a
//! temporary file too. The disk takes 8 bytes a line (and as much again for each round of
//! groups merged first, past 128 runs, 134 million lines), and the list of runs 24 bytes a
//! million lines. With the temporary directory on a memory file system (tmpfs) the file's bytes
//! are in memory after all, if outside xsell's.
//!
//! `--dedupe` keeps a set of 128-bit keys instead ([`super::repeats::Seen`]), which does grow
//! with the lines, 16 bytes or more a distinct line: it must tell whether each line repeats an
//! earlier one as the line comes, to drop it before it is counted as data, where this count
//! can wait for the end.
//!
//! The environment variable `XSELL_REPEAT_BUFFER`, a number of hashes, sets another buffer
//! size: a testing knob, to spill small files.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use anyhow::{Result, anyhow};

use super::repeats::{count_repeats, repeated};
use super::runs::{Run, Store, Values, merge};
#[cfg(doc)]
use crate::input::table::Table;

/// The lines' hashes, as they are read.
pub(super) struct Hashes {
    buffer: Vec<u64>,
    /// The buffer's length at which it grows, or at `limit` is spilled.
    until: usize,
    limit: usize,
    threads: usize,
    /// Where full buffers go, from the first one on.
    spill: Option<Spill>,
    /// The values met more than once, after a count from runs.
    repeated: Vec<Values>,
}

/// Where full buffers are sorted and written.
enum Spill {
    /// On the reading thread (`--threads 1`).
    Here { store: Store, runs: Vec<Run> },
    /// On a helper thread, which takes full buffers through `full` and hands them back empty
    /// through `empty` (two buffers in all), and at the end the file and its runs.
    Helper {
        full: SyncSender<Vec<u64>>,
        empty: Receiver<Vec<u64>>,
        /// Whether the helper holds a buffer now.
        lent: bool,
        done: JoinHandle<Result<(Store, Vec<Run>)>>,
    },
}

/// The values met more than once, sorted, handed out in parts ([`RepeatedHashes::next`]).
pub(super) struct RepeatedHashes {
    parts: std::vec::IntoIter<Values>,
    current: Option<Values>,
    limit: usize,
}

impl Hashes {
    /// Hashes held in memory before a run is written: 2^20, 8 MiB.
    pub(super) const LIMIT: usize = 1 << 20;

    /// The buffer's size: [`Hashes::LIMIT`], or `XSELL_REPEAT_BUFFER` (for tests).
    pub(super) fn limit() -> usize {
        match std::env::var("XSELL_REPEAT_BUFFER")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            Some(n) if n > 0 => n,
            _ => Hashes::LIMIT,
        }
    }

    /// Hashes kept in a buffer of `limit`, spilled with the help of a thread when `threads`
    /// > 1.
    pub(super) fn new(limit: usize, threads: usize) -> Hashes {
        Hashes {
            buffer: Vec::new(),
            until: 0,
            limit: limit.max(1),
            threads,
            spill: None,
            repeated: Vec::new(),
        }
    }

    /// Runs merged at once, at most: 128, fewer for a small buffer so that each run still
    /// reads ahead 2,048 values (16 KiB) at a time (and a tiny one, in tests, merges in groups).
    fn fan_in(&self) -> usize {
        (self.limit / 2 / 2048).clamp(2, 128)
    }

    /// Keeps the hash of a line.
    #[inline]
    pub(super) fn push(&mut self, hash: u64) -> Result<()> {
        if self.buffer.len() == self.until {
            self.make_room()?;
        }
        self.buffer.push(hash);
        Ok(())
    }

    /// Room for one more hash: the buffer doubled, up to `limit`, or spilled when full.
    #[cold]
    fn make_room(&mut self) -> Result<()> {
        let len = self.buffer.len();
        if len >= self.limit {
            self.spill_buffer()?;
        } else if len == self.buffer.capacity() {
            let grown = (2 * len).max(1024).min(self.limit);
            self.buffer.reserve_exact(grown - len);
        }
        self.until = self.buffer.capacity().min(self.limit);
        Ok(())
    }

    /// Writes the full buffer as a run, here or on the helper thread. The first time, makes
    /// the temporary file (here, so that a failure stops the reading at once), and the helper.
    fn spill_buffer(&mut self) -> Result<()> {
        let spill = match &mut self.spill {
            Some(spill) => spill,
            None => self.spill.insert(Spill::new(Store::new()?, self.threads)),
        };
        match spill {
            Spill::Here { store, runs } => {
                self.buffer.sort_unstable();
                runs.push(store.append_run(&self.buffer)?);
                self.buffer.clear();
            }
            Spill::Helper {
                full, empty, lent, ..
            } => {
                let spare = match *lent {
                    true => empty.recv().ok(),
                    false => Some(Vec::with_capacity(self.limit)),
                };
                let sent = spare.and_then(|spare| {
                    let buffer = std::mem::replace(&mut self.buffer, spare);
                    full.send(buffer).ok()
                });
                if sent.is_none() {
                    // The helper stopped: its error says why.
                    return self
                        .join()
                        .and(Err(anyhow!("the thread writing hashes stopped")));
                }
                *lent = true;
            }
        }
        Ok(())
    }

    /// The temporary file and its runs, once the helper, if any, has written every buffer
    /// handed to it.
    fn join(&mut self) -> Result<(Store, Vec<Run>)> {
        match self.spill.take() {
            Some(Spill::Here { store, runs }) => Ok((store, runs)),
            Some(Spill::Helper {
                full, empty, done, ..
            }) => {
                drop((full, empty));
                (done.join()).unwrap_or_else(|_| Err(anyhow!("the thread writing hashes stopped")))
            }
            None => Err(anyhow!("no hashes were written")),
        }
    }

    /// How many of the hashes equal an earlier one: [`count_repeats`] in the buffer when it was
    /// never spilled, else merged from the runs, on two threads when there are two, keeping
    /// the values met more than once.
    pub(super) fn count(&mut self) -> Result<u64> {
        if self.spill.is_none() {
            return Ok(count_repeats(&mut self.buffer, self.threads));
        }
        let (mut store, mut runs) = self.join()?;
        self.buffer.sort_unstable();
        runs.push(store.append_run(&self.buffer)?);
        self.buffer = Vec::new();
        let fan_in = self.fan_in();
        while runs.len() > fan_in {
            let group: Vec<(u64, u64)> = runs.drain(..fan_in).map(|r| r.whole()).collect();
            runs.push(store.merge_runs(&group, self.limit)?);
        }
        let lows: Vec<(u64, u64)> = runs.iter().map(Run::low_half).collect();
        let highs: Vec<(u64, u64)> = runs.iter().map(Run::high_half).collect();
        let (half, store) = (self.limit / 2, &store);
        let (low, high) = match self.threads {
            0 | 1 => (
                count_merged(store, &lows, half),
                count_merged(store, &highs, half),
            ),
            _ => std::thread::scope(|scope| {
                let merge_low = || count_merged(store, &lows, half);
                let low = std::thread::Builder::new().spawn_scoped(scope, merge_low);
                let high = count_merged(store, &highs, half);
                let stopped = |_| Err(anyhow!("a thread merging hashes stopped"));
                let low = match low {
                    Ok(low) => low.join().unwrap_or_else(stopped),
                    Err(_) => merge_low(),
                };
                (low, high)
            }),
        };
        let ((low, low_values), (high, high_values)) = (low?, high?);
        self.repeated = vec![low_values, high_values];
        Ok(low + high)
    }

    /// The values met more than once, after [`Hashes::count`].
    pub(super) fn repeated(self) -> RepeatedHashes {
        let parts = match self.repeated.is_empty() {
            true => vec![Values::held(repeated(self.buffer), self.limit)],
            false => self.repeated,
        };
        RepeatedHashes {
            parts: parts.into_iter(),
            current: None,
            limit: self.limit,
        }
    }
}

impl Spill {
    /// Buffers to write to `store`: on a helper thread when there are `threads` > 1 and one
    /// can be started, else here.
    fn new(store: Store, threads: usize) -> Spill {
        let here = |store| Spill::Here {
            store,
            runs: Vec::new(),
        };
        if threads < 2 {
            return here(store);
        }
        let (full, full_rx) = sync_channel::<Vec<u64>>(1);
        let (empty_tx, empty) = sync_channel::<Vec<u64>>(1);
        // The file is handed over once the thread runs, so that it is still here otherwise.
        let (give, take) = sync_channel::<Store>(1);
        let helper = move || -> Result<(Store, Vec<Run>)> {
            let mut store = (take.recv()).map_err(|_| anyhow!("no temporary file was handed"))?;
            let mut runs = Vec::new();
            for mut buffer in full_rx {
                buffer.sort_unstable();
                runs.push(store.append_run(&buffer)?);
                buffer.clear();
                // The reader may be gone, after an error of its own: then no matter.
                let _ = empty_tx.send(buffer);
            }
            Ok((store, runs))
        };
        let Ok(done) = std::thread::Builder::new().spawn(helper) else {
            return here(store);
        };
        match give.send(store) {
            Ok(()) => Spill::Helper {
                full,
                empty,
                lent: false,
                done,
            },
            Err(unsent) => here(unsent.0),
        }
    }
}

impl RepeatedHashes {
    /// The next of them, sorted, at most the buffer's size of them (all at once when they
    /// fit); `None` after the last.
    pub(super) fn next(&mut self) -> Result<Option<Vec<u64>>> {
        loop {
            if let Some(values) = &mut self.current
                && let Some(part) = values.next_part()?
            {
                return Ok(Some(part));
            }
            match self.parts.next() {
                Some(values) => self.current = Some(values),
                None => return Ok(None),
            }
        }
    }

    /// The buffer's size, in hashes.
    pub(super) fn limit(&self) -> usize {
        self.limit
    }
}

/// The repeats among the values of sorted `runs`, merged, and the values met more than once,
/// kept up to `room` in memory.
fn count_merged(store: &Store, runs: &[(u64, u64)], room: usize) -> Result<(u64, Values)> {
    let (mut last, mut repeats, mut values) = (None, 0, Values::new(room));
    let mut kept = None;
    merge(store, runs, room, |value| {
        if last == Some(value) {
            repeats += 1;
            if kept != Some(value) {
                values.push(value)?;
                kept = Some(value);
            }
        }
        last = Some(value);
        Ok(())
    })?;
    Ok((repeats, values))
}

#[cfg(test)]
mod tests {
    use super::Hashes;
    use crate::input::orders::runs::HALF;

    /// The count and the repeated values, in their parts, of `hashes` in a buffer of `limit`
    /// on `threads` threads, and whether it was spilled.
    fn counted(hashes: &[u64], limit: usize, threads: usize) -> (u64, Vec<Vec<u64>>, bool) {
        let mut kept = Hashes::new(limit, threads);
        for &h in hashes {
            kept.push(h).unwrap();
        }
        let spilled = kept.spill.is_some();
        let count = kept.count().unwrap();
        let mut repeated = kept.repeated();
        let mut parts = Vec::new();
        while let Some(part) = repeated.next().unwrap() {
            parts.push(part);
        }
        (count, parts, spilled)
    }

    #[test]
    fn a_spilled_count_is_the_count_in_memory() {
        // 5 three times (2 repeats), 1 twice (1), HALF + 1 twice (1): 4 repeats of 10 values.
        // With a buffer of 3: runs [1 5 5], [1 5 9], [2 H+1 H+1] and the last, [7]; 4 runs,
        // more than 2 at once, merged in groups first. The repeated values come in parts of
        // one (half the buffer, a half of the hash space each): [1], [5], [H+1]. Spilled once,
        // with a buffer of 9: one part a half. Not spilled (10): in one part.
        let hashes = [5, 1, 5, 9, 1, 5, 2, HALF + 1, HALF + 1, 7];
        let one = vec![1, 5, HALF + 1];
        for threads in [1, 2] {
            let parts = vec![vec![1], vec![5], vec![HALF + 1]];
            assert_eq!(counted(&hashes, 3, threads), (4, parts, true), "{threads}");
            assert_eq!(counted(&hashes, 10, threads), (4, vec![one.clone()], false));
            let halves = vec![vec![1, 5], vec![HALF + 1]];
            assert_eq!(counted(&hashes, 9, threads), (4, halves, true));
        }
        // Nothing repeated: no part. Nothing at all: no count.
        assert_eq!(counted(&[3, 2, 1, 0], 1, 2), (0, vec![], true));
        assert_eq!(counted(&[], 1, 2), (0, vec![], false));
    }

    #[test]
    fn many_runs_count_alike_on_one_thread_and_two() {
        // 0..50,000 then 0..20,000 again, spread by a multiplier prime to 2^64: 20,000 repeats,
        // the values of 0..20,000 (as the in-memory test below). A buffer of 1,000: 70 runs,
        // merged two at a time down to two; the repeated values in parts of 500.
        let spread = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let hashes: Vec<u64> = (0..70_000u64).map(|i| spread(i % 50_000)).collect();
        let mut want: Vec<u64> = (0..20_000).map(spread).collect();
        want.sort_unstable();
        for threads in [1, 2] {
            let (count, parts, spilled) = counted(&hashes, 1000, threads);
            assert_eq!((count, spilled), (20_000, true), "{threads}");
            assert!(parts.iter().all(|p| p.len() <= 500), "{threads}");
            assert_eq!(parts.concat(), want, "{threads}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn any_buffer_counts_as_sorting_everything(
            picks in proptest::collection::vec(0..12usize, 0..200),
            limit in 1..16usize,
            threads in 1..=2usize,
        ) {
            // Values from a set of twelve, so that repeats are many, with both ends of each
            // half. The oracle: all of them sorted, the equal neighbours counted.
            let set = [0, 1, 2, 3, HALF - 1, HALF, HALF + 1, u64::MAX - 1, u64::MAX, 7, 8, 9];
            let hashes: Vec<u64> = picks.iter().map(|&i| set[i]).collect();
            let mut sorted = hashes.clone();
            sorted.sort_unstable();
            let count = sorted.windows(2).filter(|w| w[0] == w[1]).count() as u64;
            let mut want: Vec<u64> = sorted.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
            want.dedup();
            let (got, parts, spilled) = counted(&hashes, limit, threads);
            proptest::prop_assert_eq!((got, parts.concat()), (count, want));
            proptest::prop_assert_eq!(spilled, hashes.len() > limit);
        }
    }
}
