//! Telling that a file changed while it was read: its size and modification time when opened,
//! against those at the end.

use anyhow::{Result, bail};

use super::Table;

/// A regular file's size and modification time, to tell that it changed while it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    pub(super) fn of(path: &std::path::Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl Table {
    /// The file's size and modification time when it was opened; `None` unless it is a regular
    /// file.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        self.stamp.as_ref().map(|(_, stamp)| *stamp)
    }

    /// An error when the file, a regular one, is not as it was when it was opened: it was cut,
    /// written to or replaced while xsell read it, and the numbers would mix its versions.
    pub fn check_unchanged(&self) -> Result<()> {
        let Some((path, before)) = &self.stamp else {
            return Ok(());
        };
        match Stamp::of(path) {
            Some(now) if now == *before => Ok(()),
            Some(now) => bail!(
                "{}: the file changed while it was read ({} bytes when opened, {} now): the \
                 numbers would mix two versions of it; read a copy that does not change",
                self.name,
                before.len,
                now.len
            ),
            None => bail!(
                "{}: the file was removed or replaced while it was read; read a copy that does \
                 not change",
                self.name
            ),
        }
    }
}
