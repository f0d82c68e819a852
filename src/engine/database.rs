//! `--engine postgres`: the KPIs computed where the order lines live, by the statement of
//! `xsell sql` ([`crate::sql`]), its rows turned into xsell's so that intervals, benchmarks,
//! order and `--fail-under` are those of a run over files.

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::NaiveDate;
use postgres::{Client, NoTls, SimpleQueryMessage};

use super::Config;
use crate::input::Guests;
use crate::metrics::registry::Kind;
use crate::metrics::row::{ALL, Row, Unit};
use crate::metrics::value::CLV_FACTORS;
use crate::metrics::{ClvModel, Label, Level, Metric};
use crate::money::{Money, MoneyFormat};
use crate::output::Summary;
use crate::sql::{Dialect, Query, Table, render};

/// A database holding the order lines, and the campaigns' and customers' tables if any.
#[derive(Clone, Debug)]
pub struct Database {
    /// `postgresql://user@host:port/dbname`, as the `postgres` crate reads it.
    pub url: String,
    pub orders: Table,
    pub campaigns: Option<Table>,
    pub customers: Option<Table>,
}

/// The rows of `metrics` (`None`: every KPI the tables allow) computed in `db`, and what was
/// measured there.
pub fn evaluate(
    config: &Config,
    metrics: Option<Vec<Metric>>,
    db: &Database,
) -> Result<(Vec<Row>, Summary)> {
    refuse_file_options(config)?;
    let settings = &config.settings;
    let metrics = metrics.unwrap_or_else(|| crate::sql::every_kpi(db.campaigns.is_some()));
    let query = Query {
        metrics,
        orders: db.orders.clone(),
        campaigns: db.campaigns.clone(),
        customers: db.customers.clone(),
        clv: settings.clv,
        from: settings.window.from,
        to: settings.window.to,
        by: settings.slicing.dims.clone(),
        period: settings.slicing.period,
        categories: settings.level == Level::Category,
    };
    let statement = render(&query, Dialect::Postgres)?;
    let mut client = Client::connect(&db.url, NoTls)
        .with_context(|| format!("cannot connect to the database of --url {}", shown(&db.url)))?;
    let formula = match settings.clv {
        ClvModel::Formula { margin, lifespan } => Some((margin, lifespan)),
        // Refused by `render` above: no SQL fits a model.
        ClvModel::Historic | ClvModel::BgNbd { .. } => None,
    };
    let mut rows = (texts(&mut client, &statement)?.into_iter())
        .map(|cells| row(&cells, formula.is_some()))
        .collect::<Result<Vec<Row>>>()?;
    if let Some(factors) = formula {
        formula_clv(&mut rows, factors);
    }
    let summary = summary(&mut client, db, config)?;
    Ok((rows, summary))
}

/// Options that shape how files are read mean nothing to a table: refused, never ignored.
/// (`--map` and the like name the tables' columns.)
fn refuse_file_options(config: &Config) -> Result<()> {
    let read = &config.read;
    let given: Vec<&str> = [
        (read.preset.is_some(), "--preset"),
        (read.map.derives(), "--derive"),
        (!read.filters.is_empty(), "--where"),
        (!read.fill_down.is_empty(), "--fill-down"),
        (read.dedupe, "--dedupe"),
        (
            read.invalid.skip || read.invalid.max.is_some(),
            "--skip-invalid or --max-invalid",
        ),
        (
            read.guests != Guests::default() || !read.guest_ids.is_empty(),
            "--guests or --guest-id",
        ),
        (
            read.money != MoneyFormat::default(),
            "--round-amounts or an amount format",
        ),
        (read.delimiter_given, "--delimiter"),
        (read.sheet.is_some(), "--sheet"),
    ]
    .into_iter()
    .filter_map(|(given, option)| given.then_some(option))
    .collect();
    if !given.is_empty() {
        bail!(
            "--engine computes from the tables as they are: {} reads files; drop it",
            given.join(", ")
        );
    }
    Ok(())
}

