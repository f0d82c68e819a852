//! Parquet's RLE / bit-packing hybrid encoding, which holds definition levels and dictionary
//! indices (<https://parquet.apache.org/docs/file-format/data-pages/encodings/>, "Run Length
//! Encoding / Bit-Packing Hybrid"), decoded for [`super::pages`]. The parquet crate has a
//! decoder of its own, but not in its public interface.
//!
//! ```text
//! encoded := run*
//! run     := header, a ULEB128 integer, then
//!            header & 1 == 0: an RLE run, the value (header >> 1) times, written once in
//!                             ceil(width / 8) bytes, little-endian;
//!            header & 1 == 1: a bit-packed run of (header >> 1) groups of 8 values, each group
//!                             `width` bytes, the values packed from the least significant bit
//!                             of the first byte on.
//! ```
//!
//! Values are at most 32 bits wide. The last bit-packed run may be padded past the values the
//! page holds: the reader stops at the count it is asked for.

use bytes::Bytes;

/// Values of a given bit width, decoded run by run from where the last call stopped.
pub(super) struct Hybrid {
    data: Bytes,
    /// The next run's header.
    at: usize,
    width: u32,
    run: Run,
}

enum Run {
    /// `left` more times `value`.
    Repeat { value: u32, left: usize },
    /// `left` more values packed from bit `bit` of the data on.
    Packed { bit: usize, left: usize },
}

impl Hybrid {
    /// The values of `width` bits (0 to 32) encoded in `data`.
    pub fn new(data: Bytes, width: u8) -> Result<Hybrid, String> {
        if width > 32 {
            return Err(format!("a bit width of {width}: the file is damaged"));
        }
        Ok(Hybrid {
            data,
            at: 0,
            width: u32::from(width),
            run: Run::Repeat { value: 0, left: 0 },
        })
    }

    /// Appends the next `n` values to `out`; an error if the data holds fewer.
    pub fn fill(&mut self, mut n: usize, out: &mut Vec<u32>) -> Result<(), String> {
        out.reserve(n);
        while n > 0 {
            match &mut self.run {
                Run::Repeat { value, left } if *left > 0 => {
                    let take = n.min(*left);
                    out.extend(std::iter::repeat_n(*value, take));
                    (*left, n) = (*left - take, n - take);
                }
                Run::Packed { bit, left } if *left > 0 => {
                    let take = n.min(*left);
                    let (data, width) = (&self.data, self.width as usize);
                    let from = *bit;
                    let at = |k: usize| from + k * width;
                    // Up to a whole byte one by one (at most 7 values), then eight at a time:
                    // from a whole byte on, eight values lie in `width` bytes, unpacked from one
                    // 128-bit word when they are at most 16 bits wide; then the rest.
                    let mut k = 0;
                    if width <= 16 {
                        while k < take && at(k) % 8 != 0 {
                            out.push(unpack(data, at(k), self.width));
                            k += 1;
                        }
                        let mask = (1u128 << width) - 1;
                        while take - k >= 8 {
                            let byte = at(k) / 8;
                            let sixteen = data.get(byte..byte + 16);
                            let Some(sixteen) = sixteen.and_then(|s| <[u8; 16]>::try_from(s).ok())
                            else {
                                break;
                            };
                            let word = u128::from_le_bytes(sixteen);
                            out.extend((0..8).map(|i| (word >> (i * width) & mask) as u32));
                            k += 8;
                        }
                    }
                    out.extend((k..take).map(|k| unpack(data, at(k), self.width)));
                    *bit += take * width;
                    (*left, n) = (*left - take, n - take);
                }
                _ => self.next_run()?,
            }
        }
        Ok(())
    }

