//! Predictive customer lifetime value: the BG/NBD model of repeat purchases and the Gamma-Gamma
//! model of their value, fitted by maximum likelihood on each customer's RFM summary.
//!
//! The pipeline, one module each:
//!
//! 1. [`rfm`]: order lines → per customer `(x, t_x, T, m)`: repeat purchase days, recency, age
//!    and the mean value of the repeat days, exactly as lifetimes'
//!    `summary_data_from_transaction_data` defines them.
//! 2. [`bgnbd`]: fit `(r, α, a, b)` of the BG/NBD model (Fader, Hardie & Lee 2005a); per customer
//!    P(alive) and the expected number of purchases in the next `t` time units.
//! 3. [`gamma_gamma`]: fit `(p, q, v)` of the Gamma-Gamma model (Fader, Hardie & Lee 2005b;
//!    Fader & Hardie 2013) on the returning customers; per customer the expected value of a
//!    purchase.
//! 4. [`value`]: discounted CLV over a horizon of months, as lifetimes'
//!    `customer_lifetime_value` computes it.
//! 5. [`predict`]: both models fitted once, each customer's predictions, and the CLV summed per
//!    group; [`rfm`]'s accumulator tags each customer with their first purchase line, whose
//!    values (channel, category, campaign, ...) are the customer's group under `--by`.
//!
//! Both fits share [`mle`]: BFGS on the logarithms of the parameters (so they stay positive),
//! standard errors from the observed information (the inverse Hessian of the negative
//! log-likelihood at the optimum, in the natural parameters) and 95% Wald intervals, as lifetimes
//! reports them. [`special`] holds ln Γ, ψ and the Gauss hypergeometric function; [`simulate`]
//! draws synthetic customers from the model (tests and timing).
//!
//! Money is exact ([`crate::money::Money`]) while a customer's purchases are summed; the models
//! work in `f64`, which is ample for a statistical fit (the likelihood needs 3-4 significant
//! digits of a mean purchase value, not cents).
//!
//! References:
//! - P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting your customers the easy way: an
//!   alternative to the Pareto/NBD model", Marketing Science 24(2):275-284 (2005a).
//! - P. S. Fader, B. G. S. Hardie, K. L. Lee, "RFM and CLV: using iso-value curves for customer
//!   base analysis", Journal of Marketing Research 42(4):415-430 (2005b).
//! - P. S. Fader, B. G. S. Hardie, "The Gamma-Gamma model of monetary value" (2013),
//!   <http://www.brucehardie.com/notes/025/>; "Computing P(alive) using the BG/NBD model" (2008),
//!   <http://www.brucehardie.com/notes/021/>.
//! - C. Davidson-Pilon et al., lifetimes 0.11.3 (MIT), <https://github.com/CamDavidsonPilon/lifetimes>:
//!   the definitions followed here (its `utils.py`, `beta_geo_fitter.py`, `gamma_gamma_fitter.py`).

pub mod bgnbd;
pub mod gamma_gamma;
pub mod mle;
pub mod predict;
pub mod rfm;
pub mod simulate;
pub mod special;
pub mod value;

pub use bgnbd::{BgNbd, BgNbdFit};
pub use gamma_gamma::{GammaGamma, GammaGammaFit};
pub use mle::{Estimate, Fit};
pub use rfm::{Rfm, RfmAccumulator, TimeUnit};
pub use value::{ClvOptions, customer_lifetime_value};

/// Why a model was not fitted: the data cannot identify it, or a customer's summary is invalid.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ClvError {
    #[error(
        "the {model} model needs at least {needed} customers with a repeat purchase to identify its \
         parameters, and the data has {found}; use a longer observation period (an earlier first \
         date or a later end date), or report CLV from history instead of a model"
    )]
    TooFewRepeatBuyers {
        model: &'static str,
        needed: usize,
        found: usize,
    },
    #[error(
        "the BG/NBD model needs customers observed for some time, and every customer's first \
         purchase is on the observation end date; choose a later end date"
    )]
    NoObservationTime,
    #[error(
        "the Gamma-Gamma model needs repeat purchase values that differ, and all {count} returning \
         customers have the same mean value {value}; the model adds nothing to that value"
    )]
    NoValueSpread { count: usize, value: f64 },
    #[error("customer {index}: {problem}")]
    InvalidCustomer { index: usize, problem: String },
    #[error("the optimiser failed: {0}")]
    Optimizer(String),
}

/// Asserts `actual` is within `rel` of `expected`, relative to it (the models' tests).
#[cfg(test)]
pub(crate) fn assert_rel(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        ((actual - expected) / expected).abs() <= rel,
        "{what}: got {actual:e}, expected {expected:e} (relative tolerance {rel:e})"
    );
}
