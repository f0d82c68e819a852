use super::file::line_at;
use super::*;

use std::fs;

fn bench(low: f64, high: Option<f64>) -> Benchmark {
    Benchmark {
        metric: "cross-sell".to_string(),
        industry: "e-commerce".to_string(),
        low,
        high,
        period: None,
        source: String::new(),
    }
}

/// Writes `text` as `name` in a fresh temp dir and merges it over the built-in table.
fn merged(name: &str, text: &str) -> (Result<Benchmarks>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    let mut table = Benchmarks::builtin();
    let result = table.merge_file(&path).map(|()| table);
    (result, path.display().to_string())
}

/// The message of a failed merge, checked to name the file, the line and each `part`.
fn merge_error(text: &str, line: u64, parts: &[&str]) -> String {
    let (result, file) = merged("mine.csv", text);
    let message = match result {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(err) => format!("{err:#}"),
    };
    assert!(
        message.starts_with(&format!("{file}:{line}: ")),
        "{message:?} should start with {file}:{line}"
    );
    for part in parts {
        assert!(message.contains(part), "{message:?} should name {part:?}");
    }
    message
}

#[test]
fn status_includes_both_ends() {
    // e-commerce is 15-30%: [0.15, 0.30], both ends inclusive.
    let ecommerce = Benchmarks::builtin();
    let b = ecommerce.find("cross-sell", "e-commerce").unwrap();
    assert_eq!((b.low, b.high), (0.15, Some(0.30)));
    assert_eq!(status(0.1499, b), Status::Below); // 0.1499 < 0.15
    assert_eq!(status(0.15, b), Status::Within); // the low end itself
    assert_eq!(status(3.0 / 20.0, b), Status::Within); // 3 of 20 customers is exactly 15%
    assert_eq!(status(0.30, b), Status::Within); // the high end itself
    assert_eq!(status(3.0 / 10.0, b), Status::Within); // 3 of 10 customers is exactly 30%
    assert_eq!(status(0.3001, b), Status::Above); // 0.3001 > 0.30
}

#[test]
fn an_open_range_has_no_above() {
    // Loyalty target "above 20%": [0.20, ∞).
    let loyalty = Benchmarks::builtin();
    let b = loyalty.find("loyalty-cross-sell", "technology").unwrap();
    assert_eq!((b.low, b.high), (0.20, None));
    assert_eq!(status(0.5, b), Status::Within);
    assert_eq!(status(1.0, b), Status::Within);
    assert_eq!(status(0.20, b), Status::Within);
    assert_eq!(status(0.1999, b), Status::Below);
    assert_eq!(status(1e9, &bench(0.0, None)), Status::Within);
}

#[test]
fn labels() {
    let statuses = [Status::Below, Status::Within, Status::Above];
    let labels: Vec<&str> = statuses.iter().map(Status::label).collect();
    assert_eq!(labels, ["below", "within", "above"]);
    assert_eq!(Rating::NeedsImprovement.to_string(), "needs improvement");
    assert_eq!(Rating::Fair.label(), "fair");
    assert_eq!(Rating::Good.label(), "good");
    assert_eq!(Rating::Excellent.label(), "excellent");
}

#[test]
fn rating_boundaries() {
    let cases = [
        (0.0, Rating::NeedsImprovement),
        (0.0999, Rating::NeedsImprovement), // below 10%
        (0.10, Rating::Fair),               // 10% is not "below 10%"
        (1.0 / 10.0, Rating::Fair),         // 1 of 10 customers: exactly 0.10
        (0.1999, Rating::Fair),             // "10% up to 20%"
        (0.20, Rating::Good),               // "20% to 25%"
        (1.0 / 5.0, Rating::Good),          // 1 of 5: exactly 0.20
        (0.25, Rating::Good),               // 25% is not "above 25%"
        (1.0 / 4.0, Rating::Good),          // 1 of 4: exactly 0.25
        (0.2501, Rating::Excellent),        // above 25%
        (1.0, Rating::Excellent),
    ];
    for (value, expected) in cases {
        assert_eq!(rating(value), expected, "rating({value})");
    }
}

