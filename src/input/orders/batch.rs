//! The reading pipeline: rows split and parsed into batches on one thread ([`produce`]), then
//! checked, interned and handed on in order on another ([`fold_batch`]).

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, bail};

use super::parts;
use super::repeats::{Place, Seen};
use super::row::{Row, left_out, parse_row};
use super::{Line, OrderColumns, ReadReport};
use crate::input::customer_ids::{Found, Shards};
use crate::input::table::Table;
use crate::input::{Book, FieldError, Guests, ReadOptions, RowError, ahead, is_row_error};

/// The start of a guest's customer id (`--guests order`): cells are trimmed, so no id as
/// written starts with a space.
const GUEST: &str = " guest:";

/// Order rows parsed ahead of the fold; their texts lie end to end in one string.
#[derive(Default)]
pub(super) struct Batch {
    text: String,
    rows: Vec<Parsed>,
    /// Rows left out before they were read, by reason.
    left_out: Vec<u64>,
    /// Lines to add to the rows' own ([`Batch::renumber`]).
    shift: u64,
    /// Whether a row is an error.
    failed: bool,
    /// Rows whose customer's handle [`Batch::look_up`] found, the first rows.
    looked_up: usize,
}

/// A cell's text in [`Batch::text`]: its start and end. 8 bytes, not 16, as a batch row is
/// copied twice on its way.
type Span = (u32, u32);

struct Parsed {
    file: u32,
    line: u64,
    /// The row's identity for finding repeats ([`Seen`]).
    key: u128,
    row: Result<Row<Span>>,
    /// Its customer, once looked up ([`Batch::look_up`]).
    customer: Found,
}

impl Batch {
    /// Rows per batch; a batch is also handed on once its text passes [`Batch::TEXT`].
    pub(super) const ROWS: usize = 4096;
    const TEXT: usize = 1 << 20;

    fn push(&mut self, file: u32, line: u64, key: u128, row: Result<Row<&str>>) {
        let text = &mut self.text;
        let row = row.and_then(|row| {
            let mut row = row.map(|cell| {
                let start = text.len();
                text.push_str(cell);
                (start, text.len())
            });
            if row.guest {
                // A guest's customer is its order: ` guest:O1`, which no trimmed id can be.
                let order = text[row.order.0..row.order.1].to_string();
                let start = text.len();
                text.push_str(GUEST);
                text.push_str(&order);
                row.customer = (start, text.len());
            }
            // A batch is handed on after 1 MiB of text: only a row of gigabytes gets here.
            if text.len() > u32::MAX as usize {
                bail!("line {line}: a row of more than 4 GiB of text");
            }
            Ok(row.map(|(start, end)| (start as u32, end as u32)))
        });
        self.failed |= row.is_err();
        self.rows.push(Parsed {
            file,
            line,
            key,
            row,
            customer: Found::default(),
        });
    }

    /// Looks up the customers of the rows not yet looked up, in `customers`. An
    /// error (more customers than can be counted) ends the run: it goes last in the batch.
    pub(super) fn look_up(&mut self, customers: &Shards) {
        let rows = &self.rows[self.looked_up..];
        let text = &self.text;
        let cell = |(start, end): Span| text.get(start as usize..end as usize).unwrap_or_default();
        // Consecutive rows mostly share their customer (the lines of an order): one lookup.
        let mut texts = Vec::with_capacity(rows.len());
        let mut looked = Vec::with_capacity(rows.len());
        for (i, parsed) in rows.iter().enumerate() {
            if let Ok(row) = &parsed.row {
                let customer = cell(row.customer);
                if texts.last() != Some(&customer) {
                    texts.push(customer);
                }
                looked.push((i, texts.len() - 1));
            }
        }
        let mut found = Vec::with_capacity(texts.len());
        if let Err(e) = customers.look_up(&texts, &mut found) {
            // The rows not looked up go (none may be admitted without its customer); the
            // error, which ends the run, takes the place of the first.
            let first = self
                .rows
                .get(self.looked_up)
                .map_or((0, 0), |p| (p.file, p.line));
            self.rows.truncate(self.looked_up);
            self.push(first.0, first.1, 0, Err(e));
            self.looked_up = self.rows.len();
            return;
        }
        let rows = &mut self.rows[self.looked_up..];
        for (i, text) in looked {
            rows[i].customer = found[text];
        }
        self.looked_up = self.rows.len();
    }

