//! Reading the membership history: label and tag sizes per run, and what
//! changed between two runs.

use serde::Serialize;

use super::changes::{Order, read};
use super::{Changes, Engine, EngineError};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::sql::history::{self as queries, HistoryColumns, Span};
use crate::sql::{DuckDb, LABEL_HISTORY, RUNS_TABLE, TAG_HISTORY};

/// How many example customers a cell of [`Changes`] lists.
pub const EXAMPLES: u32 = 5;

/// A run as `--from` / `--to` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRef {
    Id(i64),
    /// The last run as of that date or earlier.
    Date(jiff::civil::Date),
}

/// One run of the run log with its label and tag sizes.
#[derive(Debug, Clone, Serialize)]
pub struct RunSizes {
    pub run_id: i64,
    pub started_at: String,
    pub as_of: String,
    pub rules_hash: String,
    pub customers: i64,
    /// Whether the run wrote the membership history.
    pub with_history: bool,
    pub labels: Vec<LabelSize>,
    pub tags: Vec<TagSize>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LabelSize {
    pub segmentation: String,
    pub label: Option<String>,
    pub customers: i64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TagSize {
    pub tag: String,
    pub customers: i64,
}

/// Every run of the database, oldest first.
pub fn runs(engine: &Engine) -> Result<Vec<RunSizes>, EngineError> {
    if !has_table(engine, RUNS_TABLE)? {
        return Err(no_runs());
    }
    // The history tables and `with_history` come with the same run.
    let with_history = has_table(engine, LABEL_HISTORY)?;
    let rows = engine.query_text(&queries::runs(&DuckDb, with_history))?;
    rows.into_iter()
        .map(|row| {
            let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            let number = |i: usize| text(i).parse::<i64>().unwrap_or(0);
            let labels = serde_json::from_str(&text(5)).unwrap_or_default();
            let tags = serde_json::from_str(&text(6)).unwrap_or_default();
            Ok(RunSizes {
                run_id: number(0),
                started_at: text(1),
                as_of: text(2),
                rules_hash: text(3),
                customers: number(4),
                labels,
                tags,
                with_history: text(7) == "true",
            })
        })
        .collect()
}

/// The score edges of the last run of a database: which run, as of when,
/// and each score's buckets.
#[derive(Debug, Clone)]
pub struct LastEdges {
    pub run_id: i64,
    pub as_of: String,
    pub edges: Vec<super::ScoreEdge>,
}

/// The score edges of the last run (`None`: the database has no runs).
pub fn last_score_edges(engine: &Engine) -> Result<Option<LastEdges>, EngineError> {
    if !has_table(engine, RUNS_TABLE)? {
        return Ok(None);
    }
    let rows = engine.query_text(&queries::last_score_edges(&DuckDb))?;
    let mut last: Option<LastEdges> = None;
    for row in rows {
        let text = |i: usize| row.get(i).cloned().flatten();
        let number = |i: usize| text(i).and_then(|t| t.parse::<f64>().ok());
        let last = last.get_or_insert_with(|| LastEdges {
            run_id: number(0).unwrap_or(0.0) as i64,
            as_of: text(1).unwrap_or_default(),
            edges: Vec::new(),
        });
        last.edges.push(super::ScoreEdge {
            score: text(2).unwrap_or_default(),
            group: None,
            bucket: number(3).unwrap_or(0.0) as i64,
            low: number(4),
            high: number(5),
            customers: number(6).unwrap_or(0.0) as i64,
        });
    }
    Ok(last)
}

/// What changed between two runs of the database. Without `to`, the last
/// run; without `from`, the run before `to`.
pub fn changes(
    engine: &Engine,
    from: Option<RunRef>,
    to: Option<RunRef>,
) -> Result<Changes, EngineError> {
    let runs = runs(engine)?;
    if !has_table(engine, LABEL_HISTORY)? || !has_table(engine, TAG_HISTORY)? {
        return Err(history_error(
            "this database has no membership history yet",
            "`seg run` writes it from this version on; run the rules once more, then again after a change",
        ));
    }
    let to = match to {
        Some(r) => resolve(&runs, r)?,
        None => runs.last().map(|r| r.run_id).ok_or_else(no_runs)?,
    };
    let from = match from {
        Some(r) => resolve(&runs, r)?,
        None => runs
            .iter()
            .rev()
            .find(|r| r.run_id < to)
            .map(|r| r.run_id)
            .ok_or_else(|| {
                history_error(
                    format!("there is no run before run {to} to compare it with"),
                    "`seg changes` compares two runs; run the rules again (with other data, params or rules) and try once more",
                )
            })?,
    };
    if from >= to {
        return Err(history_error(
            format!("--from (run {from}) must be an earlier run than --to (run {to})"),
            "give the earlier run with --from and the later one with --to",
        ));
    }
    for id in [from, to] {
        let run = runs.iter().find(|r| r.run_id == id);
        if !run.is_some_and(|r| r.with_history) {
            let first = runs.iter().find(|r| r.with_history).map(|r| r.run_id);
            return Err(history_error(
                format!("run {id} was written before seg kept membership history"),
                match first {
                    Some(first) => {
                        format!("history starts at run {first}; compare runs from it on")
                    }
                    None => "no run has written history yet".to_string(),
                },
            ));
        }
    }
    let key = history_key(engine)?.unwrap_or_default();
    let order = catalogue_order(engine)?;
    between(
        engine,
        &HistoryColumns::of_key(&key),
        Span { from, to },
        &order,
    )
}

/// The history of a database is keyed by the customer key it began with:
/// rules with a key of another name cannot add to it (the run stops before
/// anything is written; renaming the column in both tables carries it on).
pub(crate) fn check_key(engine: &Engine, program: &Program) -> Result<(), EngineError> {
    let Some(key) = history_key(engine)? else {
        return Ok(());
    };
    let wanted = &program.customers.key;
    if crate::semantic::names::same(&key, wanted) {
        return Ok(());
    }
    Err(history_error(
        format!(
            "the membership history of this database is keyed by `{key}`, and the customer key of the rules is `{wanted}`"
        ),
        format!(
            "name the key column `{key}` again, or carry the history over to the new name: ALTER TABLE {LABEL_HISTORY} RENAME COLUMN \"{key}\" TO \"{wanted}\"; and the same for {TAG_HISTORY}"
        ),
    ))
}

/// The key column of the label history, if there is one.
fn history_key(engine: &Engine) -> Result<Option<String>, EngineError> {
    Ok(engine
        .query_text(&queries::history_key(&DuckDb))?
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().next().flatten()))
}

/// The labels of the current rule set (the last run's catalogue), in the
/// rules' order: (segmentation, label).
pub fn label_order(engine: &Engine) -> Result<Vec<(String, String)>, EngineError> {
    Ok(catalogue_order(engine)?.labels)
}

/// What this run changed since the previous run that wrote history (all
/// of it when there is none), read inside the run's transaction.
pub(crate) fn since_previous(
    engine: &Engine,
    program: &Program,
    run_id: i64,
) -> Result<Changes, EngineError> {
    let previous = engine
        .query_text(&queries::previous_history_run(&DuckDb))?
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().next().flatten())
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let span = Span {
        from: previous,
        to: run_id,
    };
    between(
        engine,
        &HistoryColumns::of_program(program),
        span,
        &Order::of_program(program),
    )
}

