//! Parquet files read directly: the files of `tests/parquet/`, written by DuckDB (its
//! `make.py` describes them), through the real binary.
//!
//! types.parquet holds the order lines of tests/workbooks' Orders sheet, each column typed:
//!
//! | order_id (UBIGINT)   | customer_id | order_date (UTC)    | product_id | amount | campaign_id |
//! |----------------------|-------------|---------------------|------------|--------|-------------|
//! | 18446744073709551615 | C1          | 2024-03-05 10:00:00 | P1         | 2.55   | K1          |
//! | 18446744073709551615 | C1          | 2024-03-05 10:00:00 | Mug, large | 10     | K1          |
//! | 2                    | C1          | 2024-04-01          | P1         | 7.45   | (null)      |
//! | 3                    | C2          | 2024-03-10          | P2         | 20     | (null)      |
//! | 4                    | C3          | 2024-03-11          | P1         | 4.5    | (null)      |
//! | 4                    | C3          | 2024-03-11          | Mug, large | 5.5    | (null)      |
//!
//! with the amount in five columns: DECIMAL(9,2), DECIMAL(18,2), DECIMAL(38,2), DOUBLE, FLOAT.

use crate::workdir::{Workdir, assert_error, has_all, ok, run, xsell, xsell_args};

/// The amount columns of types.parquet, one for each way of storing it.
const AMOUNTS: [&str; 5] = ["dec_i32", "dec_i64", "dec_wide", "dbl", "flt"];

/// `xsell ARGS` run from the crate's root: its exit code, stdout and stderr.
fn xsell_run(args: &str) -> (Option<i32>, String, String) {
    run(&mut xsell(args))
}

#[test]
fn a_parquet_file_gives_the_report_and_messages_its_csv_gives() {
    let csv = "report fixtures/orders.csv --campaigns fixtures/campaigns.csv --format csv";
    let parquet = "report tests/parquet/orders.parquet --campaigns tests/parquet/campaigns.parquet \
         --format csv";
    let (code, out, err) = xsell_run(csv);
    assert_eq!(code, Some(0), "{err}");
    // The same numbers, and the same warnings naming the same lines, under the other names.
    let renamed = |text: &str| {
        text.replace("tests/parquet/orders.parquet", "fixtures/orders.csv")
            .replace("tests/parquet/campaigns.parquet", "fixtures/campaigns.csv")
    };
    for threads in ["1", "2", "4"] {
        let (code, got, got_err) = xsell_run(&format!("{parquet} --threads {threads}"));
        assert_eq!(code, Some(0), "{got_err}");
        assert_eq!(renamed(&got), out, "--threads {threads}");
        assert_eq!(renamed(&got_err), err, "--threads {threads}");
    }
    assert!(err.contains("fixtures/orders.csv:168 repeats"), "{err}");
}

#[test]
fn pairs_and_cohorts_read_parquet_as_they_read_csv() {
    for command in [
        "pairs --format csv",
        "cohort --format csv",
        "cohort --metric revenue --period quarter --format csv",
    ] {
        let csv = ok(&mut xsell(&format!("{command} fixtures/orders.csv")));
        let parquet = ok(&mut xsell(&format!(
            "{command} tests/parquet/orders.parquet"
        )));
        assert_eq!(parquet, csv, "{command}");
    }
}

#[test]
fn amounts_stored_every_way_are_read_exactly() {
    // Orders: 18446744073709551615 = 2.55 + 10 = 12.55; 2 = 7.45; 3 = 20; 4 = 4.5 + 5.5 = 10.
    // aov = 50.00 / 4 = 12.50; repeat-rate = 1 (C1: two orders) / 3 customers;
    // cross-sell = 2 (C1: P1 and the mug; C3 too) / 3.
    for column in AMOUNTS {
        let out = ok(&mut xsell(&format!(
            "compute --metric aov,repeat-rate,cross-sell tests/parquet/types.parquet \
             --map amount={column} --format csv"
        )));
        let rows: Vec<&str> = out.lines().skip(1).collect();
        assert!(
            rows[0].starts_with("aov,all,,12.5,50.00,4,"),
            "{column}: {out}"
        );
        assert!(
            rows[1].starts_with("repeat-rate,all,,0.333"),
            "{column}: {out}"
        );
        assert!(rows[1].contains(",1,3,"), "{column}: {out}");
        assert!(
            rows[2].starts_with("cross-sell,all,,0.666"),
            "{column}: {out}"
        );
        assert!(rows[2].contains(",2,3,"), "{column}: {out}");
    }
}

#[test]
fn typed_ids_and_timestamps_read_as_a_csv_export_writes_them() {
    // The unsigned id above i64's range is written whole; the decimal with its scale's digits
    // (10 as 10.00); the timestamp stored in UTC gives its UTC date.
    let out = ok(&mut xsell(
        "inspect tests/parquet/types.parquet --map amount=dec_wide",
    ));
    has_all(
        &out,
        &[
            "18446744073709551615 | 2 | 3",
            "2024-03-05 | 2024-04-01 | 2024-03-10",
            "P1 | Mug, large | P2",
            "2.55 | 10.00 | 7.45",
            "6 rows read from tests/parquet/types.parquet: 4 order ids, 3 customers",
        ],
    );
    // By month: March = 12.55 + 20 + 10 = 42.55 over 3 orders; April = 7.45 over 1. The same
    // from the DATE column, and with a --date-format pinned for CSV files (the typed dates are
    // written in its pattern for the reader).
    for more in [
        "",
        "--map order_date=day",
        "--map order_date=day --date-format %d/%m/%Y",
    ] {
        let out = ok(&mut xsell(&format!(
            "compute --metric aov --period month tests/parquet/types.parquet --map amount=dbl \
             {more} --format csv"
        )));
        has_all(
            &out,
            &[
                "aov,all,2024-03,14.18",
                ",42.55,3,",
                "aov,all,2024-04,7.45,7.45,1,",
            ],
        );
    }
}

