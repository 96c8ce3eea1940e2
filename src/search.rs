//! Running a query: options in, owned `Hit`s out (with snippets), for printers.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;
use std::sync::Arc;

use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::schema::Field;
use tantivy::{DateTime, DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::article::Article;
use crate::date::format_date;
use crate::error::Result;
use crate::index::TroveIndex;
use crate::query::{self, QueryOptions};
use crate::schema::{self, ID_COLUMN, INSTANT_FIELD};
use crate::snippet::Highlighter;

/// Longest snippet fragment, in characters.
pub const SNIPPET_CHARS: usize = 220;

/// Bodies longer than this get up to three fragments instead of one.
const LONG_BODY_CHARS: usize = 3 * SNIPPET_CHARS;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (BM25).
    #[default]
    Score,
    /// Oldest first; undated documents last.
    Date,
    /// Newest first; undated documents last.
    DateDesc,
}

impl Sort {
    /// An order as `--sort` and the server's `sort=` name it.
    pub fn parse(text: &str) -> std::result::Result<Sort, String> {
        match text {
            "score" | "relevance" => Ok(Sort::Score),
            "date" | "+date" | "oldest" => Ok(Sort::Date),
            "-date" | "newest" => Ok(Sort::DateDesc),
            other => Err(format!("unknown order {other:?}: use score, date or -date")),
        }
    }
}

/// One line of a batch of queries (`search --batch`, the server's `POST /api/batch`),
/// the `n`th from 0: `ID<TAB>QUERY`, or `QUERY` numbered by its line; `None` for a
/// blank line.
pub fn batch_line(n: usize, line: &str) -> Option<(String, String)> {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() {
        return None;
    }
    Some(match line.split_once('\t') {
        Some((id, query)) => (id.to_string(), query.to_string()),
        None => ((n + 1).to_string(), line.to_string()),
    })
}

/// What `trove search` is asked to do.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub query: String,
    pub limit: usize,
    /// Hits to skip, for paging.
    pub offset: usize,
    pub sort: Sort,
    /// How the query is read and filtered.
    pub options: QueryOptions,
    /// Make snippets (not needed for counts and file lists).
    pub snippets: bool,
    /// Explain each hit's score.
    pub explain: bool,
    /// Count every match for `SearchResults::total` (a printed total). Without it the
    /// total is the number of hits found up to one past the page: 0 exactly when
    /// nothing matched, a lower bound otherwise. Counting is a pass over every match
    /// (2 ms of a one-term search at 10,000,000 records).
    pub count: bool,
}

impl SearchOptions {
    pub fn new(query: impl Into<String>) -> SearchOptions {
        SearchOptions {
            query: query.into(),
            limit: 10,
            offset: 0,
            sort: Sort::Score,
            options: QueryOptions::default(),
            snippets: true,
            explain: false,
            count: true,
        }
    }
}

/// One search result. Owned and serializable: this is the `--json` schema.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// 1-based position in the ranking (counting the skipped `--offset` hits).
    pub rank: usize,
    /// BM25 score (title matches weighted), written as the shortest decimal that
    /// reads back as the same `f32` (`0.6245008`, not `0.6245008111000061`).
    #[serde(serialize_with = "shortest_f32")]
    pub score: f32,
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`, or RFC 3339 with the offset the document stated when it gave a
    /// time of day (`2019-10-19T00:04:00+02:00`; `Z` for UTC or no stated offset).
    pub date: Option<String>,
    /// The date's instant in seconds, for ordering hits merged from several indexes.
    #[serde(skip)]
    pub instant: Option<i64>,
    pub source: String,
    pub author: Option<String>,
    pub publisher: Option<String>,
    /// Tags, topics, keywords or newsgroups; empty when the document has none.
    pub tags: Vec<String>,
    pub path: Option<String>,
    pub format: String,
    /// Passages of the body around the best matches, whitespace collapsed, `…` where
    /// cut (up to three, joined by ` … `, for long bodies).
    pub snippet: String,
    /// Byte ranges `[start, end)` of the matched words in `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// Byte ranges of the matched words in `title`.
    pub title_highlights: Vec<[usize; 2]>,
    /// Why the hit scored what it did (`--explain`): tantivy's explanation tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<serde_json::Value>,
}

