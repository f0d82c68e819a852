//! One CSV file with a header row: open it, find the wanted columns by name, hand out cells.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};

use chrono::NaiveDate;

use super::date::DateFormat;
use super::header::{find_columns, normalize};
use super::parquet::{self, Chunks, Parquet};
use super::records::{Fault, Record, Records};
use super::typed::Form;
use super::{ColumnMap, FieldError, ReadOptions, RowError, Source, decode};
use crate::money::{Money, MoneyError, MoneyFormat};
use clean::Cleaned;
pub(crate) use clean::needs_a_look;
pub use clean::{Invisible, clean};
use derive::Derived;
use fill::Fill;
pub(crate) use hash::spaced;
use head::Head;
use memo::Memo;
pub(crate) use stamp::Stamp;

mod clean;
mod derive;
mod fill;
mod hash;
mod head;
mod memo;
mod stamp;

const NOT_UTF8: &str = "UTF-8 text: the file is in another encoding (for Latin-1 or Excel's \
                        Windows-1252, use --encoding latin1 or --encoding windows-1252)";

/// A column xsell knows by its canonical name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub required: bool,
}

pub(crate) struct Table {
    pub name: String,
    /// A regular file, open, for reading parts of it on other threads ([`Table::in_parts`]).
    file: Option<Arc<File>>,
    records: Records,
    /// A Parquet file, read instead of `records`.
    parquet: Option<ParquetInput>,
    record: Record,
    /// The line where the current row starts.
    line: u64,
    /// For each wanted spec, the index of its column in this file.
    columns: Vec<Option<usize>>,
    specs: &'static [Spec],
    /// The header names as written.
    headers: Vec<String>,
    /// A further column read by name (`--by column:NAME`): its name and index.
    extra: Option<(String, usize)>,
    dates: DateFormat,
    money: MoneyFormat,
    delimiter: u8,
    /// Whether the cells read, in canonical order, are every column of the file in its order:
    /// then a line as written is those cells joined by the delimiter.
    canonical: bool,
    /// Room to join a row's cells in, for [`Table::record_hash`].
    joined: Vec<u8>,
    /// The file's size, when its bytes are read as they are (not gzip, not transcoded).
    pub size: Option<u64>,
    /// `--fill-down`: see [`Table::fill_down`].
    fill: Option<Fill>,
    /// The current row's cells that cleaning changed: see [`Table::clean_row`].
    cleaned: Cleaned,
    /// The rows so far that cleaning took invisible characters from.
    invisible: Invisible,
    /// `--derive` and `--where`: see [`Table::filter`].
    derived: Derived,
    /// A regular file's path, and its size and modification time when it was opened.
    stamp: Option<(std::path::PathBuf, Stamp)>,
    /// Whether a Parquet file's rows are decoded on a thread of their own.
    decode_ahead: bool,
    /// Dates, amounts and whole numbers of a Parquet file's dictionary entries, once read.
    memo: Memo,
}

