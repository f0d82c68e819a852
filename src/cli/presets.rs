//! Presets: the reading options for a known export, written as a user would write them in a
//! preset file (`--preset-file`): one option a line, `--option VALUE`, the value as it is (no
//! shell quoting), `#` comments.

use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::Parser;

use super::read::Reading;

/// A built-in preset: its name, what export it reads, and its options.
pub struct Preset {
    pub name: &'static str,
    pub about: &'static str,
    pub text: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "shopify",
        about: "Shopify admin's \"Export orders\" CSV (one row per line item)",
        text: "\
# Shopify admin's \"Export orders\" CSV: one row per line item, newest first. Order-level
# fields (Email, Financial Status, Created at, Source, ...) are written on an order's first
# line only.
--map order_id=Name
--map customer_id=Email
# The date part of Created at, as written: 2024-03-05 14:22:11 -0500 is 2024-03-05.
--map order_date=Created at
--derive product_id=coalesce(\"Lineitem sku\", \"Lineitem name\")
--map quantity=Lineitem quantity
--derive amount=\"Lineitem quantity\" * \"Lineitem price\" - coalesce(\"Lineitem discount\", 0)
--map channel=Source
--fill-down Email,Financial Status,Created at,Source
# Voided and refunded orders are left out, and counted (voided-or-refunded-rows).
--where voided-or-refunded: \"Financial Status\" not in ('voided', 'refunded')
# Orders with no email after fill-down are guest checkouts: left out, counted (guest-rows).
--guests skip
",
    },
    Preset {
        name: "online-retail",
        about: "the UCI Online Retail and Online Retail II data sets (CSV or .xlsx)",
        text: "\
# The UCI Online Retail data sets: Online Retail II (Invoice, StockCode, Description, Quantity,
# InvoiceDate, Price, Customer ID, Country; datetimes 2010-12-01 07:45:00) and the original
# (InvoiceNo, ..., UnitPrice, CustomerID, ...; datetimes 12/1/2010 8:26, month first).
--derive order_id=column('Invoice', 'InvoiceNo')
# A float export writes the customer id 13085 as 13085.0.
--derive customer_id=strip_suffix(column('Customer ID', 'CustomerID'), '.0')
--map order_date=InvoiceDate
--date-format %Y-%m-%d %H:%M:%S
--date-format %m/%d/%Y %H:%M
--map product_id=StockCode
--map quantity=Quantity
# Cancellation invoices (C prefix) have a negative quantity: their lines are returns.
--derive amount=Quantity * column('Price', 'UnitPrice')
# Rows without a customer id are guests: left out, counted (guest-rows).
--guests skip
# Postage, manual, discount, samples, bad debt, fees and adjustments are no products: left
# out, counted (non-product-rows).
--where non-product: StockCode not in ('POST', 'DOT', 'C2', 'M', 'm', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS') and StockCode not starts with 'ADJUST' and StockCode not starts with 'TEST'
",
    },
    Preset {
        name: "ga4",
        about: "a GA4 BigQuery export flattened to one row per purchased item",
        text: "\
# A GA4 BigQuery export flattened to one row per purchased item (UNNEST(items)).
--map order_id=transaction_id
--derive customer_id=coalesce(user_id, user_pseudo_id)
# event_date is written YYYYMMDD.
--map order_date=event_date
--derive product_id=coalesce(item_id, item_name)
--map category=item_category
--map quantity=quantity
# item_revenue carries float noise (44.849999999999994).
--derive amount=coalesce(round(item_revenue, 2), price * quantity)
# Purchases without a transaction id are left out, and counted (no-transaction-rows).
--where no-transaction: transaction_id is not empty and transaction_id != '(not set)'
# A purchase event logged twice repeats a row in every column read: dropped, counted.
--dedupe
",
    },
];

/// The options of the built-in preset `name`.
pub fn named(name: &str) -> Result<Reading> {
    let Some(preset) = PRESETS.iter().find(|p| p.name == name) else {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        bail!(
            "--preset {name:?}: no such preset; the presets: {} (see xsell presets)",
            names.join(", ")
        );
    };
    parse(preset.text).with_context(|| format!("--preset {name}"))
}

/// The options of a preset file.
pub fn from_file(path: &Path) -> Result<Reading> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--preset-file {}: cannot read it", path.display()))?;
    // A file saved by a Windows editor may start with a byte-order mark.
    parse(text.strip_prefix('\u{feff}').unwrap_or(&text))
        .with_context(|| format!("--preset-file {}", path.display()))
}

