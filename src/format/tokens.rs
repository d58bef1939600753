//! The tokens of a rule file that parsed, and the spacing between them.
//!
//! The formatter keeps every token the author wrote (parentheses included),
//! so it cannot change what a rule says; it only decides the whitespace
//! between tokens and spells strings and a few operators one way. Tokens
//! are cut by longest match, as the grammar reads them; the file has parsed
//! already, so anything a valid file cannot hold refuses the file instead.

/// What a token is, as far as spacing cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A name, keyword, number or date.
    Word,
    /// Text in quotes.
    Text,
    /// `=`, `!=`, `<`, `+`, `-` ...
    Op,
    Open,
    Close,
    Comma,
    Dot,
    /// `#` to the end of the line.
    Comment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// The text to print: strings in double quotes, `==` as `=`, `<>` as
    /// `!=`, comments without trailing whitespace.
    pub text: String,
    /// Byte offsets in the file.
    pub start: usize,
    pub end: usize,
    /// Line breaks between the previous token and this one.
    pub newlines: usize,
    /// Columns of whitespace between the previous token (or the line start)
    /// and this one.
    pub gap: usize,
}

/// Splits a file into tokens; `None` when it holds something no parsed
/// file can (which would be a bug, so the file is left alone).
pub fn lex(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let (mut newlines, mut gap) = (0, 0);
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        match c {
            '\n' => {
                newlines += 1;
                gap = 0;
                i += 1;
                continue;
            }
            ' ' | '\t' | '\r' => {
                gap += 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        let (kind, len) = token_at(&text[i..])?;
        let raw = &text[i..i + len];
        tokens.push(Token {
            kind,
            text: spelled(kind, raw)?,
            start: i,
            end: i + len,
            newlines,
            gap,
        });
        (newlines, gap) = (0, 0);
        i += len;
    }
    Some(tokens)
}

/// The kind and byte length of the token `rest` starts with.
fn token_at(rest: &str) -> Option<(Kind, usize)> {
    let bytes = rest.as_bytes();
    let two = |second: u8| bytes.get(1) == Some(&second);
    Some(match bytes[0] {
        b'#' => (Kind::Comment, rest.find(['\n', '\r']).unwrap_or(rest.len())),
        b'"' | b'\'' => (Kind::Text, string_len(bytes)?),
        b'(' => (Kind::Open, 1),
        b')' => (Kind::Close, 1),
        // The `:` after an example's name spaces like a comma.
        b',' | b':' => (Kind::Comma, 1),
        b'.' => (Kind::Dot, 1),
        // `[Order Date]`: one name, kept as written.
        b'[' => (Kind::Word, rest.find(']').filter(|&n| n > 1)? + 1),
        b'=' => (Kind::Op, if two(b'=') { 2 } else { 1 }),
        b'!' if two(b'=') => (Kind::Op, 2),
        b'<' => (Kind::Op, if two(b'=') || two(b'>') { 2 } else { 1 }),
        b'>' => (Kind::Op, if two(b'=') { 2 } else { 1 }),
        b'+' | b'-' | b'*' | b'/' => (Kind::Op, 1),
        b'0'..=b'9' => (Kind::Word, number_len(bytes)),
        b'!' => return None,
        _ => match rest.find(ends_word).unwrap_or(rest.len()) {
            0 => return None,
            len => (Kind::Word, len),
        },
    })
}

/// Whether a character ends a name or keyword. Anything else a parsed file
/// holds outside strings and comments belongs to one.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || "()[],:%.=!<>+-*/#\"'".contains(c)
}

/// A date (`2025-06-30`) or a number (`12`, `0.90`).
fn number_len(bytes: &[u8]) -> usize {
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let d = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let is_date = digits(0) == 4
        && bytes.get(4) == Some(&b'-')
        && digits(5) == 2
        && bytes.get(7) == Some(&b'-')
        && digits(8) == 2;
    if is_date {
        return 10;
    }
    let whole = digits(0);
    let number = if bytes.get(whole) == Some(&b'.') && d(whole + 1) {
        whole + 1 + digits(whole + 1)
    } else {
        whole
    };
    // A percentage (`15%`) is one token.
    number + usize::from(bytes.get(number) == Some(&b'%'))
}

