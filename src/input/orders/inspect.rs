//! `xsell inspect`: a dry run over the order files. Each canonical column is read on its own in
//! every row, so that one bad column does not hide how the others read.

use anyhow::Result;
use chrono::NaiveDate;
use rustc_hash::FxHashSet as HashSet;

use super::row::{self, AMOUNT, CUSTOMER, DATE, LOYALTY, ORDER, PRODUCT, QUANTITY, SPECS};
use super::{OrderColumns, OrderFiles};
use crate::input::table::Table;
use crate::input::{FieldError, Guests, ReadOptions};
use crate::money::Money;

/// How one canonical column reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnReport {
    pub name: &'static str,
    pub required: bool,
    /// Where it comes from in the first file: a header, a `--derive` expression, or nowhere.
    pub from: From,
    /// Rows where it reads, and where it is empty.
    pub parsed: u64,
    pub empty: u64,
    /// Up to three distinct values, as read.
    pub examples: Vec<String>,
    /// The first cell that does not read: `file:line: ...`.
    pub problem: Option<String>,
    pub problems: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum From {
    Header(String),
    Derived(String),
    #[default]
    Absent,
}

/// What a dry run over the order files found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inspection {
    pub files: Vec<String>,
    pub columns: Vec<ColumnReport>,
    /// Which optional columns every file has.
    pub present: OrderColumns,
    /// Data rows, and those left out before reading, by reason.
    pub rows: u64,
    pub left_out: Vec<(String, u64)>,
    /// Rows that cannot be read as a whole (wrong number of fields, ...): the first, and how many.
    pub bad_rows: u64,
    pub first_bad_row: Option<String>,
    /// Of the rows read: guests (no customer id), and rows identical to an earlier one.
    pub guests: u64,
    pub repeated: u64,
    pub orders: u64,
    pub customers: u64,
    pub products: u64,
    pub dates: Option<(NaiveDate, NaiveDate)>,
}

/// Reads every row of the order files, each column on its own.
pub fn inspect(files: OrderFiles, opts: &ReadOptions) -> Result<Inspection> {
    let mut report = Inspection {
        files: files.tables.iter().map(|t| t.name.clone()).collect(),
        present: files.columns(),
        ..Inspection::default()
    };
    let reasons = opts.left_out_reasons();
    report.left_out = reasons.iter().map(|r| (r.clone(), 0)).collect();
    report.columns = (0..SPECS.len())
        .map(|spec| ColumnReport {
            name: SPECS[spec].name,
            required: SPECS[spec].required,
            from: files.tables.first().map_or(From::Absent, |t| from(t, spec)),
            ..ColumnReport::default()
        })
        .collect();
    let mut seen = HashSet::default();
    let (mut orders, mut customers, mut products) =
        (HashSet::default(), HashSet::default(), HashSet::default());
    for mut t in files.tables {
        loop {
            match t.next_row() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) if crate::input::is_row_error(&e) => {
                    report.bad_rows += 1;
                    report.first_bad_row.get_or_insert_with(|| e.to_string());
                    continue;
                }
                Err(e) => return Err(e),
            }
            match row::left_out(&t, opts, &reasons) {
                Ok(Some(reason)) => {
                    report.left_out[reason].1 += 1;
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    report.bad_rows += 1;
                    report.first_bad_row.get_or_insert_with(|| e.to_string());
                    continue;
                }
            }
            // A guest's line the reader passes on to the book (row::left_out) is left out too.
            let customer = t.cell(CUSTOMER).ok().flatten().unwrap_or_default();
            if opts.guests == Guests::Skip && row::is_guest(customer, opts) {
                if let Some(n) = reasons.iter().position(|r| r == Guests::LABEL) {
                    report.left_out[n].1 += 1;
                }
                continue;
            }
            report.rows += 1;
            if !seen.insert(t.record_key()) {
                report.repeated += 1;
            }
            read_columns(&mut report.columns, &t, opts.guests);
            let text = |spec| t.cell(spec).ok().flatten().unwrap_or_default().to_string();
            let customer = text(CUSTOMER);
            if row::is_guest(&customer, opts) {
                report.guests += 1;
            }
            orders.insert(text(ORDER));
            customers.insert(customer);
            products.insert(text(PRODUCT));
            if let Ok(Some(date)) = t.date(DATE) {
                let (first, last) = report.dates.get_or_insert((date, date));
                *first = (*first).min(date);
                *last = (*last).max(date);
            }
        }
    }
    customers.remove("");
    report.orders = orders.len() as u64;
    report.customers = customers.len() as u64;
    report.products = products.len() as u64;
    Ok(report)
}

/// Reads the current row's value of each column the file has, on its own.
fn read_columns(columns: &mut [ColumnReport], t: &Table, guests: Guests) {
    for (spec, column) in columns.iter_mut().enumerate() {
        if column.from == From::Absent {
            continue;
        }
        match value(t, spec, guests) {
            Ok(None) => column.empty += 1,
            Ok(Some(v)) => {
                column.parsed += 1;
                if column.examples.len() < 3 && !column.examples.contains(&v) {
                    column.examples.push(v);
                }
            }
            Err(e) => note_problem(column, &e),
        }
    }
}

fn note_problem(column: &mut ColumnReport, e: &FieldError) {
    column.problems += 1;
    column.problem.get_or_insert_with(|| e.to_string());
}

fn from(t: &Table, spec: usize) -> From {
    match (t.header_of(spec), t.derived_source(spec)) {
        (Some(header), _) => From::Header(header.to_string()),
        (None, Some(expression)) => From::Derived(expression.to_string()),
        (None, None) => From::Absent,
    }
}

/// The value of column `spec` in the current row as xsell reads it; `None` when empty and
/// allowed to be (an optional column, or a guest's customer id that `guests` allows).
fn value(t: &Table, spec: usize, guests: Guests) -> Result<Option<String>, FieldError> {
    let text = t.cell(spec)?.unwrap_or_default();
    if text.is_empty() && spec != AMOUNT {
        let allowed = !SPECS[spec].required || (spec == CUSTOMER && guests != Guests::Error);
        if allowed {
            return Ok(None);
        }
        return Err(t.invalid(spec, "", "a value (the column is required)"));
    }
    Ok(Some(match spec {
        DATE => t.date_in(spec, text)?.to_string(),
        AMOUNT => t.amount(spec)?.0.to_string(),
        // A negative quantity is refused unless the amount is negative, as a run refuses it.
        QUANTITY => {
            let amount = t.amount(AMOUNT).map_or(Money::ZERO, |(amount, _)| amount);
            row::quantity(t, amount)?.to_string()
        }
        LOYALTY => match row::parse_flag(text) {
            Some(flag) => flag.to_string(),
            None => return Err(t.invalid(spec, text, "true/false, 1/0 or yes/no")),
        },
        _ => text.to_string(),
    }))
}
