//! Cross-sell rates: customer level, campaign level, loyalty-member level.
//!
//! History ("had not bought before", "had bought something earlier") always uses every input
//! row; only the lines dated inside the window are measured. Each fold keeps the earliest date per
//! (customer, item), so the result never depends on the order of rows.

use std::num::NonZeroU32;

use rustc_hash::FxHashMap as HashMap;

use anyhow::Result;

use super::campaign::{add_count, per_campaign};
use super::first_dates::{FirstDates, one_up};
use super::pair_map::Bought;
use super::row::{ALL, Row, Unit};
use super::slice::{Dim, Route, ScopeId};
use super::store::{Merge, PerScope};
use super::value::Spending;
use super::{Context, Level, Tally};
use crate::input::Line;

/// What one customer bought in a scope, as far as "two or more distinct items" needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Basket {
    #[default]
    Empty,
    One(u32),
    Many,
}

impl Merge for Basket {
    /// This basket and `other` together.
    fn merge(&mut self, other: Basket) {
        *self = match (*self, other) {
            (basket, Basket::Empty) | (Basket::Empty, basket) => basket,
            (Basket::One(a), Basket::One(b)) if a == b => Basket::One(a),
            _ => Basket::Many,
        };
    }
}

/// `cross-sell` = customers with >= 2 distinct items among their purchase lines in the scope /
/// customers with >= 1 purchase line in the scope.
///
/// Under `--by category` a customer belongs to the group of every category they bought, and the
/// share is of those who bought >= 2 categories across all their lines (counting within one
/// category could only ever give 0): their basket is kept for the scope widened to every
/// category.
#[derive(Debug)]
pub struct CrossSell {
    level: Level,
    /// Per (scope, customer): what the customer bought in the scope.
    baskets: PerScope<Basket>,
    /// Per (widened scope, customer), under `--by category`.
    wide_baskets: PerScope<Basket>,
    /// (scope, customer) → the widened scope holding the customer's basket.
    members: HashMap<(ScopeId, u32), ScopeId>,
}

impl CrossSell {
    pub fn new(level: Level) -> CrossSell {
        CrossSell {
            level,
            baskets: PerScope::default(),
            wide_baskets: PerScope::default(),
            members: HashMap::default(),
        }
    }

    pub fn add(&mut self, line: &Line, routes: &[Route]) {
        if !line.is_purchase() {
            return;
        }
        let item = Basket::One(self.level.item(line));
        for route in routes {
            if route.wide == route.scope {
                self.baskets.add(route.scope, line.customer, item);
            } else {
                self.wide_baskets.add(route.wide, line.customer, item);
                self.members
                    .insert((route.scope, line.customer), route.wide);
            }
        }
    }

    /// Applies the updates held back, before [`CrossSell::rows`].
    pub fn settle(&mut self) {
        self.baskets.settle();
        self.wide_baskets.settle();
    }

    /// The state of this fold's lines and `other`'s together.
    pub fn merge(&mut self, other: CrossSell) {
        self.baskets.merge(other.baskets);
        self.wide_baskets.merge(other.wide_baskets);
        self.members.reserve(other.members.len());
        self.members.extend(other.members);
    }

    pub fn rows(&self, ctx: &Context) -> Vec<Row> {
        let mut tally: Tally<(u64, u64)> = Tally::new();
        let mut count = |scope: ScopeId, customer: u32, basket: Option<&Basket>| {
            let many = u64::from(basket == Some(&Basket::Many));
            tally.add(ctx, scope, customer, |(n, d)| {
                *n += many;
                *d += 1;
            });
        };
        for (scope, customer, basket) in self.baskets.iter() {
            count(scope, customer, Some(basket));
        }
        for (&(scope, customer), &wide) in &self.members {
            count(scope, customer, self.wide_baskets.get(wide, customer));
        }
        ctx.rows(&tally, false, |label, cell| {
            let (n, d) = cell.map_or((0, 0), |(_, t)| *t);
            vec![Row::rate("cross-sell", ALL, n, Some(d)).labelled(label)]
        })
    }
}

/// `campaign-cross-sell` per campaign = distinct customers with a purchase line attributed to the
/// campaign, in the window, dated d, of an item they had not bought before d, who had bought
/// something before d / the campaign's `targeted`.
///
/// A purchase of item i on date d is "not bought before d" exactly when d is the customer's first
/// date for i, so the fold keeps, per (customer, item), the first date and the campaigns of the
/// purchase lines of that date.
#[derive(Debug, Default)]
pub struct CampaignCrossSell {
    level: Level,
    /// Values: campaign ids, one up.
    first_bought: FirstDates<NonZeroU32>,
}

