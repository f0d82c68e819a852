//! `xsell sql`: prints the statement that computes the KPIs in a database ([`crate::sql`]), or
//! with `pairs` or `cohort` the rows of those commands.

use anyhow::{Result, bail};

use crate::cli::{
    BasketArg, CohortMetricArg, SqlArgs, SqlCohortArgs, SqlPairsArgs, SqlRows, check_window,
    extra_column, level, selected_metrics,
};
use crate::metrics::Level;
use crate::metrics::basket::BasketKind;
use crate::metrics::cohort::Measure;
use crate::metrics::slice::Slicing;
use crate::sql::{CohortQuery, Of, PairsQuery, Query, Table, render, render_cohort, render_pairs};

pub fn run(args: &SqlArgs) -> Result<()> {
    let text = match &args.rows {
        Some(SqlRows::Pairs(pairs)) => pairs_sql(pairs)?,
        Some(SqlRows::Cohort(cohort)) => cohort_sql(cohort)?,
        None => kpis_sql(args)?,
    };
    super::sink::to_stdout(|out| out.write_all(text.as_bytes()))
}

fn kpis_sql(args: &SqlArgs) -> Result<String> {
    let Some(dialect) = args.dialect else {
        bail!("xsell sql needs --dialect (duckdb, postgres, spark, bigquery or snowflake)");
    };
    let metrics = selected_metrics(&args.metric)
        .unwrap_or_else(|| crate::sql::every_kpi(args.campaigns_table.is_some()));
    let slicing = Slicing {
        dims: args.by.clone(),
        period: args.period.map(Into::into),
    };
    extra_column(&slicing)?;
    let categories = level(args.level.level, &slicing)? == Level::Category;
    check_window(args.from, args.to)?;
    let query = Query {
        metrics,
        orders: Table::mapped(&args.orders_table, &args.map, Of::Orders)?,
        campaigns: Table::given(
            args.campaigns_table.as_deref(),
            &args.campaigns_map,
            Of::Campaigns,
        )?,
        customers: Table::given(
            args.customers_table.as_deref(),
            &args.customers_map,
            Of::Customers,
        )?,
        from: args.from,
        to: args.to,
        by: args.by.clone(),
        period: slicing.period,
        categories,
        clv: args.clv.model()?,
    };
    render(&query, dialect)
}

fn pairs_sql(args: &SqlPairsArgs) -> Result<String> {
    let source = &args.source;
    let slicing = Slicing {
        dims: args.by.clone(),
        period: None,
    };
    extra_column(&slicing)?;
    let categories = level(args.level.level, &slicing)? == Level::Category;
    check_window(source.from, source.to)?;
    let query = PairsQuery {
        orders: Table::mapped(&source.orders_table, &source.map, Of::Orders)?,
        customers: Table::given(
            args.customers_table.as_deref(),
            &args.customers_map,
            Of::Customers,
        )?,
        from: source.from,
        to: source.to,
        basket: match args.rules.basket {
            BasketArg::Order => BasketKind::Order,
            BasketArg::Customer => BasketKind::Customer,
        },
        categories,
        by: args.by.clone(),
        min_support: args.rules.min_support,
        min_count: args.rules.min_count,
        min_confidence: args.rules.min_confidence,
        min_lift: args.rules.min_lift,
        antecedent: args.rules.for_item.clone(),
        top: args.rules.top,
        max_basket: args.rules.max_basket,
    };
    render_pairs(&query, source.dialect)
}

fn cohort_sql(args: &SqlCohortArgs) -> Result<String> {
    let source = &args.source;
    check_window(source.from, source.to)?;
    let query = CohortQuery {
        orders: Table::mapped(&source.orders_table, &source.map, Of::Orders)?,
        from: source.from,
        to: source.to,
        period: args.period.into(),
        measure: match args.metric {
            CohortMetricArg::Customers => Measure::Customers,
            CohortMetricArg::Revenue => Measure::Revenue,
        },
    };
    render_cohort(&query, source.dialect)
}
