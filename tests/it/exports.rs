//! Reading exports as shops write them: derived columns (`--derive`), row filters (`--where`),
//! fill-down of any column, guests left out, and the count of every row left out in each output
//! format. Every expected number is worked out by hand in the comments.

use crate::workdir::*;

/// A Shopify-like export: one row per line item, order-level fields on an order's first line,
/// a guest order (#1004, no email) and a refunded one (#1003).
const SHOP: &str = "\
Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,Source
#1004,,paid,2024-03-06 10:00:00 -0500,1,Mug,10.00,MUG,,web
#1003,b@x.com,refunded,2024-03-05 09:00:00 -0500,1,Tee,20.00,TEE,0,web
#1002,a@x.com,paid,2024-03-04 14:22:11 -0500,2,Mug,10.00,MUG,1.50,web
#1002,,,,1,Cap,15.00,,0,
#1001,a@x.com,paid,2024-03-01 08:00:00 -0500,3,Tee,19.99,TEE,5.00,pos
#1000,c@x.com,paid,2024-02-01 08:00:00 -0500,1,Tee,20.00,TEE,,pos
";

/// The options that read [`SHOP`] (as the shopify preset does).
const READ: &[&str] = &[
    "--map",
    "order_id=Name",
    "--map",
    "customer_id=Email",
    "--map",
    "order_date=Created at",
    "--derive",
    "product_id=coalesce(\"Lineitem sku\", \"Lineitem name\")",
    "--derive",
    "amount=\"Lineitem quantity\" * \"Lineitem price\" - coalesce(\"Lineitem discount\", 0)",
    "--fill-down",
    "customer_id,Financial Status,order_date",
    "--where",
    "\"Financial Status\" not in ('voided', 'refunded')",
    "--guests",
    "skip",
];

/// `xsell ARGS` with [`READ`] on shop.csv, in `w`.
fn shop(w: &Workdir, args: &[&str]) -> assert_cmd::Command {
    xsell_args(w.dir(), args.iter().chain(READ).chain(&["shop.csv"]))
}

/// The CSV output of `xsell compute --preset shopify shop.csv ARGS --format csv` in `w`.
fn shopify(w: &Workdir, args: &[&str]) -> String {
    let base = [
        "compute", "--preset", "shopify", "shop.csv", "--format", "csv",
    ];
    ok(&mut xsell_args(w.dir(), base.iter().chain(args)))
}

fn shop_dir() -> Workdir {
    Workdir::with(&[("shop.csv", SHOP)])
}

/// `metric|group|value|numerator|denominator` of each CSV row.
fn rows(csv: &str) -> Vec<String> {
    csv_rows(csv)
        .iter()
        .map(|r| {
            [&r[0], &r[1], &r[3], &r[4], &r[5]]
                .map(|s| s.as_str())
                .join("|")
        })
        .collect()
}

