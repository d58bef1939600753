//! Stage 3, sql: [`Program`] → [`Plan`], every statement a run executes.
//! All SQL text of seg is produced in this module; every identifier and
//! literal in it passes through `quote`.

mod compute;
pub mod demo;
mod dialect;
mod lower;
mod outputs;
mod quote;
mod sandbox;
mod tree;

pub use compute::Layout;
pub use dialect::{Dialect, DuckDb};
pub use outputs::SummaryQueries;
pub use sandbox::{lock_down, relations, temp_directory};

use crate::semantic::Program;
use crate::semantic::ir::Location;

/// The computed values of a run, kept for the run's own length.
pub const RESULT: &str = "seg_result";
/// The (customer, tag, position) rows of a run.
pub const RESULT_TAGS: &str = "seg_result_tags";
/// Published: one row per customer.
pub const CUSTOMERS_TABLE: &str = "seg_customers";
/// Published: one row per (customer, tag).
pub const TAGS_TABLE: &str = "seg_customer_tags";
/// Published: every label and tag with its description.
pub const CATALOG_TABLE: &str = "seg_tag_catalog";
/// Published: one row per run, kept across runs.
pub const RUNS_TABLE: &str = "seg_runs";

/// One statement with what it is for.
#[derive(Debug, Clone)]
pub struct Statement {
    pub title: String,
    pub sql: String,
}

/// Everything a run executes, in order.
#[derive(Debug)]
pub struct Plan {
    pub layout: Layout,
    /// Checks the customer key is present and unique.
    pub key_check: String,
    pub duplicate_keys: String,
    /// Computes the run's values into temporary tables.
    pub compute: Vec<Statement>,
    pub summary: SummaryQueries,
    /// Replaces the published tables; runs in one transaction.
    pub publish: Vec<Statement>,
    pub runs_table: String,
    pub next_run_id: String,
    pub record_run: String,
}

/// The entry of the stage.
pub fn compile(program: &Program, dialect: &dyn Dialect) -> Plan {
    let layout = compute::layout(program);
    let result = compute::result_query(program, &layout);
    let tags = outputs::result_tags(program, &layout);
    let compute = vec![
        Statement {
            title: "Compute every customer's metrics, scores, labels and tags".into(),
            sql: outputs::create_table_as(dialect, RESULT, true, &result),
        },
        Statement {
            title: "Collect each customer's tags, rule-made and hand-assigned".into(),
            sql: outputs::create_table_as(dialect, RESULT_TAGS, true, &tags),
        },
    ];
    let mut publish = vec![
        Statement {
            title: "The wide table: one row per customer".into(),
            sql: outputs::create_table_as(
                dialect,
                CUSTOMERS_TABLE,
                false,
                &outputs::customers_table(program, &layout),
            ),
        },
        Statement {
            title: "The long table: one row per customer and tag".into(),
            sql: outputs::create_table_as(
                dialect,
                TAGS_TABLE,
                false,
                &outputs::tags_table(program),
            ),
        },
    ];
    for (i, sql) in outputs::catalogue(dialect, program).into_iter().enumerate() {
        publish.push(Statement {
            title: if i == 0 {
                "The tag catalogue: every label and tag, described".into()
            } else {
                "The tag catalogue, continued".into()
            },
            sql,
        });
    }
    Plan {
        key_check: outputs::key_check(dialect, program),
        duplicate_keys: outputs::duplicate_keys(dialect, program),
        summary: outputs::summary(dialect, program, &layout),
        compute,
        publish,
        runs_table: outputs::runs_table(dialect),
        next_run_id: outputs::next_run_id(dialect),
        record_run: outputs::record_run(dialect),
        layout,
    }
}

impl Plan {
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
        for s in &self.compute {
            section(&s.title, &s.sql);
        }
        section("Publish, in one transaction", "BEGIN TRANSACTION");
        for s in &self.publish {
            section(&s.title, &s.sql);
        }
        section("The run log", &self.runs_table);
        section(
            "Record this run (values bound at run time)",
            &self.record_run,
        );
        out.push_str("COMMIT;\n");
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

/// Copies a published table to a file.
pub fn export(dialect: &dyn Dialect, table: &str, path: &str, csv: bool) -> String {
    outputs::export(dialect, table, path, csv)
}
