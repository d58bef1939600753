//! A run: in one transaction, compute the new wide table, write the other
//! tables, summarise, then put the wide table in place of the previous
//! one. A failed or killed run leaves the previous outputs whole.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::run_log::{RunLogRow, lookup_miss};
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
    /// Reuse the base table of an earlier run when its fingerprint is the
    /// same, and keep this run's for the next (`seg watch`).
    pub base_cache: Option<super::BaseCache>,
    /// `--strict`: a failed expectation stops the run before it publishes.
    pub strict: bool,
    /// `--dry-run`: everything is computed, summarised and compared with
    /// the last run inside the transaction, which then rolls back: the
    /// database keeps its content, and no file is written.
    pub dry_run: bool,
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
    /// For each fact source the rules read, its rows and those without a
    /// customer.
    pub source_rows: Vec<SourceRows>,
    /// For each fact source read through a lookup table, its rows whose
    /// key the lookup does not list (kept, with the lookup's columns
    /// missing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lookup_misses: Vec<LookupMiss>,
    /// The sources read from a text file with a header line and no rows
    /// (zero facts), by name.
    pub header_only: Vec<String>,
    /// What the run found worth a look (many rows without a customer).
    pub warnings: Vec<String>,
    /// The tables written in the database.
    pub tables: Vec<String>,
    /// The files written with `--out`.
    pub files: Vec<String>,
    /// Whether the run read the base table an earlier run kept instead of
    /// computing it (`seg watch`; see `engine/base_cache.rs`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub base_reused: bool,
    /// Whether this was a `--dry-run`: nothing was published, `run_id` is
    /// the id the run would have had.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// What changed since the previous run of this database (`None`: not
    /// worked out yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<super::Changes>,
    /// How each `expect` of the rules came out on this run's table.
    pub expectations: Vec<super::ExpectationOutcome>,
    /// The clusters of the kmeans segmentations.
    pub clusters: Vec<super::kmeans::ClusterRecord>,
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
    /// The group, for a score `within` one (its value as text): the edges
    /// of each group's buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub bucket: i64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub customers: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetValue {
    pub name: String,
    /// The group, for a value `within` one: one value per group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
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

/// How many rows of a fact source a run read, and how many of them had no
/// customer in the key source (and so counted for no one).
#[derive(Debug, Clone, Serialize)]
pub struct SourceRows {
    pub source: String,
    /// Rows dated before the as-of date (all rows of an undated source).
    pub rows: i64,
    pub unmatched: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LookupMiss {
    pub source: String,
    pub lookup: String,
    pub key: String,
    pub rows: i64,
}

impl LookupMiss {
    pub(crate) fn warning(&self) -> Option<String> {
        (self.rows > 0).then(|| {
            format!(
                "{} {} of `{}` {} a `{}` that `{}` does not list: kept, with its columns missing",
                self.rows,
                if self.rows == 1 { "row" } else { "rows" },
                self.source,
                if self.rows == 1 { "has" } else { "have" },
                self.key,
                self.lookup
            )
        })
    }
}

impl SourceRows {
    /// More than this share of a source's rows without a customer is
    /// warned about: a few stray rows are common in real exports, many
    /// mean a wrong key or a stale customer list.
    pub const WARN_SHARE: f64 = 0.01;

