//! Query text -> tantivy query.
//!
//! tantivy's query grammar parses the text into an AST, which trove rewrites before
//! turning it into a query:
//! - `a AND NOT b` means `+a -b` (tantivy alone makes it match nothing);
//! - `field:*` works on every field (tantivy needs a fast field);
//! - dates may be partial: `date:2017`, `date:[2016-06 TO 2017-11]`, `date:>2017`;
//! - `wiki*` is a prefix and `clintn~1` a fuzzy term (tantivy would search for the
//!   word `wiki` and the phrase `clintn 1`), both expanded to the words in the index
//!   and scored with BM25 like any word;
//! - a query with only exclusions (`-reuters`) means everything else.
//!
//! Leniency: a query that does not parse is repaired (a stray quote or parenthesis
//! dropped, a dangling `AND` ignored, an unknown `field:` read as words) and searched,
//! with a warning that says what was ignored; `strict` returns the error instead.

use std::collections::HashMap;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, Query, QueryParser,
    QueryParserError, TermQuery,
};
use tantivy::query_grammar::{
    self, Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Searcher, Term};

use crate::date::{parse_period, Period};
use crate::date_filter::DateFilter;
use crate::error::{Error, Result};
use crate::explain_guard::guard_all;
use crate::index::TroveIndex;
use crate::schema::{self, QUERY_FIELDS};

/// Weight of the title field. The body field holds the title too, so a title word
/// already counts in the body; this is the title's extra weight. Measured on SciFact
/// (README, "Ranking"): 2.0 gave nDCG@10 0.594 with the title in the body, 1.0 0.655,
/// 0.5 0.682, 0.2 0.694, 0 0.688.
pub(crate) const TITLE_BOOST: f32 = 0.2;

/// At most this many index words stand in for one prefix or fuzzy term.
const MAX_EXPANSIONS: usize = 64;

/// Words a query expands (prefixes, fuzzy words) at most; words after these are
/// searched as written, with a warning. Each expansion walks the term dictionaries, so
/// this bounds what one query can cost (10,000 words under `--fuzzy` would otherwise
/// take minutes).
pub const MAX_EXPANDED_WORDS: usize = 256;

/// Index words one query's expansions add at most, over all its words.
pub const MAX_QUERY_EXPANSIONS: usize = 4096;

/// Longest edit distance for fuzzy terms.
pub const MAX_FUZZY_DISTANCE: u8 = 2;

/// How a query is read, besides its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOptions {
    /// All words must match (`--and`); by default any may.
    pub conjunction: bool,
    /// Match every plain word within this edit distance (`--fuzzy`).
    pub fuzzy: Option<u8>,
    /// Refuse a query that does not parse instead of repairing it.
    pub strict: bool,
    /// Only documents dated in or after this period (`--since 2016-06`).
    pub since: Option<String>,
    /// Only documents dated in or before this period (`--until 2017`).
    pub until: Option<String>,
    /// Exact filters; several values of one filter mean any of them.
    pub sources: Vec<String>,
    pub publishers: Vec<String>,
    pub authors: Vec<String>,
}

/// A query ready to run, and what was ignored to make it.
pub(crate) struct Built {
    pub query: Box<dyn Query>,
    pub warnings: Vec<String>,
}

/// Builds the query for `text` against the index `searcher` reads.
pub(crate) fn build(
    trove: &TroveIndex,
    searcher: &Searcher,
    text: &str,
    opts: &QueryOptions,
) -> Result<Built> {
    let err = |reason: String| Error::Query {
        query: text.to_string(),
        reason,
    };
    if text.trim().is_empty() {
        return Err(err(
            "the query is empty: give words to search for, or * for every document".into(),
        ));
    }
    let mut warnings = Vec::new();
    let text = &inner_apostrophes(text);
    let depth = nesting(text);
    let ast = if depth > MAX_NESTING {
        // tantivy's parser recurses once per level: a deeper query would overflow the
        // stack (a fuzzing find). Its words are all that can be searched.
        let problem = format!("nested {depth} levels deep, more than {MAX_NESTING}");
        if opts.strict {
            return Err(err(problem));
        }
        let words = plain_words(text);
        if words.is_empty() {
            return Err(err(format!("{problem}, and no words in it")));
        }
        warnings.push(format!("the query is {problem}: searched its words only"));
        query_grammar::parse_query(&words)
            .unwrap_or_else(|_| query_grammar::parse_query_lenient(&words).0)
    } else {
        match query_grammar::parse_query(text) {
            Ok(ast) => ast,
            Err(_) => {
                let problem = syntax_problem(text)
                    .or_else(|| unparsable_word(text))
                    .unwrap_or_else(|| "syntax error".to_string());
                if opts.strict {
                    return Err(err(problem));
                }
                let (repaired, mut notes) = repair(text);
                warnings.append(&mut notes);
                match query_grammar::parse_query(&repaired) {
                    Ok(ast) => ast,
                    Err(_) => {
                        // Last resort: the words alone.
                        let words = plain_words(&repaired);
                        warnings.push(format!(
                            "the query does not parse ({problem}): searched its words only"
                        ));
                        query_grammar::parse_query(&words)
                            .unwrap_or_else(|_| query_grammar::parse_query_lenient(&words).0)
                    }
                }
            }
        }
    };
    let schema = trove.index.schema();
    let ctx = Ctx {
        trove,
        searcher,
        schema: &schema,
        opts,
        budget: Default::default(),
    };
    let ast = lift_negations(ast);
    let ast = ctx.rewrite(ast, &mut warnings).map_err(err)?;
    let mut parser =
        QueryParser::for_index(&trove.index, vec![trove.fields.title, trove.fields.body]);
    parser.set_field_boost(trove.fields.title, TITLE_BOOST);
    parser.allow_regexes();
    if opts.conjunction {
        parser.set_conjunction_by_default();
    }
    let main = ctx
        .convert(&parser, ast)
        .map_err(|e| err(describe(text, &e)))?;
    warnings.append(&mut ctx.budget.borrow_mut().warnings);
    let (dates, filters) = ctx.filters().map_err(err)?;
    let mut query: Box<dyn Query> = if filters.is_empty() {
        main
    } else {
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(filters.into_iter().map(|f| (Occur::Must, f)));
        Box::new(BooleanQuery::new(guard_all(clauses)))
    };
    for (field, lower, upper) in dates {
        query = Box::new(DateFilter::new(query, field, lower, upper));
    }
    Ok(Built { query, warnings })
}

