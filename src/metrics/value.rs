//! Value metrics: average order value and customer lifetime value.

use std::sync::OnceLock;

use super::row::{ALL, Row, Unit};
use super::slice::{Route, ScopeId};
use super::store::{Merge, PerScope};
use super::{ClvModel, Context, Tally};
use crate::input::Line;
use crate::money::Money;

/// Days per year in the purchase-frequency annualisation (the mean Gregorian year is 365.2425;
/// 365.25 is the convention of CLV literature and of the spec).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The factors `--clv-model formula` prints after `clv` and `clv.aov`, with their units (a
/// database's rows under `--engine` are read by them too).
pub const CLV_FACTORS: [(&str, Unit); 4] = [
    ("clv.frequency", Unit::Number),
    ("clv.window-days", Unit::Count),
    ("clv.lifespan", Unit::Number),
    ("clv.margin", Unit::Rate),
];

/// What the order-based metrics (aov, clv, repeat-rate, retention, loyalty-cross-sell) need from
/// the lines: net revenue per customer and the orders with a purchase line, per scope.
#[derive(Debug, Default)]
pub struct Spending {
    /// Per (scope, customer) with a line in the scope: their net revenue there (returns
    /// included).
    spent: PerScope<Spent>,
    /// Per (scope, order): whether it has a purchase line in the scope.
    orders: PerScope<bool>,
    /// [`Spending::totals`], worked out once for aov and clv.
    totals: OnceLock<Tally<Totals>>,
}

/// A customer's lines in a scope: whether there are any, and their net revenue.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Spent {
    any: bool,
    net: Money,
}

impl Merge for Spent {
    fn merge(&mut self, other: Spent) {
        self.any |= other.any;
        self.net += other.net;
    }
}

impl Spending {
    pub fn add(&mut self, line: &Line, routes: &[Route]) {
        let spent = Spent {
            any: true,
            net: line.amount,
        };
        for route in routes {
            self.spent.add(route.scope, line.customer, spent);
            if line.is_purchase() {
                // Orders mostly arrive in increasing order: no batch needed.
                self.orders.add_now(route.scope, line.order, true);
            }
        }
    }

    /// Applies the updates held back, before reading.
    pub fn settle(&mut self) {
        self.spent.settle();
        self.orders.settle();
    }

    /// The state of this fold's lines and `other`'s together.
    pub fn merge(&mut self, other: Spending) {
        self.spent.merge(other.spent);
        self.orders.merge(other.orders);
        // Totals worked out before are of this part alone.
        self.totals = OnceLock::new();
    }

    /// Every (scope, order) that counts as an order in the scope.
    pub fn orders(&self) -> impl Iterator<Item = (ScopeId, u32)> + '_ {
        self.orders.iter().map(|(scope, order, _)| (scope, order))
    }

    /// Every (scope, customer) with a line in the scope, with their net revenue there.
    fn revenues(&self) -> impl Iterator<Item = ((ScopeId, u32), Money)> + '_ {
        self.spent
            .iter()
            .map(|(scope, customer, spent)| ((scope, customer), spent.net))
    }

    /// Net revenue, orders and buying customers per (scope, customer group), worked out on first use.
    fn totals(&self, ctx: &Context) -> &Tally<Totals> {
        self.totals.get_or_init(|| self.count_totals(ctx))
    }

    fn count_totals(&self, ctx: &Context) -> Tally<Totals> {
        let mut tally: Tally<Totals> = Tally::new();
        for ((scope, customer), money) in self.revenues() {
            tally.add(ctx, scope, customer, |t| t.revenue += money);
        }
        let mut buyers: PerScope<bool> = PerScope::with_ids(ctx.book.customers.len());
        for (scope, order) in self.orders() {
            let Some(customer) = ctx.book.customer_of(order) else {
                continue;
            };
            let new_buyer = u64::from(buyers.get(scope, customer).is_none());
            buyers.add_now(scope, customer, true);
            tally.add(ctx, scope, customer, |t| {
                t.orders += 1;
                t.customers += new_buyer;
            });
        }
        tally
    }

    /// `aov` = net revenue / orders (orders with a purchase line), in the scope.
    pub fn aov(&self, ctx: &Context) -> Vec<Row> {
        ctx.rows(self.totals(ctx), false, |label, cell| {
            let t = cell.map(|(_, t)| *t).unwrap_or_default();
            vec![Row::money_per("aov", ALL, t.revenue, t.orders).labelled(label)]
        })
    }

    /// `clv`. Historic: net revenue / customers with a purchase line, in the scope. Formula:
    /// AOV × purchase frequency × lifespan × margin, where purchase frequency = orders /
    /// customers / (days / 365.25) and days = last − first date of the window (of the period
    /// within the window, under `--period`) + 1; each factor gets a row of its own.
    pub fn clv(&self, ctx: &Context) -> Vec<Row> {
        ctx.rows(self.totals(ctx), false, |label, cell| {
            let t = cell.map(|(_, t)| *t).unwrap_or_default();
            let ClvModel::Formula { margin, lifespan } = ctx.settings.clv else {
                return vec![Row::money_per("clv", ALL, t.revenue, t.customers).labelled(label)];
            };
            let period = match cell {
                Some((scope, _)) => ctx.router.key(scope).and_then(|k| k.period),
                None => label_period(ctx, label),
            };
            let days = ctx
                .period_bounds(period)
                .map(|(first, last)| (last - first).num_days() + 1);
            let aov = Row::money_per("clv.aov", ALL, t.revenue, t.orders);
            let frequency = match days {
                Some(days) if t.customers > 0 => {
                    Some(t.orders as f64 / t.customers as f64 / (days as f64 / DAYS_PER_YEAR))
                }
                _ => None,
            };
            let clv = aov
                .value
                .zip(frequency)
                .map(|(aov, f)| aov * f * lifespan * margin);
            let factors = [
                frequency,
                days.map(|d| d as f64),
                Some(lifespan),
                Some(margin),
            ];
            let factors = (CLV_FACTORS.iter().zip(factors))
                .map(|(&(name, unit), value)| Row::plain(name, value, unit));
            [Row::plain("clv", clv, Unit::Money), aov]
                .into_iter()
                .chain(factors)
                .map(|r| r.labelled(label))
                .collect()
        })
    }
}