#[test]
fn a_shop_export_reads_with_derived_columns_filters_and_fill_down() {
    // Kept: #1002 (a: 2 × 10.00 − 1.50 = 18.50 and Cap 1 × 15.00 − 0 = 15.00, customer and
    // date filled down), #1001 (a: 3 × 19.99 − 5.00 = 54.97), #1000 (c: 20.00, empty discount
    // read as 0 by coalesce). Left out: #1003 refunded (filtered), #1004 no email (guest).
    // aov = (33.50 + 54.97 + 20.00) / 3 = 108.47 / 3 = 36.156667
    // cross-sell: a bought MUG, Cap (no sku: its name), TEE; c only TEE: 1 / 2.
    // repeat-rate: a has two orders, c one: 1 / 2.
    let w = shop_dir();
    let out = ok(&mut shop(
        &w,
        &[
            "compute",
            "--metric",
            "aov,cross-sell,repeat-rate",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(
        rows(&out),
        [
            "aov|all|36.156666666666666|108.47|3",
            "cross-sell|all|0.5|1|2",
            "repeat-rate|all|0.5|1|2",
            "filtered-rows|all|1||",
            "guest-rows|all|1||",
        ]
    );
}

#[test]
fn rows_left_out_are_in_every_format() {
    let w = shop_dir();
    let json = ok(&mut shop(
        &w,
        &["compute", "--metric", "aov", "--format", "json"],
    ));
    let objects = objects(&json);
    let counts: Vec<(String, String)> = objects[1..]
        .iter()
        .map(|o| (o["metric"].to_string(), o["value"].to_string()))
        .collect();
    assert_eq!(
        counts,
        [
            ("\"filtered-rows\"".to_string(), "1".to_string()),
            ("\"guest-rows\"".to_string(), "1".to_string())
        ]
    );
    let table = ok(&mut shop(&w, &["compute", "--metric", "aov"]));
    has_all(
        &table,
        &["rows left out: 1 filtered, 1 guest (not read: the values above are without them)"],
    );
    // compare: repeat-rate of customers a (1 of 1 repeats) against c (0 of 1), by a column.
    let (code, out, err) = run(&mut shop(
        &w,
        &[
            "compare",
            "--metric",
            "repeat-rate",
            "--by",
            "column:Email",
            "--a",
            "a@x.com",
            "--b",
            "c@x.com",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(code, Some(0), "{err}");
    let head = out.lines().next().unwrap_or_default();
    assert!(head.ends_with(",filtered_rows,guest_rows"), "{head}");
    assert!(
        out.lines().nth(1).unwrap_or_default().ends_with(",1,1"),
        "{out}"
    );
}

#[test]
fn labelled_filters_are_counted_apart_and_zero_counts_are_shown() {
    // non-product leaves out Cap (no sku); nothing is voided, so that count is 0.
    let w = shop_dir();
    let mut args: Vec<&str> = vec!["compute", "--metric", "aov", "--format", "csv"];
    args.extend(READ);
    args.extend([
        "--where",
        "non-product: \"Lineitem sku\" is not empty",
        "--where",
        "voided: \"Financial Status\" != 'voided'",
        "shop.csv",
    ]);
    // aov = (18.50 + 54.97 + 20.00) / 3 = 93.47 / 3 = 31.156667
    let out = ok(&mut xsell_args(w.dir(), args));
    assert_eq!(
        rows(&out),
        [
            "aov|all|31.156666666666666|93.47|3",
            "filtered-rows|all|1||",
            "non-product-rows|all|1||",
            "voided-rows|all|0||",
            "guest-rows|all|1||",
        ]
    );
}

#[test]
fn a_product_with_more_than_four_decimals_is_refused_until_rounded() {
    // 3 × 1.23456 = 3.70368: money keeps four decimals, and xsell does not round unasked.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,qty,price\n\
         O1,C1,2024-01-01,P1,3,1.23456\n",
    )]);
    let base = "compute --metric aov o.csv --format csv --derive";
    let err = fails(&mut w.cmd(&format!("{base} amount=qty*price")));
    has_all(
        &err,
        &[
            "o.csv:2: column amount: \"3.70368\" is not valid; expected at most 4 decimals, but \
             the result has 5",
            "round(..., 2)",
            "(from --derive amount=qty*price)",
        ],
    );
    // round(3.70368, 2) = 3.70; --round-amounts 2 does the same and counts it.
    let out = ok(&mut w.cmd(&format!("{base} amount=round(qty*price,2)")));
    assert_eq!(rows(&out), ["aov|all|3.7|3.70|1"]);
    let out = w
        .cmd(&format!("{base} amount=qty*price --round-amounts 2"))
        .output()
        .unwrap();
    assert_eq!(
        rows(&String::from_utf8_lossy(&out.stdout)),
        ["aov|all|3.7|3.70|1"]
    );
    has_all(
        &String::from_utf8_lossy(&out.stderr),
        &["rounded 1 amount to 2 decimals"],
    );
}

#[test]
fn a_bad_cell_in_an_expression_names_file_line_column_value_and_expression() {
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,qty,price\n\
         O1,C1,2024-01-01,P1,3,2.00\n\
         O2,C1,2024-01-02,P1,two,2.00\n",
    )]);
    let out = w
        .cmd("compute --metric aov o.csv --derive amount=qty*price")
        .output()
        .unwrap();
    assert_error(
        &out,
        "o.csv:3: column qty: \"two\" is not valid; expected a number, written as the amounts \
         are (in --derive amount=qty*price)",
    );
    // The same in a condition.
    let out = w
        .cmd("compute --metric aov o.csv --map amount=price --where qty>1 --format csv")
        .output()
        .unwrap();
    assert_error(
        &out,
        "o.csv:3: column qty: \"two\" is not valid; expected a number, written as the amounts \
         are (in --where qty>1)",
    );
}

