//! End-to-end tests of the `xsell` binary.
//!
//! Expected numbers come from independent sources only:
//! - the SQLite oracle on fixtures/orders.csv and fixtures/campaigns.csv: the SQL of
//!   tests/oracle/, run by tests/oracle/run, which writes every row it gives to
//!   tests/oracle/expected/compute.csv (rows hard-coded below as well);
//! - the literature fixtures, whose values hold by construction;
//! - tiny inline CSVs whose expected values are worked out by hand in comments.
//!
//! Expectations are written as `metric,group,period,numerator,denominator,value`,
//! whitespace separated; an empty value means n/a.

use crate::workdir::{
    HEADER, Rec, Same, Workdir, assert_number, crate_file, fails, fails_usage, has_all,
    json_keys_by, json_raw, manifest, objects, ok, oracle, records, table, xsell,
};
use serde_json::Value;
use std::process::Stdio;

// ==== Helpers ====

/// The sample orders with their campaigns, and the oracle's windows.
const FIX: &str = "fixtures/orders.csv --campaigns fixtures/campaigns.csv";
const H1: &str = "--from 2025-01-01 --to 2025-06-30";
const EMPTY: &str = "--from 2030-01-01 --to 2030-12-31";
/// The table shows the dimension (campaign rows have by = campaign) and the 95% interval.
const TABLE_HEADER: &str = "metric,by,group,period,value,ci,numerator,denominator";
const METRICS: &str = "cross-sell campaign-cross-sell loyalty-cross-sell ctr conversion roi cac \
                       aov clv retention repeat-rate";
const CAMP_HDR: &str = "campaign_id,cost,impressions,clicks,targeted,conversions";

/// `run!(...)`: run `xsell format!(...)` in the crate directory; stdout of a success.
macro_rules! run {
    ($($fmt:tt)*) => { ok(&mut xsell(&format!($($fmt)*))) };
}

/// `compute ... --format csv` in a Workdir, parsed.
trait Csv {
    fn csv(&self, line: &str) -> Vec<Row>;
}

impl Csv for Workdir {
    fn csv(&self, line: &str) -> Vec<Row> {
        rows_csv(&ok(&mut self.cmd(&format!("{line} --format csv"))))
    }
}

/// One output row: metric, group, period; value, numerator and denominator as printed (empty
/// for n/a). JSON numbers are read as written, so CSV and JSON rows compare alike.
#[derive(Debug, PartialEq)]
struct Row {
    key: [String; 3],
    value: String,
    num: String,
    den: String,
}

/// compute/report CSV output, whose columns are exactly `HEADER`.
fn rows_csv(text: &str) -> Vec<Row> {
    assert_eq!(text.lines().next(), Some(HEADER), "CSV columns in order");
    let row = |r: Rec| Row {
        key: ["metric", "group", "period"].map(|k| r[k].clone()),
        value: r["value"].clone(),
        num: r["numerator"].clone(),
        den: r["denominator"].clone(),
    };
    crate::workdir::parse_csv(text)
        .into_iter()
        .map(row)
        .collect()
}

fn parse_json(text: &str) -> Vec<Row> {
    // Keys in the CSV's order, checked on the raw text.
    for object_keys in json_keys_by(text, 9) {
        assert_eq!(object_keys, HEADER, "JSON keys in order");
    }
    // The numbers as written: null is n/a, an empty cell in CSV.
    let raw = |key: &str| -> Vec<String> {
        let cells = json_raw(text, key).into_iter();
        cells
            .map(|c| if c == "null" { String::new() } else { c })
            .collect()
    };
    let (values, nums, dens) = (raw("value"), raw("numerator"), raw("denominator"));
    let objects = objects(text);
    assert!([values.len(), nums.len(), dens.len()] == [objects.len(); 3]);
    let row = |(i, o): (usize, &Value)| {
        assert_eq!(o.as_object().unwrap().len(), 9, "{o}");
        Row {
            key: ["metric", "group", "period"].map(|k| o[k].as_str().unwrap_or("").to_string()),
            value: values[i].clone(),
            num: nums[i].clone(),
            den: dens[i].clone(),
        }
    };
    objects.iter().enumerate().map(row).collect()
}

/// Each spec `metric,group,period,numerator,denominator,value` matches exactly one row:
/// numerator and denominator exactly, n/a as n/a, and the value as its text when it is the
/// ratio of the two (one rounding: see `Same`), else within a relative 1e-12.
fn expect(rows: &[Row], text: &str) {
    for spec in text.split_whitespace() {
        let f: Vec<&str> = spec.split(',').collect();
        let hits: Vec<&Row> = rows.iter().filter(|r| r.key == f[..3]).collect();
        assert_eq!(hits.len(), 1, "{f:?} in {rows:#?}");
        let r = hits[0];
        assert!(r.num == f[3] && r.den == f[4], "{r:?} vs {f:?}");
        let how = if f[3].is_empty() || f[4].is_empty() {
            Same::Close
        } else {
            Same::Text
        };
        assert_number(&r.value, f[5], how, &format!("{r:?} vs {f:?}"));
    }
}

/// `rows` are exactly the rows of the oracle's compute.csv for the scenario `args` (the
/// arguments after the sample's files), each as `expect` checks it.
fn expect_oracle(rows: &[Row], args: &str) {
    let all = records(&oracle("compute.csv"), "args,metric,by,group,period");
    let want: Vec<&Rec> = all.iter().filter(|o| o["args"] == args).collect();
    assert!(!want.is_empty(), "{args}: not in the oracle's compute.csv");
    assert_eq!(rows.len(), want.len(), "{args}: one row per oracle row");
    for o in want {
        let cells = [
            "metric",
            "group",
            "period",
            "numerator",
            "denominator",
            "value",
        ];
        expect(rows, &cells.map(|c| o[c].as_str()).join(","));
    }
}

