//! `--format html`: one self-contained page — inline CSS and inline SVG, no script, nothing
//! fetched from outside the file — that opens anywhere and can be attached to a mail.
//!
//! The page is written with maud, which escapes every value it splices in (a product named
//! `<script>` shows as text). Its numbers are the table's (rounded as `--format table` rounds
//! them), from the same rows as the CSV; the charts are in [`charts`], and every chart has its
//! numbers in a `<title>` and in the table of all rows. The pages of `xsell clv` are in
//! [`clv`].

mod charts;
mod clv;

use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub use charts::Point;
pub use clv::{Assumptions, ClvOutput, MAX_CUSTOMERS, clv_page};

use super::table::{Summary, grid, human_value};
use crate::metrics::{Row, Unit};

const STYLE: &str = include_str!("style.css");

/// What every page shows around its content: a title, what was read, the command line.
pub struct Page {
    /// `xsell report`, `xsell cohort`, ...
    pub title: String,
    /// What was read, under the title.
    pub lead: String,
    /// The lines under the table: what was read, skipped and left out.
    pub footer: Vec<String>,
    /// The command line, quoted as a shell reads it.
    pub command: String,
}

impl Page {
    /// The page of this run's command (`xsell report`), with `summary`'s footer lines after
    /// the extra `notes`, then the warnings and notes of reading (those of stderr).
    pub fn new(summary: Option<&Summary>, notes: Vec<String>) -> Page {
        let read = summary.map(Summary::footer).unwrap_or_default();
        let mut footer = notes;
        footer.extend(read.iter().cloned());
        for note in summary.iter().flat_map(|s| &s.notes) {
            // A remark is in the footer already, without its `note: `.
            if !footer
                .iter()
                .any(|line| line == note.trim_start_matches("note: "))
            {
                footer.push(note.clone());
            }
        }
        let command = std::env::args().nth(1).unwrap_or_default();
        Page {
            title: format!("xsell {command}").trim_end().to_string(),
            lead: read.first().cloned().unwrap_or_default(),
            footer,
            command: command_line(),
        }
    }

    /// The page around `body`, written to `out`.
    fn write(&self, out: &mut dyn Write, body: Markup) -> io::Result<()> {
        let page = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="color-scheme" content="light dark";
                    title { (self.title) }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    header {
                        h1 { (self.title) }
                        p.sub { (self.lead) }
                    }
                    main { (body) }
                    footer {
                        @for line in &self.footer {
                            p { (line) }
                        }
                        p { "Command: " code { (self.command) } }
                    }
                }
            }
        };
        out.write_all(page.into_string().as_bytes())?;
        out.write_all(b"\n")
    }
}

/// The command line of this run, each argument quoted as a POSIX shell would need it; the
/// password of `--url` never shown (a page is mailed around).
fn command_line() -> String {
    quoted(&std::env::args().collect::<Vec<_>>())
}

/// `args` (the program first) as a shell command line; see [`command_line`].
fn quoted(args: &[String]) -> String {
    let quoted: Vec<String> = (args.iter().enumerate())
        .map(|(i, arg)| {
            let arg = match (i, arg.strip_prefix("--url=")) {
                // The program as people call it.
                (0, _) => "xsell".to_string(),
                (_, Some(url)) => format!("--url={}", crate::engine::database::shown(url)),
                _ if args[i - 1] == "--url" => crate::engine::database::shown(arg),
                _ => arg.clone(),
            };
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
            match plain {
                true => arg,
                false => format!("'{}'", arg.replace('\'', r"'\''")),
            }
        })
        .collect();
    quoted.join(" ")
}

/// What a chart's axis counts, after its caption: amounts are in the data's currency.
fn axis(unit: Unit) -> &'static str {
    match unit {
        Unit::Rate => " (%)",
        Unit::Money => " (amount, in the data's currency)",
        Unit::Number | Unit::Count => "",
    }
}

/// A value as the table shows it: `12.3%`, `301.79`, `n/a`.
fn shown(value: Option<f64>, unit: Unit) -> String {
    human_value(value, unit)
}

fn point(row: &Row, label: String) -> Point {
    Point {
        label,
        value: row.value,
        ci: row.ci,
    }
}

/// The metrics of `rows` in their first order.
fn metrics<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for row in rows {
        if !names.contains(&row.metric) {
            names.push(row.metric);
        }
    }
    names
}

