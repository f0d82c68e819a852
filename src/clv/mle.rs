//! Maximum likelihood for the CLV models: BFGS on log-parameters, the observed information, and
//! parallel sums over customers.
//!
//! A model supplies Σ ln Lᵢ and its gradient in its natural parameters θ (all positive). The
//! optimiser minimises the mean negative log-likelihood in φ = ln θ, as lifetimes does (its
//! `BaseFitter._fit`: scipy's BFGS on log-parameters from φ = 0.1):
//!
//! ```text
//! f(φ) = −(1/n) Σᵢ ln Lᵢ(e^φ),   ∂f/∂φⱼ = −(1/n) θⱼ ∂(Σ ln L)/∂θⱼ
//! ```
//!
//! with argmin's BFGS and a Moré-Thuente line search, stopping when ‖∇f‖ < [`GRADIENT_TOLERANCE`]
//! or after [`MAX_ITERATIONS`]; a few Newton steps with the observed information then take the
//! gradient down to its rounding (see [`maximise`]). Working in φ keeps every parameter positive
//! without bounds, and dividing by n makes the tolerances independent of the number of customers.
//!
//! Uncertainty: the observed information is the Hessian of −Σ ln L at the optimum in the natural
//! parameters, `I(θ̂)`, taken by central differences of the analytic gradient (step
//! [`HESSIAN_STEP`] × θⱼ); the covariance is `I(θ̂)⁻¹` (a Cholesky inverse, which also checks that
//! the optimum is a maximum), a standard error is `√[I⁻¹]ⱼⱼ`, and the interval `θ̂ⱼ ± z₀.₉₇₅ SEⱼ`
//! (Wald, on the natural scale, as lifetimes reports it; lifetimes takes z = 1.96). At a
//! stationary point this equals the delta method applied to the log-scale Hessian,
//! `SE(θⱼ) = θⱼ √[H_φ⁻¹]ⱼⱼ`, which is how lifetimes computes it.
//!
//! `converged` is true when the final gradient norm (of f, in φ) is below [`ACCEPT_GRADIENT`]
//! and the information matrix is positive definite. Parallelism: the models' likelihoods are sums
//! over customers, which [`parallel_sum`] splits over scoped threads.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{CostFunction, Executor, Gradient, KV, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::BFGS;

use super::ClvError;
use crate::report::stats::Z95;

/// BFGS stops when the gradient of the mean negative log-likelihood in log-parameters is this
/// small (lifetimes passes 1e-7 to scipy). Smaller is no better: with a million customers the
/// mean log-likelihood stops resolving steps near 1e-8, and the line search then wanders.
pub const GRADIENT_TOLERANCE: f64 = 1e-7;
/// BFGS also stops when an iteration changes the mean negative log-likelihood by less than
/// this (its rounding, about 1e-16 relative, and summation noise).
pub const COST_TOLERANCE: f64 = 1e-14;
/// Newton steps, at most, that polish the BFGS optimum (see [`maximise`]).
pub const NEWTON_STEPS: usize = 3;
/// No Newton step once the gradient (as for [`GRADIENT_TOLERANCE`]) is this small: it is then
/// near its own rounding.
pub const NEWTON_ENOUGH: f64 = 1e-11;
/// A fit whose final gradient norm is above this is reported as not converged.
pub const ACCEPT_GRADIENT: f64 = 1e-6;
/// BFGS iterations of one run before giving up.
pub const MAX_ITERATIONS: u64 = 500;
/// BFGS runs at most (each from the best point of the one before).
pub const MAX_RUNS: usize = 4;
/// Relative step of the central differences that give the Hessian.
pub const HESSIAN_STEP: f64 = 1e-5;
/// Below this many terms a sum runs on the calling thread: threads cost more than they save.
pub const PARALLEL_FROM: usize = 20_000;

