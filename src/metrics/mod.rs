//! The KPIs. Each family folds parsed order lines in one pass into a small state keyed by
//! customer; the functions that turn that state into rows are pure. Nothing here knows about
//! the command line or the output format.

pub mod basket;
mod campaign;
pub mod cohort;
mod context;
mod cross_sell;
mod first_dates;
mod pair_map;
pub mod pairs;
pub mod predicted;
pub mod registry;
mod retention;
pub mod row;
pub mod slice;
mod store;
#[cfg(test)]
mod testkit;
pub(crate) mod value;
pub mod window;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::input::{Book, Campaigns, Line};
pub use context::{Context, Label, Tally};
pub use registry::{FoldPart, Info, Inputs, Metric};
pub use row::{Quantity, Row, Unit};
use slice::{CustomerGroups, Route, Router, Slicing};
pub use store::page_of;
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
    /// The mean CLV the BG/NBD and Gamma-Gamma models predict over 12 months, times the margin
    /// (a fraction; 1 for revenue): see `predicted`.
    BgNbd { margin: f64 },
}

/// How to measure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub window: Window,
    pub level: Level,
    pub clv: ClvModel,
    pub slicing: Slicing,
}

/// The one-pass fold of every requested metric.
pub struct Fold {
    metrics: Vec<Metric>,
    settings: Settings,
    cross_sell: Option<cross_sell::CrossSell>,
    campaign_cross_sell: Option<cross_sell::CampaignCrossSell>,
    loyalty: Option<cross_sell::LoyaltyCrossSell>,
    campaign: Option<campaign::CampaignFold>,
    spending: Option<value::Spending>,
    /// `clv` under `--clv-model bgnbd`.
    predicted: Option<predicted::PredictedClv>,
    /// Notes on the rows made (a model that could not be fitted).
    notes: Vec<String>,
}

impl Fold {
    /// The fold of `metrics`: the parts their declarations name ([`Metric::fold_parts`]).
    pub fn new(metrics: &[Metric], settings: Settings) -> Fold {
        let wants = |part| metrics.iter().any(|m| m.fold_parts().contains(&part));
        Fold {
            metrics: metrics.to_vec(),
            cross_sell: wants(FoldPart::CrossSell)
                .then(|| cross_sell::CrossSell::new(settings.level)),
            campaign_cross_sell: wants(FoldPart::CampaignCrossSell)
                .then(|| cross_sell::CampaignCrossSell::new(settings.level)),
            loyalty: wants(FoldPart::LoyaltyCrossSell).then(cross_sell::LoyaltyCrossSell::default),
            campaign: wants(FoldPart::Campaign)
                .then(|| campaign::CampaignFold::new(settings.window)),
            spending: wants(FoldPart::Spending).then(value::Spending::default),
            predicted: match settings.clv {
                ClvModel::BgNbd { margin } if metrics.contains(&Metric::Clv) => {
                    Some(predicted::PredictedClv::new(settings.window, margin))
                }
                _ => None,
            },
            notes: Vec::new(),
            settings,
        }
    }

    /// Whether retention is asked for: it then needs whole-window scopes under `--period`.
    pub fn wants_retention(&self) -> bool {
        self.metrics.contains(&Metric::Retention)
    }

    /// Folds one line, measured in `routes` (none when it lies outside the window; history still
    /// counts it).
    pub fn add(&mut self, line: &Line, routes: &[Route]) {
        if let Some(f) = &mut self.cross_sell {
            f.add(line, routes);
        }
        if let Some(f) = &mut self.campaign_cross_sell {
            f.add(line);
        }
        if let Some(f) = &mut self.loyalty {
            f.add(line, routes);
        }
        if let Some(f) = &mut self.campaign {
            f.add(line);
        }
        if let Some(f) = &mut self.spending {
            f.add(line, routes);
        }
        if let Some(f) = &mut self.predicted {
            f.add(line, routes);
        }
    }

    /// The state of this fold's lines and `other`'s (a fold of the same metrics and settings
    /// over other lines, routed by the same router) together: folds of parts of the input,
    /// merged, give the rows of the whole.
    pub fn merge(&mut self, other: Fold) {
        debug_assert!(self.metrics == other.metrics && self.settings == other.settings);
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
        both(&mut self.spending, other.spending, |m, t| m.merge(t));
        both(&mut self.predicted, other.predicted, |m, t| m.merge(t));
    }

