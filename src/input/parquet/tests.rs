//! The page reader ([`super::pages`]) on pages built by hand, and on files that the parquet
//! crate writes in every layout it has (data pages v1 and v2, dictionaries on and off and
//! given up halfway, other encodings, small pages, nulls, every physical type), against the
//! crate's own column readers.

use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Encoding;
use parquet::column::page::{Page, PageMetadata, PageReader};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DoubleType, FixedLenByteArray, FixedLenByteArrayType,
    FloatType, Int32Type, Int64Type, Int96, Int96Type,
};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use super::decode::{Cells, Decoder, Slice};
use super::pages::{Pages, Read};
use super::write::Writer;
use super::{Chunks, DELIMITER, Kind, Parquet};
use crate::input::table::{needs_a_look, spaced};
use crate::input::typed;

const ISO: typed::Form = typed::Form {
    delimiter: DELIMITER,
    dates: None,
    decimal_comma: false,
};

/// Pages handed out in turn.
struct Handed(std::vec::IntoIter<Page>);

impl Iterator for Handed {
    type Item = parquet::errors::Result<Page>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(Ok)
    }
}

impl PageReader for Handed {
    fn get_next_page(&mut self) -> parquet::errors::Result<Option<Page>> {
        Ok(self.0.next())
    }
    fn peek_next_page(&mut self) -> parquet::errors::Result<Option<PageMetadata>> {
        unimplemented!()
    }
    fn skip_next_page(&mut self) -> parquet::errors::Result<()> {
        unimplemented!()
    }
}

/// A bit-packed run of `values`, `width` bits each, padded to whole groups of 8.
fn packed(values: &[u32], width: usize) -> Vec<u8> {
    let groups = values.len().div_ceil(8);
    let mut out = vec![(groups << 1 | 1) as u8];
    let mut bytes = vec![0u8; groups * width];
    for (i, v) in values.iter().enumerate() {
        for b in 0..width {
            if v >> b & 1 == 1 {
                let bit = i * width + b;
                bytes[bit / 8] |= 1 << (bit % 8);
            }
        }
    }
    out.extend(bytes);
    out
}

/// PLAIN byte arrays: each after its length.
fn strings(values: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        out.extend((v.len() as u32).to_le_bytes());
        out.extend(v.as_bytes());
    }
    out
}

/// The cells of `cells` as text.
fn texts(cells: &Cells) -> Vec<String> {
    (0..cells.rows())
        .map(|r| String::from_utf8(cells.get(r).to_vec()).unwrap())
        .collect()
}

fn page_v1(buf: Vec<u8>, rows: u32, encoding: Encoding) -> Page {
    Page::DataPage {
        buf: Bytes::from(buf),
        num_values: rows,
        encoding,
        def_level_encoding: Encoding::RLE,
        rep_level_encoding: Encoding::RLE,
        statistics: None,
    }
}

#[test]
fn dictionary_pages_are_written_once_and_copied_for_each_row() {
    // 11 rows, nulls at 2, 5 and 6: levels 1,1,0,1,1,0,0,1,1,1,1 bit-packed (two groups, the
    // second cut at 3 of 8), then 8 indices of width 2: an RLE run of 1 × 3 and a bit-packed
    // run of 5 (one group, 3 of padding).
    let dictionary = Page::DictionaryPage {
        buf: Bytes::from(strings(&["P1", "Mug, large", "", "x"])),
        num_values: 4,
        encoding: Encoding::PLAIN,
        is_sorted: false,
    };
    let levels = packed(&[1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1], 1);
    let mut buf = (levels.len() as u32).to_le_bytes().to_vec();
    buf.extend(&levels);
    buf.extend([2, 3 << 1, 1]);
    buf.extend(packed(&[0, 3, 2, 1, 0], 2));
    let pages = vec![dictionary, page_v1(buf, 11, Encoding::RLE_DICTIONARY)];
    let mut pages = Pages::new(Box::new(Handed(pages.into_iter())), PHYS_BYTES, 0, 1);
    let (mut cells, mut plain) = (Cells::default(), vec![true; 11]);
    let mut writer = Writer::new(Kind::Text);
    // In three calls, which resume inside the runs.
    for n in [4, 4, 3] {
        let read = pages.read(n, &mut cells, &mut plain, &mut writer, &ISO);
        assert_eq!(read, Ok(Read::All));
    }
    let want = [
        "Mug, large",
        "Mug, large",
        "",
        "Mug, large",
        "P1",
        "",
        "",
        "x",
        "",
        "Mug, large",
        "P1",
    ];
    assert_eq!(texts(&cells), want);
    let delimited: Vec<bool> = want.iter().map(|c| !c.contains(',')).collect();
    assert_eq!(plain, delimited);
    assert_eq!(pages.rows(), 11);
    // Each row's cell is its entry (indices 1, 1, null, 1, 0, null, null, 3, 2, 1, 0), one
    // dictionary's: a null is none.
    let entries: Vec<Option<usize>> = (0..11).map(|r| cells.entry(r).map(|e| e.1)).collect();
    let n = None;
    let want = [
        Some(1),
        Some(1),
        n,
        Some(1),
        Some(0),
        n,
        n,
        Some(3),
        Some(2),
        Some(1),
        Some(0),
    ];
    assert_eq!(entries, want);
    let dictionaries: Vec<u64> = (0..11)
        .filter_map(|r| cells.entry(r))
        .map(|e| e.0)
        .collect();
    assert!(dictionaries.iter().all(|&d| d == dictionaries[0]));
    // A twelfth row is not there.
    let read = pages.read(1, &mut cells, &mut [true; 12], &mut writer, &ISO);
    assert!(
        read.unwrap_err()
            .contains("ends 1 rows before its row group does")
    );
}

