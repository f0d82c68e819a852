//! Splitting CSV text into records in one pass over its bytes. xsell reads CSV itself so that it
//! knows the line each record starts on (blank lines, CRLF, a lone CR and newlines inside quotes
//! all counted), notices a quote still open at the end of the input and text after a closing
//! quote, and splits the common line (no quote) with vectorised searches instead of a
//! byte-by-byte state machine.
//!
//! The dialect is RFC 4180's, as the csv crate reads it: a field that starts with `"` is quoted
//! and `""` inside it is one quote; a quote elsewhere is an ordinary character; `\n`, `\r\n` and
//! a lone `\r` end a record; empty lines are skipped; a UTF-8 byte-order mark at the start is
//! dropped.

use std::io::{self, Read};

use memchr::{memchr2, memchr3};

use super::parquet::Cells;
use super::scan::{Found, Scanner};
use super::table::spaced;

/// What stops reading before the end of the input.
#[derive(Debug)]
pub(super) enum Fault {
    Io(io::Error),
    /// A quoted field is still open at the end of the input: the line its record starts on, and
    /// whether the quote is open on the input's last line alone (no line of text after it, line
    /// ends aside): then the record loses nothing but itself.
    Unclosed(u64, bool),
}

impl From<io::Error> for Fault {
    fn from(e: io::Error) -> Fault {
        Fault::Io(e)
    }
}

/// One record: its fields' bytes (quotes removed, `""` made one) and where it starts.
#[derive(Default)]
pub(super) struct Record {
    bytes: Vec<u8>,
    /// `bytes` moved here once checked to be UTF-8 as a whole (one check a record, not one a
    /// field), with `utf8` set.
    text: String,
    utf8: bool,
    /// Whether the bytes are the line as written (no quotes): fields joined by the delimiter.
    plain: bool,
    /// Each field's start and end in `bytes`.
    bounds: Vec<(usize, usize)>,
    /// In a record that holds the rows of a Parquet file's slice ([`Record::hold`]), with
    /// `held` set, the bounds instead: each cell's end in `text`. A row's cells are joined by a
    /// one-byte delimiter, so a cell starts one byte after the one before it ends (the first
    /// where the row starts): 4 bytes a cell to write and read, not 16.
    ends: Vec<u32>,
    held: bool,
    /// And the slice's cells by columns, for the dictionary entries that cells are
    /// ([`Record::entry`]), with the row of them that is the record's.
    cells: Vec<Cells>,
    row: usize,
    /// The record's bytes are `span` of `bytes` and its fields `fields` of `bounds` (or of
    /// `ends`): all of them, but in a record that holds the rows of a Parquet file's slice.
    span: (usize, usize),
    fields: (usize, usize),
    line: u64,
    /// Whether text follows a closing quote in the record (as in `"1"0`, read as `10`).
    stray: bool,
    /// Whether the record is known to be printable ASCII, a Parquet file's row said so by the
    /// decoder (which looks at a dictionary's entries once, not at each row): then it needs no
    /// cleaning. A CSV record is looked at by the reader.
    printable: bool,
    /// Whether a held row ([`Record::row`]) holds no space, tab or form feed ([`spaced`]), as
    /// the decoder said. A CSV line is looked at instead.
    unspaced: bool,
}

impl Record {
    pub fn len(&self) -> usize {
        self.fields.1 - self.fields.0
    }

    /// The bytes `bounds` and `span` point into.
    fn all(&self) -> &[u8] {
        if self.utf8 {
            self.text.as_bytes()
        } else {
            &self.bytes
        }
    }

    /// The record's bytes: its fields' end to end (or the line as written, when plain).
    pub fn raw(&self) -> &[u8] {
        &self.all()[self.span.0..self.span.1]
    }

    fn bounds(&self) -> &[(usize, usize)] {
        &self.bounds[self.fields.0..self.fields.1]
    }

    /// Field `i`'s start and end in the bytes `all` gives.
    #[inline(always)]
    fn bound(&self, i: usize) -> Option<(usize, usize)> {
        if !self.held {
            return self.bounds().get(i).copied();
        }
        let ends = &self.ends[self.fields.0..self.fields.1];
        let end = *ends.get(i)? as usize;
        let start = match i {
            0 => self.span.0,
            _ => ends[i - 1] as usize + 1,
        };
        Some((start, end))
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let (start, end) = self.bound(i)?;
        self.all().get(start..end)
    }

