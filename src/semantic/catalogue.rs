//! The tag catalogue (labels and tags with their descriptions), hand-assigned
//! tag sources, the last whole-program checks, and assembling the program.

use std::collections::HashMap;

use super::declare::Declarations;
use super::ir::{self, CatalogueEntry, EntryKind};
use super::order::renumber_node;
use super::{Checker, DefKind, Entry, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Describe, DescribeItemKind, Subject, TagsFrom};

/// Categories most rule sets use; a category close to one of these but not
/// equal is probably a typo (W005).
const CATEGORIES: &[&str] = &[
    "behaviour",
    "behavior",
    "interest",
    "activity",
    "intent",
    "satisfaction",
    "value",
    "lifecycle",
    "risk",
];

const COLOUR_NAMES: &[&str] = &[
    "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "brown", "grey", "gray",
    "black", "white",
];

impl<'a> Checker<'a> {
    /// The last whole-program checks, then the program itself when the
    /// rules hold together.
    pub(super) fn finish(&mut self, declarations: &Declarations<'a>) -> Option<ir::Program> {
        self.check_hidden_columns();
        let order = self.order();
        let manual_tags = self.manual_tags(&declarations.tags_from);
        let catalogue = self.catalogue(&declarations.describes, !manual_tags.is_empty());
        self.check_output_names();

        let customers = self.customers?;
        if self.defs.iter().any(|d| d.resolved.is_none()) {
            return None;
        }
        let mut position = vec![0; self.defs.len()];
        for (i, &d) in order.iter().enumerate() {
            position[d] = i;
        }
        let nodes = order
            .iter()
            .map(|&d| {
                let def = &self.defs[d];
                let mut kind = def.resolved.clone().expect("checked above");
                renumber_node(&mut kind, &position);
                ir::Node {
                    name: def.name.clone(),
                    kind,
                    declared: d,
                }
            })
            .collect();

        // Fact sources are numbered without the customer source.
        let fact_index: HashMap<usize, usize> = (0..self.sources.len())
            .filter(|&s| s != customers)
            .enumerate()
            .map(|(f, s)| (s, f))
            .collect();
        let to_source = |s: &super::SourceInfo| ir::Source {
            name: s.name.clone(),
            location: s.location.clone(),
            key: s.key.clone().or(s.by.clone()).unwrap_or_default(),
            at: s.at.clone(),
            zoned: s.zoned.clone(),
            header_only: s.header_only.clone(),
        };
        let facts = (0..self.sources.len())
            .filter(|&s| s != customers)
            .map(|s| to_source(&self.sources[s]))
            .collect();
        let aggregates = self
            .aggregates
            .iter()
            .map(|a| ir::Aggregate {
                source: fact_index[&a.source],
                ..a.clone()
            })
            .collect();
        let manual_tags = manual_tags
            .into_iter()
            .map(|m| ir::ManualTags {
                source: fact_index[&m.source],
                column: m.column,
            })
            .collect();

        Some(ir::Program {
            as_of: self.as_of,
            as_of_origin: self.as_of_origin,
            customers: to_source(&self.sources[customers]),
            customer_columns: self.customer_columns.clone(),
            facts,
            aggregates,
            nodes,
            params: self
                .params
                .iter()
                .map(|p| ir::Param {
                    name: p.name.clone(),
                    value: p.value.clone(),
                    overridden: p.overridden,
                })
                .collect(),
            manual_tags,
            catalogue,
            rules_hash: super::rules_hash(self.files),
        })
    }

    /// W004: a definition that takes a customer column's name.
    fn check_hidden_columns(&mut self) {
        let Some(c) = self.customers else { return };
        let source = &self.sources[c];
        let mut found = Vec::new();
        for def in &self.defs {
            if matches!(def.kind, DefKind::Dataset) {
                continue;
            }
            if let Some(column) = source
                .column_names()
                .into_iter()
                .find(|col| col.eq_ignore_ascii_case(&def.name))
            {
                found.push(
                    Diagnostic::new(
                        Code::HiddenColumn,
                        format!("`{}` hides the customer column `{column}`", def.name),
                    )
                    .at(
                        def.span,
                        format!("the bare name `{}` now means this", def.name),
                    )
                    .help(format!(
                        "reach the column as `{}.{column}`, or rename this definition",
                        source.name
                    )),
                );
            }
        }
        self.diagnostics.extend(found);
    }

