//! orders.csv: one row per order line.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::table::{Spec, Table};
use rustc_hash::FxHashSet as HashSet;

use super::{Book, FieldError, Limit, ReadOptions, Source, is_row_error};
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
    /// earlier one are counted, or with `--dedupe` dropped.
    pub fn read(
        self,
        book: &mut Book,
        opts: &ReadOptions,
        mut each: impl FnMut(&Line),
    ) -> Result<ReadReport> {
        let columns = self.columns();
        let mut report = ReadReport::default();
        let mut seen = Seen::new(opts.dedupe);
        for table in self.tables {
            let file = u32::try_from(book.files.len()).unwrap_or(u32::MAX);
            book.files.push(table.name.clone());
            read_table(
                table,
                file,
                columns,
                book,
                opts,
                &mut report,
                &mut seen,
                &mut each,
            )?;
        }
        report.duplicates = seen.duplicates();
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

    /// Whether the table's current row repeats an earlier one and is to be dropped.
    fn drop_repeat(&mut self, t: &Table) -> bool {
        match self {
            Seen::Count(hashes) => {
                hashes.push(t.record_hash());
                false
            }
            Seen::Drop(set, dropped) => {
                let (low, high) = t.record_hashes();
                let repeat = !set.insert(u128::from(high) << 64 | u128::from(low));
                *dropped += u64::from(repeat);
                repeat
            }
        }
    }

    fn duplicates(&mut self) -> u64 {
        match self {
            Seen::Count(hashes) => {
                hashes.sort_unstable();
                hashes.windows(2).filter(|w| w[0] == w[1]).count() as u64
            }
            Seen::Drop(_, dropped) => *dropped,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn read_table(
    mut t: Table,
    file: u32,
    columns: OrderColumns,
    book: &mut Book,
    opts: &ReadOptions,
    report: &mut ReadReport,
    seen: &mut Seen,
    each: &mut impl FnMut(&Line),
) -> Result<()> {
    report.dropped = opts.dedupe;
    loop {
        let row = t.next_row().and_then(|more| {
            if !more {
                return Ok(None);
            }
            let row = parse_row(&t, columns)?;
            book.check_order(&row, file, t.line())?;
            Ok(Some(row))
        });
        let row = match row {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) if opts.invalid.skip && is_row_error(&e) => {
                report.rows += 1;
                report.skip(&e);
                continue;
            }
            Err(e) => return Err(e),
        };
        report.rows += 1;
        if seen.drop_repeat(&t) {
            continue;
        }
        let line = book.admit(&row, file, t.line());
        book.record(&line);
        each(&line);
    }
    Ok(())
}

/// An order line as written: every cell checked, nothing interned yet, so that a bad row leaves
/// no trace.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<'a> {
    pub order: &'a str,
    pub customer: &'a str,
    pub date: NaiveDate,
    pub product: &'a str,
    pub category: Option<&'a str>,
    pub quantity: i64,
    pub amount: Money,
    pub channel: Option<&'a str>,
    pub campaign: Option<&'a str>,
    pub segment: Option<&'a str>,
    pub loyalty: Option<bool>,
    pub extra: Option<&'a str>,
}

/// `None` for an empty cell.
fn non_empty(cell: Option<&str>) -> Option<&str> {
    cell.filter(|c| !c.is_empty())
}

fn parse_row(t: &Table, columns: OrderColumns) -> Result<Row<'_>, FieldError> {
    t.required(DATE)?;
    let date = t.date(DATE)?.ok_or_else(|| t.invalid(DATE, "", "a date"))?;
    t.required(AMOUNT)?;
    let amount = t
        .money(AMOUNT)?
        .ok_or_else(|| t.invalid(AMOUNT, "", "an amount"))?;
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

pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}
