//! A Parquet column's typed values written as the text a CSV export of the file holds, in the
//! forms of [`typed::Form`]: the one writer of both ways of reading a column
//! ([`super::pages`]' and the parquet crate's column readers).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};
use parquet::data_type::Int96;

use super::Kind;
use crate::input::typed;

/// One value as the file stores it, by physical type.
#[derive(Clone, Copy, Debug)]
pub(super) enum Value<'a> {
    Bool(bool),
    Int32(i32),
    Int64(i64),
    /// Nanoseconds of the day (low word, high word), then the Julian day.
    Int96([u32; 3]),
    Float(f32),
    Double(f64),
    /// A BYTE_ARRAY's or a FIXED_LEN_BYTE_ARRAY's bytes.
    Bytes(&'a [u8]),
}

/// Writes one column's values: its kind, and (a column of dates) the dates written so far.
pub(super) struct Writer {
    kind: Kind,
    dates: Vec<(i32, [u8; 10])>,
}

impl Writer {
    pub fn new(kind: Kind) -> Writer {
        Writer {
            kind,
            dates: match kind {
                Kind::Date => vec![(0, [0; 10]); DATES],
                _ => Vec::new(),
            },
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Writes `value` to `out` as its column's kind says, in the forms `form` gives.
    #[inline]
    pub fn write(
        &mut self,
        value: Value<'_>,
        form: &typed::Form,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let (kind, dates) = (self.kind, &mut self.dates);
        match value {
            Value::Bool(x) => {
                out.extend_from_slice(if x { b"true" } else { b"false" });
                Ok(())
            }
            Value::Int32(x) => match kind {
                Kind::Unsigned => integer(kind, (x as u32).into(), form, out, dates),
                _ => integer(kind, x.into(), form, out, dates),
            },
            Value::Int64(x) => match kind {
                Kind::Unsigned => integer(kind, (x as u64).into(), form, out, dates),
                _ => integer(kind, x.into(), form, out, dates),
            },
            Value::Int96([low, high, day]) => {
                let mut x = Int96::new();
                x.set_data(low, high, day);
                int96(&x, form, out)
            }
            Value::Float(x) => {
                let x = if x == 0.0 { 0.0 } else { x };
                written(out, |s| form.decimal(&x.to_string(), s));
                Ok(())
            }
            Value::Double(x) => {
                written(out, |s| form.number(x, s));
                Ok(())
            }
            Value::Bytes(x) => bytes(kind, x, form, out),
        }
    }
}

/// A legacy INT96 timestamp: nanoseconds of the day, then the Julian day.
fn int96(x: &Int96, form: &typed::Form, out: &mut Vec<u8>) -> Result<(), String> {
    let [low, high, day] = <[u32; 3]>::try_from(x.data()).unwrap_or_default();
    let nanos = i64::from(high) << 32 | i64::from(low);
    // Julian day 2,440,588 is 1970-01-01.
    let seconds = (i64::from(day) - 2_440_588) * 86_400 + nanos.div_euclid(1_000_000_000);
    let t = DateTime::from_timestamp(seconds, nanos.rem_euclid(1_000_000_000) as u32)
        .ok_or_else(|| format!("the INT96 timestamp {x:?} is out of range"))?;
    stamp(t.naive_utc(), form, out);
    Ok(())
}

/// Dates kept written, in a column of dates: days since 1970-01-01 modulo this.
const DATES: usize = 4096;

/// An integer column's value `x` written as its kind says; the dates of a column of dates are
/// kept written in `dates` (of [`DATES`], or none), since dates repeat.
fn integer(
    kind: Kind,
    x: i128,
    form: &typed::Form,
    out: &mut Vec<u8>,
    dates: &mut [(i32, [u8; 10])],
) -> Result<(), String> {
    match kind {
        Kind::Decimal(scale) => decimal(x, scale, form, out)?,
        Kind::Date if form.dates.is_none() && !dates.is_empty() => {
            let day = i32::try_from(x).map_err(|_| format!("the date {x} is out of range"))?;
            let (at, text) = &mut dates[day.rem_euclid(DATES as i32) as usize];
            if *at != day || text[0] == 0 {
                let mut written = Vec::with_capacity(10);
                integer(kind, x, form, &mut written, &mut [])?;
                match <[u8; 10]>::try_from(written.as_slice()) {
                    Ok(bytes) => (*at, *text) = (day, bytes),
                    // A year past 9999 or before 0 is written, not kept.
                    Err(_) => {
                        out.extend_from_slice(&written);
                        return Ok(());
                    }
                }
            }
            out.extend_from_slice(text);
        }
        Kind::Date => {
            let day = i32::try_from(x)
                .ok()
                .and_then(|d| d.checked_add(719_163))
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| format!("the date {x} days after 1970-01-01 is out of range"))?;
            stamp(day.into(), form, out);
        }
        Kind::Stamp(per_second) => {
            let x = i64::try_from(x).unwrap_or_default();
            let nanos = x.rem_euclid(per_second) * (1_000_000_000 / per_second);
            let t = DateTime::from_timestamp(x.div_euclid(per_second), nanos as u32)
                .ok_or_else(|| format!("the timestamp {x} is out of range"))?;
            stamp(t.naive_utc(), form, out);
        }
        _ => digits(x, out),
    }
    Ok(())
}

/// A byte array column's value `x` written as its kind says.
fn bytes(kind: Kind, x: &[u8], form: &typed::Form, out: &mut Vec<u8>) -> Result<(), String> {
    match kind {
        Kind::Decimal(scale) => {
            if x.len() > 16 {
                return Err(format!(
                    "a decimal of {} bytes is wider than xsell reads (16)",
                    x.len()
                ));
            }
            // Big-endian two's complement: the first byte's sign fills the rest.
            let fill = if x.first().is_some_and(|&b| b >= 0x80) {
                0xFF
            } else {
                0
            };
            let mut be = [fill; 16];
            be[16 - x.len()..].copy_from_slice(x);
            decimal(i128::from_be_bytes(be), scale, form, out)
        }
        Kind::Uuid => {
            for (i, b) in x.iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    out.push(b'-');
                }
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
            Ok(())
        }
        _ => {
            out.extend_from_slice(x);
            Ok(())
        }
    }
}

