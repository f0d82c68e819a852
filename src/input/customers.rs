//! customers.csv (`--customers FILE`): customer attributes that win over those on order lines.

use std::collections::{HashMap, HashSet};

use anyhow::{Result, bail};

use super::table::{Spec, Table};
use super::{Book, ReadOptions, Source};
use crate::metrics::slice::Attributes;

pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "customer_id",
        required: true,
    },
    Spec {
        name: "segment",
        required: false,
    },
    Spec {
        name: "loyalty",
        required: false,
    },
    Spec {
        name: "signup_date",
        required: false,
    },
];
const ID: usize = 0;
const SEGMENT: usize = 1;
const LOYALTY: usize = 2;
const SIGNUP: usize = 3;

/// The customers of customers.csv by id. An empty cell leaves that attribute to the order lines.
#[derive(Debug, Default)]
pub struct Customers {
    pub attributes: HashMap<Box<str>, Attributes>,
    /// The names of the columns the file has.
    pub columns: HashSet<&'static str>,
    pub file: String,
    /// Rows whose cells lost invisible characters.
    pub invisible: crate::input::Invisible,
}

impl Customers {
    /// Reads customers.csv; segment names are interned in `book`.
    pub fn read(source: &Source, opts: &ReadOptions, book: &mut Book) -> Result<Customers> {
        let mut t = Table::open(source, opts, (SPECS, &opts.customers_map), "customers")?;
        let columns = t.present();
        let mut customers = Customers {
            columns,
            ..Customers::default()
        };
        let mut lines: HashMap<Box<str>, u64> = HashMap::new();
        while t.next_row()? {
            let id: Box<str> = t.required(ID)?.into();
            if let Some(first) = lines.insert(id.clone(), t.line()) {
                bail!(
                    "{}:{}: customer {id:?} is listed twice (first on line {first})",
                    t.name,
                    t.line()
                );
            }
            let segment = t
                .cell(SEGMENT)?
                .filter(|s| !s.is_empty())
                .map(|s| book.segments.intern(s));
            let loyalty = match t.cell(LOYALTY)? {
                None | Some("") => None,
                Some(text) => Some(
                    super::orders::parse_flag(text)
                        .ok_or_else(|| t.invalid(LOYALTY, text, "true/false, 1/0 or yes/no"))?,
                ),
            };
            // signup_date is not used by any metric yet; it is checked so that a broken
            // column is noticed.
            t.date(SIGNUP)?;
            customers
                .attributes
                .insert(id, Attributes { segment, loyalty });
        }
        customers.invisible = t.invisible().clone();
        customers.file = t.name;
        Ok(customers)
    }

    pub fn get(&self, customer_id: &str) -> Option<Attributes> {
        self.attributes.get(customer_id).copied()
    }
}
