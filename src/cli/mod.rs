//! The command line: clap definitions and value parsers; groups.rs holds the groups of options
//! the commands share (each command takes only those it uses), hint.rs parses, config.rs
//! resolves and validates them into the engine's plain [`Config`](crate::engine::Config).

mod clv;
mod config;
pub mod groups;
mod hint;
pub mod presets;
pub mod read;
mod sql;

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::Limit;
use crate::metrics::Metric;
use crate::metrics::slice::{Dim, PeriodKind};
use crate::output::Format;
use crate::report::Threshold;
pub use clv::{PredictArgs, TimeUnitArg};
pub use config::Options;
pub use groups::{
    CampaignsArgs, ClvArgs, ConfidenceArgs, CustomersArgs, InputArgs, LevelArgs, RunArgs,
};
pub use hint::parse;
pub use read::ReadArgs;
pub use sql::{SqlCohortArgs, SqlPairsArgs, SqlRows};

const EXAMPLES: &str = "\
Examples:
  Print the scorecard of every KPI the files allow:
    xsell report orders.csv --campaigns campaigns.csv

  Customer cross-sell rate, from a file or from a pipeline:
    xsell compute --metric cross-sell orders.csv
    zcat orders.csv.gz | xsell compute --metric cross-sell -

  Campaign KPIs for the first half of 2025, as CSV for a script:
    xsell compute --metric campaign-cross-sell,roi,cac orders.csv --campaigns campaigns.csv \\
        --from 2025-01-01 --to 2025-06-30 --format csv -o h1.csv

  Read an export whose headers differ from xsell's names:
    xsell compute --metric aov export.csv --map order_id=\"Order No\" --map amount=net_sales

  Read the sheets of a workbook (.xlsx, .xls, .ods) directly:
    xsell report book.xlsx --sheet Orders --campaigns book.xlsx --campaigns-sheet Campaigns

  What to cross-sell next, and do new customers come back:
    xsell pairs orders.csv --for P017
    xsell cohort orders.csv --period quarter

  List every metric with its formula:
    xsell metrics";

const COMPARE_EXAMPLES: &str = "\
Examples:
  Is the cross-sell rate of premium customers really higher than of budget ones?
    xsell compare --metric cross-sell --by segment --a budget --b premium orders.csv

  An A/B test recorded in a column of the orders:
    xsell compare --metric repeat-rate --by column:variant --a control --b treatment orders.csv

  This month against last month:
    xsell compare --metric cross-sell --by period --a 2025-02 --b 2025-03 orders.csv";

const PAIRS_EXAMPLES: &str = "\
Examples:
  The 20 strongest product pairs bought in one order:
    xsell pairs orders.csv

  What to offer buyers of one product, seen in at least 30 orders:
    xsell pairs orders.csv --for P017 --min-count 30

  Categories bought by the same customer, per segment, as CSV:
    xsell pairs orders.csv --level category --basket customer --by segment --format csv";

const COHORT_EXAMPLES: &str = "\
Examples:
  Monthly cohorts: the share of each month's new customers who ordered again k months later:
    xsell cohort orders.csv

  Revenue per customer of quarterly cohorts, from 2025 on, as tidy CSV:
    xsell cohort orders.csv --period quarter --metric revenue --from 2025-01-01 --format csv";

