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
