//! The predicted CLV by group (`xsell clv --by`) and as the `clv` metric (`--clv-model bgnbd`),
//! on the CDNOW sample with a segment and a channel added to its lines.
//!
//! Independent checks: the groups' customers, totals and means against the per-customer CLV
//! (`--per-customer`) summed here by the segment and first-line channel this file gave each
//! customer; the first-purchase-line rule on a hand-worked customer; the metric's value against
//! lifetimes' mean CLV of `tests/clv/reference.csv`.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::workdir::{Rec, Workdir, fails, ok, parse_csv, records, run};

const SEGMENTS: [&str; 4] = ["gold", "silver", "bronze", ""];
const CHANNELS: [&str; 3] = ["web", "app", ""];

/// The CDNOW lines as an orders CSV with a segment (by customer) and a channel (by line), and
/// `zero` for the amount of its 8 $0.00 lines; plus customer Z, hand-worked: a return on
/// Jan 2 (store: not a purchase), then on Jan 10 web and app lines (web read first), app again
/// on Feb 1, the Feb line read first. Z's first purchase line is the Jan 10 web one.
/// Returns the text and, per customer, (segment, channel of the first purchase line).
fn orders(zero: &str) -> (String, HashMap<String, (String, String)>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clv/CDNOW_sample.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut csv =
        String::from("order_id,customer_id,order_date,product_id,amount,segment,channel\n");
    let mut first: HashMap<String, (NaiveDate, String, String)> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let id: usize = f[1].parse().unwrap();
        let date = NaiveDate::parse_from_str(f[2], "%Y%m%d").unwrap();
        let amount = if f[4] == "0.00" { zero } else { f[4] };
        let (segment, channel) = (SEGMENTS[id % 4], CHANNELS[(id + i) % 3]);
        csv += &format!("O{i},{},{date},P,{amount},{segment},{channel}\n", f[0]);
        if amount.parse::<f64>().unwrap() > 0.0 && date <= end() {
            let entry = (date, segment.to_string(), channel.to_string());
            let e = first.entry(f[0].to_string()).or_insert(entry.clone());
            if date < e.0 {
                *e = entry;
            }
        }
    }
    csv += "Z1,Z,1997-02-01,P,20.00,gold,app\n\
            Z2,Z,1997-01-02,P,-5.00,gold,store\n\
            Z3,Z,1997-01-10,P,10.00,gold,web\n\
            Z3,Z,1997-01-10,Q,5.00,gold,app\n";
    first.insert("Z".into(), (end(), "gold".into(), "web".into()));
    let groups = (first.into_iter())
        .map(|(c, (_, s, ch))| (c, (label(&s), label(&ch))))
        .collect();
    (csv, groups)
}

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(1997, 9, 30).unwrap()
}