#[derive(Debug, Parser)]
#[command(
    name = "xsell",
    version,
    about = "Cross-sell and cross-promotion KPIs from order-line and campaign CSV files",
    long_about = "Cross-sell and cross-promotion KPIs from order-line and campaign CSV files.\n\n\
        Reads orders.csv (one row per order line) and, for campaign metrics, campaigns.csv, and prints \
        each KPI with the numerator and denominator it comes from. Money is exact; a rate with a zero \
        denominator is n/a.\n\nExit codes: 0 success, 1 a value below --fail-under, 2 usage or input error.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute one or more KPIs, with a row per campaign and per month where they apply
    #[command(after_help = EXAMPLES)]
    Compute(ComputeArgs),
    /// Print the scorecard: the headline value of every KPI the inputs allow
    #[command(after_help = EXAMPLES)]
    Report(MeasureArgs),
    /// Compare a proportion between two groups or two periods: difference, interval, p-value
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Which products are bought together: association rules with support, confidence, lift,
    /// leverage and conviction
    #[command(after_help = PAIRS_EXAMPLES)]
    Pairs(PairsArgs),
    /// Cohorts by the period of the first order: the share that ordered (or the revenue per
    /// customer) in each later period
    #[command(after_help = COHORT_EXAMPLES)]
    Cohort(CohortArgs),
    /// Predict customer lifetime value: BG/NBD and Gamma-Gamma fitted to each customer's
    /// purchase days (frequency, recency, T) and spend, as the lifetimes package defines them
    #[command(after_help = clv::CLV_EXAMPLES)]
    Clv(PredictArgs),
    /// Print SQL that computes KPIs where the order lines live (DuckDB, PostgreSQL, Spark;
    /// BigQuery and Snowflake experimental): the rows `compute` prints for the same lines, or
    /// with `pairs` or `cohort` those of these commands
    #[command(after_help = SQL_EXAMPLES)]
    Sql(SqlArgs),
    /// List the industry benchmarks xsell knows (and those of --benchmarks FILE)
    Benchmarks(BenchmarksArgs),
    /// List the metrics, their formulas and the columns they need
    Metrics(MetricsArgs),
    /// A dry run: how each column of the orders reads (where it comes from, how many rows read,
    /// examples, the first problem), what is left out, and which metrics the columns allow
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// List the presets that read known exports (Shopify, Online Retail, GA4), or show one
    #[command(after_help = PRESETS_EXAMPLES)]
    Presets(PresetsArgs),
}

const PRESETS_EXAMPLES: &str = "\
Examples:
  Read a Shopify orders export with one option:
    xsell compute --preset shopify orders_export.csv --metric cross-sell,aov

  Save a preset, edit it, and read with the copy:
    xsell presets show shopify > my-shop.preset
    xsell report --preset-file my-shop.preset orders_export.csv";

const INSPECT_EXAMPLES: &str = "\
Examples:
  How a Shopify export reads with its preset, before computing anything:
    xsell inspect --preset shopify orders_export.csv

  Check a mapping and a derived amount:
    xsell inspect orders.csv --map customer_id=Email --derive 'amount=qty * price'";

/// `xsell inspect`: the inputs, and what an item is (for the metrics the columns allow).
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub campaigns: CampaignsArgs,
    #[command(flatten)]
    pub customers: CustomersArgs,
    #[command(flatten)]
    pub level: LevelArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct PresetsArgs {
    #[command(subcommand)]
    pub action: Option<PresetsAction>,
    /// Output format of the list
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

#[derive(Debug, Subcommand)]
pub enum PresetsAction {
    /// Print a preset's options, one per line, in the form --preset-file reads
    Show {
        /// The preset's name
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct ComputeArgs {
    /// Metrics to compute, comma-separated, or `all` for every metric the inputs allow
    #[arg(short, long, required = true, value_delimiter = ',', value_name = "NAME[,NAME...]",
          value_parser = PossibleValuesParser::new(metric_names()))]
    pub metric: Vec<String>,
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// How results are sliced and judged: `compute` and `report`.
#[derive(Debug, Args)]
pub struct SliceArgs {
    /// Slice by segment, loyalty, channel, category, campaign, campaign-type or column:NAME;
    /// repeat for a cross-tab (--by segment --by channel)
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub by: Vec<Dim>,
    /// Measure each week (ISO), month, quarter or year of the window on its own
    #[arg(long, value_enum, value_name = "UNIT")]
    pub period: Option<PeriodArg>,
    /// Hold values against an industry's benchmarks (see `xsell benchmarks`)
    #[arg(long, value_name = "NAME")]
    pub industry: Option<String>,
    /// Your own benchmarks CSV (metric, industry, low, high), merged over the built-in table
    #[arg(long, value_name = "FILE")]
    pub benchmarks: Option<PathBuf>,
    /// Colour the benchmark status in the table: auto (on a terminal), always or never; never
    /// when NO_COLOR is set
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
    /// Exit 1 after printing when a value is below VALUE (a fraction for rates, an amount for
    /// money; one metric) or, with `benchmark`, below its industry range; n/a never fails
    #[arg(long, value_name = "VALUE|benchmark", value_parser = parse_threshold, allow_negative_numbers = true)]
    pub fail_under: Option<Threshold>,
    /// Keep only the first N groups under each `all` row
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_top)]
    pub top: Option<usize>,
    /// Order the groups by label or by value (highest first)
    #[arg(long, value_enum, default_value_t = SortArg::Group, value_name = "KEY")]
    pub sort: SortArg,
}

