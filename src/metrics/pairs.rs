//! Bought together: association rules between the items of one basket (an order, or everything
//! a customer bought in the window), with the measures of mlxtend's `association_rules`:
//! support, confidence, lift, leverage and conviction. Counting is sparse (the items and pairs
//! that occur, never a baskets × items matrix).

use std::cmp::Ordering;
use std::hash::Hash;

use rustc_hash::FxHashMap as HashMap;

use super::store::at;
use crate::quotient::quotient;

/// The (basket, item) of every purchase line measured; repeats are dropped when counting. A
/// basket is any key: an order or customer id, or that with the group of the line.
#[derive(Debug)]
pub struct Baskets<K> {
    lines: Vec<(K, u32)>,
}

impl<K> Default for Baskets<K> {
    fn default() -> Self {
        Baskets { lines: Vec::new() }
    }
}

impl<K: Ord + Copy> Baskets<K> {
    pub fn add(&mut self, basket: K, item: u32) {
        self.lines.push((basket, item));
    }

    /// Counts baskets and items per group (`group` maps a basket to its group) and keeps the
    /// items of each basket for the pairs. A basket with more than `max` distinct items counts,
    /// with its items, but adds no pairs.
    pub fn count<G: Hash + Eq>(mut self, max: usize, group: impl Fn(K) -> G) -> HashMap<G, Counts> {
        self.lines.sort_unstable();
        self.lines.dedup();
        let mut groups: HashMap<G, Counts> = HashMap::default();
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
    /// The pairs the baskets that add pairs hold (k(k-1)/2 for k items): the work of counting
    /// them, known before it is done.
    pub pairs: u64,
    /// Per item id, the baskets holding it.
    items: Vec<u64>,
    /// The items of the baskets that add pairs, basket after basket, and where each ends.
    basket_items: Vec<u32>,
    basket_ends: Vec<usize>,
}

impl Counts {
    /// Counts one basket of distinct, sorted items.
    fn add(&mut self, items: &[u32], max: usize) {
        self.baskets += 1;
        for &item in items {
            *at(&mut self.items, item) += 1;
        }
        if items.len() > max {
            self.oversized += 1;
            return;
        }
        let k = items.len() as u64;
        self.pairs += k * k.saturating_sub(1) / 2;
        self.basket_items.extend_from_slice(items);
        self.basket_ends.push(self.basket_items.len());
    }

    /// The baskets holding `item`.
    pub fn item(&self, item: u32) -> u64 {
        self.items.get(item as usize).copied().unwrap_or(0)
    }

    fn basket(&self, b: usize) -> &[u32] {
        let start = b.checked_sub(1).map_or(0, |p| self.basket_ends[p]);
        &self.basket_items[start..self.basket_ends[b]]
    }

    /// The rules `filter` keeps, best first (see [`compare`]), at most `top` of them (0: all).
    /// Only the best `top` rules are held while the rules are walked ([`Counts::each_rule`]).
    pub fn rules<'a>(
        &self,
        filter: &Filter,
        top: usize,
        name: impl Fn(u32) -> &'a str,
    ) -> Vec<Rule> {
        let mut kept: Vec<Rule> = Vec::new();
        let mut worst: Option<Rule> = None;
        self.each_rule(filter.antecedent, |rule| {
            let better = worst.is_none_or(|w| compare(&rule, &w, &name) == Ordering::Less);
            if filter.keeps(&rule) && better {
                kept.push(rule);
            }
            if top > 0 && kept.len() >= 2 * top.max(512) {
                rank(&mut kept, &name);
                kept.truncate(top);
                worst = kept.last().copied();
            }
        });
        rank(&mut kept, &name);
        if top > 0 {
            kept.truncate(top);
        }
        kept
    }

    /// The largest count, support, confidence and lift of any rule (with `antecedent`, if
    /// given), each on its own, whatever the thresholds: what a user needs to hear when they
    /// leave no rule. `None` when no two items share a basket.
    pub fn largest(&self, antecedent: Option<u32>) -> Option<Largest> {
        let mut largest: Option<Largest> = None;
        self.each_rule(antecedent, |rule| {
            let l = largest.get_or_insert(Largest::default());
            l.count = l.count.max(rule.count);
            l.support = l.support.max(rule.support());
            l.confidence = l.confidence.max(rule.confidence());
            l.lift = l.lift.max(rule.lift());
        });
        largest
    }

