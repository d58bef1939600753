//! Checking the expectations: their one query (`sql::expect`) over the
//! computed table, inside the run's transaction, and what each came to.

use serde::Serialize;

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{ExpectationKind, ShareBound, Subject};
use crate::sql::Plan;

/// What became of one expectation on one run's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationOutcome {
    /// The statement as written.
    pub expectation: String,
    /// `file:line` of it.
    pub defined_at: String,
    pub passed: bool,
    /// The customers it counted: those with the label or tag, or those
    /// that break it.
    pub customers: i64,
    /// For a share: the counted customers' share of all of them.
    pub share: Option<f64>,
    /// The first few keys of customers that break it.
    pub examples: Vec<String>,
    /// What was found, in words.
    pub detail: String,
}

/// Checks every expectation of the program on the computed table.
pub fn check(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
) -> Result<Vec<ExpectationOutcome>, EngineError> {
    let Some(sql) = &plan.expectations else {
        return Ok(Vec::new());
    };
    let row = engine
        .query_text(sql)
        .map_err(|e| match e {
            EngineError::Query { message, .. } => EngineError::Query {
                what: "checking the expectations".into(),
                message,
            },
            other => other,
        })?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut cells = row.into_iter();
    let number = |cells: &mut std::vec::IntoIter<Option<String>>| {
        cells
            .next()
            .flatten()
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let total = number(&mut cells);
    let mut outcomes = Vec::new();
    for expectation in &program.expectations {
        let counted = number(&mut cells);
        let outcome = |passed, share, examples, detail| ExpectationOutcome {
            expectation: expectation.text.clone(),
            defined_at: expectation.defined_at.clone(),
            passed,
            customers: counted,
            share,
            examples,
            detail,
        };
        outcomes.push(match &expectation.kind {
            ExpectationKind::Share { subject, low, high } => {
                let share = if total == 0 {
                    0.0
                } else {
                    counted as f64 / total as f64
                };
                let passed =
                    low.is_none_or(|b| above(share, b)) && high.is_none_or(|b| below(share, b));
                let detail = format!(
                    "{} of {total} customers ({}) {}, expected {}",
                    counted,
                    percent(share * 100.0),
                    subject_words(program, subject),
                    bounds_words(*low, *high)
                );
                outcome(passed, Some(share), Vec::new(), detail)
            }
            kind => {
                let keys: Vec<String> = cells
                    .next()
                    .flatten()
                    .and_then(|json| serde_json::from_str::<Vec<serde_json::Value>>(&json).ok())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|v| match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect();
                let detail = breaking_words(program, kind, counted, &keys);
                outcome(counted == 0, None, keys, detail)
            }
        });
    }
    Ok(outcomes)
}

fn above(share: f64, bound: ShareBound) -> bool {
    if bound.inclusive {
        share >= bound.fraction
    } else {
        share > bound.fraction
    }
}

fn below(share: f64, bound: ShareBound) -> bool {
    if bound.inclusive {
        share <= bound.fraction
    } else {
        share < bound.fraction
    }
}

/// `12.5%`, `20%`: one decimal, none when it is whole.
pub fn percent(value: f64) -> String {
    let text = format!("{value:.1}");
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

fn subject_words(program: &Program, subject: &Subject) -> String {
    match subject {
        Subject::Label {
            segmentation,
            label,
        } => format!("have {} {label}", program.nodes[*segmentation].name),
        Subject::Tag(tag) => format!("carry tag {tag}"),
    }
}

fn bounds_words(low: Option<ShareBound>, high: Option<ShareBound>) -> String {
    let p = |b: ShareBound| percent(b.fraction * 100.0);
    match (low, high) {
        (Some(l), Some(h)) => format!("between {} and {}", p(l), p(h)),
        (None, Some(h)) if h.inclusive => format!("at most {}", p(h)),
        (None, Some(h)) => format!("under {}", p(h)),
        (Some(l), None) if l.inclusive => format!("at least {}", p(l)),
        (Some(l), None) => format!("over {}", p(l)),
        (None, None) => "anything".to_string(),
    }
}

fn breaking_words(
    program: &Program,
    kind: &ExpectationKind,
    count: i64,
    keys: &[String],
) -> String {
    if count == 0 {
        return "no customer breaks it".to_string();
    }
    let who = if count == 1 { "customer" } else { "customers" };
    let what = match kind {
        ExpectationKind::Every { has, .. } => {
            format!("{count} {who} without {}", program.nodes[*has].name)
        }
        _ => format!("{count} {who} where it holds"),
    };
    let more = if count as usize > keys.len() {
        ", ..."
    } else {
        ""
    };
    format!("{what}: {}{more}", keys.join(", "))
}
