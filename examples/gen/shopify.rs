//! The generated orders in the layout of Shopify's admin "Export orders" CSV: `orders-shopify.csv`.
//!
//! One row per line item under Shopify's 79 column names, in Shopify's order; an order's rows share
//! its `Name` (`#1001`, `#1002`, ... counting every order written) and the line item columns, and
//! the order-level fields (Email, Financial Status, Created at, totals, addresses, Source, ...) are
//! on its first row only, as Shopify writes them.
//!
//! Every plain order becomes one Shopify order, in the same sequence, and a reader that applies the
//! rules of `xsell --preset shopify` gets the plain file's lines back:
//!
//! | plain | Shopify |
//! |---|---|
//! | order_id | Name |
//! | customer_id `U000330` | Email `u000330@example.com` |
//! | order_date | date part of Created at (`2024-03-05 14:22:11 -0500`, US Eastern time) |
//! | product_id `P017` | Lineitem sku `P017`; every 25th product has no sku, and its Lineitem name (unique) names it |
//! | quantity (negative on a return) | Lineitem quantity (negative on a return) |
//! | amount | Lineitem quantity × Lineitem price − Lineitem discount |
//!
//! Lineitem price is the plain unit price with no discount (`0.00`; empty on return lines), except
//! on about 5% of the other lines: there it is a list price x cents higher, with a Lineitem discount
//! of quantity × x, so that the amount is the same to the cent.
//!
//! On top of the plain orders, before a plain order, about 0.5% refunded and 0.5% voided orders of
//! known customers, and about 1% guest orders (empty Email): a reader applying the preset leaves
//! them out, so its KPIs are the plain file's. Plain orders are `paid`, or `partially_refunded` when
//! they hold a return line (kept: only refunded and voided orders are left out).
//!
//! All the Shopify-only values come from a generator of their own, so `orders.csv` is the same
//! with or without this file.

use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::{CATEGORIES, DAYS, Rng, civil, date};

mod columns;
use columns::*;

/// The file written beside `orders.csv`.
pub const FILE: &str = "orders-shopify.csv";

/// Extra orders per mille of plain orders, drawn before each: refunded, voided, guest.
const REFUNDED_PER_MILLE: u64 = 5;
const VOIDED_PER_MILLE: u64 = 5;
const GUEST_PER_MILLE: u64 = 10;
/// Lines with a list price above the unit price and a discount that brings it back.
const DISCOUNTED_PERCENT: u64 = 5;
/// Every n-th product has no sku (the preset then names it by its Lineitem name).
const NO_SKU_EVERY: u64 = 25;
/// Every n-th product's name holds a comma, so it is quoted.
const COMMA_NAME_EVERY: u64 = 10;
/// Sales tax in 1/100000: 8.875%, on a positive subtotal.
const TAX_RATE: i64 = 8_875;
const TAX_NAME: &str = "NY State Tax 8.875%";
/// Web orders under this subtotal (cents) pay this shipping (cents).
const FREE_SHIPPING_FROM: i64 = 7_500;
const SHIPPING_COST: i64 = 695;

const FIRST_NAMES: [&str; 12] = [
    "Ada", "Ben", "Chloe", "Dev", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jon", "Kira", "Liam",
];
const LAST_NAMES: [&str; 10] = [
    "Smith", "Garcia", "Chen", "Novak", "Okafor", "Rossi", "Kim", "Dubois", "Meyer", "Silva",
];
const STREETS: [&str; 6] = [
    "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Rd", "Elm St",
];
/// City, first ZIP code, province code, province name.
const CITIES: [(&str, u64, &str, &str); 6] = [
    ("New York", 10001, "NY", "New York"),
    ("Boston", 2108, "MA", "Massachusetts"),
    ("Chicago", 60601, "IL", "Illinois"),
    ("Austin", 73301, "TX", "Texas"),
    ("Seattle", 98101, "WA", "Washington"),
    ("Miami", 33101, "FL", "Florida"),
];

/// A line of an order, as the plain file has it.
pub struct Line {
    /// Product index (the plain id is `P{product + 1:03}`).
    pub product: u64,
    /// Units, positive; the line is a return when `returned`.
    pub quantity: u64,
    pub returned: bool,
}