    pub(crate) fn warning(&self) -> Option<String> {
        let share = self.unmatched as f64 / self.rows.max(1) as f64;
        (self.unmatched > 0 && share > Self::WARN_SHARE).then(|| {
            format!(
                "{} of {} rows of `{}` ({:.1}%) have no customer in the key source and count for no one",
                self.unmatched,
                self.rows,
                self.source,
                share * 100.0
            )
        })
    }
}

pub fn run(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<RunSummary, EngineError> {
    let started = Started::now();
    engine.seal_for_run(program, options.out.as_deref())?;
    check_before(engine, program, plan, observer)?;

    // A kept base is read before the transaction: attaching its file
    // inside it would abort the transaction if it failed.
    let kept = options
        .base_cache
        .as_ref()
        .and_then(|c| c.entry(program, plan));
    let reused = kept.as_ref().is_some_and(|e| e.kept && e.load(engine));
    let tracking = progress_tracking(engine);
    // Everything from here is one transaction: the computation writes the
    // new wide table, which is then published as it is, never copied. A
    // failure drops the transaction unfinished, which rolls it back.
    let transaction = begin(engine)?;
    let steps = Steps {
        reused,
        tracking,
        strict: options.strict,
    };
    let mut summary = compute_and_publish(engine, program, plan, &steps, observer, &started)?;
    if options.dry_run {
        transaction
            .rollback()
            .map_err(|e| engine.failed("rolling the dry run back", e))?;
        summary.dry_run = true;
        summary.tables.clear();
        summary.duration_ms = started.elapsed_ms();
        return Ok(summary);
    }
    commit(engine, transaction)?;
    engine.finish_unstopped();
    if let (Some(entry), Some(cache)) = (&kept, &options.base_cache)
        && !reused
    {
        // Only a time saver for the next run: a base that cannot be kept
        // is computed again then.
        let _ = entry.save(engine, cache);
    }
    if let Some(dir) = &options.out {
        observer.stage("Writing files");
        summary.files = export(engine, dir, options.csv)?;
    }
    summary.duration_ms = started.elapsed_ms();
    Ok(summary)
}

/// When a run started, by the wall clock (recorded) and a monotonic one
/// (its duration).
pub(super) struct Started {
    at: jiff::Timestamp,
    clock: Instant,
}

impl Started {
    pub(super) fn now() -> Started {
        Started {
            at: jiff::Timestamp::now(),
            clock: Instant::now(),
        }
    }

    pub(super) fn elapsed_ms(&self) -> u64 {
        self.clock.elapsed().as_millis() as u64
    }
}

/// What the steps inside a run's transaction do differently.
pub(super) struct Steps {
    /// The base table is there already (`seg watch` kept it).
    pub reused: bool,
    /// DuckDB reports the progress of each query.
    pub tracking: bool,
    /// A failed expectation is an error.
    pub strict: bool,
}

/// The checks a run makes before it writes anything: the customer keys of
/// the source, and of the history it reads.
pub(super) fn check_before(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    observer: &dyn Observer,
) -> Result<(), EngineError> {
    observer.stage("Checking customer keys");
    check_keys(engine, program, plan)?;
    // Before the computation, which reads the history by its key.
    super::history::check_key(engine, program)
}

/// Turns on DuckDB's progress estimates, if it lets us. Asked before the
/// transaction: a setting refused inside it (the configuration is locked
/// once sealed) would abort it.
pub(super) fn progress_tracking(engine: &Engine) -> bool {
    engine
        .connection()
        .set_query_progress_tracking(true)
        .is_ok()
}

/// Inside a transaction: computes the run, checks its expectations and
/// publishes it.
pub(super) fn compute_and_publish(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    steps: &Steps,
    observer: &dyn Observer,
    started: &Started,
) -> Result<RunSummary, EngineError> {
    observer.stage("Computing");
    let step = |statement: &sql::Statement| {
        with_progress(engine, observer, steps.tracking, || {
            engine.execute(&statement.title, &statement.sql)
        })
    };
    for statement in &plan.prepare {
        step(statement)?;
    }
    if !steps.reused {
        step(&plan.base)?;
    }
    if !plan.clusters.is_empty() {
        observer.stage("Clustering");
    }
    let clusters = super::kmeans::compute(engine, plan)?;
    step(&plan.derived)?;
    let expectations = expectations(engine, program, plan, steps.strict)?;
    observer.stage("Publishing");
    let mut summary = publish(engine, program, plan, started, expectations, clusters)?;
    summary.base_reused = steps.reused;
    Ok(summary)
}

pub(super) fn begin(engine: &Engine) -> Result<duckdb::Transaction<'_>, EngineError> {
    engine
        .connection()
        .unchecked_transaction()
        .map_err(|e| super::query_error("starting the transaction", e))
}

/// Commits a run's (or a replay's) transaction, unless a stop was
/// requested while its last statements ran: then it rolls back.
pub(super) fn commit(
    engine: &Engine,
    transaction: duckdb::Transaction<'_>,
) -> Result<(), EngineError> {
    engine.go_on()?;
    transaction
        .commit()
        .map_err(|e| engine.failed("committing", e))?;
    Ok(())
}

/// The expectations checked on the computed table; with `strict`, a
/// failure is an error, which drops the transaction before anything is
/// published.
fn expectations(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    strict: bool,
) -> Result<Vec<super::ExpectationOutcome>, EngineError> {
    let outcomes = super::expect::check(engine, program, plan)?;
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).cloned().collect();
    if strict && !failed.is_empty() {
        return Err(EngineError::ExpectationsFailed { failed });
    }
    Ok(outcomes)
}

