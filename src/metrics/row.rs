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
    /// `all` for a total, else the group: a campaign id, or the values of the `--by` dimensions.
    pub group: String,
    /// The `--by` dimensions of the group (`segment/channel`); empty for `all`.
    pub by: String,
    /// A month (`2025-03`) for retention's per-month rows.
    pub period: Option<String>,
    /// `None` is n/a: a zero or unknown denominator.
    pub value: Option<f64>,
    pub numerator: Option<Quantity>,
    pub denominator: Option<Quantity>,
    pub unit: Unit,
    /// The confidence interval of a proportion (Wilson score), when asked.
    pub ci: Option<(f64, f64)>,
    /// The benchmark the value is held against, with `--industry`.
    pub benchmark: Option<Judgement>,
}

/// A value held against a benchmark range.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub low: f64,
    pub high: Option<f64>,
    /// `below`, `within` or `above`.
    pub status: String,
    /// The cross-sell rating, for the cross-sell rates.
    pub rating: Option<String>,
}

pub const ALL: &str = "all";

impl Row {
    fn new(metric: &'static str, group: &str, value: Option<f64>, unit: Unit) -> Row {
        Row {
            metric,
            group: group.to_string(),
            by: String::new(),
            period: None,
            value,
            numerator: None,
            denominator: None,
            unit,
            ci: None,
            benchmark: None,
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
        let value = numerator.per(denominator);
        Row {
            numerator: Some(Quantity::Money(numerator)),
            denominator: Some(Quantity::Count(denominator)),
            ..Row::new(metric, group, value, Unit::Money)
        }
    }

    /// An estimated amount per counted thing (a predicted CLV per customer): `mean` as the
    /// estimate computed it, the total to a ten-thousandth.
    pub fn estimate_per(
        metric: &'static str,
        mean: Option<f64>,
        total: Option<Money>,
        denominator: u64,
    ) -> Row {
        Row {
            numerator: total.map(Quantity::Money),
            denominator: Some(Quantity::Count(denominator)),
            ..Row::new(metric, ALL, mean, Unit::Money)
        }
    }

    /// Money over money, as a rate (ROI); n/a when the denominator is zero.
    pub fn money_rate(
        metric: &'static str,
        group: &str,
        numerator: Money,
        denominator: Money,
    ) -> Row {
        let value = numerator.ratio(denominator);
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

    /// The row placed in a period and group.
    pub fn labelled(mut self, label: &super::Label) -> Row {
        self.group.clone_from(&label.group);
        self.by.clone_from(&label.by);
        self.period.clone_from(&label.period);
        self
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
