//! Exact money: integer ten-thousandths of a currency unit.
//!
//! Every ISO 4217 currency has at most four minor digits, so four decimals hold any amount an
//! export can carry without rounding. A line amount is bounded by [`Money::LINE_LIMIT`]
//! (100 trillion units), and sums are `i128`: a sum could only overflow after more than 2^63 lines
//! at the limit, so additions never wrap and never lose a cent.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use crate::quotient::quotient;

/// Digits kept after the decimal point.
pub const DECIMALS: u32 = 4;
const SCALE: i128 = 10_i128.pow(DECIMALS);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i128);

/// Why a text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Not `[-+]digits[.digits]`.
    Syntax,
    /// More than four non-zero decimals: rounding would change the number.
    Precision,
    /// Larger in magnitude than [`Money::LINE_LIMIT`].
    Range,
}

impl MoneyError {
    /// What was expected, for an error message.
    pub fn expected(self) -> &'static str {
        match self {
            MoneyError::Syntax => {
                "a decimal amount such as 12.50 or -3.00 (digits, an optional sign and a `.`)"
            }
            MoneyError::Precision => {
                "at most 4 decimal places (xsell rounds money only when --round-amounts N says so)"
            }
            MoneyError::Range => "an amount of at most 100 trillion in magnitude",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// The largest magnitude one line or campaign cost may have, in currency units.
    pub const LINE_LIMIT: i128 = 100_000_000_000_000;

    /// Whole currency units, e.g. `Money::units(12)` is 12.00.
    pub const fn units(units: i64) -> Money {
        Money(units as i128 * SCALE)
    }

    /// From ten-thousandths, e.g. `Money::from_minor(1250)` is 0.1250.
    pub const fn from_minor(minor: i128) -> Money {
        Money(minor)
    }

    /// Parses `12`, `12.5`, `-3.00`, `+0.1234`. Surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        match Money::parse_plain(text.as_bytes()) {
            Some(money) => Ok(money),
            None => Money::parse_any(text),
        }
    }

    /// A plain decimal rounded to `places` decimals (at most [`DECIMALS`]), half to even, for
    /// exports that carry float noise (`44.849999999999994`); whether rounding changed it.
    pub fn parse_rounded(text: &str, places: u32) -> Result<(Money, bool), MoneyError> {
        let text = text.trim();
        let places = places.min(DECIMALS);
        let Some(dot) = text.find('.') else {
            return Money::parse(text).map(|m| (m, false));
        };
        let (head, rest) = text.split_at((dot + 1 + places as usize).min(text.len()));
        let rest = rest.as_bytes();
        if !rest.iter().all(u8::is_ascii_digit) {
            return Err(MoneyError::Syntax);
        }
        let base = Money::parse(head)?;
        let Some((&first, after)) = rest.split_first() else {
            return Ok((base, false));
        };
        let last_odd = (head.bytes().rev())
            .find(u8::is_ascii_digit)
            .is_some_and(|d| (d - b'0') % 2 == 1);
        let up = match first {
            b'6'..=b'9' => true,
            b'5' => after.iter().any(|&d| d != b'0') || last_odd,
            _ => false,
        };
        let unit = 10_i128.pow(DECIMALS - places);
        let away = if head.starts_with('-') { -unit } else { unit };
        let money = Money(base.0 + if up { away } else { 0 });
        if money.0.abs() > Money::LINE_LIMIT * SCALE {
            return Err(MoneyError::Range);
        }
        Ok((money, rest.iter().any(|&d| d != b'0')))
    }

    /// The common amount, `[+-]digits[.digits]` with at most 15 digits before the point and
    /// [`DECIMALS`] after, in 64-bit arithmetic (which cannot overflow there) and one pass;
    /// `None` for anything else, which [`Money::parse_any`] reads or refuses.
    fn parse_plain(text: &[u8]) -> Option<Money> {
        let (negative, digits) = match text.first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mut minor, mut int, mut frac, mut point) = (0u64, 0u32, 0u32, false);
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    minor = minor * 10 + u64::from(b - b'0');
                    *(if point { &mut frac } else { &mut int }) += 1;
                }
                b'.' if !point => point = true,
                _ => return None,
            }
            if int > 15 || frac > DECIMALS {
                return None;
            }
        }
        if int + frac == 0 {
            return None;
        }
        let minor = i128::from(minor * 10u64.pow(DECIMALS - frac));
        if minor > Money::LINE_LIMIT * SCALE {
            return None;
        }
        Some(Money(if negative { -minor } else { minor }))
    }

    fn parse_any(text: &str) -> Result<Money, MoneyError> {
        let s = text.trim().as_bytes();
        let (negative, s) = match s.first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = match s.iter().position(|&b| b == b'.') {
            Some(dot) => (&s[..dot], &s[dot + 1..]),
            None => (s, &s[s.len()..]),
        };
        let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return Err(MoneyError::Syntax);
        }
        let mut minor: i128 = 0;
        for &d in int {
            minor = minor * 10 + i128::from(d - b'0');
            if minor > Money::LINE_LIMIT {
                return Err(MoneyError::Range);
            }
        }
        if frac.len() > DECIMALS as usize && frac[DECIMALS as usize..].iter().any(|&d| d != b'0') {
            return Err(MoneyError::Precision);
        }
        let kept = &frac[..frac.len().min(DECIMALS as usize)];
        for place in 0..DECIMALS as usize {
            minor = minor * 10 + kept.get(place).map_or(0, |&d| i128::from(d - b'0'));
        }
        if minor > Money::LINE_LIMIT * SCALE {
            return Err(MoneyError::Range);
        }
        Ok(Money(if negative { -minor } else { minor }))
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The amount nearest `value` (to a ten-thousandth), for an estimate such as a predicted
    /// CLV; `None` when it is not finite or beyond an `i128` of ten-thousandths.
    pub fn from_f64(value: f64) -> Option<Money> {
        let minor = (value * SCALE as f64).round();
        (minor.is_finite() && minor.abs() < 1e36).then_some(Money(minor as i128))
    }

    /// `self / count` (an amount per order, per customer), or None when `count` is 0: the
    /// float nearest the exact quotient of ten-thousandths, not a rounded amount rounded again
    /// (one division while the amount and the count stay below 900 billion).
    pub fn per(self, count: u64) -> Option<f64> {
        quotient(self.0, SCALE * i128::from(count))
    }

    /// `self / other` (a return on cost), or None when `other` is zero; one division, as
    /// [`Money::per`].
    pub fn ratio(self, other: Money) -> Option<f64> {
        quotient(self.0, other.0)
    }
}

