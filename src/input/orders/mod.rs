//! orders.csv: one row per order line, streamed through the book.

mod batch;
mod hashes;
mod inspect;
mod parts;
mod repeats;
mod row;
mod runs;
mod twins;

use std::sync::atomic::AtomicU64;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::table::Table;
use super::{Book, Limit, ReadOptions, Source, ahead};
use crate::money::Money;
use batch::{Batch, fold_batch, produce};
pub use inspect::{ColumnReport, From, Inspection, inspect};
use repeats::Seen;
use row::{AMOUNT, CAMPAIGN, CATEGORY, CHANNEL, LOYALTY, QUANTITY, SEGMENT};
pub(crate) use row::{Row, SPECS, parse_flag};

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
    /// Where they come from, to read them again to name repeated lines ([`twins`]).
    sources: Vec<Source>,
}

/// Opens an order file as `opts` say, its header checked.
fn open_table(source: &Source, opts: &ReadOptions) -> Result<Table> {
    let mut table = Table::open(source, opts, (SPECS, &opts.map), "orders")?;
    if let Some(name) = &opts.extra_column {
        table.read_extra(name)?;
    }
    table.fill_down(row::ORDER, &opts.fill_down)?;
    let conditions: Vec<String> = opts.filters.iter().map(|f| f.condition.clone()).collect();
    table.filter(&conditions)?;
    Ok(table)
}

impl OrderFiles {
    pub fn open(sources: &[Source], opts: &ReadOptions) -> Result<OrderFiles> {
        // The same file twice would count its lines twice (and look like repeated lines only).
        let mut seen: std::collections::HashMap<String, &std::path::Path> = Default::default();
        for source in sources {
            let Source::File(path) = source else {
                continue;
            };
            if let Some(first) = crate::input::file_key(path).and_then(|k| seen.insert(k, path)) {
                bail!(
                    "{} and {} are the same file: its lines would count twice; name it once",
                    first.display(),
                    path.display()
                );
            }
        }
        let tables = (sources.iter())
            .map(|s| open_table(s, opts))
            .collect::<Result<Vec<_>>>()?;
        Ok(OrderFiles {
            tables,
            sources: sources.to_vec(),
        })
    }

    /// The headers of amount and quantity, when amount is read from a column whose header
    /// says it is a unit price (`Lineitem price`, `UnitPrice`, `Unit Cost`) beside a quantity
    /// column: then it is likely not the line total it must be.
    fn unit_price(&self) -> Option<(String, String)> {
        let table = self.tables.first()?;
        let amount = table.header_of(AMOUNT)?;
        let quantity = table.header_of(QUANTITY)?;
        let lower = amount.to_lowercase();
        (lower.contains("price") || lower.contains("unit"))
            .then(|| (amount.to_string(), quantity.to_string()))
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
            unit_price: self.unit_price(),
            left_out: (opts.left_out_reasons().into_iter())
                .map(|reason| (reason, 0))
                .collect(),
            ..ReadReport::default()
        };
        let mut seen = Seen::new(opts.dedupe, threads);
        book.files
            .extend(self.tables.iter().map(|t| t.name.clone()));
        let again = twins::Again {
            sources: &self.sources,
            stamps: self.tables.iter().map(Table::stamp).collect(),
            opts,
            columns,
        };
        let tables = self.tables;
        let shards = book.customers.shards();
        let mut failure = None;
        ahead::run(
            threads,
            |send: &mut dyn FnMut(&mut Batch) -> bool| {
                produce(tables, &shards, columns, opts, threads, done, send)
            },
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
        report.duplicates = seen.duplicates()?;
        if let Some(far) = book.years.far() {
            book.span = far.span.or(book.span);
            report.far = Some(FarDates {
                lines: far.lines,
                first: (far.first.iter())
                    .map(|&(file, line)| format!("{}:{line}", book.file_name(file)))
                    .collect(),
                median_year: far.median_year,
            });
        }
        check_read(&report, book, opts)?;
        if report.duplicates > 0 {
            twins::name(seen, &again, &mut report);
        }
        Ok(report)
    }
}

/// What ends a read that went through: more bad rows than `--max-invalid` allows, or no line at
/// all (every row bad, left out, or none).
fn check_read(report: &ReadReport, book: &Book, opts: &ReadOptions) -> Result<()> {
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
        let left: Vec<String> = (report.left_out.iter())
            .filter(|(_, n)| *n > 0)
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        if !left.is_empty() {
            bail!(
                "no order lines: every row of {} was left out ({}); check --where and --guests",
                book.files.join(", "),
                left.join(", ")
            );
        }
        bail!(
            "no order lines: {} has a header but no rows",
            book.files.join(", ")
        );
    }
    Ok(())
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
    /// The first [`ReadReport::REASONS`] of them, each with the earlier line it repeats:
    /// `file:line repeats file:line` (fewer when a repeat's earlier line is not found again).
    pub repeats: Vec<String>,
    /// Why they are not named, when they are not: an input cannot be read twice (standard
    /// input), or changed after it was read.
    pub unnamed: Option<String>,
    /// Whether those were dropped (`--dedupe`) rather than counted as data.
    pub dropped: bool,
    /// Amounts of the lines read that `--round-amounts` changed.
    pub rounded: u64,
    /// Lines dated far from the rest, left out of the window's span.
    pub far: Option<FarDates>,
    /// Lines whose cells held invisible characters, which were removed.
    pub invisible: crate::input::Invisible,
    /// Lines without a customer id, each order of them a customer (`--guests order`).
    pub guests: u64,
    /// The headers of amount and quantity when amount's says it is a unit price
    /// ([`OrderFiles::unit_price`]), and how many lines have a quantity other than 1.
    pub unit_price: Option<(String, String)>,
    pub quantity_not_one: u64,
    /// Rows left out before they were read, by reason ([`ReadOptions::left_out_reasons`]):
    /// `--where` conditions, `--guests skip`.
    pub left_out: Vec<(String, u64)>,
}

/// Lines dated more than [`Years::FAR`](crate::input::years::Years::FAR) years from the median
/// year: how many, the first as `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FarDates {
    pub lines: u64,
    pub first: Vec<String>,
    pub median_year: i32,
}

impl ReadReport {
    pub const REASONS: usize = 10;

    /// Counts a row left out for `reason`, one of [`ReadReport::left_out`]'s.
    fn leave_out(&mut self, reason: &str) {
        if let Some((_, n)) = self.left_out.iter_mut().find(|(r, _)| r == reason) {
            *n += 1;
        }
    }

    fn skip(&mut self, err: &anyhow::Error) {
        self.skipped += 1;
        if self.reasons.len() < ReadReport::REASONS {
            self.reasons.push(err.to_string());
        }
    }
}
