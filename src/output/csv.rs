use std::io::{self, Write};

use super::{COLUMNS, machine_value, quantity};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
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
        ])?;
    }
    w.flush()
}