/// `xsell report`, and `xsell compute` beside its `--metric`: every input and every setting of
/// the metrics, and how their results are sliced and judged.
#[derive(Debug, Args)]
pub struct MeasureArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub campaigns: CampaignsArgs,
    #[command(flatten)]
    pub customers: CustomersArgs,
    #[command(flatten)]
    pub level: LevelArgs,
    #[command(flatten)]
    pub clv: ClvArgs,
    #[command(flatten)]
    pub confidence: ConfidenceArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub slice: SliceArgs,
}

/// Where the order lines are when they are not files: a database (`compute`, `report`).
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Compute in a database instead of reading files, by the SQL of `xsell sql`: postgres
    /// (with --url)
    #[arg(long, value_enum, value_name = "ENGINE", requires = "url")]
    pub engine: Option<EngineArg>,
    /// With --engine: the database, postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME
    #[arg(long, value_name = "URL", requires = "engine")]
    pub url: Option<String>,
    /// With --engine: the table of order lines
    #[arg(long, value_name = "TABLE", default_value = "orders")]
    pub orders_table: String,
    /// With --engine: the table of campaigns, for the campaign KPIs
    #[arg(long, value_name = "TABLE", requires = "engine")]
    pub campaigns_table: Option<String>,
    /// With --engine: the table of customers (customer_id, segment, loyalty), whose segments
    /// and flags win over the order lines'
    #[arg(long, value_name = "TABLE", requires = "engine")]
    pub customers_table: Option<String>,
}

/// The databases `--engine` runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Postgres,
}

impl MeasureArgs {
    /// The database of `--engine`, if one is named, with its tables: their columns named as
    /// `--map`, `--campaigns-map` and `--customers-map` say.
    pub fn database(&self) -> Result<Option<crate::engine::database::Database>> {
        use crate::sql::{Of, Table};
        let db = &self.database;
        let (Some(_), Some(url)) = (db.engine, &db.url) else {
            return Ok(None);
        };
        Ok(Some(crate::engine::database::Database {
            url: url.clone(),
            orders: Table::mapped(&db.orders_table, &self.input.read.map, Of::Orders)?,
            campaigns: Table::given(
                db.campaigns_table.as_deref(),
                &self.campaigns.read.campaigns_map,
                Of::Campaigns,
            )?,
            customers: Table::given(
                db.customers_table.as_deref(),
                &self.customers.read.customers_map,
                Of::Customers,
            )?,
        }))
    }
}

