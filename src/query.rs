//! Query text -> tantivy query. tantivy's query syntax over title and body, with the
//! title weighted above the body, and errors that say what is wrong and where.

use tantivy::query::{Occur, Query, QueryParser, QueryParserError};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf};
use tantivy::schema::Schema;

use crate::error::{Error, Result};
use crate::index::TroveIndex;
use crate::schema::QUERY_FIELDS;

/// How much a match in the title counts against one in the body.
pub(crate) const TITLE_BOOST: f32 = 2.0;

/// Parses `text` into a query over the default fields (title and body).
pub(crate) fn parse(trove: &TroveIndex, text: &str) -> Result<Box<dyn Query>> {
    let err = |reason: String| Error::Query {
        query: text.to_string(),
        reason,
    };
    if text.trim().is_empty() {
        return Err(err(
            "the query is empty: give words to search for, or * for every document".into(),
        ));
    }
    let f = &trove.fields;
    let mut parser = QueryParser::for_index(&trove.index, vec![f.title, f.body]);
    parser.set_field_boost(f.title, TITLE_BOOST);
    parser.allow_regexes();
    let ast = query_grammar::parse_query(text)
        .map_err(|_| err(syntax_problem(text).unwrap_or_else(|| "syntax error".to_string())))?;
    let ast = rewrite_exists(lift_negations(ast), &trove.index.schema()).map_err(err)?;
    parser
        .build_query_from_user_input_ast(ast)
        .map_err(|e| err(describe(text, &e)))
}

/// `field:*` ("has the field") needs a fast field in tantivy; for the other fields it
/// becomes "has any term in the field", which means the same.
fn rewrite_exists(ast: UserInputAst, schema: &Schema) -> Result<UserInputAst, String> {
    Ok(match ast {
        UserInputAst::Clause(children) => UserInputAst::Clause(
            children
                .into_iter()
                .map(|(occur, child)| Ok((occur, rewrite_exists(child, schema)?)))
                .collect::<Result<_, String>>()?,
        ),
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(rewrite_exists(*inner, schema)?), boost)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Exists { field } => {
                let entry = schema
                    .get_field(&field)
                    .map(|f| schema.get_field_entry(f))
                    .map_err(|_| unknown_field(&field))?;
                if entry.is_fast() {
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Exists { field }))
                } else {
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Regex {
                        field: Some(field),
                        pattern: ".*".to_string(),
                    }))
                }
            }
            other => UserInputAst::Leaf(Box::new(other)),
        },
    })
}

fn unknown_field(field: &str) -> String {
    format!(
        "unknown field '{field}' (fields: {}); to search for the word itself, put it in quotes",
        QUERY_FIELDS.join(", ")
    )
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

/// A message that points at the problem in `text`.
fn describe(text: &str, error: &QueryParserError) -> String {
    match error {
        QueryParserError::FieldDoesNotExist(field) => unknown_field(field),
        QueryParserError::SyntaxError(_) => {
            syntax_problem(text).unwrap_or_else(|| "syntax error".to_string())
        }
        QueryParserError::AllButQueryForbidden => {
            "only excluded terms: add at least one term to search for".to_string()
        }
        QueryParserError::ExpectedInt(_)
        | QueryParserError::DateFormatError(_)
        | QueryParserError::RangeMustNotHavePhrase => format!(
            "{error}; dates in queries are RFC 3339, as in date:[2017-01-01T00:00:00Z TO 2018-01-01T00:00:00Z]"
        ),
        other => other.to_string(),
    }
}

/// Finds the usual culprits: an unclosed quote, unbalanced parentheses or brackets, an
/// operator with nothing after it.
fn syntax_problem(text: &str) -> Option<String> {
    let mut quote_at: Option<usize> = None;
    let mut open: Vec<(char, usize)> = Vec::new();
    for (col, c) in text.chars().enumerate() {
        let col = col + 1;
        if let Some(_q) = quote_at {
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
    }

    #[test]
    fn and_not_becomes_an_exclusion() {
        let ast = query_grammar::parse_query("a AND NOT b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(+a -b)");
        let ast = query_grammar::parse_query("a AND NOT b AND c").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(+a -b +c)");
        // OR NOT and plain exclusions are left as tantivy reads them.
        let ast = query_grammar::parse_query("a OR NOT b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(?a ?(-b))");
        let ast = query_grammar::parse_query("a -b").unwrap();
        assert_eq!(format!("{:?}", lift_negations(ast)), "(*a -b)");
    }
}
