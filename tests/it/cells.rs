//! Cells cleaned as amounts are (issue 15, item 4): Unicode white space trimmed, invisible
//! characters removed and counted, control characters refused with file, line and column.

use crate::workdir::*;

/// Customer C4 written four ways on lines 2-5, each line another product; C1 buys P1 alone.
fn orders(fourth: &str) -> String {
    format!(
        "order_id,customer_id,order_date,product_id,amount\n\
         O1,C4,2025-01-01,P1,10.00\n\
         O2,C4\u{A0},2025-01-02,P2,10.00\n\
         O3,C\u{200B}4,2025-01-03,P3,10.00\n\
         O4,{fourth},2025-01-04,P4,10.00\n\
         O5,C1,2025-01-05,P1,10.00\n"
    )
}

#[test]
fn an_id_with_a_no_break_space_or_a_zero_width_space_is_the_same_customer() {
    // C4 (lines 2-5, written with a no-break space after it, a zero-width space inside, and a
    // byte-order mark before it) bought P1..P4: cross-sold; C1 bought P1 only. 1 of 2.
    let w = Workdir::with(&[("o.csv", &orders("\u{FEFF}C4"))]);
    let out = w
        .cmd("compute --metric cross-sell o.csv --format csv")
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rows[0][..6], ["cross-sell", "all", "", "0.5", "1", "2"]);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "xsell: warning: removed invisible characters (zero-width spaces, direction marks, ...) \
         from the cells of 2 order lines (an id is read without them); the first: o.csv:4, \
         o.csv:5\n"
    );
}

#[test]
fn a_nul_inside_an_id_is_refused_with_its_line_and_column() {
    let w = Workdir::with(&[("o.csv", &orders("C\u{0}4"))]);
    let err = fails(&mut w.cmd("compute --metric cross-sell o.csv"));
    has_all(
        &err,
        &[
            "o.csv:5: column customer_id: \"C\\04\" is not valid; expected text without control \
           characters (it holds NUL (U+0000)); remove it from the file, or with --skip-invalid \
           skip the row",
        ],
    );
    // Skipped, the row is counted; C4 keeps P1..P3, still cross-sold: 1 of 2.
    let out = w
        .cmd("compute --metric cross-sell o.csv --format csv --skip-invalid")
        .output()
        .unwrap();
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rows[0][..6], ["cross-sell", "all", "", "0.5", "1", "2"]);
    assert_eq!(rows[1][..4], ["skipped-rows", "all", "", "1"]);
    has_all(
        &String::from_utf8(out.stderr).unwrap(),
        &[
            "skipped 1 invalid row of 5 rows",
            "o.csv:5: column customer_id",
        ],
    );
}

#[test]
fn an_escape_code_in_a_label_is_refused_and_shown_escaped() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount,channel\n\
         O1,C1,2025-01-01,P1,10.00,web\u{1B}[31m\n",
    )]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv --by channel"));
    has_all(
        &err,
        &[
            "o.csv:2: column channel: \"web\\u{1b}[31m\" is not valid",
            "U+001B",
        ],
    );
    assert!(
        !err.contains('\u{1B}'),
        "the escape reached the terminal: {err:?}"
    );
}

#[test]
fn campaign_and_customer_ids_are_cleaned_too() {
    // The campaigns file writes K1 with a zero-width joiner, customers.csv C1 with an
    // ideographic space: both still match the order lines' K1 and C1.
    let w = Workdir::with(&[
        (
            "o.csv",
            "order_id,customer_id,order_date,product_id,amount,campaign_id\n\
             O1,C1,2025-01-01,P1,30.00,K1\n",
        ),
        ("c.csv", "campaign_id,cost\nK\u{200D}1,10.00\n"),
        ("people.csv", "customer_id,segment\nC1\u{3000},gold\n"),
    ]);
    let out = w
        .cmd("compute --metric roi o.csv --campaigns c.csv --format csv")
        .output()
        .unwrap();
    // ROI = (30.00 - 10.00) / 10.00 = 2 for K1.
    has_all(
        &String::from_utf8(out.stdout).unwrap(),
        &["roi,K1,,2,20.00,10.00,campaign"],
    );
    has_all(
        &String::from_utf8(out.stderr).unwrap(),
        &["from the cells of 1 campaign row (an id is read without them); the first: c.csv:2"],
    );
    // C1's line is gold: AOV 30.00 over 1 order.
    let out =
        ok(&mut w
            .cmd("compute --metric aov o.csv --customers people.csv --by segment --format csv"));
    has_all(&out, &["aov,gold,,30,30.00,1,segment"]);
}

#[test]
fn a_column_asked_for_by_name_is_cleaned_too() {
    // --by column:note: "web" + a no-break space and "w" + a zero-width joiner + "eb" are the
    // group web, which holds both orders: AOV (10.00 + 30.00) / 2 = 20.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount,note\n\
         O1,C1,2025-01-01,P1,10.00,web\u{A0}\n\
         O2,C2,2025-01-02,P1,30.00,w\u{200D}eb\n",
    )]);
    let out = w
        .cmd("compute --metric aov o.csv --by column:note --format csv")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    has_all(&text, &["aov,web,,20,40.00,2,column:note"]);
    assert_eq!(csv_rows(&text).len(), 2, "all and web only: {text}");
}