#[test]
fn parse_errors_show_a_caret_under_the_mistake() {
    let w = shop_dir();
    let out = xsell_args(
        w.dir(),
        [
            "compute",
            "--metric",
            "aov",
            "shop.csv",
            "--map",
            "order_id=Name",
            "--map",
            "customer_id=Email",
            "--map",
            "order_date=Created at",
            "--map",
            "product_id=Lineitem sku",
            "--derive",
            "amount=\"Lineitem quantity\" * * \"Lineitem price\"",
        ],
    )
    .output()
    .unwrap();
    assert_error(
        &out,
        "shop.csv: --derive amount: expected a column, a value or ( here, not *\n    \
         \"Lineitem quantity\" * * \"Lineitem price\"\n                          ^",
    );
}

#[test]
fn filters_compare_numbers_dates_and_texts() {
    // Kept by quantity >= 2 and a date in March: O2 (2 × 5.00) and O4 (3 × 1.00, 12 March).
    // O1 has quantity 1; O3 is in February; O5's quantity is empty (false in a comparison).
    // aov = (10.00 + 3.00) / 2 = 6.50
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,quantity,amount\n\
         O1,C1,2024-03-01,P1,1,4.00\n\
         O2,C1,2024-03-02,P1,2,10.00\n\
         O3,C2,2024-02-28,P1,5,5.00\n\
         O4,C2,2024-03-12T10:00:00Z,P1,3,3.00\n\
         O5,C3,2024-03-13,P1,,9.00\n",
    )]);
    let out = ok(&mut xsell_args(
        w.dir(),
        [
            "compute",
            "--metric",
            "aov",
            "o.csv",
            "--format",
            "csv",
            "--where",
            "quantity >= 2 and order_date >= '2024-03-01' and order_date < '2024-04-01'",
        ],
    ));
    assert_eq!(rows(&out), ["aov|all|6.5|13.00|2", "filtered-rows|all|3||"]);
}

#[test]
fn dropped_repeats_are_counted_in_the_output() {
    // Line 3 repeats line 2 and is dropped: aov = 10.00 / 1.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         O1,C1,2024-03-01,P1,10.00\n\
         O1,C1,2024-03-01,P1,10.00\n",
    )]);
    let out = ok(&mut w.cmd("compute --metric aov o.csv --dedupe --format csv"));
    assert_eq!(rows(&out), ["aov|all|10|10.00|1", "repeated-rows|all|1||"]);
}

#[test]
fn a_preset_reads_the_export_and_its_saved_copy_reads_the_same() {
    // The shopify preset reads SHOP as READ does (its left-out rows under its own label).
    let w = shop_dir();
    let preset = shopify(&w, &["--metric", "aov"]);
    assert_eq!(
        rows(&preset),
        [
            "aov|all|36.156666666666666|108.47|3",
            "voided-or-refunded-rows|all|1||",
            "guest-rows|all|1||",
        ]
    );
    let text = ok(&mut w.cmd("presets show shopify"));
    w.write("mine.preset", &text);
    let copy =
        ok(&mut w.cmd("compute --preset-file mine.preset shop.csv --metric aov --format csv"));
    assert_eq!(copy, preset);
    // An edited copy: the discount ignored, amount = 2 × 10 + 15 + 3 × 19.99 + 20 = 114.97.
    w.write(
        "edited.preset",
        text.replace(" - coalesce(\"Lineitem discount\", 0)", ""),
    );
    let edited =
        ok(&mut w.cmd("compute --preset-file edited.preset shop.csv --metric aov --format csv"));
    assert_eq!(rows(&edited)[0], "aov|all|38.32333333333333|114.97|3");
}

