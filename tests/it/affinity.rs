//! `xsell pairs` and `xsell cohort` through the binary, on the hand-worked files of
//! fixtures/affinity/ (the arithmetic is in the comments; see fixtures/README.md).

use crate::workdir::{Workdir, crate_file, csv_rows, fails_usage, ok, oracle, xsell_in};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    crate_file("fixtures/affinity")
}

/// stdout of a successful run in fixtures/affinity.
fn run(line: &str) -> String {
    ok(&mut xsell_in(&fixtures(), line))
}

/// stderr of a run in fixtures/affinity that must fail with exit 2 (an input or usage error).
fn fails(line: &str) -> String {
    fails_usage(&mut xsell_in(&fixtures(), line))
}

const PAIRS_HEADER: &str =
    "group,antecedent,consequent,count,support,confidence,lift,leverage,conviction";

// Order baskets (purchase lines only; a product once per basket):
//   O1 {bread, butter} (bread on two lines), O2 {bread, butter, milk}, O3 {bread, milk} (the jam
//   line is a return), O4 {milk} (a single item), O5 {butter, jam}. N = 5 baskets.
// Items: bread 3, butter 3, milk 3, jam 1. Pairs: bread+butter 2, bread+milk 2, butter+milk 1,
// butter+jam 1.
//   butter->jam: support 1/5, confidence 1/3, lift 1*5/(3*1) = 5/3, leverage 0.2 - 0.6*0.2 =
//     0.08, conviction (1 - 0.2)/(1 - 1/3) = 1.2
//   jam->butter: confidence 1, lift 5/3, leverage 0.08, conviction none
//   bread->butter (and the three like it): support 0.4, confidence 2/3, lift 2*5/9 = 10/9,
//     leverage 0.4 - 0.36 = 0.04, conviction 0.4/(1/3) = 1.2
//   butter->milk, milk->butter: support 0.2, confidence 1/3, lift 5/9, leverage 0.2 - 0.36 =
//     -0.16, conviction 0.4/(2/3) = 0.6
// Order: lift, then count (both descending), then antecedent, then consequent.
#[test]
fn pairs_of_order_baskets_follow_the_definitions() {
    let expected = format!(
        "{PAIRS_HEADER}
all,butter,jam,1,0.2,0.3333333333333333,1.6666666666666667,0.08,1.2
all,jam,butter,1,0.2,1,1.6666666666666667,0.08,
all,bread,butter,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,bread,milk,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,butter,bread,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,milk,bread,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,butter,milk,1,0.2,0.3333333333333333,0.5555555555555556,-0.16,0.6
all,milk,butter,1,0.2,0.3333333333333333,0.5555555555555556,-0.16,0.6
"
    );
    assert_eq!(run("pairs --min-count 1 orders.csv --format csv"), expected);
}

#[test]
fn pairs_for_one_product_and_thresholds() {
    let got = run("pairs --min-count 1 orders.csv --for bread --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
all,bread,butter,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,bread,milk,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
"
        )
    );
    // Count >= 2 and confidence >= 0.5 leave the four rules of lift 10/9; --top 2 the first two.
    let got = run("pairs orders.csv --min-count 2 --min-confidence 0.5 --top 2 --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
all,bread,butter,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
all,bread,milk,2,0.4,0.6666666666666666,1.1111111111111112,0.04,1.2
"
        )
    );
    // Lift >= 1.5 keeps the butter/jam pair; support >= 0.3 keeps the four of count 2.
    assert_eq!(
        run("pairs --min-count 1 orders.csv --min-lift 1.5 --format csv")
            .lines()
            .count(),
        3
    );
    assert_eq!(
        run("pairs --min-count 1 orders.csv --min-support 0.3 --format csv")
            .lines()
            .count(),
        5
    );
}

// Customer baskets: U1 {bread, butter, milk} (orders O1 and O4), U2 {bread, butter, milk},
// U3 {bread, milk}, U4 {butter, jam}; N = 4. bread+milk in 3: bread->milk has support 0.75,
// confidence 1, lift 3*4/(3*3) = 4/3, leverage 0.75 - 0.75*0.75 = 0.1875, no conviction.
#[test]
fn pairs_of_customer_baskets() {
    let got = run("pairs --min-count 1 orders.csv --basket customer --for bread --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
all,bread,milk,3,0.75,1,1.3333333333333333,0.1875,
all,bread,butter,2,0.5,0.6666666666666666,0.8888888888888888,-0.0625,0.75
"
        )
    );
}

