//! `xsell clv --format html`: each page parsed as a browser parses it (scraper) and checked
//! against the same run's CSV, every computed number rounded here as the table rounds it (6
//! decimals) — the fit's cards and table, the holdout chart's `<title>` and table, the
//! customers' table — for escaping, for referring to nothing outside the file, and for saying
//! how many customers a long page leaves out.

use chrono::{Days, NaiveDate};
use scraper::Html;

use crate::html::{assert_self_contained, select, select_in, text};
use crate::workdir::{Workdir, csv_rows, fails, ok, records, xsell};

/// A computed number of the CSV as the table shows it: 6 decimals, n/a for an empty cell.
fn six(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(v) => format!("{v:.6}"),
        Err(_) if value.is_empty() => "n/a".to_string(),
        Err(_) => value.to_string(),
    }
}

/// The CSV's rows as the page's table of all rows shows them: the columns named in `exact`
/// (counts, text) as they are, every other number rounded.
fn as_the_table_shows(csv: &str, exact: impl Fn(&[String], usize) -> bool) -> Vec<Vec<String>> {
    (csv_rows(csv).into_iter())
        .map(|row| {
            (0..row.len())
                .map(|i| match exact(&row, i) {
                    true => row[i].clone(),
                    false => six(&row[i]),
                })
                .collect()
        })
        .collect()
}

/// The cells of each body row of the page's `table.records`, as text.
fn table_cells(doc: &Html) -> Vec<Vec<String>> {
    (select(doc, "table.records tbody tr").iter())
        .map(|tr| select_in(tr, "td").iter().map(text).collect())
        .collect()
}

/// Orders of `customers` customers over 2024 as BG/NBD supposes them, spread by a xorshift
/// generator (the same every run): each customer buys at a pace of their own (a gap of 1 to
/// 2g days, g from 5 to 64), spends around an amount of their own (20 to 200, from half to
/// one and a half of it), and after each purchase leaves with a chance of their own (5% to
/// 30%). Customer 3 is named `<script>x</script>`.
fn orders(customers: usize) -> String {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut csv = String::from("order_id,customer_id,order_date,product_id,amount\n");
    for c in 0..customers {
        let name = match c {
            3 => "<script>x</script>".to_string(),
            c => format!("C{c:05}"),
        };
        let mut day = next(200);
        let (gap, base, leaves) = (5 + next(60), 20 * (1 + next(10)), 1 + next(6));
        for k in 0.. {
            if day > 365 {
                break;
            }
            let amount = base * (50 + next(100)) / 100;
            let date = start + Days::new(day);
            csv += &format!("O{c}-{k},{name},{date},P,{amount}.50\n");
            if next(20) < leaves {
                break;
            }
            day += 1 + next(2 * gap);
        }
    }
    csv
}

