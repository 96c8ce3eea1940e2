//! Ids and their owners' numbers moved out of memory: a file of 20-byte records (id,
//! owner) sorted by id, unnamed in the index's folder (it goes with the process, a
//! crash included, and never holds anything the index or its state needs), and in
//! memory only where each bucket of about 64 records starts: 8 bytes per 64 ids where
//! the arrays take 20 bytes an id. A lookup reads one bucket (about 1.3 KB), unless a
//! Bloom filter of the ids written (10 bits an id, at most `filter_bytes`) says the id
//! is not there, as it does for about 99% of new ids: the lookups a first run makes for
//! every document it writes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::iter::Peekable;
use std::os::unix::fs::FileExt;
use std::path::Path;

const RECORD: usize = 20;
const PER_BUCKET: usize = 64;

pub(super) struct Spilled {
    file: File,
    len: usize,
    bits: u32,
    /// Where, in records, the ids whose first `bits` bits are `b` start; one more at
    /// the end.
    buckets: Vec<u64>,
    filter: Filter,
}

/// A blocked Bloom filter over ids: each id sets seven bits of one 64-byte block (one
/// cache line a lookup). Ids are hashes already: the low half picks the block, the high
/// half's seven 9-bit pieces the bits.
#[derive(Clone)]
pub(super) struct Filter {
    words: Vec<u64>,
    /// Blocks less one (a power of two less one: a mask).
    mask: u64,
}

const PROBES: u32 = 7;

impl Filter {
    /// About ten bits an id for `count` ids (1-2% false positives), at most `max_bytes`
    /// (past which the false positives grow, and lookups read the file more often).
    fn new(count: usize, max_bytes: usize) -> Filter {
        let blocks = Self::blocks_for(count, max_bytes);
        Filter {
            words: vec![0; blocks * 8],
            mask: blocks as u64 - 1,
        }
    }

    fn blocks_for(count: usize, max_bytes: usize) -> usize {
        let wanted = (count.saturating_mul(10) / 512).max(1).next_power_of_two();
        let most = 1usize << (max_bytes / 64).max(1).ilog2();
        wanted.min(most)
    }

    /// The word and bit of the `i`th probe for `id`.
    fn probe(&self, id: u128, i: u32) -> (usize, u64) {
        let block = (id as u64 & self.mask) as usize;
        let bit = ((id >> 64) as u64 >> (9 * i)) & 511;
        (block * 8 + (bit / 64) as usize, 1u64 << (bit % 64))
    }

    pub(super) fn add(&mut self, id: u128) {
        for i in 0..PROBES {
            let (word, mask) = self.probe(id, i);
            self.words[word] |= mask;
        }
    }

    fn may_hold(&self, id: u128) -> bool {
        (0..PROBES).all(|i| {
            let (word, mask) = self.probe(id, i);
            self.words[word] & mask != 0
        })
    }
}

fn bits_for(count: usize) -> u32 {
    if count < 2 * PER_BUCKET {
        0
    } else {
        (count / PER_BUCKET).ilog2().min(28)
    }
}

fn bucket(id: u128, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (id >> (128 - bits)) as usize
    }
}

fn decode(record: &[u8]) -> (u128, u32) {
    let mut id = [0u8; 16];
    id.copy_from_slice(&record[..16]);
    let mut n = [0u8; 4];
    n.copy_from_slice(&record[16..RECORD]);
    (u128::from_le_bytes(id), u32::from_le_bytes(n))
}

impl Spilled {
    /// Writes `records` (sorted by id, no id twice; about `count` of them, at most) to a
    /// new unnamed file in `dir`, with a filter of at most `filter_bytes`: `filter` when
    /// given (holding every id written already), else a new one.
    pub(super) fn write(
        dir: &Path,
        records: impl Iterator<Item = io::Result<(u128, u32)>>,
        count: usize,
        filter_bytes: usize,
        filter: Option<Filter>,
    ) -> io::Result<Spilled> {
        let fresh = filter.is_none();
        let mut filter = filter.unwrap_or_else(|| Filter::new(count, filter_bytes));
        let file = tempfile::tempfile_in(dir)?;
        let bits = bits_for(count);
        let mut buckets = Vec::with_capacity((1 << bits) + 1);
        let mut out = BufWriter::with_capacity(1 << 16, &file);
        let mut len = 0usize;
        for record in records {
            let (id, n) = record?;
            let b = bucket(id, bits);
            while buckets.len() <= b {
                buckets.push(len as u64);
            }
            out.write_all(&id.to_le_bytes())?;
            out.write_all(&n.to_le_bytes())?;
            if fresh {
                filter.add(id);
            }
            len += 1;
        }
        while buckets.len() <= 1 << bits {
            buckets.push(len as u64);
        }
        out.flush()?;
        drop(out);
        Ok(Spilled {
            file,
            len,
            bits,
            buckets,
            filter,
        })
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// A copy of the filter for a file of `count` ids, when it is as large as one made
    /// for them would be: the ids written before stay in it (those removed since only
    /// send a lookup to the file), so a spill adds the new ids alone instead of every
    /// id again (a cache miss each: 28% of a run's time at ten million ids).
    pub(super) fn filter_for(&self, count: usize, max_bytes: usize) -> Option<Filter> {
        let wanted = Filter::blocks_for(count, max_bytes);
        (wanted <= self.filter.words.len() / 8).then(|| self.filter.clone())
    }

    /// The owner's number recorded for `id`.
    pub(super) fn get(&self, id: u128) -> io::Result<Option<u32>> {
        let b = bucket(id, self.bits);
        let (start, end) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        if start >= end || !self.filter.may_hold(id) {
            return Ok(None);
        }
        let mut buf = vec![0u8; (end - start) * RECORD];
        self.file.read_exact_at(&mut buf, (start * RECORD) as u64)?;
        let (mut low, mut high) = (0, end - start);
        while low < high {
            let mid = low + (high - low) / 2;
            let (key, n) = decode(&buf[mid * RECORD..(mid + 1) * RECORD]);
            match key.cmp(&id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(Some(n)),
            }
        }
        Ok(None)
    }

    /// Every record in id order, read 64 KB at a time.
    pub(super) fn records(&self) -> Records<'_> {
        Records {
            spilled: self,
            next: 0,
            buf: Vec::new(),
            at: 0,
        }
    }
}