const PHYS_BYTES: parquet::basic::Type = parquet::basic::Type::BYTE_ARRAY;

#[test]
fn plain_pages_of_both_versions_and_other_encodings_left_to_the_crate() {
    // A required DATE column: a v1 page of 2 days, a v2 page of 1, then a page in
    // DELTA_BINARY_PACKED, which the reader leaves unread.
    let days = |d: &[i32]| d.iter().flat_map(|d| d.to_le_bytes()).collect::<Vec<u8>>();
    let v2 = Page::DataPageV2 {
        buf: Bytes::from(days(&[-1])),
        num_values: 1,
        encoding: Encoding::PLAIN,
        num_nulls: 0,
        num_rows: 1,
        def_levels_byte_len: 0,
        rep_levels_byte_len: 0,
        is_compressed: false,
        statistics: None,
    };
    let pages = vec![
        page_v1(days(&[19_787, 0]), 2, Encoding::PLAIN),
        v2,
        page_v1(vec![0; 8], 4, Encoding::DELTA_BINARY_PACKED),
    ];
    let int32 = parquet::basic::Type::INT32;
    let mut pages = Pages::new(Box::new(Handed(pages.into_iter())), int32, 0, 0);
    let (mut cells, mut plain) = (Cells::default(), vec![true; 7]);
    let mut writer = Writer::new(Kind::Date);
    let read = pages.read(7, &mut cells, &mut plain, &mut writer, &ISO);
    assert_eq!(read, Ok(Read::Unhandled(3)));
    assert_eq!(texts(&cells), ["2024-03-05", "1970-01-01", "1969-12-31"]);
    assert_eq!(pages.rows(), 3);

    // Optional booleans in a v2 page: levels (RLE: 0 × 2, then 1 × 3) before the values, bit
    // by bit from the lowest: true, false, true.
    let mut buf = vec![2 << 1, 0, 3 << 1, 1];
    buf.push(0b101);
    let v2 = Page::DataPageV2 {
        buf: Bytes::from(buf),
        num_values: 5,
        encoding: Encoding::PLAIN,
        num_nulls: 2,
        num_rows: 5,
        def_levels_byte_len: 4,
        rep_levels_byte_len: 0,
        is_compressed: false,
        statistics: None,
    };
    let boolean = parquet::basic::Type::BOOLEAN;
    let mut pages = Pages::new(Box::new(Handed(vec![v2].into_iter())), boolean, 0, 1);
    let (mut cells, mut plain) = (Cells::default(), vec![true; 5]);
    let mut writer = Writer::new(Kind::Bool);
    let read = pages.read(5, &mut cells, &mut plain, &mut writer, &ISO);
    assert_eq!(read, Ok(Read::All));
    assert_eq!(texts(&cells), ["", "", "true", "false", "true"]);
}

#[test]
fn damaged_pages_are_errors() {
    // Indices past the dictionary's end; indices before any dictionary.
    let dictionary = Page::DictionaryPage {
        buf: Bytes::from(strings(&["a"])),
        num_values: 1,
        encoding: Encoding::PLAIN,
        is_sorted: false,
    };
    let indices = || page_v1(vec![1, 2 << 1, 1], 2, Encoding::RLE_DICTIONARY);
    let read = |pages: Vec<Page>| {
        let mut pages = Pages::new(Box::new(Handed(pages.into_iter())), PHYS_BYTES, 0, 0);
        let mut cells = Cells::default();
        let mut writer = Writer::new(Kind::Text);
        pages.read(2, &mut cells, &mut [true; 2], &mut writer, &ISO)
    };
    assert!(
        read(vec![dictionary, indices()])
            .unwrap_err()
            .contains("past the dictionary's end")
    );
    assert!(
        read(vec![indices()])
            .unwrap_err()
            .contains("without its dictionary")
    );
    // A string longer than the page.
    let mut buf = strings(&["abc"]);
    buf.truncate(5);
    let short = page_v1(buf, 1, Encoding::PLAIN);
    assert!(
        read(vec![short])
            .unwrap_err()
            .contains("end before its rows do")
    );
}

