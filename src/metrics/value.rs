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