#[test]
fn only_the_cross_sell_rates_are_rated() {
    for metric in ["cross-sell", "campaign-cross-sell", "loyalty-cross-sell"] {
        assert!(rated(metric), "{metric}");
    }
    for metric in [
        "ctr",
        "conversion",
        "roi",
        "cac",
        "aov",
        "clv",
        "retention",
        "repeat-rate",
        "clv.aov",
        "Cross-Sell",
        "",
    ] {
        assert!(!rated(metric), "{metric}");
    }
}

#[test]
fn the_builtin_table() {
    let table = Benchmarks::builtin();
    // 6 industries × (cross-sell, campaign-cross-sell, loyalty-cross-sell).
    assert_eq!(table.all().len(), 18);
    assert_eq!(
        table.industries(),
        [
            "e-commerce",
            "education",
            "financial services",
            "healthcare",
            "real estate",
            "technology"
        ]
    );
    let ranges: Vec<(f64, Option<f64>)> = table
        .all()
        .iter()
        .filter(|b| b.metric == "campaign-cross-sell")
        .map(|b| (b.low, b.high))
        .collect();
    // Sorted by industry: e-commerce, education, financial services, healthcare, real
    // estate, technology.
    assert_eq!(
        ranges,
        [
            (0.15, Some(0.30)),
            (0.10, Some(0.20)),
            (0.10, Some(0.25)),
            (0.05, Some(0.15)),
            (0.10, Some(0.20)),
            (0.10, Some(0.20)),
        ]
    );
    let customer = table.find("cross-sell", "healthcare").unwrap();
    assert_eq!((customer.low, customer.high), (0.05, Some(0.15)));
    assert_eq!(customer.source, SOURCE_CUSTOMER);
    assert!(
        table
            .all()
            .iter()
            .filter(|b| b.metric == "loyalty-cross-sell")
            .all(|b| b.low == 0.20 && b.high.is_none() && b.source == SOURCE_LOYALTY)
    );
    let metrics: Vec<&str> = table.all().iter().map(|b| b.metric.as_str()).collect();
    assert_eq!(metrics[0], "cross-sell");
    assert_eq!(metrics[6], "campaign-cross-sell");
    assert_eq!(metrics[12], "loyalty-cross-sell");
    assert!(table.find("aov", "e-commerce").is_none());
}

#[test]
fn industry_names_match_loosely() {
    let table = Benchmarks::builtin();
    for name in [
        "e-commerce",
        "E-commerce",
        "ecommerce",
        "e_commerce",
        " E Commerce ",
    ] {
        let b = table.find("cross-sell", name);
        assert_eq!(b.map(|b| b.industry.as_str()), Some("e-commerce"), "{name}");
        assert!(table.has_industry(name), "{name}");
    }
    for name in [
        "financial services",
        "Financial-Services",
        "financial_services",
        "FINANCIALSERVICES",
    ] {
        let b = table.find("campaign-cross-sell", name);
        assert_eq!(b.map(|b| b.low), Some(0.10), "{name}");
    }
    assert!(!table.has_industry("retail"));
    assert!(!table.has_industry("e-commerc"));
    assert!(table.find("cross-sell", "retail").is_none());
}