/// The `value` cell of the table row for metric/group.
fn table_value(text: &str, metric: &str, group: &str) -> String {
    let rows = table(text);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (m, g, v) = (column("metric"), column("group"), column("value"));
    let hits: Vec<_> = rows
        .iter()
        .filter(|r| r[m] == metric && r[g] == group)
        .collect();
    assert_eq!(hits.len(), 1, "{metric}/{group} in\n{text}");
    hits[0][v].clone()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// `compute --format csv` on the sample orders and campaigns.
fn sample_csv(args: &str) -> Vec<Row> {
    rows_csv(&run!("compute --format csv {FIX} {args}"))
}

/// `compute --format csv` on one inline orders file.
fn inline_csv(orders: &str, args: &str) -> Vec<Row> {
    Workdir::with(&[("o.csv", orders)]).csv(&format!("compute o.csv {args}"))
}

// ==== 1. Agreement with the SQLite oracle (fixtures/orders.csv + campaigns.csv) ====

const ORACLE_FULL: &str = "
cross-sell,all,,328,356,0.9213483146067416 loyalty-cross-sell,all,,319,616,0.5178571428571429
campaign-cross-sell,C01,,60,268,0.22388059701492538
campaign-cross-sell,C02,,57,394,0.1446700507614213
campaign-cross-sell,C03,,62,90,0.6888888888888889
campaign-cross-sell,C04,,30,205,0.14634146341463414
campaign-cross-sell,C05,,48,128,0.375 campaign-cross-sell,C06,,18,360,0.05
campaign-cross-sell,all,,178,1445,0.12318339100346021 ctr,C01,,21,536,0.03917910447761194
ctr,C02,,189,1576,0.1199238578680203
ctr,C03,,12,180,0.06666666666666667 ctr,C04,,16,820,0.01951219512195122 ctr,C05,,11,128,0.0859375
ctr,C06,,129,1440,0.08958333333333333 ctr,all,,378,4680,0.08076923076923077
conversion,C01,,3,536,0.005597014925373134
conversion,C02,,39,1576,0.024746192893401017 conversion,C03,,66,180,0.36666666666666664
conversion,C04,,2,820,0.0024390243902439024
conversion,C05,,3,128,0.0234375 conversion,C06,,71,1440,0.049305555555555554
conversion,all,,184,4680,0.039316239316239315
roi,C01,,26679.59,771.29,34.5908672483761 roi,C02,,20239.54,1731.80,11.686996188936368
roi,C03,,19055.46,4901.64,3.887568242465787 roi,C04,,19605.11,2887.35,6.790001212184182
roi,C05,,18491.71,392.30,47.13665562069845 roi,C06,,27183.35,1907.90,14.24778552335028
roi,all,,131254.76,12592.28,10.423430863989683 cac,C01,,771.29,13,59.33
cac,C02,,1731.80,12,144.31666666666666
cac,C03,,4901.64,2,2450.82 cac,C04,,2887.35,37,78.03648648648648
cac,C05,,392.30,7,56.042857142857144
cac,C06,,1907.90,60,31.798333333333332 cac,all,,12592.28,131,96.12427480916031
aov,all,,491912.49,1630,301.7868036809816
clv,all,,491912.49,356,1381.7766573033707 retention,all,2024-02,15,46,0.32608695652173914
retention,all,2024-03,31,85,0.36470588235294116 retention,all,2024-04,19,110,0.17272727272727273
retention,all,2024-05,8,67,0.11940298507462686 retention,all,2024-06,3,36,0.08333333333333333
retention,all,2024-07,4,36,0.1111111111111111 retention,all,2024-08,3,41,0.07317073170731707
retention,all,2024-09,4,35,0.11428571428571428 retention,all,2024-10,21,41,0.5121951219512195
retention,all,2024-11,36,129,0.27906976744186046 retention,all,2024-12,14,76,0.18421052631578946
retention,all,2025-01,12,39,0.3076923076923077 retention,all,2025-02,9,52,0.17307692307692307
retention,all,2025-03,13,35,0.37142857142857144 retention,all,2025-04,25,90,0.2777777777777778
retention,all,2025-05,15,74,0.20270270270270271 retention,all,2025-06,10,63,0.15873015873015872
retention,all,2025-07,8,51,0.1568627450980392 retention,all,2025-08,6,44,0.13636363636363635
retention,all,2025-09,5,35,0.14285714285714285 retention,all,2025-10,6,43,0.13953488372093023
retention,all,2025-11,9,47,0.19148936170212766 retention,all,2025-12,9,47,0.19148936170212766
retention,all,,285,1322,0.21558245083207261 repeat-rate,all,,304,356,0.8539325842696629";

const ORACLE_H1: &str = "
cross-sell,all,,161,221,0.7285067873303167 loyalty-cross-sell,all,,91,171,0.5321637426900585
campaign-cross-sell,C01,,0,268,0 campaign-cross-sell,C03,,62,90,0.6888888888888889
campaign-cross-sell,all,,100,1445,0.06920415224913495 conversion,C06,,0,1440,0
conversion,all,,113,4680,0.024145299145299146 roi,C01,,-771.29,771.29,-1
roi,all,,30248.83,12592.28,2.4021726009904483 cac,C01,,771.29,0,
cac,C05,,392.30,7,56.042857142857144
cac,all,,12592.28,9,1399.1422222222222 aov,all,,125188.28,435,287.78914942528735
clv,all,,125188.28,221,566.4628054298643 retention,all,2025-02,9,52,0.17307692307692307
retention,all,2025-03,13,35,0.37142857142857144 retention,all,2025-04,25,90,0.2777777777777778
retention,all,2025-05,15,74,0.20270270270270271 retention,all,2025-06,10,63,0.15873015873015872
retention,all,,72,314,0.22929936305732485 repeat-rate,all,,112,221,0.5067873303167421";

const ORACLE_EMPTY: &str = "
cross-sell,all,,0,0, loyalty-cross-sell,all,,0,0, campaign-cross-sell,all,,0,1445,0
ctr,all,,378,4680,0.08076923076923077 conversion,all,,47,4680,0.010042735042735043
roi,all,,-12592.28,12592.28,-1
cac,all,,12592.28,0, cac,C03,,4901.64,0, aov,all,,0.00,0, clv,all,,0.00,0, retention,all,,0,0,
repeat-rate,all,,0,0,";

#[test]
fn oracle_full_every_row() {
    let out = run!("compute --metric all --format csv {FIX}");
    let rows = rows_csv(&out);
    assert_eq!(rows.len(), 64, "one row per oracle row");
    expect(&rows, ORACLE_FULL);
    expect_oracle(&rows, "--metric all");
    // Every value is written in full and no longer: no zero closes its decimals.
    for line in out.lines().skip(1) {
        let value = line.split(',').nth(3).unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(!(value.contains('.') && value.ends_with('0')), "{line}");
    }
}

#[test]
fn oracle_h1_2025_selection() {
    let rows = sample_csv(&format!("--metric all {H1}"));
    expect(&rows, ORACLE_H1);
    expect_oracle(&rows, &format!("--metric all {H1}"));
    // The window's first month (2025-01) has no retention row of its own.
    assert!(!rows.iter().any(|r| r.key[2] == "2025-01"));
}

#[test]
fn oracle_level_category() {
    let args = "--metric cross-sell,campaign-cross-sell --level category";
    let full = "cross-sell,all,,325,356,0.9129213483146067
        campaign-cross-sell,C01,,46,268,0.17164179104477612
        campaign-cross-sell,C02,,48,394,0.1218274111675127
        campaign-cross-sell,C03,,41,90,0.45555555555555555
        campaign-cross-sell,C04,,27,205,0.13170731707317074
        campaign-cross-sell,C05,,35,128,0.2734375
        campaign-cross-sell,C06,,15,360,0.041666666666666664
        campaign-cross-sell,all,,162,1445,0.11211072664359861";
    let h1 = "cross-sell,all,,155,221,0.7013574660633484
        campaign-cross-sell,C03,,41,90,0.45555555555555555
        campaign-cross-sell,C05,,35,128,0.2734375
        campaign-cross-sell,all,,74,1445,0.05121107266435986";
    let rows = sample_csv(args);
    assert_eq!(rows.len(), 8);
    expect(&rows, full);
    expect_oracle(&rows, args);
    let rows = sample_csv(&format!("{args} {H1}"));
    expect(&rows, h1);
    expect_oracle(&rows, &format!("{args} {H1}"));
}

#[test]
fn oracle_clv_formula() {
    // Shown as metric `clv` with factor rows `clv.frequency` and `clv.window-days`.
    let args = "--metric clv --clv-model formula --margin 0.3 --lifespan 3";
    // The oracle's, from exact fractions: the binary's products of floats agree within 1e-12.
    let full = "clv,all,,,,622.2253858521241 clv.frequency,all,,,,2.2908938740957363
        clv.window-days,all,,,,730";
    let h1 = "clv,all,,,,1028.7872138946527 clv.frequency,all,,,,3.9719944501387467
        clv.window-days,all,,,,181";
    let empty = "clv,all,,,, clv.frequency,all,,,, clv.window-days,all,,,,365";
    for (window, want) in [("", full), (H1, h1), (EMPTY, empty)] {
        let args = format!("{args} {window}");
        let rows = sample_csv(&args);
        expect(&rows, want);
        expect_oracle(&rows, args.trim_end());
    }
}

#[test]
fn oracle_empty_window_is_na_in_csv_and_null_in_json() {
    let rows = sample_csv(&format!("--metric all {EMPTY}"));
    expect(&rows, ORACLE_EMPTY);
    expect_oracle(&rows, &format!("--metric all {EMPTY}"));
    for r in rows.iter().filter(|r| r.den == "0") {
        assert_eq!(r.value, "", "zero denominator must be n/a: {r:?}");
    }
    let out = run!("compute --metric all --format json {FIX} {EMPTY}");
    expect(&parse_json(&out), ORACLE_EMPTY);
    // n/a is JSON null, not 0 and not "".
    let cs = &serde_json::from_str::<Value>(&out).unwrap()[0]; // the cross-sell row, 0/0
    assert!(cs["value"].is_null() && cs["period"].is_null(), "{cs}");
}

// ==== 2. Literature fixtures (values by construction) ====

const LIT_SELL: &str = "fixtures/literature/cross_sell_500.csv";
const LIT_CAMP: &str =
    "fixtures/literature/campaign_orders.csv --campaigns fixtures/literature/campaigns.csv";

#[test]
fn literature_fixtures() {
    let out = run!("compute --metric cross-sell {LIT_SELL}");
    assert_eq!(table_value(&out, "cross-sell", "all"), "20.0%");
    let rows = rows_csv(&run!("compute --metric cross-sell --format csv {LIT_SELL}"));
    assert_eq!(rows.len(), 1);
    expect(&rows, "cross-sell,all,,100,500,0.2");

    let out = run!("compute --metric campaign-cross-sell {LIT_CAMP}");
    assert_eq!(table_value(&out, "campaign-cross-sell", "A"), "20.0%");
    assert_eq!(table_value(&out, "campaign-cross-sell", "B"), "16.7%");
    let rows = rows_csv(&run!(
        "compute --metric campaign-cross-sell --format csv {LIT_CAMP}"
    ));
    let want =
        "campaign-cross-sell,A,,100,500,0.2 campaign-cross-sell,B,,50,300,0.16666666666666666
        campaign-cross-sell,all,,150,800,0.1875";
    assert_eq!(rows.len(), 3);
    expect(&rows, want);
}

// ==== 3. Commands and formats ====

#[test]
fn compute_table_shows_percentages_and_na() {
    let out = run!("compute --metric all {FIX}");
    assert_eq!(table(&out)[0].join(","), TABLE_HEADER, "table columns");
    assert_eq!(table_value(&out, "cross-sell", "all"), "92.1%"); // oracle 328/356 = 0.921348
    assert_eq!(table_value(&out, "repeat-rate", "all"), "85.4%"); // oracle 304/356 = 0.853933
    assert_eq!(table_value(&out, "ctr", "C02"), "12.0%"); // oracle 189/1576 = 0.119924
    let out = run!("compute --metric cross-sell,cac {FIX} {EMPTY}");
    assert_eq!(table_value(&out, "cross-sell", "all"), "n/a"); // 0/0
    assert_eq!(table_value(&out, "cac", "all"), "n/a"); // 12592.28/0
}

#[test]
fn compute_json_matches_oracle_and_periods() {
    let out = run!("compute --metric all --format json {FIX}");
    let rows = parse_json(&out);
    assert_eq!(rows.len(), 64, "one row per oracle row");
    expect(&rows, ORACLE_FULL);
    expect_oracle(&rows, "--metric all");
    // period is null everywhere except on retention's per-month rows.
    let v: Value = serde_json::from_str(&out).unwrap();
    for o in v.as_array().unwrap() {
        let month = o["metric"] == "retention" && o["period"].is_string();
        assert!(o["period"].is_null() || month, "{o}");
    }
}

#[test]
fn report_formats_give_headline_rows() {
    // Headline values from the oracle (full scenario).
    let want =
        "cross-sell,all,,328,356,0.9213483146067416 roi,all,,131254.76,12592.28,10.423430863989683
        aov,all,,491912.49,1630,301.7868036809816 retention,all,,285,1322,0.21558245083207261";
    let csv_rows = rows_csv(&run!("report {FIX} --format csv"));
    let json_rows = parse_json(&run!("report {FIX} --format json"));
    for rows in [&csv_rows, &json_rows] {
        // One row per metric, each the `all` group with an empty period.
        let keys = sorted(rows.iter().map(|r| r.key.join("/")).collect());
        let want_keys = sorted(METRICS.split(' ').map(|m| format!("{m}/all/")).collect());
        assert_eq!(keys, want_keys);
        expect(rows, want);
    }
    let out = run!("report {FIX}");
    assert_eq!(table(&out).len(), 12, "header + 11 metrics");
    assert_eq!(table_value(&out, "campaign-cross-sell", "all"), "12.3%"); // oracle 178/1445
    // Without --campaigns the report still succeeds with the order-only metrics.
    let rows = rows_csv(&run!("report fixtures/orders.csv --format csv"));
    expect(&rows, "repeat-rate,all,,304,356,0.8539325842696629");
    assert!(!rows.iter().any(|r| r.key[0] == "ctr"));
}

#[test]
fn metrics_in_every_format() {
    let analyses = "pairs.count pairs.support pairs.confidence pairs.lift pairs.leverage \
                    pairs.conviction cohort.customers cohort.revenue";
    let names = sorted(
        METRICS
            .split_whitespace()
            .chain(analyses.split_whitespace())
            .map(String::from)
            .collect(),
    );
    let table_out = run!("metrics");
    let table_cells: Vec<String> = table(&table_out).iter().map(|r| r[0].clone()).collect();
    assert!(names.iter().all(|n| table_cells.contains(n)), "{table_out}");
    assert!(table_out.contains("clicks / impressions"), "ctr's formula");
    let csv_out = run!("metrics --format csv");
    let first_field = |l: &str| l.split(',').next().unwrap().to_string();
    let csv_names = csv_out.lines().skip(1).map(first_field).collect();
    assert_eq!(sorted(csv_names), names);
    let json: Value = serde_json::from_str(&run!("metrics --format json")).unwrap();
    let mut json_names = vec![];
    for o in json.as_array().unwrap() {
        // The same key as the CSV header.
        let name = o.get("metric").and_then(Value::as_str);
        json_names.push(name.unwrap().to_string());
    }
    assert_eq!(sorted(json_names), names);
}

/// The README's metric table is the output of `xsell metrics --format markdown`, between its
/// two markers.
#[test]
fn readme_metric_table_is_generated() {
    const BEGIN: &str = "<!-- generated by `cargo run -- metrics --format markdown`: edit the declarations, not this table -->\n";
    const END: &str = "<!-- end of the generated table -->";
    let readme = std::fs::read_to_string(manifest().join("README.md")).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README.md has the table's first marker")
        + BEGIN.len();
    let len = readme[start..]
        .find(END)
        .expect("README.md has the table's last marker");
    let generated = run!("metrics --format markdown");
    assert!(
        readme[start..start + len] == generated,
        "README.md's metric table differs from `xsell metrics --format markdown`: regenerate it \
         with `cargo run -- metrics --format markdown` and paste the output between the markers \
         (the declarations are in src/metrics/registry/defs.rs)"
    );
}

#[test]
fn version_and_help() {
    assert!(run!("--version").contains(env!("CARGO_PKG_VERSION")));
    for args in ["--help", "compute --help"] {
        let out = run!("{args}");
        assert!(out.contains("Examples"), "{out}");
        assert!(out.contains("xsell compute --metric cross-sell"), "{out}");
    }
}

// ==== 4. Standard input and several files ====

#[test]
fn stdin_dash_and_no_argument_match_the_file() {
    let data = std::fs::read(crate_file("fixtures/orders.csv")).unwrap();
    let cmd = "compute --metric cross-sell --format csv";
    let file = rows_csv(&run!("{cmd} fixtures/orders.csv"));
    expect(&file, "cross-sell,all,,328,356,0.9213483146067416");
    let dash = rows_csv(&ok(xsell(&format!("{cmd} -")).write_stdin(data.clone())));
    let none = rows_csv(&ok(xsell(cmd).write_stdin(data)));
    assert_eq!((&dash, &none), (&file, &file));
}

#[test]
fn two_files_read_as_one_stream() {
    let text = std::fs::read_to_string(crate_file("fixtures/orders.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (head, body) = (lines[0], &lines[1..]);
    // Split after data row 1500, which cuts order O0000815 across the two files.
    let a = format!("{head}\n{}\n", body[..1500].join("\n"));
    let b = format!("{head}\n{}\n", body[1500..].join("\n"));
    let camp = std::fs::read_to_string(crate_file("fixtures/campaigns.csv")).unwrap();
    let w = Workdir::with(&[("a.csv", &a), ("b.csv", &b), ("k.csv", &camp)]);
    let two = w.csv("compute --metric all a.csv b.csv --campaigns k.csv");
    assert_eq!(two, sample_csv("--metric all"));
}

// ==== 5. -o FILE ====

#[test]
fn output_file_gets_the_result_and_stdout_stays_empty() {
    let orders = std::fs::read_to_string(crate_file("fixtures/orders.csv")).unwrap();
    let w = Workdir::with(&[("o.csv", &orders)]);
    for fmt in ["csv", "json", "table"] {
        let cmd = format!("compute --metric aov o.csv --format {fmt} -o out.{fmt}");
        assert_eq!(ok(&mut w.cmd(&cmd)), "", "stdout with -o");
    }
    let read = |fmt: &str| w.read(&format!("out.{fmt}"));
    let aov = "aov,all,,491912.49,1630,301.7868036809816"; // oracle, full scenario
    expect(&rows_csv(&read("csv")), aov);
    expect(&parse_json(&read("json")), aov);
    assert_eq!(table_value(&read("table"), "aov", "all"), "301.79");
}

// ==== 6. Hand-worked small cases ====

#[test]
fn returns_lower_revenue_but_are_neither_orders_nor_purchases() {
    let orders = "order_id,customer_id,order_date,product_id,amount
O1,C1,2025-01-10,P1,100.00
O2,C1,2025-01-20,P2,-40.00
O3,C2,2025-01-11,P1,30.00
O4,C2,2025-01-11,P1,20.00
O5,C3,2025-01-12,P9,-5.00
O6,C1,2025-01-10,P3,0.00
";
    // Purchase lines: O1 (C1 P1), O3 and O4 (C2 P1). O2, O5 are returns; O6 (0.00) neither.
    // cross-sell: C1 bought {P1} (P2 only returned), C2 {P1}; C3 bought nothing: 0/2.
    // repeat-rate: orders are O1, O3, O4 only; C2 has two: 1/2.
    // aov: net revenue 100 - 40 + 30 + 20 - 5 + 0 = 105.00 over 3 orders = 35.
    // clv: 105.00 over the customers with a purchase line (C1, C2) = 52.5.
    let want = "cross-sell,all,,0,2,0 repeat-rate,all,,1,2,0.5
        aov,all,,105.00,3,35 clv,all,,105.00,2,52.5";
    let rows = inline_csv(orders, "--metric cross-sell,repeat-rate,aov,clv");
    expect(&rows, want);
}

#[test]
fn same_day_orders() {
    let orders = "order_id,customer_id,order_date,product_id,category,amount,loyalty
O1,C1,2025-02-01,P1,books,10.00,true
O2,C1,2025-02-01,P2,music,10.00,true
O3,C1,2025-02-05,P3,music,10.00,true
O4,C1,2025-02-09,P4,games,10.00,true
O5,C2,2025-02-02,P1,books,10.00,false
O6,C2,2025-02-02,P2,music,10.00,false
";
    // repeat-rate: C1 has 4 orders; C2 two orders on one day, still two: 2/2.
    // loyalty-cross-sell over C1's orders (C2 is not a member):
    //   O1 first purchase: no; O2 same day as O1, nothing bought on an earlier date: no;
    //   O3 music, bought on an earlier date: no; O4 games, new: yes.  1/4.
    let want = "repeat-rate,all,,2,2,1 loyalty-cross-sell,all,,1,4,0.25";
    let rows = inline_csv(orders, "--metric repeat-rate,loyalty-cross-sell");
    expect(&rows, want);
}

#[test]
fn history_before_from_counts() {
    let orders = "order_id,customer_id,order_date,product_id,category,amount,loyalty,campaign_id
O1,C1,2024-12-15,P1,books,10.00,true,
O2,C1,2025-01-10,P2,music,10.00,true,K1
O3,C2,2024-12-20,P1,books,10.00,true,
O4,C2,2025-01-10,P2,music,10.00,true,
O5,C2,2025-01-20,P1,books,10.00,true,K1
O6,C3,2025-01-05,P1,books,10.00,true,K1
";
    let campaigns = format!("{CAMP_HDR}\nK1,100.00,1000,50,10,\n");
    let w = Workdir::with(&[("o.csv", orders), ("k.csv", &campaigns)]);
    let rows =
        w.csv("compute --metric all o.csv --campaigns k.csv --from 2025-01-01 --to 2025-01-31");
    // Window orders O2, O4, O5, O6 (all loyalty members); O1 and O3 are history only.
    // loyalty-cross-sell: O2 music after books on 12-15: yes; O4 likewise: yes;
    //   O5 books, already bought 12-20: no; O6 first purchase: no.  2/4.
    // campaign-cross-sell K1: O2 (P2 new, C1 bought before): C1; O5 P1 bought 12-20: no;
    //   O6 nothing bought before: no.  1 / 10 targeted.
    // cac K1: new customer = first order date in window with a K1 line that day: C3 only.
    // roi K1: attributed revenue O2 + O5 + O6 = 30.00; (30 - 100) / 100 = -0.7.
    // conversion K1 (no conversions value): attributed customers C1, C2, C3 / 1000.
    // ctr K1: 50 / 1000.  cross-sell (window only): C1 {P2}, C2 {P2, P1}, C3 {P1}: 1/3.
    let want = "loyalty-cross-sell,all,,2,4,0.5 campaign-cross-sell,K1,,1,10,0.1
        cac,K1,,100.00,1,100 roi,K1,,-70.00,100.00,-0.7 conversion,K1,,3,1000,0.003
        ctr,K1,,50,1000,0.05 cross-sell,all,,1,3,0.3333333333333333";
    expect(&rows, want);
}

#[test]
fn zero_denominators_are_na_in_every_format() {
    let orders = "order_id,customer_id,order_date,product_id,amount,campaign_id
O1,C1,2025-01-01,P1,5.00,K1
";
    let campaigns = format!("{CAMP_HDR}\nK1,10.00,0,0,0,\n");
    let w = Workdir::with(&[("o.csv", orders), ("k.csv", &campaigns)]);
    // ctr: 0 clicks / 0 impressions.  retention: a one-month window, pooled 0/0.
    let want = "ctr,K1,,0,0, retention,all,,0,0,";
    let cmd = "compute --metric ctr,retention o.csv --campaigns k.csv";
    expect(&w.csv(cmd), want);
    let json = ok(&mut w.cmd(&format!("{cmd} --format json")));
    expect(&parse_json(&json), want);
    let out = ok(&mut w.cmd(cmd));
    assert_eq!(table_value(&out, "ctr", "K1"), "n/a");
    assert_eq!(table_value(&out, "retention", "all"), "n/a");
}

#[test]
fn money_is_exact() {
    let orders = "order_id,customer_id,order_date,product_id,amount
O1,C1,2025-01-01,P1,0.10
O1,C1,2025-01-01,P2,0.20
";
    expect(&inline_csv(orders, "--metric aov"), "aov,all,,0.30,1,0.3"); // 0.10 + 0.20 = 0.30
    let orders = format!("{orders}O2,C2,2025-01-02,P1,1000000.01\n");
    // 0.10 + 0.20 + 1000000.01 = 1000000.31; 2 orders, 2 customers: 500000.155 each.
    let want = "aov,all,,1000000.31,2,500000.155 clv,all,,1000000.31,2,500000.155";
    expect(&inline_csv(&orders, "--metric aov,clv"), want);
}

#[test]
fn rfc3339_datetimes_use_the_date_as_written() {
    let orders = "order_id,customer_id,order_date,product_id,amount
O1,C1,2025-03-01T23:30:00-05:00,P1,5.00
O2,C2,2025-03-02T01:00:00Z,P1,5.00
O3,C1,2025-04-01T00:30:00+02:00,P2,5.00
";
    // Dates as written (not shifted to UTC): O1 2025-03-01, O2 2025-03-02, O3 2025-04-01.
    // --to 2025-03-01 keeps O1 only: 5.00/1.  --from 2025-03-02 keeps O2, O3: 10.00/2.
    let rows = inline_csv(orders, "--metric aov --to 2025-03-01");
    expect(&rows, "aov,all,,5.00,1,5");
    let rows = inline_csv(orders, "--metric aov --from 2025-03-02");
    expect(&rows, "aov,all,,10.00,2,5");
    // retention 2025-04: March customers {C1, C2}; C1 also ordered in April: 1/2.
    let rows = inline_csv(orders, "--metric retention");
    expect(&rows, "retention,all,2025-04,1,2,0.5");
}

#[test]
fn input_dialects_bom_delimiter_map_and_header_case() {
    // Each file holds order O1 of C1 with P1 1.00 and P2 2.00: cross-sell 1/1, aov 3.00/1.
    let body = "O1,C1,2025-01-01,P1,1.00\nO1,C1,2025-01-01,P2,2.00\n";
    let plain = format!("order_id,customer_id,order_date,product_id,amount\n{body}");
    let odd_case = format!(" Order_ID ,CUSTOMER_ID, Order_Date,Product_Id ,AMOUNT\n{body}");
    let spaced = format!("Order ID,Customer ID,Order-Date,product id,Amount\n{body}");
    let map = "--map customer_id=Client";
    let cases = [
        (format!("\u{feff}{plain}"), ""),
        (plain.replace(',', ";"), "--delimiter ;"),
        (plain.replace("customer_id", "Client"), map),
        (odd_case, ""),
        (spaced, ""),
    ];
    for (orders, extra) in cases {
        let rows = inline_csv(&orders, &format!("--metric cross-sell,aov {extra}"));
        expect(&rows, "cross-sell,all,,1,1,1 aov,all,,3.00,1,3");
    }
}

#[test]
fn fill_down_gives_an_orders_later_lines_its_first_lines_fields() {
    // Order-level fields on an order's first line only, as Shopify writes them.
    let orders = "order_id,customer_id,order_date,product_id,amount,channel\n\
                  O1,C1,2025-01-01,P1,10.00,web\n\
                  O1,,,P2,5.00,\n\
                  O2,C2,2025-01-02,P1,20.00,store\n\
                  O2,,,P3,1.00,\n\
                  O3,C1,2025-01-05,P3,3.00,web\n";
    let w = Workdir::with(&[("o.csv", orders)]);
    // Without it, the empty required date stops the run at line 3.
    let err = fails(&mut w.cmd("compute --metric aov o.csv"));
    has_all(&err, &["o.csv:3", "order_date"]);
    // Filled: O1 = {P1, P2} web 15.00, O2 = {P1, P3} store 21.00, O3 = {P3} web 3.00.
    // cross-sell: C1 {P1, P2, P3} and C2 {P1, P3}: 2/2; web C1 1/1; store C2 1/1.
    // aov: 39.00 / 3; web (15.00 + 3.00) / 2 = 9; store 21.00 / 1.
    // repeat-rate: C1 two orders, C2 one: 1/2; web C1 (O1, O3) 1/1; store C2 0/1.
    let rows = w.csv(
        "compute o.csv --metric cross-sell,aov,repeat-rate --by channel \
         --fill-down customer_id,order_date,channel",
    );
    expect(
        &rows,
        "cross-sell,all,,2,2,1 cross-sell,web,,1,1,1 cross-sell,store,,1,1,1 \
         aov,all,,39.00,3,13 aov,web,,18.00,2,9 aov,store,,21.00,1,21 \
         repeat-rate,all,,1,2,0.5 repeat-rate,web,,1,1,1 repeat-rate,store,,0,1,0",
    );
    // Only within an order: O2's empty channel on its first line stays empty, group (none).
    let w2 = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount,channel\n\
         O1,C1,2025-01-01,P1,10.00,web\n\
         O2,C1,2025-01-02,P1,5.00,\n",
    )]);
    let rows = w2.csv("compute o.csv --metric aov --by channel --fill-down channel");
    expect(&rows, "aov,web,,10.00,1,10 aov,(none),,5.00,1,5");
    let err = fails(&mut w.cmd("compute --metric aov o.csv --fill-down order_id"));
    assert_eq!(
        err,
        "xsell: error: --fill-down order_id: expected columns of the orders other than \
         order_id (canonical names or the file's headers), such as customer_id,order_date\n"
    );
}

