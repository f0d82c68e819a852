//! Messages a user can act on (issue 15, item 11): a day that does not exist, a number past its
//! limit, a long value cut with its length, a file given for another, Excel's `sep=` line.

use crate::workdir::*;

const HEADER: &str = "order_id,customer_id,order_date,product_id,amount";

#[test]
fn a_day_that_does_not_exist_is_said_so() {
    let err = fails_usage(&mut xsell(
        "compute --metric aov fixtures/orders.csv --from 2025-02-30",
    ));
    assert_eq!(
        err,
        "error: invalid value '2025-02-30' for '--from <DATE>': expected a real calendar date: \
         this day does not exist (YYYY-MM-DD)\n\nFor more information, try '--help'.\n"
    );
}

#[test]
fn a_quantity_past_the_limit_names_the_limit() {
    let w = Workdir::with(&[(
        "o.csv",
        &format!("{HEADER},quantity\nO1,C1,2025-01-01,P1,10.00,99999999999999999999\n"),
    )]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv"));
    has_all(
        &err,
        &[
            "o.csv:2: column quantity: \"99999999999999999999\" is not valid; expected a whole \
           number of at most 9223372036854775807 in magnitude",
        ],
    );
}

#[test]
fn a_long_value_is_cut_with_its_length() {
    let long = "x".repeat(300);
    let w = Workdir::with(&[("o.csv", &format!("{HEADER}\nO1,C1,2025-01-01,P1,{long}\n"))]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv"));
    let shown = "x".repeat(80);
    has_all(
        &err,
        &[&format!(
            "column amount: \"{shown}\"… (300 characters) is not valid"
        )],
    );
    assert!(err.len() < 400, "{err}");
}

#[test]
fn an_orders_file_given_as_campaigns_is_named_as_such() {
    let err = fails(&mut xsell(
        "compute --metric roi --campaigns fixtures/orders.csv fixtures/orders.csv",
    ));
    has_all(
        &err,
        &[
            "fixtures/orders.csv: this is an orders file (it has order_id, customer_id and \
           product_id, and none of the campaign columns",
            "--campaigns takes the campaigns file",
        ],
    );
}

#[test]
fn a_sep_line_is_named_when_the_columns_are_not_found_and_delimiter_wins_over_it() {
    // The sep= line names ';', but the file is written with commas.
    let w = Workdir::with(&[(
        "o.csv",
        &format!("sep=;\n{HEADER}\nO1,C1,2025-01-01,P1,10.00\n"),
    )]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv"));
    has_all(
        &err,
        &[
            "the header is one column: is the delimiter ','? use --delimiter ','",
            "the file's first line, sep=;, names ';' as the delimiter: if that is wrong, \
           give --delimiter (which wins over it) or delete the line",
        ],
    );
    let out = ok(&mut w.cmd("compute --metric aov o.csv --delimiter , --format csv"));
    has_all(&out, &["aov,all,,10,10.00,1,"]);
}
