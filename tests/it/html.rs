//! `--format html` and `--format markdown`: each page parsed as a browser parses it (scraper's
//! html5ever) and checked against the same run's CSV — every value there, rounded as a table
//! rounds it here, independently of xsell's code — for escaping, and for referring to nothing
//! outside the file. `.ci/html/run` renders the pages in Chromium.

use scraper::{ElementRef, Html, Selector};

use crate::workdir::{Workdir, ok, records, xsell};

pub(crate) fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

pub(crate) fn text(el: &ElementRef) -> String {
    el.text().collect::<String>()
}

/// The rates of the CSV (a percentage with one decimal on a page), the others money.
fn shown(metric: &str, value: &str) -> String {
    let Ok(v) = value.parse::<f64>() else {
        return "n/a".to_string();
    };
    match metric {
        "cac" | "aov" | "clv" => format!("{v:.2}"),
        _ => format!("{:.1}%", v * 100.0),
    }
}

/// Nothing on the page is fetched: no script, no external element, no attribute naming a
/// resource, no `url(` or `@import` in its style.
pub(crate) fn assert_self_contained(doc: &Html) {
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "image", "use",
    ] {
        assert!(select(doc, tag).is_empty(), "a <{tag}> element");
    }
    for el in select(doc, "*") {
        for (name, value) in el.value().attrs() {
            let refers = [
                "src",
                "href",
                "xlink:href",
                "srcset",
                "action",
                "data",
                "poster",
            ];
            assert!(
                !refers.contains(&name),
                "{name}={value:?} on <{}>",
                el.value().name()
            );
            assert!(!value.contains("url("), "{name}={value:?}");
            assert!(!name.starts_with("on"), "an event handler {name}");
        }
    }
    for style in select(doc, "style") {
        let css = text(&style);
        assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
    }
}

