//! orders.csv: one row per order line.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::table::{Spec, Table};
use super::{Book, ReadOptions, Source, date};
use crate::money::Money;

/// The columns of orders.csv, by canonical name.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "order_id",
        required: true,
    },
    Spec {
        name: "customer_id",
        required: true,
    },
    Spec {
        name: "order_date",
        required: true,
    },
    Spec {
        name: "product_id",
        required: true,
    },
    Spec {
        name: "category",
        required: false,
    },
    Spec {
        name: "quantity",
        required: false,
    },
    Spec {
        name: "amount",
        required: true,
    },
    Spec {
        name: "channel",
        required: false,
    },
    Spec {
        name: "campaign_id",
        required: false,
    },
    Spec {
        name: "segment",
        required: false,
    },
    Spec {
        name: "loyalty",
        required: false,
    },
];
const ORDER: usize = 0;
const CUSTOMER: usize = 1;
const DATE: usize = 2;
const PRODUCT: usize = 3;
const CATEGORY: usize = 4;
const QUANTITY: usize = 5;
const AMOUNT: usize = 6;
const CHANNEL: usize = 7;
const CAMPAIGN: usize = 8;
const SEGMENT: usize = 9;
const LOYALTY: usize = 10;

/// One order line, its ids interned in the [`Book`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub order: u32,
    pub customer: u32,
    pub date: NaiveDate,
    pub product: u32,
    /// `None` when the input has no category column; an empty cell is the category "".
    pub category: Option<u32>,
    pub quantity: i64,
    pub amount: Money,
    pub channel: Option<u32>,
    /// The campaign the line is attributed to; `None` is organic.
    pub campaign: Option<u32>,
    pub segment: Option<u32>,
    pub loyalty: Option<bool>,
    /// The value of the column asked for by `--by column:NAME`, in [`Book::extras`].
    pub extra: Option<u32>,
}

impl Line {
    /// A purchase line has a positive amount; returns (negative) and zero lines buy nothing.
    pub fn is_purchase(&self) -> bool {
        self.amount.is_positive()
    }
}

/// Which optional columns every order file has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderColumns {
    pub category: bool,
    pub channel: bool,
    pub campaign: bool,
    pub segment: bool,
    pub loyalty: bool,
}

impl OrderColumns {
    /// Whether every file has the optional column `name`.
    pub fn has(&self, name: &str) -> bool {
        match name {
            "category" => self.category,
            "channel" => self.channel,
            "campaign_id" => self.campaign,
            "segment" => self.segment,
            "loyalty" => self.loyalty,
            _ => false,
        }
    }
}

/// The order files, opened and their headers checked, ready to stream.
pub struct OrderFiles {
    tables: Vec<Table>,
}

impl OrderFiles {
    pub fn open(sources: &[Source], opts: &ReadOptions) -> Result<OrderFiles> {
        let tables = sources
            .iter()
            .map(|s| {
                let mut table = Table::open(s, opts, SPECS, "orders")?;
                if let Some(name) = &opts.extra_column {
                    table.read_extra(name)?;
                }
                Ok(table)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(OrderFiles { tables })
    }

    pub fn columns(&self) -> OrderColumns {
        let all = |spec| self.tables.iter().all(|t| t.has(spec));
        OrderColumns {
            category: all(CATEGORY),
            channel: all(CHANNEL),
            campaign: all(CAMPAIGN),
            segment: all(SEGMENT),
            loyalty: all(LOYALTY),
        }
    }

    /// Streams every line of every file, in order, through `book` and then `each`.
    pub fn read(self, book: &mut Book, mut each: impl FnMut(&Line)) -> Result<()> {
        let columns = self.columns();
        for table in self.tables {
            let file = u32::try_from(book.files.len()).unwrap_or(u32::MAX);
            book.files.push(table.name.clone());
            read_table(table, file, columns, book, &mut each)?;
        }
        if book.lines == 0 {
            bail!(
                "no order lines: {} has a header but no rows",
                book.files.join(", ")
            );
        }
        Ok(())
    }
}

fn read_table(
    mut t: Table,
    file: u32,
    columns: OrderColumns,
    book: &mut Book,
    each: &mut impl FnMut(&Line),
) -> Result<()> {
    while t.next_row()? {
        let customer = book.customers.intern(t.required(CUSTOMER)?);
        let date_text = t.required(DATE)?;
        let date =
            date::parse(date_text).ok_or_else(|| t.invalid(DATE, date_text, date::EXPECTED))?;
        let order = book.order(t.required(ORDER)?, customer, date, file, t.line())?;
        let product = book.products.intern(t.required(PRODUCT)?);
        let amount_text = t.required(AMOUNT)?;
        let amount =
            Money::parse(amount_text).map_err(|e| t.invalid(AMOUNT, amount_text, e.expected()))?;
        let quantity = match t.cell(QUANTITY)? {
            None | Some("") => 1,
            Some(text) => match text.parse::<i64>() {
                Ok(q) if q >= 0 || amount.is_negative() => q,
                _ => {
                    return Err(t
                        .invalid(
                            QUANTITY,
                            text,
                            "a whole number >= 0 (negative only on a return line)",
                        )
                        .into());
                }
            },
        };
        let category = optional(&t, CATEGORY, columns.category)?.map(|c| book.categories.intern(c));
        let channel = optional(&t, CHANNEL, columns.channel)?
            .filter(|c| !c.is_empty())
            .map(|c| book.channels.intern(c));
        let campaign = optional(&t, CAMPAIGN, columns.campaign)?
            .filter(|c| !c.is_empty())
            .map(|c| book.campaigns.intern(c));
        let segment = optional(&t, SEGMENT, columns.segment)?
            .filter(|c| !c.is_empty())
            .map(|c| book.segments.intern(c));
        let loyalty = match optional(&t, LOYALTY, columns.loyalty)? {
            None | Some("") => None,
            Some(text) => Some(
                parse_flag(text)
                    .ok_or_else(|| t.invalid(LOYALTY, text, "true/false, 1/0 or yes/no"))?,
            ),
        };
        let extra = t.extra_cell()?.map(|v| book.extras.intern(v));
        let line = Line {
            order,
            customer,
            date,
            product,
            category,
            quantity,
            amount,
            channel,
            campaign,
            segment,
            loyalty,
            extra,
        };
        book.record(&line);
        each(&line);
    }
    Ok(())
}

pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// The cell of an optional column that every file has; `None` when some file lacks it.
fn optional(t: &Table, spec: usize, present: bool) -> Result<Option<&str>> {
    Ok(if present { t.cell(spec)? } else { None })
}
