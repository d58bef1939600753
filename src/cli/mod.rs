//! The command line: arguments, one file per subcommand, and the human and
//! JSON renderings. The library knows nothing of this module.

mod args;
mod changes;
mod check;
mod compile;
mod demo;
mod diff;
mod errors;
mod explain;
mod fmt;
mod history;
mod lint;
mod lsp;
mod output;
mod paint;
mod progress;
mod replay;
mod report;
mod run;
mod summary;
mod test;
mod watch;
mod why;

use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser;

/// Exit statuses: 0 clean (warnings allowed), 1 rule errors, 2 usage or IO.
pub const CLEAN: u8 = 0;
pub const RULE_ERRORS: u8 = 1;
pub const FAILURE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    seg::i18n::set(args::Lang::chosen(cli.lang));
    let status = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Compile(a) => compile::run(a),
        Command::Run(a) => run::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Test(a) => test::run(a),
        Command::History(a) => history::run(a),
        Command::Changes(a) => changes::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Lsp(a) => lsp::run(a),
        Command::Why(a) => why::run(a),
        Command::Report(a) => report::run(a),
    };
    ExitCode::from(status)
}
