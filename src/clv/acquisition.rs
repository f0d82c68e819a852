//! Each customer's RFM summary ([`RfmAccumulator`]) with a tag of their first purchase line:
//! the line that acquired them. `--by` groups a customer's predicted CLV by the order-line
//! dimensions' values on that line (its channel, category, campaign, ...), which the caller
//! encodes in the tag (a scope of [`crate::metrics::slice::Router`]).
//!
//! The first purchase line is a purchase (amount > 0) on the customer's earliest purchase day
//! on or before the observation end; of several on that day, the first one added. Lines in any
//! order: a line on an earlier day than the customer's first so far replaces the tag. Memory:
//! 4 bytes a customer besides the summary.

use chrono::NaiveDate;

use super::rfm::RfmAccumulator;
use crate::money::Money;

/// Purchase days per customer, and the tag of each customer's first purchase line (held in
/// the summary's entry: [`RfmAccumulator::add_tagged`]).
#[derive(Clone, Debug)]
pub struct Acquisition {
    pub summaries: RfmAccumulator,
}

impl Acquisition {
    /// An empty accumulator for purchases on or before `end`.
    pub fn new(end: NaiveDate) -> Acquisition {
        Acquisition {
            summaries: RfmAccumulator::new(end),
        }
    }

    /// Adds one order line tagged `tag`; returns whether it counted (see
    /// [`RfmAccumulator::add`]). The tag becomes the customer's when the line is on a day
    /// before their first purchase day so far.
    pub fn add(&mut self, customer: u32, date: NaiveDate, amount: Money, tag: u32) -> bool {
        self.summaries.add_tagged(customer, date, amount, tag)
    }

    /// Applies the lines added (needed before [`tag`](Acquisition::tag) and the summaries).
    pub fn settle(&mut self) {
        self.summaries.settle();
    }

    /// Adds the lines `other` has seen, read after this one's: on the same first day this
    /// one's tag stays (the engine gives each customer's lines to one part, so the tie does not
    /// arise there).
    pub fn merge(&mut self, other: Acquisition) {
        self.summaries.merge(other.summaries);
    }

    /// The tag of the customer's first purchase line (0 for a customer without one).
    pub fn tag(&self, customer: u32) -> u32 {
        self.summaries.tag(customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Customer 0: a return on Jan 1 (no purchase), app on Jan 5, web on Jan 3, then app
    /// again on Jan 3 (a tie: web was read first); customer 1: one purchase after the end.
    const LINES: [(u32, &str, i64, u32); 5] = [
        (0, "2025-01-01", -5, 9),
        (0, "2025-01-05", 10, 1),
        (0, "2025-01-03", 10, 2),
        (0, "2025-01-03", 10, 1),
        (1, "2025-03-01", 10, 3),
    ];

    fn accumulate(lines: &[(u32, &str, i64, u32)]) -> Acquisition {
        let mut a = Acquisition::new(date("2025-02-01"));
        for &(c, d, amount, tag) in lines {
            a.add(c, date(d), Money::units(amount), tag);
        }
        a.settle();
        a
    }

    #[test]
    fn the_first_purchase_line_tags_the_customer() {
        let a = accumulate(&LINES);
        assert_eq!(a.tag(0), 2);
        assert_eq!(a.tag(1), 0);
        assert_eq!(a.summaries.purchase_days(0), 2);
    }

    #[test]
    fn parts_merged_in_reading_order_give_the_whole() {
        for split in 0..=LINES.len() {
            let mut a = accumulate(&LINES[..split]);
            a.merge(accumulate(&LINES[split..]));
            assert_eq!((a.tag(0), a.tag(1)), (2, 0), "split at {split}");
        }
    }
}
