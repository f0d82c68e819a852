//! `xsell pairs`: which items are bought together (association rules), per group.

use std::process::ExitCode;

use anyhow::{Result, bail};
use rustc_hash::FxHashMap as HashMap;

use crate::cli::{BasketArg, Judging, PairsArgs};
use crate::input::OrderColumns;
use crate::input::book::Interner;
use crate::metrics::Level;
use crate::metrics::pairs::{Baskets, Counts, Filter, Rule};
use crate::metrics::slice::{CustomerGroups, Dim, GroupId, NONE, Slicing, value_label};
use crate::output::{self, Cell, Format};

pub const COLUMNS: [&str; 9] = [
    "group",
    "antecedent",
    "consequent",
    "count",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
];

pub fn run(args: &PairsArgs) -> Result<ExitCode> {
    super::refuse_unused(&args.input, "pairs", false)?;
    if let Some(dim) = args.by.iter().find(|d| **d == Dim::CampaignType) {
        bail!(
            "pairs can be split by segment, loyalty, channel, category, campaign or column:NAME, not by {}",
            dim.name()
        );
    }
    let slicing = Slicing {
        dims: args.by.clone(),
        period: None,
    };
    let config = args
        .input
        .config(slicing, Judging::plain(args.input.confidence)?)?;
    let level = config.settings.level;
    let per_customer = args.basket == BasketArg::Customer;
    let dims = args.by.clone();
    let line_dims: Vec<Dim> = dims.iter().filter(|d| !d.is_customer()).cloned().collect();
    let customer_dims: Vec<Dim> = dims.iter().filter(|d| d.is_customer()).cloned().collect();
    // Under an order-line dimension a basket is split by the line's value: the pairs of one
    // channel are those bought together through that channel.
    let mut line_groups: HashMap<Vec<u32>, u32> = HashMap::default();
    let mut values: Vec<u32> = Vec::new();
    let mut baskets: Baskets<(u32, u32)> = Baskets::default();
    let (book, mut summary) = super::read_orders(
        &config,
        |present, customers| {
            let wants = |d: &Dim| dims.contains(d);
            if level == Level::Category && !present.category {
                bail!("pairs --level category needs the column category in every orders file");
            }
            for dim in &dims {
                let column = match dim {
                    Dim::Segment => "segment",
                    Dim::Loyalty => "loyalty",
                    Dim::Channel => "channel",
                    Dim::Category => "category",
                    Dim::Campaign => "campaign_id",
                    _ => continue, // column:NAME is checked as the files open
                };
                let in_customers =
                    dim.is_customer() && customers.is_some_and(|c| c.columns.contains(column));
                if !present.has(column) && !in_customers {
                    let place = if dim.is_customer() {
                        "in the orders or in --customers FILE"
                    } else {
                        "in every orders file"
                    };
                    bail!("pairs --by {} needs a {column} column {place}", dim.name());
                }
            }
            Ok(OrderColumns {
                category: level == Level::Category || wants(&Dim::Category),
                channel: wants(&Dim::Channel),
                campaign: wants(&Dim::Campaign),
                segment: present.segment && wants(&Dim::Segment),
                loyalty: present.loyalty && wants(&Dim::Loyalty),
            })
        },
        |line| {
            if !line.is_purchase() || !config.settings.window.contains(line.date) {
                return;
            }
            let group = if line_dims.is_empty() {
                // One group, of every line: no lookup a line.
                if line_groups.is_empty() {
                    line_groups.insert(Vec::new(), 0);
                }
                0
            } else {
                values.clear();
                values.extend(line_dims.iter().map(|d| {
                    let value = match d {
                        Dim::Channel => line.channel,
                        Dim::Category => line.category,
                        Dim::Campaign => line.campaign,
                        _ => line.extra,
                    };
                    value.unwrap_or(NONE)
                }));
                let next = line_groups.len() as u32;
                match line_groups.get(&values) {
                    Some(&g) => g,
                    None => *line_groups.entry(values.clone()).or_insert(next),
                }
            };
            let basket = if per_customer {
                line.customer
            } else {
                line.order
            };
            baskets.add((group, basket), level.item(line));
        },
    )?;
    let names = match level {
        Level::Category => &book.categories,
        Level::Product => &book.products,
    };
    let antecedent = match &args.for_item {
        None => None,
        Some(item) => match names.get(item) {
            Some(id) => Some(id),
            None => {
                let what = if level == Level::Category {
                    "category"
                } else {
                    "product"
                };
                bail!("--for {item:?}: no {what} of that name in the orders");
            }
        },
    };
    let cohorts = CustomerGroups::new(&book, &customer_dims);
    let customer_of = |basket: u32| {
        if per_customer {
            basket
        } else {
            book.orders
                .get(basket as usize)
                .map_or(u32::MAX, |o| o.customer)
        }
    };
    let counts = baskets.count(args.max_basket, |(group, basket)| {
        let cohort = if customer_dims.is_empty() {
            None
        } else {
            cohorts.of(customer_of(basket))
        };
        (group, cohort)
    });
    let filter = Filter {
        min_support: args.min_support,
        min_count: args.min_count,
        min_confidence: args.min_confidence,
        min_lift: args.min_lift,
        antecedent,
    };
    let mut line_values: Vec<&[u32]> = vec![&[]; line_groups.len()];
    for (key, &g) in &line_groups {
        line_values[g as usize] = key;
    }
    // `channel/segment`: the values of the dimensions in the order given.
    let label = |(group, cohort): (u32, Option<GroupId>)| {
        if dims.is_empty() {
            return "all".to_string();
        }
        let mut line = line_values
            .get(group as usize)
            .copied()
            .unwrap_or_default()
            .iter();
        let mut customer = (cohort.and_then(|c| cohorts.key(c)))
            .unwrap_or_default()
            .iter();
        let parts: Vec<String> = dims
            .iter()
            .map(|dim| {
                let from = if dim.is_customer() {
                    &mut customer
                } else {
                    &mut line
                };
                value_label(&book, None, dim, from.next().copied().unwrap_or(NONE))
            })
            .collect();
        parts.join("/")
    };
    let mut groups: Vec<(String, &Counts)> = counts.iter().map(|(g, c)| (label(*g), c)).collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut rows, mut total, mut oversized) = (Vec::new(), 0, 0);
    for (group, counts) in &groups {
        total += counts.baskets;
        oversized += counts.oversized;
        let rules = counts.rules(&filter, args.top, |i| names.name(i));
        rows.extend(rules.into_iter().map(|r| (group.clone(), r)));
    }
    let basket_kind = if per_customer { "customers" } else { "orders" };
    let max = args.max_basket;
    if oversized > 0 {
        summary.notes.push(format!(
            "note: {oversized} of {total} baskets have more than {max} items (--max-basket): \
             they count in support's denominator but add no pairs"
        ));
    }
    if rows.is_empty() {
        summary.notes.push(match &args.for_item {
            Some(item) => format!(
                "note: no rule has {item:?} as its antecedent (it shares no basket with another \
                 item in the window, or the thresholds leave none)"
            ),
            None => "note: no rule: no two items share a basket in the window, or the thresholds \
                     leave none"
                .to_string(),
        });
    }
    super::tell(&summary);
    let sliced = !dims.is_empty();
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Table => {
            let skip = usize::from(!sliced);
            let columns: Vec<String> = COLUMNS[skip..].iter().map(|c| c.to_string()).collect();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(group, r)| human(names, group, r)[skip..].to_vec())
                .collect();
            let split = if line_dims.is_empty() {
                String::new()
            } else {
                let by: Vec<String> = line_dims.iter().map(Dim::name).collect();
                format!(", split by their lines' {}", by.join("/"))
            };
            let mut footer = vec![format!(
                "{total} baskets ({basket_kind} with a purchase line in the window{split}); \
                 {oversized} with more than {max} items added no pairs (--max-basket)"
            )];
            footer.extend(summary.footer());
            output::write_grid(out, &columns, &cells, 3 - skip, &footer)
        }
        format => {
            let records: Vec<Vec<Cell>> = rows
                .iter()
                .map(|(group, r)| machine(names, group, r))
                .collect();
            output::write_records(out, format, &COLUMNS, &records)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A rule for people: shares as percentages.
fn human(names: &Interner, group: &str, r: &Rule) -> Vec<String> {
    vec![
        group.to_string(),
        item(names, r.antecedent),
        item(names, r.consequent),
        r.count.to_string(),
        percent(r.support()),
        format!("{:.1}%", r.confidence() * 100.0),
        format!("{:.2}", r.lift()),
        format!("{:.5}", r.leverage()),
        r.conviction()
            .map_or_else(|| "n/a".to_string(), |c| format!("{c:.2}")),
    ]
}

/// An item's name; an empty category cell is the item `(none)`, as `--by` labels it.
fn item(names: &Interner, id: u32) -> String {
    match names.name(id) {
        "" => "(none)".to_string(),
        name => name.to_string(),
    }
}

/// A share as a percentage with three significant digits (20.0%, 0.00358%).
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p <= 0.0 {
        return "0%".to_string();
    }
    let decimals = (2 - p.log10().floor() as i32).clamp(1, 8) as usize;
    format!("{p:.decimals$}%")
}

/// A rule for scripts: fractions with 6 decimals, null conviction when confidence is 1.
fn machine(names: &Interner, group: &str, r: &Rule) -> Vec<Cell> {
    vec![
        Cell::Text(group.to_string()),
        Cell::Text(item(names, r.antecedent)),
        Cell::Text(item(names, r.consequent)),
        Cell::Number(r.count.to_string()),
        output::number(Some(r.support())),
        output::number(Some(r.confidence())),
        output::number(Some(r.lift())),
        output::number(Some(r.leverage())),
        output::number(r.conviction()),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_keep_three_significant_digits() {
        assert_eq!(super::percent(0.2), "20.0%");
        assert_eq!(super::percent(1.0), "100.0%");
        assert_eq!(super::percent(0.000_035_75), "0.00358%");
        assert_eq!(super::percent(0.0), "0%");
    }
}
