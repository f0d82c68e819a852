//! End-to-end tests of slicing (`--by`, `--period`, `--customers`), intervals, benchmarks,
//! `--fail-under`, `report` and `compare`.
//!
//! Expected numbers come from independent sources only:
//! - the SQLite oracle on fixtures/orders.csv: tests/oracle/slicing.sql, run by tests/oracle/run,
//!   which writes every row it gives to tests/oracle/expected/slicing.csv (a few are also
//!   hard-coded below);
//! - tiny inline CSVs whose values are worked out by hand in comments;
//! - textbook statistics (Wilson / Newcombe 1998 intervals, pooled two-proportion z-test).

use crate::workdir::{
    HEADER, Rec, Same, Workdir, assert_number, crate_file, fails_after_warnings as fails, has_all,
    json_keys, objects, ok, oracle, parse_csv, records, run, xsell, xsell_in,
};
use assert_cmd::Command;
use serde_json::Value;

// ==== Helpers ====

const ORDERS: &str = "fixtures/orders.csv";
const CAMPS: &str = "--campaigns fixtures/campaigns.csv";
const COMPARE_HEADER: &str = "metric,by,a,b,value_a,value_b,difference,ci_low,ci_high,p_value,\
                              verdict,numerator_a,denominator_a,numerator_b,denominator_b";
/// The built-in cross-sell range of each industry.
const INDUSTRIES: &str = "technology 0.10 0.20; healthcare 0.05 0.15; financial services 0.10 \
                          0.25; e-commerce 0.15 0.30; education 0.10 0.20; real estate 0.10 0.20";

/// (industry, low, high) of INDUSTRIES.
fn industries() -> Vec<(String, f64, f64)> {
    let parse = |e: &str| {
        let (rest, hi) = e.trim().rsplit_once(' ').unwrap();
        let (name, lo) = rest.rsplit_once(' ').unwrap();
        (name.to_string(), lo.parse().unwrap(), hi.parse().unwrap())
    };
    INDUSTRIES.split(';').map(parse).collect()
}

/// The sample orders as an absolute path (for commands run in a scratch directory).
fn sample_path() -> String {
    crate_file(ORDERS).display().to_string()
}

/// `compute ... --format csv` in a Workdir, parsed.
trait Csv {
    fn csv(&self, line: &str) -> Vec<Rec>;
}

impl Csv for Workdir {
    fn csv(&self, line: &str) -> Vec<Rec> {
        parse_csv(&ok(&mut self.cmd(&format!("{line} --format csv"))))
    }
}

/// `ok` of `xsell(line)`.
fn sh(line: &str) -> String {
    ok(&mut xsell(line))
}

/// `compute --format csv` on the sample orders.
fn sample(args: &str) -> Vec<Rec> {
    parse_csv(&sh(&format!("compute {ORDERS} {args} --format csv")))
}

fn num(s: &str) -> Option<f64> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

/// `numerator/denominator` of a CSV row or a JSON object.
fn nd(r: &Rec) -> String {
    format!("{}/{}", r["numerator"], r["denominator"])
}
fn jnd(o: &Value) -> String {
    format!("{}/{}", o["numerator"], o["denominator"])
}

/// `low..high` of the columns `{prefix}_low` and `{prefix}_high`.
fn span(r: &Rec, prefix: &str) -> String {
    let (lo, hi) = (format!("{prefix}_low"), format!("{prefix}_high"));
    format!("{}..{}", r[&lo], r[&hi])
}

/// The one row with this metric, by, group and period.
fn find<'a>(rows: &'a [Rec], metric: &str, by: &str, group: &str, period: &str) -> &'a Rec {
    let key = [metric, by, group, period];
    let is = |r: &&Rec| ["metric", "by", "group", "period"].map(|k| r[k].as_str()) == key;
    let hits: Vec<&Rec> = rows.iter().filter(is).collect();
    assert_eq!(hits.len(), 1, "{key:?} in {rows:#?}");
    hits[0]
}

/// Specs `metric,by,group,period,numerator,denominator,value` (whitespace separated; an empty
/// value is n/a), checked by `expect_one`.
fn expect(rows: &[Rec], specs: &str) {
    for spec in specs.split_whitespace() {
        let f: Vec<&str> = spec.split(',').collect();
        expect_one(rows, f[..7].try_into().unwrap());
    }
}

/// The one row with this metric, by, group and period has this numerator and denominator
/// (exactly) and value: as written, the ratio of the two rounded once (empty: n/a).
fn expect_one(rows: &[Rec], [metric, by, group, period, n, d, value]: [&str; 7]) {
    let spec = [metric, by, group, period, n, d, value].join(",");
    let r = find(rows, metric, by, group, period);
    assert_eq!(nd(r), format!("{n}/{d}"), "{spec}");
    assert_number(&r["value"], value, Same::Text, &format!("{r:?} vs {spec}"));
}

fn close(got: &str, want: f64, tol: f64) {
    let g: f64 = got.parse().unwrap();
    assert!((g - want).abs() <= tol, "{g} vs {want}");
}

/// Order lines where each of the `n` customers of group `g` (in column `col`) orders P1 on
/// 2025-01-01, and the first `k` of them order again on 2025-01-02 (repeat-rate k/n) or,
/// with `cross`, also buy P2 in the same order (cross-sell k/n).
fn groups_file(col: &str, groups: &[(&str, usize, usize)], cross: bool) -> String {
    let mut s = format!("order_id,customer_id,order_date,product_id,amount,{col}\n");
    for (g, n, k) in groups {
        for i in 0..*n {
            s += &format!("{g}{i}a,{g}{i},2025-01-01,P1,10,{g}\n");
            if i < *k && cross {
                s += &format!("{g}{i}a,{g}{i},2025-01-01,P2,10,{g}\n");
            } else if i < *k {
                s += &format!("{g}{i}b,{g}{i},2025-01-02,P1,10,{g}\n");
            }
        }
    }
    s
}

// ==== 1. The SQLite oracle (tests/oracle/), one run per scenario ====

/// Per scenario: arguments; metrics; the oracle's row count; a selection of its rows. Every row
/// is in tests/oracle/expected/slicing.csv, under the scenario's `args` `-m METRICS ARGUMENTS`.
const ORACLE: &str = "
--by segment; cross-sell,repeat-rate,aov,clv,loyalty-cross-sell; 20;
  cross-sell,segment,budget,,107,119,0.8991596638655462 cross-sell,,all,,328,356,0.9213483146067416
  repeat-rate,segment,mainstream,,105,121,0.8677685950413223
  aov,segment,premium,,142239.19,464,306.54997844827585
  clv,segment,budget,,163794.09,119,1376.4209243697478 clv,,all,,491912.49,356,1381.7766573033707
  loyalty-cross-sell,segment,premium,,94,164,0.573170731707317
  loyalty-cross-sell,,all,,319,616,0.5178571428571429
