//! Resolving the parsed arguments into the engine's [`Config`]: one small validator per
//! concern, each with a message that names the fix.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::read::Reading;
use super::{
    CampaignsArgs, ClvArg, ClvArgs, ColorArg, ConfidenceArgs, CustomersArgs, InputArgs, LevelArg,
    LevelArgs, MeasureArgs, RunArgs, SliceArgs, SortArg, presets,
};
use crate::engine::{Config, Judging, default_threads};
use crate::output::Format;

use crate::input::{Invalid, PresetOrigin, ReadOptions, Source};
use crate::metrics::slice::{Dim, PeriodKind, Slicing};
use crate::metrics::{ClvModel, Level, Metric, Settings, Window};
use crate::report::{SortBy, Threshold};

/// The longest customer lifespan `--lifespan` accepts, in years: far beyond any real customer,
/// and small enough that the CLV product stays a finite number.
const MAX_LIFESPAN: f64 = 200.0;

impl MeasureArgs {
    /// The configuration of `compute` and `report`: sliced by `--by` and `--period`, judged at
    /// `--confidence` against benchmarks.
    pub fn config(&self) -> Result<Config> {
        let judging = self.slice.judging(&self.confidence, &self.input)?;
        self.options().config(self.slice.slicing(), judging)
    }
}

impl SliceArgs {
    fn slicing(&self) -> Slicing {
        Slicing {
            dims: self.by.clone(),
            period: self.period.map(PeriodKind::from),
        }
    }

    /// Intervals at `--confidence`, benchmarks, alerts and order; colour resolved for where
    /// `input` sends the output.
    fn judging(&self, confidence: &ConfidenceArgs, input: &InputArgs) -> Result<Judging> {
        let mut judging = confidence.judging()?;
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
        judging.color = color(self.color, input.output.is_none());
        judging.fail_under.clone_from(&self.fail_under);
        judging.sort = match self.sort {
            SortArg::Group => SortBy::Group,
            SortArg::Value => SortBy::Value,
        };
        judging.top = self.top;
        Ok(judging)
    }
}

impl ConfidenceArgs {
    /// Intervals at `--confidence`, and nothing else.
    pub fn judging(&self) -> Result<Judging> {
        Judging::plain(self.confidence)
    }
}

/// `--color`: `auto` colours a table written to a terminal; never with `NO_COLOR` set to
/// anything but the empty string (no-color.org).
fn color(arg: ColorArg, to_stdout: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let wanted = match arg {
        ColorArg::Auto => to_stdout && std::io::stdout().is_terminal(),
        ColorArg::Always => true,
        ColorArg::Never => false,
    };
    wanted && !no_color
}

/// The groups of options a command takes (see [`super::groups`]); a group it does not take is
/// `None`, and resolves as if none of its options were given.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// The order lines are in a database's tables (`--engine`): no file is read.
    pub tables: bool,
    pub input: &'a InputArgs,
    pub run: Option<&'a RunArgs>,
    pub campaigns: Option<&'a CampaignsArgs>,
    pub customers: Option<&'a CustomersArgs>,
    pub level: Option<&'a LevelArgs>,
    pub clv: Option<&'a ClvArgs>,
}

impl<'a> Options<'a> {
    /// The options of a command that reads order files with `run`'s options and takes no other
    /// group: set the groups it takes on top (`Options { customers: ..., ..Options::of(...) }`).
    pub fn of(input: &'a InputArgs, run: Option<&'a RunArgs>) -> Options<'a> {
        Options {
            tables: false,
            input,
            run,
            campaigns: None,
            customers: None,
            level: None,
            clv: None,
        }
    }

    /// The validated configuration, sliced by `slicing` and judged by `judging`.
    pub fn config(self, slicing: Slicing, judging: Judging) -> Result<Config> {
        let unset = RunArgs::default();
        let run = self.run.unwrap_or(&unset);
        check_window(run.from, run.to)?;
        // In the order the checks were always made, so that the first error stays the same.
        let clv = self.clv.map_or(Ok(ClvModel::Historic), ClvArgs::model)?;
        check_predicted(clv, &slicing, run.from)?;
        let (read, preset) = self.reading()?;
        let money = read.orders.money()?;
        let level = level(self.level.and_then(|l| l.level), &slicing)?;
        let extra_column = extra_column(&slicing)?;
        let (orders, campaigns, customers) = self.sources()?;
        Ok(Config {
            threads: run.threads.map_or_else(default_threads, usize::from),
            orders,
            campaigns,
            customers,
            read: ReadOptions {
                preset,
                ..read.read_options(money, extra_column, run.invalid())?
            },
            settings: Settings {
                window: Window {
                    from: run.from,
                    to: run.to,
                },
                level,
                clv,
                slicing,
            },
            format: run.format(self.input.output.as_deref()),
            output: self.input.output.clone(),
            judging,
            quiet: run.quiet,
        })
    }

    /// The reading options of the command line (those of the inputs the command takes) over
    /// those of `--preset` or `--preset-file`.
    fn reading(&self) -> Result<(Reading, Option<PresetOrigin>)> {
        let mine = Reading {
            orders: self.input.read.clone(),
            campaigns: self.campaigns.map(|c| c.read.clone()).unwrap_or_default(),
            customers: self.customers.map(|c| c.read.clone()).unwrap_or_default(),
        };
        let preset = match (&self.input.preset, &self.input.preset_file) {
            (Some(name), _) => Some((presets::named(name)?, format!("--preset {name}"))),
            (None, Some(path)) => Some((
                presets::from_file(path)?,
                format!("--preset-file {}", path.display()),
            )),
            (None, None) => None,
        };
        Ok(match preset {
            Some((preset, name)) => {
                let origin = mine.orders.origin(&preset.orders, name);
                (mine.over(preset), Some(origin))
            }
            None => (mine, None),
        })
    }

    /// The orders (standard input when none is named and it is not a terminal), campaigns
    /// and customers; standard input at most once.
    fn sources(&self) -> Result<(Vec<Source>, Option<Source>, Option<Source>)> {
        let file = |name: Option<&String>| name.map(|n| Source::new(n));
        let campaigns = file(self.campaigns.and_then(|c| c.campaigns.as_ref()));
        let customers = file(self.customers.and_then(|c| c.customers.as_ref()));
        if self.tables {
            if !self.input.orders.is_empty() || campaigns.is_some() || customers.is_some() {
                bail!(
                    "--engine computes in the database's tables: name no ORDERS, --campaigns or \
                     --customers file (the campaigns are --campaigns-table)"
                );
            }
            return Ok((Vec::new(), None, None));
        }
        let mut orders: Vec<Source> = self.input.orders.iter().map(|o| Source::new(o)).collect();
        if orders.is_empty() {
            if std::io::stdin().is_terminal() {
                bail!(
                    "no orders given: name one or more CSV files, or pipe one in (see xsell --help)"
                );
            }
            orders.push(Source::Stdin);
        }
        let stdin_users = orders
            .iter()
            .chain(&campaigns)
            .chain(&customers)
            .filter(|s| **s == Source::Stdin)
            .count();
        if stdin_users > 1 {
            bail!("standard input (-) can be read only once; give the other input as a file");
        }
        if let Some(output) = &self.input.output {
            for source in orders.iter().chain(&campaigns).chain(&customers) {
                if let Source::File(input) = source
                    && crate::input::same_file(input, output)
                {
                    bail!(
                        "-o {} is the input {}: writing it would destroy it; write the output \
                         elsewhere",
                        output.display(),
                        input.display()
                    );
                }
            }
        }
        Ok((orders, campaigns, customers))
    }
}

