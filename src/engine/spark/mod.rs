//! Apache Spark through Spark Connect: the same plan as DuckDB runs,
//! printed in the Spark dialect, executed on a remote session. Only this
//! module talks to Spark.
//!
//! A session works in one schema of the user's choosing (`--schema`): seg's
//! scratch tables (`seg__base`, `seg__result`, `seg__new__...`) and published
//! tables are written there; sources are read where they are named
//! (`from table crm.orders`, or a file path the cluster can read).

mod headers;
mod out;
mod run;
mod values;

pub use run::run;
pub use values::{batches_text, cell_text};

use arrow::record_batch::RecordBatch;
use spark_connect::SparkSession;

use super::EngineError;
use crate::semantic::ir::{FileFormat, Location};
use crate::semantic::{Catalog, Column};
use crate::sql::{self, Spark, TableFormat};

/// A Spark Connect session, working in one schema.
pub struct SparkEngine {
    session: SparkSession,
    remote: String,
    schema: String,
    dialect: Spark,
}

impl SparkEngine {
    /// Connects to `remote` (`sc://host:15002`), creates `schema` if
    /// missing and works in it. The session's time zone is UTC, so
    /// timestamps read and compare as DuckDB's plain ones do.
    pub fn connect(
        remote: &str,
        schema: &str,
        format: TableFormat,
    ) -> Result<SparkEngine, EngineError> {
        let unreachable = |e: spark_connect::SparkError| EngineError::Connect {
            remote: remote.to_string(),
            message: first_line(&e.to_string()),
        };
        // The client retries an unreachable server for minutes (15 times,
        // backing off to 64 s, as pyspark does): a server that does not
        // answer at all is told at once instead.
        probe(remote).map_err(|message| EngineError::Connect {
            remote: remote.to_string(),
            message,
        })?;
        let session = SparkSession::builder()
            .remote(remote)
            .get_or_create()
            .map_err(unreachable)?;
        session
            .conf()
            .set("spark.sql.session.timeZone", "+00:00")
            .map_err(unreachable)?;
        let engine = SparkEngine {
            session,
            remote: remote.to_string(),
            schema: schema.to_string(),
            dialect: Spark { format },
        };
        let schema_name = sql::Dialect::identifier(&engine.dialect, schema);
        engine.execute(
            "creating the schema",
            &format!("CREATE SCHEMA IF NOT EXISTS {schema_name};\nUSE {schema_name}"),
        )?;
        Ok(engine)
    }

    pub fn dialect(&self) -> &Spark {
        &self.dialect
    }

    pub fn remote(&self) -> &str {
        &self.remote
    }

    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Runs a script: the dialect ends each statement with `;` and a line
    /// break, which no name or literal it prints contains.
    pub fn execute(&self, what: &str, script: &str) -> Result<(), EngineError> {
        for statement in statements(script) {
            self.batches(what, statement, Vec::new())?;
        }
        Ok(())
    }

    /// Runs one statement with named parameters (`:p1` ... bound to text)
    /// and returns its rows as Arrow batches.
    pub fn batches(
        &self,
        what: &str,
        statement: &str,
        parameters: Vec<(String, String)>,
    ) -> Result<Vec<RecordBatch>, EngineError> {
        let named = parameters
            .into_iter()
            .map(|(name, value)| {
                let literal = spark_connect::lit_string(&value).expression().clone();
                (name, literal)
            })
            .collect();
        self.session
            .sql_with_args(statement, Vec::new(), named)
            .and_then(|frame| frame.collect_record_batches())
            .map_err(|e| query_error(what, &e))
    }

    /// Runs a query and returns its rows, every value as text (`None` for
    /// NULL), as the DuckDB engine's `query_text` does.
    pub fn query_text(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>, EngineError> {
        Ok(batches_text(&self.batches("a query", sql, Vec::new())?))
    }

    /// The first row of a query of numbers (missing or NULL: 0).
    fn counts(&self, what: &str, sql: &str) -> Result<Vec<i64>, EngineError> {
        let rows = batches_text(&self.batches(what, sql, Vec::new())?);
        Ok(rows
            .into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.and_then(|v| v.parse().ok()).unwrap_or(0))
            .collect())
    }
}

/// How long a Spark Connect endpoint may take to accept a connection.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether `remote` (`sc://host:port/;params`, port 15002 by default)
/// accepts a TCP connection within [`PROBE_TIMEOUT`].
fn probe(remote: &str) -> Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let authority = remote
        .strip_prefix("sc://")
        .ok_or("a Spark Connect address starts with `sc://` (`sc://host:15002`)")?
        .split(['/', ';'])
        .next()
        .unwrap_or_default();
    let address = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:15002")
    };
    let addresses = address
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{address}`: {e}"))?;
    let mut last = format!("`{address}` has no address");
    for a in addresses {
        match TcpStream::connect_timeout(&a, PROBE_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("nothing answers at {a}: {e}"),
        }
    }
    Err(last)
}

/// A file source as the Spark server reads it: a relative local path is
/// made absolute (the server's working folder is not seg's); a URL
/// (`s3://...`, `hdfs://...`) and a table stay as written.
pub fn as_spark_reads(location: &Location) -> Location {
    match location {
        Location::File { path, format, read }
            if path.is_relative() && !path.to_string_lossy().contains("://") =>
        {
            Location::File {
                path: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
                format: *format,
                read: read.clone(),
            }
        }
        other => other.clone(),
    }
}