| --by loyalty; cross-sell,repeat-rate; 6;
  cross-sell,loyalty,member,,121,132,0.9166666666666666
  cross-sell,loyalty,non-member,,207,224,0.9241071428571429
  repeat-rate,loyalty,non-member,,192,224,0.8571428571428571
  repeat-rate,,all,,304,356,0.8539325842696629
| --by channel; cross-sell,repeat-rate,aov,loyalty-cross-sell; 16;
  cross-sell,channel,push,,69,120,0.575 cross-sell,channel,web,,283,329,0.8601823708206687
  repeat-rate,channel,store,,91,205,0.44390243902439025 aov,channel,push,,53048.35,163,325.45
  aov,,all,,491912.49,1630,301.7868036809816
  loyalty-cross-sell,channel,web,,224,420,0.5333333333333333
| --by category; cross-sell,aov; 26;
  cross-sell,category,audio,,200,202,0.9900990099009901 cross-sell,category,home,,143,143,1
  cross-sell,,all,,325,356,0.9129213483146067 aov,category,books,,32367.99,194,166.84530927835053
  aov,category,tv,,29182.12,208,140.29865384615385 aov,,all,,491912.49,1630,301.7868036809816
| --by campaign; cross-sell,repeat-rate; 16;
  cross-sell,campaign,(none),,291,331,0.879154078549849 cross-sell,campaign,C03,,33,66,0.5
  repeat-rate,campaign,C02,,7,69,0.10144927536231885 repeat-rate,,all,,304,356,0.8539325842696629
| --period month --from 2025-01-01 --to 2025-06-30; cross-sell,repeat-rate,aov; 18;
  cross-sell,,all,2025-01,29,52,0.5576923076923077 cross-sell,,all,2025-06,24,51,0.47058823529411764
  repeat-rate,,all,2025-03,14,90,0.15555555555555556 aov,,all,2025-02,10612.52,41,258.84195121951217
| --period quarter; cross-sell,repeat-rate,retention; 24;
  cross-sell,,all,2024-Q1,127,189,0.671957671957672
  repeat-rate,,all,2025-Q4,27,109,0.24770642201834864
  retention,,all,2024-Q2,74,189,0.3915343915343915 retention,,all,2025-Q4,35,106,0.330188679245283
  retention,,all,,420,999,0.42042042042042044
| --period week --from 2025-01-01 --to 2025-01-31; cross-sell; 5;
  cross-sell,,all,2025-W01,5,7,0.7142857142857143 cross-sell,,all,2025-W03,5,12,0.4166666666666667
  cross-sell,,all,2025-W05,2,7,0.2857142857142857
| --by segment --by channel; cross-sell,repeat-rate; 20;
  cross-sell,segment/channel,mainstream/web,,100,113,0.8849557522123894
  cross-sell,,all,,328,356,0.9213483146067416
  cross-sell,segment/channel,budget/push,,22,36,0.6111111111111112
  repeat-rate,segment/channel,premium/store,,29,69,0.42028985507246375
| --period year --by segment; cross-sell; 8;
  cross-sell,segment,budget,2024,86,110,0.7818181818181819
  cross-sell,,all,2024,259,308,0.8409090909090909
  cross-sell,segment,premium,2025,75,92,0.8152173913043478
  cross-sell,,all,2025,228,282,0.8085106382978723
| --period quarter --by segment; retention; 32;
  retention,segment,budget,2024-Q2,22,64,0.34375
  retention,segment,budget,,119,322,0.3695652173913043
  retention,segment,mainstream,2024-Q4,26,39,0.6666666666666666
  retention,segment,premium,,134,309,0.4336569579288026
  retention,,all,2025-Q3,50,152,0.32894736842105265 retention,,all,,420,999,0.42042042042042044";

#[test]
fn oracle_scenarios() {
    let expected = records(
        &oracle("slicing.csv"),
        "args,metric,by,group,period,numerator",
    );
    let mut checked = 0;
    for scenario in ORACLE.split('|') {
        let f: Vec<&str> = scenario.split(';').map(str::trim).collect();
        let args = format!("-m {} {}", f[1], f[0]);
        let rows = sample(&args);
        let count = f[2].parse::<usize>().unwrap();
        assert_eq!(rows.len(), count, "{}: one row per oracle row", f[0]);
        expect(&rows, f[3]);
        // Every row the oracle's SQL gives for the scenario.
        let want: Vec<&Rec> = expected.iter().filter(|o| o["args"] == args).collect();
        assert_eq!(
            want.len(),
            count,
            "{args}: rows in the oracle's slicing.csv"
        );
        for o in want {
            let cells = [
                "metric",
                "by",
                "group",
                "period",
                "numerator",
                "denominator",
                "value",
            ];
            expect_one(&rows, cells.map(|c| o[c].as_str()));
        }
        checked += count;
        // The all row has an empty by; every group row names its dimensions.
        for r in &rows {
            assert_eq!(r["group"] == "all", r["by"].is_empty(), "{}: {r:?}", f[0]);
        }
    }
    assert_eq!(
        checked,
        expected.len(),
        "every scenario of the oracle's slicing.csv is run"
    );
    // The cross-tab in JSON: the same numbers; by is null on the all row.
    let line = format!("compute {ORDERS} -m cross-sell --by segment --by channel");
    let v = objects(&sh(&format!("{line} --format json")));
    let o = v.iter().find(|o| o["group"] == "mainstream/web").unwrap();
    assert_eq!(
        format!("{} {}", o["by"], jnd(o)),
        "\"segment/channel\" 100/113"
    );
    assert!(v.iter().any(|o| o["group"] == "all" && o["by"].is_null()));
}

// ==== 2. Slicing rules on hand-checked data ====

/// A bought P1 on web and P2 in store (north); B bought P1 and P3 (category y) in one web order
/// (south); C bought P1 in store (south). A's lines are attributed to K1, K2 (email), B's to K3
/// (sms); C's are organic.
const LINES: &str = "\
order_id,customer_id,order_date,product_id,category,amount,channel,segment,loyalty,region,campaign_id
1,A,2025-01-05,P1,x,10,web,gold,no,north,K1
2,A,2025-01-06,P2,x,10,store,gold,no,north,K2
3,B,2025-01-06,P1,x,10,web,gold,yes,south,K3
3,B,2025-01-06,P3,y,10,web,gold,yes,south,K3
4,C,2025-01-07,P1,x,10,store,silver,no,south,
";
const CAMPAIGNS: &str = "\
campaign_id,campaign_type,channel,cost,impressions,clicks,targeted,conversions
K1,email,web,100,100,10,50,1
K2,email,push,100,300,20,50,2
K3,sms,web,100,50,5,50,3
";

