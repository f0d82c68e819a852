//! Value metrics: average order value and customer lifetime value.

use super::row::{ALL, Row, Unit};
use super::{ClvModel, Context, Window};
use crate::input::Line;
use crate::money::Money;

/// Days per year in the purchase-frequency annualisation (the mean Gregorian year is 365.2425;
/// 365.25 is the convention of CLV literature and of the spec).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Net revenue in the window: every line, returns and zero lines included.
#[derive(Debug, Default)]
pub struct Revenue {
    window: Window,
    total: Money,
}

impl Revenue {
    pub fn new(window: Window) -> Revenue {
        Revenue {
            window,
            total: Money::ZERO,
        }
    }

    pub fn add(&mut self, line: &Line) {
        if self.window.contains(line.date) {
            self.total += line.amount;
        }
    }

    /// `aov` = net revenue / orders (orders with a purchase line, in the window).
    pub fn aov(&self, ctx: &Context) -> Vec<Row> {
        vec![Row::money_per(
            "aov",
            ALL,
            self.total,
            ctx.orders().count() as u64,
        )]
    }

    /// `clv`. Historic: net revenue / customers with a purchase line in the window. Formula:
    /// AOV × purchase frequency × lifespan × margin, where purchase frequency = orders / customers
    /// / (window days / 365.25) and window days = last − first date of the window + 1; each
    /// factor gets a row of its own.
    pub fn clv(&self, ctx: &Context) -> Vec<Row> {
        let customers = ctx.buyers();
        let ClvModel::Formula { margin, lifespan } = ctx.settings.clv else {
            return vec![Row::money_per("clv", ALL, self.total, customers)];
        };
        let orders = ctx.orders().count() as u64;
        let aov = Row::money_per("clv.aov", ALL, self.total, orders);
        let days = ctx
            .bounds()
            .map(|(first, last)| (last - first).num_days() + 1);
        let frequency = match days {
            Some(days) if customers > 0 => {
                Some(orders as f64 / customers as f64 / (days as f64 / DAYS_PER_YEAR))
            }
            _ => None,
        };
        let clv = aov
            .value
            .zip(frequency)
            .map(|(aov, f)| aov * f * lifespan * margin);
        vec![
            Row::plain("clv", clv, Unit::Money),
            aov,
            Row::plain("clv.frequency", frequency, Unit::Number),
            Row::plain("clv.window-days", days.map(|d| d as f64), Unit::Count),
            Row::plain("clv.lifespan", Some(lifespan), Unit::Number),
            Row::plain("clv.margin", Some(margin), Unit::Rate),
        ]
    }
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