    /// E309: output columns must differ (DuckDB compares names without case).
    fn check_output_names(&mut self) {
        let key = self
            .customers
            .and_then(|c| self.sources[c].key.clone())
            .unwrap_or_default();
        let mut seen: HashMap<String, (String, Span)> = HashMap::new();
        let mut found = Vec::new();
        for def in &self.defs {
            if matches!(def.kind, DefKind::Dataset) {
                continue;
            }
            let folded = def.name.to_lowercase();
            if folded == key.to_lowercase() || folded == "tags" {
                let what = if folded == "tags" {
                    "the tag list column `tags`".to_string()
                } else {
                    format!("the customer key `{key}`")
                };
                found.push(
                    Diagnostic::new(
                        Code::OutputNameClash,
                        format!("`{}` has the name of {what}", def.name),
                    )
                    .at(def.span, "clashes in the output table")
                    .help("rename this definition"),
                );
            } else if let Some((other, span)) = seen.get(&folded) {
                if *other != def.name {
                    found.push(
                        Diagnostic::new(
                            Code::OutputNameClash,
                            format!(
                                "`{}` and `{other}` differ only in upper and lower case",
                                def.name
                            ),
                        )
                        .at(def.span, "this name")
                        .also(*span, "and this one")
                        .help("output columns are compared without case; rename one of them"),
                    );
                }
            } else {
                seen.insert(folded, (def.name.clone(), def.span));
            }
        }
        // Sources name relations in the SQL, where case does not count either.
        for (i, source) in self.sources.iter().enumerate() {
            if let Some(first) = self.sources[..i]
                .iter()
                .find(|s| s.name.to_lowercase() == source.name.to_lowercase())
            {
                found.push(
                    Diagnostic::new(
                        Code::OutputNameClash,
                        format!(
                            "sources `{}` and `{}` differ only in upper and lower case",
                            source.name, first.name
                        ),
                    )
                    .at(source.span, "this source")
                    .also(first.span, "and this one")
                    .help("SQL compares names without case; rename one of them"),
                );
            }
        }
        self.diagnostics.extend(found);
    }

    fn manual_tags(&mut self, tags_from: &[(&TagsFrom, Span)]) -> Vec<ir::ManualTags> {
        let mut out = Vec::new();
        for (t, _) in tags_from {
            let source = match self.names.get(&t.source.text).copied() {
                Some(Entry::Source(s)) if Some(s) != self.customers => s,
                Some(Entry::Source(_)) => {
                    self.report(
                        Diagnostic::new(Code::Misplaced, "hand-assigned tags come from a fact source")
                            .at(t.source.span, "the customer source")
                            .help("declare the tag table with `by <customer column>`: source crm_tags from \"crm_tags.csv\" by customer_id"),
                    );
                    continue;
                }
                _ => {
                    self.unknown_tag_source(t);
                    continue;
                }
            };
            let info = &self.sources[source];
            match (info.columns.is_some(), info.column(&t.column.text)) {
                (true, None) => {
                    let d = info.unknown_column(&t.column);
                    self.report(d);
                    continue;
                }
                (_, Some(Type::Unsupported)) => {
                    self.report(
                        Diagnostic::new(Code::WrongArgument, "tag names must be text")
                            .at(t.column.span, "not text")
                            .help("the column should hold one tag name per row"),
                    );
                    continue;
                }
                _ => {}
            }
            out.push(ir::ManualTags {
                source,
                column: t.column.text.clone(),
            });
        }
        out
    }

    fn unknown_tag_source(&mut self, t: &TagsFrom) {
        let facts: Vec<String> = self.sources.iter().map(|s| s.name.clone()).collect();
        let help = match did_you_mean(&t.source.text, facts.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "declare it: source crm_tags from \"crm_tags.csv\" by customer_id".to_string(),
        };
        self.report(
            Diagnostic::new(
                Code::UnknownSource,
                format!("there is no source `{}`", t.source.text),
            )
            .at(t.source.span, "unknown source")
            .help(help),
        );
    }

