//! The KPIs. Each family folds parsed order lines in one pass into a small state keyed by
//! customer; the functions that turn that state into rows are pure. Nothing here knows about
//! the command line or the output format.

mod campaign;
pub mod cohort;
mod cross_sell;
mod first_dates;
mod pair_map;
pub mod pairs;
pub mod registry;
mod retention;
pub mod row;
pub mod slice;
mod store;
#[cfg(test)]
mod testkit;
mod value;
pub mod window;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;

use rustc_hash::FxHashMap as HashMap;

use crate::input::{Book, Campaign, Campaigns, Line};
pub use registry::{Info, Inputs, Metric};
pub use row::{Quantity, Row, Unit};
use slice::{Cohorts, Dim, EVERYONE, NONE, Router, ScopeId, ScopeKey, Slicing, Slot};
pub use window::Window;

/// Products or categories as the unit of "distinct items".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Product,
    Category,
}

impl Level {
    /// The line's item at this level. Without a category column the category level falls back
    /// to products (commands refuse `--level category` without one beforehand).
    pub fn item(self, line: &Line) -> u32 {
        match self {
            Level::Category => line.category.unwrap_or(line.product),
            Level::Product => line.product,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum ClvModel {
    #[default]
    Historic,
    /// AOV × purchase frequency × lifespan (years) × margin (a fraction).
    Formula { margin: f64, lifespan: f64 },
}

/// How to measure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub window: Window,
    pub level: Level,
    pub clv: ClvModel,
    pub slicing: Slicing,
}

/// Where a result belongs: its period, the dimensions it is sliced by and its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub period: Option<String>,
    pub by: String,
    pub group: String,
}

impl Label {
    fn all(period: Option<String>) -> Label {
        Label {
            period,
            by: String::new(),
            group: row::ALL.to_string(),
        }
    }
}

/// Results per (scope, cohort) cell: a customer's share goes to their cohort and to everyone.
#[derive(Debug)]
pub struct Tally<T> {
    cells: HashMap<(ScopeId, u32), T>,
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

    /// Applies `f` to the cell of `customer`'s cohort and to the cell of everyone.
    pub fn add(&mut self, ctx: &Context, scope: ScopeId, customer: u32, f: impl Fn(&mut T)) {
        f(self.cells.entry((scope, EVERYONE)).or_default());
        let cohort = ctx.cohorts.of(customer);
        if cohort != EVERYONE {
            f(self.cells.entry((scope, cohort)).or_default());
        }
    }

    /// Applies `f` to one cell.
    pub fn add_to(&mut self, scope: ScopeId, cohort: u32, f: impl FnOnce(&mut T)) {
        f(self.cells.entry((scope, cohort)).or_default());
    }
}

/// What the pure metric functions read besides their own fold.
pub struct Context<'a> {
    pub book: &'a Book,
    pub campaigns: Option<&'a Campaigns>,
    pub settings: &'a Settings,
    pub router: &'a Router,
    pub cohorts: &'a Cohorts,
    /// Each customer's first purchase date, by customer, made on first use: the cross-sell
    /// rows look it up for millions of (customer, item)s in no order, and 4 bytes a customer
    /// stay in cache where the book's 16 do not.
    first_orders: OnceLock<Vec<Option<NaiveDate>>>,
}

impl Context<'_> {
    pub fn first_order(&self, customer: u32) -> Option<NaiveDate> {
        let firsts = self
            .first_orders
            .get_or_init(|| self.book.customer.iter().map(|c| c.first_order).collect());
        firsts.get(customer as usize).copied().flatten()
    }

    pub fn member(&self, customer: u32) -> bool {
        self.book
            .customer
            .get(customer as usize)
            .is_some_and(|c| c.member)
    }

    /// The customer of an order.
    pub fn customer_of(&self, order: u32) -> u32 {
        self.book
            .orders
            .get(order as usize)
            .map_or(u32::MAX, |o| o.customer)
    }

    /// The window's first and last date.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.settings.window.bounds(self.book.span)
    }

    /// The first and last date of the period of `label` within the window.
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
            for (&(scope, cohort), t) in &tally.cells {
                let Some(key) = self.router.key(scope) else {
                    continue;
                };
                if key.values.is_some() == by_line && (cohort != EVERYONE) == by_customer {
                    let label = Label {
                        period: key
                            .period
                            .zip(slicing.period)
                            .map(|(k, kind)| kind.label(k)),
                        by: slicing.by(),
                        group: self.group_label(key, cohort),
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
            let cell = all.and_then(|all| Some((all, tally.cells.get(&(all, EVERYONE))?)));
            rows.extend(make(&Label::all(period_label), cell));
            let mut these = groups.remove(&period).unwrap_or_default();
            these.sort_by(|a, b| a.0.group.cmp(&b.0.group));
            for (label, scope, t) in these {
                rows.extend(make(&label, Some((scope, t))));
            }
        }
        rows
    }

    /// `mainstream/email`: the values of the dimensions, in the order given.
    fn group_label(&self, key: &ScopeKey, cohort: u32) -> String {
        let (mut line, mut customer) = (0, 0);
        let cohort_key = self.cohorts.key(cohort).unwrap_or_default();
        let names = &self.book;
        let parts: Vec<String> = self
            .settings
            .slicing
            .dims
            .iter()
            .map(|dim| {
                let value = if dim.is_customer() {
                    customer += 1;
                    cohort_key.get(customer - 1).copied().unwrap_or(NONE)
                } else {
                    line += 1;
                    key.values
                        .as_ref()
                        .and_then(|v| v.get(line - 1).copied())
                        .unwrap_or(NONE)
                };
                slice::value_label(names, Some(&self.router.types), dim, value)
            })
            .collect();
        parts.join("/")
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
            match groups.iter_mut().find(|(l, _)| l.group == group) {
                Some((_, members)) => members.push((index, campaign)),
                None => groups.push((
                    Label {
                        period: None,
                        by: by.clone(),
                        group,
                    },
                    vec![(index, campaign)],
                )),
            }
        }
        groups.sort_by(|a, b| a.0.group.cmp(&b.0.group));
        groups
    }
}