// --max-basket 2: O2's three items count (N = 5, bread in 3 baskets) but add no pairs, leaving
// bread+butter 1 (O1), bread+milk 1 (O3), butter+jam 1 (O5). bread->butter: support 0.2,
// confidence 1/3, lift 1*5/(3*3) = 5/9.
#[test]
fn an_oversized_basket_counts_in_support_but_adds_no_pairs() {
    let out = xsell_in(
        &fixtures(),
        "pairs --min-count 1 orders.csv --max-basket 2 --for bread --format csv",
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{PAIRS_HEADER}
all,bread,butter,1,0.2,0.3333333333333333,0.5555555555555556,-0.16,0.6
all,bread,milk,1,0.2,0.3333333333333333,0.5555555555555556,-0.16,0.6
"
        )
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("1 of 5 baskets have more than 2 items (--max-basket)"),
        "{stderr}"
    );
    let table = run("pairs --min-count 1 orders.csv --max-basket 2");
    assert!(
        table.contains("5 baskets (orders with a purchase line in the window); 1 with more than 2 items added no pairs"),
        "{table}"
    );
}

// Categories: O1, O2, O3 {bakery, dairy}, O4 {dairy}, O5 {dairy, pantry}; N = 5, dairy in all 5.
// bakery->dairy: count 3, support 0.6, confidence 1, lift 3*5/(3*5) = 1, leverage 0.6 - 0.6*1 = 0.
// dairy->bakery: confidence 0.6, lift 1, conviction (1 - 0.6)/(1 - 0.6) = 1.
// dairy->pantry: confidence 0.2, lift 1*5/(5*1) = 1, conviction (1 - 0.2)/(1 - 0.2) = 1.
#[test]
fn pairs_of_categories() {
    let got = run("pairs --min-count 1 orders.csv --level category --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
all,bakery,dairy,3,0.6,1,1,0,
all,dairy,bakery,3,0.6,0.6,1,0,1
all,dairy,pantry,1,0.2,0.2,1,0,1
all,pantry,dairy,1,0.2,1,1,0,
"
        )
    );
}

// Segments: retail (U1, U2) has O1, O2, O4 (N = 3); pro (U3, U4) has O3, O5 (N = 2).
// pro: bread+milk 1, butter+jam 1, each item in one basket: lift 1*2/(1*1) = 2, confidence 1.
// retail: bread 2, butter 2, milk 2; bread+butter 2 -> lift 2*3/(2*2) = 1.5, confidence 1;
// bread+milk 1, butter+milk 1 -> lift 1*3/4 = 0.75.
#[test]
fn pairs_by_segment() {
    let got = run("pairs --min-count 1 orders.csv --by segment --min-lift 1.5 --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
pro,bread,milk,1,0.5,1,2,0.25,
pro,butter,jam,1,0.5,1,2,0.25,
pro,jam,butter,1,0.5,1,2,0.25,
pro,milk,bread,1,0.5,1,2,0.25,
retail,bread,butter,2,0.6666666666666666,1,1.5,0.2222222222222222,
retail,butter,bread,2,0.6666666666666666,1,1.5,0.2222222222222222,
"
        )
    );
}

