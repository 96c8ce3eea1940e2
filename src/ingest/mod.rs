//! From paths to `Article`s: walking folders, choosing the parser for each file,
//! decoding, parsing, and giving every document its source and id the same way.
//! No tantivy here.
//!
//! Files that hold many records (JSON Lines, JSON arrays, mbox) are streamed: each
//! document goes to the caller's sink as soon as it is parsed.

pub mod archive;
pub mod compressed;
pub mod decode;
pub mod email;
pub mod extracted;
pub mod html;
pub mod json;
pub mod markdown;
pub mod office;
pub mod pdf;
mod pdf_nesting;
mod pdf_text;
pub mod print;
pub mod rules;
pub mod sniff;
pub mod text;
pub mod walk;
pub mod webdate;

pub use extracted::{Extracted, Provenance, RecordSink, Rule, SkipReason};
pub use walk::{walk, WalkOptions, Walked};

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::article::{file_url, Article, Format};
use crate::error::IngestError;
use crate::term;

/// Files of a single-document format larger than this are skipped, not read (the
/// default of `--max-file-size`). Streamed formats (JSON Lines, JSON, mbox) have no file
/// limit, only a record limit: they are read a record at a time.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One thing read from a file.
#[derive(Debug)]
pub enum Item {
    /// A document, with what was off in it.
    Doc {
        article: Box<Article>,
        warnings: Vec<String>,
        /// Where its date, title and authors came from.
        provenance: Box<Provenance>,
    },
    /// A record that could not be read (a bad JSON line); the rest of the file goes on.
    Bad { reason: String },
    /// A member of an archive left out on purpose (a link, an image, a bomb), with its
    /// path inside the archive.
    Skipped { member: String, reason: String },
}

/// Which formats a run reads (`-t/--type`, `-T/--type-not`), as a set of [`Format`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(u16);

impl Types {
    pub const ALL: Types = Types(u16::MAX);

    /// `include` (every format when empty), less `exclude`.
    pub fn new(include: &[Format], exclude: &[Format]) -> Types {
        let bit = |f: &Format| 1u16 << Format::ALL.iter().position(|x| x == f).unwrap_or(15);
        let mut set = if include.is_empty() {
            u16::MAX
        } else {
            include.iter().map(bit).fold(0, |a, b| a | b)
        };
        for f in exclude {
            set &= !bit(f);
        }
        Types(set)
    }

    pub fn allows(self, format: Format) -> bool {
        let i = Format::ALL.iter().position(|x| *x == format).unwrap_or(15);
        self.0 & (1 << i) != 0
    }

    pub fn is_all(self) -> bool {
        Format::ALL.iter().all(|f| self.allows(*f))
    }
}

impl Default for Types {
    fn default() -> Self {
        Types::ALL
    }
}

/// How far reading a file may go, and which formats are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single-document file read (`--max-file-size`), in decompressed bytes.
    pub max_file_bytes: u64,
    /// Formats read; a file of another is [`SkipReason::Excluded`].
    pub types: Types,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            types: Types::ALL,
        }
    }
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Read with this format; its documents went to the sink. `hash` is the xxh3-64 of
    /// the whole content.
    Read {
        format: Format,
        hash: u64,
    },
    Skipped(SkipReason),
}

