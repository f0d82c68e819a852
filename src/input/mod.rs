//! Input: CSV files (and workbooks' sheets, as CSV text) → typed records. Errors name the file,
//! line, column, value and what was expected.

mod ahead;
mod at;
pub mod book;
pub mod campaigns;
mod customer_ids;
pub mod customers;
pub mod date;
mod decode;
pub(crate) mod expr;
mod header;
mod intern;
pub mod orders;
mod parquet;
mod records;
mod scan;
mod table;
mod typed;
mod workbook;
pub mod years;

use std::fmt;
use std::path::PathBuf;

pub use book::Book;
pub use campaigns::{Campaign, Campaigns};
pub use customers::Customers;
pub use header::ColumnMap;
pub(crate) use header::normalize;
pub use orders::{Line, OrderColumns};
#[doc(hidden)]
pub use records::split_all;
pub use table::Invisible;
pub(crate) use table::Spec;

/// Where records come from: a file, or standard input (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
    /// Bytes already in memory, under a name for messages (tests, fuzzing, embedding).
    Bytes(String, std::sync::Arc<[u8]>),
}

impl Source {
    pub fn new(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(arg))
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("<stdin>"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Bytes(name, _) => f.write_str(name),
        }
    }
}

/// Whether `a` and `b` are one file (the same device and inode, through links and other names).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    file_key(a).is_some_and(|k| Some(k) == file_key(b))
}

/// What tells a file from every other one: its device and inode (its canonical path where
/// there are none); `None` when it cannot be read.
pub fn file_key(path: &std::path::Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(format!("{}:{}", meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let path = std::fs::canonicalize(path).ok()?;
        Some(path.to_string_lossy().into_owned())
    }
}

/// How to read every input file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub delimiter: u8,
    /// The delimiter was given (`--delimiter`, a preset): it wins over a file's `sep=` line.
    pub delimiter_given: bool,
    /// Header names of the orders' columns (`--map`), of campaigns.csv's (`--campaigns-map`)
    /// and of customers.csv's (`--customers-map`).
    pub map: ColumnMap,
    pub campaigns_map: ColumnMap,
    pub customers_map: ColumnMap,
    /// A further orders column to read into [`Line::extra`] (`--by column:NAME`).
    pub extra_column: Option<String>,
    pub encoding: Encoding,
    pub dates: date::DateFormat,
    pub money: crate::money::MoneyFormat,
    /// What to do with rows that cannot be read.
    pub invalid: Invalid,
    /// Drop order lines identical to an earlier one (`--dedupe`), instead of counting them.
    pub dedupe: bool,
    /// Orders columns whose empty cells take the value of the order's previous line
    /// (`--fill-down`).
    pub fill_down: Vec<String>,
    /// What an order line without a customer id means (`--guests`), and the placeholder ids
    /// that count as none (`--guest-id`).
    pub guests: Guests,
    pub guest_ids: Vec<String>,
    /// Conditions an order row must meet to be read at all (`--where`).
    pub filters: Vec<Filter>,
    /// What a preset gave, so that a message about it can say so.
    pub preset: Option<PresetOrigin>,
    /// The sheet to read of a workbook given as orders (`--sheet`), as campaigns
    /// (`--campaigns-sheet`) or as customers (`--customers-sheet`); the first when `None`.
    pub sheet: Option<String>,
    pub campaigns_sheet: Option<String>,
    pub customers_sheet: Option<String>,
}

/// The `--derive` columns and `--where` conditions that came from a preset, by its name (or
/// file): the derived canonical columns, and how many of the first conditions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresetOrigin {
    pub name: String,
    pub derived: Vec<String>,
    pub filters: usize,
}

impl PresetOrigin {
    /// ` (from --preset NAME)` when the preset gave the derived column `canonical` or the
    /// condition at `filter`; empty otherwise.
    pub fn note(
        origin: &Option<PresetOrigin>,
        canonical: Option<&str>,
        filter: Option<usize>,
    ) -> String {
        match origin {
            Some(p)
                if canonical.is_some_and(|c| p.derived.iter().any(|d| d == c))
                    || filter.is_some_and(|n| n < p.filters) =>
            {
                format!(" (from {})", p.name)
            }
            _ => String::new(),
        }
    }
}

/// A `--where` condition, and the name under which the rows it leaves out are counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub label: String,
    pub condition: String,
}

impl Filter {
    /// The label of rows left out by `--where` without one.
    pub const FILTERED: &'static str = "filtered";

