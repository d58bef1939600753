//! Stage 3, sql: [`Program`] → [`Plan`], every statement a run executes.
//! All SQL text of seg is produced in this module; every identifier and
//! literal in it passes through `quote`.

mod compute;
pub mod demo;
mod dialect;
pub mod diff;
pub mod examples;
pub mod expect;
pub mod history;
mod kmeans;
mod lower;
mod outputs;
mod quote;
pub mod report;
mod sandbox;
mod snapshot;
mod tree;
pub mod why;

pub use compute::Ranks;
pub use dialect::{Capabilities, Dialect, DuckDb, Spark, TableFormat, staged};
pub use outputs::{LOOKUP_EXAMPLES, LookupCheck, LookupMisses, SummaryQueries};
pub use sandbox::{lock_down, relations, resources, temp_directory};
pub use snapshot::wide_table;

use jiff::civil::Date;

use crate::semantic::Program;
use crate::semantic::ir::{Location, Source};

/// The first part of a run's computation: every customer with the
/// aggregates of their facts (a temporary table; see [`Plan::base`]).
pub const BASE: &str = "seg$base";
/// The computed values of a run: written inside the run's transaction,
/// read by the summaries, then published as the wide table. The `$` keeps
/// it apart from any table of the user's.
pub const RESULT: &str = "seg$result";
/// Published: one row per customer.
pub const CUSTOMERS_TABLE: &str = "seg_customers";
/// Published: one row per (customer, tag).
pub const TAGS_TABLE: &str = "seg_customer_tags";
/// Published: every label and tag with its description.
pub const CATALOG_TABLE: &str = "seg_tag_catalog";
/// Published: one row per run, kept across runs.
pub const RUNS_TABLE: &str = "seg_runs";
/// Kept across runs: who held which label from which run to which.
pub const LABEL_HISTORY: &str = "seg_label_history";
/// Kept across runs: who carried which tag from which run to which.
pub const TAG_HISTORY: &str = "seg_tag_history";

/// One statement with what it is for.
#[derive(Debug, Clone)]
pub struct Statement {
    pub title: String,
    pub sql: String,
}

impl Statement {
    fn new(title: &str, sql: String) -> Statement {
        Statement {
            title: title.to_string(),
            sql,
        }
    }
}

/// Everything a run executes, in order.
#[derive(Debug)]
pub struct Plan {
    /// Checks the customer key is present and unique.
    pub key_check: String,
    pub duplicate_keys: String,
    /// Checks each lookup table's key is unique.
    pub lookup_checks: Vec<outputs::LookupCheck>,
    /// Creates the run log and the history tables if missing (or brings an
    /// older run log up to date): the first statements of the run's one
    /// transaction, as the computation reads the open history rows.
    pub prepare: Vec<Statement>,
    /// Computes every customer with the aggregates of their facts into the
    /// temporary table [`BASE`]. It depends only on the sources, the as-of
    /// date and the aggregates, windows and `where`s: its SQL text and the
    /// sources' files say whether a table computed before can stand in for
    /// it (`seg watch` keeps one; two rule sets can share one).
    pub base: Statement,
    /// Computes the run's values from [`BASE`] (and the open history rows,
    /// for the since-dates) into the table [`RESULT`].
    pub derived: Statement,
    /// Replaces the published tables but the wide one; in the transaction.
    pub publish: Vec<Statement>,
    /// Read inside that transaction, after `publish`.
    pub summary: SummaryQueries,
    /// Makes the computed table the wide table, after the summaries.
    pub put_in_place: Statement,
    pub next_run_id: String,
    pub record_run: String,
    /// Checks the rules' expectations on the computed table, before
    /// anything is published (`None`: the rules expect nothing).
    pub expectations: Option<String>,
    /// What the engine the plan is for can do (the run loop reads it).
    pub capabilities: Capabilities,
    /// The kmeans segmentations, computed after the base and before
    /// `derived` (which reads their clusters).
    pub clusters: Vec<ClusterPlan>,
}

