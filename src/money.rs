//! Exact money: integer ten-thousandths of a currency unit.
//!
//! Every ISO 4217 currency has at most four minor digits, so four decimals hold any amount an
//! export can carry without rounding. A line amount is bounded by [`Money::LINE_LIMIT`]
//! (100 trillion units), and sums are `i128`: a sum could only overflow after more than 2^63 lines
//! at the limit, so additions never wrap and never lose a cent.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

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
            MoneyError::Precision => "at most 4 decimal places (xsell never rounds money)",
            MoneyError::Range => "an amount below 100 trillion in magnitude",
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

    /// Nearest `f64`, for ratios only; sums stay exact.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
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
