//! Workbooks read directly, with calamine: an Excel (.xlsx, .xlsm, .xlsb, .xls) or OpenDocument
//! (.ods) workbook, recognised by its bytes whatever its name, has one sheet written as CSV text
//! in memory, which the CSV reader then reads as it reads a file.
//!
//! Typed cells are written as the CSV path reads them: text as it is; numbers in their shortest
//! round-trip form, whole ones without `.0` (the id 13085 stored as 13085.0 is `13085`) and never
//! with an exponent (1e20 is `100000000000000000000`, 1e-5 is `0.00001`); dates as `YYYY-MM-DD`,
//! with ` HH:MM:SS` when they hold a time (or in the `--date-format` pattern, when one is pinned,
//! and numbers with a decimal comma under `--decimal-comma`, so that the options given for CSV
//! inputs read a workbook's typed cells too); booleans `true`/`false`. An error value (`#N/A`,
//! `#DIV/0!`) stops the read with its cell's reference, rather than be read as text.
//!
//! Line numbers: the sheet's rows above its first non-empty one, and its empty rows, are written
//! as blank lines (which the reader skips), so the line a later message names is the row number
//! of the sheet, as Excel shows it. Not below a cell that holds a line break, though: its row
//! takes a line more per break, and the rows after it are numbered that much further on.

use std::io::Cursor;

use calamine::{
    Data, Ods, Range, Reader, SheetType, SheetVisible, Sheets, Xls, XlsError, Xlsb, Xlsx,
    open_workbook_from_rs,
};

use super::ReadOptions;
use super::typed::Form;

mod form;

/// The magic bytes of a zip archive (.xlsx, .xlsb and .ods are ones), the second of an empty one.
const ZIP: [&[u8]; 2] = [b"PK\x03\x04", b"PK\x05\x06"];
/// The magic bytes of an OLE compound file (.xls, but also .doc, .msg and encrypted .xlsx).
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether a file that starts with `start` may be a workbook: a zip archive or an OLE compound
/// file. Such a file is read whole (a workbook is read by seeking in it) and handed to
/// [`to_csv`].
pub(super) fn maybe(start: &[u8]) -> bool {
    start.starts_with(OLE) || ZIP.iter().any(|magic| start.starts_with(magic))
}

/// The workbook formats, told apart by their bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    /// What the whole file `bytes` is, when a workbook it may be. A zip archive stores its members'
    /// names as they are: an Excel workbook has `xl/workbook.xml` (`.bin` in .xlsb) and its
    /// sheets under `xl/worksheets/` (which a workbook cut short may have alone); an
    /// OpenDocument one starts with the member `mimetype`, stored uncompressed, whose content
    /// names its type. Any OLE file is taken for an .xls: calamine says if it is not one.
    fn of(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(OLE) {
            return Some(Format::Xls);
        }
        let has = |name: &[u8]| memchr::memmem::find(bytes, name).is_some();
        if has(b"xl/workbook.bin") {
            Some(Format::Xlsb)
        } else if has(b"xl/workbook.xml") || has(b"xl/worksheets/") {
            Some(Format::Xlsx)
        } else if has(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet") {
            Some(Format::Ods)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "an Excel workbook (.xlsx)",
            Format::Xlsb => "an Excel binary workbook (.xlsb)",
            Format::Xls => "an Excel 97-2003 workbook (.xls)",
            Format::Ods => "an OpenDocument spreadsheet (.ods)",
        }
    }

    /// The message for a file of this format that calamine cannot read, for the reason `why`.
    fn unreadable(self, why: &dyn std::fmt::Display) -> String {
        match self {
            Format::Xls => format!(
                "the file is an OLE compound file (as .xls workbooks are, but also .doc and .msg \
                 files) that cannot be read as an Excel 97-2003 workbook ({why}); save the sheet \
                 as CSV"
            ),
            _ => format!(
                "the file is {} that cannot be read ({why}); it may be damaged or cut short: open \
                 it and save it again, or save the sheet as CSV",
                self.name()
            ),
        }
    }
}