/// The hits on one page, how many documents matched in all, and what was ignored in
/// the query to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub warnings: Vec<String>,
}

/// Ids and scores of the best hits, best first, and what was ignored in the query.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedIds {
    pub ids: Vec<(String, f32)>,
    pub warnings: Vec<String>,
}

/// Runs one search against the last commit of `trove`.
pub fn search(trove: &TroveIndex, opts: &SearchOptions) -> Result<SearchResults> {
    Session::new(trove)?.search(opts)
}

/// A reader held open for many searches (`--batch`).
pub struct Session<'a> {
    trove: &'a TroveIndex,
    searcher: Searcher,
    /// BM25 statistics shared with other indexes searched together (see [`MultiSession`]).
    stats: Option<Arc<CombinedStats>>,
}

impl<'a> Session<'a> {
    pub fn new(trove: &'a TroveIndex) -> Result<Session<'a>> {
        Ok(Session::with_searcher(trove, trove.reader()?.searcher()))
    }

    /// A session over a searcher already open (a server's reader, kept across requests).
    pub fn with_searcher(trove: &'a TroveIndex, searcher: Searcher) -> Session<'a> {
        Session {
            trove,
            searcher,
            stats: None,
        }
    }

    /// Runs `collector` over this index, scoring with the shared statistics if any.
    fn run<C: Collector>(&self, query: &dyn Query, collector: &C) -> tantivy::Result<C::Fruit> {
        match &self.stats {
            Some(stats) => {
                self.searcher
                    .search_with_statistics_provider(query, collector, stats.as_ref())
            }
            None => self.searcher.search(query, collector),
        }
    }

    pub fn search(&self, opts: &SearchOptions) -> Result<SearchResults> {
        let trove = self.trove;
        let searcher = &self.searcher;
        let err = |e| trove.index_err(e);
        let built = query::build(trove, searcher, &opts.query, &opts.options)?;
        let query = built.query;
        if opts.limit == 0 {
            let total = self.run(&query, &Count).map_err(err)?;
            return Ok(SearchResults {
                hits: Vec::new(),
                total,
                warnings: built.warnings,
            });
        }
        let (found, total): (Vec<(Option<f32>, DocAddress)>, usize) = match opts.sort {
            Sort::Score => {
                let (top, total) = self
                    .top_by_score(&*query, opts.offset, opts.limit, opts.count)
                    .map_err(err)?;
                (top.into_iter().map(|(s, a)| (Some(s), a)).collect(), total)
            }
            Sort::Date | Sort::DateDesc => {
                let order = if opts.sort == Sort::Date {
                    Order::Asc
                } else {
                    Order::Desc
                };
                // Equal instants (and undated documents) in id order.
                let by_date_then_id = (
                    (
                        SortByStaticFastValue::<DateTime>::for_field(INSTANT_FIELD),
                        order,
                    ),
                    (SortByString::for_field(ID_COLUMN), Order::Asc),
                );
                let page = self.page(opts.offset, opts.limit).order_by(by_date_then_id);
                let (top, total) = if opts.count {
                    self.run(&query, &(page, Count)).map_err(err)?
                } else {
                    let top = self.run(&query, &page).map_err(err)?;
                    let total = if top.is_empty() && opts.offset > 0 {
                        // Past the last hit, or nothing matched: only a count says which.
                        self.run(&query, &Count).map_err(err)?
                    } else {
                        opts.offset + top.len()
                    };
                    (top, total)
                };
                (top.into_iter().map(|(_, a)| (None, a)).collect(), total)
            }
        };

        let f = &trove.fields;
        let mut highlighters = if opts.snippets {
            let body = highlighter(searcher, &*query, f.body).map_err(err)?;
            let title = highlighter(searcher, &*query, f.title).map_err(err)?;
            Some((body, title))
        } else {
            None
        };

        // Without snippets (file lists, chosen fields, long pages) the documents are read
        // in the store's order and their bodies dropped at once: hits that share a
        // compressed block then cost one decompression (tantivy caches the last blocks),
        // not one each. `trove search -l` on the bench corpus at 1x: "the" (40,438 hits)
        // 1,226 -> 312 ms, "government" 142 -> 80 ms; "oil" at 8x 587 -> 325 ms.
        let mut preloaded = if highlighters.is_none() && found.len() > 1 {
            let mut order: Vec<usize> = (0..found.len()).collect();
            order.sort_unstable_by_key(|&i| found[i].1);
            let mut articles: Vec<Option<Article>> = vec![None; found.len()];
            for i in order {
                let doc: TantivyDocument = searcher.doc(found[i].1).map_err(err)?;
                let mut article = schema::from_document(f, &doc);
                article.body = String::new();
                articles[i] = Some(article);
            }
            Some(articles)
        } else {
            None
        };
        let mut hits = Vec::with_capacity(found.len());
        for (i, (score, address)) in found.into_iter().enumerate() {
            let article = match preloaded.as_mut().and_then(|a| a[i].take()) {
                Some(article) => article,
                None => {
                    let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
                    schema::from_document(f, &doc)
                }
            };
            let explanation = if opts.explain || score.is_none() {
                Some(query.explain(searcher, address).map_err(err)?)
            } else {
                None
            };
            let score = score
                .or_else(|| explanation.as_ref().map(|e| e.value()))
                .unwrap_or(0.0);
            let (snippet, highlights, title_highlights) = match &mut highlighters {
                Some((body, title)) => {
                    let (snippet, marks) = make_snippet(body, &article.body);
                    let title_marks = title
                        .marks(&article.title)
                        .into_iter()
                        .map(|r| [r.start, r.end])
                        .collect();
                    (snippet, marks, title_marks)
                }
                None => (String::new(), Vec::new(), Vec::new()),
            };
            hits.push(Hit {
                rank: opts.offset + i + 1,
                score,
                author: article.author_line(),
                id: article.id,
                title: article.title,
                date: article.date.map(format_date),
                instant: article.date.map(|d| d.instant.as_second()),
                source: article.source,
                publisher: article.publisher,
                tags: article.tags,
                path: article.path,
                format: article.format.to_string(),
                snippet,
                highlights,
                title_highlights,
                explanation: if opts.explain {
                    explanation
                        .and_then(|e| serde_json::to_value(&e).ok())
                        .map(|v| name_fields(v, searcher.schema()))
                } else {
                    None
                },
            });
        }
        if opts.sort == Sort::Score {
            // The page holds exactly the right hits; equal scores in id order.
            hits.sort_by(by_score_then_id);
            for (i, hit) in hits.iter_mut().enumerate() {
                hit.rank = opts.offset + i + 1;
            }
        }
        Ok(SearchResults {
            hits,
            total,
            warnings: built.warnings,
        })
    }

    /// A page of `limit` hits after `offset`, sized to the index: tantivy sets aside
    /// room for `limit` hits per segment, so never more than exist.
    fn page(&self, offset: usize, limit: usize) -> TopDocs {
        let docs = usize::try_from(self.searcher.num_docs())
            .unwrap_or(usize::MAX)
            .max(1);
        TopDocs::with_limit(limit.min(docs)).and_offset(offset.min(docs))
    }

    /// The hits from `offset` to `offset + limit` by score, and how many matched: the
    /// same documents whatever the index's segments, so that equal scores never let
    /// the layout decide which hit makes the page. The ranking (block-max pruning, its
    /// threshold carried from segment to segment: `top::TopScores`) is asked for one hit
    /// past the page; only when equal scores
    /// straddle an edge of the page is it taken again with the id as a second key,
    /// among the hits scoring at least the page's lowest score (`top::BestById`, pruned
    /// the same way). The count is its own pass: `Count` alone asks each segment for a
    /// number (a term's document frequency when nothing is deleted); beside a top-k it
    /// would score every match and turn the pruning off.
    /// The caller orders equal scores inside the page by id.
    fn top_by_score(
        &self,
        query: &dyn Query,
        offset: usize,
        limit: usize,
        count: bool,
    ) -> tantivy::Result<(Vec<(f32, DocAddress)>, usize)> {
        let end = offset.saturating_add(limit);
        let docs = usize::try_from(self.searcher.num_docs()).unwrap_or(usize::MAX);
        let top = self.run(
            query,
            &crate::top::TopScores::new(end.saturating_add(1).min(docs)),
        )?;
        let total = if count {
            self.run(query, &Count)?
        } else {
            top.len()
        };
        let at = |i: usize| top.get(i).map(|(s, _)| *s);
        let straddles = |i: usize| i > 0 && at(i).is_some() && at(i - 1) == at(i);
        if !straddles(offset) && !straddles(end) {
            let page = top.into_iter().skip(offset).take(limit).collect();
            return Ok((page, total));
        }
        let Some(floor) = top.iter().map(|(s, _)| *s).reduce(f32::min) else {
            return Ok((Vec::new(), total));
        };
        let best = crate::top::BestById {
            floor,
            k: end.min(top.len()),
            id_column: ID_COLUMN,
        };
        let page = self.run(query, &best)?;
        Ok((
            page.into_iter()
                .skip(offset)
                .map(|(s, _, a)| (s, a))
                .collect(),
            total,
        ))
    }

    /// The ids of the best `opts.limit` hits, best first, read from the id fast column
    /// without loading stored documents (for evaluations and lookups at depth).
    pub fn ranked_ids(&self, opts: &SearchOptions) -> Result<RankedIds> {
        let trove = self.trove;
        let searcher = &self.searcher;
        let err = |e| trove.index_err(e);
        let built = query::build(trove, searcher, &opts.query, &opts.options)?;
        let (top, _) = self
            .top_by_score(&*built.query, opts.offset, opts.limit, false)
            .map_err(err)?;
        // Per segment: the hits' term ordinals in the id column, resolved in one sorted
        // pass over the dictionary (one block decompressed per block touched, not per hit).
        let mut by_segment: HashMap<u32, Vec<(u64, usize)>> = HashMap::new();
        let mut out: Vec<(String, f32)> = top.iter().map(|(s, _)| (String::new(), *s)).collect();
        let mut columns = HashMap::new();
        for (i, (_, address)) in top.iter().enumerate() {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .str(ID_COLUMN)
                        .map_err(err)?,
                ),
            };
            if let Some(ord) = column
                .as_ref()
                .and_then(|c| c.term_ords(address.doc_id).next())
            {
                by_segment
                    .entry(address.segment_ord)
                    .or_default()
                    .push((ord, i));
            }
        }
        for (segment, mut ords) in by_segment {
            let Some(Some(column)) = columns.get(&segment) else {
                continue;
            };
            ords.sort_unstable();
            let sorted: Vec<u64> = ords.iter().map(|(o, _)| *o).collect();
            let mut positions = ords.iter().map(|(_, i)| *i);
            column
                .dictionary()
                .sorted_ords_to_term_cb(&sorted, |bytes| {
                    if let Some(i) = positions.next() {
                        out[i].0 = String::from_utf8_lossy(bytes).into_owned();
                    }
                })
                .map_err(|e| err(e.into()))?;
        }
        // Equal scores in id order, as in `search`.
        out.sort_by(|(a_id, a), (b_id, b)| b.total_cmp(a).then_with(|| a_id.cmp(b_id)));
        Ok(RankedIds {
            ids: out,
            warnings: built.warnings,
        })
    }

