//! Dates as written in exports: `YYYY-MM-DD`, or an RFC 3339 / ISO 8601 datetime whose date part
//! is taken as written (no time-zone conversion: `2025-03-01T23:30:00-05:00` is 2025-03-01).

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