/// `xsell compare`: two groups of one dimension, or two periods.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The metric to compare: a proportion (cross-sell, loyalty-cross-sell, repeat-rate, ...)
    #[arg(short, long, value_name = "NAME", value_parser = PossibleValuesParser::new(metric_names()))]
    pub metric: String,
    /// The dimension the two groups belong to: segment, loyalty, channel, category, campaign,
    /// campaign-type, column:NAME, or period (then --a and --b are periods such as 2025-02)
    #[arg(long, value_name = "DIM")]
    pub by: String,
    /// The baseline group (A)
    #[arg(long, value_name = "VALUE")]
    pub a: String,
    /// The group compared with it (B); the difference is B − A
    #[arg(long, value_name = "VALUE")]
    pub b: String,
    #[command(flatten)]
    pub campaigns: CampaignsArgs,
    #[command(flatten)]
    pub customers: CustomersArgs,
    #[command(flatten)]
    pub level: LevelArgs,
    #[command(flatten)]
    pub confidence: ConfidenceArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// What a basket is and which rules are kept: `xsell pairs` and `xsell sql pairs`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A basket is one order, or everything one customer bought in the window
    #[arg(long, value_enum, default_value_t = BasketArg::Order, value_name = "KIND")]
    pub basket: BasketArg,
    /// Keep rules whose support (share of baskets holding both items) is at least F
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub min_support: f64,
    /// Keep rules seen in at least N baskets: by default 5, as fewer baskets are too few to
    /// act on (a count of 1 has a 95% interval from 0.03 to 5.6); 1 lists every rule
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub min_count: u64,
    /// Keep rules whose confidence (share of the antecedent's baskets that hold the
    /// consequent) is at least F
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_fraction)]
    pub min_confidence: f64,
    /// Keep rules whose lift is at least X (1 is independence)
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_non_negative)]
    pub min_lift: f64,
    /// Only rules for buyers of ITEM (a product, or a category with --level category)
    #[arg(long = "for", value_name = "ITEM", value_parser = parse_item)]
    pub for_item: Option<String>,
    /// Rules per group, best first (lift, then count); 0 lists them all
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Baskets with more distinct items than N count in support's denominator but add no pairs
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = parse_max_basket)]
    pub max_basket: usize,
}

/// `xsell pairs`: association rules between the items of a basket.
#[derive(Debug, Args)]
#[command(mut_arg("level", |a| a.help("Pair products (the default) or categories")))]
pub struct PairsArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Stop before counting when the baskets hold more than N pairs in all (the work grows with
    /// the square of a basket's size): lower --max-basket, or raise this
    #[arg(long, value_name = "N", default_value_t = 500_000_000)]
    pub max_pairs: u64,
    /// Split by the customer's segment or loyalty, or by the lines' channel, category, campaign
    /// or column:NAME (a basket then splits by its lines' values); repeat for a cross-tab
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub by: Vec<Dim>,
    #[command(flatten)]
    pub customers: CustomersArgs,
    #[command(flatten)]
    pub level: LevelArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BasketArg {
    Order,
    Customer,
}

/// `xsell cohort`: the cohort matrix.
#[derive(Debug, Args)]
pub struct CohortArgs {
    /// The unit of cohorts and of their columns
    #[arg(long, value_enum, default_value_t = PeriodArg::Month, value_name = "UNIT")]
    pub period: PeriodArg,
    /// customers: share of the cohort with an order in the period; revenue: the cohort's net
    /// revenue in the period per cohort customer
    #[arg(long, value_enum, default_value_t = CohortMetricArg::Customers, value_name = "MEASURE")]
    pub metric: CohortMetricArg,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CohortMetricArg {
    Customers,
    Revenue,
}

#[derive(Debug, Args)]
pub struct BenchmarksArgs {
    /// Your own benchmarks CSV (metric, industry, low, high), merged over the built-in table
    #[arg(long, value_name = "FILE")]
    pub benchmarks: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
}

const SQL_EXAMPLES: &str = "\
Examples:
  Cross-sell rate and AOV per month, run in DuckDB on a table named orders:
    xsell sql --metric cross-sell,aov --dialect duckdb --period month | duckdb shop.db

  Per channel, in PostgreSQL, for the first half of 2025:
    xsell sql --metric cross-sell --dialect postgres --orders-table sales.order_lines \\
        --by channel --from 2025-01-01 --to 2025-06-30 | psql -d shop

  In Spark (spark-sql -f, spark.sql(...) or a Databricks notebook):
    xsell sql --metric repeat-rate --dialect spark > repeat.sql && spark-sql -f repeat.sql

  The rows of xsell pairs and xsell cohort (see xsell sql pairs --help, xsell sql cohort --help):
    xsell sql pairs --dialect duckdb --for P017 | duckdb shop.db
    xsell sql cohort --dialect postgres --period quarter | psql -d shop

The table holds the orders columns with warehouse types: order_id, customer_id and product_id
as text, order_date a DATE, amount a DECIMAL (exact sums), and the optional columns as text
(loyalty BOOLEAN or text). The statement returns metric, group_label, period, value, numerator,
denominator and by_label: the numerators and denominators equal xsell compute's on the same
lines. BigQuery and Snowflake are experimental: their SQL is checked as text, never run here.";

/// `xsell sql`: what to compute, and for which engine; or, with a subcommand, the rows of
/// `pairs` or `cohort`. The options of the KPIs are required only without a subcommand.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SqlArgs {
    #[command(subcommand)]
    pub rows: Option<SqlRows>,
    /// Metrics, comma-separated, or `all`: every KPI of `compute` (the campaign KPIs need
    /// --campaigns-table)
    #[arg(short, long, required = true, value_delimiter = ',', value_name = "NAME[,NAME...]",
          value_parser = PossibleValuesParser::new(metric_names()))]
    pub metric: Vec<String>,
    /// The engine's SQL
    #[arg(long, value_enum, value_name = "DIALECT", required = true)]
    pub dialect: Option<crate::sql::Dialect>,
    /// The table of order lines, as the engine names it (sales.orders)
    #[arg(long, value_name = "TABLE", default_value = "orders")]
    pub orders_table: String,
    /// The table of campaigns, for the campaign KPIs (ctr, conversion, roi, cac,
    /// campaign-cross-sell)
    #[arg(long, value_name = "TABLE")]
    pub campaigns_table: Option<String>,
    /// Read an orders column from a column of another name (as the engine names it:
    /// --map amount=net_total, --map 'customer_id=Customer ID'); repeatable
    #[arg(long, value_name = "CANONICAL=COLUMN")]
    pub map: Vec<String>,
    /// The same for the campaigns table's columns
    #[arg(long, value_name = "CANONICAL=COLUMN")]
    pub campaigns_map: Vec<String>,
    /// The table of customers (customer_id, segment, loyalty), whose segments and loyalty
    /// flags win over the order lines', as customers.csv's do; customer_id unique
    #[arg(long, value_name = "TABLE")]
    pub customers_table: Option<String>,
    /// The same as --map for the customers table's columns
    #[arg(long, value_name = "CANONICAL=COLUMN")]
    pub customers_map: Vec<String>,
    /// First date measured (inclusive), YYYY-MM-DD; earlier rows still count as history
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date measured (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Slice by segment, loyalty, channel, category, campaign or column:NAME
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub by: Vec<Dim>,
    /// Measure each week (ISO), month, quarter or year of the window on its own
    #[arg(long, value_enum, value_name = "UNIT")]
    pub period: Option<PeriodArg>,
    #[command(flatten)]
    pub level: LevelArgs,
    #[command(flatten)]
    pub clv: ClvArgs,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = MetricsFormat::Table, value_name = "FORMAT")]
    pub format: MetricsFormat,
}