// By channel, an order's lines split by their channel (as compute's order-line dimensions do):
// web has O1 {bread, butter}, O2's web lines {bread, butter}, O4 {milk}, O5 {butter, jam}: N = 4,
// bread 2, butter 3; bread->butter: count 2, confidence 1, lift 2*4/(2*3) = 4/3, leverage
// 0.5 - 0.5*0.75 = 0.125; butter->bread: confidence 2/3, conviction (1 - 0.5)/(1/3) = 1.5;
// butter->jam: support 0.25, lift 1*4/(3*1) = 4/3, leverage 0.25 - 0.75*0.25 = 0.0625, conviction
// 0.75/(2/3) = 1.125. store has O2's milk line {milk} and O3 {bread, milk}: N = 2, milk 2;
// bread->milk: confidence 1, lift 1*2/(1*2) = 1, leverage 0.5 - 0.5*1 = 0.
#[test]
fn pairs_by_channel_split_baskets_by_the_lines_channel() {
    let got = run("pairs --min-count 1 orders.csv --by channel --format csv");
    assert_eq!(
        got,
        format!(
            "{PAIRS_HEADER}
store,bread,milk,1,0.5,1,1,0,
store,milk,bread,1,0.5,0.5,1,0,1
web,bread,butter,2,0.5,1,1.3333333333333333,0.125,
web,butter,bread,2,0.5,0.6666666666666666,1.3333333333333333,0.125,1.5
web,butter,jam,1,0.25,0.3333333333333333,1.3333333333333333,0.0625,1.125
web,jam,butter,1,0.25,1,1.3333333333333333,0.0625,
"
        )
    );
}

#[test]
fn pairs_refuse_what_they_cannot_do() {
    for (line, says) in [
        (
            "pairs --min-count 1 orders.csv --for bagel",
            "--for \"bagel\": no product of that name",
        ),
        (
            "pairs --min-count 1 orders.csv --by campaign-type",
            "not by campaign-type",
        ),
        (
            "pairs --min-count 1 cohorts.csv --by channel",
            "needs a channel column",
        ),
        (
            "pairs --min-count 1 cohorts.csv --level category",
            "needs the column category",
        ),
    ] {
        let stderr = fails(line);
        assert!(stderr.contains(says), "{line}: {stderr}");
    }
}

const COHORT_HEADER: &str = "cohort,k,period,value,numerator,denominator";

// cohorts.csv: U1 first orders in 2024-12 (and again in 2025-02); U2 and U3 in 2025-01 (U2 has
// only a return in 2025-03; U3 orders again in 2025-02); U4 in 2025-02 and again in 2025-03.
#[test]
fn cohort_shares_by_month() {
    let expected = format!(
        "{COHORT_HEADER}
2024-12,0,2024-12,1,1,1
2024-12,1,2025-01,0,0,1
2024-12,2,2025-02,1,1,1
2024-12,3,2025-03,0,0,1
2025-01,0,2025-01,1,2,2
2025-01,1,2025-02,0.5,1,2
2025-01,2,2025-03,0,0,2
2025-02,0,2025-02,1,1,1
2025-02,1,2025-03,1,1,1
"
    );
    assert_eq!(run("cohort cohorts.csv --format csv"), expected);
}

// With --from 2025-01-01, U1 (first order 2024-12) stays in the 2024-12 cohort, which is shown;
// its December cell lies before the window: null.
#[test]
fn cohort_keeps_a_customer_from_before_the_window_in_their_cohort() {
    let got = run("cohort cohorts.csv --from 2025-01-01 --format csv");
    let first: Vec<&str> = got.lines().take(3).collect();
    assert_eq!(
        first,
        [
            COHORT_HEADER,
            "2024-12,0,2024-12,,,1",
            "2024-12,1,2025-01,0,0,1"
        ]
    );
    // The table shows the triangle: blank cells before the window and after the data.
    let table = run("cohort cohorts.csv --from 2025-01-01");
    let row = table.lines().find(|l| l.contains("2025-02 ")).unwrap();
    let cells: Vec<&str> = row.split(['│', '┆']).map(str::trim).collect();
    assert_eq!(cells[1..7], ["2025-02", "1", "100.0%", "100.0%", "", ""]);
}

// Revenue per cohort customer: 2025-01 (U2, U3): January 20 + 4 + 8 = 32 -> 16.00; February 8 ->
// 4.00; March the return -6 -> -3.00.
#[test]
fn cohort_revenue_per_customer() {
    let got = run("cohort cohorts.csv --metric revenue --format csv");
    let january: Vec<&str> = got.lines().filter(|l| l.starts_with("2025-01,")).collect();
    assert_eq!(
        january,
        [
            "2025-01,0,2025-01,16,32.00,2",
            "2025-01,1,2025-02,4,8.00,2",
            "2025-01,2,2025-03,-3,-6.00,2"
        ]
    );
}