#[test]
fn a_nested_column_is_refused_by_name_only_when_it_is_read() {
    let base = "compute --metric aov tests/parquet/types.parquet --map amount=dbl";
    ok(&mut xsell(base));
    for more in ["--by column:tags", "--where tags='a'"] {
        let (code, _, err) = xsell_run(&format!("{base} {more}"));
        assert_eq!(code, Some(2), "{more}: {err}");
        assert!(
            err.contains(
                "tests/parquet/types.parquet: column \"tags\" is a nested column (a list, map \
                 or struct), which xsell does not read"
            ),
            "{more}: {err}"
        );
    }
    // A condition on a column read for it alone: the three lines of product P1, 2.55 + 7.45 +
    // 4.5 = 14.50 over three orders, 4.8333 each.
    let out = ok(&mut xsell(&format!(
        "{base} --where product_id='P1' --format csv"
    )));
    assert!(out.contains("aov,all,,4.833333333333333,14.50,3,"), "{out}");
}

#[test]
fn a_bad_cell_names_its_row_as_a_csv_export_numbers_it() {
    // The header is line 1: the first row is line 2.
    let (code, _, err) =
        xsell_run("compute --metric aov tests/parquet/types.parquet --map amount=customer_id");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("tests/parquet/types.parquet:2: column amount: \"C1\" is not valid"),
        "{err}"
    );
    // Skipped, every row is counted and the first reasons named.
    let (code, _, err) = xsell_run(
        "compute --metric aov tests/parquet/types.parquet --map amount=customer_id \
         --skip-invalid",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("every row of tests/parquet/types.parquet was invalid"),
        "{err}"
    );
}

#[test]
fn a_damaged_parquet_file_is_an_error_that_says_so() {
    let (code, out, err) = xsell_run("compute --metric aov tests/parquet/damaged.parquet");
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(
            "cannot read tests/parquet/damaged.parquet: the file starts as a Parquet file but \
             cannot be read as one"
        ) && err.contains("it may be cut short or damaged"),
        "{err}"
    );
}

#[test]
fn parquet_is_read_from_standard_input_and_under_any_name() {
    let bytes = std::fs::read(crate::workdir::crate_file("tests/parquet/types.parquet")).unwrap();
    let dir = Workdir::new();
    dir.write("orders.csv", &bytes);
    let named = ok(&mut dir.cmd("compute --metric aov orders.csv --map amount=dbl --format csv"));
    assert!(named.contains("aov,all,,12.5,50.00,4,"), "{named}");
    let mut stdin = xsell_args(
        dir.dir(),
        [
            "compute",
            "--metric",
            "aov",
            "-",
            "--map",
            "amount=dbl",
            "--format",
            "csv",
        ],
    );
    assert_eq!(ok(stdin.write_stdin(bytes)), named);
}

#[test]
fn a_sheet_option_on_a_parquet_file_is_refused() {
    let out = xsell("compute --metric aov tests/parquet/types.parquet --map amount=dbl --sheet x")
        .output()
        .unwrap();
    assert_error(
        &out,
        "tests/parquet/types.parquet: --sheet x names a sheet, but the file is Parquet, not a \
         workbook: drop --sheet",
    );
}

#[test]
fn a_codec_xsell_does_not_read_is_named() {
    let out = xsell("compute --metric aov tests/parquet/lz4.parquet --map amount=dbl")
        .output()
        .unwrap();
    assert_error(
        &out,
        "tests/parquet/lz4.parquet: column \"order_id\" is compressed with LZ4, which xsell does \
         not read (it reads snappy, zstd, gzip and uncompressed files); write the file again \
         with one of those, e.g. DuckDB's COPY ... (FORMAT parquet, COMPRESSION zstd)",
    );
}

#[test]
fn fill_down_columns_and_fine_timestamps_read_as_the_csv_export_reads_them() {
    // apart.parquet: order A's lines apart (A, B, A, A), an Email column that only --fill-down
    // names, and A's lines 10:00:00.000250 and 10:00:00.000900 apart: DuckDB's CSV export of
    // it, apart.csv, is read the same way. Orders: A = 2.50 + 2.50 + 1.25 = 6.25, B = 4.00;
    // aov = 10.25 / 2; cross-sell = 1 (C1: P1 and P3) / 2. No line repeats another: the
    // fractions of a millisecond tell the two P1 lines apart.
    let run_on = |file: &str| {
        xsell_run(&format!(
            "compute --metric aov,cross-sell --fill-down Email tests/parquet/{file} --format csv"
        ))
    };
    let (code, out, err) = run_on("apart.parquet");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("aov,all,,5.125,10.25,2,"), "{out}");
    assert!(out.contains("cross-sell,all,,0.5,1,2,"), "{out}");
    assert!(!err.contains("identical to an earlier line"), "{err}");
    let (_, csv_out, csv_err) = run_on("apart.csv");
    assert_eq!(out, csv_out);
    assert_eq!(err.replace("apart.parquet", "apart.csv"), csv_err);
}
