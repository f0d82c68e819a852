//! Reading ahead: rows are split and parsed on a second thread while the caller folds the
//! previous batch, or in turn on one thread (`--threads 1`). The order of rows is kept either
//! way, so the result never depends on the thread count.

use std::sync::mpsc;

/// Batches parsed ahead of the fold, at most: enough to keep both threads busy, few enough to
/// keep memory flat. Enough, too, to keep the fold busy while a Parquet file's next row group
/// is opened, when the pages of every column read are decompressed at once (DuckDB writes a
/// column's chunk as one page of about a megabyte): with 4, the fold waited for them, and the
/// 10M-line file took 4% more time as Parquet than as CSV; with 16, 2% less. A batch of order
/// lines holds at most 4,096 rows and 1 MiB of their text: 16 took 10 MiB more at the peak
/// than 4.
const QUEUE: usize = 16;

/// Runs `produce`, which fills a batch and hands it to its `send` argument, and `consume`, which
/// takes each batch in order. `send` returns `false` once `consume` has stopped (it returned
/// `false`); the producer then ends. After `send` the producer's batch is empty again.
pub(crate) fn run<B, P, C>(threads: usize, produce: P, mut consume: C)
where
    B: Default + Send + Clear,
    P: FnOnce(&mut dyn FnMut(&mut B) -> bool) + Send,
    C: FnMut(&mut B) -> bool,
{
    if threads <= 1 {
        produce(&mut |batch: &mut B| {
            let go = consume(batch);
            batch.clear();
            go
        });
        return;
    }
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<B>(QUEUE);
        let (spare_tx, spare_rx) = mpsc::channel::<B>();
        scope.spawn(move || {
            produce(&mut |batch: &mut B| {
                let spare = spare_rx.try_recv().unwrap_or_default();
                full_tx.send(std::mem::replace(batch, spare)).is_ok()
            });
        });
        for mut batch in full_rx {
            if !consume(&mut batch) {
                break; // dropping the receiver makes the producer's next send fail
            }
            batch.clear();
            // The producer may have finished and gone: then the batch is not needed.
            let _ = spare_tx.send(batch);
        }
    });
}

/// A batch that can be emptied for reuse, keeping its allocations.
pub(crate) trait Clear {
    fn clear(&mut self);
}

impl<T> Clear for Vec<T> {
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends 0..n in batches of 3 and collects what the consumer sees.
    fn relay(threads: usize, n: u32, stop_at: Option<u32>) -> Vec<u32> {
        let mut seen = Vec::new();
        run(
            threads,
            |send: &mut dyn FnMut(&mut Vec<u32>) -> bool| {
                let mut batch = Vec::new();
                for i in 0..n {
                    batch.push(i);
                    if batch.len() == 3 {
                        if !send(&mut batch) {
                            return;
                        }
                        assert!(batch.is_empty(), "send leaves an empty batch");
                    }
                }
                if !batch.is_empty() {
                    send(&mut batch);
                }
            },
            |batch: &mut Vec<u32>| {
                for &i in batch.iter() {
                    if Some(i) == stop_at {
                        return false;
                    }
                    seen.push(i);
                }
                true
            },
        );
        seen
    }

    #[test]
    fn every_row_arrives_once_in_order_on_one_or_two_threads() {
        let all: Vec<u32> = (0..1000).collect();
        assert_eq!(relay(1, 1000, None), all);
        assert_eq!(relay(2, 1000, None), all);
        assert_eq!(relay(2, 7, None), vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(relay(2, 0, None), Vec::<u32>::new());
    }

    #[test]
    fn a_consumer_that_stops_stops_the_producer() {
        assert_eq!(relay(1, 1000, Some(4)), vec![0, 1, 2, 3]);
        // The producer must end (the test would hang otherwise) and nothing after 4 is seen.
        assert_eq!(relay(2, 1_000_000, Some(4)), vec![0, 1, 2, 3]);
    }
}
