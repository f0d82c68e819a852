//! `xsell pairs`: which items are bought together (association rules), per group.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{BasketArg, Judging, PairsArgs};
use crate::input::OrderColumns;
use crate::input::book::Interner;
use crate::metrics::Level;
use crate::metrics::pairs::{Baskets, Counts, Filter, Rule};
use crate::metrics::slice::{Cohorts, Dim, EVERYONE, Slicing, customer_label};
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
    if let Some(dim) = args.by.iter().find(|d| !d.is_customer()) {
        bail!(
            "pairs can be split by segment or loyalty, not by {}: the lines of one basket may differ in it",
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
    let mut baskets = Baskets::default();
    let (book, mut summary) = super::read_orders(
        &config,
        |present, customers| {
            if level == Level::Category && !present.category {
                bail!("pairs --level category needs the column category in every orders file");
            }
            for dim in &dims {
                let column = if *dim == Dim::Segment {
                    "segment"
                } else {
                    "loyalty"
                };
                let in_customers = customers.is_some_and(|c| c.columns.contains(column));
                if !present.has(column) && !in_customers {
                    bail!(
                        "pairs --by {} needs a {column} column in the orders or in --customers FILE",
                        dim.name()
                    );
                }
            }
            Ok(OrderColumns {
                category: level == Level::Category,
                segment: present.segment && dims.contains(&Dim::Segment),
                loyalty: present.loyalty && dims.contains(&Dim::Loyalty),
                ..OrderColumns::default()
            })
        },
        |line| {
            if line.is_purchase() && config.settings.window.contains(line.date) {
                let basket = if per_customer {
                    line.customer
                } else {
                    line.order
                };
                baskets.add(basket, level.item(line));
            }
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
    let cohorts = Cohorts::new(&book, &dims);
    let customer_of = |basket: u32| {
        if per_customer {
            basket
        } else {
            book.orders
                .get(basket as usize)
                .map_or(u32::MAX, |o| o.customer)
        }
    };
    let counts = baskets.count(args.max_basket, |basket| {
        if dims.is_empty() {
            EVERYONE
        } else {
            cohorts.of(customer_of(basket))
        }
    });
    let filter = Filter {
        min_support: args.min_support,
        min_count: args.min_count,
        min_confidence: args.min_confidence,
        min_lift: args.min_lift,
        antecedent,
    };
    let label = |group: u32| {
        if dims.is_empty() {
            "all".to_string()
        } else {
            customer_label(&book, &dims, cohorts.key(group).unwrap_or_default())
        }
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
    if let (Some(item), true) = (&args.for_item, rows.is_empty()) {
        summary.notes.push(format!(
            "note: no rule has {item:?} as its antecedent (it shares no basket with another item \
             in the window, or the thresholds leave none)"
        ));
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
            let mut footer = vec![format!(
                "{total} baskets ({basket_kind} with a purchase line in the window); {oversized} \
                 with more than {max} items added no pairs (--max-basket)"
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
        names.name(r.antecedent).to_string(),
        names.name(r.consequent).to_string(),
        r.count.to_string(),
        percent(r.support()),
        format!("{:.1}%", r.confidence() * 100.0),
        format!("{:.2}", r.lift()),
        format!("{:.5}", r.leverage()),
        r.conviction()
            .map_or_else(|| "n/a".to_string(), |c| format!("{c:.2}")),
    ]
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
    let number = |v: f64| Cell::Number(format!("{v:.6}"));
    vec![
        Cell::Text(group.to_string()),
        Cell::Text(names.name(r.antecedent).to_string()),
        Cell::Text(names.name(r.consequent).to_string()),
        Cell::Number(r.count.to_string()),
        number(r.support()),
        number(r.confidence()),
        number(r.lift()),
        number(r.leverage()),
        r.conviction().map_or(Cell::Null, number),
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