/// How amounts are written when they are not plain decimals: `--currency $`, `--thousands ,`,
/// `--decimal-comma`. Nothing is guessed: without these options `$1,234.50` is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoneyFormat {
    /// A currency symbol or code allowed before or after the number (`$`, `€`, `EUR`).
    pub currency: Option<String>,
    /// The thousands separator (`,` in `1,234.50`; `.` in `1.234,50`, also unset with
    /// `decimal_comma`).
    pub thousands: Option<char>,
    /// The decimal separator is a comma (`12,50`).
    pub decimal_comma: bool,
    /// Round order amounts to this many decimals, half to even (`--round-amounts`).
    pub round: Option<u32>,
}

impl MoneyFormat {
    /// Parses an amount written in this format.
    pub fn parse(&self, text: &str) -> Result<Money, MoneyError> {
        if *self == MoneyFormat::default() {
            return Money::parse(text);
        }
        Money::parse(&self.plain(text)?)
    }

    /// Parses an order amount written in this format, rounded as `round` says; whether rounding
    /// changed it.
    pub fn parse_rounding(&self, text: &str) -> Result<(Money, bool), MoneyError> {
        match self.round {
            None => self.parse(text).map(|m| (m, false)),
            Some(places) => Money::parse_rounded(&self.plain(text)?, places),
        }
    }

    /// `text` as a plain decimal: the currency, thousands separators and a decimal comma taken
    /// out as this format says.
    pub(crate) fn plain(&self, text: &str) -> Result<String, MoneyError> {
        let mut s = text.trim().to_string();
        if let Some(symbol) = self.currency.as_deref().filter(|c| !c.is_empty()) {
            // `$12`, `-$12`, `$-12`, `12 $`, `-12 €`.
            let sign = if s.starts_with('-') || s.starts_with('+') {
                s.remove(0).to_string()
            } else {
                String::new()
            };
            let bare = s
                .strip_prefix(symbol)
                .or_else(|| s.strip_suffix(symbol))
                .unwrap_or(&s)
                .trim();
            s = format!("{sign}{bare}");
        }
        // With a decimal comma a dot can only group thousands (`1.234,50`).
        if let Some(sep) = self.thousands.or(self.decimal_comma.then_some('.')) {
            let decimal = if self.decimal_comma { ',' } else { '.' };
            let int_end = s.find(decimal).unwrap_or(s.len());
            let (int, rest) = s.split_at(int_end);
            let digits = int.trim_start_matches(['-', '+']);
            let groups: Vec<&str> = digits.split(sep).collect();
            // `0,123` is not grouping: a leading group never starts with 0.
            let grouped = groups.len() == 1
                || (!groups[0].is_empty()
                    && !groups[0].starts_with('0')
                    && groups[0].len() <= 3
                    && groups[1..].iter().all(|g| g.len() == 3));
            if !grouped {
                return Err(MoneyError::Syntax);
            }
            s = format!(
                "{}{}{rest}",
                &int[..int.len() - digits.len()],
                groups.concat()
            );
        }
        if self.decimal_comma {
            if s.contains('.') {
                return Err(MoneyError::Syntax);
            }
            s = s.replace(',', ".");
        }
        Ok(s)
    }

