//! `xsell report`: the scorecard, the headline (`all`) value of every metric the inputs allow.

use anyhow::Result;

use crate::cli::InputArgs;
use crate::metrics::row::ALL;

pub fn run(args: &InputArgs) -> Result<()> {
    let config = args.config()?;
    let (mut rows, summary) = super::evaluate(&config, None)?;
    rows.retain(|r| r.group == ALL && r.period.is_none());
    super::write(
        config.output.as_deref(),
        config.format,
        &rows,
        Some(&summary),
    )
}
