//! The compact form of file entries: a table sorted by path (every path in one string,
//! every file's ids front-coded in one byte string, the rest in a column), and the
//! byte codings it is read from and written as (a block of the state file on disk).

use std::cmp::Ordering;

use crate::article::Format;

/// A file's entry without its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileInfo {
    pub size: u64,
    pub mtime_ns: i128,
    pub hash: Option<u64>,
    pub format: Option<Format>,
}

/// Entries sorted by path.
#[derive(Debug, Default, Clone)]
pub(crate) struct Table {
    paths: String,
    /// End of each path in `paths`.
    path_ends: Vec<usize>,
    infos: Vec<FileInfo>,
    /// Every file's ids, front-coded file by file (`push_ids`): an id is the bytes it
    /// shares with the one before it, then the rest. Ids of one file mostly share a
    /// prefix (`doc-000123`, URLs of one site, message ids of one host): three to five
    /// bytes an id where each id as a string of its own took sixteen or more.
    ids: Vec<u8>,
    /// End, in `ids`, of each file's ids.
    file_ids: Vec<usize>,
}

impl Table {
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    pub fn path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.path_ends[i - 1] };
        &self.paths[start..self.path_ends[i]]
    }

    pub fn info(&self, i: usize) -> FileInfo {
        self.infos[i]
    }

    /// The coded ids of entry `i`.
    pub fn id_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.file_ids[i - 1] };
        &self.ids[start..self.file_ids[i]]
    }

    /// Where `key` is, if it is here.
    pub fn find(&self, key: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.path(mid).cmp(key) {
                Ordering::Less => low = mid + 1,
                Ordering::Greater => high = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Appends an entry whose ids are coded already; paths must come in increasing order.
    fn push_coded(&mut self, path: &str, info: FileInfo, coded: &[u8]) {
        self.paths.push_str(path);
        self.path_ends.push(self.paths.len());
        self.infos.push(info);
        self.ids.extend_from_slice(coded);
        self.file_ids.push(self.ids.len());
    }

    /// The table a block's bytes (`encode_entry`, one entry after another) stand for;
    /// `None` for bytes it did not write, or paths out of order.
    pub fn decode(mut bytes: &[u8]) -> Option<Table> {
        let mut table = Table::default();
        let mut path = String::new();
        while !bytes.is_empty() {
            // A path is front-coded as an id is.
            let rest = &bytes[next_id(bytes, &mut path)?..];
            let (size, rest) = read_varint::<u64>(rest)?;
            let (mtime, rest) = read_varint::<u128>(rest)?;
            let (hash, rest) = match rest.split_first()? {
                (0, rest) => (None, rest),
                (1, rest) => (
                    Some(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)),
                    &rest[8..],
                ),
                _ => return None,
            };
            let (&code, rest) = rest.split_first()?;
            let format = match code {
                0 => None,
                code => Some(format_of(code)?),
            };
            let (id_len, rest) = read_varint::<usize>(rest)?;
            let coded = rest.get(..id_len)?;
            if table.last_path().is_some_and(|last| last >= path.as_str()) {
                return None;
            }
            let info = FileInfo {
                size,
                mtime_ns: unzigzag(mtime),
                hash,
                format,
            };
            table.push_coded(&path, info, coded);
            bytes = &rest[id_len..];
        }
        Some(table)
    }

    fn last_path(&self) -> Option<&str> {
        self.len().checked_sub(1).map(|i| self.path(i))
    }
}

/// Appends one entry as a block holds it: the path front-coded against `prev` (the path
/// before it in the block, or empty), size, time, hash, format, then the coded ids.
pub(crate) fn encode_entry(
    out: &mut Vec<u8>,
    prev: &str,
    path: &str,
    info: FileInfo,
    coded_ids: &[u8],
) {
    let shared = shared_prefix(prev, path);
    push_varint(out, shared as u128);
    push_varint(out, (path.len() - shared) as u128);
    out.extend_from_slice(&path.as_bytes()[shared..]);
    push_varint(out, info.size.into());
    push_varint(out, zigzag(info.mtime_ns));
    match info.hash {
        None => out.push(0),
        Some(h) => {
            out.push(1);
            out.extend_from_slice(&h.to_le_bytes());
        }
    }
    out.push(info.format.map_or(0, format_code));
    push_varint(out, coded_ids.len() as u128);
    out.extend_from_slice(coded_ids);
}

/// The byte a format is written as (never renumber: states on disk hold them).
fn format_code(format: Format) -> u8 {
    match format {
        Format::Text => 1,
        Format::Html => 2,
        Format::Markdown => 3,
        Format::Json => 4,
        Format::JsonLines => 5,
        Format::Email => 6,
        Format::Mbox => 7,
        Format::Docx => 8,
        Format::Odt => 9,
        Format::Epub => 10,
        Format::Pdf => 11,
        Format::Archive => 12,
    }
}