    /// Skips the next `n` values when they are all `value`, in the one RLE run; whether it did
    /// (else nothing is skipped).
    pub fn skip_repeat(&mut self, value: u32, n: usize) -> Result<bool, String> {
        let spent = matches!(
            self.run,
            Run::Repeat { left: 0, .. } | Run::Packed { left: 0, .. }
        );
        // At the end of the data, `fill` says the values end early.
        if spent && self.at < self.data.len() {
            self.next_run()?;
        }
        match &mut self.run {
            Run::Repeat { value: v, left } if *v == value && *left >= n => {
                *left -= n;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Reads the next run's header (and an RLE run's value).
    fn next_run(&mut self) -> Result<(), String> {
        let header = self.uleb128()?;
        let count = (header >> 1) as usize;
        self.run = match header & 1 {
            0 => {
                let bytes = self.width.div_ceil(8) as usize;
                let value = (self.data.get(self.at..self.at + bytes))
                    .ok_or_else(ended)?
                    .iter()
                    .rev()
                    .fold(0, |v, &b| v << 8 | u32::from(b));
                self.at += bytes;
                Run::Repeat { value, left: count }
            }
            _ => {
                // A writer may cut the last group short: only the values wholly there count.
                let bytes = (count * self.width as usize).min(self.data.len() - self.at);
                let left = match self.width {
                    0 => count * 8,
                    width => (count * 8).min(bytes * 8 / width as usize),
                };
                let run = Run::Packed {
                    bit: self.at * 8,
                    left,
                };
                self.at += bytes;
                run
            }
        };
        Ok(())
    }

    /// An unsigned LEB128 integer (7 bits a byte, the lowest first; a set top bit: more).
    fn uleb128(&mut self) -> Result<u32, String> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            let byte = *self.data.get(self.at).ok_or_else(ended)?;
            self.at += 1;
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| bad_header());
            }
        }
        Err(bad_header())
    }
}

