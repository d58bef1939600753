//! What changed between two runs, or between two rule sets on the same
//! data: the one shape `seg watch`, `seg changes` and `seg diff` print.

use serde::Serialize;

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{EntryKind, NodeKind};

/// Who moved where between an earlier and a later run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// The earlier run (`None`: there was none, or it is not a run).
    pub from_run: Option<i64>,
    /// The later run (`None`: not a run, e.g. a rule set under `seg diff`).
    pub to_run: Option<i64>,
    /// The transition matrix of every segmentation, one cell per row,
    /// the diagonal (customers who kept their label) included.
    pub transitions: Vec<Transition>,
    /// Per tag, who gained and who lost it.
    pub tags: Vec<TagChange>,
}

/// One cell of a segmentation's transition matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    pub segmentation: String,
    /// `None`: no label (not a customer then, or no rule matched).
    pub from: Option<String>,
    /// `None`: no label (not a customer now, or no rule matched).
    pub to: Option<String>,
    pub customers: i64,
    /// A few customer keys of the cell, smallest first.
    pub examples: Vec<String>,
}

/// Who gained and who lost a tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagChange {
    pub tag: String,
    pub gained: i64,
    pub lost: i64,
    /// A few customer keys of each, smallest first.
    pub gained_examples: Vec<String>,
    pub lost_examples: Vec<String>,
}

/// One row of the flat form of [`Changes`] (CSV, JSON, Markdown): a cell
/// of a transition matrix, or a tag's gains or losses, written as the
/// cell `tag:<name>` from `without` to `with` (gained) or from `with` to
/// `without` (lost).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub segmentation: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub customers: i64,
    pub examples: Vec<String>,
}

/// The `segmentation` of a tag's cells.
pub const TAG_PREFIX: &str = "tag:";

impl Changes {
    /// Every transition, then each tag's gains and losses (those that
    /// happened), one cell each.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells: Vec<Cell> = self
            .transitions
            .iter()
            .map(|t| Cell {
                segmentation: t.segmentation.clone(),
                from: t.from.clone(),
                to: t.to.clone(),
                customers: t.customers,
                examples: t.examples.clone(),
            })
            .collect();
        for tag in &self.tags {
            let cell = |from: &str, to: &str, customers: i64, examples: &[String]| Cell {
                segmentation: format!("{TAG_PREFIX}{}", tag.tag),
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                customers,
                examples: examples.to_vec(),
            };
            if tag.gained > 0 {
                cells.push(cell("without", "with", tag.gained, &tag.gained_examples));
            }
            if tag.lost > 0 {
                cells.push(cell("with", "without", tag.lost, &tag.lost_examples));
            }
        }
        cells
    }

    /// Only one segmentation, or one tag (`tag:<name>`).
    pub fn only(mut self, name: &str) -> Changes {
        self.transitions.retain(|t| t.segmentation == name);
        self.tags
            .retain(|t| name.strip_prefix(TAG_PREFIX) == Some(t.tag.as_str()));
        self
    }

    /// The cells off the diagonal: who moved, most first.
    pub fn moves(&self) -> Vec<&Transition> {
        let mut moves: Vec<&Transition> =
            self.transitions.iter().filter(|t| t.from != t.to).collect();
        moves.sort_by_key(|t| std::cmp::Reverse(t.customers));
        moves
    }
}

/// Where segmentations, labels and tags come in the rule set, so that
/// changes are listed as the rules list them; names the rules no longer
/// have (a renamed label) come after, by name; "no label" last.
#[derive(Debug, Default)]
pub(crate) struct Order {
    pub segmentations: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub tags: Vec<String>,
}

impl Order {
    pub fn of_program(p: &Program) -> Order {
        let mut order = Order::default();
        order.add(p);
        order
    }

    /// Adds the segmentations, labels and tags of `p` that are not listed
    /// yet, after those that are (`seg diff`: the new rules' order, then
    /// what only the old rules have).
    pub fn add(&mut self, p: &Program) {
        let push = |list: &mut Vec<_>, item| {
            if !list.contains(&item) {
                list.push(item);
            }
        };
        for (_, node) in p.declared() {
            if let NodeKind::Segmentation(rules) = &node.kind {
                push(&mut self.segmentations, node.name.clone());
                for rule in rules {
                    let label = (node.name.clone(), rule.label.clone());
                    if !self.labels.contains(&label) {
                        self.labels.push(label);
                    }
                }
            }
        }
        for entry in p.catalogue.iter().filter(|e| e.kind != EntryKind::Label) {
            push(&mut self.tags, entry.name.clone());
        }
    }

    fn segmentation(&self, name: &str) -> (usize, String) {
        let at = self.segmentations.iter().position(|s| s == name);
        (at.unwrap_or(usize::MAX), name.to_string())
    }

    fn label(&self, segmentation: &str, label: Option<&str>) -> (usize, String) {
        let Some(label) = label else {
            return (usize::MAX, String::new());
        };
        let at = self
            .labels
            .iter()
            .position(|(s, l)| s == segmentation && l == label);
        (at.unwrap_or(usize::MAX - 1), label.to_string())
    }

    fn tag(&self, name: &str) -> (usize, String) {
        let at = self.tags.iter().position(|t| t == name);
        (at.unwrap_or(usize::MAX), name.to_string())
    }
}

/// Reads the cells of the transition matrices (rows of segmentation, from,
/// to, customers, examples as a JSON list) and the tag changes (tag,
/// gained, lost, gained and lost examples), in the order of the rules.
/// The one reading of both for the history and for `seg diff`.
pub(crate) fn read(
    engine: &Engine,
    labels: Option<&str>,
    tags: &str,
    order: &Order,
) -> Result<(Vec<Transition>, Vec<TagChange>), EngineError> {
    let examples = |text: Option<String>| -> Vec<String> {
        text.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    };
    let number = |v: Option<String>| v.and_then(|n| n.parse().ok()).unwrap_or(0);
    let rows = match labels {
        Some(sql) => engine.query_text(sql)?,
        None => Vec::new(),
    };
    let mut transitions: Vec<Transition> = rows
        .into_iter()
        .map(|mut row| {
            row.resize(5, None);
            let mut take = |i: usize| row[i].take();
            Transition {
                segmentation: take(0).unwrap_or_default(),
                from: take(1),
                to: take(2),
                customers: number(take(3)),
                examples: examples(take(4)),
            }
        })
        .collect();
    transitions.sort_by_key(|t| {
        (
            order.segmentation(&t.segmentation),
            order.label(&t.segmentation, t.from.as_deref()),
            order.label(&t.segmentation, t.to.as_deref()),
        )
    });
    let mut tags: Vec<TagChange> = engine
        .query_text(tags)?
        .into_iter()
        .map(|mut row| {
            row.resize(5, None);
            let mut take = |i: usize| row[i].take();
            TagChange {
                tag: take(0).unwrap_or_default(),
                gained: number(take(1)),
                lost: number(take(2)),
                gained_examples: examples(take(3)),
                lost_examples: examples(take(4)),
            }
        })
        .collect();
    tags.sort_by_key(|t| order.tag(&t.tag));
    Ok((transitions, tags))
}
