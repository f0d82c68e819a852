//! Workbooks read directly: the files of `tests/workbooks/` (written by its `make.py`, which
//! describes their sheets row by row) through the real binary.
//!
//! Their Orders sheet holds, as typed cells (ids and amounts numbers, dates date cells):
//!
//! | row | order_id | customer_id | order_date       | product_id | amount | campaign_id |
//! |-----|----------|-------------|------------------|------------|--------|-------------|
//! | 2   | 1001     | 13085       | 2024-03-05       | P1         | 2.55   | C1          |
//! | 3   | 1001     | 13085       | 2024-03-05       | P2         | 10     | C1          |
//! | 4   | (empty)  |             |                  |            |        |             |
//! | 5   | 1002     | 13085       | 2024-04-01 09:30 | P1         | 7.45   |             |
//! | 6   | 1003     | 13086       | 2024-03-10       | Mug, large | 20     | C2          |
//! | 7   | 1004     | 13087       | 2024-03-11       | P1         | 4.5    |             |
//! | 8   | 1004     | 13087       | 2024-03-11       | Mug, large | 5.5    |             |

use crate::workdir::{
    HEADER, Workdir, assert_error, crate_file, csv_rows, has_all, ok, run, xsell,
};

/// The same lines as the Orders sheet, as CSV.
const ORDERS_CSV: &str = "\
order_id,customer_id,order_date,product_id,amount,campaign_id
1001,13085,2024-03-05,P1,2.55,C1
1001,13085,2024-03-05,P2,10,C1
1002,13085,2024-04-01 09:30:00,P1,7.45,
1003,13086,2024-03-10,\"Mug, large\",20,C2
1004,13087,2024-03-11,P1,4.5,
1004,13087,2024-03-11,\"Mug, large\",5.5,
";

/// The three workbooks, each written by another library in another format.
const BOOKS: [&str; 3] = ["orders.xlsx", "orders.ods", "orders.xls"];

/// The bytes of `tests/workbooks/NAME`.
fn workbook(name: &str) -> Vec<u8> {
    std::fs::read(crate_file(&format!("tests/workbooks/{name}"))).unwrap()
}

/// The rows of compute's CSV output as `metric|group|value|numerator|denominator`.
#[track_caller]
fn rows(stdout: &str) -> Vec<String> {
    assert_eq!(stdout.lines().next(), Some(HEADER), "stdout: {stdout}");
    let pick = |r: Vec<String>| [0, 1, 3, 4, 5].map(|i| r[i].clone()).join("|");
    csv_rows(stdout).into_iter().map(pick).collect()
}

/// `xsell compute ... tests/workbooks/BOOK MORE --format csv`, which must succeed.
#[track_caller]
fn compute(metrics: &str, book: &str, more: &str) -> Vec<String> {
    let line = format!("compute --metric {metrics} tests/workbooks/{book} {more} --format csv");
    rows(&ok(&mut xsell(&line)))
}

#[test]
fn a_workbooks_first_sheet_is_read_with_its_typed_cells() {
    // Orders: 1001 = 2.55 + 10 = 12.55 (13085: P1, P2); 1002 = 7.45 (13085, a date and time);
    // 1003 = 20 (13086); 1004 = 4.5 + 5.5 = 10 (13087: P1, Mug).
    // aov = (12.55 + 7.45 + 20 + 10) / 4 = 50.00 / 4 = 12.50
    // repeat-rate = customers with 2 orders or more / customers = 1 (13085) / 3
    // cross-sell = customers with 2 distinct products or more / customers = 2 (13085, 13087) / 3
    let want = [
        "aov|all|12.5|50.00|4",
        "repeat-rate|all|0.3333333333333333|1|3",
        "cross-sell|all|0.6666666666666666|2|3",
    ];
    for book in BOOKS {
        assert_eq!(
            compute("aov,repeat-rate,cross-sell", book, ""),
            want,
            "{book}"
        );
        // Options for CSV text read a workbook's typed cells alike: amounts are written with a
        // decimal comma, dates in the pinned pattern, and --encoding has no say.
        for more in [
            "--decimal-comma --delimiter ;",
            "--date-format %d/%m/%Y",
            "--encoding latin1 --sheet orders",
        ] {
            let got = compute("aov,repeat-rate,cross-sell", book, more);
            assert_eq!(got, want, "{book} {more}");
        }
    }
    // 6 lines (row 4 is empty); the window ends on the date of the date-and-time cell.
    let table = ok(&mut xsell(
        "compute --metric aov tests/workbooks/orders.xlsx",
    ));
    let footer = "6 lines, 4 orders, 3 customers read from tests/workbooks/orders.xlsx; \
                  window 2024-03-05 to 2024-04-01";
    assert!(table.contains(footer), "{table}");
}

