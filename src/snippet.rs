//! Snippets: the passages of a body around the query's words, and where those words are.
//!
//! Same approach as tantivy's `SnippetGenerator` (the text is cut into passages of at
//! most `max_chars` at word boundaries; a passage scores the sum of its matches' term
//! scores, rarer terms scoring higher; the best passage wins), with two differences
//! that make it several times cheaper per hit: a word is stemmed only when its first two
//! letters could start one of the query's stems (English stemming only rewrites
//! endings), and one pass over the text serves every passage asked for (up to three for
//! long bodies).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analysis::word_ranges;

/// A passage of the text and the matched words in it (byte ranges into the text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Passage {
    pub range: Range<usize>,
    pub marks: Vec<Range<usize>>,
    pub score: f32,
}

pub(crate) struct Highlighter {
    /// Stem -> score (1 / (1 + document frequency)).
    terms: HashMap<String, f32>,
    /// First two bytes of the stems, lowercased (fewer when a stem is shorter).
    prefixes: Vec<Vec<u8>>,
    /// The field's analyzer, run on candidate words alone.
    analyzer: TextAnalyzer,
}

impl Highlighter {
    pub fn new(terms: BTreeMap<String, f32>, analyzer: TextAnalyzer) -> Highlighter {
        let mut prefixes: Vec<Vec<u8>> = terms
            .keys()
            .map(|t| t.as_bytes()[..t.len().min(2)].to_vec())
            .collect();
        prefixes.sort();
        prefixes.dedup();
        Highlighter {
            terms: terms.into_iter().collect(),
            prefixes,
            analyzer,
        }
    }

    /// Every word of `text` that matches, with its score.
    fn matches(&mut self, text: &str) -> Vec<(Range<usize>, f32)> {
        let mut found = Vec::new();
        if self.terms.is_empty() {
            return found;
        }
        for range in word_ranges(text) {
            if !could_match(&text[range.clone()], &self.prefixes) {
                continue;
            }
            let mut analyzed = self.analyzer.token_stream(&text[range.clone()]);
            while analyzed.advance() {
                if let Some(&score) = self.terms.get(&analyzed.token().text) {
                    found.push((range.clone(), score));
                    break;
                }
            }
        }
        found
    }

    /// Byte ranges of the matched words in `text` (for short texts such as titles).
    pub fn marks(&mut self, text: &str) -> Vec<Range<usize>> {
        self.matches(text).into_iter().map(|(r, _)| r).collect()
    }

    /// The best `count` passages of at most `max_chars` characters, in text order; none
    /// when nothing matches.
    pub fn passages(&mut self, text: &str, max_chars: usize, count: usize) -> Vec<Passage> {
        let matches = self.matches(text);
        if matches.is_empty() {
            return Vec::new();
        }
        // Cut the text into passages at word boundaries, as tantivy does.
        let mut passages: Vec<Passage> = Vec::new();
        let mut current: Option<Passage> = None;
        let mut next_match = matches.iter().peekable();
        let mut chars = CharCounter::new(text);
        // Characters before the open passage's start.
        let mut start_chars = 0;
        for word in word_ranges(text) {
            let (from, to) = (word.start, word.end);
            let from_chars = chars.upto(from);
            let to_chars = chars.upto(to);
            let fits = current.is_some() && to_chars - start_chars <= max_chars;
            if !fits {
                passages.extend(current.take());
                start_chars = from_chars;
                current = Some(Passage {
                    range: from..to,
                    marks: Vec::new(),
                    score: 0.0,
                });
            }
            let p = current.as_mut().expect("a passage is open");
            p.range.end = to;
            while let Some((r, score)) = next_match.peek() {
                if r.start < from {
                    next_match.next();
                    continue;
                }
                if r.start == from {
                    p.marks.push(r.clone());
                    p.score += score;
                    next_match.next();
                }
                break;
            }
        }
        passages.extend(current);
        let mut best: Vec<Passage> = passages.into_iter().filter(|p| p.score > 0.0).collect();
        // Highest score first; the earlier passage on ties.
        best.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.range.start.cmp(&b.range.start))
        });
        best.truncate(count);
        best.sort_by_key(|p| p.range.start);
        best
    }
}

/// Whether a word can stem to a stem starting with one of `prefixes`: its first two
/// characters, lowercased, start like one of them. Non-ASCII beginnings always can (the
/// analyzer folds accents).
fn could_match(word: &str, prefixes: &[Vec<u8>]) -> bool {
    let bytes = word.as_bytes();
    if bytes.iter().take(2).any(|b| !b.is_ascii()) {
        return true;
    }
    let head: Vec<u8> = bytes.iter().take(2).map(u8::to_ascii_lowercase).collect();
    prefixes
        .iter()
        .any(|p| head.len() >= p.len() && head[..p.len()] == p[..])
}

/// Counts characters up to byte offsets that only move forward (linear over the text).
struct CharCounter<'a> {
    text: &'a str,
    /// Byte offset and the number of characters before it.
    at: usize,
    count: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            text,
            at: 0,
            count: 0,
        }
    }

    /// Characters before byte `offset` (`offset` never smaller than the last one asked).
    fn upto(&mut self, offset: usize) -> usize {
        if offset > self.at {
            self.count += self.text[self.at..offset].chars().count();
            self.at = offset;
        }
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::WordTokenizer;
    use tantivy::tokenizer::{LowerCaser, Stemmer};

    fn highlighter(stems: &[(&str, f32)]) -> Highlighter {
        let analyzer = TextAnalyzer::builder(WordTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build();
        Highlighter::new(
            stems.iter().map(|(s, f)| (s.to_string(), *f)).collect(),
            analyzer,
        )
    }

    #[test]
    fn marks_stems_and_skips_the_rest() {
        let mut h = highlighter(&[("email", 0.5), ("clinton", 0.5)]);
        let text = "Clinton's e-mails and Emails; emailing Clintonia.";
        let marked: Vec<&str> = h.marks(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(marked, ["Clinton's", "Emails", "emailing"]);
    }

    #[test]
    fn the_best_passages_in_order() {
        let mut h = highlighter(&[("oil", 0.5), ("price", 0.25)]);
        let text = format!(
            "{} oil prices rose {} nothing here {} oil again",
            "filler ".repeat(30),
            "padding ".repeat(30),
            "more ".repeat(40)
        );
        let one = h.passages(&text, 60, 1);
        assert_eq!(one.len(), 1);
        assert!(text[one[0].range.clone()].contains("oil prices"));
        assert!((one[0].score - 0.75).abs() < 1e-6);
        let three = h.passages(&text, 60, 3);
        assert_eq!(three.len(), 2, "only passages with matches");
        assert!(three[0].range.start < three[1].range.start);
        for p in &three {
            assert!(text[p.range.clone()].chars().count() <= 60);
            for m in &p.marks {
                assert!(p.range.start <= m.start && m.end <= p.range.end);
            }
        }
        assert!(h.passages("no match at all", 60, 3).is_empty());
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut h = highlighter(&[("cafe", 1.0)]);
        let text = "é".repeat(50) + " cafe";
        let p = h.passages(&text, 20, 1);
        assert_eq!(&text[p[0].marks[0].clone()], "cafe");
    }
}
