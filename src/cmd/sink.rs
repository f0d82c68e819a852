//! Where output goes: `-o FILE` written in full or not at all, standard output whose failure is
//! named, and standard error that may be gone without a panic.
//!
//! Signals: a closed pipe (`xsell ... | head`) raises no SIGPIPE, as the Rust runtime ignores it
//! at start-up; the write fails with a broken pipe, which `main` takes for success. A write past
//! the file-size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills the process:
//! [`catch_file_size_signal`] turns it into an error, so that a run stopped by the limit removes
//! its temporary file and says which file it could not write.

use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, Result, bail};

/// Writes `write`'s output to `path`. A regular file (or a new one) is written beside it first,
/// flushed and synced, then renamed over it: a run that fails part-way (a full disk, a file-size
/// limit) leaves the previous file as it was. Anything else (`/dev/stdout`, a pipe) is written
/// in place.
pub fn to_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let regular = fs::metadata(path).map_or(true, |m| m.is_file());
    if !regular {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let mut out = BufWriter::new(file);
        return write(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()));
    }
    let temporary = beside(path);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .with_context(|| format!("cannot create {}", temporary.display()))?;
    let written = (|| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()
    })();
    let done = written.and_then(|()| fs::rename(&temporary, path));
    if let Err(e) = done {
        let _ = fs::remove_file(&temporary);
        return Err(anyhow::Error::new(e).context(format!(
            "cannot write {}; it is left as it was",
            path.display()
        )));
    }
    Ok(())
}

/// A new name in `path`'s folder for the file written before it is renamed to `path`.
fn beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.xsell-{}.tmp", std::process::id()))
}

/// Whether standard output was closed when the process started (`>&-`), as the binary found
/// before the Rust runtime's start-up: the runtime then opens /dev/null in its place, which
/// would take the output without a word, and looks the same as a /dev/null given on purpose
/// (Python's `subprocess.DEVNULL`, Node's `'ignore'`, `1<>/dev/null`).
pub static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Writes `write`'s output to standard output; a failure names it (`> /dev/full`), as does a
/// standard output closed at start ([`STDOUT_CLOSED_AT_START`]).
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if STDOUT_CLOSED_AT_START.load(Ordering::Relaxed) {
        bail!(
            "cannot write standard output: it was closed when xsell started (>&-); write to a \
             file with -o FILE, or send standard output to /dev/null"
        );
    }
    let mut out = BufWriter::with_capacity(32 * 1024, io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .context("cannot write standard output")
}

/// Catches SIGXFSZ, the signal of a write past the file-size limit (`ulimit -f`), so that the
/// write fails with "File too large" (EFBIG) instead of killing the process half-way through
/// writing `-o`'s temporary file. The handler only sets a flag that nothing reads: the error is
/// the write's. Call it once, at start-up.
///
/// signal-hook's safe `flag::register`, as no safe interface sets SIG_IGN; unlike SIG_IGN a
/// handler does not pass on to programs xsell would start, and xsell starts none.
pub fn catch_file_size_signal() {
    #[cfg(unix)]
    {
        use std::sync::atomic::AtomicBool;
        static RAISED: AtomicBool = AtomicBool::new(false);
        // Fails only for a forbidden or unknown signal, which SIGXFSZ is not; without the
        // handler the limit still stops the run, as before.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, &RAISED);
    }
}

/// A line on standard error; nothing, and no panic, when standard error is gone.
pub fn to_stderr(line: std::fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}
