//! The book: what reading the orders learns about entities, as opposed to KPIs. Ids are interned
//! into dense integers; each order keeps its customer and date, each customer the facts every
//! metric shares (first purchase date, loyalty membership). Memory grows with customers and
//! orders, never with lines.

use chrono::NaiveDate;

use super::customer_ids::{CustomerIds, Found, Handle};
pub use super::intern::Interner;
use super::intern::OrderIds;

use super::orders::Row;
use super::years::Years;
use super::{Customers, Line, RowError};

/// An order: every line of one order_id has the same customer and date. 16 bytes: a large
/// export has millions.
#[derive(Clone, Copy, Debug)]
pub struct Order {
    pub customer: u32,
    pub date: NaiveDate,
    /// Bit 63: at least one purchase line (amount > 0), only then does the order count; bits
    /// 48-62: the file where the order was first seen, bits 0-47 the line (for error messages).
    /// Two halves, so that the order needs no 8-byte alignment.
    packed: [u32; 2],
}

const PURCHASE: u64 = 1 << 63;
const LINE_BITS: u32 = 48;
const FILE_MAX: u64 = (1 << 15) - 1;

impl Order {
    fn new(customer: u32, date: NaiveDate, file: u32, line: u64) -> Order {
        let file = u64::from(file).min(FILE_MAX);
        let line = line.min((1 << LINE_BITS) - 1);
        let mut order = Order {
            customer,
            date,
            packed: [0; 2],
        };
        order.set(file << LINE_BITS | line);
        order
    }

    fn get(&self) -> u64 {
        u64::from(self.packed[0]) << 32 | u64::from(self.packed[1])
    }

    fn set(&mut self, value: u64) {
        self.packed = [(value >> 32) as u32, value as u32];
    }

    /// At least one purchase line (amount > 0): only then does the order count.
    pub fn has_purchase(&self) -> bool {
        self.get() & PURCHASE != 0
    }

    fn mark_purchase(&mut self) {
        self.set(self.get() | PURCHASE);
    }

    /// Where the order was first seen: (file index, line).
    fn seen_at(&self) -> (u32, u64) {
        let value = self.get() & !PURCHASE;
        ((value >> LINE_BITS) as u32, value & ((1 << LINE_BITS) - 1))
    }
}

/// What every metric needs to know about a customer, over all input rows.
#[derive(Clone, Copy, Debug, Default)]
pub struct CustomerFacts {
    /// The earliest date of the customer's purchase lines.
    pub first_order: Option<NaiveDate>,
    /// Any line of the customer says loyalty = true.
    pub member: bool,
    /// The non-empty segment of the customer's earliest-dated line (ties: the smallest value),
    /// with that date.
    pub segment: Option<(NaiveDate, u32)>,
}

#[derive(Debug, Default)]
pub struct Book {
    pub customers: CustomerIds,
    pub products: Interner,
    pub categories: Interner,
    pub campaigns: Interner,
    pub channels: Interner,
    pub segments: Interner,
    /// Values of the column of `--by column:NAME`.
    pub extras: Interner,
    order_ids: OrderIds,
    pub orders: Vec<Order>,
    /// The order of the last line admitted, with its id as written (compared from here, not
    /// from the text store, which is far away in memory) and its customer's handle.
    last_order: Option<u32>,
    last_order_text: String,
    last_customer: Handle,
    pub customer_facts: Vec<CustomerFacts>,
    /// Customer facts of recorded lines, not yet applied to `customer_facts`.
    pending: Vec<Fact>,
    /// The names of the files read, in order.
    pub files: Vec<String>,
    /// The first and last date of the lines, without those far from the rest once read
    /// ([`Years::far`]).
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Lines per year of their date.
    pub years: Years,
    pub lines: u64,
}

impl Book {
    /// The customer of an order id handed out by [`Book::admit`].
    pub fn customer_of(&self, order: u32) -> Option<u32> {
        self.orders.get(order as usize).map(|o| o.customer)
    }

