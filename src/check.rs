//! `trove check`: whether an index is whole. It reads every file of the index and
//! compares each with the checksum tantivy wrote at its end, opens every segment, and
//! compares the file state with the index (its commit, and the documents it records).

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::index::TroveIndex;
use crate::state::State;

/// What `trove check` found. `ok` is false when anything is damaged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    /// Documents the index holds, when it could be opened.
    pub documents: Option<u64>,
    /// What is wrong: the index cannot be used as it is (`trove index --force` rebuilds it).
    pub problems: Vec<String>,
    /// What is worth knowing but mends itself (the next `trove index` reads every file
    /// again after a crash between a commit and its state).
    pub notes: Vec<String>,
}

/// Checks the index in `dir`.
pub fn check(dir: &Path) -> Result<CheckReport, Error> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let trove = match TroveIndex::open(dir) {
        Ok(t) => t,
        Err(e @ Error::NoIndex { .. }) => return Err(e),
        Err(e) => {
            problems.push(crate::error::display_chain(&e));
            return Ok(CheckReport {
                ok: false,
                documents: None,
                problems,
                notes,
            });
        }
    };
    // Every byte is read once: its pages need not stay resident.
    let _pages = trove.keep_mapped_pages_under(64 << 20, std::time::Duration::from_millis(2));
    match trove.index.validate_checksum() {
        Ok(damaged) => {
            let mut damaged: Vec<String> = damaged
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            damaged.sort();
            for file in damaged {
                problems.push(format!("{file}: its checksum does not match its content"));
            }
        }
        Err(e) => problems.push(format!("cannot verify checksums: {e}")),
    }
    // Every segment opens, and every document's id reads.
    let mut documents = None;
    let mut ids: HashSet<String> = HashSet::new();
    let read = crate::guard::catch(|| -> Result<(u64, HashSet<String>), String> {
        let reader = trove.reader().map_err(|e| e.to_string())?;
        let searcher = reader.searcher();
        let mut ids = HashSet::new();
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .str("id")
                .map_err(|e| e.to_string())?
                .ok_or("a segment has no id column")?;
            let mut text = String::new();
            for doc in segment.doc_ids_alive() {
                for ord in column.term_ords(doc) {
                    text.clear();
                    column
                        .ord_to_str(ord, &mut text)
                        .map_err(|e| e.to_string())?;
                    ids.insert(text.clone());
                }
            }
        }
        Ok((searcher.num_docs(), ids))
    });
    match read {
        Ok(Ok((n, found))) => {
            documents = Some(n);
            ids = found;
        }
        Ok(Err(e)) => problems.push(format!("cannot read the index: {e}")),
        Err(panic) => problems.push(format!("reading the index failed inside tantivy: {panic}")),
    }
    // The file state against the index.
    match State::load_checked(dir) {
        Err(reason) => problems.push(format!(
            "the file state ({}) cannot be read: {reason}; the next `trove index` reads every file again",
            crate::state::FILE_NAME
        )),
        Ok(None) => notes.push("no file state: the next `trove index` reads every file".into()),
        Ok(Some(state)) => {
            let opstamp = trove.index.load_metas().map(|m| m.opstamp).ok();
            if state.opstamp != opstamp {
                notes.push(
                    "the file state is not the last commit's (a run was cut short): the next \
                     `trove index` reads every file again"
                        .into(),
                );
            } else if documents.is_some() {
                let missing = state
                    .files
                    .iter()
                    .filter(|(_, f)| f.info().size != u64::MAX)
                    .flat_map(|(_, f)| f.ids())
                    .filter(|id| !ids.contains(&**id))
                    .count();
                if missing > 0 {
                    problems.push(format!(
                        "{missing} documents the file state records are not in the index"
                    ));
                }
                if let Some(e) = state.files.take_error() {
                    problems.push(format!(
                        "the file state ({}) cannot be read: {e}; the next `trove index` stops \
                         before it commits (`trove index --force` reads every file again)",
                        crate::state::FILE_NAME
                    ));
                }
            }
        }
    }
    Ok(CheckReport {
        ok: problems.is_empty(),
        documents,
        problems,
        notes,
    })
}
