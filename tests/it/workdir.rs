//! What the integration tests share, in the spirit of xsv's `Workdir`: a scratch directory of
//! inline files, the real binary run in it, its output checked (`ok`, `fails`) and parsed back
//! (`parse_csv`, `objects`); and the one door into the library (`evaluate`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::Value;

/// The stable first nine columns of every compute/report output, in order.
pub const HEADER: &str = "metric,group,period,value,numerator,denominator,by,ci_low,ci_high";

/// The crate directory: `fixtures/...` and `tests/...` resolve from it.
pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the crate, by its path from the crate directory.
pub fn crate_file(path: &str) -> PathBuf {
    manifest().join(path)
}

/// The real binary run in `dir`, with a whitespace-separated argument line. `NO_COLOR` is
/// removed so that colour tests see the terminal rules alone.
pub fn xsell_in(dir: &Path, line: &str) -> Command {
    xsell_args(dir, line.split_whitespace())
}

/// The real binary run in `dir` with these arguments, as given (they may hold spaces).
pub fn xsell_args<I, S>(dir: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xsell"));
    cmd.current_dir(dir).args(args);
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The real binary run in the crate directory (so `fixtures/...` resolves).
pub fn xsell(line: &str) -> Command {
    xsell_in(manifest(), line)
}

/// A scratch directory holding inline files; removed when dropped.
pub struct Workdir(tempfile::TempDir);

impl Workdir {
    /// An empty scratch directory.
    pub fn new() -> Self {
        Workdir(tempfile::tempdir().unwrap())
    }

    /// A scratch directory holding the given files (name, text).
    pub fn with(files: &[(&str, &str)]) -> Self {
        let w = Workdir::new();
        for (name, text) in files {
            w.write(name, text);
        }
        w
    }

    /// Writes `bytes` as `name`; returns its full path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The text of the file `name`.
    pub fn read(&self, name: &str) -> String {
        let path = self.path(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The full path of `name` in this directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    pub fn dir(&self) -> &Path {
        self.0.path()
    }

    /// The binary run in this directory.
    pub fn cmd(&self, line: &str) -> Command {
        xsell_in(self.dir(), line)
    }
}

// ==== Running ====

/// Run; return (exit code, stdout, stderr), asserting no panic.
pub fn run(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "stderr: {err}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), stdout, err)
}

/// Expect exit 0 and no panic; return stdout.
#[track_caller]
pub fn ok(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, Some(0), "stderr: {err}");
    out
}

/// Expect exit 2, nothing on stdout and no panic; return stderr.
#[track_caller]
pub fn fails_usage(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, Some(2), "stderr: {err}");
    assert!(out.is_empty(), "stdout: {out:?}");
    err
}

/// Like `fails_usage`, and stderr must be exactly one line.
#[track_caller]
pub fn fails(cmd: &mut Command) -> String {
    let err = fails_usage(cmd);
    assert_eq!(err.trim_end().lines().count(), 1, "want one line: {err}");
    err
}

/// Like `fails_usage`, with one error line, the last on stderr: warnings about the data (such
/// as the sample's repeated lines) may come before it.
#[track_caller]
pub fn fails_after_warnings(cmd: &mut Command) -> String {
    let err = fails_usage(cmd);
    let errors = err.lines().filter(|l| l.contains("error:")).count();
    assert_eq!(errors, 1, "want one error line: {err}");
    let last = err.trim_end().lines().last();
    assert!(last.is_some_and(|l| l.contains("error:")), "{err}");
    err
}

/// Exit 2, nothing on stdout, and stderr exactly the one line `xsell: error: MESSAGE`.
#[track_caller]
pub fn assert_error(out: &Output, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("xsell: error: {message}\n"));
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.is_empty(), "stdout: {stdout}");
}

/// Assert that `text` contains every one of `parts`.
#[track_caller]
pub fn has_all(text: &str, parts: &[&str]) {
    let missing: Vec<_> = parts.iter().filter(|p| !text.contains(**p)).collect();
    assert!(missing.is_empty(), "{missing:?} not in {text}");
}

// ==== Parsing the output back ====

/// One CSV row as column name -> cell.
pub type Rec = HashMap<String, String>;

/// The records of a CSV text (header left out), each as its cells, read by the csv crate.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let cells = |r: csv::StringRecord| r.iter().map(String::from).collect();
    rdr.records().map(|r| cells(r.unwrap())).collect()
}

/// CSV rows as maps, after checking that the header starts with `head`.
#[track_caller]
pub fn records(text: &str, head: &str) -> Vec<Rec> {
    let first = text.lines().next().unwrap_or("");
    assert!(first.starts_with(head), "CSV columns in order: {first}");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rec = |cells: Vec<String>| names.iter().cloned().zip(cells).collect();
    csv_rows(text).into_iter().map(rec).collect()
}

/// The rows of compute/report CSV output, whose columns start with `HEADER`.
#[track_caller]
pub fn parse_csv(text: &str) -> Vec<Rec> {
    records(text, HEADER)
}

