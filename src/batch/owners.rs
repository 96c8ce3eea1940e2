//! Who holds which document: for every id, the file whose version is in the index
//! (the newer file wins; at equal times the later path), and for ids several files
//! hold, all of them, so that removing one copy finds another without a scan.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::state::State;

/// A file and its modification time: who holds a document.
pub(super) type Owner = (Arc<str>, i128);

/// An id as the run's tables know it: a 128-bit hash, 16 bytes whatever the id's length
/// (ids are URLs and message ids; two that collide would need 2^64 documents to be
/// likely).
pub(super) fn id_key(id: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(id.as_bytes())
}

/// For every id on record, the file that wins it; and, for the ids more than one file
/// holds, every file that holds them. One pass over the ids on record.
pub(super) fn owners_from(state: &State) -> (HashMap<u128, Owner>, Holders) {
    let mut owners: HashMap<u128, Owner> = HashMap::new();
    let mut holders: Holders = HashMap::new();
    for (path, file) in state.files.iter() {
        let path: Arc<str> = Arc::from(path);
        let mtime_ns = file.info().mtime_ns;
        for id in file.ids() {
            let id = id_key(id);
            let candidate = (path.clone(), mtime_ns);
            match owners.get(&id) {
                Some(current) => {
                    if current.0 != path {
                        let list = holders.entry(id).or_insert_with(|| vec![current.0.clone()]);
                        if !list.contains(&path) {
                            list.push(path.clone());
                        }
                    }
                    if wins(&candidate, current) {
                        owners.insert(id, candidate);
                    }
                }
                None => {
                    owners.insert(id, candidate);
                }
            }
        }
    }
    (owners, holders)
}

/// For each id more than one file holds: the files that hold it.
pub(super) type Holders = HashMap<u128, Vec<Arc<str>>>;

/// A file being read: the ids it has given so far.
#[derive(Default)]
pub(super) struct Reading {
    pub(super) key: Option<Arc<str>>,
    pub(super) ids: Vec<String>,
    /// Hashes of `ids`: an id the file gives twice is a duplicate.
    pub(super) seen: HashSet<u128>,
    /// How many of `ids` are on record as partial already (marked at earlier commits).
    pub(super) marked: usize,
    /// Hashes of the ids of the file's entry on record, from the first mark on.
    pub(super) on_record: Option<HashSet<u128>>,
}

/// The newer file wins; at equal times, the later path.
pub(super) fn wins(a: &Owner, b: &Owner) -> bool {
    (a.1, &*a.0) > (b.1, &*b.0)
}
