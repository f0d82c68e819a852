//! A progress display on stderr for inputs that take more than about a second: only on a
//! terminal, never with `--quiet`, cleared before the result is printed.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How long reading may take before the display appears.
const DELAY: Duration = Duration::from_secs(1);
/// Lines between two looks at the clock.
const EVERY: u64 = 1 << 16;

pub struct Progress {
    enabled: bool,
    start: Instant,
    lines: u64,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            start: Instant::now(),
            lines: 0,
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
            let style =
                ProgressStyle::with_template("{spinner} {human_pos} lines read ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bar = ProgressBar::new_spinner().with_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.lines);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