/// An order, as the plain file has it.
pub struct Order<'a> {
    /// Customer index (the plain id is `U{customer:06}`); `None` for a guest.
    pub customer: Option<u64>,
    /// Days after 2024-01-01.
    pub day: u64,
    /// Campaign index (the plain id is `C{campaign + 1:02}`).
    pub campaign: Option<usize>,
    /// Bought in a store (plain channel `store`): Shopify POS.
    pub store: bool,
    pub lines: &'a [Line],
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Paid,
    PartiallyRefunded,
    Refunded,
    Voided,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Paid => "paid",
            Status::PartiallyRefunded => "partially_refunded",
            Status::Refunded => "refunded",
            Status::Voided => "voided",
        }
    }
}

/// What was written: plain orders and rows, and the extra orders a preset reader leaves out.
#[derive(Default)]
pub struct Stats {
    plain_orders: u64,
    plain_rows: u64,
    /// Sum of the plain lines' amounts, in cents.
    plain_cents: i64,
    /// Refunded and voided orders, and their rows.
    cancelled_orders: u64,
    cancelled_rows: u64,
    guest_orders: u64,
    guest_rows: u64,
    discounted_rows: u64,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.plain_cents < 0 { "-" } else { "" };
        let c = self.plain_cents.unsigned_abs();
        write!(
            f,
            "{} rows: {} orders with {} rows from orders.csv (amounts {sign}{}.{:02}, {} rows \
             with a discount), plus {} refunded or voided orders ({} rows) and {} guest orders \
             ({} rows) that the preset leaves out",
            self.plain_rows + self.cancelled_rows + self.guest_rows,
            self.plain_orders,
            self.plain_rows,
            c / 100,
            c % 100,
            self.discounted_rows,
            self.cancelled_orders,
            self.cancelled_rows,
            self.guest_orders,
            self.guest_rows,
        )
    }
}

/// A product as Shopify's line items show it.
struct Product {
    /// CSV-ready: quoted when it holds a comma.
    name: String,
    sku: String,
    vendor: String,
    /// Compare-at price in cents, on every sixth product.
    compare_at: Option<i64>,
}

/// A line item as written: signed quantity, list price and discount in cents.
struct Item {
    product: usize,
    quantity: i64,
    price: i64,
    discount: i64,
    returned: bool,
}

/// One CSV row, built column by column from left to right.
struct Row {
    buf: String,
    /// Commas written so far: the column being written.
    col: usize,
}

impl Row {
    /// The buffer, after the commas that lead to column `col` (columns are written in order; a
    /// column may be written in several pieces).
    fn at(&mut self, col: usize) -> &mut String {
        debug_assert!(col >= self.col, "column {col} after {}", self.col);
        for _ in self.col..col {
            self.buf.push(',');
        }
        self.col = col;
        &mut self.buf
    }

    fn end(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.at(HEADER.len() - 1).push('\n');
        out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        self.col = 0;
        Ok(())
    }
}

/// Writes `orders-shopify.csv`, one plain order at a time.
pub struct Writer<'a> {
    out: BufWriter<File>,
    rng: Rng,
    price: &'a [u64],
    segment: &'a [&'static str],
    loyal: &'a [bool],
    products: Vec<Product>,
    /// Per day (a few past the last, for fulfilment): `YYYY-MM-DD` and the UTC offset.
    days: Vec<(String, &'static str)>,
    /// The number in the next order's Name.
    next_name: u64,
    items: Vec<Item>,
    row: Row,
    stats: Stats,
}