    /// The query `text` would run, for `--explain` of the query itself.
    pub fn parsed_query(&self, opts: &SearchOptions) -> Result<String> {
        let built = query::build(self.trove, &self.searcher, &opts.query, &opts.options)?;
        Ok(format!("{:?}", built.query as Box<dyn Query>))
    }
}

/// BM25 statistics of several indexes added up, so that a term is as rare, and a
/// document as long, in each index's scores as in all of them together: their scores
/// then compare as if the documents were in one index. trove indexes share one schema,
/// so a field is the same `Field` in each.
pub struct CombinedStats {
    searchers: Vec<Searcher>,
}

impl Bm25StatisticsProvider for CombinedStats {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searchers
            .iter()
            .map(|s| s.total_num_tokens(field))
            .sum()
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searchers
            .iter()
            .map(Bm25StatisticsProvider::total_num_docs)
            .sum()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searchers.iter().map(|s| s.doc_freq(term)).sum()
    }
}

/// Searches over one index or several (`--index A --index B`): one ranked list. Each
/// index is searched with the statistics of all of them ([`CombinedStats`]) and asked
/// for the hits up to the end of the page; the lists are merged in the requested order
/// and the page cut from the merged list. With one index this is a plain [`Session`].
pub struct MultiSession<'a> {
    sessions: Vec<Session<'a>>,
}