#[test]
fn order_line_dimensions_restrict_the_lines() {
    let w = Workdir::with(&[("o.csv", LINES), ("k.csv", CAMPAIGNS)]);
    // all: A {P1,P2} yes, B {P1,P3} yes, C {P1} no = 2/3; A has 2 orders: repeat 1/3.
    // web lines: A {P1} no, B {P1,P3} yes = 1/2; store: A {P2}, C {P1} = 0/2.
    // Per channel A has one order: repeat-rate 0/2 on web and on store.
    let rows = w.csv("compute o.csv -m cross-sell,repeat-rate --by channel");
    let want = "cross-sell,,all,,2,3,0.6666666666666666 cross-sell,channel,web,,1,2,0.5
        cross-sell,channel,store,,0,2,0 repeat-rate,,all,,1,3,0.3333333333333333
        repeat-rate,channel,web,,0,2,0 repeat-rate,channel,store,,0,2,0";
    expect(&rows, want);
    // column:region: north = A {P1,P2} 1/1; south = B yes, C no = 1/2.
    let rows = w.csv("compute o.csv -m cross-sell --by column:region");
    let want = "cross-sell,column:region,north,,1,1,1 cross-sell,column:region,south,,1,2,0.5";
    expect(&rows, want);
    // campaign: K1 = A {P1} 0/1, K2 = A {P2} 0/1, K3 = B {P1,P3} 1/1, organic = C 0/1.
    let rows = w.csv("compute o.csv --campaigns k.csv -m cross-sell --by campaign");
    let want = "cross-sell,campaign,K1,,0,1,0 cross-sell,campaign,K3,,1,1,1
        cross-sell,campaign,(none),,0,1,0 cross-sell,,all,,2,3,0.6666666666666666";
    expect(&rows, want);
    // campaign-type: email = A's K1 + K2 lines {P1,P2} 1/1; sms = B 1/1; organic = C 0/1.
    let rows = w.csv("compute o.csv --campaigns k.csv -m cross-sell --by campaign-type");
    let want = "cross-sell,campaign-type,email,,1,1,1 cross-sell,campaign-type,sms,,1,1,1
        cross-sell,campaign-type,(none),,0,1,0";
    expect(&rows, want);
    // Bought in category x: A (x only, though two products), B (x and y), C (x only) = 1/3.
    // Bought in y: B, who bought in 2 categories = 1/1. The all row counts categories: 1/3.
    let rows = w.csv("compute o.csv -m cross-sell --by category");
    let want = "cross-sell,category,x,,1,3,0.3333333333333333 cross-sell,category,y,,1,1,1
        cross-sell,,all,,1,3,0.3333333333333333";
    expect(&rows, want);
    assert_eq!(rows.len(), 3);
}

#[test]
fn customer_dimensions_split_customers() {
    let w = Workdir::with(&[("o.csv", LINES)]);
    let rows = w.csv("compute o.csv -m cross-sell --by segment --by loyalty");
    // gold/non-member = A 1/1; gold/member = B 1/1; silver/non-member = C 0/1.
    let want = "cross-sell,segment/loyalty,gold/non-member,,1,1,1
        cross-sell,segment/loyalty,gold/member,,1,1,1 cross-sell,,all,,2,3,0.6666666666666666
        cross-sell,segment/loyalty,silver/non-member,,0,1,0";
    expect(&rows, want);
    assert_eq!(rows.len(), 4);
}

#[test]
fn labels_none_member_and_quoting() {
    let o = r#"order_id,customer_id,order_date,product_id,amount,channel,segment,loyalty
1,A,2025-01-05,P1,10,web,,yes
1,A,2025-01-05,P2,10,web,,yes
2,B,2025-01-06,P1,10,store,a/b,no
3,C,2025-01-07,P1,10,"we""b/2",plain,no
3,C,2025-01-07,P3,10,"we""b/2",plain,no
"#;
    let w = Workdir::with(&[("o.csv", o)]);
    // A: empty segment, member, {P1,P2} 1/1; B: segment a/b, 0/1; C: channel we"b/2, 1/1.
    let rows = w.csv("compute o.csv -m cross-sell --by segment");
    let want = r#"cross-sell,segment,(none),,1,1,1 cross-sell,segment,"a/b",,0,1,0
        cross-sell,segment,plain,,1,1,1"#;
    expect(&rows, want);
    let rows = w.csv("compute o.csv -m cross-sell --by loyalty --by channel");
    let want = r#"cross-sell,loyalty/channel,member/web,,1,1,1
        cross-sell,loyalty/channel,non-member/store,,0,1,0
        cross-sell,loyalty/channel,non-member/"we""b/2",,1,1,1"#;
    expect(&rows, want);
    let rows = w.csv("compute o.csv -m cross-sell --by segment --by channel");
    let want = r#"cross-sell,segment/channel,"a/b"/store,,0,1,0
        cross-sell,segment/channel,(none)/web,,1,1,1"#;
    expect(&rows, want);
}

#[test]
fn customers_file_wins_and_missing_customers_warn() {
    let cust = "customer_id,segment,loyalty,signup_date\n\
                A,silver,yes,2024-01-01\nB,bronze,no,2024-01-01\nZ,gold,yes,2024-01-01\n";
    let d = "customer_id\nA\n";
    let w = Workdir::with(&[("o.csv", LINES), ("c.csv", cust), ("d.csv", d)]);
    let line = "compute o.csv -m cross-sell --by segment --customers c.csv --format csv";
    let (code, out, err) = run(&mut w.cmd(line));
    assert_eq!(code, Some(0), "{err}");
    // A silver (file), B bronze (file), C silver (missing from the file: its lines say silver).
    // silver: A yes, C no = 1/2; bronze: B 1/1; nobody is gold any more.
    let rows = parse_csv(&out);
    let want = "cross-sell,segment,silver,,1,2,0.5 cross-sell,segment,bronze,,1,1,1";
    expect(&rows, want);
    assert!(!rows.iter().any(|r| r["group"] == "gold"), "{out}");
    // One customer of the orders (C) is missing from c.csv; two (B, C) from d.csv.
    assert!(err.contains("warning") && err.contains('1'), "{err}");
    let (_, _, err) = run(&mut w.cmd("compute o.csv -m cross-sell --customers d.csv"));
    assert!(err.contains("warning") && err.contains('2'), "{err}");
    // Loyalty: A member (file), B non-member (the file beats its lines), C non-member (lines).
    let rows = w.csv("compute o.csv -m cross-sell --by loyalty --customers c.csv");
    let want = "cross-sell,loyalty,member,,1,1,1 cross-sell,loyalty,non-member,,1,2,0.5";
    expect(&rows, want);
}