    /// Checks that a row, whose customer has `customer` for handle, agrees with the earlier
    /// lines of its order on customer and date, and returns the order's id (`None` for a new
    /// order), for [`Book::admit`].
    pub(crate) fn check_order(
        &self,
        row: &Row<&str>,
        customer: Handle,
        file: u32,
        line: u64,
    ) -> Result<Option<u32>, RowError> {
        // The lines of an order usually follow each other: try the last order first.
        let (id, last) = match self.last_order {
            Some(id) if self.last_order_text == row.order => (Some(id), true),
            _ => (self.order_ids.get(row.order), false),
        };
        let Some((id, order)) = id.and_then(|id| Some((id, self.orders.get(id as usize)?))) else {
            return Ok(None);
        };
        if row.unfilled && !last {
            let (first_file, first_line) = order.seen_at();
            return Err(RowError {
                file: self.file_name(file).to_string(),
                line,
                message: format!(
                    "order {:?} began at {}:{first_line}, with other orders between, and this \
                     line has an empty --fill-down cell, which the order's previous line was to \
                     give: --fill-down needs an order's lines one after another (sort the file \
                     by order id)",
                    row.order,
                    self.file_name(first_file),
                ),
            });
        }
        let same_customer = if last {
            self.last_customer == customer
        } else {
            self.customers.id(customer) == Some(order.customer)
        };
        if same_customer && order.date == row.date {
            return Ok(Some(id));
        }
        // A guest's customer (`--guests order`) is its order's own id, never written in the file.
        let shown = |id: &str| match id.strip_prefix(" guest:") {
            Some(_) => "(none: a guest line)".to_string(),
            None => format!("{id:?}"),
        };
        let (what, now, before) = if same_customer {
            (
                "date",
                format!("{:?}", row.date.to_string()),
                format!("{:?}", order.date.to_string()),
            )
        } else {
            (
                "customer",
                shown(row.customer),
                shown(&self.customers.name(order.customer)),
            )
        };
        let (first_file, first_line) = order.seen_at();
        Err(RowError {
            file: self.file_name(file).to_string(),
            line,
            message: format!(
                "order {:?} has {what} {now}, but {}:{first_line} gives it {what} {before}; \
                 an order's lines must share one customer and one date",
                row.order,
                self.file_name(first_file),
            ),
        })
    }

    /// Interns a row into a [`Line`]; `order` is what [`Book::check_order`] returned for it,
    /// `customer` the row's customer as looked up.
    pub(crate) fn admit(
        &mut self,
        row: &Row<&str>,
        order: Option<u32>,
        customer: Found,
        file: u32,
        line: u64,
    ) -> Line {
        let known = order.and_then(|id| Some((id, self.orders.get(id as usize)?.customer)));
        let handle = customer.handle;
        let (order, customer) = match known {
            Some(known) => known,
            None => {
                let customer = self.customers.admit(customer);
                let order = self.order_ids.add(row.order);
                self.orders.push(Order::new(customer, row.date, file, line));
                (order, customer)
            }
        };
        self.years.add(row.date, file, line);
        if self.last_order != Some(order) {
            self.last_order = Some(order);
            self.last_order_text.clear();
            self.last_order_text.push_str(row.order);
            self.last_customer = handle;
        }
        Line {
            order,
            customer,
            date: row.date,
            product: self.products.intern(row.product),
            category: row.category.map(|c| self.categories.intern(c)),
            quantity: row.quantity,
            amount: row.amount,
            channel: row.channel.map(|c| self.channels.intern(c)),
            campaign: row.campaign.map(|c| self.campaigns.intern(c)),
            segment: row.segment.map(|c| self.segments.intern(c)),
            loyalty: row.loyalty,
            extra: row.extra.map(|c| self.extras.intern(c)),
        }
    }

