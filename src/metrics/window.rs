//! The measured window: `--from`/`--to` (inclusive), or the data's first to last date.

use chrono::{Datelike, NaiveDate};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Window {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }

    /// The window's first and last date, open bounds taken from the data's `span`; `None` when
    /// there is no data or the bounds are the wrong way round.
    pub fn bounds(&self, span: Option<(NaiveDate, NaiveDate)>) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.from.or(span.map(|s| s.0))?;
        let last = self.to.or(span.map(|s| s.1))?;
        (first <= last).then_some((first, last))
    }
}

/// A calendar month as a single number, so that consecutive months differ by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    /// `2025-03`.
    pub fn label(self) -> String {
        format!(
            "{:04}-{:02}",
            self.0.div_euclid(12),
            self.0.rem_euclid(12) + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn bounds_are_inclusive_and_default_to_the_data() {
        let w = Window {
            from: Some(d("2025-01-01")),
            to: Some(d("2025-01-31")),
        };
        assert!(w.contains(d("2025-01-01")) && w.contains(d("2025-01-31")));
        assert!(!w.contains(d("2024-12-31")) && !w.contains(d("2025-02-01")));
        let span = Some((d("2024-06-01"), d("2025-06-30")));
        assert_eq!(Window::default().bounds(span), span);
        let open_end = Window {
            from: Some(d("2025-01-01")),
            to: None,
        };
        assert_eq!(
            open_end.bounds(span),
            Some((d("2025-01-01"), d("2025-06-30")))
        );
        let reversed = Window {
            from: Some(d("2026-01-01")),
            to: None,
        };
        assert_eq!(reversed.bounds(span), None);
    }

    #[test]
    fn months_count_across_years() {
        assert_eq!(
            Month::of(d("2024-12-15")).next(),
            Month::of(d("2025-01-01"))
        );
        assert_eq!(Month::of(d("2025-03-31")).label(), "2025-03");
    }
}
