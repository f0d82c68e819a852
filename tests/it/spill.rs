//! Issue 16, item 3: repeated lines counted in bounded memory. Past a buffer of hashes the
//! reading writes sorted runs to a temporary file and merges them at the end; the buffer is
//! 2^20 hashes, and `XSELL_REPEAT_BUFFER` (a testing knob) makes it tiny, so that these small
//! files spill. The output must not tell: the same count, the same lines named, on one thread
//! or two.
//!
//! Every expected line is written by hand from the files above it: line numbers count the
//! header as line 1.

use crate::workdir::*;

const HEAD: &str = "order_id,customer_id,order_date,product_id,amount\n";

/// Buffer sizes to run with: none set (2^20, no spill), and tiny ones that spill every few
/// lines (one hash a run, three, seven).
const BUFFERS: [Option<&str>; 4] = [None, Some("1"), Some("3"), Some("7")];

/// The order line of order `n`: its customer, its day in January 2025, 17.00.
fn order(n: u32) -> String {
    format!("O{n},C{n},2025-01-{n:02},P1,17.00\n")
}

/// Runs `xsell LINE` in `w` with the hash buffer `buffer` and `--threads` 1 and 2, checks that
/// every run succeeds with the same stdout and stderr, and returns them.
#[track_caller]
fn alike(w: &Workdir, line: &str) -> (String, String) {
    let mut first: Option<(String, String)> = None;
    for buffer in BUFFERS {
        for threads in [1, 2] {
            let mut cmd = w.cmd(&format!("{line} --threads {threads}"));
            match buffer {
                Some(n) => cmd.env("XSELL_REPEAT_BUFFER", n),
                None => cmd.env_remove("XSELL_REPEAT_BUFFER"),
            };
            let (code, out, err) = run(&mut cmd);
            assert_eq!(code, Some(0), "buffer {buffer:?}, {threads} threads: {err}");
            match &first {
                None => first = Some((out, err)),
                Some(first) => assert_eq!(
                    (&out, &err),
                    (&first.0, &first.1),
                    "buffer {buffer:?}, {threads} threads"
                ),
            }
        }
    }
    first.unwrap_or_default()
}

#[test]
fn repeats_near_and_far_are_counted_and_named_alike_when_spilled() {
    // O1..O12 on lines 2-13; line 14 repeats line 13 (near); O13 on 15; line 16 repeats line 2
    // (far); O14..O17 on 17-20; line 21 repeats line 2 again, line 22 repeats line 7 (O6):
    // 4 repeats. As data: 21 lines of 17.00 = 357.00 over 17 orders: aov 21.
    let mut text: String = HEAD.to_string();
    text.extend((1..=12).map(order));
    text += &order(12);
    text += &order(13);
    text += &order(1);
    text.extend((14..=17).map(order));
    text += &order(1);
    text += &order(6);
    let w = Workdir::with(&[("o.csv", &text)]);
    let (out, err) = alike(&w, "compute --metric aov o.csv --format csv");
    assert_eq!(
        err,
        "xsell: warning: 4 order lines identical to an earlier line: counted as data (--dedupe \
         drops them); the first:\n  o.csv:14 repeats o.csv:13\n  o.csv:16 repeats o.csv:2\n  \
         o.csv:21 repeats o.csv:2\n  o.csv:22 repeats o.csv:7\n"
    );
    assert_eq!(out, format!("{HEADER}\naov,all,,21,357.00,17,,,\n"));
    // Dropped: 17 lines, 289.00 over 17 orders, aov 17; the same lines named.
    let (out, err) = alike(&w, "compute --metric aov o.csv --format csv --dedupe");
    has_all(
        &err,
        &["dropped 4 order lines", "o.csv:14 repeats o.csv:13\n"],
    );
    has_all(&out, &["aov,all,,17,289.00,17,,,", "repeated-rows,all,,4,"]);
}

