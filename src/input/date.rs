//! Dates as written in exports: `YYYY-MM-DD` or `YYYYMMDD`, alone or with a time (`T` or a space,
//! `HH:MM`, seconds, fractions, `Z` or an offset, with or without a space before it). The date
//! part is taken as written, with no time-zone conversion: `2025-03-01T23:30:00-05:00` is
//! 2025-03-01. Forms whose order of day and month is a guess (`01/03/2025`) are refused, with the
//! `--date-format` that reads them.

use chrono::NaiveDate;
use chrono::format::{Parsed, StrftimeItems, parse as parse_with};

/// What a date cell must look like, for error messages.
pub const EXPECTED: &str = "a date as YYYY-MM-DD or YYYYMMDD, alone or with a time \
                            (2025-03-01 10:00, 2025-03-01T10:00:00Z, 2025-03-01 10:00:00 -0500)";

pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let Some(date) = text.get(..10).and_then(parse_ymd) else {
        return parse_compact(text);
    };
    match text.as_bytes().get(10) {
        None => Some(date),
        Some(b'T' | b't' | b' ') if is_time(&text[11..]) => Some(date),
        Some(_) => None,
    }
}

/// `YYYYMMDD`, as GA4's `event_date` writes it.
fn parse_compact(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(4..6)?, num(6..8)?)
}

