//! What may be typed at the cursor, from the line before it and the rule
//! set's names. A place it does not recognise offers nothing.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, InsertTextFormat, TextEdit,
};

use super::catalog::ColumnCache;
use super::index::Kind;
use super::position;
use super::words;
use super::workspace::RuleSet;
use crate::semantic::FUNCTIONS;
use crate::semantic::ir::NodeKind;
use crate::semantic::names;
use crate::source::FileId;

/// The first words of a line, and what they start.
const LINE_FORMS: &[(&str, &str, &str)] = &[
    (
        "source",
        "source ${1:name} from \"${2:file.csv}\" ${3|key,by|} ${4:column}",
        "a source of rows: customers (key) or facts (by)",
    ),
    (
        "as of",
        "as of ${1:2025-06-30}",
        "the date the rules are evaluated at",
    ),
    (
        "param",
        "param ${1:name} = ${2:0}",
        "a value the command line can override",
    ),
    (
        "metric",
        "metric ${1:name} = ${2:expression}",
        "a value per customer",
    ),
    (
        "score",
        "score ${1:name} = quintile(${2:metric})",
        "a rank of customers in buckets",
    ),
    (
        "tags from",
        "tags from ${1:source}.${2:column}",
        "hand-assigned tags from a source",
    ),
    (
        "tag",
        "tag ${1:name} when ${2:condition}",
        "a tag a customer carries when the condition holds",
    ),
    (
        "describe",
        "describe ${1:tag name} as \"${2:description}\"",
        "a description, category and colour",
    ),
    (
        "example",
        "example \"${1:name}\": ${2:metric} ${3:value} expects ${4:outcome}",
        "an imaginary customer and what it should get",
    ),
    (
        "expect",
        "expect ${1:tag name} between ${2:5}% and ${3:15}%",
        "a property of every run's table",
    ),
];

/// The aggregates, offered first after `metric name =`.
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "count_distinct",
    "mode",
    "first",
    "last",
];

pub fn complete(
    set: &RuleSet,
    cache: &ColumnCache,
    file: FileId,
    offset: usize,
) -> Vec<CompletionItem> {
    let text = &set.files.get(file).text;
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let typed = words::trailing_word(before);
    let head = &before[..before.len() - typed.len()];
    let replace = position::range(text, offset - typed.len()..offset);
    let edit = |insert: &str| CompletionTextEdit::Edit(TextEdit::new(replace, insert.to_string()));
    if head.is_empty() {
        return line_starts(set, &edit);
    }
    if let Some(source) = head
        .strip_suffix('.')
        .map(words::trailing_word)
        .filter(|s| !s.is_empty())
    {
        return columns(set, cache, source, &edit);
    }
    let statement = statement_head(text, line_start);
    // A rule's first word is its segmentation: any word that starts no
    // other statement.
    let expression = matches!(statement.as_str(), "metric" | "score" | "tag" | "expect")
        || (!statement.is_empty() && !words::is_statement_keyword(&statement));
    if !expression || !after_expression_start(text, line_start, head) {
        return Vec::new();
    }
    if let Some(segmentation) = compared_segmentation(set, head) {
        return labels(set, &segmentation, head.ends_with('"'), &edit);
    }
    let mut items = Vec::new();
    let aggregates_first =
        statement == "metric" && head.trim_end().ends_with('=') && head.matches('=').count() == 1;
    if aggregates_first {
        items.extend(
            AGGREGATES
                .iter()
                .map(|f| function(f, "aggregate", "0", &edit)),
        );
    }
    items.extend(names(set, cache, &edit));
    let others = FUNCTIONS
        .iter()
        .filter(|f| !(aggregates_first && AGGREGATES.contains(f)));
    items.extend(others.map(|f| function(f, "function", "4", &edit)));
    items
}

/// Keywords of line forms, and the segmentations (a new rule of one).
fn line_starts(set: &RuleSet, edit: &dyn Fn(&str) -> CompletionTextEdit) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = LINE_FORMS
        .iter()
        .map(|(word, snippet, doc)| CompletionItem {
            label: word.to_string(),
            kind: Some(CompletionItemKind::KEYWORD),
            detail: Some(doc.to_string()),
            text_edit: Some(edit(snippet)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            sort_text: Some(format!("0{word}")),
            ..Default::default()
        })
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for d in set
        .index
        .definitions()
        .filter(|d| d.kind == Kind::Segmentation)
    {
        if seen.iter().any(|s| names::same(s, &d.name)) {
            continue;
        }
        seen.push(&d.name);
        items.push(CompletionItem {
            label: d.name.clone(),
            kind: Some(CompletionItemKind::ENUM),
            detail: Some("segmentation: another rule".to_string()),
            text_edit: Some(edit(&format!(
                "{} ${{1:label}} when ${{2:condition}}",
                d.name
            ))),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            sort_text: Some(format!("1{}", d.name)),
            ..Default::default()
        });
    }
    items
}

