//! `seg compile`: the SQL a run executes, in DuckDB's or Spark's dialect.

use seg::semantic::Mode;
use seg::sql::{Dialect, DuckDb, Spark};

use super::args::{CompileArgs, EngineKind, Format};
use super::{check, output};

pub fn run(args: CompileArgs) -> u8 {
    let rules = &args.rules;
    if let Err(status) = check::one_date(rules, "compile") {
        return status;
    }
    // The sources are described by DuckDB either way: their columns and
    // types are what the checker needs, and files read the same on both.
    let engine = match check::open_for_reading(rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let (files, checked) = match check::load(rules, Mode::Check, &engine, Format::Human) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, Format::Human);
    let Some(program) = checked.program else {
        return output::status(&checked.diagnostics);
    };
    let spark = Spark {
        format: args.table_format.format(),
    };
    let dialect: &dyn Dialect = match args.dialect {
        EngineKind::Duckdb => &DuckDb,
        EngineKind::Spark => &spark,
    };
    let plan = seg::sql::compile(&program, dialect);
    output::stdout(&plan.script(&program));
    output::status(&checked.diagnostics)
}
