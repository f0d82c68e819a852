//! The subcommands of `xsell sql`: the statements whose rows are those of `pairs` and `cohort`.

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{CohortMetricArg, LevelArgs, PeriodArg, RuleArgs, parse_date, parse_dim};
use crate::metrics::slice::Dim;

#[derive(Debug, Subcommand)]
pub enum SqlRows {
    /// Print SQL whose rows are those of `xsell pairs --format csv`: group_label, antecedent,
    /// consequent, count, support, confidence, lift, leverage, conviction
    #[command(after_help = PAIRS_EXAMPLES)]
    Pairs(SqlPairsArgs),
    /// Print SQL whose rows are those of `xsell cohort --format csv`: one row per cohort and
    /// period since its first (cohort, k, period, value, numerator, denominator)
    #[command(after_help = COHORT_EXAMPLES)]
    Cohort(SqlCohortArgs),
}

const PAIRS_EXAMPLES: &str = "\
Examples:
  The 20 strongest product pairs bought in one order, in DuckDB:
    xsell sql pairs --dialect duckdb --orders-table orders | duckdb shop.db

  What to offer buyers of P017, per channel, in PostgreSQL:
    xsell sql pairs --dialect postgres --for P017 --by channel --min-count 30 | psql -d shop

The statement returns group_label (the CSV's group: `all`, or the --by group), antecedent,
consequent, count, support, confidence, lift, leverage and conviction: the rows, their order and
their values are those of xsell pairs --format csv on the same lines, each measure the same
double (conviction NULL where xsell leaves it empty: a confidence of 1). Two differences: an
item of --for that is not in the table gives no row (xsell pairs refuses it), and rules whose
lifts are within a double's precision of each other (possible only past about 100,000 baskets in
one group) are ranked as equal lifts, by count and names.";

const COHORT_EXAMPLES: &str = "\
Examples:
  Monthly cohorts, in DuckDB:
    xsell sql cohort --dialect duckdb | duckdb shop.db

  Revenue per customer of quarterly cohorts from 2025 on, in Spark:
    xsell sql cohort --dialect spark --period quarter --metric revenue --from 2025-01-01

The statement returns the tidy rows of xsell cohort --format csv, in its order: one row per cohort
(the period of a customer's first purchase line) and period since, cohort, k (0 for the
cohort's own period), period, value (the share of the cohort's customers with a purchase line in
the period, or its net revenue there per cohort customer), numerator and denominator (the
cohort's customers); value and numerator are NULL for the periods before the window. Amounts
have at most 4 decimals. xsell cohort refuses more than 1000 periods; the statement lists them.";

/// The table and the window: every subcommand of `xsell sql`.
#[derive(Debug, Args)]
pub struct SqlSourceArgs {
    /// The engine's SQL
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub dialect: crate::sql::Dialect,
    /// The table of order lines, as the engine names it (sales.orders)
    #[arg(long, value_name = "TABLE", default_value = "orders")]
    pub orders_table: String,
    /// Read an orders column from a column of another name (as the engine names it:
    /// --map amount=net_total, --map 'customer_id=Customer ID'); repeatable
    #[arg(long, value_name = "CANONICAL=COLUMN")]
    pub map: Vec<String>,
    /// First date measured (inclusive), YYYY-MM-DD; earlier rows still count as history
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date measured (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
}

/// `xsell sql pairs`: the options of `xsell pairs` that shape its rows.
#[derive(Debug, Args)]
#[command(mut_arg("level", |a| a.help("Pair products (the default) or categories")))]
pub struct SqlPairsArgs {
    #[command(flatten)]
    pub source: SqlSourceArgs,
    /// The table of customers (customer_id, segment, loyalty), whose segments and loyalty
    /// flags win over the order lines' under --by segment or loyalty; customer_id unique
    #[arg(long, value_name = "TABLE")]
    pub customers_table: Option<String>,
    /// The same as --map for the customers table's columns
    #[arg(long, value_name = "CANONICAL=COLUMN")]
    pub customers_map: Vec<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Split by the customer's segment or loyalty, or by the lines' channel, category, campaign
    /// or column:NAME (a basket then splits by its lines' values); one --by
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub by: Vec<Dim>,
    #[command(flatten)]
    pub level: LevelArgs,
}

/// `xsell sql cohort`: the options of `xsell cohort` that shape its rows.
#[derive(Debug, Args)]
pub struct SqlCohortArgs {
    #[command(flatten)]
    pub source: SqlSourceArgs,
    /// The unit of cohorts and of their periods
    #[arg(long, value_enum, default_value_t = PeriodArg::Month, value_name = "UNIT")]
    pub period: PeriodArg,
    /// customers: share of the cohort with an order in the period; revenue: the cohort's net
    /// revenue in the period per cohort customer
    #[arg(long, value_enum, default_value_t = CohortMetricArg::Customers, value_name = "MEASURE")]
    pub metric: CohortMetricArg,
}
