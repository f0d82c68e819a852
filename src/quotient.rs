//! Ratios of exact integers as floats, divided once: counts, amounts in ten-thousandths, and the
//! products of counts that the measures of `pairs` take.
//!
//! Converted to `f64` and divided, `n / d` is the float nearest the exact fraction while both are
//! below 2^53 in magnitude: each converts exactly and IEEE 754 division rounds once. Beyond that
//! each conversion rounds too, a few units in the last place at most. Written in full (see
//! `output::shortest`), such a ratio is the text an exact computation gives: `0.08`, not the
//! `0.08000000000000002` of subtracting rounded products, and `0` for a measure that is exactly
//! zero, where rounded terms left `1.1e-16` or `-1.1e-16`.

/// `n / d` as the float nearest it (see the module); None when `d` is 0.
pub(crate) fn quotient(n: i128, d: i128) -> Option<f64> {
    if d == 0 {
        return None;
    }
    // The same floats from 64-bit integers, which convert in one instruction (128-bit ones
    // through a call): `pairs` works out a lift for every candidate rule.
    Some(match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) => n as f64 / d as f64,
        _ => n as f64 / d as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::quotient;

    #[test]
    fn a_fraction_is_the_float_nearest_it() {
        assert_eq!(quotient(1, 3), Some(1.0 / 3.0));
        assert_eq!(quotient(-4, 25), Some(-0.16));
        assert_eq!(quotient(5, 0), None);
        // Past 64 bits the value is still near: (2^100 + 1) / 2^100 is 1.
        let big = 1_i128 << 100;
        assert_eq!(quotient(big + 1, big), Some(1.0));
    }
}
