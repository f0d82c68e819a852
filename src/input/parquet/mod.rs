//! Parquet files read directly, with the arrow-rs `parquet` crate (without Arrow): a file that
//! starts with `PAR1` is one, whatever its name. Its top-level columns are the header. The
//! columns xsell reads, and only those, are decoded a row group at a time, a slice of rows at a
//! time ([`Rows`]), into the records a CSV file's rows are read into: each typed value as the
//! text a CSV export holds ([`crate::input::typed`]'s forms). So every option, check and
//! message of the CSV path holds for Parquet too, and memory stays bounded by a slice (and a
//! page of each column read). The crate reads the footer and the pages (decompressed); the
//! values of the common encodings are decoded here ([`pages`]), a dictionary's entries written
//! as text once; the crate's column readers decode the others.
//!
//! Types, as [`kind`] reads them: strings (String, Enum, JSON) as they are; integers of every
//! width, signed or not; DECIMAL (on INT32, INT64 or bytes) exactly, with its scale's digits;
//! DATE; TIMESTAMP (milli-, micro-, nanoseconds; the date and time as stored, which is UTC for
//! a timestamp adjusted to UTC) and the legacy INT96 timestamps of Spark and Impala; BOOLEAN;
//! FLOAT and DOUBLE in their shortest round-trip form, which the money reader then holds to the
//! rules of a CSV cell (`--round-amounts`); UUID. A null is an empty cell. A nested column
//! (list, map, struct), TIME, INTERVAL and FLOAT16 columns are refused by name when they are
//! read, and pass unread otherwise.
//!
//! Line numbers: the header is line 1 and row N of the file line N + 1, as in a CSV export of
//! it.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use bytes::Bytes;

use super::at::At;
use super::typed::Form;
use parquet::basic::{Compression, ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::file::reader::{ChunkReader, FileReader, Length};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::ColumnDescriptor;

pub(crate) use decode::Cells;
pub(crate) use rows::Rows;

mod decode;
mod pages;
mod rle;
mod rows;
#[cfg(test)]
mod tests;
mod write;

/// The magic bytes a Parquet file starts (and ends) with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";

/// A Parquet file, open: its footer read, its top-level columns named.
pub(crate) struct Parquet {
    reader: Arc<SerializedFileReader<Chunks>>,
    /// The top-level columns' names, as the header.
    names: Vec<String>,
    /// For each top-level column, how to write it: its leaf column and kind, or why it cannot
    /// be read.
    columns: Vec<Result<(usize, Kind), String>>,
}

impl Parquet {
    /// Reads the footer of `chunks`, a file that starts with [`MAGIC`]; the message to show
    /// after the file's name when it cannot be read.
    pub fn open(chunks: Chunks) -> Result<Parquet, String> {
        let reader = super::quiet_unwind(|| SerializedFileReader::new(chunks))
            .map_err(|panic| damaged(&format_args!("the parquet crate failed: {panic}")))?
            .map_err(|e| damaged(&e))?;
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let fields = schema.root_schema().get_fields();
        let mut columns: Vec<Result<(usize, Kind), String>> = (fields.iter())
            .map(|_| Err("is a nested column (a list, map or struct)".to_string()))
            .collect();
        for (leaf, descr) in schema.columns().iter().enumerate() {
            let top = schema.get_column_root_idx(leaf);
            if fields[top].is_primitive() && descr.max_rep_level() == 0 {
                columns[top] = kind(descr).map(|kind| (leaf, kind));
            }
        }
        let names = fields.iter().map(|f| f.name().to_string()).collect();
        Ok(Parquet {
            reader: Arc::new(reader),
            names,
            columns,
        })
    }

    /// The top-level columns' names, in the file's order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The rows, the columns at `read` written (every other cell left empty) in the forms `form`
    /// gives, decoded on a thread of their own if `ahead`; the column that cannot be read, if one
    /// of them is such, in a message to show after the file's name.
    pub fn rows(&self, read: &[usize], form: Form, ahead: bool) -> Result<Rows, String> {
        let mut leaves = vec![None; self.names.len()];
        for &i in read {
            match &self.columns[i] {
                Ok(column) => leaves[i] = Some(*column),
                Err(what) => {
                    return Err(format!(
                        "column {:?} {what}, which xsell does not read; write it as a plain \
                         column (text, a number, a date or a timestamp)",
                        self.names[i]
                    ));
                }
            }
        }
        // Codecs this build reads: what Spark, DuckDB, pyarrow and Polars write by default.
        let metadata = self.reader.metadata();
        for group in metadata.row_groups() {
            for &(leaf, _) in leaves.iter().flatten() {
                let codec = match group.column(leaf).compression() {
                    Compression::UNCOMPRESSED
                    | Compression::SNAPPY
                    | Compression::GZIP(_)
                    | Compression::ZSTD(_) => continue,
                    Compression::LZ4 | Compression::LZ4_RAW => "LZ4",
                    Compression::BROTLI(_) => "Brotli",
                    Compression::LZO => "LZO",
                };
                return Err(format!(
                    "column {:?} is compressed with {codec}, which xsell does not read (it \
                     reads snappy, zstd, gzip and uncompressed files); write the file again with \
                     one of those, e.g. DuckDB's COPY ... (FORMAT parquet, COMPRESSION zstd)",
                    group.column(leaf).column_path().string()
                ));
            }
        }
        let decoder = decode::Decoder::new(Arc::clone(&self.reader), leaves, form);
        Ok(Rows::new(decoder, ahead))
    }
}

/// The delimiter a Parquet file's rows are said to have (in messages, and in joining a row's
/// cells to find repeated rows).
pub(crate) const DELIMITER: u8 = b',';

/// What a column's values are, as far as writing them goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Text, or bytes written as they are.
    Text,
    Bool,
    Int,
    /// An unsigned integer, stored in an INT32 or INT64 as its bits.
    Unsigned,
    /// A decimal of this scale, stored as its unscaled integer.
    Decimal(i32),
    /// Days since 1970-01-01.
    Date,
    /// A timestamp in units of which a second holds this many.
    Stamp(i64),
    /// Spark's and Impala's legacy 96-bit timestamps.
    Int96,
    Float,
    Double,
    Uuid,
}

