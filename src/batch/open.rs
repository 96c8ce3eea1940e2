//! Opening the index a run writes to: refused or rebuilt when another version of trove
//! made it or a file does not match its checksum.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::index::{Shares, TroveIndex};
use crate::state::State;

/// The index to write to. One built by another version of trove, or damaged (a file
/// that does not match its checksum: indexing into it would report success and leave
/// it broken), is refused, or with `--force` emptied and built again (with the roots
/// it recorded, returned; `paths` are those the run was given, `memory` its budget).
/// Checking the checksums reads the whole index: 0.03 s of a
/// 0.3 s unchanged re-run on the 54 MB index of the news sets.
pub(super) fn open_for_indexing(
    dir: &Path,
    force: bool,
    paths: &[PathBuf],
    memory: usize,
) -> Result<(TroveIndex, Vec<String>)> {
    let problem = match TroveIndex::open_or_create(dir) {
        Ok(trove) => match damaged_files(&trove, Shares::of(memory).mapped) {
            None => return Ok((trove, Vec::new())),
            Some(reason) => Error::Damaged {
                path: dir.to_path_buf(),
                reason,
            },
        },
        Err(e @ (Error::SchemaMismatch { .. } | Error::Damaged { .. })) => e,
        Err(other) => return Err(other),
    };
    if !force {
        return Err(problem);
    }
    if paths.is_empty() && State::load(dir).roots.is_empty() {
        // Nothing to build it from: say so before anything is removed.
        return Err(Error::NoRoots {
            path: dir.to_path_buf(),
        });
    }
    let roots = TroveIndex::wipe(dir)?;
    Ok((TroveIndex::open_or_create(dir)?, roots))
}

/// Which files of a non-empty index do not match their checksums, said in a line.
fn damaged_files(trove: &TroveIndex, mapped: usize) -> Option<String> {
    let metas = trove.index.load_metas().ok()?;
    if metas.segments.is_empty() {
        return None;
    }
    let _pages = trove.keep_mapped_pages_under(mapped, Duration::from_millis(2));
    match trove.index.validate_checksum() {
        Ok(damaged) if damaged.is_empty() => None,
        Ok(damaged) => {
            let mut names: Vec<String> = damaged
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            names.sort();
            Some(format!("{} does not match its checksum", names.join(", ")))
        }
        Err(e) => Some(format!("cannot verify checksums: {e}")),
    }
}
