//! Property: xsell's CSV reader (`src/input/records.rs`, reached through
//! `xsell::input::split_all`) splits generated CSV text into the same records, fields and start
//! lines as the csv crate (no header, any field count).
//!
//! The text has quoted fields holding the delimiter, quotes (`""`) and line ends, quotes inside
//! unquoted fields, empty fields and records, blank lines, `\n` and `\r\n` line ends (mixed), a
//! last record with or without its line end, non-ASCII text, and `,`, `;` or tab as delimiter; it
//! is read whole and one byte at a time.
//!
//! Left out by construction, because the README documents that xsell reads them otherwise on
//! purpose ("When your data is messy"): a quoted field never closed and text after a closing
//! quote (`"1"0`) are refused, where the csv crate would swallow the rest of the file or glue
//! the text on; a lone `\r` (old Mac line ends) is a line end that xsell counts in its line
//! numbers. So every quoted field is closed and followed by a delimiter or a line end, and `\r`
//! only comes in `\r\n`. A UTF-8 byte-order mark is not generated either (both drop one at the
//! start).

use std::io::{self, Read};

use proptest::prelude::*;

/// The pieces field text is made of (no lone `\r`; `\u{FEFF}` never).
const PIECES: [&str; 14] = [
    "a", "Z", "7", " ", ",", ";", "\t", "\"", "\n", "\r\n", "é", "中", "😀", "x y",
];
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// Line ends, with blank lines after some.
const ENDS: [&str; 5] = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\n\r\n"];

/// A record's fields: their text and whether to quote them when they need not be.
type Fields = Vec<(String, bool)>;

/// One field: its text and whether to quote it even when it need not be.
fn field() -> impl Strategy<Value = (String, bool)> {
    let text = prop::collection::vec(prop::sample::select(&PIECES[..]), 0..5);
    (text.prop_map(|p| p.concat()), any::<bool>())
}

/// Records (fields each), the line end after each, and whether the last one has its line end.
fn table() -> impl Strategy<Value = (Vec<Fields>, Vec<&'static str>, bool, u8)> {
    let record = prop::collection::vec(field(), 1..5);
    (
        prop::collection::vec(record, 1..8),
        prop::collection::vec(prop::sample::select(&ENDS[..]), 8),
        any::<bool>(),
        prop::sample::select(&DELIMITERS[..]),
    )
}

/// The CSV text of `records`, and the line each record starts on (a blank one left out: both
/// readers skip it). A field is quoted (quotes doubled) when asked, or when it must be: it holds
/// the delimiter, a line end, or starts with a quote.
fn render(
    records: &[Vec<(String, bool)>],
    ends: &[&str],
    last_end: bool,
    delimiter: u8,
) -> (Vec<u8>, Vec<u64>) {
    let d = delimiter as char;
    let mut text = String::new();
    let mut lines = vec![];
    for (i, record) in records.iter().enumerate() {
        let blank = matches!(&record[..], [(f, false)] if f.is_empty());
        if !blank {
            lines.push(1 + text.matches('\n').count() as u64);
        }
        let cells: Vec<String> = record
            .iter()
            .map(|(f, quote)| {
                let must = f.contains(d) || f.contains('\n') || f.starts_with('"');
                if *quote || must {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        text += &cells.join(&d.to_string());
        if i + 1 < records.len() || last_end {
            text += ends[i];
        }
    }
    (text.into_bytes(), lines)
}

/// An input that gives one byte a read: every refill path of the reader is taken.
struct Trickle(Vec<u8>, usize);

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = usize::from(self.1 < self.0.len()).min(out.len());
        out[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

type Records = Vec<(u64, Vec<Vec<u8>>)>;

/// The records the csv crate reads, with the lines the generator wrote them on.
fn csv_crate(text: &[u8], delimiter: u8, lines: &[u64]) -> Records {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let fields = |r: csv::ByteRecord| r.iter().map(<[u8]>::to_vec).collect::<Vec<_>>();
    let records: Vec<_> = rdr.byte_records().map(|r| fields(r.unwrap())).collect();
    assert_eq!(records.len(), lines.len(), "the csv crate's records");
    lines.iter().copied().zip(records).collect()
}

/// 256 cases, or `PROPTEST_CASES` for a longer hunt.
fn cases() -> u32 {
    let cases = std::env::var("PROPTEST_CASES").ok();
    cases.and_then(|n| n.parse().ok()).unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_reader_agrees_with_the_csv_crate((records, ends, last_end, delimiter) in table()) {
        let (text, lines) = render(&records, &ends, last_end, delimiter);
        let want = csv_crate(&text, delimiter, &lines);
        let shown = String::from_utf8_lossy(&text);
        let whole = xsell::input::split_all(Box::new(io::Cursor::new(text.clone())), delimiter);
        prop_assert_eq!(whole.as_ref(), Ok(&want), "{:?}", shown);
        let trickle = xsell::input::split_all(Box::new(Trickle(text.clone(), 0)), delimiter);
        prop_assert_eq!(trickle.as_ref(), Ok(&want), "byte by byte: {:?}", shown);
    }
}
