//! The measured window: `--from`/`--to` (inclusive), or the data's first to last date.

use chrono::NaiveDate;

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
}
