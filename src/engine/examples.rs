//! Running the examples: their one query (`sql::examples`) in an
//! in-memory DuckDB that reaches no file, and each example's outcomes
//! compared with what the query gave it.

use serde::Serialize;

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{ExpectedOutcome, Subject};
use crate::sql::{self, DuckDb};

/// What became of one example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleOutcome {
    pub name: String,
    /// `file:line` of the example.
    pub defined_at: String,
    pub passed: bool,
    /// Each outcome it did not get: its index among the example's
    /// outcomes, and what it got instead (`expected tier A, got tier B`).
    pub failures: Vec<(usize, String)>,
}

/// Runs every example of the program (none: an empty list).
pub fn run_examples(program: &Program) -> Result<Vec<ExampleOutcome>, EngineError> {
    let Some(query) = sql::examples::query(&DuckDb, program) else {
        return Ok(Vec::new());
    };
    let engine = Engine::in_memory()?;
    // No source, no file: the examples are all the data there is.
    engine.seal(&[], None)?;
    let rows = engine
        .query_text(&query.sql)
        .map_err(|e| rename(e, "running the examples"))?;
    Ok(program
        .examples
        .iter()
        .zip(rows)
        .map(|(example, row)| {
            let labels = &row[1..=query.segmentations.len()];
            let tags: Vec<String> = row
                .last()
                .cloned()
                .flatten()
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default();
            let label_of = |segmentation: usize| {
                let column = query.segmentations.iter().position(|&s| s == segmentation);
                column.and_then(|c| labels[c].clone())
            };
            let failures: Vec<(usize, String)> = example
                .outcomes
                .iter()
                .enumerate()
                .filter_map(|(i, o)| Some((i, failure(program, o, &label_of, &tags)?)))
                .collect();
            ExampleOutcome {
                name: example.name.clone(),
                defined_at: example.defined_at.clone(),
                passed: failures.is_empty(),
                failures,
            }
        })
        .collect())
}

/// Why an outcome did not come about, or `None` when it did.
fn failure(
    program: &Program,
    outcome: &ExpectedOutcome,
    label_of: &dyn Fn(usize) -> Option<String>,
    tags: &[String],
) -> Option<String> {
    let expected = &outcome.text;
    match &outcome.subject {
        Subject::Label {
            segmentation,
            label,
        } => {
            let actual = label_of(*segmentation);
            let holds = actual.as_deref() == Some(label.as_str());
            if holds != outcome.negated {
                return None;
            }
            let name = &program.nodes[*segmentation].name;
            Some(match actual {
                Some(got) => format!("expected {expected}, got {name} {}", shown(&got)),
                None => format!("expected {expected}, got no {name} label"),
            })
        }
        Subject::Tag(tag) => {
            let carries = tags.iter().any(|t| t == tag);
            if carries != outcome.negated {
                return None;
            }
            let carried = if tags.is_empty() {
                "it carries no tag".to_string()
            } else {
                let list: Vec<String> = tags.iter().map(|t| shown(t)).collect();
                format!("its tags are {}", list.join(", "))
            };
            Some(if outcome.negated {
                format!("expected {expected}, but it carries it")
            } else {
                format!("expected {expected}, but {carried}")
            })
        }
    }
}

/// A label or tag as a rule file writes it: bare if it is a plain name.
fn shown(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

fn rename(e: EngineError, what: &str) -> EngineError {
    match e {
        EngineError::Query { message, .. } => EngineError::Query {
            what: what.to_string(),
            message,
        },
        other => other,
    }
}