#[test]
fn the_report_page_shows_each_headline_value_of_the_csv_with_its_benchmark() {
    let args = "report fixtures/orders.csv --campaigns fixtures/campaigns.csv --industry \
                e-commerce";
    let csv = records(&ok(&mut xsell(&format!("{args} --format csv"))), "metric");
    let page = ok(&mut xsell(&format!("{args} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert!(page.len() < 300_000, "{} bytes", page.len());
    let cards = select(&doc, "article.card");
    let headline: Vec<_> = csv.iter().filter(|r| r["group"] == "all").collect();
    assert_eq!(cards.len(), headline.len());
    for (row, card) in headline.iter().zip(&cards) {
        let metric = &row["metric"];
        let title = text(&select_in(card, "h3")[0]);
        assert_eq!(title.trim(), metric.as_str());
        let value = text(&select_in(card, "p.value")[0]);
        assert_eq!(value, shown(metric, &row["value"]), "{metric}");
        let card_text = text(card);
        let fraction = format!("{} / {}", row["numerator"], row["denominator"]);
        assert!(card_text.contains(&fraction), "{metric}: {card_text}");
        if !row["ci_low"].is_empty() {
            let interval = format!(
                "{}–{}",
                shown(metric, &row["ci_low"]),
                shown(metric, &row["ci_high"])
            );
            assert!(card_text.contains(&interval), "{metric}: {card_text}");
        }
        // A benchmark: its bullet chart (with its numbers as its title) and its status.
        let status = &row["status"];
        let bullets = select_in(card, "svg.bullet title");
        assert_eq!(bullets.len(), usize::from(!status.is_empty()), "{metric}");
        if !status.is_empty() {
            assert!(card_text.contains(status.as_str()), "{metric}: {card_text}");
            assert!(text(&bullets[0]).contains(&value), "{metric}");
        }
    }
    // Every campaign's ROI, as the table of campaigns shows it.
    let campaigns = ok(&mut xsell(
        "compute --metric roi fixtures/orders.csv --campaigns fixtures/campaigns.csv --format csv",
    ));
    let table = text(&select(&doc, "section table")[0]);
    for row in records(&campaigns, "metric").iter().skip(1) {
        assert!(table.contains(&row["group"]), "{row:?}");
        assert!(table.contains(&shown("roi", &row["value"])), "{row:?}");
    }
}

pub(crate) fn select_in<'a>(el: &ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    el.select(&Selector::parse(css).unwrap()).collect()
}

#[test]
fn a_trend_leaves_a_period_without_a_value_as_a_gap() {
    // January and March have orders, February only a return: its AOV is n/a (no order with a
    // purchase line), which the line leaves out instead of drawing a 0.
    let w = Workdir::with(&[(
        "orders.csv",
        "order_id,customer_id,order_date,product_id,category,quantity,amount\n\
         O1,C1,2025-01-05,P1,a,1,10.00\n\
         O2,C1,2025-02-05,P1,a,1,-10.00\n\
         O3,C2,2025-03-05,P2,b,1,30.00\n\
         O4,C2,2025-03-06,P1,a,1,50.00\n",
    )]);
    let csv = ok(&mut w.cmd("compute --metric aov orders.csv --period month --format csv"));
    // aov per month: 10/1, n/a (no purchase), (30+50)/2 = 40.
    let csv = records(&csv, "metric");
    let values: Vec<&str> = csv.iter().map(|r| r["value"].as_str()).collect();
    assert_eq!(values, ["10", "", "40"]);
    let page = ok(&mut w.cmd("compute --metric aov orders.csv --period month --format html"));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    let chart = &select(&doc, "svg.chart")[0];
    assert_eq!(select_in(chart, "circle").len(), 2);
    // Two runs of the line: January alone, then March alone.
    assert_eq!(select_in(chart, "path").len(), 2);
    let title = text(&select_in(chart, "title")[0]);
    assert!(
        title.contains("2025-01 10.00; 2025-02 n/a; 2025-03 40.00"),
        "{title}"
    );
    assert!(
        title.contains("(1 without a value, shown as gaps)"),
        "{title}"
    );
}

#[test]
fn bars_follow_the_sort_order_and_the_data_is_escaped() {
    let w = Workdir::with(&[(
        "orders.csv",
        "order_id,customer_id,order_date,product_id,category,quantity,amount,segment\n\
         O1,C1,2025-01-05,<script>alert(1)</script>,a,1,10.00,<img src=x onerror=alert(1)>\n\
         O2,C2,2025-01-06,P2,b,1,30.00,plain\n\
         O3,C2,2025-01-07,P1,a,1,50.00,plain\n\
         O4,C1,2025-01-08,P2,b,1,5.00,<img src=x onerror=alert(1)>\n",
    )]);
    let line = "compute --metric aov orders.csv --by segment --sort value";
    let csv = records(&ok(&mut w.cmd(&format!("{line} --format csv"))), "metric");
    let page = ok(&mut w.cmd(&format!("{line} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert!(text(&select(&doc, "body")[0]).contains("<img src=x onerror=alert(1)>"));
    // The bars' groups in the CSV's order (--sort value: the largest first).
    let groups: Vec<String> = (csv.iter())
        .filter(|r| r["group"] != "all")
        .map(|r| r["group"].clone())
        .collect();
    let chart = &select(&doc, "svg.chart")[0];
    let labels: Vec<String> = select_in(chart, "g > title")
        .iter()
        .map(|t| text(t).split(": ").next().unwrap().to_string())
        .collect();
    assert_eq!(labels, groups);
    let pairs = ok(&mut w.cmd("pairs --min-count 1 orders.csv --basket customer --format html"));
    let doc = Html::parse_document(&pairs);
    assert_self_contained(&doc);
    assert!(
        pairs.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{pairs}"
    );
}

#[test]
fn the_cohort_page_writes_each_cells_value_in_it() {
    let csv = records(
        &ok(&mut xsell("cohort fixtures/orders.csv --format csv")),
        "cohort",
    );
    let page = ok(&mut xsell("cohort fixtures/orders.csv --format html"));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    let rows = select(&doc, "table.heat tbody tr");
    // The first cohort's cells, +0 to +5: the CSV's values as percentages.
    let first = &rows[0];
    let cells: Vec<String> = select_in(first, "td").iter().map(text).collect();
    let expected: Vec<String> = (csv.iter())
        .filter(|r| r["cohort"] == csv[0]["cohort"])
        .take(6)
        .map(|r| shown("rate", &r["value"]))
        .collect();
    // After the cohort's size.
    assert_eq!(cells[1..7], expected[..]);
    assert_eq!(text(&select_in(first, "th")[0]), csv[0]["cohort"]);
}

#[test]
fn the_compare_page_shows_both_rates_and_their_difference() {
    let args = "compare fixtures/orders.csv --metric cross-sell --by loyalty --a member --b \
                non-member";
    let csv = records(&ok(&mut xsell(&format!("{args} --format csv"))), "metric");
    let page = ok(&mut xsell(&format!("{args} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    let titles: Vec<String> = select(&doc, "svg title").iter().map(text).collect();
    let value = |name: &str| shown("rate", &csv[0][name]);
    assert!(
        titles[0].contains(&format!("member {}", value("value_a"))),
        "{titles:?}"
    );
    assert!(
        titles[0].contains(&format!("non-member {}", value("value_b"))),
        "{titles:?}"
    );
    let difference = format!(
        "difference {} ({}–{})",
        value("difference"),
        value("ci_low"),
        value("ci_high")
    );
    assert!(titles.iter().any(|t| t.contains(&difference)), "{titles:?}");
    assert!(page.contains(&csv[0]["verdict"]), "the verdict");
}

#[test]
fn markdown_is_the_tables_cells_and_html_is_refused_where_there_is_no_page() {
    let csv = records(
        &ok(&mut xsell("report fixtures/orders.csv --format csv")),
        "metric",
    );
    let md = ok(&mut xsell("report fixtures/orders.csv --format markdown"));
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(
        lines[0],
        "| metric | group | value | ci | numerator | denominator |"
    );
    assert_eq!(lines[1], "|---|---|--:|--:|--:|--:|");
    let r = &csv[0];
    let m = &r["metric"];
    let first = format!(
        "| {m} | {} | {} | {}–{} | {} | {} |",
        r["group"],
        shown(m, &r["value"]),
        shown(m, &r["ci_low"]),
        shown(m, &r["ci_high"]),
        r["numerator"],
        r["denominator"]
    );
    assert_eq!(lines[2], first);
    // -o names the format too.
    let w = Workdir::new();
    let path = w.path("out.md");
    ok(&mut xsell(&format!(
        "cohort fixtures/orders.csv -o {}",
        path.display()
    )));
    assert!(w.read("out.md").starts_with("| cohort | size | +0 |"));
    let (code, out, err) = crate::workdir::run(&mut xsell("benchmarks --format html"));
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert!(err.contains("xsell benchmarks has no HTML page"), "{err}");
}

#[test]
fn the_page_exits_as_the_csv_does_under_fail_under() {
    // The page shows each campaign too; --fail-under holds the report's rows alone, whatever
    // the format (campaign-cross-sell's `all` is below 15-30%: exit 1 in both, one value).
    let line = "report fixtures/orders.csv --campaigns fixtures/campaigns.csv --industry \
                e-commerce --fail-under benchmark";
    let csv = crate::workdir::run(&mut xsell(&format!("{line} --format csv")));
    let html = crate::workdir::run(&mut xsell(&format!("{line} --format html")));
    assert_eq!(csv.0, html.0);
    let said = |err: &str| err.lines().last().unwrap_or_default().to_string();
    assert_eq!(said(&csv.2), said(&html.2));
    assert!(
        said(&csv.2).contains("1 value below the benchmark"),
        "{}",
        csv.2
    );
}