impl RunArgs {
    /// `--format`, or the one `-o FILE`'s extension names (`.csv`, `.json`, `.md`, `.html`),
    /// else a table.
    fn format(&self, output: Option<&Path>) -> Format {
        if let Some(format) = self.format {
            return format.into();
        }
        let extension = output
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm") => Format::Html,
            _ => Format::Table,
        }
    }

    /// `--skip-invalid` and `--max-invalid`.
    fn invalid(&self) -> Invalid {
        Invalid {
            skip: self.skip_invalid,
            max: self.max_invalid,
        }
    }
}

impl ClvArgs {
    /// `--clv-model` with its `--margin` and `--lifespan`.
    pub fn model(&self) -> Result<ClvModel> {
        if self.clv_model == ClvArg::Bgnbd {
            if let Some(lifespan) = self.lifespan {
                bail!(
                    "--lifespan {lifespan} goes with --clv-model formula: --clv-model bgnbd \
                     predicts each customer's purchases over 12 months; drop --lifespan"
                );
            }
            let margin = self.margin.unwrap_or(1.0);
            if !(margin > 0.0 && margin <= 1.0) {
                bail!("--margin {margin}: expected a fraction above 0 and at most 1, e.g. 0.3");
            }
            return Ok(ClvModel::BgNbd { margin });
        }
        if self.clv_model == ClvArg::Historic {
            if self.margin.is_some() || self.lifespan.is_some() {
                bail!("--margin and --lifespan go with --clv-model formula");
            }
            return Ok(ClvModel::Historic);
        }
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
        Ok(ClvModel::Formula { margin, lifespan })
    }
}

/// Refuses `--period` and `--from` with `--clv-model bgnbd`: the models predict from the end
/// of the observation, which starts at each customer's first purchase.
fn check_predicted(clv: ClvModel, slicing: &Slicing, from: Option<NaiveDate>) -> Result<()> {
    if !matches!(clv, ClvModel::BgNbd { .. }) {
        return Ok(());
    }
    if slicing.period.is_some() {
        bail!(
            "--clv-model bgnbd cannot be split by --period: a prediction is made once, at the \
             end of the observation (--to); drop --period, or use --clv-model historic"
        );
    }
    if let Some(from) = from {
        bail!(
            "--clv-model bgnbd reads every purchase up to --to (a customer's first purchase \
             starts their history): drop --from {from}"
        );
    }
    Ok(())
}

/// `--level`: cross-sell by category is the share buying in two categories or more, so
/// `--by category` implies it.
/// `--from` after `--to` is a mistake, not an empty window.
pub fn check_window(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<()> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        bail!("--from {from} is after --to {to}; swap them");
    }
    Ok(())
}

/// What an item is: `--level`, or categories under `--by category`, which `--level product`
/// contradicts.
pub fn level(arg: Option<LevelArg>, slicing: &Slicing) -> Result<Level> {
    let by_category = slicing.dims.contains(&Dim::Category);
    Ok(match arg {
        Some(LevelArg::Product) if by_category => {
            bail!(
                "--level product contradicts --by category, which counts categories; drop --level"
            )
        }
        Some(LevelArg::Category) => Level::Category,
        _ if by_category => Level::Category,
        _ => Level::Product,
    })
}

/// The column of `--by column:NAME`, given at most once, among dimensions given once each.
pub fn extra_column(slicing: &Slicing) -> Result<Option<String>> {
    for (i, dim) in slicing.dims.iter().enumerate() {
        if slicing.dims[..i].contains(dim) {
            bail!("--by {} is given twice", dim.name());
        }
    }
    let mut columns = slicing.dims.iter().filter_map(|d| match d {
        Dim::Column(name) => Some(name.clone()),
        _ => None,
    });
    let extra = columns.next();
    if columns.next().is_some() {
        bail!("--by column:NAME can be given once");
    }
    Ok(extra)
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
