//! The options that say how the inputs are read: for the orders delimiter, encoding, dates,
//! amounts, column maps, derived columns, filters, fill-down and guests; for campaigns and
//! customers their column maps and sheets. A preset (`--preset NAME`, `--preset-file FILE`) is
//! a set of these, written one per line; the command line's win.

use anyhow::{Result, bail};
use clap::Args;

use super::{EncodingArg, GuestsArg, parse_delimiter};
use crate::input::date::DateFormat;
use crate::input::{
    ColumnMap, Encoding, Filter, Guests, Invalid, PresetOrigin, ReadOptions, Spec, campaigns,
    customers, normalize, orders,
};
use crate::money::MoneyFormat;

/// How the orders are read (the delimiter and the encoding: every input file).
#[derive(Clone, Debug, Default, Args)]
pub struct ReadArgs {
    /// Field delimiter of every input file: one character, or `tab`
    /// [default: ,]
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Drop order lines identical to an earlier line (by default they count, with a warning
    /// that names the first ten and the lines they repeat)
    #[arg(long)]
    pub dedupe: bool,
    /// Text encoding of the input files [default: utf8]
    #[arg(long, value_enum, value_name = "NAME")]
    pub encoding: Option<EncodingArg>,
    /// Read every date in this strftime form instead of ISO 8601, e.g. %d/%m/%Y (repeatable: a
    /// date is read by the first pattern that reads it)
    #[arg(long, value_name = "PATTERN")]
    pub date_format: Vec<String>,
    /// Thousands separator of amounts, e.g. , for 1,234.50 (refused unless given)
    #[arg(long, value_name = "CHAR")]
    pub thousands: Option<char>,
    /// Currency symbol or code written with amounts, e.g. $ for $12.50 (refused unless given)
    #[arg(long, value_name = "SYMBOL")]
    pub currency: Option<String>,
    /// Amounts use a decimal comma, e.g. 12,50 (with --thousands . for 1.234,50)
    #[arg(long)]
    pub decimal_comma: bool,
    /// Orders columns whose empty cells take the value of the order's previous line, e.g.
    /// --fill-down customer_id,order_date for an export that writes them on an order's first line
    #[arg(long, value_delimiter = ',', value_name = "COLUMN[,COLUMN...]")]
    pub fill_down: Vec<String>,
    /// What an order line without a customer id (a guest checkout) means: error (the default),
    /// order (each such order is a one-time customer of its own) or skip (left out, counted)
    #[arg(long, value_enum, value_name = "MEANING")]
    pub guests: Option<GuestsArg>,
    /// A placeholder customer id that means none, such as 0 or guest (repeatable)
    #[arg(long, value_name = "VALUE")]
    pub guest_id: Vec<String>,
    /// Round order amounts to N decimals (0 to 4), half to even, for exports that carry float
    /// noise such as 44.849999999999994; how many changed is reported
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=4))]
    pub round_amounts: Option<u8>,
    /// Read an orders column under another header name, e.g. --map customer_id="Customer No"
    /// (repeatable)
    #[arg(long, value_name = "CANONICAL=HEADER")]
    pub map: Vec<String>,
    /// Compute an orders column from the file's columns, e.g. --derive 'amount="Lineitem
    /// quantity" * "Lineitem price" - coalesce("Lineitem discount", 0)' (repeatable)
    ///
    /// A column is a bare name (quantity) or in double quotes ("Lineitem price"); a text is in
    /// single quotes ('.0'), a number bare (0.5). Arithmetic + - * is exact (amounts only; a
    /// result with more than 4 decimals is refused unless rounded); an empty cell makes it
    /// empty. Functions: coalesce(a, b, ...) the first value not empty; strip_suffix(x, '.0');
    /// round(x, 2) half to even; column('Price', 'UnitPrice') the first of these the file has.
    #[arg(long, value_name = "COLUMN=EXPRESSION")]
    pub derive: Vec<String>,
    /// Read only the order rows for which CONDITION holds, e.g. --where "status != 'voided'"
    /// (repeatable: each must hold); the rows left out are counted in every output
    ///
    /// Conditions: = != < <= > >= (numbers compare as numbers, and an empty cell is false; a
    /// 'YYYY-MM-DD' value compares dates; else texts, exactly), x [not] in ('a', 'b'),
    /// x is [not] empty, x [not] starts with 'a', and, or, not, parentheses; values as in
    /// --derive. A LABEL: before the condition (non-product: ...) names the count of the rows
    /// it leaves out (non-product-rows; by default filtered-rows).
    #[arg(long = "where", value_name = "[LABEL:]CONDITION")]
    pub where_: Vec<String>,
    /// The sheet to read when an ORDERS file is a workbook (.xlsx, .xlsb, .xls, .ods), by name;
    /// the first visible sheet by default
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// How `--campaigns` is read: its header names and its sheet.
#[derive(Clone, Debug, Default, Args)]
pub struct CampaignsReadArgs {
    /// Read a column of --campaigns under another header name, e.g. --campaigns-map
    /// campaign_id=utm_campaign (repeatable)
    #[arg(long, value_name = "CANONICAL=HEADER")]
    pub campaigns_map: Vec<String>,
    /// The sheet to read when --campaigns is a workbook; the first visible sheet by default
    #[arg(long, value_name = "NAME")]
    pub campaigns_sheet: Option<String>,
}

