//! Each command takes only the options it uses: its `--help` lists those, an option it would
//! ignore is refused (exit 2) with a tip that names the commands taking it, and `pairs --for`
//! reads its item as the orders' cells are read.

use crate::workdir::{Workdir, csv_rows, fails, fails_usage, ok, xsell, xsell_in};

/// The options a command's `--help` lists (`--name`, and `-x` for those with a short form):
/// the lines that start an option (`  -q, --quiet`, `      --from <DATE>`), not its text below.
fn listed(command: &str) -> Vec<String> {
    let help = ok(&mut xsell(&format!("{command} --help")));
    let starts = help.lines().filter(|l| {
        let indent = l.len() - l.trim_start().len();
        indent < 10 && l.trim_start().starts_with('-')
    });
    let names = starts.flat_map(|l| {
        let head = l.trim().split(' ').take(2).collect::<Vec<_>>().join(" ");
        let names: Vec<String> = head
            .split(", ")
            .map(|n| n.split([' ', '<']).next().unwrap_or_default().to_string())
            .collect();
        names
    });
    names.collect()
}

const CAMPAIGNS: [&str; 3] = ["--campaigns", "--campaigns-map", "--campaigns-sheet"];
const CUSTOMERS: [&str; 3] = ["--customers", "--customers-map", "--customers-sheet"];
const CLV: [&str; 3] = ["--clv-model", "--margin", "--lifespan"];
const RUN: [&str; 8] = [
    "--from",
    "--to",
    "--format",
    "--skip-invalid",
    "--max-invalid",
    "--threads",
    "--quiet",
    "-q",
];