#[test]
fn each_input_has_its_own_map() {
    // The orders call the campaign utm_campaign, campaigns.csv calls it Campaign, customers.csv
    // names customers by Email. C1 costs 10.00; its lines bring 30.00 (O1) and 10.00 (O2):
    // roi = (40.00 - 10.00) / 10.00 = 3. Segments from customers.csv: gold a@x (O1), silver
    // b@x (O2, O3); repeat-rate gold 0/1, silver 1/1.
    let w = Workdir::with(&[
        (
            "o.csv",
            "order_id,customer_id,order_date,product_id,amount,utm_campaign\n\
             O1,a@x,2025-01-01,P1,30.00,C1\n\
             O2,b@x,2025-01-02,P1,10.00,C1\n\
             O3,b@x,2025-01-03,P2,5.00,\n",
        ),
        ("c.csv", "Campaign,cost\nC1,10.00\n"),
        ("u.csv", "Email,segment\na@x,gold\nb@x,silver\n"),
    ]);
    let maps = "--map campaign_id=utm_campaign --campaigns-map campaign_id=Campaign";
    let rows = w.csv(&format!(
        "compute o.csv --campaigns c.csv --metric roi {maps}"
    ));
    expect(&rows, "roi,all,,30.00,10.00,3 roi,C1,,30.00,10.00,3");
    let rows = w.csv(
        "compute o.csv --customers u.csv --customers-map customer_id=Email --metric repeat-rate \
         --by segment",
    );
    expect(&rows, "repeat-rate,gold,,0,1,0 repeat-rate,silver,,1,1,1");
    // --map is the orders' alone: a campaigns column there is refused, naming the option.
    let err = fails(&mut w.cmd("compute o.csv --campaigns c.csv --metric roi --map cost=Price"));
    assert_eq!(
        err,
        "xsell: error: --map \"cost=Price\": \"cost\" is not a column it maps; its columns: \
         order_id, customer_id, order_date, product_id, category, quantity, amount, channel, \
         campaign_id, segment, loyalty\n"
    );
}

