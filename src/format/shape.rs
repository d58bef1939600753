//! What the formatter needs to know of each kind of statement: which run of
//! statements it lines up with, where its columns start, and the few
//! spellings it normalises. One function per kind of statement.

use crate::syntax::ast::*;

use super::tokens::{Kind, Token};

/// How one statement is laid out.
pub struct Shape {
    /// Consecutive statements with the same key (with only comments and
    /// blank lines between them) are one run: their columns line up.
    pub run: String,
    /// A segmentation's rules are a section of their own, with a blank line
    /// before and after.
    pub own_section: bool,
    /// Where the columns after the first start (byte offsets in the file):
    /// each column but a line's last is padded to the widest in its run.
    pub columns: Vec<usize>,
    pub edits: Vec<Edit>,
}

/// A change of spelling that keeps the meaning.
pub enum Edit {
    /// The token at this offset is written this way (`color` → `colour`).
    Respell(usize, &'static str),
    /// Separate the item at this offset from the one before with a comma.
    CommaBefore(usize),
    /// No comma between the subject and the first item at this offset.
    NoCommaBefore(usize),
}

pub fn shape(statement: &Statement) -> Shape {
    match &statement.kind {
        StatementKind::Source(s) => source(s),
        StatementKind::AsOf(_) => plain("as of"),
        StatementKind::Param(p) => named("param", &p.name),
        StatementKind::Metric(m) => named("metric", &m.name),
        StatementKind::Score(s) => named("score", &s.name),
        StatementKind::TagsFrom(_) => plain("tags from"),
        StatementKind::Tag(t) => named("tag", &t.name),
        StatementKind::Describe(d) => describe(d),
        // Examples and expectations read as sentences of every length:
        // nothing to line up.
        StatementKind::Example(_) => plain("example"),
        StatementKind::Expect(_) => plain("expect"),
        StatementKind::Kmeans(k) => named("segmentation", &k.name),
        StatementKind::Rule(r) => rule(r),
    }
}

/// One column: nothing to line up.
fn plain(run: &str) -> Shape {
    Shape {
        run: run.to_string(),
        own_section: false,
        columns: Vec::new(),
        edits: Vec::new(),
    }
}

/// `metric <name> = ...`, `tag <name> when ...`: the name is a column, so
/// the `=` or `when` after it lines up.
fn named(run: &str, name: &Name) -> Shape {
    Shape {
        columns: vec![name.span.start as usize, name.span.end as usize],
        ..plain(run)
    }
}

/// `source <name> from <where> <the rest>`: the name and the `from` clause
/// are columns.
fn source(source: &SourceDecl) -> Shape {
    let mut columns = vec![source.name.span.start as usize];
    let mut options = source.options.iter();
    if let Some(first) = options.next() {
        columns.push(first.span.start as usize);
        let from = matches!(
            first.kind,
            SourceOptionKind::File(_) | SourceOptionKind::Table(_)
        );
        if let Some(second) = options.next().filter(|_| from) {
            columns.push(second.span.start as usize);
        }
    }
    Shape {
        columns,
        ..plain("source")
    }
}

/// `<segmentation> <label> when ...`: the label is a column. Each
/// segmentation's rules are a run of their own.
fn rule(rule: &SegmentRule) -> Shape {
    Shape {
        own_section: true,
        ..named(&format!("rule {}", rule.segmentation.text), &rule.label)
    }
}

/// `describe ... as "...", category ..., colour ...`: items separated by
/// commas, `color` spelled `colour`. Not lined up: descriptions are long
/// and of every length.
fn describe(describe: &Describe) -> Shape {
    let mut edits = Vec::new();
    for (i, item) in describe.items.iter().enumerate() {
        let at = item.span.start as usize;
        edits.push(if i == 0 {
            Edit::NoCommaBefore(at)
        } else {
            Edit::CommaBefore(at)
        });
        if let DescribeItemKind::Colour(_) = item.kind {
            edits.push(Edit::Respell(at, "colour"));
        }
    }
    Shape {
        edits,
        ..plain("describe")
    }
}

/// Applies a statement's edits to its tokens (comments among them).
pub fn apply(edits: &[Edit], tokens: &mut Vec<Token>) {
    for edit in edits {
        match *edit {
            Edit::Respell(at, text) => {
                if let Some(i) = written_at(tokens, at) {
                    tokens[i].text = text.to_string();
                }
            }
            Edit::CommaBefore(at) => {
                let Some(item) = written_at(tokens, at) else {
                    continue;
                };
                // After the code before the item, ahead of any comment.
                let Some(code) = tokens[..item].iter().rposition(|t| t.kind != Kind::Comment)
                else {
                    continue;
                };
                if tokens[code].kind != Kind::Comma {
                    let end = tokens[code].end;
                    tokens.insert(code + 1, comma(end));
                }
            }
            Edit::NoCommaBefore(at) => {
                let Some(item) = written_at(tokens, at) else {
                    continue;
                };
                let before = tokens[..item].iter().rposition(|t| t.kind != Kind::Comment);
                if let Some(comma) = before.filter(|&i| tokens[i].kind == Kind::Comma) {
                    let removed = tokens.remove(comma);
                    // A line break before the comma stays a line break.
                    let next = &mut tokens[comma];
                    next.newlines = next.newlines.max(removed.newlines);
                }
            }
        }
    }
}

/// The token the author wrote at `at` (not a comma added there).
fn written_at(tokens: &[Token], at: usize) -> Option<usize> {
    tokens.iter().position(|t| t.start == at && t.end > at)
}

fn comma(at: usize) -> Token {
    Token {
        kind: Kind::Comma,
        text: ",".to_string(),
        start: at,
        end: at,
        newlines: 0,
        gap: 0,
    }
}
