//! An order row as written: the columns of orders.csv and the checks of each cell.

use std::num::IntErrorKind;

use chrono::NaiveDate;

use crate::input::table::{Spec, Table};
use crate::input::{FieldError, Guests, ReadOptions};
use crate::money::Money;

use super::OrderColumns;

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
pub(super) const ORDER: usize = 0;
pub(super) const CUSTOMER: usize = 1;
pub(super) const DATE: usize = 2;
pub(super) const PRODUCT: usize = 3;
pub(super) const CATEGORY: usize = 4;
pub(super) const QUANTITY: usize = 5;
pub(super) const AMOUNT: usize = 6;
pub(super) const CHANNEL: usize = 7;
pub(super) const CAMPAIGN: usize = 8;
pub(super) const SEGMENT: usize = 9;
pub(super) const LOYALTY: usize = 10;

/// An order line as written: every cell checked, nothing interned yet, so that a bad row leaves
/// no trace. `S` is a cell's text (`&str`), or where a [`Batch`] keeps it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<S> {
    pub order: S,
    pub customer: S,
    pub date: NaiveDate,
    pub product: S,
    pub category: Option<S>,
    pub quantity: i64,
    pub amount: Money,
    /// `--round-amounts` changed the amount as written.
    pub rounded: bool,
    /// Invisible characters were removed from the row's cells (see `table::clean`).
    pub invisible: bool,
    /// The line has no customer id (`--guests order`): its customer is its order's own.
    pub guest: bool,
    /// `--fill-down` left a cell empty, the line being the first of its order here: an order
    /// met before (with others between) cannot take it from its previous line.
    pub unfilled: bool,
    pub channel: Option<S>,
    pub campaign: Option<S>,
    pub segment: Option<S>,
    pub loyalty: Option<bool>,
    pub extra: Option<S>,
}

impl<S> Row<S> {
    /// The same row with each cell's text turned by `f`.
    pub(super) fn map<T>(self, mut f: impl FnMut(S) -> T) -> Row<T> {
        Row {
            order: f(self.order),
            customer: f(self.customer),
            date: self.date,
            product: f(self.product),
            category: self.category.map(&mut f),
            quantity: self.quantity,
            amount: self.amount,
            rounded: self.rounded,
            invisible: self.invisible,
            guest: self.guest,
            unfilled: self.unfilled,
            channel: self.channel.map(&mut f),
            campaign: self.campaign.map(&mut f),
            segment: self.segment.map(&mut f),
            loyalty: self.loyalty,
            extra: self.extra.map(&mut f),
        }
    }
}

/// The quantity of the current row: 1 when empty; negative only on a return line.
pub(super) fn quantity(t: &Table, amount: Money) -> Result<i64, FieldError> {
    let q = match t.kept_integer(QUANTITY) {
        Some(q) => q,
        None => match t.cell(QUANTITY)? {
            None | Some("") => return Ok(1),
            Some(text) => match text.parse::<i64>() {
                Ok(q) => {
                    t.keep_integer(QUANTITY, q);
                    q
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
                    ) =>
                {
                    let expected = format!("a whole number of at most {} in magnitude", i64::MAX);
                    return Err(t.invalid(QUANTITY, text, &expected));
                }
                Err(_) => return Err(negative_or_not_whole(t)),
            },
        },
    };
    match q >= 0 || amount.is_negative() {
        true => Ok(q),
        false => Err(negative_or_not_whole(t)),
    }
}

/// The error of a quantity that is not a whole number, or negative on a line that is no return.
#[cold]
fn negative_or_not_whole(t: &Table) -> FieldError {
    let text = t.cell(QUANTITY).ok().flatten().unwrap_or_default();
    let expected = "a whole number >= 0 (negative only on a return line)";
    t.invalid(QUANTITY, text, expected)
}

/// `None` for an empty cell.
fn non_empty(cell: Option<&str>) -> Option<&str> {
    cell.filter(|c| !c.is_empty())
}

