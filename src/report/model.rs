//! What the page shows, as plain data: filled by the engine from the
//! published tables, the run log and the history; drawn by `html.rs`.

/// Everything one report shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The run the page is about: the database's last run.
    pub run_id: i64,
    pub as_of: String,
    pub customers: i64,
    /// The metric summed per label (`monetary`, or `--metric`).
    pub metric: Option<String>,
    pub segmentations: Vec<Segmentation>,
    pub grid: Option<Grid>,
    pub tags: Vec<Tag>,
    pub overlaps: Overlaps,
    pub distributions: Vec<Distribution>,
    /// Every run of the run log, oldest first.
    pub runs: Vec<Run>,
    /// Who moved between the last two runs that wrote history.
    pub movement: Option<Movement>,
    pub catalogue: Vec<Entry>,
}

/// A segmentation's labels in the rules' order (no label last); their
/// colours are the catalogue's ([`Report::colour_of`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Segmentation {
    pub name: String,
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Label {
    /// `None`: customers no rule matched.
    pub name: Option<String>,
    pub customers: i64,
    /// The sum of [`Report::metric`] over the label's customers.
    pub metric: Option<f64>,
}

/// The grid of two scores (R × F): customers and the average metric per
/// cell, and the label of a segmentation that reads both scores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub segmentation: String,
    /// The score along the rows (R), drawn bottom (1) to top (n).
    pub rows: String,
    /// The score along the columns (F), drawn left (1) to right (n).
    pub columns: String,
    pub buckets: u32,
    /// Only cells with customers; the others are drawn empty.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub row: u32,
    pub column: u32,
    pub customers: i64,
    pub average: Option<f64>,
    /// The label most of the cell's customers hold (all of them, when the
    /// segmentation's rules read only these two scores).
    pub label: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tag {
    pub name: String,
    pub category: Option<String>,
    pub colour: Option<String>,
    pub customers: i64,
}

/// Customers carrying both of two tags, for the largest tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlaps {
    pub tags: Vec<String>,
    /// `counts[i][j]`: customers with `tags[i]` and `tags[j]`.
    pub counts: Vec<Vec<i64>>,
}

/// A metric's values in equal-width bins, with its score's bucket edges
/// and percentiles marked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    pub metric: String,
    /// The score ranking it, whose edges are marked.
    pub score: Option<String>,
    pub bins: Vec<Bin>,
    pub edges: Vec<f64>,
    /// (what, value): `("p50", 12.0)`.
    pub percentiles: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub customers: i64,
}

/// A run of the run log with its label sizes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub run_id: i64,
    pub as_of: String,
    pub customers: i64,
    /// (segmentation, label, customers).
    pub labels: Vec<(String, Option<String>, i64)>,
}

/// The transition matrices between two runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Movement {
    pub from_run: i64,
    pub to_run: i64,
    /// Cells with customers, per segmentation in the rules' order.
    pub cells: Vec<Flow>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flow {
    pub segmentation: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub customers: i64,
}

/// A label or tag of the catalogue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// `label` or `tag`.
    pub kind: String,
    pub segmentation: Option<String>,
    pub name: String,
    pub category: Option<String>,
    pub description: Option<String>,
    pub colour: Option<String>,
    pub rule: Option<String>,
    pub defined_at: Option<String>,
}

impl Report {
    /// The colour of a label or tag in the catalogue.
    pub fn colour_of(&self, segmentation: Option<&str>, name: &str) -> Option<&str> {
        self.catalogue
            .iter()
            .find(|e| e.segmentation.as_deref() == segmentation && e.name == name)
            .and_then(|e| e.colour.as_deref())
    }
}
