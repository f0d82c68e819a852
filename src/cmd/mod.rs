//! One module per subcommand; this one holds what they share: telling the notes of reading,
//! and writing the result.

pub mod benchmarks;
pub mod clv;
mod clv_rows;
pub mod cohort;
pub mod compare;
pub mod compute;
pub mod inspect;
pub mod metrics;
pub mod pairs;
pub mod presets;
pub mod report;
pub mod sink;
pub mod sql;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::engine::{self, Config, count};
use crate::metrics::Row;
use crate::output::{self, Format, Style, Summary};
use crate::report::Threshold;

/// Prints the warnings and notes of reading, one a line, on stderr.
pub fn tell(summary: &Summary) {
    for note in &summary.notes {
        if note.starts_with(' ') {
            sink::to_stderr(format_args!("{note}"));
        } else {
            sink::to_stderr(format_args!("xsell: {note}"));
        }
    }
}

/// Refuses `--format html` for a command whose output is a list (there is no page of it).
fn no_page(format: Format, command: &str) -> Result<()> {
    if format == Format::Html {
        anyhow::bail!(
            "xsell {command} has no HTML page (report, compute, cohort, pairs, compare and clv \
             have one): use --format table, markdown, csv or json"
        );
    }
    Ok(())
}

/// Adds intervals and benchmarks, orders the groups, writes the rows and checks
/// `--fail-under`: exit 1 when a value falls short, after the full result is written.
/// `detail`: rows the HTML page shows besides (the report's campaigns), judged alike but never
/// held to `--fail-under`, so that the exit code does not depend on the format.
pub fn finish(
    config: &Config,
    rows: Vec<Row>,
    mut detail: Vec<Row>,
    summary: &Summary,
) -> Result<ExitCode> {
    let mut summary = summary.clone();
    let rows = engine::judge(config, rows, &mut summary);
    let summary = &summary;
    tell(summary);
    let judging = &config.judging;
    if config.format == Format::Html {
        crate::report::add_intervals(&mut detail, judging.z);
        if let Some(industry) = &judging.industry {
            let period = config.settings.slicing.period;
            crate::report::judge(&mut detail, &judging.benchmarks, industry, period);
        }
        let page = output::html::Page::new(Some(summary), Vec::new());
        let shown: Vec<Row> = rows.iter().chain(&detail).cloned().collect();
        write_with(config.output.as_deref(), |out| {
            output::html::rows_page(out, &page, &shown, judging.confidence)
        })?;
    } else {
        write(
            config.output.as_deref(),
            config.format,
            &rows,
            Some(summary),
            judging.color,
            judging.industry.is_some(),
        )?;
    }
    let Some(threshold) = &judging.fail_under else {
        return Ok(ExitCode::SUCCESS);
    };
    let short = crate::report::shortfalls(&rows, threshold);
    if short.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let what = match threshold {
        Threshold::Value(v) => format!("below {v}"),
        Threshold::Benchmark => "below the benchmark".to_string(),
    };
    let named: Vec<String> = short
        .iter()
        .take(5)
        .map(|r| {
            let period = r
                .period
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            format!("{} {}{period}", r.metric, r.group)
        })
        .collect();
    let more = if short.len() > named.len() {
        ", ..."
    } else {
        ""
    };
    sink::to_stderr(format_args!(
        "xsell: {} {what}: {}{more}",
        count(short.len() as u64, "value"),
        named.join(", ")
    ));
    Ok(ExitCode::from(1))
}

/// Writes `rows` to `-o FILE` or standard output; a table fits itself only on a terminal, and
/// is coloured when `color` (resolved by the CLI).
pub fn write(
    output: Option<&Path>,
    format: Format,
    rows: &[Row],
    summary: Option<&Summary>,
    color: bool,
    benchmarks: bool,
) -> Result<()> {
    let style = Style { color, benchmarks };
    write_with(output, |out| {
        output::write_rows(out, format, rows, summary, style)
    })
}

/// Runs `write` on `-o FILE` or standard output, buffered and flushed once (see [`sink`]); a
/// table fits the terminal's width only on a terminal.
pub fn write_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    output::fit_to_terminal(output.is_none() && io::stdout().is_terminal());
    match output {
        Some(path) => sink::to_file(path, write),
        None => sink::to_stdout(write),
    }
}