/// The program with every source located as the Spark server reads it.
pub fn located_for_spark(program: &mut crate::semantic::Program) {
    let lookups = program.lookups.iter_mut().map(|l| &mut l.source);
    for source in std::iter::once(&mut program.customers)
        .chain(&mut program.facts)
        .chain(lookups)
    {
        source.location = as_spark_reads(&source.location);
    }
}

/// The first read option of a file source that the Spark dialect does not
/// pass to Spark's reader (`columns` and `types`: Spark names a headerless
/// file's columns `_c0` ..., and types them by its own inference). Refused
/// when the source is described, so the check reports it at the source.
fn unread_option(location: &Location) -> Option<&'static str> {
    let Location::File { read, .. } = location else {
        return None;
    };
    if !read.names.is_empty() {
        Some("columns")
    } else if !read.types.is_empty() {
        Some("types")
    } else {
        None
    }
}

/// The statements of a script printed by the Spark dialect.
fn statements(script: &str) -> impl Iterator<Item = &str> {
    script.split(";\n").map(str::trim).filter(|s| !s.is_empty())
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_string()
}

fn query_error(what: &str, e: &spark_connect::SparkError) -> EngineError {
    // Spark's messages carry a JVM stack trace after the first lines.
    let text = e.to_string();
    let message: Vec<&str> = text.lines().take(3).collect();
    EngineError::Query {
        what: what.to_string(),
        message: message.join(" "),
    }
}

/// A Spark type (as `DESCRIBE` prints it) by the name the checker knows
/// (DuckDB's), so the rules' types are the same on both engines.
fn checker_type(spark_type: &str) -> String {
    let t = spark_type.trim().to_ascii_uppercase();
    let base = t.split('(').next().unwrap_or(&t);
    match base {
        "STRING" | "CHAR" | "VARCHAR" => "VARCHAR".into(),
        "INT" => "INTEGER".into(),
        "LONG" => "BIGINT".into(),
        // The session's time zone is UTC: both read as UTC timestamps.
        "TIMESTAMP" | "TIMESTAMP_NTZ" | "TIMESTAMP_LTZ" => "TIMESTAMP".into(),
        "VOID" => crate::semantic::types::HEADER_ONLY.into(),
        _ if base.starts_with("ARRAY<") => "VARCHAR[]".into(),
        _ => t,
    }
}

impl Catalog for SparkEngine {
    fn columns(&self, location: &Location) -> Result<Vec<Column>, String> {
        let reason = |e: EngineError| match e {
            EngineError::Query { message, .. } => message,
            other => other.to_string(),
        };
        if let Some(option) = unread_option(location) {
            return Err(format!(
                "Spark's CSV reader takes no `{option} (...)`: seg cannot give it the file's \
                 column names and types, so it would read other columns than DuckDB does; \
                 run this rule set on DuckDB, or give the file a header line (docs/spark.md)"
            ));
        }
        let location = &as_spark_reads(location);
        if let Some(refused) = headers::differing_headers(location) {
            return Err(refused);
        }
        let rows = self
            .query_text(&sql::describe(&self.dialect, location))
            .map_err(reason)?;
        let mut columns: Vec<Column> = rows
            .into_iter()
            .filter_map(|row| {
                let mut row = row.into_iter();
                let name = row.next()??;
                let ty = row.next()??;
                // DESCRIBE ends with partitioning notes after a `#` row.
                (!name.starts_with('#')).then(|| Column {
                    name,
                    sql_type: checker_type(&ty),
                })
            })
            .collect();
        if let Location::File { format, .. } = location
            && !matches!(format, FileFormat::Parquet)
        {
            // A text file with a header line only holds no facts: its
            // columns take whatever type the rules need (as on DuckDB).
            let rows = self
                .query_text(&sql::first_row(&self.dialect, location))
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
        let location = &as_spark_reads(location);
        let sql = sql::distinct_values(&self.dialect, location, column, limit as u64);
        let rows = self.query_text(&sql).map_err(|e| e.to_string())?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next()?)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_types_read_as_the_checker_knows_them() {
        assert_eq!(checker_type("string"), "VARCHAR");
        assert_eq!(checker_type("int"), "INTEGER");
        assert_eq!(checker_type("bigint"), "BIGINT");
        assert_eq!(checker_type("decimal(10,2)"), "DECIMAL(10,2)");
        assert_eq!(checker_type("timestamp"), "TIMESTAMP");
        assert_eq!(checker_type("date"), "DATE");
        assert_eq!(checker_type("array<string>"), "VARCHAR[]");
    }

    #[test]
    fn an_endpoint_that_does_not_answer_is_told_at_once() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let refused = probe(&format!("sc://127.0.0.1:{port}/;user_id=seg")).unwrap_err();
        assert!(
            refused.starts_with("nothing answers at 127.0.0.1:"),
            "{refused}"
        );
        let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = open.local_addr().unwrap().port();
        assert_eq!(probe(&format!("sc://127.0.0.1:{port}")), Ok(()));
        assert!(
            probe("http://127.0.0.1:15002")
                .unwrap_err()
                .contains("sc://")
        );
    }

    #[test]
    fn a_script_splits_at_its_statement_ends() {
        let script = "DROP TABLE IF EXISTS `a`;\nCREATE TABLE `a` AS\nSELECT 'x;\\ny'";
        assert_eq!(
            statements(script).collect::<Vec<_>>(),
            [
                "DROP TABLE IF EXISTS `a`",
                "CREATE TABLE `a` AS\nSELECT 'x;\\ny'"
            ]
        );
    }
}