impl Table {
    /// Opens `source` and finds the columns of `specs` in its header, under the header names
    /// `map` gives them. `kind` names the file's role ("orders", "campaigns") in messages.
    pub fn open(
        source: &Source,
        opts: &ReadOptions,
        (specs, map): (&'static [Spec], &ColumnMap),
        kind: &str,
    ) -> Result<Table> {
        let name = source.to_string();
        let (raw, file, parquet) =
            open_source(source).with_context(|| format!("cannot open {kind} file {name}"))?;
        let stamp = match source {
            Source::File(path) => Stamp::of(path).map(|s| (path.clone(), s)),
            _ => None,
        };
        let (records, head, size, parquet) = match parquet {
            Some(chunks) => {
                if let (option, Some(sheet)) = super::workbook::sheet_option(opts, kind) {
                    bail!(
                        "{name}: {option} {sheet} names a sheet, but the file is Parquet, not a \
                         workbook: drop {option}"
                    );
                }
                let book = Parquet::open(chunks).map_err(|m| anyhow!("cannot read {name}: {m}"))?;
                let form = Form::of(opts, parquet::DELIMITER);
                let head = Head::of_names(book.names().to_vec(), parquet::DELIMITER);
                // The rows' text starts at the first row: line 2, below the header's.
                let records = Records::part(Box::new(io::empty()), parquet::DELIMITER, 2);
                let pending = ParquetInput::Pending(Box::new(book), form);
                (records, head, None, Some(pending))
            }
            None => {
                let (input, verbatim) =
                    decode::text(raw, opts, kind).with_context(|| format!("cannot read {name}"))?;
                // The size to measure progress against: a plain file's, read as it is.
                let size = match source {
                    Source::File(path) if verbatim => std::fs::metadata(path).ok().map(|m| m.len()),
                    _ => None,
                };
                let mut records = Records::new(input, opts.delimiter);
                let head = Head::read(&mut records, opts, &name, kind)?;
                (records, head, size, None)
            }
        };
        let columns = find_columns(&name, &head.names, specs, map, kind)
            .map_err(|e| head.with_sep_line(e))?;
        let mut table = Table {
            name,
            file,
            records,
            parquet,
            record: head.record,
            line: 1,
            columns,
            specs,
            headers: head.names,
            extra: None,
            dates: opts.dates.clone(),
            money: opts.money.clone(),
            delimiter: head.delimiter,
            canonical: false,
            joined: Vec::new(),
            size,
            fill: None,
            cleaned: Cleaned::default(),
            invisible: Invisible::default(),
            derived: Derived::default(),
            stamp,
            decode_ahead: false,
            memo: Memo::default(),
        };
        table.derived.preset.clone_from(&opts.preset);
        table.derive(map)?;
        table.set_layout();
        Ok(table)
    }

    /// Works out [`Table::canonical`].
    fn set_layout(&mut self) {
        let read: Vec<Option<usize>> = self.read_columns().collect();
        self.canonical =
            read.len() == self.headers.len() && read.iter().enumerate().all(|(i, &c)| c == Some(i));
    }

    /// Bytes read up to the end of the current row.
    pub fn position(&self) -> u64 {
        self.records.position()
    }

    /// The line where the rows not yet read start.
    pub fn next_line(&self) -> u64 {
        match &self.parquet {
            Some(ParquetInput::Reading(rows)) => rows.line(),
            _ => self.records.line(),
        }
    }

    /// A file whose rows can be read in parts, each on its own ([`Table::part`]), and its size
    /// when it was opened: a regular file read as it is (no decompression, no transcoding),
    /// whose rows do not depend on the rows before them (no `--fill-down`). It is the file this
    /// table reads (the same open file, not the same path), read where the parts lie.
    pub fn in_parts(&self) -> Option<(Arc<File>, u64)> {
        let size = self.size?;
        let file = self.file.as_ref().filter(|_| self.fill.is_none())?;
        Some((Arc::clone(file), size))
    }

    /// The rows of `input`, which starts where a row of this file starts, on line `line`: the
    /// same columns, formats and expressions, for reading a part of the file on its own.
    pub fn part(&self, input: Box<dyn Read + Send>, line: u64) -> Table {
        Table {
            name: self.name.clone(),
            file: None,
            records: Records::part(input, self.delimiter, line),
            parquet: None,
            record: Record::default(),
            line,
            columns: self.columns.clone(),
            specs: self.specs,
            headers: self.headers.clone(),
            extra: self.extra.clone(),
            dates: self.dates.clone(),
            money: self.money.clone(),
            delimiter: self.delimiter,
            canonical: self.canonical,
            joined: Vec::new(),
            size: None,
            fill: None,
            cleaned: Cleaned::default(),
            invisible: Invisible::default(),
            derived: self.derived.clone(),
            stamp: None,
            decode_ahead: false,
            memo: Memo::default(),
        }
    }

    /// Decodes a Parquet file's rows on a thread of their own, for a run that has one to spare.
    pub fn decode_ahead(&mut self) {
        self.decode_ahead = true;
    }

    /// Also reads the column `name`, which the file must have.
    pub fn read_extra(&mut self, name: &str) -> Result<()> {
        let wanted = normalize(name);
        let Some(index) = self.headers.iter().position(|h| normalize(h) == wanted) else {
            bail!(
                "{}: no column {name:?} (asked for by column:{name}); found columns: {}",
                self.name,
                crate::input::header::listed(&self.headers)
            );
        };
        self.extra = Some((name.to_string(), index));
        self.set_layout();
        Ok(())
    }

    /// The current row's cell in the column of [`Table::read_extra`], if one was asked for.
    pub fn extra_cell(&self) -> Result<Option<&str>, FieldError> {
        let Some((name, index)) = &self.extra else {
            return Ok(None);
        };
        match self.text(*index) {
            Some(text) => Ok(Some(text)),
            None => Err(self.not_utf8(*index, name)),
        }
    }

    /// The canonical names of the wanted columns the file has.
    pub fn present(&self) -> std::collections::HashSet<&'static str> {
        (0..self.specs.len())
            .filter(|&spec| self.has(spec))
            .map(|spec| self.specs[spec].name)
            .collect()
    }

