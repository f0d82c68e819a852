//! xsell: cross-sell and cross-promotion KPIs from order-line and campaign CSV files.
//!
//! The layers, one arrow deep each way: [`cli`] (arguments → the engine's plain config) →
//! [`engine`] (one call: read the inputs, fold the metrics, return rows) → [`input`] (CSV →
//! typed records) and [`metrics`] (one module per KPI family, pure) → [`report`] (intervals,
//! benchmarks, order) → [`output`] (table, CSV, JSON). [`cmd`] is the CLI's side of each
//! subcommand: it resolves the arguments, calls the engine and writes the result. [`clv`] holds
//! the predictive CLV models (BG/NBD, Gamma-Gamma) as a library, before any subcommand uses them.

pub mod cli;
pub mod clv;
pub mod cmd;
pub mod engine;
pub mod input;
pub mod metrics;
pub mod money;
mod open_table;
pub mod output;
mod quotient;
pub mod report;
pub mod sql;

use std::process::ExitCode;

use anyhow::Result;

use cli::{Cli, Command};

/// Runs one invocation: exit 0, or 1 when `--fail-under` finds a value short. Errors are for the
/// caller to print; they exit with status 2.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Compute(args) => cmd::compute::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Pairs(args) => cmd::pairs::run(args),
        Command::Cohort(args) => cmd::cohort::run(args),
        Command::Clv(args) => cmd::clv::run(args),
        Command::Sql(args) => cmd::sql::run(args).map(|()| ExitCode::SUCCESS),
        Command::Benchmarks(args) => cmd::benchmarks::run(args).map(|()| ExitCode::SUCCESS),
        Command::Metrics(args) => cmd::metrics::run(args).map(|()| ExitCode::SUCCESS),
        Command::Inspect(args) => cmd::inspect::run(args).map(|()| ExitCode::SUCCESS),
        Command::Presets(args) => cmd::presets::run(args).map(|()| ExitCode::SUCCESS),
    }
}