    /// Calls `each` with every rule (with `antecedent`, if given). For each antecedent, the
    /// baskets holding it are walked with one counter per item: no table of every pair is ever
    /// built.
    fn each_rule(&self, antecedent: Option<u32>, mut each: impl FnMut(Rule)) {
        let n = self.items.len();
        // Baskets by item (the inverse of `basket_items`), by counting sort.
        let mut start = vec![0usize; n + 1];
        for &item in &self.basket_items {
            start[item as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut holding = vec![0u32; self.basket_items.len()];
        for b in 0..self.basket_ends.len() {
            for &item in self.basket(b) {
                holding[next[item as usize]] = b as u32;
                next[item as usize] += 1;
            }
        }
        let mut together = vec![0u64; n];
        let mut touched: Vec<u32> = Vec::new();
        let antecedents = match antecedent {
            Some(a) => a..a.saturating_add(1),
            None => 0..n as u32,
        };
        for a in antecedents.filter(|&a| (a as usize) < n) {
            for &b in &holding[start[a as usize]..start[a as usize + 1]] {
                for &c in self.basket(b as usize) {
                    if c != a {
                        if together[c as usize] == 0 {
                            touched.push(c);
                        }
                        together[c as usize] += 1;
                    }
                }
            }
            for &c in &touched {
                each(Rule {
                    antecedent: a,
                    consequent: c,
                    count: std::mem::take(&mut together[c as usize]),
                    antecedent_count: self.item(a),
                    consequent_count: self.item(c),
                    baskets: self.baskets,
                });
            }
            touched.clear();
        }
    }
}

/// The largest measures of any rule, each on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Largest {
    pub count: u64,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
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

/// A measure as one division of exact integers: the float nearest it while its terms, at most
/// the square of the baskets, stay below 2^53 (94 million baskets). A measure that is exactly 0
/// is then 0, not the 1.1e-16 of subtracting rounded products (56 baskets, 48 with A, 42 with
/// C, 36 with both).
fn measure(n: i128, d: i128) -> f64 {
    quotient(n, d).unwrap_or(0.0)
}

/// `a × b`, exactly.
fn product(a: u64, b: u64) -> i128 {
    i128::from(a) * i128::from(b)
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
        measure(
            product(self.count, self.baskets),
            product(self.antecedent_count, self.consequent_count),
        )
    }

    /// leverage = support(A∪C) − support(A) × support(C)
    /// = (count × baskets − count(A) × count(C)) / baskets².
    pub fn leverage(&self) -> f64 {
        measure(
            product(self.count, self.baskets)
                - product(self.antecedent_count, self.consequent_count),
            product(self.baskets, self.baskets),
        )
    }

    /// conviction = (1 − support(C)) / (1 − confidence)
    /// = (baskets − count(C)) × count(A) / (baskets × (count(A) − count)); none when the
    /// confidence is 1.
    pub fn conviction(&self) -> Option<f64> {
        (self.count < self.antecedent_count).then(|| {
            measure(
                product(self.baskets - self.consequent_count, self.antecedent_count),
                product(self.baskets, self.antecedent_count - self.count),
            )
        })
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

/// Whether `x` comes before `y`: by lift, then count (both highest first), then antecedent,
/// then consequent (by `name`).
pub fn compare<'a>(x: &Rule, y: &Rule, name: &impl Fn(u32) -> &'a str) -> Ordering {
    y.cmp_lift(x)
        .then(y.count.cmp(&x.count))
        .then_with(|| name(x.antecedent).cmp(name(y.antecedent)))
        .then_with(|| name(x.consequent).cmp(name(y.consequent)))
}

/// Sorts rules best first (see [`compare`]).
pub fn rank<'a>(rules: &mut [Rule], name: &impl Fn(u32) -> &'a str) {
    rules.sort_by(|x, y| compare(x, y, name));
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 4] = ["bread", "butter", "milk", "jam"];