    /// The record's line as written, when it has no quotes: its fields joined by the delimiter.
    pub fn as_written(&self) -> Option<&[u8]> {
        self.plain.then(|| self.raw())
    }

    /// The record's line as written ([`Record::as_written`]) when it holds no space, tab or form
    /// feed ([`spaced`]): then no cell of it is padded. A Parquet file's row was looked at by the
    /// decoder, a column at a time (a dictionary's entries once); a CSV line is looked at here.
    #[inline(always)]
    pub fn as_written_unspaced(&self) -> Option<&[u8]> {
        let line = self.as_written()?;
        match self.held {
            true => self.unspaced.then_some(line),
            false => (!spaced(line)).then_some(line),
        }
    }

    /// Field `i` as text, when the whole record is UTF-8.
    pub fn text(&self, i: usize) -> Option<&str> {
        let (start, end) = self.bound(i)?;
        self.text.get(start..end).filter(|_| self.utf8)
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// The line (1-based) the record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    pub fn has_stray_text(&self) -> bool {
        self.stray
    }

    /// The dictionary that field `i` of a Parquet file's row is an entry of, and the entry: the
    /// same dictionary and entry are the same text.
    #[inline(always)]
    pub fn entry(&self, i: usize) -> Option<(u64, usize)> {
        match self.held {
            true => self.cells.get(i)?.entry(self.row),
            false => None,
        }
    }

    /// Whether the record is known to be printable ASCII ([`Record::row`]).
    pub fn is_printable(&self) -> bool {
        self.printable
    }

    /// Makes this the record of a row built elsewhere (a Parquet file's), on line `line`: its
    /// bytes are `span` of `all`, its cells joined by a one-byte delimiter, each ending at its
    /// entry of `ends` (in `all`); it is `plain` when no cell holds the delimiter (then its
    /// bytes are the line as written).
    pub fn set(&mut self, line: u64, all: &[u8], span: (usize, usize), ends: &[u32], plain: bool) {
        self.clear();
        self.line = line;
        self.bytes.extend_from_slice(&all[span.0..span.1]);
        let mut start = 0;
        for &end in ends {
            let end = end as usize - span.0;
            self.bounds.push((start, end));
            start = end + 1;
        }
        self.plain = plain;
        self.check_utf8();
        self.whole();
    }

    /// Swaps the rows of a Parquet file's slice in: `text`, all of them, `ends`, each cell's end
    /// in it, by rows (the cells of a row joined by a one-byte delimiter), and `cells`, the
    /// cells as decoded, by columns (for the dictionary entries they are). The record
    /// holds them until they are swapped out again (back to the slice); each row is then taken
    /// by [`Record::row`], without a copy.
    pub fn hold(&mut self, text: &mut String, ends: &mut Vec<u32>, cells: &mut Vec<Cells>) {
        std::mem::swap(&mut self.text, text);
        std::mem::swap(&mut self.ends, ends);
        std::mem::swap(&mut self.cells, cells);
        self.held = true;
        self.utf8 = true;
        self.span = (0, 0);
        self.fields = (0, 0);
    }

    /// Makes this the record of row `row` of the slice it holds ([`Record::hold`]), on line `line`:
    /// its bytes `span` of the slice's text, its cells' ends `fields` of the slice's; `plain`
    /// as in [`Record::set`]; `printable` when every cell is known to be printable ASCII;
    /// `unspaced` when no cell holds a space, tab or form feed.
    pub fn row(
        &mut self,
        (line, row): (u64, usize),
        span: (usize, usize),
        fields: (usize, usize),
        (plain, printable, unspaced): (bool, bool, bool),
    ) {
        self.line = line;
        self.row = row;
        self.span = span;
        self.fields = fields;
        self.plain = plain;
        self.printable = printable;
        self.unspaced = unspaced;
        self.stray = false;
    }

    fn clear(&mut self) {
        if self.utf8 {
            self.bytes = std::mem::take(&mut self.text).into_bytes();
            self.utf8 = false;
        }
        self.bytes.clear();
        self.bounds.clear();
        self.held = false;
        self.span = (0, 0);
        self.fields = (0, 0);
        self.plain = false;
        self.stray = false;
        self.printable = false;
        self.unspaced = false;
    }