impl<'a> MultiSession<'a> {
    pub fn new(troves: &'a [TroveIndex]) -> Result<MultiSession<'a>> {
        let sessions = troves
            .iter()
            .map(Session::new)
            .collect::<Result<Vec<_>>>()?;
        Ok(MultiSession::of(sessions))
    }

    /// The indexes `troves` as one, each read by its searcher in `searchers` (same order).
    pub fn with_searchers(troves: &'a [TroveIndex], searchers: Vec<Searcher>) -> MultiSession<'a> {
        let sessions = troves
            .iter()
            .zip(searchers)
            .map(|(trove, searcher)| Session::with_searcher(trove, searcher))
            .collect();
        MultiSession::of(sessions)
    }

    fn of(mut sessions: Vec<Session<'a>>) -> MultiSession<'a> {
        if sessions.len() > 1 {
            let stats = Arc::new(CombinedStats {
                searchers: sessions.iter().map(|s| s.searcher.clone()).collect(),
            });
            for session in &mut sessions {
                session.stats = Some(Arc::clone(&stats));
            }
        }
        MultiSession { sessions }
    }

    pub fn search(&self, opts: &SearchOptions) -> Result<SearchResults> {
        if let [one] = self.sessions.as_slice() {
            return one.search(opts);
        }
        let mut each = opts.clone();
        each.offset = 0;
        each.limit = opts.offset.saturating_add(opts.limit);
        let mut hits: Vec<(usize, Hit)> = Vec::new();
        let mut total = 0;
        let mut warnings: Vec<String> = Vec::new();
        for (i, session) in self.sessions.iter().enumerate() {
            let results = session.search(&each)?;
            total += results.total;
            for w in results.warnings {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            hits.extend(results.hits.into_iter().map(|h| (i, h)));
        }
        // Equal keys in id order, as within one index; then index order.
        match opts.sort {
            Sort::Score => hits.sort_by(|(_, a), (_, b)| by_score_then_id(a, b)),
            // By instant; undated last either way.
            Sort::Date => hits.sort_by(|(_, a), (_, b)| {
                match (&a.instant, &b.instant) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (x, y) => x.is_none().cmp(&y.is_none()),
                }
                .then_with(|| a.id.cmp(&b.id))
            }),
            Sort::DateDesc => hits.sort_by(|(_, a), (_, b)| {
                match (&a.instant, &b.instant) {
                    (Some(x), Some(y)) => y.cmp(x),
                    (x, y) => x.is_none().cmp(&y.is_none()),
                }
                .then_with(|| a.id.cmp(&b.id))
            }),
        }
        let hits = hits
            .into_iter()
            .skip(opts.offset)
            .take(opts.limit)
            .enumerate()
            .map(|(i, (_, mut hit))| {
                hit.rank = opts.offset + i + 1;
                hit
            })
            .collect();
        Ok(SearchResults {
            hits,
            total,
            warnings,
        })
    }

    /// The first index's session (for what needs one index: the parsed query).
    pub fn first(&self) -> &Session<'a> {
        &self.sessions[0]
    }
}

/// An `f32` as the shortest decimal that reads back as it: as a JSON number through
/// an `f64` it would otherwise gain digits the score never had.
fn shortest_f32<S: serde::Serializer>(value: &f32, s: S) -> std::result::Result<S::Ok, S::Error> {
    match value.to_string().parse::<f64>() {
        Ok(v) if value.is_finite() => s.serialize_f64(v),
        _ => s.serialize_f32(*value),
    }
}

/// Best score first; equal scores by id, ascending: the same documents always come
/// out in the same order, whatever the index's segments.
fn by_score_then_id(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id))
}