/// The statements of one kmeans segmentation (`sql/kmeans.rs`); the engine
/// runs `setup`, the `seeds`, then `step`, `movement` and `moved` until the
/// centres settle, then `labels`.
#[derive(Debug)]
pub struct ClusterPlan {
    pub segmentation: String,
    pub k: usize,
    pub inputs: Vec<String>,
    pub log: Vec<bool>,
    pub seed: u64,
    /// The points, standardised, and an empty table of centres.
    pub setup: Vec<String>,
    /// One per centre, k-means++.
    pub seeds: Vec<String>,
    pub step: String,
    pub movement: String,
    pub moved: String,
    pub labels: String,
    /// Per cluster: number, size, sum of squared distances, centroid.
    pub report: String,
    /// Each input's mean and standard deviation, and the number of points.
    pub read_scale: String,
    pub clean_up: String,
}

pub use kmeans::{MAX_ITERATIONS, TOLERANCE};

fn cluster_plans(
    program: &Program,
    layout: &compute::Layout,
    dialect: &dyn Dialect,
) -> Vec<ClusterPlan> {
    program
        .clusters
        .iter()
        .map(|k| {
            let sql = kmeans::KmeansSql::new(program, k, dialect);
            ClusterPlan {
                segmentation: sql.name.clone(),
                k: k.k,
                inputs: k.inputs.iter().map(|(n, _)| n.clone()).collect(),
                log: k.log.clone(),
                seed: k.seed,
                setup: vec![
                    sql.raw(program, layout),
                    sql.scale(),
                    sql.points(),
                    sql.no_centres(),
                ],
                seeds: (1..=k.k).map(|round| sql.seed(round)).collect(),
                step: sql.step(),
                movement: sql.movement(),
                moved: sql.moved(),
                labels: sql.labels(),
                report: sql.report(),
                read_scale: sql.read_scale(),
                clean_up: sql.clean_up(),
            }
        })
        .collect()
}

/// The entry of the stage.
pub fn compile(program: &Program, dialect: &dyn Dialect) -> Plan {
    let layout = compute::layout(program);
    let base = Statement::new(
        &compute::base_comments(program).join(" "),
        outputs::create_table_as(dialect, BASE, true, &compute::base_query(program, &layout)),
    );
    let derived = Statement::new(
        "Compute every customer's metrics, scores, labels, since-dates and tags",
        outputs::create_table_as(
            dialect,
            RESULT,
            false,
            &compute::derived_query(program, &layout, dialect.capabilities().ranks),
        ),
    );
    let mut prepare = vec![Statement::new(
        "The run log (created once, or brought up to date)",
        outputs::runs_table(dialect).join(";\n"),
    )];
    prepare.extend(history::create_tables(dialect, program));
    // The history is brought up to date with `UPDATE`: an engine without
    // it keeps the (empty) history tables the since-dates read, unwritten.
    let history = dialect.capabilities().update;
    let mut publish = if history {
        history::label_statements(dialect, program)
    } else {
        Vec::new()
    };
    publish.push(Statement::new(
        "The long table: one row per customer and tag",
        outputs::create_table_as(
            dialect,
            &outputs::writing(dialect, TAGS_TABLE),
            false,
            &outputs::tags_table(program),
        ),
    ));
    if history {
        publish.extend(history::tag_statements(dialect, program));
    }
    for (i, sql) in outputs::catalogue(dialect, program).into_iter().enumerate() {
        let title = if i == 0 {
            "The tag catalogue: every label and tag, described"
        } else {
            "The tag catalogue, continued"
        };
        publish.push(Statement::new(title, sql));
    }
    Plan {
        clusters: cluster_plans(program, &layout, dialect),
        key_check: outputs::key_check(dialect, program),
        duplicate_keys: outputs::duplicate_keys(dialect, program),
        lookup_checks: outputs::lookup_checks(dialect, program),
        summary: outputs::summary(dialect, program, &layout),
        prepare,
        base,
        derived,
        publish,
        put_in_place: Statement::new(
            "Once the summaries are read, the computed table is the wide table \
             (one row per customer), without the columns only they read",
            outputs::put_in_place(dialect, program, &layout).join(";\n"),
        ),
        next_run_id: outputs::next_run_id(dialect),
        record_run: outputs::record_run(dialect),
        expectations: expect::query(dialect, program, &layout),
        capabilities: dialect.capabilities(),
    }
}

