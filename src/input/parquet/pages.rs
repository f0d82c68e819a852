//! A column chunk read page by page, in the encodings that writers use most: PLAIN values and
//! dictionary indices (PLAIN_DICTIONARY, RLE_DICTIONARY), in data pages of either version, with
//! RLE definition levels. A dictionary page's values are written as text once ([`Dictionary`])
//! and each row copies its value's text; plain values are written as they are read from the
//! page. This spares what the parquet crate's typed readers cost for each value (a
//! reference-counted `Bytes` for every string, typed vectors in between), which with writing
//! each value as text was most of what a Parquet row cost over a CSV row.
//!
//! A page in another encoding (DELTA_*, BYTE_STREAM_SPLIT, RLE booleans, BIT_PACKED levels) is
//! left unread: [`Pages::read`] says so, and the caller reads the rest of the chunk with the
//! crate's reader ([`super::decode`]), which writes the same text.

use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::{Encoding, Type as Physical};
use parquet::column::page::{Page, PageReader};

use super::decode::{Cells, Entries, NULL, append};
use super::rle::Hybrid;
use super::write::{Value, Writer};
use super::{DELIMITER, Kind};
use crate::input::typed;

/// One column chunk's pages, and the rows read of them.
pub(super) struct Pages {
    pages: Box<dyn PageReader>,
    physical: Physical,
    /// A FIXED_LEN_BYTE_ARRAY's width in bytes.
    fixed: usize,
    /// The definition level of a value (0: the column is required); below it, a null.
    max_def: i16,
    dictionary: Option<Dictionary>,
    /// The data page being read.
    page: Option<Data>,
    /// Rows of the chunk read.
    rows: usize,
    /// Room for a run of rows' definition levels and dictionary indices.
    defs: Vec<u32>,
    indices: Vec<u32>,
}

/// How far [`Pages::read`] got.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Read {
    All,
    /// The next page is in an encoding left to the crate: so many of the rows asked for were
    /// read (and [`Pages::rows`] of the chunk).
    Unhandled(usize),
}

/// A data page: its bytes, the rows left in it, and where its levels and values go on.
struct Data {
    buf: Bytes,
    left: usize,
    defs: Option<Hybrid>,
    values: Values,
}

enum Values {
    /// Plain values from byte `at` on (booleans: from bit `bit` of the bytes from `at` on).
    Plain { at: usize, bit: usize },
    /// Indices into the dictionary.
    Dictionary(Hybrid),
}

/// What comes next in the chunk.
enum Next {
    Page(Data),
    Unhandled,
    End,
}

impl Pages {
    pub fn new(
        pages: Box<dyn PageReader>,
        physical: Physical,
        fixed: usize,
        max_def: i16,
    ) -> Pages {
        Pages {
            pages,
            physical,
            fixed,
            max_def,
            dictionary: None,
            page: None,
            rows: 0,
            defs: Vec::new(),
            indices: Vec::new(),
        }
    }

