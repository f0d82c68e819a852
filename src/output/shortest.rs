//! Ratios for programs: the shortest decimal text that reads back to the same 64-bit float, so
//! that a script ranking on CSV or JSON output sees every bit xsell computed (six fixed decimals
//! printed a support of 1/3,000,000 as `0.000000`).
//!
//! The digits are the fewest that read back to the same float, the closest of those to it
//! (Steele & White 1990). Rust's `{}` and `{:e}` print exactly those (Grisu with a Dragon4
//! fallback), the digits the `ryu` crate finds by Ryū (Adams 2018), so no crate is needed. The
//! notation is `ryu`'s (and so `serde_json`'s): positional from 1e-5 up to 1e16, an exponent
//! outside (`2.5e-7`, `1e16`), so that a p-value of 1e-200 takes six characters, not 202. Two
//! differences from `ryu`: a whole number has no `.0` (`1` is shorter and reads back the same),
//! and zero is `0` whatever its sign, since `-0` means nothing in a ratio.

/// The smallest magnitude written positionally: `0.00001`; below it, `9.5e-6`.
const POSITIONAL_FROM: f64 = 1e-5;
/// The first magnitude written with an exponent: `1e16`; below it, `9999999999999998`.
const POSITIONAL_BELOW: f64 = 1e16;

/// `value` as the shortest text that parses back to the same `f64`: `0.3333333333333333`,
/// `0.14285714285714285`, `2.5e-7`, `1`; zero (either sign) as `0`. None for NaN and the
/// infinities, which are no value (n/a).
pub fn shortest(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some("0".to_string());
    }
    let magnitude = value.abs();
    Some(
        if (POSITIONAL_FROM..POSITIONAL_BELOW).contains(&magnitude) {
            format!("{value}")
        } else {
            format!("{value:e}")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::shortest;

    /// The text, asserting that it reads back to the same bits.
    fn text(value: f64) -> String {
        let text = shortest(value).unwrap();
        let back: f64 = text.parse().unwrap();
        assert_eq!(back.to_bits(), value.to_bits(), "{text} for {value:?}");
        text
    }

    #[test]
    fn fractions_keep_every_digit_and_nothing_more() {
        assert_eq!(text(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(text(1.0 / 7.0), "0.14285714285714285");
        assert_eq!(text(2.0 / 3.0), "0.6666666666666666");
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(text(301.786_803_680_981_6), "301.7868036809816");
        assert_eq!(text(-0.16), "-0.16");
    }

    #[test]
    fn whole_numbers_have_no_decimal_point() {
        assert_eq!(text(1.0), "1");
        assert_eq!(text(-3.0), "-3");
        assert_eq!(text(9_999_999_999_999_998.0), "9999999999999998");
    }

    #[test]
    fn zero_is_zero_whatever_its_sign() {
        assert_eq!(shortest(0.0).unwrap(), "0");
        assert_eq!(shortest(-0.0).unwrap(), "0");
        assert_eq!(shortest(-1e-300 * 1e-300).unwrap(), "0");
    }

    #[test]
    fn far_from_one_the_exponent_is_written() {
        // ryu's bounds: positional from 1e-5 (inclusive) to 1e16 (exclusive).
        assert_eq!(text(1e-5), "0.00001");
        assert_eq!(text(-1e-5), "-0.00001");
        assert_eq!(text(9.999_999_999_999_999e-6), "9.999999999999999e-6");
        assert_eq!(text(1.0 / 3_000_000.0), "3.3333333333333335e-7");
        assert_eq!(text(-2.5e-7), "-2.5e-7");
        assert_eq!(text(1e16), "1e16");
        assert_eq!(text(1.5e300), "1.5e300");
        assert_eq!(text(5e-324), "5e-324");
        assert_eq!(text(f64::MAX), "1.7976931348623157e308");
    }

    #[test]
    fn not_a_number_is_no_value() {
        assert_eq!(shortest(f64::NAN), None);
        assert_eq!(shortest(f64::INFINITY), None);
        assert_eq!(shortest(f64::NEG_INFINITY), None);
    }
}
