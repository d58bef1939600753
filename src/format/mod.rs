//! `seg fmt`: rule files in one canonical layout (`docs/fmt.md`).
//!
//! The formatter works from the syntax tree and the file's text: the tree
//! says what each statement is (so which run of statements it lines up
//! with, and where its columns start), the text gives the tokens, which are
//! all kept, parentheses included, in their order. So formatting decides
//! whitespace and the spelling of strings and a few synonyms, and nothing
//! else. Before a formatted text is handed out it is parsed again: it must
//! give the same statements and the same comments, or the file is left
//! alone.

mod print;
mod shape;
mod tokens;

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::syntax::{self, ast::FileAst};

use print::{Body, Item};
use tokens::{Kind, Token};

/// Why a file is left as it is.
#[derive(Debug)]
pub enum Refusal {
    /// It does not parse (or is not UTF-8): the diagnostics say why.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not read back the same: a bug in seg,
    /// caught before it could change a rule.
    Unsafe(String),
}

/// Formats every file of a rule set, each on its own: its canonical text,
/// or why it is left alone.
pub fn format(files: &SourceMap) -> Vec<Result<String, Refusal>> {
    let (ast, diagnostics) = syntax::parse(files);
    ast.files
        .iter()
        .map(|file| {
            let errors: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.primary.as_ref().is_none_or(|l| l.span.file == file.file))
                .cloned()
                .collect();
            if !errors.is_empty() {
                return Err(Refusal::Syntax(errors));
            }
            format_file(&files.get(file.file).text, file)
        })
        .collect()
}

/// The canonical text of one file that parsed into `ast`.
fn format_file(text: &str, ast: &FileAst) -> Result<String, Refusal> {
    let unsafe_because = |why: &str| Refusal::Unsafe(why.to_string());
    let tokens = tokens::lex(text).ok_or_else(|| unsafe_because("it holds an unknown token"))?;
    let comments: Vec<usize> = tokens
        .iter()
        .filter(|t| t.kind == Kind::Comment)
        .map(|t| t.start)
        .collect();
    let parsed: Vec<usize> = ast.comments.iter().map(|c| c.span.start as usize).collect();
    if comments != parsed {
        return Err(unsafe_because(
            "its comments are not where the parser found them",
        ));
    }
    let items = items(tokens, ast).ok_or_else(|| unsafe_because("text outside any statement"))?;
    let formatted = print::print(&items);
    reads_back_the_same(ast, &formatted)?;
    Ok(formatted)
}

/// The statements and comment lines of a file, in order. `None` when some
/// code lies outside every statement (the parser would have said so).
fn items(tokens: Vec<Token>, ast: &FileAst) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    let mut first = true;
    let mut blank = |token: &Token| {
        let blank = token.newlines >= 2 && !first;
        first = false;
        blank
    };
    for statement in &ast.statements {
        let span = statement.span;
        while let Some(comment) = tokens.next_if(|t| t.end <= span.start as usize) {
            if comment.kind != Kind::Comment {
                return None;
            }
            items.push(Item {
                blank_before: blank(&comment),
                body: Body::Comment(comment),
            });
        }
        let mut own: Vec<Token> = Vec::new();
        while let Some(token) = tokens.next_if(|t| t.end <= span.end as usize) {
            own.push(token);
        }
        // A comment after the statement on its last line is its own.
        own.extend(tokens.next_if(|t| t.kind == Kind::Comment && t.newlines == 0));
        let blank_before = blank(own.first()?);
        let shape = shape::shape(statement);
        shape::apply(&shape.edits, &mut own);
        items.push(Item {
            blank_before,
            body: Body::Statement(own, shape),
        });
    }
    for comment in tokens {
        if comment.kind != Kind::Comment {
            return None;
        }
        items.push(Item {
            blank_before: blank(&comment),
            body: Body::Comment(comment),
        });
    }
    Some(items)
}

/// Parses the formatted text again: the statements must be the same (but
/// for their places) and the comments the same, in the same order.
fn reads_back_the_same(ast: &FileAst, formatted: &str) -> Result<(), Refusal> {
    let again = SourceMap::from_text("formatted", formatted);
    let (reparsed, diagnostics) = syntax::parse(&again);
    let unsafe_because = |why: &str| Err(Refusal::Unsafe(why.to_string()));
    if !diagnostics.is_empty() {
        return unsafe_because("the formatted text does not parse");
    }
    let reparsed = &reparsed.files[0];
    if shape_of(ast) != shape_of(reparsed) {
        return unsafe_because("the formatted text says something else");
    }
    let texts = |f: &FileAst| -> Vec<String> {
        f.comments
            .iter()
            .map(|c| c.text.trim_end().to_string())
            .collect()
    };
    if texts(ast) != texts(reparsed) {
        return unsafe_because("the formatted text has other comments");
    }
    Ok(())
}

/// A file's statements as trees without places (what they say), one line
/// each.
pub fn shape_of(file: &FileAst) -> String {
    let mut out = String::new();
    for statement in &file.statements {
        out.push_str(&without_spans(&format!("{statement:?}")));
        out.push('\n');
    }
    out
}

/// Debug text with every span (`span: 0:12-18`, as `Span` prints itself)
/// left out.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("span: ") {
        let after = at + "span: ".len();
        out.push_str(&rest[..after]);
        rest =
            rest[after..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == '-');
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> FileAst {
        let (ast, diagnostics) = syntax::parse(&SourceMap::from_text("t.seg", text));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        ast.files.into_iter().next().unwrap()
    }

    /// The net under the formatter: a text that says anything else is
    /// refused, however small the difference.
    #[test]
    fn a_text_that_reads_back_otherwise_is_refused() {
        let ast = parsed("tag t when (a or b) and c # why\n");
        let refused = |text: &str| match reads_back_the_same(&ast, text) {
            Err(Refusal::Unsafe(why)) => why,
            other => panic!("{text:?} was accepted: {other:?}"),
        };
        assert_eq!(
            refused("tag t when a or b and c # why\n"),
            "the formatted text says something else"
        );
        assert_eq!(
            refused("tag t when (a or b) and c # who\n"),
            "the formatted text has other comments"
        );
        assert_eq!(
            refused("tag t when (a or b) and\n"),
            "the formatted text does not parse"
        );
        assert!(reads_back_the_same(&ast, "tag t when (a or b)\n    and c  # why   \n").is_ok());
    }

    #[test]
    fn places_are_left_out_of_the_shape_and_nothing_else() {
        assert_eq!(
            without_spans("Name { text: \"a\", span: 0:12-18, quoted: false }"),
            "Name { text: \"a\", span: , quoted: false }"
        );
        assert_eq!(
            shape_of(&parsed("metric a = 1")),
            shape_of(&parsed("\n\nmetric   a=1"))
        );
        assert_ne!(
            shape_of(&parsed("metric a = 1")),
            shape_of(&parsed("metric a = 2"))
        );
    }
}
