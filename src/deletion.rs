//! `trove delete`: remove documents by id, by file or folder, or by query.
//!
//! Deleted documents stay deleted until their file changes: the file stays on record
//! as unchanged, without the deleted ids, so `trove index` does not bring them back.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use crate::error::Result;
use crate::index::{TroveIndex, MIN_MEMORY_PER_THREAD};
use crate::query::{self, QueryOptions};
use crate::schema;
use crate::state::State;

/// What to delete: documents matching any of these.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub ids: Vec<String>,
    /// Files (their documents) or folders (the documents of every file under them).
    pub paths: Vec<PathBuf>,
    pub query: Option<String>,
    /// Only say what would be deleted.
    pub dry_run: bool,
    /// How long to wait for another process's writer lock.
    pub wait: Duration,
}

/// A document that was (or would be) deleted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Deleted {
    pub id: String,
    pub title: String,
    pub path: Option<String>,
}

/// Finds the matching documents and, unless `dry_run`, deletes them and commits.
pub fn delete(trove: &TroveIndex, opts: &DeleteOptions) -> Result<Vec<Deleted>> {
    let f = &trove.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for id in &opts.ids {
        clauses.push((Occur::Should, term_query(Term::from_field_text(f.id, id))));
    }
    for path in &opts.paths {
        let full = std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.clone());
        let text = full.to_string_lossy().into_owned();
        clauses.push((
            Occur::Should,
            term_query(Term::from_field_text(f.path, &text)),
        ));
        // Everything under it, as a folder: paths from "dir/" up to "dir0" ('/' + 1).
        let dir = text.trim_end_matches('/');
        clauses.push((
            Occur::Should,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_text(f.path, &format!("{dir}/"))),
                Bound::Excluded(Term::from_field_text(f.path, &format!("{dir}0"))),
            )),
        ));
    }
    let reader = trove.reader()?;
    let searcher = reader.searcher();
    if let Some(text) = &opts.query {
        // Strict: a query that needs repairing must not delete anything.
        let options = QueryOptions {
            strict: true,
            ..QueryOptions::default()
        };
        clauses.push((
            Occur::Should,
            query::build(trove, &searcher, text, &options)?.query,
        ));
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let matcher = BooleanQuery::new(clauses);
    let addresses = searcher
        .search(&matcher, &DocSetCollector)
        .map_err(|e| trove.index_err(e))?;
    let mut found = BTreeSet::new();
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| trove.index_err(e))?;
        let article = schema::from_document(f, &doc);
        found.insert(Deleted {
            id: article.id,
            title: article.title,
            path: article.path,
        });
    }
    let found: Vec<Deleted> = found.into_iter().collect();
    if opts.dry_run || found.is_empty() {
        return Ok(found);
    }
    let mut writer = trove.writer(
        1,
        MIN_MEMORY_PER_THREAD,
        opts.wait,
        None::<&AtomicBool>,
        &mut || {},
    )?;
    let mut state = State::load(trove.dir());
    let trusted = state.opstamp == Some(trove.opstamp()?);
    let gone: BTreeSet<&str> = found.iter().map(|d| d.id.as_str()).collect();
    for id in &gone {
        trove.delete_id(&writer, id);
    }
    if trusted {
        state.files.remove_ids(&gone);
        trove.commit(&mut writer, &mut state)?;
    } else {
        // A state that does not match the index stays unmatched: the next `trove index`
        // reads every file again.
        writer.commit().map_err(|e| trove.index_err(e))?;
    }
    writer
        .wait_merging_threads()
        .map_err(|e| trove.index_err(e))?;
    Ok(found)
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}