/// The schema of [`file`]: every physical type, most of them optional.
const SCHEMA: &str = "message m {
    optional binary s (UTF8);
    required int32 d (DATE);
    optional int64 amt (DECIMAL(12,2));
    optional int32 q;
    optional boolean b;
    optional double x;
    optional float f;
    optional int96 t;
    optional fixed_len_byte_array(16) u (UUID);
    optional fixed_len_byte_array(9) w (DECIMAL(20,2));
    optional int64 ts (TIMESTAMP_MICROS);
    required binary id (UTF8);
    optional int32 dec32 (DECIMAL(9,2));
}";

/// A file of `rows` rows written by the crate with `props`, in row groups of 600; a null in
/// every 7th row of an optional column (at different rows in each), and `bad_date` at row 900
/// when given.
fn file(rows: usize, props: WriterProperties, bad_date: Option<i32>) -> Vec<u8> {
    let schema = Arc::new(parse_message_type(SCHEMA).unwrap());
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props)).unwrap();
    // One word longer than the entries the join makes room for without counting them.
    let long = "a product name of more than thirty-two bytes";
    let words = [
        "P1",
        "Mug, large",
        "",
        "ünï",
        "a\"b",
        "x y",
        "P22",
        "Q",
        long,
    ];
    let mut start = 0;
    while start < rows {
        let range = start..rows.min(start + 600);
        let mut group = writer.next_row_group().unwrap();
        let mut c = 0;
        while let Some(mut column) = group.next_column().unwrap() {
            // Rows present in this column, and their definition levels.
            let present: Vec<usize> = range.clone().filter(|r| (r + c) % 7 != 0).collect();
            let defs: Vec<i16> = range.clone().map(|r| i16::from((r + c) % 7 != 0)).collect();
            let (all, defs) = match c {
                1 | 11 => (range.clone().collect::<Vec<usize>>(), None),
                _ => (present, Some(defs.as_slice())),
            };
            let n = |r: &usize| (r * 2_654_435_761) % 1_000;
            match c {
                0 => write::<ByteArrayType>(
                    &mut column,
                    all.iter().map(|r| words[n(r) % 8].into()),
                    defs,
                ),
                1 => write::<Int32Type>(
                    &mut column,
                    all.iter().map(|&r| match (r, bad_date) {
                        (900, Some(bad)) => bad,
                        _ => 19_000 + (n(&r) % 400) as i32 - 100,
                    }),
                    defs,
                ),
                2 => {
                    write::<Int64Type>(&mut column, all.iter().map(|r| n(r) as i64 * 7 - 500), defs)
                }
                3 => write::<Int32Type>(&mut column, all.iter().map(|r| (n(r) % 5) as i32), defs),
                4 => write::<BoolType>(&mut column, all.iter().map(|r| n(r) % 3 == 0), defs),
                5 => write::<DoubleType>(
                    &mut column,
                    all.iter().map(|r| n(r) as f64 / 8.0 - 3.0),
                    defs,
                ),
                6 => write::<FloatType>(&mut column, all.iter().map(|r| n(r) as f32 * 0.1), defs),
                7 => write::<Int96Type>(
                    &mut column,
                    all.iter().map(|r| {
                        let mut t = Int96::new();
                        t.set_data((n(r) * 1_000_000) as u32, 0, 2_460_000 + (n(r) % 9) as u32);
                        t
                    }),
                    defs,
                ),
                8 => write::<FixedLenByteArrayType>(
                    &mut column,
                    all.iter().map(|r| {
                        FixedLenByteArray::from(
                            (0..16).map(|b| (b * n(r)) as u8).collect::<Vec<u8>>(),
                        )
                    }),
                    defs,
                ),
                9 => write::<FixedLenByteArrayType>(
                    &mut column,
                    all.iter().map(|r| {
                        let x = (n(r) as i128 - 400) * 1_000_000_007;
                        FixedLenByteArray::from(x.to_be_bytes()[7..].to_vec())
                    }),
                    defs,
                ),
                10 => write::<Int64Type>(
                    &mut column,
                    all.iter().map(|r| n(r) as i64 * 86_400_000_123),
                    defs,
                ),
                11 => write::<ByteArrayType>(
                    &mut column,
                    all.iter()
                        .map(|r| ByteArray::from(format!("O{r}").as_str())),
                    defs,
                ),
                _ => write::<Int32Type>(&mut column, all.iter().map(|r| n(r) as i32 - 300), defs),
            }
            column.close().unwrap();
            c += 1;
        }
        group.close().unwrap();
        start = range.end;
    }
    writer.close().unwrap();
    out
}

