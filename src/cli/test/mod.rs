//! `seg test`: runs a rule set's test cases and reports every outcome.
//! The cases are the `tests/<case>/` folders beside the rules
//! (`seg::cases`); each runs the rules on its own data and compares the
//! wide table with its stored snapshot.

mod case;
mod examples;
mod report;

use seg::cases::{self, Case};
use seg::source::{SourceMap, Span, read_rule_set};

use super::args::{TestArgs, TestFormat};
use super::output;
use super::{CLEAN, RULE_ERRORS};

/// What became of one test.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What kind of test: `example`, `snapshot` or `expectation`.
    pub kind: &'static str,
    pub name: String,
    /// The file the outcome is about (the rule file, the snapshot).
    pub file: String,
    /// The line in `file`, for examples and expectations.
    pub line: Option<usize>,
    pub status: Status,
    /// For people: the failure as a diagnostic pointing into the rules.
    pub rendered: Option<String>,
    /// For tools: what an expectation measured (customers, share, the
    /// keys of a few that break it).
    pub measured: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Passed,
    /// The snapshot was (re)written with `--accept`.
    Accepted,
    /// A new case: its snapshot was written beside it as `snapshot.txt.new`,
    /// for review.
    Pending,
    /// Failed: a short reason, and the details (diff lines, diagnostics).
    Failed {
        reason: String,
        details: Vec<String>,
    },
}

impl Status {
    pub fn failed(reason: impl Into<String>, details: Vec<String>) -> Status {
        Status::Failed {
            reason: reason.into(),
            details,
        }
    }
}

/// How the run treats snapshots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// `--accept`: write every snapshot that differs or is new.
    pub accept: bool,
    /// In CI (`CI` set): write nothing; a case without a snapshot fails.
    pub ci: bool,
}

pub fn run(args: TestArgs) -> u8 {
    let files = match read_rule_set(&args.path) {
        Ok(f) => f,
        Err(e) => {
            let d = e.diagnostic();
            return output::usage(d.message, d.help);
        }
    };
    let cases = match cases::discover(&args.path) {
        Ok(c) => c,
        Err(e) => return output::usage(e.to_string(), None),
    };
    let policy = Policy {
        accept: args.accept,
        ci: in_ci(),
    };
    // Every case needs data for the sources the rules declare.
    let (ast, _) = seg::syntax::parse(&files);
    let sources = ast.source_names();
    let mut outcomes = examples::run(&files, &ast);
    outcomes.extend(
        cases
            .iter()
            .flat_map(|c| case::run(&files, &sources, c, policy)),
    );
    output::stdout(&report::render(&outcomes, args.format, &args.path));
    if args.format == TestFormat::Human && outcomes.is_empty() {
        output::stderr(&no_cases_hint(&args.path));
    }
    status(&outcomes)
}

/// 1 when anything failed, else 0.
fn status(outcomes: &[Outcome]) -> u8 {
    if outcomes
        .iter()
        .any(|o| matches!(o.status, Status::Failed { .. }))
    {
        RULE_ERRORS
    } else {
        CLEAN
    }
}

/// `CI` set to anything but empty, `0` or `false`, as CI services do.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

fn no_cases_hint(path: &std::path::Path) -> String {
    format!(
        "no test cases: add a folder {}/{}/<case>/ with a data file per source (see docs/test.md)\n",
        path.display(),
        cases::CASES_FOLDER
    )
}

/// The file (as the rule set was given) and line of a span.
fn place(files: &SourceMap, span: Span) -> (String, usize) {
    let file = files.get(span.file);
    let (line, _) = file.line_col(span.start as usize);
    (file.path.display().to_string(), line)
}

/// A case's display path: where its snapshot is.
fn snapshot_file(case: &Case) -> String {
    case.snapshot_path().display().to_string()
}
