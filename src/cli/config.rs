//! Validating the parsed arguments into the plain settings the commands run on.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::{ClvArg, ColorArg, EncodingArg, InputArgs, LevelArg, SliceArgs, SortArg};
use crate::input::date::DateFormat;
use crate::input::{ColumnMap, Encoding, Invalid, ReadOptions, Source, campaigns, orders};
use crate::metrics::slice::{Dim, PeriodKind, Slicing};
use crate::metrics::{ClvModel, Level, Metric, Settings, Window};
use crate::money::MoneyFormat;
use crate::output::Format;
use crate::report::benchmarks::Benchmarks;
use crate::report::{SortBy, Threshold, stats};

/// The longest customer lifespan `--lifespan` accepts, in years: far beyond any real customer,
/// and small enough that the CLV product stays a finite number.
const MAX_LIFESPAN: f64 = 200.0;

/// Everything a command needs to read its input, validated.
#[derive(Debug)]
pub struct Config {
    pub orders: Vec<Source>,
    pub campaigns: Option<Source>,
    pub customers: Option<Source>,
    pub read: ReadOptions,
    pub settings: Settings,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub judging: Judging,
    /// No progress display.
    pub quiet: bool,
}

/// What is done with the rows after the metrics: intervals, benchmarks, order, alerts.
#[derive(Debug)]
pub struct Judging {
    /// The two-sided normal quantile of `--confidence`.
    pub z: f64,
    pub confidence: f64,
    pub benchmarks: Benchmarks,
    pub industry: Option<String>,
    pub color: ColorArg,
    pub fail_under: Option<Threshold>,
    pub sort: SortBy,
    pub top: Option<usize>,
}

