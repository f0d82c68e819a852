//! Judgements users act on: rules backed by enough baskets (`pairs`' default `--min-count`),
//! benchmarks held only against rates measured as their ranges are, and what is said when
//! nothing passes.

use crate::workdir::{Workdir, ok, records, run};

/// 200 order baskets: 40 hold A and B, 60 more hold A (with filler F), 20 more hold B (with F),
/// one holds X and Y (each bought once), the rest hold F and G.
fn baskets() -> Workdir {
    let mut csv =
        String::from("order_id,customer_id,order_date,product_id,category,quantity,amount\n");
    let mut line = |order: usize, items: &[&str]| {
        for item in items {
            csv += &format!("O{order},C{order},2025-01-01,{item},c,1,10.00\n");
        }
    };
    for o in 0..200 {
        match o {
            0..40 => line(o, &["A", "B"]),
            40..100 => line(o, &["A", "F"]),
            100..120 => line(o, &["B", "F"]),
            120 => line(o, &["X", "Y"]),
            _ => line(o, &["F", "G"]),
        }
    }
    Workdir::with(&[("orders.csv", &csv)])
}

#[test]
fn a_pair_seen_once_is_not_ranked_above_one_seen_forty_times() {
    let w = baskets();
    // lift(X -> Y) = 1 × 200 / (1 × 1) = 200; lift(A -> B) = 40 × 200 / (100 × 60) = 1.333...
    let all = records(
        &ok(&mut w.cmd("pairs orders.csv --min-count 1 --format csv")),
        "group",
    );
    assert_eq!(
        (all[0]["antecedent"].as_str(), all[0]["count"].as_str()),
        ("X", "1")
    );
    assert_eq!(all[0]["lift"], "200");
    // By default (--min-count 5) the one-basket pair is left out: A and B lead.
    let rules = records(&ok(&mut w.cmd("pairs orders.csv --format csv")), "group");
    let first: Vec<(&str, &str, &str)> = rules
        .iter()
        .take(2)
        .map(|r| {
            (
                r["antecedent"].as_str(),
                r["consequent"].as_str(),
                r["count"].as_str(),
            )
        })
        .collect();
    assert_eq!(first, [("A", "B", "40"), ("B", "A", "40")]);
    assert!(
        rules
            .iter()
            .all(|r| r["count"].parse::<u64>().unwrap() >= 5)
    );
    // The table says which rules were left out.
    let table = ok(&mut w.cmd("pairs orders.csv"));
    assert!(
        table.contains("rules seen in fewer than 5 baskets left out (--min-count)"),
        "{table}"
    );
}

#[test]
fn when_no_rule_passes_the_largest_measures_seen_are_named() {
    let w = baskets();
    let (code, out, err) = run(&mut w.cmd("pairs orders.csv --min-count 100"));
    assert_eq!(code, Some(0));
    // The largest count: F and G share the 79 baskets G is in (F is in 60 + 20 + 79), support
    // 79 / 200 = 39.5%; the largest confidence G -> F (and X -> Y) 100%; the largest lift
    // X -> Y's 200.
    let note = "no rule passes the thresholds (--min-count 100, --min-support 0, \
                --min-confidence 0, --min-lift 0); the largest seen: count 79, support 39.5%, \
                confidence 100.0%, lift 200.00";
    assert!(err.contains(note), "{err}");
    assert!(out.contains(note), "{out}");
}

#[test]
fn the_customer_rate_is_held_to_the_industry_range_only_per_month_week_or_quarter() {
    let line =
        "report fixtures/orders.csv --campaigns fixtures/campaigns.csv --industry e-commerce";
    let (code, out, err) = run(&mut crate::workdir::xsell(&format!("{line} --format csv")));
    assert_eq!(code, Some(0));
    let rows = records(&out, "metric");
    let row = |m: &str| {
        rows.iter()
            .find(|r| r["metric"] == m && r["group"] == "all")
            .unwrap()
    };
    // Over the two years: no benchmark, no rating, and a note saying why and what to do.
    let customer = row("cross-sell");
    for column in ["benchmark_low", "benchmark_high", "status", "rating"] {
        assert_eq!(customer[column], "", "{column}");
    }
    let note = "note: cross-sell's benchmark and rating are left empty: the e-commerce range is \
                for a rate measured per week, month or quarter (a month's rate in the published \
                example), and this one is measured over the whole window; --period month gives \
                rates to hold to it";
    assert!(err.contains(note), "{err}");
    // The campaign rate keeps its range (12.3%: below 15-30%, fair), the loyalty rate its target.
    let campaign = row("campaign-cross-sell");
    fn judged(r: &crate::workdir::Rec) -> [&str; 4] {
        [
            &r["benchmark_low"],
            &r["benchmark_high"],
            &r["status"],
            &r["rating"],
        ]
        .map(String::as_str)
    }
    assert_eq!(judged(campaign), ["0.15", "0.3", "below", "fair"]);
    assert_eq!(
        judged(row("loyalty-cross-sell")),
        ["0.2", "", "within", "excellent"]
    );
    // The table says it under the table too.
    let table = ok(&mut crate::workdir::xsell(line));
    assert!(table.contains(&note["note: ".len()..]), "{table}");
    // Per month, each month's rate is held to the range: 2024-01 is 28 / 46 = 60.9%, above.
    let monthly = ok(&mut crate::workdir::xsell(
        "report fixtures/orders.csv --industry e-commerce --period month --format csv",
    ));
    let monthly = records(&monthly, "metric");
    let january = (monthly.iter())
        .find(|r| r["metric"] == "cross-sell" && r["period"] == "2024-01")
        .unwrap();
    assert_eq!(
        (
            january["numerator"].as_str(),
            january["denominator"].as_str()
        ),
        ("28", "46")
    );
    assert_eq!(judged(january), ["0.15", "0.3", "above", "excellent"]);
    let judged_months = (monthly.iter())
        .filter(|r| r["metric"] == "cross-sell" && !r["status"].is_empty())
        .count();
    assert_eq!(judged_months, 24);
}
