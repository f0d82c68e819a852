//! Small-sample statistics for comparing conversion rates: confidence intervals for one
//! proportion and for the difference of two independent proportions, and the two-sided
//! p-value of the classical test that two proportions are equal.
//!
//! Everything here is a pure function of counts; nothing allocates or panics.
//!
//! - [`z_for_level`]: the two-sided standard normal quantile `z` with `P(-z < Z < z) = level`,
//!   i.e. `z = Φ⁻¹((1 + level) / 2)`. Computed with Acklam's rational approximation to `Φ⁻¹`
//!   (relative error below 1.2e-9) refined by one Halley step against an accurate `erfc`,
//!   which brings it to about machine precision.
//! - [`normal_cdf`]: `Φ(x) = erfc(-x / √2) / 2`. Using `erfc` rather than `1 - erf` keeps full
//!   relative accuracy far into the lower tail, where p-values live.
//! - [`wilson`]: the Wilson score interval for a single proportion (E. B. Wilson, "Probable
//!   inference, the law of succession, and statistical inference", JASA 22:209-212, 1927);
//!   method 3 of R. G. Newcombe, "Two-sided confidence intervals for the single proportion:
//!   comparison of seven methods", Stat Med 17:857-872 (1998).
//! - [`newcombe`]: Newcombe's hybrid score interval for a difference of proportions, built from
//!   the two Wilson intervals (R. G. Newcombe, "Interval estimation for the difference between
//!   independent proportions: comparison of eleven methods", Stat Med 17:873-890 (1998),
//!   method 10).
//! - [`two_proportion_p`]: the pooled two-proportion z-test of `p_a = p_b` (equivalently the
//!   Pearson chi-square test of a 2×2 table without continuity correction, since `z² = χ²`).
//!
//! Conventions: group `a` is the baseline and group `b` the comparison, so differences are
//! `p_b - p_a` throughout. `z` arguments are two-sided normal quantiles such as the value of
//! [`z_for_level`]`(0.95)` ≈ 1.959964.

use std::f64::consts::{PI, SQRT_2};

/// The two-sided 95% quantile of the standard normal, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// z such that P(-z < Z < z) = level for a standard normal Z (two-sided quantile), e.g.
/// 0.95 -> 1.959964.
///
/// `z = Φ⁻¹((1 + level) / 2) = -Φ⁻¹((1 - level) / 2)`; the second form is the one evaluated,
/// because `1 - level` is exact for `level ≥ 0.5` and so levels close to 1 (e.g. `1 - 1e-12`)
/// keep their precision. Accurate to about 1e-15 relative.
///
/// Returns `None` unless `0 < level < 1` (which also rejects NaN).
pub fn z_for_level(level: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let tail = (1.0 - level) / 2.0;
    Some(-inverse_normal_cdf(tail))
}

/// Standard normal CDF: `Φ(x) = P(Z ≤ x) = erfc(-x / √2) / 2`.
///
/// Evaluated through the complementary error function (musl's `erfc`, via the `libm` crate),
/// so `Φ(x)` for very negative `x` keeps about 1e-14 relative accuracy instead of collapsing
/// to 0 the way `(1 + erf(x / √2)) / 2` does. Returns NaN for NaN; `Φ(-∞) = 0`, `Φ(∞) = 1`.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Wilson score interval for k successes of n at two-sided z; None when n == 0 or k > n.
///
/// With `p̂ = k / n`, the interval is the set of `p` with `|p̂ - p| ≤ z √(p(1-p)/n)`, i.e.
///
/// ```text
///            p̂ + z²/(2n)  ±  z √( p̂(1-p̂)/n + z²/(4n²) )
/// (L, U) = ---------------------------------------------
///                          1 + z²/n
/// ```
///
/// (Wilson 1927; Newcombe 1998, single proportion, method 3). Evaluated in the equivalent form
/// `(k + z²/2 ± z √(k(n-k)/n + z²/4)) / (n + z²)`. The bounds are exact at the boundaries:
/// `L = 0` when `k = 0` and `U = 1` when `k = n`; they always satisfy `0 ≤ L ≤ k/n ≤ U ≤ 1`.
///
/// Also returns `None` when `z` is negative or not finite (no interval corresponds to it).
pub fn wilson(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || k > n || !z.is_finite() || z < 0.0 {
        return None;
    }
    let kf = k as f64;
    let nf = n as f64;
    // n - k is computed in integers so that k(n-k) has no cancellation.
    let failures = (n - k) as f64;
    let z2 = z * z;
    let denom = nf + z2;
    let centre = (kf + z2 / 2.0) / denom;
    let half = z * (kf * failures / nf + z2 / 4.0).sqrt() / denom;
    let p = kf / nf;
    let lower = if k == 0 {
        0.0
    } else {
        // Mathematically L ≤ p̂; the min only guards against rounding.
        (centre - half).clamp(0.0, p)
    };
    let upper = if k == n {
        1.0
    } else {
        (centre + half).clamp(p, 1.0)
    };
    Some((lower, upper))
}