// ==== 7. Errors: exit 2, one line on stderr, nothing on stdout, no panic ====

const HDR: &str = "order_id,customer_id,order_date,product_id,amount,quantity,loyalty";

/// Write `text` as `name`, run `compute --metric METRIC name`, return the error line.
fn inline_error(name: &str, text: &str, metric: &str) -> String {
    let w = Workdir::with(&[(name, text)]);
    fails(&mut w.cmd(&format!("compute --metric {metric} {name}")))
}

/// The message names the file and the line (as `file:N`, or the file and `line N`).
fn assert_names_line(err: &str, file: &str, line: usize) {
    let colon = err.contains(&format!("{file}:{line}"));
    let words = err.contains(file) && err.contains(&format!("line {line}"));
    assert!(colon || words, "want {file} line {line}: {err}");
}

#[test]
fn error_missing_file_names_it() {
    let err = fails(&mut xsell("compute --metric aov no-such-orders.csv"));
    has_all(&err, &["no-such-orders.csv"]);
    let cmd = "compute --metric roi fixtures/orders.csv --campaigns no-such-campaigns.csv";
    assert!(fails(&mut xsell(cmd)).contains("no-such-campaigns.csv"));
}

#[test]
fn error_missing_column_lists_headers_and_mentions_map() {
    let text = "order_id,buyer,order_date,product_id,amount\nO1,C1,2025-01-01,P1,1.00\n";
    let err = inline_error("o.csv", text, "aov");
    has_all(&err, &["customer_id", "buyer", "order_date", "--map"]);
}

