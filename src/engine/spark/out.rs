//! `--out DIR` on Spark: the published tables' rows fetched as Arrow
//! batches and written here, as CSV with a header line or as Parquet, each
//! under a temporary name first and renamed when both are whole (as the
//! DuckDB engine writes them).

use std::fs::File;
use std::path::Path;

use arrow::record_batch::RecordBatch;

use super::SparkEngine;
use crate::engine::EngineError;
use crate::engine::run::{check_out_dir, export_paths};

pub fn export(engine: &SparkEngine, dir: &Path, csv: bool) -> Result<Vec<String>, EngineError> {
    check_out_dir(dir, csv)?;
    let files = export_paths(dir, csv);
    let partial = |path: &Path| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        dir.join(format!(".{name}.partial"))
    };
    let write_error = |path: &Path, e: &dyn std::fmt::Display| EngineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    for (table, path) in &files {
        let batches = engine.batches(
            &format!("reading `{table}`"),
            &format!("SELECT * FROM {}", super::run::quoted(engine, table)),
            Vec::new(),
        )?;
        let written = write(&partial(path), &batches, csv);
        if let Err(e) = written {
            for (_, p) in &files {
                let _ = std::fs::remove_file(partial(p));
            }
            return Err(write_error(path, &e));
        }
    }
    for (_, path) in &files {
        std::fs::rename(partial(path), path).map_err(|e| write_error(path, &e))?;
    }
    Ok(files.iter().map(|(_, p)| p.display().to_string()).collect())
}

fn write(path: &Path, batches: &[RecordBatch], csv: bool) -> Result<(), String> {
    let file = File::create(path).map_err(|e| e.to_string())?;
    if csv {
        let mut writer = arrow::csv::WriterBuilder::new()
            .with_header(true)
            .build(file);
        for batch in batches {
            writer.write(batch).map_err(|e| e.to_string())?;
        }
        Ok(())
    } else {
        let Some(schema) = batches.first().map(RecordBatch::schema) else {
            // No rows and no batch: an empty file would not be Parquet.
            return Err("Spark returned no schema for an empty table".into());
        };
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(file, schema, None).map_err(|e| e.to_string())?;
        for batch in batches {
            writer.write(batch).map_err(|e| e.to_string())?;
        }
        writer.close().map(|_| ()).map_err(|e| e.to_string())
    }
}
