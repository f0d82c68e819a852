//! Bought together: association rules between the items of one basket (an order, or everything
//! a customer bought in the window), with the measures of mlxtend's `association_rules`:
//! support, confidence, lift, leverage and conviction. Counting is sparse (the items and pairs
//! that occur, never a baskets × items matrix).

use std::cmp::Ordering;

use rustc_hash::FxHashMap as HashMap;

/// The (basket, item) of every purchase line measured; repeats are dropped when counting.
#[derive(Debug, Default)]
pub struct Baskets {
    lines: Vec<(u32, u32)>,
}

impl Baskets {
    pub fn add(&mut self, basket: u32, item: u32) {
        self.lines.push((basket, item));
    }

    /// Counts baskets, items and pairs per group (`group` maps a basket to its group). A basket
    /// with more than `max` distinct items counts, with its items, but adds no pairs.
    pub fn count(mut self, max: usize, group: impl Fn(u32) -> u32) -> HashMap<u32, Counts> {
        self.lines.sort_unstable();
        self.lines.dedup();
        let mut groups: HashMap<u32, Counts> = HashMap::default();
        let mut items: Vec<u32> = Vec::new();
        for basket in self.lines.chunk_by(|a, b| a.0 == b.0) {
            items.clear();
            items.extend(basket.iter().map(|&(_, item)| item));
            groups
                .entry(group(basket[0].0))
                .or_default()
                .add(&items, max);
        }
        groups
    }
}

/// The counts of one group of baskets.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Baskets with a purchase line: the denominator of support.
    pub baskets: u64,
    /// Baskets over the size limit, which added no pairs.
    pub oversized: u64,
    /// Item → baskets holding it.
    pub items: HashMap<u32, u64>,
    /// (a, b) with a < b → baskets holding both.
    pub pairs: HashMap<(u32, u32), u64>,
}

impl Counts {
    /// Counts one basket of distinct, sorted items.
    fn add(&mut self, items: &[u32], max: usize) {
        self.baskets += 1;
        for &item in items {
            *self.items.entry(item).or_default() += 1;
        }
        if items.len() > max {
            self.oversized += 1;
            return;
        }
        for (k, &a) in items.iter().enumerate() {
            for &b in &items[k + 1..] {
                *self.pairs.entry((a, b)).or_default() += 1;
            }
        }
    }

    /// Both rules of every pair counted: a → b and b → a.
    pub fn rules(&self) -> Vec<Rule> {
        let item = |i: u32| self.items.get(&i).copied().unwrap_or(0);
        self.pairs
            .iter()
            .flat_map(|(&(a, b), &both)| {
                let rule = |x: u32, y: u32| Rule {
                    antecedent: x,
                    consequent: y,
                    count: both,
                    antecedent_count: item(x),
                    consequent_count: item(y),
                    baskets: self.baskets,
                };
                [rule(a, b), rule(b, a)]
            })
            .collect()
    }
}

/// antecedent → consequent: baskets holding the antecedent also hold the consequent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub antecedent: u32,
    pub consequent: u32,
    /// Baskets holding both.
    pub count: u64,
    pub antecedent_count: u64,
    pub consequent_count: u64,
    pub baskets: u64,
}

