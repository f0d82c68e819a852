//! Naming repeated lines: the first [`Repeat::FIRST`], each with the earlier line it repeats
//! (`o.csv:57 repeats o.csv:12`), found by reading the order files a second time.
//!
//! The first reading keeps a fast hash a line and counts the repeats by sorting them
//! ([`Seen`], [`super::hashes`]): it cannot say where they were. Keeping where each line was
//! would take more memory (or disk) for every file, and most files repeat no line; so the
//! names cost nothing until a repeat is counted, and then a second reading, which stops as soon
//! as it has them:
//!
//! 1. the hashes met more than once ([`RepeatedHashes`]), sorted, with a bit each: a line whose
//!    hash is among them, met once already, is a repeat. Where each was first met, and the rest
//!    of that line's 128-bit key ([`Table::record_key`]), are kept too when they fit in the
//!    room of the hash buffer (24 bytes a value, for at most a third of its size): then the
//!    repeat's earlier line is known at once. `--dedupe` needs no such reading: it drops
//!    repeats as they come, and keeps where the first ten were.
//! 2. Otherwise (`--dedupe`, more repeated values than that, or two different lines whose fast
//!    hashes collide), from the start again: for each repeat, the first earlier line with the
//!    same 128-bit key. A collision of the fast hashes never names two different lines: a
//!    repeat whose earlier line is not found is left out.
//!
//! More repeated values than the hash buffer holds come in parts, each a range of the hashes:
//! the second reading is then made once a part (a line's hash is in one part only), each
//! stopping at the tenth repeat found so far, and the first ten of all are kept; memory stays
//! that of one part.
//!
//! A row counts here as in the first reading: not left out (`--where`, `--guests skip`) and
//! read without an error. A row that begins an order with a cell `--fill-down` has to fill is
//! neither named nor taken as an earlier line: only the book knows whether the first reading
//! kept it (it is an error when the order came earlier), and the names must never point at a
//! row that was not read.
//!
//! Standard input, and any other input that is not a regular file, cannot be read twice: the
//! warning then says so instead of naming the lines.

use anyhow::Result;

use super::hashes::RepeatedHashes;
use super::repeats::{Place, Repeat, Repeated, Seen};
use super::row::{left_out, parse_row};
use super::{OrderColumns, ReadReport};
use crate::input::table::{Stamp, Table};
use crate::input::{ReadOptions, Source, is_row_error};

/// The order files as the first reading opened them, to read them again.
pub(super) struct Again<'a> {
    pub sources: &'a [Source],
    /// Each file's size and modification time when first opened; `None` for what is not a
    /// regular file.
    pub stamps: Vec<Option<Stamp>>,
    pub opts: &'a ReadOptions,
    pub columns: OrderColumns,
}

/// Names the first repeated lines of `seen` into `report`: [`ReadReport::repeats`], or why they
/// could not be named in [`ReadReport::unnamed`].
pub(super) fn name(seen: Seen, again: &Again, report: &mut ReadReport) {
    let names: Vec<String> = again.sources.iter().map(Source::to_string).collect();
    if let Some(why) = unreadable(again, &names) {
        report.unnamed = Some(why);
        return;
    }
    let found = match seen {
        Seen::Count(hashes) => first_repeats(hashes.repeated(), again),
        Seen::Drop { first, .. } => Ok(first),
    };
    let named = found.and_then(|mut found| {
        find_earlier(&mut found, again)?;
        Ok(found)
    });
    let place = |p: Place| format!("{}:{}", names[p.file as usize], p.line);
    match named {
        Ok(found) => {
            report.repeats = (found.iter())
                .filter_map(|r| Some(format!("{} repeats {}", place(r.at), place(r.of?))))
                .collect();
        }
        Err(e) => report.unnamed = Some(format!("reading them again failed: {e:#}")),
    }
}

/// Why the inputs cannot be read a second time, if they cannot.
fn unreadable(again: &Again, names: &[String]) -> Option<String> {
    let sources = again.sources.iter().zip(&again.stamps).zip(names);
    for ((source, stamp), name) in sources {
        match source {
            Source::Stdin => return Some("standard input cannot be read twice".to_string()),
            Source::File(_) if stamp.is_none() => {
                return Some(format!("{name} cannot be read twice (not a regular file)"));
            }
            _ => {}
        }
    }
    None
}

