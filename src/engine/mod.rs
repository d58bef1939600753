//! Stage 4, engine: DuckDB. Opens the database, describes sources for the
//! checker, runs a [`Plan`](crate::sql::Plan) and writes its outputs. The
//! only module that talks to DuckDB.

mod base_cache;
mod changes;
mod demo;
pub mod diff;
mod examples;
mod expect;
pub mod history;
mod kmeans;
mod profile;
mod replay;
pub mod report;
mod run;
mod run_log;
mod sandbox;
mod snapshot;
#[cfg(feature = "spark")]
pub mod spark;
mod why;

pub use base_cache::BaseCache;
pub use changes::{Cell, Changes, TAG_PREFIX, TagChange, Transition};
pub use demo::{DemoData, generate_demo};
pub use diff::{Diff, diff};
pub use examples::{ExampleOutcome, run_examples};
pub use expect::{ExpectationOutcome, percent};
pub use kmeans::ClusterRecord;
pub use profile::{Profile, profile};
pub use replay::{Loaded, Replay, load_sources};
pub use run::{
    DatasetValue, LabelCount, Observer, ParamValue, RunOptions, RunSummary, ScoreEdge,
    SegmentationCounts, Silent, SourceRecord, SourceRows, TagCount, check_out_dir, run,
};
pub use snapshot::wide_table;
pub use why::{
    CustomerTrace, Evaluation, PartTrace, RuleTrace, SegmentationTrace, TagTrace, Why,
    published_as_of, why,
};

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use duckdb::{AccessMode, Config, Connection};

use crate::semantic::ir::{FileFormat, Location, pattern_reach};
use crate::semantic::{Catalog, Column};
use crate::sql::{self, DuckDb};

