//! Runs a SQL script on a DuckDB database with the DuckDB build seg itself
//! uses, so hand-written SQL and seg's are timed on the same engine:
//!
//!   cargo run --example sql -- DB SCRIPT [NAME=VALUE ...]
//!
//! `${NAME}` in the script is replaced by VALUE. Statements are split at a
//! `;` that ends a line; the rows of each `SELECT` (and `EXPLAIN`) are printed, tab
//! separated, so a script can also compare two databases. With
//! `SEG_SQL_TIMES` set, how long each statement took goes to stderr.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, script, vars @ ..] = args.as_slice() else {
        eprintln!("usage: sql DB SCRIPT [NAME=VALUE ...]");
        return ExitCode::from(2);
    };
    let mut text = match std::fs::read_to_string(script) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {script}: {e}");
            return ExitCode::from(2);
        }
    };
    for var in vars {
        if let Some((name, value)) = var.split_once('=') {
            text = text.replace(&format!("${{{name}}}"), value);
        }
    }
    let conn = match duckdb::Connection::open(db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot open {db}: {e}");
            return ExitCode::from(2);
        }
    };
    let times = std::env::var_os("SEG_SQL_TIMES").is_some();
    for statement in text
        .split(";\n")
        .map(str::trim)
        .filter(|s| !only_comments(s))
    {
        let started = std::time::Instant::now();
        if let Err(e) = run(&conn, statement) {
            eprintln!("{e}\nin:\n{statement}");
            return ExitCode::FAILURE;
        }
        if times {
            eprintln!(
                "{:8.3} s  {}",
                started.elapsed().as_secs_f64(),
                title(statement)
            );
        }
    }
    ExitCode::SUCCESS
}

/// A statement's first line of code, to say which one took how long.
fn title(statement: &str) -> &str {
    statement
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or_default()
}

fn only_comments(statement: &str) -> bool {
    statement
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with("--"))
}

fn run(conn: &duckdb::Connection, statement: &str) -> duckdb::Result<()> {
    let code = statement
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let code = code.trim_start().to_ascii_uppercase();
    if !code.starts_with("SELECT") && !code.starts_with("EXPLAIN") {
        return conn.execute_batch(statement);
    }
    let mut prepared = conn.prepare(statement)?;
    let mut rows = prepared.query([])?;
    while let Some(row) = rows.next()? {
        let columns = row.as_ref().column_count();
        let values: Vec<String> = (0..columns)
            .map(|i| match row.get::<_, duckdb::types::Value>(i) {
                Ok(duckdb::types::Value::Null) => "NULL".to_string(),
                Ok(duckdb::types::Value::Text(t)) => t,
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("<{e}>"),
            })
            .collect();
        println!("{}", values.join("\t"));
    }
    Ok(())
}