/// Newcombe's hybrid score interval (method 10) for p_b - p_a; None when either n is 0 or k > n.
///
/// With `p̂_a = ka/na`, `p̂_b = kb/nb`, `d = p̂_b - p̂_a`, and Wilson intervals `(L_a, U_a)`,
/// `(L_b, U_b)` at the same `z` (see [`wilson`]):
///
/// ```text
/// lower = d - √( (p̂_b - L_b)² + (U_a - p̂_a)² )
/// upper = d + √( (U_b - p̂_b)² + (p̂_a - L_a)² )
/// ```
///
/// (Newcombe 1998, difference of independent proportions, method 10: the "square-and-add" of
/// the single-proportion score intervals). The result always lies within `[-1, 1]` and contains
/// `d`. Also returns `None` when `z` is negative or not finite, as [`wilson`] does.
pub fn newcombe(ka: u64, na: u64, kb: u64, nb: u64, z: f64) -> Option<(f64, f64)> {
    let (la, ua) = wilson(ka, na, z)?;
    let (lb, ub) = wilson(kb, nb, z)?;
    let pa = ka as f64 / na as f64;
    let pb = kb as f64 / nb as f64;
    let d = pb - pa;
    let lower = d - (pb - lb).hypot(ua - pa);
    let upper = d + (ub - pb).hypot(pa - la);
    // Mathematically lower ≥ L_b - U_a ≥ -1 and upper ≤ U_b - L_a ≤ 1; the clamps only guard
    // against rounding.
    Some((lower.clamp(-1.0, d), upper.clamp(d, 1.0)))
}

/// Two-sided p-value of the pooled two-proportion z-test of p_a == p_b; None when either n is
/// 0, k > n, or the pooled proportion is 0 or 1 (the test is undefined).
///
/// Under the null hypothesis both groups share one rate, estimated by pooling:
///
/// ```text
/// p̄ = (ka + kb) / (na + nb)
/// z = (p̂_b - p̂_a) / √( p̄ (1 - p̄) (1/na + 1/nb) )
/// p = 2 (1 - Φ(|z|)) = erfc(|z| / √2)
/// ```
///
/// When no trial or every trial succeeded in both groups together (`p̄ = 0` or `p̄ = 1`) the
/// standard error is zero and `z` is `0/0`: the test is undefined and the function returns
/// `None` rather than a made-up p-value. The statistic is symmetric in `a` and `b`, so swapping
/// the groups gives exactly the same p-value. `z²` equals Pearson's χ² for the 2×2 table
/// without continuity correction, so the p-values agree with that test.
pub fn two_proportion_p(ka: u64, na: u64, kb: u64, nb: u64) -> Option<f64> {
    if na == 0 || nb == 0 || ka > na || kb > nb {
        return None;
    }
    // u128 so that the sums cannot overflow.
    let successes = u128::from(ka) + u128::from(kb);
    let trials = u128::from(na) + u128::from(nb);
    if successes == 0 || successes == trials {
        return None;
    }
    let failures = trials - successes;
    let tf = trials as f64;
    // p̄(1 - p̄) from integer counts, without the cancellation of 1 - p̄.
    let pooled_var = (successes as f64 / tf) * (failures as f64 / tf);
    let naf = na as f64;
    let nbf = nb as f64;
    let se = (pooled_var * (1.0 / naf + 1.0 / nbf)).sqrt();
    let diff = kb as f64 / nbf - ka as f64 / naf;
    let z = diff.abs() / se;
    Some(libm::erfc(z / SQRT_2).clamp(0.0, 1.0))
}