/// `HH:MM`, then optionally `:SS` and a fraction (`.250`), then optionally a zone: `Z`, `±HH`,
/// `±HHMM` or `±HH:MM`, after a space or not.
fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    let two = |i: usize, max: u32| {
        b.get(i..i + 2).is_some_and(|d| {
            d.iter().all(u8::is_ascii_digit)
                && u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0') <= max
        })
    };
    if !(two(0, 23) && b.get(2) == Some(&b':') && two(3, 59)) {
        return false;
    }
    let mut i = 5;
    if b.get(i) == Some(&b':') {
        if !two(i + 1, 60) {
            return false;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) {
                return false;
            }
            i += 1 + digits;
        }
    }
    let zone = &b[i..];
    let zone = zone.strip_prefix(b" ").unwrap_or(zone);
    match zone {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', rest @ ..] => {
            let hours = |h: &[u8]| h.iter().all(u8::is_ascii_digit) && h <= b"23".as_slice();
            let minutes = |m: &[u8]| m.iter().all(u8::is_ascii_digit) && m <= b"59".as_slice();
            match rest {
                h if h.len() == 2 => hours(h),
                [h1, h2, b':', m @ ..] if m.len() == 2 => hours(&[*h1, *h2]) && minutes(m),
                [h1, h2, m @ ..] if m.len() == 2 => hours(&[*h1, *h2]) && minutes(m),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Fast path for the canonical `YYYY-MM-DD`; rejects impossible dates such as 2025-02-30.
pub(crate) fn parse_ymd(s: &str) -> Option<NaiveDate> {
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

/// How date cells are written: ISO 8601 / RFC 3339 (the default), or strftime patterns pinned
/// with `--date-format` (`%d/%m/%Y`): every date must then follow one of them, and is read by
/// the first that reads it (a data set exported in two layouts, as Online Retail was).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DateFormat(Vec<String>);

impl DateFormat {
    /// Pinned patterns, each checked as [`DateFormat::pinned`] checks it.
    pub fn pinned_all(patterns: &[String]) -> Result<DateFormat, String> {
        let mut all = Vec::new();
        for pattern in patterns {
            all.extend(DateFormat::pinned(pattern)?.0);
        }
        Ok(DateFormat(all))
    }

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
        let format = DateFormat(vec![pattern.to_string()]);
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

    /// The first pinned pattern (`--date-format`), which reads every date written in it;
    /// `None` for ISO 8601.
    pub fn pattern(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }

    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        match &self.0[..] {
            [] => parse(text),
            patterns => patterns.iter().find_map(|p| parse_pattern(text, p)),
        }
    }

    /// What a date cell must look like, and, for a date in another common form, how to read it.
    pub fn expected(&self, text: &str) -> String {
        match &self.0[..] {
            [] if ymd_shape(text) => {
                "a real calendar date: this day does not exist (YYYY-MM-DD)".to_string()
            }
            [] if let Some(pin) = dmy_patterns(text) => format!(
                "{EXPECTED}; a file with dates such as {text} can pin their form with \
                 --date-format {pin}"
            ),
            [] => EXPECTED.to_string(),
            patterns => format!(
                "a date written as {} (--date-format)",
                patterns.join(" or ")
            ),
        }
    }
}

/// `text` read with the strftime `pattern`.
fn parse_pattern(text: &str, pattern: &str) -> Option<NaiveDate> {
    let mut parsed = Parsed::new();
    parse_with(&mut parsed, text.trim(), StrftimeItems::new(pattern)).ok()?;
    // A Unix timestamp (%s) holds no date fields: its date is the UTC one.
    parsed
        .to_naive_date()
        .or_else(|_| parsed.to_naive_datetime_with_offset(0).map(|t| t.date()))
        .ok()
}

/// `2025-02-30`: written as YYYY-MM-DD, but no such day.
pub(crate) fn ymd_shape(text: &str) -> bool {
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

/// The `--date-format` for a day, month and year written in some order with one separator
/// (`01/03/2025`, `4.1.2024 21:51`), quoted for a shell where it holds a space: one pattern
/// where a part above 12 shows which is the day, else both orders; `None` for other forms.
fn dmy_patterns(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    let numeric = |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(numeric) {
        return None;
    }
    let time = match time.map(|t| t.matches(':').count()) {
        None => "",
        Some(1) => " %H:%M",
        Some(2) => " %H:%M:%S",
        Some(_) => return None,
    };
    let value = |p: &str| p.parse::<u32>().unwrap_or(0);
    let year = if parts[2].len() == 4 { "%Y" } else { "%y" };
    let orders: &[[&str; 3]] = if parts[0].len() == 4 {
        &[["%Y", "%m", "%d"]]
    } else {
        match (value(parts[0]) > 12, value(parts[1]) > 12) {
            (true, false) => &[["%d", "%m", "%Y"]],
            (false, true) => &[["%m", "%d", "%Y"]],
            _ => &[["%d", "%m", "%Y"], ["%m", "%d", "%Y"]],
        }
    };
    let pattern = |o: &[&str; 3]| {
        let o = o.map(|p| {
            if p == "%Y" && parts[0].len() != 4 {
                year
            } else {
                p
            }
        });
        let p = format!("{}{sep}{}{sep}{}{time}", o[0], o[1], o[2]);
        if p.contains(' ') { format!("'{p}'") } else { p }
    };
    Some(match orders {
        [one] => pattern(one),
        [a, b, ..] => format!("{} (or {})", pattern(a), pattern(b)),
        [] => return None,
    })
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
    fn reads_the_datetimes_exports_write() {
        for (text, want) in [
            ("2024-03-05 14:22", ymd(2024, 3, 5)),
            ("2024-03-05T14:22", ymd(2024, 3, 5)),
            ("2024-03-05 14:22:11", ymd(2024, 3, 5)),
            ("2024-03-05 14:22:11.123456", ymd(2024, 3, 5)),
            // Shopify: a space before the offset; the date as written, not converted.
            ("2024-03-05 23:22:11 -0500", ymd(2024, 3, 5)),
            ("2024-03-05 14:22:11+0100", ymd(2024, 3, 5)),
            ("2024-03-05T14:22:11+01", ymd(2024, 3, 5)),
            ("2024-03-05 14:22Z", ymd(2024, 3, 5)),
            ("20240305", ymd(2024, 3, 5)),
        ] {
            assert_eq!(parse(text), want, "{text:?}");
        }
        for bad in [
            "2024-03-05 24:00",
            "2024-03-05 14:60",
            "2024-03-05 14",
            "2024-03-05 14:22:11 -2500",
            "2024-03-05 14:22:11 -05:0",
            "2024-03-05 14:22:11.",
            "2024-03-05 14:22 UTC",
            "20240230",
            "2024030",
            "202403051",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_ambiguous_date_gets_the_format_that_reads_it() {
        let hint = |text: &str| dmy_patterns(text);
        // Both parts could be the month: both orders.
        assert_eq!(
            hint("01/03/2025").as_deref(),
            Some("%d/%m/%Y (or %m/%d/%Y)")
        );
        // The separator as written; 31 can only be a day, 13 only a day.
        assert_eq!(hint("31.01.2024").as_deref(), Some("%d.%m.%Y"));
        assert_eq!(hint("1/13/24").as_deref(), Some("%m/%d/%y"));
        // A time part is kept, and the pattern quoted for the shell.
        assert_eq!(
            hint("1/4/2024 21:51").as_deref(),
            Some("'%d/%m/%Y %H:%M' (or '%m/%d/%Y %H:%M')")
        );
        assert_eq!(hint("2024/03/05").as_deref(), Some("%Y/%m/%d"));
        assert_eq!(hint("soon"), None);
        // Each suggested pattern reads the date it was made from.
        for (text, pattern, want) in [
            ("31.01.2024", "%d.%m.%Y", ymd(2024, 1, 31)),
            ("1/13/24", "%m/%d/%y", ymd(2024, 1, 13)),
            ("12/1/2010 8:26", "%m/%d/%Y %H:%M", ymd(2010, 12, 1)),
        ] {
            assert_eq!(
                DateFormat::pinned(pattern).unwrap().parse(text),
                want,
                "{text}"
            );
        }
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
            "2025-03-01X",
            "2025-03-01T25:00:00Z",
            "2025-03-01Tnoon",
            "２０２５-03-01",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
