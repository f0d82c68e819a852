//! Dates, amounts and whole numbers kept for the dictionary entries of a Parquet file: a column
//! written with a dictionary holds each distinct value once, and its rows point to it, so a row
//! whose cell is an entry met before takes its date, amount or quantity from here instead of
//! parsing the same text again. Only values read without an error are kept; a cell that fails
//! is read, and its error made, at each row that holds it.

use std::cell::RefCell;

use chrono::NaiveDate;

use super::Table;
use crate::input::FieldError;
use crate::money::Money;

/// The values kept, for one column's dictionary at a time.
#[derive(Default)]
pub(super) struct Memo {
    dates: RefCell<Kept<NaiveDate>>,
    amounts: RefCell<Kept<(Money, bool)>>,
    integers: RefCell<Kept<i64>>,
}

/// Values kept for the entries of one dictionary: the file's column, the dictionary, and
/// each entry's value once read.
struct Kept<T> {
    of: Option<(usize, u64)>,
    values: Vec<Option<T>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Kept<T> {
        Kept {
            of: None,
            values: Vec::new(),
        }
    }
}

impl<T: Copy> Kept<T> {
    fn get(&self, column: usize, (dictionary, entry): (u64, usize)) -> Option<T> {
        match self.of == Some((column, dictionary)) {
            true => self.values.get(entry).copied().flatten(),
            false => None,
        }
    }

    fn keep(&mut self, column: usize, (dictionary, entry): (u64, usize), value: T) {
        if self.of != Some((column, dictionary)) {
            self.of = Some((column, dictionary));
            self.values.clear();
        }
        if self.values.len() <= entry {
            self.values.resize(entry + 1, None);
        }
        self.values[entry] = Some(value);
    }
}

impl Table {
    /// The file's column of `specs[spec]` and the dictionary entry its cell in the current row
    /// is, when the cell is the entry's text as it is (not filled down, not cleaned).
    #[inline(always)]
    fn entry_of(&self, spec: usize) -> Option<(usize, (u64, usize))> {
        let index = self.columns[spec]?;
        // A CSV record has no entries: it goes no further.
        let entry = self.record.entry(index)?;
        let filled = self.fill.as_ref().and_then(|f| f.filled(index));
        if filled.is_some() || self.cleaned.get(index).is_some() {
            return None;
        }
        Some((index, entry))
    }

    /// The date in the required column `specs[spec]` ([`Table::required`], then
    /// [`Table::date_in`]), kept for the cell's dictionary entry.
    #[inline(always)]
    pub fn required_date(&self, spec: usize) -> Result<NaiveDate, FieldError> {
        self.required_kept(spec, &self.memo.dates, |text| self.date_in(spec, text))
    }

    /// The amount in the required column `specs[spec]` ([`Table::required`], then
    /// [`Table::amount_in`]), kept for the cell's dictionary entry.
    #[inline(always)]
    pub(super) fn required_amount(&self, spec: usize) -> Result<(Money, bool), FieldError> {
        self.required_kept(spec, &self.memo.amounts, |text| self.amount_in(spec, text))
    }

    /// What `read` makes of the text of the required column `specs[spec]`, kept in `kept` for
    /// the cell's dictionary entry.
    #[inline(always)]
    fn required_kept<T: Copy>(
        &self,
        spec: usize,
        kept: &RefCell<Kept<T>>,
        read: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Result<T, FieldError> {
        let Some((i, e)) = self.entry_of(spec) else {
            return read(self.required(spec)?);
        };
        if let Some(value) = kept.borrow().get(i, e) {
            return Ok(value);
        }
        let value = read(self.required(spec)?)?;
        kept.borrow_mut().keep(i, e, value);
        Ok(value)
    }

    /// The whole number kept for the dictionary entry that the current row's cell in column
    /// `specs[spec]` is, if one was ([`Table::keep_integer`]).
    #[inline(always)]
    pub fn kept_integer(&self, spec: usize) -> Option<i64> {
        let (i, e) = self.entry_of(spec)?;
        self.memo.integers.borrow().get(i, e)
    }

    /// Keeps `value`, read from the current row's cell in column `specs[spec]`, for the
    /// dictionary entry the cell is, if it is one.
    #[inline(always)]
    pub fn keep_integer(&self, spec: usize, value: i64) {
        if let Some((i, e)) = self.entry_of(spec) {
            self.memo.integers.borrow_mut().keep(i, e, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn values_are_kept_for_one_column_s_dictionary_at_a_time() {
        let mut kept = Kept::default();
        assert_eq!(kept.get(3, (7, 0)), None);
        kept.keep(3, (7, 2), 'a');
        kept.keep(3, (7, 0), 'b');
        assert_eq!(
            (
                kept.get(3, (7, 2)),
                kept.get(3, (7, 0)),
                kept.get(3, (7, 1))
            ),
            (Some('a'), Some('b'), None)
        );
        // Entry 2 of another dictionary, or of the same one read through another column, is
        // another value: not kept.
        assert_eq!((kept.get(3, (8, 2)), kept.get(4, (7, 2))), (None, None));
        // A value kept for another dictionary drops the first one's.
        kept.keep(3, (8, 5), 'c');
        assert_eq!(
            (kept.get(3, (8, 5)), kept.get(3, (7, 2))),
            (Some('c'), None)
        );
    }
}