fn ratio(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

impl Rule {
    /// support(A∪C) = baskets with both / baskets.
    pub fn support(&self) -> f64 {
        ratio(self.count, self.baskets)
    }

    /// confidence = support(A∪C) / support(A).
    pub fn confidence(&self) -> f64 {
        ratio(self.count, self.antecedent_count)
    }

    /// lift = confidence / support(C) = count × baskets / (count(A) × count(C)).
    pub fn lift(&self) -> f64 {
        let d = self.antecedent_count as f64 * self.consequent_count as f64;
        if d == 0.0 {
            0.0
        } else {
            self.count as f64 * self.baskets as f64 / d
        }
    }

    /// leverage = support(A∪C) − support(A) × support(C).
    pub fn leverage(&self) -> f64 {
        self.support()
            - ratio(self.antecedent_count, self.baskets)
                * ratio(self.consequent_count, self.baskets)
    }

    /// conviction = (1 − support(C)) / (1 − confidence); none when the confidence is 1.
    pub fn conviction(&self) -> Option<f64> {
        (self.count < self.antecedent_count)
            .then(|| (1.0 - ratio(self.consequent_count, self.baskets)) / (1.0 - self.confidence()))
    }

    /// Compares lifts exactly: count × baskets / (count(A) × count(C)), cross-multiplied.
    fn cmp_lift(&self, other: &Rule) -> Ordering {
        let wide = |a: u64, b: u64| u128::from(a) * u128::from(b);
        let (n1, d1) = (
            wide(self.count, self.baskets),
            wide(self.antecedent_count, self.consequent_count),
        );
        let (n2, d2) = (
            wide(other.count, other.baskets),
            wide(other.antecedent_count, other.consequent_count),
        );
        match (n1.checked_mul(d2), n2.checked_mul(d1)) {
            (Some(left), Some(right)) => left.cmp(&right),
            _ => self.lift().total_cmp(&other.lift()),
        }
    }
}

/// Which rules to keep.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Filter {
    pub min_support: f64,
    pub min_count: u64,
    pub min_confidence: f64,
    pub min_lift: f64,
    /// Only rules with this antecedent (`--for`).
    pub antecedent: Option<u32>,
}

impl Filter {
    pub fn keeps(&self, rule: &Rule) -> bool {
        rule.count >= self.min_count
            && rule.support() >= self.min_support
            && rule.confidence() >= self.min_confidence
            && rule.lift() >= self.min_lift
            && self.antecedent.is_none_or(|a| a == rule.antecedent)
    }
}

