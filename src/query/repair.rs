//! Query text before it is parsed: apostrophes inside words, words with inner
//! punctuation, nesting depth, and the repair of text that does not parse (a stray
//! quote or parenthesis dropped, a dangling operator ignored), with where the problem is.

use tantivy::query_grammar;

/// An apostrophe between two letters or digits (`Moody's`, `O'Brien`) is part of a word,
/// not the start of a quoted phrase: it becomes a space (which the analyzers split on
/// anyway). Double-quoted phrases are left alone.
pub(super) fn inner_apostrophes(text: &str) -> String {
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
pub(super) fn word_parts(word: &str) -> Vec<String> {
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
pub(super) const MAX_NESTING: usize = 32;

/// How deep `text` nests: the most open parentheses, plus prefix operators in a row,
/// at any point outside quotes.
pub(super) fn nesting(text: &str) -> usize {
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

pub(super) fn plain_words(text: &str) -> String {
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
pub(super) fn repair(text: &str) -> (String, Vec<String>) {
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
pub(super) fn syntax_problem(text: &str) -> Option<String> {
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
pub(super) fn unparsable_word(text: &str) -> Option<String> {
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