// Quarters: U1 in 2024-Q4; U2, U3, U4 in 2025-Q1, all with an order in 2025-Q1.
#[test]
fn cohort_by_quarter() {
    let got = run("cohort cohorts.csv --period quarter --format csv");
    assert_eq!(
        got,
        format!(
            "{COHORT_HEADER}
2024-Q4,0,2024-Q4,1,1,1
2024-Q4,1,2025-Q1,1,1,1
2025-Q1,0,2025-Q1,1,3,3
"
        )
    );
}

// Only purchase lines dated in the window make baskets: with --from 2025-01-02 the January 1st
// order (a, b) is left out, leaving O2 {a, c} and O3 {a}: N = 2, a in both, c in one.
// a->c: support 0.5, confidence 0.5, lift 1*2/(2*1) = 1, leverage 0.5 - 1*0.5 = 0,
// conviction (1 - 0.5)/(1 - 0.5) = 1. Equal lift and count: antecedent a before c.
#[test]
fn pairs_count_only_baskets_in_the_window() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         O1,U1,2025-01-01,a,1\nO1,U1,2025-01-01,b,1\n\
         O2,U1,2025-01-05,a,1\nO2,U1,2025-01-05,c,1\n\
         O3,U2,2025-01-06,a,1\n",
    )]);
    let out = w
        .cmd("pairs --min-count 1 o.csv --from 2025-01-02 --format csv")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{PAIRS_HEADER}
all,a,c,1,0.5,0.5,1,0,1
all,c,a,1,0.5,1,1,0,
"
        )
    );
}

/// The shipped sample (fixtures/orders.csv), against an independent SQLite computation of the
/// definitions: tests/oracle/pairs.sql and cohort.sql, run by tests/oracle/run, which writes
/// tests/oracle/expected/pairs.csv (the first 20 product rules, all 132 category rules, the
/// first 20 customer-basket rules) and cohort.csv (the 297 cells, by customers and by revenue).
/// Every row of both files must be the binary's output, in order, to the last digit: every
/// measure is an exact fraction of counts (or an amount over a count) that both round once to
/// the nearest float. A few rows are also kept here.
#[test]
fn the_sample_matches_an_independent_sqlite_computation() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/orders.csv");
    let top = |extra: &str, n: usize| -> Vec<String> {
        let out = xsell_in(&fixtures(), &format!("{extra} {sample} --format csv"))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .take(n + 1)
            .map(String::from)
            .collect()
    };
    assert_eq!(
        top("pairs --min-count 1", 3)[1..],
        [
            "all,P178,P197,1,0.0006134969325153375,0.2,108.66666666666667,\
             0.0006078512552222515,1.2476993865030674",
            "all,P197,P178,1,0.0006134969325153375,0.3333333333333333,108.66666666666667,\
             0.0006078512552222515,1.4953987730061349",
            "all,P148,P175,1,0.0006134969325153375,0.3333333333333333,67.91666666666667,\
             0.0006044638488463999,1.492638036809816",
        ]
    );
    assert_eq!(
        top("pairs --min-count 1 --level category", 3)[1..],
        [
            "all,books,garden,28,0.01717791411042945,0.14432989690721648,1.131046788263283,\
             0.001990289435055892,1.019543203488802",
            "all,garden,books,28,0.01717791411042945,0.1346153846153846,1.131046788263283,\
             0.001990289435055892,1.018023176550784",
            "all,sports,tv,24,0.014723926380368098,0.13636363636363635,1.068618881118881,\
             0.0009454627573487899,1.010138844042622",
        ]
    );
    assert_eq!(
        top("pairs --min-count 1 --basket customer", 2)[1..],
        [
            "all,P146,P148,1,0.0028089887640449437,0.25,29.666666666666668,\
             0.002714303749526575,1.3220973782771535",
            "all,P148,P146,1,0.0028089887640449437,0.3333333333333333,29.666666666666668,\
             0.002714303749526575,1.4831460674157304",
        ]
    );
    assert_eq!(
        top("cohort --metric revenue", 2)[1..],
        [
            "2024-01,0,2024-01,351.0826086956522,16149.80,46",
            "2024-01,1,2024-02,99.36239130434782,4570.67,46",
        ]
    );
    for file in ["pairs.csv", "cohort.csv"] {
        // Scenario (the first cell) -> its rows, in the oracle's order.
        let mut scenarios: Vec<(String, Vec<Vec<String>>)> = vec![];
        for mut row in csv_rows(&oracle(file)) {
            let args = row.remove(0);
            match scenarios.last_mut() {
                Some((last, rows)) if *last == args => rows.push(row),
                _ => scenarios.push((args, vec![row])),
            }
        }
        assert!(!scenarios.is_empty(), "{file}");
        for (args, want) in scenarios {
            let out = ok(&mut xsell_in(
                &fixtures(),
                &format!("{args} {sample} --format csv"),
            ));
            assert_eq!(csv_rows(&out), want, "{args}: the oracle's {file}");
        }
    }
}