impl<'a> Writer<'a> {
    pub fn create(
        path: &Path,
        seed: u64,
        price: &'a [u64],
        segment: &'a [&'static str],
        loyal: &'a [bool],
    ) -> io::Result<Self> {
        columns::check();
        let products = (0..price.len() as u64)
            .map(|p| {
                let n = p + 1;
                let category = CATEGORIES[(p % 12) as usize];
                let title = format!("{}{}", category[..1].to_uppercase(), &category[1..]);
                Product {
                    name: if n.is_multiple_of(COMMA_NAME_EVERY) {
                        format!("\"{title} product {n}, large\"")
                    } else {
                        format!("{title} product {n}")
                    },
                    sku: if n.is_multiple_of(NO_SKU_EVERY) {
                        String::new()
                    } else {
                        format!("P{n:03}")
                    },
                    vendor: format!("{title} Supply Co"),
                    compare_at: n
                        .is_multiple_of(6)
                        .then(|| price[p as usize] as i64 * 5 / 4),
                }
            })
            .collect();
        let days = (0..DAYS + 4)
            .map(|d| (date(d), eastern_offset(d)))
            .collect();
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        writeln!(out, "{}", HEADER.join(","))?;
        Ok(Writer {
            out,
            // Not the plain generator's sequence: the plain file must not depend on this one.
            rng: Rng(seed ^ 0x5110_91F7_0DE5_0000),
            price,
            segment,
            loyal,
            products,
            days,
            next_name: 1001,
            items: Vec::with_capacity(4),
            row: Row {
                buf: String::with_capacity(1024),
                col: 0,
            },
            stats: Stats::default(),
        })
    }

    /// Writes a plain order, after the extra order drawn before it (if any).
    pub fn order(&mut self, order: &Order) -> io::Result<()> {
        let extra = self.rng.below(1000);
        if extra < REFUNDED_PER_MILLE + VOIDED_PER_MILLE + GUEST_PER_MILLE {
            let status = if extra < REFUNDED_PER_MILLE {
                Status::Refunded
            } else if extra < REFUNDED_PER_MILLE + VOIDED_PER_MILLE {
                Status::Voided
            } else {
                Status::Paid
            };
            let guest = extra >= REFUNDED_PER_MILLE + VOIDED_PER_MILLE;
            let customers = self.segment.len() as u64;
            let products = self.price.len() as u64;
            let customer = (!guest).then(|| self.rng.skewed(customers));
            let day = self.rng.below(DAYS);
            let store = self.rng.below(3) == 0;
            let lines: Vec<Line> = (0..1 + self.rng.below(3))
                .map(|_| Line {
                    product: self.rng.skewed(products),
                    quantity: 1 + self.rng.skewed(3),
                    returned: false,
                })
                .collect();
            let rows = lines.len() as u64;
            let order = Order {
                customer,
                day,
                campaign: None,
                store,
                lines: &lines,
            };
            self.write(&order, status)?;
            if guest {
                self.stats.guest_orders += 1;
                self.stats.guest_rows += rows;
            } else {
                self.stats.cancelled_orders += 1;
                self.stats.cancelled_rows += rows;
            }
        }
        let status = if order.lines.iter().any(|l| l.returned) {
            Status::PartiallyRefunded
        } else {
            Status::Paid
        };
        let cents = self.write(order, status)?;
        self.stats.plain_orders += 1;
        self.stats.plain_rows += order.lines.len() as u64;
        self.stats.plain_cents += cents;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<Stats> {
        self.out.flush()?;
        Ok(self.stats)
    }

    /// Writes one order's rows; returns the sum of its line amounts in cents.
    fn write(&mut self, order: &Order, status: Status) -> io::Result<i64> {
        let name = self.next_name;
        self.next_name += 1;

        self.items.clear();
        for line in order.lines {
            let unit = self.price[line.product as usize] as i64;
            let quantity = if line.returned {
                -(line.quantity as i64)
            } else {
                line.quantity as i64
            };
            // A list price `extra` above the unit price, and a discount of quantity × extra:
            // quantity × price − discount is the plain amount, quantity × unit.
            let extra = if !line.returned && self.rng.below(100) < DISCOUNTED_PERCENT {
                self.stats.discounted_rows += 1;
                (unit * (5 + self.rng.below(16) as i64) / 100).max(1)
            } else {
                0
            };
            self.items.push(Item {
                product: line.product as usize,
                quantity,
                price: unit + extra,
                discount: quantity * extra,
                returned: line.returned,
            });
        }
        let subtotal: i64 = self
            .items
            .iter()
            .map(|i| i.quantity * i.price - i.discount)
            .sum();
        let discounts: i64 = self.items.iter().map(|i| i.discount).sum();
        let returned: i64 = self
            .items
            .iter()
            .filter(|i| i.returned)
            .map(|i| -(i.quantity * i.price))
            .sum();
        let shipping = if !order.store && subtotal > 0 && subtotal < FREE_SHIPPING_FROM {
            SHIPPING_COST
        } else {
            0
        };
        let taxes = if subtotal > 0 {
            (subtotal * TAX_RATE + 50_000) / 100_000
        } else {
            0
        };
        let total = subtotal + shipping + taxes;
        let refunded = match status {
            Status::Refunded => total,
            Status::PartiallyRefunded => returned,
            _ => 0,
        };
        let created = self.rng.below(86_399); // seconds; paid one second later, the same day
        let later = self.rng.below(86_400); // fulfilled or cancelled the next day
        let payment = self.rng.next();
        let cash = order.store && self.rng.below(3) == 0;
        // Guests have an address too: a made-up person per order.
        let who = order
            .customer
            .unwrap_or(name.wrapping_mul(2_654_435_761) >> 8);

        for (k, item) in self.items.iter().enumerate() {
            let row = &mut self.row;
            write!(row.at(NAME), "#{name}").unwrap();
            if k == 0 {
                if let Some(c) = order.customer {
                    write!(row.at(EMAIL), "u{c:06}@example.com").unwrap();
                }
                row.at(FINANCIAL_STATUS).push_str(status.as_str());
                if status != Status::Voided {
                    stamp(row.at(PAID_AT), &self.days, order.day, created + 1);
                    row.at(FULFILLMENT_STATUS).push_str("fulfilled");
                    stamp(row.at(FULFILLED_AT), &self.days, order.day + 1, later);
                }
                let marketing = order.customer.is_some_and(|c| self.loyal[c as usize]);
                row.at(ACCEPTS_MARKETING)
                    .push_str(if marketing { "yes" } else { "no" });
                row.at(CURRENCY).push_str("USD");
                money(row.at(SUBTOTAL), subtotal);
                money(row.at(SHIPPING), shipping);
                money(row.at(TAXES), taxes);
                money(row.at(TOTAL), total);
                if let Some(k) = order.campaign {
                    write!(row.at(DISCOUNT_CODE), "C{:02}", k + 1).unwrap();
                }
                money(row.at(DISCOUNT_AMOUNT), discounts);
                if !order.store {
                    row.at(SHIPPING_METHOD).push_str("Standard");
                }
                stamp(row.at(CREATED_AT), &self.days, order.day, created);
            }
            let product = &self.products[item.product];
            write!(row.at(LINEITEM_QUANTITY), "{}", item.quantity).unwrap();
            row.at(LINEITEM_NAME).push_str(&product.name);
            money(row.at(LINEITEM_PRICE), item.price);
            if let Some(c) = product.compare_at {
                money(row.at(LINEITEM_COMPARE_AT_PRICE), c);
            }
            row.at(LINEITEM_SKU).push_str(&product.sku);
            row.at(LINEITEM_REQUIRES_SHIPPING).push_str("true");
            row.at(LINEITEM_TAXABLE).push_str("true");
            row.at(LINEITEM_FULFILLMENT_STATUS)
                .push_str(if status == Status::Voided {
                    "pending"
                } else {
                    "fulfilled"
                });
            if k == 0 {
                address(row, BILLING_NAME, who);
                address(row, SHIPPING_NAME, who);
                if status == Status::Voided {
                    stamp(row.at(CANCELLED_AT), &self.days, order.day + 1, later);
                }
                row.at(PAYMENT_METHOD)
                    .push_str(if cash { "Cash" } else { "Shopify Payments" });
                write!(
                    row.at(PAYMENT_REFERENCE),
                    "c{}.1",
                    30_000_000_000 + name * 3
                )
                .unwrap();
                money(row.at(REFUNDED_AMOUNT), refunded);
            }
            row.at(VENDOR).push_str(&product.vendor);
            if k == 0 {
                money(row.at(OUTSTANDING_BALANCE), 0);
                if order.store {
                    row.at(EMPLOYEE).push_str("Sam Lee");
                    row.at(LOCATION).push_str("Main Street store");
                    row.at(DEVICE_ID).push_str("4242");
                }
                write!(row.at(ID), "{}", 5_500_000_000_000 + name).unwrap();
                if let Some(c) = order.customer {
                    let tags = row.at(TAGS);
                    if self.loyal[c as usize] {
                        write!(tags, "\"{}, vip\"", self.segment[c as usize]).unwrap();
                    } else {
                        tags.push_str(self.segment[c as usize]);
                    }
                }
                row.at(RISK_LEVEL).push_str("Low");
                row.at(SOURCE)
                    .push_str(if order.store { "pos" } else { "web" });
            }
            if !item.returned {
                money(row.at(LINEITEM_DISCOUNT), item.discount);
            }
            if k == 0 {
                row.at(TAX_1_NAME).push_str(TAX_NAME);
                money(row.at(TAX_1_VALUE), taxes);
                let (_, _, _, province) = city(who);
                row.at(BILLING_PROVINCE_NAME).push_str(province);
                row.at(SHIPPING_PROVINCE_NAME).push_str(province);
                if !cash {
                    write!(row.at(PAYMENT_ID), "r{payment:016x}").unwrap();
                    write!(row.at(PAYMENT_REFERENCES), "r{payment:016x}").unwrap();
                }
            }
            row.end(&mut self.out)?;
        }
        Ok(subtotal)
    }
}

