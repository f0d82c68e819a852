//! A progress display on stderr for inputs that take more than about a second: only on a
//! terminal, never with `--quiet`, cleared before the result is printed. A bar of bytes with the
//! time left when the size is known (plain files), else a count of lines (stdin, gzip).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How long reading may take before the display appears.
const DELAY: Duration = Duration::from_secs(1);
/// Lines between two looks at the clock.
const EVERY: u64 = 1 << 16;

pub struct Progress<'a> {
    enabled: bool,
    start: Instant,
    lines: u64,
    /// The input's size in bytes, when known, and the bytes read so far.
    total: Option<u64>,
    done: &'a AtomicU64,
    bar: Option<ProgressBar>,
}

impl<'a> Progress<'a> {
    pub fn new(quiet: bool, total: Option<u64>, done: &'a AtomicU64) -> Progress<'a> {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            start: Instant::now(),
            lines: 0,
            total,
            done,
            bar: None,
        }
    }

    /// Counts one line read.
    pub fn line(&mut self) {
        self.lines += 1;
        if !self.enabled || !self.lines.is_multiple_of(EVERY) {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= DELAY {
            self.bar = Some(self.show());
        }
        if let Some(bar) = &self.bar {
            match self.total {
                Some(_) => bar.set_position(self.done.load(Ordering::Relaxed)),
                None => bar.set_position(self.lines),
            }
        }
    }

    fn show(&self) -> ProgressBar {
        let (bar, template) = match self.total {
            Some(total) => (
                ProgressBar::new(total),
                "{bar:40} {percent:>3}% of {total_bytes} read, {eta} left",
            ),
            None => (
                ProgressBar::new_spinner(),
                "{spinner} {human_pos} lines read ({elapsed})",
            ),
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = bar.with_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