/// One fitted parameter: its estimate, standard error and 95% interval (None when the
/// information matrix is not positive definite, i.e. the data do not pin the parameter down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub name: &'static str,
    pub value: f64,
    pub se: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// What a maximum-likelihood fit found, for `N` parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit<const N: usize> {
    /// The parameters in the model's order, with standard errors and 95% Wald intervals.
    pub estimates: [Estimate; N],
    /// `I(θ̂)⁻¹` in the natural parameters, when `I(θ̂)` is positive definite.
    pub covariance: Option<[[f64; N]; N]>,
    /// Σ ln Lᵢ at the optimum, in the data's own units (time unit, currency).
    pub log_likelihood: f64,
    /// See the module doc: the optimiser converged at a maximum.
    pub converged: bool,
    /// BFGS iterations, over all runs.
    pub iterations: u64,
    /// Customers in the likelihood.
    pub customers: u64,
}

impl<const N: usize> Fit<N> {
    /// The estimates' values, in the model's order.
    pub fn values(&self) -> [f64; N] {
        self.estimates.map(|e| e.value)
    }
}

/// A model's log-likelihood over its data.
pub(crate) trait LogLikelihood<const N: usize>: Sync {
    /// Σ ln Lᵢ over the customers and its gradient in the natural parameters θ (all > 0).
    fn value_and_gradient(&self, theta: &[f64; N]) -> (f64, [f64; N]);
    /// The number of customers (the sum of the weights).
    fn customers(&self) -> f64;
}

/// Where the optimiser ended, before the information matrix.
pub(crate) struct Optimum<const N: usize> {
    pub theta: [f64; N],
    pub log_likelihood: f64,
    pub iterations: u64,
    pub converged: bool,
}

