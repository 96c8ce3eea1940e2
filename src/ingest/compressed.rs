//! Compressed files (`.gz`, `.bz2`, `.xz`, `.zst`, or those bytes under any name) are
//! read through their decompressor, as `rg -z` reads them; the document keeps the
//! compressed file's path. What comes out is bounded: a stream that expands more than
//! `MAX_RATIO` to 1 once past `RATIO_FLOOR` bytes is a decompression bomb, stopped and
//! skipped. (Single-document formats are also held to the file size limit, counted in
//! decompressed bytes; streamed ones to their per-record limit.)

use std::cell::Cell;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Past this many decompressed bytes, the ratio is checked.
pub const RATIO_FLOOR: u64 = 16 << 20;
/// Decompressed bytes per compressed byte beyond which a stream is a bomb.
pub const MAX_RATIO: u64 = 100;

/// A compression format trove reads through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Codec {
    fn from_extension(ext: &str) -> Option<Codec> {
        Some(match ext {
            "gz" | "gzip" | "tgz" | "svgz" => Codec::Gzip,
            "bz2" | "bzip2" | "tbz" | "tbz2" => Codec::Bzip2,
            "xz" | "txz" => Codec::Xz,
            "zst" | "zstd" | "tzst" => Codec::Zstd,
            _ => return None,
        })
    }

    fn from_magic(head: &[u8]) -> Option<Codec> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        {
            Some(Codec::Bzip2)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Codec::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Codec::Zstd)
        } else {
            None
        }
    }
}

/// The compression of a file, from its extension or, under any other name, its first
/// bytes.
pub fn codec(ext: &str, head: &[u8]) -> Option<Codec> {
    Codec::from_extension(ext)
        .filter(|_| Codec::from_magic(head).is_some() || head.is_empty())
        .or_else(|| Codec::from_magic(head))
}

/// The name of what is inside: `changelog.Debian.gz` -> `changelog.Debian`,
/// `notes.tgz` -> `notes.tar`.
pub fn inner_name(path: &Path) -> PathBuf {
    let ext = super::sniff::extension(path);
    if matches!(ext.as_str(), "tgz" | "tbz" | "tbz2" | "txz" | "tzst") {
        return path.with_extension("tar");
    }
    if Codec::from_extension(&ext).is_some() {
        return path.with_extension("");
    }
    path.to_path_buf()
}

/// A decompression bomb: the error a [`Bounded`] reader stops with.
#[derive(Debug)]
pub struct Bomb;

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "decompression bomb: expands over {MAX_RATIO}:1")
    }
}

impl std::error::Error for Bomb {}

/// Whether an I/O error is a [`Bomb`].
pub fn is_bomb(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|e| e.is::<Bomb>())
}

/// Counts the compressed bytes a decompressor reads, and hashes them.
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
    hasher: Rc<std::cell::RefCell<xxhash_rust::xxh3::Xxh3>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        self.hasher.borrow_mut().update(&buf[..n]);
        Ok(n)
    }
}

/// Decompressed bytes, stopped with a [`Bomb`] error when they outgrow the compressed
/// bytes read by more than `MAX_RATIO` to 1 (after the first `RATIO_FLOOR` bytes).
pub struct Bounded<'a> {
    inner: Box<dyn Read + 'a>,
    produced: u64,
    consumed: Rc<Cell<u64>>,
    hasher: Rc<std::cell::RefCell<xxhash_rust::xxh3::Xxh3>>,
}

impl Bounded<'_> {
    /// The xxh3-64 of the compressed bytes read so far.
    pub fn compressed_hash(&self) -> u64 {
        self.hasher.borrow().digest()
    }

    /// Hashes compressed bytes read after the decompressor stopped (trailing data).
    pub fn hash_rest(&self, rest: &[u8]) {
        self.hasher.borrow_mut().update(rest);
    }
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        if self.produced > RATIO_FLOOR && self.produced > MAX_RATIO * self.consumed.get().max(1) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, Bomb));
        }
        Ok(n)
    }
}

/// `compressed` read through the decompressor of `codec`, bounded.
pub fn decompress<'a>(codec: Codec, compressed: impl Read + 'a) -> io::Result<Bounded<'a>> {
    let count = Rc::new(Cell::new(0));
    let hasher = Rc::new(std::cell::RefCell::new(xxhash_rust::xxh3::Xxh3::new()));
    let counted = io::BufReader::with_capacity(
        64 * 1024,
        Counted {
            inner: compressed,
            count: count.clone(),
            hasher: hasher.clone(),
        },
    );
    let inner: Box<dyn Read + 'a> = match codec {
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(counted)),
        Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(counted)),
        Codec::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(counted)),
        Codec::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(counted)?),
    };
    Ok(Bounded {
        inner,
        produced: 0,
        consumed: count,
        hasher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_codec_round_trips() {
        let text = "Plain words, İstanbul, straße.\n".repeat(1000);
        let bz = {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(text.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let xz = {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(text.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
        for (name, bytes) in [
            ("a.gz", gzip(text.as_bytes())),
            ("a.bz2", bz),
            ("a.xz", xz),
            ("a.zst", zst),
        ] {
            let ext = super::super::sniff::extension(Path::new(name));
            let c = codec(&ext, &bytes).unwrap();
            // The same bytes under another name are recognised by their magic.
            assert_eq!(codec("", &bytes), Some(c), "{name}");
            let mut out = String::new();
            decompress(c, &bytes[..])
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text, "{name}");
        }
        assert_eq!(codec("gz", b"not gzip"), None);
        assert_eq!(codec("txt", b"plain"), None);
    }

    #[test]
    fn inner_names() {
        let n = |p: &str| inner_name(Path::new(p)).to_string_lossy().into_owned();
        assert_eq!(n("/d/changelog.Debian.gz"), "/d/changelog.Debian");
        assert_eq!(n("/d/news.jsonl.zst"), "/d/news.jsonl");
        assert_eq!(n("/d/x.tgz"), "/d/x.tar");
        assert_eq!(n("/d/x.tar.xz"), "/d/x.tar");
        assert_eq!(n("/d/plain"), "/d/plain");
    }

    #[test]
    fn bombs_are_stopped() {
        let zeros = vec![0u8; 64 << 20];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < (64 << 20) / 500);
        let mut out = Vec::new();
        let err = decompress(Codec::Gzip, &bomb[..])
            .unwrap()
            .read_to_end(&mut out)
            .unwrap_err();
        assert!(is_bomb(&err), "{err}");
        assert!(out.len() as u64 <= RATIO_FLOOR + (1 << 20));
    }
}
