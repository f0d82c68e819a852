//! `xsell report`: the scorecard, the headline (`all`) value of every metric the inputs allow.

use anyhow::Result;

use crate::cli::InputArgs;
use crate::metrics::Metric;
use crate::metrics::row::ALL;

pub fn run(args: &InputArgs) -> Result<()> {
    let config = args.config()?;
    let (mut rows, summary) = super::evaluate(&config, None)?;
    // Headline rows only: no campaigns, months or formula factors (`clv.aov`, ...).
    rows.retain(|r| r.group == ALL && r.period.is_none() && Metric::from_name(r.metric).is_some());
    super::write(
        config.output.as_deref(),
        config.format,
        &rows,
        Some(&summary),
    )
}