/// A reader that hashes what passes through it.
struct HashingReader<R> {
    inner: R,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The xxh3-64 hash of a file's content, as `FileOutcome::Read` reports it.
pub fn hash_file(path: &Path) -> Result<u64, IngestError> {
    let read_err = read_error(path);
    let mut reader = HashingReader {
        inner: File::open(path).map_err(read_err)?,
        hasher: xxhash_rust::xxh3::Xxh3::new(),
    };
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(read_err)?;
    Ok(reader.hasher.digest())
}

/// A file opened for reading, with its size and modification time as `fstat` gave
/// them: the one stat a file being indexed costs.
#[derive(Debug)]
pub struct OpenFile {
    file: File,
    /// The format its extension names, if it names one.
    by_extension: Option<Format>,
    /// Named on the command line: judged by its content whatever its name.
    named: bool,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: i128,
}

/// Opens `path` for reading without ever blocking: a FIFO put in place of a file after
/// the walk saw it opens at once (O_NONBLOCK) and is then refused as not regular. A file
/// of a kind that is never text (by its extension) is skipped without being opened,
/// unless `named` on the command line.
pub fn open_file(path: &Path, named: bool) -> Result<Result<OpenFile, SkipReason>, IngestError> {
    let read_err = read_error(path);
    let by_extension = match sniff::by_extension(&sniff::extension(path), named) {
        Some(Err(reason)) => return Ok(Err(reason)),
        Some(Ok(format)) => Some(format),
        None => None,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Ok(Err(SkipReason::NotRegular(walk::special_kind(&kind))));
    }
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Ok(Ok(OpenFile {
        file,
        by_extension,
        named,
        size: meta.len(),
        mtime_ns,
    }))
}

/// Reads one file with the default [`Limits`].
pub fn read_file(path: &Path, sink: &mut dyn FnMut(Item)) -> Result<FileOutcome, IngestError> {
    read_file_with(path, Limits::default(), sink)
}

/// Reads one file named on the command line: chooses its format, parses it, and sends
/// each document to `sink`. A single-document file over `limits.max_file_bytes` is
/// skipped before any byte of it is read.
pub fn read_file_with(
    path: &Path,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    read_path(path, true, limits, sink)
}

/// Reads one file, found by a walk (`named`: named on the command line, so judged by
/// its content whatever its name).
pub fn read_path(
    path: &Path,
    named: bool,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    match open_file(path, named)? {
        Ok(file) => read_open(path, file, limits, sink),
        Err(reason) => Ok(FileOutcome::Skipped(reason)),
    }
}

/// How much of a file is read before its format is chosen; a file this small or smaller
/// is read whole by one `read` call.
const HEAD_BYTES: usize = 64 * 1024;

fn streamed(format: Format) -> bool {
    matches!(
        format,
        Format::JsonLines | Format::Json | Format::Mbox | Format::Archive
    )
}

/// Reads a file opened by [`open_file`], as [`read_file_with`] does, inside a guard: a
/// parser that panics fails the file (with the panic's message), never the caller.
pub fn read_open(
    path: &Path,
    open: OpenFile,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    crate::guard::catch(|| read_open_unguarded(path, open, limits, sink)).unwrap_or_else(
        |message| {
            Err(IngestError::Panic {
                path: path.to_path_buf(),
                message,
            })
        },
    )
}

fn read_open_unguarded(
    path: &Path,
    open: OpenFile,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    let read_err = read_error(path);
    let OpenFile {
        mut file,
        by_extension,
        named,
        size,
        ..
    } = open;
    if size == 0 {
        return Ok(FileOutcome::Skipped(SkipReason::Empty));
    }
    if by_extension.is_some_and(|f| !limits.types.allows(f)) {
        return Ok(FileOutcome::Skipped(SkipReason::Excluded));
    }
    let too_large = || {
        Ok(FileOutcome::Skipped(SkipReason::TooLarge(
            limits.max_file_bytes,
        )))
    };
    if by_extension.is_some_and(|f| !streamed(f)) && size > limits.max_file_bytes {
        return too_large();
    }
    let (mut bytes, whole) = read_head(&mut file, size).map_err(read_err)?;
    crate::guard::injected_panic(&bytes);
    if by_extension.is_none() {
        if let Some(codec) = compressed::codec(&sniff::extension(path), &bytes) {
            return read_compressed(path, file, bytes, codec, named, limits, sink);
        }
    }
    let format = match allowed_format(path, &bytes[..bytes.len().min(HEAD_BYTES)], limits) {
        Ok(f) => f,
        Err(reason) => return Ok(FileOutcome::Skipped(reason)),
    };
    if format == Format::Archive {
        return read_archive(path, file, bytes, limits, sink);
    }
    let location = canonical_path(path);
    let origin = Origin::File(&location);
    let mut records = |n, r| sink(to_item(r, &origin, n, format));
    if streamed(format) {
        if whole {
            read_records(format, &bytes[..], &mut records).map_err(read_err)?;
            return Ok(FileOutcome::Read {
                format,
                hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            });
        }
        // Too big to hold: streamed a record at a time, hashed as it passes.
        let hashing = HashingReader {
            inner: std::io::Cursor::new(bytes).chain(file),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        let mut reader = BufReader::with_capacity(HEAD_BYTES, hashing);
        read_records(format, &mut reader, &mut records).map_err(read_err)?;
        // Whatever a parser left unread still counts in the hash.
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(read_err)?;
        let hash = reader.into_inner().hasher.digest();
        return Ok(FileOutcome::Read { format, hash });
    }
    if size > limits.max_file_bytes {
        return too_large();
    }
    if !whole {
        bytes.reserve((size as usize).saturating_sub(bytes.len()) + 1);
        file.read_to_end(&mut bytes).map_err(read_err)?;
    }
    if let Some(reason) = parse_whole(&bytes, format, path, &mut records) {
        return Ok(FileOutcome::Skipped(reason));
    }
    Ok(FileOutcome::Read {
        format,
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
    })
}

/// Reads a compressed file through its decompressor: the format is chosen from the
/// name inside (`notes.md.gz` is Markdown) and the decompressed bytes; the size limit
/// counts decompressed bytes; a bomb is stopped and skipped. The hash is of the file's
/// own (compressed) bytes.
fn read_compressed(
    path: &Path,
    file: File,
    head: Vec<u8>,
    codec: compressed::Codec,
    named: bool,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    let read_err = read_error(path);
    let inner = compressed::inner_name(path);
    let inner_ext = sniff::extension(&inner);
    if inner_ext == "tar" {
        if !limits.types.allows(Format::Archive) {
            return Ok(FileOutcome::Skipped(SkipReason::Excluded));
        }
        let data = compressed::decompress(codec, std::io::Cursor::new(head).chain(&file))
            .map_err(read_err)?;
        let location = canonical_path(path);
        let budget = archive::Budget::new(limits.max_file_bytes);
        let mut data = data;
        let result = archive::tar_members(&mut data, &budget, &mut |e| {
            archive_member(&location, e, 1, limits, &budget, sink)
        });
        if let Err(reason) = result {
            sink(Item::Bad { reason });
        }
        // The rest of the stream (tar's end blocks), for the hash of the whole file.
        if let Err(e) = std::io::copy(&mut data, &mut std::io::sink()) {
            if compressed::is_bomb(&e) {
                return Ok(FileOutcome::Skipped(SkipReason::Bomb {
                    ratio: compressed::MAX_RATIO,
                }));
            }
            return Err(read_err(e));
        }
        let hash = finish_hash(data, &file).map_err(read_err)?;
        return Ok(FileOutcome::Read {
            format: Format::Archive,
            hash,
        });
    }
    match sniff::by_extension(&inner_ext, named) {
        Some(Err(reason)) => return Ok(FileOutcome::Skipped(reason)),
        Some(Ok(f)) if !limits.types.allows(f) => {
            return Ok(FileOutcome::Skipped(SkipReason::Excluded))
        }
        _ => {}
    }
    let mut data =
        compressed::decompress(codec, std::io::Cursor::new(head).chain(&file)).map_err(read_err)?;
    let bomb_or = |e: std::io::Error| {
        if compressed::is_bomb(&e) {
            Ok(FileOutcome::Skipped(SkipReason::Bomb {
                ratio: compressed::MAX_RATIO,
            }))
        } else {
            Err(read_err(e))
        }
    };
    // The first bytes, to choose the format.
    let mut first = Vec::with_capacity(HEAD_BYTES);
    if let Err(e) = (&mut data).take(HEAD_BYTES as u64).read_to_end(&mut first) {
        return bomb_or(e);
    }
    if first.is_empty() {
        return Ok(FileOutcome::Skipped(SkipReason::Empty));
    }
    let format = match allowed_format(&inner, &first, limits) {
        Ok(f) => f,
        Err(reason) => return Ok(FileOutcome::Skipped(reason)),
    };
    let location = canonical_path(path);
    let origin = Origin::File(&location);
    let mut records = |n, r| sink(to_item(r, &origin, n, format));
    if streamed(format) {
        let mut reader =
            BufReader::with_capacity(HEAD_BYTES, std::io::Cursor::new(first).chain(&mut data));
        let result = read_records(format, &mut reader, &mut records)
            .and_then(|()| std::io::copy(&mut reader, &mut std::io::sink()).map(|_| ()));
        drop(reader);
        if let Err(e) = result {
            return bomb_or(e);
        }
        let hash = finish_hash(data, &file).map_err(read_err)?;
        return Ok(FileOutcome::Read { format, hash });
    }
    let mut bytes = first;
    let room = limits
        .max_file_bytes
        .saturating_add(1)
        .saturating_sub(bytes.len() as u64);
    if let Err(e) = (&mut data).take(room).read_to_end(&mut bytes) {
        return bomb_or(e);
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Ok(FileOutcome::Skipped(SkipReason::TooLarge(
            limits.max_file_bytes,
        )));
    }
    let hash = finish_hash(data, &file).map_err(read_err)?;
    if let Some(reason) = parse_whole(&bytes, format, &inner, &mut records) {
        return Ok(FileOutcome::Skipped(reason));
    }
    Ok(FileOutcome::Read { format, hash })
}

/// Reads a zip or tar file's members as documents (see `archive`): each is parsed as a
/// file of its own, at the path `archive.zip/inner/path`, archives inside to
/// `archive::MAX_NESTING` levels. The hash is of the archive's own bytes.
fn read_archive(
    path: &Path,
    mut file: File,
    head: Vec<u8>,
    limits: Limits,
    sink: &mut dyn FnMut(Item),
) -> Result<FileOutcome, IngestError> {
    use std::io::{Seek, SeekFrom};
    let read_err = read_error(path);
    let location = canonical_path(path);
    let budget = archive::Budget::new(limits.max_file_bytes);
    let kind = sniff::archive_kind(&sniff::extension(path), &head).unwrap_or(archive::Kind::Zip);
    let mut on = |e| archive_member(&location, e, 1, limits, &budget, sink);
    let hash = match kind {
        archive::Kind::Zip => {
            file.seek(SeekFrom::Start(0)).map_err(read_err)?;
            let result = archive::zip_members(BufReader::new(&file), &budget, &mut on);
            if let Err(reason) = result {
                on(archive::Entry::Failed { reason });
            }
            file.seek(SeekFrom::Start(0)).map_err(read_err)?;
            let mut hashing = HashingReader {
                inner: &file,
                hasher: xxhash_rust::xxh3::Xxh3::new(),
            };
            std::io::copy(&mut hashing, &mut std::io::sink()).map_err(read_err)?;
            hashing.hasher.digest()
        }
        archive::Kind::Tar => {
            let mut hashing = HashingReader {
                inner: std::io::Cursor::new(head).chain(&file),
                hasher: xxhash_rust::xxh3::Xxh3::new(),
            };
            let result = archive::tar_members(&mut hashing, &budget, &mut on);
            if let Err(reason) = result {
                on(archive::Entry::Failed { reason });
            }
            std::io::copy(&mut hashing, &mut std::io::sink()).map_err(read_err)?;
            hashing.hasher.digest()
        }
    };
    Ok(FileOutcome::Read {
        format: Format::Archive,
        hash,
    })
}

/// One entry of an archive (at nesting `depth`) to the sink: a member parsed as the file
/// `location/name`, a nested archive read in turn, or a member left out.
fn archive_member(
    location: &Path,
    entry: archive::Entry,
    depth: usize,
    limits: Limits,
    budget: &archive::Budget,
    sink: &mut dyn FnMut(Item),
) {
    let (name, mut bytes) = match entry {
        archive::Entry::Skipped { name, reason } => {
            let member = display_member(location, &name);
            sink(Item::Skipped { member, reason });
            return;
        }
        archive::Entry::Failed { reason } => {
            sink(Item::Bad { reason });
            return;
        }
        archive::Entry::Member { name, bytes } => (name, bytes),
    };
    let mut joined = location.join(&name);
    // A compressed member (`notes.md.gz`, `old.tar.gz`) is read through its codec.
    if let Some(codec) = compressed::codec(&sniff::extension(&joined), &bytes) {
        let mut out = Vec::new();
        let limit = limits.max_file_bytes;
        let read = compressed::decompress(codec, std::io::Cursor::new(&bytes[..]))
            .and_then(|d| d.take(limit + 1).read_to_end(&mut out));
        match read {
            Ok(_) if out.len() as u64 > limit => {
                let reason = SkipReason::TooLarge(limit).to_string();
                sink(Item::Skipped {
                    member: display_member(location, &name),
                    reason,
                });
                return;
            }
            Ok(_) => {
                joined = compressed::inner_name(&joined);
                bytes = out;
            }
            Err(e) => {
                let reason = if compressed::is_bomb(&e) {
                    (SkipReason::Bomb {
                        ratio: compressed::MAX_RATIO,
                    })
                    .to_string()
                } else {
                    format!("cannot decompress it: {e}")
                };
                sink(Item::Skipped {
                    member: display_member(location, &name),
                    reason,
                });
                return;
            }
        }
    }
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    let format = match allowed_format(&joined, head, limits) {
        Ok(f) => f,
        Err(SkipReason::Excluded) => return,
        Err(reason) => {
            sink(Item::Skipped {
                member: term::lossless(&joined),
                reason: reason.to_string(),
            });
            return;
        }
    };
    if format == Format::Archive {
        let kind = sniff::archive_kind(&sniff::extension(&joined), head);
        match kind {
            Some(kind) if depth < archive::MAX_NESTING => {
                let result = archive::members_of_bytes(kind, &bytes, budget, &mut |e| {
                    archive_member(&joined, e, depth + 1, limits, budget, sink)
                });
                if let Err(reason) = result {
                    sink(Item::Bad {
                        reason: format!("{}: {reason}", term::lossless(&joined)),
                    });
                }
            }
            _ => sink(Item::Skipped {
                member: term::lossless(&joined),
                reason: format!(
                    "an archive nested more than {} levels deep",
                    archive::MAX_NESTING
                ),
            }),
        }
        return;
    }
    let origin = Origin::File(&joined);
    let mut records = |n, r| sink(to_item(r, &origin, n, format));
    if streamed(format) {
        if let Err(e) = read_records(format, &bytes[..], &mut records) {
            records(None, Err(format!("cannot read it: {e}")));
        }
    } else if let Some(reason) = parse_whole(&bytes, format, &joined, &mut records) {
        sink(Item::Skipped {
            member: term::lossless(&joined),
            reason: reason.to_string(),
        });
    }
}

/// A member's path as shown: the archive's path and the member's name.
fn display_member(location: &Path, name: &str) -> String {
    if name.is_empty() {
        term::lossless(location)
    } else {
        term::lossless(&location.join(name))
    }
}

/// Turns an I/O error while reading `path` into an error that names it.
fn read_error(path: &Path) -> impl Fn(std::io::Error) -> IngestError + Copy + '_ {
    move |source| IngestError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// The format of a file, from its name and first bytes, when `-t`/`-T` let it through.
fn allowed_format(name: &Path, head: &[u8], limits: Limits) -> Result<Format, SkipReason> {
    let format = sniff::detect(name, head)?;
    if !limits.types.allows(format) {
        return Err(SkipReason::Excluded);
    }
    Ok(format)
}

/// A record a parser read, as an `Item`: the document finished, or why it is bad.
fn to_item(
    record: Result<Extracted, String>,
    origin: &Origin,
    n: Option<usize>,
    format: Format,
) -> Item {
    match record {
        Ok(doc) => finish(doc, origin, n, format),
        Err(reason) => Item::Bad { reason },
    }
}

/// Parses `bytes`, the whole of the one document in the file `name`, into `records`;
/// the reason when it is not a document after all.
fn parse_whole(
    bytes: &[u8],
    format: Format,
    name: &Path,
    records: &mut RecordSink,
) -> Option<SkipReason> {
    let file_name = name
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if format == Format::Pdf {
        return match pdf::parse(bytes, &file_name) {
            Ok(doc) => {
                records(None, Ok(doc));
                None
            }
            Err(pdf::Problem::NeedsPassword) => Some(SkipReason::Kind("PDF that needs a password")),
            Err(pdf::Problem::NoText) => {
                Some(SkipReason::Kind("PDF without a text layer (a scan?)"))
            }
            Err(pdf::Problem::TooSlow(limit)) => {
                records(
                    None,
                    Err(match limit.as_millis() {
                        ms if ms % 1000 == 0 => {
                            format!("the PDF took longer than {} s to read: left out", ms / 1000)
                        }
                        ms => format!("the PDF took longer than {ms} ms to read: left out"),
                    }),
                );
                None
            }
            Err(pdf::Problem::Unreadable(reason)) => {
                records(None, Err(format!("cannot read the PDF: {reason}")));
                None
            }
        };
    }
    if matches!(format, Format::Docx | Format::Odt | Format::Epub) {
        // A damaged document is a bad file, said as such, not a skip.
        records(None, office::parse(bytes, format));
        return None;
    }
    match parse_document(bytes, format, &file_name) {
        Ok(doc) => {
            records(None, Ok(doc));
            None
        }
        Err(reason) => Some(reason),
    }
}

/// The hash of a compressed file's bytes: those the decompressor read, and the rest.
fn finish_hash(data: compressed::Bounded, mut file: &File) -> std::io::Result<u64> {
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)?;
    data.hash_rest(&rest);
    Ok(data.compressed_hash())
}

/// Reads the start of a file of `size` bytes (as `fstat` said): the whole of it when it
/// holds at most `HEAD_BYTES`, usually in one `read` call. Returns the bytes and whether
/// they are the whole file.
///
/// One byte more than `size` is asked for, so that a file that grew since is noticed
/// (and read on). A read that returns everything `size` promised but no more is taken
/// as the end of the file, which saves the usual second `read` that returns nothing.
fn read_head(file: &mut File, size: u64) -> std::io::Result<(Vec<u8>, bool)> {
    let want = (size.min(HEAD_BYTES as u64) as usize) + 1;
    let mut buf = vec![0u8; want];
    let mut filled = 0;
    while filled < want {
        match file.read(&mut buf[filled..]) {
            Ok(0) => {
                buf.truncate(filled);
                return Ok((buf, true));
            }
            Ok(n) => {
                filled += n;
                if filled < want && filled as u64 >= size {
                    buf.truncate(filled);
                    return Ok((buf, true));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // More than `size` bytes: the file grew. Small enough still? Read on to be sure.
    if size < HEAD_BYTES as u64 {
        file.read_to_end(&mut buf)?;
        if buf.len() <= HEAD_BYTES {
            return Ok((buf, true));
        }
    }
    Ok((buf, false))
}

/// Parses a many-record file (JSON Lines, a JSON document, mbox) from `reader`.
fn read_records(
    format: Format,
    reader: impl BufRead,
    records: &mut RecordSink,
) -> std::io::Result<()> {
    match format {
        Format::JsonLines => json::read_lines(reader, records)?,
        Format::Json => {
            if let Err(reason) = json::read_document(reader, records) {
                records(None, Err(reason));
            }
        }
        _ => email::read_mbox(reader, records)?,
    }
    Ok(())
}

/// Parses the bytes of a single-document file.
pub fn parse_document(
    bytes: &[u8],
    format: Format,
    file_name: &str,
) -> Result<Extracted, SkipReason> {
    let doc = match format {
        Format::Email => match email::parse_message(bytes) {
            Ok(doc) => doc,
            // Not a message after all: read it as text.
            Err(_) => text::parse(&decode::decode(bytes, None)?),
        },
        Format::Html => {
            let declared = decode::html_declared_charset(bytes);
            html::parse(&decode::decode(bytes, declared.as_deref())?)
        }
        Format::Markdown => markdown::parse(&decode::decode(bytes, None)?, file_name),
        Format::Docx | Format::Odt | Format::Epub => {
            office::parse(bytes, format).map_err(|_| SkipReason::Binary)?
        }
        Format::Archive => return Err(SkipReason::Kind("archive")),
        Format::Pdf => pdf::parse(bytes, file_name).map_err(|_| SkipReason::Binary)?,
        Format::Text | Format::Json | Format::JsonLines | Format::Mbox => {
            let text = decode::decode(bytes, None)?;
            if text.trim().is_empty() {
                return Err(SkipReason::Empty);
            }
            text::parse(&text)
        }
    };
    Ok(doc)
}

/// One spelling per file, so the same file reached by another path keeps its id: the
/// canonical path. A path that is already absolute and plain (no `.` or `..`), as the
/// walk of a canonical root yields, is taken as it is, saving a `realpath` per file.
pub fn canonical_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let plain = path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    if plain {
        return path.to_path_buf();
    }
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// JSON Lines from standard input (`trove index -`), or from `given` when there is.
pub fn read_piped(given: Option<&[u8]>, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let mut records = |n: Option<usize>, r: Result<Extracted, String>| {
        sink(match r {
            Ok(doc) => finish(doc, &Origin::Stdin, n, Format::JsonLines),
            Err(reason) => Item::Bad { reason },
        })
    };
    let read = match given {
        Some(bytes) => json::read_lines(bytes, &mut records),
        None => json::read_lines(std::io::stdin().lock(), &mut records),
    };
    read.map_err(|source| IngestError::Read {
        path: PathBuf::from("-"),
        source,
    })
}

/// Where a document came from, for its default source and id.
enum Origin<'a> {
    File(&'a Path),
    Stdin,
}

/// Turns what a parser extracted into an article, the same way for every format:
/// - title: the parser's, else (for a file that is one document) the file's name;
/// - source: the declared URL, else the file's `file://` URL (with `#N` for record N of
///   a file holding many);
/// - id: the record's own, else derived from the declared URL, else from the file URL
///   and record number; records from stdin with neither id nor URL get an id derived
///   from their content, so piping the same record twice keeps one copy.
fn finish(mut doc: Extracted, origin: &Origin, record: Option<usize>, format: Format) -> Item {
    if doc.title.trim().is_empty() && record.is_none() {
        // A file that is one document and gave no title: its name.
        if let Origin::File(p) = origin {
            doc.title = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
    }
    let (source, path) = match (&doc.source, origin) {
        (Some(url), Origin::File(p)) => (url.clone(), Some(p)),
        (Some(url), Origin::Stdin) => (url.clone(), None),
        (None, Origin::File(p)) => {
            let url = file_url(p);
            (
                match record {
                    Some(n) => format!("{url}#{n}"),
                    None => url,
                },
                Some(p),
            )
        }
        (None, Origin::Stdin) => (format!("stdin#{}", record.unwrap_or(1)), None),
    };
    let id = doc
        .id
        .clone()
        .unwrap_or_else(|| match (&doc.source, origin) {
            (None, Origin::Stdin) => {
                Article::derive_id(&format!("content:{}\n{}", doc.title, doc.body))
            }
            _ => Article::derive_id(&source),
        });
    Item::Doc {
        article: Box::new(Article {
            id,
            title: doc.title,
            date: doc.date,
            source,
            authors: doc.authors,
            publisher: doc.publisher,
            tags: doc.tags,
            // Lossless (`\xNN` for bytes that are not UTF-8), so `-l -0` gives the name back.
            path: path.map(|p| crate::term::lossless(p)),
            body: doc.body,
            format,
        }),
        warnings: doc.warnings,
        provenance: Box::new(doc.provenance),
    }
}
