//! The groups of options that the commands share. A command flattens the groups it takes, so
//! that its `--help` lists just those and clap refuses the others (hint.rs names who takes them);
//! `config.rs` resolves them into the engine's [`Config`](crate::engine::Config).
//!
//! | group | compute, report | compare | pairs | cohort | inspect | clv |
//! |---|---|---|---|---|---|---|
//! | [`InputArgs`]: the orders, `-o`, presets, how the orders read | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | [`RunArgs`]: the window, the format, bad rows, threads, progress | ✓ | ✓ | ✓ | ✓ | | ✓ |
//! | [`CampaignsArgs`] | ✓ | ✓ | | | ✓ | |
//! | [`CustomersArgs`] | ✓ | ✓ | ✓ | | ✓ | ✓ |
//! | [`LevelArgs`] | ✓ | ✓ | ✓ | | ✓ | |
//! | [`ClvArgs`] | ✓ | | | | | |
//! | [`ConfidenceArgs`] | ✓ | ✓ | | | | |
//!
//! `inspect` reads every row once as it is, for people: no window, no skipping, one thread, a
//! table. `compare` takes proportions only, which CLV is not; `pairs` and `cohort` give no
//! interval; `cohort` counts customers by their orders alone.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::read::{CampaignsReadArgs, CustomersReadArgs, ReadArgs};
use super::{
    ClvArg, CohortArgs, CompareArgs, FormatArg, InspectArgs, LevelArg, MeasureArgs, Options,
    PairsArgs, parse_date, parse_limit,
};
use crate::input::Limit;

/// The orders, how they read, and where the output goes: every command that reads orders.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Order-line CSV files (or workbooks: .xlsx, .xls, .ods; or Parquet files), read as one
    /// stream; `-` (or none) reads standard input
    #[arg(value_name = "ORDERS")]
    pub orders: Vec<String>,
    /// Write the output to FILE instead of standard output (in full or not at all: written
    /// beside it, then renamed over it; never one of the inputs)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read the orders as a known export writes them (see `xsell presets`); options given
    /// here win over the preset's
    #[arg(long, value_name = "NAME", conflicts_with = "preset_file")]
    pub preset: Option<String>,
    /// Read the orders with the options in FILE, one per line, as `xsell presets show NAME`
    /// prints them
    #[arg(long, value_name = "FILE")]
    pub preset_file: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How a run goes: the window measured, rows that cannot be read, threads, progress and the
/// output format. Unset (the default) for `inspect`.
#[derive(Debug, Default, Args)]
pub struct RunArgs {
    /// First date measured (inclusive), YYYY-MM-DD; earlier rows still count as history
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date measured (inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Skip rows that cannot be read, count them and say which (instead of stopping at the first)
    #[arg(long)]
    pub skip_invalid: bool,
    /// With --skip-invalid, still fail when more than N rows (or P% of the rows) are bad
    #[arg(long, value_name = "N|P%", value_parser = parse_limit, requires = "skip_invalid")]
    pub max_invalid: Option<Limit>,
    /// Threads [default: one per core]: 1 reads and computes in turn; with 2, one thread parses
    /// rows while another checks and computes them; with 3 or more, a plain file is cut into
    /// parts parsed on N - 1 threads (standard input and compressed files: one thread parses);
    /// several metrics (report) get a thread of their own. The results never depend on N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress display on stderr (it shows only on a terminal, for inputs that take more than
    /// a second)
    #[arg(short, long)]
    pub quiet: bool,
    /// Output format [default: table, or csv / json for -o FILE.csv / FILE.json]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
}

/// The campaigns file and how it reads.
#[derive(Debug, Args)]
pub struct CampaignsArgs {
    /// Campaigns CSV (campaign_id, cost, impressions, clicks, targeted, conversions, ...)
    #[arg(long, value_name = "FILE")]
    pub campaigns: Option<String>,
    #[command(flatten)]
    pub read: CampaignsReadArgs,
}

/// The customers file and how it reads.
#[derive(Debug, Args)]
pub struct CustomersArgs {
    /// Customer attributes CSV (customer_id, segment, loyalty, signup_date); they win over the
    /// attributes on order lines
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    #[command(flatten)]
    pub read: CustomersReadArgs,
}

/// What an item is: a product or a category.
#[derive(Debug, Args)]
pub struct LevelArgs {
    /// Count distinct products (the default) or distinct categories (cross-sell,
    /// campaign-cross-sell); --by category counts categories
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
}

/// How customer lifetime value is computed: `compute` and `report`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    /// How to compute customer lifetime value
    #[arg(long, value_enum, default_value_t = ClvArg::Historic)]
    pub clv_model: ClvArg,
    /// Gross margin as a fraction, e.g. 0.3 (with --clv-model formula; with bgnbd optional,
    /// default 1: revenue)
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    pub margin: Option<f64>,
    /// Customer lifespan in years, e.g. 3 (with --clv-model formula)
    #[arg(long, value_name = "YEARS", allow_negative_numbers = true)]
    pub lifespan: Option<f64>,
}

/// The level of the intervals of proportions: `compute`, `report` and `compare`.
#[derive(Debug, Args)]
pub struct ConfidenceArgs {
    /// Confidence level of the ci_low..ci_high interval of proportions (Wilson score)
    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    pub confidence: f64,
}

// The groups each command takes, as its fields hold them: the table above.

impl MeasureArgs {
    pub fn options(&self) -> Options<'_> {
        Options {
            tables: self.database.engine.is_some(),
            input: &self.input,
            run: Some(&self.run),
            campaigns: Some(&self.campaigns),
            customers: Some(&self.customers),
            level: Some(&self.level),
            clv: Some(&self.clv),
        }
    }
}

impl CompareArgs {
    pub fn options(&self) -> Options<'_> {
        Options {
            campaigns: Some(&self.campaigns),
            customers: Some(&self.customers),
            level: Some(&self.level),
            ..Options::of(&self.input, Some(&self.run))
        }
    }
}

impl PairsArgs {
    pub fn options(&self) -> Options<'_> {
        Options {
            customers: Some(&self.customers),
            level: Some(&self.level),
            ..Options::of(&self.input, Some(&self.run))
        }
    }
}

impl super::PredictArgs {
    pub fn options(&self) -> Options<'_> {
        Options {
            customers: Some(&self.customers),
            ..Options::of(&self.input, Some(&self.run))
        }
    }
}

impl CohortArgs {
    pub fn options(&self) -> Options<'_> {
        Options::of(&self.input, Some(&self.run))
    }
}

impl InspectArgs {
    pub fn options(&self) -> Options<'_> {
        Options {
            campaigns: Some(&self.campaigns),
            customers: Some(&self.customers),
            level: Some(&self.level),
            ..Options::of(&self.input, None)
        }
    }
}
