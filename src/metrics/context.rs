//! What the pure metric functions read besides their own fold, and the cells they tally
//! results in: per scope and customer group, turned into labelled rows in output order.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;

use super::Settings;
use super::row::{self, Row};
use super::slice::{self, CustomerGroups, Dim, GroupId, Router, ScopeId, ScopeKey};
use crate::input::{Book, Campaign, Campaigns};

/// Where a result belongs: its period, the dimensions it is sliced by and its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub period: Option<String>,
    pub by: String,
    pub group: String,
}

impl Label {
    pub fn all(period: Option<String>) -> Label {
        Label {
            period,
            by: String::new(),
            group: row::ALL.to_string(),
        }
    }
}

/// Results per (scope, customer group) cell, `None` for everyone: a customer's share goes to
/// their group and to everyone.
#[derive(Debug)]
pub struct Tally<T> {
    cells: HashMap<(ScopeId, Option<GroupId>), T>,
}

impl<T> Default for Tally<T> {
    fn default() -> Tally<T> {
        Tally {
            cells: HashMap::default(),
        }
    }
}

impl<T: Default> Tally<T> {
    pub fn new() -> Tally<T> {
        Tally::default()
    }

    /// Applies `f` to the cell of `customer`'s group and to the cell of everyone.
    pub fn add(&mut self, ctx: &Context, scope: ScopeId, customer: u32, f: impl Fn(&mut T)) {
        f(self.cells.entry((scope, None)).or_default());
        if let Some(group) = ctx.groups.of(customer) {
            f(self.cells.entry((scope, Some(group))).or_default());
        }
    }

    /// Applies `f` to one cell (`group` `None`: everyone's).
    pub fn add_to(&mut self, scope: ScopeId, group: Option<GroupId>, f: impl FnOnce(&mut T)) {
        f(self.cells.entry((scope, group)).or_default());
    }
}