    /// Catalogue entries for every label and tag, in definition order, with
    /// the descriptions of `describe` lines attached.
    fn catalogue(
        &mut self,
        describes: &[(&Describe, Span)],
        has_manual_tags: bool,
    ) -> Vec<CatalogueEntry> {
        let mut entries = Vec::new();
        for def in &self.defs {
            match &def.kind {
                DefKind::Segmentation(rules) => {
                    for rule in rules {
                        entries.push(CatalogueEntry {
                            kind: EntryKind::Label,
                            segmentation: Some(def.name.clone()),
                            name: rule.label.text.clone(),
                            category: None,
                            description: None,
                            colour: None,
                            rule: Some(
                                rule.condition
                                    .as_ref()
                                    .map_or("otherwise".to_string(), |c| self.text(c.span)),
                            ),
                            defined_at: Some(self.place(rule.label.span)),
                        });
                    }
                }
                DefKind::Tag(tag) => entries.push(CatalogueEntry {
                    kind: EntryKind::Tag,
                    segmentation: None,
                    name: def.name.clone(),
                    category: None,
                    description: None,
                    colour: None,
                    rule: Some(self.text(tag.condition.span)),
                    defined_at: Some(self.place(def.span)),
                }),
                _ => {}
            }
        }

        let mut described: HashMap<usize, Span> = HashMap::new();
        for (describe, span) in describes {
            let found = match &describe.subject {
                Subject::Tag(tag) => entries
                    .iter()
                    .position(|e| e.kind != EntryKind::Label && e.name == tag.text),
                Subject::Label {
                    segmentation,
                    label,
                } => entries.iter().position(|e| {
                    e.kind == EntryKind::Label
                        && e.segmentation.as_deref() == Some(segmentation.text.as_str())
                        && e.name == label.text
                }),
            };
            let index = match (found, &describe.subject) {
                (Some(i), _) => i,
                (None, Subject::Tag(tag)) if has_manual_tags => {
                    // A hand-assigned tag: it exists in the data, not the rules.
                    entries.push(CatalogueEntry {
                        kind: EntryKind::ManualTag,
                        segmentation: None,
                        name: tag.text.clone(),
                        category: None,
                        description: None,
                        colour: None,
                        rule: None,
                        defined_at: None,
                    });
                    entries.len() - 1
                }
                (None, subject) => {
                    self.unknown_subject(subject, &entries);
                    continue;
                }
            };
            if let Some(first) = described.insert(index, *span) {
                self.report(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("`{}` is described twice", entries[index].name),
                    )
                    .at(*span, "described again")
                    .also(first, "first described here")
                    .help("put everything about it in one `describe` line"),
                );
                continue;
            }
            for item in &describe.items {
                match &item.kind {
                    DescribeItemKind::Description(text) => {
                        entries[index].description = Some(text.clone())
                    }
                    DescribeItemKind::Category(c) => {
                        if !CATEGORIES.contains(&c.text.as_str())
                            && let Some(close) = did_you_mean(&c.text, CATEGORIES.iter().copied())
                        {
                            self.report(
                                Diagnostic::new(Code::UnknownCategory, format!("`{}` is not a standard category", c.text))
                                    .at(c.span, format!("did you mean `{close}`?"))
                                    .help("categories are free text, but this one looks like a misspelt standard one"),
                            );
                        }
                        entries[index].category = Some(c.text.clone());
                    }
                    DescribeItemKind::Colour(c) => {
                        if valid_colour(&c.text) {
                            entries[index].colour = Some(c.text.clone());
                        } else {
                            let help = match did_you_mean(&c.text, COLOUR_NAMES.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`? colours are written \"#e4572e\" or as a name"),
                                None => "write a colour as \"#e4572e\" or as one of red, orange, yellow, green, teal, blue, purple, pink, brown, grey, black, white".to_string(),
                            };
                            self.report(
                                Diagnostic::new(
                                    Code::InvalidValue,
                                    format!("`{}` is not a colour", c.text),
                                )
                                .at(c.span, "not a colour")
                                .help(help),
                            );
                        }
                    }
                }
            }
        }
        entries
    }

    fn unknown_subject(&mut self, subject: &Subject, entries: &[CatalogueEntry]) {
        let (name, span, candidates): (String, Span, Vec<&str>) = match subject {
            Subject::Tag(tag) => (
                tag.text.clone(),
                tag.span,
                entries
                    .iter()
                    .filter(|e| e.kind == EntryKind::Tag)
                    .map(|e| e.name.as_str())
                    .collect(),
            ),
            Subject::Label {
                segmentation,
                label,
            } => (
                format!("{} {}", segmentation.text, label.text),
                segmentation.span.to(label.span),
                entries
                    .iter()
                    .filter(|e| {
                        e.kind == EntryKind::Label
                            && e.segmentation.as_deref() == Some(segmentation.text.as_str())
                    })
                    .map(|e| e.name.as_str())
                    .collect(),
            ),
        };
        let last_word = name.rsplit(' ').next().unwrap_or(&name);
        let help = match did_you_mean(last_word, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if candidates.is_empty() => {
                "describe a tag or label that a rule defines".to_string()
            }
            None => format!(
                "known here: {}",
                crate::diagnostic::list_names(&candidates, 10)
            ),
        };
        self.report(
            Diagnostic::new(Code::UnknownSubject, format!("no rule defines `{name}`"))
                .at(span, "nothing to describe")
                .help(help),
        );
    }
}

fn valid_colour(c: &str) -> bool {
    match c.strip_prefix('#') {
        Some(hex) => {
            (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => COLOUR_NAMES.contains(&c),
    }
}
