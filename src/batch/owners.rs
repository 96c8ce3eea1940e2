//! Who holds which document: for every id, the file whose version is in the index
//! (the newer file wins; at equal times the later path), and for ids several files
//! hold, all of them, so that removing one copy finds another without a scan.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use super::spill::{merged, Spilled};
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
pub(super) fn owners_from(state: &State, spill: Option<Spill>) -> (Owners, Holders) {
    let mut owners = Owners {
        spill,
        ..Owners::default()
    };
    let mut holders: Holders = HashMap::new();
    for (path, file) in state.files.iter() {
        let path: Arc<str> = Arc::from(&*path);
        let candidate = (path.clone(), file.info().mtime_ns);
        for id in file.ids() {
            let id = id_key(&id);
            match owners.get(id) {
                Some(current) => {
                    if current.0 != path {
                        let list = holders.entry(id).or_insert_with(|| vec![current.0.clone()]);
                        if !list.contains(&path) {
                            list.push(path.clone());
                        }
                    }
                    if wins(&candidate, current) {
                        owners.insert(id, &candidate);
                    }
                }
                None => {
                    owners.insert(id, &candidate);
                }
            }
        }
    }
    (owners, holders)
}

/// Bytes an id takes in the arrays.
pub(super) const OWNER_BYTES: usize = 20;

/// Ids the arrays may hold: `limit`, or in debug builds the number the
/// `TROVE_TEST_OWNERS_LIMIT` environment variable gives (a test hook: runs over a few
/// files then go through the file on disk).
pub(super) fn owners_limit(limit: usize) -> usize {
    crate::state::test_limit("TROVE_TEST_OWNERS_LIMIT", limit)
}

/// Where and when the arrays move to disk.
pub(super) struct Spill {
    /// The folder of the unnamed file (the index's: never a tmpfs, which is memory).
    pub dir: PathBuf,
    /// Ids the arrays may hold before they are merged into the file on disk.
    pub limit: usize,
    /// The most the filter of the ids on disk may take.
    pub filter_bytes: usize,
}

/// Which file's version of each id is in the index: ids sorted in one array and the
/// owner of each (a number in `files`) in another, 20 bytes an id, and the changes since
/// the arrays were last built in a map. A map of id to owner took 49 to 98 bytes an id
/// (and half again while it grew): 1 GB at ten million documents. Past `Spill::limit`
/// ids the arrays are merged into a sorted file on disk (`spill`) and emptied, so the
/// memory stays flat however many ids there are; an id removed that is on disk stays in
/// the arrays as `REMOVED` until the next merge.
#[derive(Default)]
pub(super) struct Owners {
    ids: Vec<u128>,
    owner: Vec<u32>,
    /// Where the ids whose first `bits` bits are `b` start in `ids` (ids are hashes, so
    /// about four to a bucket): a lookup reads a bucket, not 24 levels of a binary
    /// search over ten million ids.
    buckets: Vec<u32>,
    bits: u32,
    /// Changes since the arrays were built: the new owner, or `None` when removed.
    changes: HashMap<u128, Option<u32>>,
    /// The owners (file and modification time) the numbers stand for.
    files: Vec<Owner>,
    spill: Option<Spill>,
    disk: Option<Spilled>,
    /// The first error reading the file on disk (`take_error`): a lookup that could not
    /// read it answers as if the id were not there, and the run must not commit.
    error: Cell<Option<io::Error>>,
}

/// Marks an id removed while the arrays are merged.
const REMOVED: u32 = u32::MAX;

/// Changes kept apart before they are merged into the arrays, at least (a few in unit
/// tests, so that their sequences merge too).
const MERGE_AT: usize = if cfg!(test) { 3 } else { 1 << 16 };

impl Owners {
    pub(super) fn get(&self, id: u128) -> Option<&Owner> {
        let n = match self.changes.get(&id) {
            Some(change) => (*change)?,
            None => match self.find(id) {
                Ok(i) => self.owner[i],
                Err(_) => self.on_disk(id)?,
            },
        };
        self.files.get(n as usize)
    }

    /// The number on disk for `id`.
    fn on_disk(&self, id: u128) -> Option<u32> {
        match self.disk.as_ref()?.get(id) {
            Ok(n) => n,
            Err(e) => {
                let first = self.error.take().unwrap_or(e);
                self.error.set(Some(first));
                None
            }
        }
    }

    /// The error met reading the ids on disk, if any: the run stops before its commit.
    pub(super) fn take_error(&self) -> Option<io::Error> {
        self.error.take()
    }