    /// Makes the record all of its bytes and fields.
    fn whole(&mut self) {
        self.span = (0, self.all().len());
        self.fields = (0, self.bounds.len());
    }

    /// Moves the bytes to `text` if they are UTF-8.
    fn check_utf8(&mut self) {
        match String::from_utf8(std::mem::take(&mut self.bytes)) {
            Ok(text) => {
                self.text = text;
                self.utf8 = true;
            }
            Err(e) => self.bytes = e.into_bytes(),
        }
    }

    fn end_field(&mut self, start: &mut usize) {
        self.bounds.push((*start, self.bytes.len()));
        *start = self.bytes.len();
    }
}

/// Bytes read per call to the input.
const CHUNK: usize = 1 << 18;

/// A reader of records from CSV text.
pub(super) struct Records {
    input: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    /// Input bytes before `buf[0]`.
    offset: u64,
    /// The line of `buf[start]`.
    line: u64,
    delimiter: u8,
    scanner: Scanner,
    began: bool,
}

impl Records {
    pub fn new(input: Box<dyn Read + Send>, delimiter: u8) -> Records {
        Records {
            input,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            offset: 0,
            line: 1,
            delimiter,
            scanner: Scanner::new(delimiter),
            began: false,
        }
    }

    /// A reader of `input`, which starts where a record starts, on line `line` of a file (past
    /// its header and byte-order mark): for reading a part of the file on its own.
    pub fn part(input: Box<dyn Read + Send>, delimiter: u8, line: u64) -> Records {
        Records {
            line,
            began: true,
            ..Records::new(input, delimiter)
        }
    }