#[test]
fn the_command_line_wins_over_the_preset() {
    // Product by name instead of sku: Mug, Cap, Tee for a; Tee for c: cross-sell still 1 / 2,
    // but --guests order makes #1004 a customer of its own (Mug): 1 / 3.
    let w = shop_dir();
    let out = shopify(
        &w,
        &[
            "--metric",
            "cross-sell",
            "--map",
            "product_id=Lineitem name",
            "--guests",
            "order",
        ],
    );
    assert_eq!(
        rows(&out),
        [
            "cross-sell|all|0.3333333333333333|1|3",
            "voided-or-refunded-rows|all|1||"
        ]
    );
    let list = ok(&mut w.cmd("presets --format csv"));
    assert_eq!(
        csv_rows(&list)
            .iter()
            .map(|r| r[0].as_str())
            .collect::<Vec<_>>(),
        ["shopify", "online-retail", "ga4"]
    );
    let err = fails(&mut w.cmd("compute --preset shopfy shop.csv --metric aov"));
    has_all(
        &err,
        &["--preset \"shopfy\": no such preset; the presets: shopify, online-retail, ga4"],
    );
}

#[test]
fn a_unit_price_read_as_the_amount_is_warned_about() {
    // Two of the three lines have a quantity other than 1 (6 and 2).
    let w = Workdir::with(&[(
        "o.csv",
        "InvoiceNo,CustomerID,InvoiceDate,StockCode,Quantity,UnitPrice\n\
         1,C1,2024-01-01,P1,6,2.55\n\
         1,C1,2024-01-01,P2,1,3.39\n\
         2,C2,2024-01-02,P1,2,3.39\n",
    )]);
    let read = "compute --metric aov o.csv --map order_id=InvoiceNo --map customer_id=CustomerID \
                --map order_date=InvoiceDate --map product_id=StockCode";
    let (code, _, err) = run(&mut w.cmd(&format!("{read} --map amount=UnitPrice")));
    assert_eq!(code, Some(0));
    assert_eq!(
        err,
        "xsell: warning: amount is read from \"UnitPrice\", which names a unit price, and 2 lines \
         with a Quantity other than 1: amount must be the line total; if it is the unit price, \
         compute the total with --derive 'amount=\"Quantity\" * \"UnitPrice\"'\n"
    );
    // With the total computed there is nothing to warn about:
    // aov = (6 × 2.55 + 3.39 + 2 × 3.39) / 2 = (15.30 + 3.39 + 6.78) / 2 = 25.47 / 2.
    let (code, out, err) = run(&mut w.cmd(&format!(
        "{read} --derive amount=Quantity*UnitPrice --format csv"
    )));
    assert_eq!((code, err.as_str()), (Some(0), ""));
    assert_eq!(rows(&out), ["aov|all|12.735|25.47|2"]);
}

#[test]
fn inspect_reads_each_column_on_its_own() {
    // Line 2's amount and line 3's customer and date do not read; line 4 is short a field.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         O1,C1,2024-01-01,P1,x\n\
         O2,,2024-13-01,P2,5\n\
         O3,C2,2024-01-03\n",
    )]);
    let out = ok(&mut w.cmd("inspect o.csv"));
    let grid = table(&out);
    let row = |name: &str| {
        grid.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name} in {out}"))
            .clone()
    };
    // column | from | examples | first problem | read | empty
    assert_eq!(row("amount *")[2], "5.00");
    assert_eq!(
        row("amount *")[3],
        "o.csv:2: column amount: \"x\" is not valid; expected a decimal amount such as 12.50 or \
         -3.00 (digits, an optional sign and a `.`) (1 row)"
    );
    assert_eq!(row("amount *")[4..], ["1", "0"]);
    assert_eq!(row("order_id *")[2..], ["O1 | O2", "", "2", "0"]);
    assert!(row("order_date *")[3].starts_with("o.csv:3: column order_date: \"2024-13-01\""));
    assert_eq!(row("quantity")[1], "(not in the file)");
    has_all(
        &out,
        &[
            "2 rows read from o.csv: 2 order ids, 1 customer, 2 products, 1 without a customer id",
            "1 row that cannot be read; the first: o.csv:4: the row has 3 fields",
            "dates: 2024-01-01 to 2024-01-01",
            "metrics these columns allow: cross-sell, aov, clv, retention, repeat-rate",
        ],
    );
    // A missing required column: exit 2, every one named.
    let err = fails(&mut w.cmd("inspect o.csv --map amount=total --map product_id=sku"));
    has_all(&err, &["missing orders columns \"sku\" and \"total\""]);
}

