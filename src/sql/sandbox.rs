//! The statements that lock DuckDB down and look at its catalog.

use super::Dialect;

/// Allows exactly `paths` (files, or folders DuckDB only lists) and
/// everything under `directories`, turns all other file access off, and
/// locks the configuration so no later statement can turn it back on.
pub fn lock_down(dialect: &dyn Dialect, paths: &[String], directories: &[String]) -> String {
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|i| dialect.string(i)).collect();
        format!("CAST([{}] AS VARCHAR[])", quoted.join(", "))
    };
    format!(
        "SET allowed_paths = {};\nSET allowed_directories = {};\n\
         SET enable_external_access = false;\nSET lock_configuration = true;\n",
        list(paths),
        list(directories)
    )
}

/// How much of the machine DuckDB may use, and where it spills what does
/// not fit: settings made before the configuration is locked.
pub fn resources(
    dialect: &dyn Dialect,
    memory_limit: Option<&str>,
    threads: Option<u32>,
    temp_directory: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(limit) = memory_limit {
        out.push_str(&format!("SET memory_limit = {};\n", dialect.string(limit)));
    }
    if let Some(threads) = threads {
        out.push_str(&format!("SET threads = {threads};\n"));
    }
    if let Some(dir) = temp_directory {
        out.push_str(&format!("SET temp_directory = {};\n", dialect.string(dir)));
    }
    out
}

/// The folder DuckDB spills to when a query does not fit in memory.
pub fn temp_directory(_dialect: &dyn Dialect) -> String {
    "SELECT current_setting('temp_directory')".to_string()
}

/// Every table and view of the database: (database, schema, name).
pub fn relations(_dialect: &dyn Dialect) -> String {
    "SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT internal \
     UNION ALL \
     SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal \
     ORDER BY 1, 2, 3"
        .to_string()
}