/// A preset's options, parsed as the command line's are.
#[derive(Debug, Parser)]
#[command(no_binary_name = true, disable_help_flag = true)]
struct PresetArgs {
    #[command(flatten)]
    read: Reading,
}

/// `--option VALUE` lines, `#` comments and blank lines.
fn parse(text: &str) -> Result<Reading> {
    let mut args = Vec::new();
    for (n, line) in (1..).zip(text.lines()) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with("--") {
            bail!("line {n}: expected an option such as --map order_id=Name, not {line:?}");
        }
        match line.split_once(char::is_whitespace) {
            Some((option, value)) => args.extend([option.to_string(), value.trim().to_string()]),
            None => args.push(line.to_string()),
        }
    }
    match PresetArgs::try_parse_from(&args) {
        Ok(parsed) => Ok(parsed.read),
        Err(e) => {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or_default();
            bail!("{}", first.trim_start_matches("error: "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::ReadArgs;
    use super::*;

    #[test]
    fn every_builtin_preset_parses() {
        for preset in PRESETS {
            let args = named(preset.name).unwrap().orders;
            assert!(!args.map.is_empty(), "{}", preset.name);
        }
        let shopify = named("shopify").unwrap().orders;
        assert_eq!(
            shopify.derive[1],
            "amount=\"Lineitem quantity\" * \"Lineitem price\" - coalesce(\"Lineitem discount\", 0)"
        );
        assert_eq!(
            shopify.fill_down,
            ["Email", "Financial Status", "Created at", "Source"]
        );
        assert_eq!(named("online-retail").unwrap().orders.date_format.len(), 2);
        assert!(named("ga4").unwrap().orders.dedupe);
    }

    #[test]
    fn bad_preset_lines_are_named() {
        let e = parse("--map order_id=Name\nmap x=y\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: expected an option such as --map order_id=Name, not \"map x=y\""
        );
        let e = parse("--mapp order_id=Name\n").unwrap_err().to_string();
        assert!(e.contains("--mapp"), "{e}");
        assert!(named("shopfy").is_err());
    }

    #[test]
    fn the_command_line_wins_over_the_preset() {
        let preset = named("shopify").unwrap();
        let mine = Reading {
            orders: ReadArgs {
                map: vec!["product_id=Lineitem name".to_string()],
                derive: vec!["customer_id=coalesce(Email, Name)".to_string()],
                where_: vec!["x = 'y'".to_string()],
                delimiter: Some(b';'),
                ..ReadArgs::default()
            },
            ..Reading::default()
        };
        let both = mine.over(preset).orders;
        // The preset's product_id (derived) and customer_id (mapped) give way to mine.
        assert!(!both.derive.iter().any(|d| d.starts_with("product_id=")));
        assert!(!both.map.iter().any(|m| m.starts_with("customer_id=")));
        assert!(both.map.contains(&"order_id=Name".to_string()));
        assert_eq!(
            both.map.last().map(String::as_str),
            Some("product_id=Lineitem name")
        );
        // Filters add up; a single value replaces the preset's.
        assert_eq!(both.where_.len(), 2);
        assert_eq!(both.delimiter, Some(b';'));
        assert_eq!(both.guests, Some(super::super::GuestsArg::Skip));
    }
}
