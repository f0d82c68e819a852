//! `xsell sql`: prints the statement that computes the KPIs in a database ([`crate::sql`]).

use anyhow::{Result, bail};

use crate::cli::{LevelArg, SqlArgs, selected_metrics};
use crate::metrics::slice::Dim;
use crate::sql::{Query, render};

pub fn run(args: &SqlArgs) -> Result<()> {
    let metrics = selected_metrics(&args.metric)
        .unwrap_or_else(|| crate::sql::every_kpi(args.campaigns_table.is_some()));
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