/// How the values of the leaf column `descr` are written; why they cannot be, for one whose
/// type xsell does not read.
fn kind(descr: &ColumnDescriptor) -> Result<Kind, String> {
    let physical = descr.physical_type();
    let per_second = |unit: &TimeUnit| match unit {
        TimeUnit::MILLIS => 1_000,
        TimeUnit::MICROS => 1_000_000,
        TimeUnit::NANOS => 1_000_000_000,
    };
    let kind = match descr.logical_type_ref() {
        // Wider than 38 digits is no amount: refused rather than written out in full.
        Some(LogicalType::Decimal(d)) if !(0..=38).contains(&d.scale) => {
            return Err(format!("holds decimals of scale {}", d.scale));
        }
        Some(LogicalType::Decimal(d)) => Kind::Decimal(d.scale),
        Some(LogicalType::Date) => Kind::Date,
        Some(LogicalType::Timestamp(t)) => Kind::Stamp(per_second(&t.unit)),
        Some(LogicalType::Integer(i)) if !i.is_signed => Kind::Unsigned,
        Some(LogicalType::Integer(_)) => Kind::Int,
        Some(LogicalType::String | LogicalType::Enum | LogicalType::Json) => Kind::Text,
        Some(LogicalType::Uuid) => Kind::Uuid,
        Some(other) => return Err(format!("holds {other:?} values")),
        None => match descr.converted_type() {
            ConvertedType::DECIMAL if !(0..=38).contains(&descr.type_scale()) => {
                return Err(format!("holds decimals of scale {}", descr.type_scale()));
            }
            ConvertedType::DECIMAL => Kind::Decimal(descr.type_scale()),
            ConvertedType::DATE => Kind::Date,
            ConvertedType::TIMESTAMP_MILLIS => Kind::Stamp(1_000),
            ConvertedType::TIMESTAMP_MICROS => Kind::Stamp(1_000_000),
            ConvertedType::UINT_8
            | ConvertedType::UINT_16
            | ConvertedType::UINT_32
            | ConvertedType::UINT_64 => Kind::Unsigned,
            ConvertedType::NONE
            | ConvertedType::UTF8
            | ConvertedType::ENUM
            | ConvertedType::JSON
            | ConvertedType::INT_8
            | ConvertedType::INT_16
            | ConvertedType::INT_32
            | ConvertedType::INT_64 => match physical {
                Physical::BOOLEAN => Kind::Bool,
                Physical::INT32 | Physical::INT64 => Kind::Int,
                Physical::INT96 => Kind::Int96,
                Physical::FLOAT => Kind::Float,
                Physical::DOUBLE => Kind::Double,
                Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY => Kind::Text,
            },
            other => return Err(format!("holds {other} values")),
        },
    };
    // The kinds each physical type may hold; a file that says otherwise is refused.
    let fits = match kind {
        Kind::Decimal(_) => physical != Physical::BOOLEAN && physical != Physical::INT96,
        Kind::Date => physical == Physical::INT32,
        Kind::Stamp(_) => physical == Physical::INT64,
        Kind::Int | Kind::Unsigned => matches!(physical, Physical::INT32 | Physical::INT64),
        Kind::Uuid => physical == Physical::FIXED_LEN_BYTE_ARRAY && descr.type_length() == 16,
        Kind::Text => {
            matches!(
                physical,
                Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY
            )
        }
        _ => true,
    };
    match fits {
        true => Ok(kind),
        false => Err(format!("holds {kind:?} values stored as {physical}")),
    }
}

