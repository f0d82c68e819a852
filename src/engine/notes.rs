//! What a run tells besides its rows: warnings and notes about the inputs, and the summary of
//! what was read.

use crate::engine::Config;
use crate::input::orders::ReadReport;
use crate::input::{Book, Campaigns, Customers, Invisible, ReadOptions};
use crate::output::Summary;

/// Campaigns that report more clicks or conversions than impressions.
pub(super) fn campaign_counts(campaigns: Option<&Campaigns>) -> Vec<String> {
    let mut notes: Vec<String> = (campaigns.iter())
        .filter_map(|c| invisible(&c.invisible, "campaign row"))
        .collect();
    for c in campaigns.iter().flat_map(|c| &c.list) {
        for (what, count) in [("clicks", c.clicks), ("conversions", c.conversions)] {
            if let (Some(n), Some(impressions)) = (count, c.impressions)
                && n > impressions
            {
                notes.push(format!(
                    "warning: campaign {} reports more {what} ({n}) than impressions ({impressions})",
                    c.id
                ));
            }
        }
    }
    notes
}

/// The warnings of reading: rows skipped (`--skip-invalid`), amounts rounded
/// (`--round-amounts`) and lines repeated.
pub(super) fn reading(report: &ReadReport, read: &ReadOptions) -> Vec<String> {
    let mut notes = Vec::new();
    if report.skipped > 0 {
        notes.push(format!(
            "warning: skipped {} of {} (--skip-invalid); the first:",
            count(report.skipped, "invalid row"),
            count(report.rows, "row")
        ));
        for reason in &report.reasons {
            notes.push(format!("  {reason}"));
        }
    }
    let left: Vec<String> = (report.left_out.iter())
        .filter(|(_, n)| *n > 0)
        .map(|(reason, n)| {
            let why = if reason == crate::input::Guests::LABEL {
                "no customer id, --guests skip".to_string()
            } else {
                format!("--where {reason}")
            };
            format!("{} ({why})", count(*n, &format!("{reason} row")))
        })
        .collect();
    if !left.is_empty() {
        notes.push(format!(
            "note: left out {}; the values are computed without them",
            left.join(", ")
        ));
    }
    if let (Some((amount, quantity)), true) = (&report.unit_price, report.quantity_not_one > 0) {
        notes.push(format!(
            "warning: amount is read from {amount:?}, which names a unit price, and {} with a \
             {quantity} other than 1: amount must be the line total; if it is the unit price, \
             compute the total with --derive {}",
            count(report.quantity_not_one, "line"),
            total(quantity, amount),
        ));
    }
    if let (true, Some(places)) = (report.rounded > 0, read.money.round) {
        notes.push(format!(
            "note: rounded {} to {places} decimals, half to even (--round-amounts {places})",
            count(report.rounded, "amount")
        ));
    }
    notes.extend(invisible(&report.invisible, "order line"));
    if let Some(far) = &report.far {
        let more = if far.lines > far.first.len() as u64 {
            ", ..."
        } else {
            ""
        };
        notes.push(format!(
            "warning: {} dated more than {} years from the median year {} (a placeholder such \
             as 0001-01-01 or 9999-12-31?): measured as any line, but the data's first and last \
             date (the window's default bounds) are taken without them; the first: {}{more}; \
             correct the dates, or measure the window you mean with --from/--to",
            count(far.lines, "order line"),
            crate::input::years::Years::FAR,
            far.median_year,
            far.first.join(", ")
        ));
    }
    if report.guests > 0 {
        notes.push(format!(
            "note: {} without a customer id: each of their orders counts as a one-time customer \
             (--guests order)",
            count(report.guests, "order line")
        ));
    }
    if report.duplicates > 0 {
        notes.extend(repeats(report));
    }
    notes
}

