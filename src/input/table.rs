//! One CSV file with a header row: open it, find the wanted columns by name, hand out cells.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use csv::{ByteRecord, ReaderBuilder};

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::NaiveDate;

use super::date::DateFormat;
use super::{FieldError, ReadOptions, RowError, Source, decode};
use crate::money::{Money, MoneyError, MoneyFormat};

const NOT_UTF8: &str = "UTF-8 text: the file is in another encoding (for Latin-1 or Excel's \
                        Windows-1252, use --encoding latin1 or --encoding windows-1252)";

/// A column xsell knows by its canonical name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub required: bool,
}

/// `--map canonical=their_header` pairs, applied to every input file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap(Vec<(String, String)>);

impl ColumnMap {
    /// Parses `canonical=header` pairs; `known` lists the canonical names that may be mapped.
    pub fn parse(pairs: &[String], known: &[&str]) -> Result<ColumnMap> {
        let mut map = Vec::new();
        for pair in pairs {
            let Some((canonical, header)) = pair.split_once('=') else {
                bail!(
                    "--map {pair:?}: expected canonical=their_header, e.g. --map customer_id=\"Customer No\""
                );
            };
            let canonical = normalize(canonical);
            if header.trim().is_empty() {
                bail!("--map {pair:?}: the header name after = is empty");
            }
            if !known.contains(&canonical.as_str()) {
                bail!(
                    "--map {pair:?}: {canonical:?} is not a column xsell reads; known columns: {}",
                    known.join(", ")
                );
            }
            map.retain(|(c, _): &(String, String)| *c != canonical);
            map.push((canonical, normalize(header)));
        }
        Ok(ColumnMap(map))
    }

    fn header_for<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|(c, _)| c == canonical)
            .map_or(canonical, |(_, h)| h.as_str())
    }
}