impl Plan {
    /// The computation's SQL, base then derived, as one text (for tests
    /// and readers).
    pub fn compute_sql(&self) -> String {
        format!("{};\n\n{}", self.base.sql.trim_end(), self.derived.sql)
    }

    /// The whole plan as one readable script, for `seg compile`.
    pub fn script(&self, program: &Program) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "-- seg {}: rule set {}, as of {}\n",
            env!("CARGO_PKG_VERSION"),
            &program.rules_hash[..12],
            program.as_of
        ));
        // Paths can hold any character: comments stay on their line.
        let source = |what: &str, s: &crate::semantic::ir::Source| {
            format!(
                "-- {}\n",
                quote::comment(&format!("{what}: {} ({})", s.name, s.location.describe()))
            )
        };
        out.push_str(&source("customers", &program.customers));
        for f in &program.facts {
            out.push_str(&source("facts", f));
        }
        out.push('\n');
        let transaction = self.capabilities.transactions;
        if !transaction {
            out.push_str(
                "-- No transactions: every published table is written under a staging name,\n\
                 -- then swapped in at the end; a failure before that leaves the previous tables whole.\n\n",
            );
        }
        let mut section = |title: &str, sql: &str| {
            out.push_str(&format!(
                "-- {}\n{};\n\n",
                quote::comment(title),
                sql.trim_end()
            ));
        };
        section(
            "Check that every customer has one unique key",
            &self.key_check,
        );
        if transaction {
            section(
                "Compute and publish in one transaction: a failure leaves the previous tables whole",
                "BEGIN TRANSACTION",
            );
        }
        for s in self.prepare.iter().chain([&self.base]) {
            section(&s.title, &s.sql);
        }
        for c in &self.clusters {
            let name = &c.segmentation;
            for sql in &c.setup {
                section(&format!("kmeans `{name}`: its points, standardised"), sql);
            }
            for (round, sql) in c.seeds.iter().enumerate() {
                section(&format!("kmeans `{name}`: seed centre {}", round + 1), sql);
            }
            section(
                &format!(
                    "kmeans `{name}`: a Lloyd step; the engine repeats it and the next two until the centres move at most {TOLERANCE} or {MAX_ITERATIONS} times"
                ),
                &c.step,
            );
            section(
                &format!("kmeans `{name}`: how far the centres moved"),
                &c.movement,
            );
            section(&format!("kmeans `{name}`: the moved centres"), &c.moved);
            section(
                &format!("kmeans `{name}`: each customer's cluster, numbered"),
                &c.labels,
            );
            section(
                &format!("kmeans `{name}`: done with its working tables"),
                &c.clean_up,
            );
        }
        section(&self.derived.title, &self.derived.sql);
        if let Some(sql) = &self.expectations {
            section(
                "Check the expectations on the computed table (a failure stops a --strict run here)",
                sql,
            );
        }
        for s in &self.publish {
            section(&s.title, &s.sql);
        }
        section(&self.put_in_place.title, &self.put_in_place.sql);
        section(
            "Record this run (values bound at run time)",
            &self.record_run,
        );
        if transaction {
            out.push_str("COMMIT;\n");
        }
        out
    }
}

/// Reads a source's column names and types.
pub fn describe(dialect: &dyn Dialect, location: &Location) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("DESCRIBE SELECT * FROM ");
    p.relation(&compute::relation(location));
    p.finish()
}

