//! Cells cleaned as amounts are: an id written `C4`, `C4` + a no-break space or `C` + a
//! zero-width space + `4` is one customer, and a control character is refused, not read.
//!
//! Every cell xsell reads is cleaned: Unicode white space is trimmed at both ends (ASCII white
//! space always was), invisible format characters (zero-width spaces and joiners, direction
//! marks, a byte-order mark, soft hyphens, ...) are removed wherever they stand and the row is
//! counted in a warning, and a control character (NUL and the other C0 codes, DEL, the C1 codes)
//! left inside the cell is an error naming file, line and column. Tab and the line breaks of a
//! quoted cell (CSV's way of writing text on several lines) are text, not control characters.

use super::Table;
use crate::input::FieldError;

/// The rows whose cells lost invisible characters: how many, and the first
/// [`Invisible::NAMED`] as `file:line`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invisible {
    pub rows: u64,
    pub first: Vec<String>,
}

impl Invisible {
    pub const NAMED: usize = 10;

    pub fn add(&mut self, file: &str, line: u64) {
        self.rows += 1;
        if self.first.len() < Invisible::NAMED {
            self.first.push(format!("{file}:{line}"));
        }
    }
}

/// The cleaning a row's cells needed: the cells whose text changed, by the file's column, and
/// whether invisible characters were removed (rather than only white space trimmed).
#[derive(Debug, Default)]
pub(super) struct Cleaned {
    cells: Vec<(usize, String)>,
    invisible: bool,
}

impl Cleaned {
    /// Whether cleaning left every cell of the current row as written.
    pub(super) fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cleaned text of the file's column `index` in the current row, if cleaning changed it.
    #[inline]
    pub(super) fn get(&self, index: usize) -> Option<&str> {
        if self.cells.is_empty() {
            return None;
        }
        (self.cells.iter())
            .find(|(i, _)| *i == index)
            .map(|(_, text)| text.as_str())
    }
}

impl Table {
    /// Cleans the cells of the current row that xsell reads (see the module's documentation).
    /// A row known to be printable ASCII (as a Parquet file's mostly are) goes no further than
    /// here, without a call.
    #[inline(always)]
    pub(super) fn clean_row(&mut self) -> Result<(), FieldError> {
        self.cleaned.cells.clear();
        self.cleaned.invisible = false;
        match self.record.is_printable() {
            true => Ok(()),
            false => self.clean_cells(),
        }
    }

    /// [`Table::clean_row`] for a row not known to be printable ASCII.
    fn clean_cells(&mut self) -> Result<(), FieldError> {
        if !needs_a_look(self.record.raw()) {
            return Ok(());
        }
        let mut cleaned = std::mem::take(&mut self.cleaned);
        let result = (|| {
            for index in self.read_columns().flatten() {
                let Some(text) = self.raw_text(index) else {
                    continue; // not UTF-8: said when the cell is read
                };
                match clean(text) {
                    Ok(None) => {}
                    Ok(Some((text, invisible))) => {
                        cleaned.invisible |= invisible;
                        cleaned.cells.push((index, text));
                    }
                    Err(c) => return Err(self.control(index, text, c)),
                }
            }
            Ok(())
        })();
        if cleaned.invisible {
            self.invisible.add(&self.name, self.line);
        }
        self.cleaned = cleaned;
        result
    }

    /// The rows read so far whose cells lost invisible characters.
    pub fn invisible(&self) -> &Invisible {
        &self.invisible
    }

    /// Whether cleaning removed invisible characters from a cell of the current row.
    pub fn had_invisible(&self) -> bool {
        self.cleaned.invisible
    }

    /// The error of a cell of the file's column `index` that holds the control character `c`.
    #[cold]
    fn control(&self, index: usize, text: &str, c: char) -> FieldError {
        let spec = self.columns.iter().position(|&i| i == Some(index));
        let column = match spec {
            Some(spec) => self.specs[spec].name.to_string(),
            None => self.headers[index].clone(),
        };
        let expected = format!(
            "text without control characters (it holds {}); remove it from the file, or with \
             --skip-invalid skip the row",
            control_name(c)
        );
        self.cell_error(column, text.to_string(), expected)
    }
}

