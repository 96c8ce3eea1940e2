//! Stems, remembered: the English (Porter2) stemmer tantivy uses, behind a per-thread
//! cache of fixed slots, so that indexing stems each distinct word about once.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// English (Porter2) stems, as tantivy's `Stemmer` gives them, remembered: words repeat
/// (most of a text is a few thousand words), and stemming was a sixth of indexing time.
/// Each thread has one cache, which every analyzer it runs uses (title and body, and the
/// analyzers of each new segment, which would otherwise start empty): two direct-mapped
/// tables of fixed slots, word and stem inline, so a hit costs one hash and one cache
/// line (a hash map of `String`s cost three memory reads per word, measured at 18% of
/// indexing CPU). A word that lands on a taken slot replaces its occupant.
#[derive(Clone, Default)]
pub struct CachedStemmer;

/// Slots of the near table (a power of two): 512 KiB, which stays in the core's cache and
/// holds the most frequent words.
const NEAR_SLOTS: usize = 1 << 13;
/// Slots of the far table, asked when the near one misses: 4 MiB, zeroed by the kernel
/// as pages are touched. One table of either size alone measured slower: the small one
/// misses a quarter of the words, the large one costs a memory read per word.
const STEM_SLOTS: usize = 1 << 16;
/// Longest word (and stem) kept in a slot, in bytes; longer words are stemmed each time.
const STEM_INLINE: usize = 31;

/// A slot: word length, stem length, the word, the stem (zeroed: empty).
type StemSlot = [u8; 2 + 2 * STEM_INLINE];

impl tantivy::tokenizer::TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

/// A thread's stem cache: the small table at first; the near table then the far table
/// once the thread has stemmed `BIG_CACHE_AFTER_WORDS` words.
#[derive(Default)]
struct StemCache {
    slots: Vec<StemSlot>,
    /// Words stemmed so far.
    words: usize,
}

thread_local! {
    /// The thread's cache while no token stream has it (a stream takes it, and gives it
    /// back when dropped).
    static STEM_CACHE: std::cell::RefCell<StemCache> = std::cell::RefCell::default();
}

/// Slots of the table an analyzer starts with: 64 KiB, enough for the words of a query
/// and the snippets of a page of hits.
const SMALL_SLOTS: usize = 1 << 10;

/// The big tables pay for themselves only over many words: making them costs a page
/// fault per 4 KiB touched, which made a search (a few query words, ten snippets) take
/// 5 ms longer when every analyzer had them from its first word.
const BIG_CACHE_AFTER_WORDS: usize = 50_000;

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        // Another stream of this thread may hold the cache (streams nest rarely, if
        // ever): this one then starts a small table of its own.
        let mut cache = STEM_CACHE
            .try_with(|c| c.try_borrow_mut().map(|mut c| std::mem::take(&mut *c)).ok())
            .ok()
            .flatten()
            .unwrap_or_default();
        if cache.slots.is_empty() {
            cache.slots = vec![[0; 2 + 2 * STEM_INLINE]; SMALL_SLOTS];
        } else if cache.slots.len() == SMALL_SLOTS && cache.words >= BIG_CACHE_AFTER_WORDS {
            cache.slots = vec![[0; 2 + 2 * STEM_INLINE]; NEAR_SLOTS + STEM_SLOTS];
        }
        CachedStemmerStream {
            inner: self.inner.token_stream(text),
            cache,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

pub struct CachedStemmerStream<S> {
    inner: S,
    cache: StemCache,
    stemmer: frostem::Stemmer,
}

impl<S> Drop for CachedStemmerStream<S> {
    fn drop(&mut self) {
        let cache = std::mem::take(&mut self.cache);
        // Given back to the thread, unless it holds a bigger one.
        let _ = STEM_CACHE.try_with(|c| {
            if let Ok(mut held) = c.try_borrow_mut() {
                if held.slots.len() <= cache.slots.len() {
                    *held = cache;
                }
            }
        });
    }
}

/// Porter2 leaves words of one or two letters as they are.
const SHORTEST_STEMMED: usize = 3;

/// The word's slot in the first table and, with the big tables, in the far one.
fn slots_of(word: &[u8], tables: usize) -> (usize, Option<usize>) {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(word);
    // FxHash's best bits are the high ones.
    let hash = (hasher.finish() >> 32) as usize;
    if tables == SMALL_SLOTS {
        (hash & (SMALL_SLOTS - 1), None)
    } else {
        (
            hash & (NEAR_SLOTS - 1),
            Some(NEAR_SLOTS + (hash >> 13 & (STEM_SLOTS - 1))),
        )
    }
}

/// The stem a slot holds for `word`, if it holds `word`.
fn cached_stem<'s>(slot: &'s StemSlot, word: &[u8]) -> Option<&'s str> {
    let (lens, rest) = slot.split_at(2);
    let (cached_word, cached_stem) = rest.split_at(STEM_INLINE);
    if usize::from(lens[0]) == word.len() && cached_word[..word.len()] == *word {
        std::str::from_utf8(&cached_stem[..usize::from(lens[1])]).ok()
    } else {
        None
    }
}

