//! The file state on disk: entries in path order, in blocks of about 64 KiB each
//! compressed on its own (zstd, with its checksum), then a footer listing each block's
//! first path, place and length (JSON, with an xxh3 of it in the trailer, and one of
//! all the blocks, checked when the file is opened). A block is read when an entry in it
//! is asked for, so what stays in memory is the list of blocks (a hundred bytes for some
//! 500 files), not the entries.
//!
//! ```text
//! MAGIC | block | block | ... | footer (JSON) | footer length u64 | xxh3 u64 | MAGIC
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::table::{encode_entry, FileInfo, Table};

const MAGIC: &[u8; 8] = b"trovefs2";
/// Bytes of entries a block holds before it is written out (one entry with many ids can
/// make a block larger).
const BLOCK_BYTES: usize = 64 << 10;
/// Decoded blocks kept: lookups come in path order (the walk's), so one would do; a few
/// more keep lookups that alternate between two places from reading blocks again.
const CACHED: usize = 4;
/// The largest block read (its decoded bytes): a footer that asks for more is damage.
const MOST_BLOCK: u64 = 1 << 32;

/// What the footer says besides the blocks.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Header {
    pub version: u32,
    pub opstamp: Option<u64>,
    pub roots: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Block {
    /// The path of its first entry.
    first: String,
    offset: u64,
    /// Bytes on disk.
    len: u64,
    /// Bytes decoded.
    raw: u64,
    entries: u64,
}

#[derive(Serialize, Deserialize)]
struct Footer {
    #[serde(flatten)]
    header: Header,
    blocks: Vec<Block>,
    /// xxh3-64 of every block's bytes, checked when the file is opened: a damaged file
    /// is refused whole (the run then reads every file again), not found out half-way.
    blocks_hash: u64,
}

/// A state file open for reading.
#[derive(Debug)]
pub(crate) struct Disk {
    file: File,
    blocks: Vec<Block>,
    cache: Mutex<Vec<(usize, Arc<Table>)>>,
}

fn damaged(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("damaged state file: {what}"),
    )
}

impl Disk {
    /// Reads the footer of `file`.
    pub fn open(file: File) -> io::Result<(Disk, Header)> {
        let size = file.metadata()?.len();
        let mut magic = [0u8; 8];
        file.read_exact_at(&mut magic, 0)
            .map_err(|_| damaged("too short"))?;
        if &magic != MAGIC {
            return Err(damaged("not a trove state"));
        }
        let mut trailer = [0u8; 24];
        if size < 32 {
            return Err(damaged("too short"));
        }
        file.read_exact_at(&mut trailer, size - 24)?;
        if &trailer[16..] != MAGIC {
            return Err(damaged("no end (cut short?)"));
        }
        let len = u64::from_le_bytes(trailer[..8].try_into().expect("8 bytes"));
        let hash = u64::from_le_bytes(trailer[8..16].try_into().expect("8 bytes"));
        let start = (size - 24)
            .checked_sub(len)
            .filter(|&s| s >= 8)
            .ok_or_else(|| damaged("footer length"))?;
        let mut footer = vec![0u8; len as usize];
        file.read_exact_at(&mut footer, start)?;
        if xxhash_rust::xxh3::xxh3_64(&footer) != hash {
            return Err(damaged("footer checksum"));
        }
        let footer: Footer =
            serde_json::from_slice(&footer).map_err(|e| damaged(&e.to_string()))?;
        let mut end = 8;
        for (i, b) in footer.blocks.iter().enumerate() {
            let in_order = i == 0 || footer.blocks[i - 1].first < b.first;
            if b.offset != end || b.len > start - end || b.raw > MOST_BLOCK || !in_order {
                return Err(damaged("block list"));
            }
            end += b.len;
        }
        if end != start {
            return Err(damaged("block list"));
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut chunk = vec![0u8; 1 << 20];
        let mut at = 8;
        while at < start {
            let n = chunk.len().min((start - at) as usize);
            file.read_exact_at(&mut chunk[..n], at)?;
            hasher.update(&chunk[..n]);
            at += n as u64;
        }
        if hasher.digest() != footer.blocks_hash {
            return Err(damaged("blocks checksum"));
        }
        let disk = Disk {
            file,
            blocks: footer.blocks,
            cache: Mutex::new(Vec::new()),
        };
        Ok((disk, footer.header))
    }

    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// The block that would hold `key`.
    pub fn block_of(&self, key: &str) -> Option<usize> {
        self.blocks
            .partition_point(|b| b.first.as_str() <= key)
            .checked_sub(1)
    }

    /// Block `b`, decoded.
    pub fn table(&self, b: usize) -> io::Result<Arc<Table>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = cache.iter().position(|(n, _)| *n == b) {
            let hit = cache.remove(at);
            let table = hit.1.clone();
            cache.insert(0, hit);
            return Ok(table);
        }
        drop(cache);
        let block = &self.blocks[b];
        let mut bytes = vec![0u8; block.len as usize];
        self.file.read_exact_at(&mut bytes, block.offset)?;
        let raw = zstd::bulk::decompress(&bytes, block.raw as usize)
            .map_err(|e| damaged(&format!("block {b}: {e}")))?;
        let table = Table::decode(&raw)
            .filter(|t| t.len() as u64 == block.entries && t.path(0) == block.first)
            .ok_or_else(|| damaged(&format!("block {b}")))?;
        let table = Arc::new(table);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.insert(0, (b, table.clone()));
        cache.truncate(CACHED);
        Ok(table)
    }