    /// Where `id` is in `ids`, or where it would go.
    fn find(&self, id: u128) -> Result<usize, usize> {
        let (start, end) = match self.bits {
            0 => (0, self.ids.len()),
            bits => {
                let b = (id >> (128 - bits)) as usize;
                (self.buckets[b] as usize, self.buckets[b + 1] as usize)
            }
        };
        match self.ids[start..end].binary_search(&id) {
            Ok(i) => Ok(start + i),
            Err(i) => Err(start + i),
        }
    }

    /// Builds `buckets` for the ids as they are.
    fn index(&mut self) {
        let n = self.ids.len();
        // About four ids a bucket; none under 64 ids; positions must fit in u32.
        self.bits = if n < 64 || n > u32::MAX as usize {
            0
        } else {
            (n / 4).ilog2().min(32)
        };
        self.buckets.clear();
        if self.bits == 0 {
            return;
        }
        let count = 1usize << self.bits;
        self.buckets.reserve_exact(count + 1);
        let mut i = 0;
        for b in 0..count {
            while i < n && ((self.ids[i] >> (128 - self.bits)) as usize) < b {
                i += 1;
            }
            self.buckets.push(i as u32);
        }
        self.buckets.push(n as u32);
    }

    /// Records `owner` as the owner of `id`; true when `id` had one.
    pub(super) fn insert(&mut self, id: u128, owner: &Owner) -> bool {
        let had = self.get(id).is_some();
        let n = self.number(owner);
        self.changes.insert(id, Some(n));
        // The changes alone stay under the limit too (they take more an id).
        let at = MERGE_AT.max(self.ids.len() / 8);
        if self.changes.len() > self.spill.as_ref().map_or(at, |s| at.min(s.limit.max(1))) {
            self.merge();
        }
        had
    }

    pub(super) fn remove(&mut self, id: u128) {
        if self.find(id).is_ok() || self.on_disk(id).is_some() {
            self.changes.insert(id, None);
        } else {
            self.changes.remove(&id);
        }
    }

    /// The number of an owner: one of the last few given out when it is the same (a file
    /// gives its documents one after another, a few files at a time), else a new one.
    fn number(&mut self, owner: &Owner) -> u32 {
        let recent = self.files.len().saturating_sub(8);
        if let Some(i) = self.files[recent..].iter().rposition(|o| o == owner) {
            return (recent + i) as u32;
        }
        self.files.push(owner.clone());
        // Four billion file versions in one run are out of reach; were they reached, the
        // numbers would wrap onto others, never past the end of `files`.
        (self.files.len() - 1) as u32 % REMOVED
    }

    /// Merges the changes into the arrays, in place: owners changed where the id is,
    /// new ids merged from the back, removed ones dropped.
    fn merge(&mut self) {
        let mut added: Vec<(u128, u32)> = Vec::new();
        let mut removed = false;
        for (id, change) in std::mem::take(&mut self.changes) {
            let n = change.unwrap_or(REMOVED);
            match self.find(id) {
                Ok(i) => {
                    self.owner[i] = n;
                    removed |= n == REMOVED;
                }
                // A removal reaches here only for an id on disk (`remove`): kept as a
                // mark until the arrays are merged into the file.
                Err(_) => {
                    removed |= n == REMOVED;
                    added.push((id, n));
                }
            }
        }
        added.sort_unstable_by_key(|a| a.0);
        let old = self.ids.len();
        // Grown to the size needed, not doubled: the arrays are the largest thing a run
        // over millions of ids keeps (a large block is remapped, not copied, to grow).
        self.ids.reserve_exact(added.len());
        self.owner.reserve_exact(added.len());
        self.ids.resize(old + added.len(), 0);
        self.owner.resize(old + added.len(), REMOVED);
        let (mut i, mut to) = (old, old + added.len());
        while let Some(&(id, n)) = added.last() {
            to -= 1;
            if i > 0 && self.ids[i - 1] > id {
                i -= 1;
                self.ids[to] = self.ids[i];
                self.owner[to] = self.owner[i];
            } else {
                self.ids[to] = id;
                self.owner[to] = n;
                added.pop();
            }
        }
        if removed {
            let mut kept = 0;
            for j in 0..self.ids.len() {
                if self.owner[j] != REMOVED || self.on_disk(self.ids[j]).is_some() {
                    self.ids[kept] = self.ids[j];
                    self.owner[kept] = self.owner[j];
                    kept += 1;
                }
            }
            self.ids.truncate(kept);
            self.owner.truncate(kept);
        }
        if self
            .spill
            .as_ref()
            .is_some_and(|s| self.ids.len() > s.limit)
        {
            self.spill();
        }
        self.index();
    }