/// How `--customers` is read: its header names and its sheet.
#[derive(Clone, Debug, Default, Args)]
pub struct CustomersReadArgs {
    /// Read a column of --customers under another header name, e.g. --customers-map
    /// customer_id=Email (repeatable)
    #[arg(long, value_name = "CANONICAL=HEADER")]
    pub customers_map: Vec<String>,
    /// The sheet to read when --customers is a workbook; the first visible sheet by default
    #[arg(long, value_name = "NAME")]
    pub customers_sheet: Option<String>,
}

/// How every input is read: what a preset holds. A command takes the parts for the inputs it
/// reads ([`ReadArgs`] always); the parts it does not take are left unset.
#[derive(Clone, Debug, Default, Args)]
pub struct Reading {
    #[command(flatten)]
    pub orders: ReadArgs,
    #[command(flatten)]
    pub campaigns: CampaignsReadArgs,
    #[command(flatten)]
    pub customers: CustomersReadArgs,
}

impl ReadArgs {
    /// What `preset` (named `name`) gives of these options over it: its derived columns that
    /// these do not replace, and its conditions (which come first).
    pub(super) fn origin(&self, preset: &ReadArgs, name: String) -> PresetOrigin {
        let mine: Vec<String> = (self.map.iter().chain(&self.derive))
            .filter_map(|p| canonical(p))
            .collect();
        PresetOrigin {
            name,
            derived: (preset.derive.iter())
                .filter_map(|p| canonical(p))
                .filter(|c| !mine.contains(c))
                .collect(),
            filters: preset.where_.len(),
        }
    }

    /// These options over `preset`'s: a single value given here replaces the preset's, a flag
    /// adds to it; a column mapped or derived here replaces the preset's way to that column;
    /// `--where`, `--fill-down` and `--guest-id` add to the preset's.
    fn over(self, preset: ReadArgs) -> ReadArgs {
        let mine: Vec<String> = [named(&self.map), named(&self.derive)].concat();
        ReadArgs {
            delimiter: self.delimiter.or(preset.delimiter),
            dedupe: self.dedupe || preset.dedupe,
            encoding: self.encoding.or(preset.encoding),
            date_format: if self.date_format.is_empty() {
                preset.date_format
            } else {
                self.date_format
            },
            thousands: self.thousands.or(preset.thousands),
            currency: self.currency.or(preset.currency),
            decimal_comma: self.decimal_comma || preset.decimal_comma,
            fill_down: [preset.fill_down, self.fill_down].concat(),
            guests: self.guests.or(preset.guests),
            guest_id: [preset.guest_id, self.guest_id].concat(),
            round_amounts: self.round_amounts.or(preset.round_amounts),
            map: [keep(preset.map, &mine), self.map].concat(),
            derive: [keep(preset.derive, &mine), self.derive].concat(),
            where_: [preset.where_, self.where_].concat(),
            sheet: self.sheet.or(preset.sheet),
        }
    }

    /// `--where [LABEL:]CONDITION`; the conditions are checked against each file's header when
    /// it is opened.
    fn filters(&self) -> Result<Vec<Filter>> {
        let filters: Vec<Filter> = self.where_.iter().map(|w| Filter::parse(w)).collect();
        for f in &filters {
            if f.condition.is_empty() {
                bail!("--where {:?}: the condition is empty", f.label);
            }
            if ["skipped", Guests::LABEL, "repeated"].contains(&f.label.as_str()) {
                bail!(
                    "--where {}: ...: the label {:?} names rows left out for another reason; \
                     choose another",
                    f.label,
                    f.label
                );
            }
        }
        Ok(filters)
    }

