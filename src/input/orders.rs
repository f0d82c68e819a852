//! orders.csv: one row per order line.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::table::{Spec, Table};
use rustc_hash::FxHashSet as HashSet;

use super::{Book, FieldError, Limit, ReadOptions, Source, ahead, is_row_error};
use crate::money::Money;

/// The columns of orders.csv, by canonical name.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "order_id",
        required: true,
    },
    Spec {
        name: "customer_id",
        required: true,
    },
    Spec {
        name: "order_date",
        required: true,
    },
    Spec {
        name: "product_id",
        required: true,
    },
    Spec {
        name: "category",
        required: false,
    },
    Spec {
        name: "quantity",
        required: false,
    },
    Spec {
        name: "amount",
        required: true,
    },
    Spec {
        name: "channel",
        required: false,
    },
    Spec {
        name: "campaign_id",
        required: false,
    },
    Spec {
        name: "segment",
        required: false,
    },
    Spec {
        name: "loyalty",
        required: false,
    },
];
const ORDER: usize = 0;
const CUSTOMER: usize = 1;
const DATE: usize = 2;
const PRODUCT: usize = 3;
const CATEGORY: usize = 4;
const QUANTITY: usize = 5;
const AMOUNT: usize = 6;
const CHANNEL: usize = 7;
const CAMPAIGN: usize = 8;
const SEGMENT: usize = 9;
const LOYALTY: usize = 10;

/// One order line, its ids interned in the [`Book`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub order: u32,
    pub customer: u32,
    pub date: NaiveDate,
    pub product: u32,
    /// `None` when the input has no category column; an empty cell is the category "".
    pub category: Option<u32>,
    pub quantity: i64,
    pub amount: Money,
    pub channel: Option<u32>,
    /// The campaign the line is attributed to; `None` is organic.
    pub campaign: Option<u32>,
    pub segment: Option<u32>,
    pub loyalty: Option<bool>,
    /// The value of the column asked for by `--by column:NAME`, in [`Book::extras`].
    pub extra: Option<u32>,
}

impl Line {
    /// A purchase line has a positive amount; returns (negative) and zero lines buy nothing.
    pub fn is_purchase(&self) -> bool {
        self.amount.is_positive()
    }
}

/// Which optional columns every order file has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderColumns {
    pub category: bool,
    pub channel: bool,
    pub campaign: bool,
    pub segment: bool,
    pub loyalty: bool,
}

impl OrderColumns {
    /// Whether every file has the optional column `name`.
    pub fn has(&self, name: &str) -> bool {
        match name {
            "category" => self.category,
            "channel" => self.channel,
            "campaign_id" => self.campaign,
            "segment" => self.segment,
            "loyalty" => self.loyalty,
            _ => false,
        }
    }
}

/// The order files, opened and their headers checked, ready to stream.
pub struct OrderFiles {
    tables: Vec<Table>,
}

