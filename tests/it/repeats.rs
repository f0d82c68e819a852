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
        format!("{HEADER}\naov,all,,20,40.00,2,,,\nskipped-rows,all,,1,,,,,\n")
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
    has_all(&out, &["aov,all,,10,10.00,1,,,"]);
    assert_error(
        &w.cmd("compute --metric aov crlf.csv --campaigns c.csv --skip-invalid")
            .output()
            .unwrap(),
        &format!("c.csv:3: {UNCLOSED}"),
    );
}

// ==== Repeated lines named ====

#[test]
fn past_ten_repeats_the_first_ten_are_named_with_their_earlier_lines() {
    // Six orders on lines 2-7, then the same six lines twice more (8-13, 14-19): 12 repeats.
    // Named: 8-13 repeat 2-7, then 14-17 repeat 2-5; 18 and 19 only counted.
    // As data: 3 × (10 + 20 + ... + 60) = 630.00 over 6 orders: aov 105; dropped: 210.00 / 6.
    let six = "O1,C1,2025-01-01,P1,10.00\nO2,C2,2025-01-02,P1,20.00\nO3,C3,2025-01-03,P1,30.00\n\
               O4,C4,2025-01-04,P1,40.00\nO5,C5,2025-01-05,P1,50.00\nO6,C6,2025-01-06,P1,60.00\n";
    let w = Workdir::with(&[("many.csv", &format!("{HEAD}{six}{six}{six}"))]);
    let named = "  many.csv:8 repeats many.csv:2\n  many.csv:9 repeats many.csv:3\n  \
                 many.csv:10 repeats many.csv:4\n  many.csv:11 repeats many.csv:5\n  \
                 many.csv:12 repeats many.csv:6\n  many.csv:13 repeats many.csv:7\n  \
                 many.csv:14 repeats many.csv:2\n  many.csv:15 repeats many.csv:3\n  \
                 many.csv:16 repeats many.csv:4\n  many.csv:17 repeats many.csv:5\n";
    let (out, err) = success(&w, "compute --metric aov many.csv --format csv");
    assert_eq!(
        err,
        format!(
            "xsell: warning: 12 order lines identical to an earlier line: counted as data \
             (--dedupe drops them); the first:\n{named}"
        )
    );
    assert_eq!(out, format!("{HEADER}\naov,all,,105,630.00,6,,,\n"));
    let (out, err) = success(&w, "compute --metric aov many.csv --format csv --dedupe");
    assert_eq!(
        err,
        format!(
            "xsell: note: dropped 12 order lines identical to an earlier line (--dedupe); the \
             first:\n{named}"
        )
    );
    has_all(&out, &["aov,all,,35,210.00,6,,,", "repeated-rows,all,,12,"]);
}

#[test]
fn a_repeat_in_another_file_names_the_line_of_the_first() {
    // b.csv:3 is a.csv:3 (O2) with the columns in another order: the same cells, a repeat.
    // As data: 10 + 20 + 30 + 40 + 20 + 50 = 170.00 over 5 orders: aov 34; dropped: 150 / 5.
    let a = format!(
        "{HEAD}O1,C1,2025-01-01,P1,10.00\nO2,C2,2025-01-02,P2,20.00\nO3,C3,2025-01-03,P3,30.00\n"
    );
    let b = "customer_id,order_id,amount,order_date,product_id\n\
             C4,O4,40.00,2025-01-04,P4\nC2,O2,20.00,2025-01-02,P2\nC5,O5,50.00,2025-01-05,P5\n";
    let w = Workdir::with(&[("a.csv", &a), ("b.csv", b)]);
    let (out, err) = success(&w, "compute --metric aov a.csv b.csv --format csv");
    assert_eq!(
        err,
        "xsell: warning: 1 order line identical to an earlier line: counted as data (--dedupe \
         drops them); the first:\n  b.csv:3 repeats a.csv:3\n"
    );
    has_all(&out, &["aov,all,,34,170.00,5,,,"]);
    let (out, err) = success(&w, "compute --metric aov a.csv b.csv --format csv --dedupe");
    assert_eq!(
        err,
        "xsell: note: dropped 1 order line identical to an earlier line (--dedupe); the first:\n  \
         b.csv:3 repeats a.csv:3\n"
    );
    has_all(&out, &["aov,all,,30,150.00,5,,,"]);
}