fn between(
    engine: &Engine,
    columns: &HistoryColumns,
    span: Span,
    order: &Order,
) -> Result<Changes, EngineError> {
    let labels = queries::label_changes(&DuckDb, columns, span, EXAMPLES);
    let tags = queries::tag_changes(&DuckDb, columns, span, EXAMPLES);
    let (transitions, tags) = read(engine, Some(&labels), &tags, order)?;
    Ok(Changes {
        from_run: (span.from > 0).then_some(span.from),
        to_run: Some(span.to),
        transitions,
        tags,
    })
}

/// The run a `--from` / `--to` names.
fn resolve(runs: &[RunSizes], r: RunRef) -> Result<i64, EngineError> {
    let found = match r {
        RunRef::Id(id) => runs.iter().find(|run| run.run_id == id),
        RunRef::Date(date) => {
            let date = date.to_string();
            runs.iter()
                .filter(|run| run.as_of <= date)
                .max_by_key(|run| (run.as_of.clone(), run.run_id))
        }
    };
    found.map(|run| run.run_id).ok_or_else(|| {
        let range = match (runs.first(), runs.last()) {
            (Some(first), Some(last)) => format!(
                "the runs are {} (as of {}) to {} (as of {}); `seg history` lists them",
                first.run_id, first.as_of, last.run_id, last.as_of
            ),
            _ => "the database has no runs yet".to_string(),
        };
        match r {
            RunRef::Id(id) => history_error(format!("there is no run {id}"), range),
            RunRef::Date(date) => {
                history_error(format!("no run is as of {date} or earlier"), range)
            }
        }
    })
}

/// The order of the current rule set, from the catalogue the last run
/// wrote.
fn catalogue_order(engine: &Engine) -> Result<Order, EngineError> {
    let mut order = Order::default();
    if !has_table(engine, crate::sql::CATALOG_TABLE)? {
        return Ok(order);
    }
    for row in engine.query_text(&queries::catalogue_order(&DuckDb))? {
        let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        match text(0).as_str() {
            "label" => {
                let segmentation = text(1);
                if !order.segmentations.contains(&segmentation) {
                    order.segmentations.push(segmentation.clone());
                }
                order.labels.push((segmentation, text(2)));
            }
            _ => order.tags.push(text(2)),
        }
    }
    Ok(order)
}

fn has_table(engine: &Engine, name: &str) -> Result<bool, EngineError> {
    let relations = engine.query_text(&crate::sql::relations(&DuckDb))?;
    Ok(relations.iter().any(|row| {
        matches!(row.as_slice(), [_, Some(schema), Some(table)] if schema == "main" && table == name)
    }))
}

pub(crate) fn no_runs() -> EngineError {
    history_error(tr!("history-no-runs"), tr!("history-no-runs.help"))
}

fn history_error(message: impl Into<String>, help: impl Into<String>) -> EngineError {
    EngineError::History {
        message: message.into(),
        help: help.into(),
    }
}