/// Inlined: the reader's loop ([`super::batch::produce`]) pays for a call here with every line,
/// now that the second reading of [`super::twins`] calls it too (measured: 3.7% more instructions
/// over 1M lines without it).
#[inline(always)]
pub(super) fn parse_row<'t>(
    t: &'t Table,
    columns: OrderColumns,
    opts: &ReadOptions,
) -> Result<Row<&'t str>, FieldError> {
    let date = t.required_date(DATE)?;
    let (amount, rounded) = t.amount(AMOUNT)?;

    let quantity = quantity(t, amount)?;
    let optional = |spec: usize, present: bool| -> Result<Option<&str>, FieldError> {
        Ok(if present { t.cell(spec)? } else { None })
    };
    let loyalty = match optional(LOYALTY, columns.loyalty)? {
        None | Some("") => None,
        Some(text) => Some(
            parse_flag(text)
                .ok_or_else(|| t.invalid(LOYALTY, text, "true/false, 1/0 or yes/no"))?,
        ),
    };
    let order = t.required(ORDER)?;
    let (customer, guest) = customer(t, opts)?;
    Ok(Row {
        order,
        customer,
        date,
        product: t.required(PRODUCT)?,
        category: optional(CATEGORY, columns.category)?,
        quantity,
        amount,
        rounded,
        invisible: t.had_invisible(),
        guest,
        unfilled: t.unfilled(),
        channel: non_empty(optional(CHANNEL, columns.channel)?),
        campaign: non_empty(optional(CAMPAIGN, columns.campaign)?),
        segment: non_empty(optional(SEGMENT, columns.segment)?),
        loyalty,
        extra: t.extra_cell()?,
    })
}

/// Why the current row is left out before it is read, if it is: the index of its reason in
/// [`ReadOptions::left_out_reasons`] (`reasons`). `--where` comes first, then `--guests skip`.
pub(super) fn left_out(
    t: &Table,
    opts: &ReadOptions,
    reasons: &[String],
) -> Result<Option<usize>, FieldError> {
    let reason = |label: &str| reasons.iter().position(|r| r == label);
    if let Some(n) = t.left_out()? {
        return Ok(reason(&opts.filters[n].label));
    }
    // A guest line that starts its order here with a cell --fill-down could not fill goes on to
    // the book, which knows whether the order came before (then the line is an error, not a
    // guest); the book's reader leaves it out there if it is a guest's.
    if opts.guests == Guests::Skip && !t.unfilled() {
        let customer = t.cell(CUSTOMER)?.unwrap_or_default();
        if is_guest(customer, opts) {
            return Ok(reason(Guests::LABEL));
        }
    }
    Ok(None)
}

pub(super) fn is_guest(customer: &str, opts: &ReadOptions) -> bool {
    customer.is_empty() || opts.guest_ids.iter().any(|g| g == customer)
}

/// The row's customer id, and whether it is a guest's (none, or a `--guest-id` placeholder),
/// which `--guests` must allow.
#[inline(always)] // as parse_row, its caller, is
fn customer<'t>(t: &'t Table, opts: &ReadOptions) -> Result<(&'t str, bool), FieldError> {
    let customer = t.cell(CUSTOMER)?.unwrap_or_default();
    let guest = is_guest(customer, opts);
    if guest && opts.guests == Guests::Error {
        let expected = "a customer id; lines without one (guest checkouts) are refused unless \
                        --guests order makes each such order a one-time customer of its own, or \
                        --guests skip leaves them out (counted)";
        return Err(t.invalid(CUSTOMER, customer, expected));
    }
    Ok((customer, guest))
}

/// true/false, 1/0, yes/no, y/n, t/f in any case; compared in place, as every line has one.
pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(&["true", "1", "yes", "y", "t"]) {
        Some(true)
    } else if is(&["false", "0", "no", "n", "f"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::parse_flag;

    #[test]
    fn flags_are_read_in_any_case_and_nothing_else_is() {
        for yes in [
            "true", "TRUE", "True", "1", "yes", "Yes", "y", "Y", "t", "T",
        ] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["false", "FALSE", "0", "no", "NO", "n", "N", "f", "F"] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        for neither in [
            "", " true", "tru", "truee", "yess", "2", "-1", "nope", "on", "off",
        ] {
            assert_eq!(parse_flag(neither), None, "{neither:?}");
        }
    }
}
