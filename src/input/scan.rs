//! Finding the structural bytes of a CSV line — the delimiter, a quote, a line end — many bytes
//! at a time: 32 with AVX2 where the processor has it (checked once, at run time), 8 in a plain
//! 64-bit word otherwise. One pass over a line finds where it ends and where each field ends,
//! as long as it holds no quote; a line with a quote is left to the byte-by-byte reader.

/// What a scan found first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// A line end (`\n` or `\r`) at this index.
    End(usize),
    /// A quote, before any line end: the line is not a plain one.
    Quote,
    /// Neither, up to the end of the bytes.
    More,
}

/// How to scan: with AVX2 or without.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scanner {
    delimiter: u8,
    avx2: bool,
}

impl Scanner {
    pub fn new(delimiter: u8) -> Scanner {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        Scanner { delimiter, avx2 }
    }

    /// The same scanner without AVX2, to test one against the other.
    #[cfg(test)]
    fn plain(delimiter: u8) -> Scanner {
        Scanner {
            delimiter,
            avx2: false,
        }
    }

    /// Scans `line[from..]`, the bytes of a line from its start as far as they are read, for the
    /// first quote or line end. Each delimiter before it ends a field: pushed to `bounds` from
    /// `*field`, which then moves past it. A scan that finds [`Found::More`] resumes where it
    /// stopped once more bytes are read.
    #[inline]
    pub fn scan(
        self,
        line: &[u8],
        from: usize,
        field: &mut usize,
        bounds: &mut Vec<(usize, usize)>,
    ) -> Found {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `avx2` is true only when the processor has AVX2, checked at run time.
            return unsafe { avx2::scan(line, from, self.delimiter, field, bounds) };
        }
        scan_words(line, from, self.delimiter, field, bounds)
    }
}

/// Fields ending at the delimiters of `hits` (a bit per byte, from byte `at`) before the first
/// bit of `stop`; what stopped the scan, if anything did.
#[inline(always)]
fn fields(
    line: &[u8],
    at: usize,
    (mut hits, stop, width): (u64, u64, u32),
    field: &mut usize,
    bounds: &mut Vec<(usize, usize)>,
) -> Option<Found> {
    let first = stop.trailing_zeros();
    if first < width {
        hits &= (1 << first) - 1;
    }
    while hits != 0 {
        let i = at + hits.trailing_zeros() as usize;
        bounds.push((*field, i));
        *field = i + 1;
        hits &= hits - 1;
    }
    (first < width).then(|| {
        let i = at + first as usize;
        match line[i] {
            b'"' => Found::Quote,
            _ => Found::End(i),
        }
    })
}