#[test]
fn inspect_names_the_preset_and_counts_rows_left_out() {
    let w = shop_dir();
    let out = ok(&mut w.cmd("inspect --preset shopify shop.csv"));
    has_all(
        &out,
        &[
            "header \"Email\" (preset shopify)",
            "= \"Lineitem quantity\" * \"Lineitem price\" - coalesce(\"Lineitem discount\", 0) \
             (preset shopify)",
            "18.50 | 15.00 | 54.97",
            "rows left out: 1 voided-or-refunded, 1 guest",
            "dates: 2024-02-01 to 2024-03-04",
        ],
    );
}

/// Each fixture of `fixtures/exports/` read with one command, against the numbers that
/// `fixtures/exports/expected.py` works out from the platforms' rules on its own.
#[test]
fn shop_exports_give_the_oracles_numbers_with_one_command() {
    let german = "--delimiter ; --decimal-comma --date-format %d.%m.%Y --map order_id=Bestellnummer \
                  --map customer_id=Kundennummer --map order_date=Bestelldatum \
                  --map product_id=Artikelnummer --map quantity=Menge --map amount=Betrag";
    // file, the fixture whose expected numbers it has, options, and the row that counts the
    // rows its filter leaves out. The .xlsx holds the rows of the CSV beside it, as typed cells
    // (make_xlsx.py writes it).
    let ii = "online-retail/online_retail_II.csv";
    let (shopify, retail) = ("--preset shopify", "--preset online-retail");
    let runs = [
        (
            "shopify/orders_export.csv",
            "",
            shopify,
            "voided-or-refunded-rows",
        ),
        (ii, "", retail, "non-product-rows"),
        (
            "online-retail/online_retail_II.xlsx",
            ii,
            retail,
            "non-product-rows",
        ),
        (
            "online-retail/online_retail.csv",
            "",
            retail,
            "non-product-rows",
        ),
        ("ga4/items.csv", "", "--preset ga4", "no-transaction-rows"),
        ("german/bestellungen.csv", "", german, "filtered-rows"),
    ];
    let expected = std::fs::read_to_string(crate_file("fixtures/exports/expected.csv")).unwrap();
    let expected = csv_rows(&expected);
    for (name, same_as, options, filtered) in runs {
        let fixture = if same_as.is_empty() { name } else { same_as };
        let want = |metric: &str| -> Vec<String> {
            let row = (expected.iter())
                .find(|r| r[0] == fixture && r[1] == metric)
                .unwrap_or_else(|| panic!("{fixture} {metric} in expected.csv"));
            row[2..].to_vec()
        };
        let count = |metric: &str| want(metric)[2].clone();
        let file = format!("fixtures/exports/{name}");
        let line = format!("compute {file} {options} --metric cross-sell,aov,repeat-rate");
        let out = ok(&mut xsell(&format!("{line} --format csv")));
        let got = csv_rows(&out);
        let row = |metric: &str| got.iter().find(|r| r[0] == metric);
        for metric in ["cross-sell", "aov", "repeat-rate"] {
            let r = row(metric).unwrap_or_else(|| panic!("{fixture}: {metric} in {out}"));
            let w = want(metric);
            assert_eq!(
                [&r[4], &r[5], &r[3]],
                [&w[0], &w[1], &w[2]],
                "{fixture} {metric}"
            );
        }
        // Rows left out: a row per reason when its option is on; none is 0.
        let left = |name: &str| row(name).map_or("0".to_string(), |r| r[3].clone());
        assert_eq!(
            left(filtered),
            count("skipped.filtered"),
            "{fixture} filtered"
        );
        assert_eq!(
            left("guest-rows"),
            count("skipped.guests"),
            "{fixture} guests"
        );
        assert_eq!(
            left("repeated-rows"),
            count("skipped.repeated"),
            "{fixture} repeats"
        );
        // Lines, orders and customers read, in the table's footer.
        let table = ok(&mut xsell(&line));
        let footer = format!(
            "{} lines, {} orders, {} customers read from {file}",
            count("lines"),
            count("orders"),
            count("customers")
        );
        has_all(&table, &[&footer]);
    }
}

