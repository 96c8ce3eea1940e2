//! Prefix and fuzzy words (`wiki*`, `clintn~1`) expanded into the index's own words:
//! a range or a Levenshtein automaton over each segment's term dictionary, most frequent
//! words first, within the caps a query has (per word, words per query, terms per query).

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhrasePrefixQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::explain_guard::guard_all;
use crate::index::TroveIndex;
use crate::schema;

/// At most this many index words stand in for one prefix or fuzzy term.
pub(super) const MAX_EXPANSIONS: usize = 64;

/// Words a query expands (prefixes, fuzzy words) at most; words after these are
/// searched as written, with a warning. Each expansion walks the term dictionaries, so
/// this bounds what one query can cost (10,000 words under `--fuzzy` would otherwise
/// take minutes).
pub const MAX_EXPANDED_WORDS: usize = 256;

/// Index words one query's expansions add at most, over all its words.
pub const MAX_QUERY_EXPANSIONS: usize = 4096;

/// Longest edit distance for fuzzy terms.
pub const MAX_FUZZY_DISTANCE: u8 = 2;

/// Expansions used by one query.
#[derive(Default)]
pub(super) struct Budget {
    pub(super) words: usize,
    pub(super) terms: usize,
    pub(super) warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Expansion {
    Prefix,
    Fuzzy(u8),
}

/// The index words a prefix or fuzzy term stands for, as a BM25 query.
pub(super) fn expand(
    trove: &TroveIndex,
    searcher: &Searcher,
    budget: &RefCell<Budget>,
    field: Field,
    text: &str,
    kind: Expansion,
) -> Option<Box<dyn Query>> {
    let entry = searcher.schema().get_field_entry(field);
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
        match trove.index.tokenizer_for_field(field) {
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
    let expansions = dictionary_matches(searcher, budget, field, &last, kind);
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
pub(super) fn dictionary_matches(
    searcher: &Searcher,
    budget: &RefCell<Budget>,
    field: Field,
    word: &str,
    kind: Expansion,
) -> Vec<(String, f32)> {
    let mut found: HashMap<String, (u64, f32)> = HashMap::new();
    let dfa = match kind {
        Expansion::Fuzzy(max) => Some(fuzzy_builder(max).build_dfa(word)),
        Expansion::Prefix => None,
    };
    for segment in searcher.segment_readers() {
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
    let mut budget = budget.borrow_mut();
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

pub(super) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

pub(super) fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// The smallest string greater than every string starting with `prefix`.
pub(super) fn prefix_end(prefix: &str) -> Vec<u8> {
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
pub(super) fn fuzzy_builder(max: u8) -> &'static levenshtein_automata::LevenshteinAutomatonBuilder {
    use std::sync::OnceLock;
    static BUILDERS: [OnceLock<levenshtein_automata::LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let max = max.min(MAX_FUZZY_DISTANCE);
    BUILDERS[usize::from(max)]
        .get_or_init(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(max, true))
}

/// A Levenshtein DFA as the term dictionary's automaton.
pub(super) struct Dfa<'a>(&'a levenshtein_automata::DFA);

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