impl CampaignCrossSell {
    pub fn new(level: Level) -> CampaignCrossSell {
        CampaignCrossSell {
            level,
            ..CampaignCrossSell::default()
        }
    }

    pub fn add(&mut self, line: &Line) {
        if !line.is_purchase() {
            return;
        }
        let bought = Bought {
            customer: line.customer,
            item: self.level.item(line),
        };
        (self.first_bought).add(bought, line.date, line.campaign.map(one_up));
    }

    /// Applies the last purchases, before [`CampaignCrossSell::rows`].
    pub fn settle(&mut self) {
        self.first_bought.settle();
    }

    /// The state of this fold's lines and `other`'s together.
    pub fn merge(&mut self, other: CampaignCrossSell) {
        self.first_bought.merge(other.first_bought);
    }

    pub fn rows(&self, ctx: &Context) -> Result<Vec<Row>> {
        // (campaign, customer) won, sorted: each campaign's customers in one run.
        let mut won: Vec<(u32, u32)> = Vec::new();
        // Most first purchases are not attributed: they have no value, and need no look at
        // the customer.
        for (Bought { customer, .. }, date, campaign) in self.first_bought.values() {
            if ctx.settings.window.contains(date)
                && ctx.first_order(customer).is_some_and(|first| first < date)
            {
                won.push((campaign.get() - 1, customer));
            }
        }
        won.sort_unstable();
        won.dedup();
        let by_campaign: HashMap<u32, &[(u32, u32)]> = won
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run[0].0, run))
            .collect();
        let metric = "campaign-cross-sell";
        per_campaign(
            ctx,
            metric,
            Unit::Rate,
            |index, campaign, (everyone, targeted): &mut (Vec<u32>, u64)| {
                let t = campaign.targeted?;
                if let Err(e) = add_count(targeted, t, metric) {
                    return Some(Err(e));
                }
                let run = by_campaign.get(&index).copied().unwrap_or_default();
                everyone.extend(run.iter().map(|&(_, customer)| customer));
                Some(Ok(()))
            },
            |(mut everyone, targeted)| {
                // Distinct customers across the campaigns summed.
                everyone.sort_unstable();
                everyone.dedup();
                Row::rate(metric, ALL, everyone.len() as u64, Some(targeted))
            },
        )
    }
}

/// `loyalty-cross-sell` = cross-sell orders by loyalty members / all orders by loyalty members
/// in the scope. A cross-sell order holds a purchase line of a category (product when there is
/// no category column) that its customer had not bought on an earlier date, from a customer who
/// had bought something on an earlier date. Under an order-line dimension only the order's lines
/// in the group count. Under `--by loyalty` the non-member row applies the same formula to
/// non-members, for comparison.
#[derive(Debug, Default)]
pub struct LoyaltyCrossSell {
    /// Per (customer, item): the first date the customer bought it, and the (scope, order one
    /// up) of the measured lines that bought it on that date.
    first_bought: FirstDates<(ScopeId, NonZeroU32)>,
}

impl LoyaltyCrossSell {
    pub fn add(&mut self, line: &Line, routes: &[Route]) {
        if !line.is_purchase() {
            return;
        }
        let bought = Bought {
            customer: line.customer,
            item: Level::Category.item(line),
        };
        let orders = routes.iter().map(|route| (route.scope, one_up(line.order)));
        self.first_bought.add(bought, line.date, orders);
    }

    /// Applies the last purchases, before [`LoyaltyCrossSell::rows`].
    pub fn settle(&mut self) {
        self.first_bought.settle();
    }

    /// The state of this fold's lines and `other`'s together.
    pub fn merge(&mut self, other: LoyaltyCrossSell) {
        self.first_bought.merge(other.first_bought);
    }