/// Why the engine could not do its job. These are data and environment
/// problems (exit status 2), not rule errors.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EngineError {
    #[error("cannot open the database `{path}`: {message}")]
    #[diagnostic(code(seg::database))]
    Open { path: String, message: String },

    #[error("the database `{path}` is in use by another process (waited {waited_secs} s for it)")]
    #[diagnostic(
        code(seg::database_locked),
        help(
            "DuckDB lets one process open a database file at a time; wait for the other `seg run` (or close the other program) and try again, or wait longer with --wait SECONDS"
        )
    )]
    Locked { path: String, waited_secs: u64 },

    #[error("{what} failed: {message}")]
    #[diagnostic(code(seg::query))]
    Query { what: String, message: String },

    /// DuckDB could not get memory, even spilling to its temporary folder.
    #[error("{what} ran out of memory: {message}")]
    #[diagnostic(
        code(seg::out_of_memory),
        help(
            "give the run more memory with --memory-limit (e.g. --memory-limit 8GB), or fewer threads with --threads 1 (each thread holds its own buffers)"
        )
    )]
    OutOfMemory { what: String, message: String },

    #[error(
        "the customer key `{key}` of `{source_name}` is not unique: {count} keys appear more than once (for example {examples})"
    )]
    #[diagnostic(
        code(seg::duplicate_keys),
        help(
            "every customer must appear once in the customer source; remove the duplicates or choose another `key` column"
        )
    )]
    DuplicateKeys {
        key: String,
        source_name: String,
        count: i64,
        examples: String,
    },

    #[error(
        "the key `{key}` of the lookup table `{source_name}` is not unique: {examples} appear more than once"
    )]
    #[diagnostic(
        code(seg::duplicate_lookup_keys),
        help(
            "a lookup table lists each key once, or a fact row would count once per copy; remove the duplicates from `{source_name}`"
        )
    )]
    DuplicateLookupKeys {
        key: String,
        source_name: String,
        examples: String,
    },

    #[error("{count} rows of `{source_name}` have no customer key `{key}`")]
    #[diagnostic(
        code(seg::missing_keys),
        help("every customer needs a key; fill in or remove the rows without one")
    )]
    MissingKeys {
        key: String,
        source_name: String,
        count: i64,
    },

    /// `seg run --strict`: an expectation failed, so nothing was published.
    #[error("{} of the rules' expectations failed; nothing was published", failed.len())]
    #[diagnostic(
        code(seg::expectations),
        help("the previous tables are unchanged; without --strict the run publishes and warns")
    )]
    ExpectationsFailed { failed: Vec<ExpectationOutcome> },

    #[error("cannot reach Spark Connect at `{remote}`: {message}")]
    #[diagnostic(
        code(seg::spark_connect),
        help(
            "start a Spark Connect server (tests/spark/start.sh starts one on 127.0.0.1:15002) or pass the cluster's address, --remote sc://host:15002"
        )
    )]
    Connect { remote: String, message: String },

    #[error("{what} is not supported on Spark yet")]
    #[diagnostic(
        code(seg::not_on_spark),
        help(
            "run on DuckDB (the default engine) for this, or leave it out; docs/spark.md lists what Spark runs"
        )
    )]
    NotOnSpark { what: String },

    /// A text file with bytes that are not UTF-8: most often a GBK export.
    #[error(
        "`{file}` is not UTF-8 text, so seg cannot read it (a GBK or GB18030 export, or Latin-1?): convert it once with `iconv -f GBK -t UTF-8 {file} > {converted}` and read the converted file, or declare `with encoding \"latin-1\"` (or \"utf-16\") if it is in one of those"
    )]
    #[diagnostic(
        code(seg::not_utf8),
        help(
            "seg reads text files as UTF-8 (and, with `encoding`, UTF-16 and Latin-1); `file -i <file>` tells which encoding a file is in"
        )
    )]
    NotUtf8 { file: String, converted: String },

    #[error("DuckDB refused the memory limit, threads or temporary folder: {message}")]
    #[diagnostic(
        code(seg::resources),
        help("--memory-limit takes a size such as 4GB or 512MiB, --threads a number of threads")
    )]
    Resources { message: String },

    #[error("cannot write `{path}`: {message}")]
    #[diagnostic(code(seg::write))]
    Write { path: String, message: String },

    #[error("--allow-path `{path}`: {message}")]
    #[diagnostic(
        code(seg::allow_path),
        help("--allow-path names an existing folder that sources may be read from")
    )]
    AllowPath { path: String, message: String },

    #[error("cannot lock the database down: {message}")]
    #[diagnostic(code(seg::sandbox))]
    Sandbox { message: String },

    /// Ctrl-C or SIGTERM stopped the run ([`Stop`]); its transaction
    /// rolled back.
    #[error("the run was stopped before it finished: nothing of it was published")]
    #[diagnostic(
        code(seg::interrupted),
        help("the tables of the previous run stay as they were")
    )]
    Interrupted,

    /// The membership history cannot answer: no such run, too few runs.
    #[error("{message}")]
    #[diagnostic(code(seg::history))]
    History {
        message: String,
        #[help]
        help: String,
    },

    /// `seg why` cannot trace: no published run, an unknown customer.
    #[error("{message}")]
    #[diagnostic(code(seg::why))]
    Why {
        message: String,
        #[help]
        help: String,
    },
}

/// An open DuckDB database: a file given with `--db`, or in memory.
///
/// It starts open, and is locked down ([`sandbox`]) as soon as the sources
/// of a rule set are known: by [`Catalog::allow`] when the rules are
/// checked, or at the start of a run. From then on DuckDB reaches only
/// those sources, the database, `--out` and its temporary folder.
pub struct Engine {
    conn: Connection,
    db: Option<PathBuf>,
    sandbox: sandbox::Sandbox,
    /// Whether the connection is locked down yet.
    sealed: Mutex<bool>,
    /// Set by another thread to stop what this engine runs.
    stop: Option<Stop>,
    /// Set once a run has committed: from then on a stop waits for the
    /// run's end ([`Engine::finish_unstopped`]).
    committed: std::sync::atomic::AtomicBool,
}

/// Stops a run from another thread (a signal handler's): the query running
/// now is interrupted and every later one refused, so the run's
/// transaction rolls back and the previous tables stay whole.
#[derive(Clone, Default)]
pub struct Stop(std::sync::Arc<StopState>);

