//! seg: customer-segmentation rules in plain text, compiled to SQL.
//!
//! The stages, each a module with one entry function:
//!
//! | stage      | entry              | from              | to                     |
//! |------------|--------------------|-------------------|------------------------|
//! | `source`   | `read_rule_set`    | a folder or file  | [`source::SourceMap`]  |
//! | `syntax`   | `syntax::parse`    | `SourceMap`       | [`syntax::Ast`]        |
//! | `semantic` | `semantic::check`  | `Ast` + columns   | [`semantic::Program`]  |
//! | `sql`      | `sql::compile`     | `Program`         | [`sql::Plan`]          |
//! | `engine`   | `engine::run`      | `Plan` + DuckDB   | tables, files, summary |
//!
//! Diagnostics from every stage are plain data ([`diagnostic::Diagnostic`]),
//! rendered once by the caller. The command line lives in the `seg` binary;
//! this library never parses arguments.

pub mod cases;
pub mod diagnostic;
#[cfg(feature = "engine")]
pub mod engine;
pub mod format;
pub mod i18n;
pub mod lint;
#[cfg(feature = "engine")]
pub mod lsp;
pub mod report;
pub mod semantic;
pub mod source;
pub mod sql;
pub mod syntax;

use diagnostic::Diagnostic;
use semantic::{Catalog, Program, Settings};
use source::SourceMap;

/// The outcome of checking a rule set: the program when it has no errors,
/// and every diagnostic of every stage, in reading order.
#[derive(Debug)]
pub struct Checked {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks a rule set; nothing runs. Statements that do not parse
/// are reported and the rest is still checked, so one pass reports all.
pub fn check(files: &SourceMap, catalog: &dyn Catalog, settings: &Settings) -> Checked {
    let (ast, mut diagnostics) = syntax::parse(files);
    let checked = semantic::check(&ast, files, catalog, settings);
    diagnostics.extend(checked.diagnostics);
    diagnostic::sort(&mut diagnostics);
    let program = checked
        .program
        .filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Checked {
        program,
        diagnostics,
    }
}

/// Compiles a checked program to the DuckDB statements of a run.
pub fn compile(program: &Program) -> sql::Plan {
    sql::compile(program, &sql::DuckDb)
}
