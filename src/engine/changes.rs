//! What changed between two runs, or between two rule sets on the same
//! data: the one shape `seg watch`, `seg changes` and `seg diff` print.

use serde::Serialize;

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