    /// Whether `--fill-down` left an empty cell of the current row unfilled because the row is
    /// the first of its order here: the order's first line, or a line apart from the others.
    pub fn unfilled(&self) -> bool {
        self.fill.as_ref().is_some_and(Fill::unfilled)
    }

    /// Whether the file has a column named `name` (compared as headers are).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| normalize(h) == normalize(name))
    }

    /// The header of column `specs[spec]`, when it is read from one column as written.
    pub fn header_of(&self, spec: usize) -> Option<&str> {
        self.columns[spec].map(|i| self.headers[i].as_str())
    }

    /// The expression of column `specs[spec]`, when `--derive` gives it.
    pub fn derived_source(&self, spec: usize) -> Option<&str> {
        self.derived.source(spec)
    }

    /// Whether the file has the column of `specs[spec]`, or it is derived.
    pub fn has(&self, spec: usize) -> bool {
        self.columns[spec].is_some() || self.is_derived(spec)
    }

    /// Reads the next row; `false` at the end of the file.
    pub fn next_row(&mut self) -> Result<bool> {
        if self.parquet.is_some() {
            return self.next_parquet_row();
        }
        loop {
            let more = match self.records.read(&mut self.record) {
                Ok(more) => more,
                // A quote open on the last line alone: the input's last row, which takes no
                // other line with it, a row error that --skip-invalid may skip. The next read
                // finds the end.
                Err(Fault::Unclosed(line, true)) => {
                    self.line = line;
                    return Err(self.row_error(UNCLOSED.to_string()));
                }
                Err(f) => return Err(fault(&self.name, f, "cannot read CSV")),
            };
            if !more {
                return Ok(false);
            }
            self.line = self.record.line();
            if self.record.has_stray_text() {
                return Err(self.row_error(
                    "text follows a closing quote (as in \"1\"0); quote the whole field, or \
                     write a quote inside it as \"\""
                        .to_string(),
                ));
            }
            let (len, expected) = (self.record.len(), self.headers.len());
            if len == expected {
                self.clean_row()?;
                self.fill_row()?;
                return Ok(true);
            }
            if len == 1 && self.record.iter().all(|f| f.trim_ascii().is_empty()) {
                continue; // a line of spaces is a blank line
            }
            let fields = |n: usize| format!("{n} field{}", if n == 1 { "" } else { "s" });
            let hint = if self.headers.last().is_some_and(|h| h.is_empty()) {
                "the header ends with an empty column name (a trailing delimiter?)"
            } else {
                "quote fields that contain the delimiter"
            };
            return Err(self.row_error(format!(
                "the row has {}, but the header has {}; {hint}",
                fields(len),
                fields(expected)
            )));
        }
    }

    /// [`Table::next_row`] of a Parquet file: its first call starts decoding the columns read.
    fn next_parquet_row(&mut self) -> Result<bool> {
        if let Some(ParquetInput::Pending(book, form)) = &self.parquet {
            // Every column a cell is taken from: those read, `--where`'s and `--fill-down`'s.
            let mut read: Vec<usize> = self.read_columns().flatten().collect();
            self.derived.filter_reads(&mut read);
            read.extend(self.fill.iter().flat_map(Fill::reads));
            let rows = (book.rows(&read, form.clone(), self.decode_ahead))
                .map_err(|m| anyhow!("{}: {m}", self.name))?;
            self.parquet = Some(ParquetInput::Reading(Box::new(rows)));
        }
        let Some(ParquetInput::Reading(rows)) = &mut self.parquet else {
            return Ok(false);
        };
        let more = (rows.read(&mut self.record))
            .map_err(|m| anyhow!("{}: cannot read Parquet data: {m}", self.name))?;
        self.line = self.record.line();
        if more {
            self.clean_row()?;
            self.fill_row()?;
        }
        Ok(more)
    }

    fn row_error(&self, message: String) -> anyhow::Error {
        anyhow::Error::new(RowError {
            file: self.name.clone(),
            line: self.line,
            message,
        })
    }

    /// The columns xsell reads, in canonical order (`None` for a column the file lacks or that
    /// is derived), then `--by column:NAME`'s and those that `--derive` expressions read.
    fn read_columns(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        let extra = self.extra.as_ref().map(|(_, i)| Some(*i));
        (self.columns.iter().copied())
            .chain(extra)
            .chain(self.derived.reads().map(Some))
    }

    /// The trimmed cells of the columns xsell reads ([`Table::read_columns`]): two rows are
    /// repeats when these are equal, whatever the files' column order and padding.
    fn read_cells(&self) -> impl Iterator<Item = &[u8]> {
        self.read_columns().map(|index| {
            let cleaned = index.and_then(|i| self.cleaned.get(i));
            match cleaned {
                Some(text) => text.as_bytes(),
                None => (index.and_then(|i| self.record.get(i)))
                    .unwrap_or_default()
                    .trim_ascii(),
            }
        })
    }

    /// The line number (1-based) where the current row starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The trimmed text of the current row in column `specs[spec]`; `None` when the file has no
    /// such column.
    pub fn cell(&self, spec: usize) -> Result<Option<&str>, FieldError> {
        let Some(index) = self.columns[spec] else {
            return self.derived_text(spec);
        };
        match self.text(index) {
            Some(text) => Ok(Some(text)),
            None => Err(self.not_utf8(index, self.specs[spec].name)),
        }
    }

    /// The trimmed text of the current row in the file's column `index`, filled down.
    fn column(&self, index: usize) -> Result<&str, FieldError> {
        self.text(index)
            .ok_or_else(|| self.not_utf8(index, &self.headers[index]))
    }

    /// [`Table::column`] on the hot path: `None` when the cell is not UTF-8.
    #[inline(always)]
    fn text(&self, index: usize) -> Option<&str> {
        if let Some(filled) = self.fill.as_ref().and_then(|f| f.filled(index)) {
            return Some(filled);
        }
        if let Some(cleaned) = self.cleaned.get(index) {
            return Some(cleaned);
        }
        self.raw_text(index)
    }

    /// The current row's cell in the file's column `index` as written, ASCII white space
    /// trimmed; `None` when it is not UTF-8.
    #[inline(always)]
    fn raw_text(&self, index: usize) -> Option<&str> {
        // Only the cells read are trimmed, not every field of every row.
        if let Some(text) = self.record.text(index) {
            return Some(text.trim_ascii());
        }
        let bytes = self.record.get(index).unwrap_or_default().trim_ascii();
        std::str::from_utf8(bytes).ok()
    }

    /// The error of a cell of the file's column `index` that is not UTF-8, under `column`.
    #[cold]
    fn not_utf8(&self, index: usize, column: &str) -> FieldError {
        let bytes = self.record.get(index).unwrap_or_default().trim_ascii();
        let value = String::from_utf8_lossy(bytes).into_owned();
        self.cell_error(column.to_string(), value, NOT_UTF8.to_string())
    }

    /// The error of the current row's cell in `column`, holding `value`, which is not `expected`.
    pub(super) fn cell_error(&self, column: String, value: String, expected: String) -> FieldError {
        FieldError {
            file: self.name.clone(),
            line: self.line,
            column,
            value,
            expected,
        }
    }

    /// The date in column `specs[spec]`; `None` when the column is absent or the cell empty.
    pub fn date(&self, spec: usize) -> Result<Option<NaiveDate>, FieldError> {
        match self.cell(spec)? {
            None | Some("") => Ok(None),
            Some(text) => self.date_in(spec, text).map(Some),
        }
    }

    /// `text`, the cell of column `specs[spec]`, as a date.
    pub fn date_in(&self, spec: usize, text: &str) -> Result<NaiveDate, FieldError> {
        self.dates
            .parse(text)
            .ok_or_else(|| self.invalid(spec, text, &self.dates.expected(text)))
    }

    /// The amount in column `specs[spec]`; `None` when the column is absent or the cell empty.
    pub fn money(&self, spec: usize) -> Result<Option<Money>, FieldError> {
        match self.cell(spec)? {
            None | Some("") => Ok(None),
            Some(text) => self.money_in(spec, text).map(Some),
        }
    }

    /// `text`, the cell of column `specs[spec]`, as an amount.
    pub fn money_in(&self, spec: usize, text: &str) -> Result<Money, FieldError> {
        (self.money.parse(text)).map_err(|e| self.money_error(spec, text, e))
    }

    /// [`Table::money_in`] for an order amount, rounded as `--round-amounts` says; whether
    /// rounding changed it.
    pub fn amount_in(&self, spec: usize, text: &str) -> Result<(Money, bool), FieldError> {
        (self.money.parse_rounding(text)).map_err(|e| self.money_error(spec, text, e))
    }

    fn money_error(&self, spec: usize, text: &str, e: MoneyError) -> FieldError {
        let form = if self.money.decimal_comma && e == MoneyError::Syntax {
            "an amount with a decimal comma, such as 12,50 or -3,00 (--decimal-comma)"
        } else {
            e.expected()
        };
        let expected = match self.money.hint(text) {
            Some(hint) if e == MoneyError::Syntax => format!("{form}; {hint}"),
            _ => form.to_string(),
        };
        self.invalid(spec, text, &expected)
    }

    /// The text of a required column, which must not be empty.
    pub fn required(&self, spec: usize) -> Result<&str, FieldError> {
        match self.cell(spec)? {
            Some(text) if !text.is_empty() => Ok(text),
            _ => Err(self.invalid(spec, "", "a value (the column is required)")),
        }
    }

    pub fn invalid(&self, spec: usize, value: &str, expected: &str) -> FieldError {
        let expected = match self.derived.source(spec) {
            Some(source) => format!(
                "{expected} (from {})",
                self.derived.derive_option(self.specs[spec].name, source)
            ),
            None => expected.to_string(),
        };
        self.cell_error(
            self.specs[spec].name.to_string(),
            value.to_string(),
            expected,
        )
    }
}

