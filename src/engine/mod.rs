//! Stage 4, engine: DuckDB. Opens the database, describes sources for the
//! checker, runs a [`Plan`](crate::sql::Plan) and writes its outputs. The
//! only module that talks to DuckDB.

mod demo;
mod run;

pub use demo::{DemoData, generate_demo};
pub use run::{
    DatasetValue, LabelCount, Observer, ParamValue, RunOptions, RunSummary, ScoreEdge,
    SegmentationCounts, Silent, SourceRecord, SourceRows, TagCount, check_out_dir, run,
};

use std::path::{Path, PathBuf};

use duckdb::{AccessMode, Config, Connection};

use crate::semantic::ir::{FileFormat, Location};
use crate::semantic::{Catalog, Column};
use crate::sql::{self, DuckDb};

/// Why the engine could not do its job. These are data and environment
/// problems (exit status 2), not rule errors.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EngineError {
    #[error("cannot open the database `{path}`: {message}")]
    #[diagnostic(code(seg::database))]
    Open { path: String, message: String },

    #[error("the database `{path}` is in use by another process")]
    #[diagnostic(
        code(seg::database_locked),
        help(
            "DuckDB lets one process open a database file at a time; wait for the other `seg run` (or close the other program) and try again"
        )
    )]
    Locked { path: String },

    #[error("{what} failed: {message}")]
    #[diagnostic(code(seg::query))]
    Query { what: String, message: String },

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

    #[error("cannot write `{path}`: {message}")]
    #[diagnostic(code(seg::write))]
    Write { path: String, message: String },
}

/// An open DuckDB database: a file given with `--db`, or in memory.
pub struct Engine {
    conn: Connection,
    db: Option<PathBuf>,
}

impl Engine {
    /// Opens (or creates) a database file for a run.
    pub fn open(path: &Path) -> Result<Engine, EngineError> {
        Self::connect(Some(path), AccessMode::ReadWrite)
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
        })
    }

    pub(crate) fn execute(&self, what: &str, sql: &str) -> Result<(), EngineError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| query_error(what, e))
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

impl Catalog for Engine {
    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        match location {
            Location::Table(t) if self.db.is_none() => {
                return Err(format!(
                    "`{t}` is a table, and no database was given: pass --db <file> or declare the source `from \"<file>\"`"
                ));
            }
            Location::File { path, .. } => {
                let text = path.to_string_lossy();
                let glob = text.contains(['*', '?', '[']);
                if !glob && !path.exists() {
                    return Err(format!("no file `{}`", path.display()));
                }
            }
            Location::Table(_) => {}
        }
        let reason = |e: EngineError| match e {
            EngineError::Query { message, .. } => message,
            other => other.to_string(),
        };
        let rows = self
            .query_text(&sql::describe(&DuckDb, location))
            .map_err(reason)?;
        let columns: Vec<Column> = rows
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
            // the rows, and with no rows every column would look like text.
            let rows = self
                .query_text(&sql::first_row(&DuckDb, location))
                .map_err(reason)?;
            if rows.is_empty() {
                return Err(
                    "it has no rows, so the types of its columns cannot be told; \
                     add the rows, or write the data as Parquet, which keeps its types"
                        .to_string(),
                );
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
    EngineError::Query {
        what: what.to_string(),
        message: message(&e.to_string()),
    }
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
