//! A Parquet file's rows decoded a slice of [`SLICE`] rows at a time, column by column: each
//! read column's cells written as text into a [`Cells`] of the slice (or, for dictionary
//! indices, pointed at in the dictionary's text), then joined by rows, the one copy of each
//! cell's text on its way to the records. A column chunk is read
//! page by page ([`Pages`]) in the encodings it knows, and from the first page in another on by
//! the parquet crate's typed column reader ([`Values`]); both write values through one
//! [`Writer`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FixedLenByteArray,
    FixedLenByteArrayType, FloatType, Int32Type, Int64Type, Int96, Int96Type,
};
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;

use super::pages::{Pages, Read};
use super::write::{Value, Writer};
use super::{Chunks, DELIMITER, Kind};
use crate::input::table::{needs_a_look, spaced};
use crate::input::typed;

/// Rows decoded at a time: enough to make a column's calls few, few enough that a slice's
/// text stays near half a megabyte.
const SLICE: usize = 8192;

/// The longest entry of a dictionary whose cells [`Slice::join`] makes room for without
/// counting them.
const SHORT: usize = 32;

/// A slice of rows, written as lines of cells joined by [`DELIMITER`] (without quotes, and
/// without line ends), end to end: row `r` is `starts[r]..starts[r + 1]` of the text, and its
/// cell `c` ends at `ends[r * width + c]` of the text (and starts where the row does, or a byte
/// after the cell before it ends). When the text is UTF-8 as a whole (as good as always) it is
/// in `text`, and the record that takes the rows holds it with the ends
/// ([`Record::hold`](crate::input::records::Record::hold)): its rows are handed on without a
/// copy. Otherwise it is in `bytes`, and each row is copied.
#[derive(Default)]
pub(super) struct Slice {
    /// The cells as decoded, column by column: the top-level column `c`'s are `columns[c]`
    /// (none for a column not read: its cells are empty). The record that reads the rows holds
    /// them instead while it holds the text (swapped, as the text is), for the dictionary
    /// entries that rows' cells are ([`Cells::entry`]).
    pub columns: Vec<Cells>,
    pub text: String,
    pub bytes: Vec<u8>,
    pub utf8: bool,
    pub starts: Vec<usize>,
    pub ends: Vec<u32>,
    /// Whether no cell of the row holds the delimiter.
    pub plain: Vec<bool>,
    /// Whether every cell of the row is printable ASCII: then the reader need not look at it
    /// for cleaning ([`Record::is_printable`](crate::input::records::Record::is_printable)).
    pub printable: Vec<bool>,
    /// Whether no cell of the row holds a space, a tab or a form feed ([`spaced`]): then, when
    /// plain, its text is hashed as it is
    /// ([`Record::as_written_unspaced`](crate::input::records::Record::as_written_unspaced)).
    pub unspaced: Vec<bool>,
    pub rows: usize,
    /// The cells of a row: the file's top-level columns (kept apart from `columns`, which the
    /// record holds while it reads the rows).
    width: usize,
}

impl Slice {
    /// The cells of a row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The rows' text, UTF-8 or not.
    pub fn all(&self) -> &[u8] {
        match self.utf8 {
            true => self.text.as_bytes(),
            false => &self.bytes,
        }
    }

    /// Row `r`'s text.
    #[cfg(test)]
    pub fn row(&self, r: usize) -> &[u8] {
        &self.all()[self.starts[r]..self.starts[r + 1]]
    }

