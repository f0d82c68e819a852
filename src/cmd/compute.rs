//! `xsell compute`: the chosen metrics, with their per-campaign and per-month rows.

use anyhow::Result;

use crate::cli::{ComputeArgs, selected_metrics};

pub fn run(args: &ComputeArgs) -> Result<()> {
    let config = args.input.config()?;
    let (rows, summary) = super::evaluate(&config, selected_metrics(&args.metric))?;
    super::write(
        config.output.as_deref(),
        config.format,
        &rows,
        Some(&summary),
    )
}
