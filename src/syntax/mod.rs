//! Stage 1, syntax: rule files → [`Ast`]. The only module that uses pest.

pub mod ast;
mod expected;
mod parse;
mod split;

pub use ast::Ast;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceMap, Span};

/// Parses every file of a rule set. Statements that do not parse are left
/// out of the AST and reported; all others are kept, so later stages can
/// still check them.
pub fn parse(files: &SourceMap) -> (Ast, Vec<Diagnostic>) {
    // Collects the literal tokens ("(", ",") tried at an error, which pest
    // does not list among the expected rules.
    pest::set_error_detail(true);

    let mut diagnostics = Vec::new();
    let mut ast = Ast {
        files: Vec::new(),
        unparsed_names: Vec::new(),
    };
    for (id, file) in files.iter() {
        if let Some(at) = file.invalid_utf8_at {
            let end = file.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidText,
                    format!("`{}` is not UTF-8 text", file.name),
                )
                .at(Span::new(id, at, end), "not UTF-8 from here")
                .help("save the file as UTF-8 in your editor"),
            );
        }
        let mut statements = Vec::new();
        for chunk in split::split(&file.text) {
            let text = &file.text[chunk.start..chunk.end];
            if chunk.stray_indent {
                let first_line_end = text.find('\n').unwrap_or(text.len());
                diagnostics.push(
                    Diagnostic::new(Code::StrayIndent, "this line is indented but no rule comes before it")
                        .at(Span::new(id, chunk.start, chunk.start + first_line_end), "indented")
                        .help("an indented line continues the rule above it; start rules at the beginning of the line"),
                );
            }
            // Parsing recurses as deeply as the rule nests: on a stack of its
            // own, an absurd rule is an error (below), never a crash.
            let parsed = stacker::grow(PARSE_STACK, || parse::statement(text, id, chunk.start));
            match parsed.and_then(within_depth) {
                Ok(statement) => statements.push(statement),
                Err(d) => {
                    diagnostics.push(d);
                    ast.unparsed_names.extend(defined_name(text));
                }
            }
        }
        ast.files.push(ast::FileAst {
            file: id,
            statements,
            comments: parse::comments(&file.text, id),
        });
    }
    (ast, diagnostics)
}

/// The stack one statement is parsed on (reserved, not used, unless a rule
/// nests deeply).
const PARSE_STACK: usize = 64 << 20;

/// How deeply an expression may nest. Deeper ones are almost certainly
/// generated or broken, and every later stage walks expressions recursively.
pub const MAX_DEPTH: usize = 256;

fn within_depth(statement: ast::Statement) -> Result<ast::Statement, Diagnostic> {
    let depth = statement
        .kind
        .expressions()
        .iter()
        .map(|e| e.depth())
        .max()
        .unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(Diagnostic::new(
            Code::Syntax,
            format!("this rule nests {depth} levels deep; seg reads at most {MAX_DEPTH}"),
        )
        .at(statement.span, "too deep")
        .help("split it into metrics that build on each other, or list values with `in (...)`"));
    }
    Ok(statement)
}

/// The name a statement that did not parse seems to define: `metric x ...`
/// defines `x`, `tier A when ...` defines `tier`.
fn defined_name(text: &str) -> Option<String> {
    let mut words = text.split(|c: char| c.is_whitespace() || c == '=' || c == '(');
    let first = words.next()?;
    let second = words.find(|w| !w.is_empty());
    let name = match first {
        "metric" | "score" | "param" | "tag" | "source" => second?,
        "as" | "tags" | "describe" => return None,
        _ => first,
    };
    let name = name.trim_matches(['"', '\'']);
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::defined_name;

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