/// Sorts rules by lift, then count (both highest first), then antecedent, then consequent
/// (by `name`).
pub fn rank<'a>(rules: &mut [Rule], name: impl Fn(u32) -> &'a str) {
    rules.sort_by(|x, y| {
        y.cmp_lift(x)
            .then(y.count.cmp(&x.count))
            .then_with(|| name(x.antecedent).cmp(name(y.antecedent)))
            .then_with(|| name(x.consequent).cmp(name(y.consequent)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items: 0 = bread, 1 = butter, 2 = milk, 3 = jam.
    fn sample() -> Counts {
        let mut baskets = Baskets::default();
        let lines = [
            (10, 0),
            (10, 1),
            (10, 0), // bread twice in one basket: counted once
            (11, 0),
            (11, 1),
            (11, 2),
            (12, 0),
            (12, 2),
            (13, 2), // a single-item basket: in the denominator, no pairs
            (14, 0),
            (14, 1),
            (14, 2),
            (14, 3), // four items, over a limit of 3: counts, adds no pairs
        ];
        for (basket, item) in lines {
            baskets.add(basket, item);
        }
        let mut groups = baskets.count(3, |_| 0);
        assert_eq!(groups.len(), 1);
        groups.remove(&0).unwrap()
    }

    #[test]
    fn baskets_items_and_pairs_are_counted_once_each() {
        let c = sample();
        assert_eq!(c.baskets, 5);
        assert_eq!(c.oversized, 1);
        // bread in 10, 11, 12, 14; butter in 10, 11, 14; milk in 11, 12, 13, 14; jam in 14.
        assert_eq!(c.items[&0], 4);
        assert_eq!(c.items[&1], 3);
        assert_eq!(c.items[&2], 4);
        assert_eq!(c.items[&3], 1);
        // Pairs from baskets 10, 11, 12 only: bread+butter in 10 and 11, bread+milk in 11 and
        // 12, butter+milk in 11.
        let mut pairs: Vec<_> = c.pairs.iter().map(|(k, v)| (*k, *v)).collect();
        pairs.sort();
        assert_eq!(pairs, [((0, 1), 2), ((0, 2), 2), ((1, 2), 1)]);
    }

    #[test]
    fn rule_measures_follow_the_definitions() {
        let c = sample();
        let rules = c.rules();
        let rule = |a, b| {
            *rules
                .iter()
                .find(|r| r.antecedent == a && r.consequent == b)
                .unwrap()
        };
        // butter -> bread: both in 2 of 5 baskets; butter in 3, bread in 4.
        let r = rule(1, 0);
        assert_eq!(r.count, 2);
        assert!((r.support() - 0.4).abs() < 1e-12);
        assert!((r.confidence() - 2.0 / 3.0).abs() < 1e-12);
        // lift = (2/3) / (4/5) = 10/12 = 0.8333...
        assert!((r.lift() - 10.0 / 12.0).abs() < 1e-12);
        // leverage = 0.4 - 0.6 * 0.8 = -0.08
        assert!((r.leverage() + 0.08).abs() < 1e-12);
        // conviction = (1 - 0.8) / (1 - 2/3) = 0.6
        assert!((r.conviction().unwrap() - 0.6).abs() < 1e-12);
        // butter -> milk: 1 of 5; confidence 1/3; lift (1/3)/(4/5) = 5/12.
        let r = rule(1, 2);
        assert!((r.lift() - 5.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn conviction_is_none_when_the_consequent_always_follows() {
        let r = Rule {
            antecedent: 0,
            consequent: 1,
            count: 3,
            antecedent_count: 3,
            consequent_count: 4,
            baskets: 5,
        };
        assert_eq!(r.confidence(), 1.0);
        assert_eq!(r.conviction(), None);
    }

    #[test]
    fn ranking_is_lift_then_count_then_names() {
        let rule = |a, c, count, ac, cc| Rule {
            antecedent: a,
            consequent: c,
            count,
            antecedent_count: ac,
            consequent_count: cc,
            baskets: 100,
        };
        let mut rules = vec![
            rule(2, 0, 2, 10, 10), // lift 2
            rule(1, 0, 4, 20, 10), // lift 2, count 4
            rule(0, 2, 1, 5, 10),  // lift 2, count 1 ... ties with the next on count
            rule(0, 1, 1, 10, 5),  // lift 2, count 1, same antecedent: consequent decides
            rule(3, 0, 9, 10, 10), // lift 9
        ];
        let names = ["a", "b", "c", "d"];
        rank(&mut rules, |i| names[i as usize]);
        let order: Vec<(u32, u32)> = rules.iter().map(|r| (r.antecedent, r.consequent)).collect();
        assert_eq!(order, [(3, 0), (1, 0), (2, 0), (0, 1), (0, 2)]);
    }

    #[test]
    fn filters_apply_every_threshold() {
        let c = sample();
        let rules = c.rules();
        let kept = |f: Filter| {
            let mut v: Vec<(u32, u32)> = rules
                .iter()
                .filter(|r| f.keeps(r))
                .map(|r| (r.antecedent, r.consequent))
                .collect();
            v.sort();
            v
        };
        assert_eq!(kept(Filter::default()).len(), 6);
        let min_count = Filter {
            min_count: 2,
            ..Filter::default()
        };
        assert_eq!(kept(min_count), [(0, 1), (0, 2), (1, 0), (2, 0)]);
        // confidence: bread->butter 2/4, butter->bread 2/3, bread->milk 2/4, milk->bread 2/4,
        // butter->milk 1/3, milk->butter 1/4.
        let confident = Filter {
            min_confidence: 0.6,
            ..Filter::default()
        };
        assert_eq!(kept(confident), [(1, 0)]);
        let for_butter = Filter {
            antecedent: Some(1),
            ..Filter::default()
        };
        assert_eq!(kept(for_butter), [(1, 0), (1, 2)]);
        let lifted = Filter {
            min_lift: 0.8,
            ..Filter::default()
        };
        // lifts: bread/butter both ways 2*5/(4*3) = 0.833; bread/milk 2*5/16 = 0.625;
        // butter/milk 1*5/12 = 0.417.
        assert_eq!(kept(lifted), [(0, 1), (1, 0)]);
        let supported = Filter {
            min_support: 0.3,
            ..Filter::default()
        };
        assert_eq!(kept(supported).len(), 4);
    }
}
