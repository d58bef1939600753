//! A run: compute into temporary tables, summarise, then replace the
//! published tables in one transaction. A failed or killed run leaves the
//! previous outputs whole.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{AsOfOrigin, EntryKind, NodeKind};
use crate::sql::{self, CUSTOMERS_TABLE, DuckDb, Plan, TAGS_TABLE};

/// Hears how a run goes, to show progress.
pub trait Observer: Sync {
    /// A new stage starts ("Computing", "Publishing" ...).
    fn stage(&self, name: &str);
    /// How far the current query is, from 0 to 1, when DuckDB can tell.
    fn progress(&self, fraction: f64);
}

/// An observer that shows nothing.
pub struct Silent;

impl Observer for Silent {
    fn stage(&self, _: &str) {}
    fn progress(&self, _: f64) {}
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Also write the wide and long tables to this folder.
    pub out: Option<PathBuf>,
    /// Write CSV instead of Parquet.
    pub csv: bool,
}

/// What a run did: printed after it, and recorded in `seg_runs`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    pub started_at: String,
    pub duration_ms: u64,
    pub as_of: String,
    pub as_of_origin: AsOfOrigin,
    pub rules_hash: String,
    pub customers: i64,
    pub segmentations: Vec<SegmentationCounts>,
    pub tags: Vec<TagCount>,
    pub score_edges: Vec<ScoreEdge>,
    pub dataset_values: Vec<DatasetValue>,
    pub params: Vec<ParamValue>,
    pub sources: Vec<SourceRecord>,
    /// The tables written in the database.
    pub tables: Vec<String>,
    /// The files written with `--out`.
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentationCounts {
    pub segmentation: String,
    pub labels: Vec<LabelCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelCount {
    /// `None`: customers no rule matched (no `otherwise`).
    pub label: Option<String>,
    pub customers: i64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub customers: i64,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreEdge {
    pub score: String,
    pub bucket: i64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub customers: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetValue {
    pub name: String,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamValue {
    pub name: String,
    pub value: String,
    pub overridden: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRecord {
    pub name: String,
    pub location: String,
    /// A text file with a header line and no rows, read as zero facts
    /// (for the human summary; the run log's source records keep their shape).
    #[serde(skip)]
    pub header_only: bool,
}

pub fn run(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<RunSummary, EngineError> {
    let started_at = jiff::Timestamp::now();
    let clock = Instant::now();
    engine.seal_for_run(program, options.out.as_deref())?;

    observer.stage("Checking customer keys");
    check_keys(engine, program, plan)?;

    observer.stage("Computing");
    for statement in &plan.compute {
        with_progress(engine, observer, || {
            engine.execute(&statement.title, &statement.sql)
        })?;
    }

    observer.stage("Summarising");
    let mut summary = summarise(engine, program, plan)?;
    summary.started_at = started_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();

    observer.stage("Publishing");
    publish(engine, plan, &mut summary, clock)?;
    summary.tables = [
        CUSTOMERS_TABLE,
        TAGS_TABLE,
        sql::CATALOG_TABLE,
        sql::RUNS_TABLE,
    ]
    .map(String::from)
    .to_vec();

    if let Some(dir) = &options.out {
        observer.stage("Writing files");
        summary.files = export(engine, dir, options.csv)?;
    }
    summary.duration_ms = clock.elapsed().as_millis() as u64;
    Ok(summary)
}

fn check_keys(engine: &Engine, program: &Program, plan: &Plan) -> Result<(), EngineError> {
    let rows = engine
        .query_text(&plan.key_check)
        .map_err(|e| reading(e, &program.customers.name))?;
    let number = |i: usize| {
        rows.first()
            .and_then(|r| r.get(i).cloned().flatten())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let (duplicates, missing) = (number(1), number(2));
    if missing > 0 {
        return Err(EngineError::MissingKeys {
            key: program.customers.key.clone(),
            source_name: program.customers.name.clone(),
            count: missing,
        });
    }
    if duplicates > 0 {
        let examples = engine
            .query_text(&plan.duplicate_keys)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(EngineError::DuplicateKeys {
            key: program.customers.key.clone(),
            source_name: program.customers.name.clone(),
            count: duplicates,
            examples,
        });
    }
    Ok(())
}

fn reading(e: EngineError, source: &str) -> EngineError {
    match e {
        EngineError::Query { message, .. } => EngineError::Query {
            what: format!("reading the source `{source}`"),
            message,
        },
        other => other,
    }
}

/// Runs `f` while a second thread reports DuckDB's progress estimate.
fn with_progress<T>(engine: &Engine, observer: &dyn Observer, f: impl FnOnce() -> T) -> T {
    let conn = engine.connection();
    if conn.set_query_progress_tracking(true).is_err() {
        return f();
    }
    let handle = conn.progress_handle();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(pct) = handle.query_progress().percentage() {
                    observer.progress((pct / 100.0).clamp(0.0, 1.0));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let result = f();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}

fn summarise(engine: &Engine, program: &Program, plan: &Plan) -> Result<RunSummary, EngineError> {
    let int = |v: &Option<String>| {
        v.as_deref()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let float = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<f64>().ok());
    let customers = engine
        .query_text(&plan.summary.customers)?
        .first()
        .map_or(0, |r| int(&r[0]));
    let share = |n: i64| {
        if customers == 0 {
            0.0
        } else {
            n as f64 / customers as f64
        }
    };

    // Labels, in the order the rules list them; "no label" last.
    let label_rows = match &plan.summary.labels {
        Some(sql) => engine.query_text(sql)?,
        None => Vec::new(),
    };
    let mut segmentations = Vec::new();
    for (_, node) in program.declared() {
        let NodeKind::Segmentation(rules) = &node.kind else {
            continue;
        };
        let count_of = |label: Option<&str>| {
            label_rows
                .iter()
                .find(|r| r[0].as_deref() == Some(node.name.as_str()) && r[1].as_deref() == label)
                .map_or(0, |r| int(&r[2]))
        };
        let mut labels: Vec<LabelCount> = rules
            .iter()
            .map(|r| {
                let n = count_of(Some(&r.label));
                LabelCount {
                    label: Some(r.label.clone()),
                    customers: n,
                    share: share(n),
                }
            })
            .collect();
        let unlabelled = count_of(None);
        if unlabelled > 0 || rules.iter().all(|r| r.condition.is_some()) {
            labels.push(LabelCount {
                label: None,
                customers: unlabelled,
                share: share(unlabelled),
            });
        }
        segmentations.push(SegmentationCounts {
            segmentation: node.name.clone(),
            labels,
        });
    }

    // Tags in catalogue order, then hand-assigned ones by name.
    let tag_rows = engine.query_text(&plan.summary.tags)?;
    let mut tags: Vec<TagCount> = program
        .catalogue
        .iter()
        .filter(|e| e.kind != EntryKind::Label)
        .map(|e| {
            let n = tag_rows
                .iter()
                .find(|r| r[0].as_deref() == Some(e.name.as_str()))
                .map_or(0, |r| int(&r[1]));
            TagCount {
                tag: e.name.clone(),
                customers: n,
                share: share(n),
            }
        })
        .collect();
    let mut extra: Vec<TagCount> = tag_rows
        .iter()
        .filter_map(|r| {
            let name = r[0].clone()?;
            (!tags.iter().any(|t| t.tag == name)).then(|| TagCount {
                tag: name,
                customers: int(&r[1]),
                share: share(int(&r[1])),
            })
        })
        .collect();
    extra.sort_by(|a, b| a.tag.cmp(&b.tag));
    tags.extend(extra);

    let mut score_edges: Vec<ScoreEdge> = match &plan.summary.score_edges {
        Some(sql) => engine
            .query_text(sql)?
            .iter()
            .map(|r| ScoreEdge {
                score: r[0].clone().unwrap_or_default(),
                bucket: int(&r[1]),
                low: float(&r[2]),
                high: float(&r[3]),
                customers: int(&r[4]),
            })
            .collect(),
        None => Vec::new(),
    };
    let score_order = |name: &str| {
        program
            .nodes
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.declared)
    };
    score_edges.sort_by_key(|e| (score_order(&e.score), e.bucket));

    let dataset_values = match &plan.summary.dataset_values {
        Some(sql) => engine
            .query_text(sql)?
            .iter()
            .map(|r| DatasetValue {
                name: r[0].clone().unwrap_or_default(),
                value: float(&r[1]),
            })
            .collect(),
        None => Vec::new(),
    };

    Ok(RunSummary {
        run_id: 0,
        started_at: String::new(),
        duration_ms: 0,
        as_of: program.as_of.to_string(),
        as_of_origin: program.as_of_origin,
        rules_hash: program.rules_hash.clone(),
        customers,
        segmentations,
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
        tables: Vec::new(),
        files: Vec::new(),
    })
}

/// Replaces the published tables and records the run, all or nothing.
fn publish(
    engine: &Engine,
    plan: &Plan,
    summary: &mut RunSummary,
    clock: Instant,
) -> Result<(), EngineError> {
    let conn = engine.connection();
    engine.execute("starting the transaction", "BEGIN TRANSACTION")?;
    let result = (|| {
        engine.execute("creating the run log", &plan.runs_table)?;
        for statement in &plan.publish {
            engine.execute(&statement.title, &statement.sql)?;
        }
        let id: i64 = conn
            .query_row(&plan.next_run_id, [], |r| r.get(0))
            .map_err(|e| super::query_error("numbering the run", e))?;
        summary.run_id = id;
        summary.duration_ms = clock.elapsed().as_millis() as u64;
        record(engine, plan, summary)
    })();
    match result {
        Ok(()) => engine.execute("committing", "COMMIT"),
        Err(e) => {
            // Nothing of this run is kept; the previous outputs stay.
            let _ = engine.execute("rolling back", "ROLLBACK");
            Err(e)
        }
    }
}

fn record(engine: &Engine, plan: &Plan, s: &RunSummary) -> Result<(), EngineError> {
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
    let started = s.started_at.trim_end_matches('Z').replace('T', " ");
    let as_of_origin = serde_json::to_value(s.as_of_origin)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    engine
        .connection()
        .execute(
            &plan.record_run,
            duckdb::params![
                s.run_id,
                started,
                s.duration_ms as i64,
                s.as_of,
                as_of_origin,
                s.rules_hash,
                s.customers,
                json(&labels),
                json(&tags),
                json(&s.score_edges),
                json(&s.dataset_values),
                json(&s.params),
                json(&s.sources),
            ],
        )
        .map(|_| ())
        .map_err(|e| super::query_error("recording the run", e))
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_string())
}

/// The files `--out` writes, for a folder and a format.
fn export_paths(dir: &Path, csv: bool) -> Vec<(&'static str, PathBuf)> {
    let extension = if csv { "csv" } else { "parquet" };
    [CUSTOMERS_TABLE, TAGS_TABLE]
        .into_iter()
        .map(|table| (table, dir.join(format!("{table}.{extension}"))))
        .collect()
}

/// Checks before a run that `--out` can be written, so that a bad folder
/// fails the run before anything is published rather than after.
pub fn check_out_dir(dir: &Path, csv: bool) -> Result<(), EngineError> {
    let refuse = |path: &Path, message: &str| EngineError::Write {
        path: path.display().to_string(),
        message: message.to_string(),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(refuse(dir, "it is a file, not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| refuse(dir, &e.to_string()))?;
    for (_, path) in export_paths(dir, csv) {
        if path.is_dir() {
            return Err(refuse(&path, "a folder of that name is in the way"));
        }
    }
    let probe = dir.join(".seg-write-check");
    std::fs::write(&probe, b"").map_err(|e| refuse(dir, &e.to_string()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Writes the wide and long tables as a pair: both under temporary names
/// first, then renamed, so a failure never leaves a new file beside an old
/// one.
fn export(engine: &Engine, dir: &Path, csv: bool) -> Result<Vec<String>, EngineError> {
    let write_error = |path: &Path, e: &dyn std::fmt::Display| EngineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    check_out_dir(dir, csv)?;
    let files = export_paths(dir, csv);
    let partial = |path: &Path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        dir.join(format!(".{name}.partial"))
    };
    for (table, path) in &files {
        let sql = sql::export(&DuckDb, table, &partial(path).to_string_lossy(), csv);
        if let Err(e) = engine.execute(&format!("writing {}", path.display()), &sql) {
            for (_, p) in &files {
                let _ = std::fs::remove_file(partial(p));
            }
            return Err(e);
        }
    }
    for (_, path) in &files {
        std::fs::rename(partial(path), path).map_err(|e| write_error(path, &e))?;
    }
    Ok(files.iter().map(|(_, p)| p.display().to_string()).collect())
}