    fn leave_out(&mut self, reason: usize) {
        if self.left_out.len() <= reason {
            self.left_out.resize(reason + 1, 0);
        }
        self.left_out[reason] += 1;
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= Batch::ROWS || self.text.len() >= Batch::TEXT
    }

    /// No row, and no row left out.
    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.left_out.iter().all(|&n| n == 0)
    }

    /// Moves the rows' lines, and those their errors name, `by` lines on: for rows read from
    /// a part of a file with lines counted from the part's start.
    pub(super) fn renumber(&mut self, by: u64) {
        self.shift += by;
        if !self.failed {
            return;
        }
        for parsed in &mut self.rows {
            if let Err(e) = &mut parsed.row {
                if let Some(e) = e.downcast_mut::<FieldError>() {
                    e.line += by;
                } else if let Some(e) = e.downcast_mut::<RowError>() {
                    e.line += by;
                }
            }
        }
    }
}

impl ahead::Clear for Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.shift = 0;
        self.failed = false;
        self.looked_up = 0;
        self.left_out.iter_mut().for_each(|n| *n = 0);
    }
}

/// Splits and parses the rows of every table into batches handed to `send`: every check that
/// needs only the row itself happens here. A plain file is read in parts on `threads - 1`
/// threads when there are three or more ([`parts`]). Stops at the first error that ends the run.
pub(super) fn produce(
    tables: Vec<Table>,
    customers: &Shards,
    columns: OrderColumns,
    opts: &ReadOptions,
    threads: usize,
    done: &AtomicU64,
    send: &mut dyn FnMut(&mut Batch) -> bool,
) {
    let mut batch = Batch::default();
    let reasons = opts.left_out_reasons();
    let mut before = 0; // bytes of the files before this one
    for (file, mut t) in (0u32..).zip(tables) {
        // A Parquet file is decoded on a thread of its own only with a core to spare for it:
        // with two threads, the one that reads the rows decodes them too, which measured less
        // CPU and no more time than a third thread on two cores.
        if threads > 2 {
            t.decode_ahead();
        }
        let plan = parts::Plan::of(&t, threads);
        let rows = Rows {
            file,
            columns,
            opts,
            reasons: &reasons,
            // Read in parts, on several threads, the rows' customers are looked up there too;
            // otherwise on the thread that checks them, to share the work between the two.
            customers: plan.as_ref().map(|_| customers),
        };
        // The rows of the files before go first: the parts hand on batches of their own.
        if plan.is_some() && !batch.is_empty() && !send(&mut batch) {
            return;
        }
        let mut send_at = |batch: &mut Batch, at: u64| {
            done.store(before + at, Ordering::Relaxed);
            send(batch)
        };
        let end = match &plan {
            Some(plan) => plan.read(&t, &rows, &mut send_at),
            None => rows.read(&mut t, u64::MAX, &mut batch, &mut send_at),
        };
        match end {
            End::Stop | End::Eof => {}
            End::Fatal => {
                // Read in parts, the error went with the part's last batch.
                if !batch.is_empty() {
                    send(&mut batch);
                }
                return;
            }
            End::Cancelled => return,
        }
        before += plan.map_or_else(|| t.position(), |plan| plan.size);
        if let Err(e) = t.check_unchanged() {
            batch.push(file, t.line(), 0, Err(e));
            send(&mut batch);
            return;
        }
    }
    // Rows left out after the last full batch are counted in this one, even with no row to read.
    if !batch.is_empty() {
        send(&mut batch);
    }
}

/// How reading a table's rows ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    /// The next row starts at or after the byte it was to stop at.
    Stop,
    /// The end of the input.
    Eof,
    /// An error that ends the run, last in the batch.
    Fatal,
    /// The batches' taker stopped.
    Cancelled,
}

/// What reading the rows of one order file needs besides the file.
pub(super) struct Rows<'a> {
    pub file: u32,
    pub columns: OrderColumns,
    pub opts: &'a ReadOptions,
    /// [`ReadOptions::left_out_reasons`].
    pub reasons: &'a [String],
    /// Where to look up the rows' customers before a batch is handed on, if here.
    pub customers: Option<&'a Shards>,
}

