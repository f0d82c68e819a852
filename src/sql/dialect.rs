//! What differs between the SQL of the engines: type names, quoting, and the expressions of
//! periods. Everything else `xsell sql` prints is written once, in SQL that all of them read.

use crate::metrics::slice::PeriodKind;

/// An engine's SQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    #[value(name = "duckdb")]
    DuckDb,
    Postgres,
    Spark,
    /// Experimental: checked for its text only, never run here.
    #[value(name = "bigquery")]
    BigQuery,
    /// Experimental: checked for its text only, never run here.
    Snowflake,
}

use Dialect::*;
use PeriodKind::*;

impl Dialect {
    /// The type of text values.
    pub fn text(self) -> &'static str {
        match self {
            DuckDb | Snowflake => "VARCHAR",
            Postgres => "TEXT",
            Spark | BigQuery => "STRING",
        }
    }

    /// The type of 64-bit floating point values.
    pub fn double(self) -> &'static str {
        match self {
            DuckDb | Spark | Snowflake => "DOUBLE",
            Postgres => "DOUBLE PRECISION",
            BigQuery => "FLOAT64",
        }
    }

    /// A column name as written by the user (`--by column:NAME`), quoted.
    pub fn ident(self, name: &str) -> String {
        match self {
            DuckDb | Postgres | Snowflake => format!("\"{}\"", name.replace('"', "\"\"")),
            Spark => format!("`{}`", name.replace('`', "``")),
            // BigQuery escapes within quoted names as within strings: with a backslash.
            BigQuery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
        }
    }

    /// A string literal of `text`: its quotes doubled, or where a backslash escapes (Spark,
    /// BigQuery) its backslashes and quotes escaped.
    pub fn string(self, text: &str) -> String {
        match self {
            Spark | BigQuery => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
            DuckDb | Postgres | Snowflake => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// The first day of the period of `unit` that holds the date `d`; weeks start on Monday.
    pub fn period_start(self, unit: PeriodKind, d: &str) -> String {
        let name = match unit {
            Week => "week",
            Month => "month",
            Quarter => "quarter",
            Year => "year",
        };
        match (self, unit) {
            (DuckDb | Postgres | Spark, _) => format!("CAST(date_trunc('{name}', {d}) AS DATE)"),
            (BigQuery, Week) => format!("DATE_TRUNC({d}, ISOWEEK)"),
            (BigQuery, _) => format!("DATE_TRUNC({d}, {})", name.to_uppercase()),
            // Snowflake's weeks start on the day the session says: count back to Monday.
            (Snowflake, Week) => format!("DATEADD(day, 1 - DAYOFWEEKISO({d}), {d})"),
            (Snowflake, _) => format!("DATE_TRUNC('{name}', {d})"),
        }
    }

    /// The label of the period of `unit` that holds the date `d`, as xsell writes it: `2025-W07`
    /// (ISO week and its year), `2025-03`, `2025-Q1`, `2025`.
    pub fn period_label(self, unit: PeriodKind, d: &str) -> String {
        match (self, unit) {
            (DuckDb, Week) => format!(
                "CAST(isoyear({d}) AS VARCHAR) || '-W' || lpad(CAST(weekofyear({d}) AS VARCHAR), 2, '0')"
            ),
            (DuckDb, Month) => format!("strftime({d}, '%Y-%m')"),
            (DuckDb, Quarter) => {
                format!("strftime({d}, '%Y') || '-Q' || CAST(quarter({d}) AS VARCHAR)")
            }
            (DuckDb, Year) => format!("strftime({d}, '%Y')"),
            // An unquoted W would be the week of the month.
            (Postgres, Week) => format!("to_char({d}, 'IYYY-\"W\"IW')"),
            (Postgres, Month) => format!("to_char({d}, 'YYYY-MM')"),
            (Postgres, Quarter) => format!("to_char({d}, 'YYYY-\"Q\"Q')"),
            (Postgres, Year) => format!("to_char({d}, 'YYYY')"),
            // The ISO year is that of the week's Thursday (Spark's dayofweek: Sunday is 1).
            (Spark, Week) => format!(
                "concat(CAST(year(date_add({d}, 4 - ((dayofweek({d}) + 5) % 7 + 1))) AS STRING), '-W', \
                 lpad(CAST(weekofyear({d}) AS STRING), 2, '0'))"
            ),
            (Spark, Month) => format!("date_format({d}, 'yyyy-MM')"),
            (Spark, Quarter) => {
                format!("concat(date_format({d}, 'yyyy'), '-Q', CAST(quarter({d}) AS STRING))")
            }
            (Spark, Year) => format!("date_format({d}, 'yyyy')"),
            (BigQuery, Week) => format!("FORMAT_DATE('%G-W%V', {d})"),
            (BigQuery, Month) => format!("FORMAT_DATE('%Y-%m', {d})"),
            (BigQuery, Quarter) => format!("FORMAT_DATE('%Y-Q%Q', {d})"),
            (BigQuery, Year) => format!("FORMAT_DATE('%Y', {d})"),
            (Snowflake, Week) => {
                format!("YEAROFWEEKISO({d}) || '-W' || LPAD(WEEKISO({d}), 2, '0')")
            }
            (Snowflake, Month) => format!("TO_CHAR({d}, 'YYYY-MM')"),
            (Snowflake, Quarter) => format!("YEAR({d}) || '-Q' || QUARTER({d})"),
            (Snowflake, Year) => format!("TO_CHAR({d}, 'YYYY')"),
        }
    }

    /// The date `n` periods of `unit` after the first day of a period, `start` (before it when
    /// `n` is negative).
    pub fn add_periods(self, unit: PeriodKind, start: &str, n: i32) -> String {
        let (months, days) = match unit {
            Week => (0, 7 * n),
            Month => (n, 0),
            Quarter => (3 * n, 0),
            Year => (12 * n, 0),
        };
        match (self, days) {
            (DuckDb | Postgres, 0) => format!("CAST({start} + INTERVAL '{months} months' AS DATE)"),
            (DuckDb | Postgres, _) => format!("CAST({start} + INTERVAL '{days} days' AS DATE)"),
            (Spark, 0) => format!("add_months({start}, {months})"),
            (Spark, _) => format!("date_add({start}, {days})"),
            (BigQuery, 0) => format!("DATE_ADD({start}, INTERVAL {months} MONTH)"),
            (BigQuery, _) => format!("DATE_ADD({start}, INTERVAL {days} DAY)"),
            (Snowflake, 0) => format!("DATEADD(month, {months}, {start})"),
            (Snowflake, _) => format!("DATEADD(day, {days}, {start})"),
        }
    }

    /// The days from the date `a` to the date `b`: `b` − `a`.
    pub fn days_between(self, a: &str, b: &str) -> String {
        match self {
            DuckDb => format!("date_diff('day', {a}, {b})"),
            Postgres => format!("({b} - {a})"),
            Spark => format!("datediff({b}, {a})"),
            BigQuery => format!("DATE_DIFF({b}, {a}, DAY)"),
            Snowflake => format!("DATEDIFF(day, {a}, {b})"),
        }
    }

    /// The day after the date `d`.
    pub fn next_day(self, d: &str) -> String {
        match self {
            DuckDb | Postgres => format!("CAST({d} + INTERVAL '1 day' AS DATE)"),
            Spark => format!("date_add({d}, 1)"),
            BigQuery => format!("DATE_ADD({d}, INTERVAL 1 DAY)"),
            Snowflake => format!("DATEADD(day, 1, {d})"),
        }
    }

    /// A query of one column, `p`: the first day of every period of `unit` from the one that
    /// holds `lo` to the one that holds `hi`, columns of the one-row table `win`.
    pub fn periods(self, unit: PeriodKind, lo: &str, hi: &str) -> String {
        let start = self.period_start(unit, lo);
        let (months, days) = match unit {
            Week => (0, 7),
            Month => (1, 0),
            Quarter => (3, 0),
            Year => (12, 0),
        };
        let step = |months_word: &str, days_word: &str| match days {
            0 => format!("{months} {months_word}"),
            _ => format!("{days} {days_word}"),
        };
        match self {
            DuckDb => format!(
                "SELECT CAST(unnest(generate_series(CAST({start} AS TIMESTAMP), CAST({hi} AS TIMESTAMP), \
                 INTERVAL {})) AS DATE) AS p FROM win",
                step("MONTH", "DAY")
            ),
            Postgres => format!(
                "SELECT CAST(g AS DATE) AS p FROM win, generate_series(CAST({start} AS TIMESTAMP), \
                 CAST({hi} AS TIMESTAMP), INTERVAL '{}') AS g",
                step("months", "days")
            ),
            Spark => format!(
                "SELECT explode(sequence({start}, {hi}, INTERVAL {})) AS p FROM win",
                step("MONTHS", "DAYS")
            ),
            BigQuery => format!(
                "SELECT p FROM win, UNNEST(GENERATE_DATE_ARRAY({start}, {hi}, INTERVAL {})) AS p",
                step("MONTH", "DAY")
            ),
            // No series function: numbers from a generator, each a step from the first period;
            // 100,000 of them cover every window of dates from year 1 to 9999 in weeks.
            Snowflake => {
                let add = match days {
                    0 => format!("DATEADD(month, {months} * n, {start})"),
                    _ => format!("DATEADD(day, {days} * n, {start})"),
                };
                format!(
                    "SELECT {add} AS p FROM win, (SELECT ROW_NUMBER() OVER (ORDER BY SEQ4()) - 1 AS n \
                     FROM TABLE(GENERATOR(ROWCOUNT => 100000))) AS numbers WHERE {add} <= {hi}"
                )
            }
        }
    }
}