/// Whether a source has any row at all.
pub fn first_row(dialect: &dyn Dialect, location: &Location) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("SELECT 1 FROM ");
    p.relation(&compute::relation(location));
    p.text(" LIMIT 1");
    p.finish()
}

/// The distinct values of a column, trimmed text as a run reads tags, at
/// most `limit` of them.
pub fn distinct_values(
    dialect: &dyn Dialect,
    location: &Location,
    column: &str,
    limit: u64,
) -> String {
    let value = tree::call(
        "trim",
        vec![tree::Expr::Cast(Box::new(tree::col(column)), "VARCHAR")],
    );
    let select = tree::Select {
        distinct: true,
        items: vec![tree::Item::named(value, "value")],
        from: Some((compute::relation(location), None)),
        filter: Some(tree::Expr::IsNull {
            expr: Box::new(tree::col(column)),
            negated: true,
        }),
        limit: Some(limit),
        ..tree::Select::default()
    };
    let mut p = tree::Printer::new(dialect);
    p.select(&select, 0);
    p.finish()
}

/// The temporary table a replay copies a source into.
pub fn loaded_table(source: &Source) -> String {
    format!("seg_loaded${}", source.name)
}

/// Copies the `columns` of a source's rows, as the rules see them, into its
/// temporary table ([`loaded_table`]), so that a replay's runs at many
/// dates read each file once. Rows of a dated fact source from `until` on
/// are left out: no run of the replay sees them; the others are kept in
/// date order.
pub fn load_source(
    dialect: &dyn Dialect,
    source: &Source,
    columns: &[String],
    until: Option<Date>,
) -> String {
    let filter = until
        .zip(source.at.as_ref())
        .map(|(until, at)| tree::binary(tree::col(at), tree::Op::Lt, tree::Expr::Date(until)));
    let query = tree::Query {
        ctes: Vec::new(),
        body: tree::Body::Select(tree::Select {
            items: columns
                .iter()
                .map(|c| tree::Item::new(tree::col(c)))
                .collect(),
            from: Some((compute::source_relation(source), None)),
            filter,
            ..tree::Select::default()
        }),
        // In date order, so that each date's `at < as-of` skips the blocks
        // of later rows unread (DuckDB keeps each block's min and max).
        order_by: until
            .and(source.at.as_ref())
            .map(|at| (tree::col(at), false))
            .into_iter()
            .collect(),
    };
    outputs::create_table_as(dialect, &loaded_table(source), true, &query)
}

/// Copies a published table to a file.
pub fn export(dialect: &dyn Dialect, table: &str, path: &str, csv: bool) -> String {
    outputs::export(dialect, table, path, csv)
}

/// Attaches a DuckDB file as the schema `alias` (`seg watch`'s kept base).
pub fn attach(dialect: &dyn Dialect, path: &str, alias: &str, read_only: bool) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("ATTACH ");
    p.text(&dialect.string(path));
    p.text(" AS ");
    p.ident(alias);
    if read_only {
        p.text(" (READ_ONLY)");
    }
    p.finish()
}

pub fn detach(dialect: &dyn Dialect, alias: &str) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("DETACH ");
    p.ident(alias);
    p.finish()
}

/// The base table from the one kept in the attached `alias`.
pub fn base_from(dialect: &dyn Dialect, alias: &str) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("CREATE OR REPLACE TEMP TABLE ");
    p.ident(BASE);
    p.text(" AS SELECT * FROM ");
    p.ident(alias);
    p.text(".");
    p.ident("base");
    p.finish()
}

/// Keeps the base table in the attached `alias`.
pub fn base_into(dialect: &dyn Dialect, alias: &str) -> String {
    let mut p = tree::Printer::new(dialect);
    p.text("CREATE OR REPLACE TABLE ");
    p.ident(alias);
    p.text(".");
    p.ident("base");
    p.text(" AS SELECT * FROM ");
    p.ident(BASE);
    p.finish()
}
