//! Hand-assigned tags: `tags from crm_tags.tag` reads (customer, tag) rows
//! from a fact source, and `describe tag x` may describe one of them.

use super::ir;
use super::{Checker, Entry, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, list_names};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{Name, TagsFrom};

/// More distinct hand-assigned tags than this are not read for W006: the
/// column is then probably not a tag column, and the check would be slow.
const MAX_TAGS: usize = 10_000;

impl Checker<'_> {
    /// The `tags from` lines that name a fact source and a text column.
    pub(super) fn manual_tags(&mut self, tags_from: &[(&TagsFrom, Span)]) -> Vec<ir::ManualTags> {
        tags_from
            .iter()
            .filter_map(|(t, _)| self.manual_tag_source(t))
            .collect()
    }

    fn manual_tag_source(&mut self, t: &TagsFrom) -> Option<ir::ManualTags> {
        let source = match self.names.get(&t.source.text).copied() {
            Some(Entry::Source(s)) if self.lookups.contains(&s) => {
                self.lookup_aggregated(s, t.source.span);
                return None;
            }
            Some(Entry::Source(s)) if Some(s) != self.customers => s,
            Some(Entry::Source(_)) => {
                self.report(
                    Diagnostic::new(Code::Misplaced, tr!("misplaced-5"))
                        .at(t.source.span, tr!("misplaced-5.label"))
                        .help(tr!("misplaced-5.help")),
                );
                return None;
            }
            _ => {
                self.unknown_tag_source(t);
                return None;
            }
        };
        let info = &self.sources[source];
        match (info.columns.is_some(), info.column(&t.column.text)) {
            (true, None) => {
                let d = info.unknown_column(&t.column);
                self.report(d);
                return None;
            }
            (_, Some(Type::Unsupported)) => {
                self.report(
                    Diagnostic::new(Code::WrongArgument, tr!("wrong-argument-9"))
                        .at(t.column.span, tr!("wrong-argument-9.label"))
                        .help(tr!("wrong-argument-9.help")),
                );
                return None;
            }
            _ => {}
        }
        Some(ir::ManualTags {
            source,
            column: t.column.text.clone(),
        })
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
                tr!("unknown-source", text = t.source.text.to_string()),
            )
            .at(t.source.span, tr!("unknown-source.label"))
            .help(help),
        );
    }

    /// Every hand-assigned tag in the data, trimmed as a run trims them, or
    /// `None` when some tag source cannot be read.
    pub(super) fn tags_in_data(&self, manual: &[ir::ManualTags]) -> Option<Vec<String>> {
        let mut tags = Vec::new();
        for m in manual {
            let location = &self.sources[m.source].location;
            let values = self
                .catalog
                .distinct_values(location, &m.column, MAX_TAGS + 1)
                .ok()?;
            if values.len() > MAX_TAGS {
                return None;
            }
            // Trimmed and without empty ones, as a run reads them.
            tags.extend(
                values
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .map(String::from),
            );
        }
        tags.sort();
        tags.dedup();
        Some(tags)
    }

    /// A name no definition, param or customer column has, as a
    /// hand-assigned tag (`tag vip_unhappy when key_account and unhappy`):
    /// one the tag data holds, or, when the data cannot be read, any name
    /// (W009 says so). `None` without `tags from`, or when the data holds
    /// no such tag.
    pub(super) fn hand_tag(&mut self, n: &Name) -> Option<ir::Expr> {
        if self.manual.is_empty() {
            return None;
        }
        let manual = self.manual.clone();
        let in_data = self.hand_tags.get_or_init(|| self.tags_in_data(&manual));
        match in_data {
            Some(tags) if tags.contains(&n.text) => {}
            Some(_) => return None,
            None => {
                if !self.assumed_tags.contains(&n.text) {
                    self.assumed_tags.push(n.text.clone());
                    let sources: Vec<String> = manual
                        .iter()
                        .map(|m| format!("`{}`", self.sources[m.source].name))
                        .collect();
                    self.report(
                        Diagnostic::new(
                            Code::AssumedHandTag,
                            tr!(
                                "assumed-hand-tag",
                                text = n.text.to_string(),
                                join = sources.join(", ").to_string()
                            ),
                        )
                        .at(n.span, tr!("assumed-hand-tag.label"))
                        .help(tr!("assumed-hand-tag.help")),
                    );
                }
            }
        }
        Some(ir::Expr {
            kind: ir::ExprKind::HandTag(n.text.clone()),
            ty: Type::Bool,
            nullable: false,
        })
    }

    /// W006: `describe tag x` where no rule makes `x` and the data has no
    /// hand-assigned tag `x`, so it is most likely a typo.
    pub(super) fn unknown_manual_tag(
        &mut self,
        tag: &Name,
        in_data: &[String],
        rule_tags: &[&str],
    ) {
        let candidates = in_data
            .iter()
            .map(String::as_str)
            .chain(rule_tags.iter().copied());
        let help = match did_you_mean(&tag.text, candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None if in_data.is_empty() => {
                "the tag sources have no tags yet; describe the tags they will hold, or check the name".to_string()
            }
            None => format!(
                "the hand-assigned tags in the data are {}",
                list_names(in_data, 10)
            ),
        };
        self.report(
            Diagnostic::new(
                Code::UnknownManualTag,
                tr!("unknown-manual-tag", text = tag.text.to_string()),
            )
            .at(tag.span, tr!("unknown-manual-tag.label"))
            .help(help),
        );
    }
}
