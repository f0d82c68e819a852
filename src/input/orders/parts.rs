//! A plain file's rows read in parts on several threads, and handed on in file order: what a
//! single reader would hand on, byte for byte, whatever the number of threads.
//!
//! The file is cut every [`Plan::part_bytes`] bytes. Where a row starts cannot be known from
//! the middle of a file, since a newline may lie inside a quoted field: so a part is read from
//! the first line start at or after its cut, on the guess that no quote is open there, and
//! ends before the first row that starts at or after the next cut. The guess is checked as
//! the parts are put back in order: a part is taken only if it starts where the part before it
//! ended, which is where a row starts. Otherwise — a quoted newline across the cut, blank lines
//! across it, a row longer than [`SLACK`] past it — the part is read again from where the part
//! before it ended, on the ordering thread. So is a part that met an error that ends the run,
//! so that the error is the one a single reader meets, with its line.
//!
//! Each part counts lines from 1; its rows, and the errors they carry, are renumbered when the
//! part is taken and the lines before it are known.

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::batch::{Batch, End, Rows};
use crate::input::at::At;
use crate::input::table::Table;

/// Bytes a row may run past the next cut before its part gives up and leaves it to be read
/// again in order (a guess that started inside a quoted field could otherwise read on to the
/// end of the file).
const SLACK: u64 = 1 << 20;

/// Threads that read parts, at most: `--threads` takes up to 65,535, more threads than a process
/// may start.
const MOST_READERS: u64 = 256;

/// Parts of the file the ordering thread is ahead of, at most, per reading thread: enough to
/// keep every thread busy while one part takes longer, few enough to keep memory flat.
const AHEAD: usize = 2;

/// Parts read ahead of the ordering thread, at most, whatever the threads: each holds its rows
/// parsed (about 2.5 MB for 1 MiB of a file like the benchmark's), so that on a machine of
/// many cores the memory stays near 160 MB for them.
const MOST_AHEAD: usize = 64;

/// Empty batches kept for the reading threads, at most: a part of 1 MiB fills about four.
const SPARES: usize = 16;

/// How a file is cut into parts.
pub(super) struct Plan {
    file: Arc<File>,
    /// The file's size when it was opened.
    pub size: u64,
    /// Where its rows start (past the header), and their first line.
    start: u64,
    line: u64,
    part_bytes: u64,
    /// Parts: at least one, whose last runs to the end of the file, wherever that now is.
    parts: usize,
    /// Threads that read parts: one fewer than the run's, at most one a part and
    /// [`MOST_READERS`].
    readers: usize,
    /// Batches handed back empty by the rows' taker, for the reading threads to fill again:
    /// fresh ones for every part would cost a page fault per page.
    spares: Mutex<Vec<Batch>>,
}

/// One part, read.
struct Part {
    /// Its first and last byte + 1 in the file.
    start: u64,
    end: u64,
    /// The line it starts on, as its rows are numbered.
    line: u64,
    /// Lines passed from its start to its end.
    lines: u64,
    batches: Vec<Batch>,
    /// How reading it ended, and whether its end can be trusted (not cut short by the slack).
    ended: End,
    sure: bool,
}

impl Plan {
    /// Bytes per part: 1 MiB (the environment variable `XSELL_PART_BYTES`, for tests, sets
    /// another size, and reads even a small file in parts).
    fn part_bytes() -> (u64, bool) {
        match std::env::var("XSELL_PART_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            Some(n) if n > 0 => (n, true),
            _ => (1 << 20, false),
        }
    }

    /// How to read `t` in parts when the run has `threads` threads, if it can be
    /// ([`Table::in_parts`]) and gains from it: one thread checks the rows in order, the others
    /// read the parts. With one thread to read them, reading the whole file on it does as well
    /// without putting parts in order (measured: 10M lines on two cores, 2.22 s against 2.39 s),
    /// so parts need three threads or more, and a file of four parts or more.
    pub fn of(t: &Table, threads: usize) -> Option<Plan> {
        let (file, size) = t.in_parts()?;
        let (part_bytes, forced) = Plan::part_bytes();
        let start = t.position();
        let parts = (size.saturating_sub(start)).div_ceil(part_bytes).max(1);
        let readers = (threads.saturating_sub(1) as u64)
            .min(parts)
            .min(MOST_READERS) as usize;
        if readers == 0 || (!forced && (readers < 2 || parts < 4)) {
            return None;
        }
        Some(Plan {
            file,
            size,
            start,
            line: t.next_line(),
            part_bytes,
            parts: parts as usize,
            readers,
            spares: Mutex::default(),
        })
    }