#[derive(Default)]
struct StopState {
    requested: std::sync::atomic::AtomicBool,
    /// The connection of the engine running now, if any.
    running: Mutex<Option<std::sync::Arc<duckdb::InterruptHandle>>>,
}

impl Stop {
    /// Stops the engine this is attached to, now and for good.
    pub fn request(&self) {
        self.0
            .requested
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(handle) = &*self.0.running.lock().unwrap_or_else(|e| e.into_inner()) {
            handle.interrupt();
        }
    }

    pub fn requested(&self) -> bool {
        self.0.requested.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// How much of the machine a run's DuckDB may use (`--memory-limit`,
/// `--threads`) and where it spills what does not fit in memory; `None`
/// leaves DuckDB's default.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// A size DuckDB reads, e.g. `4GB` or `512MiB`.
    pub memory_limit: Option<String>,
    pub threads: Option<u32>,
    pub temp_directory: Option<PathBuf>,
}

impl Engine {
    /// Opens (or creates) a database file for a run.
    pub fn open(path: &Path) -> Result<Engine, EngineError> {
        Self::connect(Some(path), AccessMode::ReadWrite)
    }

    /// Opens a database file for a run, waiting up to `wait` while another
    /// process holds it (DuckDB locks the file even against readers).
    pub fn open_waiting(path: &Path, wait: Duration) -> Result<Engine, EngineError> {
        waiting(wait, path, || Self::open(path))
    }

    /// Opens a database file only to read from it (`seg check --db`).
    pub fn open_read_only(path: &Path) -> Result<Engine, EngineError> {
        if !path.exists() {
            return Err(EngineError::Open {
                path: path.display().to_string(),
                message: "no such file".into(),
            });
        }
        Self::connect(Some(path), AccessMode::ReadOnly)
    }

    pub fn in_memory() -> Result<Engine, EngineError> {
        Self::connect(None, AccessMode::Automatic)
    }

    /// Confines file sources to `folders` (`--allow-path`): a source
    /// elsewhere is refused (E312). Without a call, sources may be anywhere.
    pub fn confine_to(&mut self, folders: &[PathBuf]) -> Result<(), EngineError> {
        for folder in folders {
            if !folder.is_dir() {
                return Err(EngineError::AllowPath {
                    path: folder.display().to_string(),
                    message: "no such folder".into(),
                });
            }
            self.sandbox.confine.push(sandbox::resolve(folder));
        }
        Ok(())
    }

    /// Sets how much memory and how many threads DuckDB may use, and where
    /// it spills; before the sources are read (the settings are locked
    /// then).
    pub fn limit(&self, resources: &Resources) -> Result<(), EngineError> {
        let temp = resources
            .temp_directory
            .as_ref()
            .map(|d| d.display().to_string());
        let sql = sql::resources(
            &DuckDb,
            resources.memory_limit.as_deref(),
            resources.threads,
            temp.as_deref(),
        );
        self.conn
            .execute_batch(&sql)
            .map_err(|e| EngineError::Resources {
                message: message(&e.to_string()),
            })
    }

    /// Lets a run write files into `folder` (`--out`) once locked down.
    pub fn allow_writes_to(&mut self, folder: &Path) {
        self.sandbox.writes.push(folder.to_path_buf());
    }

    /// Locks the connection down for a run of `program`, unless checking
    /// its rules did already; `out` is where the run writes files.
    pub(crate) fn seal_for_run(
        &self,
        program: &crate::semantic::Program,
        out: Option<&Path>,
    ) -> Result<(), EngineError> {
        let sources: Vec<&Location> = std::iter::once(&program.customers)
            .chain(&program.facts)
            .map(|s| &s.location)
            .collect();
        self.seal(&sources, out)
    }

