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
mod groups;
mod history;
mod i18n;
mod kmeans;
mod lint;
mod lock;
mod lookups;
mod lsp;
mod ok_fixtures;
mod preview;
mod read_options;
mod replay;
mod report;
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
mod why;