/// The unscaled decimal `x` of scale `scale`, written exactly: `1250` of scale 2 is `12.50`.
fn decimal(x: i128, scale: i32, form: &typed::Form, out: &mut Vec<u8>) -> Result<(), String> {
    // The scale is 0 to 38 (super::kind).
    let scale = usize::try_from(scale).unwrap_or_default();
    if x < 0 {
        out.push(b'-');
    }
    let start = out.len();
    unsigned(x.unsigned_abs(), out);
    if scale == 0 {
        return Ok(());
    }
    // At least one digit before the point: 5 of scale 2 is 0.05.
    let written = out.len() - start;
    if written <= scale {
        let zeros = scale + 1 - written;
        out.splice(start..start, std::iter::repeat_n(b'0', zeros));
    }
    let point = out.len() - scale;
    out.insert(point, if form.decimal_comma { b',' } else { b'.' });
    Ok(())
}

/// The integer `x` in decimal digits.
fn digits(x: i128, out: &mut Vec<u8>) {
    if x < 0 {
        out.push(b'-');
    }
    unsigned(x.unsigned_abs(), out);
}

/// The integer `n` in decimal digits: in 64-bit steps, since 128-bit division is slow.
fn unsigned(n: u128, out: &mut Vec<u8>) {
    const E19: u128 = 10_000_000_000_000_000_000;
    match u64::try_from(n) {
        Ok(n) => digits64(n, 1, out),
        // A decimal of 16 bytes: the digits above the last 19, then those 19.
        Err(_) => {
            unsigned(n / E19, out);
            digits64((n % E19) as u64, 19, out);
        }
    }
}

