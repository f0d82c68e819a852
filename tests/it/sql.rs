//! Issue 17: `xsell sql` through the binary. The statements are run on real engines by
//! `.ci/sql/run` (DuckDB, PostgreSQL), which compares every numerator and denominator with
//! `xsell compute`; here, what the command prints and refuses.

use crate::workdir::*;

const DIALECTS: [&str; 5] = ["duckdb", "postgres", "spark", "bigquery", "snowflake"];

/// Each dialect, with sqlparser's grammar of its engine (Databricks' for Spark).
fn grammars() -> [(&'static str, Box<dyn sqlparser::dialect::Dialect>); 5] {
    use sqlparser::dialect::{
        BigQueryDialect, DatabricksDialect, DuckDbDialect, PostgreSqlDialect, SnowflakeDialect,
    };
    [
        ("duckdb", Box::new(DuckDbDialect {})),
        ("postgres", Box::new(PostgreSqlDialect {})),
        ("spark", Box::new(DatabricksDialect {})),
        ("bigquery", Box::new(BigQueryDialect {})),
        ("snowflake", Box::new(SnowflakeDialect {})),
    ]
}

/// Each `xsell LINE` fails with a usage error (exit 2, nothing on stdout) whose message holds
/// MESSAGE.
#[track_caller]
fn refused(cases: &[(&str, &str)]) {
    for (line, message) in cases {
        let (code, out, err) = run(&mut xsell(line));
        assert_eq!((code, out.as_str()), (Some(2), ""), "{line}");
        assert!(err.contains(message), "{line}: {err}");
    }
}

/// `xsell LINE`, which must print one statement that parses in `grammar`: its text.
#[track_caller]
fn one_statement(line: &str, grammar: &dyn sqlparser::dialect::Dialect) -> String {
    let (code, out, err) = run(&mut xsell(line));
    assert_eq!(code, Some(0), "{line}: {err}");
    assert!(out.starts_with("WITH\n") && out.ends_with(";\n"), "{out}");
    let parsed = sqlparser::parser::Parser::parse_sql(grammar, &out);
    assert!(
        parsed.as_ref().is_ok_and(|s| s.len() == 1),
        "{line}: {parsed:?}\n{out}"
    );
    out
}

#[test]
fn every_dialect_prints_one_statement_over_the_named_table() {
    for dialect in DIALECTS {
        for extra in [
            "",
            " --by channel --period week",
            " --by segment --period quarter",
        ] {
            let line = format!(
                "sql --metric cross-sell,loyalty-cross-sell,aov,clv,retention,repeat-rate --dialect {dialect} \
                 --orders-table sales.order_lines{extra}"
            );
            let (code, out, err) = run(&mut xsell(&line));
            assert_eq!(code, Some(0), "{line}: {err}");
            assert!(
                out.starts_with("WITH\n") && out.ends_with(";\n"),
                "{line}: {out}"
            );
            assert_eq!(out.matches(';').count(), 1, "one statement: {out}");
            assert!(out.contains("FROM sales.order_lines\n"), "{out}");
            for metric in ["'cross-sell'", "'aov'", "'clv'", "'repeat-rate'"] {
                assert!(out.contains(metric), "{line}: {metric}");
            }
        }
    }
}

#[test]
fn each_dialect_writes_its_own_iso_week_label() {
    let week = |dialect: &str| {
        let line = format!("sql --metric aov --dialect {dialect} --period week");
        run(&mut xsell(&line)).1
    };
    // PostgreSQL: `W` quoted, or it is the week of the month; BigQuery's %G-W%V is ISO.
    assert!(week("postgres").contains(r#"to_char(l.d, 'IYYY-"W"IW')"#));
    assert!(week("bigquery").contains("FORMAT_DATE('%G-W%V', l.d)"));
    assert!(week("snowflake").contains("YEAROFWEEKISO(l.d)"));
    assert!(week("spark").contains("year(date_add(l.d, 4 - ((dayofweek(l.d) + 5) % 7 + 1)))"));
    assert!(week("duckdb").contains("isoyear(l.d)"));
}

#[test]
fn what_is_not_rendered_is_refused_with_what_is() {
    refused(&[
        (
            "sql --metric roi --dialect duckdb",
            "roi needs the campaigns table: name it with --campaigns-table",
        ),
        (
            "sql --metric ctr --dialect duckdb --campaigns-table c --period month",
            "ctr cannot be split by --period: campaign costs and counts are not dated",
        ),
        (
            "sql --metric cac --dialect duckdb --campaigns-table c --by segment",
            "cac cannot be split by segment: it is measured per campaign",
        ),
        (
            "sql --metric aov --dialect duckdb --by campaign-type",
            "aov --by campaign-type needs the campaigns table, for each line's campaign's type: \
             name it with --campaigns-table",
        ),
        (
            "sql --metric aov --dialect duckdb --by channel --by segment --by channel",
            "--by channel is given twice",
        ),
        (
            "sql --metric roi --dialect duckdb --campaigns-table c --by channel --by segment",
            "roi cannot be split by segment: it is measured per campaign",
        ),
        (
            "sql --metric cross-sell --dialect duckdb --by category --level product",
            "--level product contradicts --by category",
        ),
        (
            "sql --metric aov --dialect duckdb --orders-table orders;DROP",
            "expected a table name",
        ),
        (
            "sql --metric ctr --dialect duckdb --campaigns-table c;DROP",
            "--campaigns-table \"c;DROP\": expected a table name",
        ),
        (
            "sql --metric aov --dialect duckdb --orders-table sales.\"orders",
            "expected a table name",
        ),
        (
            "sql --metric aov --dialect duckdb --from 2025-02-01 --to 2025-01-01",
            "--from 2025-02-01 is after --to 2025-01-01",
        ),
    ]);
    // Quoted parts of a table's name pass as they are.
    for table in ["sales.\"Order Lines\"", "`shop-1`.orders", "[dbo].[orders]"] {
        let (code, out, err) = run(&mut xsell_args(
            manifest(),
            [
                "sql",
                "--metric",
                "aov",
                "--dialect",
                "duckdb",
                "--orders-table",
                table,
            ],
        ));
        assert_eq!(code, Some(0), "{table}: {err}");
        assert!(out.contains(&format!("FROM {table}\n")), "{out}");
    }
    // A column's name goes into the SQL quoted, as a name and as a string.
    for (dialect, name, string) in [
        ("duckdb", "\"it's\"", "'column:it''s'"),
        ("spark", "`it's`", "'column:it\\'s'"),
        ("bigquery", "`it's`", "'column:it\\'s'"),
    ] {
        let (code, out, err) = run(&mut xsell_args(
            manifest(),
            [
                "sql",
                "--metric",
                "aov",
                "--dialect",
                dialect,
                "--by",
                "column:it's",
            ],
        ));
        assert_eq!(code, Some(0), "{err}");
        assert!(out.contains(&format!("CAST({name} AS")), "{dialect}: {out}");
        assert!(
            out.contains(&format!("{string} AS by_label")),
            "{dialect}: {out}"
        );
    }
    let (code, _, err) = run(&mut xsell("sql --metric aov --dialect oracle"));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("duckdb, postgres, spark, bigquery, snowflake"),
        "{err}"
    );
}

/// Every metric rendered, with each `--by` and `--period`, parsed by sqlparser with each
/// engine's grammar: the experimental dialects (BigQuery, Snowflake) are never run here, so
/// this and the snapshots of their period expressions above are their check.
#[test]
fn the_statements_parse_in_each_engines_grammar() {
    for (dialect, grammar) in grammars() {
        let parses = |line: &str| {
            one_statement(line, &*grammar);
        };
        for by in [
            "",
            " --by segment",
            " --by loyalty",
            " --by category",
            " --by column:variant",
            " --by segment --by channel --by loyalty",
            " --by channel --by category",
        ] {
            for period in ["", " --period week", " --period quarter"] {
                let line = format!(
                    "sql --metric cross-sell,loyalty-cross-sell,aov,clv,retention,repeat-rate \
                     --dialect {dialect} --from 2025-01-01{by}{period}"
                );
                parses(&line);
            }
        }
        // Every KPI, the campaign ones with their table, by campaign, channel and type.
        for by in [
            "",
            " --by channel",
            " --by campaign-type",
            " --by campaign-type --by channel",
        ] {
            parses(&format!(
                "sql --metric ctr,conversion,roi,cac,campaign-cross-sell --dialect {dialect} \
                 --campaigns-table shop.campaigns --to 2025-06-30{by}"
            ));
        }
        parses(&format!(
            "sql --metric all --campaigns-table c --dialect {dialect}"
        ));
        // The order KPIs by each line's campaign's type, read from the campaigns table.
        let out = one_statement(
            &format!(
                "sql --metric aov,cross-sell,retention --campaigns-table c --dialect {dialect} \
                 --by campaign-type --period month"
            ),
            &*grammar,
        );
        assert!(
            out.contains("LEFT JOIN ctypes k ON k.campaign_id = l.v1"),
            "{out}"
        );
    }
}

/// `--engine postgres` through the binary without a database: what it refuses and how it
/// fails. `.ci/sql/run` compares its output with the file run's on a real PostgreSQL.
#[test]
fn the_engine_refuses_files_needs_a_url_and_never_shows_a_password() {
    let url = "postgresql://ana:s3cret@127.0.0.1:1/shop";
    let (code, _, err) = run(&mut xsell(&format!(
        "compute --metric aov --engine postgres --url {url} fixtures/orders.csv"
    )));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--engine computes in the database's tables: name no ORDERS"),
        "{err}"
    );
    // Options of reading files mean nothing to a table: refused, not ignored.
    let (code, _, err) = run(&mut xsell(&format!(
        "compute --metric aov --engine postgres --url {url} --where amount>0 --dedupe"
    )));
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "--engine computes from the tables as they are: --where, --dedupe reads files"
        ),
        "{err}"
    );
    // --map names the table's columns; --derive computes a file's column: refused.
    let (code, _, err) = run(&mut xsell(&format!(
        "compute --metric aov --engine postgres --url {url} --map amount=net --derive \
         segment=upper(channel)"
    )));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--engine computes from the tables as they are: --derive reads files"),
        "{err}"
    );
    let (code, _, err) = run(&mut xsell(&format!(
        "compute --metric ctr --engine postgres --url {url} --campaigns-map cost=spend"
    )));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--campaigns-map maps the columns of --campaigns-table: give the table too"),
        "{err}"
    );
    let (code, _, err) = run(&mut xsell("report --engine postgres"));
    assert_eq!(code, Some(2));
    assert!(err.contains("--url <URL>"), "{err}");
    // Nothing listens on port 1: the connection fails, named without its password.
    let (code, out, err) = run(&mut xsell(&format!(
        "compute --metric aov --engine postgres --url {url}"
    )));
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert!(
        err.contains("cannot connect to the database of --url postgresql://ana@127.0.0.1:1/shop"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

/// `xsell sql pairs` and `xsell sql cohort` in each engine's grammar, with the options that
/// change the statement's text. `.ci/sql/run` runs them in DuckDB, PostgreSQL and Spark against
/// `xsell pairs` and `xsell cohort`.
#[test]
fn pairs_and_cohort_statements_parse_in_each_engines_grammar() {
    for (dialect, grammar) in grammars() {
        for options in [
            "pairs",
            "pairs --top 0 --basket customer --level category --from 2025-01-01",
            "pairs --by segment --min-count 3 --min-support 0.01 --min-confidence 0.2 \
             --min-lift 1.5 --to 2025-06-30",
            "pairs --by loyalty --for P017 --max-basket 10",
            "pairs --by column:variant --orders-table shop.order_lines",
            "cohort",
            "cohort --period week --metric revenue --from 2025-01-15",
            "cohort --period quarter --to 2025-05-20",
            "cohort --period year --from 2021-01-02 --to 2025-12-30",
        ] {
            one_statement(&format!("sql {options} --dialect {dialect}"), &*grammar);
        }
    }
}

#[test]
fn pairs_thresholds_are_the_doubles_xsell_compares_with() {
    let sql = |line: &str| {
        let (code, out, err) = run(&mut xsell(line));
        assert_eq!(code, Some(0), "{line}: {err}");
        out
    };
    let out = sql("sql pairs --dialect postgres --min-support 0.05 --min-lift 1.5 --min-count 2");
    assert!(
        out.contains(
            "WHERE n >= 2 AND support >= CAST('0.05' AS DOUBLE PRECISION) AND lift >= \
             CAST('1.5' AS DOUBLE PRECISION)"
        ),
        "{out}"
    );
    // The defaults keep every rule: no condition, and every rule listed with --top 0.
    let out = sql("sql pairs --dialect duckdb --top 0");
    assert!(
        !out.contains("support >=") && !out.contains("pos <="),
        "{out}"
    );
    assert!(sql("sql pairs --dialect duckdb").contains("WHERE pos <= 20"));
    // Names compared byte by byte, as xsell compares them, whatever PostgreSQL's collation.
    assert!(
        out.contains("ORDER BY lift DESC, n DESC, antecedent, consequent"),
        "{out}"
    );
    let out = sql("sql pairs --dialect postgres");
    assert!(
        out.contains("antecedent COLLATE \"C\", consequent COLLATE \"C\""),
        "{out}"
    );
    // --for's item as each dialect writes a string.
    for (dialect, string) in [("duckdb", "'it''s'"), ("spark", "'it\\'s'")] {
        let (code, out, err) = run(&mut xsell_args(
            manifest(),
            ["sql", "pairs", "--dialect", dialect, "--for", "it's"],
        ));
        assert_eq!(code, Some(0), "{err}");
        assert!(out.contains(&format!("WHERE a.item = {string}")), "{out}");
    }
}

#[test]
fn cohort_leaves_out_the_periods_the_window_cuts_in_each_dialect() {
    // --from 2025-01-15 cuts January: the first period measured is the next one.
    for (dialect, next) in [
        (
            "duckdb",
            "CAST(date_trunc('month', DATE '2025-01-15') AS DATE) + INTERVAL '1 months'",
        ),
        (
            "spark",
            "add_months(CAST(date_trunc('month', DATE '2025-01-15') AS DATE), 1)",
        ),
        (
            "bigquery",
            "DATE_ADD(DATE_TRUNC(DATE '2025-01-15', MONTH), INTERVAL 1 MONTH)",
        ),
        (
            "snowflake",
            "DATEADD(month, 1, DATE_TRUNC('month', DATE '2025-01-15'))",
        ),
    ] {
        let line = format!("sql cohort --dialect {dialect} --from 2025-01-15");
        let (code, out, err) = run(&mut xsell(&line));
        assert_eq!(code, Some(0), "{line}: {err}");
        assert!(out.contains(next), "{dialect}: {out}");
    }
}

#[test]
fn pairs_and_cohort_refuse_what_they_cannot_render() {
    refused(&[
        (
            "sql pairs --dialect duckdb --by campaign-type",
            "pairs can be split by segment, loyalty, channel, category, campaign or column:NAME, \
             not by campaign-type",
        ),
        (
            "sql pairs --dialect duckdb --by column:a --by column:b",
            "--by column:NAME can be given once",
        ),
        (
            "sql pairs --dialect duckdb --by category --level product",
            "--level product contradicts --by category",
        ),
        (
            "sql pairs --dialect duckdb --orders-table orders;DROP",
            "--orders-table \"orders;DROP\": expected a table name",
        ),
        (
            "sql cohort --dialect duckdb --orders-table orders;DROP",
            "--orders-table \"orders;DROP\": expected a table name",
        ),
        (
            "sql cohort --dialect duckdb --from 2025-02-01 --to 2025-01-01",
            "--from 2025-02-01 is after --to 2025-01-01",
        ),
        ("sql pairs --min-count 2", "--dialect <DIALECT>"),
        (
            "sql pairs --dialect duckdb --min-support 2",
            "expected a fraction from 0 to 1",
        ),
        (
            "sql cohort --dialect duckdb --metric aov",
            "[possible values: customers, revenue]",
        ),
        // The KPIs' options belong to `xsell sql` without a subcommand.
        (
            "sql --metric aov pairs --dialect duckdb",
            "the subcommand 'pairs' cannot be used with '--metric",
        ),
    ]);
}

#[test]
fn mapped_columns_are_read_under_their_canonical_names_in_each_dialect() {
    let args = |dialect: &str| {
        vec![
            "sql",
            "--metric",
            "aov,ctr,roi",
            "--dialect",
            dialect,
            "--orders-table",
            "sales.o",
            "--map",
            "amount=net_total",
            "--map",
            "Customer_ID=Customer ID",
            "--campaigns-table",
            "c",
            "--campaigns-map",
            "cost=Spend",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    // A plain lower-case name is left bare (each engine's case rules read it as a table created
    // without quotes names it); any other is quoted as written. The columns read are selected
    // one by one (never `*` beside a mapped name: the table may have its own `amount`).
    for (dialect, customer, spend) in [
        ("postgres", "\"Customer ID\"", "\"Spend\""),
        ("duckdb", "\"Customer ID\"", "\"Spend\""),
        ("spark", "`Customer ID`", "`Spend`"),
        ("bigquery", "`Customer ID`", "`Spend`"),
    ] {
        let out = ok(&mut xsell_args(manifest(), args(dialect)));
        assert!(
            out.contains(&format!(
                "FROM (SELECT order_id, {customer} AS customer_id, order_date, product_id, \
                 net_total AS amount, campaign_id FROM sales.o) AS mapped\n"
            )),
            "{dialect}: {out}"
        );
        assert!(
            out.contains(&format!(
                "FROM (SELECT campaign_id, clicks, {spend} AS cost, impressions FROM c) AS \
                 mapped\n"
            )),
            "{dialect}: {out}"
        );
    }
    // A dimension named by its column reads a mapped canonical column by its map too.
    let out = ok(&mut xsell(
        "sql -m aov --dialect postgres --orders-table o --map channel=utm_source --by column:channel",
    ));
    assert!(
        out.contains(
            "FROM (SELECT order_id, customer_id, order_date, product_id, amount, utm_source AS \
             channel FROM o) AS mapped\n"
        ),
        "{out}"
    );
    for (pair, message) in [
        (
            "amount",
            "--map \"amount\": expected canonical=column, e.g. --map amount=net_total",
        ),
        (
            "total=x",
            "--map \"total=x\": \"total\" is not a column it maps; its columns: order_id, \
             customer_id, order_date, product_id, category, quantity, amount, channel, \
             campaign_id, segment, loyalty",
        ),
        (
            "amount= ",
            "--map \"amount= \": expected a column's name after =",
        ),
    ] {
        let line = "sql --metric aov --dialect duckdb --map".split(' ');
        let out = xsell_args(manifest(), line.chain([pair])).output().unwrap();
        assert_error(&out, message);
    }
    let out = xsell("sql --metric aov --dialect duckdb --campaigns-map cost=spend")
        .output()
        .unwrap();
    assert_error(
        &out,
        "--campaigns-map maps the columns of --campaigns-table: give the table too",
    );
}

#[test]
fn the_clv_formula_is_rendered_as_its_rows_and_parses_in_each_dialect() {
    for (dialect, grammar) in grammars() {
        for period in ["", " --period month", " --period week"] {
            let line = format!(
                "sql --metric aov,clv --clv-model formula --margin 0.3 --lifespan 2.5 --dialect \
                 {dialect} --by segment{period}"
            );
            let out = one_statement(&line, &*grammar);
            // Each factor a row of its own, as compute prints them, with the options' values.
            for row in [
                "'clv' AS metric",
                "'clv.aov' AS metric",
                "'clv.frequency' AS metric",
                "'clv.window-days' AS metric",
                "'clv.lifespan' AS metric",
                "'clv.margin' AS metric",
                "/ 365.25)",
            ] {
                assert!(out.contains(row), "{line}: {row}");
            }
            assert!(
                out.contains("CAST(0.3 AS ") && out.contains("CAST(2.5 AS "),
                "{out}"
            );
        }
    }
    let out = xsell("sql --metric clv --clv-model formula --dialect duckdb")
        .output()
        .unwrap();
    assert_error(
        &out,
        "--clv-model formula needs --margin and --lifespan, e.g. --margin 0.3 --lifespan 3",
    );
}

#[test]
fn a_customers_table_wins_over_the_lines_segments_and_flags() {
    // Under --by segment, the customers table's segment (where it has one) wins over the one
    // the lines give; its loyalty flag wins for --by loyalty and loyalty-cross-sell's members.
    let out = ok(&mut xsell(
        "sql --metric cross-sell --dialect postgres --by segment --customers-table crm.people \
         --customers-map segment=tier",
    ));
    has_all(
        &out,
        &[
            "FULL OUTER JOIN (",
            "SELECT customer_id, CAST(segment AS TEXT) AS v FROM (SELECT customer_id, tier AS \
             segment FROM crm.people) AS mapped",
            "COALESCE(g.v, r.v) AS v",
            "LEFT JOIN attrs1 c1 ON c1.customer_id = l.customer_id",
        ],
    );
    let out = ok(&mut xsell(
        "sql --metric loyalty-cross-sell --dialect duckdb --customers-table customers",
    ));
    has_all(
        &out,
        &[
            "FROM customers\n",
            "WHERE loyalty IS NOT NULL AND CAST(loyalty AS VARCHAR) <> ''",
            "COALESCE(g.member, r.member) AS member",
        ],
    );
    // pairs takes it too; without --by it is not read.
    let out = ok(&mut xsell(
        "sql pairs --dialect duckdb --by loyalty --customers-table customers",
    ));
    assert!(out.contains("FROM customers\n"), "{out}");
    let out = xsell("sql --metric aov --dialect duckdb --customers-map segment=tier")
        .output()
        .unwrap();
    assert_error(
        &out,
        "--customers-map maps the columns of --customers-table: give the table too",
    );
    let line = "sql --metric aov --dialect duckdb --customers-table".split(' ');
    let out = xsell_args(manifest(), line.chain(["a b"]))
        .output()
        .unwrap();
    assert_error(
        &out,
        "--customers-table \"a b\": expected a table name, optionally qualified \
         (sales.customers) and quoted as the engine quotes",
    );
}

#[test]
fn a_cross_tab_joins_each_dimensions_part_of_the_label_as_compute_does() {
    // Two customer dimensions (each its own step) and one of the lines: `budget/member/web`,
    // by `segment/loyalty/channel`.
    let out = ok(&mut xsell(
        "sql --metric aov,loyalty-cross-sell --dialect postgres --by segment --by loyalty --by \
         channel",
    ));
    has_all(
        &out,
        &[
            "CAST(segment AS TEXT) AS v1, loyalty AS v2, CAST(channel AS TEXT) AS v3",
            "attrs1 AS (",
            "attrs2 AS (",
            "LEFT JOIN attrs1 c1 ON c1.customer_id = l.customer_id LEFT JOIN attrs2 c2 ON \
             c2.customer_id = l.customer_id",
            "END || '/' || CASE WHEN c2.member = 1 THEN 'member' ELSE 'non-member' END || '/' || \
             CASE WHEN l.v3 IS NULL",
            "'segment/loyalty/channel' AS by_label",
            // Under --by loyalty, non-members' orders count in their groups.
            "mem.member = 1 OR s.by_label IS NOT NULL",
        ],
    );
    // Cross-sell by category counts a customer's categories over the channel's group.
    let out = ok(&mut xsell(
        "sql --metric cross-sell --dialect duckdb --by channel --by category",
    ));
    has_all(&out, &[" AS wide, ", "ON w.wide = s.wide"]);
    // The campaigns by channel and type.
    let out = ok(&mut xsell(
        "sql --metric ctr --dialect duckdb --campaigns-table c --by channel --by campaign-type",
    ));
    assert!(out.contains("'channel/campaign-type' AS by_label"), "{out}");
}
