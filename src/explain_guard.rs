//! Explaining a document that a clause does not match, without tripping tantivy.
//!
//! tantivy 0.27's `BooleanWeight::explain` and `PhraseWeight::explain` seek a fresh
//! scorer to the document without checking that the scorer starts at or before it, which
//! breaks `DocSet::seek`'s contract (a debug assertion; release builds return "does not
//! match" by luck). A boolean query explains every clause for a hit, also the clauses
//! the hit does not match, so a nested clause whose first match lies after the hit trips
//! it. [`guard`] wraps such a clause: its explanation first checks where a fresh scorer
//! starts. Everything else passes straight through, so scoring is unchanged.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// `query`, made safe to explain as a clause of a boolean or boost query.
pub(crate) fn guard(query: Box<dyn Query>) -> Box<dyn Query> {
    if query.is::<TermQuery>() || query.is::<Guarded>() {
        query
    } else {
        Box::new(Guarded(query))
    }
}

/// The clauses of a boolean query, each made safe to explain.
pub(crate) fn guard_all<O>(clauses: Vec<(O, Box<dyn Query>)>) -> Vec<(O, Box<dyn Query>)> {
    clauses.into_iter().map(|(o, q)| (o, guard(q))).collect()
}

#[derive(Debug)]
struct Guarded(Box<dyn Query>);

impl Clone for Guarded {
    fn clone(&self) -> Self {
        Guarded(self.0.box_clone())
    }
}

impl Query for Guarded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GuardedWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct GuardedWeight(Box<dyn Weight>);

impl Weight for GuardedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(tantivy::SeekDangerResult, Box<dyn Scorer>)> {
        self.0.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let scorer = self.0.scorer(reader, 1.0)?;
        if scorer.doc() > doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }
}