    /// Applies customers.csv: its attributes win over those of the order lines (an empty cell
    /// leaves the line's). Returns how many customers of the orders the file lacks.
    pub fn apply(&mut self, customers: &Customers) -> u64 {
        let mut unknown = 0;
        for (c, facts) in self.customer_facts.iter_mut().enumerate() {
            let Some(given) = customers.get(&self.customers.name(c as u32)) else {
                unknown += 1;
                continue;
            };
            if let Some(member) = given.loyalty {
                facts.member = member;
            }
            if let Some(segment) = given.segment {
                facts.segment = Some((NaiveDate::MIN, segment));
            }
        }
        unknown
    }

    pub(crate) fn file_name(&self, file: u32) -> &str {
        self.files.get(file as usize).map_or("", String::as_str)
    }

    /// Records the entity facts of a parsed line. The customer's facts are noted and applied by
    /// [`Book::settle`], for a batch of lines at a time: a tight loop of independent updates lets
    /// the processor overlap their cache misses (1.25M customers do not fit in cache).
    pub(crate) fn record(&mut self, line: &Line) {
        self.lines += 1;
        self.span = Some(match self.span {
            None => (line.date, line.date),
            Some((first, last)) => (first.min(line.date), last.max(line.date)),
        });
        if line.is_purchase()
            && let Some(order) = self.orders.get_mut(line.order as usize)
        {
            order.mark_purchase();
        }
        let fact = Fact {
            customer: line.customer,
            date: line.date,
            member: line.loyalty == Some(true),
            segment: line.segment,
            purchase: line.is_purchase(),
        };
        // The lines of an order follow each other with one customer and date: one fact for
        // them (mostly one segment too), so that fewer updates land far away in memory.
        match self.pending.last_mut() {
            Some(last)
                if (last.customer, last.date, last.segment)
                    == (fact.customer, fact.date, fact.segment) =>
            {
                last.member |= fact.member;
                last.purchase |= fact.purchase;
            }
            _ => self.pending.push(fact),
        }
    }

    /// Applies the customer facts noted since the last call, and publishes the customers
    /// admitted since ([`CustomerIds::publish`]).
    pub(crate) fn settle(&mut self) {
        self.customers.publish();
        let Book {
            pending,
            customer_facts: customers,
            segments,
            ..
        } = self;
        for fact in pending.drain(..) {
            let c = fact.customer as usize;
            if c >= customers.len() {
                customers.resize(c + 1, CustomerFacts::default());
            }
            let customer = &mut customers[c];
            customer.member |= fact.member;
            if let Some(segment) = fact.segment {
                let earlier = match customer.segment {
                    None => true,
                    Some((date, current)) => {
                        fact.date < date
                            || (fact.date == date
                                && segments.name(segment) < segments.name(current))
                    }
                };
                if earlier {
                    customer.segment = Some((fact.date, segment));
                }
            }
            if fact.purchase {
                customer.first_order =
                    Some(customer.first_order.map_or(fact.date, |d| d.min(fact.date)));
            }
        }
    }
}

/// What a line tells of its customer, until [`Book::settle`].
#[derive(Clone, Copy, Debug)]
struct Fact {
    customer: u32,
    date: NaiveDate,
    member: bool,
    segment: Option<u32>,
    purchase: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_packs_where_it_was_seen_and_whether_it_bought() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let mut order = Order::new(7, date, 3, 123_456_789_012);
        assert_eq!(std::mem::size_of::<Order>(), 16);
        assert_eq!((order.customer, order.date), (7, date));
        assert_eq!(order.seen_at(), (3, 123_456_789_012));
        assert!(!order.has_purchase());
        order.mark_purchase();
        assert!(order.has_purchase());
        assert_eq!(order.seen_at(), (3, 123_456_789_012));
        // Beyond the packed widths, the file and line saturate rather than spill.
        let far = Order::new(7, date, 40_000, 1 << 50);
        assert_eq!(far.seen_at(), (32_767, (1 << 48) - 1));
        assert!(!far.has_purchase());
    }
}