#[test]
fn a_file_replaces_adds_and_opens_ranges() {
    let (table, file) = merged(
        "mine.csv",
        "\u{feff}Metric , INDUSTRY,low,High,note,Source\n\
         cross-sell,E-Commerce,0.18,0.35,ours,\n\
         aov,e-commerce,45.5,80,,shop survey 2024\n\
         \n\
         Repeat_Rate,Retail,0.3,,,\n",
    );
    let table = table.unwrap();
    // Replaced: one cross-sell entry for e-commerce, with the built-in display name.
    let b = table.find("cross-sell", "ecommerce").unwrap();
    assert_eq!(
        b,
        &Benchmark {
            metric: "cross-sell".to_string(),
            industry: "e-commerce".to_string(),
            low: 0.18,
            high: Some(0.35),
            period: None,
            source: format!("{file}, line 2"),
        }
    );
    assert_eq!(status(0.16, b), Status::Below); // 0.16 < 0.18, within the old 15-30%
    // Untouched: campaign-cross-sell keeps the built-in 15-30%.
    let campaign = table.find("campaign-cross-sell", "e-commerce").unwrap();
    assert_eq!((campaign.low, campaign.high), (0.15, Some(0.30)));
    // New metric with amounts.
    let aov = table.find("aov", "E-commerce").unwrap();
    assert_eq!((aov.low, aov.high), (45.5, Some(80.0)));
    assert_eq!(aov.source, "shop survey 2024");
    assert_eq!(status(45.5, aov), Status::Within);
    assert_eq!(status(80.01, aov), Status::Above);
    // An open high on line 5 (line 4 is blank), for a new industry.
    let repeat = table.find("repeat-rate", "retail").unwrap();
    assert_eq!((repeat.low, repeat.high), (0.3, None));
    assert_eq!(repeat.source, format!("{file}, line 5"));
    assert_eq!(status(0.9, repeat), Status::Within);
    // 18 built-in - 0 removed + aov + repeat-rate.
    assert_eq!(table.all().len(), 20);
    assert!(table.has_industry("Retail"));
    assert_eq!(table.industries().len(), 7);
    // Metric order: ... loyalty-cross-sell, aov, repeat-rate.
    let last: Vec<&str> = table.all()[18..]
        .iter()
        .map(|b| b.metric.as_str())
        .collect();
    assert_eq!(last, ["aov", "repeat-rate"]);
}

#[test]
fn rows_of_one_new_industry_share_its_first_spelling() {
    let (table, _) = merged(
        "mine.csv",
        "metric,industry,low,high\nctr,Retail Banking,0.01,0.05\nconversion,retail-banking,0.02,\n",
    );
    let table = table.unwrap();
    assert_eq!(
        table.find("conversion", "RetailBanking").unwrap().industry,
        "Retail Banking"
    );
    assert!(table.industries().contains(&"Retail Banking"));
    assert!(!table.industries().contains(&"retail-banking"));
}

#[test]
fn lines_are_counted_across_blank_rows_and_crlf() {
    // Line 1 header, 2 a row, 3 blank, 4 `,,,` (skipped), 5 the bad row.
    merge_error(
        "metric,industry,low,high\r\naov,retail,1,2\r\n\r\n,,,\r\naov,retail,x,2\r\n",
        5,
        &["column low", "\"x\""],
    );
    let data = b"a\r\nb\n\n\nc";
    assert_eq!(line_at(data, 0), 1);
    assert_eq!(line_at(data, 2), 2); // on the \n of the header's CRLF
    assert_eq!(line_at(data, 4), 5); // the \n ending line 2, then two blank lines
}

#[test]
fn an_unknown_metric() {
    let message = merge_error(
        "metric,industry,low,high\ncross-sell,technology,0.1,0.2\nupsell,technology,0.1,0.2\n",
        3,
        &[
            "column metric",
            "\"upsell\"",
            "cross-sell, campaign-cross-sell",
            "repeat-rate",
        ],
    );
    assert!(message.contains("aov"));
}

#[test]
fn a_bound_that_is_not_a_number() {
    merge_error(
        "metric,industry,low,high\nroi,technology,abc,2\n",
        2,
        &["column low", "\"abc\"", "not a number"],
    );
    merge_error(
        "metric,industry,low,high\nroi,technology,1,NaN\n",
        2,
        &["column high", "\"NaN\"", "not a number"],
    );
    merge_error(
        "metric,industry,low,high\ncross-sell,technology,15%,20%\n",
        2,
        &["column low", "\"15%\"", "not a number", "0.15 for 15%"],
    );
    merge_error(
        "metric,industry,low,high\ncross-sell,technology,,0.2\n",
        2,
        &["column low", "\"\"", "empty"],
    );
}

#[test]
fn a_rate_bound_that_is_not_a_fraction() {
    // 15 meant as 15%: the rate is a fraction.
    merge_error(
        "metric,industry,low,high\nctr,technology,0.01,15\n",
        2,
        &["column high", "\"15\"", "between 0 and 1", "0.15 for 15%"],
    );
    // ROI is not bounded: 1.5 (150%) and -0.2 are fine.
    let (table, _) = merged(
        "roi.csv",
        "metric,industry,low,high\nroi,technology,-0.2,1.5\n",
    );
    assert_eq!(
        table.unwrap().find("roi", "technology").unwrap().high,
        Some(1.5)
    );
}

