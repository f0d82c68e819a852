//! Turning a file's bytes into UTF-8 text: gzip and zstd are unpacked transparently (recognised
//! by their magic bytes, so `.gz` and `.zst` files and compressed standard input all work), a workbook's sheet is
//! written as CSV text (`workbook`), and Latin-1 or Windows-1252 text is transcoded when
//! `--encoding` says so.

use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;
use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

use super::{Encoding, ReadOptions, workbook};

/// `raw` as UTF-8 text: unpacked if it is gzip, the sheet `opts` names for a `kind` input if it
/// is a workbook (read whole, standard input too), transcoded from `opts.encoding` otherwise (a
/// workbook's text is Unicode whatever the option says); and whether its bytes are the file's
/// own (neither unpacked, converted nor transcoded).
pub fn text(
    raw: Box<dyn Read + Send>,
    opts: &ReadOptions,
    kind: &str,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let encoding = opts.encoding;
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let start = buffered.fill_buf()?;
    let gzip = start.starts_with(&[0x1f, 0x8b]);
    let zstd = start.starts_with(&ZSTD) || skippable(start);
    let plain: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(buffered))
    } else if zstd {
        Box::new(Zstd::new(BufReader::new(Box::new(buffered)))?)
    } else {
        Box::new(buffered)
    };
    let mut plain = BufReader::with_capacity(1 << 16, plain);
    if workbook::maybe(plain.fill_buf()?) {
        let mut bytes = Vec::new();
        plain.read_to_end(&mut bytes)?;
        let csv = workbook::to_csv(bytes, opts, kind)
            .map_err(|message| io::Error::new(io::ErrorKind::InvalidData, message))?;
        return Ok((Box::new(io::Cursor::new(csv)), false));
    }
    if let (option, Some(sheet)) = workbook::sheet_option(opts, kind) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{option} {sheet} names a sheet, but the file is CSV text, not a workbook: drop {option}"
            ),
        ));
    }
    let start = plain.fill_buf()?;
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is UTF-16 text; save it as UTF-8 (or CSV UTF-8 in Excel)",
        ));
    }
    if let Some(what) = not_text(start) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, what));
    }
    if encoding != Encoding::Utf8 && start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file starts with a UTF-8 byte-order mark, so it is UTF-8: drop --encoding",
        ));
    }
    let verbatim = !gzip && !zstd && encoding == Encoding::Utf8;
    let reader: Box<dyn Read + Send> = match encoding {
        Encoding::Utf8 => Box::new(plain),
        Encoding::Latin1 | Encoding::Windows1252 => Box::new(Transcode {
            inner: Box::new(plain),
            windows: encoding == Encoding::Windows1252,
            out: Vec::new(),
            pos: 0,
        }),
    };
    Ok((reader, verbatim))
}

/// The magic bytes of a zstd frame.
const ZSTD: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

type Source = BufReader<Box<dyn Read + Send>>;

/// A zstd stream, read frame after frame: `zstd` writes one frame a file, and files joined with
/// `cat` hold several, as gzip members do. A frame cut short or damaged is an error of kind
/// `UnexpectedEof`, which the reader reports as such, never a short read.
struct Zstd {
    frame: Option<StreamingDecoder<Source, FrameDecoder>>,
}

impl Zstd {
    fn new(mut source: Source) -> io::Result<Zstd> {
        let frame = match skip_skippable(&mut source)? {
            true => Some(StreamingDecoder::new(source).map_err(damaged)?),
            false => None,
        };
        Ok(Zstd { frame })
    }
}

/// Whether `start` begins a skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian):
/// data a decoder passes over, as pzstd writes before its frames.
fn skippable(start: &[u8]) -> bool {
    matches!(start, [0x50..=0x5F, 0x2A, 0x4D, 0x18, ..])
}

/// Passes over skippable frames (the magic, a 4-byte length, that many bytes); whether a frame
/// to decode follows.
fn skip_skippable(source: &mut Source) -> io::Result<bool> {
    loop {
        let start = source.fill_buf()?;
        if start.is_empty() {
            return Ok(false);
        }
        if !skippable(start) {
            return Ok(true);
        }
        let mut header = [0u8; 8];
        source.read_exact(&mut header).map_err(damaged)?;
        let length = u64::from(u32::from_le_bytes([
            header[4], header[5], header[6], header[7],
        ]));
        let skipped = io::copy(&mut source.by_ref().take(length), &mut io::sink())?;
        if skipped < length {
            return Err(damaged("a skippable frame ends too early"));
        }
    }
}

