//! `xsell clv`: predictive customer lifetime value (BG/NBD + Gamma-Gamma), see [`crate::clv`].

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::groups::{CustomersArgs, InputArgs, RunArgs};
use super::{parse_date, parse_dim};
use crate::metrics::slice::Dim;

pub const CLV_EXAMPLES: &str = "\
Examples:
  The fitted models and the mean predicted CLV over 12 months:
    xsell clv orders.csv

  The 20 most valuable customers, weeks as the time unit, a 30% margin:
    xsell clv orders.csv --time-unit week --margin 0.3 --per-customer --top 20

  Each customer's RFM summary, as lifetimes' summary_data_from_transaction_data:
    xsell clv orders.csv --rfm --format csv -o rfm.csv

  The predicted CLV per acquisition channel (the channel of each customer's first purchase):
    xsell clv orders.csv --by channel

  Fit on the lines before 2025-07-01, then predicted against actual repeat purchases after it:
    xsell clv orders.csv --holdout-from 2025-07-01";

/// `xsell clv`: the RFM summary, the fitted models and each customer's predictions.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The last day observed (inclusive): purchases after it are not read; default: the data's
    /// last date
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub observation_end: Option<NaiveDate>,
    /// The unit of recency, T and the purchases horizon: day, week (7 days) or month (365.25/12
    /// days)
    #[arg(long, value_enum, default_value_t = TimeUnitArg::Week, value_name = "UNIT")]
    pub time_unit: TimeUnitArg,
    /// Print each customer's summary (customer_id, frequency, recency, T, monetary_value) and
    /// fit nothing
    #[arg(long, conflicts_with_all = ["per_customer", "holdout_from"])]
    pub rfm: bool,
    /// Print one row per customer: the summary, P(alive), expected purchases, expected average
    /// value and CLV
    #[arg(long)]
    pub per_customer: bool,
    /// With --per-customer: the N most valuable customers only (by CLV)
    #[arg(long, value_name = "N", requires = "per_customer")]
    pub top: Option<usize>,
    /// Expected purchases over the next T time units
    #[arg(long, value_name = "T", default_value_t = 52.0)]
    pub purchases_horizon: f64,
    /// CLV over this many months
    #[arg(long, value_name = "MONTHS", default_value_t = 12)]
    pub horizon: u32,
    /// Discount rate per month
    #[arg(long, value_name = "RATE", default_value_t = 0.01)]
    pub discount_rate: f64,
    /// Share of a purchase's value kept as profit (1: revenue)
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub margin: f64,
    /// Group the predicted CLV's customers, total and mean by segment, loyalty, channel,
    /// category, campaign or column:NAME (repeat for a cross-tab); the models are fitted once on
    /// every customer. Segment and loyalty are the customer's, as compute gives them (--customers
    /// first, else their lines); the other dimensions are read on the customer's first purchase
    /// line (earliest date; of several that day, the first read): acquisition channel, category,
    /// campaign
    #[arg(long, value_name = "DIM", value_parser = parse_dim)]
    pub by: Vec<Dim>,
    /// Fit on the purchases before DATE, and print predicted against actual repeat purchases
    /// from DATE to the observation end, per calibration frequency (0, 1, ..., 6+)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub holdout_from: Option<NaiveDate>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub customers: CustomersArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TimeUnitArg {
    Day,
    Week,
    Month,
}
