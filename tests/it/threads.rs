//! Issue 16, item 4: the output and the messages never depend on `--threads`. A plain file is
//! read in parts on several threads; `XSELL_PART_BYTES` makes the parts small, so that the
//! small files here are cut in many places: inside quoted fields that hold newlines, between
//! the `\r` and `\n` of a line end, in blank lines, next to bad rows. Every run is compared,
//! stdout and stderr byte for byte, with `--threads 1`, which reads the file in one piece.

use std::fmt::Write;

use crate::workdir::*;

const HEAD: &str = "order_id,customer_id,order_date,product_id,category,amount,channel\n";

/// Part sizes that put the cuts everywhere: odd and even, smaller and larger than a row.
const PART_BYTES: [&str; 5] = ["1", "7", "64", "333", "4096"];

const THREADS: [&str; 4] = ["2", "3", "4", "8"];

/// A number sequence of our own (an LCG), so that the files are the same on every run.
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// At least `rows` order lines: orders of one to three lines, some products with a quoted
/// comma or a quoted newline in their name, line ends `end`, and whatever `odd` adds after each
/// row. Returns the text and the number of lines `orders` wrote.
fn orders_counted(
    rows: usize,
    end: &str,
    mut odd: impl FnMut(usize, &mut Numbers) -> String,
) -> (String, usize) {
    let mut n = Numbers(16);
    let mut text = HEAD.replace('\n', end);
    let mut row = 0;
    let mut order = 0;
    while row < rows {
        order += 1;
        let customer = n.below(rows as u64 / 3 + 1);
        let date = format!("2025-{:02}-{:02}", 1 + n.below(12), 1 + n.below(28));
        for _ in 0..1 + n.below(3) {
            let product = match n.below(10) {
                0 => format!("\"P{},{}\"", n.below(9), n.below(9)),
                1 => format!("\"P{}{end}x\"", n.below(9)),
                2 => format!("\"say \"\"P{}\"\"\"", n.below(9)),
                _ => format!("P{}", n.below(20)),
            };
            let cents = n.below(50_000);
            let channel = ["web", "store", "app"][n.below(3) as usize];
            write!(
                text,
                "O{order},C{customer},{date},{product},K{},{}.{:02},{channel}{end}",
                n.below(4),
                cents / 100,
                cents % 100
            )
            .unwrap();
            text.push_str(&odd(row, &mut n));
            row += 1;
        }
    }
    (text, row)
}

fn orders(rows: usize, end: &str, odd: impl FnMut(usize, &mut Numbers) -> String) -> String {
    orders_counted(rows, end, odd).0
}

/// Runs `line` on `file` in `w` with `--threads 1`, then with each thread count and part size,
/// and asserts that exit code, stdout and stderr are always the same. Returns the first run.
#[track_caller]
fn same_for_every_thread_count(w: &Workdir, line: &str) -> (Option<i32>, String, String) {
    same_with_stdin(w, line, None)
}

/// [`same_for_every_thread_count`] with file `stdin` of `w` as standard input.
#[track_caller]
fn same_with_stdin(w: &Workdir, line: &str, stdin: Option<&str>) -> (Option<i32>, String, String) {
    same_in_parts_of(w, line, stdin, &PART_BYTES)
}

/// [`same_with_stdin`] with parts of each of `part_bytes` bytes.
#[track_caller]
fn same_in_parts_of(
    w: &Workdir,
    line: &str,
    stdin: Option<&str>,
    part_bytes: &[&str],
) -> (Option<i32>, String, String) {
    let command = |threads: &str| {
        let mut cmd = w.cmd(&format!("{line} --threads {threads}"));
        if let Some(name) = stdin {
            cmd.write_stdin(std::fs::read(w.path(name)).unwrap());
        }
        cmd
    };
    let one = run(&mut command("1"));
    for threads in THREADS {
        for &bytes in part_bytes {
            let mut cmd = command(threads);
            cmd.env("XSELL_PART_BYTES", bytes);
            let got = run(&mut cmd);
            assert_eq!(
                got, one,
                "{line} --threads {threads}, parts of {bytes} bytes"
            );
        }
    }
    one
}

const REPORT: &str = "report o.csv --by channel --period quarter --format csv --skip-invalid";

#[test]
fn quoted_newlines_commas_and_quotes_across_the_cuts_change_nothing() {
    let w = Workdir::with(&[("o.csv", &orders(300, "\n", |_, _| String::new()))]);
    let (code, out, _) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
    // 300 lines read, every one of them good.
    assert!(out.contains("\ncross-sell,"), "{out}");
    same_for_every_thread_count(&w, "pairs o.csv --format csv");
    same_for_every_thread_count(&w, "cohort o.csv --format csv");
}

#[test]
fn crlf_and_lone_cr_line_ends_split_across_the_cuts_change_nothing() {
    let w = Workdir::with(&[
        ("o.csv", &orders(200, "\r\n", |_, _| String::new())),
        ("r.csv", &orders(200, "\r", |_, _| String::new())),
    ]);
    let (code, crlf, _) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
    let lone = same_for_every_thread_count(&w, &REPORT.replace("o.csv", "r.csv"));
    // The same rows with other line ends: the same numbers.
    assert_eq!(lone.1, crlf);
}