/// A highlighter for `field`: the query's terms in that field, rarer terms scoring
/// higher (as tantivy's `SnippetGenerator::create` scores them), and the field's analyzer.
fn highlighter(
    searcher: &Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
) -> tantivy::Result<Highlighter> {
    let mut terms: std::collections::BTreeSet<Term> = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut scored: std::collections::BTreeMap<String, f32> = std::collections::BTreeMap::new();
    for term in &terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = searcher.doc_freq(term)?;
        if doc_freq > 0 {
            scored.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
        }
    }
    let analyzer = searcher.index().tokenizer_for_field(field)?;
    Ok(Highlighter::new(scored, analyzer))
}

/// tantivy's explanations name fields by number (`Term(field=1, ...)`): name them.
fn name_fields(value: serde_json::Value, schema: &tantivy::schema::Schema) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains("field=") => {
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(i) = rest.find("field=") {
                out.push_str(&rest[..i + 6]);
                rest = &rest[i + 6..];
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                match rest[..digits].parse::<u32>() {
                    Ok(n) if digits > 0 => {
                        let field = tantivy::schema::Field::from_field_id(n);
                        let known = schema.fields().any(|(f, _)| f == field);
                        if known {
                            out.push_str(schema.get_field_name(field));
                        } else {
                            out.push_str(&rest[..digits]);
                        }
                    }
                    _ => out.push_str(&rest[..digits]),
                }
                rest = &rest[digits..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| name_fields(v, schema)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, name_fields(v, schema)))
                .collect(),
        ),
        other => other,
    }
}

