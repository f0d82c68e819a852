//! `xsell pairs`: which items are bought together (association rules), per group.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{BasketArg, PairsArgs};
use crate::engine::{self, Judging};
use crate::input::book::Interner;
use crate::input::{Customers, OrderColumns};
use crate::metrics::Level;
use crate::metrics::basket::{BasketGroups, BasketKind};
use crate::metrics::pairs::{Counts, Filter, Largest, Rule};
use crate::metrics::slice::{Dim, Slicing};
use crate::output::html::Page;
use crate::output::{self, Cell, Format, Summary};

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
    let config = args.options().config(slicing, Judging::default())?;
    let (level, window) = (config.settings.level, config.settings.window);
    let kind = match args.rules.basket {
        BasketArg::Order => BasketKind::Order,
        BasketArg::Customer => BasketKind::Customer,
    };
    let mut baskets = BasketGroups::new(kind, level, &args.by);
    let (book, mut summary) = engine::read_orders(
        &config,
        |present, customers| columns(&args.by, level, present, customers),
        |line| {
            if line.is_purchase() && window.contains(line.date) {
                baskets.add(line);
            }
        },
    )?;
    let names = match level {
        Level::Category => &book.categories,
        Level::Product => &book.products,
    };
    let filter = Filter {
        min_support: args.rules.min_support,
        min_count: args.rules.min_count,
        min_confidence: args.rules.min_confidence,
        min_lift: args.rules.min_lift,
        antecedent: antecedent(names, level, args.rules.for_item.as_deref())?,
    };
    let groups = baskets.count(args.rules.max_basket, &book);
    check_pair_work(args, &groups)?;
    let (mut rows, mut total, mut oversized) = (Vec::new(), 0, 0);
    for (group, counts) in &groups {
        total += counts.baskets;
        oversized += counts.oversized;
        let rules = counts.rules(&filter, args.rules.top, |i| names.name(i));
        rows.extend(rules.into_iter().map(|r| (group.clone(), r)));
    }
    // With no rule to show, the largest measures there were: what the thresholds left out.
    let largest = match rows.is_empty() {
        true => largest(&groups, &filter),
        false => None,
    };
    summary
        .notes
        .extend(notes(args, rows.is_empty(), largest, (total, oversized)));
    super::tell(&summary);
    let footer = || {
        let slicing = &config.settings.slicing;
        footer(args, slicing, kind, (total, oversized), &summary)
    };
    let sliced = !args.by.is_empty();
    super::write_with(config.output.as_deref(), |out| match config.format {
        Format::Table | Format::Markdown => {
            table(out, names, &rows, sliced, &footer(), config.format)
        }
        Format::Html => page(out, names, (&rows, sliced), footer(), &summary),
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

/// The largest count, support, confidence and lift of any pair of `groups` (each measure
/// apart), of the antecedent `filter` asks for: what the thresholds left out.
fn largest(groups: &[(String, Counts)], filter: &Filter) -> Option<Largest> {
    (groups.iter())
        .filter_map(|(_, counts)| counts.largest(filter.antecedent))
        .reduce(|a, b| Largest {
            count: a.count.max(b.count),
            support: a.support.max(b.support),
            confidence: a.confidence.max(b.confidence),
            lift: a.lift.max(b.lift),
        })
}

/// The page of the rules (`--format html`): `footer` (what was counted), then the warnings
/// of reading, as on stderr.
fn page(
    out: &mut dyn Write,
    names: &Interner,
    (rows, sliced): (&[(String, Rule)], bool),
    mut footer: Vec<String>,
    summary: &Summary,
) -> io::Result<()> {
    let told = (summary.notes.iter()).filter(|n| !n.starts_with("note: no rule"));
    footer.extend(told.cloned());
    let page = Page {
        footer,
        ..Page::new(Some(summary), Vec::new())
    };
    let (columns, cells) = grid(names, rows, sliced);
    let lifts: Vec<f64> = rows.iter().map(|(_, r)| r.lift()).collect();
    let numbers_from = 3 - usize::from(!sliced);
    output::html::rules_page(out, &page, &columns, &cells, &lifts, numbers_from)
}

/// Refuses to count more pairs than `--max-pairs` allows, before counting them.
fn check_pair_work(args: &PairsArgs, groups: &[(String, Counts)]) -> Result<()> {
    let pairs: u64 = groups.iter().map(|(_, c)| c.pairs).sum();
    if pairs > args.max_pairs {
        bail!(
            "the baskets hold {pairs} pairs to count, more than --max-pairs {} (a basket of k \
             items holds k(k-1)/2; --max-basket {} lets baskets of up to {} items add pairs): \
             lower --max-basket, or raise --max-pairs if that much work is wanted",
            args.max_pairs,
            args.rules.max_basket,
            args.rules.max_basket
        );
    }
    Ok(())
}

/// The notes of counting: baskets too large for pairs, and why there is no rule.
fn notes(
    args: &PairsArgs,
    no_rule: bool,
    largest: Option<Largest>,
    (total, oversized): (u64, u64),
) -> Vec<String> {
    let mut notes = Vec::new();
    let max = args.rules.max_basket;
    if oversized > 0 {
        notes.push(format!(
            "note: {oversized} of {total} baskets have more than {max} items (--max-basket): \
             they count in support's denominator but add no pairs"
        ));
    }
    let rules = &args.rules;
    match (no_rule, largest, &rules.for_item) {
        (false, _, _) => {}
        (true, None, Some(item)) => notes.push(format!(
            "note: no rule has {item:?} as its antecedent: it shares no basket with another item \
             in the window"
        )),
        (true, None, None) => {
            notes.push("note: no rule: no two items share a basket in the window".to_string())
        }
        (true, Some(l), _) => notes.push(format!(
            "note: no rule passes the thresholds (--min-count {}, --min-support {}, \
             --min-confidence {}, --min-lift {}); the largest seen: count {}, support {}, \
             confidence {}, lift {:.2}: lower the thresholds to see rules",
            rules.min_count,
            rules.min_support,
            rules.min_confidence,
            rules.min_lift,
            l.count,
            percent(l.support),
            percent(l.confidence),
            l.lift
        )),
    }
    notes
}

/// Checks that the files have the columns of `--by` and returns the optional columns to read.
fn columns(
    dims: &[Dim],
    level: Level,
    present: OrderColumns,
    customers: Option<&Customers>,
) -> Result<OrderColumns> {
    let wants = |d: &Dim| dims.contains(d);
    if level == Level::Category && !present.category {
        bail!("pairs --level category needs the column category in every orders file");
    }
    if let Some(dim) = dims.iter().find(|d| !d.has_column(&present, customers)) {
        let place = if dim.is_customer() {
            "in the orders or in --customers FILE"
        } else {
            "in every orders file"
        };
        let column = dim.column().unwrap_or_default();
        bail!("pairs --by {} needs a {column} column {place}", dim.name());
    }
    Ok(OrderColumns {
        category: level == Level::Category || wants(&Dim::Category),
        channel: wants(&Dim::Channel),
        campaign: wants(&Dim::Campaign),
        segment: present.segment && wants(&Dim::Segment),
        loyalty: present.loyalty && wants(&Dim::Loyalty),
    })
}

/// The item of `--for`, which must be among the orders' items.
fn antecedent(names: &Interner, level: Level, item: Option<&str>) -> Result<Option<u32>> {
    let Some(item) = item else {
        return Ok(None);
    };
    match names.get(item) {
        Some(id) => Ok(Some(id)),
        None => {
            let what = if level == Level::Category {
                "category"
            } else {
                "product"
            };
            bail!("--for {item:?}: no {what} of that name in the orders");
        }
    }
}

/// What the table's baskets are, how many of them there were, and what was read.
fn footer(
    args: &PairsArgs,
    slicing: &Slicing,
    kind: BasketKind,
    (total, oversized): (u64, u64),
    summary: &Summary,
) -> Vec<String> {
    let basket_kind = match kind {
        BasketKind::Customer => "customers",
        BasketKind::Order => "orders",
    };
    let line_dims: Vec<String> = slicing.line_dims().map(Dim::name).collect();
    let split = if line_dims.is_empty() {
        String::new()
    } else {
        format!(", split by their lines' {}", line_dims.join("/"))
    };
    let max = args.rules.max_basket;
    let few = match args.rules.min_count {
        0 | 1 => String::new(),
        n => format!("; rules seen in fewer than {n} baskets left out (--min-count)"),
    };
    let mut footer = vec![format!(
        "{total} baskets ({basket_kind} with a purchase line in the window{split}); \
         {oversized} with more than {max} items added no pairs (--max-basket){few}"
    )];
    // Why the table is empty, under it too.
    let why = summary
        .notes
        .iter()
        .filter(|n| n.starts_with("note: no rule"));
    footer.extend(why.map(|n| n.trim_start_matches("note: ").to_string()));
    footer.extend(summary.footer());
    footer
}

/// The rules for people, without the group column when nothing is sliced.
fn table(
    out: &mut dyn Write,
    names: &Interner,
    rows: &[(String, Rule)],
    sliced: bool,
    footer: &[String],
    format: Format,
) -> io::Result<()> {
    let skip = usize::from(!sliced);
    let (columns, cells) = grid(names, rows, sliced);
    output::write_grid(out, &columns, &cells, 3 - skip, footer, format)
}

/// The rules' columns and cells for people, without the group column when nothing is sliced.
fn grid(
    names: &Interner,
    rows: &[(String, Rule)],
    sliced: bool,
) -> (Vec<String>, Vec<Vec<String>>) {
    let skip = usize::from(!sliced);
    let columns: Vec<String> = COLUMNS[skip..].iter().map(|c| c.to_string()).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(group, r)| human(names, group, r)[skip..].to_vec())
        .collect();
    (columns, cells)
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

/// A rule for scripts: measures in full, null conviction when confidence is 1.
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
