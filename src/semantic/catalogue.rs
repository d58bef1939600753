//! The tag catalogue: every segment label and tag, with the descriptions,
//! categories and colours of `describe` lines.

use crate::i18n::tr;
use std::collections::HashMap;

use super::Checker;
use super::DefKind;
use super::ir::{self, CatalogueEntry, EntryKind};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Describe, DescribeItemKind, Subject};

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

/// A hand-assigned tag the data may hold: what W006 needs, read at most once.
struct DataTags<'m> {
    manual: &'m [ir::ManualTags],
    /// `None` before the first look, then `Some(None)` when the data cannot
    /// be read.
    read: Option<Option<Vec<String>>>,
}

impl Checker<'_> {
    /// Catalogue entries for every label and tag, in definition order, with
    /// the descriptions of `describe` lines attached.
    pub(super) fn catalogue(
        &mut self,
        describes: &[(&Describe, Span)],
        manual: &[ir::ManualTags],
    ) -> Vec<CatalogueEntry> {
        let mut entries = self.rule_entries();
        let mut data_tags = DataTags { manual, read: None };
        let mut described: HashMap<usize, Span> = HashMap::new();
        for (describe, span) in describes {
            let Some(index) = self.described_entry(&describe.subject, &mut entries, &mut data_tags)
            else {
                continue;
            };
            if let Some(first) = described.insert(index, *span) {
                self.report(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        tr!(
                            "duplicate-definition",
                            name = entries[index].name.to_string()
                        ),
                    )
                    .at(*span, tr!("duplicate-definition.label"))
                    .also(first, tr!("duplicate-definition.also"))
                    .help(tr!("duplicate-definition.help")),
                );
                continue;
            }
            for item in &describe.items {
                self.describe_item(&mut entries[index], &item.kind);
            }
        }
        entries
    }

    /// One entry per segment label and per rule-made tag, undescribed.
    fn rule_entries(&self) -> Vec<CatalogueEntry> {
        let entry =
            |kind, segmentation: Option<&str>, name: &str, rule: String, at: Span| CatalogueEntry {
                kind,
                segmentation: segmentation.map(String::from),
                name: name.to_string(),
                category: None,
                description: None,
                colour: None,
                rule: Some(rule),
                defined_at: Some(self.place(at)),
            };
        let mut entries = Vec::new();
        for def in &self.defs {
            match &def.kind {
                DefKind::Segmentation(rules) => {
                    entries.extend(rules.iter().map(|rule| {
                        let condition = rule
                            .condition
                            .as_ref()
                            .map_or("otherwise".to_string(), |c| self.text(c.span));
                        let label = &rule.label;
                        entry(
                            EntryKind::Label,
                            Some(&def.name),
                            &label.text,
                            condition,
                            label.span,
                        )
                    }));
                }
                DefKind::Tag(tag) => entries.push(entry(
                    EntryKind::Tag,
                    None,
                    &def.name,
                    self.text(tag.condition.span),
                    def.span,
                )),
                _ => {}
            }
        }
        entries
    }

    /// The entry a `describe` line is about. A tag no rule makes is a
    /// hand-assigned one when there are `tags from` lines (and a new entry);
    /// anything else unknown is reported.
    fn described_entry(
        &mut self,
        subject: &Subject,
        entries: &mut Vec<CatalogueEntry>,
        data_tags: &mut DataTags,
    ) -> Option<usize> {
        let found = match subject {
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
        match (found, subject) {
            (Some(i), _) => Some(i),
            (None, Subject::Tag(tag)) if !data_tags.manual.is_empty() => {
                self.check_hand_assigned(tag, entries, data_tags);
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
                Some(entries.len() - 1)
            }
            (None, subject) => {
                self.unknown_subject(subject, entries);
                None
            }
        }
    }

    /// W006 when the data can be read and holds no such hand-assigned tag.
    fn check_hand_assigned(
        &mut self,
        tag: &crate::syntax::ast::Name,
        entries: &[CatalogueEntry],
        data_tags: &mut DataTags,
    ) {
        let in_data = data_tags
            .read
            .get_or_insert_with(|| self.tags_in_data(data_tags.manual));
        let Some(in_data) = in_data.as_ref() else {
            return;
        };
        if in_data.iter().any(|t| *t == tag.text) {
            return;
        }
        let in_data = in_data.clone();
        let rule_tags: Vec<&str> = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Tag)
            .map(|e| e.name.as_str())
            .collect();
        self.unknown_manual_tag(tag, &in_data, &rule_tags);
    }

    fn describe_item(&mut self, entry: &mut CatalogueEntry, item: &DescribeItemKind) {
        match item {
            DescribeItemKind::Description(text) => entry.description = Some(text.clone()),
            DescribeItemKind::Category(c) => {
                if !CATEGORIES.contains(&c.text.as_str())
                    && let Some(close) = did_you_mean(&c.text, CATEGORIES.iter().copied())
                {
                    self.report(
                        Diagnostic::new(
                            Code::UnknownCategory,
                            tr!("unknown-category", text = c.text.to_string()),
                        )
                        .at(
                            c.span,
                            tr!("unknown-category.label", close = close.to_string()),
                        )
                        .help(tr!("unknown-category.help")),
                    );
                }
                entry.category = Some(c.text.clone());
            }
            DescribeItemKind::Colour(c) if valid_colour(&c.text) => {
                entry.colour = Some(c.text.clone());
            }
            DescribeItemKind::Colour(c) => {
                let help = match did_you_mean(&c.text, COLOUR_NAMES.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? colours are written \"#e4572e\" or as a name"),
                    None => "write a colour as \"#e4572e\" or as one of red, orange, yellow, green, teal, blue, purple, pink, brown, grey, black, white".to_string(),
                };
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        tr!("invalid-value", text = c.text.to_string()),
                    )
                    .at(c.span, tr!("invalid-value.label"))
                    .help(help),
                );
            }
        }
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
            Diagnostic::new(
                Code::UnknownSubject,
                tr!("unknown-subject", name = name.to_string()),
            )
            .at(span, tr!("unknown-subject.label"))
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
