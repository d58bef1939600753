//! `seg lint --db`: what the rules come to on real data. The counts come
//! from a run in memory (the engine); this only says which labels and
//! rule-made tags no customer gets (L007, L008), at their place.

use super::Finding;
use super::written::Written;
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::semantic::ir::NodeKind;
use crate::syntax::Ast;

/// How many customers got each label and tag on the data.
pub struct Counts<'a> {
    pub customers: i64,
    /// (segmentation, label, customers)
    pub labels: &'a [(&'a str, &'a str, i64)],
    /// (tag, customers)
    pub tags: &'a [(&'a str, i64)],
}

impl Counts<'_> {
    fn label(&self, segmentation: &str, label: &str) -> i64 {
        self.labels
            .iter()
            .find(|(s, l, _)| *s == segmentation && *l == label)
            .map_or(0, |c| c.2)
    }

    fn tag(&self, tag: &str) -> i64 {
        self.tags.iter().find(|(t, _)| *t == tag).map_or(0, |c| c.1)
    }

    fn of(&self) -> String {
        match self.customers {
            0 => "the data has no customers".to_string(),
            1 => "none of the 1 customer in the data".to_string(),
            n => format!("none of the {n} customers in the data"),
        }
    }
}

/// Every label and rule-made tag no customer gets, in reading order.
pub fn empty(ast: &Ast, program: &Program, counts: &Counts) -> Vec<Finding> {
    let written = Written::new(ast);
    let mut findings = Vec::new();
    for (_, node) in program.declared() {
        match &node.kind {
            NodeKind::Segmentation(rules) => {
                // The written rules are the program's, in order (as in
                // `cover.rs`); without them all, no place is shown.
                let places = written.rules(&node.name);
                let places = (places.len() == rules.len()).then_some(places);
                for (i, rule) in rules.iter().enumerate() {
                    if counts.label(&node.name, &rule.label) > 0 {
                        continue;
                    }
                    let place = places.map(|p| &p[i]);
                    let d = Diagnostic::new(
                        Code::EmptyLabel,
                        tr!(
                            "empty-label",
                            name = node.name.to_string(),
                            label = rule.label.to_string(),
                            of = counts.of().to_string()
                        ),
                    )
                    .help(tr!("empty-label.help"));
                    findings.push(Finding::new(match place {
                        Some(w) => d.at(w.label, tr!("empty-label.label")),
                        None => d,
                    }));
                }
            }
            NodeKind::Tag(_) if counts.tag(&node.name) == 0 => {
                let d = Diagnostic::new(
                    Code::EmptyTag,
                    tr!(
                        "empty-tag",
                        name = node.name.to_string(),
                        of = counts.of().to_string()
                    ),
                )
                .help(tr!("empty-tag.help"));
                findings.push(Finding::new(match written.name_span(&node.name) {
                    Some(span) => d.at(span, tr!("empty-tag.label")),
                    None => d,
                }));
            }
            _ => {}
        }
    }
    findings
}