    /// The options that would read `text`, when a plain decimal it is not.
    pub fn hint(&self, text: &str) -> Option<String> {
        // A currency symbol, or an ISO 4217 code (`EUR`): three capital letters.
        let code = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_uppercase()));
        let symbol = code
            || text
                .chars()
                .any(|c| matches!(c, '$' | '€' | '£' | '¥' | '₹'));
        let (comma, dot) = (text.contains(','), text.contains('.'));
        let mut hints = Vec::new();
        if symbol && self.currency.is_none() {
            hints.push(
                "--currency SYMBOL (e.g. --currency $) reads amounts written with a currency",
            );
        }
        if comma && dot && self.thousands.is_none() {
            let comma_last = text.rfind(',') > text.rfind('.');
            hints.push(if comma_last {
                "--decimal-comma --thousands . reads 1.234,50"
            } else {
                "--thousands , reads 1,234.50"
            });
        } else if comma && !self.decimal_comma && self.thousands.is_none() {
            hints.push("--decimal-comma reads 12,50; --thousands , reads 1,234");
        }
        (!hints.is_empty()).then(|| hints.join("; "))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// At least two decimals, more only when the amount has them: `12.50`, `-3.00`, `0.1234`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let scale = SCALE as u128;
        let mut frac = format!("{:0width$}", abs % scale, width = DECIMALS as usize);
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "{sign}{}.{frac}", abs / scale)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ratios_are_the_floats_nearest_the_exact_fractions() {
        use super::Money;
        let m = |text: &str| Money::parse(text).unwrap();
        // The sample's AOV, 491912.49 / 1630 = 301.786803680981595...: 491912.49 rounded to a
        // float and then divided gives 301.78680368098156, one ulp below the float nearest the
        // exact quotient.
        assert_eq!(491912.49_f64 / 1630.0, 301.78680368098156);
        assert_eq!(m("491912.49").per(1630), Some(301.7868036809816));
        assert_eq!(m("566.53").per(13), Some(43.57923076923077));
        assert_eq!(m("-3.00").per(4), Some(-0.75));
        assert_eq!(m("1").per(0), None);
        assert_eq!(
            m("131254.76").ratio(m("12592.28")),
            Some(131254.76 / 12592.28)
        );
        assert_eq!(m("1").ratio(Money::ZERO), None);
    }

    #[test]
    fn the_fast_path_reads_as_the_general_parser() {
        let samples = [
            "0",
            "12",
            "12.5",
            "-3.00",
            "+0.1234",
            "217.10",
            "12.",
            ".5",
            "-.5",
            "007",
            "-0",
            "0.0000",
            "1.23456",
            "1.23450",
            "100000000000000",
            "100000000000000.0001",
            "999999999999999",
            "999999999999999.9999",
            "1000000000000000",
            "-99999999999999.99",
            "",
            ".",
            "-",
            "+",
            "1.2.3",
            "1,5",
            " 12",
            "12 ",
            "\u{a0}12",
            "1e5",
            "--1",
            "+-1",
            "12a",
            "٣",
        ];
        for text in samples {
            let fast = super::Money::parse_plain(text.as_bytes());
            let general = super::Money::parse_any(text);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), general, "{text:?}");
            }
            assert_eq!(super::Money::parse(text), general, "{text:?}");
        }
        // The fast path took the plain ones.
        assert_eq!(
            super::Money::parse_plain(b"217.10"),
            Some(super::Money::from_minor(2_171_000))
        );
        assert_eq!(super::Money::parse_plain(b"1.23450"), None, "five decimals");
        assert_eq!(
            super::Money::parse_plain(b"1000000000000000"),
            None,
            "16 digits"
        );
    }

    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        let cases = [
            ("12.50", "12.50"),
            ("12.5", "12.50"),
            ("12", "12.00"),
            ("-3.00", "-3.00"),
            ("+0.1234", "0.1234"),
            (".5", "0.50"),
            ("7.", "7.00"),
            (" 1.230000 ", "1.23"),
            ("-0.0001", "-0.0001"),
            ("100000000000000", "100000000000000.00"),
        ];
        for (text, shown) in cases {
            assert_eq!(
                Money::parse(text).map(|m| m.to_string()),
                Ok(shown.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        assert_eq!(Money::parse("1.23456"), Err(MoneyError::Precision));
        assert_eq!(Money::parse("100000000000000.01"), Err(MoneyError::Range));
        assert_eq!(
            Money::parse("99999999999999999999999999"),
            Err(MoneyError::Range)
        );
        for bad in [
            "", "-", ".", "1,50", "$12", "1e3", "1.2.3", "12 50", "--1", "NaN",
        ] {
            assert_eq!(Money::parse(bad), Err(MoneyError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn rounding_on_request_is_half_to_even() {
        let round = |text: &str, places: u32| {
            Money::parse_rounded(text, places).map(|(m, changed)| (m.to_string(), changed))
        };
        let want = |m: &str, changed: bool| Ok((m.to_string(), changed));
        // BigQuery's float noise, up: 44.849999999999994 -> 44.85.
        assert_eq!(round("44.849999999999994", 2), want("44.85", true));
        // Exact halves go to the even neighbour, away from zero or not alike for negatives.
        assert_eq!(round("10.005", 2), want("10.00", true));
        assert_eq!(round("10.015", 2), want("10.02", true));
        assert_eq!(round("-10.015", 2), want("-10.02", true));
        assert_eq!(round("-10.005", 2), want("-10.00", true));
        // Above a half by any digit: up.
        assert_eq!(round("10.0050001", 2), want("10.01", true));
        assert_eq!(round("2.5", 0), want("2.00", true));
        assert_eq!(round("3.5", 0), want("4.00", true));
        // Nothing to round, or only zeros past the places: unchanged.
        assert_eq!(round("1.5", 2), want("1.50", false));
        assert_eq!(round("7", 2), want("7.00", false));
        assert_eq!(round("12.34000", 2), want("12.34", false));
        assert_eq!(round("-0.004", 2), want("0.00", true));
        assert_eq!(round("1.2x5", 1), Err(MoneyError::Syntax));
        assert_eq!(round("abc", 2), Err(MoneyError::Syntax));
    }

    #[test]
    fn formats_read_only_what_they_are_told() {
        let usd = MoneyFormat {
            currency: Some("$".into()),
            thousands: Some(','),
            decimal_comma: false,
            round: None,
        };
        for (text, value) in [
            ("$1,234.50", "1234.50"),
            ("-$3.00", "-3.00"),
            ("$-3", "-3.00"),
            ("12 $", "12.00"),
            ("999", "999.00"),
        ] {
            assert_eq!(
                usd.parse(text).map(|m| m.to_string()),
                Ok(value.to_string()),
                "{text}"
            );
        }
        for bad in ["$12,34.5", "$1,2345", "€12", ",123"] {
            assert!(usd.parse(bad).is_err(), "{bad}");
        }
        let eu = MoneyFormat {
            currency: Some("€".into()),
            thousands: Some('.'),
            decimal_comma: true,
            round: None,
        };
        assert_eq!(
            eu.parse("1.234,50 €").map(|m| m.to_string()),
            Ok("1234.50".to_string())
        );
        assert_eq!(
            eu.parse("-0,5").map(|m| m.to_string()),
            Ok("-0.50".to_string())
        );
        let comma = MoneyFormat {
            decimal_comma: true,
            ..MoneyFormat::default()
        };
        assert_eq!(
            comma.parse("12,50").map(|m| m.to_string()),
            Ok("12.50".to_string())
        );
        // With a decimal comma a dot can only group thousands, in groups of three.
        assert_eq!(
            comma.parse("1.234.567,50").map(|m| m.to_string()),
            Ok("1234567.50".to_string())
        );
        for bad in ["12.5", "1.23,4", "1.2345,0", "0.123,00", "12,5.0"] {
            assert!(comma.parse(bad).is_err(), "{bad}");
        }
        assert!(MoneyFormat::default().parse("$1,234.50").is_err());
    }

    #[test]
    fn hints_name_the_option_that_reads_the_amount() {
        let plain = MoneyFormat::default();
        assert!(plain.hint("$1,234.50").unwrap().contains("--currency"));
        assert!(plain.hint("1,234.50").unwrap().contains("--thousands ,"));
        assert!(plain.hint("1.234,50").unwrap().contains("--decimal-comma"));
        assert!(plain.hint("12,50").unwrap().contains("--decimal-comma"));
        assert!(plain.hint("EUR 12.50").unwrap().contains("--currency"));
        assert_eq!(plain.hint("1e5"), None);
        assert_eq!(plain.hint("12.5x"), None);
        assert_eq!(plain.hint("abc"), None);
        let both = plain.hint("$1,234.50").unwrap();
        assert!(
            both.contains("--currency") && both.contains("--thousands ,"),
            "{both}"
        );
    }

    #[test]
    fn sums_do_not_drift() {
        // 0.10 added ten million times is 1,000,000.00 exactly; f64 accumulation gives 999999.9998...
        let dime = Money::parse("0.10").unwrap();
        let total: Money = std::iter::repeat_n(dime, 10_000_000).sum();
        assert_eq!(total, Money::units(1_000_000));
        assert_eq!(
            (Money::units(5) - Money::parse("7.25").unwrap()).to_string(),
            "-2.25"
        );
    }
}
