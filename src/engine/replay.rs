//! Runs at many dates over the same data (`seg run --as-of A..B`): each file
//! source is read once into a temporary table, and every run reads that
//! copy instead of the file.

use jiff::civil::Date;

use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{Location, Source};
use crate::sql::{self, DuckDb};

/// The sources copied into temporary tables, by source name.
#[derive(Debug, Default)]
pub struct Loaded {
    tables: Vec<(String, String)>,
}

/// Copies every file source a run of `program` reads, only the columns the
/// rules use. Fact rows dated on or after `until` (the last date of the
/// replay) are left out, as no run sees them; every customer row is
/// copied, so the key check still sees them all. Tables of the database
/// are read in place: they are read fast already.
pub fn load_sources(
    engine: &Engine,
    program: &Program,
    until: Date,
) -> Result<Loaded, EngineError> {
    engine.seal_for_run(program, None)?;
    let customers = (&program.customers, program.customer_source_columns(), None);
    let facts = (program.facts.iter().enumerate())
        .filter(|(f, _)| program.reads_fact(*f))
        .map(|(f, source)| (source, program.fact_columns(f), Some(until)));
    let mut loaded = Loaded::default();
    let sources = std::iter::once(customers).chain(facts);
    for (source, columns, until) in sources.filter(|(s, _, _)| is_file(s)) {
        let what = format!("reading the source `{}`", source.name);
        engine.execute(&what, &sql::load_source(&DuckDb, source, &columns, until))?;
        loaded
            .tables
            .push((source.name.clone(), sql::loaded_table(source)));
    }
    Ok(loaded)
}

/// A file with rows (a header-only file is read as no rows anyway).
fn is_file(source: &Source) -> bool {
    matches!(source.location, Location::File { .. }) && source.header_only.is_none()
}

impl Loaded {
    /// Points the sources of `program` (checked again for another date) at
    /// their copies.
    pub fn apply(&self, program: &mut Program) {
        let sources = std::iter::once(&mut program.customers).chain(&mut program.facts);
        for source in sources {
            source.loaded = self
                .tables
                .iter()
                .find(|(name, _)| *name == source.name)
                .map(|(_, table)| table.clone());
        }
    }
}