/// A Parquet file's rows: the file, until the columns to decode are known (`--by column:NAME`,
/// `--where` and `--fill-down` add theirs after [`Table::open`]); then the rows.
enum ParquetInput {
    Pending(Box<Parquet>, Form),
    Reading(Box<parquet::Rows>),
}

/// The bytes of `source`; the open file when it is a regular one; its chunks when it is a Parquet
/// file (read whole when it is a stream — standard input, a pipe — since a Parquet file is read
/// from its end).
#[allow(clippy::type_complexity)]
fn open_source(
    source: &Source,
) -> io::Result<(Box<dyn Read + Send>, Option<Arc<File>>, Option<Chunks>)> {
    Ok(match source {
        Source::Stdin => {
            let (stream, chunks) = stream_or_parquet(Box::new(io::stdin()))?;
            (stream, None, chunks)
        }
        Source::Bytes(_, bytes) => {
            let chunks = (bytes.starts_with(parquet::MAGIC))
                .then(|| Chunks::Memory(bytes::Bytes::from_owner(Arc::clone(bytes))));
            (Box::new(io::Cursor::new(Arc::clone(bytes))), None, chunks)
        }
        Source::File(path) => {
            let opened = File::open(path)?;
            if !opened.metadata()?.is_file() {
                let (stream, chunks) = stream_or_parquet(Box::new(opened))?;
                return Ok((stream, None, chunks));
            }
            let opened = Arc::new(opened);
            let chunks = Chunks::of_file(&opened)?;
            (Box::new(opened.try_clone()?), Some(opened), chunks)
        }
    })
}