/// The note of lines dropped as repeats (`--dedupe`), or the warning of repeats counted as
/// data; then the first of them, each with the earlier line it repeats.
fn repeats(report: &ReadReport) -> Vec<String> {
    let lines = count(report.duplicates, "order line");
    let head = if report.dropped {
        format!("note: dropped {lines} identical to an earlier line (--dedupe)")
    } else {
        format!(
            "warning: {lines} identical to an earlier line: counted as data (--dedupe drops them)"
        )
    };
    let tail = match &report.unnamed {
        Some(why) => format!("; not named, as {why}"),
        None if report.repeats.is_empty() => String::new(),
        None => "; the first:".to_string(),
    };
    let named = report.repeats.iter().map(|r| format!("  {r}"));
    std::iter::once(head + &tail).chain(named).collect()
}

/// The warning that `lines` order lines name campaigns that campaigns.csv does not list (the
/// book interned those after the listed ones).
pub(super) fn unknown_campaigns(book: &Book, listed: &Campaigns, lines: u64) -> Option<String> {
    if lines == 0 {
        return None;
    }
    let known = listed.list.len();
    let unknown = book.campaigns.len() - known;
    let mut ids: Vec<&str> = (known..book.campaigns.len())
        .map(|i| book.campaigns.name(i as u32))
        .take(5)
        .collect();
    if unknown > ids.len() {
        ids.push("...");
    }
    Some(format!(
        "warning: {} attributed to {} missing from {} ({}); campaign metrics leave them \
         out, and --by campaign-type groups them as (unknown)",
        count(lines, "order line"),
        count(unknown as u64, "campaign"),
        listed.file,
        ids.join(", ")
    ))
}

/// Applies customers.csv to the book; a warning when it lacks customers of the orders.
/// The warning that invisible characters were removed from the cells of `rows` (of `what`).
pub(super) fn invisible(rows: &Invisible, what: &str) -> Option<String> {
    (rows.rows > 0).then(|| {
        let more = if rows.rows > rows.first.len() as u64 {
            ", ..."
        } else {
            ""
        };
        format!(
            "warning: removed invisible characters (zero-width spaces, direction marks, ...) \
             from the cells of {} (an id is read without them); the first: {}{more}",
            count(rows.rows, what),
            rows.first.join(", ")
        )
    })
}

pub(super) fn apply_customers(book: &mut Book, file: &Customers) -> Vec<String> {
    let unknown = book.apply(file);
    let mut notes: Vec<String> = invisible(&file.invisible, "customer row")
        .into_iter()
        .collect();
    if unknown > 0 {
        notes.push(format!(
            "warning: {} of the orders missing from {}: their attributes come from the order lines",
            count(unknown, "customer"),
            file.file
        ));
    }
    notes
}

/// What was read: files, lines, orders, customers, the window and the rows skipped.
pub(super) fn summary(book: &Book, config: &Config, report: &ReadReport) -> Summary {
    let window = match config.settings.window.bounds(book.span) {
        Some((first, last)) => format!("{first} to {last}"),
        None => "empty".to_string(),
    };
    Summary {
        lines: book.lines,
        orders: book.orders.iter().filter(|o| o.has_purchase()).count() as u64,
        customers: book.customers.len() as u64,
        files: book.files.clone(),
        window,
        skipped: config.read.invalid.skip.then_some(report.skipped),
        left_out: left_out(report),
        notes: Vec::new(),
        remarks: Vec::new(),
    }
}

/// The `--derive` argument that computes a line total from the headers of quantity and unit
/// price, quoted for a shell: `'amount="Qty" * "Unit Price"'`.
fn total(quantity: &str, price: &str) -> String {
    let name = |h: &str| format!("\"{}\"", h.replace('"', "\"\""));
    let arg = format!("amount={} * {}", name(quantity), name(price));
    format!("'{}'", arg.replace('\'', "'\\''"))
}

/// The rows left out, by reason: those of reading's options, then lines dropped as repeats
/// (`--dedupe`).
fn left_out(report: &ReadReport) -> Vec<(String, u64)> {
    let mut left_out = report.left_out.clone();
    if report.dropped {
        left_out.push(("repeated".to_string(), report.duplicates));
    }
    left_out
}

/// The metric name of the output row that counts rows left out for `reason`: `guest-rows`.
pub fn left_out_row(reason: &str) -> String {
    format!("{reason}-rows")
}

/// `1 campaign`, `2 campaigns`.
pub fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