#[test]
fn a_workbook_gives_what_its_sheet_saved_as_csv_gives() {
    let w = Workdir::with(&[("orders.csv", ORDERS_CSV)]);
    let csv = ok(&mut w.cmd("report orders.csv --format csv"));
    for book in BOOKS {
        w.write(book, workbook(book));
        let line = format!("report {book} --format csv");
        assert_eq!(ok(&mut w.cmd(&line)), csv, "{book}");
    }
}

#[test]
fn campaigns_come_from_the_sheet_their_option_names() {
    // Campaigns sheet: C1 50 clicks of 1000 impressions, C2 25 of 500.
    // ctr = clicks / impressions = (50 + 25) / (1000 + 500) = 75 / 1500 = 0.05
    let want = [
        "ctr|all|0.05|75|1500",
        "ctr|C1|0.05|50|1000",
        "ctr|C2|0.05|25|500",
    ];
    for book in BOOKS {
        let more = format!("--campaigns tests/workbooks/{book} --campaigns-sheet Campaigns");
        assert_eq!(compute("ctr", "orders.xlsx", &more), want, "{book}");
    }
}

#[test]
fn numeric_ids_match_those_of_csv_text() {
    // Customers sheet: 13085 vip; 13086 and 13087 new, their ids the numbers 13085.0, ... which
    // must read as the 13085, ... of orders.csv.
    // repeat-rate: all 1 (13085) / 3; new 0 / 2 (13086, 13087); vip 1 / 1 (13085).
    let want = [
        "repeat-rate|all|0.3333333333333333|1|3",
        "repeat-rate|new|0|0|2",
        "repeat-rate|vip|1|1|1",
    ];
    let w = Workdir::with(&[("orders.csv", ORDERS_CSV)]);
    for book in BOOKS {
        w.write(book, workbook(book));
        let line = format!(
            "compute --metric repeat-rate orders.csv --customers {book} --customers-sheet \
             Customers --by segment --format csv"
        );
        assert_eq!(rows(&ok(&mut w.cmd(&line))), want, "{book}");
    }
}

#[test]
fn standard_input_may_hold_a_workbook() {
    for book in BOOKS {
        let out = ok(xsell("compute --metric aov - --format csv").write_stdin(workbook(book)));
        assert_eq!(rows(&out), ["aov|all|12.5|50.00|4"], "{book}");
    }
}

#[test]
fn line_numbers_are_the_sheets_row_numbers() {
    // Gaps: row 1 empty, the header in row 2, row 4 empty, the amount "12,50" as text in row 5.
    for book in ["orders.xlsx", "orders.ods"] {
        let line = format!("compute --metric aov tests/workbooks/{book} --sheet Gaps");
        let out = xsell(&line).output().unwrap();
        assert_error(
            &out,
            &format!(
                "tests/workbooks/{book}:5: column amount: \"12,50\" is not valid; expected a \
                 decimal amount such as 12.50 or -3.00 (digits, an optional sign and a `.`); \
                 --decimal-comma reads 12,50; --thousands , reads 1,234"
            ),
        );
    }
}

#[test]
fn an_error_value_is_named_by_its_sheet_and_cell() {
    // Errors: the amount of row 3 (column E) is #N/A.
    for book in ["orders.xlsx", "orders.ods"] {
        let line = format!("compute --metric aov tests/workbooks/{book} --sheet Errors");
        let out = xsell(&line).output().unwrap();
        assert_error(
            &out,
            &format!(
                "cannot read tests/workbooks/{book}: sheet \"Errors\", cell E3 (column \
                 \"amount\") holds the error #N/A, not a value: correct the formula (or the \
                 cells it reads) or clear the cell (in Excel, =IFERROR(formula, \"\") leaves it \
                 empty), and save the workbook"
            ),
        );
    }
}