/// Φ⁻¹(p) for 0 < p < 1: P. J. Acklam's rational approximation (relative error < 1.15e-9),
/// refined by one step of Halley's method on `Φ(x) - p`, which squares the error away.
///
/// The Halley step evaluates the residual with [`normal_cdf`], which is accurate in relative
/// terms in the lower tail; upper-tail arguments are reflected (`Φ⁻¹(p) = -Φ⁻¹(1 - p)`) so the
/// residual is always taken where it is accurate. Callers guarantee `0 < p < 1`.
fn inverse_normal_cdf(p: f64) -> f64 {
    if p > 0.5 {
        return -inverse_normal_cdf(1.0 - p);
    }
    let x = acklam(p);
    // Halley: x ← x - u / (1 + x u / 2), with u = (Φ(x) - p) / φ(x).
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Acklam's algorithm for Φ⁻¹(p), 0 < p ≤ 0.5 (lower half; the central region covers
/// p ≥ 0.02425).
fn acklam(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;

    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z95() -> f64 {
        z_for_level(0.95).expect("0.95 is a valid level")
    }

    fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
        assert!(
            (actual - expected).abs() <= tol,
            "{what}: got {actual}, expected {expected} ± {tol}"
        );
    }

    fn assert_rel(actual: f64, expected: f64, rel: f64, what: &str) {
        assert!(
            ((actual - expected) / expected).abs() <= rel,
            "{what}: got {actual:e}, expected {expected:e} (relative tolerance {rel:e})"
        );
    }

    // Reference quantiles: standard normal tables (e.g. Abramowitz & Stegun 26.2), and
    // Python's statistics.NormalDist().inv_cdf(0.975) = 1.9599639845400536.
    #[test]
    fn z95_is_the_95_percent_quantile() {
        assert!((z_for_level(0.95).unwrap_or(0.0) - Z95).abs() < 1e-12);
    }

    #[test]
    fn z_for_common_levels() {
        let cases = [
            (0.95, 1.959_963_985),
            (0.90, 1.644_853_627),
            (0.99, 2.575_829_304),
        ];
        for (level, z) in cases {
            let got = z_for_level(level).expect("valid level");
            assert_close(got, z, 1e-8, &format!("z_for_level({level})"));
        }
        assert_close(
            z95(),
            1.959_963_984_540_054,
            1e-12,
            "z_for_level(0.95) full",
        );
    }

    // Far tails, against Python's statistics.NormalDist().inv_cdf (Wichura's AS241).
    #[test]
    fn z_for_extreme_levels() {
        // 1 - 2⁻⁴⁰ is exact in f64, so the tail is exactly 2⁻⁴¹ (Python: -inv_cdf(2**-41)).
        let near_one = z_for_level(1.0 - 2f64.powi(-40)).expect("valid level");
        assert_rel(near_one, 7.143_552_034_352_188, 1e-12, "level 1 - 2^-40");
        let small = z_for_level(0.2).expect("valid level");
        assert_rel(small, 0.253_347_103_135_799_8, 1e-9, "level 0.2");
        let tiny = z_for_level(1e-12).expect("valid level");
        // Tiny levels carry only absolute precision (the tail 0.5 - 5e-13 is rounded).
        assert_close(tiny, 1.253_314_137_315_5e-12, 1e-15, "level 1e-12");
    }

    #[test]
    fn z_for_level_rejects_invalid_levels() {
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(z_for_level(level).is_none(), "level {level}");
        }
    }

    // Round trip Φ(Φ⁻¹(p)) = p across the range, including both Acklam regions and the tails.
    #[test]
    fn inverse_normal_round_trip() {
        let mut ps = vec![1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.0243];
        ps.extend((1..100).map(|i| f64::from(i) / 100.0));
        ps.extend([0.9999, 1.0 - 1e-10]);
        for p in ps {
            let x = inverse_normal_cdf(p);
            if p <= 0.5 {
                assert_rel(normal_cdf(x), p, 1e-12, &format!("Φ(Φ⁻¹({p:e}))"));
            } else {
                assert_rel(
                    normal_cdf(-x),
                    1.0 - p,
                    1e-12,
                    &format!("1 - Φ(Φ⁻¹({p:e}))"),
                );
            }
        }
    }

    // Φ values from standard tables; Φ(-10) = 7.6198530241605260659e-24 and
    // Φ(-5) = 2.8665157187919391167e-7 (high-precision tabulations).
    #[test]
    fn normal_cdf_values_and_tails() {
        assert_eq!(normal_cdf(0.0), 0.5);
        assert_close(normal_cdf(1.0), 0.841_344_746_068_542_9, 1e-15, "Φ(1)");
        assert_close(normal_cdf(-1.0), 0.158_655_253_931_457_1, 1e-15, "Φ(-1)");
        assert_close(normal_cdf(1.959_963_984_540_054), 0.975, 1e-15, "Φ(1.96)");
        assert_rel(normal_cdf(-3.0), 1.349_898_031_630_094_5e-3, 1e-12, "Φ(-3)");
        assert_rel(normal_cdf(-5.0), 2.866_515_718_791_939e-7, 1e-12, "Φ(-5)");
        assert_rel(
            normal_cdf(-10.0),
            7.619_853_024_160_526e-24,
            1e-12,
            "Φ(-10)",
        );
        assert_eq!(normal_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(normal_cdf(f64::INFINITY), 1.0);
        assert!(normal_cdf(f64::NAN).is_nan());
    }

    // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison
    // of seven methods", Stat Med 17:857-872, Table I, method 3 (score interval without
    // continuity correction). Rechecked independently with Python (statistics.NormalDist and
    // the closed form): 81/263 -> 0.25529, 0.36621; 15/148 -> 0.06239, 0.16049;
    // 0/20 -> 0, 0.16113; 1/29 -> 0.00611, 0.17176.
    #[test]
    fn wilson_textbook_examples() {
        let z = z95();
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (k, n, lo, hi) in cases {
            let (l, u) = wilson(k, n, z).expect("valid counts");
            assert_close(l, lo, 5e-5, &format!("wilson {k}/{n} lower"));
            assert_close(u, hi, 5e-5, &format!("wilson {k}/{n} upper"));
        }
    }

    #[test]
    fn wilson_edges() {
        let z = z95();
        assert_eq!(wilson(0, 0, z), None);
        assert_eq!(wilson(5, 4, z), None);
        assert_eq!(wilson(1, 2, -1.0), None);
        assert_eq!(wilson(1, 2, f64::NAN), None);
        assert_eq!(wilson(1, 2, f64::INFINITY), None);
        for n in [1, 2, 7, 20, 1000, 1_000_000_000] {
            let (l0, u0) = wilson(0, n, z).expect("valid");
            assert_eq!(l0, 0.0, "0/{n} lower");
            assert!(u0 > 0.0 && u0 < 1.0, "0/{n} upper {u0}");
            let (ln, un) = wilson(n, n, z).expect("valid");
            assert_eq!(un, 1.0, "{n}/{n} upper");
            assert!(ln > 0.0 && ln < 1.0, "{n}/{n} lower {ln}");
            // Symmetry: the interval for n-k of n mirrors the one for k of n.
            assert_close(ln, 1.0 - u0, 1e-12, &format!("mirror {n}"));
        }
        // z = 0 collapses to the point estimate.
        assert_eq!(wilson(3, 4, 0.0), Some((0.75, 0.75)));
        // Large counts do not overflow or lose the interval.
        let (l, u) = wilson(u64::MAX / 2, u64::MAX, z).expect("valid");
        assert!(l < 0.5 && 0.5 < u && u - l < 1e-8, "huge n: {l}, {u}");
    }

    // Newcombe RG (1998), "Interval estimation for the difference between independent
    // proportions: comparison of eleven methods", Stat Med 17:873-890, worked examples,
    // method 10 (hybrid score, no continuity correction). The expected bounds below were
    // recomputed independently in Python (statistics.NormalDist().inv_cdf(0.975) and the
    // closed-form Wilson bounds), not copied from memory of the paper:
    //   56/70 - 48/80 = 0.2000: 0.05243, 0.33387
    //   9/10 - 3/10   = 0.6000: 0.17052, 0.80902
    //   6/7 - 2/7     = 0.5714: 0.05823, 0.80625  (a recalled "0.0205 to 0.8329" is not
    //                            method 10; the method-11 continuity-corrected interval is
    //                            -0.0290 to 0.8423, so that recollection matches neither)
    //   5/56 - 0/29   = 0.0893: -0.03814, 0.19256
    // newcombe() returns the interval for p_b - p_a, so the first proportion is passed as b.
    #[test]
    fn newcombe_textbook_examples() {
        let z = z95();
        let cases = [
            ((56, 70), (48, 80), 0.2, 0.0524, 0.3339),
            ((9, 10), (3, 10), 0.6, 0.1705, 0.8090),
            ((6, 7), (2, 7), 0.5714, 0.0582, 0.8062),
            ((5, 56), (0, 29), 0.0893, -0.0381, 0.1926),
        ];
        for ((k1, n1), (k2, n2), d, lo, hi) in cases {
            let diff = k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64;
            assert_close(diff, d, 5e-5, &format!("{k1}/{n1} - {k2}/{n2} estimate"));
            let (l, u) = newcombe(k2, n2, k1, n1, z).expect("valid counts");
            assert_close(l, lo, 5e-5, &format!("{k1}/{n1} - {k2}/{n2} lower"));
            assert_close(u, hi, 5e-5, &format!("{k1}/{n1} - {k2}/{n2} upper"));
            // Swapping the groups negates and swaps the interval.
            let (ls, us) = newcombe(k1, n1, k2, n2, z).expect("valid counts");
            assert_close(ls, -u, 1e-15, "swapped lower");
            assert_close(us, -l, 1e-15, "swapped upper");
        }
    }

    #[test]
    fn newcombe_edges() {
        let z = z95();
        assert_eq!(newcombe(0, 0, 1, 2, z), None);
        assert_eq!(newcombe(1, 2, 0, 0, z), None);
        assert_eq!(newcombe(3, 2, 1, 2, z), None);
        assert_eq!(newcombe(1, 2, 3, 2, z), None);
        assert_eq!(newcombe(1, 2, 1, 2, -1.0), None);
        // Extreme tables: b all successes, a none -> upper bound exactly 1; and the reverse.
        let (l, u) = newcombe(0, 10, 10, 10, z).expect("valid");
        assert_eq!(u, 1.0);
        assert!(l > 0.0 && l < 1.0, "lower {l}");
        let (l, u) = newcombe(10, 10, 0, 10, z).expect("valid");
        assert_eq!(l, -1.0);
        assert!(u < 0.0 && u > -1.0, "upper {u}");
        // Identical groups: interval symmetric about 0.
        let (l, u) = newcombe(30, 100, 30, 100, z).expect("valid");
        assert_close(l, -u, 1e-15, "identical groups");
    }

    // Textbook example worked by hand: 30/100 (a) vs 45/100 (b).
    //   pooled p̄ = 75/200 = 0.375
    //   SE = √(0.375 · 0.625 · (1/100 + 1/100)) = √0.0046875 = 0.0684653
    //   z = (0.45 - 0.30) / 0.0684653 = 2.190890
    //   p = 2 (1 - Φ(2.190890)) = 0.028460  (Python: math.erfc(z / √2) = 0.02845973691631057)
    #[test]
    fn two_proportion_worked_example() {
        let p = two_proportion_p(30, 100, 45, 100).expect("defined");
        assert_close(p, 0.028_46, 5e-6, "p-value 30/100 vs 45/100");
        assert_rel(p, 0.028_459_736_916_310_57, 1e-10, "p-value full precision");
        // Symmetry: swapping a and b gives the same p-value exactly.
        assert_eq!(two_proportion_p(45, 100, 30, 100), Some(p));
        // Equal proportions: z = 0, p = 1.
        assert_eq!(two_proportion_p(3, 10, 30, 100), Some(1.0));
    }

    #[test]
    fn two_proportion_edges() {
        // Pooled proportion 0 or 1: the test is undefined.
        assert_eq!(two_proportion_p(0, 10, 0, 10), None);
        assert_eq!(two_proportion_p(10, 10, 20, 20), None);
        assert_eq!(two_proportion_p(0, 0, 1, 2), None);
        assert_eq!(two_proportion_p(1, 2, 0, 0), None);
        assert_eq!(two_proportion_p(3, 2, 1, 2), None);
        assert_eq!(two_proportion_p(1, 2, 3, 2), None);
        // Extreme counts: a tiny but positive p-value, and no overflow.
        let p = two_proportion_p(0, 10_000, 10_000, 10_000).expect("defined");
        assert!((0.0..1e-100).contains(&p), "p {p}");
        let p = two_proportion_p(u64::MAX / 2, u64::MAX, u64::MAX / 2, u64::MAX).expect("defined");
        assert_close(p, 1.0, 1e-6, "huge equal groups");
        // Python: 1/1e6 vs 5/1e6 -> z = 1.6329956, p = 0.10246991968272533.
        let p = two_proportion_p(1, 1_000_000, 5, 1_000_000).expect("defined");
        assert_rel(p, 0.102_469_919_682_725_33, 1e-9, "rare events");
    }

    // Property: for many (k, n) and several levels, 0 ≤ L ≤ k/n ≤ U ≤ 1 for Wilson, and the
    // Newcombe interval contains the observed difference and lies within [-1, 1]; p-values are
    // in [0, 1] and symmetric.
    #[test]
    fn intervals_contain_estimates() {
        let zs: Vec<f64> = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999_999]
            .iter()
            .filter_map(|&level| z_for_level(level))
            .collect();
        assert_eq!(zs.len(), 6);
        let ns: Vec<u64> = (1..=40).chain([97, 100, 1000, 12_345, 1_000_000]).collect();
        for &z in &zs {
            for &n in &ns {
                let ks: Vec<u64> = if n <= 40 {
                    (0..=n).collect()
                } else {
                    vec![0, 1, 2, n / 3, n / 2, n - 2, n - 1, n]
                };
                for &k in &ks {
                    let (l, u) = wilson(k, n, z).expect("valid");
                    let p = k as f64 / n as f64;
                    assert!(
                        0.0 <= l && l <= p && p <= u && u <= 1.0,
                        "wilson {k}/{n} z={z}: ({l}, {u})"
                    );
                    assert!(l < u, "wilson {k}/{n} z={z} is degenerate: ({l}, {u})");
                }
            }
        }
        let z = z95();
        let small: Vec<(u64, u64)> = (1..=12u64)
            .flat_map(|n| (0..=n).map(move |k| (k, n)))
            .collect();
        for &(ka, na) in &small {
            for &(kb, nb) in &small {
                let (l, u) = newcombe(ka, na, kb, nb, z).expect("valid");
                let d = kb as f64 / nb as f64 - ka as f64 / na as f64;
                assert!(
                    -1.0 <= l && l <= d && d <= u && u <= 1.0,
                    "newcombe {kb}/{nb} - {ka}/{na}: ({l}, {u})"
                );
                if let Some(p) = two_proportion_p(ka, na, kb, nb) {
                    assert!((0.0..=1.0).contains(&p), "p {p}");
                    assert_eq!(two_proportion_p(kb, nb, ka, na), Some(p));
                } else {
                    let pooled = ka + kb;
                    assert!(pooled == 0 || pooled == na + nb, "{ka}/{na} vs {kb}/{nb}");
                }
            }
        }
    }
}
