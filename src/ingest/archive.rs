//! Archives: the members of `.zip` and `.tar` files (a `.tar` compressed with gzip,
//! bzip2, xz or zstd comes here through `compressed`), each handed over with its path
//! inside the archive. Nothing is written to disk; a member's name is only ever joined
//! to the archive's own path for display (`news.zip/2017/story.docx`), with `..`, `.`
//! and leading `/` left out; links inside an archive are not followed.
//!
//! Bounds: a member larger than the file size limit is skipped unread; the members read
//! add up to at most `MAX_ARCHIVE_BYTES`; at most `MAX_MEMBERS` members are looked at;
//! a zip member that expands more than `MAX_RATIO` to 1 past `RATIO_FLOOR` bytes is a
//! bomb and skipped. Archives inside archives are read to `MAX_NESTING` levels.

use std::io::{self, Read, Seek};

use super::compressed::{MAX_RATIO, RATIO_FLOOR};
pub use super::sniff::ArchiveKind as Kind;

/// Archives inside an archive are read this many levels deep (the archive named on
/// the command line or found in a folder is level 0).
pub const MAX_NESTING: usize = 2;
/// Members looked at in one archive.
pub const MAX_MEMBERS: usize = 100_000;
/// Decompressed bytes read from one archive, its nested archives included.
pub const MAX_ARCHIVE_BYTES: u64 = 4 << 30;

/// What an archive holds, member by member.
#[derive(Debug)]
pub enum Entry {
    /// A member's whole bytes, with its path inside the archive.
    Member { name: String, bytes: Vec<u8> },
    /// A member left out, and why (a link, too large, a bomb, a bad name).
    Skipped { name: String, reason: String },
    /// The archive itself could not be read on (damaged): what was read stays.
    Failed { reason: String },
}

/// A member's path as shown: its normal components only (no root, no `.` or `..`),
/// `None` when nothing is left.
pub fn clean_name(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What one archive may still read: bytes left of `MAX_ARCHIVE_BYTES`, the member size
/// limit.
pub struct Budget {
    pub bytes_left: std::cell::Cell<u64>,
    pub max_member: u64,
}

impl Budget {
    pub fn new(max_member: u64) -> Budget {
        Budget {
            bytes_left: std::cell::Cell::new(MAX_ARCHIVE_BYTES),
            max_member,
        }
    }

    fn left(&self) -> u64 {
        self.bytes_left.get()
    }

    fn spend(&self, n: u64) {
        self.bytes_left.set(self.left().saturating_sub(n));
    }
}

/// Reads the members of a zip file, in the order of its central directory.
pub fn zip_members(
    reader: impl Read + Seek,
    budget: &Budget,
    on: &mut dyn FnMut(Entry),
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| format!("not a readable zip: {e}"))?;
    let count = zip.len();
    if count > MAX_MEMBERS {
        on(Entry::Skipped {
            name: String::new(),
            reason: format!("the zip has {count} members: the first {MAX_MEMBERS} are read"),
        });
    }
    for i in 0..count.min(MAX_MEMBERS) {
        let mut file = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                on(Entry::Skipped {
                    name: format!("member {i}"),
                    reason: format!("cannot read it: {e}"),
                });
                continue;
            }
        };
        let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
        if file.is_dir() {
            continue;
        }
        let Some(name) = clean_name(&raw) else {
            on(Entry::Skipped {
                name: raw,
                reason: "no usable name".into(),
            });
            continue;
        };
        if file.is_symlink() {
            on(Entry::Skipped {
                name,
                reason: "a link inside the archive: not followed".into(),
            });
            continue;
        }
        let declared = file.size();
        let compressed = file.compressed_size();
        if let Some(reason) = too_big(declared, budget) {
            on(Entry::Skipped { name, reason });
            continue;
        }
        let mut bytes = Vec::new();
        let limit = budget.max_member.min(budget.left());
        let read = (&mut file).take(limit + 1).read_to_end(&mut bytes);
        if let Err(e) = read {
            on(Entry::Skipped {
                name,
                reason: format!("cannot read it: {e}"),
            });
            continue;
        }
        let n = bytes.len() as u64;
        if n > RATIO_FLOOR && n > MAX_RATIO.saturating_mul(compressed.max(1)) {
            on(Entry::Skipped {
                name,
                reason: format!("decompression bomb (expands over {MAX_RATIO}:1)"),
            });
            continue;
        }
        if n > limit {
            on(Entry::Skipped {
                name,
                reason: over_reason(budget),
            });
            continue;
        }
        budget.spend(n);
        on(Entry::Member { name, bytes });
    }
    Ok(())
}

