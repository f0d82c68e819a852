//! The metric fold split by customer: the reading thread hands each line, with the scopes the
//! router gave it, to one of `parts` fold threads, chosen by its customer; each thread folds its
//! customers into a [`Fold`] of its own, and the folds are merged at the end (the accumulators
//! are mergeable, whatever lines each part saw: `metrics::tests`). A single fold thread routes
//! the lines itself, off the reading thread.
//!
//! A part takes whole blocks of customer ids ([`page_of`]), the pages its per-customer
//! vectors hold, so the parts together hold each customer's state once. Ids are the book's,
//! given out on the reading thread in file order, so nothing depends on the number of parts.

use std::sync::mpsc;

use crate::input::Line;
use crate::metrics::slice::{Route, Router};
use crate::metrics::{Fold, page_of};

/// Lines per batch handed to a fold thread, and batches waiting for each thread, at most.
const LINES: usize = 4096;
const QUEUE: usize = 4;

/// Fold threads at most: each holds pages of every order id it sees (a byte an order).
const MOST: usize = 32;

/// Lines of one part, with their routes when routed on the reading thread: line `i`'s are
/// `routes[ends[i - 1]..ends[i]]`.
#[derive(Default)]
struct Routed {
    lines: Vec<Line>,
    ends: Vec<u32>,
    routes: Vec<Route>,
}

impl Routed {
    fn push(&mut self, line: &Line, routes: Option<&[Route]>) {
        self.lines.push(*line);
        if let Some(routes) = routes {
            self.routes.extend_from_slice(routes);
            self.ends.push(self.routes.len() as u32);
        }
    }

    /// Folds the lines, with their routes or routed by `router`.
    fn fold_into(&mut self, fold: &mut Fold, router: &mut Option<Router>) {
        match router {
            Some(router) => self.lines.iter().for_each(|l| fold.add(l, router.route(l))),
            None => {
                let mut start = 0;
                for (line, &end) in self.lines.iter().zip(&self.ends) {
                    fold.add(line, &self.routes[start..end as usize]);
                    start = end as usize;
                }
            }
        }
        self.lines.clear();
        self.ends.clear();
        self.routes.clear();
    }
}

/// Runs `read`, which calls its argument with each line, while `parts` threads fold them into
/// folds made by `make`; returns what `read` returned, the merged fold and the router. One
/// fold thread routes the lines itself; with more, the reading thread routes them, so that
/// every part's scopes are the router's.
pub(super) fn fold<R>(
    parts: usize,
    make: impl Fn() -> Fold,
    router: Router,
    read: impl FnOnce(&mut dyn FnMut(&Line)) -> R,
) -> (R, Fold, Router) {
    let parts = parts.max(1);
    let (mut theirs, mut ours) = match parts {
        1 => (Some(router), None),
        _ => (None, Some(router)),
    };
    std::thread::scope(|scope| {
        let mut to_fold = Vec::with_capacity(parts);
        let mut spares = Vec::with_capacity(parts);
        let mut folds = Vec::with_capacity(parts);
        for _ in 0..parts {
            let (full_tx, full_rx) = mpsc::sync_channel::<Routed>(QUEUE);
            let (spare_tx, spare_rx) = mpsc::channel::<Routed>();
            let mut fold = make();
            let mut router = theirs.take();
            folds.push(scope.spawn(move || {
                for mut batch in full_rx {
                    batch.fold_into(&mut fold, &mut router);
                    // The reading thread may have finished: then the batch is not needed.
                    let _ = spare_tx.send(batch);
                }
                (fold, router)
            }));
            to_fold.push(full_tx);
            spares.push(spare_rx);
        }
        let mut batches: Vec<Routed> = (0..parts).map(|_| Routed::default()).collect();
        let block = block_for_tests();
        let result = read(&mut |line| {
            let block = block.map_or_else(|| page_of(line.customer), |b| line.customer / b);
            let part = block as usize % parts;
            let batch = &mut batches[part];
            batch.push(line, ours.as_mut().map(|r| r.route(line)));
            if batch.lines.len() >= LINES {
                let spare = spares[part].try_recv().unwrap_or_default();
                // A fold thread only stops by panicking, which the join below passes on.
                let _ = to_fold[part].send(std::mem::replace(batch, spare));
            }
        });
        for (batch, to_fold) in batches.into_iter().zip(&to_fold) {
            if !batch.lines.is_empty() {
                let _ = to_fold.send(batch);
            }
        }
        drop(to_fold);
        let mut whole: Option<Fold> = None;
        for part in folds {
            let (fold, router) = part.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            ours = ours.or(router);
            match &mut whole {
                None => whole = Some(fold),
                Some(whole) => whole.merge(fold),
            }
        }
        let whole = whole.unwrap_or_else(&make);
        let router = ours.expect("the router comes back from the thread that had it");
        (result, whole, router)
    })
}

/// Customer ids per block of a part when not a page: the environment variable
/// `XSELL_FOLD_BLOCK`, for tests, so that the few customers of a small input spread over the
/// parts too.
fn block_for_tests() -> Option<u32> {
    let block = std::env::var("XSELL_FOLD_BLOCK").ok()?.parse().ok()?;
    (block > 0).then_some(block)
}

/// Fold threads for a run on `threads` threads folding `metrics` metrics (0: the reading
/// thread folds). One metric costs less to fold than to check and intern the lines, so it
/// gets threads of its own only from three threads on; several get one from two threads on
/// (measured on 2 cores, 10M lines: report 14.4 -> 12.0 s; cross-sell alone 3.6 -> 4.0 s). Past
/// that, half the threads fold (at most [`MOST`]): the reading threads parse the other half.
pub fn fold_threads(threads: usize, metrics: usize) -> usize {
    match threads {
        0 | 1 => 0,
        2 => usize::from(metrics > 1),
        _ => (threads / 2).min(MOST),
    }
}

#[cfg(test)]
mod tests {
    use super::fold_threads;

    #[test]
    fn fold_threads_follow_the_threads_and_the_metrics() {
        assert_eq!(fold_threads(1, 11), 0);
        assert_eq!(fold_threads(2, 1), 0);
        assert_eq!(fold_threads(2, 11), 1);
        assert_eq!(fold_threads(3, 1), 1);
        assert_eq!(fold_threads(8, 1), 4);
        assert_eq!(fold_threads(64, 11), 32);
        assert_eq!(fold_threads(65535, 11), 32);
    }
}