fn remember(slot: &mut StemSlot, word: &[u8], stem: &[u8]) {
    slot[0] = word.len() as u8;
    slot[1] = stem.len() as u8;
    slot[2..2 + word.len()].copy_from_slice(word);
    slot[2 + STEM_INLINE..2 + STEM_INLINE + stem.len()].copy_from_slice(stem);
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        let word = token.text.as_bytes();
        if word.len() < SHORTEST_STEMMED {
            return true;
        }
        self.cache.words += 1;
        if word.len() > STEM_INLINE {
            let stem = self.stemmer.stem(&token.text).into_owned();
            token.text = stem;
            return true;
        }
        let (near, far) = slots_of(word, self.cache.slots.len());
        if let Some(far) = far {
            // Both slots are loaded at once: when the near one misses, the far one is
            // on its way already instead of a second wait on memory.
            std::hint::black_box(self.cache.slots[far][0]);
        }
        if let Some(stem) = cached_stem(&self.cache.slots[near], word) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        // The word, kept while the token's text becomes its stem.
        let mut kept = [0u8; STEM_INLINE];
        let kept = &mut kept[..word.len()];
        kept.copy_from_slice(word);
        if let Some(far) = far {
            if let Some(stem) = cached_stem(&self.cache.slots[far], kept) {
                token.text.clear();
                token.text.push_str(stem);
                remember(&mut self.cache.slots[near], kept, token.text.as_bytes());
                return true;
            }
        }
        let stem = self.stemmer.stem(&token.text);
        if let std::borrow::Cow::Owned(stem) = stem {
            token.text = stem;
        }
        if token.text.len() <= STEM_INLINE {
            remember(&mut self.cache.slots[near], kept, token.text.as_bytes());
            if let Some(far) = far {
                remember(&mut self.cache.slots[far], kept, token.text.as_bytes());
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod stem_tests {
    use super::*;
    use crate::analysis::words::WordTokenizer;
    use tantivy::tokenizer::{Language, LowerCaser, Stemmer, TextAnalyzer};

    /// `text` analyzed with the cached stems gives tantivy's stems, word for word: the
    /// small table first, then (after `BIG_CACHE_AFTER_WORDS` words) the big tables,
    /// which fill, and then answer.
    fn assert_stems_match(text: &str) {
        let mut ours = TextAnalyzer::builder(WordTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let mut theirs = TextAnalyzer::builder(WordTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let collect = |a: &mut TextAnalyzer| {
            let mut s = a.token_stream(text);
            let mut v = Vec::new();
            while s.advance() {
                v.push(s.token().text.clone());
            }
            v
        };
        let expected = collect(&mut theirs);
        for _ in 0..BIG_CACHE_AFTER_WORDS / expected.len() + 3 {
            assert_eq!(collect(&mut ours), expected);
        }
    }

    #[test]
    fn cached_stems_are_tantivys_stems() {
        let text = "running runs ran easily fairly generously emails emailing e-mails \
                    generalization running runs universities university's";
        assert_stems_match(text);
    }

    #[test]
    fn cached_stems_survive_collisions_short_and_long_words() {
        // Every one- and two-letter word (never stemmed: Porter2 leaves them), words
        // longer than a slot holds, and more distinct words than the cache has slots,
        // twice over, so that slots are taken, replaced and hit.
        let mut words: Vec<String> = Vec::new();
        for a in 'a'..='z' {
            words.push(a.to_string());
            for b in 'a'..='z' {
                words.push(format!("{a}{b}"));
            }
        }
        words.push("internationalizationalizationalizing".into());
        words.push("antidisestablishmentarianistically".into());
        let stems = [
            "", "ing", "ed", "s", "ies", "ation", "ational", "ness", "ly", "ful",
        ];
        for n in 0..(2 * (NEAR_SLOTS + STEM_SLOTS) / stems.len() + 1000) {
            let base: String = format!("{n:x}")
                .chars()
                .map(|c| match c {
                    '0'..='9' => (b'g' + c as u8 - b'0') as char,
                    c => c,
                })
                .collect();
            words.push(format!("{base}{}", stems[n % stems.len()]));
        }
        let text = words.join(" ");
        assert_stems_match(&text);
    }
}
