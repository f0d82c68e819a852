use std::io::{self, Write};

use super::Cell;

pub fn write_cells<R: AsRef<[Cell]>>(
    out: &mut dyn Write,
    columns: &[&str],
    records: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns).map_err(into_io)?;
    for record in records {
        let cells: Vec<_> = record.as_ref().iter().map(Cell::csv).collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
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