struct Ctx<'a> {
    trove: &'a TroveIndex,
    searcher: &'a Searcher,
    schema: &'a Schema,
    opts: &'a QueryOptions,
    /// What the query's expansions have used so far, and warnings about them.
    budget: std::cell::RefCell<Budget>,
}

/// Expansions used by one query.
#[derive(Default)]
struct Budget {
    words: usize,
    terms: usize,
    warnings: Vec<String>,
}

impl Ctx<'_> {
    /// Rewrites the AST: exists queries, partial dates, unknown fields (lenient).
    fn rewrite(
        &self,
        ast: UserInputAst,
        warnings: &mut Vec<String>,
    ) -> std::result::Result<UserInputAst, String> {
        Ok(match ast {
            UserInputAst::Clause(children) => UserInputAst::Clause(
                children
                    .into_iter()
                    .map(|(occur, child)| Ok((occur, self.rewrite(child, warnings)?)))
                    .collect::<std::result::Result<_, String>>()?,
            ),
            UserInputAst::Boost(inner, boost) => {
                UserInputAst::Boost(Box::new(self.rewrite(*inner, warnings)?), boost)
            }
            UserInputAst::Leaf(leaf) => self.rewrite_leaf(*leaf, warnings)?,
        })
    }

    fn rewrite_leaf(
        &self,
        leaf: UserInputLeaf,
        warnings: &mut Vec<String>,
    ) -> std::result::Result<UserInputAst, String> {
        let known = |name: &str| self.schema.get_field(name).is_ok();
        let leaf_ast = |leaf| UserInputAst::Leaf(Box::new(leaf));
        match leaf {
            UserInputLeaf::Exists { field } => {
                if !known(&field) {
                    return Err(unknown_field(&field));
                }
                let entry = self.schema.get_field_entry(
                    self.schema
                        .get_field(&field)
                        .map_err(|_| unknown_field(&field))?,
                );
                Ok(if entry.is_fast() {
                    leaf_ast(UserInputLeaf::Exists { field })
                } else {
                    leaf_ast(UserInputLeaf::Regex {
                        field: Some(field),
                        pattern: ".*".to_string(),
                    })
                })
            }
            UserInputLeaf::Literal(lit) if lit.field_name.as_deref() == Some("date") => {
                if lit.phrase.trim() == "*" {
                    return Ok(leaf_ast(UserInputLeaf::Exists {
                        field: "date".into(),
                    }));
                }
                match parse_period(&lit.phrase) {
                    Some(p) => Ok(date_range(
                        UserInputBound::Inclusive(rfc3339(p.start)),
                        UserInputBound::Exclusive(rfc3339(p.end)),
                        p.calendar,
                    )),
                    None => Err(date_problem(&lit.phrase)),
                }
            }
            UserInputLeaf::Range {
                field: None,
                lower,
                upper,
            } => {
                // `[1 TO 5]` names no field: only dates have ranges in trove.
                let problem = format!(
                    "the range [{} TO {}] names no field: ranges are for dates, as in date:[2016 TO 2017]",
                    lower.term_str(),
                    upper.term_str()
                );
                if self.opts.strict {
                    return Err(problem);
                }
                warnings.push(format!("{problem}; searched its bounds as words"));
                let words = [lower.term_str(), upper.term_str()]
                    .into_iter()
                    .filter(|w| *w != "*")
                    .map(|w| {
                        let literal = UserInputLiteral {
                            field_name: None,
                            phrase: w.to_string(),
                            delimiter: Delimiter::None,
                            slop: 0,
                            prefix: false,
                        };
                        (None, leaf_ast(UserInputLeaf::Literal(literal)))
                    })
                    .collect();
                Ok(UserInputAst::Clause(words))
            }
            UserInputLeaf::Range {
                field,
                lower,
                upper,
            } if field.as_deref() == Some("date") => {
                if matches!(lower, UserInputBound::Unbounded)
                    && matches!(upper, UserInputBound::Unbounded)
                {
                    return Ok(leaf_ast(UserInputLeaf::Exists {
                        field: "date".into(),
                    }));
                }
                let (lower, lower_calendar) = lower_bound(lower)?;
                let (upper, upper_calendar) = upper_bound(upper)?;
                Ok(date_range(lower, upper, lower_calendar && upper_calendar))
            }
            UserInputLeaf::Literal(lit) => match &lit.field_name {
                Some(field) if !known(field) => {
                    if self.opts.strict {
                        return Err(unknown_field(field));
                    }
                    warnings.push(format!(
                        "there is no field '{field}': searched for \"{field}:{}\" as words",
                        lit.phrase
                    ));
                    let mut name = lit.clone();
                    name.field_name = None;
                    name.phrase = field.clone();
                    let mut value = lit.clone();
                    value.field_name = None;
                    Ok(UserInputAst::Clause(vec![
                        (None, leaf_ast(UserInputLeaf::Literal(name))),
                        (None, leaf_ast(UserInputLeaf::Literal(value))),
                    ]))
                }
                field => {
                    // A word with inner punctuation ("Rad53-dependent", "fast-twitch") is
                    // its words, each on its own (as Lucene and Elasticsearch read
                    // unquoted text), not a phrase: quotes make a phrase.
                    let text_field = match field {
                        None => true,
                        Some(f) => self.is_text_field(f),
                    };
                    let parts = word_parts(&lit.phrase);
                    if lit.delimiter == Delimiter::None && text_field && parts.len() > 1 {
                        Ok(UserInputAst::Clause(
                            parts
                                .into_iter()
                                .map(|p| {
                                    let mut part = lit.clone();
                                    part.phrase = p;
                                    (None, leaf_ast(UserInputLeaf::Literal(part)))
                                })
                                .collect(),
                        ))
                    } else {
                        Ok(leaf_ast(UserInputLeaf::Literal(lit)))
                    }
                }
            },
            other => Ok(leaf_ast(other)),
        }
    }

    /// A field searched by words (analyzed with more than the raw tokenizer).
    fn is_text_field(&self, name: &str) -> bool {
        let Ok(field) = self.schema.get_field(name) else {
            return false;
        };
        match self.schema.get_field_entry(field).field_type() {
            tantivy::schema::FieldType::Str(options) => options
                .get_indexing_options()
                .is_some_and(|o| o.tokenizer() != "raw"),
            _ => false,
        }
    }

    /// AST -> query. Prefix and fuzzy words are expanded here; every other leaf is built
    /// by tantivy's parser, so it keeps the default fields, boosts and analyzers.
    fn convert(
        &self,
        parser: &QueryParser,
        ast: UserInputAst,
    ) -> std::result::Result<Box<dyn Query>, QueryParserError> {
        match ast {
            UserInputAst::Clause(children) => {
                let default = if self.opts.conjunction {
                    Occur::Must
                } else {
                    Occur::Should
                };
                let mut clauses = Vec::with_capacity(children.len());
                let mut date_filters = Vec::new();
                let mut ranges: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, child) in children {
                    // A date range beside words filters them (`cocoa date:1987-03`), as
                    // --since and --until do, instead of adding every dated document.
                    if occur.is_none() && is_date_range(&child) {
                        match date_bounds(&child) {
                            Some(bounds) => date_filters.push(bounds),
                            // Bounds that are not RFC 3339 times (the rewrite always
                            // makes them so): tantivy's range query, required.
                            None => ranges.push((Occur::Must, self.convert(parser, child)?)),
                        }
                        continue;
                    }
                    clauses.push((occur.unwrap_or(default), self.convert(parser, child)?));
                }
                if !clauses.is_empty() && clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    // Only exclusions: everything else.
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                let has_dates = !date_filters.is_empty() || !ranges.is_empty();
                let mut query: Box<dyn Query> = match (clauses.is_empty(), has_dates) {
                    (false, _) => Box::new(BooleanQuery::new(guard_all(clauses))),
                    (true, false) => Box::new(EmptyQuery),
                    // Dates alone: every document dated so.
                    (true, true) => Box::new(AllQuery),
                };
                if !ranges.is_empty() {
                    ranges.push((Occur::Must, query));
                    query = Box::new(BooleanQuery::new(guard_all(ranges)));
                }
                for (field, lower, upper) in date_filters {
                    query = Box::new(DateFilter::new(query, field, lower, upper));
                }
                Ok(query)
            }
            UserInputAst::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(
                self.convert(parser, *inner)?,
                boost.into_inner() as f32,
            ))),
            UserInputAst::Leaf(leaf) => {
                if let UserInputLeaf::Literal(lit) = leaf.as_ref() {
                    if lit.delimiter == Delimiter::None {
                        if let Some(q) = self.special_word(&lit.field_name, &lit.phrase)? {
                            return Ok(q);
                        }
                    }
                }
                parser.build_query_from_user_input_ast(UserInputAst::Leaf(leaf))
            }
        }
    }

    /// `wiki*`, `clintn~1`, or any plain word under `--fuzzy`.
    fn special_word(
        &self,
        field: &Option<String>,
        word: &str,
    ) -> std::result::Result<Option<Box<dyn Query>>, QueryParserError> {
        let (stem, kind) = if let Some(prefix) = word
            .strip_suffix('*')
            .filter(|p| !p.is_empty() && !p.contains('*'))
        {
            (prefix, Expansion::Prefix)
        } else if let Some((w, d)) = word.rsplit_once('~').filter(|(w, d)| {
            !w.is_empty() && !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
        }) {
            let d: u32 = d.parse().unwrap_or(u32::MAX);
            if d > u32::from(MAX_FUZZY_DISTANCE) {
                // Refused, as `--fuzzy=3` is: more typos than that match most words.
                return Err(QueryParserError::UnsupportedQuery(format!(
                    "{word:?}: a fuzzy word allows at most {MAX_FUZZY_DISTANCE} typos"
                )));
            }
            (w, Expansion::Fuzzy(d as u8))
        } else if let Some(d) = self.opts.fuzzy {
            if word.contains(['*', '~']) {
                return Ok(None);
            }
            (word, Expansion::Fuzzy(d.min(MAX_FUZZY_DISTANCE)))
        } else {
            return Ok(None);
        };
        let fields: Vec<(Field, f32)> = match field {
            Some(name) => {
                let f = self
                    .schema
                    .get_field(name)
                    .map_err(|_| QueryParserError::FieldDoesNotExist(name.clone()))?;
                vec![(f, 1.0)]
            }
            None => vec![
                (self.trove.fields.title, TITLE_BOOST),
                (self.trove.fields.body, 1.0),
            ],
        };
        {
            let mut budget = self.budget.borrow_mut();
            budget.words += 1;
            if budget.words > MAX_EXPANDED_WORDS {
                if budget.words == MAX_EXPANDED_WORDS + 1 {
                    budget.warnings.push(format!(
                        "more than {MAX_EXPANDED_WORDS} prefix or fuzzy words: the rest are searched as written"
                    ));
                }
                return Ok(None);
            }
        }
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (f, boost) in fields {
            if let Some(q) = self.expand(f, stem, kind) {
                per_field.push((Occur::Should, boosted(q, boost)));
            }
        }
        Ok(Some(match per_field.len() {
            0 => Box::new(EmptyQuery),
            1 => per_field
                .pop()
                .map(|(_, q)| q)
                .unwrap_or_else(|| Box::new(EmptyQuery)),
            _ => Box::new(BooleanQuery::new(guard_all(per_field))),
        }))
    }

    /// The index words a prefix or fuzzy term stands for, as a BM25 query.
    fn expand(&self, field: Field, text: &str, kind: Expansion) -> Option<Box<dyn Query>> {
        let entry = self.schema.get_field_entry(field);
        let analyzed = entry.field_type().get_index_record_option().is_some();
        if !analyzed {
            return None;
        }
        let tokenizer = match entry.field_type() {
            tantivy::schema::FieldType::Str(options) => options
                .get_indexing_options()
                .map(|o| o.tokenizer().to_string()),
            _ => return None,
        };
        let raw = matches!(tokenizer.as_deref(), Some("raw") | None);
        let normalize = |s: &str| -> Vec<String> {
            if raw {
                return vec![s.to_string()];
            }
            match self.trove.index.tokenizer_for_field(field) {
                Ok(mut analyzer) => tokens(&mut analyzer, s),
                Err(_) => vec![s.to_lowercase()],
            }
        };
        let words: Vec<String> = match kind {
            Expansion::Prefix if !raw => {
                // Lowercased and folded, not stemmed: a prefix is not a word. But a whole
                // word followed by * ("wikileaks*") must still find its stem ("wikileak").
                let mut name = schema::name_analyzer();
                let plain = tokens(&mut name, text);
                let stemmed = normalize(text);
                match (plain.last(), stemmed.last()) {
                    (Some(p), Some(s)) if p.starts_with(s.as_str()) => {
                        let mut v = plain.clone();
                        if let Some(last) = v.last_mut() {
                            *last = s.clone();
                        }
                        v
                    }
                    _ => plain,
                }
            }
            _ => normalize(text),
        };
        let last = words.last()?.clone();
        if words.len() > 1 {
            // Several words before the `*` ("big bad wo*"): a phrase ending in a prefix.
            if let Expansion::Prefix = kind {
                let terms = words
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect();
                return Some(Box::new(PhrasePrefixQuery::new(terms)));
            }
        }
        let expansions = self.dictionary_matches(field, &last, kind);
        if expansions.is_empty() {
            return None;
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = expansions
            .into_iter()
            .map(|(word, boost)| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &word),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, boosted(q, boost))
            })
            .collect();
        Some(Box::new(BooleanQuery::new(guard_all(clauses))))
    }

    /// Words of `field` in the index that start with `word` (prefix) or are within the
    /// edit distance (fuzzy: a Levenshtein automaton run over the term dictionary, as
    /// tantivy's FuzzyTermQuery does, so only the dictionary's matching branches are
    /// visited), most frequent first, with a boost for how close they are. At most
    /// `MAX_EXPANSIONS` per word, and what the query's budget has left.
    fn dictionary_matches(&self, field: Field, word: &str, kind: Expansion) -> Vec<(String, f32)> {
        let mut found: HashMap<String, (u64, f32)> = HashMap::new();
        let dfa = match kind {
            Expansion::Fuzzy(max) => Some(fuzzy_builder(max).build_dfa(word)),
            Expansion::Prefix => None,
        };
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let dict = inverted.terms();
            let mut add = |key: &[u8], doc_freq: u32| {
                let Ok(term) = std::str::from_utf8(key) else {
                    return;
                };
                let boost = match &dfa {
                    None => 1.0,
                    Some(dfa) => match dfa.eval(key) {
                        levenshtein_automata::Distance::Exact(0) => 1.0,
                        levenshtein_automata::Distance::Exact(1) => 0.7,
                        levenshtein_automata::Distance::Exact(_) => 0.5,
                        levenshtein_automata::Distance::AtLeast(_) => return,
                    },
                };
                let e = found.entry(term.to_string()).or_insert((0, boost));
                e.0 += u64::from(doc_freq);
            };
            match &dfa {
                None => {
                    let Ok(mut stream) = dict
                        .range()
                        .ge(word.as_bytes())
                        .lt(prefix_end(word))
                        .into_stream()
                    else {
                        continue;
                    };
                    while stream.advance() {
                        add(stream.key(), stream.value().doc_freq);
                    }
                }
                Some(dfa) => {
                    let Ok(mut stream) = dict.search(Dfa(dfa)).into_stream() else {
                        continue;
                    };
                    while stream.advance() {
                        add(stream.key(), stream.value().doc_freq);
                    }
                }
            }
        }
        let mut list: Vec<(String, u64, f32)> =
            found.into_iter().map(|(w, (df, b))| (w, df, b)).collect();
        list.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
        let mut budget = self.budget.borrow_mut();
        let room = MAX_QUERY_EXPANSIONS.saturating_sub(budget.terms);
        let keep = list.len().min(MAX_EXPANSIONS).min(room);
        if list.len() > keep {
            let shown = match kind {
                Expansion::Prefix => format!("{word}*"),
                Expansion::Fuzzy(d) => format!("{word}~{d}"),
            };
            budget.warnings.push(if keep < MAX_EXPANSIONS {
                format!(
                    "{shown} matches {} words; the query's limit of {MAX_QUERY_EXPANSIONS} expansions leaves room for {keep}",
                    list.len()
                )
            } else {
                format!(
                    "{shown} matches {} words: the {keep} most frequent are searched",
                    list.len()
                )
            });
        }
        list.truncate(keep);
        budget.terms += keep;
        list.into_iter().map(|(w, _, b)| (w, b)).collect()
    }

    /// `--since` and `--until` as date bounds (checked per document, see `date_filter`);
    /// `--source`, `--publisher`, `--author` as filter queries.
    fn filters(&self) -> std::result::Result<Filters, String> {
        let f = &self.trove.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let since = self
            .opts
            .since
            .as_deref()
            .map(|s| period(s, "--since"))
            .transpose()?;
        let until = self
            .opts
            .until
            .as_deref()
            .map(|s| period(s, "--until"))
            .transpose()?;
        if let (Some(s), Some(u)) = (&since, &until) {
            if s.start >= u.end {
                return Err(format!(
                    "--since {:?} is after --until {:?}: no date can be both",
                    self.opts.since.as_deref().unwrap_or_default(),
                    self.opts.until.as_deref().unwrap_or_default()
                ));
            }
        }
        // Each bound is compared with the date as published (a year, a month, a day) or
        // with the instant (a time of day was given).
        let mut dates: Vec<DateBounds> = Vec::new();
        if let Some(p) = since {
            let bound = Bound::Included(schema::to_datetime(p.start));
            dates.push((date_field(p.calendar), bound, Bound::Unbounded));
        }
        if let Some(p) = until {
            let bound = Bound::Excluded(schema::to_datetime(p.end));
            dates.push((date_field(p.calendar), Bound::Unbounded, bound));
        }
        let any_of = |field: Field, values: &[String], normalize: bool| -> Option<Box<dyn Query>> {
            if values.is_empty() {
                return None;
            }
            let clauses = values
                .iter()
                .map(|v| {
                    let v = if normalize {
                        schema::key(v)
                    } else {
                        v.trim().to_string()
                    };
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(field, &v),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            Some(Box::new(BooleanQuery::new(guard_all(clauses))))
        };
        filters.extend(any_of(f.source, &self.opts.sources, false));
        filters.extend(any_of(f.publisher_key, &self.opts.publishers, true));
        filters.extend(any_of(f.author_key, &self.opts.authors, true));
        Ok((dates, filters))
    }
}

/// Lower and upper bounds on a document's date, and the column they are compared with.
type DateBounds = (&'static str, Bound<DateTime>, Bound<DateTime>);

/// The command line's filters: date bounds, and queries every hit must match.
type Filters = (Vec<DateBounds>, Vec<Box<dyn Query>>);

/// The column a period is compared with: the date as published for a calendar period,
/// the instant for a time.
fn date_field(calendar: bool) -> &'static str {
    if calendar {
        schema::DATE_FIELD
    } else {
        schema::INSTANT_FIELD
    }
}

fn is_date_range(ast: &UserInputAst) -> bool {
    matches!(ast, UserInputAst::Leaf(leaf) if matches!(leaf.as_ref(),
        UserInputLeaf::Range { field: Some(f), .. }
            if f == schema::DATE_FIELD || f == schema::INSTANT_FIELD))
}

/// The bounds of a `date:` range leaf, as the rewrite left it (RFC 3339 times).
fn date_bounds(ast: &UserInputAst) -> Option<DateBounds> {
    let UserInputAst::Leaf(leaf) = ast else {
        return None;
    };
    let UserInputLeaf::Range {
        field: Some(field),
        lower,
        upper,
    } = leaf.as_ref()
    else {
        return None;
    };
    let field = if field == schema::DATE_FIELD {
        schema::DATE_FIELD
    } else if field == schema::INSTANT_FIELD {
        schema::INSTANT_FIELD
    } else {
        return None;
    };
    let bound = |b: &UserInputBound| -> Option<Bound<DateTime>> {
        let time = |s: &str| s.parse::<jiff::Timestamp>().ok().map(schema::to_datetime);
        Some(match b {
            UserInputBound::Inclusive(s) => Bound::Included(time(s)?),
            UserInputBound::Exclusive(s) => Bound::Excluded(time(s)?),
            UserInputBound::Unbounded => Bound::Unbounded,
        })
    };
    Some((field, bound(lower)?, bound(upper)?))
}

#[derive(Debug, Clone, Copy)]
enum Expansion {
    Prefix,
    Fuzzy(u8),
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0xff; prefix.len() + 1]
}