#[test]
fn blank_lines_and_lines_of_spaces_across_the_cuts_change_nothing() {
    let text = orders(200, "\n", |row, n| match (row % 7, n.below(3)) {
        (0, 0) => "\n\n".to_string(),
        (0, 1) => "   \n".to_string(),
        (0, _) => "\r\n\n".to_string(),
        _ => String::new(),
    });
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, _, _) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
}

/// A file with a bad row every so often: an amount that is not one, a date that is not one,
/// a row with a field too many, a quote closed too early. Returns the text, the good rows and
/// the bad ones.
fn with_bad_rows() -> (String, usize, usize) {
    let mut bad = 0;
    let (text, good) = orders_counted(240, "\n", |row, _| {
        let line = match row % 23 {
            5 => format!("O{row}x,C1,2025-01-01,P1,K1,ten,web\n"),
            11 => format!("O{row}y,C2,2025-02-30,P1,K1,1.00,web\n"),
            17 => format!("O{row}z,C3,2025-01-01,P1,K1,1.00,web,extra\n"),
            22 => format!("O{row}w,C4,2025-01-01,\"P1\"2,K1,1.00,web\n"),
            _ => return String::new(),
        };
        bad += 1;
        line
    });
    (text, good, bad)
}

#[test]
fn bad_rows_are_skipped_counted_and_named_alike() {
    let (text, good, bad) = with_bad_rows();
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, _, err) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
    // More than ten bad rows, the first ten named in file order.
    let rows = good + bad;
    assert!(bad > 10);
    assert!(
        err.contains(&format!("skipped {bad} invalid rows of {rows} rows")),
        "{err}"
    );
    assert_eq!(err.matches("\n  o.csv:").count(), 10, "{err}");
}

#[test]
fn max_invalid_and_the_first_bad_row_stop_alike() {
    let (text, good, bad) = with_bad_rows();
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, _, err) = same_for_every_thread_count(
        &w,
        "compute --metric aov o.csv --skip-invalid --max-invalid 3",
    );
    assert_eq!(code, Some(2));
    let rows = good + bad;
    assert!(
        err.contains(&format!("{bad} of {rows} rows could not be read")),
        "{err}"
    );
    // Without --skip-invalid the first bad row ends the run, named with its line.
    let (code, _, err) = same_for_every_thread_count(&w, "compute --metric aov o.csv");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("xsell: error: o.csv:"), "{err}");
}

#[test]
fn a_repeated_line_far_from_its_twin_is_named_alike() {
    let text = orders(300, "\n", |_, _| String::new());
    // The file's third row again at its end, and its tenth in the middle.
    let rows: Vec<&str> = text.lines().collect();
    let text = format!("{text}{}\n", rows[3]);
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, _, err) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
    assert!(err.contains(" repeats o.csv:4"), "{err}");
}

#[test]
fn a_quote_never_closed_ends_the_run_alike() {
    // A quote opened and never closed: no quote after it.
    let mut text = orders(150, "\n", |_, _| String::new());
    text.push_str("O999,C1,2025-01-01,\"P1,K1,1.00,web\n");
    text.push_str(&"O1000,C1,2025-01-01,P1,K1,1.00,web\n".repeat(40));
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, _, err) = same_for_every_thread_count(&w, "compute --metric aov o.csv");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("a quoted field in this row is never closed"),
        "{err}"
    );
    // On the last line alone, the open quote is a row that --skip-invalid skips.
    let mut text = orders(150, "\n", |_, _| String::new());
    text.push_str("O999,C1,2025-01-01,\"P1,K1,1.00,web\n");
    w.write("o.csv", &text);
    let (code, _, err) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0));
    assert!(err.contains("skipped 1 invalid row"), "{err}");
}

#[test]
fn rows_left_out_by_where_and_guests_are_counted_alike() {
    // A guest row (no customer) after every ninth row.
    let text = orders(300, "\n", |row, _| match row % 9 {
        4 => format!("G{row},,2025-03-01,P1,K1,5.00,web\n"),
        _ => String::new(),
    });
    let w = Workdir::with(&[("o.csv", &text)]);
    let line = "compute --metric aov,cross-sell o.csv --where big:amount>100 --guests skip \
                --format csv";
    let (code, out, err) = same_for_every_thread_count(&w, line);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("\nbig-rows,") && out.contains("\nguest-rows,"),
        "{out}"
    );
}

