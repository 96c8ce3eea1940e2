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

mod dates;
mod expand;
mod repair;

pub use expand::{MAX_EXPANDED_WORDS, MAX_FUZZY_DISTANCE, MAX_QUERY_EXPANSIONS};

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, Query, QueryParser, QueryParserError,
    TermQuery,
};
use tantivy::query_grammar::{
    self, Delimiter, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::{Searcher, Term};

use crate::date::parse_period;
use crate::date_filter::DateFilter;
use crate::error::{Error, Result};
use crate::explain_guard::guard_all;
use crate::index::TroveIndex;
use crate::schema::{self, QUERY_FIELDS};

use dates::*;
use expand::{boosted, Budget, Expansion};
use repair::*;

/// Weight of the title field. The body field holds the title too, so a title word
/// already counts in the body; this is the title's extra weight. Measured on SciFact
/// (README, "Ranking"): 2.0 gave nDCG@10 0.594 with the title in the body, 1.0 0.655,
/// 0.5 0.682, 0.2 0.694, 0 0.688.
pub(crate) const TITLE_BOOST: f32 = 0.2;

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
    /// Only documents from these sites (hosts, `www.` aside), as `site:` matches.
    pub sites: Vec<String>,
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
            if let Some(q) = expand::expand(self.trove, self.searcher, &self.budget, f, stem, kind)
            {
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
        let sites: Vec<String> = self.opts.sites.iter().map(|s| site_key(s)).collect();
        filters.extend(any_of(f.site, &sites, false));
        Ok((dates, filters))
    }
}

/// A site as `site:` stores it: the host lower-cased, without `www.`; a URL's host.
fn site_key(text: &str) -> String {
    let text = text.trim();
    schema::site_of(text).unwrap_or_else(|| {
        let host = text.to_lowercase();
        host.strip_prefix("www.").unwrap_or(&host).to_string()
    })
}

/// The command line's filters: date bounds, and queries every hit must match.
type Filters = (Vec<DateBounds>, Vec<Box<dyn Query>>);

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

#[cfg(test)]
mod tests {
    use super::expand::*;
    use super::repair::*;
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