#[test]
fn past_ten_repeats_in_two_files_the_first_ten_are_named_when_spilled() {
    // a.csv: O1..O6 on lines 2-7, then O1..O6 again on 8-13. b.csv: O1..O6 once more on 2-7
    // and O7 on 8. 12 repeats of six values; named: a.csv 8-13 repeat a.csv 2-7, then b.csv
    // 2-5 repeat a.csv 2-5. With a tiny buffer the six repeated values come one or a few at a
    // time, each read for on its own, and the first ten of all are kept.
    // As data: 19 lines of 17.00 = 323.00 over 7 orders: aov 46.142857142857146 (the f64
    // nearest 323 / 7).
    let six: String = (1..=6).map(order).collect();
    let w = Workdir::with(&[
        ("a.csv", &format!("{HEAD}{six}{six}")),
        ("b.csv", &format!("{HEAD}{six}{}", order(7))),
    ]);
    let (out, err) = alike(&w, "compute --metric aov a.csv b.csv --format csv");
    let named: String = (0..6)
        .map(|k| format!("  a.csv:{} repeats a.csv:{}\n", 8 + k, 2 + k))
        .chain((0..4).map(|k| format!("  b.csv:{} repeats a.csv:{}\n", 2 + k, 2 + k)))
        .collect();
    assert_eq!(
        err,
        format!(
            "xsell: warning: 12 order lines identical to an earlier line: counted as data \
             (--dedupe drops them); the first:\n{named}"
        )
    );
    assert_eq!(
        out,
        format!("{HEADER}\naov,all,,46.142857142857146,323.00,7,,,\n")
    );
}

#[test]
fn repeats_on_standard_input_are_counted_alike_when_spilled() {
    // Lines 3 and 5 repeat line 2, line 6 repeats line 4: 3, not named.
    let text = format!(
        "{HEAD}{}{}{}{}{}",
        order(1),
        order(1),
        order(2),
        order(1),
        order(2)
    );
    let w = Workdir::new();
    for buffer in ["1", "2", "1000"] {
        let mut cmd = w.cmd("compute --metric aov -");
        cmd.env("XSELL_REPEAT_BUFFER", buffer);
        let (code, _, err) = run(cmd.write_stdin(text.clone()));
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(
            err,
            "xsell: warning: 3 order lines identical to an earlier line: counted as data \
             (--dedupe drops them); not named, as standard input cannot be read twice\n",
            "buffer {buffer}"
        );
    }
}

#[test]
fn a_temporary_directory_that_cannot_be_written_is_an_error_with_its_fix() {
    // Four lines in a buffer of three: the fourth needs the temporary file, and TMPDIR names a
    // directory that does not exist. Not needed (a buffer of four), nothing is made: line 5
    // repeats line 2, and aov is 4 × 17.00 = 68.00 over 3 orders.
    let text = format!("{HEAD}{}{}{}{}", order(1), order(2), order(3), order(1));
    let w = Workdir::with(&[("o.csv", &text)]);
    let missing = w.path("missing");
    for threads in [1, 2] {
        let mut cmd = w.cmd(&format!("compute --metric aov o.csv --threads {threads}"));
        cmd.env("XSELL_REPEAT_BUFFER", "3").env("TMPDIR", &missing);
        assert_error(
            &cmd.output().unwrap(),
            &format!(
                "counting repeated order lines: could not create a temporary file in {} (No \
                 such file or directory (os error 2)); set TMPDIR to a writable directory with \
                 room (8 bytes an order line)",
                missing.display()
            ),
        );
    }
    let mut cmd = w.cmd("compute --metric aov o.csv --format csv");
    cmd.env("XSELL_REPEAT_BUFFER", "4").env("TMPDIR", &missing);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, Some(0), "{err}");
    has_all(&err, &["1 order line identical", "o.csv:5 repeats o.csv:2"]);
    assert_eq!(
        out,
        format!("{HEADER}\naov,all,,22.666666666666668,68.00,3,,,\n")
    );
}