/// The objects of a JSON array.
pub fn objects(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).unwrap();
    v.as_array().unwrap().clone()
}

/// The keys of every JSON object of an array in the raw text, in order (a key is a quoted string
/// before `:`), joined by commas per object (objects of `per_object` keys each).
pub fn json_keys_by(text: &str, per_object: usize) -> Vec<String> {
    let pieces: Vec<&str> = text.split('"').collect();
    let keys = pieces
        .windows(2)
        .filter(|w| w[1].trim_start().starts_with(':'));
    let keys: Vec<&str> = keys.map(|w| w[0]).collect();
    keys.chunks(per_object).map(|c| c.join(",")).collect()
}

/// `json_keys_by`, with as many keys an object as the first object has.
pub fn json_keys(text: &str) -> Vec<String> {
    let n = objects(text)
        .first()
        .map_or(1, |o| o.as_object().unwrap().len());
    json_keys_by(text, n)
}

/// Cells of a comfy-table, header row included.
pub fn table(text: &str) -> Vec<Vec<String>> {
    let cells = |l: &str| {
        l.split(['│', '┆'])
            .map(|c| c.trim().to_string())
            .collect::<Vec<_>>()
    };
    let rows = text.lines().filter(|l| l.starts_with('│')).map(cells);
    rows.map(|r| r[1..r.len() - 1].to_vec()).collect()
}

// ==== Numbers ====

/// How far a number computed in another order may be from the binary's: a relative 1e-12, some
/// thousands of units in the last place of a 64-bit float (2.2e-16 apart) and far below any
/// digit a person reads.
pub const CLOSE: f64 = 1e-12;

/// How an expected number is held against the binary's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Same {
    /// The same text: an exact fraction (a count or an amount over another) rounded once to the
    /// nearest float has one shortest text, so the oracle and the binary agree to the last digit.
    Text,
    /// Numbers within a relative [`CLOSE`]: values rounded more than once, in another order by
    /// the oracle than by the binary (an interval through square roots, the CLV formula's
    /// product of factors).
    Close,
}

/// Whether the output cell `got` is the expected `want` as `how` says. An empty cell (n/a)
/// matches only an empty cell.
pub fn same_number(got: &str, want: &str, how: Same) -> bool {
    if got == want {
        return true;
    }
    let (Ok(a), Ok(b)) = (got.parse::<f64>(), want.parse::<f64>()) else {
        return false;
    };
    how == Same::Close && (a - b).abs() <= CLOSE * a.abs().max(b.abs())
}

/// Asserts [`same_number`]; `what` names the cell in the failure.
#[track_caller]
pub fn assert_number(got: &str, want: &str, how: Same, what: &str) {
    assert!(
        same_number(got, want, how),
        "{what}: got {got:?}, want {want:?} ({how:?})"
    );
}

/// The text of every `"key": value` of a JSON text in order, as written (`0.1`, `2.5e-7`,
/// `null`): the numbers as the binary printed them, before any parser rounds them. For keys
/// whose values are numbers or null.
pub fn json_raw(text: &str, key: &str) -> Vec<String> {
    let tag = format!("{}: ", serde_json::to_string(key).unwrap());
    text.match_indices(&tag)
        .map(|(at, _)| {
            let rest = &text[at + tag.len()..];
            let end = rest.find([',', '}', '\n']).unwrap_or(rest.len());
            rest[..end].trim().to_string()
        })
        .collect()
}

// ==== The SQLite oracle ====

/// The text of an expectation file of the SQLite oracle, `tests/oracle/expected/NAME`: written
/// by `tests/oracle/run` from the SQL beside it (`--check` verifies it in CI). Its first column,
/// `args`, names the scenario.
pub fn oracle(name: &str) -> String {
    let path = crate_file("tests/oracle/expected").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ==== The library engine ====

/// What a test asks of the engine besides the input.
#[derive(Clone, Debug, Default)]
pub struct Ask {
    pub slicing: xsell::metrics::slice::Slicing,
    pub window: xsell::metrics::Window,
    /// `--skip-invalid`.
    pub skip_invalid: bool,
}

/// The engine run on in-memory orders files (name, bytes), as the command line runs it: the
/// result rows, or the error as text (`{:#}`). The one place that calls the library's entry
/// points: when they move, only this function changes.
pub fn evaluate(
    files: Vec<(String, Arc<[u8]>)>,
    ask: &Ask,
    metrics: Option<Vec<xsell::metrics::Metric>>,
) -> Result<Vec<xsell::metrics::Row>, String> {
    use xsell::input::Source;
    let sources = files
        .into_iter()
        .map(|(name, bytes)| Source::Bytes(name, bytes))
        .collect();
    let mut config = xsell::engine::Config::new(sources);
    config.settings.slicing = ask.slicing.clone();
    config.settings.window = ask.window;
    config.read.invalid.skip = ask.skip_invalid;
    match xsell::engine::evaluate(&config, metrics) {
        Ok((rows, _)) => Ok(rows),
        Err(e) => Err(format!("{e:#}")),
    }
}