#[test]
fn rows_left_out_after_the_last_full_batch_are_counted() {
    // 4096 lines (a full batch, sent as it fills), then a guest line alone after it.
    let mut text = String::from("order_id,customer_id,order_date,product_id,amount\n");
    for i in 0..4096 {
        text.push_str(&format!("O{i},C{},2024-01-01,P1,1.00\n", i % 7));
    }
    text.push_str("G1,,2024-01-02,P1,1.00\n");
    let w = Workdir::with(&[("o.csv", &text)]);
    let out = ok(&mut w.cmd("compute --metric aov o.csv --guests skip --format csv"));
    // aov = 4096 × 1.00 / 4096 orders.
    assert_eq!(rows(&out), ["aov|all|1|4096.00|4096", "guest-rows|all|1||"]);
    // Every row left out: said so, with the counts.
    let err = fails(&mut w.cmd("compute --metric aov o.csv --where amount>5 --format csv"));
    has_all(
        &err,
        &["no order lines: every row of o.csv was left out (4097 filtered); check --where"],
    );
}

#[test]
fn a_canonical_name_on_the_command_line_replaces_the_presets_however_written() {
    // product-id is product_id, as --map reads it: the preset's derived product gives way.
    let w = shop_dir();
    let out = shopify(
        &w,
        &[
            "--metric",
            "cross-sell",
            "--map",
            "Product-ID=Lineitem name",
        ],
    );
    // a bought Mug, Cap, Tee; c Tee: 1 / 2.
    assert_eq!(rows(&out)[0], "cross-sell|all|0.5|1|2");
    let out = ok(&mut w.cmd("inspect --preset shopify shop.csv --map Product-ID=Lineitem_name"));
    has_all(&out, &["header \"Lineitem name\" (command line)"]);
}

#[test]
fn inspect_refuses_a_negative_quantity_as_a_run_does() {
    // Line 2: quantity -1 with a positive amount, refused by compute and by inspect alike.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,quantity,amount\n\
         O1,C1,2024-01-01,P1,-1,5.00\n\
         O2,C1,2024-01-02,P1,-1,-5.00\n",
    )]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv"));
    has_all(&err, &["o.csv:2: column quantity: \"-1\" is not valid"]);
    let out = ok(&mut w.cmd("inspect o.csv"));
    has_all(
        &out,
        &["o.csv:2: column quantity: \"-1\" is not valid; expected a whole number >= 0"],
    );
}