    fn name(i: u32) -> &'static str {
        NAMES[i as usize]
    }

    /// Items: 0 = bread, 1 = butter, 2 = milk, 3 = jam.
    fn sample() -> Counts {
        let mut baskets: Baskets<u32> = Baskets::default();
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

    fn all(c: &Counts, filter: Filter) -> Vec<Rule> {
        c.rules(&filter, 0, name)
    }

    fn pairs(rules: &[Rule]) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = rules.iter().map(|r| (r.antecedent, r.consequent)).collect();
        v.sort();
        v
    }

    #[test]
    fn baskets_items_and_pairs_are_counted_once_each() {
        let c = sample();
        assert_eq!(c.baskets, 5);
        assert_eq!(c.oversized, 1);
        // bread in 10, 11, 12, 14; butter in 10, 11, 14; milk in 11, 12, 13, 14; jam in 14.
        assert_eq!([c.item(0), c.item(1), c.item(2), c.item(3)], [4, 3, 4, 1]);
        // Pairs from baskets 10, 11, 12 only: bread+butter in 10 and 11, bread+milk in 11 and
        // 12, butter+milk in 11; each pair gives two rules.
        let mut counts: Vec<(u32, u32, u64)> = all(&c, Filter::default())
            .iter()
            .map(|r| (r.antecedent, r.consequent, r.count))
            .collect();
        counts.sort();
        assert_eq!(
            counts,
            [
                (0, 1, 2),
                (0, 2, 2),
                (1, 0, 2),
                (1, 2, 1),
                (2, 0, 2),
                (2, 1, 1)
            ]
        );
    }

    #[test]
    fn rule_measures_follow_the_definitions() {
        let c = sample();
        let rules = all(&c, Filter::default());
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
    fn measures_are_the_floats_nearest_their_exact_fractions() {
        let rule = |count, antecedent_count, consequent_count, baskets| Rule {
            antecedent: 0,
            consequent: 1,
            count,
            antecedent_count,
            consequent_count,
            baskets,
        };
        // 36/56 − (48/56)(42/56) = (36·56 − 48·42) / 56² = 0: in rounded floats 1.1e-16.
        let r = rule(36, 48, 42, 56);
        assert_eq!(
            36.0 / 56.0 - (48.0 / 56.0) * (42.0 / 56.0),
            1.1102230246251565e-16
        );
        assert_eq!(r.leverage().to_bits(), 0.0_f64.to_bits());
        // butter -> jam of fixtures/affinity: 1 of 5 baskets, butter in 3, jam in 1. leverage
        // (5 − 3) / 25 = 0.08 (0.08000000000000002 in rounded floats), conviction
        // (5 − 1)·3 / (5·2) = 1.2, lift 5/3.
        let r = rule(1, 3, 1, 5);
        assert_eq!(r.leverage(), 0.08);
        assert_eq!(r.conviction(), Some(1.2));
        assert_eq!(r.lift(), 5.0 / 3.0);
        // butter -> milk: (5 − 9) / 25 = −0.16; conviction (5 − 3)·3 / (5·2) = 0.6.
        let r = rule(1, 3, 3, 5);
        assert_eq!(r.leverage(), -0.16);
        assert_eq!(r.conviction(), Some(0.6));
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
        rank(&mut rules, &name);
        let order: Vec<(u32, u32)> = rules.iter().map(|r| (r.antecedent, r.consequent)).collect();
        assert_eq!(order, [(3, 0), (1, 0), (2, 0), (0, 1), (0, 2)]);
    }

    #[test]
    fn filters_apply_every_threshold() {
        let c = sample();
        let kept = |f: Filter| pairs(&all(&c, f));
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

    #[test]
    fn top_keeps_the_best_rules_in_order() {
        // Lifts: bread<->butter 0.833 (count 2), bread<->milk 0.625, butter<->milk 0.417.
        let c = sample();
        let best = c.rules(&Filter::default(), 3, name);
        let order: Vec<(u32, u32)> = best.iter().map(|r| (r.antecedent, r.consequent)).collect();
        assert_eq!(order, [(0, 1), (1, 0), (0, 2)]);
        // Many candidates pass through the bounded selection: 40 items in one basket give
        // 1560 rules of equal lift and count, ranked by name.
        let mut baskets: Baskets<u32> = Baskets::default();
        for item in 0..40 {
            baskets.add(1, item);
        }
        let counts = baskets.count(50, |_| 0).remove(&0).unwrap();
        let names: Vec<String> = (0..40).map(|i| format!("i{i:02}")).collect();
        let best = counts.rules(&Filter::default(), 3, |i| names[i as usize].as_str());
        let order: Vec<(u32, u32)> = best.iter().map(|r| (r.antecedent, r.consequent)).collect();
        assert_eq!(order, [(0, 1), (0, 2), (0, 3)]);
    }
}
