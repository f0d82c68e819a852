//! The calendar of `--period`: weeks, months, quarters and years as consecutive numbers.

use chrono::{Datelike, NaiveDate};

/// The unit of `--period`, shortest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    /// `week`, `month`, `quarter` or `year`, as `--period` takes it.
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    /// The unit `--period` names.
    pub fn parse(name: &str) -> Option<PeriodKind> {
        [
            PeriodKind::Week,
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Year,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// The period holding `date`, as a number that grows by one from one period to the next.
    pub fn key(self, date: NaiveDate) -> i32 {
        match self {
            // Monday-based weeks, counted from 0001-01-01 (a Monday).
            PeriodKind::Week => (date.num_days_from_ce() - 1).div_euclid(7),
            PeriodKind::Month => date.year() * 12 + date.month0() as i32,
            PeriodKind::Quarter => date.year() * 4 + (date.month0() / 3) as i32,
            PeriodKind::Year => date.year(),
        }
    }

    /// `2025-W07` (ISO week), `2025-03`, `2025-Q1`, `2025`.
    pub fn label(self, key: i32) -> String {
        match self {
            PeriodKind::Week => match NaiveDate::from_num_days_from_ce_opt(key * 7 + 1) {
                Some(day) => {
                    let week = day.iso_week();
                    format!("{:04}-W{:02}", week.year(), week.week())
                }
                None => String::new(),
            },
            PeriodKind::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            PeriodKind::Quarter => format!("{:04}-Q{}", key.div_euclid(4), key.rem_euclid(4) + 1),
            PeriodKind::Year => format!("{key:04}"),
        }
    }

    /// The unit of a period label: `2025` a year, `2025-Q1` a quarter, `2025-W07` a week,
    /// `2025-03` a month.
    pub fn of_label(label: &str) -> Option<PeriodKind> {
        let (year, rest) = label.split_at_checked(4)?;
        if !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        match rest.strip_prefix('-') {
            None if rest.is_empty() => Some(PeriodKind::Year),
            Some(q)
                if q.len() == 2
                    && q.starts_with('Q')
                    && matches!(&q[1..], "1" | "2" | "3" | "4") =>
            {
                Some(PeriodKind::Quarter)
            }
            Some(w) if w.starts_with('W') && digits(&w[1..], 2) => Some(PeriodKind::Week),
            Some(m) if digits(m, 2) => Some(PeriodKind::Month),
            _ => None,
        }
    }

    /// The first and last day of period `key`.
    pub fn bounds(self, key: i32) -> Option<(NaiveDate, NaiveDate)> {
        let first = match self {
            PeriodKind::Week => NaiveDate::from_num_days_from_ce_opt(key * 7 + 1)?,
            PeriodKind::Month => {
                NaiveDate::from_ymd_opt(key.div_euclid(12), key.rem_euclid(12) as u32 + 1, 1)?
            }
            PeriodKind::Quarter => {
                NaiveDate::from_ymd_opt(key.div_euclid(4), key.rem_euclid(4) as u32 * 3 + 1, 1)?
            }
            PeriodKind::Year => NaiveDate::from_ymd_opt(key, 1, 1)?,
        };
        let next = first.iter_days().find(|d| self.key(*d) != key)?;
        Some((first, next.pred_opt()?))
    }

    /// The periods from the one holding `first` to the one holding `last`.
    pub fn range(self, first: NaiveDate, last: NaiveDate) -> std::ops::RangeInclusive<i32> {
        self.key(first)..=self.key(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_have_iso_labels_and_consecutive_keys() {
        let week = PeriodKind::Week;
        // 2025-01-01 is a Wednesday in ISO week 2025-W01; 2024-12-30 is its Monday.
        assert_eq!(week.label(week.key(d("2025-01-01"))), "2025-W01");
        assert_eq!(week.key(d("2024-12-30")), week.key(d("2025-01-05")));
        assert_eq!(week.key(d("2025-01-06")), week.key(d("2025-01-05")) + 1);
        assert_eq!(week.label(week.key(d("2025-02-14"))), "2025-W07");
        // 2021-01-03 (a Sunday) belongs to ISO week 53 of 2020.
        assert_eq!(week.label(week.key(d("2021-01-03"))), "2020-W53");
        assert_eq!(
            PeriodKind::Month.label(PeriodKind::Month.key(d("2025-03-31"))),
            "2025-03"
        );
        let q = PeriodKind::Quarter;
        assert_eq!(q.label(q.key(d("2025-03-31"))), "2025-Q1");
        assert_eq!(q.key(d("2025-04-01")), q.key(d("2025-03-31")) + 1);
        assert_eq!(q.label(q.key(d("2024-12-31")) + 1), "2025-Q1");
        assert_eq!(
            PeriodKind::Year.label(PeriodKind::Year.key(d("2025-07-01"))),
            "2025"
        );
        assert_eq!(
            PeriodKind::Month
                .range(d("2024-11-15"), d("2025-02-01"))
                .count(),
            4
        );
    }

    #[test]
    fn period_labels_tell_their_unit() {
        assert_eq!(PeriodKind::of_label("2025"), Some(PeriodKind::Year));
        assert_eq!(PeriodKind::of_label("2025-Q3"), Some(PeriodKind::Quarter));
        assert_eq!(PeriodKind::of_label("2025-W07"), Some(PeriodKind::Week));
        assert_eq!(PeriodKind::of_label("2025-03"), Some(PeriodKind::Month));
        for bad in ["25-03", "2025-Q5", "2025-3", "2025/03", "march"] {
            assert_eq!(PeriodKind::of_label(bad), None, "{bad}");
        }
    }
}
