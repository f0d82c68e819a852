//! The raw bytes under the csv reader: xsell counts lines itself (the csv crate's
//! `Position::line` miscounts after blank lines and CRLF terminators, rust-csv issues 208 and
//! 395), and follows CSV quoting to catch a quote left open or text after a closing quote.

use std::io::{self, Read};

/// The input with its lines counted. The csv crate's own `Position::line` miscounts after blank
/// lines and CRLF terminators (rust-csv issues 208 and 395), so xsell counts newlines itself.
pub(super) struct Counted {
    inner: Box<dyn Read + Send>,
    pub(super) lines: LineCounter,
}

impl Counted {
    pub(super) fn new(inner: Box<dyn Read + Send>, delimiter: u8) -> Counted {
        Counted {
            inner,
            lines: LineCounter::new(delimiter),
        }
    }
}

impl Read for Counted {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        let lines = &mut self.lines;
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
pub(super) struct LineCounter {
    pending: Vec<u8>,
    quotes: Quotes,
    /// Index in `pending` of byte `offset` of the input.
    start: usize,
    offset: u64,
    newlines: u64,
}

impl LineCounter {
    pub(super) fn new(delimiter: u8) -> LineCounter {
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
    /// Whether the input read so far ends inside a quoted field.
    pub(super) fn quote_open(&self) -> bool {
        self.quotes.open()
    }

    /// Where text first follows a closing quote, if at or before input byte `end`; forgotten
    /// once returned.
    pub(super) fn take_stray(&mut self, end: u64) -> Option<u64> {
        let at = self.quotes.stray.filter(|&at| at <= end)?;
        self.quotes.stray = None;
        Some(at)
    }

    pub(super) fn line_at(&mut self, byte: u64) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
