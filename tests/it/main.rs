//! One integration test binary (linking DuckDB once): rule files through
//! every stage, on real DuckDB and real files.

mod by_hand;
mod cli;
mod diagnostics;
mod docs_examples;
mod lock;
mod ok_fixtures;
mod robustness;
mod run;
mod sandbox;
mod semantic;
mod sql;
mod support;
mod syntax;
mod watch;