    /// The cut where part `k` is to start (at or after it).
    fn cut(&self, k: usize) -> u64 {
        self.start
            .saturating_add(self.part_bytes.saturating_mul(k as u64))
    }

    /// Reads the rows of `t` on [`Plan::readers`] threads into batches handed to `send`, in
    /// order, as [`Rows::read`] would from the start of the file.
    pub fn read(
        &self,
        t: &Table,
        rows: &Rows,
        send: &mut dyn FnMut(&mut Batch, u64) -> bool,
    ) -> End {
        let quit = AtomicBool::new(false);
        let (jobs, queue) = mpsc::channel::<(usize, mpsc::SyncSender<Part>)>();
        let queue = Mutex::new(queue);
        std::thread::scope(|scope| {
            for _ in 0..self.readers {
                // A table for each thread: a table is read by one thread at a time.
                let t = t.part(Box::new(io::empty()), 1);
                let (queue, quit) = (&queue, &quit);
                scope.spawn(move || {
                    while let Some((k, reply)) = next_job(queue) {
                        if quit.load(Ordering::Relaxed) {
                            break;
                        }
                        if let Some(part) = self.guess(&t, rows, k) {
                            let _ = reply.send(part);
                        }
                    }
                });
            }
            let end = self.gather(t, rows, &jobs, send);
            quit.store(true, Ordering::Relaxed);
            drop(jobs);
            end
        })
    }

    /// Takes the parts in order, each read on a thread or, when its guess was wrong, again here.
    fn gather(
        &self,
        t: &Table,
        rows: &Rows,
        jobs: &mpsc::Sender<(usize, mpsc::SyncSender<Part>)>,
        send: &mut dyn FnMut(&mut Batch, u64) -> bool,
    ) -> End {
        let parts = self.parts;
        let mut waiting = VecDeque::new();
        let mut asked = 0;
        let mut ask = |waiting: &mut VecDeque<mpsc::Receiver<Part>>| {
            if asked < parts {
                let (reply, answer) = mpsc::sync_channel(1);
                if jobs.send((asked, reply)).is_ok() {
                    waiting.push_back(answer);
                }
                asked += 1;
            }
        };
        for _ in 0..(AHEAD * self.readers).min(MOST_AHEAD) {
            ask(&mut waiting);
        }
        let (mut at, mut line) = (self.start, self.line);
        for k in 0..parts {
            let guessed = waiting.pop_front().and_then(|answer| answer.recv().ok());
            ask(&mut waiting);
            let part = match guessed {
                Some(part) if part.start == at && part.sure && part.ended != End::Fatal => part,
                _ => self.read_part(t, rows, (at, line), self.stop(k), false),
            };
            for mut b in part.batches {
                b.renumber(line - part.line);
                if !send(&mut b, part.end) {
                    return End::Cancelled;
                }
                self.give_back(b);
            }
            (at, line) = (part.end, line + part.lines);
            if part.ended != End::Stop {
                return part.ended;
            }
        }
        End::Eof
    }

    /// An empty batch, one handed back if there is one.
    fn spare(&self) -> Batch {
        let spare = self.spares.lock().ok().and_then(|mut spares| spares.pop());
        spare.unwrap_or_default()
    }

    /// Keeps `batch`, handed back empty, for [`Plan::spare`]: [`SPARES`] at most.
    fn give_back(&self, batch: Batch) {
        if let Ok(mut spares) = self.spares.lock()
            && spares.len() < SPARES
        {
            spares.push(batch);
        }
    }