#[test]
fn error_unparsable_values_name_file_line_column_and_value() {
    let good = "O1,C1,2025-01-01,P1,1.00,1,true";
    // (field index, bad value, metric): line 3 is the good row with that field replaced.
    let cases = [
        (4, "12.x5", "aov"),
        (2, "2025-13-02", "aov"),
        (5, "two", "aov"),
    ];
    for (i, value, metric) in cases
        .into_iter()
        .chain([(6, "maybe", "loyalty-cross-sell")])
    {
        let column = HDR.split(',').nth(i).unwrap();
        let mut bad: Vec<&str> = good.split(',').collect();
        bad[i] = value;
        let text = format!("{HDR}\n{good}\n{}\n", bad.join(","));
        let err = inline_error("bad.csv", &text, metric);
        assert_names_line(&err, "bad.csv", 3);
        has_all(&err, &[column, value]);
    }
}

#[test]
fn error_line_number_counts_blank_lines() {
    // Two blank lines after the header put the bad amount on physical line 4.
    let text = format!("{HDR}\n\n\nO2,C1,2025-01-02,P1,abc,1,true\n");
    assert_names_line(&inline_error("blank.csv", &text, "aov"), "blank.csv", 4);
}

#[test]
fn error_malformed_files() {
    // A short row (line 2), a 0-byte file, a header-only file.
    let short = format!("{HDR}\nO1,C1,2025-01-01,P1,1.00,1\n");
    assert_names_line(&inline_error("short.csv", &short, "aov"), "short.csv", 2);
    assert!(inline_error("zero.csv", "", "aov").contains("zero.csv"));
    assert!(inline_error("head.csv", &format!("{HDR}\n"), "aov").contains("head.csv"));
}

