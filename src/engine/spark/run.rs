//! A run on Spark: the plan's statements in the DuckDB run's order, without
//! a transaction. Every published table's new version is written under its
//! staging name first (`sql::staged`); only when all of them are written,
//! and the summaries read, are they swapped in, then the run is logged.
//! A failure before the swap leaves the previous tables as they were.

use std::time::Instant;

use super::SparkEngine;
use crate::engine::run::{
    DatasetValue, LookupMiss, ParamValue, RunOptions, RunSummary, ScoreEdge, SourceRecord,
    SourceRows, TagCount, segmentation_counts,
};
use crate::engine::run_log::{RunLogRow, lookup_miss};
use crate::engine::{EngineError, Observer};
use crate::semantic::Program;
use crate::semantic::ir::EntryKind;
use crate::sql::{self, Plan};

type Rows = Vec<Vec<Option<String>>>;

pub fn run(
    engine: &SparkEngine,
    program: &Program,
    plan: &Plan,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<RunSummary, EngineError> {
    let started_at = jiff::Timestamp::now();
    let clock = Instant::now();
    refuse_what_spark_does_not_run(program, plan, options)?;
    observer.stage("Checking customer keys");
    check_keys(engine, program, plan)?;
    check_lookups(engine, plan)?;

    observer.stage("Computing");
    for statement in plan.prepare.iter().chain([&plan.base, &plan.derived]) {
        engine.execute(&statement.title, &statement.sql)?;
    }
    observer.stage("Publishing");
    for statement in &plan.publish {
        engine.execute(&statement.title, &statement.sql)?;
    }
    let mut summary = summarise(engine, program, plan)?;
    summary.run_id = engine
        .counts("numbering the run", &plan.next_run_id)?
        .first()
        .copied()
        .unwrap_or(1);
    // The last step: the new versions take the published names.
    engine.execute(&plan.put_in_place.title, &plan.put_in_place.sql)?;
    summary.started_at = started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    summary.duration_ms = clock.elapsed().as_millis() as u64;
    summary.tables = [
        sql::CUSTOMERS_TABLE,
        sql::TAGS_TABLE,
        sql::CATALOG_TABLE,
        sql::RUNS_TABLE,
    ]
    .map(String::from)
    .to_vec();
    record(engine, plan, &summary)?;
    // Scratch tables are the run's own: dropped, or left for the next run
    // to replace when dropping fails.
    let _ = engine.execute(
        "dropping the scratch tables",
        &[sql::BASE, sql::RESULT]
            .map(|t| format!("DROP TABLE IF EXISTS {}", quoted(engine, t)))
            .join(";\n"),
    );
    if let Some(dir) = &options.out {
        observer.stage("Writing files");
        summary.files = super::out::export(engine, dir, options.csv)?;
    }
    summary.duration_ms = clock.elapsed().as_millis() as u64;
    Ok(summary)
}

/// What a rule set may use on DuckDB that a Spark run does not do (yet):
/// refused before anything is read or written (docs/spark.md, "Not yet
/// on Spark"). A file's `columns`/`types` are refused earlier, by the
/// catalog, when the check describes the source.
pub fn refuse_what_spark_does_not_run(
    program: &Program,
    plan: &Plan,
    options: &RunOptions,
) -> Result<(), EngineError> {
    let refuse = |what: &str| {
        Err(EngineError::NotOnSpark {
            what: what.to_string(),
        })
    };
    if options.strict && plan.expectations.is_some() {
        return refuse("checking `expect` statements (--strict)");
    }
    if let Some(k) = program.clusters.first() {
        let name = program.nodes.get(k.node).map_or("", |n| n.name.as_str());
        return refuse(&format!("the kmeans segmentation `{name}`"));
    }
    Ok(())
}

pub(super) fn quoted(engine: &SparkEngine, name: &str) -> String {
    sql::Dialect::identifier(engine.dialect(), name)
}

fn check_keys(engine: &SparkEngine, program: &Program, plan: &Plan) -> Result<(), EngineError> {
    let numbers = engine.counts("checking the customer keys", &plan.key_check)?;
    let number = |i: usize| numbers.get(i).copied().unwrap_or(0);
    let (duplicates, missing) = (number(1), number(2));
    if missing > 0 {
        return Err(EngineError::MissingKeys {
            key: program.customers.key.clone(),
            source_name: program.customers.name.clone(),
            count: missing,
        });
    }
    if duplicates > 0 {
        let examples: Vec<String> = engine
            .query_text(&plan.duplicate_keys)?
            .into_iter()
            .filter_map(|r| r.into_iter().next()?)
            .collect();
        return Err(EngineError::DuplicateKeys {
            key: program.customers.key.clone(),
            source_name: program.customers.name.clone(),
            count: duplicates,
            examples: examples.join(", "),
        });
    }
    Ok(())
}

/// Each lookup table lists a key once (as the DuckDB run checks).
fn check_lookups(engine: &SparkEngine, plan: &Plan) -> Result<(), EngineError> {
    for check in &plan.lookup_checks {
        let keys: Vec<String> = engine
            .query_text(&check.duplicates)?
            .into_iter()
            .filter_map(|r| r.into_iter().next()?)
            .collect();
        if !keys.is_empty() {
            let mut examples = keys.join(", ");
            if keys.len() as u64 == sql::LOOKUP_EXAMPLES {
                examples.push_str(" (and maybe more)");
            }
            return Err(EngineError::DuplicateLookupKeys {
                key: check.key.clone(),
                source_name: check.lookup.clone(),
                examples,
            });
        }
    }
    Ok(())
}

fn text(row: &[Option<String>], i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

fn number(row: &[Option<String>], i: usize) -> i64 {
    text(row, i).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn float(row: &[Option<String>], i: usize) -> Option<f64> {
    text(row, i).and_then(|v| v.parse().ok())
}

fn rows(engine: &SparkEngine, sql: Option<&String>) -> Result<Rows, EngineError> {
    sql.map_or(Ok(Vec::new()), |sql| engine.query_text(sql))
}

/// The same summary as a DuckDB run's, read from the staged tables.
fn summarise(
    engine: &SparkEngine,
    program: &Program,
    plan: &Plan,
) -> Result<RunSummary, EngineError> {
    let q = &plan.summary;
    let customers = engine
        .counts("counting customers", &q.customers)?
        .first()
        .copied()
        .unwrap_or(0);
    let share = |n: i64| {
        if customers == 0 {
            0.0
        } else {
            n as f64 / customers as f64
        }
    };
    let labels: Vec<(String, Option<String>, i64)> = rows(engine, q.labels.as_ref())?
        .iter()
        .map(|r| (text(r, 0).unwrap_or_default(), text(r, 1), number(r, 2)))
        .collect();
    let mut tag_rows: Vec<(String, i64)> = engine
        .query_text(&q.tags)?
        .iter()
        .map(|r| (text(r, 0).unwrap_or_default(), number(r, 1)))
        .collect();
    let count = |tag: String, n: i64| TagCount {
        tag,
        customers: n,
        share: share(n),
    };
    let mut tags: Vec<TagCount> = program
        .catalogue
        .iter()
        .filter(|e| e.kind != EntryKind::Label)
        .map(|e| {
            let n = tag_rows
                .iter()
                .find(|(t, _)| *t == e.name)
                .map_or(0, |r| r.1);
            count(e.name.clone(), n)
        })
        .collect();
    tag_rows.retain(|(name, _)| !tags.iter().any(|t| t.tag == *name));
    tag_rows.sort();
    tags.extend(tag_rows.into_iter().map(|(tag, n)| count(tag, n)));
    let declared = |name: &str| {
        program
            .nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.declared)
    };
    let edge = |r: &Vec<Option<String>>, group: Option<String>, at: usize| ScoreEdge {
        score: text(r, 0).unwrap_or_default(),
        group,
        bucket: number(r, at),
        low: float(r, at + 1),
        high: float(r, at + 2),
        customers: number(r, at + 3),
    };
    let mut score_edges: Vec<ScoreEdge> = rows(engine, q.score_edges.as_ref())?
        .iter()
        .map(|r| edge(r, None, 1))
        .chain(
            rows(engine, q.group_score_edges.as_ref())?
                .iter()
                .map(|r| edge(r, text(r, 1), 2)),
        )
        .collect();
    score_edges.sort_by_key(|e| (declared(&e.score), e.group.clone(), e.bucket));
    let mut dataset_values: Vec<DatasetValue> = rows(engine, q.dataset_values.as_ref())?
        .iter()
        .map(|r| DatasetValue {
            name: text(r, 0).unwrap_or_default(),
            group: None,
            value: float(r, 1),
        })
        .collect();
    let mut grouped: Vec<DatasetValue> = rows(engine, q.group_dataset_values.as_ref())?
        .iter()
        .map(|r| DatasetValue {
            name: text(r, 0).unwrap_or_default(),
            group: text(r, 1),
            value: float(r, 2),
        })
        .collect();
    grouped.sort_by_key(|v| (declared(&v.name), v.group.clone()));
    dataset_values.extend(grouped);
    let source_rows = source_rows(engine, q)?;
    let lookup_misses = lookup_misses(engine, q)?;
    Ok(RunSummary {
        dry_run: false,
        run_id: 0,
        started_at: String::new(),
        duration_ms: 0,
        as_of: program.as_of.to_string(),
        as_of_origin: program.as_of_origin,
        rules_hash: program.rules_hash.clone(),
        customers,
        segmentations: segmentation_counts(program, &labels, &share, true),
        tags,
        score_edges,
        dataset_values,
        params: program
            .params
            .iter()
            .map(|p| ParamValue {
                name: p.name.clone(),
                value: p.value.display(),
                overridden: p.overridden,
            })
            .collect(),
        sources: std::iter::once(&program.customers)
            .chain(&program.facts)
            .map(|s| SourceRecord {
                name: s.name.clone(),
                location: s.location.describe(),
                header_only: s.header_only.is_some(),
            })
            .collect(),
        warnings: source_rows
            .iter()
            .filter_map(SourceRows::warning)
            .chain(lookup_misses.iter().filter_map(LookupMiss::warning))
            .collect(),
        lookup_misses,
        source_rows,
        header_only: std::iter::once(&program.customers)
            .chain(&program.facts)
            .filter(|s| s.header_only.is_some())
            .map(|s| s.name.clone())
            .collect(),
        tables: Vec::new(),
        files: Vec::new(),
        base_reused: false,
        changes: None,
        expectations: Vec::new(),
        clusters: Vec::new(),
    })
}

fn source_rows(
    engine: &SparkEngine,
    q: &sql::SummaryQueries,
) -> Result<Vec<SourceRows>, EngineError> {
    let Some(matched) = &q.matched_rows else {
        return Ok(Vec::new());
    };
    let matched = engine.counts("counting matched rows", matched)?;
    q.source_rows
        .iter()
        .zip(matched)
        .map(|((source, sql), matched)| {
            let rows = engine
                .counts(&format!("counting the rows of `{source}`"), sql)?
                .first()
                .copied()
                .unwrap_or(0);
            Ok(SourceRows {
                source: source.clone(),
                rows,
                unmatched: rows - matched,
            })
        })
        .collect()
}

fn lookup_misses(
    engine: &SparkEngine,
    q: &sql::SummaryQueries,
) -> Result<Vec<LookupMiss>, EngineError> {
    q.lookup_misses
        .iter()
        .map(|m| {
            let rows = engine.counts("counting rows a lookup table lacks", &m.sql)?;
            Ok(lookup_miss(m, rows.first().copied().unwrap_or(0)))
        })
        .collect()
}

/// Appends the run to the run log, every value bound by name as text and
/// cast (or read from JSON) by the statement. Spark runs do not write the
/// membership history.
fn record(engine: &SparkEngine, plan: &Plan, s: &RunSummary) -> Result<(), EngineError> {
    let parameters = RunLogRow::new(s, false)
        .texts()
        .into_iter()
        .enumerate()
        .map(|(i, v)| (format!("p{}", i + 1), v))
        .collect();
    engine
        .batches("recording the run", &plan.record_run, parameters)
        .map(|_| ())
}
