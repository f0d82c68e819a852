//! campaigns.csv: one row per campaign, with its cost and funnel counts.

use std::collections::HashSet;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::table::{Spec, Table};
use super::{Book, ReadOptions, Source};
use crate::money::Money;

pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "campaign_id",
        required: true,
    },
    Spec {
        name: "campaign_type",
        required: false,
    },
    Spec {
        name: "channel",
        required: false,
    },
    Spec {
        name: "start_date",
        required: false,
    },
    Spec {
        name: "end_date",
        required: false,
    },
    Spec {
        name: "cost",
        required: false,
    },
    Spec {
        name: "impressions",
        required: false,
    },
    Spec {
        name: "clicks",
        required: false,
    },
    Spec {
        name: "targeted",
        required: false,
    },
    Spec {
        name: "conversions",
        required: false,
    },
];
const ID: usize = 0;
const TYPE: usize = 1;
const CHANNEL: usize = 2;
const START: usize = 3;
const END: usize = 4;
const COST: usize = 5;
const IMPRESSIONS: usize = 6;
const CLICKS: usize = 7;
const TARGETED: usize = 8;
const CONVERSIONS: usize = 9;

/// One campaign. An empty cell is `None`: that campaign's value is unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Campaign {
    pub id: String,
    pub campaign_type: Option<String>,
    pub channel: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub cost: Option<Money>,
    pub impressions: Option<u64>,
    pub clicks: Option<u64>,
    pub targeted: Option<u64>,
    pub conversions: Option<u64>,
}

/// The campaigns, indexed by their interned id: `list[i]` has id `i` in [`Book::campaigns`].
#[derive(Clone, Debug, Default)]
pub struct Campaigns {
    pub list: Vec<Campaign>,
    /// The names of the columns the file has.
    pub columns: HashSet<&'static str>,
    pub file: String,
    /// Rows whose cells lost invisible characters.
    pub invisible: crate::input::Invisible,
}

impl Campaigns {
    /// Reads campaigns.csv. Call it before the orders, so that campaign `i` gets id `i`.
    pub fn read(source: &Source, opts: &ReadOptions, book: &mut Book) -> Result<Campaigns> {
        let mut t = Table::open(source, opts, (SPECS, &opts.campaigns_map), "campaigns")?;
        let columns = t.present();
        // An orders file has a campaign_id column too, empty on organic lines: say what it is
        // rather than blame its first empty cell.
        if ["order_id", "customer_id", "product_id"]
            .iter()
            .all(|h| t.has_header(h))
            && !(SPECS.iter().skip(1)).any(|s| s.name != "channel" && columns.contains(s.name))
        {
            bail!(
                "{}: this is an orders file (it has order_id, customer_id and product_id, and \
                 none of the campaign columns: campaign_type, start_date, end_date, cost, \
                 impressions, clicks, targeted, conversions); \
                 --campaigns takes the campaigns file: one row per campaign_id",
                t.name
            );
        }
        let mut list: Vec<Campaign> = Vec::new();
        let mut lines = Vec::new();
        while t.next_row()? {
            let id = t.required(ID)?.to_string();
            let index = book.campaigns.intern(&id) as usize;
            if index < list.len() {
                bail!(
                    "{}:{}: campaign {id:?} is listed twice (first on line {})",
                    t.name,
                    t.line(),
                    lines[index]
                );
            }
            let text = |spec| {
                t.cell(spec)
                    .map(|c| c.filter(|c| !c.is_empty()).map(str::to_string))
            };
            let count = |spec| -> Result<Option<u64>> {
                match t.cell(spec)? {
                    None | Some("") => Ok(None),
                    Some(s) => Ok(Some(
                        s.parse()
                            .map_err(|_| t.invalid(spec, s, "a whole number >= 0"))?,
                    )),
                }
            };
            let cost = t.money(COST)?;
            if cost.is_some_and(|c| c.is_negative()) {
                let written = t.cell(COST)?.unwrap_or_default();
                return Err(t.invalid(COST, written, "a cost >= 0").into());
            }
            list.push(Campaign {
                id,
                campaign_type: text(TYPE)?,
                channel: text(CHANNEL)?,
                start_date: t.date(START)?,
                end_date: t.date(END)?,
                cost,
                impressions: count(IMPRESSIONS)?,
                clicks: count(CLICKS)?,
                targeted: count(TARGETED)?,
                conversions: count(CONVERSIONS)?,
            });
            lines.push(t.line());
        }
        if list.is_empty() {
            bail!(
                "{}: no campaigns: the file has a header but no rows",
                t.name
            );
        }
        Ok(Campaigns {
            list,
            columns,
            invisible: t.invisible().clone(),
            file: t.name,
        })
    }
}
