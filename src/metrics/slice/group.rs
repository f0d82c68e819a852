//! Customer groups: customers split by the customer dimensions (segment, loyalty), which are
//! known only once every line is read. Not to be confused with `cohort`, customers by the
//! period of their first purchase.

use rustc_hash::FxHashMap as HashMap;

use super::Dim;
use super::dim::NONE;
use crate::input::Book;

/// A group of customers who share the values of the customer dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(u32);

/// Customers split by the customer dimensions.
#[derive(Debug, Default)]
pub struct CustomerGroups {
    /// Per customer, their group; empty when there is no customer dimension.
    of: Vec<GroupId>,
    /// Per group, the values of the customer dimensions.
    keys: Vec<Box<[u32]>>,
}

/// A customer's attributes from customers.csv, which win over those on the order lines (see
/// [`Book::apply`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    /// An id in [`Book::segments`].
    pub segment: Option<u32>,
    pub loyalty: Option<bool>,
}

impl CustomerGroups {
    /// The groups of the book's customers, whose attributes already include customers.csv.
    pub fn new(book: &Book, dims: &[Dim]) -> CustomerGroups {
        let mut groups = CustomerGroups::default();
        if dims.is_empty() {
            return groups;
        }
        let mut ids: HashMap<Box<[u32]>, GroupId> = HashMap::default();
        for facts in &book.customer_facts {
            let key: Box<[u32]> = dims
                .iter()
                .map(|d| match d {
                    Dim::Segment => facts.segment.map_or(NONE, |s| s.1),
                    Dim::Loyalty => u32::from(facts.member),
                    _ => NONE,
                })
                .collect();
            let next = GroupId(groups.keys.len() as u32);
            let id = *ids.entry(key.clone()).or_insert_with(|| {
                groups.keys.push(key);
                next
            });
            groups.of.push(id);
        }
        groups
    }

    /// The customer's group; `None` without customer dimensions.
    pub fn of(&self, customer: u32) -> Option<GroupId> {
        self.of.get(customer as usize).copied()
    }

    /// The values of the group's customer dimensions, in the order given.
    pub fn key(&self, group: GroupId) -> Option<&[u32]> {
        self.keys.get(group.0 as usize).map(|k| &k[..])
    }
}