    /// Rows of the chunk read so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes the cells of the next `rows` rows to `cells` (a null as an empty cell), marking
    /// in `plain` (one flag per row of `cells`) the rows whose cell holds the delimiter.
    pub fn read(
        &mut self,
        rows: usize,
        cells: &mut Cells,
        plain: &mut [bool],
        writer: &mut Writer,
        form: &typed::Form,
    ) -> Result<Read, String> {
        // Text may hold the delimiter; so may numbers with a decimal comma and dates in a pattern.
        let check = writer.kind() == Kind::Text || form.decimal_comma || form.dates.is_some();
        let mut done = 0;
        while done < rows {
            if self.page.as_ref().is_none_or(|page| page.left == 0) {
                match self.next_page(cells, writer, form)? {
                    Next::Page(data) => {
                        // Values written as text follow the dictionary's entries.
                        if matches!(data.values, Values::Plain { .. }) {
                            cells.write_out()?;
                        }
                        self.page = Some(data);
                    }
                    Next::Unhandled => {
                        cells.write_out()?;
                        return Ok(Read::Unhandled(done));
                    }
                    Next::End => {
                        return Err(format!(
                            "it ends {} rows before its row group does: the file is damaged",
                            rows - done
                        ));
                    }
                }
            }
            let Pages {
                page: Some(page),
                defs,
                indices,
                dictionary,
                physical,
                fixed,
                max_def,
                rows: chunk_rows,
                ..
            } = self
            else {
                continue;
            };
            let n = (rows - done).min(page.left);
            let max = u32::try_from(*max_def).unwrap_or_default();
            defs.clear();
            let present = match &mut page.defs {
                Some(levels) => match levels.skip_repeat(max, n)? {
                    // A repeated level of a value for all n rows (as writers give a column
                    // that may hold nulls but holds none here): no level to write out.
                    true => n,
                    false => {
                        levels.fill(n, defs)?;
                        defs.iter().filter(|&&d| d >= max).count()
                    }
                },
                None => n,
            };
            // A run without nulls is read as a required column's: no level to look at per row.
            let levels = (present < n).then_some((defs.as_slice(), max));
            let row = cells.rows();
            let plain = plain
                .get_mut(row..row + n)
                .ok_or("more rows than the slice")?;
            match &mut page.values {
                Values::Dictionary(of_rows) => {
                    let dictionary = dictionary.as_ref().ok_or(NO_DICTIONARY)?;
                    dictionary.copy((of_rows, present), indices, levels, cells, plain)?;
                }
                // Strings as they are: copied from the page without a call for each.
                Values::Plain { at, .. }
                    if *physical == Physical::BYTE_ARRAY && writer.kind() == Kind::Text =>
                {
                    let buf = &page.buf;
                    let (first, from) = (cells.rows(), cells.text.len());
                    each_value(n, levels, cells, |text| {
                        let len = buf.get(*at..*at + 4).ok_or_else(ended)?;
                        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                        let (from, to) = (*at + 4, *at + 4 + len);
                        if to > buf.len() {
                            return Err(ended());
                        }
                        append(text, buf, from, to);
                        *at = to;
                        Ok(())
                    })?;
                    cells.mark_delimited(first, from, plain);
                }
                // Booleans, a bit each, written as the writer writes them, without a call each.
                Values::Plain { at, bit } if *physical == Physical::BOOLEAN => {
                    each_value(n, levels, cells, |text| {
                        let byte = page.buf.get(*at + *bit / 8).ok_or_else(ended)?;
                        match byte >> (*bit % 8) & 1 {
                            1 => text.extend_from_slice(b"true"),
                            _ => text.extend_from_slice(b"false"),
                        }
                        *bit += 1;
                        Ok(())
                    })?;
                }
                Values::Plain { at, bit } => {
                    let (first, from) = (cells.rows(), cells.text.len());
                    each_value(n, levels, cells, |text| {
                        let value = plain_value(*physical, *fixed, &page.buf, at, bit)?;
                        writer.write(value, form, text)
                    })?;
                    if check {
                        cells.mark_delimited(first, from, plain);
                    }
                }
            }
            page.left -= n;
            *chunk_rows += n;
            done += n;
        }
        Ok(Read::All)
    }

    /// Takes the chunk's next data page, reading a dictionary page on the way (the entries of
    /// the one before that `cells` point to copied out first).
    fn next_page(
        &mut self,
        cells: &mut Cells,
        writer: &mut Writer,
        form: &typed::Form,
    ) -> Result<Next, String> {
        loop {
            let page = (self.pages.get_next_page())
                .map_err(|e| format!("cannot decode its values ({e})"))?;
            let width = bit_width(self.max_def);
            let (buf, rows, encoding, defs, start) = match page {
                None => return Ok(Next::End),
                Some(Page::DictionaryPage {
                    buf,
                    num_values,
                    encoding,
                    ..
                }) => {
                    if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                        return Ok(Next::Unhandled);
                    }
                    cells.write_out()?;
                    let (count, physical) = (num_values as usize, self.physical);
                    let dictionary =
                        Dictionary::read(&buf, count, physical, self.fixed, writer, form)?;
                    self.dictionary = Some(dictionary);
                    continue;
                }
                // Version 1: the levels first, each kind after its length (4 bytes,
                // little-endian); a top-level column has no repetition levels.
                Some(Page::DataPage {
                    buf,
                    num_values,
                    encoding,
                    def_level_encoding,
                    ..
                }) => match self.max_def {
                    0 => (buf, num_values, encoding, None, 0),
                    _ if def_level_encoding != Encoding::RLE => return Ok(Next::Unhandled),
                    _ => {
                        let len = buf.get(..4).ok_or_else(ended)?;
                        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                        let levels = buf.get(4..4 + len).ok_or_else(ended)?;
                        let defs = Hybrid::new(buf.slice_ref(levels), width)?;
                        (buf, num_values, encoding, Some(defs), 4 + len)
                    }
                },
                // Version 2: the levels' lengths are in the header, and the levels are never
                // compressed (the crate decompressed the values after them).
                Some(Page::DataPageV2 {
                    buf,
                    num_values,
                    encoding,
                    def_levels_byte_len,
                    rep_levels_byte_len,
                    ..
                }) => {
                    let (rep, def) = (rep_levels_byte_len as usize, def_levels_byte_len as usize);
                    let levels = buf.get(rep..rep + def).ok_or_else(ended)?;
                    let defs = (self.max_def > 0)
                        .then(|| Hybrid::new(buf.slice_ref(levels), width))
                        .transpose()?;
                    (buf, num_values, encoding, defs, rep + def)
                }
            };
            let values = match encoding {
                Encoding::PLAIN => Values::Plain { at: start, bit: 0 },
                Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY => {
                    if self.dictionary.is_none() {
                        return Err(NO_DICTIONARY.to_string());
                    }
                    // The indices' bit width, then the indices (a page of nulls may have none).
                    let width = buf.get(start).copied().unwrap_or(0);
                    let from = (start + 1).min(buf.len());
                    Values::Dictionary(Hybrid::new(buf.slice(from..), width)?)
                }
                _ => return Ok(Next::Unhandled),
            };
            if rows > 0 {
                return Ok(Next::Page(Data {
                    buf,
                    left: rows as usize,
                    defs,
                    values,
                }));
            }
        }
    }
}