#[test]
fn error_usage_mistakes() {
    let cmd = "compute --metric cross-sell,bogus fixtures/orders.csv";
    assert!(
        fails_usage(&mut xsell(cmd)).contains("bogus"),
        "unknown metric: clap error"
    );
    for metric in ["campaign-cross-sell", "ctr", "conversion", "roi", "cac"] {
        let cmd = format!("compute --metric {metric} fixtures/orders.csv");
        has_all(&fails(&mut xsell(&cmd)), &["--campaigns", metric]);
    }
    let cmd = "compute --metric aov fixtures/orders.csv --from 2025-06-30 --to 2025-01-01";
    has_all(&fails(&mut xsell(cmd)), &["--from", "--to"]);
    let cmd = "compute --metric clv fixtures/orders.csv --clv-model formula --lifespan 3";
    has_all(&fails(&mut xsell(cmd)), &["--margin"]);
}

#[test]
fn error_order_lines_disagree_on_customer() {
    let text = format!("{HDR}\nO1,C1,2025-01-01,P1,1.00,1,true\nO1,C2,2025-01-01,P2,1.00,1,true\n");
    let err = inline_error("dis.csv", &text, "aov");
    has_all(&err, &["O1", "C1", "C2"]);
    assert_names_line(&err, "dis.csv", 3);
}

