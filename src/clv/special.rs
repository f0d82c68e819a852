//! Special functions for the CLV models: ln Γ, the digamma function ψ and the Gauss
//! hypergeometric function ₂F₁, on the real arguments the models use.
//!
//! - [`ln_gamma`]: musl's `lgamma` (through the `libm` crate, already used by `report::stats`),
//!   accurate to a few ulp for positive arguments.
//! - [`digamma`]: ψ(x) = d ln Γ(x) / dx, by the recurrence ψ(x) = ψ(x + 1) − 1/x up to
//!   x ≥ [`DIGAMMA_ASYMPTOTIC_FROM`] and then the asymptotic (Stirling) series
//!   ψ(x) ~ ln x − 1/(2x) − Σ B₂ₖ / (2k x²ᵏ), k = 1..6 (Abramowitz & Stegun 6.3.5, 6.3.18).
//!   The first omitted term is below 3e-16 for x ≥ 10; with the rounding of the recurrence's
//!   sum the result is good to about 5e-15 (absolute, and relative away from ψ's zero at 1.46).
//! - [`hyp2f1`]: ₂F₁(a, b; c; z) = Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1 and c > 0, summed
//!   term by term (A&S 15.1.1), the series scipy's `hyp2f1` also starts from, with a convergence
//!   guard: summing stops when a term is below [`HYP2F1_TOLERANCE`] of the sum once past the
//!   indices where a factor `(a + n)` or `(b + n)` can change sign, and gives up (None) after
//!   [`HYP2F1_MAX_TERMS`] terms, i.e. when z is so close to 1 that the series is useless.
//!   The BG/NBD caller applies Euler's transformation first (see [`super::bgnbd`]), which keeps
//!   the terms small and the sum well within the guard for the z it meets.

/// Below this the digamma recurrence shifts the argument up before the asymptotic series.
pub const DIGAMMA_ASYMPTOTIC_FROM: f64 = 10.0;

/// A ₂F₁ term this small relative to the running sum ends the series.
pub const HYP2F1_TOLERANCE: f64 = 1e-16;

/// ₂F₁ gives up after this many terms: at z = 0.9997 the terms have shrunk by z^n ≈ e⁻³⁰ by then.
pub const HYP2F1_MAX_TERMS: usize = 100_000;

/// ln Γ(x) for x > 0 (musl's `lgamma`).
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The digamma function ψ(x) = Γ'(x)/Γ(x) for x > 0; NaN for x ≤ 0 or NaN (not needed there:
/// every argument in the models is a positive parameter plus a count).
///
/// ```text
/// ψ(x) = ψ(x + n) − Σ_{k<n} 1/(x + k)
/// ψ(y) ≈ ln y − 1/(2y) − 1/(12y²) + 1/(120y⁴) − 1/(252y⁶) + 1/(240y⁸) − 5/(660y¹⁰) + 691/(32760y¹²)
/// ```
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut y = x;
    let mut shift = 0.0;
    while y < DIGAMMA_ASYMPTOTIC_FROM {
        shift += 1.0 / y;
        y += 1.0;
    }
    let w = 1.0 / (y * y);
    // Bernoulli terms B₂ₖ/(2k): 1/12, -1/120, 1/252, -1/240, 1/132, -691/32760, in Horner form.
    let series = w
        * (1.0 / 12.0
            - w * (1.0 / 120.0
                - w * (1.0 / 252.0 - w * (1.0 / 240.0 - w * (1.0 / 132.0 - w * 691.0 / 32760.0)))));
    y.ln() - 0.5 / y - series - shift
}

/// ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 and c > 0; None outside that domain or
/// when the series has not converged after [`HYP2F1_MAX_TERMS`] terms.
///
/// ```text
/// ₂F₁(a, b; c; z) = Σₙ tₙ,  t₀ = 1,  tₙ₊₁ = tₙ (a + n)(b + n) / ((c + n)(n + 1)) z
/// ```
///
/// The series converges for |z| < 1; a non-positive integer `a` or `b` ends it (a polynomial).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) || c.is_nan() || c <= 0.0 || !a.is_finite() || !b.is_finite() {
        return None;
    }
    // Past this index no factor (a + n), (b + n) changes sign, so the terms keep one sign and
    // shrink geometrically once their ratio is below 1: a small term then means a small tail.
    let settled = a.abs().max(b.abs()) + 1.0;
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    for n in 0..HYP2F1_MAX_TERMS {
        let k = n as f64;
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        sum += term;
        if term == 0.0 || (k > settled && term.abs() <= HYP2F1_TOLERANCE * sum.abs()) {
            return sum.is_finite().then_some(sum);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clv::assert_rel;

    // Euler-Mascheroni γ; ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2 (A&S 6.3.2, 6.3.3).
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

    #[test]
    fn digamma_at_known_points() {
        assert_rel(digamma(1.0), -EULER_GAMMA, 1e-14, "ψ(1)");
        assert_rel(
            digamma(0.5),
            -EULER_GAMMA - 2.0 * std::f64::consts::LN_2,
            1e-14,
            "ψ(1/2)",
        );
        // ψ(n) = H_{n-1} - γ (A&S 6.3.2): ψ(10) = 1 + 1/2 + ... + 1/9 - γ.
        let h9: f64 = (1..10).map(|k| 1.0 / f64::from(k)).sum();
        assert_rel(digamma(10.0), h9 - EULER_GAMMA, 1e-14, "ψ(10)");
        // Small and large arguments: ψ(x) ≈ -1/x - γ near 0; scipy.special.digamma(1000) =
        // 6.907255195648812, digamma(0.01) = -100.56088545786868.
        assert_rel(digamma(1000.0), 6.907_255_195_648_812, 1e-15, "ψ(1000)");
        assert_rel(digamma(0.01), -100.560_885_457_868_68, 1e-14, "ψ(0.01)");
        assert!(digamma(0.0).is_nan() && digamma(-1.0).is_nan() && digamma(f64::NAN).is_nan());
    }

    #[test]
    fn digamma_is_the_derivative_of_ln_gamma() {
        for x in [0.05, 0.3, 0.79, 1.7, 2.43, 7.0, 55.5] {
            let h = 1e-5 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert_rel(digamma(x), numeric, 1e-8, "ψ(x) against d lnΓ/dx");
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // ₂F₁(1, 1; 2; z) = -ln(1 - z)/z (A&S 15.1.3).
        for z in [0.1, 0.5, 0.9, 0.99] {
            let expected = -(1.0_f64 - z).ln() / z;
            assert_rel(
                hyp2f1(1.0, 1.0, 2.0, z).unwrap(),
                expected,
                1e-14,
                "-ln(1-z)/z",
            );
        }
        // ₂F₁(a, b; b; z) = (1 - z)^-a (A&S 15.1.8).
        assert_rel(
            hyp2f1(0.7, 2.5, 2.5, 0.6).unwrap(),
            0.4_f64.powf(-0.7),
            1e-14,
            "(1-z)^-a",
        );
        // A polynomial: ₂F₁(-2, b; c; z) = 1 - 2bz/c + b(b+1)z²/(c(c+1)).
        let (b, c, z) = (1.5, 3.0, 0.4);
        let poly = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert_rel(
            hyp2f1(-2.0, b, c, z).unwrap(),
            poly,
            1e-15,
            "terminating series",
        );
        // z = 0 is 1.
        assert_eq!(hyp2f1(3.0, 4.0, 5.0, 0.0), Some(1.0));
    }

    #[test]
    fn hyp2f1_against_scipy() {
        // The Euler-transformed BG/NBD call at CDNOW's published parameters (r 0.2426, α 4.4135,
        // a 0.7929, b 2.4258), T = 38.86 weeks, t = 52 weeks: ₂F₁(a + b − 1 − r, a − 1;
        // a + b + x − 1; t/(α + T + t)) for x = 0 and x = 38. scipy.special.hyp2f1 gives
        // 0.8691613266792523 and 0.9943565856452554.
        let cases = [
            (2.2187, 0.869_161_326_679_252_3),
            (40.2187, 0.994_356_585_645_255_4),
        ];
        for (c, expected) in cases {
            let got = hyp2f1(1.9761, -0.2071, c, 0.5458).unwrap();
            assert_rel(got, expected, 1e-14, "scipy hyp2f1");
        }
    }

    #[test]
    fn hyp2f1_refuses_outside_its_domain() {
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, -0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, 0.0, 0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, f64::NAN), None);
        // So close to 1 that the guard gives up rather than return a truncated sum.
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, 1.0 - 1e-9), None);
    }
}
