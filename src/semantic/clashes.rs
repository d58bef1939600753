//! Names that collide outside seg's own namespace: a definition hiding a
//! customer column (W004), and two columns of one published table, or two
//! sources, that SQL takes for the same name (E309).

use std::collections::HashMap;

use super::{Checker, DefKind, names};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The wide table has the customer key, then one column per metric, score
/// and segmentation, then `<segmentation>_since` for each segmentation,
/// then `tags`. Tags are rows of the long table, never
/// columns; dataset values go to the run log.
const TAG_LIST: &str = "tags";
/// `<segmentation>_since`, as `sql/history.rs` names it.
const SINCE_SUFFIX: &str = "_since";

fn is_published_column(kind: &DefKind) -> bool {
    matches!(
        kind,
        DefKind::Metric(_) | DefKind::Score(_) | DefKind::Segmentation(_) | DefKind::Kmeans(_)
    )
}

impl Checker<'_> {
    /// W004: a definition that takes a customer column's name. seg binds
    /// names exactly, so only the very same name hides the column.
    pub(super) fn check_hidden_columns(&mut self) {
        let Some(c) = self.customers else { return };
        let source = &self.sources[c];
        let found: Vec<Diagnostic> = self
            .defs
            .iter()
            .filter(|def| !matches!(def.kind, DefKind::Dataset))
            .filter(|def| source.column(&def.name).is_some())
            .map(|def| {
                Diagnostic::new(
                    Code::HiddenColumn,
                    format!("`{0}` hides the customer column `{0}`", def.name),
                )
                .at(
                    def.span,
                    format!("the bare name `{}` now means this", def.name),
                )
                .help(format!(
                    "reach the column as `{}.{}`, or rename this definition",
                    source.name, def.name
                ))
            })
            .collect();
        self.diagnostics.extend(found);
    }

    /// E309: the published columns, and the sources, must have names SQL
    /// tells apart.
    pub(super) fn check_output_names(&mut self) {
        let mut found = self.column_clashes();
        found.extend(self.source_clashes());
        self.diagnostics.extend(found);
    }

    fn column_clashes(&self) -> Vec<Diagnostic> {
        let key = self
            .customers
            .and_then(|c| self.sources[c].key.clone())
            .unwrap_or_default();
        let mut seen: HashMap<String, (&str, Span)> = HashMap::new();
        let mut found = Vec::new();
        // Each segmentation also publishes `<name>_since`: since when each
        // customer holds its label (the membership history).
        let since: Vec<(String, &str)> = self
            .defs
            .iter()
            .filter(|d| matches!(d.kind, DefKind::Segmentation(_) | DefKind::Kmeans(_)))
            .map(|d| (format!("{}{SINCE_SUFFIX}", d.name), d.name.as_str()))
            .collect();
        for (column, segmentation) in &since {
            if names::same(column, &key) {
                let def = self.defs.iter().find(|d| d.name == *segmentation);
                if let Some(def) = def {
                    found.push(
                        Diagnostic::new(
                            Code::OutputNameClash,
                            format!(
                                "the segmentation `{segmentation}` publishes `{column}`, the name of the customer key"
                            ),
                        )
                        .at(def.span, "its since-date column clashes with the key")
                        .help("rename this segmentation"),
                    );
                }
            }
        }
        for def in self.defs.iter().filter(|d| is_published_column(&d.kind)) {
            let since_of = since
                .iter()
                .find(|(column, _)| names::same(&def.name, column));
            let reserved = if names::same(&def.name, TAG_LIST) {
                Some(format!("the tag list column `{TAG_LIST}`"))
            } else if names::same(&def.name, &key) {
                Some(format!("the customer key `{key}`"))
            } else if let Some((column, segmentation)) = since_of {
                Some(format!(
                    "the column `{column}` (since when each customer holds their `{segmentation}` label)"
                ))
            } else {
                None
            };
            if let Some(what) = reserved {
                found.push(
                    Diagnostic::new(
                        Code::OutputNameClash,
                        format!("`{}` has the name of {what}", def.name),
                    )
                    .at(def.span, "clashes in the output table")
                    .help("rename this definition"),
                );
                continue;
            }
            match seen.get(&names::fold(&def.name)) {
                Some(&(other, span)) => found.push(
                    Diagnostic::new(
                        Code::OutputNameClash,
                        format!(
                            "`{}` and `{other}` differ only in upper and lower case",
                            def.name
                        ),
                    )
                    .at(def.span, "this name")
                    .also(span, "and this one")
                    .help("output columns are compared without case; rename one of them"),
                ),
                None => {
                    seen.insert(names::fold(&def.name), (&def.name, def.span));
                }
            }
        }
        found
    }

    /// Sources name relations in the SQL, where case does not count either.
    fn source_clashes(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (i, source) in self.sources.iter().enumerate() {
            if let Some(first) = self.sources[..i]
                .iter()
                .find(|s| names::same(&s.name, &source.name))
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
        found
    }
}
