//! A reader's query, read leniently: words, "quoted phrases", `-excluded` words or phrases,
//! and `OR` between two words. Every word must match (in the headline or the body) unless it
//! is joined to its neighbour by `OR`. Nothing a reader types is a syntax error: a quote left
//! open runs to the end, punctuation is dropped by the tokenizer, field syntax is just words.

use tantivy::tokenizer::TextAnalyzer;

/// At most this many clauses are read from one query; the rest is ignored.
const MAX_CLAUSES: usize = 16;

/// One word or phrase of the query, as the index's tokenizer splits it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clause {
    /// As typed (without the quotes or the leading `-`).
    pub raw: String,
    /// Index terms: lowercased tokens. More than one makes the clause a phrase.
    pub tokens: Vec<String>,
    /// Typed between quotes: matched exactly, never widened to similar words.
    pub quoted: bool,
}

impl Clause {
    /// The single word this clause may be widened from (typo tolerance), when it is one:
    /// unquoted, one token, at least `min_chars` characters, not a number.
    pub fn fuzzy_word(&self, min_chars: usize) -> Option<&str> {
        match self.tokens.as_slice() {
            [t] if !self.quoted
                && t.chars().count() >= min_chars
                && !t.chars().any(|c| c.is_ascii_digit()) =>
            {
                Some(t)
            }
            _ => None,
        }
    }
}

/// Groups are AND-ed; the clauses of a group are OR-ed; excluded clauses must not match.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ParsedQuery {
    pub groups: Vec<Vec<Clause>>,
    pub excluded: Vec<Clause>,
}

impl ParsedQuery {
    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.groups.iter().flatten()
    }

    /// The query as a reader would type it, with `replace` applied to each token of each
    /// positive clause (for "did you mean").
    pub fn rewrite(&self, replace: &dyn Fn(&str) -> Option<String>) -> String {
        let mut parts = Vec::new();
        for group in &self.groups {
            let mut words = Vec::new();
            for clause in group {
                let mut changed = false;
                let tokens: Vec<String> = clause
                    .tokens
                    .iter()
                    .map(|t| match replace(t) {
                        Some(r) => {
                            changed = true;
                            r
                        }
                        None => t.clone(),
                    })
                    .collect();
                let text = if changed {
                    tokens.join(" ")
                } else {
                    clause.raw.clone()
                };
                words.push(if clause.quoted {
                    format!("\"{text}\"")
                } else {
                    text
                });
            }
            parts.push(words.join(" OR "));
        }
        for clause in &self.excluded {
            parts.push(if clause.quoted {
                format!("-\"{}\"", clause.raw)
            } else {
                format!("-{}", clause.raw)
            });
        }
        parts.join(" ")
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

pub(crate) fn parse(input: &str, analyzer: &mut TextAnalyzer) -> ParsedQuery {
    let chars: Vec<char> = input.chars().collect();
    let mut parsed = ParsedQuery::default();
    let mut join_next = false;
    let mut i = 0;
    let mut count = 0;
    while i < chars.len() && count < MAX_CLAUSES {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negate = false;
        if matches!(chars[i], '-' | '+') && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            negate = chars[i] == '-';
            i += 1;
        }
        let quoted = chars[i] == '"';
        let raw: String = if quoted {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            let text = chars[start..i].iter().collect();
            i += 1; // the closing quote, when there is one
            text
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
                i += 1;
            }
            chars[start..i].iter().collect()
        };
        if !quoted && !negate {
            if raw == "OR" || raw == "|" {
                join_next = !parsed.groups.is_empty();
                continue;
            }
            if raw == "AND" || raw == "&&" {
                continue;
            }
        }
        let tokens = tokens(analyzer, &raw);
        if tokens.is_empty() {
            continue;
        }
        count += 1;
        let clause = Clause {
            raw: raw.trim().to_string(),
            tokens,
            quoted,
        };
        if negate {
            parsed.excluded.push(clause);
        } else if join_next && let Some(group) = parsed.groups.last_mut() {
            group.push(clause);
        } else {
            parsed.groups.push(vec![clause]);
        }
        join_next = false;
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    fn analyzer() -> TextAnalyzer {
        crate::words::analyzer()
    }

    fn words(p: &ParsedQuery) -> Vec<Vec<Vec<String>>> {
        p.groups
            .iter()
            .map(|g| g.iter().map(|c| c.tokens.clone()).collect())
            .collect()
    }

    #[test]
    fn words_phrases_or_and_exclusions() {
        let p = parse(
            "Repo \"central bank\" rate OR rates -cricket -\"test match\"",
            &mut analyzer(),
        );
        assert_eq!(
            words(&p),
            vec![
                vec![vec!["repo".to_string()]],
                vec![vec!["central".to_string(), "bank".to_string()]],
                vec![vec!["rate".to_string()], vec!["rates".to_string()]],
            ]
        );
        assert!(p.groups[1][0].quoted);
        assert_eq!(p.excluded.len(), 2);
        assert_eq!(p.excluded[1].tokens, ["test", "match"]);
    }

    #[test]
    fn nothing_typed_is_an_error() {
        let p = parse("\"monsoon floods", &mut analyzer());
        assert_eq!(p.groups[0][0].tokens, ["monsoon", "floods"]);
        assert_eq!(
            parse("OR - \"\" ,,, AND", &mut analyzer()),
            ParsedQuery::default()
        );
        let p = parse("45,000 OR killing", &mut analyzer());
        assert_eq!(p.groups.len(), 1);
        assert_eq!(p.groups[0][0].tokens, ["45", "000"]);
    }

    #[test]
    fn rewrite_keeps_what_was_not_replaced() {
        let p = parse("Monsoom \"flood relief\" -cricket", &mut analyzer());
        let fixed = p.rewrite(&|t| (t == "monsoom").then(|| "monsoon".to_string()));
        assert_eq!(fixed, "monsoon \"flood relief\" -cricket");
    }
}