/// The scan eight bytes at a time, in a 64-bit word: a byte equal to a given one is found with a
/// few integer operations.
fn scan_words(
    line: &[u8],
    from: usize,
    delimiter: u8,
    field: &mut usize,
    bounds: &mut Vec<(usize, usize)>,
) -> Found {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let spread = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
    // The top bit of each byte of `word` equal to the byte spread in `b`, exactly: `x & LOW`
    // plus LOW carries into a byte's top bit only from its own low seven bits.
    let equal = |word: u64, b: u64| {
        let x = word ^ b;
        !((x & LOW).wrapping_add(LOW) | x) & !LOW
    };
    // One bit per byte: bit 8k + 7 moved to bit k. The product puts bit 8k of its left side at
    // bit 56 + k, and nothing else in the top byte (no two terms meet, so nothing carries).
    let bits =
        |m: u64| ((m >> 7) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let (d, q, n, r) = (
        spread(delimiter),
        spread(b'"'),
        spread(b'\n'),
        spread(b'\r'),
    );
    let mut at = from;
    while at + 8 <= line.len() {
        let word = u64::from_le_bytes(line[at..at + 8].try_into().unwrap_or_default());
        let stop = equal(word, q) | equal(word, n) | equal(word, r);
        let hits = equal(word, d);
        if hits | stop != 0
            && let Some(found) = fields(line, at, (bits(hits), bits(stop), 8), field, bounds)
        {
            return found;
        }
        at += 8;
    }
    scan_bytes(line, at, delimiter, field, bounds)
}

/// The scan a byte at a time, for the last bytes.
fn scan_bytes(
    line: &[u8],
    from: usize,
    delimiter: u8,
    field: &mut usize,
    bounds: &mut Vec<(usize, usize)>,
) -> Found {
    for (i, &b) in line.iter().enumerate().skip(from) {
        match b {
            b'"' => return Found::Quote,
            b'\n' | b'\r' => return Found::End(i),
            _ if b == delimiter => {
                bounds.push((*field, i));
                *field = i + 1;
            }
            _ => {}
        }
    }
    Found::More
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };

    use super::{Found, fields, scan_bytes};

    /// [`super::scan_words`] 32 bytes at a time.
    #[target_feature(enable = "avx2")]
    pub(super) fn scan(
        line: &[u8],
        from: usize,
        delimiter: u8,
        field: &mut usize,
        bounds: &mut Vec<(usize, usize)>,
    ) -> Found {
        let splat = |b: u8| _mm256_set1_epi8(b as i8);
        let (d, q, n, r) = (splat(delimiter), splat(b'"'), splat(b'\n'), splat(b'\r'));
        let mask = |v: __m256i, b: __m256i| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, b)) as u32;
        let mut at = from;
        while at + 32 <= line.len() {
            // SAFETY: `line[at..at + 32]` is in bounds; the load takes any alignment.
            let v = unsafe { _mm256_loadu_si256(line[at..].as_ptr().cast::<__m256i>()) };
            let stops = _mm256_or_si256(
                _mm256_cmpeq_epi8(v, q),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, n), _mm256_cmpeq_epi8(v, r)),
            );
            let stop = _mm256_movemask_epi8(stops) as u32;
            let hits = mask(v, d);
            if hits | stop != 0 {
                let masks = (u64::from(hits), u64::from(stop), 32);
                if let Some(found) = fields(line, at, masks, field, bounds) {
                    return found;
                }
            }
            at += 32;
        }
        scan_bytes(line, at, delimiter, field, bounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Bounds = Vec<(usize, usize)>;

    /// What a scan found, the fields it ended and where the next starts.
    type Scan = (Found, Bounds, usize);

    /// The scan from `from` in one go, by `scanner` and byte by byte.
    fn both(scanner: Scanner, line: &[u8], from: usize) -> [Scan; 2] {
        let run = |f: &dyn Fn(&mut usize, &mut Bounds) -> Found| {
            let (mut field, mut bounds) = (from, Vec::new());
            let found = f(&mut field, &mut bounds);
            (found, bounds, field)
        };
        [
            run(&|field, bounds| scanner.scan(line, from, field, bounds)),
            run(&|field, bounds| scan_bytes(line, from, scanner.delimiter, field, bounds)),
        ]
    }

    #[test]
    fn a_line_ends_at_its_first_line_end_with_a_field_at_each_delimiter() {
        let s = Scanner::plain(b',');
        let mut bounds = Vec::new();
        let mut field = 0;
        // Fields end at the commas at 1, 4 and 5 (an empty field); the line at the `\n` at 8.
        assert_eq!(
            s.scan(b"a,bc,,xy\nz,", 0, &mut field, &mut bounds),
            Found::End(8)
        );
        assert_eq!((bounds, field), (vec![(0, 1), (2, 4), (5, 5)], 6));
        let mut bounds = Vec::new();
        assert_eq!(s.scan(b"12345678,\"", 0, &mut 0, &mut bounds), Found::Quote);
        assert_eq!(s.scan(b"abc", 0, &mut 0, &mut bounds), Found::More);
        assert_eq!(s.scan(b"\r\n", 0, &mut 0, &mut bounds), Found::End(0));
        // High bytes next to the delimiters, in two words and a tail: 0x80, 0xAC and 0xFF must
        // not pass for ',' (0x2C), nor 0x8D and 0x8A for `\r` and `\n` (as the split this scan
        // replaced was tested).
        for scanner in [Scanner::plain(b','), Scanner::new(b',')] {
            let (mut bounds, mut field) = (Vec::new(), 0);
            let line = b"a,\xAC,\x80,\xFF,,b\xAC12,345678,9,\x8D\x8A";
            assert_eq!(scanner.scan(line, 0, &mut field, &mut bounds), Found::More);
            let want = [
                (0, 1),
                (2, 3),
                (4, 5),
                (6, 7),
                (8, 8),
                (9, 13),
                (14, 20),
                (21, 22),
            ];
            assert_eq!((bounds, field), (want.to_vec(), 23));
        }
    }

    #[test]
    fn every_scanner_finds_what_the_byte_by_byte_scan_finds() {
        // Lines of 0 to 99 bytes drawn from a few letters, high bytes one bit from the structural
        // ones, and the structural bytes, every start,
        // with AVX2 (when the processor has it) and in words.
        let alphabet = b"ab,;,\t\"\n\r,,x\x80\xAC\xFF\x8D\x8A";
        let mut state = 7u64;
        for len in 0..100 {
            for _ in 0..20 {
                let line: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for delimiter in [b',', b';', b'\t'] {
                    for from in [0, len / 3, len] {
                        for scanner in [Scanner::new(delimiter), Scanner::plain(delimiter)] {
                            let [got, want] = both(scanner, &line, from);
                            assert_eq!(got, want, "{line:?} from {from}");
                        }
                    }
                }
            }
        }
    }
}