/// The campaign KPIs, in the columns of the campaigns' table.
const CAMPAIGN_KPIS: [&str; 5] = ["roi", "cac", "ctr", "conversion", "campaign-cross-sell"];

/// The page of `compute` and `report`: the headline scorecard (with bullet charts against the
/// benchmarks), a trend chart per KPI over `--period`, a bar chart per KPI over the `--by`
/// groups, the campaigns' table, then every row as the table prints it.
pub fn rows_page(
    out: &mut dyn Write,
    page: &Page,
    rows: &[Row],
    confidence: f64,
) -> io::Result<()> {
    let all: Vec<&Row> = rows.iter().filter(|r| r.by.is_empty()).collect();
    // A KPI's headline: its row over the whole window, else that of its last period.
    let headline: Vec<&Row> = (metrics(all.iter().copied()).into_iter())
        .filter_map(|m| {
            let mut mine = all.iter().copied().filter(|r| r.metric == m);
            (mine.clone().find(|r| r.period.is_none())).or_else(|| mine.next_back())
        })
        .collect();
    let trends: Vec<(&'static str, Vec<&Row>)> = (metrics(all.iter().copied()).into_iter())
        .map(|m| {
            (
                m,
                all.iter()
                    .filter(|r| r.metric == m && r.period.is_some())
                    .copied()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, rows)| rows.len() > 1)
        .collect();
    let campaign = |r: &Row| r.by == "campaign" && CAMPAIGN_KPIS.contains(&r.metric);
    let grouped: Vec<&Row> = rows
        .iter()
        .filter(|r| !r.by.is_empty() && !campaign(r))
        .collect();
    // Groups over periods: the bars of the last period.
    let last_period = grouped.iter().filter_map(|r| r.period.clone()).max();
    let bars: Vec<(&'static str, Vec<&Row>)> = (metrics(grouped.iter().copied()).into_iter())
        .map(|m| {
            let rows = grouped
                .iter()
                .filter(|r| r.metric == m && r.period == last_period);
            (m, rows.copied().collect::<Vec<_>>())
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let by = grouped.first().map(|r| r.by.clone()).unwrap_or_default();
    let campaigns: Vec<&Row> = rows.iter().filter(|r| campaign(r)).collect();
    let table = grid(rows);
    let level = format!("{:.0}%", confidence * 100.0);
    let body = html! {
        section {
            h2 { "Headline" }
            @if headline.is_empty() {
                p.note { "No value: no row to show." }
            }
            div.cards {
                @for row in &headline {
                    (card(row, &level))
                }
            }
        }
        @if !trends.is_empty() {
            section {
                h2 { "Trends" }
                p.note { "Each period on its own; the band is the " (level) " interval; a gap is a period without a value." }
                div.charts {
                    @for (metric, rows) in &trends {
                        @let points: Vec<Point> = rows.iter().map(|r| point(r, r.period.clone().unwrap_or_default())).collect();
                        figure {
                            figcaption { (metric) " per period" (axis(rows[0].unit)) }
                            (charts::trend(metric, &points, rows[0].unit))
                        }
                    }
                }
            }
        }
        @if !bars.is_empty() {
            section {
                h2 { "By " (by) }
                p.note {
                    "In the order of --sort; the whiskers are the " (level) " intervals."
                    @if let Some(period) = &last_period { " Period " (period) " (the last)." }
                }
                div.charts {
                    @for (metric, rows) in &bars {
                        @let points: Vec<Point> = rows.iter().map(|r| point(r, r.group.clone())).collect();
                        figure {
                            figcaption { (metric) " by " (by) (axis(rows[0].unit)) }
                            (charts::bars(metric, &points, rows[0].unit))
                        }
                    }
                }
            }
        }
        @if !campaigns.is_empty() {
            section {
                h2 { "Campaigns" }
                (campaign_table(&campaigns, &level))
            }
        }
        section {
            h2 { "All rows" }
            div.scroll {
                table {
                    thead { tr { @for (i, c) in table.columns.iter().enumerate() {
                        th class=[table.right[i].then_some("num")] { (c) }
                    } } }
                    tbody { @for row in &table.cells { tr { @for (i, cell) in row.iter().enumerate() {
                        td class=(if table.right[i] { "num" } else { "text" }) { (cell) }
                    } } } }
                }
            }
        }
    };
    page.write(out, body)
}

/// A KPI's card: its value, interval, numerator / denominator, and its benchmark.
fn card(row: &Row, level: &str) -> Markup {
    let quantity = |q| super::quantity(q);
    html! {
        article.card {
            h3 { (row.metric) @if let Some(p) = &row.period { " " span.muted { (p) } } }
            p.value { (shown(row.value, row.unit)) }
            @if let Some((lo, hi)) = row.ci {
                p.muted { (level) " interval " (shown(Some(lo), row.unit)) "–" (shown(Some(hi), row.unit)) }
            }
            @if let (Some(n), Some(d)) = (row.numerator, row.denominator) {
                p.muted { (quantity(n)) " / " (quantity(d)) }
            }
            @if let Some(b) = &row.benchmark {
                (charts::bullet(row.metric, &point(row, row.group.clone()), (b.low, b.high), row.unit))
                p {
                    "Benchmark "
                    @match b.high {
                        Some(high) => { (shown(Some(b.low), row.unit)) "–" (shown(Some(high), row.unit)) }
                        None => { ">= " (shown(Some(b.low), row.unit)) }
                    }
                    ": "
                    span class={"status " (b.status)} { (b.status) }
                    @if let Some(rating) = &b.rating { ", " (rating) }
                }
            }
        }
    }
}

/// The campaigns' KPIs, a row per campaign: ROI and CAC as bars (ROI below 0 to the left of
/// its zero line), the rates with their intervals.
fn campaign_table(rows: &[&Row], level: &str) -> Markup {
    let mut ids: Vec<&str> = Vec::new();
    for r in rows {
        if !ids.contains(&r.group.as_str()) {
            ids.push(&r.group);
        }
    }
    let kpis: Vec<&str> = (CAMPAIGN_KPIS.iter().copied())
        .filter(|k| rows.iter().any(|r| r.metric == *k))
        .collect();
    let find = |id: &str, kpi: &str| {
        rows.iter()
            .find(|r| r.group == id && r.metric == kpi)
            .copied()
    };
    // The bars' scale per KPI: from the smallest value (or 0) to the largest (or 0).
    let range = |kpi: &str| {
        let values = rows
            .iter()
            .filter(|r| r.metric == kpi)
            .filter_map(|r| r.value);
        values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    html! {
        p.note { "ROI and CAC as bars from 0; rates with their " (level) " intervals." }
        div.scroll {
            table {
                thead { tr {
                    th { "campaign" }
                    @for k in &kpis { th.num { (k) } }
                } }
                tbody { @for id in &ids { tr {
                    td.text { (id) }
                    @for k in &kpis {
                        @let row = find(id, k);
                        td.num {
                            @match row {
                                Some(r) => {
                                    (shown(r.value, r.unit))
                                    @if let Some((lo, hi)) = r.ci {
                                        br; span.muted { (shown(Some(lo), r.unit)) "–" (shown(Some(hi), r.unit)) }
                                    }
                                    @if matches!(*k, "roi" | "cac") {
                                        @if let Some(v) = r.value { (bar(v, range(k))) }
                                    }
                                }
                                None => { "" }
                            }
                        }
                    }
                } } }
            }
        }
    }
}

/// A bar from 0 to `v` on the scale `lo..hi` (0 among them), as positioned boxes.
fn bar(v: f64, (lo, hi): (f64, f64)) -> Markup {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let at = |x: f64| (x - lo) / span * 100.0;
    let (from, to) = (at(0.0_f64.min(v)), at(0.0_f64.max(v)));
    html! {
        div.bar aria-hidden="true" {
            span class=[(v < 0.0).then_some("neg")] style={"left:" (pct(from)) ";width:" (pct(to - from))} {}
            i style={"left:" (pct(at(0.0)))} {}
        }
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v.clamp(0.0, 100.0))
}

/// A row of the cohort matrix: its label, size and cells, each with the share of the row's
/// largest that colours it and its text.
pub struct HeatRow {
    pub label: String,
    pub size: String,
    pub cells: Vec<Option<(f64, String)>>,
}

/// The cohort page: the retention triangle as a heatmap, the number in each cell.
pub fn heatmap_page(
    out: &mut dyn Write,
    page: &Page,
    columns: &[String],
    rows: &[HeatRow],
    note: &str,
) -> io::Result<()> {
    let body = html! {
        section {
            h2 { "Cohorts" }
            p.note { (note) }
            div.scroll {
                table.heat {
                    thead { tr { @for (i, c) in columns.iter().enumerate() {
                        th class=[(i > 0).then_some("num")] { (c) }
                    } } }
                    tbody { @for row in rows { tr {
                        th { (row.label) }
                        td.num { (row.size) }
                        @for cell in &row.cells {
                            @match cell {
                                Some((share, text)) => {
                                    @let alpha = share.clamp(0.0, 1.0) * 0.85;
                                    td class={"num" @if alpha > 0.5 { " dark" }} style={"background:rgba(var(--heat)," (format!("{alpha:.2}")) ")"} { (text) }
                                }
                                None => { td {} }
                            }
                        }
                    } } }
                }
            }
        }
    };
    page.write(out, body)
}

/// The pairs page: the rules as the table lists them, lift drawn as a bar from 0.
pub fn rules_page(
    out: &mut dyn Write,
    page: &Page,
    columns: &[String],
    rows: &[Vec<String>],
    lifts: &[f64],
    numbers_from: usize,
) -> io::Result<()> {
    let lift_at = columns.iter().position(|c| c == "lift");
    let top = lifts.iter().copied().fold(0.0_f64, f64::max);
    let body = html! {
        section {
            h2 { "Rules" }
            @if rows.is_empty() {
                p.note { "No rule: the note at the foot of the page says why." }
            }
            p.note { "Lift as a bar from 0 (1 is independence)." }
            div.scroll {
                table {
                    thead { tr { @for (i, c) in columns.iter().enumerate() {
                        th class=[(i >= numbers_from).then_some("num")] { (c) }
                    } } }
                    tbody { @for (r, row) in rows.iter().enumerate() { tr {
                        @for (i, cell) in row.iter().enumerate() {
                            td class=(if i >= numbers_from { "num" } else { "text" }) {
                                (cell)
                                @if Some(i) == lift_at {
                                    @if let Some(lift) = lifts.get(r) { (bar(*lift, (0.0, top))) }
                                }
                            }
                        }
                    } } }
                }
            }
        }
    };
    page.write(out, body)
}

/// Two rates with their intervals, and their difference with its interval.
pub struct Comparison {
    pub metric: String,
    pub a: Point,
    pub b: Point,
    pub difference: Point,
    /// The verdict and the p-value, as the table writes them.
    pub verdict: String,
    /// The table's fields and values.
    pub fields: Vec<(String, String)>,
}

/// The compare page: the two rates as bars with whiskers, their difference on a scale through
/// 0, the verdict, then every field.
pub fn compare_page(
    out: &mut dyn Write,
    page: &Page,
    c: &Comparison,
    level: &str,
) -> io::Result<()> {
    let body = html! {
        section {
            h2 { (c.metric) ": " (c.a.label) " against " (c.b.label) }
            p { strong { (c.verdict) } }
            p.note { "Whiskers: " (level) " intervals." }
            div.charts {
                figure {
                    figcaption { "The two rates" }
                    (charts::bars(&c.metric, &[c.a.clone(), c.b.clone()], Unit::Rate))
                }
                figure {
                    figcaption { "The difference, " (c.b.label) " − " (c.a.label) }
                    (charts::bars("difference", std::slice::from_ref(&c.difference), Unit::Rate))
                }
            }
        }
        section {
            h2 { "All fields" }
            div.scroll {
                table {
                    tbody { @for (name, value) in &c.fields { tr { th { (name) } td.text { (value) } } } }
                }
            }
        }
    };
    page.write(out, body)
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn the_command_line_is_quoted_and_hides_the_password() {
        let args = |line: &[&str]| line.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert_eq!(
            quoted(&args(&[
                "/usr/bin/xsell",
                "report",
                "my orders.csv",
                "--by",
                "it's"
            ])),
            "xsell report 'my orders.csv' --by 'it'\\''s'"
        );
        assert_eq!(
            quoted(&args(&[
                "xsell",
                "report",
                "--url",
                "postgresql://ana:s3cret@db/shop"
            ])),
            "xsell report --url postgresql://ana@db/shop"
        );
        assert_eq!(
            quoted(&args(&[
                "xsell",
                "report",
                "--url=postgresql://ana:s3cret@db/shop"
            ])),
            "xsell report --url=postgresql://ana@db/shop"
        );
    }
}