// --from 2025-01-20 cuts January: U3's only January order (the 15th) lies before it, so a
// January cell would count part of the month. Cohorts measure whole periods: January is left
// out (null), with a note, and the 2025-01 cohort starts at +1 (February: U3 of U2, U3 = 50%).
#[test]
fn cohort_leaves_out_a_period_that_the_window_cuts() {
    let out = xsell_in(
        &fixtures(),
        "cohort cohorts.csv --from 2025-01-20 --format csv",
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let january: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("2025-01,"))
        .collect();
    assert_eq!(
        january,
        [
            "2025-01,0,2025-01,,,2",
            "2025-01,1,2025-02,0.5,1,2",
            "2025-01,2,2025-03,0,0,2"
        ]
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--from 2025-01-20 falls inside 2025-01: cohorts measure whole periods"),
        "{stderr}"
    );
    // --to 2025-03-15 cuts March (U4 orders on the 30th): the table ends with February.
    let got = run("cohort cohorts.csv --to 2025-03-15 --format csv");
    assert!(got.lines().all(|l| !l.contains(",2025-03,")), "{got}");
    assert!(got.contains("2025-02,0,2025-02,1,1,1"), "{got}");
}

// A customer from 1990 inactive in the window does not widen a weekly table past the limit; the
// same data without --from spans 1,832 weeks and is refused.
#[test]
fn cohort_limits_the_periods_it_lists() {
    let w = Workdir::with(&[(
        "far.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         A,U1,1990-01-01,p,10.00\nB,U2,2025-01-06,p,5.00\nC,U2,2025-02-06,p,5.00\n",
    )]);
    let out = w
        .cmd("cohort far.csv --period week --from 2025-01-06 --format csv")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    // One cohort (2025-W02, U2), weeks W02..W06: five cells.
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    let out = w.cmd("cohort far.csv --period week").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("more than 1000"), "{stderr}");
}

// An empty category cell is the item (none), as --by labels it; with --by channel the footer
// says the baskets are split (O2 counts in web and in store: 6 baskets of 5 orders); a run with
// no rule says why.
#[test]
fn pairs_name_empty_items_and_say_what_they_counted() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,category,amount\n\
         A,U1,2025-01-01,x,c1,1\nA,U1,2025-01-01,y,,1\nB,U2,2025-01-02,z,c2,1\n",
    )]);
    let out = w
        .cmd("pairs --min-count 1 o.csv --level category --for c1 --format csv")
        .output()
        .unwrap();
    // Baskets A {(none), c1} and B {c2}: N = 2; c1 -> (none): count 1, support 0.5,
    // confidence 1, lift 1*2/(1*1) = 2, leverage 0.5 - 0.25 = 0.25.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{PAIRS_HEADER}\nall,c1,(none),1,0.5,1,2,0.25,\n")
    );
    let table = run("pairs --min-count 1 orders.csv --by channel");
    assert!(
        table.contains(
            "6 baskets (orders with a purchase line in the window, split by their lines' channel)"
        ),
        "{table}"
    );
    let out = xsell_in(&fixtures(), "pairs --min-count 1 orders.csv --min-lift 3")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("note: no rule"), "{stderr}");
}
