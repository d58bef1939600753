//! `seg why`: runs the trace query (`sql/why.rs`) over the published
//! tables or a fresh computation, and lays its rows out as each customer's
//! values, rules and tags. Nothing here evaluates a condition: every
//! outcome is a value the query gave.

use serde::Serialize;

use super::{Engine, EngineError, ScoreEdge, history, run};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::semantic::ir::NodeKind;
use crate::sql::why::{self as queries, Column, Selection, Trace};
use crate::sql::{CUSTOMERS_TABLE, DuckDb};

/// Where the trace reads the customers' values from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// The tables the last run published, and the values its run log
    /// recorded.
    Published,
    /// The rules computed afresh at their as-of date, into a temporary
    /// table; nothing is written.
    Fresh,
}

/// The trace of some customers.
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    /// `published` or `fresh`.
    pub evaluated: &'static str,
    /// The run whose tables were read (`published` only).
    pub run_id: Option<i64>,
    pub as_of: String,
    /// The customer key's column.
    pub key: String,
    /// The bucket edges of each score (not those computed `within` a group).
    pub score_edges: Vec<ScoreEdge>,
    pub customers: Vec<CustomerTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerTrace {
    pub key: String,
    /// Every metric, score and dataset-level value, in declared order.
    pub values: Vec<NamedValue>,
    pub segmentations: Vec<SegmentationTrace>,
    pub tags: Vec<TagTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedValue {
    pub name: String,
    /// `metric`, `score` or `dataset value`.
    pub kind: &'static str,
    /// As text; `None`: missing.
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentationTrace {
    pub segmentation: String,
    /// The label the customer has (`None`: no rule matched).
    pub label: Option<String>,
    /// The rule that gives it, from 0 (`None`: none holds; a kmeans
    /// segmentation's rules are not traced).
    pub matched_rule: Option<usize>,
    pub rules: Vec<RuleTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleTrace {
    pub label: String,
    /// The condition as seg writes it; `None` for `otherwise`.
    pub condition: Option<String>,
    pub holds: bool,
    pub parts: Vec<PartTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagTrace {
    pub tag: String,
    pub condition: String,
    pub holds: bool,
    pub parts: Vec<PartTrace>,
}

/// One comparison or test of a condition.
#[derive(Debug, Clone, Serialize)]
pub struct PartTrace {
    pub text: String,
    /// `None`: a value it compares is missing (so it does not hold).
    pub outcome: Option<bool>,
    pub sides: Vec<SideValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideValue {
    pub text: String,
    pub value: Option<String>,
}

/// Traces the customers `selection` picks. An unknown key is an error
/// naming the key column and the closest keys.
pub fn why(
    engine: &Engine,
    program: &Program,
    selection: &Selection,
    evaluation: Evaluation,
) -> Result<Why, EngineError> {
    engine.seal_for_run(program, None)?;
    let (published, run_id, as_of, score_edges) = match evaluation {
        Evaluation::Fresh => {
            super::kmeans::refuse("seg why --as-of", program)?;
            run::check_keys(engine, program, &crate::compile(program))?;
            engine.execute(
                "computing the rules",
                &queries::compute_into(&DuckDb, program),
            )?;
            let edges = match queries::fresh_score_edges(&DuckDb, program) {
                Some(sql) => edges_of(engine.query_text(&sql)?),
                None => Vec::new(),
            };
            (None, None, program.as_of.to_string(), edges)
        }
        Evaluation::Published => {
            let (run_id, as_of, values) = last_run(engine)?;
            // What the wide table does not keep is read from the run's
            // own base table, computed at its as-of date.
            let plan = crate::compile(program);
            run::check_keys(engine, program, &plan)?;
            engine.execute(&plan.base.title, &plan.base.sql)?;
            let cte = queries::published(program, &values).map_err(|e| EngineError::Why {
                message: tr!("why-cannot-trace", reason = e.0),
                help: tr!("why-cannot-trace.help"),
            })?;
            let edges = history::last_score_edges(engine)?
                .map(|l| l.edges)
                .unwrap_or_default();
            (Some(cte), Some(run_id), as_of, edges)
        }
    };
    let trace = queries::trace(&DuckDb, program, selection, published);
    let rows = engine.query_text(&trace.sql)?;
    let customers: Vec<CustomerTrace> = rows
        .into_iter()
        .map(|row| lay_out(program, &trace, row))
        .collect();
    if let Selection::Keys(keys) = selection {
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| !customers.iter().any(|c| c.key == **k))
            .collect();
        if let Some(key) = missing.first() {
            return Err(unknown(engine, program, key, evaluation)?);
        }
    }
    Ok(Why {
        evaluated: match evaluation {
            Evaluation::Published => "published",
            Evaluation::Fresh => "fresh",
        },
        run_id,
        as_of,
        key: program.customers.key.clone(),
        score_edges,
        customers,
    })
}

/// The as-of date of the last run a database published (`None`: no run):
/// the rules are checked at that date to trace it.
pub fn published_as_of(engine: &Engine) -> Result<Option<jiff::civil::Date>, EngineError> {
    match last_run(engine) {
        Ok((_, as_of, _)) => Ok(as_of.parse().ok()),
        Err(EngineError::Why { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The last run's id, as-of date and dataset-level values; an error when
/// the database has no published run.
fn last_run(engine: &Engine) -> Result<(i64, String, Vec<Recorded>), EngineError> {
    let relations = engine.query_text(&crate::sql::relations(&DuckDb))?;
    let has = |name: &str| {
        relations
            .iter()
            .any(|row| matches!(row.as_slice(), [_, Some(s), Some(t)] if s == "main" && t == name))
    };
    if !has(CUSTOMERS_TABLE) || !has(crate::sql::RUNS_TABLE) {
        return Err(EngineError::Why {
            message: tr!("why-no-run"),
            help: tr!("why-no-run.help"),
        });
    }
    let mut run_id = 0;
    let mut as_of = String::new();
    let mut values = Vec::new();
    for row in engine.query_text(&queries::last_run_values(&DuckDb))? {
        let text = |i: usize| row.get(i).cloned().flatten();
        match text(2) {
            None => {
                run_id = text(0).and_then(|t| t.parse().ok()).unwrap_or(0);
                as_of = text(1).unwrap_or_default();
            }
            Some(name) => values.push((name, text(3), text(4).and_then(|t| t.parse().ok()))),
        }
    }
    Ok((run_id, as_of, values))
}

type Recorded = (String, Option<String>, Option<f64>);

fn edges_of(rows: Vec<Vec<Option<String>>>) -> Vec<ScoreEdge> {
    rows.into_iter()
        .map(|row| {
            let text = |i: usize| row.get(i).cloned().flatten();
            let number = |i: usize| text(i).and_then(|t| t.parse::<f64>().ok());
            ScoreEdge {
                score: text(0).unwrap_or_default(),
                group: None,
                bucket: number(1).unwrap_or(0.0) as i64,
                low: number(2),
                high: number(3),
                customers: number(4).unwrap_or(0.0) as i64,
            }
        })
        .collect()
}

/// An unknown customer: the key column, and the closest keys there are.
fn unknown(
    engine: &Engine,
    program: &Program,
    key: &str,
    evaluation: Evaluation,
) -> Result<EngineError, EngineError> {
    let sql = queries::keys(&DuckDb, program, evaluation == Evaluation::Published);
    let keys: Vec<String> = engine
        .query_text(&sql)?
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect();
    let mut ranked: Vec<(usize, &String)> = keys
        .iter()
        .map(|k| (strsim::levenshtein(k, key), k))
        .collect();
    ranked.sort();
    let close: Vec<String> = ranked
        .iter()
        .take(3)
        .filter(|(d, k)| *d <= k.chars().count().max(key.chars().count()) / 2 + 1)
        .map(|(_, k)| format!("`{k}`"))
        .collect();
    let message = match evaluation {
        Evaluation::Published => tr!("why-unknown-customer", key = key, table = CUSTOMERS_TABLE),
        Evaluation::Fresh => tr!(
            "why-unknown-customer-2",
            key = key,
            source = program.customers.name.as_str(),
            as_of = program.as_of.to_string()
        ),
    };
    let (column, source) = (
        program.customers.key.as_str(),
        program.customers.name.as_str(),
    );
    let help = if close.is_empty() {
        tr!(
            "why-unknown-customer.help",
            column = column,
            source = source
        )
    } else {
        tr!(
            "why-unknown-customer.help-2",
            column = column,
            source = source,
            closest = close.join(", ")
        )
    };
    Ok(EngineError::Why { message, help })
}

/// One row of the trace query as the customer's trace: the values of
/// the parts first, then each condition in its rule or tag.
fn lay_out(program: &Program, trace: &Trace, row: Vec<Option<String>>) -> CustomerTrace {
    let mut customer = CustomerTrace {
        key: String::new(),
        values: Vec::new(),
        segmentations: Vec::new(),
        tags: Vec::new(),
    };
    let mut parts: Vec<Vec<PartTrace>> = trace
        .conditions
        .iter()
        .map(|c| {
            c.parts
                .iter()
                .map(|p| PartTrace {
                    text: p.text.clone(),
                    outcome: None,
                    sides: p
                        .sides
                        .iter()
                        .map(|s| SideValue {
                            text: s.clone(),
                            value: None,
                        })
                        .collect(),
                })
                .collect()
        })
        .collect();
    let mut holds = vec![false; trace.conditions.len()];
    for (column, value) in trace.columns.iter().zip(row) {
        match *column {
            Column::Key => customer.key = value.unwrap_or_default(),
            Column::Value(i) => customer.values.push(NamedValue {
                name: program.nodes[i].name.clone(),
                kind: program.nodes[i].kind.kind_name(),
                value,
            }),
            Column::Label(i) => customer.segmentations.push(SegmentationTrace {
                segmentation: program.nodes[i].name.clone(),
                label: value,
                matched_rule: None,
                rules: Vec::new(),
            }),
            Column::Matched(_) => {
                if let Some(s) = customer.segmentations.last_mut() {
                    s.matched_rule = value.and_then(|v| v.parse().ok());
                }
            }
            Column::Holds(c) => holds[c] = value.as_deref() == Some("true"),
            Column::Outcome { condition, part } => {
                parts[condition][part].outcome = value.map(|v| v == "true")
            }
            Column::Side {
                condition,
                part,
                side,
            } => parts[condition][part].sides[side].value = value,
        }
    }
    let mut parts = parts.into_iter();
    for (c, condition) in trace.conditions.iter().enumerate() {
        let node = &program.nodes[condition.node];
        let condition_parts = parts.next().unwrap_or_default();
        match (&node.kind, condition.rule) {
            (NodeKind::Tag(e), _) => customer.tags.push(TagTrace {
                tag: node.name.clone(),
                condition: queries::written(program, e),
                holds: holds[c],
                parts: condition_parts,
            }),
            (NodeKind::Segmentation(rules), Some(r)) => {
                let Some(s) = customer
                    .segmentations
                    .iter_mut()
                    .find(|s| s.segmentation == node.name)
                else {
                    continue;
                };
                // The rules before this one without a condition cannot be:
                // `otherwise` is last. Rules are traced in order.
                s.rules.push(RuleTrace {
                    label: rules[r].label.clone(),
                    condition: rules[r]
                        .condition
                        .as_ref()
                        .map(|e| queries::written(program, e)),
                    holds: holds[c],
                    parts: condition_parts,
                });
            }
            _ => {}
        }
    }
    add_otherwise(program, &mut customer);
    customer
}

/// The `otherwise` rule of each segmentation, last: it always holds.
fn add_otherwise(program: &Program, customer: &mut CustomerTrace) {
    for s in &mut customer.segmentations {
        let found = program
            .nodes
            .iter()
            .enumerate()
            .find_map(|(i, n)| match &n.kind {
                NodeKind::Segmentation(rules) if n.name == s.segmentation => Some((i, rules)),
                _ => None,
            });
        let Some((node, rules)) = found else { continue };
        if queries::is_kmeans(program, node) {
            // Its rules read the cluster, which is not traced.
            continue;
        }
        let rules = Some(rules);
        if let Some(rule) = rules.and_then(|r| r.iter().find(|r| r.condition.is_none())) {
            s.rules.push(RuleTrace {
                label: rule.label.clone(),
                condition: None,
                holds: true,
                parts: Vec::new(),
            });
        }
    }
}