/// A stream's bytes, or, when they start as a Parquet file's, its chunks, read whole.
fn stream_or_parquet(
    mut stream: Box<dyn Read + Send>,
) -> io::Result<(Box<dyn Read + Send>, Option<Chunks>)> {
    // The first bytes: what the first read gives (the formats after this look at up to 64 KiB),
    // and at least the magic's 4 however few a pipe gives at a time.
    let mut start = vec![0; 1 << 16];
    let mut filled = 0;
    while filled < parquet::MAGIC.len() {
        match stream.read(&mut start[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    start.truncate(filled);
    if !start.starts_with(parquet::MAGIC) {
        return Ok((Box::new(io::Cursor::new(start).chain(stream)), None));
    }
    stream.read_to_end(&mut start)?;
    Ok((Box::new(io::empty()), Some(Chunks::Memory(start.into()))))
}

/// A quoted field open at the end of the input, after `file:line: `.
const UNCLOSED: &str = "a quoted field in this row is never closed: the rest of the file would be \
                        read as part of it; close the quote (a quote inside a field is written \"\")";

/// A failure to read a file: said plainly when a gzip stream is cut short or damaged, wherever
/// the cut falls (in the data, the header or the trailer), or when a quote is never closed.
fn fault(name: &str, fault: Fault, what: &str) -> anyhow::Error {
    match fault {
        Fault::Unclosed(line, _) => anyhow::anyhow!("{name}:{line}: {UNCLOSED}"),
        Fault::Io(e)
            if e.kind() == io::ErrorKind::UnexpectedEof || e.to_string().contains("deflate") =>
        {
            anyhow::anyhow!(
                "{name}: the compressed data ends too early or is damaged ({e}); a truncated \
                 compressed file gives no numbers rather than partial ones"
            )
        }
        Fault::Io(e) => anyhow::Error::new(e).context(format!("{name}: {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::orders::SPECS;

    #[test]
    fn a_file_that_changes_while_it_is_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.csv");
        let text = "order_id,customer_id,order_date,product_id,amount\nO1,C1,2025-01-01,P1,1.00\n";
        std::fs::write(&path, text).unwrap();
        let opts = ReadOptions::default();
        let source = Source::File(path.clone());
        let table = Table::open(&source, &opts, (SPECS, &opts.map), "orders").unwrap();
        assert!(table.check_unchanged().is_ok());
        // Cut to its header while open: 75 bytes when opened (50 + 1 + 24), 51 now.
        std::fs::write(&path, &text[..51]).unwrap();
        let e = table.check_unchanged().unwrap_err().to_string();
        assert!(
            e.ends_with(
                "o.csv: the file changed while it was read (75 bytes when opened, 51 now): \
                         the numbers would mix two versions of it; read a copy that does not change"
            ),
            "{e}"
        );
        std::fs::remove_file(&path).unwrap();
        let e = table.check_unchanged().unwrap_err().to_string();
        assert!(
            e.contains("the file was removed or replaced while it was read"),
            "{e}"
        );
    }
}
