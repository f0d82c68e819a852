//! `xsell report`: the scorecard, the headline value of every metric the inputs allow, sliced
//! by `--by` and `--period` when they are given.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::MeasureArgs;
use crate::engine;
use crate::metrics::row::ALL;
use crate::metrics::{Metric, Row};
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
    // Headline rows: no per-campaign or per-month detail the slicing did not ask for, and no
    // formula factors (`clv.aov`, ...). The page shows the campaigns besides.
    rows.retain(|r| Metric::from_name(r.metric).is_some());
    let (headline, detail): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| {
        (r.group == ALL || !slicing.dims.is_empty())
            && (r.period.is_none() || slicing.period.is_some())
    });
    let detail = match config.format {
        Format::Html => detail.into_iter().filter(|r| r.by == "campaign").collect(),
        _ => Vec::new(),
    };
    super::finish(&config, headline, detail, &summary)
}