const NO_DICTIONARY: &str =
    "a page of dictionary indices comes without its dictionary: the file is damaged";

/// The bits a definition level up to `max` takes.
fn bit_width(max: i16) -> u8 {
    (16 - (max.max(0) as u16).leading_zeros()) as u8
}

/// A dictionary page's values written as text, one entry each.
struct Dictionary {
    entries: Arc<Entries>,
    /// Each entry's flags: [`DELIMITED`], [`FAILED`].
    flags: Vec<u8>,
    /// Why an entry could not be written (a date out of range): said when a row holds it.
    errors: Vec<(usize, String)>,
    /// Whether an entry has flags: then each row's entry is looked at, not only its text.
    flagged: bool,
}

/// The entry's text holds the delimiter.
const DELIMITED: u8 = 1;
/// The entry could not be written.
const FAILED: u8 = 2;

impl Dictionary {
    /// The `count` plain values of `physical` in `buf`, written as `writer` writes them.
    fn read(
        buf: &[u8],
        count: usize,
        physical: Physical,
        fixed: usize,
        writer: &mut Writer,
        form: &typed::Form,
    ) -> Result<Dictionary, String> {
        // A damaged page may say it holds more values than it could.
        let room = count.min(buf.len());
        let (mut text, mut spans) = (Vec::new(), Vec::with_capacity(room));
        let (mut flags, mut errors) = (Vec::with_capacity(room), Vec::new());
        let (mut at, mut bit) = (0, 0);
        let offset = |n: usize| u32::try_from(n).map_err(|_| "a dictionary of over 4 GiB of text");
        for i in 0..count {
            let value = plain_value(physical, fixed, buf, &mut at, &mut bit)?;
            let start = text.len();
            flags.push(match writer.write(value, form, &mut text) {
                Ok(()) if text[start..].contains(&DELIMITER) => DELIMITED,
                Ok(()) => 0,
                Err(e) => {
                    text.truncate(start);
                    errors.push((i, e));
                    FAILED
                }
            });
            spans.push((offset(start)?, offset(text.len())?));
        }
        Ok(Dictionary {
            entries: Arc::new(Entries::new(text, spans)),
            flagged: flags.iter().any(|&f| f != 0),
            flags,
            errors,
        })
    }