    /// Where part `k` ends: before the first row that starts at or after the next cut; the last
    /// part at the end of the file.
    fn stop(&self, k: usize) -> u64 {
        match k + 1 < self.parts {
            true => self.cut(k + 1),
            false => u64::MAX,
        }
    }

    /// Part `k` read from the first line start at or after its cut, lines counted from 1.
    fn guess(&self, t: &Table, rows: &Rows, k: usize) -> Option<Part> {
        let start = match k {
            0 => self.start,
            _ => line_start(&self.file, self.cut(k), self.size).ok()?,
        };
        Some(self.read_part(t, rows, (start, 1), self.stop(k), true))
    }

    /// Reads from `start`, a row's start on line `line`, the rows that start before `stop`;
    /// with `slack`, the input ends [`SLACK`] bytes after `stop` (or at the file's size), and a
    /// part that reaches that end is not sure: a single reader might have read on.
    fn read_part(
        &self,
        t: &Table,
        rows: &Rows,
        (start, line): (u64, u64),
        stop: u64,
        slack: bool,
    ) -> Part {
        // The last part reads on to the end of the file, as a single reader would, even if the
        // file grew (the file's check then says it changed).
        let limit = match slack && stop != u64::MAX {
            true => stop.saturating_add(SLACK).min(self.size),
            false => u64::MAX,
        };
        let input = At {
            file: Arc::clone(&self.file),
            at: start,
            end: limit,
        };
        let mut part = t.part(Box::new(input), line);
        let mut batches = Vec::new();
        let mut batch = self.spare();
        let ended = rows.read(
            &mut part,
            stop.saturating_sub(start),
            &mut batch,
            &mut |b, _| {
                batches.push(std::mem::replace(b, self.spare()));
                true
            },
        );
        if !batch.is_empty() {
            batches.push(batch);
        }
        let end = start + part.position();
        Part {
            start,
            end,
            line,
            lines: part.next_line() - line,
            batches,
            ended,
            sure: end < limit,
        }
    }
}

/// The next part a reading thread is to read, until there are no more.
fn next_job<T>(queue: &Mutex<mpsc::Receiver<T>>) -> Option<T> {
    queue.lock().ok()?.recv().ok()
}

/// The first line start at or after byte `cut` (> 0) of `file`: the byte after a `\n`, or after
/// a `\r` that no `\n` follows; `size` when there is none before it.
fn line_start(file: &File, cut: u64, size: u64) -> io::Result<u64> {
    let mut buf = vec![0; 1 << 16];
    // From the byte before the cut: the cut may itself be a line start.
    let mut from = cut - 1;
    while from < size {
        let n = file.read_at(&mut buf, from)?;
        if n == 0 {
            break;
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            let after = from + i as u64 + 1;
            let ends = match b {
                b'\n' => true,
                b'\r' => match buf[..n].get(i + 1) {
                    Some(&next) => next != b'\n',
                    None => {
                        let mut next = [0];
                        file.read_at(&mut next, after)? == 0 || next[0] != b'\n'
                    }
                },
                _ => false,
            };
            if ends && after >= cut {
                return Ok(after);
            }
        }
        from += n as u64;
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`line_start`] of every cut of `text`.
    fn starts(text: &str) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, text).unwrap();
        let file = File::open(&path).unwrap();
        let size = text.len() as u64;
        (1..=size)
            .map(|cut| line_start(&file, cut, size).unwrap())
            .collect()
    }

    #[test]
    fn a_part_starts_after_the_first_line_end_at_or_after_its_cut() {
        // "ab\n" ends at 3: cuts 1..3 go to 3; "c\r\n" is one line end, at 6; "d\r" a lone
        // `\r` at 8; "e" runs to the end, 9.
        assert_eq!(starts("ab\nc\r\nd\re"), [3, 3, 3, 6, 6, 6, 8, 8, 9]);
        // A cut between `\r` and `\n` is no line start; a file that ends in `\r` ends a line.
        assert_eq!(starts("a\r\nb\r"), [3, 3, 3, 5, 5]);
        assert_eq!(starts("\n\n"), [1, 2]);
    }
}
