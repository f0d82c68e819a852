//! `xsell compute`: the chosen metrics, with their per-campaign and per-month rows.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{ComputeArgs, selected_metrics};
use crate::engine;
use crate::report::Threshold;

pub fn run(args: &ComputeArgs) -> Result<ExitCode> {
    let config = args.measure.config()?;
    let metrics = selected_metrics(&args.metric);
    if let Some(Threshold::Value(v)) = config.judging.fail_under
        && metrics.as_ref().is_none_or(|m| m.len() != 1)
    {
        bail!(
            "--fail-under {v} needs exactly one --metric (a rate and an amount are not comparable); use --fail-under benchmark for several"
        );
    }
    let (rows, summary) = match args.measure.database()? {
        Some(db) => engine::database::evaluate(&config, metrics, &db)?,
        None => engine::evaluate(&config, metrics)?,
    };
    super::finish(&config, rows, Vec::new(), &summary)
}