    /// Locks the connection down to `sources` (and the database, `--out`,
    /// `out` and the temporary folder). Only the first call counts.
    fn seal(&self, sources: &[&Location], out: Option<&Path>) -> Result<(), EngineError> {
        let mut sealed = self.sealed.lock().unwrap_or_else(|e| e.into_inner());
        if *sealed {
            return match out {
                Some(out) if !self.sandbox.writes.iter().any(|w| w == out) => {
                    Err(EngineError::Sandbox {
                        message: format!(
                            "`{}` was not allowed before the sources were read (Engine::allow_writes_to)",
                            out.display()
                        ),
                    })
                }
                _ => Ok(()),
            };
        }
        let temp = self
            .query_text(&sql::temp_directory(&DuckDb))?
            .into_iter()
            .next()
            .and_then(|row| row.into_iter().next().flatten());
        let mut grants = self
            .sandbox
            .grants(sources, self.db.as_deref(), temp.as_deref());
        grants
            .directories
            .extend(out.map(|o| o.display().to_string()));
        self.conn
            .execute_batch(&sql::lock_down(&DuckDb, &grants.paths, &grants.directories))
            .map_err(|e| EngineError::Sandbox {
                message: message(&e.to_string()),
            })?;
        *sealed = true;
        Ok(())
    }