#[test]
fn low_above_high() {
    merge_error(
        "metric,industry,low,high\naov,technology,90,80\n",
        2,
        &["column high", "\"80\"", "below low \"90\""],
    );
}

#[test]
fn an_empty_industry() {
    merge_error(
        "metric,industry,low,high\naov,technology,1,2\naov,  ,1,2\n",
        3,
        &["column industry", "\"\"", "empty"],
    );
    // A short row has no industry either.
    merge_error("metric,industry,low,high\naov\n", 2, &["column industry"]);
}

#[test]
fn a_repeated_row() {
    merge_error(
        "metric,industry,low,high\naov,E-commerce,1,2\nctr,e-commerce,0.1,0.2\naov,ecommerce,3,4\n",
        4,
        &["\"aov\", \"ecommerce\"", "repeats line 2"],
    );
}

#[test]
fn a_header_lacking_a_column() {
    merge_error(
        "metric,industry,low\naov,technology,1\n",
        1,
        &["column high", "lacks", "metric,industry,low,high"],
    );
    merge_error(
        "metric;industry;low;high\naov;technology;1;2\n",
        1,
        &["column metric", "comma-separated"],
    );
    merge_error("", 1, &["column metric", "lacks"]);
    merge_error(
        "metric,industry,low,high,LOW\n",
        1,
        &["column low", "twice"],
    );
}

#[test]
fn an_error_leaves_the_table_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.csv");
    fs::write(
        &path,
        "metric,industry,low,high\ncross-sell,technology,0.5,0.6\nnope,technology,1,2\n",
    )
    .unwrap();
    let mut table = Benchmarks::builtin();
    assert!(table.merge_file(&path).is_err());
    assert_eq!(table.all(), Benchmarks::builtin().all());
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.csv");
    let message = format!("{:#}", Benchmarks::builtin().merge_file(&path).unwrap_err());
    assert!(message.contains("absent.csv"), "{message}");
}

#[test]
fn the_customer_rate_is_held_to_the_ranges_per_week_month_or_quarter_only() {
    let table = Benchmarks::builtin();
    let customer = table.find("cross-sell", "e-commerce").unwrap();
    assert_eq!(customer.period_text(), "week, month or quarter");
    assert!(!customer.applies_to(None)); // the whole window
    assert!(!customer.applies_to(Some(PeriodKind::Year)));
    for kind in [PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter] {
        assert!(customer.applies_to(Some(kind)));
    }
    // The campaign rate's own ranges, and the loyalty target, apply to any span.
    for metric in ["campaign-cross-sell", "loyalty-cross-sell"] {
        let b = table.find(metric, "e-commerce").unwrap();
        assert!(b.applies_to(None) && b.applies_to(Some(PeriodKind::Year)));
        assert_eq!(b.period_text(), "any");
    }
}

#[test]
fn a_users_range_may_name_the_longest_period_it_applies_to() {
    let (table, file) = merged(
        "b.csv",
        "metric,industry,low,high,period\n\
         cross-sell,e-commerce,0.2,0.4,month\n\
         aov,e-commerce,50,,\n",
    );
    let table = table.unwrap();
    let b = table.find("cross-sell", "e-commerce").unwrap();
    assert_eq!(b.period, Some(PeriodKind::Month));
    assert!(!b.applies_to(Some(PeriodKind::Quarter)));
    assert_eq!(table.find("aov", "e-commerce").unwrap().period, None);
    let (err, _) = merged(
        "c.csv",
        "metric,industry,low,high,period\ncross-sell,x,0.1,0.2,fortnight\n",
    );
    let err = format!("{:#}", err.unwrap_err());
    assert!(err.ends_with(
        "c.csv:2: column period: \"fortnight\" is not a period; expected week, month, quarter or \
         year (the longest --period a value may be measured over to be held to the range), or any"
    ), "{err} ({file})");
}