/// The first [`Repeat::FIRST`] lines whose fast hash is among `hashes` and was met before, by
/// one reading a part of them ([`candidates`]).
fn first_repeats(mut hashes: RepeatedHashes, again: &Again) -> Result<Vec<Repeat>> {
    let mut found: Vec<Repeat> = Vec::new();
    while let Some(part) = hashes.next()? {
        // A first line takes 24 bytes beside its hash's 8: kept for a third of the buffer's
        // size at most, in the buffer's room.
        let keep_first = 3 * part.len() <= hashes.limit();
        let before = found.get(Repeat::FIRST - 1).map(|r| r.at);
        found.extend(candidates(&Repeated::new(part), keep_first, before, again)?);
        found.sort_by_key(|r| r.at);
        found.truncate(Repeat::FIRST);
    }
    Ok(found)
}

/// The first [`Repeat::FIRST`] lines before `before` whose fast hash is among `repeated` and was
/// met before. With `keep_first`, each hash's first line, and the low half of its key, are
/// kept beside `repeated`: then a repeat's earlier line is known here, and needs no third
/// reading unless the fast hashes collide.
fn candidates(
    repeated: &Repeated,
    keep_first: bool,
    before: Option<Place>,
    again: &Again,
) -> Result<Vec<Repeat>> {
    let mut met = vec![0u64; repeated.len().div_ceil(64)];
    let mut first = match keep_first {
        true => vec![(Place::default(), 0u64); repeated.len()],
        false => Vec::new(),
    };
    let mut found = Vec::new();
    walk(again, |at, t| {
        if before.is_some_and(|before| at >= before) {
            return Ok(false);
        }
        let Some(i) = repeated.find(t.record_hash()) else {
            return Ok(true);
        };
        if !read_alike(t, again) {
            return Ok(true);
        }
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if met[word] & bit == 0 {
            met[word] |= bit;
            if let Some(slot) = first.get_mut(i) {
                *slot = (at, t.record_key() as u64);
            }
            return Ok(true);
        }
        let key = t.record_key();
        let of = (first.get(i))
            .filter(|&&(_, low)| low == key as u64)
            .map(|&(place, _)| place);
        found.push(Repeat { at, key, of });
        Ok(found.len() < Repeat::FIRST)
    })?;
    Ok(found)
}

/// Sets the earlier line of each of `found`: the first line before it with its key.
fn find_earlier(found: &mut [Repeat], again: &Again) -> Result<()> {
    let open = |found: &[Repeat], at: Place| found.iter().any(|r| r.of.is_none() && at < r.at);
    if found.iter().all(|r| r.of.is_some()) {
        return Ok(());
    }
    walk(again, |at, t| {
        if !open(found, at) {
            return Ok(false);
        }
        let fast = t.record_hash();
        let mut key = None;
        for r in found.iter_mut() {
            if r.of.is_some() || at >= r.at || (r.key >> 64) as u64 != fast {
                continue;
            }
            let key = *key.get_or_insert_with(|| read_alike(t, again).then(|| t.record_key()));
            if key == Some(r.key) {
                r.of = Some(at);
            }
        }
        Ok(true)
    })
}

/// Whether the table's current row, whose key is that of a line the first reading counted, was
/// counted too. Without `--fill-down` a row's cells alone decide whether it reads (and an
/// order's customer and date, which every line must repeat): yes. With it, cells filled from
/// the row before may differ: read without an error, and not a row that begins an order with a
/// cell to fill down (see the module's doc).
fn read_alike(t: &Table, again: &Again) -> bool {
    again.opts.fill_down.is_empty()
        || (!t.unfilled() && parse_row(t, again.columns, again.opts).is_ok())
}

/// Reads the order files again, from the start, and hands each row not left out to `each` with
/// where it is, until `each` says to stop. A file that is not as the first reading found it is
/// an error.
fn walk(again: &Again, mut each: impl FnMut(Place, &mut Table) -> Result<bool>) -> Result<()> {
    let reasons = again.opts.left_out_reasons();
    for (file, (source, stamp)) in (0u32..).zip(again.sources.iter().zip(&again.stamps)) {
        let mut t = super::open_table(source, again.opts)?;
        let changed = |t: &Table| anyhow::anyhow!("{} changed after it was read", t.name);
        if t.stamp() != *stamp {
            return Err(changed(&t));
        }
        let mut go = true;
        while go && next_row(&mut t)? {
            let left =
                !reasons.is_empty() && !matches!(left_out(&t, again.opts, &reasons), Ok(None));
            if !left {
                let at = Place {
                    file,
                    line: t.line(),
                };
                go = each(at, &mut t)?;
            }
        }
        t.check_unchanged().map_err(|_| changed(&t))?;
        if !go {
            break;
        }
    }
    Ok(())
}

/// The next row that reads, past bad ones (the first reading skipped or stopped at them).
fn next_row(t: &mut Table) -> Result<bool> {
    loop {
        match t.next_row() {
            Err(e) if is_row_error(&e) => continue,
            more => return more,
        }
    }
}