    /// The line of the next byte to read.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Splits the records after the one read last at `delimiter`.
    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
        self.scanner = Scanner::new(delimiter);
    }

    /// Bytes of the input passed so far.
    pub fn position(&self) -> u64 {
        self.offset + self.start as u64
    }

    /// Reads more input after the unread bytes (moved to the front of the buffer, which grows
    /// when one line fills it); `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.offset += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < CHUNK / 2 {
            self.buf
                .resize((self.end + CHUNK).max(2 * self.buf.len()), 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record into `rec`; `false` at the end of the input.
    pub fn read(&mut self, rec: &mut Record) -> Result<bool, Fault> {
        rec.clear();
        let found = self.split(rec);
        if let Ok(true) = found {
            rec.check_utf8();
        }
        rec.whole();
        found
    }

    fn split(&mut self, rec: &mut Record) -> Result<bool, Fault> {
        if !self.began {
            self.began = true;
            while self.end - self.start < 3 && self.fill()? {}
            if self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.start += 3;
            }
        }
        loop {
            // A whole line in the buffer up to its first line end (`\n` or `\r`), or the input's
            // last line, its fields found on the way; a quote sends it to the byte-by-byte reader.
            // A scan resumes where the last one stopped, so that a long line or a file of `\r`
            // line ends is read once, not over and over.
            let (mut scanned, mut field) = (0, 0);
            let end = loop {
                let unread = &self.buf[self.start..self.end];
                match (self.scanner).scan(unread, scanned, &mut field, &mut rec.bounds) {
                    Found::End(i) => break Some(self.start + i),
                    Found::Quote => {
                        rec.bounds.clear();
                        return self.read_quoted(rec);
                    }
                    Found::More => {}
                }
                scanned = self.end - self.start;
                if !self.fill()? {
                    break None;
                }
            };
            let line = &self.buf[self.start..end.unwrap_or(self.end)];
            let next = match end {
                None => self.end,
                Some(i) if self.buf[i] == b'\n' => i + 1,
                Some(i) if i + 1 < self.end => i + 1 + usize::from(self.buf[i + 1] == b'\n'),
                // A `\r` last in the buffer: whether a `\n` follows is not known yet.
                Some(_) => {
                    rec.bounds.clear();
                    return self.read_quoted(rec);
                }
            };
            if line.is_empty() {
                if end.is_none() {
                    return Ok(false);
                }
                // A blank line.
                self.start = next;
                self.line += 1;
                continue;
            }
            rec.bounds.push((field, line.len()));
            rec.line = self.line;
            rec.bytes.extend_from_slice(line);
            rec.plain = true;
            self.start = next;
            self.line += 1;
            return Ok(true);
        }
    }

    /// The next byte, if any, reading more input when needed.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.start == self.end && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.start]))
    }

    /// Consumes the `\n` of a `\r\n` after a `\r` just consumed; whether there was one.
    fn crlf(&mut self) -> io::Result<bool> {
        let lf = self.peek()? == Some(b'\n');
        self.start += usize::from(lf);
        Ok(lf)
    }

    /// A line end `b` (just consumed) inside quotes: kept in the field, and counted.
    fn quoted_line_end(&mut self, rec: &mut Record, b: u8) -> io::Result<()> {
        rec.bytes.push(b);
        self.line += 1;
        if b == b'\r' && self.crlf()? {
            rec.bytes.push(b'\n');
        }
        Ok(())
    }

    /// Copies the bytes up to the next `stop` or line end into `rec`; whether there were any.
    fn copy_run(&mut self, rec: &mut Record, stop: u8) -> bool {
        let run = &self.buf[self.start..self.end];
        let n = memchr3(stop, b'\n', b'\r', run).unwrap_or(run.len());
        rec.bytes.extend_from_slice(&run[..n]);
        self.start += n;
        n > 0
    }

    /// Reads a record byte by byte: one with quotes, or one whose `\r` ends the bytes read so far.
    /// Kept out of line: the common line never comes here.
    #[inline(never)]
    fn read_quoted(&mut self, rec: &mut Record) -> Result<bool, Fault> {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            /// Inside quotes, a `"` was just read: the closing one, or the first of `""`.
            QuoteInQuoted,
        }
        let mut state = State::FieldStart;
        let mut field = 0;
        let mut started = false;
        rec.line = self.line;
        loop {
            let Some(b) = self.peek()? else {
                if state == State::Quoted {
                    let open = rec.bytes[field..].trim_ascii_end();
                    let last_line = memchr2(b'\n', b'\r', open).is_none();
                    return Err(Fault::Unclosed(rec.line, last_line));
                }
                if started {
                    rec.end_field(&mut field);
                }
                return Ok(started);
            };
            // A run of ordinary bytes is copied at once: inside quotes up to a quote or a line
            // end, outside up to the delimiter or a line end.
            let stop = match state {
                State::Quoted => Some(b'"'),
                State::Unquoted => Some(self.delimiter),
                _ => None,
            };
            if stop.is_some_and(|stop| self.copy_run(rec, stop)) {
                continue;
            }
            self.start += 1;
            if state == State::Quoted {
                if b == b'"' {
                    state = State::QuoteInQuoted;
                } else {
                    self.quoted_line_end(rec, b)?;
                }
                continue;
            }
            if b == b'\n' || b == b'\r' {
                self.line += 1;
                if b == b'\r' {
                    self.crlf()?;
                }
                if started {
                    rec.end_field(&mut field);
                    return Ok(true);
                }
                rec.line = self.line; // a blank line before the record
                continue;
            }
            started = true;
            if b == self.delimiter {
                rec.end_field(&mut field);
                state = State::FieldStart;
                continue;
            }
            state = match state {
                State::FieldStart if b == b'"' => State::Quoted,
                State::QuoteInQuoted if b == b'"' => {
                    rec.bytes.push(b);
                    State::Quoted
                }
                State::QuoteInQuoted => {
                    rec.stray = true;
                    rec.bytes.push(b);
                    State::Unquoted
                }
                _ => {
                    rec.bytes.push(b);
                    State::Unquoted
                }
            };
        }
    }
}

/// A record's start line and its fields' bytes.
type Split = (u64, Vec<Vec<u8>>);