    /// Flushes the file to the disk.
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_all()
    }
}

/// Writes entries, in path order, as a state file.
pub(crate) struct Writer {
    out: BufWriter<File>,
    at: u64,
    block: Vec<u8>,
    first: String,
    /// The path before (of any block).
    prev: String,
    /// Entries in the block being filled.
    entries: u64,
    written: u64,
    blocks: Vec<Block>,
    hasher: xxhash_rust::xxh3::Xxh3,
    compressor: zstd::bulk::Compressor<'static>,
}

impl Writer {
    pub fn new(file: File) -> io::Result<Writer> {
        let mut compressor = zstd::bulk::Compressor::new(1)?;
        compressor.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        out.write_all(MAGIC)?;
        Ok(Writer {
            out,
            at: MAGIC.len() as u64,
            block: Vec::with_capacity(BLOCK_BYTES + (4 << 10)),
            first: String::new(),
            prev: String::new(),
            entries: 0,
            written: 0,
            blocks: Vec::new(),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            compressor,
        })
    }

    /// Appends an entry (its ids coded by `push_ids`); paths must increase.
    pub fn push(&mut self, path: &str, info: FileInfo, coded_ids: &[u8]) -> io::Result<()> {
        if self.written > 0 && self.prev.as_str() >= path {
            return Err(io::Error::other(format!(
                "state entries out of order at {path}"
            )));
        }
        let prev = if self.entries == 0 {
            self.first.clear();
            self.first.push_str(path);
            ""
        } else {
            self.prev.as_str()
        };
        encode_entry(&mut self.block, prev, path, info, coded_ids);
        self.prev.clear();
        self.prev.push_str(path);
        self.entries += 1;
        self.written += 1;
        if self.block.len() >= BLOCK_BYTES {
            self.end_block()?;
        }
        Ok(())
    }

    fn end_block(&mut self) -> io::Result<()> {
        if self.entries == 0 {
            return Ok(());
        }
        let packed = self.compressor.compress(&self.block)?;
        self.out.write_all(&packed)?;
        self.hasher.update(&packed);
        self.blocks.push(Block {
            first: std::mem::take(&mut self.first),
            offset: self.at,
            len: packed.len() as u64,
            raw: self.block.len() as u64,
            entries: self.entries,
        });
        self.at += packed.len() as u64;
        self.block.clear();
        self.entries = 0;
        Ok(())
    }

    /// Writes the footer; the file is written (not yet synced) and open for reading.
    pub fn finish(mut self, header: Header) -> io::Result<Disk> {
        self.end_block()?;
        let footer = Footer {
            header,
            blocks: std::mem::take(&mut self.blocks),
            blocks_hash: self.hasher.digest(),
        };
        let bytes = serde_json::to_vec(&footer).map_err(io::Error::other)?;
        self.out.write_all(&bytes)?;
        self.out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.out
            .write_all(&xxhash_rust::xxh3::xxh3_64(&bytes).to_le_bytes())?;
        self.out.write_all(MAGIC)?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Disk {
            file,
            blocks: footer.blocks,
            cache: Mutex::new(Vec::new()),
        })
    }
}
