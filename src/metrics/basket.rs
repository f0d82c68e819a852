//! The baskets of `xsell pairs`, grouped by `--by`: an order (or a customer's purchases in the
//! window) is one basket, split under an order-line dimension by its lines' values (the pairs of
//! one channel are those bought together through that channel), and put in the group of its
//! customer's attributes under a customer dimension.

use rustc_hash::FxHashMap as HashMap;

use super::Level;
use super::pairs::{Baskets, Counts};
use super::slice::{CustomerGroups, Dim, GroupId, group_label};
use crate::input::{Book, Line};

/// What one basket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasketKind {
    Order,
    /// Everything one customer bought in the window.
    Customer,
}

/// A group of baskets: its line values' id (in [`BasketGroups`]) and its customers' group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Group {
    line: u32,
    customers: Option<GroupId>,
}

/// One basket: an order or a customer, within one group of line values. Sorted by group,
/// then basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct BasketKey {
    line_group: u32,
    basket: u32,
}

/// The purchase lines measured, by basket and group of line values.
pub struct BasketGroups {
    kind: BasketKind,
    level: Level,
    dims: Vec<Dim>,
    /// `dims` split: the order-line dimensions a basket splits by, and the customer ones.
    line_dims: Vec<Dim>,
    customer_dims: Vec<Dim>,
    /// The values of the order-line dimensions → their group id.
    ids: HashMap<Vec<u32>, u32>,
    values: Vec<u32>,
    baskets: Baskets<BasketKey>,
}

impl BasketGroups {
    pub fn new(kind: BasketKind, level: Level, dims: &[Dim]) -> BasketGroups {
        BasketGroups {
            kind,
            level,
            dims: dims.to_vec(),
            line_dims: dims.iter().filter(|d| !d.is_customer()).cloned().collect(),
            customer_dims: dims.iter().filter(|d| d.is_customer()).cloned().collect(),
            ids: HashMap::default(),
            values: Vec::new(),
            baskets: Baskets::default(),
        }
    }

    /// Adds a purchase line measured (the caller keeps to the window).
    pub fn add(&mut self, line: &Line) {
        let group = if self.line_dims.is_empty() {
            // One group, of every line: no lookup a line.
            if self.ids.is_empty() {
                self.ids.insert(Vec::new(), 0);
            }
            0
        } else {
            self.values.clear();
            self.values
                .extend(self.line_dims.iter().map(|d| d.line_value(line)));
            let next = self.ids.len() as u32;
            match self.ids.get(&self.values) {
                Some(&g) => g,
                None => *self.ids.entry(self.values.clone()).or_insert(next),
            }
        };
        let basket = match self.kind {
            BasketKind::Customer => line.customer,
            BasketKind::Order => line.order,
        };
        let key = BasketKey {
            line_group: group,
            basket,
        };
        self.baskets.add(key, self.level.item(line));
    }

    /// The counts of each group, baskets over `max` items adding no pairs, with each group's
    /// label (`all` without dimensions), sorted by label. `book` holds the customers'
    /// attributes, customers.csv applied.
    pub fn count(self, max: usize, book: &Book) -> Vec<(String, Counts)> {
        let customer_dims = &self.customer_dims;
        let customer_groups = CustomerGroups::new(book, customer_dims);
        let customer_of = |basket: u32| match self.kind {
            BasketKind::Customer => Some(basket),
            BasketKind::Order => book.customer_of(basket),
        };
        let counts = self.baskets.count(max, |key| Group {
            line: key.line_group,
            customers: if customer_dims.is_empty() {
                None
            } else {
                customer_of(key.basket).and_then(|c| customer_groups.of(c))
            },
        });
        let mut line_values: Vec<&[u32]> = vec![&[]; self.ids.len()];
        for (key, &g) in &self.ids {
            line_values[g as usize] = key;
        }
        let label = |group: Group| {
            if self.dims.is_empty() {
                return "all".to_string();
            }
            let line = line_values.get(group.line as usize).copied();
            let customer = (group.customers)
                .and_then(|g| customer_groups.key(g))
                .unwrap_or_default();
            group_label(book, None, &self.dims, line.unwrap_or_default(), customer)
        };
        let mut groups: Vec<(String, Counts)> =
            counts.into_iter().map(|(g, c)| (label(g), c)).collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    /// Order 0 (customer 0): A and B by email, C by sms; order 1 (customer 1): A and C by sms,
    /// C twice.
    fn lines(book: &mut Book) -> Vec<Line> {
        let (email, sms) = (book.channels.intern("email"), book.channels.intern("sms"));
        let [a, b, c] = ["A", "B", "C"].map(|p| book.products.intern(p));
        let line = |order: u32, product: u32, channel: u32| Line {
            order,
            customer: order,
            date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            product,
            category: None,
            quantity: 1,
            amount: Money::parse("1").unwrap_or_default(),
            channel: Some(channel),
            campaign: None,
            segment: None,
            loyalty: None,
            extra: None,
        };
        vec![
            line(0, a, email),
            line(0, b, email),
            line(0, c, sms),
            line(1, a, sms),
            line(1, c, sms),
            line(1, c, sms),
        ]
    }

    /// (label, baskets, baskets holding A, B, C) of each group.
    fn count(kind: BasketKind, dims: &[Dim]) -> Vec<(String, u64, [u64; 3])> {
        let mut book = Book::default();
        let mut groups = BasketGroups::new(kind, Level::Product, dims);
        for line in lines(&mut book) {
            groups.add(&line);
        }
        (groups.count(50, &book).into_iter())
            .map(|(label, c)| (label, c.baskets, [0, 1, 2].map(|i| c.item(i))))
            .collect()
    }

    #[test]
    fn baskets_split_by_their_lines_values() {
        // email: order 0's {A, B}; sms: order 0's {C} and order 1's {A, C}.
        assert_eq!(
            count(BasketKind::Order, &[Dim::Channel]),
            [
                ("email".to_string(), 1, [1, 1, 0]),
                ("sms".to_string(), 2, [1, 0, 2]),
            ]
        );
        // Unsliced, an order is one basket; a customer here has one order each.
        for kind in [BasketKind::Order, BasketKind::Customer] {
            assert_eq!(count(kind, &[]), [("all".to_string(), 2, [2, 1, 2])]);
        }
    }
}
