use std::io::{self, Write};

use super::{COLUMNS, machine_value, quantity};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS).map_err(into_io)?;
    for row in rows {
        w.write_record([
            row.metric.to_string(),
            row.group.clone(),
            row.period.clone().unwrap_or_default(),
            row.value
                .map(|v| machine_value(v, row.unit))
                .unwrap_or_default(),
            row.numerator.map(quantity).unwrap_or_default(),
            row.denominator.map(quantity).unwrap_or_default(),
        ])
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