/// The connection text without its password, in whatever place it is given: `user:password@`
/// in a URL, a `password=` parameter of a URL or a `key=value` string.
pub(crate) fn shown(url: &str) -> String {
    let mut text = match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    };
    let mut from = 0;
    while let Some(found) = text[from..].to_ascii_lowercase().find("password=") {
        let start = from + found + "password=".len();
        let rest = &text[start..];
        // A value ends at `&` (a URL) or a space (key=value), or is quoted ('...').
        let len = match rest.strip_prefix('\'') {
            Some(quoted) => quoted.find('\'').map_or(rest.len(), |end| end + 2),
            None => rest.find(['&', ' ']).unwrap_or(rest.len()),
        };
        text.replace_range(start..start + len, "***");
        from = start + 3;
    }
    text
}

/// The rows of `sql` with every cell as text (the text protocol: NUMERIC sums come exact).
fn texts(client: &mut Client, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
    let messages = client
        .simple_query(sql)
        .map_err(|e| anyhow!("the database refused the statement: {}", error_text(&e)))?;
    Ok((messages.iter())
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(String::from))
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

/// The database's own message, which the crate's `Display` leaves out.
fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// One row of `xsell sql` (metric, group_label, period, value, numerator, denominator,
/// by_label) as xsell's, its value worked out from the numerator and denominator as a run over
/// files works it out. The CLV formula's factors (`clv.frequency`, ...) keep the statement's
/// double (a ratio of integers, or a given number: the same double), and its `clv` is worked
/// out later ([`formula_clv`]).
fn row(cells: &[Option<String>], formula: bool) -> Result<Row> {
    let cell = |i: usize| cells.get(i).cloned().flatten();
    let name = cell(0).unwrap_or_default();
    let label = Label {
        period: cell(2),
        by: cell(6).unwrap_or_default(),
        group: cell(1).unwrap_or_default(),
    };
    let count = |text: &str| -> Result<u64> {
        // A count summed over a NUMERIC column may come back as `12` or `12.00`.
        let whole = text
            .split_once('.')
            .map_or(text, |(w, f)| match f.trim_end_matches('0') {
                "" => w,
                _ => text,
            });
        whole
            .parse()
            .map_err(|_| anyhow!("{name}: the database returned the count {text:?}"))
    };
    let money = |text: &str| {
        Money::parse(text).map_err(|e| anyhow!("{name}: the database returned {text:?}: {e:?}"))
    };
    let double = |text: Option<String>| -> Result<Option<f64>> {
        (text.map(|t| {
            t.parse()
                .map_err(|_| anyhow!("{name}: the database returned {t:?}"))
        }))
        .transpose()
    };
    if let Some(&(factor, unit)) = CLV_FACTORS.iter().find(|(n, _)| *n == name) {
        return Ok(Row::plain(factor, double(cell(3))?, unit).labelled(&label));
    }
    let (name, kind, unit) = match Metric::from_name(&name) {
        Some(Metric::Clv) if formula => {
            return Ok(Row::plain("clv", None, Unit::Money).labelled(&label));
        }
        Some(metric) => (metric.name(), metric.info().kind, metric.unit()),
        None if name == "clv.aov" => ("clv.aov", Kind::Money, Unit::Money),
        None => bail!("the statement returned metric {name:?}"),
    };
    let row = match (cell(4), cell(5)) {
        (Some(n), Some(d)) => match kind {
            Kind::Money => Row::money_per(name, ALL, money(&n)?, count(&d)?),
            Kind::Ratio => Row::money_rate(name, ALL, money(&n)?, money(&d)?),
            _ => Row::rate(name, ALL, count(&n)?, Some(count(&d)?)),
        },
        _ => Row::unknown(name, ALL, unit),
    };
    Ok(row.labelled(&label))
}

/// The CLV formula's `clv` rows as a run over files works them out: the exact AOV of the
/// cell's `clv.aov` row × its `clv.frequency` × lifespan × margin (the statement's own product
/// may round its AOV differently).
fn formula_clv(rows: &mut [Row], (margin, lifespan): (f64, f64)) {
    use std::collections::HashMap;
    let cell = |r: &Row| (r.group.clone(), r.period.clone(), r.by.clone());
    // Each cell's (AOV, frequency), looked up by its group, period and by: one pass over the
    // rows, whatever the number of groups.
    let mut factors: HashMap<_, (Option<f64>, Option<f64>)> = HashMap::new();
    for r in rows.iter() {
        match r.metric {
            "clv.aov" => factors.entry(cell(r)).or_default().0 = r.value,
            "clv.frequency" => factors.entry(cell(r)).or_default().1 = r.value,
            _ => {}
        }
    }
    for row in rows.iter_mut().filter(|r| r.metric == "clv") {
        row.value = (factors.get(&cell(row)).copied())
            .and_then(|(aov, frequency)| aov.zip(frequency))
            .map(|(aov, frequency)| aov * frequency * lifespan * margin);
    }
}

/// What was measured: the orders table's lines, orders with a purchase line, customers and
/// the window.
fn summary(client: &mut Client, db: &Database, config: &Config) -> Result<Summary> {
    let sql = format!(
        "SELECT COUNT(*), COUNT(DISTINCT CASE WHEN amount > 0 THEN order_id END), \
         COUNT(DISTINCT customer_id), MIN(order_date), MAX(order_date) FROM {}",
        (db.orders).from(
            Dialect::Postgres,
            &["order_id", "customer_id", "order_date", "amount"]
        )
    );
    let rows = texts(client, &sql)?;
    let cells = rows.first().cloned().unwrap_or_default();
    let number = |i: usize| -> u64 {
        cells
            .get(i)
            .cloned()
            .flatten()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
    };
    let date = |i: usize| -> Option<NaiveDate> { cells.get(i).cloned().flatten()?.parse().ok() };
    let span = date(3).zip(date(4));
    let window = match config.settings.window.bounds(span) {
        Some((first, last)) => format!("{first} to {last}"),
        None => "empty".to_string(),
    };
    Ok(Summary {
        lines: number(0),
        orders: number(1),
        customers: number(2),
        files: vec![format!("{} at {}", db.orders.name(), shown(&db.url))],
        window,
        skipped: None,
        left_out: Vec::new(),
        notes: Vec::new(),
        remarks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::{formula_clv, shown};
    use crate::metrics::{Label, Row, Unit};

    #[test]
    fn each_cells_clv_is_its_own_aov_times_its_frequency_times_lifespan_and_margin() {
        let row = |metric, group: &str, period: Option<&str>, value| {
            let label = Label {
                period: period.map(String::from),
                by: "segment".into(),
                group: group.into(),
            };
            Row::plain(metric, value, Unit::Money).labelled(&label)
        };
        let mut rows = vec![
            row("clv", "a", None, None),
            row("clv", "b", None, None),
            row("clv", "a", Some("2025-01"), None),
            row("clv.frequency", "b", None, Some(2.0)),
            row("clv.aov", "a", None, Some(10.0)),
            row("clv.aov", "b", None, Some(4.0)),
            row("clv.frequency", "a", None, Some(3.0)),
            row("clv.aov", "a", Some("2025-01"), Some(8.0)),
        ];
        formula_clv(&mut rows, (0.5, 2.0));
        // a: 10 x 3 x 2 x 0.5 = 30; b: 4 x 2 x 2 x 0.5 = 8; a in 2025-01 has no frequency.
        let values: Vec<Option<f64>> = rows[..3].iter().map(|r| r.value).collect();
        assert_eq!(values, [Some(30.0), Some(8.0), None]);
    }

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(
            shown("postgresql://ana:s3cret@db.example:5432/shop"),
            "postgresql://ana@db.example:5432/shop"
        );
        assert_eq!(
            shown("postgresql://ana@db/shop"),
            "postgresql://ana@db/shop"
        );
        assert_eq!(shown("postgresql://db/shop"), "postgresql://db/shop");
        assert_eq!(
            shown("postgresql://db/shop?user=ana&password=s3cret&sslmode=disable"),
            "postgresql://db/shop?user=ana&password=***&sslmode=disable"
        );
        assert_eq!(
            shown("host=db user=ana PASSWORD='s 3cret' dbname=shop"),
            "host=db user=ana PASSWORD=*** dbname=shop"
        );
        assert_eq!(shown("host=db password=x"), "host=db password=***");
    }
}
