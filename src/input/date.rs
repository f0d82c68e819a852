//! Dates as written in exports: `YYYY-MM-DD`, or an RFC 3339 / ISO 8601 datetime whose date part
//! is taken as written (no time-zone conversion: `2025-03-01T23:30:00-05:00` is 2025-03-01).

use chrono::format::{Parsed, StrftimeItems, parse as parse_with};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// What a date cell must look like, for error messages.
pub const EXPECTED: &str = "a date as YYYY-MM-DD or an RFC 3339 datetime (2025-03-01T10:00:00Z)";

pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let date = parse_ymd(text.get(..10)?)?;
    match text.as_bytes().get(10) {
        None => Some(date),
        Some(b'T' | b't' | b' ') => {
            let valid = DateTime::parse_from_rfc3339(text).is_ok()
                || NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                || NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").is_ok();
            valid.then_some(date)
        }
        Some(_) => None,
    }
}

/// Fast path for the canonical `YYYY-MM-DD`; rejects impossible dates such as 2025-02-30.
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// How date cells are written: ISO 8601 / RFC 3339 (the default), or one strftime pattern pinned
/// with `--date-format` (`%d/%m/%Y`), which every date must then follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DateFormat(Option<String>);

impl DateFormat {
    /// A pinned pattern; refused when chrono cannot read it, or when a date written in it does
    /// not read back as the same date (it lacks the year or the day, as `%Y-%d` does).
    pub fn pinned(pattern: &str) -> Result<DateFormat, String> {
        if StrftimeItems::new(pattern).parse().is_err() {
            return Err(format!(
                "--date-format {pattern:?} is not a strftime pattern such as %d/%m/%Y"
            ));
        }
        let sample = NaiveDate::from_ymd_opt(2025, 3, 7)
            .and_then(|d| d.and_hms_opt(13, 14, 15))
            .map(|t| t.and_utc().fixed_offset());
        let mut written = String::new();
        let format = DateFormat(Some(pattern.to_string()));
        let round_trip = sample.is_some_and(|s| {
            use std::fmt::Write;
            write!(written, "{}", s.format(pattern)).is_ok()
                && format.parse(&written) == Some(s.date_naive())
        });
        if !round_trip {
            return Err(format!(
                "--date-format {pattern:?} does not give a full date: 2025-03-07 written in it \
                 ({written:?}) does not read back; it needs a year and a day, e.g. %d/%m/%Y"
            ));
        }
        Ok(format)
    }

    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        let Some(pattern) = &self.0 else {
            return parse(text);
        };
        let mut parsed = Parsed::new();
        parse_with(&mut parsed, text.trim(), StrftimeItems::new(pattern)).ok()?;
        // A Unix timestamp (%s) holds no date fields: its date is the UTC one.
        parsed
            .to_naive_date()
            .or_else(|_| parsed.to_naive_datetime_with_offset(0).map(|t| t.date()))
            .ok()
    }

    /// What a date cell must look like, and, for a date in another common form, how to read it.
    pub fn expected(&self, text: &str) -> String {
        match &self.0 {
            Some(pattern) => format!("a date written as {pattern} (--date-format)"),
            None if ymd_shape(text) => {
                "a real calendar date: this day does not exist (YYYY-MM-DD)".to_string()
            }
            None if looks_like_dmy(text) => format!(
                "{EXPECTED}; a file with dates such as {text} can pin their form with \
                 --date-format %d/%m/%Y (or %m/%d/%Y)"
            ),
            None => EXPECTED.to_string(),
        }
    }
}

/// `2025-02-30`: written as YYYY-MM-DD, but no such day.
fn ymd_shape(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `01/03/2025`, `1.3.2025`, `3-1-25`: day, month and year in some order.
fn looks_like_dmy(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split(['/', '.', '-']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn accepts_dates_and_datetimes_by_their_written_date() {
        assert_eq!(parse("2025-03-01"), ymd(2025, 3, 1));
        assert_eq!(parse(" 2024-02-29 "), ymd(2024, 2, 29));
        assert_eq!(parse("2025-03-01T23:30:00-05:00"), ymd(2025, 3, 1));
        assert_eq!(parse("2025-03-01T00:10:00+09:00"), ymd(2025, 3, 1));
        assert_eq!(parse("2025-03-01T10:00:00Z"), ymd(2025, 3, 1));
        assert_eq!(parse("2025-03-01T10:00:00.250Z"), ymd(2025, 3, 1));
        assert_eq!(parse("2025-03-01 10:00:00"), ymd(2025, 3, 1));
    }

    #[test]
    fn an_impossible_iso_date_is_called_so() {
        assert!(
            DateFormat::default()
                .expected("2025-02-30")
                .contains("does not exist")
        );
    }

    #[test]
    fn a_pinned_format_reads_only_its_own_dates() {
        let dmy = DateFormat::pinned("%d/%m/%Y").unwrap();
        assert_eq!(dmy.parse("01/03/2025"), ymd(2025, 3, 1));
        assert_eq!(dmy.parse("31/02/2025"), None);
        assert_eq!(dmy.parse("2025-03-01"), None);
        let stamp = DateFormat::pinned("%m/%d/%Y %H:%M").unwrap();
        assert_eq!(stamp.parse("03/01/2025 23:59"), ymd(2025, 3, 1));
        assert!(DateFormat::pinned("%Q").is_err());
        assert!(DateFormat::pinned("%H:%M").is_err());
        assert!(
            DateFormat::pinned("%Y-%d").is_err(),
            "no month: 2025-07 cannot read back"
        );
        let iso_week = DateFormat::pinned("%G-W%V-%u").unwrap();
        assert_eq!(iso_week.parse("2025-W10-5"), ymd(2025, 3, 7));
        assert!(
            DateFormat::pinned("%s").is_ok(),
            "a Unix timestamp holds a date"
        );
        assert!(
            DateFormat::default()
                .expected("01/03/2025")
                .contains("--date-format %d/%m/%Y")
        );
        assert!(
            !DateFormat::default()
                .expected("soon")
                .contains("--date-format")
        );
    }

    #[test]
    fn refuses_impossible_or_ambiguous_dates() {
        for bad in [
            "",
            "2025-02-30",
            "2023-02-29",
            "2025-13-01",
            "01/03/2025",
            "2025/03/01",
            "2025-3-1",
            "20250301",
            "2025-03-01X",
            "2025-03-01T25:00:00Z",
            "2025-03-01Tnoon",
            "２０２５-03-01",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