/// The first word of the statement the line belongs to (the first line
/// above that is not indented).
fn statement_head(text: &str, line_start: usize) -> String {
    let mut start = line_start;
    loop {
        let line = &text[start..];
        if !line.starts_with([' ', '\t']) || start == 0 {
            return words::leading_word(line).to_string();
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
}

/// Whether the cursor is past where the statement's expression starts
/// (`=`, `when` or `where`), so not on the name being defined.
fn after_expression_start(text: &str, line_start: usize, head: &str) -> bool {
    let on_continuation = head.starts_with([' ', '\t'])
        && line_start > 0
        && !text[..line_start].trim_end().is_empty();
    on_continuation
        || head.contains('=')
        || head.contains(" when ")
        || head.contains(" where ")
        || head.trim_start().starts_with("expect ")
}

/// `tier = `, `tier != "`, `tier in ("A", `: the segmentation whose labels
/// fit here.
fn compared_segmentation(set: &RuleSet, head: &str) -> Option<String> {
    let head = head.strip_suffix('"').unwrap_or(head).trim_end();
    let head = if let Some(open) = head.rfind(" in (").filter(|&i| !head[i..].contains(')')) {
        &head[..open]
    } else {
        head.strip_suffix("!=").or_else(|| head.strip_suffix('='))?
    };
    let name = words::trailing_word(head.trim_end());
    set.index
        .lookup(name)
        .filter(|d| d.kind == Kind::Segmentation)
        .map(|d| d.name.clone())
}

fn labels(
    set: &RuleSet,
    segmentation: &str,
    in_quotes: bool,
    edit: &dyn Fn(&str) -> CompletionTextEdit,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (i, label) in set.index.labels(segmentation).into_iter().enumerate() {
        let insert = if in_quotes {
            label.name.clone()
        } else {
            format!("\"{}\"", label.name)
        };
        items.push(CompletionItem {
            label: label.name.clone(),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: Some(format!("label of {segmentation}")),
            sort_text: Some(format!("{i:04}")),
            text_edit: Some(edit(&insert)),
            ..Default::default()
        });
    }
    items
}

/// Metrics, scores, params, tags, segmentations, the customer columns and
/// the sources, each with its type where the last clean check knew it.
fn names(
    set: &RuleSet,
    cache: &ColumnCache,
    edit: &dyn Fn(&str) -> CompletionTextEdit,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let mut seen: Vec<(Kind, String)> = Vec::new();
    for d in set.index.definitions() {
        if d.kind == Kind::Label
            || seen
                .iter()
                .any(|(k, n)| *k == d.kind && names::same(n, &d.name))
        {
            continue;
        }
        seen.push((d.kind, d.name.clone()));
        let kind = match d.kind {
            Kind::Metric => CompletionItemKind::VARIABLE,
            Kind::Score => CompletionItemKind::VALUE,
            Kind::Param => CompletionItemKind::CONSTANT,
            Kind::Tag => CompletionItemKind::ENUM_MEMBER,
            Kind::Segmentation => CompletionItemKind::ENUM,
            Kind::Source => CompletionItemKind::MODULE,
            _ => continue,
        };
        items.push(CompletionItem {
            label: d.name.clone(),
            kind: Some(kind),
            detail: Some(detail(set, d.kind, &d.name)),
            text_edit: Some(edit(&d.name)),
            sort_text: Some(format!("2{}", d.name)),
            ..Default::default()
        });
    }
    if let Some(customers) = &set.index.customer_source {
        items.extend(columns(set, cache, customers, edit));
    }
    items
}

fn detail(set: &RuleSet, kind: Kind, name: &str) -> String {
    let node = set
        .program
        .as_ref()
        .and_then(|p| p.nodes.iter().find(|n| names::same(&n.name, name)));
    let ty = node.and_then(|n| match &n.kind {
        NodeKind::Metric(e) => Some(e.ty.to_string()),
        _ => None,
    });
    match (kind, ty) {
        (Kind::Metric, Some(ty)) => format!("metric: {ty}"),
        (Kind::Source, _) => "source: type `.` for its columns".to_string(),
        _ => kind.word().to_string(),
    }
}

/// The columns of a source, as last described.
fn columns(
    set: &RuleSet,
    cache: &ColumnCache,
    source: &str,
    edit: &dyn Fn(&str) -> CompletionTextEdit,
) -> Vec<CompletionItem> {
    let Some(columns) = set.source_location(source).and_then(|l| cache.known(&l)) else {
        return Vec::new();
    };
    columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let insert = if words::is_name(&c.name) {
                c.name.clone()
            } else {
                format!("[{}]", c.name)
            };
            CompletionItem {
                label: c.name.clone(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(format!("{}: {}", source, c.sql_type)),
                text_edit: Some(edit(&insert)),
                // In the source's order, after the rule set's names.
                sort_text: Some(format!("3{i:04}")),
                ..Default::default()
            }
        })
        .collect()
}

/// A function; `rank` sorts it among the other items.
fn function(
    name: &str,
    what: &str,
    rank: &str,
    edit: &dyn Fn(&str) -> CompletionTextEdit,
) -> CompletionItem {
    CompletionItem {
        label: name.to_string(),
        kind: Some(CompletionItemKind::FUNCTION),
        detail: Some(what.to_string()),
        text_edit: Some(edit(&format!("{name}($0)"))),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        sort_text: Some(format!("{rank}{name}")),
        ..Default::default()
    }
}
