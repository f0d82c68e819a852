//! `xsell report`: the scorecard, the headline value of every metric the inputs allow, sliced
//! by `--by` and `--period` when they are given.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::MeasureArgs;
use crate::engine;
use crate::metrics::Metric;
use crate::metrics::row::ALL;
use crate::output::Format;
use crate::report::Threshold;

pub fn run(args: &MeasureArgs) -> Result<ExitCode> {
    let config = args.config()?;
    if let Some(Threshold::Value(v)) = config.judging.fail_under {
        bail!(
            "--fail-under {v} needs one metric: use xsell compute --metric NAME, or --fail-under benchmark"
        );
    }
    let (mut rows, summary) = match args.database()? {
        Some(db) => engine::database::evaluate(&config, None, &db)?,
        None => engine::evaluate(&config, None)?,
    };
    let slicing = &config.settings.slicing;
    // Headline rows: no per-campaign or per-month detail the slicing did not ask for (but the
    // page's table of campaigns), and no formula factors (`clv.aov`, ...).
    let page = config.format == Format::Html;
    rows.retain(|r| {
        Metric::from_name(r.metric).is_some()
            && (r.group == ALL || !slicing.dims.is_empty() || (page && r.by == "campaign"))
            && (r.period.is_none() || slicing.period.is_some())
    });
    super::finish(&config, rows, &summary)
}
