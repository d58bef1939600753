//! Reading the published wide table back, as `seg test` snapshots it.

use super::{Engine, EngineError};
use crate::cases::snapshot::Table;
use crate::semantic::Program;
use crate::sql::{self, DuckDb};

/// The wide table of the last run of `program`, every value as JSON text.
pub fn wide_table(engine: &Engine, program: &Program) -> Result<Table, EngineError> {
    let (columns, query) = sql::wide_table(&DuckDb, program);
    let rows = engine.query_text(&query)?;
    Ok(Table { columns, rows })
}
