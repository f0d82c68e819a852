//! The engine's configuration: plain, validated values with no command-line types. The CLI
//! (`cli::config`) resolves its arguments into these; tests, fuzzing and other callers build
//! them with [`Config::new`] and set the fields they need.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::input::{ReadOptions, Source};
use crate::metrics::Settings;
use crate::output::Format;
use crate::report::benchmarks::Benchmarks;
use crate::report::{SortBy, Threshold, stats};

/// Everything a run needs: what to read, how to measure, what to do with the rows.
#[derive(Debug)]
pub struct Config {
    /// Threads for reading and for working out the metrics' rows: 1 does everything in turn.
    pub threads: usize,
    pub orders: Vec<Source>,
    pub campaigns: Option<Source>,
    pub customers: Option<Source>,
    pub read: ReadOptions,
    pub settings: Settings,
    pub format: Format,
    /// Where the output goes: a file, or standard output (`None`).
    pub output: Option<PathBuf>,
    pub judging: Judging,
    /// No progress display.
    pub quiet: bool,
}

/// What is done with the rows after the metrics: intervals, benchmarks, order, alerts.
#[derive(Debug)]
pub struct Judging {
    /// The two-sided normal quantile of `confidence`.
    pub z: f64,
    pub confidence: f64,
    pub benchmarks: Benchmarks,
    pub industry: Option<String>,
    /// Colour the benchmark status in a table: resolved by the caller (terminal, `--color`,
    /// `NO_COLOR`).
    pub color: bool,
    pub fail_under: Option<Threshold>,
    pub sort: SortBy,
    pub top: Option<usize>,
}

impl Config {
    /// Every option unset, table output, for `orders`. For library use (tests, fuzzing); set
    /// fields to change them.
    pub fn new(orders: Vec<Source>) -> Config {
        Config {
            threads: default_threads(),
            orders,
            campaigns: None,
            customers: None,
            read: ReadOptions::default(),
            settings: Settings::default(),
            format: Format::Table,
            output: None,
            judging: Judging::default(),
            quiet: true,
        }
    }
}

/// A thread per core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Default for Judging {
    /// 95% intervals, and nothing else.
    fn default() -> Judging {
        Judging {
            z: stats::Z95,
            confidence: 0.95,
            benchmarks: Benchmarks::builtin(),
            industry: None,
            color: false,
            fail_under: None,
            sort: SortBy::Group,
            top: None,
        }
    }
}

impl Judging {
    /// Intervals at `confidence`, and nothing else.
    pub fn plain(confidence: f64) -> Result<Judging> {
        let Some(z) = stats::z_for_level(confidence) else {
            bail!("--confidence {confidence}: expected a level between 0 and 1, e.g. 0.95");
        };
        Ok(Judging {
            z,
            confidence,
            ..Judging::default()
        })
    }
}
