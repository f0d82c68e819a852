//! Ratios in CSV and JSON are written in full (issue 15, item 10): the shortest text that reads
//! back to the same 64-bit float, never `-0`; counts and money exactly; tables keep their
//! rounding. Six fixed decimals printed a support of 1/3,000,000 as `0.000000` and a leverage
//! just below zero as `-0.000000`.
//!
//! Each expected value is a fraction worked out by hand in the comments: its text is compared,
//! and the text read back must be, bit for bit, the float nearest the fraction (Rust's parser
//! and its division both round correctly, so `1.0 / 7.0` is that float).

use crate::workdir::{Workdir, csv_rows, json_raw, ok, records, table};
use proptest::prelude::*;

const ORDERS: &str = "order_id,customer_id,order_date,product_id,amount\n";

/// Asserts that `text` reads back to exactly the float `want` (the same bits).
#[track_caller]
fn reads_back(text: &str, want: f64) {
    let got: f64 = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "{text} reads back as {got:?}, not {want:?}"
    );
}

/// `compute ... --format FORMAT` in `w`: stdout.
fn compute(w: &Workdir, args: &str, format: &str) -> String {
    ok(&mut w.cmd(&format!("compute {args} --format {format}")))
}

/// The cell `column` of the CSV rows whose first cells are `key`.
fn cell(csv: &str, key: &[&str], column: usize) -> String {
    let rows = csv_rows(csv);
    let hits: Vec<&Vec<String>> = rows.iter().filter(|r| r[..key.len()] == *key).collect();
    assert_eq!(hits.len(), 1, "{key:?} in {csv}");
    hits[0][column].clone()
}

/// Seven customers; C1 alone buys two products: cross-sell 1/7.
fn one_in_seven() -> Workdir {
    let mut orders = ORDERS.to_string();
    orders += "O1,C1,2025-01-01,P1,10\nO1,C1,2025-01-01,P2,10\n";
    for c in 2..=7 {
        orders += &format!("O{c},C{c},2025-01-02,P1,10\n");
    }
    Workdir::with(&[("o.csv", &orders)])
}

#[test]
fn a_rate_of_one_seventh_reads_back_to_the_same_float_in_csv_and_json() {
    let w = one_in_seven();
    let csv = compute(&w, "o.csv --metric cross-sell", "csv");
    let value = cell(&csv, &["cross-sell"], 3);
    // 1/7 = 0.142857142857142857...: seventeen digits tell the float apart from its neighbours.
    assert_eq!(value, "0.14285714285714285");
    reads_back(&value, 1.0 / 7.0);
    // The counts stay as they were.
    assert_eq!(cell(&csv, &["cross-sell"], 4), "1");
    assert_eq!(cell(&csv, &["cross-sell"], 5), "7");

    let json = compute(&w, "o.csv --metric cross-sell", "json");
    assert_eq!(json_raw(&json, "value"), ["0.14285714285714285"]);
    reads_back(&json_raw(&json, "value")[0], 1.0 / 7.0);
    // The interval's bounds are JSON numbers that read back as the CSV's.
    for bound in ["ci_low", "ci_high"] {
        let text = &json_raw(&json, bound)[0];
        let column = if bound == "ci_low" { 7 } else { 8 };
        assert_eq!(*text, cell(&csv, &["cross-sell"], column), "{bound}");
    }
}

#[test]
fn tables_keep_their_rounding() {
    let w = one_in_seven();
    let out = ok(&mut w.cmd("compute o.csv --metric cross-sell"));
    let cells = table(&out);
    assert!(cells[1].contains(&"14.3%".to_string()), "{out}");
    // compare's table keeps six decimals where its CSV writes every digit: 1/2 and 1/3.
    let orders = "order_id,customer_id,order_date,product_id,amount,variant
1,A,2025-01-01,P1,10,x
2,A,2025-01-02,P1,10,x
3,B,2025-01-01,P1,10,x
4,C,2025-01-01,P1,10,y
5,C,2025-01-02,P1,10,y
6,D,2025-01-01,P1,10,y
7,E,2025-01-01,P1,10,y
";
    let w = Workdir::with(&[("o.csv", orders)]);
    let line = "compare o.csv -m repeat-rate --by column:variant --a x --b y";
    let shown = table(&ok(&mut w.cmd(line)));
    let field = |name: &str| shown.iter().find(|r| r[0] == name).unwrap()[1].clone();
    assert_eq!(
        (field("value_a"), field("value_b")),
        ("0.500000".into(), "0.333333".into())
    );
    let csv = ok(&mut w.cmd(&format!("{line} --format csv")));
    let header = "metric,by,a,b,value_a,value_b,difference";
    let r = &records(&csv, header)[0];
    assert_eq!(
        (r["value_a"].as_str(), r["value_b"].as_str()),
        ("0.5", "0.3333333333333333")
    );
    // difference 1/3 − 1/2, in floats: the text reads back to that float.
    reads_back(&r["difference"], 1.0 / 3.0 - 0.5);
}

