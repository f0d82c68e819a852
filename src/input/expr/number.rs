//! Exact decimals for derived amounts: `quantity * price - discount` keeps every digit, and a
//! result with more decimals than money holds is refused unless `round(...)` says how to round.

use std::cmp::Ordering;

use crate::money::{DECIMALS, Money, MoneyError};

/// `units / 10^scale`, exactly. Trailing zero decimals are kept until they matter (a division
/// a digit is costly on a hot path); equality compares values: 1.50 = 1.5.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decimal {
    units: i128,
    scale: u32,
}

/// The most decimals a number in an expression may carry: a float written out in full
/// (`44.849999999999994`) has 15 to 17.
const MAX_SCALE: u32 = 18;

/// Why arithmetic has no exact result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not `[+-]digits[.digits]` after the money options are applied.
    Syntax,
    /// More decimals than [`MAX_SCALE`].
    Decimals,
    /// Too large for exact arithmetic.
    Overflow,
}

impl Decimal {
    /// A plain decimal, `[+-]digits[.digits]`.
    pub(crate) fn parse(text: &str) -> Result<Decimal, NumberError> {
        Decimal::parse_short(text.as_bytes()).map_or_else(|| Decimal::parse_long(text), Ok)
    }

    /// The common number, up to 18 digits, in 64-bit arithmetic and one pass; `None` for
    /// anything else, which [`Decimal::parse_long`] reads or refuses.
    fn parse_short(text: &[u8]) -> Option<Decimal> {
        let (negative, digits) = match text.first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || digits.len() > 18 {
            return None;
        }
        let (mut units, mut scale, mut point) = (0u64, 0u32, false);
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    units = units * 10 + u64::from(b - b'0');
                    scale += u32::from(point);
                }
                b'.' if !point => point = true,
                _ => return None,
            }
        }
        if digits == b"." {
            return None;
        }
        let units = i128::from(units);
        let d = Decimal {
            units: if negative { -units } else { units },
            scale,
        };
        Some(d)
    }

    fn parse_long(text: &str) -> Result<Decimal, NumberError> {
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return Err(NumberError::Syntax);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > MAX_SCALE as usize {
            return Err(NumberError::Decimals);
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = (units.checked_mul(10))
                .and_then(|u| u.checked_add(i128::from(b - b'0')))
                .ok_or(NumberError::Overflow)?;
        }
        Ok(Decimal {
            units: if negative { -units } else { units },
            scale: frac.len() as u32,
        })
    }

    /// Both at the larger scale.
    fn aligned(self, other: Decimal) -> Result<(i128, i128, u32), NumberError> {
        let scale = self.scale.max(other.scale);
        let up = |d: Decimal| {
            (d.units)
                .checked_mul(10_i128.pow(scale - d.scale))
                .ok_or(NumberError::Overflow)
        };
        Ok((up(self)?, up(other)?, scale))
    }

    pub(crate) fn add(self, other: Decimal) -> Result<Decimal, NumberError> {
        let (a, b, scale) = self.aligned(other)?;
        let units = a.checked_add(b).ok_or(NumberError::Overflow)?;
        Ok(Decimal { units, scale })
    }

    pub(crate) fn neg(self) -> Decimal {
        Decimal {
            units: -self.units,
            scale: self.scale,
        }
    }

    pub(crate) fn mul(self, other: Decimal) -> Result<Decimal, NumberError> {
        let units = (self.units)
            .checked_mul(other.units)
            .ok_or(NumberError::Overflow)?;
        let scale = self.scale + other.scale;
        // Keep the scale small: trailing zeros go, and more decimals than MAX_SCALE are refused
        // (a power of ten past 10^38 does not fit i128).
        let d = Decimal { units, scale };
        let d = if scale > MAX_SCALE { d.trimmed() } else { d };
        if d.scale > MAX_SCALE {
            return Err(NumberError::Decimals);
        }
        Ok(d)
    }

    /// Without trailing zero decimals.
    fn trimmed(mut self) -> Decimal {
        while self.scale > 0 && self.units % 10 == 0 {
            self.units /= 10;
            self.scale -= 1;
        }
        self
    }

    /// Rounded to `places` decimals, half to even; whether that changed its value.
    pub(crate) fn round(self, places: u32) -> (Decimal, bool) {
        if self.scale <= places {
            return (self, false);
        }
        let unit = 10_i128.pow(self.scale - places);
        let (quotient, rest) = (self.units / unit, self.units % unit);
        let up = match (rest.abs() * 2).cmp(&unit) {
            Ordering::Greater => true,
            Ordering::Equal => quotient % 2 != 0,
            Ordering::Less => false,
        };
        let units = quotient + if up { self.units.signum() } else { 0 };
        let rounded = Decimal {
            units,
            scale: places,
        };
        (rounded, rest != 0)
    }

    /// The same number as money, when it has at most four decimals and is within
    /// [`Money::LINE_LIMIT`].
    pub(crate) fn to_money(self) -> Result<Money, MoneyError> {
        let d = if self.scale > DECIMALS {
            self.trimmed()
        } else {
            self
        };
        if d.scale > DECIMALS {
            return Err(MoneyError::Precision);
        }
        let Decimal { units, scale } = d;
        let minor = units
            .checked_mul(10_i128.pow(DECIMALS - scale))
            .filter(|m| m.abs() <= Money::LINE_LIMIT * 10_i128.pow(DECIMALS))
            .ok_or(MoneyError::Range)?;
        Ok(Money::from_minor(minor))
    }

    /// The number as a whole number, if it is one.
    pub(crate) fn to_whole(self) -> Option<i64> {
        let d = self.trimmed();
        (d.scale == 0)
            .then(|| i64::try_from(d.units).ok())
            .flatten()
    }

    pub(crate) fn decimals(self) -> u32 {
        self.trimmed().scale
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

/// The exact value, as many decimals as it has: `3.70368`.
impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.trimmed();
        let sign = if d.units < 0 { "-" } else { "" };
        let abs = d.units.unsigned_abs();
        let scale = 10_u128.pow(d.scale);
        match d.scale {
            0 => write!(f, "{sign}{abs}"),
            places => write!(
                f,
                "{sign}{}.{:0width$}",
                abs / scale,
                abs % scale,
                width = places as usize
            ),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        match self.aligned(*other) {
            Ok((a, b, _)) => Some(a.cmp(&b)),
            // Only an overflow: compare as floats, which order numbers that far apart right.
            Err(_) => {
                let f = |d: &Decimal| d.units as f64 / 10f64.powi(d.scale as i32);
                f(self).partial_cmp(&f(other))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn products_and_sums_are_exact() {
        // 3 × 19.99 − 5.00 = 59.97 − 5.00 = 54.97
        let amount = d("3")
            .mul(d("19.99"))
            .unwrap()
            .add(d("5.00").neg())
            .unwrap();
        assert_eq!(amount, d("54.97"));
        assert_eq!(amount.to_money().unwrap().to_string(), "54.97");
        // 12 × 0.085 = 1.02; 0.1 + 0.2 = 0.3 exactly (no float in between).
        assert_eq!(d("12").mul(d("0.085")).unwrap(), d("1.02"));
        assert_eq!(d("0.1").add(d("0.2")).unwrap(), d("0.3"));
    }

    #[test]
    fn more_than_four_decimals_is_refused_as_money_until_rounded() {
        // 3 × 1.23456 = 3.70368: five decimals.
        let product = d("3").mul(d("1.23456")).unwrap();
        assert_eq!(product.to_money(), Err(MoneyError::Precision));
        assert_eq!(product.decimals(), 5);
        let (rounded, changed) = product.round(2);
        assert!(changed);
        assert_eq!(rounded.to_money().unwrap().to_string(), "3.70");
        // Trailing zeros are not decimals: 2 × 1.50005 = 3.0001.
        assert_eq!(d("2").mul(d("1.50005")).unwrap().decimals(), 4);
    }

    #[test]
    fn rounding_is_half_to_even() {
        let r = |text: &str, places| d(text).round(places).0;
        assert_eq!(r("10.005", 2), d("10.00"));
        assert_eq!(r("10.015", 2), d("10.02"));
        assert_eq!(r("10.0051", 2), d("10.01"));
        assert_eq!(r("-10.015", 2), d("-10.02"));
        assert_eq!(r("-10.025", 2), d("-10.02"));
        assert_eq!(r("44.849999999999994", 2), d("44.85"));
        assert_eq!(r("2.5", 0), d("2"));
        assert_eq!(r("3.5", 0), d("4"));
        assert!(!d("1.5").round(2).1);
    }

    #[test]
    fn text_that_is_not_a_plain_decimal_is_refused() {
        for bad in ["", "-", ".", "1.2.3", "1e5", "12a", "1 000"] {
            assert_eq!(Decimal::parse(bad), Err(NumberError::Syntax), "{bad:?}");
        }
        assert_eq!(
            Decimal::parse("0.1234567890123456789"),
            Err(NumberError::Decimals)
        );
        assert_eq!(d(".5"), d("0.50"));
        assert_eq!(d("-0"), d("0"));
    }

    #[test]
    fn the_short_path_reads_as_the_long_one() {
        let samples = [
            "0",
            "12",
            "-12",
            "+3.50",
            "12.",
            ".5",
            "-.5",
            "007",
            "-0",
            "0.000",
            "1.23456",
            "44.849999999999994",
            "123456789012345678",
            "1234567890123456789",
            ".",
            "-",
            "",
            "1.2.3",
            "1e5",
            "1,5",
            "--1",
        ];
        for text in samples {
            let short = Decimal::parse_short(text.as_bytes());
            let long = Decimal::parse_long(text);
            match short {
                Some(d) => assert_eq!(Ok(d), long, "{text:?}"),
                None => assert!(
                    text.trim_start_matches(['-', '+']).len() > 18 || long.is_err(),
                    "{text:?}: short refused what long reads: {long:?}"
                ),
            }
        }
    }

    #[test]
    fn whole_numbers_and_order() {
        assert_eq!(d("3.00").to_whole(), Some(3));
        assert_eq!(d("3.5").to_whole(), None);
        assert!(d("2.5") < d("10"));
        assert!(d("-1") < d("0.001"));
    }
}
