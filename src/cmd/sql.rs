//! `xsell sql`: prints the statement that computes the KPIs in a database ([`crate::sql`]).

use anyhow::{Result, bail};

use crate::cli::{SqlArgs, check_window, level, selected_metrics};
use crate::metrics::Level;
use crate::metrics::slice::Slicing;
use crate::sql::{Query, render};

pub fn run(args: &SqlArgs) -> Result<()> {
    let metrics = selected_metrics(&args.metric)
        .unwrap_or_else(|| crate::sql::every_kpi(args.campaigns_table.is_some()));
    if args.by.len() > 1 {
        bail!("xsell sql takes one --by (a cross-tab is not rendered as SQL yet)");
    }
    let slicing = Slicing {
        dims: args.by.clone(),
        period: args.period.map(Into::into),
    };
    let categories = level(args.level.level, &slicing)? == Level::Category;
    check_window(args.from, args.to)?;
    let query = Query {
        metrics,
        orders: args.orders_table.clone(),
        campaigns: args.campaigns_table.clone(),
        from: args.from,
        to: args.to,
        by: args.by.first().cloned(),
        period: slicing.period,
        categories,
    };
    let text = render(&query, args.dialect)?;
    super::sink::to_stdout(|out| out.write_all(text.as_bytes()))
}