/// Every record of `input` as this reader splits it: the line it starts on and its fields' bytes;
/// an error for what xsell refuses (a quoted field never closed, text after a closing quote).
/// Only for tests that compare the reader with another one (tests/it/reader.rs).
#[doc(hidden)]
pub fn split_all(input: Box<dyn Read + Send>, delimiter: u8) -> Result<Vec<Split>, String> {
    let mut records = Records::new(input, delimiter);
    let mut rec = Record::default();
    let mut out = Vec::new();
    loop {
        match records.read(&mut rec) {
            Ok(false) => return Ok(out),
            Ok(true) if rec.has_stray_text() => {
                return Err(format!("line {}: text after a closing quote", rec.line()));
            }
            Ok(true) => out.push((rec.line(), rec.iter().map(<[u8]>::to_vec).collect())),
            Err(Fault::Unclosed(line, _)) => {
                return Err(format!("line {line}: a quote never closed"));
            }
            Err(Fault::Io(e)) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as (line, fields, stray), read through a 1-byte-at-a-time input
    /// when `trickle` (every refill path taken).
    fn records(text: &[u8], trickle: bool) -> Result<Vec<(u64, Vec<String>, bool)>, u64> {
        struct Trickle(Vec<u8>, usize);
        impl Read for Trickle {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = usize::from(self.1 < self.0.len()).min(out.len());
                out[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
                self.1 += n;
                Ok(n)
            }
        }
        let input: Box<dyn Read + Send> = if trickle {
            Box::new(Trickle(text.to_vec(), 0))
        } else {
            Box::new(io::Cursor::new(text.to_vec()))
        };
        let mut reader = Records::new(input, b',');
        let mut rec = Record::default();
        let mut out = Vec::new();
        loop {
            match reader.read(&mut rec) {
                Ok(false) => return Ok(out),
                Ok(true) => out.push((
                    rec.line(),
                    rec.iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                    rec.has_stray_text(),
                )),
                Err(Fault::Unclosed(line, _)) => return Err(line),
                Err(Fault::Io(e)) => panic!("{e}"),
            }
        }
    }

    fn both(text: &[u8]) -> Result<Vec<(u64, Vec<String>, bool)>, u64> {
        let whole = records(text, false);
        assert_eq!(whole, records(text, true), "read whole vs byte by byte");
        whole
    }

    fn rec(line: u64, fields: &[&str]) -> (u64, Vec<String>, bool) {
        (line, fields.iter().map(|f| f.to_string()).collect(), false)
    }

    #[test]
    fn a_utf8_record_gives_its_fields_as_text() {
        // "é" in UTF-8, then a line whose first byte is not UTF-8.
        let input = b"\xC3\xA9,ab\n\xFF,c\n".to_vec();
        let mut reader = Records::new(Box::new(io::Cursor::new(input)), b',');
        let mut rec = Record::default();
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!(
            (rec.text(0), rec.text(1), rec.text(2)),
            (Some("é"), Some("ab"), None)
        );
        assert_eq!(rec.get(0), Some("é".as_bytes()));
        assert_eq!(rec.as_written(), Some("é,ab".as_bytes()));
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!((rec.text(0), rec.text(1)), (None, None));
        assert_eq!(
            (rec.get(0), rec.get(1)),
            (Some(&b"\xFF"[..]), Some(&b"c"[..]))
        );
        assert!(!reader.read(&mut rec).unwrap());
    }

    #[test]
    fn a_held_slice_hands_on_its_rows_and_a_copied_row_reads_as_one() {
        // Two rows of a Parquet slice, "a,bc" and "x,", end to end.
        let (mut text, mut ends) = ("a,bcx,".to_string(), vec![1, 4, 5, 6]);
        let mut rec = Record::default();
        rec.hold(&mut text, &mut ends, &mut Vec::new());
        assert!(
            text.is_empty() && ends.is_empty(),
            "the record's own buffers swapped out"
        );
        rec.row((2, 0), (0, 4), (0, 2), (true, false, true));
        assert_eq!((rec.line(), rec.len()), (2, 2));
        assert_eq!(
            (rec.text(0), rec.text(1), rec.text(2)),
            (Some("a"), Some("bc"), None)
        );
        assert_eq!(rec.as_written(), Some(&b"a,bc"[..]));
        assert!(!rec.is_printable(), "looked at by the reader");
        rec.row((3, 1), (4, 6), (2, 4), (false, true, true));
        assert!(rec.is_printable(), "said printable by the decoder");
        assert_eq!(rec.iter().collect::<Vec<_>>(), [&b"x"[..], b""]);
        assert_eq!((rec.raw(), rec.as_written()), (&b"x,"[..], None));
        // A row of a slice that is not UTF-8 is copied, and checked as a CSV row is.
        rec.set(4, b"zz\xFF,q", (2, 5), &[3, 5], true);
        assert_eq!((rec.text(0), rec.text(1)), (None, None));
        assert_eq!(
            (rec.get(0), rec.get(1)),
            (Some(&b"\xFF"[..]), Some(&b"q"[..]))
        );
        assert_eq!(rec.as_written(), Some(&b"\xFF,q"[..]));
        assert!(
            !rec.is_printable(),
            "a copied row is looked at as a CSV row is"
        );
        rec.set(5, b"e,f", (0, 3), &[1, 3], true);
        assert_eq!(
            (rec.text(0), rec.text(1), rec.len()),
            (Some("e"), Some("f"), 2)
        );
    }

    #[test]
    fn plain_lines_split_on_the_delimiter() {
        assert_eq!(
            both(b"a,b,c\n1,,3\n,\nx").unwrap(),
            vec![
                rec(1, &["a", "b", "c"]),
                rec(2, &["1", "", "3"]),
                rec(3, &["", ""]),
                rec(4, &["x"]),
            ]
        );
        assert_eq!(both(b"").unwrap(), vec![]);
        assert_eq!(both(b"\n\n").unwrap(), vec![]);
    }

    #[test]
    fn lines_are_counted_across_blank_lines_crlf_lone_cr_and_quoted_newlines() {
        let text = b"h,a\r\n2,x\r\n\r\n4,\"y\nz\"\r\n6,w\r7,v\n\n\n10,\"p\r\nq\"\r\r13,u";
        assert_eq!(
            both(text).unwrap(),
            vec![
                rec(1, &["h", "a"]),
                rec(2, &["2", "x"]),
                rec(4, &["4", "y\nz"]),
                rec(6, &["6", "w"]),
                rec(7, &["7", "v"]),
                rec(10, &["10", "p\r\nq"]),
                rec(13, &["13", "u"]),
            ]
        );
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        // Old Mac files: every line ends with \r alone; a blank line among them.
        assert_eq!(
            both(b"a,b\rc,d\r\re,f\r").unwrap(),
            vec![
                rec(1, &["a", "b"]),
                rec(2, &["c", "d"]),
                rec(4, &["e", "f"])
            ]
        );
    }

    #[test]
    fn quotes_follow_rfc_4180() {
        let mut reader = Records::new(Box::new(io::Cursor::new(b"\"a\",b\n".to_vec())), b',');
        let mut quoted = Record::default();
        assert!(reader.read(&mut quoted).unwrap());
        assert_eq!(quoted.as_written(), None, "a quoted line is not as written");
        assert_eq!(
            both(b"\"a,b\",\"say \"\"hi\"\"\",5\" screen,\"\"\n").unwrap(),
            vec![rec(1, &["a,b", "say \"hi\"", "5\" screen", ""])]
        );
        // A byte-order mark before a quoted first field.
        assert_eq!(
            both(b"\xEF\xBB\xBF\"id\",x\n").unwrap(),
            vec![rec(1, &["id", "x"])]
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_flagged() {
        assert_eq!(
            both(b"a,\"1\"0\nb,\"2\"\n").unwrap(),
            vec![
                (1, vec!["a".to_string(), "10".to_string()], true),
                rec(2, &["b", "2"]),
            ]
        );
    }

    #[test]
    fn a_quote_left_open_is_an_error_at_its_record() {
        assert_eq!(both(b"h\n\"ok\"\n\"oops\n2,b\n"), Err(3));
        assert_eq!(both(b"a,\"never\"\"closed"), Err(1));
    }

    #[test]
    fn a_quote_left_open_says_whether_it_is_on_the_last_line_alone() {
        let open = |text: &[u8]| {
            let mut reader = Records::new(Box::new(io::Cursor::new(text.to_vec())), b',');
            let mut rec = Record::default();
            loop {
                match reader.read(&mut rec) {
                    Ok(true) => {}
                    Ok(false) => panic!("no open quote in {text:?}"),
                    Err(Fault::Unclosed(line, last)) => {
                        assert!(!reader.read(&mut rec).unwrap(), "the end follows");
                        return (line, last);
                    }
                    Err(Fault::Io(e)) => panic!("{e}"),
                }
            }
        };
        // Open on the last line, with or without a line end (and blank lines) after it.
        assert_eq!(open(b"h\n1,a\n2,\"b"), (3, true));
        assert_eq!(open(b"h\n1,a\n2,\"b\r\n\n  \n"), (3, true));
        // A record whose earlier quoted field spans lines, its last field open on the last line.
        assert_eq!(open(b"h\n\"x\ny\",\"b\n"), (2, true));
        // Open with lines after it: they would be lost with the record.
        assert_eq!(open(b"h\n1,\"a\n2,b\n"), (2, false));
        assert_eq!(open(b"h\n1,\"a\r3,c"), (2, false));
    }
}