impl Rows<'_> {
    /// Reads the rows of `t` into `batch`, handing each full batch to `send` with the bytes of
    /// the input passed, until the end of the input or until the next row would start at or
    /// after byte `stop` of it.
    pub(super) fn read(
        &self,
        t: &mut Table,
        stop: u64,
        batch: &mut Batch,
        send: &mut dyn FnMut(&mut Batch, u64) -> bool,
    ) -> End {
        let Some(customers) = self.customers else {
            return self.read_rows(t, stop, batch, send);
        };
        let end = self.read_rows(t, stop, batch, &mut |batch, at| {
            batch.look_up(customers);
            send(batch, at)
        });
        batch.look_up(customers);
        end
    }

    /// [`Rows::read`], with no customer looked up.
    fn read_rows(
        &self,
        t: &mut Table,
        stop: u64,
        batch: &mut Batch,
        send: &mut dyn FnMut(&mut Batch, u64) -> bool,
    ) -> End {
        let (file, opts) = (self.file, self.opts);
        loop {
            if t.position() >= stop {
                return End::Stop;
            }
            let row = match t.next_row() {
                Ok(false) => return End::Eof,
                Ok(true) => {
                    // Without --where or --guests skip no row is left out: nothing to ask.
                    let left = match self.reasons.is_empty() {
                        true => Ok(None),
                        false => left_out(t, opts, self.reasons),
                    };
                    match left {
                        Ok(Some(reason)) => {
                            batch.leave_out(reason);
                            continue;
                        }
                        Ok(None) => {
                            let key = Seen::key(opts.dedupe, t);
                            parse_row(t, self.columns, opts)
                                .map(|row| (key, row))
                                .map_err(anyhow::Error::from)
                        }
                        Err(e) => Err(e.into()),
                    }
                }
                Err(e) => Err(e),
            };
            match row {
                Ok((key, row)) => batch.push(file, t.line(), key, Ok(row)),
                Err(e) => {
                    let fatal = !(opts.invalid.skip && is_row_error(&e));
                    batch.push(file, t.line(), 0, Err(e));
                    if fatal {
                        return End::Fatal;
                    }
                }
            }
            if batch.is_full() && !send(batch, t.position()) {
                return End::Cancelled;
            }
        }
    }
}

/// Takes a batch's rows, in order, through the book and `each`.
pub(super) fn fold_batch(
    batch: &mut Batch,
    book: &mut Book,
    opts: &ReadOptions,
    report: &mut ReadReport,
    seen: &mut Seen,
    each: &mut impl FnMut(&Line),
) -> Result<()> {
    batch.look_up(&book.customers.shards());
    let Batch {
        text,
        rows,
        left_out,
        shift,
        ..
    } = batch;
    for (n, count) in left_out.iter().enumerate() {
        if let Some((_, total)) = report.left_out.get_mut(n) {
            *total += count;
        }
    }
    let cell = |(start, end): Span| text.get(start as usize..end as usize).unwrap_or_default();
    // Only a unit price read as the amount needs the quantities counted.
    let count_quantities = report.unit_price.is_some();
    for parsed in rows.drain(..) {
        let (file, line, customer) = (parsed.file, parsed.line + *shift, parsed.customer);
        let row = parsed.row.and_then(|row| {
            let row = row.map(cell);
            let order = book.check_order(&row, customer.handle, file, line)?;
            Ok((row, order))
        });
        report.rows += 1;
        match row {
            Ok((row, order)) => {
                // A guest's line passed on by the reader (see row::left_out), its order new.
                if row.guest && opts.guests == Guests::Skip {
                    report.leave_out(Guests::LABEL);
                    continue;
                }
                if seen.drop_repeat(parsed.key, Place { file, line })? {
                    continue;
                }
                report.rounded += u64::from(row.rounded);
                if row.invisible {
                    report.invisible.add(&book.files[file as usize], line);
                }
                if count_quantities {
                    report.quantity_not_one += u64::from(row.quantity != 1);
                }
                report.guests += u64::from(row.guest);
                let line = book.admit(&row, order, customer, file, line);
                book.record(&line);
                each(&line);
            }
            Err(e) if opts.invalid.skip && is_row_error(&e) => report.skip(&e),
            Err(e) => return Err(e),
        }
    }
    book.settle();
    Ok(())
}
