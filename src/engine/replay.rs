//! Runs at many dates over the same data (`seg run --as-of A..B`): each file
//! source is read once into a temporary table, and every run reads that
//! copy instead of the file.

use jiff::civil::Date;

use super::run::{self, Observer, RunSummary};
use super::{Engine, EngineError};
use crate::semantic::Program;
use crate::semantic::ir::{Location, Source};
use crate::sql::{self, DuckDb, Plan};

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

/// How much of the computed tables a replay's open transaction may hold: a
/// date's wide and long tables, replaced by the next date's, are kept in
/// memory until the transaction ends.
const BATCH_BYTES: i64 = 1 << 30;
/// What a date holds per customer: measured about 310 bytes for `rules/`
/// (31 MB a date at 100,000 customers, 33 columns and the tags).
const BYTES_PER_CUSTOMER: i64 = 400;

/// The transactions of a replay. Dates run in batches, each batch one
/// transaction: committing a date has DuckDB write (and checkpoint) every
/// table it replaced, which costs as much as computing it, while inside a
/// batch each date's tables just replace the one before in memory and
/// only the batch's last reaches the file. A batch is as many dates as fit
/// in [`BATCH_BYTES`] (at 100,000 customers, 26 dates; at 1,000,000, 2). A
/// failure rolls back the dates of the open batch; the batches before it
/// stay committed, each whole.
pub struct Replay<'e> {
    engine: &'e Engine,
    open: Option<duckdb::Transaction<'e>>,
    tracking: bool,
    in_batch: usize,
    committed: usize,
}

impl<'e> Replay<'e> {
    /// A replay on `engine`, after [`load_sources`].
    pub fn new(engine: &'e Engine) -> Replay<'e> {
        Replay {
            engine,
            open: None,
            tracking: run::progress_tracking(engine),
            in_batch: 0,
            committed: 0,
        }
    }

    /// Runs one date (its program checked for that date, its sources
    /// pointed at the copies), a run of its own in the run log; commits
    /// when the batch is full.
    pub fn run(
        &mut self,
        program: &Program,
        plan: &Plan,
        observer: &dyn Observer,
    ) -> Result<RunSummary, EngineError> {
        let started = run::Started::now();
        self.engine.seal_for_run(program, None)?;
        run::check_before(self.engine, program, plan, observer)?;
        if self.open.is_none() {
            self.open = Some(run::begin(self.engine)?);
        }
        let steps = run::Steps {
            reused: false,
            tracking: self.tracking,
            strict: false,
        };
        let mut summary =
            run::compute_and_publish(self.engine, program, plan, &steps, observer, &started)?;
        // Later dates have as many customers or more (sign-ups).
        let per_date = summary.customers.max(1) * BYTES_PER_CUSTOMER;
        self.in_batch += 1;
        if self.in_batch as i64 >= (BATCH_BYTES / per_date).max(1) {
            self.commit()?;
        }
        summary.duration_ms = started.elapsed_ms();
        Ok(summary)
    }

    /// Commits the dates run since the last commit.
    pub fn commit(&mut self) -> Result<(), EngineError> {
        if let Some(transaction) = self.open.take() {
            run::commit(self.engine, transaction)?;
            self.committed += std::mem::take(&mut self.in_batch);
        }
        Ok(())
    }

    /// How many dates are committed.
    pub fn committed(&self) -> usize {
        self.committed
    }
}