/// Whether `bytes` hold a byte that is not printable ASCII (a control byte, or a byte of a
/// character past ASCII). Nearly every row is printable ASCII: the bytes are only folded to
/// their largest distance above a space, with no branch, which the compiler turns into vector
/// instructions.
#[inline]
pub(crate) fn needs_a_look(bytes: &[u8]) -> bool {
    let farthest = (bytes.iter()).fold(0u8, |far, &b| far.max(b.wrapping_sub(b' ')));
    farthest > b'~' - b' '
}

/// `text` cleaned, when that changes it, with whether invisible characters were removed; the
/// first control character it holds (but tab and line breaks) inside, after trimming, as the
/// error.
pub fn clean(text: &str) -> Result<Option<(String, bool)>, char> {
    let trimmed = text.trim_matches(char::is_whitespace);
    let mut invisible = false;
    for c in trimmed.chars() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return Err(c);
        }
        invisible |= is_invisible(c);
    }
    if !invisible {
        return Ok((trimmed.len() != text.len()).then(|| (trimmed.to_string(), false)));
    }
    let kept: String = trimmed.chars().filter(|&c| !is_invisible(c)).collect();
    Ok(Some((
        kept.trim_matches(char::is_whitespace).to_string(),
        true,
    )))
}

/// Unicode's invisible format characters (general category Cf, and the combining grapheme
/// joiner): nothing shows on screen, yet `C4` and `C` + one of them + `4` are different text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}')
}

/// A control character as a message names it: `NUL (U+0000)`, `U+001B`.
fn control_name(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match c {
        '\0' => format!("NUL ({code})"),
        '\u{7F}' => format!("DEL ({code})"),
        _ => format!("the control character {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::{clean, needs_a_look};

    #[test]
    fn printable_ascii_needs_no_look_and_anything_else_does() {
        let printable: Vec<u8> = (0x20..0x7F).collect();
        assert!(!needs_a_look(&printable));
        assert!(!needs_a_look(b"O1,C1,2025-01-01,P1,12.50"));
        for b in (0..0x20).chain(0x7F..=0xFF) {
            // At every offset of an eight-byte word and of the remainder.
            for at in 0..printable.len() {
                let mut bytes = printable.clone();
                bytes[at] = b;
                assert!(needs_a_look(&bytes), "byte {b:#x} at {at}");
            }
        }
    }

    #[test]
    fn ids_are_trimmed_of_unicode_space_and_lose_invisible_characters() {
        let cleaned = clean;
        assert_eq!(cleaned("C4"), Ok(None));
        assert_eq!(cleaned("Café Noir"), Ok(None));
        assert_eq!(cleaned("C4\u{A0}"), Ok(Some(("C4".into(), false))));
        assert_eq!(
            cleaned("\u{3000}C4\u{2009}"),
            Ok(Some(("C4".into(), false)))
        );
        assert_eq!(cleaned("C\u{200B}4"), Ok(Some(("C4".into(), true))));
        assert_eq!(cleaned("\u{FEFF}C4"), Ok(Some(("C4".into(), true))));
        // An invisible character between the id and a space: both go.
        assert_eq!(cleaned("C4 \u{200B}"), Ok(Some(("C4".into(), true))));
        assert_eq!(cleaned("a\tb"), Ok(None));
    }

    #[test]
    fn control_characters_inside_a_cell_are_refused() {
        assert_eq!(clean("C\u{0}4"), Err('\u{0}'));
        assert_eq!(clean("C\u{1B}[31m4"), Err('\u{1B}'));
        assert_eq!(clean("C\u{B}4"), Err('\u{B}'));
        assert_eq!(clean("C\u{7F}4"), Err('\u{7F}'));
        assert_eq!(clean("C\u{85}4"), Err('\u{85}'));
        // A quoted cell's line breaks are text; at the ends they are white space, trimmed.
        assert_eq!(clean("first line\r\nsecond"), Ok(None));
        assert_eq!(clean("C4\n"), Ok(Some(("C4".into(), false))));
    }
}