/// The sheet to read of the file `bytes` (whole), a workbook given as the `kind` input
/// ("orders", "campaigns", "customers"), as CSV text in the delimiter of `opts`. An error is the
/// message to show after the file's name: also for a zip archive that holds no workbook.
pub(super) fn to_csv(bytes: Vec<u8>, opts: &ReadOptions, kind: &str) -> Result<Vec<u8>, String> {
    const CUT: &str = "the file is a zip archive cut short (its end is missing), so it cannot be \
                       read, whatever it holds: copy or download it again";
    const NO_BOOK: &str = "the file is a zip archive that holds no workbook (.xlsx, .xlsb or \
                           .ods); xsell reads CSV text and workbooks: unzip the archive";
    let Some(format) = Format::of(&bytes) else {
        // A zip archive ends with its table of contents, whose last record starts `PK\x05\x06`.
        let whole = memchr::memmem::rfind(&bytes, ZIP[1]).is_some();
        return Err((if whole { NO_BOOK } else { CUT }).to_string());
    };
    let read = super::quiet_unwind(|| sheet_csv(format, bytes, opts, kind));
    read.unwrap_or_else(|panic| Err(format.unreadable(&format_args!("calamine failed: {panic}"))))
}

/// The option that names the sheet of a `kind` input, and the sheet it names.
pub(super) fn sheet_option<'o>(
    opts: &'o ReadOptions,
    kind: &str,
) -> (&'static str, Option<&'o str>) {
    match kind {
        "campaigns" => ("--campaigns-sheet", opts.campaigns_sheet.as_deref()),
        "customers" => ("--customers-sheet", opts.customers_sheet.as_deref()),
        _ => ("--sheet", opts.sheet.as_deref()),
    }
}

/// [`to_csv`] of a workbook of a known format.
fn sheet_csv(
    format: Format,
    bytes: Vec<u8>,
    opts: &ReadOptions,
    kind: &str,
) -> Result<Vec<u8>, String> {
    let mut book = open(format, bytes)?;
    let (option, wanted) = sheet_option(opts, kind);
    let sheet = pick(&book, option, wanted)?;
    let range = book.worksheet_range(&sheet).map_err(|e| match e {
        // An error value calamine does not know (#SPILL!, #CALC!) stops it without its cell.
        calamine::Error::Xlsx(calamine::XlsxError::CellError(value)) => format!(
            "sheet {sheet:?} holds the error {value} in a cell (search the sheet for it), not a \
             value: {FIX}"
        ),
        e => format!(
            "sheet {sheet:?} cannot be read ({e}); if it is a chart, name the sheet of the \
             {kind} with {option}, else open the workbook and save it again"
        ),
    })?;
    let Some(origin) = range.start() else {
        return Err(format!(
            "sheet {sheet:?} is empty; name the sheet of the {kind} with {option} (the sheets: {})",
            listed(&book)
        ));
    };
    let form = Form::of(opts, opts.delimiter);
    form.sheet(&range).map_err(|(row, column, value)| {
        let name = header_name(&range, column.saturating_sub(origin.1))
            .map_or_else(String::new, |h| format!(" (column {h:?})"));
        let cell = column_letters(column);
        format!(
            "sheet {sheet:?}, cell {cell}{row}{name} holds the error {value}, not a value: {FIX}"
        )
    })
}

/// What to do about a cell that holds an error value.
const FIX: &str = "correct the formula (or the cells it reads) or clear the cell (in Excel, \
                   =IFERROR(formula, \"\") leaves it empty), and save the workbook";

