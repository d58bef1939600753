//! Writes the synthetic demo data as Parquet files.

use std::path::{Path, PathBuf};

use super::{Engine, EngineError, Observer};
use crate::sql::demo;

/// What the demo generated.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// (table, file, rows)
    pub files: Vec<(String, PathBuf, i64)>,
}

/// Generates `customers` customers and their history into `dir`, one
/// Parquet file per table, each written whole or not at all.
pub fn generate_demo(
    dir: &Path,
    customers: u64,
    seed: u64,
    resources: &super::Resources,
    observer: &dyn Observer,
) -> Result<DemoData, EngineError> {
    let write_error = |path: &Path, e: std::io::Error| EngineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    let engine = Engine::in_memory()?;
    engine.limit(resources)?;
    let demo = demo::tables(customers, seed);
    for (table, sql) in &demo.helpers {
        observer.stage(&format!("Generating {table}"));
        engine.execute(&format!("generating the demo {table}"), sql)?;
    }
    let mut files = Vec::new();
    for (table, query) in &demo.outputs {
        let path = dir.join(format!("{table}.parquet"));
        let partial = dir.join(format!(".{table}.parquet.partial"));
        observer.stage(&format!("Writing {}", path.display()));
        let what = format!("writing {}", path.display());
        let rows: i64 = engine
            .connection()
            .query_row(&demo::write(query, &partial.to_string_lossy()), [], |r| {
                r.get(0)
            })
            .map_err(|e| engine.failed(&what, e))?;
        std::fs::rename(&partial, &path).map_err(|e| write_error(&path, e))?;
        files.push((table.to_string(), path, rows));
    }
    Ok(DemoData { files })
}
