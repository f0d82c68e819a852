//! Operational faults (issue 15): an output that is an input, a write that fails part-way,
//! standard output and standard error that fail.

use std::io::Read;
use std::process::Stdio;

use crate::workdir::*;

const ORDERS: &str = "order_id,customer_id,order_date,product_id,amount\n\
                      O1,C1,2025-01-01,P1,10.00\n\
                      O2,C2,2025-01-02,P1,30.00\n";

#[test]
fn an_output_that_is_an_input_is_refused() {
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    std::os::unix::fs::symlink(w.path("o.csv"), w.path("link.csv")).unwrap();
    std::fs::hard_link(w.path("o.csv"), w.path("hard.csv")).unwrap();
    for output in ["o.csv", "./o.csv", "link.csv", "hard.csv"] {
        let err = fails(&mut w.cmd(&format!("compute --metric aov o.csv -o {output}")));
        has_all(
            &err,
            &[&format!(
                "-o {output} is the input o.csv: writing it would destroy it"
            )],
        );
        assert_eq!(w.read("o.csv"), ORDERS, "{output}");
    }
}

#[test]
fn a_write_that_fails_part_way_leaves_the_previous_file() {
    // A file-size limit of 1 block (512 bytes) stops a report of every metric by segment and
    // month part-way; score.csv keeps what it held.
    let w = Workdir::with(&[("o.csv", ORDERS), ("score.csv", "the previous scorecard\n")]);
    let mut long = String::from("order_id,customer_id,order_date,product_id,amount,segment\n");
    for i in 0..400 {
        long.push_str(&format!(
            "O{i},C{},2025-{:02}-01,P{},10.00,s{}\n",
            i % 50,
            i % 12 + 1,
            i % 9,
            i % 7
        ));
    }
    w.write("long.csv", &long);
    // The limit's signal (SIGXFSZ) would kill xsell half-way and leave its temporary file
    // behind; caught, the write fails and the run cleans up and says so.
    let xsell = env!("CARGO_BIN_EXE_xsell");
    let line = "compute --metric all long.csv --by segment --period month -o score.csv";
    let mut limited = assert_cmd::Command::new("bash");
    limited
        .current_dir(w.dir())
        .args(["-c", &format!("ulimit -f 1; exec {xsell} {line}")]);
    let err = fails_after_warnings(&mut limited);
    has_all(
        &err,
        &["xsell: error: cannot write score.csv; it is left as it was: File too large"],
    );
    assert_eq!(w.read("score.csv"), "the previous scorecard\n");
    let left: Vec<_> = std::fs::read_dir(w.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".xsell-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    // Without the limit the file is replaced whole: aov = (10.00 + 30.00) / 2.
    ok(&mut w.cmd("compute --metric aov o.csv -o score.csv"));
    assert_eq!(
        w.read("score.csv").lines().nth(1),
        Some("aov,all,,20,40.00,2,,,")
    );
}

#[test]
fn the_output_files_extension_chooses_csv_or_json() {
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    ok(&mut w.cmd("compute --metric aov o.csv -o out.json"));
    let json = objects(&w.read("out.json"));
    assert_eq!(json[0]["numerator"], serde_json::json!(40.0));
    ok(&mut w.cmd("compute --metric aov o.csv -o out.CSV"));
    assert!(w.read("out.CSV").starts_with(HEADER));
    // --format wins over the extension.
    ok(&mut w.cmd("compute --metric aov o.csv -o out.csv --format json"));
    assert!(w.read("out.csv").starts_with('['));
}

#[test]
fn a_full_standard_output_is_named() {
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xsell"))
        .current_dir(w.dir())
        .args(["compute", "--metric", "aov", "o.csv"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    has_all(
        &String::from_utf8_lossy(&out.stderr),
        &["xsell: error: cannot write standard output: No space left on device"],
    );
}

#[test]
fn a_broken_standard_error_does_not_panic() {
    // stderr's reader is gone before xsell writes its warning (line 3 repeats line 2).
    let w = Workdir::with(&[("o.csv", &format!("{ORDERS}O2,C2,2025-01-02,P1,30.00\n"))]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xsell"))
        .current_dir(w.dir())
        .args(["compute", "--metric", "aov", "o.csv", "-o", "out.csv"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a panic exits 101");
    let mut text = String::new();
    std::fs::File::open(w.path("out.csv"))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    // O1 10.00, O2 30.00 + 30.00 (the repeat counts, with the warning no one read): 70.00 / 2.
    assert!(text.contains("aov,all,,35,70.00,2"), "{text}");
}

#[test]
fn a_closed_standard_error_does_not_panic() {
    // `2>&-`: a warning (line 3 repeats line 2) and an error with nowhere to go; the result
    // still comes out, and the error still gives its exit code.
    let w = Workdir::with(&[("o.csv", &format!("{ORDERS}O2,C2,2025-01-02,P1,30.00\n"))]);
    let xsell = env!("CARGO_BIN_EXE_xsell");
    let closed = |line: &str| {
        let mut cmd = assert_cmd::Command::new("bash");
        cmd.current_dir(w.dir())
            .args(["-c", &format!("exec {xsell} {line} 2>&-")]);
        cmd
    };
    let out = ok(&mut closed("compute --metric aov o.csv --format csv"));
    assert_eq!(out.lines().nth(1), Some("aov,all,,35,70.00,2,,,"));
    fails_usage(&mut closed("compute --metric aov missing.csv"));
}

#[test]
fn a_closed_standard_output_is_an_error_and_a_null_one_is_not() {
    // `>&-`: the result would go nowhere. A /dev/null given on purpose, even opened for reading
    // and writing as the runtime opens it in place of a closed one, is a choice: exit 0.
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    let xsell = env!("CARGO_BIN_EXE_xsell");
    let run = |redirect: &str| {
        let mut cmd = assert_cmd::Command::new("bash");
        cmd.current_dir(w.dir()).args([
            "-c",
            &format!("exec {xsell} compute --metric aov o.csv {redirect}"),
        ]);
        run(&mut cmd)
    };
    let (code, _, err) = run(">&-");
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "xsell: error: cannot write standard output: it was closed when xsell started (>&-); \
         write to a file with -o FILE, or send standard output to /dev/null\n"
    );
    for redirect in ["> /dev/null", "1<>/dev/null", "-o out.csv >&-"] {
        assert_eq!(
            run(redirect),
            (Some(0), String::new(), String::new()),
            "{redirect}"
        );
    }
    assert_eq!(
        w.read("out.csv").lines().nth(1),
        Some("aov,all,,20,40.00,2,,,")
    );
}

#[test]
fn the_same_file_twice_is_refused() {
    // Its lines would count twice: aov would be (40.00 + 40.00) / 2 orders, not 40.00 / 2.
    let w = Workdir::with(&[("o.csv", ORDERS)]);
    std::fs::hard_link(w.path("o.csv"), w.path("hard.csv")).unwrap();
    for other in ["./o.csv", "hard.csv"] {
        let err = fails(&mut w.cmd(&format!("compute --metric aov o.csv {other}")));
        has_all(
            &err,
            &[&format!(
                "o.csv and {other} are the same file: its lines would count twice"
            )],
        );
    }
}

#[test]
fn the_footer_counts_in_the_singular_too() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\nO1,C1,2025-01-01,P1,10.00\n",
    )]);
    let out = ok(&mut w.cmd("compute --metric aov o.csv"));
    has_all(&out, &["1 line, 1 order, 1 customer read from o.csv"]);
}

#[test]
fn odd_option_values_are_named() {
    let err = fails_usage(&mut xsell("report fixtures/orders.csv --top -1"));
    has_all(
        &err,
        &["--top <N>': expected a number of groups, 1 or more, not \"-1\""],
    );
    let err = fails_usage(&mut xsell_args(
        manifest(),
        ["report", "fixtures/orders.csv", "--delimiter", "\""],
    ));
    has_all(&err, &["cannot separate fields: it quotes them"]);
    let err = fails_usage(&mut xsell(
        "report fixtures/orders.csv --skip-invalid --max-invalid 101%",
    ));
    has_all(
        &err,
        &["101% is not a share of the rows: a percentage from 0% to 100%"],
    );
}

#[test]
fn pair_work_past_its_bound_stops_before_counting() {
    // One order of 5 items: 5 × 4 / 2 = 10 pairs.
    let mut text = String::from("order_id,customer_id,order_date,product_id,amount\n");
    for i in 0..5 {
        text.push_str(&format!("O1,C1,2025-01-01,P{i},1.00\n"));
    }
    let w = Workdir::with(&[("o.csv", &text)]);
    let err = fails(&mut w.cmd("pairs o.csv --max-pairs 9"));
    has_all(
        &err,
        &["the baskets hold 10 pairs to count, more than --max-pairs 9"],
    );
    ok(&mut w.cmd("pairs o.csv --max-pairs 10"));
}

#[test]
fn a_huge_or_hostile_header_gives_a_short_escaped_message() {
    // A million commas: the error is a line, not megabytes; an escape code is shown escaped.
    let w = Workdir::with(&[
        ("commas.csv", &format!("{}\n", ",".repeat(1_000_000))),
        ("esc.csv", "\u{1b}[31mred,b\n1,2\n"),
    ]);
    let err = fails(&mut w.cmd("compute --metric aov commas.csv"));
    assert!(err.len() < 1000, "{} bytes", err.len());
    has_all(&err, &["… (1000001 columns in all)"]);
    let err = fails(&mut w.cmd("compute --metric aov esc.csv"));
    has_all(&err, &["found columns: \\u{1b}[31mred, b;"]);
    assert!(!err.contains('\u{1b}'), "{err:?}");
}
