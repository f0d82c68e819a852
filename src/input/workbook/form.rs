//! Writing a sheet's typed cells as the CSV text the reader takes ([`Form`]'s forms).

use calamine::{Data, ExcelDateTime, Range};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::input::typed::{Form, quote};

impl Form {
    /// The range as CSV text, line N of it row N of the sheet; or the 1-based row, the 0-based
    /// column and the value of the first cell that holds an error.
    pub(super) fn sheet(&self, range: &Range<Data>) -> Result<Vec<u8>, (u64, u32, String)> {
        let Some(origin) = range.start() else {
            return Ok(Vec::new());
        };
        let (height, width) = range.get_size();
        let mut out = Vec::with_capacity(height.saturating_mul(width).saturating_mul(8));
        out.resize(usize::try_from(origin.0).unwrap_or(0), b'\n');
        let mut cell = String::new();
        for (row, number) in range.rows().zip(u64::from(origin.0) + 1..) {
            let start = out.len();
            let mut filled = false;
            for (value, column) in row.iter().zip(origin.1..) {
                if column > origin.1 {
                    out.push(self.delimiter);
                }
                cell.clear();
                self.cell(value, &mut cell)
                    .map_err(|error| (number, column, error))?;
                filled |= !cell.is_empty();
                quote(cell.as_bytes(), self.delimiter, &mut out);
            }
            if !filled {
                out.truncate(start); // a blank line, which the reader skips
            }
            out.push(b'\n');
        }
        Ok(out)
    }

    /// The text of a cell, appended to `out`; the error value of a cell that holds one.
    pub(super) fn cell(&self, value: &Data, out: &mut String) -> Result<(), String> {
        match value {
            Data::Empty => {}
            Data::String(text) if is_error_text(text) => return Err(text.clone()),
            Data::String(text) | Data::DurationIso(text) => out.push_str(text),
            Data::Int(n) => out.push_str(&n.to_string()),
            Data::Float(x) => self.number(*x, out),
            Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Data::DateTime(d) if d.is_duration() => self.number(d.as_f64(), out),
            Data::DateTime(d) => self.excel_date(d, out),
            Data::DateTimeIso(text) => match iso_datetime(text) {
                Some(t) => self.datetime(t, out),
                None => out.push_str(text),
            },
            Data::Error(e) => return Err(e.to_string()),
        }
        Ok(())
    }

    /// An Excel date serial (days since 1899-12-30, or 1904-01-01, the time of day its
    /// fraction), read by calamine into its parts. Excel's 1900-02-29, which does not exist, is
    /// written as it is, for the date reader to refuse.
    fn excel_date(&self, d: &ExcelDateTime, out: &mut String) {
        let (year, month, day, hour, minute, second, milli) = d.to_ymd_hms_milli();
        let time =
            NaiveTime::from_hms_milli_opt(hour.into(), minute.into(), second.into(), milli.into());
        match NaiveDate::from_ymd_opt(year.into(), month.into(), day.into()).zip(time) {
            Some((date, time)) => self.datetime(date.and_time(time), out),
            None => out.push_str(&format!("{year:04}-{month:02}-{day:02}")),
        }
    }
}

/// An OpenDocument date value: `2024-03-05` or `2024-03-05T10:30:00` (with a fraction or not).
fn iso_datetime(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN))
        })
}

/// Whether a text cell is a formula's error value: calamine gives those of an .ods as text
/// (`#N/A`, or LibreOffice's own `Err:502`); in Excel, typing one makes it an error too.
fn is_error_text(text: &str) -> bool {
    const ERRORS: [&str; 15] = [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#BUSY!",
    ];
    ERRORS.contains(&text)
        || text
            .strip_prefix("Err:")
            .is_some_and(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
}