#[test]
fn a_record_over_two_lines_is_named_by_the_line_it_starts_on() {
    // O1's product "P1\ngift" takes lines 2-3, and again 6-7: line 6 repeats line 2. Line 10
    // repeats O2's line 4 (not 3 or 5: the line numbers count the quoted line end).
    let text = format!(
        "{HEAD}O1,C1,2025-01-01,\"P1\ngift\",10.00\nO2,C2,2025-01-02,P2,20.00\n\
         O3,C3,2025-01-03,P3,30.00\nO1,C1,2025-01-01,\"P1\ngift\",10.00\n\
         O4,C4,2025-01-04,P4,40.00\nO5,C5,2025-01-05,P5,50.00\nO2,C2,2025-01-02,P2,20.00\n\
         O6,C6,2025-01-06,P6,60.00\nO7,C7,2025-01-07,P7,70.00\nO8,C8,2025-01-08,P8,80.00\n"
    );
    let w = Workdir::with(&[("ml.csv", &text)]);
    let named = "  ml.csv:6 repeats ml.csv:2\n  ml.csv:10 repeats ml.csv:4\n";
    let (_, err) = success(&w, "compute --metric aov ml.csv");
    assert_eq!(
        err,
        format!(
            "xsell: warning: 2 order lines identical to an earlier line: counted as data \
             (--dedupe drops them); the first:\n{named}"
        )
    );
    let (_, err) = success(&w, "compute --metric aov ml.csv --dedupe");
    assert_eq!(
        err,
        format!(
            "xsell: note: dropped 2 order lines identical to an earlier line (--dedupe); the \
             first:\n{named}"
        )
    );
}

#[test]
fn repeats_on_standard_input_are_counted_and_not_named() {
    // Line 3 repeats line 2, but standard input cannot be read a second time to find them.
    let text = format!("{HEAD}O1,C1,2025-01-01,P1,10.00\nO1,C1,2025-01-01,P1,10.00\n");
    let w = Workdir::new();
    let mut cmd = w.cmd("compute --metric aov -");
    let (code, _, err) = run(cmd.write_stdin(text.clone()));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "xsell: warning: 1 order line identical to an earlier line: counted as data (--dedupe \
         drops them); not named, as standard input cannot be read twice\n"
    );
    let mut cmd = w.cmd("compute --metric aov - --dedupe");
    let (code, _, err) = run(cmd.write_stdin(text.clone()));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "xsell: note: dropped 1 order line identical to an earlier line (--dedupe); not named, \
         as standard input cannot be read twice\n"
    );
    // Named as a file, a pipe cannot be read twice either.
    let mut cmd = w.cmd("compute --metric aov /dev/stdin");
    let (code, _, err) = run(cmd.write_stdin(text));
    assert_eq!(code, Some(0), "{err}");
    has_all(
        &err,
        &["; not named, as /dev/stdin cannot be read twice (not a regular file)\n"],
    );
}

#[test]
fn a_repeated_line_whose_cells_are_filled_down_is_named() {
    // O1's lines after the first leave customer and date to --fill-down: line 4 repeats line 3
    // as written and as filled. aov as data: 10.00 + 5.00 + 5.00 over 1 order.
    let text = format!("{HEAD}O1,C1,2025-01-01,P1,10.00\nO1,,,P2,5.00\nO1,,,P2,5.00\n");
    let w = Workdir::with(&[("o.csv", &text)]);
    let line = "compute --metric aov o.csv --format csv --fill-down customer_id,order_date";
    let (out, err) = success(&w, line);
    assert_eq!(
        err,
        "xsell: warning: 1 order line identical to an earlier line: counted as data (--dedupe \
         drops them); the first:\n  o.csv:4 repeats o.csv:3\n"
    );
    assert_eq!(out, format!("{HEADER}\naov,all,,20,20.00,1,,,\n"));
}