    /// Joins the decoded cells of each row, by rows. The rows' text must stay under 4 GiB, as
    /// each column's does.
    fn join(&mut self, rows: usize, columns: &[Cells]) -> Result<(), String> {
        let mut text = match self.utf8 {
            true => std::mem::take(&mut self.text).into_bytes(),
            false => std::mem::take(&mut self.bytes),
        };
        let width = columns.len();
        // Room for every row, written in place: each column's cells, a delimiter after each
        // cell, and 16 bytes to copy the last cell in one go. A dictionary of short entries
        // takes at most its longest entry a row: that bound spares counting its cells one by
        // one (a longer entry would make the bound, zero-filled below, far off). The slice
        // before's text, ends and starts are written over, not cleared: only room past them is
        // filled first.
        let cells: usize = (columns.iter())
            .map(|cells| match &cells.dictionary {
                Some(d) if d.longest <= SHORT => rows * d.longest,
                Some(d) => (cells.entries.iter())
                    .filter_map(|&e| d.spans.get(e as usize))
                    .map(|&(from, to)| (to - from) as usize)
                    .sum(),
                None => cells.text.len(),
            })
            .sum();
        let room = cells + rows * width;
        if u32::try_from(room).is_err() {
            return Err(format!("rows of over 4 GiB of text in {SLICE} rows"));
        }
        text.resize(room + 16, 0);
        self.starts.resize(rows + 1, 0);
        self.ends.resize(rows * width, 0);
        let views: Vec<View> = columns.iter().map(View::of).collect();
        let mut at = 0;
        if width == 0 {
            self.starts.fill(0);
        } else {
            let rows = self
                .starts
                .iter_mut()
                .zip(self.ends.chunks_exact_mut(width));
            for (r, (start, ends)) in rows.enumerate() {
                *start = at;
                for (end, view) in ends.iter_mut().zip(&views) {
                    let (source, from, to) = view.cell(r);
                    let len = to - from;
                    // A cell of up to 16 bytes: copied in one go, the delimiter after it, with
                    // one look at the room for both.
                    match (source.get(from..from + 16), text.get_mut(at..at + 17)) {
                        (Some(sixteen), Some(room)) if len <= 16 => {
                            room[..16].copy_from_slice(sixteen);
                            room[len] = DELIMITER;
                        }
                        _ => {
                            text[at..at + len].copy_from_slice(&source[from..to]);
                            text[at + len] = DELIMITER;
                        }
                    }
                    at += len;
                    // Cut short past 4 GiB: then the slice is refused below, ends and all.
                    *end = at as u32;
                    at += 1;
                }
                at -= 1; // no delimiter after the row's last cell
            }
        }
        self.starts[rows] = at;
        text.truncate(at);
        if u32::try_from(text.len()).is_err() {
            return Err(format!("rows of over 4 GiB of text in {SLICE} rows"));
        }
        match String::from_utf8(text) {
            Ok(text) => {
                self.text = text;
                self.utf8 = true;
            }
            Err(e) => {
                self.bytes = e.into_bytes();
                self.utf8 = false;
            }
        }
        Ok(())
    }
}

/// A column's cells as the join reads them: spans of their own text, or entries of a
/// dictionary.
enum View<'a> {
    Own(&'a [u8], &'a [(u32, u32)]),
    Entries(&'a [u8], &'a [(u32, u32)], &'a [u32]),
}

