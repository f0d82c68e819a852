//! A part of an open file, read where it lies.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// The bytes of a file from `at` up to `end`, read where they lie (`pread`): each thread reads
/// the same open file without a shared position.
pub(crate) struct At {
    pub file: Arc<File>,
    pub at: u64,
    pub end: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.end.saturating_sub(self.at).min(buf.len() as u64) as usize;
        if room == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..room], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}
