//! `seg lint --db`: how many customers get each label and tag when a rule
//! set runs on its data, computed in a temporary table; nothing is
//! written to the database.

use serde::Serialize;

use super::changes::Order;
use super::{Engine, EngineError, SegmentationCounts, TagCount, run};
use crate::lint::Finding;
use crate::lint::data::Counts;
use crate::semantic::Program;
use crate::sql::diff as queries;
use crate::sql::{self, DuckDb};
use crate::syntax::Ast;

/// How many customers get each label and tag when a rule set runs on its
/// data (`seg lint --db`), computed in a temporary table; nothing is
/// written to the database.
pub fn profile(engine: &Engine, program: &Program) -> Result<Profile, EngineError> {
    super::kmeans::refuse("seg lint --db", program)?;
    engine.seal_for_run(program, None)?;
    run::check_keys(engine, program, &crate::compile(program))?;
    const TABLE: &str = "seg$profile";
    engine.execute(
        "computing the rules on the data",
        &queries::compute_into(&DuckDb, program, TABLE),
    )?;
    let count = |v: Option<String>| v.and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
    let labels: Vec<(String, Option<String>, i64)> =
        match queries::label_counts(&DuckDb, program, TABLE) {
            Some(sql) => engine
                .query_text(&sql)?
                .into_iter()
                .map(|mut row| {
                    row.resize(3, None);
                    (
                        row[0].take().unwrap_or_default(),
                        row[1].take(),
                        count(row[2].take()),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
    let mut customers = 0;
    let mut tags: Vec<(String, i64)> = Vec::new();
    for mut row in engine.query_text(&queries::tag_counts(&DuckDb, program, TABLE))? {
        row.resize(2, None);
        match row[0].take() {
            None => customers = count(row[1].take()),
            Some(tag) => tags.push((tag, count(row[1].take()))),
        }
    }
    let _ = engine.execute(
        "dropping a temporary table",
        &sql::diff::drop_table(&DuckDb, TABLE),
    );
    Ok(Profile::of(program, customers, &labels, &tags))
}

/// Label and tag sizes of a rule set on its data.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub customers: i64,
    pub segmentations: Vec<SegmentationCounts>,
    /// Every tag the rules define (rule-made or hand-assigned) and every
    /// hand-assigned tag found in the data, in catalogue order.
    pub tags: Vec<TagCount>,
}

impl Profile {
    /// The labels and rule-made tags no customer gets (L007, L008).
    pub fn findings(&self, ast: &Ast, program: &Program) -> Vec<Finding> {
        let labels: Vec<(&str, &str, i64)> = self
            .segmentations
            .iter()
            .flat_map(|s| {
                s.labels.iter().filter_map(|l| {
                    Some((s.segmentation.as_str(), l.label.as_deref()?, l.customers))
                })
            })
            .collect();
        let tags: Vec<(&str, i64)> = self
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), t.customers))
            .collect();
        let counts = Counts {
            customers: self.customers,
            labels: &labels,
            tags: &tags,
        };
        crate::lint::data::empty(ast, program, &counts)
    }

    fn of(
        program: &Program,
        customers: i64,
        labels: &[(String, Option<String>, i64)],
        tags: &[(String, i64)],
    ) -> Profile {
        let share = |n: i64| {
            if customers == 0 {
                0.0
            } else {
                n as f64 / customers as f64
            }
        };
        let segmentations = run::segmentation_counts(program, labels, &share, false);
        let mut order = Order::default();
        order.add(program);
        let mut names: Vec<String> = order.tags;
        let mut found: Vec<String> = tags
            .iter()
            .map(|(t, _)| t.clone())
            .filter(|t| !names.contains(t))
            .collect();
        found.sort();
        names.extend(found);
        let tags = names
            .into_iter()
            .map(|tag| {
                let n = tags.iter().find(|(t, _)| *t == tag).map_or(0, |t| t.1);
                TagCount {
                    tag,
                    customers: n,
                    share: share(n),
                }
            })
            .collect();
        Profile {
            customers,
            segmentations,
            tags,
        }
    }
}
