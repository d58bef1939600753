//! One snapshot case: check the rules against the case's data, run them
//! in memory, compare the wide table with the stored snapshot.

use seg::i18n::tr;
use std::path::Path;

use seg::cases::snapshot::{self, Table};
use seg::cases::{Case, SNAPSHOT_FILE};
use seg::diagnostic::{Code, Diagnostic, render};
use seg::engine::{self, Engine, ExpectationOutcome, RunOptions, Silent};
use seg::semantic::Program;
use seg::semantic::ir::AsOfOrigin;
use seg::semantic::{Mode, Settings};
use seg::source::SourceMap;

use super::{Outcome, Policy, Status, place, snapshot_file};
use crate::cli::check::today;

/// The case's snapshot outcome, then one outcome per expectation of the
/// rules on the case's table.
pub fn run(files: &SourceMap, sources: &[&str], case: &Case, policy: Policy) -> Vec<Outcome> {
    let (status, expectations) = match table(files, sources, case) {
        Ok((table, program, outcomes)) => (
            compare(case, &table, policy),
            expectation_outcomes(files, case, &program, &outcomes),
        ),
        Err(status) => (status, Vec::new()),
    };
    let snapshot = Outcome {
        kind: "snapshot",
        name: case.name.clone(),
        file: snapshot_file(case),
        line: None,
        status,
        rendered: None,
        measured: None,
    };
    std::iter::once(snapshot).chain(expectations).collect()
}

/// Each expectation on the case's table, named `<case>: <expectation>`.
fn expectation_outcomes(
    files: &SourceMap,
    case: &Case,
    program: &Program,
    outcomes: &[ExpectationOutcome],
) -> Vec<Outcome> {
    program
        .expectations
        .iter()
        .zip(outcomes)
        .map(|(expectation, outcome)| {
            let (file, line) = place(files, expectation.span);
            let (status, rendered) = if outcome.passed {
                (Status::Passed, None)
            } else {
                let d = Diagnostic::new(
                    Code::ExpectationFailed,
                    tr!("expectation-failed", name = case.name.to_string()),
                )
                .at(expectation.span, outcome.detail.clone());
                let shown = render::human(&[d], files, render::Style::PLAIN);
                (
                    Status::failed(outcome.detail.clone(), Vec::new()),
                    Some(shown),
                )
            };
            Outcome {
                kind: "expectation",
                name: format!("{}: {}", case.name, expectation.text),
                file,
                line: Some(line),
                status,
                rendered,
                measured: Some(serde_json::json!({
                    "customers": outcome.customers,
                    "share": outcome.share,
                    "examples": outcome.examples,
                })),
            }
        })
        .collect()
}

/// The wide table the rules give on the case's data, the program and its
/// expectations' outcomes.
fn table(
    files: &SourceMap,
    sources: &[&str],
    case: &Case,
) -> Result<(Table, Program, Vec<ExpectationOutcome>), Status> {
    let missing = case.missing_sources(sources);
    if !missing.is_empty() {
        let details = missing
            .iter()
            .map(|s| {
                format!(
                    "add {} (a CSV with only its header line for a source without rows)",
                    case.dir.join(format!("{s}.csv")).display()
                )
            })
            .collect();
        return Err(Status::failed(
            format!("no data for source `{}`", missing.join("`, `")),
            details,
        ));
    }
    let engine = Engine::in_memory().map_err(|e| Status::failed(e.to_string(), Vec::new()))?;
    let mut settings = Settings::new(Mode::Run, today());
    settings.as_of = case.as_of;
    settings.params = case.params.clone();
    settings.sources = case
        .data
        .iter()
        .map(|(name, path)| (name.clone(), path.display().to_string()))
        .collect();
    let checked = seg::check(files, &engine, &settings);
    let Some(program) = checked.program else {
        let shown = render::human(&checked.diagnostics, files, render::Style::PLAIN);
        return Err(Status::failed(
            format!(
                "the rules do not check: {}",
                render::totals(&checked.diagnostics)
            ),
            shown.lines().map(str::to_string).collect(),
        ));
    };
    if program.as_of_origin == AsOfOrigin::Today {
        return Err(Status::failed(
            "no as-of date: a snapshot made today would change tomorrow",
            vec![format!(
                "add `\"as_of\": \"2025-06-30\"` (your date) to {}",
                case.dir.join(seg::cases::SETTINGS_FILE).display()
            )],
        ));
    }
    let plan = seg::compile(&program);
    let failed =
        |e: engine::EngineError| Status::failed(format!("the run failed: {e}"), Vec::new());
    let summary =
        engine::run(&engine, &program, &plan, &RunOptions::default(), &Silent).map_err(failed)?;
    let table = engine::wide_table(&engine, &program).map_err(failed)?;
    Ok((table, program, summary.expectations))
}

/// Compares with the stored snapshot, writing what the policy allows.
fn compare(case: &Case, table: &Table, policy: Policy) -> Status {
    let text = snapshot::render(table);
    let stored = match std::fs::read_to_string(case.snapshot_path()) {
        Ok(stored) => stored,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return new_case(case, &text, policy),
        Err(e) => return Status::failed(format!("cannot read {SNAPSHOT_FILE}: {e}"), Vec::new()),
    };
    let old = match snapshot::parse(&stored) {
        Ok((_, old)) => old,
        Err(e) => {
            return Status::failed(
                format!("{SNAPSHOT_FILE} is not a snapshot: {e}"),
                Vec::new(),
            );
        }
    };
    let changes = snapshot::diff(&old, table);
    if changes.is_empty() {
        // Equal values, maybe laid out differently: the file stays, unless
        // `--accept` brings it to the current layout.
        if policy.accept && stored != text {
            return written(write(&case.snapshot_path(), &text), Status::Passed);
        }
        let _ = remove_pending(case);
        return Status::Passed;
    }
    if policy.accept {
        return written(
            write(&case.snapshot_path(), &text).and_then(|()| remove_pending(case)),
            Status::Accepted,
        );
    }
    let details = changes.iter().map(|c| c.to_string()).collect();
    let reason = format!(
        "{} change{} from the snapshot",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    if !policy.ci {
        let _ = write(&case.pending_path(), &text);
    }
    Status::failed(reason, details)
}

/// A case without a snapshot: accepted, pending (written beside it for
/// review), or in CI a failure, since nothing would be compared.
fn new_case(case: &Case, text: &str, policy: Policy) -> Status {
    if policy.accept {
        written(
            write(&case.snapshot_path(), text).and_then(|()| remove_pending(case)),
            Status::Accepted,
        )
    } else if policy.ci {
        Status::failed(
            "no snapshot yet",
            vec![format!(
                "run `seg test --accept` where you edit the rules, review {} and commit it",
                case.snapshot_path().display()
            )],
        )
    } else {
        written(write(&case.pending_path(), text), Status::Pending)
    }
}

fn written(result: std::io::Result<()>, status: Status) -> Status {
    match result {
        Ok(()) => status,
        Err(e) => Status::failed(format!("cannot write the snapshot: {e}"), Vec::new()),
    }
}

/// Writes a file whole or not at all: a temporary file beside it, renamed.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

fn remove_pending(case: &Case) -> std::io::Result<()> {
    match std::fs::remove_file(case.pending_path()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