/// The integer `n` in decimal digits, at least `width` of them (zeros before).
fn digits64(mut n: u64, width: usize, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && buf.len() - at >= width {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

/// A date and time written as the reader takes it: `YYYY-MM-DD` at midnight, fast, unless
/// `--date-format` pins a pattern.
fn stamp(t: NaiveDateTime, form: &typed::Form, out: &mut Vec<u8>) {
    if form.dates.is_none() && t.time() == chrono::NaiveTime::MIN && (0..=9999).contains(&t.year())
    {
        let (y, m, d) = (t.year() as u32, t.month(), t.day());
        let digits = [
            y / 1000,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            10,
            m / 10,
            m % 10,
            10,
            d / 10,
            d % 10,
        ];
        out.extend(digits.map(|n| if n == 10 { b'-' } else { b'0' + n as u8 }));
        return;
    }
    // A fraction finer than the millisecond is written in full, as a CSV export writes it: two
    // stamps that differ there are two rows, not repeats.
    if form.dates.is_none()
        && !t
            .and_utc()
            .timestamp_subsec_nanos()
            .is_multiple_of(1_000_000)
    {
        let text = t.format("%Y-%m-%d %H:%M:%S%.f").to_string();
        out.extend_from_slice(text.as_bytes());
        return;
    }
    written(out, |s| form.datetime(t, s));
}

/// Appends to `out` what `write` writes into a string.
fn written(out: &mut Vec<u8>, write: impl FnOnce(&mut String)) {
    let mut s = String::new();
    write(&mut s);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISO: typed::Form = typed::Form {
        delimiter: super::super::DELIMITER,
        dates: None,
        decimal_comma: false,
    };

    fn text(write: impl FnOnce(&mut Vec<u8>) -> Result<(), String>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decimals_are_written_exactly_with_their_scales_digits() {
        let d = |x: i128, scale: i32| text(|out| decimal(x, scale, &ISO, out));
        assert_eq!(d(1250, 2), "12.50");
        assert_eq!(d(-5, 2), "-0.05");
        assert_eq!(d(0, 2), "0.00");
        assert_eq!(d(7, 0), "7");
        assert_eq!(d(i128::MAX, 0), "170141183460469231731687303715884105727");
        assert_eq!(d(10_i128.pow(19), 0), "10000000000000000000");
        assert_eq!(d(-(10_i128.pow(25)) - 7, 2), "-100000000000000000000000.07");
        let comma = typed::Form {
            decimal_comma: true,
            ..ISO
        };
        assert_eq!(text(|out| decimal(-1250, 2, &comma, out)), "-12,50");
        // Big-endian two's complement bytes: 0xFF85 is -123, so -1.23 at scale 2.
        assert_eq!(
            text(|out| bytes(Kind::Decimal(2), &[0xFF, 0x85], &ISO, out)),
            "-1.23"
        );
        assert_eq!(
            text(|out| bytes(Kind::Decimal(2), &[0x00, 0x85], &ISO, out)),
            "1.33"
        );
    }

    #[test]
    fn dates_and_timestamps_are_written_as_the_reader_takes_them() {
        // 2024-03-05 is day 19,787 after 1970-01-01; day -1 is 1969-12-31.
        let mut dates = vec![(0, [0; 10]); DATES];
        let date = |x: i128, dates: &mut [(i32, [u8; 10])]| {
            text(|out| integer(Kind::Date, x, &ISO, out, dates))
        };
        assert_eq!(date(19_787, &mut dates), "2024-03-05");
        assert_eq!(date(19_787, &mut dates), "2024-03-05"); // kept
        // A date in the same place of the kept ones: 4,096 days later is 2035-05-23.
        assert_eq!(date(19_787 + DATES as i128, &mut dates), "2035-05-23");
        assert_eq!(date(-1, &mut []), "1969-12-31");
        // Timestamps: one millisecond before 1970 is 23:59:59.999 of the day before.
        let stamp =
            |x: i128, per: i64| text(|out| integer(Kind::Stamp(per), x, &ISO, out, &mut []));
        assert_eq!(stamp(-1, 1_000), "1969-12-31 23:59:59.999");
        // Finer than the millisecond: the fraction in full (chrono's %.f: 3, 6 or 9 digits).
        assert_eq!(stamp(250, 1_000_000), "1970-01-01 00:00:00.000250");
        assert_eq!(stamp(-1, 1_000_000_000), "1969-12-31 23:59:59.999999999");
        assert_eq!(stamp(19_787 * 86_400 * 1_000_000, 1_000_000), "2024-03-05");
        assert_eq!(
            stamp(36_000_000_000_000, 1_000_000_000),
            "1970-01-01 10:00:00"
        );
        // INT96: the nanoseconds of the day (low word first), then the Julian day: 2,440,588 is
        // 1970-01-01, and 3,600 s are 3,600,000,000,000 ns = 0x346_30B8_A000.
        let mut x = Int96::new();
        x.set_data(0x30B8_A000, 0x346, 2_440_588);
        assert_eq!(text(|out| int96(&x, &ISO, out)), "1970-01-01 01:00:00");
        let pinned = typed::Form {
            dates: Some("%d/%m/%Y".to_string()),
            ..ISO
        };
        let mut none: [(i32, [u8; 10]); 0] = [];
        assert_eq!(
            text(|out| integer(Kind::Date, 19_787, &pinned, out, &mut none)),
            "05/03/2024"
        );
    }

    #[test]
    fn integers_uuids_and_text_are_written_as_they_are() {
        let int = |x: i128| text(|out| integer(Kind::Int, x, &ISO, out, &mut []));
        assert_eq!(int(0), "0");
        assert_eq!(int(-42), "-42");
        assert_eq!(int(u64::MAX.into()), "18446744073709551615");
        let uuid: Vec<u8> = (0..16).collect();
        assert_eq!(
            text(|out| bytes(Kind::Uuid, &uuid, &ISO, out)),
            "00010203-0405-0607-0809-0a0b0c0d0e0f"
        );
        assert_eq!(
            text(|out| bytes(Kind::Text, b"Mug, large", &ISO, out)),
            "Mug, large"
        );
    }
}