#[test]
fn the_fit_page_shows_each_value_of_the_csv_and_warns_of_a_fit_that_did_not_converge() {
    let line = "clv fixtures/orders.csv --horizon 6 --discount-rate 0.02 --margin 0.3";
    let csv = ok(&mut xsell(&format!("{line} --format csv")));
    let page = ok(&mut xsell(&format!("{line} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert!(page.len() < 300_000, "{} bytes", page.len());
    // Every row, as the table prints it: counts and text as they are.
    let exact = |row: &[String], i: usize| {
        i < 2 || (i == 2 && ["customers", "iterations", "converged"].contains(&row[1].as_str()))
    };
    assert_eq!(table_cells(&doc), as_the_table_shows(&csv, exact));
    let rows = records(&csv, "model,parameter,estimate,std_error,ci_low,ci_high");
    let find = |model: &str, parameter: &str| {
        let row = rows
            .iter()
            .find(|r| r["model"] == model && r["parameter"] == parameter);
        row.unwrap_or_else(|| panic!("{model} {parameter}"))
    };
    let cards = select(&doc, "article.card");
    let card = |name: &str| {
        let found = cards.iter().find(|c| text(&select_in(c, "h3")[0]) == name);
        found.unwrap_or_else(|| panic!("no card {name}"))
    };
    // The headline: the mean, the total over the customers, and what CLV was predicted under.
    let clv = card("clv");
    assert_eq!(
        text(&select_in(clv, "p.value")[0]),
        six(&find("clv", "mean")["estimate"])
    );
    let clv_text = text(clv);
    let total = format!(
        "Total {} over {} customers",
        six(&find("clv", "total")["estimate"]),
        find("clv", "customers")["estimate"]
    );
    assert!(clv_text.contains(&total), "{clv_text}");
    assert!(
        clv_text.contains("Horizon 6 months, discount rate 0.02 a month, margin 0.3"),
        "{clv_text}"
    );
    // A card per model: each parameter's estimate and interval, the fit's statistics.
    for model in ["bgnbd", "gamma-gamma"] {
        let card = card(model);
        let shown: Vec<Vec<String>> = (select_in(card, "tbody tr").iter())
            .map(|tr| select_in(tr, "td").iter().map(text).collect())
            .collect();
        let statistics = ["log_likelihood", "customers", "iterations", "converged"];
        let expected: Vec<Vec<String>> = (rows.iter())
            .filter(|r| r["model"] == model && !statistics.contains(&r["parameter"].as_str()))
            .map(|r| {
                let interval = match r["ci_low"].is_empty() {
                    true => "n/a".to_string(),
                    false => format!("{}–{}", six(&r["ci_low"]), six(&r["ci_high"])),
                };
                vec![r["parameter"].clone(), six(&r["estimate"]), interval]
            })
            .collect();
        assert_eq!(shown, expected, "{model}");
        let card_text = text(card);
        for (name, value) in [
            (
                "log-likelihood",
                six(&find(model, "log_likelihood")["estimate"]),
            ),
            ("customers", find(model, "customers")["estimate"].clone()),
            ("iterations", find(model, "iterations")["estimate"].clone()),
        ] {
            assert!(
                card_text.contains(&format!("{name} {value}")),
                "{model}: {card_text}"
            );
        }
        // The sample's spend does not identify Gamma-Gamma: its card, and the headline, say so.
        let converged = find(model, "converged")["estimate"] == "yes";
        assert_eq!(converged, model == "bgnbd");
        assert_eq!(select_in(card, "p.warning").len(), usize::from(!converged));
    }
    let headline = text(&select(&doc, "section")[0]);
    assert!(
        headline.contains("The gamma-gamma fit did not converge"),
        "{headline}"
    );
}

#[test]
fn the_holdout_page_draws_actual_against_predicted_with_the_numbers_in_its_title() {
    let line = "clv fixtures/orders.csv --holdout-from 2025-07-01";
    let csv = ok(&mut xsell(&format!("{line} --format csv")));
    let page = ok(&mut xsell(&format!("{line} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert!(page.len() < 300_000, "{} bytes", page.len());
    // frequency and customers as they are, actual, predicted and error rounded.
    assert_eq!(table_cells(&doc), as_the_table_shows(&csv, |_, i| i < 2));
    let rows = records(&csv, "frequency,customers,actual,predicted,error");
    assert_eq!(rows.len(), 7, "0 to 5 and 6+: {csv}");
    let chart = &select(&doc, "svg.chart")[0];
    let title = text(&select_in(chart, "title")[0]);
    let said: Vec<String> = (rows.iter())
        .map(|r| {
            format!(
                "{}: actual {}, predicted {} ({} customers)",
                r["frequency"],
                six(&r["actual"]),
                six(&r["predicted"]),
                r["customers"]
            )
        })
        .collect();
    assert!(title.ends_with(&said.join("; ")), "{title}");
    // Two series told apart by shape as well as colour: a round marker per actual value, a
    // square per predicted one (each with its own title), one more of each in the legend.
    assert_eq!(select_in(chart, "circle.actual title").len(), rows.len());
    assert_eq!(select_in(chart, "rect.predicted title").len(), rows.len());
    assert_eq!(select_in(chart, "circle.actual").len(), rows.len() + 1);
    let legend = text(&select_in(chart, "g")[0]);
    assert_eq!(legend, "actualpredicted (BG/NBD)");
    // A zero-based scale: the lowest tick of the values' axis is 0.
    let ticks: Vec<f64> = (select_in(chart, "text.tick[text-anchor=end]").iter())
        .map(|t| text(t).replace(',', "").parse().unwrap())
        .collect();
    assert_eq!(ticks[0], 0.0, "{ticks:?}");
    let note = text(&select(&doc, "p.note")[0]);
    assert!(
        note.contains("up to 2025-06-30; the holdout runs from 2025-07-01 to 2025-12-31"),
        "{note}"
    );
}

#[test]
fn the_customers_page_shows_each_row_of_the_csv_and_escapes_the_ids() {
    let w = Workdir::with(&[("orders.csv", &orders(60))]);
    for top in ["", " --top 5"] {
        let line = format!("clv orders.csv --per-customer{top}");
        let csv = ok(&mut w.cmd(&format!("{line} --format csv")));
        let page = ok(&mut w.cmd(&format!("{line} --format html")));
        let doc = Html::parse_document(&page);
        assert_self_contained(&doc);
        // customer_id and frequency as they are, every other number rounded.
        let expected = as_the_table_shows(&csv, |_, i| i < 2);
        assert_eq!(table_cells(&doc), expected, "{line}");
        // CLV drawn as a bar in its cell, one a row.
        assert_eq!(select(&doc, "table.records td .bar").len(), expected.len());
        assert!(!page.contains("left out here"), "{line}");
        if top.is_empty() {
            assert!(
                expected.iter().any(|r| r[0] == "<script>x</script>"),
                "{csv}"
            );
            assert!(page.contains("<td class=\"text\">&lt;script&gt;x&lt;/script&gt;</td>"));
        }
    }
}

#[test]
fn a_page_of_more_customers_than_it_lists_shows_the_most_valuable_and_says_how_many_are_left_out() {
    let w = Workdir::with(&[("orders.csv", &orders(1_060))]);
    let csv = ok(&mut w.cmd("clv orders.csv --per-customer --format csv"));
    let mut expected = as_the_table_shows(&csv, |_, i| i < 2);
    let n = expected.len();
    assert!(n > 1_000, "{n} customers");
    // The 1000 of the largest CLV, as --top orders them (ties in the CSV's order).
    let clv = |row: &Vec<String>| row[8].parse::<f64>().unwrap_or(f64::NEG_INFINITY);
    expected.sort_by(|a, b| clv(b).total_cmp(&clv(a)));
    expected.truncate(1_000);
    ok(&mut w.cmd("clv orders.csv --per-customer -o clv.html"));
    let page = w.read("clv.html");
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert_eq!(table_cells(&doc), expected);
    let warning = text(&select(&doc, "p.warning")[0]);
    assert_eq!(
        warning,
        format!(
            "The page lists 1000 of the {n} customers: those with the largest CLV, as --top 1000 \
             would; {} more are left out here. All of them: the same command with --format csv \
             -o clv.csv (or --format json).",
            n - 1_000
        )
    );
}

#[test]
fn the_rfm_summary_has_no_page() {
    let err = fails(&mut xsell("clv fixtures/orders.csv --rfm --format html"));
    assert_eq!(
        err,
        "xsell: error: xsell clv --rfm has no HTML page: the summary is data for another program \
         (one row per customer); write it with --format csv -o rfm.csv, or see each customer's \
         summary with its predictions on the page of --per-customer --format html\n"
    );
}

#[test]
fn the_fit_page_under_by_draws_each_groups_mean_clv_and_none_without_by() {
    let line = "clv fixtures/orders.csv --by segment";
    let csv = ok(&mut xsell(&format!("{line} --format csv")));
    let page = ok(&mut xsell(&format!("{line} --format html")));
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    // Each group's mean as the chart writes an amount (2 decimals), in the CSV's order.
    let rows = records(
        &csv,
        "model,group,parameter,estimate,std_error,by,ci_low,ci_high",
    );
    let means: Vec<String> = (rows.iter())
        .filter(|r| r["model"] == "clv" && r["parameter"] == "mean" && r["group"] != "all")
        .map(|r| {
            let mean: f64 = r["estimate"].parse().unwrap();
            format!("{} {mean:.2}", r["group"])
        })
        .collect();
    assert_eq!(means.len(), 3, "{csv}");
    let title = format!("mean predicted CLV by group: {}", means.join("; "));
    let titles: Vec<String> = select(&doc, "svg.chart > title").iter().map(text).collect();
    assert_eq!(titles, [title]);
    let caption = text(&select(&doc, "figcaption")[0]);
    assert_eq!(
        caption,
        "mean predicted CLV by segment (amount, in the data's currency)"
    );
    let plain = ok(&mut xsell("clv fixtures/orders.csv --format html"));
    assert!(select(&Html::parse_document(&plain), "svg.chart").is_empty());
}
