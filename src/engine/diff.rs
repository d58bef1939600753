//! `seg diff`: two rule sets on the same data, in one session: both
//! computed into temporary tables (what they compute alike, once), then
//! who moved between them. Nothing is written to the database.

use serde::Serialize;

use super::changes::{Order, read};
use super::history::EXAMPLES;
use super::{Changes, Engine, EngineError, run};
use crate::semantic::Program;
use crate::semantic::ir::Location;
use crate::sql::diff::{self as queries, OLD, Side};
use crate::sql::{self, DuckDb};

/// What a diff found.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Who moved: transitions (the diagonal included) and tag changes.
    pub changes: Changes,
    /// The labels of both rule sets in the rules' order (the new rules',
    /// then those only the old rules have): (segmentation, label).
    pub labels: Vec<(String, String)>,
    /// The steps of the computation both rule sets share, computed once.
    pub shared: Vec<String>,
}

/// Compares two checked rule sets on the data they read. Both must have
/// been checked with this engine; it is locked down to both rule sets'
/// sources (if checking did not lock it yet) and never written to.
pub fn diff(engine: &Engine, old: &Program, new: &Program) -> Result<Diff, EngineError> {
    super::kmeans::refuse("seg diff", old)?;
    super::kmeans::refuse("seg diff", new)?;
    let sources: Vec<&Location> = [old, new]
        .into_iter()
        .flat_map(|p| std::iter::once(&p.customers).chain(&p.facts))
        .map(|s| &s.location)
        .collect();
    engine.seal(&sources, None)?;
    // The customer keys, as a run checks them: once when both rule sets
    // read the same customers the same way.
    let plans = [crate::compile(old), crate::compile(new)];
    run::check_keys(engine, old, &plans[0])?;
    if plans[1].key_check != plans[0].key_check {
        run::check_keys(engine, new, &plans[1])?;
    }
    let computation = queries::compute_both(&DuckDb, old, new);
    for statement in &computation.statements {
        engine.execute(&statement.title, &statement.sql)?;
    }
    let sides = (
        Side {
            program: old,
            table: OLD,
        },
        Side {
            program: new,
            table: computation.new_table,
        },
    );
    let labels = queries::label_changes(&DuckDb, sides.0, sides.1, EXAMPLES);
    let tags = queries::tag_changes(&DuckDb, sides.0, sides.1, EXAMPLES);
    let mut order = Order::of_program(new);
    order.add(old);
    let (transitions, tags) = read(engine, labels.as_deref(), &tags, &order)?;
    drop_tables(engine, &computation);
    Ok(Diff {
        changes: Changes {
            from_run: None,
            to_run: None,
            transitions,
            tags,
        },
        labels: order.labels,
        shared: computation.shared,
    })
}

/// The temporary tables go with the session anyway; dropped at once so a
/// long session (a test, a tool) does not hold them.
fn drop_tables(engine: &Engine, computation: &queries::Computation) {
    for table in &computation.tables {
        let _ = engine.execute(
            "dropping a temporary table",
            &sql::diff::drop_table(&DuckDb, table),
        );
    }
}