/// The automaton builders for one and two typos (adjacent transpositions count as one),
/// built once: building one costs more than running it.
fn fuzzy_builder(max: u8) -> &'static levenshtein_automata::LevenshteinAutomatonBuilder {
    use std::sync::OnceLock;
    static BUILDERS: [OnceLock<levenshtein_automata::LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let max = max.min(MAX_FUZZY_DISTANCE);
    BUILDERS[usize::from(max)]
        .get_or_init(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(max, true))
}

/// A Levenshtein DFA as the term dictionary's automaton.
struct Dfa<'a>(&'a levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Dfa<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

fn rfc3339(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A range on the date as published (`calendar`) or on the instant.
fn date_range(lower: UserInputBound, upper: UserInputBound, calendar: bool) -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Range {
        field: Some(date_field(calendar).into()),
        lower,
        upper,
    }))
}

fn period(text: &str, flag: &str) -> std::result::Result<Period, String> {
    parse_period(text).ok_or_else(|| {
        format!("{flag} {text:?} is not a date: give a year (2017), a month (2016-06) or a day (2017-11-11)")
    })
}

fn date_problem(text: &str) -> String {
    format!("{text:?} is not a date: give a year (2017), a month (2016-06), a day (2017-11-11) or an RFC 3339 time")
}

