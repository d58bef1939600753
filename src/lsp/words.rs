//! The words of rule text as an editor meets them: keywords, names, and the
//! tokens of a line for highlighting. Only for what the editor shows; what
//! a rule means is decided by the parser and checker alone.

/// The words that start a statement other than a segmentation's rule.
const STATEMENT_KEYWORDS: &[&str] = &[
    "source", "as", "param", "metric", "score", "tags", "tag", "describe", "example", "expect",
];

pub fn is_keyword(word: &str) -> bool {
    crate::syntax::WORDS.contains(&word)
}

pub fn is_statement_keyword(word: &str) -> bool {
    STATEMENT_KEYWORDS.contains(&word)
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Whether `text` can be written as a bare name (else in quotes or
/// brackets).
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_name_start)
        && chars.all(is_name_char)
        && !matches!(
            text,
            "and"
                | "or"
                | "not"
                | "in"
                | "between"
                | "is"
                | "missing"
                | "within"
                | "where"
                | "when"
                | "otherwise"
                | "true"
                | "false"
        )
}

/// The name characters at the end of `text`.
pub fn trailing_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// The name characters at the start of `text`.
pub fn leading_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// What a piece of a line looks like, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lexeme {
    Word,
    /// `[Order Date]`
    Bracketed,
    Text,
    Number,
    Comment,
}

/// The words, strings, numbers, dates and comments of `text`, as byte
/// ranges; never across a line break (a string or bracket ends on its
/// line, as in the grammar).
pub fn lex(text: &str) -> Vec<(Lexeme, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let end_when =
            |stop: &dyn Fn(char) -> bool,
             chars: &mut std::iter::Peekable<std::str::CharIndices>| {
                let mut end = start + c.len_utf8();
                while let Some(&(i, n)) = chars.peek() {
                    if stop(n) {
                        break;
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
                end
            };
        let lexeme = match c {
            '#' => Some((Lexeme::Comment, end_when(&|n| n == '\n', &mut chars))),
            '"' | '\'' => Some((Lexeme::Text, closed(start, c, &mut chars))),
            '[' => Some((Lexeme::Bracketed, closed(start, ']', &mut chars))),
            c if c.is_ascii_digit() => Some((
                Lexeme::Number,
                end_when(
                    &|n| !(n.is_ascii_digit() || n == '.' || n == '-' || n == '%'),
                    &mut chars,
                ),
            )),
            c if is_name_start(c) => {
                Some((Lexeme::Word, end_when(&|n| !is_name_char(n), &mut chars)))
            }
            _ => None,
        };
        if let Some((lexeme, end)) = lexeme {
            out.push((lexeme, start..end));
        }
    }
    out
}

/// The end of a string or bracketed name opened at `start`: after its
/// closing `close`, or at the end of its line. `\` escapes in strings.
fn closed(
    start: usize,
    close: char,
    chars: &mut std::iter::Peekable<std::str::CharIndices>,
) -> usize {
    let mut escaped = false;
    let mut end = start + 1;
    while let Some(&(i, n)) = chars.peek() {
        if n == '\n' {
            break;
        }
        chars.next();
        end = i + n.len_utf8();
        if escaped {
            escaped = false;
        } else if n == '\\' && close != ']' {
            escaped = true;
        } else if n == close {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_of_the_grammar_is_known() {
        let grammar = include_str!("../../grammar/seg.pest");
        for line in grammar.lines() {
            let Some(rule) = line.strip_prefix("kw_") else {
                continue;
            };
            for (i, part) in rule.split('"').enumerate() {
                if i % 2 == 1 {
                    assert!(
                        is_keyword(part),
                        "kw_{rule}: `{part}` is not in syntax::WORDS"
                    );
                }
            }
        }
    }

    #[test]
    fn lines_are_cut_into_lexemes() {
        let text = "tag 高价值 when [Order Date] >= 2025-01-01 and name = \"a\\\"🎉\" # 注释\nx";
        let cut: Vec<(Lexeme, &str)> = lex(text).into_iter().map(|(l, r)| (l, &text[r])).collect();
        assert_eq!(
            cut,
            vec![
                (Lexeme::Word, "tag"),
                (Lexeme::Word, "高价值"),
                (Lexeme::Word, "when"),
                (Lexeme::Bracketed, "[Order Date]"),
                (Lexeme::Number, "2025-01-01"),
                (Lexeme::Word, "and"),
                (Lexeme::Word, "name"),
                (Lexeme::Text, "\"a\\\"🎉\""),
                (Lexeme::Comment, "# 注释"),
                (Lexeme::Word, "x"),
            ]
        );
        assert_eq!(trailing_word("metric a = freq"), "freq");
        assert_eq!(trailing_word("x = "), "");
        assert!(is_name("高价值") && !is_name("A+") && !is_name("when"));
    }
}