// Three baskets: O1 {a, b}, O2 {a}, O3 {c}. a -> b: count 1, N 3, a in 2, b in 1.
//   support 1/3, confidence 1/2, lift 1·3 / (2·1) = 3/2, leverage 1/3 − (2/3)(1/3) = 1/9,
//   conviction (1 − 1/3) / (1 − 1/2) = 4/3.
// b -> a: confidence 1, lift 3/2, leverage 1/9, no conviction.
#[test]
fn pairs_write_a_support_of_one_third_in_full() {
    let lines = [
        "O1,X,2025-01-01,a,1",
        "O1,X,2025-01-01,b,1",
        "O2,Y,2025-01-01,a,1",
    ];
    let orders = format!("{ORDERS}{}\nO3,Z,2025-01-01,c,1\n", lines.join("\n"));
    let w = Workdir::with(&[("o.csv", &orders)]);
    let csv = ok(&mut w.cmd("pairs --min-count 1 o.csv --format csv"));
    let want = [
        (
            "a",
            "b",
            "0.3333333333333333,0.5,1.5,0.1111111111111111,1.3333333333333333",
        ),
        ("b", "a", "0.3333333333333333,1,1.5,0.1111111111111111,"),
    ];
    for (a, c, measures) in want {
        let row = csv_rows(&csv).into_iter().find(|r| r[1] == a && r[2] == c);
        let row = row.unwrap_or_else(|| panic!("{a} -> {c} in {csv}"));
        assert_eq!(row[3..].join(","), format!("1,{measures}"), "{a} -> {c}");
    }
    // a -> b comes first (equal lifts and counts: by antecedent); its measures from column 4.
    let row = &csv_rows(&csv)[0];
    for (text, fraction) in [
        (4, 1.0 / 3.0),
        (5, 0.5),
        (6, 1.5),
        (7, 1.0 / 9.0),
        (8, 4.0 / 3.0),
    ] {
        reads_back(&row[text], fraction);
    }
    let json = ok(&mut w.cmd("pairs --min-count 1 o.csv --format json"));
    assert_eq!(json_raw(&json, "support"), ["0.3333333333333333"; 2]);
    assert_eq!(
        json_raw(&json, "conviction"),
        ["1.3333333333333333", "null"]
    );
}

/// `n` order baskets holding exactly `items` each (one line per item).
fn baskets(orders: &mut String, n: usize, items: &[&str]) {
    let first = orders.lines().count();
    for i in first..first + n {
        for item in items {
            *orders += &format!("O{i},C{i},2025-01-01,{item},1\n");
        }
    }
}

/// The measures of A -> C in `pairs` CSV output.
fn a_to_c(w: &Workdir) -> Vec<String> {
    let csv = ok(&mut w.cmd("pairs --min-count 1 o.csv --format csv"));
    let row = csv_rows(&csv)
        .into_iter()
        .find(|r| r[1] == "A" && r[2] == "C");
    row.unwrap_or_else(|| panic!("A -> C in {csv}"))[3..].to_vec()
}

// 56 baskets: 36 {A, C}, 12 {A}, 6 {C}, 2 {D}. A in 48, C in 42.
//   leverage = 36/56 − (48/56)(42/56) = (36·56 − 48·42) / 56² = (2016 − 2016) / 3136 = 0;
//   subtracting rounded products gives 1.1e-16 instead (printed 0.000000, or -0.000000 for
//   the like below zero).
// 2000 baskets: 1 {A, C}, 2 {A}, 666 {C}, 1331 {D}. A in 3, C in 667.
//   leverage = (1·2000 − 3·667) / 2000² = −1/4,000,000 = −2.5e-7 (printed -0.000000);
//   support 1/2000 = 0.0005.
#[test]
fn a_leverage_of_zero_is_0_and_one_just_below_keeps_its_digits() {
    let mut orders = ORDERS.to_string();
    baskets(&mut orders, 36, &["A", "C"]);
    baskets(&mut orders, 12, &["A"]);
    baskets(&mut orders, 6, &["C"]);
    baskets(&mut orders, 2, &["D"]);
    let w = Workdir::with(&[("o.csv", &orders)]);
    let got = a_to_c(&w);
    assert_eq!(got[0], "36", "count");
    assert_eq!(got[4], "0", "leverage");

    let mut orders = ORDERS.to_string();
    baskets(&mut orders, 1, &["A", "C"]);
    baskets(&mut orders, 2, &["A"]);
    baskets(&mut orders, 666, &["C"]);
    baskets(&mut orders, 1331, &["D"]);
    let w = Workdir::with(&[("o.csv", &orders)]);
    let got = a_to_c(&w);
    assert_eq!([got[0].as_str(), got[1].as_str()], ["1", "0.0005"]);
    assert_eq!(got[4], "-2.5e-7", "leverage");
    reads_back(&got[4], -1.0 / 4_000_000.0);
}