#[test]
fn error_duplicate_campaign_id() {
    let orders = "order_id,customer_id,order_date,product_id,amount\nO1,C1,2025-01-01,P1,1.00\n";
    let campaigns = format!("{CAMP_HDR}\nK1,1.00,10,1,5,\nK1,2.00,10,1,5,\n");
    let w = Workdir::with(&[("o.csv", orders), ("k.csv", &campaigns)]);
    let err = fails(&mut w.cmd("compute --metric ctr o.csv --campaigns k.csv"));
    assert!(err.contains("K1"), "{err}");
    assert_names_line(&err, "k.csv", 3);
}

// ==== 8. Broken pipe ====

#[test]
fn closed_pipe_ends_quietly() {
    // A 300-year window gives ~3600 retention rows, more than a pipe buffer (64 KiB),
    // so the write hits the closed pipe whatever the timing.
    let window = "--from 1900-01-01 --to 2199-12-31";
    for format in ["table", "json", "csv"] {
        let line = format!("compute --metric all --format {format} {FIX} {window}");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_xsell"));
        cmd.current_dir(manifest()).args(line.split_whitespace());
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let status = out.status.code();
        assert_eq!(status, Some(0), "--format {format}: stderr: {err}");
        // The sample repeats 8 lines exactly: a warning, but no error.
        assert!(!err.contains("error"), "--format {format}: stderr: {err}");
    }
}

