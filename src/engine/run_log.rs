//! A run's row of the run log (`seg_runs`), the same on every engine: the
//! values in the order of the table's columns, the summary's lists as JSON
//! text. Each engine binds them its own way (DuckDB typed parameters,
//! Spark named text parameters that its statement casts).

use serde::Serialize;

use super::run::{LookupMiss, RunSummary};
use crate::sql::LookupMisses;

/// The values of one row of `seg_runs`, in its columns' order.
pub struct RunLogRow {
    pub run_id: i64,
    /// `YYYY-MM-DD HH:MM:SS.ffffff`, UTC.
    pub started: String,
    pub duration_ms: i64,
    pub as_of: String,
    pub as_of_origin: String,
    pub rules_hash: String,
    pub customers: i64,
    /// The JSON lists, from `labels` to `clusters` but for `history`.
    pub labels: String,
    pub tags: String,
    pub score_edges: String,
    pub dataset_values: String,
    pub params: String,
    pub sources: String,
    pub source_rows: String,
    /// Whether the run wrote the membership history.
    pub history: bool,
    pub expectations: String,
    pub group_score_edges: String,
    pub group_dataset_values: String,
    pub clusters: String,
}

impl RunLogRow {
    pub fn new(s: &RunSummary, history: bool) -> RunLogRow {
        #[derive(Serialize)]
        struct Label<'a> {
            segmentation: &'a str,
            label: Option<&'a str>,
            customers: i64,
        }
        #[derive(Serialize)]
        struct Tag<'a> {
            tag: &'a str,
            customers: i64,
        }
        let labels: Vec<Label> = s
            .segmentations
            .iter()
            .flat_map(|seg| {
                seg.labels.iter().map(|l| Label {
                    segmentation: &seg.segmentation,
                    label: l.label.as_deref(),
                    customers: l.customers,
                })
            })
            .collect();
        let tags: Vec<Tag> = s
            .tags
            .iter()
            .map(|t| Tag {
                tag: &t.tag,
                customers: t.customers,
            })
            .collect();
        let as_of_origin = serde_json::to_value(s.as_of_origin)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        // Score edges and dataset values per group are columns of their own.
        let (edges, group_edges): (Vec<_>, Vec<_>) =
            s.score_edges.iter().partition(|e| e.group.is_none());
        let (values, group_values): (Vec<_>, Vec<_>) =
            s.dataset_values.iter().partition(|v| v.group.is_none());
        RunLogRow {
            run_id: s.run_id,
            started: s.started_at.trim_end_matches('Z').replace('T', " "),
            duration_ms: s.duration_ms as i64,
            as_of: s.as_of.clone(),
            as_of_origin,
            rules_hash: s.rules_hash.clone(),
            customers: s.customers,
            labels: json(&labels),
            tags: json(&tags),
            score_edges: json(&edges),
            dataset_values: json(&values),
            params: json(&s.params),
            sources: json(&s.sources),
            source_rows: json(&s.source_rows),
            history,
            expectations: json(&s.expectations),
            group_score_edges: json(&group_edges),
            group_dataset_values: json(&group_values),
            clusters: json(&s.clusters),
        }
    }

    /// Every value as text, in order (booleans `true`/`false`).
    pub fn texts(self) -> Vec<String> {
        vec![
            self.run_id.to_string(),
            self.started,
            self.duration_ms.to_string(),
            self.as_of,
            self.as_of_origin,
            self.rules_hash,
            self.customers.to_string(),
            self.labels,
            self.tags,
            self.score_edges,
            self.dataset_values,
            self.params,
            self.sources,
            self.source_rows,
            self.history.to_string(),
            self.expectations,
            self.group_score_edges,
            self.group_dataset_values,
            self.clusters,
        ]
    }
}

/// The summary's line of a lookup check: the rows of `m.source` whose key
/// the lookup table lacks, counted by the engine.
pub fn lookup_miss(m: &LookupMisses, rows: i64) -> LookupMiss {
    LookupMiss {
        source: m.source.clone(),
        lookup: m.lookup.clone(),
        key: m.key.clone(),
        rows,
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_string())
}
