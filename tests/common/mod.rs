//! What the integration-test binaries share: running the real binary, and a scratch directory
//! of inline files (like xsv's Workdir).

use assert_cmd::Command;
use std::path::Path;

/// The real binary run in `dir`, with a whitespace-separated argument line. `NO_COLOR` is
/// removed so that colour tests see the terminal rules alone.
pub fn xsell_in(dir: &Path, line: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xsell"));
    cmd.current_dir(dir).args(line.split_whitespace());
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A scratch directory holding the given files.
pub struct Workdir(pub tempfile::TempDir);

impl Workdir {
    pub fn with(files: &[(&str, &str)]) -> Self {
        let w = Workdir(tempfile::tempdir().unwrap());
        for (name, text) in files {
            std::fs::write(w.0.path().join(name), text).unwrap();
        }
        w
    }

    /// The binary run in this directory.
    pub fn cmd(&self, line: &str) -> Command {
        xsell_in(self.0.path(), line)
    }
}