/// A lower bound on a period: inclusive from its start; exclusive (`>2017`) from its end.
/// With whether the period is a calendar one.
fn lower_bound(b: UserInputBound) -> std::result::Result<(UserInputBound, bool), String> {
    let p = |s: &str| parse_period(s).ok_or_else(|| date_problem(s));
    Ok(match b {
        UserInputBound::Inclusive(s) => {
            let p = p(&s)?;
            (UserInputBound::Inclusive(rfc3339(p.start)), p.calendar)
        }
        UserInputBound::Exclusive(s) => {
            let p = p(&s)?;
            (UserInputBound::Inclusive(rfc3339(p.end)), p.calendar)
        }
        UserInputBound::Unbounded => (UserInputBound::Unbounded, true),
    })
}

/// An upper bound on a period: inclusive to its end; exclusive (`<2017`) to its start.
fn upper_bound(b: UserInputBound) -> std::result::Result<(UserInputBound, bool), String> {
    let p = |s: &str| parse_period(s).ok_or_else(|| date_problem(s));
    Ok(match b {
        UserInputBound::Inclusive(s) => {
            let p = p(&s)?;
            (UserInputBound::Exclusive(rfc3339(p.end)), p.calendar)
        }
        UserInputBound::Exclusive(s) => {
            let p = p(&s)?;
            (UserInputBound::Exclusive(rfc3339(p.start)), p.calendar)
        }
        UserInputBound::Unbounded => (UserInputBound::Unbounded, true),
    })
}