/// The one-pass fold of every requested metric.
pub struct Fold {
    metrics: Vec<Metric>,
    settings: Settings,
    cross_sell: Option<cross_sell::CrossSell>,
    campaign_cross_sell: Option<cross_sell::CampaignCrossSell>,
    loyalty: Option<cross_sell::LoyaltyCrossSell>,
    campaign: Option<campaign::CampaignFold>,
    activity: Option<value::Activity>,
}

impl Fold {
    pub fn new(metrics: &[Metric], settings: Settings) -> Fold {
        let wants = |m: &[Metric]| metrics.iter().any(|x| m.contains(x));
        let window = settings.window;
        Fold {
            metrics: metrics.to_vec(),
            cross_sell: wants(&[Metric::CrossSell])
                .then(|| cross_sell::CrossSell::new(settings.level)),
            campaign_cross_sell: wants(&[Metric::CampaignCrossSell])
                .then(|| cross_sell::CampaignCrossSell::new(settings.level)),
            loyalty: wants(&[Metric::LoyaltyCrossSell]).then(cross_sell::LoyaltyCrossSell::default),
            campaign: wants(&[Metric::Conversion, Metric::Roi, Metric::Cac])
                .then(|| campaign::CampaignFold::new(window)),
            activity: wants(&[
                Metric::LoyaltyCrossSell,
                Metric::Aov,
                Metric::Clv,
                Metric::Retention,
                Metric::RepeatRate,
            ])
            .then(value::Activity::default),
            settings,
        }
    }

    /// Whether retention is asked for: it then needs whole-window scopes under `--period`.
    pub fn wants_retention(&self) -> bool {
        self.metrics.contains(&Metric::Retention)
    }

    /// Folds one line, measured in `slots` (none when it lies outside the window; history still
    /// counts it).
    pub fn add(&mut self, line: &Line, slots: &[Slot]) {
        if let Some(f) = &mut self.cross_sell {
            f.add(line, slots);
        }
        if let Some(f) = &mut self.campaign_cross_sell {
            f.add(line);
        }
        if let Some(f) = &mut self.loyalty {
            f.add(line, slots);
        }
        if let Some(f) = &mut self.campaign {
            f.add(line);
        }
        if let Some(f) = &mut self.activity {
            f.add(line, slots);
        }
    }

    /// The state of this fold's lines and `other`'s (a fold of the same metrics and settings
    /// over other lines, routed by the same router) together: folds of parts of the input,
    /// merged, give the rows of the whole.
    pub fn merge(&mut self, other: Fold) {
        fn both<T>(mine: &mut Option<T>, theirs: Option<T>, merge: impl FnOnce(&mut T, T)) {
            match (mine.as_mut(), theirs) {
                (Some(m), Some(t)) => merge(m, t),
                (None, theirs) => *mine = theirs,
                (Some(_), None) => {}
            }
        }
        both(&mut self.cross_sell, other.cross_sell, |m, t| m.merge(t));
        both(
            &mut self.campaign_cross_sell,
            other.campaign_cross_sell,
            |m, t| m.merge(t),
        );
        both(&mut self.loyalty, other.loyalty, |m, t| m.merge(t));
        both(&mut self.campaign, other.campaign, |m, t| m.merge(t));
        both(&mut self.activity, other.activity, |m, t| m.merge(t));
    }