    /// `[label:] condition`: a label is a lowercase word (hyphens allowed) before a colon.
    pub fn parse(text: &str) -> Filter {
        let labelled = text.split_once(':').filter(|(label, _)| {
            label.starts_with(|c: char| c.is_ascii_lowercase())
                && (label.bytes())
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
        match labelled {
            Some((label, condition)) => Filter {
                label: label.to_string(),
                condition: condition.trim().to_string(),
            },
            None => Filter {
                label: Filter::FILTERED.to_string(),
                condition: text.trim().to_string(),
            },
        }
    }
}

impl ReadOptions {
    /// The reasons order rows are left out for, in the order they are counted and shown: each
    /// `--where` label, then guests (`--guests skip`).
    pub fn left_out_reasons(&self) -> Vec<String> {
        let mut reasons: Vec<String> = Vec::new();
        for filter in &self.filters {
            if !reasons.contains(&filter.label) {
                reasons.push(filter.label.clone());
            }
        }
        if self.guests == Guests::Skip {
            reasons.push(Guests::LABEL.to_string());
        }
        reasons
    }
}

/// What an order line without a customer id (a guest checkout, a walk-in) means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Guests {
    /// An error that names `--guests`.
    #[default]
    Error,
    /// Each guest order is a one-time customer of its own.
    Order,
    /// Guest lines are left out, and counted.
    Skip,
}

impl Guests {
    /// The label of the rows `--guests skip` leaves out.
    pub const LABEL: &'static str = "guest";
}

/// The text encoding of every input file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO 8859-1: every byte is the character of that code.
    Latin1,
    /// Windows-1252: Latin-1 with printable characters (€, “, ”, …) at 0x80-0x9F.
    Windows1252,
}

/// What to do with a row that cannot be read: stop (the default), or skip and count it, within
/// a limit.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Invalid {
    pub skip: bool,
    pub max: Option<Limit>,
}

/// How many skipped rows are too many.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    Rows(u64),
    /// A percentage of the rows read.
    Percent(f64),
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: b',',
            delimiter_given: false,
            map: ColumnMap::default(),
            campaigns_map: ColumnMap::default(),
            customers_map: ColumnMap::default(),
            extra_column: None,
            encoding: Encoding::Utf8,
            dates: date::DateFormat::default(),
            money: crate::money::MoneyFormat::default(),
            invalid: Invalid::default(),
            dedupe: false,
            fill_down: Vec::new(),
            guests: Guests::Error,
            guest_ids: Vec::new(),
            filters: Vec::new(),
            preset: None,
            sheet: None,
            campaigns_sheet: None,
            customers_sheet: None,
        }
    }
}

/// A row that cannot be read as a whole: wrong number of fields, or at odds with an earlier row.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// A value as quoted in a message: cut after 80 characters.
/// A value echoed in a message, quoted with its control characters escaped: cut after 80
/// characters, with its length then given.
pub fn echo(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((cut, _)) => format!(
            "{:?}… ({} characters)",
            &value[..cut],
            value.chars().count()
        ),
        None => format!("{value:?}"),
    }
}

/// A value given on the command line to match cells (`pairs --for`), cleaned as cells are
/// (white space trimmed, invisible characters removed); the control character it holds, if any.
pub fn as_cell(text: &str) -> Result<String, char> {
    Ok(table::clean(text)?.map_or_else(|| text.to_string(), |(text, _)| text))
}

/// Whether an error is about one row (which `--skip-invalid` may skip) rather than a whole file.
pub fn is_row_error(err: &anyhow::Error) -> bool {
    err.downcast_ref::<FieldError>().is_some() || err.downcast_ref::<RowError>().is_some()
}

/// A cell that does not hold what its column needs.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: column {column}: {} is not valid; expected {expected}", echo(.value))]
pub struct FieldError {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub expected: String,
}

/// `read()`, or the message of its panic, which the panic hook does not print. A third-party
/// reader may panic on a damaged file (calamine's .xls reader on an index past the end of a
/// sector; the parquet crate on a dictionary-encoded page without its dictionary): such a file
/// gets an error that names it, as any other unreadable file, rather than a crash. (A damaged size that
/// asks for more memory than there is still aborts: no Rust code can catch that.)
pub(crate) fn quiet_unwind<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    use std::cell::Cell;
    use std::panic;
    thread_local! {
        /// Whether this thread is in `quiet_unwind`.
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(panic::AssertUnwindSafe(read));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}