/// tantivy reads `a AND NOT b` as `+a +(-b)`: a required clause that only excludes, which
/// matches nothing. Lift such clauses into their parent so it means `+a -b`.
fn lift_negations(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(children) => {
            let mut lifted = Vec::with_capacity(children.len());
            for (occur, child) in children {
                let child = lift_negations(child);
                match child {
                    UserInputAst::Clause(sub)
                        if matches!(occur, None | Some(Occur::Must))
                            && !sub.is_empty()
                            && sub.iter().all(|(o, _)| *o == Some(Occur::MustNot)) =>
                    {
                        lifted.extend(sub)
                    }
                    child => lifted.push((occur, child)),
                }
            }
            UserInputAst::Clause(lifted)
        }
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(lift_negations(*inner)), boost)
        }
        leaf => leaf,
    }
}

fn unknown_field(field: &str) -> String {
    format!(
        "unknown field '{field}' (fields: {}); to search for the word itself, put it in quotes",
        QUERY_FIELDS.join(", ")
    )
}

/// A message that points at the problem in `text`.
fn describe(text: &str, error: &QueryParserError) -> String {
    match error {
        QueryParserError::FieldDoesNotExist(field) => unknown_field(field),
        QueryParserError::SyntaxError(_) => syntax_problem(text)
            .or_else(|| unparsable_word(text))
            .unwrap_or_else(|| "syntax error".to_string()),
        QueryParserError::AllButQueryForbidden => {
            "only excluded terms: add at least one term to search for".to_string()
        }
        QueryParserError::ExpectedInt(_)
        | QueryParserError::DateFormatError(_)
        | QueryParserError::RangeMustNotHavePhrase => format!(
            "{error}; dates are a year, a month, a day or RFC 3339, as in date:[2016-06 TO 2017]"
        ),
        other => other.to_string(),
    }
}

