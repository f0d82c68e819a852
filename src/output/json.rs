//! JSON written by hand so that numbers keep their exact text: money as `1234.50`, fractions
//! with 6 decimals, like the CSV.

use std::io::{self, Write};

use super::{machine_value, quantity};
use crate::metrics::Row;

pub fn write(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, row) in rows.iter().enumerate() {
        let string = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "null".to_string());
        let or_null = |s: Option<String>| s.unwrap_or_else(|| "null".to_string());
        write!(
            out,
            "{}\n  {{\"metric\": {}, \"group\": {}, \"period\": {}, \"value\": {}, \"numerator\": {}, \"denominator\": {}}}",
            if i == 0 { "" } else { "," },
            string(row.metric),
            string(&row.group),
            or_null(row.period.as_deref().map(string)),
            or_null(row.value.map(|v| machine_value(v, row.unit))),
            or_null(row.numerator.map(quantity)),
            or_null(row.denominator.map(quantity)),
        )?;
    }
    out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
}
