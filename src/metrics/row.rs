//! A result row: the tidy unit every metric returns and every output format prints.

use crate::money::Money;

/// What a value measures, which decides how the table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A fraction; a percentage in the table.
    Rate,
    /// An amount of money.
    Money,
    /// A plain number (a frequency, years).
    Number,
    /// A whole number (days).
    Count,
}

/// An exact numerator or denominator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    Count(u64),
    Money(Money),
}

/// One result: `metric, group, period, value, numerator, denominator`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub metric: &'static str,
    /// `all` for a total, else the campaign id.
    pub group: String,
    /// A month (`2025-03`) for retention's per-month rows.
    pub period: Option<String>,
    /// `None` is n/a: a zero or unknown denominator.
    pub value: Option<f64>,
    pub numerator: Option<Quantity>,
    pub denominator: Option<Quantity>,
    pub unit: Unit,
}

pub const ALL: &str = "all";

impl Row {
    fn new(metric: &'static str, group: &str, value: Option<f64>, unit: Unit) -> Row {
        Row {
            metric,
            group: group.to_string(),
            period: None,
            value,
            numerator: None,
            denominator: None,
            unit,
        }
    }

    /// `numerator / denominator` as a rate; n/a when the denominator is zero or unknown.
    pub fn rate(
        metric: &'static str,
        group: &str,
        numerator: u64,
        denominator: Option<u64>,
    ) -> Row {
        let value = denominator
            .filter(|&d| d > 0)
            .map(|d| numerator as f64 / d as f64);
        Row {
            numerator: Some(Quantity::Count(numerator)),
            denominator: denominator.map(Quantity::Count),
            ..Row::new(metric, group, value, Unit::Rate)
        }
    }

    /// An amount of money per counted thing (per order, per customer).
    pub fn money_per(metric: &'static str, group: &str, numerator: Money, denominator: u64) -> Row {
        let value = (denominator > 0).then(|| numerator.to_f64() / denominator as f64);
        Row {
            numerator: Some(Quantity::Money(numerator)),
            denominator: Some(Quantity::Count(denominator)),
            ..Row::new(metric, group, value, Unit::Money)
        }
    }

    /// Money over money, as a rate (ROI); n/a when the denominator is zero.
    pub fn money_rate(
        metric: &'static str,
        group: &str,
        numerator: Money,
        denominator: Money,
    ) -> Row {
        let value = (!denominator.is_zero()).then(|| numerator.to_f64() / denominator.to_f64());
        Row {
            numerator: Some(Quantity::Money(numerator)),
            denominator: Some(Quantity::Money(denominator)),
            ..Row::new(metric, group, value, Unit::Rate)
        }
    }

    /// A value with no numerator or denominator of its own (a factor of a formula).
    pub fn plain(metric: &'static str, value: Option<f64>, unit: Unit) -> Row {
        Row::new(metric, ALL, value, unit)
    }

    /// An `n/a` row for something unknown, e.g. a campaign without the needed column value.
    pub fn unknown(metric: &'static str, group: &str, unit: Unit) -> Row {
        Row::new(metric, group, None, unit)
    }

    pub fn in_period(mut self, period: String) -> Row {
        self.period = Some(period);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominators_are_not_a_number_but_n_a() {
        assert_eq!(Row::rate("x", ALL, 0, Some(0)).value, None);
        assert_eq!(Row::rate("x", ALL, 3, None).value, None);
        assert_eq!(Row::money_per("x", ALL, Money::units(10), 0).value, None);
        assert_eq!(
            Row::money_rate("x", ALL, Money::units(10), Money::ZERO).value,
            None
        );
        assert_eq!(Row::rate("x", ALL, 1, Some(4)).value, Some(0.25));
        assert_eq!(
            Row::money_rate("x", ALL, Money::units(-50), Money::units(200)).value,
            Some(-0.25)
        );
    }
}
