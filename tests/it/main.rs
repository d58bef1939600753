//! One integration test binary (linking DuckDB once): rule files through
//! every stage, on real DuckDB and real files.

mod by_hand;
mod ci;
mod cli;
mod diagnostics;
mod diff;
mod docs_examples;
mod fmt;
mod functions;
mod history;
mod lint;
mod lock;
mod ok_fixtures;
mod replay;
mod robustness;
mod run;
mod sandbox;
mod semantic;
mod spark;
mod sql;
mod support;
mod syntax;
mod test_cmd;
mod test_examples;
mod watch;