    /// Merges the arrays into the file on disk and empties them. When the file cannot
    /// be written the arrays stay (and grow: correct, only not flat) and no more spills
    /// are tried.
    fn spill(&mut self) {
        let Some(spill) = &self.spill else { return };
        let memory = self.ids.iter().copied().zip(self.owner.iter().copied());
        let count = self.disk.as_ref().map_or(0, Spilled::len) + self.ids.len();
        // The filter of the file before, with the new ids added, while it is large enough.
        let filter = self.disk.as_ref().and_then(|disk| {
            let mut filter = disk.filter_for(count, spill.filter_bytes)?;
            for (id, _) in memory.clone().filter(|r| r.1 != REMOVED) {
                filter.add(id);
            }
            Some(filter)
        });
        let older = self
            .disk
            .as_ref()
            .map(Spilled::records)
            .into_iter()
            .flatten();
        let written = Spilled::write(
            &spill.dir,
            merged(older, memory, REMOVED),
            count,
            spill.filter_bytes,
            filter,
        );
        match written {
            Ok(disk) => {
                self.disk = Some(disk);
                self.ids = Vec::new();
                self.owner = Vec::new();
            }
            Err(_) => self.spill = None,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lookups through the buckets find every id of a large table, and no other.
    #[test]
    fn buckets_find_every_id() {
        let mut owners = Owners::default();
        let owner: Owner = (Arc::from("/f"), 1);
        let ids: Vec<u128> = (0..5000u128).map(|n| id_key(&format!("id {n}"))).collect();
        for id in &ids {
            owners.insert(*id, &owner);
        }
        owners.merge();
        assert!(owners.bits > 0);
        assert!(ids.iter().all(|id| owners.get(*id).is_some()));
        let others = (0..5000u128).map(|n| id_key(&format!("other {n}")));
        assert!(others.into_iter().all(|id| owners.get(id).is_none()));
        // The first and last possible ids fall in the first and last buckets.
        for id in [0, u128::MAX] {
            assert!(owners.get(id).is_none());
            owners.insert(id, &owner);
            owners.merge();
            assert!(owners.get(id).is_some());
        }
    }

    /// Owners whose arrays move to disk past `limit` ids.
    fn spilling(dir: &tempfile::TempDir, limit: usize) -> Owners {
        Owners {
            spill: Some(Spill {
                dir: dir.path().to_path_buf(),
                limit,
                filter_bytes: 1 << 10,
            }),
            ..Owners::default()
        }
    }

    /// Thousands of ids through the disk: each found with its owner, removed ones gone.
    #[test]
    fn ids_on_disk_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut owners = spilling(&dir, 100);
        let a: Owner = (Arc::from("/a"), 1);
        let b: Owner = (Arc::from("/\u{130}"), 2);
        for n in 0..3000 {
            assert!(!owners.insert(id_key(&format!("id {n}")), &a));
        }
        owners.merge();
        assert!(
            owners.disk.as_ref().is_some_and(|d| d.len() > 2000),
            "spilled"
        );
        assert!(owners.ids.len() <= 100);
        for n in (0..3000).step_by(3) {
            assert!(owners.insert(id_key(&format!("id {n}")), &b));
        }
        for n in (0..3000).step_by(5) {
            owners.remove(id_key(&format!("id {n}")));
        }
        owners.merge();
        for n in 0..3000 {
            let want = if n % 5 == 0 {
                None
            } else if n % 3 == 0 {
                Some(&b)
            } else {
                Some(&a)
            };
            assert_eq!(owners.get(id_key(&format!("id {n}"))), want, "id {n}");
        }
        assert!(owners.take_error().is_none());
    }

    proptest! {
        /// The arrays, their changes and the file on disk act as one map of id to
        /// owner, through merges and spills.
        #[test]
        fn owners_act_as_a_map(
            ops in proptest::collection::vec((0u8..3, 0u128..12, 0usize..4, -2i128..2), 0..200),
            limit in proptest::option::of(0usize..6),
        ) {
            let paths: Vec<Arc<str>> = ["/a", "/b", "/\u{130}", "/\u{65e5}"].into_iter().map(Arc::from).collect();
            let dir = tempfile::tempdir().unwrap();
            let mut owners = match limit {
                Some(limit) => spilling(&dir, limit),
                None => Owners::default(),
            };
            let mut model: HashMap<u128, Owner> = HashMap::new();
            for (op, id, file, time) in ops {
                // Ids spread over the whole range, as hashes are.
                let id = id.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                let owner = (paths[file].clone(), time);
                match op {
                    0 | 1 => prop_assert_eq!(owners.insert(id, &owner), model.insert(id, owner).is_some()),
                    _ => {
                        owners.remove(id);
                        model.remove(&id);
                    }
                }
                for probe in 0u128..12 {
                    let probe = probe.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                    prop_assert_eq!(owners.get(probe), model.get(&probe));
                }
                prop_assert!(owners.ids.windows(2).all(|w| w[0] < w[1]));
            }
            prop_assert!(owners.take_error().is_none());
        }
    }
}