/// The length of the string at the start of `bytes`, with its quotes, as
/// the grammar reads it: `\"`, `\'` and `\\` escape, and it ends on its line.
fn string_len(bytes: &[u8]) -> Option<usize> {
    let quote = bytes[0];
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' | b'\r' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// How a token is printed.
fn spelled(kind: Kind, raw: &str) -> Option<String> {
    Some(match (kind, raw) {
        (Kind::Text, _) => double_quoted(&unquote(raw)?),
        (Kind::Op, "==") => "=".to_string(),
        (Kind::Op, "<>") => "!=".to_string(),
        (Kind::Comment, _) => raw.trim_end().to_string(),
        _ => raw.to_string(),
    })
}

/// The text of a string token, escapes resolved (as the parser does).
fn unquote(raw: &str) -> Option<String> {
    let inner = raw.get(1..raw.len() - 1)?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// Text in double quotes, escaping what the grammar requires there.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Words after which an operand begins: a `-` after them is a sign, and a
/// `(` after them opens a group or a list, not a call.
const OPERAND_BEFORE: &[&str] = &[
    "and", "or", "not", "in", "between", "is", "within", "where", "when", "contains", "with",
    "matches",
];

/// Whether `token` is a minus sign (`-3`, `x * -y`) rather than a
/// subtraction, given the code token before it.
pub fn is_sign(previous: Option<&Token>, token: &Token) -> bool {
    token.kind == Kind::Op
        && token.text == "-"
        && previous.is_none_or(|p| {
            matches!(p.kind, Kind::Op | Kind::Open | Kind::Comma) || operand_before(p)
        })
}

fn operand_before(token: &Token) -> bool {
    token.kind == Kind::Word && OPERAND_BEFORE.contains(&token.text.as_str())
}

/// The whitespace between two code tokens on one line: one space, except
/// none inside parentheses, before a comma, around the `.` of
/// `orders.amount`, between a function and its `(`, and after a sign.
pub fn separator(previous: &Token, previous_is_sign: bool, next: &Token) -> &'static str {
    use Kind::*;
    let tight = match (previous.kind, next.kind) {
        (_, Comma | Close) | (Open, _) | (Dot, _) | (_, Dot) => true,
        (Word, Open) => !operand_before(previous),
        _ => previous_is_sign,
    };
    if tight { "" } else { " " }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        lex(text).unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn tokens_are_cut_as_the_grammar_reads_them() {
        assert_eq!(
            texts("metric m=sum(orders.amount where d>=2025-06-30)/0.90-1 # c  "),
            [
                "metric",
                "m",
                "=",
                "sum",
                "(",
                "orders",
                ".",
                "amount",
                "where",
                "d",
                ">=",
                "2025-06-30",
                ")",
                "/",
                "0.90",
                "-",
                "1",
                "# c"
            ]
        );
        assert_eq!(texts("a<>b==c<=d"), ["a", "!=", "b", "=", "c", "<=", "d"]);
    }

    #[test]
    fn strings_are_double_quoted_with_the_escapes_they_need() {
        assert_eq!(
            texts(r#"'it\'s' "a \"b\"" 'say "hi"' '\\'"#),
            [r#""it's""#, r#""a \"b\"""#, r#""say \"hi\"""#, r#""\\""#]
        );
        assert_eq!(
            texts("x = '#not a comment' # one"),
            ["x", "=", "\"#not a comment\"", "# one"]
        );
    }

    #[test]
    fn what_no_parsed_file_holds_is_refused() {
        assert_eq!(lex("tag t when a ! b"), None);
        assert_eq!(lex("tag t when a = \"open"), None);
        assert_eq!(lex("tag t when a [b"), None);
        assert_eq!(lex("tag t when a\u{3000}b"), None);
    }

    #[test]
    fn line_breaks_and_gaps_are_counted() {
        let tokens = lex("a  # c\n\n   b").unwrap();
        let layout: Vec<(usize, usize)> = tokens.iter().map(|t| (t.newlines, t.gap)).collect();
        assert_eq!(layout, [(0, 0), (0, 2), (2, 3)]);
    }
}