/// The workbook in `bytes`, opened as `format`.
fn open(format: Format, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, String> {
    const ENCRYPTED: &str = "the workbook is encrypted (it asks for a password to open): save a \
                             copy without the password, or save the sheet as CSV";
    // An encrypted .xlsx is an OLE file that holds the stream `EncryptedPackage` (its name
    // written in UTF-16).
    let encrypted: Vec<u8> = "EncryptedPackage".bytes().flat_map(|b| [b, 0]).collect();
    if format == Format::Xls && memchr::memmem::find(&bytes, &encrypted).is_some() {
        return Err(ENCRYPTED.to_string());
    }
    let damaged = |e: &dyn std::fmt::Display| format.unreadable(e);
    let data = Cursor::new(bytes);
    Ok(match format {
        Format::Xlsx => {
            Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(data).map_err(|e| damaged(&e))?)
        }
        Format::Xlsb => {
            Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(data).map_err(|e| damaged(&e))?)
        }
        Format::Ods => {
            Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(data).map_err(|e| damaged(&e))?)
        }
        Format::Xls => Sheets::Xls(match open_workbook_from_rs::<Xls<_>, _>(data) {
            Ok(book) => book,
            Err(XlsError::Password) => return Err(ENCRYPTED.to_string()),
            Err(e) => return Err(damaged(&e)),
        }),
    })
}

/// The sheet named `wanted` (as Excel does, regardless of case), else the first visible
/// worksheet.
fn pick<R>(book: &Sheets<R>, option: &str, wanted: Option<&str>) -> Result<String, String>
where
    R: std::io::Read + std::io::Seek,
{
    let sheets = book.sheets_metadata();
    let found = match wanted {
        Some(name) => (sheets.iter().find(|s| s.name == name)).or_else(|| {
            sheets
                .iter()
                .find(|s| s.name.to_lowercase() == name.to_lowercase())
        }),
        None => (sheets.iter())
            .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
            .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet)),
    };
    match (found, wanted) {
        (Some(sheet), _) => Ok(sheet.name.clone()),
        (None, Some(name)) => Err(format!(
            "the workbook has no sheet {name:?}; its sheets are {}: name one with {option}",
            listed(book)
        )),
        (None, None) => Err(format!(
            "the workbook has no worksheet to read (its sheets: {})",
            listed(book)
        )),
    }
}

/// The names of a workbook's sheets, quoted, in order.
fn listed<R: std::io::Read + std::io::Seek>(book: &Sheets<R>) -> String {
    let names: Vec<String> = (book.sheets_metadata().iter())
        .map(|s| format!("{:?}", s.name))
        .collect();
    names.join(", ")
}

/// The header of the range's column `column` (counted from the range's first): its cell in the
/// first non-empty row, when that is text.
fn header_name(range: &Range<Data>, column: u32) -> Option<String> {
    let header = range
        .rows()
        .find(|row| row.iter().any(|c| *c != Data::Empty))?;
    match header.get(usize::try_from(column).ok()?)? {
        Data::String(name) if !name.trim().is_empty() => Some(name.trim().to_string()),
        _ => None,
    }
}