    /// The rows of every metric, in the order they were asked for, worked out on up to
    /// `threads` threads.
    pub fn rows(
        &mut self,
        book: &Book,
        campaigns: Option<&Campaigns>,
        router: &Router,
        cohorts: &Cohorts,
        threads: usize,
    ) -> anyhow::Result<Vec<Row>> {
        if let Some(f) = &mut self.cross_sell {
            f.settle();
        }
        if let Some(f) = &mut self.campaign_cross_sell {
            f.settle();
        }
        if let Some(f) = &mut self.loyalty {
            f.settle();
        }
        if let Some(f) = &mut self.activity {
            f.settle();
        }
        if let Some(f) = &mut self.campaign {
            f.settle();
        }
        let ctx = Context {
            first_orders: OnceLock::new(),
            book,
            campaigns,
            settings: &self.settings,
            router,
            cohorts,
        };
        let activity = self.activity.as_ref();
        let one = |metric: &Metric| -> anyhow::Result<Vec<Row>> {
            Ok(match metric {
                Metric::CrossSell => self.cross_sell.as_ref().map(|f| f.rows(&ctx)),
                Metric::CampaignCrossSell => self
                    .campaign_cross_sell
                    .as_ref()
                    .map(|f| f.rows(&ctx))
                    .transpose()?,
                Metric::LoyaltyCrossSell => self
                    .loyalty
                    .as_ref()
                    .zip(activity)
                    .map(|(f, a)| f.rows(&ctx, a)),
                Metric::Ctr => Some(campaign::ctr(&ctx)?),
                Metric::Conversion => self
                    .campaign
                    .as_ref()
                    .map(|f| f.conversion(&ctx))
                    .transpose()?,
                Metric::Roi => self.campaign.as_ref().map(|f| f.roi(&ctx)).transpose()?,
                Metric::Cac => self.campaign.as_ref().map(|f| f.cac(&ctx)).transpose()?,
                Metric::Aov => activity.map(|a| a.aov(&ctx)),
                Metric::Clv => activity.map(|a| a.clv(&ctx)),
                Metric::Retention => activity.map(|a| retention::retention(&ctx, a)),
                Metric::RepeatRate => activity.map(|a| retention::repeat_rate(&ctx, a)),
            }
            .unwrap_or_default())
        };
        let mut rows = Vec::new();
        for metric_rows in map_on_threads(&self.metrics, threads, one) {
            rows.extend(metric_rows?);
        }
        Ok(rows)
    }
}

/// `f` of each item, in order, worked out on up to `threads` threads (each takes the next item
/// not yet taken): the metrics' rows are independent of one another.
fn map_on_threads<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(items.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return out;
                        };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::map_on_threads;
    use super::slice::{Dim, PeriodKind, Slicing};
    use super::testkit::{campaign, run, run_in_parts};
    use super::{Level, Metric, Settings};

    #[test]
    fn folds_of_parts_merge_into_the_fold_of_the_whole() {
        // Customers whose lines fall on both sides of every split; a return, an earlier date
        // after a later one, campaigns, members and three categories.
        let lines = [
            "O1 U1 2025-01-10 P1 a 10 C1 y",
            "O2 U2 2025-01-12 P2 b 5 - n",
            "O3 U1 2025-02-01 P2 b 7 C2 y",
            "O4 U3 2025-02-03 P3 c 4 C1 n",
            "O5 U2 2025-01-05 P1 a 3 C1 n",
            "O6 U1 2025-03-01 P3 c -2 - y",
            "O7 U3 2025-03-02 P1 a 6 C2 n",
            "O7 U3 2025-03-02 P2 b 6 C2 n",
            "O8 U4 2025-03-05 P2 b 9 - y",
            "O9 U2 2025-03-20 P3 c 1 C2 n",
        ];
        let campaigns = [
            campaign("C1", Some("10.00"), Some(100), Some(10)),
            campaign("C2", Some("20.00"), Some(200), Some(20)),
        ];
        let sliced = |dims: Vec<Dim>, period| Settings {
            slicing: Slicing { dims, period },
            ..Settings::default()
        };
        let settings = [
            Settings::default(),
            Settings {
                level: Level::Category,
                ..Settings::default()
            },
            sliced(vec![Dim::Category], None),
            sliced(vec![Dim::Channel, Dim::Category], Some(PeriodKind::Month)),
            sliced(vec![Dim::Loyalty], Some(PeriodKind::Month)),
        ];
        for settings in settings {
            for metric in Metric::ALL {
                let whole = run(metric, settings.clone(), &lines, &campaigns);
                for split in 0..=lines.len() {
                    let parts = run_in_parts(metric, settings.clone(), &lines, &campaigns, split)
                        .expect("rows");
                    assert_eq!(parts, whole, "{metric:?} split at {split}, {settings:?}");
                }
            }
        }
    }

    #[test]
    fn map_on_threads_keeps_the_order() {
        let items: Vec<u64> = (0..50).collect();
        // Uneven work, so that the threads finish out of order.
        let slow_square = |&n: &u64| {
            std::thread::sleep(std::time::Duration::from_micros((50 - n) * 20));
            n * n
        };
        let want: Vec<u64> = (0..50).map(|n| n * n).collect();
        assert_eq!(map_on_threads(&items, 1, slow_square), want);
        assert_eq!(map_on_threads(&items, 3, slow_square), want);
        assert_eq!(map_on_threads(&items[..1], 3, slow_square), [0]);
        assert!(map_on_threads(&items[..0], 3, slow_square).is_empty());
    }
}
