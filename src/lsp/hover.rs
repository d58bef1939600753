//! What a name under the cursor is: its definition as written and what the
//! checker knows of it, a column's type and source, and the explanation of
//! the diagnostics at that place. Markdown.

use super::catalog::ColumnCache;
use super::index::{Kind, Occurrence};
use super::workspace::RuleSet;
use crate::diagnostic::Code;
use crate::engine::history::LastEdges;
use crate::semantic::ir::NodeKind;
use crate::semantic::names;
use crate::source::{FileId, Span};
use crate::syntax::ast::{DescribeItemKind, StatementKind, Subject};

pub fn hover(
    set: &RuleSet,
    cache: &ColumnCache,
    file: FileId,
    offset: usize,
    edges: Option<&LastEdges>,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(o) = set.index.at(file, offset) {
        parts.push(describe(set, cache, o, edges));
    }
    parts.extend(explanations(set, file, offset));
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn describe(
    set: &RuleSet,
    cache: &ColumnCache,
    o: &Occurrence,
    edges: Option<&LastEdges>,
) -> Option<String> {
    if o.kind == Kind::Column {
        return column(set, cache, o);
    }
    let definition = set.index.definition(o)?;
    let mut out = format!("```seg\n{}\n```", statement_text(set, definition.defines?));
    match o.kind {
        Kind::Metric | Kind::Param => out.push_str(&type_line(set, &o.name)),
        Kind::Score => {
            out.push_str(&score_range(set, &o.name));
            out.push_str(&last_edges(edges, &o.name));
        }
        Kind::Segmentation => {
            let labels: Vec<String> = set
                .index
                .labels(&o.name)
                .iter()
                .map(|l| format!("`{}`", l.name))
                .collect();
            out.push_str(&format!("\n\nsegmentation; labels: {}", labels.join(", ")));
        }
        _ => {}
    }
    if matches!(o.kind, Kind::Tag | Kind::Label) {
        out.push_str(&catalogue(set, o));
    }
    Some(out)
}

/// The text of a statement, its first lines if it is long.
fn statement_text(set: &RuleSet, span: Span) -> String {
    let text = set.files.text(span).trim_end();
    let lines: Vec<&str> = text.lines().take(6).collect();
    lines.join("\n")
}

fn type_line(set: &RuleSet, name: &str) -> String {
    let program = set.program.as_ref();
    let node = program.and_then(|p| p.nodes.iter().find(|n| names::same(&n.name, name)));
    if let Some(NodeKind::Metric(e)) = node.map(|n| &n.kind) {
        return format!(
            "\n\nmetric of type **{}**{}",
            e.ty,
            if e.nullable { ", may be missing" } else { "" }
        );
    }
    let param = program.and_then(|p| p.params.iter().find(|p| names::same(&p.name, name)));
    match param {
        Some(p) => format!("\n\nparam of type **{}**", p.value.ty()),
        None => String::new(),
    }
}

/// `1 to 5, 5 the best`, from the checked score.
fn score_range(set: &RuleSet, name: &str) -> String {
    let node = set
        .program
        .as_ref()
        .and_then(|p| p.nodes.iter().find(|n| names::same(&n.name, name)));
    let Some(NodeKind::Score(score)) = node.map(|n| &n.kind) else {
        return String::new();
    };
    let (best, worst) = if score.higher_is_better {
        (score.buckets, 1)
    } else {
        (1, score.buckets)
    };
    format!(
        "\n\nscore from **1 to {}**: {best} the best, {worst} the worst{}",
        score.buckets,
        if score.subset.is_some() {
            "; missing outside its `where`"
        } else {
            ""
        }
    )
}

/// The score's bucket edges in the last run of `--db`, bucket by bucket.
fn last_edges(edges: Option<&LastEdges>, score: &str) -> String {
    let Some(last) = edges else {
        return String::new();
    };
    let buckets: Vec<String> = last
        .edges
        .iter()
        .filter(|e| names::same(&e.score, score))
        .map(|e| {
            let value = |v: Option<f64>| v.map_or("missing".to_string(), number);
            format!(
                "- {}: {} to {} ({} customer{})",
                e.bucket,
                value(e.low),
                value(e.high),
                e.customers,
                if e.customers == 1 { "" } else { "s" }
            )
        })
        .collect();
    if buckets.is_empty() {
        return String::new();
    }
    format!(
        "\n\nbuckets in run {} (as of {}):\n{}",
        last.run_id,
        last.as_of,
        buckets.join("\n")
    )
}

/// A number as a person reads it: whole numbers without decimals.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A tag's or label's description, category and colour (`describe`).
fn catalogue(set: &RuleSet, o: &Occurrence) -> String {
    let mut out = String::new();
    for statement in set.ast.files.iter().flat_map(|f| &f.statements) {
        let StatementKind::Describe(d) = &statement.kind else {
            continue;
        };
        let matches = match (&d.subject, o.kind) {
            (Subject::Tag(t), Kind::Tag) => names::same(&t.text, &o.name),
            (
                Subject::Label {
                    segmentation,
                    label,
                },
                Kind::Label,
            ) => {
                names::same(&label.text, &o.name)
                    && o.owner
                        .as_deref()
                        .is_some_and(|s| names::same(s, &segmentation.text))
            }
            _ => false,
        };
        if !matches {
            continue;
        }
        for item in &d.items {
            out.push_str(&match &item.kind {
                DescribeItemKind::Description(text) => format!("\n\n{text}"),
                DescribeItemKind::Category(c) => format!("\n\ncategory: `{}`", c.text),
                DescribeItemKind::Colour(c) => format!("\n\ncolour: `{}`", c.text),
            });
        }
    }
    out
}

fn column(set: &RuleSet, cache: &ColumnCache, o: &Occurrence) -> Option<String> {
    let source = o.owner.as_deref()?;
    let location = set.source_location(source)?;
    let columns = cache.known(&location);
    let found = columns
        .iter()
        .flatten()
        .find(|c| names::same(&c.name, &o.name));
    Some(match found {
        Some(c) => format!(
            "column `{}` of `{source}` ({}): **{}**",
            c.name,
            location.describe(),
            c.sql_type
        ),
        None => format!(
            "column `{}` of `{source}` ({})",
            o.name,
            location.describe()
        ),
    })
}

/// The explanation of every diagnostic whose place covers the offset.
fn explanations(set: &RuleSet, file: FileId, offset: usize) -> Vec<Option<String>> {
    let mut codes: Vec<Code> = set
        .diagnostics
        .iter()
        .filter_map(|d| d.primary.as_ref().map(|l| (d.code, l.span)))
        .filter(|(_, s)| {
            s.file == file && s.range().contains(&offset)
                || s.file == file && s.end as usize == offset
        })
        .map(|(c, _)| c)
        .collect();
    codes.dedup();
    codes
        .into_iter()
        .map(|c| Some(crate::diagnostic::explain(c)))
        .collect()
}