impl OrderFiles {
    pub fn open(sources: &[Source], opts: &ReadOptions) -> Result<OrderFiles> {
        let tables = sources
            .iter()
            .map(|s| {
                let mut table = Table::open(s, opts, SPECS, "orders")?;
                if let Some(name) = &opts.extra_column {
                    table.read_extra(name)?;
                }
                Ok(table)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OrderFiles { tables })
    }

    /// The files' total size in bytes, when every one is a plain file read as it is.
    pub fn size(&self) -> Option<u64> {
        self.tables.iter().map(|t| t.size).sum()
    }

    pub fn columns(&self) -> OrderColumns {
        let all = |spec| self.tables.iter().all(|t| t.has(spec));
        OrderColumns {
            category: all(CATEGORY),
            channel: all(CHANNEL),
            campaign: all(CAMPAIGN),
            segment: all(SEGMENT),
            loyalty: all(LOYALTY),
        }
    }

    /// Streams every line of every file, in order, through `book` and then `each`. Bad rows
    /// stop the run, or with `--skip-invalid` are skipped and counted; lines identical to an
    /// earlier one are counted, or with `--dedupe` dropped. Rows are parsed a batch ahead on a
    /// second thread unless `threads` is 1. Of the optional columns, only those of
    /// `columns` are parsed. `done` follows the bytes read, for a progress display.
    pub fn read(
        self,
        book: &mut Book,
        opts: &ReadOptions,
        threads: usize,
        columns: OrderColumns,
        done: &AtomicU64,
        mut each: impl FnMut(&Line),
    ) -> Result<ReadReport> {
        let mut report = ReadReport {
            dropped: opts.dedupe,
            ..ReadReport::default()
        };
        let mut seen = Seen::new(opts.dedupe);
        book.files
            .extend(self.tables.iter().map(|t| t.name.clone()));
        let tables = self.tables;
        let mut failure = None;
        ahead::run(
            threads,
            |send: &mut dyn FnMut(&mut Batch) -> bool| produce(tables, columns, opts, done, send),
            |batch: &mut Batch| match fold_batch(
                batch,
                book,
                opts,
                &mut report,
                &mut seen,
                &mut each,
            ) {
                Ok(()) => true,
                Err(e) => {
                    failure = Some(e);
                    false
                }
            },
        );
        if let Some(e) = failure {
            return Err(e);
        }
        report.duplicates = seen.duplicates(threads);
        if let Some(max) = opts.invalid.max {
            let too_many = match max {
                Limit::Rows(n) => report.skipped > n,
                // skipped / rows > p / 100, without dividing: 57 of 100 is not above 57%.
                Limit::Percent(p) => report.skipped as f64 * 100.0 > p * report.rows as f64,
            };
            if too_many {
                let limit = match max {
                    Limit::Rows(n) => format!("{n} rows"),
                    Limit::Percent(p) => format!("{p}% of the rows"),
                };
                bail!(
                    "{} of {} rows could not be read, more than --max-invalid {limit}; the first: {}",
                    report.skipped,
                    report.rows,
                    report.reasons.first().map_or("", String::as_str)
                );
            }
        }
        if book.lines == 0 {
            if report.skipped > 0 {
                bail!(
                    "no order lines: every row of {} was invalid",
                    book.files.join(", ")
                );
            }
            bail!(
                "no order lines: {} has a header but no rows",
                book.files.join(", ")
            );
        }
        Ok(report)
    }

    /// As [`OrderFiles::read`], with the reading (parsing, checking, interning) on threads of
    /// its own and `each` on the caller's, taking the lines in batches, in order: for a fold that
    /// costs as much as the reading. One thread reads and folds in turn when `threads` is 1.
    pub fn read_beside(
        self,
        book: &mut Book,
        opts: &ReadOptions,
        threads: usize,
        columns: OrderColumns,
        done: &AtomicU64,
        mut each: impl FnMut(&Line),
    ) -> Result<ReadReport> {
        if threads <= 1 {
            return self.read(book, opts, threads, columns, done, each);
        }
        let mut result = None;
        ahead::run(
            2,
            |send: &mut dyn FnMut(&mut Vec<Line>) -> bool| {
                let mut lines = Vec::with_capacity(Batch::ROWS);
                let read = self.read(book, opts, threads, columns, done, |line| {
                    lines.push(*line);
                    if lines.len() >= Batch::ROWS {
                        send(&mut lines);
                    }
                });
                if !lines.is_empty() {
                    send(&mut lines);
                }
                result = Some(read);
            },
            |lines: &mut Vec<Line>| {
                lines.iter().for_each(&mut each);
                true
            },
        );
        result.unwrap_or_else(|| bail!("the reading thread stopped early"))
    }
}

/// What reading the orders met besides good lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Data rows read, good or bad.
    pub rows: u64,
    /// Bad rows skipped (`--skip-invalid`).
    pub skipped: u64,
    /// Why, for the first [`ReadReport::REASONS`] skipped rows: `file:line: reason`.
    pub reasons: Vec<String>,
    /// Lines identical to an earlier line.
    pub duplicates: u64,
    /// Whether those were dropped (`--dedupe`) rather than counted as data.
    pub dropped: bool,
}

impl ReadReport {
    pub const REASONS: usize = 10;

    fn skip(&mut self, err: &anyhow::Error) {
        self.skipped += 1;
        if self.reasons.len() < ReadReport::REASONS {
            self.reasons.push(err.to_string());
        }
    }
}

/// Lines seen so far, to find exact repeats: fast 64-bit hashes counted after reading (8 bytes a
/// line; a collision could only inflate the warning's count), or with `--dedupe` a set of
/// 128-bit SipHash pairs checked as lines arrive, so that no line is dropped by a collision.
enum Seen {
    Count(Vec<u64>),
    Drop(HashSet<u128>, u64),
}