#[test]
fn an_error_value_calamine_does_not_know_is_named_by_its_sheet() {
    // Spill (.xlsx): #SPILL!, an error of Excel 365, in E3; calamine stops at it unnamed.
    let out = xsell("compute --metric aov tests/workbooks/orders.xlsx --sheet Spill")
        .output()
        .unwrap();
    assert_error(
        &out,
        "cannot read tests/workbooks/orders.xlsx: sheet \"Spill\" holds the error #SPILL! in a \
         cell (search the sheet for it), not a value: correct the formula (or the cells it reads) \
         or clear the cell (in Excel, =IFERROR(formula, \"\") leaves it empty), and save the \
         workbook",
    );
}

#[test]
fn a_missing_sheet_is_named_with_the_sheets_there_are() {
    let out = xsell("compute --metric aov tests/workbooks/orders.xlsx --sheet Sales")
        .output()
        .unwrap();
    assert_error(
        &out,
        "cannot read tests/workbooks/orders.xlsx: the workbook has no sheet \"Sales\"; its sheets \
         are \"Orders\", \"Campaigns\", \"Customers\", \"Gaps\", \"Errors\", \"Spill\": name \
         one with --sheet",
    );
    let line = "compute --metric ctr tests/workbooks/orders.xlsx \
                --campaigns tests/workbooks/orders.xls --campaigns-sheet Costs";
    assert_error(
        &xsell(line).output().unwrap(),
        "cannot read tests/workbooks/orders.xls: the workbook has no sheet \"Costs\"; its sheets \
         are \"Orders\", \"Campaigns\", \"Customers\": name one with --campaigns-sheet",
    );
}

#[test]
fn a_zip_without_a_workbook_and_a_damaged_workbook_are_refused() {
    let out = xsell("compute --metric aov tests/workbooks/archive.zip")
        .output()
        .unwrap();
    assert_error(
        &out,
        "cannot read tests/workbooks/archive.zip: the file is a zip archive that holds no \
         workbook (.xlsx, .xlsb or .ods); xsell reads CSV text and workbooks: unzip the archive",
    );
    let w = Workdir::new();
    // A zip archive ends with its table of contents: without it, nothing can be read.
    let zip = workbook("archive.zip");
    w.write("cut.zip", &zip[..zip.len() - 30]);
    assert_error(
        &w.cmd("compute --metric aov cut.zip").output().unwrap(),
        "cannot read cut.zip: the file is a zip archive cut short (its end is missing), so it \
         cannot be read, whatever it holds: copy or download it again",
    );
    // An .xlsx cut short still names its members, so it is known for a workbook.
    let xlsx = workbook("orders.xlsx");
    w.write("cut.xlsx", &xlsx[..xlsx.len() - 100]);
    let (code, out, err) = run(&mut w.cmd("compute --metric aov cut.xlsx"));
    assert_eq!((code, out.as_str()), (Some(2), ""), "{err}");
    has_all(
        &err,
        &[
            "xsell: error: cannot read cut.xlsx: the file is an Excel workbook (.xlsx) that \
             cannot be read (",
            "); it may be damaged or cut short: open it and save it again, or save the sheet as \
             CSV\n",
        ],
    );
    // An OLE compound file is read as an .xls, which these are not: one has nothing after its
    // magic bytes; damaged.xls (orders.xls with bytes changed at random) made calamine panic.
    w.write("book.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00");
    w.write("damaged.xls", workbook("damaged.xls"));
    for name in ["book.xls", "damaged.xls"] {
        let (code, out, err) = run(&mut w.cmd(&format!("compute --metric aov {name}")));
        assert_eq!((code, out.as_str()), (Some(2), ""), "{err}");
        has_all(
            &err,
            &[
                &format!(
                    "xsell: error: cannot read {name}: the file is an OLE compound file (as .xls \
                     workbooks are, but also .doc and .msg files) that cannot be read as an \
                     Excel 97-2003 workbook ("
                ),
                "); save the sheet as CSV\n",
            ],
        );
    }
}

#[test]
fn a_sheet_named_for_csv_text_is_refused() {
    // --sheet is for workbooks: on a CSV file it would be ignored without a word.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\nO1,C1,2024-01-01,P1,1.00\n",
    )]);
    let out = w
        .cmd("compute --metric aov o.csv --sheet Orders")
        .output()
        .unwrap();
    assert_error(
        &out,
        "cannot read o.csv: --sheet Orders names a sheet, but the file is CSV text, not a \
         workbook: drop --sheet",
    );
}
