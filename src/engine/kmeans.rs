//! Runs a kmeans segmentation's statements (`sql/kmeans.rs`) inside the
//! run's transaction, after the base and before the derived steps that
//! read its clusters: the points, k-means++ seeding, then Lloyd's
//! iterations until the centres move less than [`sql::TOLERANCE`] (in
//! squared standard deviations, summed) or [`sql::MAX_ITERATIONS`] have
//! run; then each customer's cluster, and what the run log records.

use serde::Serialize;

use super::{Engine, EngineError};
use crate::sql::{self, ClusterPlan, Plan};

/// One cluster of a kmeans segmentation, as the run log records it.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterRecord {
    pub segmentation: String,
    pub cluster: i64,
    pub customers: i64,
    /// The centroid in the inputs' own units (`log` inputs turned back).
    pub centroid: Vec<f64>,
    /// The centroid in standard deviations from each input's mean.
    pub standardised: Vec<f64>,
    pub inputs: Vec<String>,
    /// The Lloyd iterations made, and the sum of squared (standardised)
    /// distances of the customers to their centroids: the segmentation's.
    pub iterations: i64,
    pub inertia: f64,
}

/// Computes every kmeans segmentation of the plan, in order.
pub fn compute(engine: &Engine, plan: &Plan) -> Result<Vec<ClusterRecord>, EngineError> {
    let mut records = Vec::new();
    for cluster in &plan.clusters {
        records.extend(one(engine, cluster)?);
    }
    Ok(records)
}

fn one(engine: &Engine, c: &ClusterPlan) -> Result<Vec<ClusterRecord>, EngineError> {
    let what = format!("clustering `{}`", c.segmentation);
    for statement in &c.setup {
        engine.execute(&what, statement)?;
    }
    let scale = numbers(engine, &what, &c.read_scale)?;
    let points = scale.last().copied().unwrap_or(0.0);
    let mut iterations = 0;
    if points > 0.0 {
        for seed in &c.seeds {
            engine.execute(&what, seed)?;
        }
        loop {
            engine.execute(&what, &c.step)?;
            let moved = numbers(engine, &what, &c.movement)?;
            engine.execute(&what, &c.moved)?;
            iterations += 1;
            let settled = moved.first().is_none_or(|m| *m <= sql::TOLERANCE);
            if settled || iterations >= sql::MAX_ITERATIONS {
                break;
            }
        }
    }
    engine.execute(&what, &c.labels)?;
    let rows = rows(engine, &what, &c.report)?;
    engine.execute(&what, &c.clean_up)?;
    let inertia: f64 = rows.iter().map(|r| r[2]).sum();
    Ok(rows
        .into_iter()
        .map(|row| {
            let standardised = row[3..].to_vec();
            let centroid = standardised
                .iter()
                .enumerate()
                .map(|(j, z)| {
                    let (mean, sd) = (scale[2 * j], scale[2 * j + 1]);
                    let value = mean + z * sd;
                    if c.log[j] { value.exp() - 1.0 } else { value }
                })
                .collect();
            ClusterRecord {
                segmentation: c.segmentation.clone(),
                cluster: row[0] as i64,
                customers: row[1] as i64,
                centroid,
                standardised,
                inputs: c.inputs.clone(),
                iterations: iterations as i64,
                inertia,
            }
        })
        .collect())
}

/// The rows of a query of numbers (NULL reads as 0).
fn rows(engine: &Engine, what: &str, sql: &str) -> Result<Vec<Vec<f64>>, EngineError> {
    Ok(engine
        .query_text(sql)
        .map_err(|e| match e {
            EngineError::Query { message, .. } => EngineError::Query {
                what: what.to_string(),
                message,
            },
            other => other,
        })?
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|v| v.and_then(|v| v.parse().ok()).unwrap_or(0.0))
                .collect()
        })
        .collect())
}

fn numbers(engine: &Engine, what: &str, sql: &str) -> Result<Vec<f64>, EngineError> {
    Ok(rows(engine, what, sql)?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// `seg diff` and `seg lint --db` compute a rule set in one query, which
/// has no room for the iterations: a clear refusal rather than a wrong
/// answer.
pub fn refuse(command: &str, program: &crate::semantic::Program) -> Result<(), EngineError> {
    match program.clusters.first() {
        None => Ok(()),
        Some(k) => Err(EngineError::Query {
            what: command.to_string(),
            message: format!(
                "the rules have the kmeans segmentation `{}`, which {command} does not compute yet (E334); compare runs instead with `seg changes`",
                program.nodes[k.node].name
            ),
        }),
    }
}
