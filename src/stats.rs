//! `trove stats`: what the index holds. Counted over live documents from fast columns,
//! so replaced and deleted documents waiting for a merge are not counted.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Term, TERMINATED};

use crate::error::Result;
use crate::index::TroveIndex;
use crate::schema;

/// How many of the top publishers and sites to list.
pub const TOP: usize = 10;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    pub name: String,
    pub documents: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub documents: u64,
    pub segments: usize,
    /// Bytes of the index folder on disk.
    pub index_bytes: u64,
    /// First and last calendar day of the dated documents.
    pub earliest: Option<String>,
    pub latest: Option<String>,
    pub undated: u64,
    /// Documents per year, for the dated ones.
    pub per_year: BTreeMap<i16, u64>,
    /// Documents per format (`text`, `html`...).
    pub formats: BTreeMap<String, u64>,
    pub top_publishers: Vec<Count>,
    /// Hosts of the sources' URLs (`phys.org`).
    pub top_sites: Vec<Count>,
    /// Where the index's bytes go.
    pub space: Space,
}

/// Bytes of the index by part, and the inverted-index parts by field.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Space {
    /// Stored documents (compressed).
    pub store: u64,
    pub postings: u64,
    pub positions: u64,
    pub terms: u64,
    pub fast: u64,
    pub fieldnorms: u64,
    /// Postings, positions, terms, fast columns and norms of each field.
    pub by_field: BTreeMap<String, u64>,
}

/// The day of a value of the `date` column: the date as published, written as UTC.
fn utc_day(ts: jiff::Timestamp) -> String {
    ts.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

pub fn stats(trove: &TroveIndex) -> Result<Stats> {
    stats_in(trove, &trove.reader()?.searcher())
}

/// The statistics of the commit `searcher` reads.
pub fn stats_in(trove: &TroveIndex, searcher: &tantivy::Searcher) -> Result<Stats> {
    let err = |e| trove.index_err(e);
    let mut per_year: BTreeMap<i16, u64> = BTreeMap::new();
    let mut earliest: Option<jiff::Timestamp> = None;
    let mut latest: Option<jiff::Timestamp> = None;
    let mut undated = 0;
    let mut publishers: HashMap<String, u64> = HashMap::new();
    let mut sites: HashMap<String, u64> = HashMap::new();
    let mut formats: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let dates = fast.date("date").map_err(err)?;
        let publisher = fast.str("publisher_key").map_err(err)?;
        let site = fast.str("site").map_err(err)?;
        let mut text = String::new();
        let mut publisher_ords: HashMap<u64, u64> = HashMap::new();
        let mut site_ords: HashMap<u64, u64> = HashMap::new();
        for doc in segment.doc_ids_alive() {
            match dates.first(doc).and_then(schema::to_timestamp) {
                Some(ts) => {
                    let year = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
                    *per_year.entry(year).or_default() += 1;
                    earliest = Some(earliest.map_or(ts, |e| e.min(ts)));
                    latest = Some(latest.map_or(ts, |l| l.max(ts)));
                }
                None => undated += 1,
            }
            if let Some(column) = &publisher {
                for ord in column.term_ords(doc) {
                    *publisher_ords.entry(ord).or_default() += 1;
                }
            }
            if let Some(column) = &site {
                for ord in column.term_ords(doc) {
                    *site_ords.entry(ord).or_default() += 1;
                }
            }
        }
        for (ords, column, totals) in [
            (publisher_ords, &publisher, &mut publishers),
            (site_ords, &site, &mut sites),
        ] {
            let Some(column) = column else { continue };
            for (ord, n) in ords {
                text.clear();
                if column.ord_to_str(ord, &mut text).unwrap_or(false) {
                    *totals.entry(text.clone()).or_default() += n;
                }
            }
        }
        // Formats are few: count each one's live postings.
        let inverted = segment.inverted_index(trove.fields.format).map_err(err)?;
        for format in crate::article::Format::ALL {
            let term = Term::from_field_text(trove.fields.format, format.as_str());
            let Some(mut postings) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| err(e.into()))?
            else {
                continue;
            };
            let mut n = 0;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if segment
                    .alive_bitset()
                    .is_none_or(|alive| alive.is_alive(doc))
                {
                    n += 1;
                }
                doc = postings.advance();
            }
            if n > 0 {
                *formats.entry(format.as_str().to_string()).or_default() += n;
            }
        }
    }
    let index_bytes = std::fs::read_dir(trove.dir())
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let mut space = Space::default();
    let usage = searcher.space_usage().map_err(|e| err(e.into()))?;
    for segment in usage.segments() {
        space.store += segment.store().total().get_bytes();
        for (part, total) in [
            (segment.postings(), &mut space.postings),
            (segment.positions(), &mut space.positions),
            (segment.termdict(), &mut space.terms),
            (segment.fast_fields(), &mut space.fast),
            (segment.fieldnorms(), &mut space.fieldnorms),
        ] {
            *total += part.total().get_bytes();
            for field in part.fields() {
                *space
                    .by_field
                    .entry(field.field_name().to_string())
                    .or_default() += field.total().get_bytes();
            }
        }
    }
    Ok(Stats {
        space,
        documents: searcher.num_docs(),
        segments: searcher.segment_readers().len(),
        index_bytes,
        earliest: earliest.map(utc_day),
        latest: latest.map(utc_day),
        undated,
        per_year,
        formats,
        top_publishers: top(publishers),
        top_sites: top(sites),
    })
}

fn top(counts: HashMap<String, u64>) -> Vec<Count> {
    let mut list: Vec<Count> = counts
        .into_iter()
        .map(|(name, documents)| Count { name, documents })
        .collect();
    list.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.name.cmp(&b.name)));
    list.truncate(TOP);
    list
}