pub(super) struct Records<'a> {
    spilled: &'a Spilled,
    /// The next record to read from the file.
    next: usize,
    buf: Vec<u8>,
    /// The next record's place in `buf`.
    at: usize,
}

impl Iterator for Records<'_> {
    type Item = io::Result<(u128, u32)>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.buf.len() {
            let count = (self.spilled.len - self.next).min((1 << 16) / RECORD);
            if count == 0 {
                return None;
            }
            self.buf.resize(count * RECORD, 0);
            let offset = (self.next * RECORD) as u64;
            if let Err(e) = self.spilled.file.read_exact_at(&mut self.buf, offset) {
                self.next = self.spilled.len;
                self.buf.clear();
                return Some(Err(e));
            }
            self.next += count;
            self.at = 0;
        }
        let record = decode(&self.buf[self.at..self.at + RECORD]);
        self.at += RECORD;
        Some(Ok(record))
    }
}

/// Two streams sorted by id as one: on an id both have, `newer`'s record, and none when
/// its number is `gone`.
pub(super) fn merged<'a>(
    older: impl Iterator<Item = io::Result<(u128, u32)>> + 'a,
    newer: impl Iterator<Item = (u128, u32)> + 'a,
    gone: u32,
) -> impl Iterator<Item = io::Result<(u128, u32)>> + 'a {
    let mut older: Peekable<_> = older.peekable();
    let mut newer = newer.peekable();
    std::iter::from_fn(move || loop {
        let (take_older, same) = match (older.peek(), newer.peek()) {
            (None, None) => return None,
            (Some(Err(_)), _) => return older.next(),
            (Some(_), None) => (true, false),
            (None, Some(_)) => (false, false),
            (Some(Ok((a, _))), Some((b, _))) => (a < b, a == b),
        };
        if same {
            older.next();
        }
        let record = if take_older {
            older.next()?
        } else {
            Ok(newer.next()?)
        };
        match record {
            Ok((_, n)) if n == gone => continue,
            other => return Some(other),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every id written is found with its number through the buckets, no other id is,
    /// and merging a newer stream replaces, adds and drops as a map would.
    #[test]
    fn written_records_are_found_and_merged() {
        let dir = tempfile::tempdir().unwrap();
        let key = |n: u128| n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
        let mut model: BTreeMap<u128, u32> = (1..=5000u128).map(|n| (key(n), n as u32)).collect();
        let records = || model.iter().map(|(a, b)| Ok((*a, *b)));
        // A filter of 64 bytes for 5,000 ids answers "maybe" nearly always: the file decides.
        let small = Spilled::write(dir.path(), records(), model.len(), 64, None).unwrap();
        for n in 5001..6000u128 {
            assert_eq!(small.get(key(n)).unwrap(), None);
        }
        for (id, n) in &model {
            assert_eq!(small.get(*id).unwrap(), Some(*n));
        }
        let spilled = Spilled::write(dir.path(), records(), model.len(), 1 << 20, None).unwrap();
        let passed = (5001..105_000u128)
            .filter(|n| spilled.filter.may_hold(key(*n)))
            .count();
        assert!(
            passed < 2_000,
            "{passed} of 100,000 other ids passed the filter"
        );
        assert!(spilled.bits > 0);
        assert_eq!(spilled.len(), 5000);
        for (id, n) in &model {
            assert_eq!(spilled.get(*id).unwrap(), Some(*n));
        }
        for n in 5001..6000u128 {
            assert_eq!(spilled.get(key(n)).unwrap(), None);
        }
        for id in [0, u128::MAX] {
            assert_eq!(spilled.get(id).unwrap(), None);
        }
        // Newer: every third id changed, every seventh gone, some new ones.
        let mut newer: BTreeMap<u128, u32> = BTreeMap::new();
        for n in (0..6000u128).step_by(3) {
            newer.insert(key(n), 7);
        }
        for n in (0..6000u128).step_by(7) {
            newer.insert(key(n), u32::MAX);
        }
        newer.insert(0, 1);
        newer.insert(u128::MAX, 2);
        let out: Vec<(u128, u32)> = merged(spilled.records(), newer.clone().into_iter(), u32::MAX)
            .collect::<io::Result<_>>()
            .unwrap();
        for (id, n) in newer {
            if n == u32::MAX {
                model.remove(&id);
            } else {
                model.insert(id, n);
            }
        }
        assert_eq!(out, model.into_iter().collect::<Vec<_>>());
    }
}