/// An apostrophe between two letters or digits (`Moody's`, `O'Brien`) is part of a word,
/// not the start of a quoted phrase: it becomes a space (which the analyzers split on
/// anyway). Double-quoted phrases are left alone.
fn inner_apostrophes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut in_phrase = false;
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if c == '"' {
                in_phrase = !in_phrase;
            }
            let inner = c == '\''
                && !in_phrase
                && i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            if inner {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The words of one unquoted query word, split where trove's tokenizer splits them
/// (keeping apostrophes inside words, decimal points, and a trailing `*` or `~N`).
fn word_parts(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let keep = c.is_alphanumeric()
            || ((c == '\'' || c == '\u{2019}')
                && prev.is_some_and(char::is_alphabetic)
                && next.is_some_and(char::is_alphabetic))
            || ((c == '.' || c == ',')
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit()))
            || (c == '*' && i + 1 == chars.len())
            || (c == '~' && chars[i + 1..].iter().all(char::is_ascii_digit));
        if keep {
            current.push(c);
        } else if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// The query's words, every character of query syntax a space.
/// Deepest nesting a query may have: parentheses inside parentheses, plus prefixes
/// (`NOT`, `-`, `+`) in a row. Real queries nest two or three deep; tantivy's recursive
/// parser overflowed the stack from a few thousand (debug builds) levels on.
const MAX_NESTING: usize = 32;

/// How deep `text` nests: the most open parentheses, plus prefix operators in a row,
/// at any point outside quotes.
fn nesting(text: &str) -> usize {
    /// A finished word: `NOT` adds to a run of prefixes, any other word ends the run.
    fn end_word(word: &mut String, run: &mut usize) {
        if word == "NOT" {
            *run += 1;
        } else if !word.is_empty() {
            *run = 0;
        }
        word.clear();
    }
    let (mut depth, mut run, mut deepest) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    let mut word = String::new();
    for c in text.chars() {
        if quoted {
            quoted = c != '"';
            continue;
        }
        match c {
            '"' => {
                end_word(&mut word, &mut run);
                quoted = true;
            }
            '(' => {
                end_word(&mut word, &mut run);
                depth += 1;
            }
            ')' => {
                end_word(&mut word, &mut run);
                depth = depth.saturating_sub(1);
                run = 0;
            }
            '+' | '-' if word.is_empty() => run += 1,
            c if c.is_whitespace() => end_word(&mut word, &mut run),
            c => word.push(c),
        }
        deepest = deepest.max(depth + run);
    }
    deepest
}

fn plain_words(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| !w.is_empty() && !matches!(*w, "AND" | "OR" | "NOT" | "IN" | "TO"))
        .map(str::to_string)
        .collect();
    words.join(" ")
}

