//! One integration test binary (linking DuckDB once): rule files through
//! every stage, on real DuckDB and real files.

mod cli;
mod diagnostics;
mod run;
mod sandbox;
mod sql;
mod support;
mod syntax;
