//! `xsell compare`: is a proportion different between two groups (or two periods)?
//!
//! Both rates, their difference B − A with Newcombe's hybrid score interval (method 10 of
//! Newcombe 1998), and the two-sided p-value of the pooled two-proportion z-test. The verdict
//! follows the test at the chosen level.

use super::stats;

/// The comparison of one proportion between a baseline group A and a group B.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub value_a: Option<f64>,
    pub value_b: Option<f64>,
    /// B − A.
    pub difference: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub verdict: String,
}

/// Compares `kb / nb` with `ka / na` at two-sided quantile `z` of confidence `level`.
pub fn compare((ka, na): (u64, u64), (kb, nb): (u64, u64), z: f64, level: f64) -> Comparison {
    let rate = |k: u64, n: u64| (n > 0 && k <= n).then(|| k as f64 / n as f64);
    let (value_a, value_b) = (rate(ka, na), rate(kb, nb));
    let difference = value_a.zip(value_b).map(|(a, b)| b - a);
    let p_value = stats::two_proportion_p(ka, na, kb, nb);
    let percent = format!("{}%", trim(level * 100.0));
    let verdict = match (p_value, difference) {
        (Some(p), Some(d)) if p < 1.0 - level && d > 0.0 => {
            format!("B is higher, significant at {percent}")
        }
        (Some(p), Some(d)) if p < 1.0 - level && d < 0.0 => {
            format!("B is lower, significant at {percent}")
        }
        (Some(_), _) => "no significant difference".to_string(),
        (None, _) => {
            "not testable: a group is empty, or every case in both is a success (or none is)"
                .to_string()
        }
    };
    Comparison {
        value_a,
        value_b,
        difference,
        ci: stats::newcombe(ka, na, kb, nb, z),
        p_value,
        verdict,
    }
}

/// `95`, `99.9`: a level without trailing zeros.
fn trim(x: f64) -> String {
    let text = format!("{x:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const Z95: f64 = 1.959_963_984_540_054;

    #[test]
    fn a_textbook_difference_is_significant() {
        // Newcombe (1998), example (a): 56/70 vs 48/80. As B − A with A = 48/80: difference 0.2,
        // 95% interval 0.0524 to 0.3339. Pooled test by hand: p = 104/150 = 0.693333,
        // SE = sqrt(0.693333 * 0.306667 * (1/70 + 1/80)) = 0.075467, z = 0.2 / 0.075467 = 2.65017,
        // two-sided p = 0.00805.
        let c = compare((48, 80), (56, 70), Z95, 0.95);
        assert!((c.difference.unwrap() - 0.2).abs() < 1e-12);
        let (low, high) = c.ci.unwrap();
        assert!(
            (low - 0.0524).abs() < 5e-5 && (high - 0.3339).abs() < 5e-5,
            "{low} {high}"
        );
        assert!(
            (c.p_value.unwrap() - 0.00805).abs() < 5e-5,
            "{:?}",
            c.p_value
        );
        assert_eq!(c.verdict, "B is higher, significant at 95%");
    }

    #[test]
    fn close_rates_are_no_significant_difference() {
        // 45/100 vs 48/100: pooled p = 0.465, SE = sqrt(0.465 * 0.535 * 0.02) = 0.070537,
        // z = 0.03 / 0.070537 = 0.42531, p = 0.6706.
        let c = compare((45, 100), (48, 100), Z95, 0.95);
        assert!((c.p_value.unwrap() - 0.6706).abs() < 1e-4);
        assert_eq!(c.verdict, "no significant difference");
        let lower = compare((30, 100), (15, 100), Z95, 0.9);
        assert_eq!(lower.verdict, "B is lower, significant at 90%");
    }

    #[test]
    fn empty_groups_are_not_testable() {
        let c = compare((0, 0), (5, 10), Z95, 0.95);
        assert_eq!(
            (c.value_a, c.difference, c.ci, c.p_value),
            (None, None, None, None)
        );
        assert!(c.verdict.starts_with("not testable"));
    }
}