/// Makes a query that does not parse parse: drops an unclosed quote, parentheses that
/// close nothing or are never closed, and operators with nothing on one side. Returns
/// the new text and what was ignored.
fn repair(text: &str) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut drop = vec![false; chars.len()];
    let mut quote: Option<usize> = None;
    let mut single: Option<usize> = None;
    let mut open: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if quote.is_some() {
            if c == '"' {
                quote = None;
            }
            continue;
        }
        if single.is_some() {
            if c == '\'' {
                single = None;
            }
            continue;
        }
        match c {
            '"' => quote = Some(i),
            '\'' => single = Some(i),
            '(' => open.push(i),
            ')' if open.pop().is_none() => {
                drop[i] = true;
                notes.push(format!(
                    "ignored ')' at column {}: it closes nothing",
                    i + 1
                ));
            }
            _ => {}
        }
    }
    if let Some(i) = quote.or(single) {
        drop[i] = true;
        notes.push(format!(
            "ignored the quote at column {}: it is never closed",
            i + 1
        ));
    }
    for i in open {
        drop[i] = true;
        notes.push(format!(
            "ignored '(' at column {}: it is never closed",
            i + 1
        ));
    }
    let kept: String = chars
        .iter()
        .zip(&drop)
        .filter(|(_, d)| !**d)
        .map(|(c, _)| *c)
        .collect();
    // Operators with nothing after (or before) them.
    let mut words: Vec<&str> = kept.split_whitespace().collect();
    while let Some(last) = words.last() {
        let dangling = matches!(*last, "AND" | "OR" | "NOT" | "+" | "-" | "&&" | "||")
            || (last.ends_with(':') && last.len() > 1);
        if dangling {
            notes.push(format!("ignored '{last}' at the end: nothing follows it"));
            words.pop();
        } else {
            break;
        }
    }
    while let Some(first) = words.first() {
        if matches!(*first, "AND" | "OR" | "&&" | "||") {
            notes.push(format!(
                "ignored '{first}' at the start: nothing comes before it"
            ));
            words.remove(0);
        } else {
            break;
        }
    }
    let mut fixed: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for w in words {
        if let Some(prev) = fixed.last() {
            let both_ops = matches!(prev.as_str(), "AND" | "OR") && matches!(w, "AND" | "OR");
            if both_ops {
                notes.push(format!("ignored '{w}' after '{prev}'"));
                continue;
            }
        }
        // A dash or plus standing alone ("SPOTLIGHT - BANKAMERICA") is punctuation.
        if matches!(w, "-" | "--" | "---" | "+" | "&&" | "||" | "!") {
            notes.push(format!("ignored '{w}' standing alone"));
            continue;
        }
        // IN (sets: `field: IN [a b]`) and TO (ranges) are operators only where those
        // forms are; elsewhere, as in a pasted headline, they are words.
        if w == "IN" && !fixed.last().is_some_and(|p| p.ends_with(':')) {
            fixed.push("in".to_string());
            continue;
        }
        if w == "TO" && depth == 0 {
            fixed.push("to".to_string());
            continue;
        }
        depth += w.matches(['[', '{']).count() as i32 - w.matches([']', '}']).count() as i32;
        fixed.push(w.to_string());
    }
    // A `^` without a number after it.
    let text: String = fixed.join(" ");
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '^' && !chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
            notes.push("ignored a '^' without a number after it".to_string());
            continue;
        }
        out.push(c);
    }
    (out.trim().to_string(), notes)
}

/// Finds the usual culprits: an unclosed quote, unbalanced parentheses or brackets, an
/// operator with nothing after it.
fn syntax_problem(text: &str) -> Option<String> {
    let mut quote_at: Option<usize> = None;
    let mut open: Vec<(char, usize)> = Vec::new();
    for (col, c) in text.chars().enumerate() {
        let col = col + 1;
        if quote_at.is_some() {
            if c == '"' {
                quote_at = None;
            }
            continue;
        }
        match c {
            '"' => quote_at = Some(col),
            '(' | '[' | '{' => open.push((c, col)),
            ')' | ']' | '}' => match open.pop() {
                Some(_) => {}
                None => return Some(format!("'{c}' at column {col} closes nothing")),
            },
            _ => {}
        }
    }
    if let Some(col) = quote_at {
        return Some(format!("the quote at column {col} is never closed"));
    }
    if let Some((c, col)) = open.pop() {
        return Some(format!("'{c}' at column {col} is never closed"));
    }
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '^' && !chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
            return Some(format!(
                "'^' at column {} needs a number after it, as in title:wikileaks^2",
                i + 1
            ));
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if let Some(last) = words.last() {
        if matches!(*last, "AND" | "OR" | "NOT" | "+" | "-") || last.ends_with(':') {
            return Some(format!("nothing follows '{last}' at the end"));
        }
    }
    if let Some(first) = words.first() {
        if matches!(*first, "AND" | "OR") {
            return Some(format!("nothing comes before '{first}' at the start"));
        }
    }
    None
}

