//! Stage 1, syntax: rule files → [`Ast`]. The only module that uses pest.

pub mod ast;
mod depth;
mod expected;
mod parse;
mod split;

pub use ast::Ast;
/// The words of the language (for tools that generate rule text).
pub use parse::WORDS;

use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// Parses every file of a rule set. Statements that do not parse are left
/// out of the AST and reported; all others are kept, so later stages can
/// still check them.
pub fn parse(files: &SourceMap) -> (Ast, Vec<Diagnostic>) {
    parse::configure();
    let mut parsed = Parsed {
        ast: Ast {
            files: Vec::new(),
            unparsed_names: Vec::new(),
        },
        diagnostics: Vec::new(),
    };
    for (id, file) in files.iter() {
        parsed.diagnostics.extend(invalid_utf8(id, file));
        let statements = parse_file(id, &file.text, &mut parsed);
        parsed.ast.files.push(ast::FileAst {
            file: id,
            statements,
            comments: parse::comments(&file.text, id),
        });
    }
    (parsed.ast, parsed.diagnostics)
}

struct Parsed {
    ast: Ast,
    diagnostics: Vec<Diagnostic>,
}

/// How deeply an expression may nest. Deeper ones are almost certainly
/// generated or broken, and every later stage walks expressions recursively.
pub const MAX_DEPTH: usize = 256;

/// Files whose statements all nest at most this deep (by the scan) are
/// parsed on the stack seg runs on; any deeper one gets a stack of its own,
/// once for the whole file.
const SHALLOW: usize = 32;

/// The stack a deep file is parsed on (reserved, and used only as deeply as
/// its rules nest: at most [`MAX_DEPTH`] levels, as the scan ensures).
const PARSE_STACK: usize = 64 << 20;

fn parse_file(id: FileId, text: &str, parsed: &mut Parsed) -> Vec<ast::Statement> {
    let chunks: Vec<(split::Chunk, depth::Nesting)> = split::split(text)
        .into_iter()
        .map(|c| (c, depth::scan(&text[c.start..c.end], MAX_DEPTH)))
        .collect();
    let deep = chunks.iter().any(|(_, n)| n.deepest > SHALLOW);
    let mut work = || {
        chunks
            .iter()
            .filter_map(|&(chunk, nesting)| parse_chunk(id, text, chunk, nesting, parsed))
            .collect()
    };
    if deep {
        stacker::grow(PARSE_STACK, work)
    } else {
        work()
    }
}

/// One statement, or `None` (and its diagnostic) when it does not parse.
fn parse_chunk(
    id: FileId,
    file_text: &str,
    chunk: split::Chunk,
    nesting: depth::Nesting,
    parsed: &mut Parsed,
) -> Option<ast::Statement> {
    let text = &file_text[chunk.start..chunk.end];
    if chunk.stray_indent {
        let first_line_end = text.find('\n').unwrap_or(text.len());
        parsed.diagnostics.push(
            Diagnostic::new(Code::StrayIndent, tr!("stray-indent"))
                .at(
                    Span::new(id, chunk.start, chunk.start + first_line_end),
                    tr!("stray-indent.label"),
                )
                .help(tr!("stray-indent.help")),
        );
    }
    let result = match nesting.too_deep_at {
        // Refused before pest sees it: parsing it would recurse that deep.
        Some((start, end)) => Err(too_deep(
            format!("this rule nests more than {MAX_DEPTH} levels deep"),
            Span::new(id, chunk.start + start, chunk.start + end),
        )),
        None => parse::statement(text, id, chunk.start).and_then(within_depth),
    };
    match result {
        Ok(statement) => Some(statement),
        Err(d) => {
            parsed.diagnostics.push(d);
            parsed.ast.unparsed_names.extend(defined_name(text));
            None
        }
    }
}

