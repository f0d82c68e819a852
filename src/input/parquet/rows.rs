//! A Parquet file's rows handed on as records, from the slices a [`Decoder`] writes: on a
//! thread of their own when the run has threads to spare, so that decoding the next slice
//! overlaps reading this one's rows.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::decode::{Decoder, Slice};
use crate::input::records::Record;

/// Slices decoded ahead of the rows handed on, at most.
const AHEAD: usize = 4;

/// The rows of a Parquet file as records ([`super::Parquet::rows`]).
pub(crate) struct Rows {
    from: From,
    /// The slice whose rows are handed on, and the next of them.
    slice: Slice,
    row: usize,
    /// Whether the record the rows are read into holds the slice's text, cells' ends and cells
    /// ([`Record::hold`]): then they go back to the slice before it is decoded again.
    held: bool,
    /// The line of the next row: the header is line 1.
    line: u64,
    /// The error that ended the rows.
    failed: Option<String>,
}

/// Where the slices come from.
enum From {
    Here(Box<Decoder>),
    /// A thread that decodes them (`None` after the last), and the way to hand it back the
    /// slices read, for reuse.
    Ahead(Receiver<Result<Option<Slice>, String>>, SyncSender<Slice>),
}

impl Rows {
    pub(super) fn new(decoder: Decoder, ahead: bool) -> Rows {
        let from = match ahead {
            false => From::Here(Box::new(decoder)),
            true => {
                let (send, slices) = sync_channel(AHEAD);
                let (give_back, spares) = sync_channel::<Slice>(AHEAD + 2);
                let mut decoder = decoder;
                std::thread::spawn(move || {
                    // Ends after the end (`None`, said), after an error, or when the rows'
                    // reader is gone. A closed channel without `None` is an error there: a
                    // panic here never passes for the end of the file.
                    loop {
                        let mut slice = spares.try_recv().unwrap_or_default();
                        let read =
                            decode(&mut decoder, &mut slice).map(|more| more.then_some(slice));
                        let last = !matches!(read, Ok(Some(_)));
                        if send.send(read).is_err() || last {
                            return;
                        }
                    }
                });
                From::Ahead(slices, give_back)
            }
        };
        Rows {
            from,
            slice: Slice::default(),
            row: 0,
            held: false,
            line: 2,
            failed: None,
        }
    }

    /// The line of the next row, as a CSV export of the file numbers it.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads the next row into `record`; `false` after the last. An error is the message to show
    /// after the file's name.
    pub fn read(&mut self, record: &mut Record) -> Result<bool, String> {
        if self.row == self.slice.rows && !self.next_slice(record)? {
            return Ok(false);
        }
        let (r, slice) = (self.row, &self.slice);
        let span = (slice.starts[r], slice.starts[r + 1]);
        let fields = (r * slice.width(), (r + 1) * slice.width());
        match self.held {
            true => {
                let flags = (slice.plain[r], slice.printable[r], slice.unspaced[r]);
                record.row((self.line, r), span, fields, flags);
            }
            false => {
                let ends = &slice.ends[fields.0..fields.1];
                record.set(self.line, slice.all(), span, ends, slice.plain[r]);
            }
        }
        self.row += 1;
        self.line += 1;
        Ok(true)
    }

    /// Takes the next slice, and when its text is UTF-8 has `record` hold it; `false` after the
    /// last. An error ends the rows: it is given again if they are asked for again.
    fn next_slice(&mut self, record: &mut Record) -> Result<bool, String> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.held {
            let slice = &mut self.slice;
            record.hold(&mut slice.text, &mut slice.ends, &mut slice.columns);
            self.held = false;
        }
        self.row = 0;
        self.slice.rows = 0;
        let next = match &mut self.from {
            From::Here(decoder) => decode(decoder, &mut self.slice),
            From::Ahead(slices, give_back) => match slices.recv() {
                Ok(Ok(Some(next))) => {
                    let read = std::mem::replace(&mut self.slice, next);
                    let _ = give_back.try_send(read);
                    Ok(true)
                }
                Ok(Ok(None)) => Ok(false),
                Ok(Err(e)) => Err(e),
                Err(_) => Err("the thread that decodes it stopped".to_string()),
            },
        };
        match &next {
            Ok(true) if self.slice.utf8 => {
                let slice = &mut self.slice;
                record.hold(&mut slice.text, &mut slice.ends, &mut slice.columns);
                self.held = true;
            }
            Ok(_) => {}
            Err(e) => self.failed = Some(e.clone()),
        }
        next
    }
}

/// The next slice of `decoder` into `slice`; a panic of the parquet crate on a damaged file is
/// an error, as any other.
fn decode(decoder: &mut Decoder, slice: &mut Slice) -> Result<bool, String> {
    crate::input::quiet_unwind(|| decoder.slice(slice)).unwrap_or_else(|panic| {
        Err(format!(
            "the file is damaged: the parquet crate failed ({panic}); copy or write it again"
        ))
    })
}
