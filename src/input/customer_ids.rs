//! Customer ids: the texts of millions of customers to dense ids `0..len`, given in the order
//! of the customers' first admitted lines, as one reader in file order would give them.
//!
//! Looking a text up in a table of millions is most of what checking a row costs (a cache miss
//! or two). So the lookups are made where the rows are parsed, on every reading thread: the
//! texts are split by hash among [`SHARDS`] interners, each behind a lock of its own, and a row
//! carries a [`Handle`] — its shard and its place there, which depend on the threads' timing.
//! The thread that checks the rows in order turns a handle into the dense id with an array
//! lookup ([`CustomerIds::admit`]), and compares handles where it compared texts: one text, one
//! handle.

use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{Result, bail};

use super::intern::Interner;

/// Interners the texts are split among: enough that reading threads seldom wait for one
/// another, few enough that a batch's lookups in each stay many.
const SHARD_BITS: u32 = 6;
const SHARDS: usize = 1 << SHARD_BITS;

/// A customer's text as the reading threads know it: the shard in the low [`SHARD_BITS`] bits,
/// its id in the shard's interner above them.
pub type Handle = u32;

/// Texts in a shard, at most, for its ids to fit a [`Handle`].
const SHARD_MOST: u32 = u32::MAX >> SHARD_BITS;

/// A row's customer as its reading thread found it: the text's handle, and its dense id if
/// the thread that checks the rows had admitted it by then ([`CustomerIds::publish`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub handle: Handle,
    /// The dense id + 1; 0 for none.
    known: u32,
}

/// The texts of one shard, with the dense ids of those admitted.
#[derive(Debug, Default)]
struct Shard {
    texts: Interner,
    /// By id in the shard: the dense id + 1, or 0 for a text not admitted, as published.
    ids: Vec<u32>,
}

/// The interners, shared by every thread that reads rows.
#[derive(Debug)]
pub struct Shards(Box<[Mutex<Shard>]>);

#[derive(Debug)]
pub struct CustomerIds {
    shards: Arc<Shards>,
    /// By dense id: its handle.
    handles: Vec<Handle>,
    /// By shard, by id in the shard: the dense id + 1, or 0 for a text not admitted (yet).
    ids: Vec<Vec<u32>>,
    /// Admitted since the last [`CustomerIds::publish`]: handle and dense id.
    unpublished: Vec<(Handle, u32)>,
}

impl Default for CustomerIds {
    fn default() -> CustomerIds {
        CustomerIds {
            shards: Arc::new(Shards((0..SHARDS).map(|_| Mutex::default()).collect())),
            handles: Vec::new(),
            ids: vec![Vec::new(); SHARDS],
            unpublished: Vec::new(),
        }
    }
}

/// The shard of a text whose table hash is `hash`: bits from its middle, which every byte of
/// the text moves (the low bits of the final multiply see only the key's low bits) and which
/// the shard's table, placing by the top bits, does not use.
fn shard_by_hash(hash: u64) -> u8 {
    (hash >> 32) as u8 & (SHARDS as u8 - 1)
}

fn shard_of(handle: Handle) -> usize {
    (handle & (SHARDS as u32 - 1)) as usize
}

fn local(handle: Handle) -> usize {
    (handle >> SHARD_BITS) as usize
}