#[test]
fn the_rows_of_a_file_read_whole_come_before_those_of_a_file_read_in_parts() {
    // Standard input is read whole, b.csv in parts. Order X1 is C1's in the first file and C2's
    // in the second: the second's line is the bad one, and its 100.00 is not counted (aov 1).
    // With --dedupe, the line that both files hold is dropped from the second (reviewer's
    // finding: the first file's last batch went after the second's parts).
    let a = format!("{HEAD}X1,C1,2025-01-01,P1,K1,1.00,web\nD1,C9,2025-01-02,P1,K1,3.00,web\n");
    let mut b =
        format!("{HEAD}X1,C2,2025-01-01,P2,K1,100.00,web\nD1,C9,2025-01-02,P1,K1,3.00,web\n");
    for i in 0..40 {
        writeln!(b, "E{i},C9,2025-01-03,P2,K1,3.00,web").unwrap();
    }
    let w = Workdir::with(&[("a.csv", &a), ("b.csv", &b)]);
    let line = "compute --metric aov - b.csv --skip-invalid --format csv";
    let (code, out, err) = same_with_stdin(&w, line, Some("a.csv"));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("  b.csv:2: order \"X1\" has customer \"C2\""),
        "{err}"
    );
    // aov: X1 1.00, D1 3.00 and its twin in b.csv (counted as data), E0 to E39 3.00 each:
    // (1 + 6 + 120) / 42 orders = 3.0238...
    assert!(out.contains("\naov,all,,3.0238"), "{out}");
    let (_, _, err) = same_with_stdin(&w, &format!("{line} --dedupe"), Some("a.csv"));
    assert!(err.contains("dropped 1 order line identical"), "{err}");
}

#[test]
fn more_threads_than_a_process_may_start_are_not_started() {
    let w = Workdir::with(&[("o.csv", &orders(300, "\n", |_, _| String::new()))]);
    let mut cmd = w.cmd("compute --metric aov o.csv --threads 65535");
    cmd.env("XSELL_PART_BYTES", "1");
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn the_shipped_fixtures_give_the_same_at_every_thread_count() {
    // fixtures/orders.csv is 208 KB: parts of 1 KB to 64 KB cut it in 4 to 203 places.
    let file = |path: &str| crate_file(path).display().to_string();
    let (orders, campaigns) = (file("fixtures/orders.csv"), file("fixtures/campaigns.csv"));
    let w = Workdir::new();
    let sizes = ["1000", "4096", "65536"];
    for line in [
        format!(
            "report {orders} --campaigns {campaigns} --industry e-commerce --by channel \
             --period month --format csv"
        ),
        format!("pairs {orders} --format csv"),
        format!("cohort {orders} --format csv"),
        format!(
            "compute --metric cross-sell,aov,repeat-rate {} --preset online-retail --format csv",
            file("fixtures/exports/online-retail/online_retail_II.csv")
        ),
        format!(
            "compute --metric cross-sell,aov {} --preset shopify --format csv",
            file("fixtures/exports/shopify/orders_export.csv")
        ),
    ] {
        let (code, out, err) = same_in_parts_of(&w, &line, None, &sizes);
        assert_eq!(code, Some(0), "{line}: {err}");
        assert!(out.lines().count() > 1, "{line}: {out}");
    }
}

/// Customers are looked up on the threads that read the parts, and given their ids in order:
/// an order whose lines disagree on the customer, near and far from its first line, is named
/// alike; so is a customer first met in a bad row, or in a row of an order of another
/// customer, then in good rows; the customers counted and every KPI are the same.
#[test]
fn customers_met_first_in_bad_rows_and_orders_that_disagree_are_named_alike() {
    let mut text = orders(300, "\n", |row, _| match row {
        // The next line of order 1 (customer C… in the file), with another customer, at once.
        0 => "O1,New1,2025-03-03,P1,K1,1.00,web\n".into(),
        // New2 first in a bad row (its amount), later in a good one.
        40 => "O9999,New2,2025-03-03,P1,K1,ten,web\n".into(),
        41 => "O9998,New2,2025-03-04,P1,K1,2.00,web\n".into(),
        // New3 first in a line of order 5, whose customer is another.
        120 => "O5,New3,2025-03-03,P1,K1,1.00,web\n".into(),
        200 => "O9997,New3,2025-03-05,P1,K1,3.00,web\n".into(),
        _ => String::new(),
    });
    // Order 2 again at the end, with its own customer's id and with another's.
    let second = text
        .lines()
        .find(|l| l.starts_with("O2,"))
        .unwrap()
        .to_string();
    text.push_str(&format!("{second}\n"));
    text.push_str(&second.replacen(",C", ",New1", 1));
    text.push('\n');
    let w = Workdir::with(&[("o.csv", &text)]);
    let (code, out, err) = same_for_every_thread_count(&w, REPORT);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.is_empty());
    for message in [
        "order \"O1\" has customer \"New1\", but o.csv:2 gives it customer \"C",
        "order \"O5\" has customer \"New3\"",
        "order \"O2\" has customer \"New1",
        "o.csv:341 repeats o.csv:4",
    ] {
        assert!(err.contains(message), "{message}: {err}");
    }
    assert!(err.contains("skipped 4 invalid rows of 308 rows"), "{err}");
    let line = "compute --metric clv o.csv --skip-invalid --format csv";
    let (code, out, _) = same_for_every_thread_count(&w, line);
    assert_eq!((code, out.lines().count()), (Some(0), 3), "{out}");
}