/// The message for a file that starts as Parquet but whose footer cannot be read.
fn damaged(e: &dyn std::fmt::Display) -> String {
    format!(
        "the file starts as a Parquet file but cannot be read as one ({e}); it may be cut short \
         or damaged: copy or write it again"
    )
}

/// Where a Parquet file's bytes are: an open file, read where they lie (`pread`), so that
/// several readers share it without a shared position; or memory (standard input, read
/// whole, since a Parquet file is read from its end).
pub(crate) enum Chunks {
    File(Arc<File>, u64),
    Memory(Bytes),
}

impl Chunks {
    /// The chunks of `file`, open, when it is a Parquet file.
    pub fn of_file(file: &Arc<File>) -> io::Result<Option<Chunks>> {
        let mut start = [0; 4];
        let size = file.metadata()?.len();
        let n = file.read_at(&mut start, 0)?;
        Ok((n == 4 && &start == MAGIC).then(|| Chunks::File(Arc::clone(file), size)))
    }
}

impl Length for Chunks {
    fn len(&self) -> u64 {
        match self {
            Chunks::File(_, size) => *size,
            Chunks::Memory(bytes) => bytes.len() as u64,
        }
    }
}

/// Bytes read at once where the crate reads a page's header: more than most headers take.
const HEADER: usize = 1024;

impl ChunkReader for Chunks {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        match self {
            // The crate reads a page's header through this, a byte at a time: one read of
            // [`HEADER`] bytes serves it, not a call to the system for each byte.
            Chunks::File(file, size) => Ok(Box::new(BufReader::with_capacity(
                HEADER,
                At {
                    file: Arc::clone(file),
                    at: start,
                    end: *size,
                },
            ))),
            Chunks::Memory(bytes) => Ok(Box::new(bytes.get_read(start)?)),
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            Chunks::File(file, _) => {
                let mut buf = vec![0; length];
                file.read_exact_at(&mut buf, start).map_err(|e| {
                    parquet::errors::ParquetError::EOF(format!("{length} bytes at {start}: {e}"))
                })?;
                Ok(buf.into())
            }
            Chunks::Memory(bytes) => bytes.get_bytes(start, length),
        }
    }
}