#[test]
fn a_presets_expression_that_cannot_read_the_file_names_the_preset() {
    // Neither Price nor UnitPrice: the online-retail preset's amount cannot be computed.
    let w = Workdir::with(&[(
        "o.csv",
        "Invoice,StockCode,Quantity,InvoiceDate,Cost,Customer ID\n\
         1,P1,1,2010-12-01 07:45:00,2.5,1.0\n",
    )]);
    let out = w
        .cmd("compute --preset online-retail o.csv --metric aov")
        .output()
        .unwrap();
    assert_error(
        &out,
        "o.csv: --derive amount (from --preset online-retail): the file has none of the \
         columns \"Price\", \"UnitPrice\"\n    Quantity * column('Price', 'UnitPrice')\n    \
         \x20          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    );
    // The user's own amount replaces the preset's: 1 × 2.5.
    let out = ok(&mut w.cmd(
        "compute --preset online-retail o.csv --metric aov --derive amount=Quantity*Cost --format csv",
    ));
    assert_eq!(rows(&out)[0], "aov|all|2.5|2.50|1");
}

#[test]
fn inspect_is_a_table_and_says_so() {
    let err = fails_usage(&mut xsell("inspect fixtures/orders.csv --format csv"));
    has_all(
        &err,
        &[
            "unexpected argument '--format'",
            "xsell inspect does not use --format",
        ],
    );
    // With campaigns.csv every metric is allowed.
    let out = ok(&mut xsell(
        "inspect fixtures/orders.csv --campaigns fixtures/campaigns.csv",
    ));
    has_all(
        &out,
        &[
            "metrics these columns allow: cross-sell, campaign-cross-sell, loyalty-cross-sell, ctr, \
           conversion, roi, cac, aov, clv, retention, repeat-rate",
        ],
    );
}

#[test]
fn a_preset_file_saved_with_a_byte_order_mark_reads() {
    let w = shop_dir();
    let text = ok(&mut w.cmd("presets show shopify"));
    w.write("bom.preset", format!("\u{feff}{text}"));
    let out = ok(&mut w.cmd("compute --preset-file bom.preset shop.csv --metric aov --format csv"));
    assert_eq!(rows(&out)[0], "aov|all|36.156666666666666|108.47|3");
}

#[test]
fn the_suggested_line_total_can_be_pasted_into_a_shell() {
    // A header with a double and a single quote: doubled inside the name, and the single quote
    // closed and escaped for the shell.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,Qty,\"Unit \"\"Price\"\" it's\"\n\
         1,C1,2024-01-01,P1,2,2.50\n",
    )]);
    let (code, _, err) = run(&mut xsell_args(
        w.dir(),
        [
            "compute",
            "--metric",
            "aov",
            "o.csv",
            "--map",
            "quantity=Qty",
            "--map",
            "amount=Unit \"Price\" it's",
        ],
    ));
    assert_eq!(code, Some(0), "{err}");
    has_all(
        &err,
        &[r#"--derive 'amount="Qty" * "Unit ""Price"" it'\''s"'"#],
    );
}

#[test]
fn fill_down_refuses_an_order_whose_lines_are_apart() {
    // Order 1's second line comes after order 2's first: its empty customer cannot be filled
    // from the line before it, which is order 2's. Refused, never filled wrongly.
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         1,a,2025-01-01,P1,1.00\n\
         2,b,2025-01-02,P1,4.00\n\
         1,,2025-01-01,P2,2.00\n",
    )]);
    // By default an empty customer id stops the run at that line already.
    let err = fails(&mut w.cmd("compute --metric aov o.csv --fill-down customer_id"));
    has_all(&err, &["o.csv:4: column customer_id: \"\" is not valid"]);
    // Where guests are allowed, the line is no guest's: the order came before.
    for guests in ["skip", "order"] {
        let err = fails(&mut w.cmd(&format!(
            "compute --metric aov o.csv --fill-down customer_id --guests {guests}"
        )));
        has_all(
            &err,
            &[
                "o.csv:4: order \"1\" began at o.csv:2, with other orders between, and this line \
               has an empty --fill-down cell, which the order's previous line was to give: \
               --fill-down needs an order's lines one after another (sort the file by order id)",
            ],
        );
    }
    // Apart but with nothing to fill: read as it is. aov = (1.00 + 2.00 + 4.00) / 2 = 3.50.
    w.write(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         1,a,2025-01-01,P1,1.00\n\
         2,b,2025-01-02,P1,4.00\n\
         1,a,2025-01-01,P2,2.00\n",
    );
    let out = ok(&mut w.cmd("compute --metric aov o.csv --fill-down customer_id --format csv"));
    assert_eq!(rows(&out), ["aov|all|3.5|7.00|2"]);
}

#[test]
fn a_guest_line_in_a_customers_order_is_named_as_such() {
    // Order 6 has customer b on line 2 and no customer on line 3 (--guests order).
    let w = Workdir::with(&[(
        "o.csv",
        "order_id,customer_id,order_date,product_id,amount\n\
         6,b,2025-01-01,P1,1.00\n\
         6,,2025-01-01,P2,2.00\n",
    )]);
    let err = fails(&mut w.cmd("compute --metric aov o.csv --guests order"));
    has_all(
        &err,
        &[
            "o.csv:3: order \"6\" has customer (none: a guest line), but o.csv:2 gives it customer \
           \"b\"; an order's lines must share one customer and one date",
        ],
    );
}
