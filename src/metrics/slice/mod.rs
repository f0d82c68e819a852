//! Slicing: `--by` dimensions and `--period`.
//!
//! A *scope* is what one result measures: the lines of one period (or of the whole window) and,
//! under order-line dimensions, one combination of their values. Every line is routed to its
//! scopes while reading ([`Router`]), so each metric folds per scope in the same single pass.
//! Customer dimensions (segment, loyalty) are attributes of a customer, known only once every
//! line is read: customers are split into [`CustomerGroups`] when the results are made.

mod dim;
mod group;
mod label;
mod period;
mod router;

pub use dim::{Dim, NONE, UNKNOWN};
pub use group::{Attributes, CustomerGroups, GroupId};
pub use label::{group_label, label_part, value_label};
pub use period::PeriodKind;
pub use router::{Route, Router, ScopeId, ScopeKey};

/// How results are sliced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slicing {
    pub dims: Vec<Dim>,
    pub period: Option<PeriodKind>,
}

impl Slicing {
    pub fn line_dims(&self) -> impl Iterator<Item = &Dim> {
        self.dims.iter().filter(|d| !d.is_customer())
    }

    pub fn customer_dims(&self) -> impl Iterator<Item = &Dim> {
        self.dims.iter().filter(|d| d.is_customer())
    }

    /// `segment/channel`: the dimensions in the order given, empty without any.
    pub fn by(&self) -> String {
        self.dims
            .iter()
            .map(Dim::name)
            .collect::<Vec<_>>()
            .join("/")
    }
}