fn timestamp(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Runs a query and reads each row with `read`.
fn query<T>(
    engine: &Engine,
    what: &str,
    sql: &str,
    read: impl FnMut(&duckdb::Row<'_>) -> duckdb::Result<T>,
) -> Result<Vec<T>, EngineError> {
    engine.go_on()?;
    let error = |e| engine.failed(what, e);
    let mut statement = engine.connection().prepare(sql).map_err(error)?;
    let rows = statement.query_map([], read).map_err(error)?;
    rows.collect::<duckdb::Result<Vec<T>>>().map_err(error)
}

/// A query of one row of numbers (a missing row or NULL reads as 0).
fn counts(engine: &Engine, what: &str, sql: &str) -> Result<Vec<i64>, EngineError> {
    let rows = query(engine, what, sql, |r| {
        let columns = r.as_ref().column_count();
        (0..columns)
            .map(|i| r.get::<_, Option<i64>>(i).map(Option::unwrap_or_default))
            .collect::<duckdb::Result<Vec<i64>>>()
    })?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

pub(super) fn check_keys(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
) -> Result<(), EngineError> {
    let numbers = counts(engine, "checking the customer keys", &plan.key_check)
        .map_err(|e| reading(e, &program.customers.name))?;
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
        let examples = query(
            engine,
            "listing duplicate keys",
            &plan.duplicate_keys,
            |r| r.get::<_, String>(0),
        )?
        .join(", ");
        return Err(EngineError::DuplicateKeys {
            key: program.customers.key.clone(),
            source_name: program.customers.name.clone(),
            count: duplicates,
            examples,
        });
    }
    check_lookups(engine, plan)
}

/// Each lookup table lists a key once: a fact row joined to two copies
/// would count twice. Checked before anything is computed.
fn check_lookups(engine: &Engine, plan: &Plan) -> Result<(), EngineError> {
    for check in &plan.lookup_checks {
        let keys = query(
            engine,
            "checking a lookup table's keys",
            &check.duplicates,
            |r| r.get::<_, String>(0),
        )
        .map_err(|e| reading(e, &check.lookup))?;
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

fn reading(e: EngineError, source: &str) -> EngineError {
    match e {
        EngineError::Query { message, .. } => EngineError::Query {
            what: format!("reading the source `{source}`"),
            message,
        },
        other => other,
    }
}

/// Runs `f` while a second thread reports DuckDB's progress estimate, if
/// `tracking` is on.
fn with_progress<T>(
    engine: &Engine,
    observer: &dyn Observer,
    tracking: bool,
    f: impl FnOnce() -> T,
) -> T {
    if !tracking {
        return f();
    }
    let handle = engine.connection().progress_handle();
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

/// Inside the run's transaction: replaces the published tables, summarises
/// them and records the run.
fn publish(
    engine: &Engine,
    program: &Program,
    plan: &Plan,
    started: &Started,
    expectations: Vec<super::ExpectationOutcome>,
    clusters: Vec<super::kmeans::ClusterRecord>,
) -> Result<RunSummary, EngineError> {
    for statement in &plan.publish {
        engine.execute(&statement.title, &statement.sql)?;
    }
    let mut summary = summarise(engine, program, plan)?;
    summary.expectations = expectations;
    summary.clusters = clusters;
    engine.execute(&plan.put_in_place.title, &plan.put_in_place.sql)?;
    summary.started_at = timestamp(started.at);
    summary.run_id = counts(engine, "numbering the run", &plan.next_run_id)?
        .first()
        .copied()
        .unwrap_or(1);
    summary.duration_ms = started.elapsed_ms();
    summary.tables = [
        CUSTOMERS_TABLE,
        TAGS_TABLE,
        sql::CATALOG_TABLE,
        sql::RUNS_TABLE,
        sql::LABEL_HISTORY,
        sql::TAG_HISTORY,
    ]
    .map(String::from)
    .to_vec();
    summary.changes = Some(super::history::since_previous(
        engine,
        program,
        summary.run_id,
    )?);
    record(engine, plan, &summary)?;
    Ok(summary)
}

fn summarise(engine: &Engine, program: &Program, plan: &Plan) -> Result<RunSummary, EngineError> {
    let q = &plan.summary;
    let customers = counts(engine, "counting customers", &q.customers)?
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
    let source_rows = source_rows(engine, q)?;
    let lookup_misses = lookup_misses(engine, q)?;
    Ok(RunSummary {
        run_id: 0,
        started_at: String::new(),
        duration_ms: 0,
        as_of: program.as_of.to_string(),
        as_of_origin: program.as_of_origin,
        rules_hash: program.rules_hash.clone(),
        customers,
        segmentations: label_counts(engine, program, q, &share)?,
        tags: tag_counts(engine, program, q, &share)?,
        score_edges: score_edges(engine, program, q)?,
        dataset_values: dataset_values(engine, program, q)?,
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
        dry_run: false,
        changes: None,
        expectations: Vec::new(),
        clusters: Vec::new(),
    })
}

/// Labels, in the order the rules list them; "no label" last.
fn label_counts(
    engine: &Engine,
    program: &Program,
    q: &sql::SummaryQueries,
    share: &dyn Fn(i64) -> f64,
) -> Result<Vec<SegmentationCounts>, EngineError> {
    let rows: Vec<(String, Option<String>, i64)> = match &q.labels {
        Some(sql) => query(engine, "counting labels", sql, |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?,
        None => Vec::new(),
    };
    Ok(segmentation_counts(program, &rows, share, true))
}

/// Each segmentation's label counts from `(segmentation, label, customers)`
/// rows, in the order the rules list the labels; "no label" last, when
/// someone has none or — with `no_label_without_otherwise` — whenever the
/// segmentation has no `otherwise`.
pub(crate) fn segmentation_counts(
    program: &Program,
    rows: &[(String, Option<String>, i64)],
    share: &dyn Fn(i64) -> f64,
    no_label_without_otherwise: bool,
) -> Vec<SegmentationCounts> {
    let mut segmentations = Vec::new();
    for (_, node) in program.declared() {
        let NodeKind::Segmentation(rules) = &node.kind else {
            continue;
        };
        let count_of = |label: Option<&str>| {
            rows.iter()
                .find(|(s, l, _)| *s == node.name && l.as_deref() == label)
                .map_or(0, |r| r.2)
        };
        let count = |label: Option<String>| {
            let n = count_of(label.as_deref());
            LabelCount {
                label,
                customers: n,
                share: share(n),
            }
        };
        let mut labels: Vec<LabelCount> =
            rules.iter().map(|r| count(Some(r.label.clone()))).collect();
        let without_otherwise = rules.iter().all(|r| r.condition.is_some());
        if count_of(None) > 0 || (no_label_without_otherwise && without_otherwise) {
            labels.push(count(None));
        }
        segmentations.push(SegmentationCounts {
            segmentation: node.name.clone(),
            labels,
        });
    }
    segmentations
}

/// Tags in catalogue order, then hand-assigned ones by name.
fn tag_counts(
    engine: &Engine,
    program: &Program,
    q: &sql::SummaryQueries,
    share: &dyn Fn(i64) -> f64,
) -> Result<Vec<TagCount>, EngineError> {
    let mut rows: Vec<(String, i64)> = query(engine, "counting tags", &q.tags, |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let count = |tag: String, customers: i64| TagCount {
        tag,
        customers,
        share: share(customers),
    };
    let mut tags: Vec<TagCount> = program
        .catalogue
        .iter()
        .filter(|e| e.kind != EntryKind::Label)
        .map(|e| {
            let n = rows.iter().find(|(t, _)| *t == e.name).map_or(0, |r| r.1);
            count(e.name.clone(), n)
        })
        .collect();
    rows.retain(|(name, _)| !tags.iter().any(|t| t.tag == *name));
    rows.sort();
    tags.extend(rows.into_iter().map(|(tag, n)| count(tag, n)));
    Ok(tags)
}

/// Score buckets in the order the scores are declared.
fn score_edges(
    engine: &Engine,
    program: &Program,
    q: &sql::SummaryQueries,
) -> Result<Vec<ScoreEdge>, EngineError> {
    let mut edges = match &q.score_edges {
        Some(sql) => query(engine, "reading score edges", sql, |r| {
            Ok(ScoreEdge {
                score: r.get(0)?,
                group: None,
                bucket: r.get(1)?,
                low: r.get(2)?,
                high: r.get(3)?,
                customers: r.get(4)?,
            })
        })?,
        None => Vec::new(),
    };
    if let Some(sql) = &q.group_score_edges {
        edges.extend(query(engine, "reading score edges per group", sql, |r| {
            Ok(ScoreEdge {
                score: r.get(0)?,
                group: r.get(1)?,
                bucket: r.get(2)?,
                low: r.get(3)?,
                high: r.get(4)?,
                customers: r.get(5)?,
            })
        })?);
    }
    edges.sort_by(|a, b| {
        let key = |e: &ScoreEdge| (declared(program, &e.score), e.group.clone(), e.bucket);
        key(a).cmp(&key(b))
    });
    Ok(edges)
}

/// Where a definition stands in the rules (for the summaries' order).
fn declared(program: &Program, name: &str) -> Option<usize> {
    program
        .nodes
        .iter()
        .find(|n| n.name == name)
        .map(|n| n.declared)
}

/// The percentiles, those per group after the others, each group's in
/// the groups' order.
fn dataset_values(
    engine: &Engine,
    program: &Program,
    q: &sql::SummaryQueries,
) -> Result<Vec<DatasetValue>, EngineError> {
    let mut values = match &q.dataset_values {
        Some(sql) => query(engine, "reading the percentiles", sql, |r| {
            Ok(DatasetValue {
                name: r.get(0)?,
                group: None,
                value: r.get(1)?,
            })
        })?,
        None => Vec::new(),
    };
    if let Some(sql) = &q.group_dataset_values {
        let mut grouped = query(engine, "reading the percentiles per group", sql, |r| {
            Ok(DatasetValue {
                name: r.get(0)?,
                group: r.get(1)?,
                value: r.get(2)?,
            })
        })?;
        grouped.sort_by(|a, b| {
            let key = |v: &DatasetValue| (declared(program, &v.name), v.group.clone());
            key(a).cmp(&key(b))
        });
        values.extend(grouped);
    }
    Ok(values)
}

/// Each read fact source's rows, and how many had no customer.
fn source_rows(engine: &Engine, q: &sql::SummaryQueries) -> Result<Vec<SourceRows>, EngineError> {
    let Some(matched) = &q.matched_rows else {
        return Ok(Vec::new());
    };
    let matched = counts(engine, "counting matched rows", matched)?;
    q.source_rows
        .iter()
        .zip(matched)
        .map(|((source, sql), matched)| {
            let rows = counts(engine, "counting rows", sql)
                .map_err(|e| reading(e, source))?
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

fn lookup_misses(engine: &Engine, q: &sql::SummaryQueries) -> Result<Vec<LookupMiss>, EngineError> {
    q.lookup_misses
        .iter()
        .map(|m| {
            let rows = counts(engine, "counting rows a lookup table lacks", &m.sql)
                .map_err(|e| reading(e, &m.source))?;
            Ok(lookup_miss(m, rows.first().copied().unwrap_or(0)))
        })
        .collect()
}

fn record(engine: &Engine, plan: &Plan, s: &RunSummary) -> Result<(), EngineError> {
    let r = RunLogRow::new(s, true);
    engine
        .connection()
        .execute(
            &plan.record_run,
            duckdb::params![
                r.run_id,
                r.started,
                r.duration_ms,
                r.as_of,
                r.as_of_origin,
                r.rules_hash,
                r.customers,
                r.labels,
                r.tags,
                r.score_edges,
                r.dataset_values,
                r.params,
                r.sources,
                r.source_rows,
                r.history,
                r.expectations,
                r.group_score_edges,
                r.group_dataset_values,
                r.clusters,
            ],
        )
        .map(|_| ())
        .map_err(|e| engine.failed("recording the run", e))
}

/// The files `--out` writes, for a folder and a format.
pub(super) fn export_paths(dir: &Path, csv: bool) -> Vec<(&'static str, PathBuf)> {
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