/// The best passages of `body` with their highlights, whitespace collapsed: one for a
/// short body, up to three (in body order) for a long one; the start of the body when
/// nothing in it matched (a title-only match).
fn make_snippet(highlighter: &mut Highlighter, body: &str) -> (String, Vec<[usize; 2]>) {
    let count = if body.chars().count() > LONG_BODY_CHARS {
        3
    } else {
        1
    };
    let passages = highlighter.passages(body, SNIPPET_CHARS, count);
    let mut out = String::new();
    let mut out_marks = Vec::new();
    if passages.is_empty() {
        let end = lead_end(body, SNIPPET_CHARS);
        collapse_into(body, 0..end, &[], &mut out, &mut out_marks);
        if end < body.trim_end().len() {
            out.push('…');
        }
        return (out, out_marks);
    }
    let mut last_end = 0;
    for (i, p) in passages.iter().enumerate() {
        if i > 0 && body[last_end..p.range.start].trim().is_empty() {
            // Neighbouring passages read on: no ellipsis between them.
            out.push(' ');
        } else if i > 0 {
            out.push_str(" … ");
        } else if p.range.start > 0 {
            out.push('…');
        }
        collapse_into(body, p.range.clone(), &p.marks, &mut out, &mut out_marks);
        last_end = p.range.end;
    }
    if last_end < body.trim_end().len() {
        out.push('…');
    }
    (out, out_marks)
}

/// Byte offset where the first `max_chars` characters of `text` end, cut at a word.
fn lead_end(text: &str, max_chars: usize) -> usize {
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return text.len();
    };
    match text[..end].rfind(char::is_whitespace) {
        Some(i) if i > end / 2 => i,
        _ => end,
    }
}

/// Appends `text[range]` to `out` with whitespace runs collapsed to one space, and the
/// byte ranges `marks` (offsets into `text`) translated to offsets into `out`.
fn collapse_into(
    text: &str,
    range: Range<usize>,
    marks: &[Range<usize>],
    out: &mut String,
    out_marks: &mut Vec<[usize; 2]>,
) {
    let mut starts = marks.iter().map(|m| m.start).peekable();
    let mut ends = marks.iter().map(|m| m.end).peekable();
    let mut open: Option<usize> = None;
    let mut in_space = false;
    let slice = &text[range.clone()];
    let trimmed_start = slice.len() - slice.trim_start().len();
    for (i, c) in slice.trim().char_indices() {
        let pos = range.start + trimmed_start + i;
        while ends.peek().is_some_and(|&e| e <= pos) {
            ends.next();
            if let Some(s) = open.take() {
                out_marks.push([s, out.len()]);
            }
        }
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                in_space = true;
            }
            continue;
        }
        in_space = false;
        while starts.peek().is_some_and(|&s| s <= pos) {
            starts.next();
            open.get_or_insert(out.len());
        }
        out.push(c);
    }
    if let Some(s) = open {
        out_marks.push([s, out.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_and_marks_follow() {
        let text = "a  big\n\nwolf  came";
        let mut out = String::new();
        let mut marks = Vec::new();
        // "big" is 3..6, "wolf" is 8..12
        collapse_into(text, 0..text.len(), &[3..6, 8..12], &mut out, &mut marks);
        assert_eq!(out, "a big wolf came");
        assert_eq!(marks, vec![[2, 5], [6, 10]]);
        assert_eq!(&out[2..5], "big");
        assert_eq!(&out[6..10], "wolf");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead_end("hello world again", 8), 5);
        assert_eq!(lead_end("short", 80), 5);
    }
}