impl<'a> View<'a> {
    fn of(cells: &'a Cells) -> View<'a> {
        match &cells.dictionary {
            Some(d) => View::Entries(&d.text, &d.spans, &cells.entries),
            None => View::Own(&cells.text, &cells.spans),
        }
    }

    /// Row `r`'s cell: the text it lies in, its start and end there (empty if none). The join
    /// takes each column's view once a slice, not through the shared dictionary at each cell.
    #[inline(always)]
    fn cell(&self, r: usize) -> (&'a [u8], usize, usize) {
        let (source, span) = match *self {
            View::Own(text, spans) => (text, spans.get(r)),
            View::Entries(text, spans, entries) => {
                (text, entries.get(r).and_then(|&e| spans.get(e as usize)))
            }
        };
        match span {
            Some(&(from, to)) => (source, from as usize, to as usize),
            None => (source, 0, 0),
        }
    }
}

/// Appends `src[start..end]` to `out`. Cells are short: one 16-byte copy, then a cut, costs
/// less than a call to `memcpy` for each.
#[inline(always)]
pub(super) fn append(out: &mut Vec<u8>, src: &[u8], start: usize, end: usize) {
    let sixteen = src.get(start..start + 16);
    match sixteen.and_then(|s| <&[u8; 16]>::try_from(s).ok()) {
        Some(sixteen) if end - start <= 16 => {
            let len = out.len() + (end - start);
            out.extend_from_slice(sixteen);
            out.truncate(len);
        }
        _ => out.extend_from_slice(&src[start..end]),
    }
}

/// A dictionary page's entries written as text: entry `i` is `spans[i]` of `text` (which ends
/// in 16 spare bytes). Shared by the pages that read the column and the slices whose cells are
/// its entries.
pub(super) struct Entries {
    /// A number no other dictionary read in the run has: the same number and entry are the
    /// same text ([`Cells::entry`]).
    pub id: u64,
    pub text: Vec<u8>,
    pub spans: Vec<(u32, u32)>,
    /// Whether a byte of the text is not printable ASCII ([`needs_a_look`]).
    pub looks: bool,
    /// Whether the text holds a space, a tab or a form feed ([`spaced`]).
    pub spaced: bool,
    /// The length of the longest entry.
    pub longest: usize,
}

impl Entries {
    pub fn new(mut text: Vec<u8>, spans: Vec<(u32, u32)>) -> Entries {
        static DICTIONARIES: AtomicU64 = AtomicU64::new(0);
        let (looks, spaced) = (needs_a_look(&text), spaced(&text));
        // 16 bytes past the last entry, so that each entry is copied in one go, as the others
        // ([`Slice::join`]), not by a call to `memcpy`.
        text.resize(text.len() + 16, 0);
        Entries {
            id: DICTIONARIES.fetch_add(1, Ordering::Relaxed),
            looks,
            spaced,
            longest: (spans.iter().map(|&(from, to)| to.saturating_sub(from)))
                .max()
                .unwrap_or(0) as usize,
            text,
            spans,
        }
    }
}

/// The entry of a null's row in [`Cells::entries`]: none, an empty cell.
pub(super) const NULL: u32 = u32::MAX;

/// One column's cells in a slice. Row `r`'s is entry `entries[r]` of `dictionary`, when the
/// cells are a dictionary's entries (as most rows of a dictionary-encoded column are), or
/// else `spans[r]`, its start and end in the cells' own `text`. A dictionary's entries are
/// copied once, into the rows, when the slice is joined.
#[derive(Default)]
pub(crate) struct Cells {
    pub(super) text: Vec<u8>,
    pub(super) spans: Vec<(u32, u32)>,
    pub(super) dictionary: Option<Arc<Entries>>,
    pub(super) entries: Vec<u32>,
}

impl Cells {
    /// The rows whose cells are here.
    pub fn rows(&self) -> usize {
        match self.dictionary {
            Some(_) => self.entries.len(),
            None => self.spans.len(),
        }
    }

    /// Row `r`'s cell.
    pub fn get(&self, r: usize) -> &[u8] {
        let (source, from, to) = View::of(self).cell(r);
        &source[from..to]
    }

    /// The dictionary whose entry row `r`'s cell is, and the entry: the same dictionary and
    /// entry are the same text.
    #[inline(always)]
    pub fn entry(&self, r: usize) -> Option<(u64, usize)> {
        let dictionary = self.dictionary.as_ref()?;
        let &entry = self.entries.get(r).filter(|&&e| e != NULL)?;
        Some((dictionary.id, entry as usize))
    }

    /// Ends the current row's cell, written to the text, at the end of the text: it starts
    /// where the row before's ends.
    #[inline]
    pub fn end(&mut self) -> Result<(), String> {
        debug_assert!(self.dictionary.is_none(), "a cell written after entries");
        let start = self.spans.last().map_or(0, |span| span.1);
        let end = u32::try_from(self.text.len()).map_err(|_| too_long())?;
        self.spans.push((start, end));
        Ok(())
    }

    /// Copies the dictionary entries the cells are into their own text, before the cells go on
    /// in another page's values or another dictionary's entries.
    pub fn write_out(&mut self) -> Result<(), String> {
        let Some(dictionary) = self.dictionary.take() else {
            return Ok(());
        };
        self.text.clear();
        self.spans.clear();
        for entry in std::mem::take(&mut self.entries) {
            if let Some(&(from, to)) = dictionary.spans.get(entry as usize) {
                (self.text).extend_from_slice(&dictionary.text[from as usize..to as usize]);
            }
            self.end()?;
        }
        Ok(())
    }

    /// Marks in `plain` (a flag for each cell from row `first` on) the cells that hold the
    /// delimiter, of those written to the text from byte `from` on: one search over them all,
    /// and one for each cell only when it finds one.
    pub fn mark_delimited(&self, first: usize, from: usize, plain: &mut [bool]) {
        if memchr::memchr(DELIMITER, &self.text[from..]).is_none() {
            return;
        }
        for (&(start, end), plain) in self.spans[first..].iter().zip(plain) {
            if self.text[start as usize..end as usize].contains(&DELIMITER) {
                *plain = false;
            }
        }
    }

