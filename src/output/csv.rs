use std::io::{self, Write};

use super::{BENCHMARK_COLUMNS, COLUMNS, benchmarked, cells};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let benchmarks = benchmarked(rows);
    let mut w = csv::Writer::from_writer(out);
    let header = COLUMNS.iter().chain(
        benchmarks
            .then_some(&BENCHMARK_COLUMNS)
            .into_iter()
            .flatten(),
    );
    w.write_record(header).map_err(into_io)?;
    for row in rows {
        let cells = cells(row, benchmarks);
        w.write_record(cells.iter().map(|c| c.csv()))
            .map_err(into_io)?;
    }
    w.flush()
}

/// Keeps the io::Error inside a csv::Error, so that a closed pipe is still recognised as one.
pub fn into_io(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