/// The letters of a column (0-based) in a cell reference: A to Z, then AA, AB, ...
fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    use super::*;

    const PLAIN: Form = Form {
        delimiter: b',',
        dates: None,
        decimal_comma: false,
    };

    fn text(form: &Form, value: Data) -> Result<String, String> {
        let mut out = String::new();
        form.cell(&value, &mut out).map(|()| out)
    }

    fn date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn numbers_are_written_whole_or_shortest_never_with_an_exponent() {
        let cases = [
            (13085.0, "13085"),
            (2.55, "2.55"),
            (-3.0, "-3"),
            (-0.0, "0"),
            (1e-5, "0.00001"),
            (1e20, "100000000000000000000"),
            (44.849999999999994, "44.849999999999994"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (x, want) in cases {
            assert_eq!(text(&PLAIN, Data::Float(x)).unwrap(), want, "{x:?}");
        }
        assert_eq!(text(&PLAIN, Data::Int(-42)).unwrap(), "-42");
        let comma = Form {
            decimal_comma: true,
            ..PLAIN
        };
        assert_eq!(text(&comma, Data::Float(1234.5)).unwrap(), "1234,5");
    }

    #[test]
    fn dates_are_iso_with_a_time_only_when_there_is_one() {
        // 2024-03-05 is 45356 days after 1899-12-30, the day Excel's serials count from (since
        // March 1900); .5 of a day is 12:00.
        assert_eq!(text(&PLAIN, date(45356.0)).unwrap(), "2024-03-05");
        assert_eq!(text(&PLAIN, date(45356.5)).unwrap(), "2024-03-05 12:00:00");
        // 0.75 s is 0.75 / 86400 of a day.
        let fraction = 45356.5 + 0.75 / 86_400.0;
        assert_eq!(
            text(&PLAIN, date(fraction)).unwrap(),
            "2024-03-05 12:00:00.750"
        );
        // Serial 60 is Excel's 1900-02-29, which never was: left for the date reader to refuse.
        assert_eq!(text(&PLAIN, date(60.0)).unwrap(), "1900-02-29");
        let ods = |s: &str| text(&PLAIN, Data::DateTimeIso(s.to_string())).unwrap();
        assert_eq!(ods("2024-03-05"), "2024-03-05");
        assert_eq!(ods("2024-03-05T09:15:00"), "2024-03-05 09:15:00");
        assert_eq!(ods("not a date"), "not a date");
        let pinned = Form {
            dates: Some("%d/%m/%Y".to_string()),
            ..PLAIN
        };
        assert_eq!(text(&pinned, date(45356.5)).unwrap(), "05/03/2024");
    }

    #[test]
    fn other_cells_and_errors() {
        assert_eq!(text(&PLAIN, Data::Bool(true)).unwrap(), "true");
        assert_eq!(text(&PLAIN, Data::Empty).unwrap(), "");
        assert_eq!(text(&PLAIN, Data::String(" a,b ".into())).unwrap(), " a,b ");
        assert_eq!(
            text(&PLAIN, Data::Error(CellErrorType::Div0)),
            Err("#DIV/0!".to_string())
        );
        for error in ["#N/A", "Err:502"] {
            assert_eq!(text(&PLAIN, Data::String(error.into())), Err(error.into()));
        }
        assert!(text(&PLAIN, Data::String("Err:5020".into())).is_ok());
    }

    #[test]
    fn a_sheet_keeps_its_row_numbers_and_quotes_what_needs_it() {
        // Cells from B2: the first row and column are empty; row 3 is empty too.
        let mut range = Range::new((1, 1), (3, 2));
        range.set_value((1, 1), Data::String("order_id".into()));
        range.set_value((1, 2), Data::String("note".into()));
        range.set_value((3, 1), Data::Float(7.0));
        range.set_value((3, 2), Data::String("say \"hi\", twice".into()));
        let csv = PLAIN.sheet(&range).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "\norder_id,note\n\n7,\"say \"\"hi\"\", twice\"\n"
        );
        range.set_value((3, 2), Data::Error(CellErrorType::NA));
        assert_eq!(PLAIN.sheet(&range).unwrap_err(), (4, 2, "#N/A".to_string()));
        assert_eq!(header_name(&range, 1).as_deref(), Some("note"));
    }

    #[test]
    fn a_panic_in_the_reader_is_an_error() {
        assert_eq!(crate::input::quiet_unwind(|| 7), Ok(7));
        let slice: &[u8] = &[1, 2];
        let i = slice.len() + 1;
        let got = crate::input::quiet_unwind(|| slice[i]);
        assert_eq!(
            got,
            Err("index out of bounds: the len is 2 but the index is 3".to_string())
        );
    }

    #[test]
    fn column_letters_run_from_a_to_z_then_aa() {
        let got: Vec<String> = [0, 2, 25, 26, 27, 701, 702].map(column_letters).to_vec();
        assert_eq!(got, ["A", "C", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(
            Format::of(b"PK\x03\x04..xl/workbook.xml.."),
            Some(Format::Xlsx)
        );
        assert_eq!(
            Format::of(b"PK\x03\x04..xl/workbook.bin.."),
            Some(Format::Xlsb)
        );
        let ods = b"PK\x03\x04..mimetypeapplication/vnd.oasis.opendocument.spreadsheet..";
        assert_eq!(Format::of(ods), Some(Format::Ods));
        let odt = b"PK\x03\x04..mimetypeapplication/vnd.oasis.opendocument.text..";
        assert_eq!(Format::of(odt), None);
        assert_eq!(Format::of(b"PK\x03\x04..orders.csv.."), None);
        assert!(maybe(OLE) && maybe(b"PK\x05\x06") && !maybe(b"order_id,"));
    }
}