/// What the pure metric functions read besides their own fold.
pub struct Context<'a> {
    pub book: &'a Book,
    pub campaigns: Option<&'a Campaigns>,
    pub settings: &'a Settings,
    pub router: &'a Router,
    pub groups: &'a CustomerGroups,
    /// Each customer's first purchase date, by customer, made on first use: the cross-sell
    /// rows look it up for millions of (customer, item)s in no order, and 4 bytes a customer
    /// stay in cache where the book's 16 do not.
    first_orders: OnceLock<Vec<Option<NaiveDate>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        book: &'a Book,
        campaigns: Option<&'a Campaigns>,
        settings: &'a Settings,
        router: &'a Router,
        groups: &'a CustomerGroups,
    ) -> Context<'a> {
        Context {
            book,
            campaigns,
            settings,
            router,
            groups,
            first_orders: OnceLock::new(),
        }
    }

    pub fn first_order(&self, customer: u32) -> Option<NaiveDate> {
        let firsts = self.first_orders.get_or_init(|| {
            self.book
                .customer_facts
                .iter()
                .map(|c| c.first_order)
                .collect()
        });
        firsts.get(customer as usize).copied().flatten()
    }

    pub fn member(&self, customer: u32) -> bool {
        self.book
            .customer_facts
            .get(customer as usize)
            .is_some_and(|c| c.member)
    }

    /// The window's first and last date.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.settings.window.bounds(self.book.span)
    }

    /// The first and last date of period `scope_period` (the whole window: `None`) within the
    /// window.
    pub fn period_bounds(&self, scope_period: Option<i32>) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = self.bounds()?;
        match (self.settings.slicing.period, scope_period) {
            (Some(kind), Some(key)) => {
                let (start, end) = kind.bounds(key)?;
                let (first, last) = (first.max(start), last.min(end));
                (first <= last).then_some((first, last))
            }
            _ => Some((first, last)),
        }
    }

    /// The rows of a tallied metric in output order: per period (every period of the window,
    /// or the whole window), the `all` row, then one row per group sorted by label. `whole`:
    /// use whole-window scopes even under `--period` (retention has periods of its own).
    pub fn rows<T>(
        &self,
        tally: &Tally<T>,
        whole: bool,
        mut make: impl FnMut(&Label, Option<(ScopeId, &T)>) -> Vec<Row>,
    ) -> Vec<Row> {
        let slicing = &self.settings.slicing;
        let mut periods: Vec<Option<i32>> = match (slicing.period, whole) {
            (Some(kind), false) => match self.bounds() {
                Some((first, last)) => kind.range(first, last).map(Some).collect(),
                None => Vec::new(),
            },
            _ => vec![None],
        };
        if periods.is_empty() {
            // An empty window has no period: one n/a row says so.
            periods.push(None);
        }
        let (by_line, by_customer) = (
            slicing.line_dims().next().is_some(),
            slicing.customer_dims().next().is_some(),
        );
        // The group cells of each period, in one pass over the tally.
        let mut groups: HashMap<Option<i32>, Vec<(Label, ScopeId, &T)>> = HashMap::default();
        if by_line || by_customer {
            for (&(scope, group), t) in &tally.cells {
                let Some(key) = self.router.key(scope) else {
                    continue;
                };
                if key.values.is_some() == by_line && group.is_some() == by_customer {
                    let label = Label {
                        period: key
                            .period
                            .zip(slicing.period)
                            .map(|(k, kind)| kind.label(k)),
                        by: slicing.by(),
                        group: self.group_label(key, group),
                    };
                    groups
                        .entry(key.period)
                        .or_default()
                        .push((label, scope, t));
                }
            }
        }
        let mut rows = Vec::new();
        for period in periods {
            let period_label = period
                .zip(slicing.period)
                .map(|(key, kind)| kind.label(key));
            let all = self.router.find(&ScopeKey {
                period,
                values: None,
            });
            let cell = all.and_then(|all| Some((all, tally.cells.get(&(all, None))?)));
            rows.extend(make(&Label::all(period_label), cell));
            let mut these = groups.remove(&period).unwrap_or_default();
            these.sort_by(|a, b| a.0.group.cmp(&b.0.group));
            for (label, scope, t) in these {
                rows.extend(make(&label, Some((scope, t))));
            }
        }
        rows
    }

    /// The label of the whole window's cell of `scope` and `group` (`--period` aside).
    pub fn label(&self, scope: ScopeId, group: Option<GroupId>) -> Label {
        let values = self.router.key(scope).and_then(|k| k.values.clone());
        Label {
            period: None,
            by: self.settings.slicing.by(),
            group: self.group_label(
                &ScopeKey {
                    period: None,
                    values,
                },
                group,
            ),
        }
    }

    /// `mainstream/email`: the values of the dimensions, in the order given.
    fn group_label(&self, key: &ScopeKey, group: Option<GroupId>) -> String {
        slice::group_label(
            self.book,
            Some(&self.router.types),
            &self.settings.slicing.dims,
            key.values.as_deref().unwrap_or_default(),
            group.and_then(|g| self.groups.key(g)).unwrap_or_default(),
        )
    }

    /// The campaigns of campaigns.csv with their interned index, sorted by id.
    pub fn campaigns(&self) -> Vec<(u32, &Campaign)> {
        let mut list: Vec<(u32, &Campaign)> = self
            .campaigns
            .map(|c| {
                c.list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i as u32, c))
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        list
    }

    /// The campaigns grouped by the `--by` dimensions (campaign, campaign-type, channel), each
    /// group's label with its campaigns; without dimensions, one group per campaign.
    pub fn campaign_groups(&self) -> Vec<(Label, Vec<(u32, &Campaign)>)> {
        let dims = &self.settings.slicing.dims;
        let by = if dims.is_empty() {
            "campaign".to_string()
        } else {
            self.settings.slicing.by()
        };
        let mut groups: Vec<(Label, Vec<(u32, &Campaign)>)> = Vec::new();
        // Each group's place in `groups`: one lookup a campaign, not a search of the groups.
        let mut places: rustc_hash::FxHashMap<String, usize> = Default::default();
        for (index, campaign) in self.campaigns() {
            let parts: Vec<String> = if dims.is_empty() {
                vec![slice::label_part(&campaign.id)]
            } else {
                dims.iter()
                    .map(|d| {
                        let value = match d {
                            Dim::CampaignType => campaign.campaign_type.as_deref(),
                            Dim::Channel => campaign.channel.as_deref(),
                            _ => Some(campaign.id.as_str()),
                        };
                        slice::label_part(value.unwrap_or(""))
                    })
                    .collect()
            };
            let group = parts.join("/");
            match places.get(&group) {
                Some(&place) => groups[place].1.push((index, campaign)),
                None => {
                    places.insert(group.clone(), groups.len());
                    groups.push((
                        Label {
                            period: None,
                            by: by.clone(),
                            group,
                        },
                        vec![(index, campaign)],
                    ));
                }
            }
        }
        groups.sort_by(|a, b| a.0.group.cmp(&b.0.group));
        groups
    }
}