fn damaged(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, format!("zstd: {e}"))
}

impl Read for Zstd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = &mut self.frame else {
                return Ok(0);
            };
            let n = frame.read(buf).map_err(damaged)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The frame is done: another follows, or the input ends.
            let Some(frame) = self.frame.take() else {
                return Ok(0);
            };
            let mut source = frame.into_inner();
            if !skip_skippable(&mut source)? {
                return Ok(0);
            }
            self.frame = Some(StreamingDecoder::new(source).map_err(damaged)?);
        }
    }
}

/// What a file that starts with `start` is, when it is an archive or binary data rather than
/// CSV text (or a workbook, which comes before): recognised by its magic bytes, so that it gets
/// one line that says what to do instead of its bytes read as column names.
fn not_text(start: &[u8]) -> Option<String> {
    const CSV: &str = "xsell reads CSV text";
    let what = if let Some((kind, unpack)) =
        [(&[0xFD, b'7', b'z', b'X', b'Z', 0x00][..], ("xz", "xz -dc"))]
            .into_iter()
            .find_map(|(magic, what)| start.starts_with(magic).then_some(what))
            // bzip2: `BZh` and the block size, 1 to 9.
            .or_else(|| {
                let bzip2 = start.starts_with(b"BZh")
                    && start.get(3).is_some_and(|b| (b'1'..=b'9').contains(b));
                bzip2.then_some(("bzip2", "bzip2 -dc"))
            }) {
        format!(
            "the file is {kind}-compressed; {CSV} (and gzip or zstd): unpack it into a pipe, as in \
             {unpack} FILE | xsell ... -"
        )
    } else if start.starts_with(b"PAR1") {
        // A Parquet file as it is was read as one before this: this one was compressed whole.
        "the file is a Parquet file compressed whole (its columns are compressed already); \
         unpack it (gunzip, unzstd) and give xsell the .parquet file"
            .to_string()
    } else if start.starts_with(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        format!("the file is a 7z archive; {CSV}: unpack it first")
    } else if start.starts_with(b"%PDF") {
        format!("the file is a PDF document; {CSV}")
    } else {
        // A NUL byte in the first line: binary data, whose bytes are no column names.
        let header = start.split(|&b| b == b'\n').next().unwrap_or_default();
        if !header.contains(&0) {
            return None;
        }
        "the file holds binary data (a NUL byte in its first line), not CSV text".to_string()
    };
    Some(what)
}

/// Windows-1252's characters at 0x80..=0x9F; the five it leaves undefined keep their Latin-1
/// (C1 control) code points, as the WHATWG encoding standard does.
const WINDOWS_1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// A single-byte encoding read as UTF-8.
struct Transcode {
    inner: Box<dyn Read + Send>,
    windows: bool,
    out: Vec<u8>,
    pos: usize,
}

impl Read for Transcode {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.out.len() {
            let mut raw = [0u8; 8192];
            let n = self.inner.read(&mut raw)?;
            self.out.clear();
            self.pos = 0;
            for &byte in &raw[..n] {
                let c = match byte {
                    0x80..=0x9F if self.windows => WINDOWS_1252[usize::from(byte - 0x80)],
                    _ => char::from(byte),
                };
                let mut utf8 = [0u8; 4];
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn read_all(bytes: Vec<u8>, encoding: Encoding) -> io::Result<String> {
        let mut s = String::new();
        let opts = ReadOptions {
            encoding,
            ..ReadOptions::default()
        };
        text(Box::new(io::Cursor::new(bytes)), &opts, "orders")?
            .0
            .read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn single_byte_encodings_become_utf8() {
        // "Café 5€" in Latin-1 has no euro sign; Windows-1252 puts it at 0x80.
        let bytes = b"Caf\xE9 5\x80".to_vec();
        assert_eq!(
            read_all(bytes.clone(), Encoding::Latin1).unwrap(),
            "Café 5\u{80}"
        );
        assert_eq!(read_all(bytes, Encoding::Windows1252).unwrap(), "Café 5€");
    }

    #[test]
    fn gzip_is_unpacked_and_a_truncated_one_is_an_error() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"a,b\n1,2\n").unwrap();
        let packed = gz.finish().unwrap();
        assert_eq!(
            read_all(packed.clone(), Encoding::Utf8).unwrap(),
            "a,b\n1,2\n"
        );
        let cut = packed[..packed.len() - 6].to_vec();
        assert!(read_all(cut, Encoding::Utf8).is_err());
    }
}
