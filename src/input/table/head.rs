//! A file's header row, after Excel's `sep=` line if it has one.

use anyhow::{Result, bail};

use super::fault;
use crate::input::ReadOptions;
use crate::input::header::excel_separator;
use crate::input::records::{Record, Records};

/// The header row as read, its names, and the delimiter of the rows after it.
pub(super) struct Head {
    pub record: Record,
    pub names: Vec<String>,
    pub delimiter: u8,
    /// The delimiter a first line `sep=;` named, when it was taken.
    sep_line: Option<u8>,
}

impl Head {
    /// Reads the header row of `name` (a `kind` file, for messages) from `records`. Excel's
    /// `sep=;` first line names the delimiter unless `--delimiter` gives one; the header follows.
    pub fn read(records: &mut Records, opts: &ReadOptions, name: &str, kind: &str) -> Result<Head> {
        let mut record = Record::default();
        let read = |records: &mut Records, record: &mut Record| {
            records
                .read(record)
                .map_err(|f| fault(name, f, "cannot read the header row"))
        };
        let mut found = read(records, &mut record)?;
        let (mut delimiter, mut sep_line) = (opts.delimiter, None);
        if found && let Some(named) = excel_separator(&record, delimiter) {
            if !opts.delimiter_given {
                (delimiter, sep_line) = (named, Some(named));
                records.set_delimiter(named);
            }
            found = read(records, &mut record)?;
        }
        if !found || (record.len() == 1 && record.iter().all(|h| h.trim_ascii().is_empty())) {
            bail!("{name}: the file is empty; expected a header row naming the {kind} columns");
        }
        // The reader drops a byte-order mark; a file saved twice with one has a second.
        let names = (record.iter().enumerate())
            .map(|(i, h)| {
                let h = match h.strip_prefix(b"\xEF\xBB\xBF") {
                    Some(rest) if i == 0 => rest,
                    _ => h,
                };
                String::from_utf8_lossy(h.trim_ascii()).into_owned()
            })
            .collect();
        Ok(Head {
            record,
            names,
            delimiter,
            sep_line,
        })
    }

    /// The header of a file whose column names come from elsewhere than a first row (a
    /// Parquet file's schema), whose rows are separated by `delimiter`.
    pub fn of_names(names: Vec<String>, delimiter: u8) -> Head {
        Head {
            record: Record::default(),
            names,
            delimiter,
            sep_line: None,
        }
    }

    /// `e`, about the header's columns, saying that a `sep=` line chose the delimiter.
    pub fn with_sep_line(&self, e: anyhow::Error) -> anyhow::Error {
        match self.sep_line {
            Some(named) => anyhow::anyhow!(
                "{e}; the file's first line, sep={}, names {:?} as the delimiter: if that is \
                 wrong, give --delimiter (which wins over it) or delete the line",
                char::from(named),
                char::from(named)
            ),
            None => e,
        }
    }
}
