//! Dates far from the rest (issue 15, item 5): placeholders such as 9999-12-31 are named and
//! do not stretch the window; retention's months have the same limit as `--period`.

use crate::workdir::*;

// C1: 2024-01-10 and 2024-06-10; C2: 2024-03-01; C3: 9999-12-31 (line 5) and 2024-12-31.
const ORDERS: &str = "order_id,customer_id,order_date,product_id,amount\n\
                      O1,C1,2024-01-10,P1,50.00\n\
                      O2,C1,2024-06-10,P2,50.00\n\
                      O3,C2,2024-03-01,P1,100.00\n\
                      O4,C3,9999-12-31,P1,10.00\n\
                      O5,C3,2024-12-31,P3,20.00\n";

#[test]
fn a_placeholder_date_is_named_and_does_not_stretch_the_window() {
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    let out = w
        .cmd(
            "compute --metric clv --clv-model formula --margin 0.3 --lifespan 3 o.csv --format csv",
        )
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    let value = |name: &str| {
        let row = rows.iter().find(|r| r[0] == name).unwrap();
        row[3].parse::<f64>().unwrap()
    };
    // The window 2024-01-10..2024-12-31 holds 357 days (2,912,... before).
    // aov = 230.00 / 5 orders = 46; frequency = 5 orders / 3 customers over 357 days, per
    // year of 365.25 days: 5/3 × 365.25/357 = 1.70518...; clv = 46 × 1.70518 × 3 × 0.3 = 70.59.
    assert_eq!(value("clv.window-days"), 357.0);
    let clv = 46.0 * (5.0 / 3.0 * 365.25 / 357.0) * 3.0 * 0.3;
    assert!((value("clv") - clv).abs() < 1e-9, "{}", value("clv"));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "xsell: warning: 1 order line dated more than 50 years from the median year 2024 (a \
         placeholder such as 0001-01-01 or 9999-12-31?): measured as any line, but the data's \
         first and last date (the window's default bounds) are taken without them; the first: \
         o.csv:5; correct the dates, or measure the window you mean with --from/--to\n"
    );
    // The footer's window is the same.
    let table = ok(&mut w.cmd("compute --metric aov o.csv"));
    has_all(&table, &["window 2024-01-10 to 2024-12-31"]);
}

#[test]
fn retention_without_period_has_the_same_limit_as_period() {
    // 0001-01-01 as the window's start: 24,288 months (there were that many rows before).
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    let err = fails(&mut w.cmd("compute --metric retention o.csv --from 0001-01-01"));
    has_all(
        &err,
        &[
            "the window from 0001-01-01 to 2024-12-31 spans 24288 months (retention's periods), \
           more than 5000; check the dates for a typo, or narrow it with --from/--to",
        ],
    );
    // A placeholder date alone no longer stretches it: 11 months after the first.
    let out = ok(&mut w.cmd("compute --metric retention o.csv --format csv"));
    assert_eq!(csv_rows(&out).len(), 1 + 11);
}
