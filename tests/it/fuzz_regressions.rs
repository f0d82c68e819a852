//! Inputs the fuzz target (fuzz/fuzz_targets/orders.rs) once choked on, replayed the way it runs
//! them. Each file in tests/fuzz_inputs/ is one input: the first byte picks the variant (even:
//! the command line's defaults; odd: --skip-invalid, --by segment --by channel, --period week,
//! rows written as JSON), the rest is orders.csv.

use std::sync::Arc;

use crate::workdir::{Ask, crate_file, evaluate};
use xsell::metrics::slice::{Dim, PeriodKind, Slicing};
use xsell::output::{self, Format};

/// What the fuzz target does with `data`; the error, if any, as text.
fn replay(data: &[u8]) -> Option<String> {
    let (&variant, csv) = data.split_first()?;
    let mut ask = Ask::default();
    if variant & 1 == 1 {
        ask.skip_invalid = true;
        ask.slicing = Slicing {
            dims: vec![Dim::Segment, Dim::Channel],
            period: Some(PeriodKind::Week),
        };
    }
    match evaluate(vec![("fuzz.csv".into(), Arc::from(csv))], &ask, None) {
        Ok(rows) => {
            let mut out = Vec::new();
            output::write_rows(&mut out, Format::Json, &rows, None, Default::default()).ok()?;
            None
        }
        Err(e) => Some(e),
    }
}

fn input(name: &str) -> Vec<u8> {
    let path = crate_file("tests/fuzz_inputs").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn weekly_periods_over_six_thousand_years_are_not_built() {
    // Dates 2025-02-10 and 8174-02-10 under --period week: about 320,000 weeks of rows for
    // every metric and group exhausted memory. Then a clear error before any row was made; now
    // 8174 is far from the median year (2025), and the window's weeks end in 2025.
    assert_eq!(replay(&input("oom-far-date-weeks.bin")), None);
}

#[test]
fn every_saved_input_runs_without_panicking() {
    let dir = crate_file("tests/fuzz_inputs");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let _ = replay(&std::fs::read(&path).unwrap());
    }
}