    /// Gives `cells` the entries of the next `present` indices of `of_rows`, one for each row
    /// but the nulls, the rows' levels (and the level of a value) given for a column that may
    /// hold nulls: as entries of this dictionary, or copied when the cells hold text already.
    /// `indices` is room for the indices, where they are not read straight into the cells.
    fn copy(
        &self,
        (of_rows, present): (&mut Hybrid, usize),
        indices: &mut Vec<u32>,
        levels: Option<(&[u32], u32)>,
        cells: &mut Cells,
        plain: &mut [bool],
    ) -> Result<(), String> {
        if (cells.dictionary.as_ref()).is_some_and(|d| !Arc::ptr_eq(d, &self.entries)) {
            cells.write_out()?;
        }
        let entries = cells.dictionary.is_some() || cells.rows() == 0;
        if entries && cells.dictionary.is_none() {
            cells.dictionary = Some(Arc::clone(&self.entries));
        }
        // The common run: no null, no entry with flags; each row is only its entry.
        if entries && levels.is_none() && !self.flagged {
            let from = cells.entries.len();
            of_rows.fill(present, &mut cells.entries)?;
            if cells.entries[from..]
                .iter()
                .any(|&i| i as usize >= self.flags.len())
            {
                return Err(past_the_end());
            }
            return Ok(());
        }
        indices.clear();
        of_rows.fill(present, indices)?;
        let mut indices = indices.iter();
        for (r, plain) in plain.iter_mut().enumerate() {
            if levels.is_some_and(|(defs, max)| defs[r] < max) {
                match entries {
                    true => cells.entries.push(NULL),
                    false => cells.end()?,
                }
                continue;
            }
            let &i = indices.next().ok_or_else(ended)?;
            let flags = *self.flags.get(i as usize).ok_or_else(past_the_end)?;
            if flags != 0 {
                if flags & FAILED != 0 {
                    let (_, e) =
                        (self.errors.iter().find(|(at, _)| *at == i as usize)).ok_or_else(ended)?;
                    return Err(e.clone());
                }
                *plain = false;
            }
            if entries {
                cells.entries.push(i);
                continue;
            }
            let (start, end) = self.entries.spans[i as usize];
            let text = &self.entries.text;
            append(&mut cells.text, text, start as usize, end as usize);
            cells.end()?;
        }
        Ok(())
    }
}

/// Writes the cells of `n` rows of plain values: `write` writes each value's text (in row
/// order), and a null, where the rows' levels (and the level of a value) say so, is an empty
/// cell.
#[inline(always)]
fn each_value(
    n: usize,
    levels: Option<(&[u32], u32)>,
    cells: &mut Cells,
    mut write: impl FnMut(&mut Vec<u8>) -> Result<(), String>,
) -> Result<(), String> {
    for r in 0..n {
        if levels.is_none_or(|(defs, max)| defs[r] >= max) {
            write(&mut cells.text)?;
        }
        cells.end()?;
    }
    Ok(())
}

/// The next PLAIN value of `physical` in `buf`, from byte `at` on (booleans, one bit each:
/// from bit `bit` of the bytes from `at` on), which it moves past the value.
#[inline(always)]
fn plain_value<'a>(
    physical: Physical,
    fixed: usize,
    buf: &'a [u8],
    at: &mut usize,
    bit: &mut usize,
) -> Result<Value<'a>, String> {
    let mut take = |n: usize| {
        let bytes = buf.get(*at..*at + n).ok_or_else(ended)?;
        *at += n;
        Ok::<_, String>(bytes)
    };
    let word = |bytes: &[u8]| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    Ok(match physical {
        Physical::BOOLEAN => {
            let byte = buf.get(*at + *bit / 8).ok_or_else(ended)?;
            let value = byte >> (*bit % 8) & 1 == 1;
            *bit += 1;
            Value::Bool(value)
        }
        Physical::INT32 => Value::Int32(word(take(4)?) as i32),
        Physical::FLOAT => Value::Float(f32::from_bits(word(take(4)?))),
        Physical::INT64 | Physical::DOUBLE => {
            let bytes = take(8)?;
            let x = u64::from(word(bytes)) | u64::from(word(&bytes[4..])) << 32;
            match physical {
                Physical::INT64 => Value::Int64(x as i64),
                _ => Value::Double(f64::from_bits(x)),
            }
        }
        Physical::INT96 => {
            let bytes = take(12)?;
            Value::Int96([word(bytes), word(&bytes[4..]), word(&bytes[8..])])
        }
        Physical::BYTE_ARRAY => {
            let len = word(take(4)?) as usize;
            Value::Bytes(take(len)?)
        }
        Physical::FIXED_LEN_BYTE_ARRAY => Value::Bytes(take(fixed)?),
    })
}

fn past_the_end() -> String {
    "a dictionary index past the dictionary's end: the file is damaged".to_string()
}

fn ended() -> String {
    "its values end before its rows do: the file is damaged".to_string()
}