// ==== 9. Regressions from review ====

#[test]
fn conversion_without_attribution_is_refused_not_zero() {
    // C1 reports no conversions and the orders have no campaign_id to count its buyers:
    // printing 0 would be a silent wrong number.
    let orders = "order_id,customer_id,order_date,product_id,amount\nO1,U1,2025-01-01,P1,10.00\n";
    let campaigns = format!("{CAMP_HDR}\nC1,10.00,100,10,50,\n");
    let w = Workdir::with(&[("o.csv", orders), ("c.csv", &campaigns)]);
    let err = fails(&mut w.cmd("compute --metric conversion o.csv --campaigns c.csv"));
    has_all(&err, &["conversion", "campaign_id"]);
    // With every conversions cell filled, the column is not needed: 7 / 100.
    let campaigns = format!("{CAMP_HDR}\nC1,10.00,100,10,50,7\n");
    let w = Workdir::with(&[("o.csv", orders), ("c.csv", &campaigns)]);
    let rows = w.csv("compute --metric conversion o.csv --campaigns c.csv");
    expect(
        &rows,
        "conversion,all,,7,100,0.07 conversion,C1,,7,100,0.07",
    );
}

#[test]
fn campaigns_can_come_from_stdin() {
    // Oracle, scenario full: ctr all = 378 / 4680.
    let campaigns = std::fs::read(crate_file("fixtures/campaigns.csv")).unwrap();
    let out = xsell("compute --metric ctr fixtures/orders.csv --campaigns - --format csv")
        .write_stdin(campaigns)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows = rows_csv(&String::from_utf8(out.stdout).unwrap());
    expect(&rows[..1], "ctr,all,,378,4680,0.08076923076923077");
    let err = fails(&mut xsell("compute --metric ctr - --campaigns -"));
    has_all(&err, &["standard input", "once"]);
}

#[test]
fn a_one_column_header_suggests_the_delimiter() {
    let w = Workdir::with(&[(
        "t.csv",
        "order_id;customer_id;order_date;product_id;amount\n",
    )]);
    let err = fails(&mut w.cmd("compute --metric aov t.csv"));
    has_all(&err, &["t.csv", "--delimiter ';'"]);
}

/// 12,000 lines in 6,000 two-line orders (three read batches): customer k % 100 orders on day
/// k % 300 of 2025. Even customers buy two products an order, odd ones one product on both lines.
fn many_lines(bad_at: Option<usize>) -> String {
    let mut text = String::from("order_id,customer_id,order_date,product_id,quantity,amount\n");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for k in 0..6000 {
        let customer = k % 100;
        let date = start + chrono::Days::new((k % 300) as u64);
        let (p1, p2) = if customer % 2 == 0 {
            (k % 7, (k + 1) % 7)
        } else {
            (1, 1)
        };
        text.push_str(&format!("O{k},U{customer},{date},P{p1},1,1.00\n"));
        text.push_str(&format!("O{k},U{customer},{date},P{p2},2,1.00\n"));
    }
    if let Some(at) = bad_at {
        // Line numbers count the header as line 1.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[at - 1] = lines[at - 1].replace(",2025-", ",20x5-");
        text = lines.join("\n") + "\n";
    }
    text
}

// Cross-sell: the 50 even customers of 100 bought two distinct products; AOV: 12,000 lines of
// 1.00 over 6,000 orders = 2.00; repeat-rate: every customer has 60 orders, so 100 of 100.
#[test]
fn one_thread_and_two_threads_give_the_same_numbers_over_several_batches() {
    let w = Workdir::with(&[("o.csv", &many_lines(None))]);
    let line = "compute --metric cross-sell,aov,repeat-rate o.csv --format csv";
    let one = ok(&mut w.cmd(&format!("{line} --threads 1")));
    let two = ok(&mut w.cmd(&format!("{line} --threads 2")));
    assert_eq!(one, two);
    let rows: Vec<&str> = one.lines().collect();
    assert_eq!(rows[0], HEADER);
    assert!(rows[1].starts_with("cross-sell,all,,0.5,50,100,"), "{one}");
    assert!(rows[2].starts_with("aov,all,,2,12000.00,6000,"), "{one}");
    assert!(rows[3].starts_with("repeat-rate,all,,1,100,100,"), "{one}");
    // A bad row in the third batch stops both the same way, and --skip-invalid skips it alike.
    let w = Workdir::with(&[("o.csv", &many_lines(Some(10_001)))]);
    let expected = "o.csv:10001: column order_date: \"20x5-";
    let one = fails(&mut w.cmd("compute --metric cross-sell o.csv --threads 1"));
    let two = fails(&mut w.cmd("compute --metric cross-sell o.csv --threads 2"));
    assert_eq!(one, two);
    assert!(one.contains(expected), "{one}");
    // Several metrics fold on a thread of their own: the error comes the same way.
    let several = fails(&mut w.cmd("compute --metric cross-sell,aov o.csv --threads 2"));
    assert_eq!(one, several);
    let line = "compute --metric aov,cross-sell o.csv --format csv --skip-invalid";
    let one = ok(&mut w.cmd(&format!("{line} --threads 1")));
    assert_eq!(one, ok(&mut w.cmd(&format!("{line} --threads 2"))));
    // 11,999 lines of 1.00, still over 6,000 orders (the bad line's order keeps its other line).
    assert!(
        one.contains("aov,all,,1.9998333333333334,11999.00,6000,"),
        "{one}"
    );
    // The bad line (10,001: the second line of order O4999, of odd customer U99, who buys P1
    // only) takes no product away from anyone: still 50 of 100.
    assert!(one.contains("cross-sell,all,,0.5,50,100,"), "{one}");
}
