//! Dates far from the rest: a placeholder such as 0001-01-01, 1900-01-01 or 9999-12-31 written
//! where a date was unknown. Counted per year as lines are read; at the end, the lines dated more
//! than [`Years::FAR`] years from the median year are named, and the data's span is taken
//! without them, so that the window (the CLV formula's days, retention's periods) does not
//! stretch over centuries that hold one line.

use chrono::{Datelike, NaiveDate};

/// Lines per year of their date.
#[derive(Debug, Default)]
pub struct Years {
    /// By year (clamped to 0..=9999): lines, first date, last date.
    per_year: Vec<(u64, NaiveDate, NaiveDate)>,
    /// The first [`Years::NAMED`] lines of each year: (year, file, line).
    first: Vec<(usize, u32, u64)>,
}

/// The lines far from the median year, and the span of the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Far {
    pub lines: u64,
    /// The first [`Years::NAMED`] of them, in reading order: (file, line).
    pub first: Vec<(u32, u64)>,
    pub median_year: i32,
    /// The first and last date of the other lines.
    pub span: Option<(NaiveDate, NaiveDate)>,
}

impl Years {
    /// Years from the median year past which a date is far.
    pub const FAR: i32 = 50;
    pub const NAMED: usize = 10;
    const LAST: usize = 9999;

    /// Counts a line dated `date`, read at `file`:`line`.
    #[inline]
    pub fn add(&mut self, date: NaiveDate, file: u32, line: u64) {
        if self.per_year.is_empty() {
            self.per_year = vec![(0, NaiveDate::MAX, NaiveDate::MIN); Years::LAST + 1];
        }
        let year = date.year().clamp(0, Years::LAST as i32) as usize;
        let entry = &mut self.per_year[year];
        entry.0 += 1;
        entry.1 = entry.1.min(date);
        entry.2 = entry.2.max(date);
        if entry.0 <= Years::NAMED as u64 {
            self.first.push((year, file, line));
        }
    }

    /// The lines far from the median year, if any.
    pub fn far(&self) -> Option<Far> {
        let total: u64 = self.per_year.iter().map(|y| y.0).sum();
        let mut below = 0;
        let median = self.per_year.iter().position(|y| {
            below += y.0;
            2 * below >= total
        })?;
        let near = |year: usize| (year as i32 - median as i32).abs() <= Years::FAR;
        let lines: u64 = (self.per_year.iter().enumerate())
            .filter(|(year, _)| !near(*year))
            .map(|(_, y)| y.0)
            .sum();
        if lines == 0 {
            return None;
        }
        let mut first: Vec<(u32, u64)> = (self.first.iter())
            .filter(|(year, _, _)| !near(*year))
            .map(|&(_, file, line)| (file, line))
            .collect();
        first.sort_unstable();
        first.truncate(Years::NAMED);
        let kept = || (self.per_year.iter().enumerate()).filter(|(year, y)| near(*year) && y.0 > 0);
        let span = kept()
            .map(|(_, y)| y.1)
            .min()
            .zip(kept().map(|(_, y)| y.2).max());
        Some(Far {
            lines,
            first,
            median_year: median as i32,
            span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Years;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn placeholders_far_from_the_median_year_are_named_and_left_out_of_the_span() {
        let mut years = Years::default();
        // Lines 2..=7 in 2024-2025; 9999-12-31 on lines 8 and 10, 0001-01-01 on line 9.
        for (line, date) in (2..).zip(["2024-03-01", "2025-01-01", "2024-12-31", "2025-06-30"]) {
            years.add(d(date), 0, line);
        }
        years.add(d("2024-07-01"), 1, 2);
        years.add(d("2025-02-02"), 1, 3);
        years.add(d("9999-12-31"), 1, 8);
        years.add(d("0001-01-01"), 1, 9);
        years.add(d("9999-12-31"), 1, 10);
        let far = years.far().unwrap();
        // By year: 0001 ×1, 2024 ×3, 2025 ×3, 9999 ×2; the fifth of the nine is in 2025.
        assert_eq!(far.median_year, 2025);
        assert_eq!(far.lines, 3);
        assert_eq!(far.first, [(1, 8), (1, 9), (1, 10)]);
        assert_eq!(far.span, Some((d("2024-03-01"), d("2025-06-30"))));
    }

    #[test]
    fn dates_within_fifty_years_are_not_far() {
        let mut years = Years::default();
        years.add(d("1975-01-01"), 0, 2);
        years.add(d("2025-12-31"), 0, 3);
        years.add(d("2025-01-01"), 0, 4);
        assert_eq!(years.far(), None);
        assert_eq!(Years::default().far(), None);
    }
}