/// The formats of `xsell metrics`: those of every command, and Markdown for the README.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum MetricsFormat {
    /// A readable table
    #[default]
    Table,
    /// CSV: one metric a row
    Csv,
    /// A JSON array of objects with the CSV's fields
    Json,
    /// A GitHub-flavoured Markdown table: the README's metric table
    Markdown,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A readable table: rates as percentages, money with two decimals, n/a for no value.
    #[default]
    Table,
    /// Tidy CSV: ratios in full (the shortest text that reads back to the same float), exact
    /// counts and money, empty for n/a.
    Csv,
    /// A JSON array of objects with the CSV's fields; null for n/a.
    Json,
    /// GitHub-flavoured Markdown tables, for Slack, issues and wikis.
    Markdown,
    /// One self-contained HTML page with charts (report, compute, cohort, pairs, compare, clv).
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// ISO 8859-1
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
    /// Excel's "ANSI" on western Windows
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GuestsArg {
    /// Stop at the first such line, naming --guests
    Error,
    /// Each order of such lines is a one-time customer of its own
    Order,
    /// Leave such lines out, and count them in every output
    Skip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// By group label
    Group,
    /// By value, highest first (n/a last)
    Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Week,
    Month,
    Quarter,
    Year,
}

impl From<PeriodArg> for PeriodKind {
    fn from(p: PeriodArg) -> PeriodKind {
        match p {
            PeriodArg::Week => PeriodKind::Week,
            PeriodArg::Month => PeriodKind::Month,
            PeriodArg::Quarter => PeriodKind::Quarter,
            PeriodArg::Year => PeriodKind::Year,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Product,
    Category,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClvArg {
    /// Net revenue per customer in the window
    Historic,
    /// AOV x purchase frequency x lifespan x margin (needs --margin and --lifespan)
    Formula,
    /// The mean CLV over 12 months the BG/NBD and Gamma-Gamma models predict, as xsell clv's
    /// `clv mean` (--margin optional)
    Bgnbd,
}

fn metric_names() -> Vec<&'static str> {
    std::iter::once("all")
        .chain(Metric::ALL.iter().map(|m| m.name()))
        .collect()
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    // A day that does not exist (2025-02-30) is said so, not asked for in the form it has.
    crate::input::date::parse(text).ok_or_else(|| {
        format!(
            "expected {}",
            crate::input::date::DateFormat::default().expected(text)
        )
    })
}

/// `pairs --for ITEM`: cleaned as the orders' cells are, and not empty.
fn parse_item(text: &str) -> Result<String, String> {
    let expected = "expected the name of an item (a product, or a category with --level category)";
    match crate::input::as_cell(text) {
        Ok(item) if !item.is_empty() => Ok(item),
        Ok(_) => Err(expected.to_string()),
        Err(c) => Err(format!(
            "{expected}, without the control character U+{:04X}",
            u32::from(c)
        )),
    }
}

fn parse_max_basket(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 2 => Ok(n),
        _ => Err("expected a number of items of at least 2 (a pair)".to_string()),
    }
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err("expected a fraction from 0 to 1, e.g. 0.05 for 5%".to_string()),
    }
}

