//! trove's tokenizer: words as English text, news and papers have them.
//!
//! Like tantivy's simple tokenizer, a token is a run of letters and digits, with these
//! differences (after Lucene's standard tokenizer and English possessive filter):
//! - an apostrophe between two letters belongs to the word (`don't`, `O'Brien`), and a
//!   possessive `'s` is then dropped (`Nix's` -> `Nix`); `’` counts as `'`;
//! - a `.` or `,` between two digits belongs to the number (`1.5`, `33,000`);
//! - Greek letters are spelled out (`TNF-α` -> `TNF`, `alpha`; `β-catenin` -> `beta`,
//!   `catenin`), as papers write them either way; mu is left alone (`µg`, `μm`);
//! - anything else (spaces, punctuation, hyphens) separates words.
//!
//! Offsets cover the text a token came from (highlighting `Nix's` marks all of it).
//!
//! Tried and left out (measured on SciFact, see README): joining hyphenated compounds
//! (`IL-10` also as `IL10`) lowered nDCG@10 by 0.015, as every extra token lengthens its
//! document for BM25.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    /// Byte offset where scanning goes on.
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The byte ranges of the words of `text`, as the tokenizer finds them, without building
/// their normalized text (for highlighting, which only needs a few of them analyzed).
pub struct WordRanges<'a> {
    text: &'a str,
    at: usize,
}

pub fn word_ranges(text: &str) -> WordRanges<'_> {
    WordRanges { text, at: 0 }
}

impl Iterator for WordRanges<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        let (from, to) = next_word(self.text, self.at)?;
        self.at = to;
        Some(from..to)
    }
}

impl WordStream<'_> {
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let (from, to) = next_word(self.text, self.at)?;
        self.at = to;
        Some((from, to))
    }
}

/// The character at byte `i` of `text` (which is on a character boundary).
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

/// The next word (`[from, to)` in bytes) of `text` at or after byte `at`, if any.
fn next_word(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = at;
    // The start: the next letter or digit.
    loop {
        let c = char_at(text, i)?;
        if c.is_alphanumeric() {
            break;
        }
        i += c.len_utf8();
    }
    let from = i;
    let mut prev = char_at(text, i)?;
    i += prev.len_utf8();
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII letters and digits: the common case, no decoding.
        if b.is_ascii_alphanumeric() {
            prev = b as char;
            i += 1;
            continue;
        }
        let Some(c) = char_at(text, i) else { break };
        let width = c.len_utf8();
        let joins = if c.is_alphanumeric() {
            true
        } else if is_apostrophe(c) {
            prev.is_alphabetic() && char_at(text, i + width).is_some_and(char::is_alphabetic)
        } else if c == '.' || c == ',' {
            prev.is_ascii_digit() && char_at(text, i + width).is_some_and(|n| n.is_ascii_digit())
        } else {
            false
        };
        if !joins {
            break;
        }
        prev = c;
        i += width;
    }
    Some((from, i))
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = self.next_word() else {
            return false;
        };
        self.token.text.clear();
        normalize_into(&self.text[from..to], &mut self.token.text);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// A word as indexed: possessive dropped, apostrophes plain, Greek letters spelled out.
fn normalize_into(word: &str, out: &mut String) {
    let word = strip_possessive(word);
    if word
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b',')
    {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_apostrophe(c) {
            out.push('\'');
        } else if let Some(name) = greek_name(c) {
            out.push_str(name);
        } else {
            out.push(c);
        }
    }
}

fn strip_possessive(word: &str) -> &str {
    for suffix in ["'s", "'S", "\u{2019}s", "\u{2019}S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    word
}

/// The English name of a Greek letter, either case. Mu is left alone: in `µg` and `μm`
/// it means micro, and `mug` or `mum` would be other words.
fn greek_name(c: char) -> Option<&'static str> {
    const NAMES: [&str; 24] = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
        "chi", "psi", "omega",
    ];
    let index = match c {
        'μ' | 'Μ' => return None,
        'α'..='ρ' => c as u32 - 'α' as u32,
        'ς' => return Some("sigma"),
        'σ'..='ω' => c as u32 - 'α' as u32 - 1,
        'Α'..='Ρ' => c as u32 - 'Α' as u32,
        'Σ'..='Ω' => c as u32 - 'Α' as u32 - 1,
        _ => return None,
    };
    NAMES.get(index as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = WordTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn words_as_english_has_them() {
        assert_eq!(texts("Nix's comments"), ["Nix", "comments"]);
        assert_eq!(texts("Nix’s don’t O'Brien"), ["Nix", "don't", "O'Brien"]);
        assert_eq!(texts("'quoted' words'"), ["quoted", "words"]);
        assert_eq!(
            texts("rose 1.5% to 33,000, then 2."),
            ["rose", "1.5", "to", "33,000", "then", "2"]
        );
        assert_eq!(
            texts("e-mail U.S. café naïve 東京"),
            ["e", "mail", "U", "S", "café", "naïve", "東京"]
        );
        assert_eq!(texts(""), Vec::<String>::new());
        assert_eq!(texts("''' ,,, ... - --"), Vec::<String>::new());
        // Offsets cover the word as written.
        assert_eq!(tokens("a Nix's b")[1], ("Nix".to_string(), 1, 2, 7));
    }

    #[test]
    fn greek_letters_are_spelled_out() {
        assert_eq!(texts("TNF-α"), ["TNF", "alpha"]);
        assert_eq!(
            texts("β-catenin Ω IFNγ µg μm"),
            ["beta", "catenin", "omega", "IFNgamma", "µg", "μm"]
        );
        assert_eq!(greek_name('ω'), Some("omega"));
        assert_eq!(greek_name('Δ'), Some("delta"));
        assert_eq!(greek_name('ς'), Some("sigma"));
        assert_eq!(greek_name('a'), None);
    }

    #[test]
    fn positions_count_words() {
        let positions: Vec<usize> = tokens("one two's three").iter().map(|t| t.1).collect();
        assert_eq!(positions, [0, 1, 2]);
    }
}