#[test]
fn customers_file_empty_segment_is_unknown() {
    // A's segment in the file is empty: an unknown value, so A keeps `gold` from its lines
    // (documented in the README).
    let c = "customer_id,segment\nA,\nB,gold\n";
    let w = Workdir::with(&[("o.csv", LINES), ("c.csv", c)]);
    let rows = w.csv("compute o.csv -m cross-sell --by segment --customers c.csv");
    // gold = A {P1,P2} cross-sold + B 1/1 = 2/2; silver = C (not in the file) 0/1.
    let want = "cross-sell,segment,gold,,2,2,1 cross-sell,segment,silver,,0,1,0";
    expect(&rows, want);
}

// ==== 3. Periods ====

#[test]
fn every_period_is_listed_even_empty_ones() {
    let o = "order_id,customer_id,order_date,product_id,amount
1,A,2025-01-10,P1,10
1,A,2025-01-10,P2,10
2,B,2025-01-20,P1,10
3,A,2025-03-05,P1,10
";
    let w = Workdir::with(&[("o.csv", o)]);
    let rows = w.csv("compute o.csv -m cross-sell,retention --period month");
    // cross-sell: Jan = A yes, B no = 1/2; Feb has nobody = n/a; Mar = A {P1} = 0/1.
    // retention: Feb = of Jan's {A,B} none in Feb = 0/2; Mar = Feb has nobody = 0/0 n/a;
    // pooled 0/2; no row for the first month.
    let want = "cross-sell,,all,2025-01,1,2,0.5 cross-sell,,all,2025-02,0,0,
        cross-sell,,all,2025-03,0,1,0 retention,,all,2025-02,0,2,0 retention,,all,2025-03,0,0,
        retention,,all,,0,2,0";
    expect(&rows, want);
    assert_eq!(rows.len(), 6);
}

#[test]
fn period_labels_week_quarter_year() {
    let o = "order_id,customer_id,order_date,product_id,amount
1,A,2020-12-31,P1,10
2,A,2021-01-03,P2,10
3,B,2021-01-04,P1,10
4,C,2025-02-10,P1,10
5,C,2025-02-16,P2,10
6,C,2025-02-17,P3,10
";
    let w = Workdir::with(&[("o.csv", o)]);
    // ISO weeks: 2020-12-28..2021-01-03 is 2020-W53 (A: P1, P2 = 1/1); 2021-01-04 opens
    // 2021-W01 (B: 0/1). Weekly retention: of W53's {A}, none in W01 = 0/1.
    let line = "compute o.csv -m cross-sell,retention --period week";
    let rows = w.csv(&format!("{line} --from 2020-12-28 --to 2021-01-10"));
    let want = "cross-sell,,all,2020-W53,1,1,1 cross-sell,,all,2021-W01,0,1,0
        retention,,all,2021-W01,0,1,0 retention,,all,,0,1,0";
    expect(&rows, want);
    // 2025-02-10 (Mon) and 2025-02-16 (Sun) are 2025-W07: C {P1,P2} 1/1; 2025-02-17 is W08.
    let rows = w.csv("compute o.csv -m cross-sell --period week --from 2025-02-10 --to 2025-02-17");
    let want = "cross-sell,,all,2025-W07,1,1,1 cross-sell,,all,2025-W08,0,1,0";
    expect(&rows, want);
    // 2020-Q4 = A {P1} 0/1; 2021-Q1 = A {P2}, B {P1} 0/2; 2021-Q2..2024-Q4 are empty (n/a)
    // and listed; 2025-Q1 = C {P1,P2,P3} 1/1. 18 quarters in all.
    let rows = w.csv("compute o.csv -m cross-sell --period quarter");
    let want = "cross-sell,,all,2020-Q4,0,1,0 cross-sell,,all,2021-Q1,0,2,0
        cross-sell,,all,2023-Q3,0,0, cross-sell,,all,2025-Q1,1,1,1";
    expect(&rows, want);
    assert_eq!(rows.len(), 18);
    let rows = w.csv("compute o.csv -m cross-sell --period year");
    let want = "cross-sell,,all,2020,0,1,0 cross-sell,,all,2021,0,2,0
        cross-sell,,all,2022,0,0, cross-sell,,all,2025,1,1,1";
    expect(&rows, want);
}

// ==== 4. Campaign metrics ====

#[test]
fn campaign_metrics_by_type_and_channel() {
    let w = Workdir::with(&[("o.csv", LINES), ("k.csv", CAMPAIGNS)]);
    // ctr: email = (10+20)/(100+300) = 30/400; sms = 5/50; all = 35/450 = 0.077778.
    // conversion: email = (1+2)/400; sms = 3/50.
    let rows = w.csv("compute o.csv --campaigns k.csv -m ctr,conversion --by campaign-type");
    let want = "ctr,campaign-type,email,,30,400,0.075 ctr,campaign-type,sms,,5,50,0.1
        ctr,,all,,35,450,0.07777777777777778 conversion,campaign-type,email,,3,400,0.0075
        conversion,campaign-type,sms,,3,50,0.06";
    expect(&rows, want);
    // The campaign's channel from campaigns.csv: web = K1+K3 = 15/150; push = K2 = 20/300.
    let rows = w.csv("compute o.csv --campaigns k.csv -m ctr --by channel");
    let want = "ctr,channel,web,,15,150,0.1 ctr,channel,push,,20,300,0.06666666666666667";
    expect(&rows, want);
    // Campaign metrics cannot be split by customers or categories, nor dated.
    for metric in ["campaign-cross-sell", "ctr", "conversion", "roi", "cac"] {
        for how in [
            "--by segment",
            "--by loyalty",
            "--by category",
            "--period month",
        ] {
            let line = format!("compute o.csv --campaigns k.csv -m {metric} {how}");
            let err = fails(&mut w.cmd(&line));
            assert!(err.contains(metric), "{line}: {err}");
        }
    }
}

#[test]
fn campaign_metrics_by_type_on_the_sample() {
    let rows = sample(&format!("{CAMPS} -m ctr,roi,conversion --by campaign-type"));
    // Sums over fixtures/campaigns.csv: upsell = C01+C04+C05 clicks 21+16+11 = 48 of
    // impressions 536+820+128 = 1484; newsletter = C02+C03 = 201/1756; win-back = C06 129/1440.
    // roi: the oracle's (revenue - cost) per campaign summed, over summed cost:
    // upsell (26679.59+19605.11+18491.71)/(771.29+2887.35+392.30) = 64776.41/4050.94.
    // conversion: oracle C02 39 + C03 66 (buyers) = 105/1756; upsell 3+2+3 = 8/1484.
    let want = "ctr,campaign-type,upsell,,48,1484,0.03234501347708895
        ctr,campaign-type,newsletter,,201,1756,0.11446469248291571
        ctr,campaign-type,win-back,,129,1440,0.08958333333333333
        roi,campaign-type,upsell,,64776.41,4050.94,15.99046394170242
        roi,campaign-type,newsletter,,39295.00,6633.44,5.923774090064883
        conversion,campaign-type,newsletter,,105,1756,0.05979498861047836
        conversion,campaign-type,upsell,,8,1484,0.005390835579514825";
    expect(&rows, want);
}