#[test]
fn zero_is_written_0_never_minus_0() {
    // --margin -0 is a margin of zero: the margin and the CLV it multiplies are -0.0 as floats.
    let w = one_in_seven();
    let args = "o.csv --metric clv --clv-model formula --margin=-0 --lifespan 3";
    let csv = compute(&w, args, "csv");
    assert_eq!(cell(&csv, &["clv.margin"], 3), "0");
    assert_eq!(cell(&csv, &["clv"], 3), "0");
    let json = compute(&w, args, "json");
    let values = json_raw(&json, "value");
    assert_eq!(
        [values[0].as_str(), values[5].as_str()],
        ["0", "0"],
        "{json}"
    );
    assert!(!csv.contains("-0,") && !json.contains("-0,"), "{csv}{json}");
}

// One click in 3,000,000 impressions: ctr 1/3,000,000 = 3.33e-7 (printed 0.000000). Below 1e-5
// the exponent is written, as ryu and serde_json write it.
#[test]
fn a_ratio_below_one_in_a_hundred_thousand_has_an_exponent() {
    let orders = "order_id,customer_id,order_date,product_id,amount,campaign_id
O1,A,2025-01-01,P1,10,C1
";
    let campaigns = "campaign_id,cost,impressions,clicks,targeted,conversions
C1,100,3000000,1,,
";
    let w = Workdir::with(&[("o.csv", orders), ("c.csv", campaigns)]);
    let args = "o.csv --campaigns c.csv --metric ctr";
    let csv = compute(&w, args, "csv");
    let value = cell(&csv, &["ctr", "C1"], 3);
    assert_eq!(value, "3.3333333333333335e-7");
    reads_back(&value, 1.0 / 3_000_000.0);
    let json = compute(&w, args, "json");
    assert_eq!(json_raw(&json, "value")[1], "3.3333333333333335e-7");
    // The Wilson interval around it: positive, below 1e-5, every digit kept.
    let low: f64 = cell(&csv, &["ctr", "C1"], 7).parse().unwrap();
    assert!(low > 0.0 && low < 1.0 / 3_000_000.0, "{csv}");
}

// 10,000 clicks in 1,000,000 impressions against 12,000 in 1,000,000: a difference of 0.002 with
// a p-value near 1e-41, which the table shows with four digits and CSV with all of them.
#[test]
fn a_small_p_value_is_written_in_full() {
    let orders = "order_id,customer_id,order_date,product_id,amount,campaign_id
O1,A,2025-01-01,P1,10,C1
";
    let campaigns = "campaign_id,cost,impressions,clicks,targeted,conversions
C1,100,1000000,10000,,
C2,100,1000000,12000,,
";
    let w = Workdir::with(&[("o.csv", orders), ("c.csv", campaigns)]);
    let line = "compare o.csv --campaigns c.csv -m ctr --by campaign --a C1 --b C2";
    let csv = ok(&mut w.cmd(&format!("{line} --format csv")));
    let r = &records(&csv, "metric,by,a,b,value_a,value_b")[0];
    assert_eq!(
        (r["value_a"].as_str(), r["value_b"].as_str()),
        ("0.01", "0.012")
    );
    let p = xsell::report::stats::two_proportion_p(10_000, 1_000_000, 12_000, 1_000_000).unwrap();
    assert!(p > 0.0 && p < 1e-40, "{p:e}");
    reads_back(&r["p_value"], p);
    let shown = table(&ok(&mut w.cmd(line)));
    let p_row = shown.iter().find(|r| r[0] == "p_value").unwrap();
    assert_eq!(p_row[1], format!("{p:.3e}"));
}

proptest! {
    /// Any finite float, as CSV and JSON write it, reads back to itself (zero of either sign to
    /// +0), is a JSON number, and has no more significant digits than the shortest exponent
    /// form of Rust (which, like ryu, keeps the fewest that round-trip).
    #[test]
    fn every_finite_float_is_written_so_that_it_reads_back(bits in any::<u64>()) {
        let value = f64::from_bits(bits);
        prop_assume!(value.is_finite());
        let text = xsell::output::shortest(value).unwrap();
        let back: f64 = text.parse().unwrap();
        let want = if value == 0.0 { 0.0 } else { value };
        prop_assert_eq!(back.to_bits(), want.to_bits(), "{}", text);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert!(json.is_number(), "{}", text);
        let figures = |t: &str| {
            let mantissa = t.split('e').next().unwrap();
            let digits = mantissa.trim_start_matches('-').replace('.', "");
            digits.trim_start_matches('0').trim_end_matches('0').len()
        };
        prop_assert!(figures(&text) <= figures(&format!("{value:e}")), "{}", text);
    }
}