    /// `--thousands`, `--decimal-comma` and `--currency`.
    pub(super) fn money(&self) -> Result<MoneyFormat> {
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
        Ok(MoneyFormat {
            currency: self.currency.clone(),
            thousands: self.thousands,
            decimal_comma: self.decimal_comma,
            round: self.round_amounts.map(u32::from),
        })
    }
}

impl Reading {
    /// The options of the command line (`orders`, and those of the inputs it reads) over
    /// `preset`'s: see [`ReadArgs::over`]; a map of campaigns or customers given here replaces
    /// the preset's for that column.
    pub(super) fn over(self, preset: Reading) -> Reading {
        let (campaigns, customers) = (self.campaigns, self.customers);
        Reading {
            orders: self.orders.over(preset.orders),
            campaigns: CampaignsReadArgs {
                campaigns_map: [
                    keep(
                        preset.campaigns.campaigns_map,
                        &named(&campaigns.campaigns_map),
                    ),
                    campaigns.campaigns_map,
                ]
                .concat(),
                campaigns_sheet: campaigns
                    .campaigns_sheet
                    .or(preset.campaigns.campaigns_sheet),
            },
            customers: CustomersReadArgs {
                customers_map: [
                    keep(
                        preset.customers.customers_map,
                        &named(&customers.customers_map),
                    ),
                    customers.customers_map,
                ]
                .concat(),
                customers_sheet: customers
                    .customers_sheet
                    .or(preset.customers.customers_sheet),
            },
        }
    }

    /// How every input file is read.
    pub(super) fn read_options(
        &self,
        money: MoneyFormat,
        extra_column: Option<String>,
        invalid: Invalid,
    ) -> Result<ReadOptions> {
        let names = |specs: &[Spec]| specs.iter().map(|s| s.name).collect::<Vec<_>>();
        let (read, campaigns, customers) = (&self.orders, &self.campaigns, &self.customers);
        Ok(ReadOptions {
            delimiter: read.delimiter.unwrap_or(b','),
            delimiter_given: read.delimiter.is_some(),
            map: ColumnMap::parse("--map", &read.map, &names(orders::SPECS))?
                .derive(&read.derive, &names(orders::SPECS))?,
            campaigns_map: ColumnMap::parse(
                "--campaigns-map",
                &campaigns.campaigns_map,
                &names(campaigns::SPECS),
            )?,
            customers_map: ColumnMap::parse(
                "--customers-map",
                &customers.customers_map,
                &names(customers::SPECS),
            )?,
            extra_column,
            encoding: match read.encoding.unwrap_or(EncodingArg::Utf8) {
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Latin1 => Encoding::Latin1,
                EncodingArg::Windows1252 => Encoding::Windows1252,
            },
            dates: DateFormat::pinned_all(&read.date_format).map_err(anyhow::Error::msg)?,
            money,
            invalid,
            dedupe: read.dedupe,
            fill_down: read.fill_down.clone(),
            guests: match read.guests.unwrap_or(GuestsArg::Error) {
                GuestsArg::Error => Guests::Error,
                GuestsArg::Order => Guests::Order,
                GuestsArg::Skip => Guests::Skip,
            },
            guest_ids: read.guest_id.clone(),
            filters: read.filters()?,
            preset: None,
            sheet: read.sheet.clone(),
            campaigns_sheet: campaigns.campaigns_sheet.clone(),
            customers_sheet: customers.customers_sheet.clone(),
        })
    }
}

/// The canonical columns that `canonical=...` pairs name.
fn named(pairs: &[String]) -> Vec<String> {
    pairs.iter().filter_map(|p| canonical(p)).collect()
}

/// The pairs of `preset` but those for a column in `mine`.
fn keep(preset: Vec<String>, mine: &[String]) -> Vec<String> {
    let theirs = preset
        .into_iter()
        .filter(|p| canonical(p).is_none_or(|c| !mine.contains(&c)));
    theirs.collect()
}

/// The canonical column a `canonical=...` pair of `--map` or `--derive` names, as `--map` reads
/// it (`Customer-ID` is customer_id).
pub fn canonical(pair: &str) -> Option<String> {
    pair.split_once('=').map(|(c, _)| normalize(c))
}