/// Reads the members of a tar stream, in order.
pub fn tar_members(
    reader: impl Read,
    budget: &Budget,
    on: &mut dyn FnMut(Entry),
) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable tar: {e}"))?;
    for (i, entry) in entries.enumerate() {
        if i >= MAX_MEMBERS {
            on(Entry::Skipped {
                name: String::new(),
                reason: format!("more than {MAX_MEMBERS} members: the rest are not read"),
            });
            break;
        }
        let mut entry = entry.map_err(|e| format!("a damaged tar (member {i}): {e}"))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        let Some(name) = clean_name(&raw) else {
            continue;
        };
        if kind.is_symlink() || kind.is_hard_link() {
            on(Entry::Skipped {
                name,
                reason: "a link inside the archive: not followed".into(),
            });
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        if let Some(reason) = too_big(entry.size(), budget) {
            on(Entry::Skipped { name, reason });
            continue;
        }
        let mut bytes = Vec::new();
        let limit = budget.max_member.min(budget.left());
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {name} in the tar: {e}"))?;
        if bytes.len() as u64 > limit {
            on(Entry::Skipped {
                name,
                reason: over_reason(budget),
            });
            continue;
        }
        budget.spend(bytes.len() as u64);
        on(Entry::Member { name, bytes });
    }
    Ok(())
}

fn too_big(declared: u64, budget: &Budget) -> Option<String> {
    if declared > budget.max_member {
        Some(format!(
            "larger than the {} MiB limit for one document (--max-file-size)",
            budget.max_member >> 20
        ))
    } else if declared > budget.left() {
        Some(over_reason(budget))
    } else {
        None
    }
}

fn over_reason(budget: &Budget) -> String {
    if budget.left() < budget.max_member {
        format!(
            "the archive's members add up to more than {} GiB: the rest are not read",
            MAX_ARCHIVE_BYTES >> 30
        )
    } else {
        format!(
            "larger than the {} MiB limit for one document (--max-file-size)",
            budget.max_member >> 20
        )
    }
}

/// Reads the members of an archive of `kind` from `bytes` (a nested archive).
pub fn members_of_bytes(
    kind: Kind,
    bytes: &[u8],
    budget: &Budget,
    on: &mut dyn FnMut(Entry),
) -> Result<(), String> {
    match kind {
        Kind::Zip => zip_members(io::Cursor::new(bytes), budget, on),
        Kind::Tar => tar_members(bytes, budget, on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_climb_out() {
        assert_eq!(
            clean_name("../../etc/passwd").as_deref(),
            Some("etc/passwd")
        );
        assert_eq!(clean_name("/abs/./x.txt").as_deref(), Some("abs/x.txt"));
        assert_eq!(clean_name("a\\b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(clean_name("../.."), None);
        assert_eq!(clean_name("ünï/cødé.md").as_deref(), Some("ünï/cødé.md"));
    }

    #[test]
    fn kinds_by_name_and_bytes() {
        assert_eq!(
            super::super::sniff::archive_kind("zip", b""),
            Some(Kind::Zip)
        );
        assert_eq!(
            super::super::sniff::archive_kind("bin", b"PK\x03\x04rest"),
            Some(Kind::Zip)
        );
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(super::super::sniff::archive_kind("", &tar), Some(Kind::Tar));
        assert_eq!(super::super::sniff::archive_kind("txt", b"hello"), None);
    }
}