/// Header names are matched trimmed and case-insensitively, with spaces and hyphens read as
/// underscores: `Customer ID` is `customer_id`.
fn normalize(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

pub(crate) struct Table {
    pub name: String,
    reader: csv::Reader<Counted>,
    record: ByteRecord,
    lines: Rc<RefCell<LineCounter>>,
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
}

impl Table {
    /// Opens `source` and finds the columns of `specs` in its header. `kind` names the file's role
    /// ("orders", "campaigns") in messages.
    pub fn open(
        source: &Source,
        opts: &ReadOptions,
        specs: &'static [Spec],
        kind: &str,
    ) -> Result<Table> {
        let name = source.to_string();
        let raw: Box<dyn Read> = match source {
            Source::Stdin => Box::new(std::io::stdin()),
            Source::Bytes(_, bytes) => Box::new(std::io::Cursor::new(std::sync::Arc::clone(bytes))),
            Source::File(path) => Box::new(
                File::open(path).with_context(|| format!("cannot open {kind} file {name}"))?,
            ),
        };
        let input =
            decode::text(raw, opts.encoding).with_context(|| format!("cannot read {name}"))?;
        let lines = Rc::new(RefCell::new(LineCounter::new(opts.delimiter)));
        let mut reader = ReaderBuilder::new()
            .flexible(true) // field counts are checked row by row, with xsell's own messages
            .delimiter(opts.delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(Counted {
                inner: input,
                lines: Rc::clone(&lines),
            });
        let header = match reader.byte_headers() {
            Ok(header) => header.clone(),
            Err(err) => return Err(read_failure(&name, err, "cannot read the header row")),
        };
        if header.is_empty() || (header.len() == 1 && header[0].trim_ascii().is_empty()) {
            bail!("{name}: the file is empty; expected a header row naming the {kind} columns");
        }
        let headers: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
                } else {
                    h
                };
                String::from_utf8_lossy(h.trim_ascii()).into_owned()
            })
            .collect();
        let columns = specs
            .iter()
            .map(|spec| find_column(&name, &headers, spec, &opts.map, kind))
            .collect::<Result<Vec<_>>>()?;
        Ok(Table {
            name,
            reader,
            record: ByteRecord::new(),
            lines,
            line: 1,
            columns,
            specs,
            headers,
            extra: None,
            dates: opts.dates.clone(),
            money: opts.money.clone(),
        })
    }

    /// Also reads the column `name`, which the file must have.
    pub fn read_extra(&mut self, name: &str) -> Result<()> {
        let wanted = normalize(name);
        let Some(index) = self.headers.iter().position(|h| normalize(h) == wanted) else {
            bail!(
                "{}: no column {name:?} (asked for by column:{name}); found columns: {}",
                self.name,
                self.headers.join(", ")
            );
        };
        self.extra = Some((name.to_string(), index));
        Ok(())
    }

    /// The current row's cell in the column of [`Table::read_extra`], if one was asked for.
    pub fn extra_cell(&self) -> Result<Option<&str>, FieldError> {
        let Some((name, index)) = &self.extra else {
            return Ok(None);
        };
        let bytes = self.record.get(*index).unwrap_or_default().trim_ascii();
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| FieldError {
                file: self.name.clone(),
                line: self.line,
                column: name.clone(),
                value: String::from_utf8_lossy(bytes).into_owned(),
                expected: NOT_UTF8.to_string(),
            })
    }

    /// The canonical names of the wanted columns the file has.
    pub fn present(&self) -> std::collections::HashSet<&'static str> {
        self.specs
            .iter()
            .zip(&self.columns)
            .filter(|(_, c)| c.is_some())
            .map(|(s, _)| s.name)
            .collect()
    }

    /// Whether the file has the column of `specs[spec]`.
    pub fn has(&self, spec: usize) -> bool {
        self.columns[spec].is_some()
    }

    /// Reads the next row; `false` at the end of the file.
    pub fn next_row(&mut self) -> Result<bool> {
        loop {
            let more = match self.reader.read_byte_record(&mut self.record) {
                Ok(more) => more,
                Err(err) => return Err(read_failure(&self.name, err, "cannot read CSV")),
            };
            if !more {
                if self.lines.borrow().quotes.open() {
                    bail!(
                        "{}:{}: a quoted field in this row is never closed: the rest of the file \
                         would be read as part of it; close the quote (a quote inside a field is \
                         written \"\")",
                        self.name,
                        self.line
                    );
                }
                return Ok(false);
            }
            let byte = self.record.position().map_or(0, |p| p.byte());
            self.line = self.lines.borrow_mut().line_at(byte);
            let stray = self.lines.borrow().quotes.stray;
            if let Some(at) = stray.filter(|&at| at <= self.reader.position().byte()) {
                self.lines.borrow_mut().quotes.stray = None;
                if at >= byte {
                    return Err(self.row_error(
                        "text follows a closing quote (as in \"1\"0); quote the whole field, or \
                         write a quote inside it as \"\""
                            .to_string(),
                    ));
                }
            }
            let (len, expected) = (self.record.len(), self.headers.len());
            if len == expected {
                return Ok(true);
            }
            if len == 1 && self.record[0].trim_ascii().is_empty() {
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

    fn row_error(&self, message: String) -> anyhow::Error {
        anyhow::Error::new(RowError {
            file: self.name.clone(),
            line: self.line,
            message,
        })
    }

    /// Two independent 64-bit hashes of the current row, to find exact repeats.
    pub fn record_hashes(&self) -> (u64, u64) {
        let mut low = DefaultHasher::new();
        let mut high = DefaultHasher::new();
        high.write_u64(0x9E37_79B9_7F4A_7C15);
        for cell in self.read_cells() {
            cell.hash(&mut low);
            cell.hash(&mut high);
        }
        (low.finish(), high.finish())
    }

    /// A fast 64-bit hash of the current row, for counting repeats.
    pub fn record_hash(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        for cell in self.read_cells() {
            cell.hash(&mut h);
        }
        h.finish()
    }

    /// The trimmed cells of the columns xsell reads, in canonical order (empty for a column the
    /// file lacks): two rows are repeats when these are equal, whatever the files' column order
    /// and padding.
    fn read_cells(&self) -> impl Iterator<Item = &[u8]> {
        let extra = self.extra.as_ref().map(|(_, i)| Some(*i));
        self.columns.iter().copied().chain(extra).map(|index| {
            index
                .and_then(|i| self.record.get(i))
                .unwrap_or_default()
                .trim_ascii()
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
            return Ok(None);
        };
        // Only the cells read are trimmed, not every field of every row.
        let bytes = self.record.get(index).unwrap_or_default().trim_ascii();
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| self.invalid(spec, &String::from_utf8_lossy(bytes), NOT_UTF8))
    }

    /// The date in column `specs[spec]`; `None` when the column is absent or the cell empty.
    pub fn date(&self, spec: usize) -> Result<Option<NaiveDate>, FieldError> {
        match self.cell(spec)? {
            None | Some("") => Ok(None),
            Some(text) => match self.dates.parse(text) {
                Some(date) => Ok(Some(date)),
                None => Err(self.invalid(spec, text, &self.dates.expected(text))),
            },
        }
    }

    /// The amount in column `specs[spec]`; `None` when the column is absent or the cell empty.
    pub fn money(&self, spec: usize) -> Result<Option<Money>, FieldError> {
        match self.cell(spec)? {
            None | Some("") => Ok(None),
            Some(text) => match self.money.parse(text) {
                Ok(amount) => Ok(Some(amount)),
                Err(e) => {
                    let form = if self.money.decimal_comma && e == MoneyError::Syntax {
                        "an amount with a decimal comma, such as 12,50 or -3,00 (--decimal-comma)"
                    } else {
                        e.expected()
                    };
                    let expected = match self.money.hint(text) {
                        Some(hint) if e == MoneyError::Syntax => format!("{form}; {hint}"),
                        _ => form.to_string(),
                    };
                    Err(self.invalid(spec, text, &expected))
                }
            },
        }
    }

    /// The text of a required column, which must not be empty.
    pub fn required(&self, spec: usize) -> Result<&str, FieldError> {
        match self.cell(spec)? {
            Some(text) if !text.is_empty() => Ok(text),
            _ => Err(self.invalid(spec, "", "a value (the column is required)")),
        }
    }

    pub fn invalid(&self, spec: usize, value: &str, expected: &str) -> FieldError {
        FieldError {
            file: self.name.clone(),
            line: self.line(),
            column: self.specs[spec].name.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
}

fn find_column(
    file: &str,
    headers: &[String],
    spec: &Spec,
    map: &ColumnMap,
    kind: &str,
) -> Result<Option<usize>> {
    let wanted = map.header_for(spec.name);
    let mut found = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| normalize(h) == wanted)
        .map(|(i, _)| i);
    let first = found.next();
    if let Some(second) = found.next() {
        bail!(
            "{file}: the header names column {wanted:?} twice (columns {} and {}); rename one of them",
            first.map_or(0, |i| i + 1),
            second + 1
        );
    }
    if first.is_none() && spec.required {
        let hint = nearest(wanted, headers)
            .map(|h| format!(" (did you mean {h:?}?)"))
            .unwrap_or_default();
        let how = if let [only] = headers
            && let Some(d) = [';', '\t', '|', ',']
                .into_iter()
                .find(|d| only.contains(*d))
        {
            let name = if d == '\t' {
                "tab".to_string()
            } else {
                d.to_string()
            };
            format!("the header is one column: is the delimiter {name:?}? use --delimiter {name}")
        } else if wanted == spec.name {
            format!("if it has another name, use --map {}=<header>", spec.name)
        } else {
            format!("--map {}={wanted} names it", spec.name)
        };
        bail!(
            "{file}: missing {kind} column {wanted:?}{hint}; found columns: {}; {how}",
            headers.join(", ")
        );
    }
    Ok(first)
}

/// The header closest to `wanted` by edit distance, if it is close enough to be a likely typo.
fn nearest<'a>(wanted: &str, headers: &'a [String]) -> Option<&'a str> {
    headers
        .iter()
        .map(|h| (edit_distance(wanted, &normalize(h)), h))
        .filter(|(d, h)| *d <= (wanted.len().max(h.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

/// A failure to read a file: said plainly when a gzip stream is cut short or damaged, wherever
/// the cut falls (in the data, the header or the trailer).
fn read_failure(name: &str, err: csv::Error, what: &str) -> anyhow::Error {
    if let csv::ErrorKind::Io(e) = err.kind()
        && (e.kind() == io::ErrorKind::UnexpectedEof || e.to_string().contains("deflate"))
    {
        return anyhow::anyhow!(
            "{name}: the compressed data ends too early or is damaged ({e}); a truncated .gz \
             file gives no numbers rather than partial ones"
        );
    }
    anyhow::Error::new(err).context(format!("{name}: {what}"))
}

/// The input with its lines counted. The csv crate's own `Position::line` miscounts after blank
/// lines and CRLF terminators (rust-csv issues 208 and 395), so xsell counts newlines itself.
struct Counted {
    inner: Box<dyn Read>,
    lines: Rc<RefCell<LineCounter>>,
}

impl Read for Counted {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        let mut lines = self.lines.borrow_mut();
        lines.pending.extend_from_slice(&out[..n]);
        lines.quotes.feed(&out[..n]);
        Ok(n)
    }
}

/// Follows CSV quoting over the raw bytes, to notice a quoted field still open at the end of the
/// file: the csv crate then ends it there, and every later row would silently become part of
/// that one field.
#[derive(Debug)]
struct Quotes {
    delimiter: u8,
    in_quotes: bool,
    /// Inside quotes, a `"` was just seen: the end of the field, or the first of `""`.
    quote_seen: bool,
    field_start: bool,
    /// How many of the first bytes were a byte-order mark (3 once past it).
    fed: u8,
    /// Bytes seen so far.
    pos: u64,
    /// Where text first follows a closing quote, until the row holding it is reported.
    stray: Option<u64>,
}

impl Quotes {
    fn new(delimiter: u8) -> Quotes {
        Quotes {
            delimiter,
            in_quotes: false,
            quote_seen: false,
            field_start: true,
            fed: 0,
            pos: 0,
            stray: None,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            // A byte-order mark opens the file before its first field (the csv reader skips it).
            self.pos += 1;
            let bom = self.fed < 3 && b == [0xEF, 0xBB, 0xBF][self.fed as usize];
            self.fed = if bom { self.fed + 1 } else { 3 };
            if bom {
                continue;
            }
            if self.in_quotes {
                if self.quote_seen {
                    self.quote_seen = false;
                    if b == b'"' {
                        continue;
                    }
                    self.in_quotes = false;
                    // `"1"0`: text after a closing quote, which the csv crate would glue on.
                    if !matches!(b, b'\n' | b'\r') && b != self.delimiter && self.stray.is_none() {
                        self.stray = Some(self.pos);
                    }
                } else {
                    self.quote_seen = b == b'"';
                    continue;
                }
            }
            if b == b'"' && self.field_start {
                self.in_quotes = true;
                self.field_start = false;
            } else {
                self.field_start = b == self.delimiter || b == b'\n' || b == b'\r';
            }
        }
    }

    /// Whether the input so far ends inside a quoted field.
    fn open(&self) -> bool {
        self.in_quotes && !self.quote_seen
    }
}

/// The bytes read but not yet passed by a record start, and the newlines before them. Holds at
/// most the csv reader's read-ahead plus one record.
#[derive(Debug)]
struct LineCounter {
    pending: Vec<u8>,
    quotes: Quotes,
    /// Index in `pending` of byte `offset` of the input.
    start: usize,
    offset: u64,
    newlines: u64,
}

impl LineCounter {
    fn new(delimiter: u8) -> LineCounter {
        LineCounter {
            pending: Vec::new(),
            quotes: Quotes::new(delimiter),
            start: 0,
            offset: 0,
            newlines: 0,
        }
    }

    /// The line of the first content byte at or after input offset `byte`: csv reports a record's
    /// offset before the blank lines and leftover `\n` of a CRLF it skips.
    fn line_at(&mut self, byte: u64) -> u64 {
        let skip = usize::try_from(byte.saturating_sub(self.offset)).unwrap_or(usize::MAX);
        let end = self.start.saturating_add(skip).min(self.pending.len());
        self.newlines += count_newlines(
            &self.pending[self.start..end],
            self.pending.get(end).copied(),
        );
        self.offset += (end - self.start) as u64;
        self.start = end;
        if self.start > self.pending.len() / 2 {
            self.pending.drain(..self.start);
            self.start = 0;
        }
        let rest = &self.pending[self.start..];
        let blank = rest
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.newlines + count_newlines(&rest[..blank], rest.get(blank).copied()) + 1
    }
}

/// Line ends in `bytes`, the byte after them being `next`: `\n`, and a `\r` not followed by
/// `\n` (old Mac files end lines with `\r` alone).
fn count_newlines(bytes: &[u8], next: Option<u8>) -> u64 {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = bytes
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count();
    let last_cr = bytes.last() == Some(&b'\r') && next.is_some_and(|b| b != b'\n');
    (lf + lone_cr + usize::from(last_cr)) as u64
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("customer_id", "customer_id"), 0);
        assert_eq!(edit_distance("customer_id", "custmer_id"), 1);
        assert_eq!(edit_distance("amount", "amout"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_close_headers() {
        let headers = vec!["Custmer ID".to_string(), "total".to_string()];
        assert_eq!(nearest("customer_id", &headers), Some("Custmer ID"));
        assert_eq!(nearest("amount", &headers), None);
    }

    #[test]
    fn headers_match_by_normalised_name() {
        assert_eq!(normalize(" Customer ID "), "customer_id");
        assert_eq!(normalize("ORDER-DATE"), "order_date");
        assert_eq!(normalize("amount"), "amount");
    }

    #[test]
    fn quotes_left_open_at_the_end_are_noticed() {
        let open = |text: &[u8]| {
            let mut q = Quotes::new(b',');
            q.feed(text);
            q.open()
        };
        assert!(!open(b"a,\"b,c\"\n1,\"x\ny\"\n"));
        assert!(!open(b"a,\"say \"\"hi\"\"\"\n"), "escaped quotes");
        assert!(
            !open(b"a,5\" screen\n"),
            "a quote inside an unquoted field is a character"
        );
        assert!(!open(b"a,\"\""), "an empty quoted field at the very end");
        assert!(open(b"a,\"oops\n2,b\n"));
        assert!(open(b"a,\"never\"\"closed\n"));
    }

    #[test]
    fn lines_are_counted_across_blank_lines_crlf_and_quoted_newlines() {
        // Record starts as the csv crate reports them (the offset can sit on a skipped newline).
        let input = b"h,a\r\n2,x\r\n\r\n4,\"y\nz\"\r\n6,w\r\n";
        let mut counter = LineCounter::new(b',');
        counter.pending = input.to_vec();
        assert_eq!(counter.line_at(0), 1);
        assert_eq!(counter.line_at(4), 2); // on the \n of the header's CRLF
        assert_eq!(counter.line_at(9), 4); // on the \n of line 2's CRLF, then a blank line
        assert_eq!(counter.line_at(21), 6); // after a field holding a newline
    }

    #[test]
    fn map_refuses_unknown_canonical_names() {
        let known = ["order_id", "amount"];
        let map = ColumnMap::parse(&["Amount = Net Sales".to_string()], &known).unwrap();
        assert_eq!(map.header_for("amount"), "net_sales");
        assert_eq!(map.header_for("order_id"), "order_id");
        assert!(ColumnMap::parse(&["price=Net".to_string()], &known).is_err());
        assert!(ColumnMap::parse(&["amount".to_string()], &known).is_err());
    }
}