    /// Notes on the rows made by [`Fold::rows`]: why a row is n/a.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The rows of every metric, in the order they were asked for, worked out on up to
    /// `threads` threads.
    pub fn rows(
        &mut self,
        book: &Book,
        campaigns: Option<&Campaigns>,
        router: &Router,
        groups: &CustomerGroups,
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
        if let Some(f) = &mut self.spending {
            f.settle();
        }
        if let Some(f) = &mut self.campaign {
            f.settle();
        }
        if let Some(f) = &mut self.predicted {
            f.settle(self.settings.window.bounds(book.span).map(|b| b.1));
        }
        let ctx = Context::new(book, campaigns, &self.settings, router, groups);
        let spending = self.spending.as_ref();
        // The models fit on every thread before the other metrics start.
        let predicted = self.predicted.as_ref().map(|f| f.rows(&ctx, threads));
        if let Some((_, notes)) = &predicted {
            self.notes.clone_from(notes);
        }
        let predicted = predicted.map(|p| p.0);
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
                    .zip(spending)
                    .map(|(f, a)| f.rows(&ctx, a)),
                Metric::Ctr => Some(campaign::ctr(&ctx)?),
                Metric::Conversion => self
                    .campaign
                    .as_ref()
                    .map(|f| f.conversion(&ctx))
                    .transpose()?,
                Metric::Roi => self.campaign.as_ref().map(|f| f.roi(&ctx)).transpose()?,
                Metric::Cac => self.campaign.as_ref().map(|f| f.cac(&ctx)).transpose()?,
                Metric::Aov => spending.map(|a| a.aov(&ctx)),
                Metric::Clv => predicted.clone().or_else(|| spending.map(|a| a.clv(&ctx))),
                Metric::Retention => spending.map(|a| retention::retention(&ctx, a)),
                Metric::RepeatRate => spending.map(|a| retention::repeat_rate(&ctx, a)),
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
    use super::{Level, Metric, Settings, Window};
    use crate::input::Campaign;
    use chrono::NaiveDate;

    #[test]
    fn folds_of_parts_merge_into_the_fold_of_the_whole() {
        // Customers whose lines fall on both sides of every split by position; a return, an
        // earlier date after a later one, campaigns, members and three categories.
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
            // A later date before an earlier one, both attributed: the earlier must win, and
            // the window below ends between them.
            "O10 U5 2025-03-21 P1 a 2 C1 n",
            "O11 U5 2025-03-20 P2 b 2 C1 n",
        ];
        // With targeted counts, so that campaign-cross-sell has values to compare.
        let campaigns = [
            Campaign {
                targeted: Some(5),
                ..campaign("C1", Some("10.00"), Some(100), Some(10))
            },
            Campaign {
                targeted: Some(7),
                ..campaign("C2", Some("20.00"), Some(200), Some(20))
            },
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
            Settings {
                window: Window {
                    from: NaiveDate::from_ymd_opt(2025, 1, 11),
                    to: NaiveDate::from_ymd_opt(2025, 3, 20),
                },
                ..Settings::default()
            },
        ];
        for settings in settings {
            for metric in Metric::ALL {
                let whole = run(metric, settings.clone(), &lines, &campaigns);
                // Split at each line (k = 0), and by customer (customer % k == 1) as the
                // engine's fold threads split.
                let splits = (0..=lines.len()).map(|at| (at, 0)).chain([(0, 2), (0, 3)]);
                for (at, k) in splits {
                    let second = move |n: usize, customer: u32| match k {
                        0 => n >= at,
                        k => customer % k == 1,
                    };
                    for swap in [false, true] {
                        let parts = (settings.clone(), &second as _, swap);
                        let got = run_in_parts(metric, &lines, &campaigns, parts).expect("rows");
                        assert_eq!(
                            got, whole,
                            "{metric:?} split at {at} or by customer % {k}, swap {swap}, \
                             {settings:?}"
                        );
                    }
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