impl Config {
    /// The defaults of the command line for `orders`: every option unset, table output. For
    /// library use (tests, fuzzing); set fields to change them.
    pub fn new(orders: Vec<Source>) -> Config {
        Config {
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

impl Default for Judging {
    /// 95% intervals, and nothing else.
    fn default() -> Judging {
        Judging {
            z: stats::Z95,
            confidence: 0.95,
            benchmarks: Benchmarks::builtin(),
            industry: None,
            color: ColorArg::Auto,
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

impl SliceArgs {
    pub fn slicing(&self) -> Slicing {
        Slicing {
            dims: self.by.clone(),
            period: self.period.map(PeriodKind::from),
        }
    }

    pub fn judging(&self, confidence: f64) -> Result<Judging> {
        let mut judging = Judging::plain(confidence)?;
        if let Some(path) = &self.benchmarks {
            judging.benchmarks.merge_file(path)?;
        }
        if let Some(industry) = &self.industry
            && !judging.benchmarks.has_industry(industry)
        {
            bail!(
                "--industry {industry:?} has no benchmarks; known industries: {}",
                judging.benchmarks.industries().join(", ")
            );
        }
        if self.fail_under == Some(Threshold::Benchmark) && self.industry.is_none() {
            bail!("--fail-under benchmark needs --industry NAME");
        }
        if self.top == Some(0) {
            bail!("--top 0 would keep no group; give a number of groups from 1");
        }
        judging.industry.clone_from(&self.industry);
        judging.color = self.color;
        judging.fail_under.clone_from(&self.fail_under);
        judging.sort = match self.sort {
            SortArg::Group => SortBy::Group,
            SortArg::Value => SortBy::Value,
        };
        judging.top = self.top;
        Ok(judging)
    }
}

impl InputArgs {
    /// The validated configuration, sliced by `slicing` and judged by `judging`.
    pub fn config(&self, slicing: Slicing, judging: Judging) -> Result<Config> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            bail!("--from {from} is after --to {to}; swap them");
        }
        let clv = match self.clv_model {
            ClvArg::Historic => {
                if self.margin.is_some() || self.lifespan.is_some() {
                    bail!("--margin and --lifespan go with --clv-model formula");
                }
                ClvModel::Historic
            }
            ClvArg::Formula => {
                let (Some(margin), Some(lifespan)) = (self.margin, self.lifespan) else {
                    bail!(
                        "--clv-model formula needs --margin and --lifespan, e.g. --margin 0.3 --lifespan 3"
                    );
                };
                if !(0.0..=1.0).contains(&margin) {
                    bail!("--margin {margin}: expected a fraction from 0 to 1, e.g. 0.3 for 30%");
                }
                if !(lifespan > 0.0 && lifespan <= MAX_LIFESPAN) {
                    bail!(
                        "--lifespan {lifespan}: expected a number of years above 0 and at most {MAX_LIFESPAN}"
                    );
                }
                ClvModel::Formula { margin, lifespan }
            }
        };
        let mut known: Vec<&str> = orders::SPECS
            .iter()
            .chain(campaigns::SPECS)
            .map(|s| s.name)
            .collect();
        known.sort_unstable();
        known.dedup();
        let campaigns = self.campaigns.as_deref().map(Source::new);
        let customers = self.customers.as_deref().map(Source::new);
        let decimal = if self.decimal_comma { ',' } else { '.' };
        if self.thousands == Some(decimal) {
            bail!(
                "--thousands {decimal} is also the decimal separator; use --decimal-comma with \
                 --thousands . (1.234,50), or --thousands , alone (1,234.50)"
            );
        }
        if self
            .thousands
            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
        {
            bail!("--thousands takes a separator such as , or . or a space, not a digit or a sign");
        }
        // Cross-sell by category is the share buying in two categories or more.
        let by_category = slicing.dims.contains(&Dim::Category);
        let level = match self.level {
            Some(LevelArg::Product) if by_category => {
                bail!(
                    "--level product contradicts --by category, which counts categories; drop --level"
                )
            }
            Some(LevelArg::Category) => Level::Category,
            _ if by_category => Level::Category,
            _ => Level::Product,
        };
        for (i, dim) in slicing.dims.iter().enumerate() {
            if slicing.dims[..i].contains(dim) {
                bail!("--by {} is given twice", dim.name());
            }
        }
        let mut columns = slicing.dims.iter().filter_map(|d| match d {
            Dim::Column(name) => Some(name.clone()),
            _ => None,
        });
        let extra_column = columns.next();
        if columns.next().is_some() {
            bail!("--by column:NAME can be given once");
        }
        let mut sources: Vec<Source> = self.orders.iter().map(|o| Source::new(o)).collect();
        if sources.is_empty() {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                bail!(
                    "no orders given: name one or more CSV files, or pipe one in (see xsell --help)"
                );
            }
            sources.push(Source::Stdin);
        }
        let stdin_users = sources
            .iter()
            .chain(&campaigns)
            .chain(&customers)
            .filter(|s| **s == Source::Stdin)
            .count();
        if stdin_users > 1 {
            bail!("standard input (-) can be read only once; give the other input as a file");
        }
        Ok(Config {
            orders: sources,
            campaigns,
            customers,
            read: ReadOptions {
                delimiter: self.delimiter,
                map: ColumnMap::parse(&self.map, &known)?,
                extra_column,
                encoding: match self.encoding {
                    EncodingArg::Utf8 => Encoding::Utf8,
                    EncodingArg::Latin1 => Encoding::Latin1,
                    EncodingArg::Windows1252 => Encoding::Windows1252,
                },
                dates: match &self.date_format {
                    Some(pattern) => DateFormat::pinned(pattern).map_err(anyhow::Error::msg)?,
                    None => DateFormat::default(),
                },
                money: MoneyFormat {
                    currency: self.currency.clone(),
                    thousands: self.thousands,
                    decimal_comma: self.decimal_comma,
                },
                invalid: Invalid {
                    skip: self.skip_invalid,
                    max: self.max_invalid,
                },
                dedupe: self.dedupe,
                threads: self
                    .threads
                    .map_or_else(crate::input::default_threads, usize::from),
            },
            settings: Settings {
                window: Window {
                    from: self.from,
                    to: self.to,
                },
                level,
                clv,
                slicing,
            },
            format: self.format,
            output: self.output.clone(),
            judging,
            quiet: self.quiet,
        })
    }
}

/// The metrics named by `--metric`; `None` for `all`.
pub fn selected_metrics(names: &[String]) -> Option<Vec<Metric>> {
    if names.iter().any(|n| n == "all") {
        return None;
    }
    let mut metrics: Vec<Metric> = names.iter().filter_map(|n| Metric::from_name(n)).collect();
    let mut seen = Vec::new();
    metrics.retain(|m| {
        let first = !seen.contains(m);
        seen.push(*m);
        first
    });
    Some(metrics)
}
