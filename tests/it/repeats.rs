//! Issue 15, item 9: repeated order lines named by `file:line` with the earlier line each
//! repeats, and a quote left open on the last line skipped under `--skip-invalid`.
//!
//! Every expected line is written by hand from the files above it: line numbers count the
//! header as line 1.

use crate::workdir::*;

const HEAD: &str = "order_id,customer_id,order_date,product_id,amount\n";

/// The close of the message of a quoted field never closed.
const UNCLOSED: &str = "a quoted field in this row is never closed: the rest of the file would \
                        be read as part of it; close the quote (a quote inside a field is \
                        written \"\")";

/// Runs `xsell LINE` in `w`, which must succeed: stdout and stderr.
#[track_caller]
fn success(w: &Workdir, line: &str) -> (String, String) {
    let (code, out, err) = run(&mut w.cmd(line));
    assert_eq!(code, Some(0), "stderr: {err}");
    (out, err)
}

// ==== A quote left open on the last line ====

#[test]
fn a_quote_open_on_the_last_line_is_skipped_and_counted() {
    // Line 4 opens a quote that the file never closes: with --skip-invalid it is skipped like
    // any bad row, O1 10.00 and O2 30.00 remain: aov = 40.00 / 2 = 20.
    let text = format!(
        "{HEAD}O1,C1,2025-01-01,P1,10.00\nO2,C2,2025-01-02,P1,30.00\nO3,C3,2025-01-03,\"P1,5.00\n"
    );
    let w = Workdir::with(&[("o.csv", &text)]);
    let (out, err) = success(&w, "compute --metric aov o.csv --skip-invalid --format csv");
    assert_eq!(
        err,
        format!(
            "xsell: warning: skipped 1 invalid row of 3 rows (--skip-invalid); the first:\n  \
             o.csv:4: {UNCLOSED}\n"
        )
    );
    assert_eq!(
        out,
        format!("{HEADER}\naov,all,,20.000000,40.00,2,,,\nskipped-rows,all,,1,,,,,\n")
    );
    // It counts against --max-invalid; without --skip-invalid it stops the run, as before.
    assert_error(
        &w.cmd("compute --metric aov o.csv --skip-invalid --max-invalid 0")
            .output()
            .unwrap(),
        &format!(
            "1 of 3 rows could not be read, more than --max-invalid 0 rows; the first: \
             o.csv:4: {UNCLOSED}"
        ),
    );
    assert_error(
        &w.cmd("compute --metric aov o.csv").output().unwrap(),
        &format!("o.csv:4: {UNCLOSED}"),
    );
}

#[test]
fn a_quote_open_before_other_lines_or_in_campaigns_still_stops_a_skipping_run() {
    // The quote of line 3 takes lines 4 and 5 with it: skipping it would lose them unseen. Open
    // on the last line without a line end, with CRLF line ends, it is skipped: aov 10.00 / 1.
    // --skip-invalid skips order rows only: campaigns.csv's row 3 stops the run.
    let w = Workdir::with(&[
        (
            "early.csv",
            &format!(
                "{HEAD}O1,C1,2025-01-01,P1,10.00\nO2,C2,2025-01-02,\"P1,30.00\n\
                 O3,C3,2025-01-03,P1,5.00\nO4,C4,2025-01-04,P1,5.00\n"
            ),
        ),
        (
            "crlf.csv",
            "order_id,customer_id,order_date,product_id,amount\r\n\
             O1,C1,2025-01-01,P1,10.00\r\nO2,C2,2025-01-02,P1,\"30.00",
        ),
        ("c.csv", "campaign_id,channel,cost\nA,web,10\nB,web,\"20\n"),
    ]);
    assert_error(
        &w.cmd("compute --metric aov early.csv --skip-invalid")
            .output()
            .unwrap(),
        &format!("early.csv:3: {UNCLOSED}"),
    );
    let (out, err) = success(
        &w,
        "compute --metric aov crlf.csv --skip-invalid --format csv",
    );
    has_all(&err, &[&format!("  crlf.csv:3: {UNCLOSED}\n")]);
    has_all(&out, &["aov,all,,10.000000,10.00,1,,,"]);
    assert_error(
        &w.cmd("compute --metric aov crlf.csv --campaigns c.csv --skip-invalid")
            .output()
            .unwrap(),
        &format!("c.csv:3: {UNCLOSED}"),
    );
}