    pub fn rows(&self, ctx: &Context, spending: &Spending) -> Vec<Row> {
        // Cross-sell (scope, order)s.
        let mut cross: PerScope<bool> = PerScope::default();
        for (Bought { customer, .. }, date, (scope, order)) in self.first_bought.values() {
            if ctx.first_order(customer).is_some_and(|first| first < date) {
                cross.add_now(scope, order.get() - 1, true);
            }
        }
        let by_loyalty = ctx.settings.slicing.dims.contains(&Dim::Loyalty);
        let mut tally: Tally<(u64, u64)> = Tally::new();
        for (scope, order) in spending.orders() {
            let Some(customer) = ctx.book.customer_of(order) else {
                continue;
            };
            let member = ctx.member(customer);
            let is_cross = u64::from(cross.get(scope, order).is_some());
            let add = |(n, d): &mut (u64, u64)| {
                *n += is_cross;
                *d += 1;
            };
            if member {
                tally.add_to(scope, None, add);
            }
            let group = ctx.groups.of(customer);
            if group.is_some() && (member || by_loyalty) {
                tally.add_to(scope, group, add);
            }
        }
        ctx.rows(&tally, false, |label, cell| {
            let (n, d) = cell.map_or((0, 0), |(_, t)| *t);
            vec![Row::rate("loyalty-cross-sell", ALL, n, Some(d)).labelled(label)]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_value, run, table};
    use super::super::{Level, Metric, Settings, Window};
    use crate::input::Campaign;

    #[test]
    fn baskets_merge_as_their_items_would_add() {
        use super::Basket::{Empty, Many, One};
        use super::Merge;
        let merged = |mut a: super::Basket, b| {
            a.merge(b);
            a
        };
        assert_eq!(merged(Empty, Empty), Empty);
        assert_eq!(merged(Empty, One(3)), One(3));
        assert_eq!(merged(One(3), Empty), One(3));
        assert_eq!(merged(One(3), One(3)), One(3));
        assert_eq!(merged(One(3), One(4)), Many);
        assert_eq!(merged(Many, One(3)), Many);
        assert_eq!(merged(One(3), Many), Many);
        assert_eq!(merged(Many, Empty), Many);
    }

    fn from(date: &str) -> Window {
        Window {
            from: Some(date.parse().unwrap()),
            to: None,
        }
    }

    #[test]
    fn cross_sell_counts_distinct_purchased_products() {
        let lines = [
            "O1 U1 2025-01-01 P1 books 10.00 - n", // U1: P1 and P2 in one order: cross-sold
            "O1 U1 2025-01-01 P2 music 5.00 - n",
            "O2 U2 2025-01-01 P1 books 10.00 - n", // U2: P1 twice: one product
            "O3 U2 2025-01-09 P1 books 10.00 - n",
            "O4 U3 2025-01-01 P1 books 10.00 - n", // U3: P2 only returned: one product
            "O5 U3 2025-01-02 P2 music -5.00 - n",
            "O6 U4 2025-01-01 P1 books 10.00 - n", // U4: P2 at zero: neither
            "O6 U4 2025-01-01 P2 music 0 - n",
            "O7 U5 2025-01-01 P3 books -4.00 - n", // U5: only a return: not a buyer
        ];
        let rows = run(Metric::CrossSell, Settings::default(), &lines, &[]);
        // 1 of the 4 buyers (U1..U4) bought two distinct products.
        assert_eq!(
            table(&rows),
            [("all".into(), "".into(), Some(0.25), "1".into(), "4".into())]
        );
    }

    #[test]
    fn cross_sell_measures_only_the_window_and_the_level() {
        let lines = [
            "O1 U1 2025-01-10 P1 books 10.00 - n",
            "O2 U1 2025-02-10 P2 books 10.00 - n",
        ];
        // Over all dates U1 has two products, but both are books.
        let all = run(Metric::CrossSell, Settings::default(), &lines, &[]);
        assert_value(all[0].value, Some(1.0));
        let by_category = Settings {
            level: Level::Category,
            ..Settings::default()
        };
        assert_value(
            run(Metric::CrossSell, by_category, &lines, &[])[0].value,
            Some(0.0),
        );
        // From February U1 bought only P2.
        let february = Settings {
            window: from("2025-02-01"),
            ..Settings::default()
        };
        assert_eq!(
            table(&run(Metric::CrossSell, february, &lines, &[]))[0].3,
            "0"
        );
        // A window without lines: 0 / 0 is n/a, not NaN.
        let empty = Settings {
            window: from("2026-01-01"),
            ..Settings::default()
        };
        let rows = run(Metric::CrossSell, empty, &lines, &[]);
        assert_eq!(
            table(&rows),
            [("all".into(), "".into(), None, "0".into(), "0".into())]
        );
    }

    fn targeted(id: &str, n: Option<u64>) -> Campaign {
        Campaign {
            id: id.to_string(),
            targeted: n,
            ..Campaign::default()
        }
    }

    const CAMPAIGN_LINES: [&str; 16] = [
        "O1 U1 2025-01-01 P1 a 10 - n", // U1 wins for C1: P2 is new, P1 came before
        "O2 U1 2025-02-01 P2 b 10 C1 n",
        "O3 U2 2025-01-01 P1 a 10 C1 n", // U2: first purchase ever through C1: nothing before
        "O4 U2 2025-03-01 P1 a 10 C1 n", // ... then P1 again: not new
        "O5 U3 2025-02-01 P1 a 10 - n",  // U3: first order the same day as the campaign line
        "O6 U3 2025-02-01 P2 b 10 C1 n",
        "O7 U4 2025-01-01 P1 a 10 - n", // U4: P2 was bought before C2 sold it
        "O8 U4 2025-01-15 P2 b 10 - n",
        "O9 U4 2025-02-01 P2 b 10 C2 n",
        "O10 U5 2025-01-01 P1 a 10 - n", // U5 wins for C2 (P3) and for C1 (P4)
        "O11 U5 2025-02-01 P3 c 10 C2 n",
        "O12 U5 2025-02-05 P4 d 10 C1 n",
        "O13 U6 2025-01-01 P1 a 10 - n", // U6: the C2 line is a return
        "O14 U6 2025-02-01 P5 e -10 C2 n",
        "O15 U7 2025-01-01 P1 a 10 - n", // U7 wins for C3, whose targeted is unknown
        "O16 U7 2025-02-01 P6 f 10 C3 n",
    ];

    #[test]
    fn campaign_cross_sell_counts_new_products_for_returning_customers() {
        let campaigns = [
            targeted("C2", Some(4)),
            targeted("C1", Some(10)),
            targeted("C3", None),
        ];
        let rows = run(
            Metric::CampaignCrossSell,
            Settings::default(),
            &CAMPAIGN_LINES,
            &campaigns,
        );
        let want = [
            // all: distinct {U1, U5} over C1 and C2 (C3 has no targeted) / 10 + 4
            ("all", Some(2.0 / 14.0), "2", "14"),
            ("C1", Some(0.2), "2", "10"), // U1, U5
            ("C2", Some(0.25), "1", "4"), // U5
            ("C3", None, "", ""),         // U7 won, but targeted is unknown: n/a, no partial counts
        ];
        let got = table(&rows);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0.as_str(), g.3.as_str(), g.4.as_str()), (w.0, w.2, w.3));
            assert_value(g.2, w.1);
        }
    }

    #[test]
    fn campaign_cross_sell_uses_history_before_the_window() {
        let campaigns = [targeted("C1", Some(10)), targeted("C2", Some(4))];
        // From 02-03 only U5's C1 line (02-05) is measured; its history (P1 on 01-01) still counts.
        let settings = Settings {
            window: from("2025-02-03"),
            ..Settings::default()
        };
        let got = table(&run(
            Metric::CampaignCrossSell,
            settings,
            &CAMPAIGN_LINES,
            &campaigns,
        ));
        let counts: Vec<(&str, &str)> = got.iter().map(|r| (r.0.as_str(), r.3.as_str())).collect();
        assert_eq!(counts, [("all", "1"), ("C1", "1"), ("C2", "0")]);
    }

    const LOYALTY_LINES: [&str; 10] = [
        "O1 U1 2025-01-01 P1 books 10 - y",
        "O2 U1 2025-01-01 P2 music 10 - y", // same day as the first order: not "earlier"
        "O3 U1 2025-02-01 P1 books 10 - y", // toys are new and U1 bought before: cross-sell order
        "O3 U1 2025-02-01 P3 toys 10 - y",
        "O4 U1 2025-03-01 P1 books 10 - y",
        "O5 U2 2025-01-01 P1 books 10 - y",
        "O6 U2 2025-02-01 P2 music -10 - y", // a return-only order: not an order
        "O7 U2 2025-03-01 P2 music 10 - y",  // music never bought before: cross-sell order
        "O8 U3 2025-01-01 P1 books 10 - n",  // U3 is not a member
        "O9 U3 2025-02-01 P2 music 10 - n",
    ];

    #[test]
    fn loyalty_cross_sell_is_a_share_of_member_orders() {
        let rows = run(
            Metric::LoyaltyCrossSell,
            Settings::default(),
            &LOYALTY_LINES,
            &[],
        );
        // Member orders: U1 O1-O4, U2 O5 and O7 = 6; cross-sell orders O3 and O7 = 2.
        assert_eq!(table(&rows)[0].3, "2");
        assert_eq!(table(&rows)[0].4, "6");
        assert_value(rows[0].value, Some(2.0 / 6.0));
        // From 02-15: member orders O4 and O7, of which O7 is a cross-sell order.
        let later = Settings {
            window: from("2025-02-15"),
            ..Settings::default()
        };
        assert_value(
            run(Metric::LoyaltyCrossSell, later, &LOYALTY_LINES, &[])[0].value,
            Some(0.5),
        );
    }
}