fn parse_non_negative(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err("expected a number of at least 0, e.g. 1.5".to_string()),
    }
}

fn parse_limit(text: &str) -> Result<Limit, String> {
    let bad = || "expected a number of rows (100) or a percentage (0.5%)".to_string();
    match text.strip_suffix('%') {
        Some(p) => match p.trim().parse::<f64>() {
            Ok(v) if (0.0..=100.0).contains(&v) => Ok(Limit::Percent(v)),
            Ok(v) if v.is_finite() => Err(format!(
                "{v}% is not a share of the rows: a percentage from 0% to 100%, or a number of rows"
            )),
            _ => Err(bad()),
        },
        None => text.trim().parse().map(Limit::Rows).map_err(|_| bad()),
    }
}

/// `--top N`: a count of groups; a negative one is named as such, not taken for a file name.
fn parse_top(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| format!("expected a number of groups, 1 or more, not {text:?}"))
}

fn parse_threshold(text: &str) -> Result<Threshold, String> {
    if text == "benchmark" {
        return Ok(Threshold::Benchmark);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Threshold::Value(v)),
        _ => Err(
            "expected a number (0.15 for a 15% rate, 50 for an amount) or the word benchmark"
                .into(),
        ),
    }
}

fn parse_dim(text: &str) -> Result<Dim, String> {
    Dim::parse(text)
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        // A quote, a line end or a space would be read as part of the fields, not between them.
        "\"" | "\n" | "\r" | " " => Err(format!(
            "{text:?} cannot separate fields: it quotes them, ends lines or pads them; expected one \
             ASCII character such as , or ; or the word tab"
        )),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err("expected one ASCII character such as , or ; or the word tab".to_string()),
    }
}

pub use config::{check_window, extra_column, level, selected_metrics};

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_argument_has_help() {
        fn check(cmd: &clap::Command) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" {
                    assert!(
                        arg.get_help().is_some(),
                        "{} --{id} has no help",
                        cmd.get_name()
                    );
                }
            }
            for sub in cmd.get_subcommands() {
                assert!(sub.get_about().is_some(), "{} has no about", sub.get_name());
                check(sub);
            }
        }
        check(&Cli::command());
    }

    #[test]
    fn metric_lists_keep_their_order_and_drop_repeats() {
        let names = |s: &[&str]| s.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            selected_metrics(&names(&["roi", "ctr", "roi"])),
            Some(vec![Metric::Roi, Metric::Ctr])
        );
        assert_eq!(selected_metrics(&names(&["ctr", "all"])), None);
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
    }
}