/// Per command: options it must list, and options of other commands it must not.
fn cases() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    let all = |groups: &[&[&'static str]]| groups.concat();
    vec![
        (
            "compute",
            all(&[
                &CAMPAIGNS,
                &CUSTOMERS,
                &CLV,
                &RUN,
                &["--level", "--confidence", "--by"],
            ]),
            vec!["--basket", "--for", "--a"],
        ),
        (
            "report",
            all(&[
                &CAMPAIGNS,
                &CUSTOMERS,
                &CLV,
                &RUN,
                &["--level", "--confidence", "--by"],
            ]),
            vec!["--metric", "--basket", "--for"],
        ),
        (
            "compare",
            all(&[&CAMPAIGNS, &CUSTOMERS, &RUN, &["--level", "--confidence"]]),
            all(&[&CLV, &["--period", "--industry", "--top"]]),
        ),
        (
            "pairs",
            all(&[&CUSTOMERS, &RUN, &["--level", "--for", "--by", "--top"]]),
            all(&[
                &CAMPAIGNS,
                &CLV,
                &["--confidence", "--period", "--industry"],
            ]),
        ),
        (
            "cohort",
            all(&[&RUN, &["--period", "--metric"]]),
            all(&[
                &CAMPAIGNS,
                &CUSTOMERS,
                &CLV,
                &["--level", "--confidence", "--by"],
            ]),
        ),
        (
            "inspect",
            all(&[
                &CAMPAIGNS,
                &CUSTOMERS,
                &["--level", "--output", "--preset", "--map"],
            ]),
            all(&[&RUN, &CLV, &["--confidence", "--by"]]),
        ),
    ]
}

#[test]
fn each_help_lists_the_options_its_command_takes_and_no_other() {
    for (command, takes, refuses) in cases() {
        let listed = listed(command);
        for option in takes {
            assert!(
                listed.iter().any(|o| o == option),
                "{command}: {option} not in {listed:?}"
            );
        }
        for option in refuses {
            assert!(
                !listed.iter().any(|o| o == option),
                "{command} lists {option}"
            );
        }
    }
}

#[test]
fn an_option_a_command_would_ignore_is_refused_naming_who_takes_it() {
    for (command, _, refuses) in cases() {
        for option in refuses {
            let line = format!("{command} fixtures/orders.csv {option}");
            let err = fails_usage(&mut xsell(&line));
            let name = option;
            assert!(
                err.starts_with(&format!("error: unexpected argument '{name}' found")),
                "{line}: {err}"
            );
            assert!(
                err.contains(&format!("tip: xsell {command} does not use {name}; ")),
                "{line}: {err}"
            );
        }
    }
}

// The case: accepted and ignored before.
#[test]
fn pairs_refuses_confidence() {
    let err = fails_usage(&mut xsell(
        "pairs --min-count 1 fixtures/orders.csv --confidence 0.9",
    ));
    assert_eq!(
        err,
        "error: unexpected argument '--confidence' found\n\n  \
         tip: xsell pairs does not use --confidence; compute, report and compare do\n\n\
         Usage: xsell pairs [OPTIONS] [ORDERS]...\n\n\
         For more information, try '--help'.\n"
    );
    let err = fails_usage(&mut xsell("cohort fixtures/orders.csv --level category"));
    assert!(
        err.contains(
            "tip: xsell cohort does not use --level; compute, report, compare, pairs, sql and \
             inspect do"
        ),
        "{err}"
    );
}

#[test]
fn an_option_no_command_takes_keeps_clap_s_suggestion() {
    let err = fails_usage(&mut xsell(
        "pairs --min-count 1 fixtures/orders.csv --min-confidenc 0.5",
    ));
    assert!(
        err.contains("a similar argument exists: '--min-confidence'"),
        "{err}"
    );
    assert!(!err.contains("does not use"), "{err}");
}

#[test]
fn inspect_writes_no_csv() {
    let w = Workdir::new();
    let orders = crate::workdir::crate_file("fixtures/orders.csv");
    let line = format!("inspect {} -o inspect.csv", orders.display());
    let err = fails(&mut w.cmd(&line));
    assert_eq!(
        err,
        "xsell: error: xsell inspect prints a table for people to read (or Markdown), not CSV, \
         JSON or HTML; give -o a name that does not end in .csv, .json or .html\n"
    );
    assert!(!w.path("inspect.csv").exists());
}

// Four order baskets: O1 {a, b}, O2 {a, c}, O3 {a, b}, O4 {b}; the cell " c " is read as c.
// a is in 3 baskets, b in 3, c in 1. The rules for buyers of a, by lift:
//   a -> c: count 1, support 1/4, confidence 1/3, lift (1/3) / (1/4) = 4/3
//   a -> b: count 2, support 2/4, confidence 2/3, lift (2/3) / (3/4) = 8/9
const BASKETS: &str = "order_id,customer_id,order_date,product_id,amount\n\
    O1,U1,2025-01-01,a,1\nO1,U1,2025-01-01,b,1\n\
    O2,U2,2025-01-02,a,1\nO2,U2,2025-01-02, c ,1\n\
    O3,U3,2025-01-03,a,1\nO3,U3,2025-01-03,b,1\n\
    O4,U4,2025-01-04,b,1\n";

#[test]
fn pairs_for_is_trimmed_as_cells_are() {
    let w = Workdir::with(&[("o.csv", BASKETS)]);
    let rules = |item: &str| {
        let out =
            ok(xsell_in(w.dir(), "pairs --min-count 1 o.csv --format csv").args(["--for", item]));
        csv_rows(&out)
    };
    let plain = rules("a");
    let cells = |r: &Vec<String>| (r[1].clone(), r[2].clone(), r[3].clone());
    let number = |r: &Vec<String>, i: usize| r[i].parse::<f64>().unwrap();
    assert_eq!(
        plain.iter().map(cells).collect::<Vec<_>>(),
        [
            ("a".into(), "c".into(), "1".into()),
            ("a".into(), "b".into(), "2".into())
        ]
    );
    for (row, (support, confidence, lift)) in plain.iter().zip([
        (1.0 / 4.0, 1.0 / 3.0, 4.0 / 3.0),
        (2.0 / 4.0, 2.0 / 3.0, 8.0 / 9.0),
    ]) {
        assert!((number(row, 4) - support).abs() < 1e-6, "{row:?}");
        assert!((number(row, 5) - confidence).abs() < 1e-6, "{row:?}");
        assert!((number(row, 6) - lift).abs() < 1e-6, "{row:?}");
    }
    assert_eq!(rules(" a "), plain);
    assert_eq!(rules("\ta  "), plain);
    // Unicode white space and invisible characters go as they do from cells.
    assert_eq!(rules("\u{A0}a\u{200B}"), plain);
    // The cell " c " is the item c, and so is --for " c ".
    assert_eq!(rules(" c ").len(), 1);
}

#[test]
fn pairs_for_nothing_is_refused() {
    let w = Workdir::with(&[("o.csv", BASKETS)]);
    for item in ["  ", "", "\u{3000}"] {
        let err = fails_usage(xsell_in(w.dir(), "pairs --min-count 1 o.csv").args(["--for", item]));
        assert_eq!(
            err,
            format!(
                "error: invalid value '{item}' for '--for <ITEM>': expected the name of an item \
                 (a product, or a category with --level category)\n\n\
                 For more information, try '--help'.\n"
            )
        );
    }
}