    fn is_sealed(&self) -> bool {
        *self.sealed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn connect(path: Option<&Path>, mode: AccessMode) -> Result<Engine, EngineError> {
        let shown = path.map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
        if let Some(p) = path {
            check_database_file(p)?;
        }
        let open_error = |e: duckdb::Error| {
            let text = e.to_string();
            if text.contains("Could not set lock") || text.contains("Conflicting lock") {
                EngineError::Locked {
                    path: shown.clone(),
                    waited_secs: 0,
                }
            } else {
                EngineError::Open {
                    path: shown.clone(),
                    message: message(&text),
                }
            }
        };
        // No extension is ever downloaded or loaded behind the user's back:
        // a missing one fails at once with DuckDB's message.
        let config = Config::default()
            .enable_autoload_extension(false)
            .and_then(|c| c.access_mode(mode))
            .map_err(open_error)?;
        let conn = match path {
            Some(p) => Connection::open_with_flags(p, config),
            None => Connection::open_in_memory_with_flags(config),
        }
        .map_err(open_error)?;
        Ok(Engine {
            conn,
            db: path.map(Path::to_path_buf),
            sandbox: sandbox::Sandbox::default(),
            sealed: Mutex::new(false),
            stop: None,
            committed: Default::default(),
        })
    }

    /// Lets `stop` interrupt this engine's queries from another thread.
    pub fn stop_with(&mut self, stop: &Stop) {
        *stop.0.running.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(self.conn.interrupt_handle());
        self.stop = Some(stop.clone());
    }

    /// Refuses to go on once a stop was requested; between statements,
    /// where no query is running to interrupt.
    pub(crate) fn go_on(&self) -> Result<(), EngineError> {
        let committed = self.committed.load(std::sync::atomic::Ordering::SeqCst);
        match &self.stop {
            Some(stop) if stop.requested() && !committed => Err(EngineError::Interrupted),
            _ => Ok(()),
        }
    }

    /// What follows the commit runs to its end even when a stop comes: the
    /// `--out` files must be those of the tables just committed, not of the
    /// run before. The stop is seen when the run returns.
    pub(crate) fn finish_unstopped(&self) {
        self.committed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(stop) = &self.stop {
            *stop.0.running.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// Whether the database holds no table or view: a file just created,
    /// which a failed run may remove again.
    pub fn is_empty(&self) -> bool {
        self.query_text(&sql::relations(&DuckDb))
            .is_ok_and(|rows| rows.is_empty())
    }

    pub(crate) fn execute(&self, what: &str, sql: &str) -> Result<(), EngineError> {
        self.go_on()?;
        self.conn
            .execute_batch(sql)
            .map_err(|e| self.failed(what, e))
    }

    /// A failed query, or the stop that interrupted it.
    pub(crate) fn failed(&self, what: &str, e: duckdb::Error) -> EngineError {
        match self.go_on() {
            Err(stopped) => stopped,
            Ok(()) => query_error(what, e),
        }
    }

    /// Runs a query and returns its rows, every value as text (`None` for NULL).
    pub(crate) fn query_text(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>, EngineError> {
        let mut statement = self
            .conn
            .prepare(sql)
            .map_err(|e| query_error("a query", e))?;
        let mut rows = statement.query([]).map_err(|e| query_error("a query", e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| query_error("a query", e))? {
            let columns = row.as_ref().column_count();
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                let value: duckdb::types::Value =
                    row.get(i).map_err(|e| query_error("a query", e))?;
                values.push(value_text(value));
            }
            out.push(values);
        }
        Ok(out)
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(stop) = &self.stop {
            *stop.0.running.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }
}

impl Catalog for Engine {
    fn allow(&self, locations: &[Location]) -> Vec<Option<String>> {
        let refusals: Vec<Option<String>> =
            locations.iter().map(|l| self.sandbox.refusal(l)).collect();
        let allowed: Vec<&Location> = locations
            .iter()
            .zip(&refusals)
            .filter(|(_, refusal)| refusal.is_none())
            .map(|(l, _)| l)
            .collect();
        match self.seal(&allowed, None) {
            Ok(()) => refusals,
            Err(e) => vec![Some(e.to_string()); locations.len()],
        }
    }

    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        // Fail closed: nothing is read before the sandbox is in place.
        if !self.is_sealed() {
            return Err("the sources were not announced (Catalog::allow) before reading".into());
        }
        let reason = |e: EngineError| match e {
            EngineError::Query { message, .. } => message,
            other => other.to_string(),
        };
        match location {
            Location::Table(table) => self.check_table(table).map_err(reason)??,
            Location::File { path, .. } => {
                let reach = pattern_reach(path);
                if !reach.globbed && !reach.fixed.exists() {
                    return Err(format!("no file `{}`", reach.fixed.display()));
                }
            }
        }
        let rows = self
            .query_text(&sql::describe(&DuckDb, location))
            .map_err(reason)?;
        let mut columns: Vec<Column> = rows
            .into_iter()
            .filter_map(|row| {
                let mut row = row.into_iter();
                Some(Column {
                    name: row.next()??,
                    sql_type: row.next()??,
                })
            })
            .collect();
        if let Location::File { format, .. } = location
            && !matches!(format, FileFormat::Parquet)
        {
            text_file_sanity(&columns)?;
            // Text files have no types of their own: DuckDB reads them off
            // the rows. With no rows (a header line only) the file holds no
            // facts, and its columns take whatever type the rules need.
            let rows = self
                .query_text(&sql::first_row(&DuckDb, location))
                .map_err(reason)?;
            if rows.is_empty() {
                for column in &mut columns {
                    column.sql_type = crate::semantic::types::HEADER_ONLY.to_string();
                }
            }
        }
        Ok(columns)
    }

    fn distinct_values(
        &self,
        location: &Location,
        column: &str,
        limit: usize,
    ) -> Result<Vec<String>, String> {
        if let Location::Table(t) = location
            && self.db.is_none()
        {
            return Err(format!("`{t}` is a table, and no database was given"));
        }
        let sql = sql::distinct_values(&DuckDb, location, column, limit as u64);
        let rows = self.query_text(&sql).map_err(|e| e.to_string())?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect())
    }
}

impl Engine {
    /// `from table` names a table or view of the database, and nothing
    /// else: DuckDB would otherwise turn a name like `secrets.csv` into a
    /// file of the working folder (a replacement scan).
    fn check_table(&self, table: &str) -> Result<Result<(), String>, EngineError> {
        if self.db.is_none() {
            return Ok(Err(format!(
                "`{table}` is a table, and no database was given: pass --db <file> or declare the source `from \"<file>\"`"
            )));
        }
        let parts: Vec<&str> = table.split('.').collect();
        let relations: Vec<Vec<String>> = self
            .query_text(&sql::relations(&DuckDb))?
            .into_iter()
            .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
            .collect();
        let names: Vec<String> = relations.iter().map(|r| relation_name(r)).collect();
        let found = relations.iter().any(|r| names_relation(r, &parts));
        if found {
            return Ok(Ok(()));
        }
        let listed: Vec<&str> = names.iter().map(String::as_str).collect();
        let help = match crate::diagnostic::did_you_mean(table, listed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        let tables = if listed.is_empty() {
            "it has no tables".to_string()
        } else {
            format!(
                "its tables are {}",
                crate::diagnostic::list_names(&listed, 12)
            )
        };
        Ok(Err(format!(
            "the database has no table or view `{table}`; {help}{tables}"
        )))
    }
}

/// Calls `open` until it gives something other than [`EngineError::Locked`],
/// or until `wait` has passed: first every 20 ms, backing off to every
/// 500 ms, so a short run of another process is not waited on long.
fn waiting(
    wait: Duration,
    file: &Path,
    mut open: impl FnMut() -> Result<Engine, EngineError>,
) -> Result<Engine, EngineError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        let waited = started.elapsed();
        match open() {
            Err(EngineError::Locked { path, .. }) if waited >= wait => {
                return Err(EngineError::Locked {
                    path,
                    waited_secs: wait.as_secs(),
                });
            }
            Err(EngineError::Locked { .. }) => {}
            // Another process is creating the file: its headers are not
            // all written yet, which DuckDB calls an invalid file.
            Err(EngineError::Open { .. }) if waited < wait && being_created(file) => {}
            other => return other,
        }
        std::thread::sleep(pause.min(wait.saturating_sub(waited)));
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

/// A database file shorter than DuckDB's headers (three blocks of 4 KiB):
/// one that another process has just created and not yet written.
fn being_created(file: &Path) -> bool {
    std::fs::metadata(file).is_ok_and(|m| m.len() < 3 * 4096)
}

/// A table as a rule file names it: `schema.table`, or `table` in `main`.
fn relation_name(row: &[String]) -> String {
    match row {
        [_, schema, name] if schema == "main" => name.clone(),
        [_, schema, name] => format!("{schema}.{name}"),
        _ => row.join("."),
    }
}

/// Whether a (database, schema, name) row is what `parts` names, the way
/// DuckDB resolves it (names are case-insensitive).
fn names_relation(row: &[String], parts: &[&str]) -> bool {
    let [database, schema, name] = row else {
        return false;
    };
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match parts {
        [n] => same(schema, "main") && same(name, n),
        [s, n] => {
            same(schema, s) && same(name, n)
                || same(database, s) && same(schema, "main") && same(name, n)
        }
        [d, s, n] => same(database, d) && same(schema, s) && same(name, n),
        _ => false,
    }
}

/// A CSV whose columns DuckDB had to name itself (`column0`, `column1` ...)
/// has no header line, or is not CSV at all: rules name columns, so say so.
fn text_file_sanity(columns: &[Column]) -> Result<(), String> {
    let unnamed = columns.iter().all(|c| {
        c.name
            .strip_prefix("column")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if unnamed {
        return Err(
            "no header line was found (or the file could not be read as CSV): \
             seg finds columns by name, so the first line must name them"
                .to_string(),
        );
    }
    Ok(())
}

/// `--db` must name a DuckDB database, or a file that does not exist yet.
/// DuckDB would open a CSV or Parquet file given as a database as an
/// empty in-memory one, and every result would be lost.
fn check_database_file(path: &Path) -> Result<(), EngineError> {
    let refuse = |message: String| EngineError::Open {
        path: path.display().to_string(),
        message,
    };
    let name = path.to_string_lossy();
    if crate::semantic::ir::FileFormat::from_path(&name).is_some() {
        return Err(refuse(
            "this is the name of a data file; --db names the DuckDB database seg reads tables from and writes to, e.g. seg.duckdb"
                .into(),
        ));
    }
    if path.is_dir() {
        return Err(refuse("this is a folder, not a database file".into()));
    }
    if let Ok(mut file) = std::fs::File::open(path) {
        use std::io::Read;
        // A DuckDB file says `DUCK` at byte 8; an empty file is fine too.
        let mut head = [0u8; 12];
        let read = file.read(&mut head).unwrap_or(0);
        if read > 0 && (read < 12 || &head[8..12] != b"DUCK") {
            return Err(refuse("this file is not a DuckDB database".into()));
        }
    }
    Ok(())
}

fn query_error(what: &str, e: duckdb::Error) -> EngineError {
    let text = e.to_string();
    if text.contains("not utf-8 encoded") {
        let file = csv_error_file(&text).unwrap_or("the source file");
        return EngineError::NotUtf8 {
            file: file.to_string(),
            converted: converted_name(file),
        };
    }
    if let Some(detail) = text.strip_prefix("Out of Memory Error: ") {
        // DuckDB's own advice names SQL settings: say it in seg's options.
        let detail = detail.lines().next().unwrap_or(detail);
        return EngineError::OutOfMemory {
            what: what.to_string(),
            message: detail.to_string(),
        };
    }
    EngineError::Query {
        what: what.to_string(),
        message: message(&text),
    }
}

/// Where a converted copy of `file` could go: `orders.csv` → `orders.utf8.csv`.
fn converted_name(file: &str) -> String {
    match file.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => format!("{stem}.utf8.{ext}"),
        _ => format!("{file}.utf8"),
    }
}

/// The file a DuckDB CSV error names (its `file = ...` line).
fn csv_error_file(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("file = "))
        .map(str::trim)
}

/// A DuckDB message without the SQL it quotes: the lines that say what
/// went wrong (which file, line, column, value), not the generated query.
fn message(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("LINE ") && !l.starts_with('^'))
        .take(8)
        .collect::<Vec<_>>()
        .join("\n")
}

fn value_text(value: duckdb::types::Value) -> Option<String> {
    use duckdb::types::Value as V;
    Some(match value {
        V::Null => return None,
        V::Boolean(b) => b.to_string(),
        V::TinyInt(n) => n.to_string(),
        V::SmallInt(n) => n.to_string(),
        V::Int(n) => n.to_string(),
        V::BigInt(n) => n.to_string(),
        V::HugeInt(n) => n.to_string(),
        V::UTinyInt(n) => n.to_string(),
        V::USmallInt(n) => n.to_string(),
        V::UInt(n) => n.to_string(),
        V::UBigInt(n) => n.to_string(),
        V::Float(n) => n.to_string(),
        V::Double(n) => n.to_string(),
        V::Text(s) => s,
        other => format!("{other:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Location {
        Location::File {
            path: Path::new("tests/fixtures/data").join(name),
            format: FileFormat::Csv,
            read: Default::default(),
        }
    }

    /// What a compiler bug could make DuckDB run, on a locked connection.
    fn refused(engine: &Engine, sql: &str) -> String {
        match engine.execute("a hostile statement", sql) {
            Ok(()) => panic!("`{sql}` ran on a locked connection"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_locked_connection_reads_only_the_declared_sources() {
        let engine = Engine::in_memory().unwrap();
        let customers = fixture("customers.csv");
        assert_eq!(engine.allow(std::slice::from_ref(&customers)), vec![None]);
        assert_eq!(engine.columns(&customers).unwrap().len(), 6);
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_text('/etc/hostname')",
            "SELECT * FROM 'tests/fixtures/data/orders.csv'",
            "SELECT * FROM glob('/etc/*')",
            "COPY (SELECT 1) TO '/tmp/seg-sandbox-escape.csv'",
            "ATTACH '/tmp/seg-sandbox-escape.duckdb' AS x",
        ] {
            let message = refused(&engine, sql);
            assert!(
                message.contains("disabled") || message.contains("ermission"),
                "{sql}: {message}"
            );
        }
        assert!(!Path::new("/tmp/seg-sandbox-escape.csv").exists());
        // Nor can it be unlocked again.
        for sql in [
            "SET enable_external_access = true",
            "SET allowed_directories = ['/']",
            "SET lock_configuration = false",
        ] {
            refused(&engine, sql);
        }
    }

    #[test]
    fn nothing_is_read_before_the_sources_are_announced() {
        let engine = Engine::in_memory().unwrap();
        let error = engine.columns(&fixture("customers.csv")).unwrap_err();
        assert!(error.contains("Catalog::allow"), "{error}");
    }

    #[test]
    fn a_header_only_file_has_columns_of_no_type() {
        let engine = Engine::in_memory().unwrap();
        let file = fixture("orders_header_only.csv");
        engine.allow(std::slice::from_ref(&file));
        let columns = engine.columns(&file).unwrap();
        assert_eq!(columns.len(), 7);
        assert!(columns.iter().all(|c| c.sql_type == "NULL"), "{columns:?}");
    }
}