    /// Unsets in `rows` (a flag for each row) the flags of the rows whose cell `has` something:
    /// one look at the text the cells lie in (a dictionary's, looked at once when it was read:
    /// `entries` says what that found), and one at each cell only when that finds it.
    fn mark(&self, rows: &mut [bool], has: fn(&[u8]) -> bool, entries: fn(&Entries) -> bool) {
        let found = match &self.dictionary {
            Some(dictionary) => entries(dictionary),
            None => has(&self.text),
        };
        if !found {
            return;
        }
        for (r, flag) in rows.iter_mut().enumerate() {
            if has(self.get(r)) {
                *flag = false;
            }
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.dictionary = None;
        self.entries.clear();
    }
}

fn too_long() -> String {
    format!("a column of over 4 GiB of text in {SLICE} rows")
}

/// Decodes the rows of a Parquet file into slices.
pub(super) struct Decoder {
    reader: Arc<SerializedFileReader<Chunks>>,
    /// For each top-level column, its leaf and kind when it is read.
    leaves: Vec<Option<(usize, Kind)>>,
    form: typed::Form,
    /// The next row group to open, and the rows left in the one open.
    group: usize,
    left: usize,
    /// The open row group's readers of the columns read, in `leaves`' order.
    columns: Vec<Option<Column>>,
    /// Whether column chunks are read page by page ([`Pages`]) where they can be: always, but
    /// in the tests that compare it with the crate's readers.
    paged: bool,
}

impl Decoder {
    pub fn new(
        reader: Arc<SerializedFileReader<Chunks>>,
        leaves: Vec<Option<(usize, Kind)>>,
        form: typed::Form,
    ) -> Decoder {
        Decoder {
            reader,
            leaves,
            form,
            group: 0,
            left: 0,
            columns: Vec::new(),
            paged: true,
        }
    }

    /// This decoder, reading every column with the crate's readers: the reference the tests
    /// compare the page reader with.
    #[cfg(test)]
    pub fn with_crate_readers(self) -> Decoder {
        Decoder {
            paged: false,
            ..self
        }
    }

    /// Decodes the next slice of rows into `slice`; `false` after the last. An error is the
    /// message to show after the file's name.
    pub fn slice(&mut self, slice: &mut Slice) -> Result<bool, String> {
        while self.left == 0 {
            if self.group == self.reader.num_row_groups() {
                return Ok(false);
            }
            self.open_group()?;
        }
        let rows = self.left.min(SLICE);
        slice.columns.resize_with(self.leaves.len(), Cells::default);
        slice.width = self.leaves.len();
        slice.columns.iter_mut().for_each(Cells::clear);
        slice.plain.clear();
        slice.plain.resize(rows, true);
        slice.rows = 0;
        let group = self.group - 1;
        for (column, cells) in self.columns.iter_mut().zip(&mut slice.columns) {
            if let Some(column) = column {
                (column.read(rows, cells, &mut slice.plain, &self.form))
                    .and_then(|read| match read {
                        Read::All => Ok(()),
                        Read::Unhandled(done) => {
                            column.fall_back(&self.reader, group)?;
                            column.read(rows - done, cells, &mut slice.plain, &self.form)?;
                            Ok(())
                        }
                    })
                    .map_err(|e| format!("column {:?}: {e}", column.name))?;
            }
        }
        // Rows printable ASCII need no cleaning; rows with no space, tab or form feed, no trim.
        for flags in [&mut slice.printable, &mut slice.unspaced] {
            flags.clear();
            flags.resize(rows, true);
        }
        for (column, cells) in self.columns.iter().zip(&slice.columns) {
            if column.is_some() {
                cells.mark(&mut slice.printable, needs_a_look, |e| e.looks);
                cells.mark(&mut slice.unspaced, spaced, |e| e.spaced);
            }
        }
        let columns = std::mem::take(&mut slice.columns);
        let joined = slice.join(rows, &columns);
        slice.columns = columns;
        joined?;
        self.left -= rows;
        slice.rows = rows;
        Ok(true)
    }