/// Maximises the likelihood from θ = e^φ₀; see the module doc.
///
/// Near the optimum the mean log-likelihood's changes fall below its rounding, and the line
/// search can then fail before the gradient reaches [`GRADIENT_TOLERANCE`]; the run then ends
/// at the best point evaluated. A run that ends with the gradient above [`ACCEPT_GRADIENT`] is
/// followed by a fresh one from its best point (BFGS's inverse-Hessian estimate restarted), up to
/// [`MAX_RUNS`] runs or until a run improves nothing.
///
/// Then up to [`NEWTON_STEPS`] Newton steps in the natural parameters, θ ← θ + I(θ)⁻¹ ∇ln L
/// with the observed information of [`fit_summary`], each kept only if it does not lower ln L
/// (beyond rounding) and shrinks the gradient: from BFGS's 1e-7 they reach the gradient's own
/// rounding in a step or two, which the line search cannot (it compares values, and the values no
/// longer differ).
pub(crate) fn maximise<M: LogLikelihood<N>, const N: usize>(
    model: &M,
    start: [f64; N],
) -> Result<Optimum<N>, ClvError> {
    let mean_negative = |phi: &[f64]| -> (f64, Vec<f64>) {
        let theta: [f64; N] = std::array::from_fn(|j| phi[j].exp());
        let (ll, grad) = model.value_and_gradient(&theta);
        let n = model.customers();
        (-ll / n, (0..N).map(|j| -theta[j] * grad[j] / n).collect())
    };
    let problem = Problem {
        objective: &mean_negative,
        cache: RefCell::new(None),
        best: RefCell::new(None),
    };
    let mut phi = start.map(f64::ln).to_vec();
    let (mut cost, _) = problem.evaluate(&phi);
    if !cost.is_finite() {
        return Err(ClvError::Optimizer(
            "the log-likelihood is not finite at the starting point".to_string(),
        ));
    }
    let mut iterations = 0;
    for _ in 0..MAX_RUNS {
        iterations += bfgs(&problem, phi.clone())?;
        let best = problem.best.borrow().clone();
        let Some((best, best_cost)) = best else { break };
        let improved = best_cost < cost;
        phi = best;
        let gradient;
        (cost, gradient) = problem.evaluate(&phi);
        if norm(&gradient) < ACCEPT_GRADIENT || !improved {
            break;
        }
    }
    let mut theta: [f64; N] = std::array::from_fn(|j| phi[j].exp());
    let (mut log_likelihood, mut gradient) = model.value_and_gradient(&theta);
    let n = model.customers();
    let scaled = |theta: &[f64; N], g: &[f64; N]| -> f64 {
        (0..N)
            .map(|j| (theta[j] * g[j] / n).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    for _ in 0..NEWTON_STEPS {
        if scaled(&theta, &gradient) < NEWTON_ENOUGH {
            break;
        }
        let Some(covariance) = information(model, &theta).and_then(|i| cholesky_inverse(&i)) else {
            break;
        };
        let next: [f64; N] = std::array::from_fn(|j| {
            theta[j] + (0..N).map(|k| covariance[j][k] * gradient[k]).sum::<f64>()
        });
        if next.iter().any(|&t| t.is_nan() || t <= 0.0) {
            break;
        }
        let (next_ll, next_gradient) = model.value_and_gradient(&next);
        let before = scaled(&theta, &gradient);
        if !(next_ll.is_finite() && next_ll >= log_likelihood - 1e-12 * log_likelihood.abs())
            || scaled(&next, &next_gradient) >= before
        {
            break;
        }
        (theta, log_likelihood, gradient) = (next, next_ll, next_gradient);
    }
    Ok(Optimum {
        theta,
        log_likelihood,
        iterations,
        converged: scaled(&theta, &gradient) < ACCEPT_GRADIENT,
    })
}

/// One BFGS run from `phi`; its iterations. A numerical failure (a line search that finds no
/// acceptable step) ends the run; the caller takes the best point evaluated.
fn bfgs(problem: &Problem<'_>, phi: Vec<f64>) -> Result<u64, ClvError> {
    let dimension = phi.len();
    let fail = |e: argmin::core::Error| ClvError::Optimizer(e.to_string());
    let solver = BFGS::new(MoreThuenteLineSearch::new())
        .with_tolerance_grad(GRADIENT_TOLERANCE)
        .map_err(fail)?
        .with_tolerance_cost(COST_TOLERANCE)
        .map_err(fail)?;
    let identity: Vec<Vec<f64>> = (0..dimension)
        .map(|i| {
            (0..dimension)
                .map(|j| if i == j { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    let iterations = Arc::new(AtomicU64::new(0));
    let run = Executor::new(problem, solver)
        .configure(|state| {
            state
                .param(phi)
                .inv_hessian(identity)
                .max_iters(MAX_ITERATIONS)
        })
        .add_observer(Iterations(Arc::clone(&iterations)), ObserverMode::Always)
        .run();
    Ok(match run {
        Ok(result) => result.state().get_iter(),
        Err(_) => iterations.load(Ordering::Relaxed),
    })
}

/// Counts a run's iterations, which an error would otherwise lose.
struct Iterations(Arc<AtomicU64>);

impl<I: State> Observe<I> for Iterations {
    fn observe_iter(&mut self, state: &I, _kv: &KV) -> Result<(), argmin::core::Error> {
        self.0.store(state.get_iter(), Ordering::Relaxed);
        Ok(())
    }
}

/// The fitted parameters with their observed-information uncertainty.
///
/// `scale[j]` converts the parameter the model was fitted in to the one reported
/// (θ_reported = θ_fitted × scale): the models fit in rescaled units (time divided by the
/// longest age, money by the mean value) and report in the data's units, and a covariance
/// transforms as `C_jk × scale_j × scale_k`.
pub(crate) fn fit_summary<M: LogLikelihood<N>, const N: usize>(
    model: &M,
    optimum: &Optimum<N>,
    names: [&'static str; N],
    scale: [f64; N],
    log_likelihood: f64,
) -> Fit<N> {
    let information = information(model, &optimum.theta);
    let covariance = information.and_then(|h| cholesky_inverse(&h)).map(|c| {
        let mut out = c;
        for (j, row) in out.iter_mut().enumerate() {
            for (k, cell) in row.iter_mut().enumerate() {
                *cell *= scale[j] * scale[k];
            }
        }
        out
    });
    let estimates = std::array::from_fn(|j| {
        let value = optimum.theta[j] * scale[j];
        let se = covariance.map(|c| c[j][j].sqrt());
        Estimate {
            name: names[j],
            value,
            se,
            lower: se.map(|s| value - Z95 * s),
            upper: se.map(|s| value + Z95 * s),
        }
    });
    Fit {
        estimates,
        covariance,
        log_likelihood,
        converged: optimum.converged && covariance.is_some(),
        iterations: optimum.iterations,
        customers: model.customers().round() as u64,
    }
}

/// `−∂² Σ ln L / ∂θⱼ∂θₖ` by central differences of the analytic gradient, symmetrised; None
/// when a value is not finite.
fn information<M: LogLikelihood<N>, const N: usize>(
    model: &M,
    theta: &[f64; N],
) -> Option<[[f64; N]; N]> {
    let mut h = [[0.0; N]; N];
    for k in 0..N {
        let step = HESSIAN_STEP * theta[k];
        let mut up = *theta;
        let mut down = *theta;
        up[k] += step;
        down[k] -= step;
        let (_, g_up) = model.value_and_gradient(&up);
        let (_, g_down) = model.value_and_gradient(&down);
        for j in 0..N {
            h[j][k] = -(g_up[j] - g_down[j]) / (2.0 * step);
        }
    }
    let mut sym = [[0.0; N]; N];
    for j in 0..N {
        for k in 0..N {
            sym[j][k] = (h[j][k] + h[k][j]) / 2.0;
        }
    }
    sym.iter().flatten().all(|v| v.is_finite()).then_some(sym)
}

/// The inverse of a symmetric positive-definite matrix through its Cholesky factor; None when the
/// matrix is not positive definite.
#[allow(clippy::needless_range_loop)] // the textbook's indices read best
pub(crate) fn cholesky_inverse<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    // m = L Lᵀ.
    let mut l = [[0.0; N]; N];
    for j in 0..N {
        let mut d = m[j][j];
        for k in 0..j {
            d -= l[j][k] * l[j][k];
        }
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        l[j][j] = d.sqrt();
        for i in j + 1..N {
            let mut s = m[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            l[i][j] = s / l[j][j];
        }
    }
    // m⁻¹ = L⁻ᵀ L⁻¹: solve L y = eₖ, then Lᵀ x = y, column by column.
    let mut inv = [[0.0; N]; N];
    for col in 0..N {
        let mut y = [0.0; N];
        for i in 0..N {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        for i in (0..N).rev() {
            let mut s = y[i];
            for k in i + 1..N {
                s -= l[k][i] * inv[k][col];
            }
            inv[i][col] = s / l[i][i];
        }
    }
    Some(inv)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Σ over `items` of `term(item) = (value, gradient)`, on up to `threads` threads for long
/// slices (chunks on scoped threads, added in chunk order, so the result is the same from run to
/// run for a given thread count).
pub(crate) fn parallel_sum<T: Sync, const N: usize>(
    items: &[T],
    threads: usize,
    term: impl Fn(&T) -> (f64, [f64; N]) + Sync,
) -> (f64, [f64; N]) {
    let add = |mut acc: (f64, [f64; N]), item: &T| {
        let (v, g) = term(item);
        acc.0 += v;
        for (a, b) in acc.1.iter_mut().zip(g) {
            *a += b;
        }
        acc
    };
    if items.len() < PARALLEL_FROM || threads <= 1 {
        return items.iter().fold((0.0, [0.0; N]), add);
    }
    let chunk = items.len().div_ceil(threads);
    let parts: Vec<(f64, [f64; N])> = thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().fold((0.0, [0.0; N]), add)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a likelihood thread panicked"))
            .collect()
    });
    parts.into_iter().fold((0.0, [0.0; N]), |mut acc, (v, g)| {
        acc.0 += v;
        for (a, b) in acc.1.iter_mut().zip(g) {
            *a += b;
        }
        acc
    })
}

/// φ ↦ (f(φ), ∇f(φ)).
type Objective<'m> = dyn Fn(&[f64]) -> (f64, Vec<f64>) + 'm;

/// A point φ, f(φ) and ∇f(φ).
type Evaluated = (Vec<f64>, f64, Vec<f64>);

/// The argmin view of a model: the mean negative log-likelihood in log-parameters, behind a
/// `dyn` so that one copy of argmin's BFGS serves every model. The last point's value and
/// gradient are kept, since the line search asks for both at each point.
struct Problem<'m> {
    objective: &'m Objective<'m>,
    cache: RefCell<Option<Evaluated>>,
    /// The point of lowest cost evaluated so far, and its cost.
    best: RefCell<Option<(Vec<f64>, f64)>>,
}

impl Problem<'_> {
    /// `(f(φ), ∇f(φ))`; +∞ and a zero gradient where the likelihood is not finite, which the line
    /// search treats as a step too far.
    fn evaluate(&self, phi: &[f64]) -> (f64, Vec<f64>) {
        if let Some((at, f, g)) = self.cache.borrow().as_ref()
            && at.as_slice() == phi
        {
            return (*f, g.clone());
        }
        let (f, g) = (self.objective)(phi);
        let (f, g) = if f.is_finite() && g.iter().all(|g| g.is_finite()) {
            (f, g)
        } else {
            (f64::INFINITY, vec![0.0; phi.len()])
        };
        let mut best = self.best.borrow_mut();
        if f < best.as_ref().map_or(f64::INFINITY, |b| b.1) {
            *best = Some((phi.to_vec(), f));
        }
        *self.cache.borrow_mut() = Some((phi.to_vec(), f, g.clone()));
        (f, g)
    }
}

impl CostFunction for &Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, phi: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        Ok(self.evaluate(phi).0)
    }
}

impl Gradient for &Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, phi: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(self.evaluate(phi).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n draws of a normal with known mean μ and standard deviation: ln L = Σ −(y−μ)²/(2σ²) −
    /// ln σ + const, whose MLE is the sample mean and the (biased) sample variance, with
    /// SE(μ̂) = σ̂/√n and SE(σ̂) = σ̂/√(2n).
    struct Normal(Vec<f64>);

    impl LogLikelihood<2> for Normal {
        fn value_and_gradient(&self, theta: &[f64; 2]) -> (f64, [f64; 2]) {
            let [mu, sigma] = *theta;
            parallel_sum(&self.0, 2, |&y| {
                let z = (y - mu) / sigma;
                (
                    -z * z / 2.0 - sigma.ln(),
                    [z / sigma, z * z / sigma - 1.0 / sigma],
                )
            })
        }
        fn customers(&self) -> f64 {
            self.0.len() as f64
        }
    }

    #[test]
    fn normal_mle_and_its_standard_errors() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, variance 4 (σ̂ = 2).
        let model = Normal(vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        let optimum = maximise(&model, [1.0, 1.0]).unwrap();
        assert!(optimum.converged);
        let fit = fit_summary(&model, &optimum, ["mu", "sigma"], [1.0, 1.0], 0.0);
        let [mu, sigma] = fit.estimates;
        assert!((mu.value - 5.0).abs() < 1e-7, "{mu:?}");
        assert!((sigma.value - 2.0).abs() < 1e-7, "{sigma:?}");
        // SE(μ̂) = 2/√8, SE(σ̂) = 2/√16 = 0.5.
        assert!((mu.se.unwrap() - 2.0 / 8f64.sqrt()).abs() < 1e-6);
        assert!((sigma.se.unwrap() - 0.5).abs() < 1e-6);
        assert!((mu.lower.unwrap() - (5.0 - Z95 * 2.0 / 8f64.sqrt())).abs() < 1e-6);
        assert!(fit.converged && fit.customers == 8);
    }

    #[test]
    fn cholesky_inverse_of_a_known_matrix() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8.
        let inv = cholesky_inverse(&[[4.0, 2.0], [2.0, 3.0]]).unwrap();
        let expected = [[0.375, -0.25], [-0.25, 0.5]];
        for j in 0..2 {
            for k in 0..2 {
                assert!((inv[j][k] - expected[j][k]).abs() < 1e-15);
            }
        }
        // Indefinite and singular matrices have no such inverse.
        assert_eq!(cholesky_inverse(&[[1.0, 2.0], [2.0, 1.0]]), None);
        assert_eq!(cholesky_inverse(&[[1.0, 1.0], [1.0, 1.0]]), None);
    }

    #[test]
    fn parallel_sum_equals_the_plain_sum() {
        let items: Vec<f64> = (0..(3 * PARALLEL_FROM)).map(|i| i as f64).collect();
        let (v, [g]) = parallel_sum(&items, 3, |&x| (x, [1.0]));
        let n = items.len() as f64;
        assert_eq!(v, n * (n - 1.0) / 2.0);
        assert_eq!(g, n);
    }
}