/// The first word of `text` that does not parse on its own, by column.
fn unparsable_word(text: &str) -> Option<String> {
    let mut col = 1;
    let mut rest = text;
    while !rest.is_empty() {
        let lead = rest.len() - rest.trim_start().len();
        col += rest[..lead].chars().count();
        rest = &rest[lead..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if !word.is_empty() && query_grammar::parse_query(word).is_err() {
            let hint = if word.contains("::") || word.matches(':').count() > 1 {
                ": quote it to search it as words (\"Vec::push\")"
            } else {
                ""
            };
            return Some(format!("'{word}' at column {col} does not parse{hint}"));
        }
        col += word.chars().count();
        rest = &rest[end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_problems_are_located() {
        assert_eq!(
            syntax_problem("foo \"bar").as_deref(),
            Some("the quote at column 5 is never closed")
        );
        assert_eq!(
            syntax_problem("(a OR b").as_deref(),
            Some("'(' at column 1 is never closed")
        );
        assert_eq!(
            syntax_problem("a) b").as_deref(),
            Some("')' at column 2 closes nothing")
        );
        assert_eq!(
            syntax_problem("wikileaks AND").as_deref(),
            Some("nothing follows 'AND' at the end")
        );
        assert_eq!(syntax_problem("\"a (b\" c").as_deref(), None);
        assert_eq!(
            unparsable_word("wikileaks Vec::push").as_deref(),
            Some("'Vec::push' at column 11 does not parse: quote it to search it as words (\"Vec::push\")")
        );
    }

    #[test]
    fn repairs_say_what_they_ignored() {
        let (text, notes) = repair("wikileaks AND");
        assert_eq!(text, "wikileaks");
        assert_eq!(notes, ["ignored 'AND' at the end: nothing follows it"]);
        let (text, notes) = repair("\"reached out");
        assert_eq!(text, "reached out");
        assert_eq!(notes.len(), 1);
        let (text, _) = repair("(a OR b) c) d (e");
        assert_eq!(text, "(a OR b) c d e");
        let (text, _) = repair("OR a AND OR b ^");
        assert_eq!(text, "a AND b");
        for broken in [
            "wikileaks AND",
            "\"x",
            "(x",
            "x)",
            "AND x",
            "x AND OR y",
            "x^",
            "title:",
        ] {
            let (text, _) = repair(broken);
            assert!(
                query_grammar::parse_query(&text).is_ok() || text.is_empty(),
                "{broken:?} -> {text:?}"
            );
        }
    }

    #[test]
    fn headlines_parse() {
        assert_eq!(
            inner_apostrophes("MOODY'S and O'Brien's 'quoted'"),
            "MOODY S and O Brien s 'quoted'"
        );
        assert_eq!(inner_apostrophes("\"it's\" it's"), "\"it's\" it s");
        for headline in [
            "USX X DEBT DOWGRADED BY MOODY'S",
            "ECONOMIC SPOTLIGHT - BANKAMERICA BAC",
            "BONUS WHEAT FLOUR FOR NORTH YEMEN  -- USDA",
            "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK",
            "FARMERS' GROUP SAYS",
            "HUGHES' U.S. RIG COUNT SLIPS TO 801 THIS WEEK",
        ] {
            let text = inner_apostrophes(headline);
            if query_grammar::parse_query(&text).is_ok() {
                continue;
            }
            let (repaired, notes) = repair(&text);
            assert!(
                query_grammar::parse_query(&repaired).is_ok(),
                "{headline:?} -> {repaired:?} {notes:?}"
            );
        }
        assert_eq!(plain_words("a (b \"c: d* [e TO f] AND g"), "a b c d e f g");
    }

    #[test]
    fn and_not_becomes_an_exclusion() {
        let ast = query_grammar::parse_query("a AND NOT b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(+a -b)");
        let ast = query_grammar::parse_query("a AND NOT b AND c").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(+a -b +c)");
        let ast = query_grammar::parse_query("a OR NOT b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(?a ?(-b))");
        let ast = query_grammar::parse_query("a -b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(*a -b)");
    }

    #[test]
    fn words_split_like_the_tokenizer() {
        assert_eq!(word_parts("Rad53-dependent"), ["Rad53", "dependent"]);
        assert_eq!(word_parts("loss-of-function"), ["loss", "of", "function"]);
        assert_eq!(word_parts("O'Brien's"), ["O'Brien's"]);
        assert_eq!(word_parts("1.5%"), ["1.5"]);
        assert_eq!(word_parts("wiki*"), ["wiki*"]);
        assert_eq!(word_parts("e-mail*"), ["e", "mail*"]);
        assert_eq!(word_parts("clintn~1"), ["clintn~1"]);
        assert_eq!(word_parts("U.S."), ["U", "S"]);
        assert!(word_parts("--").is_empty());
    }

    /// The automaton's distance of `b` from `a`, if at most `max`.
    fn within_distance(a: &str, b: &str, max: u8) -> Option<u8> {
        match fuzzy_builder(max).build_dfa(a).eval(b) {
            levenshtein_automata::Distance::Exact(d) => Some(d),
            levenshtein_automata::Distance::AtLeast(_) => None,
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(within_distance("clintn", "clinton", 1), Some(1));
        assert_eq!(
            within_distance("clinotn", "clinton", 1),
            Some(1),
            "a transposition"
        );
        assert_eq!(within_distance("clntn", "clinton", 1), None);
        assert_eq!(within_distance("clntn", "clinton", 2), Some(2));
        assert_eq!(within_distance("same", "same", 0), Some(0));
        assert_eq!(within_distance("ünï", "uni", 2), Some(2));
    }

    #[test]
    fn prefix_ranges() {
        assert_eq!(prefix_end("wiki"), b"wikj".to_vec());
        // "aÿ" is [0x61, 0xC3, 0xBF]: the last byte goes up by one.
        assert_eq!(prefix_end("a\u{ff}"), vec![0x61, 0xC3, 0xC0]);
    }
}