impl Shards {
    /// The customers of `texts`, pushed onto `found`, each text added to its shard if new.
    /// Called by any thread, for a batch of rows at a time: one lock per shard met.
    pub fn look_up(&self, texts: &[&str], found: &mut Vec<Found>) -> Result<()> {
        let first = found.len();
        found.resize(first + texts.len(), Found::default());
        // The texts' indices grouped by shard (a counting sort), looked up shard by shard.
        let shards: Vec<u8> = (texts.iter())
            .map(|t| shard_by_hash(Interner::hash(t)))
            .collect();
        let mut starts = [0usize; SHARDS + 1];
        for &s in &shards {
            starts[s as usize + 1] += 1;
        }
        for s in 0..SHARDS {
            starts[s + 1] += starts[s];
        }
        let mut grouped = vec![0u32; texts.len()];
        let mut next = starts;
        for (i, &s) in shards.iter().enumerate() {
            grouped[next[s as usize]] = i as u32;
            next[s as usize] += 1;
        }
        let mut ids = Vec::new();
        for s in 0..SHARDS {
            let group = &grouped[starts[s]..starts[s + 1]];
            if group.is_empty() {
                continue;
            }
            ids.clear();
            let mut shard = self.lock(s);
            (shard.texts).intern_each(group.iter().map(|&i| texts[i as usize]), &mut ids);
            for (&i, &id) in group.iter().zip(&ids) {
                if id > SHARD_MOST {
                    bail!(
                        "more distinct customer ids than xsell can count (about {} million)",
                        (u64::from(SHARD_MOST) + 1) * SHARDS as u64 / 1_000_000
                    );
                }
                found[first + i as usize] = Found {
                    handle: id << SHARD_BITS | s as u32,
                    known: shard.ids.get(id as usize).copied().unwrap_or(0),
                };
            }
        }
        Ok(())
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Shard> {
        // A thread that panicked holding the lock left the shard whole: texts are added with
        // nothing that can panic between.
        self.0[shard]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl CustomerIds {
    /// The interners, for the threads that read rows to look their customers up.
    pub fn shards(&self) -> Arc<Shards> {
        Arc::clone(&self.shards)
    }

    /// One text looked up.
    pub fn find(&self, text: &str) -> Result<Found> {
        let mut found = Vec::with_capacity(1);
        self.shards.look_up(&[text], &mut found)?;
        Ok(found[0])
    }

    /// The dense id of `handle`'s text, if a line of it was admitted.
    pub fn id(&self, handle: Handle) -> Option<u32> {
        let id = *self.ids[shard_of(handle)].get(local(handle))?;
        id.checked_sub(1)
    }

    /// The dense id of `customer`, the next one if it has none yet.
    pub fn admit(&mut self, customer: Found) -> u32 {
        if let Some(id) = customer.known.checked_sub(1) {
            return id;
        }
        let handle = customer.handle;
        if let Some(id) = self.id(handle) {
            return id;
        }
        let id = u32::try_from(self.handles.len()).unwrap_or(u32::MAX - 1);
        self.handles.push(handle);
        let ids = &mut self.ids[shard_of(handle)];
        if ids.len() <= local(handle) {
            ids.resize(local(handle) + 1, 0);
        }
        ids[local(handle)] = id + 1;
        self.unpublished.push((handle, id));
        id
    }

    /// Tells the reading threads the dense ids admitted since the last call, so that the rows
    /// they look up next come with them: the thread that checks rows then needs no lookup of
    /// its own, far away in memory, for a customer seen before.
    pub fn publish(&mut self) {
        if self.unpublished.is_empty() {
            return;
        }
        self.unpublished
            .sort_unstable_by_key(|&(handle, _)| shard_of(handle));
        for group in self
            .unpublished
            .chunk_by(|a, b| shard_of(a.0) == shard_of(b.0))
        {
            let mut shard = self.shards.lock(shard_of(group[0].0));
            for &(handle, id) in group {
                if shard.ids.len() <= local(handle) {
                    shard.ids.resize(local(handle) + 1, 0);
                }
                shard.ids[local(handle)] = id + 1;
            }
        }
        self.unpublished.clear();
    }

    /// The text of dense id `id` ("" for none).
    pub fn name(&self, id: u32) -> String {
        let Some(&handle) = self.handles.get(id as usize) else {
            return String::new();
        };
        (self.shards.lock(shard_of(handle)))
            .texts
            .name(local(handle) as u32)
            .to_string()
    }

    pub fn len(&self) -> usize {
        self.handles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_ids_follow_admission_not_lookup() {
        let ids = &mut CustomerIds::default();
        let texts: Vec<String> = (0..1000).map(|n| format!("c{n}")).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        // Looked up backwards, in two batches, then once more: one handle a text.
        let mut first = Vec::new();
        let (late, early) = texts.split_at(500);
        let shards = ids.shards();
        shards.look_up(early, &mut first).unwrap();
        shards.look_up(late, &mut first).unwrap();
        let mut again = Vec::new();
        shards.look_up(&texts, &mut again).unwrap();
        let handles: Vec<Handle> = again.iter().map(|f| f.handle).collect();
        let mut distinct = handles.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 1000, "distinct texts, distinct handles");
        assert_eq!(first[..500], again[500..], "a text's handle stays its own");
        let of = |text: &str| again[texts.iter().position(|t| *t == text).unwrap()];
        assert_eq!(ids.find("c7").unwrap(), of("c7"));
        // Nothing admitted yet: no ids. Admitted in text order: ids 0, 1, 2, ...
        assert_eq!((ids.id(of("c3").handle), ids.len()), (None, 0));
        for (n, text) in texts.iter().enumerate() {
            assert_eq!(ids.admit(of(text)), n as u32);
        }
        assert_eq!(ids.admit(of("c3")), 3, "admitted again: the same id");
        assert_eq!(ids.id(of("c999").handle), Some(999));
        assert_eq!((ids.name(0), ids.name(999)), ("c0".into(), "c999".into()));
        assert_eq!((ids.name(1000), ids.len()), (String::new(), 1000));
        // Found before publication: no id with it; after, the id.
        assert_eq!(ids.find("c5").unwrap().known, 0);
        ids.publish();
        let found = ids.find("c5").unwrap();
        assert_eq!((found.known, ids.admit(found)), (6, 5));
        // A text found after the admissions, and one of a shard with no admission.
        let new = ids.find("new").unwrap();
        assert_eq!((new.known, ids.id(new.handle)), (0, None));
        assert_eq!(ids.admit(new), 1000);
    }
}