/// City, ZIP code, province code and name of a customer (or of a guest order's number).
fn city(who: u64) -> (&'static str, u64, &'static str, &'static str) {
    let (city, zip, code, province) = CITIES[(who % CITIES.len() as u64) as usize];
    (city, zip + who / 7 % 40, code, province)
}

/// Name, Street, Address1, Address2, Company, City, Zip, Province, Country and Phone from column
/// `first` on. Shopify writes ZIP codes with a leading `'`, so that spreadsheets keep their zeros.
fn address(row: &mut Row, first: usize, who: u64) {
    let first_name = FIRST_NAMES[(who % 12) as usize];
    let last_name = LAST_NAMES[(who / 12 % 10) as usize];
    let number = 1 + who * 7919 % 9000;
    let street = STREETS[(who / 3 % 6) as usize];
    let (city, zip, code, _) = city(who);
    write!(row.at(first), "{first_name} {last_name}").unwrap();
    write!(row.at(first + 1), "{number} {street}").unwrap();
    write!(row.at(first + 2), "{number} {street}").unwrap();
    if who.is_multiple_of(5) {
        write!(row.at(first + 3), "Apt {}", 1 + who % 40).unwrap();
    }
    row.at(first + 5).push_str(city);
    write!(row.at(first + 6), "'{zip:05}").unwrap();
    row.at(first + 7).push_str(code);
    row.at(first + 8).push_str("US");
}

/// `YYYY-MM-DD HH:MM:SS -0500`: `secs` seconds into `day`, US Eastern time.
fn stamp(buf: &mut String, days: &[(String, &'static str)], day: u64, secs: u64) {
    let (date, offset) = &days[day as usize];
    write!(
        buf,
        "{date} {:02}:{:02}:{:02} {offset}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
    .unwrap();
}

/// Cents as `-12.34`.
fn money(buf: &mut String, cents: i64) {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    write!(buf, "{sign}{}.{:02}", c / 100, c % 100).unwrap();
}

/// US Eastern offset on `day`: `-0400` (daylight time) from the second Sunday of March to the day
/// before the first Sunday of November, `-0500` otherwise; a switch day counts whole (the switch is
/// at 2 a.m.). 2024-01-01 is a Monday, so `day % 7 == 6` is a Sunday.
fn eastern_offset(day: u64) -> &'static str {
    let (_, month, dom) = civil(day);
    let first_of_month = day + 1 - dom as u64;
    let sundays = (first_of_month..=day).filter(|d| d % 7 == 6).count();
    let daylight = match month {
        4..=10 => true,
        3 => sundays >= 2,
        11 => sundays == 0,
        _ => false,
    };
    if daylight { "-0400" } else { "-0500" }
}