// ==== 5. --top and --sort ====

#[test]
fn top_and_sort() {
    // a: a0 {P1,P2}, a1 {P1} = 1/2; b: b0 {P1,P2} = 1/1; c: c0 {P1} = 0/1. all: 2/4.
    let o = groups_file("g", &[("a", 2, 1), ("b", 1, 1), ("c", 1, 0)], true);
    // ctr: S1 30/100, S2 50/100, S3 10/100, S4 unknown impressions = n/a.
    let k = "campaign_id,impressions,clicks\nS1,100,30\nS2,100,50\nS3,100,10\nS4,,\n";
    let w = Workdir::with(&[("o.csv", &o), ("k.csv", k)]);
    let groups = |line: &str, more: &str| {
        let rows = w.csv(&format!("{line} {more}"));
        rows.iter()
            .map(|r| r["group"].clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let base = "compute o.csv -m cross-sell --by column:g";
    assert_eq!(groups(base, ""), "all a b c");
    assert_eq!(groups(base, "--sort group"), "all a b c");
    assert_eq!(groups(base, "--sort value"), "all b a c");
    assert_eq!(groups(base, "--sort value --top 2"), "all b a");
    assert_eq!(groups(base, "--top 1"), "all a");
    // n/a sorts last; the all row (30+50+10)/300 leaves S4 out.
    let base = "compute o.csv --campaigns k.csv -m ctr --by campaign";
    assert_eq!(groups(base, "--sort value"), "all S2 S1 S3 S4");
    assert_eq!(groups(base, "--sort value --top 3"), "all S2 S1 S3");
    expect(&w.csv(base), "ctr,,all,,90,300,0.3 ctr,campaign,S4,,,,");
    // n/a never fails --fail-under (and S3 = 0.1 is not below 0.1).
    ok(&mut w.cmd(&format!("{base} --fail-under 0.1")));
}

#[test]
fn top_applies_under_each_all_row() {
    // Oracle year-seg: mainstream is the highest segment in 2024 and in 2025.
    let rows = sample("-m cross-sell --by segment --period year --sort value --top 1");
    let want = "cross-sell,,all,2024,259,308,0.8409090909090909
        cross-sell,,all,2025,228,282,0.8085106382978723
        cross-sell,segment,mainstream,2024,93,102,0.9117647058823529
        cross-sell,segment,mainstream,2025,83,100,0.83";
    expect(&rows, want);
    assert_eq!(rows.len(), 4);
}

#[test]
fn top_applies_under_each_all_row_of_retention() {
    // Oracle quarter-seg, 2025-Q2: premium 24/44 = 0.545455 > mainstream 28/52 = 0.538462 >
    // budget 22/47; pooled: mainstream 167/368 = 0.453804 is highest.
    let rows = sample("-m retention --by segment --period quarter --sort value --top 1");
    let want = "retention,,all,2025-Q2,74,143,0.5174825174825175
        retention,segment,premium,2025-Q2,24,44,0.5454545454545454
        retention,segment,mainstream,,167,368,0.453804347826087";
    expect(&rows, want);
}

// ==== 6. Confidence intervals ====

#[test]
fn wilson_interval_textbook() {
    // 263 customers, 81 of them with two orders: repeat-rate 81/263.
    let w = Workdir::with(&[("o.csv", &groups_file("g", &[("u", 263, 81)], false))]);
    let rows = w.csv("compute o.csv -m repeat-rate,aov,clv");
    let r = find(&rows, "repeat-rate", "", "all", "");
    assert_eq!(nd(r), "81/263");
    // Newcombe (1998): the Wilson 95% interval of 81/263 is 0.2553..0.3662.
    close(&r["ci_low"], 0.2553, 5e-5);
    close(&r["ci_high"], 0.3662, 5e-5);
    assert_eq!(span(find(&rows, "aov", "", "all", ""), "ci"), "..");
    assert_eq!(span(find(&rows, "clv", "", "all", ""), "ci"), "..");
    // A 90% interval is narrower, around the same value.
    let rows = w.csv("compute o.csv -m repeat-rate --confidence 0.9");
    let r90 = find(&rows, "repeat-rate", "", "all", "");
    let (lo, hi) = (num(&r90["ci_low"]).unwrap(), num(&r90["ci_high"]).unwrap());
    let p = 81.0 / 263.0;
    assert!(lo > 0.2553 && hi < 0.3662 && lo < p && p < hi, "{r90:?}");
}

#[test]
fn proportions_and_only_they_have_an_interval() {
    let props = "cross-sell campaign-cross-sell loyalty-cross-sell ctr conversion retention \
                 repeat-rate";
    for by in ["--by channel", "--by campaign"] {
        for r in sample(&format!("{CAMPS} -m all {by}")) {
            let (lo, hi) = (num(&r["ci_low"]), num(&r["ci_high"]));
            let prop = props.split(' ').any(|m| m == r["metric"]);
            match num(&r["value"]) {
                Some(v) if prop => assert!(lo.unwrap() <= v && v <= hi.unwrap(), "{r:?}"),
                _ => assert_eq!((lo, hi), (None, None), "{r:?}"),
            }
        }
    }
}

// ==== 7. Benchmarks and colour ====

#[test]
fn benchmark_status_and_rating() {
    // Group gNN: NN% of its 20 customers cross-bought (1/20 .. 7/20); all = 28/140 = 0.20.
    let g = ["g05", "g10", "g15", "g20", "g25", "g30", "g35"];
    let groups: Vec<_> = g.iter().zip(1..).map(|(g, k)| (*g, 20, k)).collect();
    let w = Workdir::with(&[("o.csv", &groups_file("g", &groups, true))]);
    // The customer rate is held to the range per week, month or quarter: every line is in
    // January 2025.
    let rows =
        w.csv("compute o.csv -m cross-sell --by column:g --industry e-commerce --period month");
    // e-commerce 15%..30%, ends inclusive; rating: below 10% needs improvement, 10% up to 20%
    // fair, 20% to 25% good, above 25% excellent.
    let want = "g05 below needs-improvement; g10 below fair; g15 within fair; g20 within good;
                g25 within good; g30 within excellent; g35 above excellent; all within good";
    for w in want.split(';') {
        let f: Vec<&str> = w.split_whitespace().collect();
        let by = if f[0] == "all" { "" } else { "column:g" };
        let r = find(&rows, "cross-sell", by, f[0], "2025-01");
        assert_eq!(span(r, "benchmark"), "0.15..0.3");
        let (status, rating) = (&r["status"], &r["rating"]);
        assert_eq!([status, rating], [f[1], &f[2].replace('-', " ")], "{w}");
    }
}

#[test]
fn loyalty_target_unknown_industry_and_own_benchmarks() {
    // Oracle: loyalty-cross-sell 319/616 = 0.517857, over the 20% target; no upper end.
    let rows = sample("-m loyalty-cross-sell --industry e-commerce");
    let r = find(&rows, "loyalty-cross-sell", "", "all", "");
    assert_eq!(span(r, "benchmark"), "0.2..");
    assert!(["within", "above"].contains(&r["status"].as_str()), "{r:?}");
    let line = format!("compute {ORDERS} -m cross-sell --industry pets");
    let err = fails(&mut xsell(&line));
    for (name, ..) in industries() {
        has_all(&err, &["pets", &name]);
    }
    // An aov range for e-commerce; oracle aov: budget 296.728424, mainstream 302.734870.
    let b = "metric,industry,low,high\naov,e-commerce,250,300\n";
    let w = Workdir::with(&[("b.csv", b)]);
    let line = "-m aov --by segment --industry e-commerce --benchmarks b.csv";
    let rows = w.csv(&format!("compute {} {line}", sample_path()));
    let status = |g: &str| find(&rows, "aov", "segment", g, "")["status"].clone();
    assert_eq!(
        status("budget") + " " + &status("mainstream"),
        "within above"
    );
    let all = find(&rows, "aov", "", "all", "");
    assert_eq!(span(all, "benchmark"), "250..300");
    let listed = ok(&mut w.cmd("benchmarks --benchmarks b.csv --format csv"));
    let aov = "\naov,e-commerce,250,300,";
    assert!(listed.contains(aov), "{listed}");
}

#[test]
fn benchmarks_command_lists_six_industries() {
    let csv_out = sh("benchmarks --format csv");
    let mut rdr = csv::Reader::from_reader(csv_out.as_bytes());
    let rows: Vec<_> = rdr.records().map(Result::unwrap).collect();
    let cs: Vec<_> = rows.iter().filter(|r| &r[0] == "cross-sell").collect();
    assert_eq!(cs.len(), 6, "{csv_out}");
    let json = objects(&sh("benchmarks --format json"));
    let table = sh("benchmarks");
    for (industry, lo, hi) in industries() {
        let industry = industry.as_str();
        let r = cs.iter().find(|r| &r[1] == industry).unwrap();
        assert_eq!((num(&r[2]), num(&r[3])), (Some(lo), Some(hi)), "{industry}");
        let is = |o: &&Value| o["metric"] == "cross-sell" && o["industry"] == industry;
        let o = json.iter().find(is).unwrap();
        let json_range = (o["low"].as_f64(), o["high"].as_f64());
        assert_eq!(json_range, (Some(lo), Some(hi)), "{industry}");
        assert!(table.contains(industry), "{industry} in the table");
    }
}

#[test]
fn colour_only_in_tables_when_asked_and_allowed() {
    let base = format!(
        "compute {ORDERS} -m cross-sell --by segment --industry e-commerce --period quarter"
    );
    let esc = |mut cmd: Command| ok(&mut cmd).contains("\x1b[");
    let always = format!("{base} --color always");
    assert!(esc(xsell(&always)), "--color always");
    assert!(!esc(xsell(&base)), "not a terminal: no colour");
    assert!(!esc(xsell(&format!("{base} --color never"))));
    for fmt in ["csv", "json"] {
        let line = format!("{base} --color always --format {fmt}");
        assert!(!esc(xsell(&line)), "{fmt}");
    }
    let mut cmd = xsell(&always);
    cmd.env("NO_COLOR", "1");
    assert!(!esc(cmd), "NO_COLOR wins");
}

// ==== 8. --fail-under ====

#[test]
fn fail_under_value() {
    let base = format!("compute {ORDERS} -m cross-sell --by segment --format csv");
    // Oracle: budget 0.899160 < 0.91 -> exit 1, after the full result on stdout.
    let (code, out, err) = run(&mut xsell(&format!("{base} --fail-under 0.91")));
    assert_eq!(code, Some(1), "{err}");
    let rows = parse_csv(&out);
    assert_eq!(rows.len(), 4);
    expect(
        &rows,
        "cross-sell,segment,budget,,107,119,0.8991596638655462",
    );
    assert!(err.contains("budget"), "{err}");
    sh(&format!("{base} --fail-under 0.89"));
    // Money: oracle aov budget 296.728424 < 300.
    let line = format!("compute {ORDERS} -m aov --by segment --fail-under 300");
    assert_eq!(run(&mut xsell(&line)).0, Some(1));
    // n/a never fails: an empty window.
    sh(&format!(
        "{base} --from 2030-01-01 --to 2030-12-31 --fail-under 0.5"
    ));
    let line = format!("compute {ORDERS} -m cross-sell,aov --fail-under 0.5");
    assert!(fails(&mut xsell(&line)).contains("--fail-under"));
}

#[test]
fn fail_under_benchmark() {
    let line = format!("compute {ORDERS} -m cross-sell --fail-under benchmark");
    fails(&mut xsell(&line));
    // Oracle: every segment is above 30%, every quarter.
    let line = format!(
        "compute {ORDERS} -m cross-sell --by segment --industry e-commerce --period quarter"
    );
    sh(&format!("{line} --fail-under benchmark"));
    // 1/20 and 2/20 are below 15%; 3/20 is on the inclusive lower end.
    let o = groups_file("g", &[("a", 20, 1), ("b", 20, 2), ("c", 20, 3)], true);
    let w = Workdir::with(&[("o.csv", &o)]);
    let line = "compute o.csv -m cross-sell --by column:g --industry e-commerce --period month \
                --fail-under benchmark --format csv";
    let (code, out, _) = run(&mut w.cmd(line));
    assert_eq!(code, Some(1));
    assert_eq!(
        parse_csv(&out).len(),
        4,
        "the full result is printed: {out}"
    );
    let (code, ..) = run(&mut w.cmd(&format!("{line} --from 2030-01-01 --to 2030-01-31")));
    assert_eq!(code, Some(0), "n/a never fails");
}

// ==== 9. report ====

#[test]
fn report_by_segment_and_to_file() {
    let out = sh(&format!("report {ORDERS} --by segment --format csv"));
    let rows = parse_csv(&out);
    let want = "cross-sell,segment,budget,,107,119,0.8991596638655462
        cross-sell,,all,,328,356,0.9213483146067416
        repeat-rate,segment,premium,,99,116,0.853448275862069
        aov,segment,mainstream,,185879.21,614,302.7348697068404
        clv,segment,premium,,142239.19,116,1226.1999137931034
        loyalty-cross-sell,segment,budget,,92,186,0.4946236559139785";
    expect(&rows, want);
    // Headline rows only: no periods; all + 3 segments per metric.
    assert!(rows.iter().all(|r| r["period"].is_empty()), "{out}");
    for m in [
        "cross-sell",
        "loyalty-cross-sell",
        "aov",
        "clv",
        "retention",
        "repeat-rate",
    ] {
        assert_eq!(rows.iter().filter(|r| r["metric"] == m).count(), 4, "{m}");
    }
    // Window, period, industry and -o FILE: stdout stays empty, the file holds the rows.
    let w = Workdir::new();
    let line = format!(
        "report {} --period year --industry e-commerce --from 2024-01-01 --to 2025-12-31 \
         --format json -o r.json",
        sample_path()
    );
    assert_eq!(ok(&mut w.cmd(&line)), "");
    let text = w.read("r.json");
    assert!(json_keys(&text)[0].starts_with(HEADER), "{text}");
    // Oracle year-seg all rows: 2024 = 259/308, 2025 = 228/282.
    let v = objects(&text);
    for (p, want) in [("2024", "259/308"), ("2025", "228/282")] {
        let o = v
            .iter()
            .find(|o| o["metric"] == "cross-sell" && o["period"] == p);
        assert_eq!(jnd(o.unwrap()), want);
    }
}

// ==== 10. compare ====

fn compare_csv(w: &Workdir, line: &str) -> Rec {
    let out = ok(&mut w.cmd(&format!("compare {line} --format csv")));
    let mut rows = records(&out, COMPARE_HEADER);
    assert_eq!(rows.len(), 1, "{out}");
    rows.remove(0)
}

fn counts(r: &Rec) -> String {
    let k = "numerator_a denominator_a numerator_b denominator_b";
    k.split(' ')
        .map(|k| r[k].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn compare_ab_column_textbook() {
    // Variant A: 80 customers, 48 ordered twice; B: 70, 56 twice; C 45/100, D 48/100, E 30/100.
    let (a, b, c) = (("A", 80, 48), ("B", 70, 56), ("C", 100, 45));
    let o = groups_file("variant", &[a, b, c, ("D", 100, 48), ("E", 100, 30)], false);
    let w = Workdir::with(&[("o.csv", &o)]);
    let ab = "-m repeat-rate --by column:variant --a A --b B o.csv";
    let r = compare_csv(&w, ab);
    assert_eq!(counts(&r), "48 80 56 70");
    assert_eq!(
        (r["value_a"].as_str(), r["value_b"].as_str()),
        ("0.6", "0.8")
    );
    // B − A of the two rounded rates: 0.2 within a relative 1e-12.
    assert_number(&r["difference"], "0.2", Same::Close, "difference");
    // Newcombe (1998) method 10 for 56/70 vs 48/80: 0.0524..0.3339.
    close(&r["ci_low"], 0.0524, 5e-4);
    close(&r["ci_high"], 0.3339, 5e-4);
    // Pooled p = 104/150, SE 0.075467, z 2.65017: two-sided p = 0.00805.
    close(&r["p_value"], 0.00805, 5e-5);
    assert_eq!(r["verdict"], "B is higher, significant at 95%");
    // 45/100 vs 48/100: no significant difference.
    let r = compare_csv(&w, "-m repeat-rate --by column:variant --a C --b D o.csv");
    assert_eq!(r["verdict"], "no significant difference");
    // 30/100 vs 45/100: pooled 0.375, SE 0.068465, z 2.19089, p = 0.02846.
    let r = compare_csv(&w, "-m repeat-rate --by column:variant --a E --b C o.csv");
    assert_number(&r["difference"], "0.15", Same::Close, "difference");
    close(&r["p_value"], 0.02846, 5e-5);
    assert_eq!(r["verdict"], "B is higher, significant at 95%");
    // JSON: the same keys in the same order.
    let out = ok(&mut w.cmd(&format!("compare {ab} --format json")));
    assert_eq!(json_keys(&out), [COMPARE_HEADER]);
    // Errors: an unknown group lists the groups; aov is not a proportion.
    let err = fails(&mut w.cmd("compare -m repeat-rate --by column:variant --a A --b Z o.csv"));
    has_all(&err, &["\"Z\"", "A, B, C, D, E"]);
    let err = fails(&mut w.cmd("compare -m aov --by column:variant --a A --b B o.csv"));
    assert!(err.contains("aov"), "{err}");
}

#[test]
fn compare_periods_and_segments_match_the_oracle() {
    let w = Workdir::new();
    // Oracle month-h1: cross-sell 2025-02 = 19/35, 2025-03 = 47/90.
    let fx = sample_path();
    let line = format!("-m cross-sell --by period --a 2025-02 --b 2025-03 {fx}");
    let r = compare_csv(&w, &line);
    assert_eq!(counts(&r), "19 35 47 90");
    // 47/90 − 19/35 = −65/3150 = −0.020634920634920634...; from the two rounded rates the
    // binary's is −0.02063492063492056, within a relative 1e-12.
    assert_number(
        &r["difference"],
        "-0.020634920634920634",
        Same::Close,
        "difference",
    );
    // Oracle seg: budget 107/119, premium 107/116.
    let line = format!("-m cross-sell --by segment --a budget --b premium {fx}");
    let r = compare_csv(&w, &line);
    assert_eq!(
        [&r["by"], &r["a"], &r["b"]],
        ["segment", "budget", "premium"]
    );
    assert_eq!(counts(&r), "107 119 107 116");
    let line = format!("compare {ORDERS} -m cross-sell --by segment --a budget --b vip");
    let err = fails(&mut xsell(&line));
    has_all(&err, &["vip", "budget, mainstream, premium"]);
}

#[test]
fn compare_unknown_period_lists_the_periods() {
    // The sample spans 2024-01 .. 2025-12: 24 months; the first 20 are named, then how many more.
    let line = format!("compare {ORDERS} -m cross-sell --by period --a 2025-02 --b 2031-03");
    let err = fails(&mut xsell(&line));
    has_all(&err, &["2031-03", "2024-01", "2025-08", "... (4 more)"]);
}

// ==== 11. Stable output ====

#[test]
fn columns_stay_stable() {
    let variations = [
        &format!("compute -m all {CAMPS}"),
        "compute -m cross-sell --by segment --by channel --top 2 --sort value",
        "compute -m retention --period quarter --by loyalty",
        "compute -m cross-sell,aov --industry e-commerce --confidence 0.9",
        &format!("compute -m ctr {CAMPS} --by campaign-type"),
        "report --by channel --industry technology",
        "report --period month --from 2025-01-01 --to 2025-03-31",
    ];
    for v in variations {
        let out = sh(&format!("{v} {ORDERS} --format csv"));
        let header = out.lines().next().unwrap();
        assert!(header.starts_with(HEADER), "{v}: {header}");
        let json = sh(&format!("{v} {ORDERS} --format json"));
        let same = json_keys(&json).iter().all(|k| k == header);
        assert!(same, "{v}: JSON keys = CSV columns");
    }
}

// ==== 12. Regressions from review ====

const LOYAL: &str = "\
order_id,customer_id,order_date,product_id,category,amount,loyalty
1,A,2025-01-01,P1,x,10,false
2,A,2025-01-02,P2,y,10,false
3,B,2025-01-01,P1,x,10,true
4,B,2025-01-02,P1,x,10,true
";

#[test]
fn loyalty_cross_sell_takes_membership_from_the_customers_file() {
    // The file makes A the member, not B. A's orders: 1 (first order) and 2 (category y is new,
    // A bought before): 1 cross-sell order of 2. B's orders 3, 4 buy x again: 0 of 2.
    let file = "customer_id,loyalty\nA,yes\nB,no\n";
    let w = Workdir::with(&[("o.csv", LOYAL), ("c.csv", file)]);
    let rows = w.csv("compute o.csv -m loyalty-cross-sell --by loyalty --customers c.csv");
    expect(
        &rows,
        "loyalty-cross-sell,,all,,1,2,0.5 loyalty-cross-sell,loyalty,member,,1,2,0.5
         loyalty-cross-sell,loyalty,non-member,,0,2,0",
    );
    // Without the file the lines make B the member: 0 of 2.
    expect(
        &w.csv("compute o.csv -m loyalty-cross-sell"),
        "loyalty-cross-sell,,all,,0,2,0",
    );
    // The orders need no loyalty column when the customers file has one.
    let bare: String = LOYAL
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let w = Workdir::with(&[("o.csv", &bare), ("c.csv", file)]);
    let rows = w.csv("compute o.csv -m loyalty-cross-sell --customers c.csv");
    expect(&rows, "loyalty-cross-sell,,all,,1,2,0.5");
}

#[test]
fn fail_under_looks_at_the_metric_not_its_formula_factors() {
    // Revenue 20 over 2 orders of 1 customer in 2 days: AOV 10, frequency 2 / 1 / (2 / 365.25)
    // = 365.25 a year, CLV = 10 x 365.25 x 2 years x 0.5 = 3652.5. Its factor rows (margin 0.5,
    // lifespan 2) are below 5 but are not the metric.
    let o = "order_id,customer_id,order_date,product_id,amount\n1,A,2025-01-01,P1,10\n2,A,2025-01-02,P1,10\n";
    let w = Workdir::with(&[("o.csv", o)]);
    let line = "compute o.csv -m clv --clv-model formula --margin 0.5 --lifespan 2 --format csv";
    let (code, out, _) = run(&mut w.cmd(&format!("{line} --fail-under 5")));
    assert_eq!(code, Some(0));
    close(
        &find(&parse_csv(&out), "clv", "", "all", "")["value"],
        3652.5,
        1e-6,
    );
    let (code, _, err) = run(&mut w.cmd(&format!("{line} --fail-under 5000")));
    assert_eq!(code, Some(1), "{err}");
}

#[test]
fn industry_columns_are_there_whatever_the_rows_hold() {
    // aov has no built-in benchmark, and an empty window has no value: the columns stay.
    for extra in ["", "--from 2030-01-01"] {
        let w = Workdir::with(&[("o.csv", LINES)]);
        let out = ok(&mut w.cmd(&format!(
            "compute o.csv -m aov --industry e-commerce --format csv {extra}"
        )));
        let header = out.lines().next().unwrap();
        assert_eq!(
            header,
            format!("{HEADER},benchmark_low,benchmark_high,status,rating")
        );
    }
}

#[test]
fn an_empty_window_under_period_still_says_n_a() {
    let w = Workdir::with(&[("o.csv", LINES)]);
    let rows = w.csv("compute o.csv -m cross-sell --period month --from 2030-01-01");
    expect(&rows, "cross-sell,,all,,0,0,");
}

#[test]
fn campaign_type_of_unlisted_campaigns_is_unknown() {
    // campaigns.csv lists only K1 (email). Lines: A/K1 10 (email); A/K2 10, and B/K3 two lines of
    // 10 in one order (unlisted: (unknown)); C organic 10 ((none)). AOV: email 10/1, (unknown)
    // (10 + 10 + 10) / 2 orders = 15, (none) 10/1.
    let camp = "campaign_id,campaign_type\nK1,email\n";
    let w = Workdir::with(&[("o.csv", LINES), ("c.csv", camp)]);
    let (code, out, err) =
        run(&mut w.cmd("compute o.csv -m aov --by campaign-type --campaigns c.csv --format csv"));
    assert_eq!(code, Some(0));
    expect(
        &parse_csv(&out),
        "aov,campaign-type,email,,10.00,1,10 aov,campaign-type,(unknown),,30.00,2,15
         aov,campaign-type,(none),,10.00,1,10",
    );
    has_all(&err, &["3 order lines", "2 campaigns", "(unknown)"]);
}

#[test]
fn level_product_contradicts_by_category() {
    let w = Workdir::with(&[("o.csv", LINES)]);
    let err = fails(&mut w.cmd("compute o.csv -m cross-sell --level product --by category"));
    has_all(&err, &["--level product", "--by category"]);
}

#[test]
fn a_literal_none_value_is_quoted_apart_from_empty() {
    // Channel "" (A) and the text "(none)" (B): two groups, two labels.
    let o = "order_id,customer_id,order_date,product_id,amount,channel\n1,A,2025-01-01,P1,10,\n2,B,2025-01-01,P1,20,(none)\n";
    let w = Workdir::with(&[("o.csv", o)]);
    let rows = w.csv("compute o.csv -m aov --by channel");
    expect(
        &rows,
        "aov,channel,(none),,10.00,1,10 aov,channel,\"(none)\",,20.00,1,20",
    );
}

#[test]
fn compare_takes_values_as_written_and_a_spaced_dimension() {
    // variant "a/b": 1 of 2 customers repeat; variant B: 2 of 2.
    let o = "order_id,customer_id,order_date,product_id,amount,variant
1,A,2025-01-01,P1,10,a/b
2,A,2025-01-02,P1,10,a/b
3,B,2025-01-01,P1,10,a/b
4,C,2025-01-01,P1,10,B
5,C,2025-01-02,P1,10,B
6,D,2025-01-01,P1,10,B
7,D,2025-01-03,P1,10,B
";
    let w = Workdir::with(&[("o.csv", o)]);
    let out =
        ok(&mut w
            .cmd("compare o.csv -m repeat-rate --by column:variant --a a/b --b B --format csv"));
    let r = &records(&out, COMPARE_HEADER)[0];
    assert_eq!((r["value_a"].as_str(), r["value_b"].as_str()), ("0.5", "1"));
    let spaced = xsell_in(
        w.dir(),
        "compare o.csv -m repeat-rate --a a/b --b B --format csv",
    )
    .args(["--by", " column:variant"])
    .output()
    .unwrap();
    assert_eq!(
        spaced.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&spaced.stderr)
    );
}
