//! Arbitrary bytes as orders.csv, through the reader and every metric the columns allow.
//! Errors are fine; a panic is a bug.
//!
//! The first byte picks the variant: even, the command line's defaults; odd, `--skip-invalid`,
//! `--by segment,channel --period week` and the rows written as JSON. The rest is the file.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use xsell::engine::Config;
use xsell::input::Source;
use xsell::metrics::slice::{Dim, PeriodKind, Slicing};
use xsell::output::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&variant, csv)) = data.split_first() else {
        return;
    };
    let mut config = Config::new(vec![Source::Bytes("fuzz.csv".into(), Arc::from(csv))]);
    if variant & 1 == 0 {
        let _ = xsell::engine::evaluate(&config, None);
    } else {
        config.read.invalid.skip = true;
        config.settings.slicing = Slicing {
            dims: vec![Dim::Segment, Dim::Channel],
            period: Some(PeriodKind::Week),
        };
        if let Ok((rows, _summary)) = xsell::engine::evaluate(&config, None) {
            output::write_rows(&mut Vec::new(), Format::Json, &rows, None, Default::default())
                .expect("writing to a Vec cannot fail");
        }
    }
});