/// The value of `width` bits at bit `bit` of `data` (bits past its end read as zeros).
#[inline(always)]
fn unpack(data: &[u8], bit: usize, width: u32) -> u32 {
    let byte = bit / 8;
    let word = match data.get(byte..byte + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => {
            let mut eight = [0; 8];
            let rest = data.get(byte..).unwrap_or_default();
            eight[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(eight)
        }
    };
    // bit % 8 + width <= 39: the value lies within the word.
    ((word >> (bit % 8)) & ((1u64 << width) - 1)) as u32
}

fn ended() -> String {
    "its levels or dictionary indices end before its rows do: the file is damaged".to_string()
}

fn bad_header() -> String {
    "a run of its levels or dictionary indices is too long: the file is damaged".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(data: &[u8], width: u8, n: usize) -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        Hybrid::new(Bytes::copy_from_slice(data), width)?.fill(n, &mut out)?;
        Ok(out)
    }

    #[test]
    fn rle_runs_repeat_their_value() {
        // Width 9: values in two bytes. Header 10 << 1 = 20: ten times 3; then 300 << 1 = 600
        // (ULEB128 0xD8 0x04) times 0x0102 = 258.
        let data = [20, 3, 0, 0xD8, 0x04, 0x02, 0x01];
        let out = decode(&data, 9, 310).unwrap();
        assert_eq!(out[..10], [3; 10]);
        assert!(out[10..].iter().all(|&v| v == 258));
        // Width 0: every value is 0, written in no byte.
        assert_eq!(decode(&[8], 0, 4).unwrap(), [0; 4]);
    }

    #[test]
    fn bit_packed_runs_unpack_from_the_lowest_bit() {
        // The spec's example: 0..=7 at width 3 is one group, header (1 << 1) | 1 = 3, packed in
        // the bytes 10001000 11000110 11111010.
        let data = [3, 0b1000_1000, 0b1100_0110, 0b1111_1010];
        assert_eq!(decode(&data, 3, 8).unwrap(), [0, 1, 2, 3, 4, 5, 6, 7]);
        // Odd counts: the first 5 of the group, the padding after them never read.
        assert_eq!(decode(&data, 3, 5).unwrap(), [0, 1, 2, 3, 4]);
        // Width 1 (definition levels), 2 groups: 1,0,1,1,0,0,0,1 then 1 × 8.
        let levels = [5, 0b1000_1101, 0xFF];
        assert_eq!(
            decode(&levels, 1, 11).unwrap(),
            [1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1]
        );
        // Width 17 crosses byte boundaries: 8 values of 17 bits in 17 bytes.
        let values = [1u32, 131_071, 65_536, 7, 0, 99_999, 12_345, 2];
        let mut packed = [0u8; 17];
        for (i, v) in values.iter().enumerate() {
            for b in 0..17 {
                if v >> b & 1 == 1 {
                    let bit = i * 17 + b;
                    packed[bit / 8] |= 1 << (bit % 8);
                }
            }
        }
        let mut data = vec![3];
        data.extend_from_slice(&packed);
        assert_eq!(decode(&data, 17, 8).unwrap(), values);
    }

    #[test]
    fn runs_mix_and_calls_resume_where_the_last_stopped() {
        // RLE 3 × 5, bit-packed 0..=7 (width 3), RLE 2 × 1.
        let data = [6, 5, 3, 0b1000_1000, 0b1100_0110, 0b1111_1010, 4, 1];
        let mut h = Hybrid::new(Bytes::copy_from_slice(&data), 3).unwrap();
        let mut out = Vec::new();
        for n in [2, 3, 1, 6, 1] {
            h.fill(n, &mut out).unwrap();
        }
        assert_eq!(out, [5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7, 1, 1]);
    }

    #[test]
    fn long_bit_packed_runs_of_every_width_read_as_packed() {
        // 100 values (13 groups, the last padded; all 0 at width 0), packed bit by bit here,
        // read back in calls of 5, 17 and 78 values, which start inside groups and at odd bits.
        for width in [0, 1, 2, 3, 5, 7, 8, 9, 12, 13, 15, 16, 17, 24, 32] {
            let mask = if width == 32 {
                u32::MAX
            } else {
                (1 << width) - 1
            };
            let values: Vec<u32> = (0..100u32)
                .map(|i| i.wrapping_mul(2_654_435_761) & mask)
                .collect();
            let mut bytes = vec![0u8; 13 * width];
            for (i, v) in values.iter().enumerate() {
                for b in 0..width {
                    if v >> b & 1 == 1 {
                        let at = i * width + b;
                        bytes[at / 8] |= 1 << (at % 8);
                    }
                }
            }
            let mut data = vec![13 << 1 | 1];
            data.extend(bytes);
            let mut hybrid = Hybrid::new(Bytes::from(data), width as u8).unwrap();
            let mut out = Vec::new();
            for n in [5, 17, 78] {
                hybrid.fill(n, &mut out).unwrap();
            }
            assert_eq!(out, values, "width {width}");
        }
    }

    #[test]
    fn a_repeated_value_is_skipped_only_within_one_run() {
        // RLE 1 × 5, RLE 0 × 2, RLE 1 × 4.
        let data = Bytes::from_static(&[10, 1, 4, 0, 8, 1]);
        let mut hybrid = Hybrid::new(data, 1).unwrap();
        assert_eq!(hybrid.skip_repeat(1, 3), Ok(true));
        // Two 1s are left in the first run: three are not there, nor a 0.
        assert_eq!(hybrid.skip_repeat(1, 3), Ok(false));
        assert_eq!(hybrid.skip_repeat(0, 1), Ok(false));
        let mut out = Vec::new();
        hybrid.fill(3, &mut out).unwrap();
        assert_eq!(out, [1, 1, 0]);
        // The rest of the 0s' run, then a new run read for the 1s.
        assert_eq!(hybrid.skip_repeat(0, 1), Ok(true));
        assert_eq!(hybrid.skip_repeat(1, 4), Ok(true));
        assert_eq!(hybrid.skip_repeat(1, 1), Ok(false));
        assert!(hybrid.fill(1, &mut out).is_err(), "the values ended");
    }

    #[test]
    fn data_that_ends_early_is_an_error() {
        assert!(decode(&[20, 3], 2, 11).unwrap_err().contains("damaged"));
        assert!(decode(&[], 1, 1).is_err());
        // A bit-packed group cut short: only the values wholly there (2 of width 3 in 1 byte).
        assert_eq!(decode(&[3, 0b1000_1000], 3, 2).unwrap(), [0, 1]);
        assert!(decode(&[3, 0b1000_1000], 3, 3).is_err());
        // A header longer than five bytes, and a width over 32.
        assert!(decode(&[0xFF; 6], 1, 1).is_err());
        assert!(Hybrid::new(Bytes::new(), 33).is_err());
    }
}