fn format_of(code: u8) -> Option<Format> {
    Format::ALL.into_iter().find(|&f| format_code(f) == code)
}

fn zigzag(n: i128) -> u128 {
    ((n << 1) ^ (n >> 127)) as u128
}

fn unzigzag(n: u128) -> i128 {
    ((n >> 1) as i128) ^ -((n & 1) as i128)
}

/// Bytes `a` and `b` share at their start, cut back to a character boundary of `b`.
fn shared_prefix(a: &str, b: &str) -> usize {
    let mut shared = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !b.is_char_boundary(shared) {
        shared -= 1;
    }
    shared
}

/// Appends `ids` front-coded: for each, the number of leading bytes it shares with the
/// one before (cut back to a character boundary), the number of bytes after them, both
/// as LEB128 varints, then those bytes.
pub(crate) fn push_ids<S: AsRef<str>>(out: &mut Vec<u8>, ids: impl Iterator<Item = S>) {
    let mut prev = String::new();
    for id in ids {
        let id = id.as_ref();
        let shared = shared_prefix(&prev, id);
        push_varint(out, shared as u128);
        push_varint(out, (id.len() - shared) as u128);
        out.extend_from_slice(&id.as_bytes()[shared..]);
        prev.truncate(shared);
        prev.push_str(&id[shared..]);
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: u128) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A varint at the start of `bytes` (as `usize` when it fits one), and the bytes after it.
fn read_varint<N: TryFrom<u128>>(bytes: &[u8]) -> Option<(N, &[u8])> {
    let mut n = 0u128;
    for (i, &b) in bytes.iter().enumerate().take(19) {
        n |= ((b & 0x7f) as u128).checked_shl(7 * i as u32)?;
        if b < 0x80 {
            return Some((N::try_from(n).ok()?, &bytes[i + 1..]));
        }
    }
    None
}

/// The next id of coded bytes (`push_ids`) after `current`, the id before it: the bytes
/// it took, with `current` now the id; `None` at the end or at bytes `push_ids` did not
/// write.
pub(crate) fn next_id(bytes: &[u8], current: &mut String) -> Option<usize> {
    let (shared, rest) = read_varint::<usize>(bytes)?;
    let (len, rest) = read_varint::<usize>(rest)?;
    let suffix = std::str::from_utf8(rest.get(..len)?).ok()?;
    if shared > current.len() || !current.is_char_boundary(shared) {
        return None;
    }
    current.truncate(shared);
    current.push_str(suffix);
    Some(bytes.len() - rest.len() + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info_of(size: u64, mtime_ns: i128, hash: Option<u64>, format: u8) -> FileInfo {
        FileInfo {
            size,
            mtime_ns,
            hash,
            format: format_of(format),
        }
    }

    proptest::proptest! {
        /// Entries with any paths (in any script), sizes, times (to i128's ends), hashes
        /// and formats come back from a block's bytes as they went in.
        #[test]
        fn blocks_round_trip(
            mut paths in proptest::collection::vec("\\PC{0,16}", 0..20),
            size in proptest::num::u64::ANY,
            mtime in proptest::num::i128::ANY,
            hash in proptest::option::of(proptest::num::u64::ANY),
            format in 0u8..14,
            ids in proptest::collection::vec("\\PC{0,8}", 0..5),
        ) {
            paths.sort();
            paths.dedup();
            let mut coded = Vec::new();
            push_ids(&mut coded, ids.iter());
            let mut bytes = Vec::new();
            let mut prev = String::new();
            for (n, path) in paths.iter().enumerate() {
                let info = info_of(size.wrapping_add(n as u64), mtime.wrapping_sub(n as i128), hash, format);
                encode_entry(&mut bytes, &prev, path, info, &coded);
                prev.clone_from(path);
            }
            let table = Table::decode(&bytes).unwrap();
            proptest::prop_assert_eq!(table.len(), paths.len());
            for (n, path) in paths.iter().enumerate() {
                proptest::prop_assert_eq!(table.path(n), path.as_str());
                proptest::prop_assert_eq!(table.find(path), Some(n));
                let info = info_of(size.wrapping_add(n as u64), mtime.wrapping_sub(n as i128), hash, format);
                proptest::prop_assert_eq!(table.info(n), info);
                proptest::prop_assert_eq!(table.id_bytes(n), coded.as_slice());
            }
        }

        /// Bytes it did not write are refused or read as some entries; never a panic.
        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            if let Some(table) = Table::decode(&bytes) {
                for n in 1..table.len() {
                    proptest::prop_assert!(table.path(n - 1) < table.path(n));
                }
            }
        }
    }
}