impl Seen {
    fn new(dedupe: bool) -> Seen {
        if dedupe {
            Seen::Drop(HashSet::default(), 0)
        } else {
            Seen::Count(Vec::new())
        }
    }

    /// The identity of the table's current row: its fast hash, or both hashes with `--dedupe`.
    fn key(dedupe: bool, t: &mut Table) -> u128 {
        if dedupe {
            let (low, high) = t.record_hashes();
            u128::from(high) << 64 | u128::from(low)
        } else {
            u128::from(t.record_hash())
        }
    }

    /// Whether the row of `key` repeats an earlier one and is to be dropped.
    fn drop_repeat(&mut self, key: u128) -> bool {
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

    fn duplicates(&mut self, threads: usize) -> u64 {
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

/// Order rows parsed ahead of the fold; their texts lie end to end in one string.
#[derive(Default)]
struct Batch {
    text: String,
    rows: Vec<Parsed>,
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
}

impl Batch {
    /// Rows per batch; a batch is also handed on once its text passes [`Batch::TEXT`].
    const ROWS: usize = 4096;
    const TEXT: usize = 1 << 20;

    fn push(&mut self, file: u32, line: u64, key: u128, row: Result<Row<&str>>) {
        let text = &mut self.text;
        let row = row.and_then(|row| {
            let row = row.map(|cell| {
                let start = text.len();
                text.push_str(cell);
                (start, text.len())
            });
            // A batch is handed on after 1 MiB of text: only a row of gigabytes gets here.
            if text.len() > u32::MAX as usize {
                bail!("line {line}: a row of more than 4 GiB of text");
            }
            Ok(row.map(|(start, end)| (start as u32, end as u32)))
        });
        self.rows.push(Parsed {
            file,
            line,
            key,
            row,
        });
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= Batch::ROWS || self.text.len() >= Batch::TEXT
    }
}

impl ahead::Clear for Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }
}

/// Splits and parses the rows of every table into batches handed to `send`: every check that
/// needs only the row itself happens here. Stops at the first error that ends the run.
fn produce(
    tables: Vec<Table>,
    columns: OrderColumns,
    opts: &ReadOptions,
    done: &AtomicU64,
    send: &mut dyn FnMut(&mut Batch) -> bool,
) {
    let mut batch = Batch::default();
    let mut before = 0; // bytes of the files before this one
    for (file, mut t) in (0u32..).zip(tables) {
        loop {
            let row = match t.next_row() {
                Ok(false) => break,
                Ok(true) => {
                    let key = Seen::key(opts.dedupe, &mut t);
                    parse_row(&t, columns)
                        .map(|row| (key, row))
                        .map_err(anyhow::Error::from)
                }
                Err(e) => Err(e),
            };
            match row {
                Ok((key, row)) => batch.push(file, t.line(), key, Ok(row)),
                Err(e) => {
                    let fatal = !(opts.invalid.skip && is_row_error(&e));
                    batch.push(file, t.line(), 0, Err(e));
                    if fatal {
                        send(&mut batch);
                        return;
                    }
                }
            }
            if batch.is_full() {
                done.store(before + t.position(), Ordering::Relaxed);
                if !send(&mut batch) {
                    return;
                }
            }
        }
        before += t.position();
    }
    if !batch.rows.is_empty() {
        send(&mut batch);
    }
}

/// Takes a batch's rows, in order, through the book and `each`.
fn fold_batch(
    batch: &mut Batch,
    book: &mut Book,
    opts: &ReadOptions,
    report: &mut ReadReport,
    seen: &mut Seen,
    each: &mut impl FnMut(&Line),
) -> Result<()> {
    let Batch { text, rows } = batch;
    let cell = |(start, end): Span| text.get(start as usize..end as usize).unwrap_or_default();
    // The customers of the batch's orders, looked up together first: the lookups do not depend
    // on one another, so the processor overlaps their cache misses (on a large export nearly
    // every order starts with a customer far away in memory).
    let mut previous = "";
    let wanted: Vec<Option<&str>> = rows
        .iter()
        .map(|parsed| {
            let row = parsed.row.as_ref().ok()?;
            let order = cell(row.order);
            if order == previous {
                return None; // the same order as the row before: its customer is known
            }
            previous = order;
            Some(cell(row.customer))
        })
        .collect();
    let customers = book.customers.get_each(&wanted);
    for (parsed, customer) in rows.drain(..).zip(customers) {
        let (file, line) = (parsed.file, parsed.line);
        let row = parsed.row.and_then(|row| {
            let row = row.map(cell);
            let order = book.check_order(&row, file, line)?;
            Ok((row, order))
        });
        report.rows += 1;
        match row {
            Ok((row, order)) => {
                if seen.drop_repeat(parsed.key) {
                    continue;
                }
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

/// An order line as written: every cell checked, nothing interned yet, so that a bad row leaves
/// no trace. `S` is a cell's text (`&str`), or where a [`Batch`] keeps it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<S> {
    pub order: S,
    pub customer: S,
    pub date: NaiveDate,
    pub product: S,
    pub category: Option<S>,
    pub quantity: i64,
    pub amount: Money,
    pub channel: Option<S>,
    pub campaign: Option<S>,
    pub segment: Option<S>,
    pub loyalty: Option<bool>,
    pub extra: Option<S>,
}

impl<S> Row<S> {
    /// The same row with each cell's text turned by `f`.
    fn map<T>(self, mut f: impl FnMut(S) -> T) -> Row<T> {
        Row {
            order: f(self.order),
            customer: f(self.customer),
            date: self.date,
            product: f(self.product),
            category: self.category.map(&mut f),
            quantity: self.quantity,
            amount: self.amount,
            channel: self.channel.map(&mut f),
            campaign: self.campaign.map(&mut f),
            segment: self.segment.map(&mut f),
            loyalty: self.loyalty,
            extra: self.extra.map(&mut f),
        }
    }
}

/// `None` for an empty cell.
fn non_empty(cell: Option<&str>) -> Option<&str> {
    cell.filter(|c| !c.is_empty())
}

fn parse_row(t: &Table, columns: OrderColumns) -> Result<Row<&str>, FieldError> {
    let date = t.date_in(DATE, t.required(DATE)?)?;
    let amount = t.money_in(AMOUNT, t.required(AMOUNT)?)?;
    let quantity = match t.cell(QUANTITY)? {
        None | Some("") => 1,
        Some(text) => match text.parse::<i64>() {
            Ok(q) if q >= 0 || amount.is_negative() => q,
            _ => {
                let expected = "a whole number >= 0 (negative only on a return line)";
                return Err(t.invalid(QUANTITY, text, expected));
            }
        },
    };
    let optional = |spec: usize, present: bool| -> Result<Option<&str>, FieldError> {
        Ok(if present { t.cell(spec)? } else { None })
    };
    let loyalty = match optional(LOYALTY, columns.loyalty)? {
        None | Some("") => None,
        Some(text) => Some(
            parse_flag(text)
                .ok_or_else(|| t.invalid(LOYALTY, text, "true/false, 1/0 or yes/no"))?,
        ),
    };
    Ok(Row {
        order: t.required(ORDER)?,
        customer: t.required(CUSTOMER)?,
        date,
        product: t.required(PRODUCT)?,
        category: optional(CATEGORY, columns.category)?,
        quantity,
        amount,
        channel: non_empty(optional(CHANNEL, columns.channel)?),
        campaign: non_empty(optional(CAMPAIGN, columns.campaign)?),
        segment: non_empty(optional(SEGMENT, columns.segment)?),
        loyalty,
        extra: t.extra_cell()?,
    })
}

/// true/false, 1/0, yes/no, y/n, t/f in any case; compared in place, as every line has one.
pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(&["true", "1", "yes", "y", "t"]) {
        Some(true)
    } else if is(&["false", "0", "no", "n", "f"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{count_repeats, parse_flag};

    #[test]
    fn flags_are_read_in_any_case_and_nothing_else_is() {
        for yes in [
            "true", "TRUE", "True", "1", "yes", "Yes", "y", "Y", "t", "T",
        ] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["false", "FALSE", "0", "no", "NO", "n", "N", "f", "F"] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        for neither in [
            "", " true", "tru", "truee", "yess", "2", "-1", "nope", "on", "off",
        ] {
            assert_eq!(parse_flag(neither), None, "{neither:?}");
        }
    }

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
