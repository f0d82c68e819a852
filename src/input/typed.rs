//! Typed cells — a workbook's, a Parquet file's — written as the CSV text the reader takes, in
//! the forms the reading options expect: numbers in their shortest round-trip form, dates in
//! ISO 8601 or the `--date-format` pattern, a decimal comma under `--decimal-comma`.

use chrono::{NaiveDateTime, NaiveTime};

/// How cells are written: the delimiter, and the forms the other options read.
#[derive(Clone, Debug)]
pub(crate) struct Form {
    pub delimiter: u8,
    /// `--date-format`'s pattern; `None` for ISO 8601.
    pub dates: Option<String>,
    pub decimal_comma: bool,
}

impl Form {
    /// The forms of `opts` (`--date-format`, `--decimal-comma`), cells separated by `delimiter`.
    pub(crate) fn of(opts: &super::ReadOptions, delimiter: u8) -> Form {
        Form {
            delimiter,
            dates: opts.dates.pattern().map(str::to_string),
            decimal_comma: opts.money.decimal_comma,
        }
    }

    /// A number in the shortest form that reads back as the same f64: `{}` of an f64 writes
    /// whole values without `.0` and never uses an exponent. Minus zero is written `0`.
    pub(crate) fn number(&self, x: f64, out: &mut String) {
        let x = if x == 0.0 { 0.0 } else { x };
        self.decimal(&x.to_string(), out);
    }

    /// `text`, a number written with a decimal point, with a decimal comma instead under
    /// `--decimal-comma`.
    pub(crate) fn decimal(&self, text: &str, out: &mut String) {
        match self.decimal_comma {
            true => out.push_str(&text.replace('.', ",")),
            false => out.push_str(text),
        }
    }

    /// A date and time: `YYYY-MM-DD` at midnight, else `YYYY-MM-DD HH:MM:SS` (with the
    /// milliseconds when there are some); in the `--date-format` pattern when one is pinned.
    pub(crate) fn datetime(&self, t: NaiveDateTime, out: &mut String) {
        use std::fmt::Write;
        if let Some(pattern) = &self.dates {
            let start = out.len();
            // The pattern was checked to write a full date (`DateFormat::pinned`); with a zone
            // (%z) it writes +00:00.
            if write!(out, "{}", t.and_utc().fixed_offset().format(pattern)).is_ok() {
                return;
            }
            out.truncate(start);
        }
        let form = if t.time() == NaiveTime::MIN {
            "%Y-%m-%d"
        } else if t.and_utc().timestamp_subsec_millis() == 0 {
            "%Y-%m-%d %H:%M:%S"
        } else {
            "%Y-%m-%d %H:%M:%S%.3f"
        };
        // These fixed forms write every NaiveDateTime: writing into a String cannot fail.
        let _ = write!(out, "{}", t.format(form));
    }
}

/// `cell` as a CSV field: in quotes, with a quote doubled, when it holds the delimiter, a quote
/// or a line break.
pub(crate) fn quote(cell: &[u8], delimiter: u8, out: &mut Vec<u8>) {
    let bytes = cell;
    if !bytes
        .iter()
        .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}