/// A group label as compute writes it.
fn label(value: &str) -> String {
    if value.is_empty() { "(none)" } else { value }.to_string()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// (customers, total, mean) of the `clv` rows of each group of `xsell clv --by` CSV output.
fn clv_rows(out: &str) -> HashMap<(String, String), (u64, f64, f64)> {
    let mut got: HashMap<(String, String), (u64, f64, f64)> = HashMap::new();
    for r in records(
        out,
        "model,group,parameter,estimate,std_error,by,ci_low,ci_high",
    ) {
        if r["model"] != "clv" {
            assert_eq!((r["group"].as_str(), r["by"].as_str()), ("all", ""));
            continue;
        }
        let cell = got
            .entry((r["by"].clone(), r["group"].clone()))
            .or_default();
        match r["parameter"].as_str() {
            "customers" => cell.0 = r["estimate"].parse().unwrap(),
            "total" => cell.1 = num(&r["estimate"]),
            "mean" => cell.2 = num(&r["estimate"]),
            other => panic!("clv {other}"),
        }
    }
    got
}

#[track_caller]
fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

const ARGS: &str = "--observation-end 1997-09-30";

#[test]
fn groups_are_the_per_customer_clv_summed_by_segment_and_first_channel() {
    let (csv, groups) = orders("0.00");
    let w = Workdir::with(&[("o.csv", &csv)]);
    let per = ok(&mut w.cmd(&format!("clv o.csv {ARGS} --per-customer --format csv")));
    let per = records(&per, "customer_id,frequency");
    // Summed here, by the segment and first channel this file gave each customer.
    let mut want: HashMap<(String, String), (u64, f64)> = HashMap::new();
    for r in &per {
        let (segment, channel) = &groups[&r["customer_id"]];
        for key in [
            ("segment".to_string(), segment.clone()),
            ("channel".to_string(), channel.clone()),
            (
                "segment/channel".to_string(),
                format!("{segment}/{channel}"),
            ),
        ] {
            let cell = want.entry(key).or_default();
            cell.0 += 1;
            cell.1 += num(&r["clv"]);
        }
    }
    for by in ["--by segment", "--by channel", "--by segment --by channel"] {
        let out = ok(&mut w.cmd(&format!("clv o.csv {ARGS} {by} --format csv")));
        let got = clv_rows(&out);
        let all = got[&(String::new(), "all".to_string())];
        assert_eq!(all.0, per.len() as u64);
        let name = by.replace("--by ", "").replace(' ', "/");
        let mine: Vec<_> = got.iter().filter(|(k, _)| k.0 == name).collect();
        assert_eq!(
            mine.len(),
            got.len() - 1,
            "{by}: every group row has by {name}"
        );
        assert_eq!(mine.iter().map(|(_, v)| v.0).sum::<u64>(), all.0, "{by}");
        for ((_, group), (customers, total, mean)) in mine {
            let (n, sum) = want[&(name.clone(), group.clone())];
            assert_eq!(*customers, n, "{by} {group}");
            close(*total, sum, &format!("{by} {group} total"));
            close(*mean, sum / n as f64, &format!("{by} {group} mean"));
        }
    }
}

#[test]
fn a_customer_is_in_the_channel_of_their_first_purchase_line() {
    let (csv, groups) = orders("0.00");
    let w = Workdir::with(&[("o.csv", &csv)]);
    let out = ok(&mut w.cmd(&format!(
        "clv o.csv {ARGS} --per-customer --by channel --format csv"
    )));
    let rows = records(&out, "customer_id,group,frequency");
    assert_eq!(rows.len(), groups.len());
    for r in &rows {
        assert_eq!(r["group"], groups[&r["customer_id"]].1, "{r:?}");
    }
    let z: &Rec = rows.iter().find(|r| r["customer_id"] == "Z").unwrap();
    // Jan 10 and Feb 1: one repeat day; web, read before app that day, acquired Z.
    assert_eq!((z["group"].as_str(), z["frequency"].as_str()), ("web", "1"));
}

/// The `clv` value of `compute --metric clv --clv-model bgnbd` CSV output, per group.
fn metric_values(out: &str) -> Vec<(String, String, f64, String)> {
    (parse_csv(out).iter())
        .filter(|r| r["metric"] == "clv")
        .map(|r| {
            let value = num(&r["value"]);
            (
                r["group"].clone(),
                r["by"].clone(),
                value,
                r["denominator"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_bgnbd_metric_is_xsell_clvs_mean_and_lifetimes() {
    // The 8 $0.00 lines at $0.01: every customer of lifetimes' summary (cdnow_summary.csv)
    // is then a purchaser, so its fit and lifetimes' per-customer CLV (reference.csv) apply.
    let (csv, _) = orders("0.01");
    let csv: String = (csv.lines())
        .filter(|l| !l.contains(",Z,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let w = Workdir::with(&[("o.csv", &csv)]);
    let compute = "compute o.csv --metric clv --clv-model bgnbd --to 1997-09-30 --format csv";
    let values = metric_values(&ok(&mut w.cmd(compute)));
    let clv = ok(&mut w.cmd(&format!("clv o.csv {ARGS} --format csv")));
    let mean = (records(&clv, "model,parameter").iter())
        .find(|r| r["model"] == "clv" && r["parameter"] == "mean")
        .map(|r| num(&r["estimate"]))
        .unwrap();
    assert_eq!(values, [("all".into(), "".into(), mean, "2357".into())]);
    // lifetimes' mean of 12-month CLV over the 2,357 customers of its summary, whose recency
    // and T are rounded to 2 decimals (so 1e-4, not 1e-9).
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clv/reference.csv");
    let mut reader = csv::Reader::from_path(reference).unwrap();
    let theirs: Vec<f64> = reader.records().map(|r| num(&r.unwrap()[8])).collect();
    let want = theirs.iter().sum::<f64>() / theirs.len() as f64;
    assert!(((mean - want) / want).abs() < 1e-4, "{mean} against {want}");
    // The report has the same row; --margin multiplies.
    let report = ok(&mut w.cmd("report o.csv --clv-model bgnbd --to 1997-09-30 --format csv"));
    let row = metric_values(&report);
    assert_eq!(row[0].2, mean);
    let half = metric_values(&ok(&mut w.cmd(&format!("{compute} --margin 0.5"))));
    close(half[0].2, mean / 2.0, "margin 0.5");
}

#[test]
fn the_bgnbd_metric_by_segment_is_xsell_clvs_groups() {
    let (csv, _) = orders("0.00");
    let w = Workdir::with(&[("o.csv", &csv)]);
    let by = "--by segment --by channel";
    let out = ok(&mut w.cmd(&format!(
        "compute o.csv --metric clv --clv-model bgnbd --to 1997-09-30 {by} --format csv"
    )));
    let values = metric_values(&out);
    let groups = clv_rows(&ok(
        &mut w.cmd(&format!("clv o.csv {ARGS} {by} --format csv"))
    ));
    assert_eq!(values.len(), groups.len());
    for (group, by, value, customers) in values {
        let (n, _, mean) = groups[&(by.clone(), group.clone())];
        assert_eq!((value, customers), (mean, n.to_string()), "{group}");
    }
}

#[test]
fn a_model_that_cannot_be_fitted_is_n_a_with_its_reason() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         O1,C1,2025-01-01,P,5\nO2,C1,2025-02-01,P,6\nO3,C2,2025-01-03,P,7\n",
    )]);
    let (code, out, err) = run(&mut w.cmd("report o.csv --clv-model bgnbd --format csv"));
    assert_eq!(code, Some(0), "{err}");
    let clv = parse_csv(&out)
        .into_iter()
        .find(|r| r["metric"] == "clv")
        .unwrap();
    assert_eq!((clv["value"].as_str(), clv["group"].as_str()), ("", "all"));
    assert!(
        err.contains(
            "xsell: note: clv (--clv-model bgnbd) is n/a: the BG/NBD model needs at least 10 \
             customers with a repeat purchase to identify its parameters, and the data has 1"
        ),
        "{err}"
    );
    let table = ok(&mut w.cmd("report o.csv --clv-model bgnbd"));
    assert!(table.contains("clv (--clv-model bgnbd) is n/a"), "{table}");
}

#[test]
fn refusals() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount,channel\nO1,C1,2025-01-01,P,5,web\n",
    )]);
    let cases = [
        (
            "clv o.csv --by channel --rfm",
            "--by channel groups the predicted CLV, which --rfm does not fit: give one",
        ),
        (
            "clv o.csv --by channel --holdout-from 2025-01-01",
            "--by channel groups the predicted CLV, which --holdout-from does not print: give one",
        ),
        (
            "clv o.csv --by campaign-type",
            "xsell clv --by campaign-type needs campaigns.csv, which xsell clv does not read: use \
             xsell compute --metric clv --clv-model bgnbd --campaigns FILE --by campaign-type",
        ),
        (
            "clv o.csv --by segment",
            "xsell clv --by segment needs a segment column in the orders or in --customers FILE",
        ),
        (
            "compute o.csv --metric clv --clv-model bgnbd --period month",
            "--clv-model bgnbd cannot be split by --period: a prediction is made once, at the end \
             of the observation (--to); drop --period, or use --clv-model historic",
        ),
        (
            "report o.csv --clv-model bgnbd --from 2025-01-01",
            "--clv-model bgnbd reads every purchase up to --to (a customer's first purchase starts \
             their history): drop --from 2025-01-01",
        ),
        (
            "compute o.csv --metric clv --clv-model bgnbd --lifespan 3",
            "--lifespan 3 goes with --clv-model formula: --clv-model bgnbd predicts each \
             customer's purchases over 12 months; drop --lifespan",
        ),
        (
            "compute o.csv --metric clv --clv-model bgnbd --margin 0",
            "--margin 0: expected a fraction above 0 and at most 1, e.g. 0.3",
        ),
        (
            "sql --metric clv --clv-model bgnbd --dialect postgres",
            "clv --clv-model bgnbd is not rendered as SQL (its models are fitted by maximum \
             likelihood, which a query does not do): compute it from the order files, or use \
             --clv-model historic or formula",
        ),
    ];
    for (line, message) in cases {
        assert_eq!(
            fails(&mut w.cmd(line)),
            format!("xsell: error: {message}\n"),
            "{line}"
        );
    }
}
