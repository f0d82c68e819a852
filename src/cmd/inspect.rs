//! `xsell inspect`: a dry run that shows how the orders read, column by column, before any KPI
//! is computed from them.

use anyhow::{Result, bail};

use crate::cli::InspectArgs;
use crate::cli::read::canonical;
use crate::engine::{self, Judging, count};
use crate::input::orders::{ColumnReport, From, Inspection};
use crate::metrics::Metric;
use crate::metrics::slice::Slicing;
use crate::output::{Format, write_grid};

pub fn run(args: &InspectArgs) -> Result<()> {
    let config = args
        .options()
        .config(Slicing::default(), Judging::default())?;
    if !matches!(config.format, Format::Table | Format::Markdown) {
        bail!(
            "xsell inspect prints a table for people to read (or Markdown), not CSV, JSON or \
             HTML; give -o a name that does not end in .csv, .json or .html"
        );
    }
    let (found, metrics) = engine::inspect(&config)?;
    let origin = |c: &ColumnReport| origin(c, args);
    super::write_with(config.output.as_deref(), |out| {
        let columns: Vec<String> = [
            "column",
            "from",
            "examples",
            "first problem",
            "read",
            "empty",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<String>> = (found.columns.iter())
            .map(|c| {
                vec![
                    format!("{}{}", c.name, if c.required { " *" } else { "" }),
                    origin(c),
                    c.examples.join(" | "),
                    match &c.problem {
                        Some(p) => format!("{} ({})", p, count(c.problems, "row")),
                        None => String::new(),
                    },
                    c.parsed.to_string(),
                    c.empty.to_string(),
                ]
            })
            .collect();
        let mut footer = vec!["* required".to_string()];
        footer.extend(summary(&found, &metrics));
        write_grid(out, &columns, &rows, 4, &footer, config.format)
    })
}

/// Where a column comes from, and which option said so.
fn origin(c: &ColumnReport, args: &InspectArgs) -> String {
    let read = &args.input.read;
    let given = |pairs: &[String]| {
        pairs
            .iter()
            .any(|p| canonical(p).is_some_and(|n| n == c.name))
    };
    let by = if given(&read.map) || given(&read.derive) {
        " (command line)".to_string()
    } else if let Some(name) = &args.input.preset {
        format!(" (preset {name})")
    } else if let Some(path) = &args.input.preset_file {
        format!(" (preset file {})", path.display())
    } else {
        String::new()
    };
    match &c.from {
        From::Header(h) if h == c.name && by.is_empty() => format!("header {h:?}"),
        From::Header(h) => format!("header {h:?}{by}"),
        From::Derived(e) => format!("= {e}{by}"),
        From::Absent => "(not in the file)".to_string(),
    }
}

/// The counts, the dates and the metrics the columns allow.
fn summary(found: &Inspection, metrics: &[(Metric, Option<String>)]) -> Vec<String> {
    let mut lines = vec![format!(
        "{} read from {}: {}, {}, {}, {} without a customer id, {} identical to an earlier row",
        count(found.rows, "row"),
        found.files.join(", "),
        count(found.orders, "order id"),
        count(found.customers, "customer"),
        count(found.products, "product"),
        found.guests,
        found.repeated
    )];
    if !found.left_out.is_empty() {
        let left: Vec<String> = (found.left_out.iter())
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        lines.push(format!("rows left out: {}", left.join(", ")));
    }
    if let Some(first) = &found.first_bad_row {
        lines.push(format!(
            "{} that cannot be read; the first: {first}",
            count(found.bad_rows, "row")
        ));
    }
    lines.push(match found.dates {
        Some((first, last)) => format!("dates: {first} to {last}"),
        None => "dates: none read".to_string(),
    });
    let (able, unable): (Vec<_>, Vec<_>) = metrics.iter().partition(|(_, why)| why.is_none());
    let names: Vec<&str> = able.iter().map(|(m, _)| m.name()).collect();
    lines.push(format!("metrics these columns allow: {}", names.join(", ")));
    for (metric, why) in unable {
        lines.push(format!(
            "  not {}: {}",
            metric.name(),
            why.as_deref().unwrap_or_default()
        ));
    }
    lines
}