/// A tree that nests too deeply after all (a long chain of `+` or `and`
/// is built without recursion, but nests once per operator).
fn within_depth(statement: ast::Statement) -> Result<ast::Statement, Diagnostic> {
    let depth = statement
        .kind
        .expressions()
        .iter()
        .map(|e| e.depth())
        .max()
        .unwrap_or(0);
    if depth > MAX_DEPTH {
        let span = statement.span;
        // Dropped without recursion: it is deeper than any stack allows for.
        statement.discard();
        return Err(too_deep(
            format!("this rule nests {depth} levels deep"),
            span,
        ));
    }
    Ok(statement)
}

fn too_deep(message: String, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::Syntax,
        tr!(
            "syntax",
            message = message.to_string(),
            MAX_DEPTH = MAX_DEPTH.to_string()
        ),
    )
    .at(span, tr!("syntax.label"))
    .help(tr!("syntax.help"))
}

fn invalid_utf8(id: FileId, file: &SourceFile) -> Option<Diagnostic> {
    let at = file.invalid_utf8_at?;
    let end = file.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    Some(
        Diagnostic::new(
            Code::InvalidText,
            tr!("invalid-text", name = file.name.to_string()),
        )
        .at(Span::new(id, at, end), tr!("invalid-text.label"))
        .help(tr!("invalid-text.help")),
    )
}

/// The name a statement that did not parse seems to define: `metric x ...`
/// defines `x`, `tier A when ...` defines `tier`.
fn defined_name(text: &str) -> Option<String> {
    let mut words = text.split(|c: char| c.is_whitespace() || c == '=' || c == '(');
    let first = words.next()?;
    let second = words.find(|w| !w.is_empty());
    let name = match first {
        "metric" | "score" | "param" | "tag" | "source" => second?,
        "as" | "tags" | "describe" | "example" | "expect" => return None,
        _ => first,
    };
    let name = name.trim_matches(['"', '\'']);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses on the test thread's small stack (2 MB): the point is that
    /// none of these needs a big one.
    fn messages(text: &str) -> Vec<String> {
        let (ast, diagnostics) = parse(&SourceMap::from_text("t.seg", text));
        assert!(ast.files[0].statements.is_empty());
        diagnostics.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn absurd_nesting_is_refused_before_parsing() {
        let refused = [format!("seg reads at most {MAX_DEPTH}")];
        let more = format!(
            "this rule nests more than {MAX_DEPTH} levels deep; {}",
            refused[0]
        );
        for text in [
            format!("tag t when {}x", "not ".repeat(200_000)),
            format!("metric m = {}1", "-".repeat(200_000)),
            format!("metric m = {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("tag t when {}x", "not x = ".repeat(100_000)),
            format!("metric m = f({}1)", "g(".repeat(MAX_DEPTH)),
        ] {
            assert_eq!(messages(&text), [more.clone()]);
        }
    }

    #[test]
    fn deep_trees_built_without_recursion_are_torn_down_without_it() {
        let chain = format!("metric m = {}1", "1 + ".repeat(200_000));
        assert_eq!(
            messages(&chain),
            [format!(
                "this rule nests 200001 levels deep; seg reads at most {MAX_DEPTH}"
            )]
        );
        // Fails at its very end, after the tree of all before is built.
        let failing = format!("{chain}{}", "0".repeat(400));
        assert_eq!(messages(&failing), ["this number is too large"]);
        let failing = format!("metric m = f({}1, 2025-02-30)", "1 + ".repeat(200_000));
        assert_eq!(
            messages(&failing),
            ["`2025-02-30` is not a date in the calendar"]
        );
    }

    #[test]
    fn broken_statements_still_name_what_they_define() {
        assert_eq!(
            defined_name("metric monetary = sum(orders.amount"),
            Some("monetary".into())
        );
        assert_eq!(defined_name("tier A when x >"), Some("tier".into()));
        assert_eq!(defined_name("tag \"vip\" when"), Some("vip".into()));
        assert_eq!(defined_name("as of 2025-13-01"), None);
    }
}
