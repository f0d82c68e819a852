//! `xsell sql`: prints the statement that computes the KPIs in a database ([`crate::sql`]), or
//! with `pairs` or `cohort` the rows of those commands.

use anyhow::{Result, bail};

use crate::cli::{
    BasketArg, CohortMetricArg, SqlArgs, SqlCohortArgs, SqlPairsArgs, SqlRows, check_window, level,
    selected_metrics,
};
use crate::input::Spec;
use crate::metrics::Level;
use crate::metrics::basket::BasketKind;
use crate::metrics::cohort::Measure;
use crate::metrics::slice::Slicing;
use crate::sql::{CohortQuery, PairsQuery, Query, Table, render, render_cohort, render_pairs};

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
    if args.by.len() > 1 {
        bail!("xsell sql takes one --by (a cross-tab is not rendered as SQL yet)");
    }
    let slicing = Slicing {
        dims: args.by.clone(),
        period: args.period.map(Into::into),
    };
    let categories = level(args.level.level, &slicing)? == Level::Category;
    check_window(args.from, args.to)?;
    if args.campaigns_table.is_none() && !args.campaigns_map.is_empty() {
        bail!("--campaigns-map maps the columns of --campaigns-table: give the table too");
    }
    let customers = customers(&args.customers_table, &args.customers_map)?;
    let query = Query {
        metrics,
        orders: table(&args.orders_table, &args.map, ORDERS)?,
        campaigns: (args.campaigns_table.as_ref())
            .map(|name| table(name, &args.campaigns_map, CAMPAIGNS))
            .transpose()?,
        customers,
        from: args.from,
        to: args.to,
        by: args.by.first().cloned(),
        period: slicing.period,
        categories,
        clv: args.clv.model()?,
    };
    render(&query, dialect)
}

fn pairs_sql(args: &SqlPairsArgs) -> Result<String> {
    let source = &args.source;
    if args.by.len() > 1 {
        bail!("xsell sql pairs takes one --by (a cross-tab is not rendered as SQL yet)");
    }
    let slicing = Slicing {
        dims: args.by.clone(),
        period: None,
    };
    let categories = level(args.level.level, &slicing)? == Level::Category;
    check_window(source.from, source.to)?;
    let query = PairsQuery {
        orders: table(&source.orders_table, &source.map, ORDERS)?,
        customers: customers(&args.customers_table, &args.customers_map)?,
        from: source.from,
        to: source.to,
        basket: match args.rules.basket {
            BasketArg::Order => BasketKind::Order,
            BasketArg::Customer => BasketKind::Customer,
        },
        categories,
        by: args.by.first().cloned(),
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
        orders: table(&source.orders_table, &source.map, ORDERS)?,
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

/// The orders' and the campaigns' columns, by canonical name, and their option.
const ORDERS: (&[Spec], &str) = (crate::input::orders::SPECS, "--map");
const CAMPAIGNS: (&[Spec], &str) = (crate::input::campaigns::SPECS, "--campaigns-map");
const CUSTOMERS: (&[Spec], &str) = (crate::input::customers::SPECS, "--customers-map");

/// `--customers-table` with its `--customers-map`.
fn customers(name: &Option<String>, map: &[String]) -> Result<Option<Table>> {
    match name {
        Some(name) => table(name, map, CUSTOMERS).map(Some),
        None if !map.is_empty() => {
            bail!("--customers-map maps the columns of --customers-table: give the table too")
        }
        None => Ok(None),
    }
}

/// The table `name` whose columns `map` (`canonical=column` pairs) names otherwise.
fn table(name: &str, map: &[String], (specs, option): (&[Spec], &str)) -> Result<Table> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in map {
        let Some((canonical, column)) = pair.split_once('=') else {
            bail!("{option} {pair:?}: expected canonical=column, e.g. {option} amount=net_total");
        };
        let canonical = crate::input::normalize(canonical);
        let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
        if !names.contains(&canonical.as_str()) {
            bail!(
                "{option} {pair:?}: {canonical:?} is not a column it maps; its columns: {}",
                names.join(", ")
            );
        }
        let column = column.trim();
        if column.is_empty() || column.contains(['\n', '\r']) {
            bail!("{option} {pair:?}: expected a column's name after =");
        }
        if pairs.iter().any(|(c, _)| *c == canonical) {
            bail!("{option} {pair:?}: {canonical} is mapped already; give it once");
        }
        pairs.push((canonical, column.to_string()));
    }
    Ok(Table {
        name: name.to_string(),
        map: pairs,
    })
}