    /// Opens the next row group's readers of the columns read.
    fn open_group(&mut self) -> Result<(), String> {
        let k = self.group;
        let group = (self.reader.get_row_group(k))
            .map_err(|e| format!("cannot read row group {}: {e}", k + 1))?;
        self.columns = (self.leaves.iter())
            .map(|leaf| {
                leaf.map(|(leaf, kind)| Column::new(&*group, leaf, kind, self.paged))
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        self.left = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        self.group += 1;
        Ok(())
    }
}

/// One column of the open row group, read a slice at a time.
struct Column {
    name: String,
    leaf: usize,
    writer: Writer,
    source: Source,
}

/// Where a column's values come from.
enum Source {
    Pages(Box<Pages>),
    Values(Box<Values>),
}

impl Column {
    fn new(
        group: &dyn RowGroupReader,
        leaf: usize,
        kind: Kind,
        paged: bool,
    ) -> Result<Column, String> {
        let descr = group.metadata().column(leaf).column_descr_ptr();
        let name = descr.path().string();
        let cannot = |e: parquet::errors::ParquetError| format!("cannot read column {name:?}: {e}");
        let source = match paged {
            true => {
                let pages = group.get_column_page_reader(leaf).map_err(cannot)?;
                let fixed = usize::try_from(descr.type_length()).unwrap_or(0);
                let (physical, max_def) = (descr.physical_type(), descr.max_def_level());
                Source::Pages(Box::new(Pages::new(pages, physical, fixed, max_def)))
            }
            false => Source::Values(Box::new(Values::new(group, leaf).map_err(cannot)?)),
        };
        Ok(Column {
            name,
            leaf,
            writer: Writer::new(kind),
            source,
        })
    }

    /// Writes the cells of the next `rows` rows to `cells`, marking in `plain` the rows whose
    /// cell holds the delimiter.
    fn read(
        &mut self,
        rows: usize,
        cells: &mut Cells,
        plain: &mut [bool],
        form: &typed::Form,
    ) -> Result<Read, String> {
        match &mut self.source {
            Source::Pages(pages) => pages.read(rows, cells, plain, &mut self.writer, form),
            Source::Values(values) => {
                values.read(rows, cells, plain, &mut self.writer, form)?;
                Ok(Read::All)
            }
        }
    }

    /// Goes on with the crate's reader of the column's chunk in row group `group`, past the
    /// rows read page by page.
    fn fall_back(
        &mut self,
        reader: &SerializedFileReader<Chunks>,
        group: usize,
    ) -> Result<(), String> {
        let Source::Pages(pages) = &self.source else {
            return Ok(());
        };
        let read = pages.rows();
        let group = (reader.get_row_group(group))
            .map_err(|e| format!("cannot read row group {}: {e}", group + 1))?;
        let mut values =
            Values::new(&*group, self.leaf).map_err(|e| format!("cannot read it: {e}"))?;
        values.skip(read)?;
        self.source = Source::Values(Box::new(values));
        Ok(())
    }
}

/// A column's values as the parquet crate's typed reader decodes them, a slice at a time: the
/// definition levels (when the column may hold nulls) and the values.
struct Values {
    max_def: i16,
    reader: Reader,
    defs: Vec<i16>,
}

/// A column's typed reader, with the slice's values.
enum Reader {
    Bool(ColumnReaderImpl<BoolType>, Vec<bool>),
    Int32(ColumnReaderImpl<Int32Type>, Vec<i32>),
    Int64(ColumnReaderImpl<Int64Type>, Vec<i64>),
    Int96(ColumnReaderImpl<Int96Type>, Vec<Int96>),
    Float(ColumnReaderImpl<FloatType>, Vec<f32>),
    Double(ColumnReaderImpl<DoubleType>, Vec<f64>),
    Bytes(ColumnReaderImpl<ByteArrayType>, Vec<ByteArray>),
    Fixed(
        ColumnReaderImpl<FixedLenByteArrayType>,
        Vec<FixedLenByteArray>,
    ),
}

/// Calls `$body` with the typed reader and values of `$reader`, whatever their type.
macro_rules! typed {
    ($reader:expr, |$r:ident, $v:ident| $body:expr) => {
        match $reader {
            Reader::Bool($r, $v) => $body,
            Reader::Int32($r, $v) => $body,
            Reader::Int64($r, $v) => $body,
            Reader::Int96($r, $v) => $body,
            Reader::Float($r, $v) => $body,
            Reader::Double($r, $v) => $body,
            Reader::Bytes($r, $v) => $body,
            Reader::Fixed($r, $v) => $body,
        }
    };
}

impl Values {
    fn new(group: &dyn RowGroupReader, leaf: usize) -> parquet::errors::Result<Values> {
        let max_def = group.metadata().column(leaf).column_descr().max_def_level();
        let reader = match group.get_column_reader(leaf)? {
            ColumnReader::BoolColumnReader(r) => Reader::Bool(r, Vec::new()),
            ColumnReader::Int32ColumnReader(r) => Reader::Int32(r, Vec::new()),
            ColumnReader::Int64ColumnReader(r) => Reader::Int64(r, Vec::new()),
            ColumnReader::Int96ColumnReader(r) => Reader::Int96(r, Vec::new()),
            ColumnReader::FloatColumnReader(r) => Reader::Float(r, Vec::new()),
            ColumnReader::DoubleColumnReader(r) => Reader::Double(r, Vec::new()),
            ColumnReader::ByteArrayColumnReader(r) => Reader::Bytes(r, Vec::new()),
            ColumnReader::FixedLenByteArrayColumnReader(r) => Reader::Fixed(r, Vec::new()),
        };
        Ok(Values {
            max_def,
            reader,
            defs: Vec::new(),
        })
    }

    /// Skips the first `rows` rows.
    fn skip(&mut self, rows: usize) -> Result<(), String> {
        let skipped = typed!(&mut self.reader, |r, _v| r.skip_records(rows))
            .map_err(|e| format!("cannot decode its values ({e})"))?;
        match skipped == rows {
            true => Ok(()),
            false => Err(format!(
                "it ends {} rows before its row group does: the file is damaged",
                rows - skipped
            )),
        }
    }

    /// [`Pages::read`] through the crate's reader.
    fn read(
        &mut self,
        rows: usize,
        cells: &mut Cells,
        plain: &mut [bool],
        writer: &mut Writer,
        form: &typed::Form,
    ) -> Result<(), String> {
        let levels = (&mut self.defs, self.max_def);
        typed!(&mut self.reader, |r, v| fill(r, v, levels, rows))?;
        let check = writer.kind() == Kind::Text || form.decimal_comma || form.dates.is_some();
        let first = cells.rows();
        let mut i = 0;
        for row in 0..rows {
            if self.max_def > 0 && self.defs[row] < self.max_def {
                cells.end()?;
                continue;
            }
            let value = match &self.reader {
                Reader::Bool(_, v) => Value::Bool(v[i]),
                Reader::Int32(_, v) => Value::Int32(v[i]),
                Reader::Int64(_, v) => Value::Int64(v[i]),
                Reader::Int96(_, v) => {
                    let [low, high, day] = <[u32; 3]>::try_from(v[i].data()).unwrap_or_default();
                    Value::Int96([low, high, day])
                }
                Reader::Float(_, v) => Value::Float(v[i]),
                Reader::Double(_, v) => Value::Double(v[i]),
                Reader::Bytes(_, v) => Value::Bytes(v[i].data()),
                Reader::Fixed(_, v) => Value::Bytes(v[i].data()),
            };
            i += 1;
            let start = cells.text.len();
            writer.write(value, form, &mut cells.text)?;
            if check && cells.text[start..].contains(&DELIMITER) {
                plain[first + row] = false;
            }
            cells.end()?;
        }
        Ok(())
    }
}

/// Reads `rows` rows of a column into `values`, its definition levels into `defs` unless the
/// column is required (its highest level 0).
fn fill<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    values: &mut Vec<T::T>,
    (defs, max_def): (&mut Vec<i16>, i16),
    rows: usize,
) -> Result<(), String> {
    values.clear();
    defs.clear();
    let mut read = 0;
    while read < rows {
        let levels = (max_def > 0).then_some(&mut *defs);
        let (records, _, _) = (reader.read_records(rows - read, levels, None, values))
            .map_err(|e| format!("cannot decode its values ({e})"))?;
        if records == 0 {
            return Err(format!(
                "it ends {} rows before its row group does: the file is damaged",
                rows - read
            ));
        }
        read += records;
    }
    let nulls = match max_def {
        0 => 0,
        _ => defs.iter().filter(|&&d| d < max_def).count(),
    };
    match values.len() + nulls == rows {
        true => Ok(()),
        false => Err("its values and rows do not match: the file is damaged".to_string()),
    }
}
