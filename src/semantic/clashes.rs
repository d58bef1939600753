//! Names that collide outside seg's own namespace: a definition hiding a
//! customer column (W004), and two columns of one published table, or two
//! sources, that SQL takes for the same name (E309).

use crate::i18n::tr;
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
                    tr!("hidden-column", name = def.name.to_string()),
                )
                .at(
                    def.span,
                    tr!("hidden-column.label", name = def.name.to_string()),
                )
                .help(tr!(
                    "hidden-column.help",
                    name = source.name.to_string(),
                    name2 = def.name.to_string()
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
                            tr!(
                                "output-name-clash",
                                segmentation = segmentation.to_string(),
                                column = column.to_string()
                            ),
                        )
                        .at(def.span, tr!("output-name-clash.label"))
                        .help(tr!("output-name-clash.help")),
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
                        tr!(
                            "output-name-clash-2",
                            name = def.name.to_string(),
                            what = what.to_string()
                        ),
                    )
                    .at(def.span, tr!("output-name-clash-2.label"))
                    .help(tr!("output-name-clash-2.help")),
                );
                continue;
            }
            match seen.get(&names::fold(&def.name)) {
                Some(&(other, span)) => found.push(
                    Diagnostic::new(
                        Code::OutputNameClash,
                        tr!(
                            "output-name-clash-3",
                            name = def.name.to_string(),
                            other = other.to_string()
                        ),
                    )
                    .at(def.span, tr!("output-name-clash-3.label"))
                    .also(span, tr!("output-name-clash-3.also"))
                    .help(tr!("output-name-clash-3.help")),
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
                        tr!(
                            "output-name-clash-4",
                            name = source.name.to_string(),
                            name2 = first.name.to_string()
                        ),
                    )
                    .at(source.span, tr!("output-name-clash-4.label"))
                    .also(first.span, tr!("output-name-clash-4.also"))
                    .help(tr!("output-name-clash-4.help")),
                );
            }
        }
        found
    }
}