fn write<T: parquet::data_type::DataType>(
    column: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    values: impl Iterator<Item = T::T>,
    defs: Option<&[i16]>,
) {
    let values: Vec<T::T> = values.collect();
    column
        .typed::<T>()
        .write_batch(&values, defs, None)
        .unwrap();
}

/// Every slice of `bytes`, read page by page or by the crate's readers, as rows (cells and
/// whether plain), or the error that ended them. Each row is said printable when, and only
/// when, the reader would find nothing to clean in it.
fn decoded(bytes: &[u8], form: &typed::Form, paged: bool) -> Result<Vec<(String, bool)>, String> {
    let parquet = Parquet::open(Chunks::Memory(Bytes::copy_from_slice(bytes))).unwrap();
    let leaves = parquet.columns.iter().map(|c| c.clone().ok()).collect();
    let mut decoder = Decoder::new(Arc::clone(&parquet.reader), leaves, form.clone());
    if !paged {
        decoder = decoder.with_crate_readers();
    }
    let (mut slice, mut rows) = (Slice::default(), Vec::new());
    while decoder.slice(&mut slice)? {
        for r in 0..slice.rows {
            let text = slice.row(r);
            assert_eq!(slice.printable[r], !needs_a_look(text), "{text:?}");
            assert_eq!(slice.unspaced[r], !spaced(text), "{text:?}");
            rows.push((String::from_utf8(text.to_vec()).unwrap(), slice.plain[r]));
        }
    }
    Ok(rows)
}

#[test]
fn every_layout_the_crate_writes_reads_as_the_crates_readers_read_it() {
    let small = || {
        WriterProperties::builder()
            .set_data_page_row_count_limit(7)
            .set_write_batch_size(3)
    };
    let layouts = [
        ("v1", WriterProperties::builder()),
        (
            "v1 plain",
            WriterProperties::builder().set_dictionary_enabled(false),
        ),
        (
            "v1 small pages, dictionaries given up",
            small().set_dictionary_page_size_limit(40),
        ),
        (
            "v2",
            WriterProperties::builder().set_writer_version(WriterVersion::PARQUET_2_0),
        ),
        (
            "v2 small pages, dictionaries given up (DELTA_* after)",
            small()
                .set_writer_version(WriterVersion::PARQUET_2_0)
                .set_dictionary_page_size_limit(40),
        ),
        (
            "other encodings",
            WriterProperties::builder()
                .set_dictionary_enabled(false)
                .set_column_encoding(ColumnPath::from("q"), Encoding::DELTA_BINARY_PACKED)
                .set_column_encoding(ColumnPath::from("s"), Encoding::DELTA_LENGTH_BYTE_ARRAY)
                .set_column_encoding(ColumnPath::from("x"), Encoding::BYTE_STREAM_SPLIT),
        ),
    ];
    let pinned = typed::Form {
        dates: Some("%d/%m/%Y".to_string()),
        decimal_comma: true,
        ..ISO
    };
    for (name, props) in layouts {
        let bytes = file(1_000, props.build(), None);
        for form in [&ISO, &pinned] {
            let paged = decoded(&bytes, form, true).unwrap();
            assert_eq!(paged, decoded(&bytes, form, false).unwrap(), "{name}");
            assert_eq!(paged.len(), 1_000, "{name}");
            assert!(
                paged
                    .iter()
                    .any(|(row, plain)| row.contains("Mug, large") && !plain)
            );
            assert!(
                paged.iter().any(|(row, _)| row.starts_with(",")),
                "{name}: no null"
            );
            assert!(
                paged.iter().any(|(row, _)| row.contains("ünï")),
                "{name}: every row printable"
            );
            assert!(
                paged.iter().any(|(row, _)| spaced(row.as_bytes()))
                    && paged.iter().any(|(row, _)| !spaced(row.as_bytes())),
                "{name}: every row spaced, or none"
            );
        }
    }
    // A date out of range is an error, the same either way (at the row that holds it).
    for dictionary in [true, false] {
        let props = WriterProperties::builder().set_dictionary_enabled(dictionary);
        let bytes = file(1_000, props.build(), Some(i32::MAX));
        let e = decoded(&bytes, &ISO, true).unwrap_err();
        assert_eq!(decoded(&bytes, &ISO, false).unwrap_err(), e);
        assert!(
            e.starts_with("column \"d\": the date 2147483647 days"),
            "{e}"
        );
    }
}