/// The period key of a label's period, for a period without lines (no scope to ask).
fn label_period(ctx: &Context, label: &super::Label) -> Option<i32> {
    let kind = ctx.settings.slicing.period?;
    let (first, last) = ctx.bounds()?;
    kind.range(first, last)
        .find(|&k| Some(kind.label(k)) == label.period)
}

#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    revenue: Money,
    orders: u64,
    customers: u64,
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_value, run, table};
    use super::super::{ClvModel, Metric, Settings};

    const LINES: [&str; 6] = [
        "O1 U1 2025-01-01 P1 a 10.00 - n",
        "O1 U1 2025-01-01 P2 a 5.50 - n",
        "O2 U1 2025-01-01 P1 a -10.00 - n", // a return-only order: revenue, but not an order
        "O3 U2 2025-01-02 P3 a 0.10 - n",
        "O3 U2 2025-01-02 P4 a 0.20 - n",
        "O4 U2 2025-01-03 P3 a 0 - n", // a zero line: not an order
    ];

    #[test]
    fn aov_is_net_revenue_per_order() {
        // Net revenue 15.50 - 10.00 + 0.30 = 5.80 over orders O1 and O3.
        let rows = run(Metric::Aov, Settings::default(), &LINES, &[]);
        assert_eq!(
            table(&rows),
            [(
                "all".into(),
                "".into(),
                Some(2.9),
                "5.80".into(),
                "2".into()
            )]
        );
    }

    #[test]
    fn historic_clv_is_net_revenue_per_buying_customer() {
        let rows = run(Metric::Clv, Settings::default(), &LINES, &[]);
        assert_eq!(
            table(&rows),
            [(
                "all".into(),
                "".into(),
                Some(2.9),
                "5.80".into(),
                "2".into()
            )]
        );
    }

    #[test]
    fn formula_clv_multiplies_its_factors() {
        let settings = Settings {
            clv: ClvModel::Formula {
                margin: 0.5,
                lifespan: 2.0,
            },
            ..Settings::default()
        };
        let rows = run(Metric::Clv, settings, &LINES, &[]);
        let by_name = |name: &str| rows.iter().find(|r| r.metric == name).and_then(|r| r.value);
        // 3 window days; frequency = 2 orders / 2 customers / (3 / 365.25) = 121.75 a year;
        // CLV = AOV 2.90 x 121.75 x 2 years x 0.5 margin = 353.075.
        assert_value(by_name("clv.window-days"), Some(3.0));
        assert_value(by_name("clv.frequency"), Some(121.75));
        assert_value(by_name("clv.aov"), Some(2.9));
        assert_value(by_name("clv"), Some(353.075));
    }
}
