//! `xsell sql`: prints the statement that computes the KPIs in a database ([`crate::sql`]).

use anyhow::{Result, bail};

use crate::cli::{LevelArg, SqlArgs};
use crate::metrics::Metric;
use crate::metrics::slice::Dim;
use crate::sql::{Query, render};

pub fn run(args: &SqlArgs) -> Result<()> {
    // `all`: every KPI, the campaign KPIs when there is a campaigns table.
    let metrics: Vec<Metric> = match args.metric.iter().any(|m| m == "all") {
        true => (Metric::ALL.into_iter())
            .filter(|m| !m.is_campaign() || args.campaigns_table.is_some())
            .collect(),
        false => (args.metric.iter())
            .filter_map(|m| Metric::from_name(m))
            .collect(),
    };
    if args.by.len() > 1 {
        bail!("xsell sql takes one --by (a cross-tab is not rendered as SQL yet)");
    }
    let query = Query {
        metrics,
        orders: args.orders_table.clone(),
        campaigns: args.campaigns_table.clone(),
        from: args.from,
        to: args.to,
        by: args.by.first().cloned(),
        period: args.period.map(Into::into),
        categories: args.level.level == Some(LevelArg::Category),
    };
    if query.by == Some(Dim::Category) && args.level.level == Some(LevelArg::Product) {
        bail!("--level product contradicts --by category, which counts categories; drop --level");
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        bail!("--from {from} is after --to {to}");
    }
    let text = render(&query, args.dialect)?;
    super::sink::to_stdout(|out| out.write_all(text.as_bytes()))
}
