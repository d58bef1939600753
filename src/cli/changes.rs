//! `seg changes`: who moved between labels, and who gained or lost tags,
//! between two runs. The flat forms (CSV, JSON, Markdown) are one row per
//! cell, the shape `seg diff` prints too.

pub mod render;

use seg::engine::history::{self, RunSizes};
use seg::engine::{Changes, EngineError, TAG_PREFIX};

use super::CLEAN;
use super::args::ChangesArgs;
use super::history::open;
use super::output;

pub fn run(args: ChangesArgs) -> u8 {
    let (changes, context) = match read(&args) {
        Ok(x) => x,
        Err(e) => return output::failure(&e),
    };
    let changes = match &args.segmentation {
        Some(name) => match only(changes, name, &context.runs) {
            Ok(c) => c,
            Err(e) => return output::failure(&e),
        },
        None => changes,
    };
    let title = title(&changes, &context.runs);
    let report = render::Report {
        title: &title,
        labels: &context.labels,
        empty: "no customers, labels or tags in either run",
    };
    output::stdout(&render::render(&changes, &report, args.format));
    CLEAN
}

/// What a report needs besides the changes: the runs (their dates), and
/// the order of the current rule set's labels.
struct Context {
    runs: Vec<RunSizes>,
    labels: Vec<(String, String)>,
}

fn read(args: &ChangesArgs) -> Result<(Changes, Context), EngineError> {
    let engine = open(&args.db)?;
    let changes = history::changes(&engine, args.from, args.to)?;
    let context = Context {
        runs: history::runs(&engine)?,
        labels: history::label_order(&engine)?,
    };
    Ok((changes, context))
}

/// The changes of one segmentation or tag; a name neither run has is an
/// error that lists the names they have.
fn only(changes: Changes, name: &str, runs: &[RunSizes]) -> Result<Changes, EngineError> {
    let compared: Vec<&RunSizes> = runs
        .iter()
        .filter(|r| Some(r.run_id) == changes.from_run || Some(r.run_id) == changes.to_run)
        .collect();
    let mut known: Vec<String> = Vec::new();
    for run in &compared {
        let names = run
            .labels
            .iter()
            .map(|l| l.segmentation.clone())
            .chain(run.tags.iter().map(|t| format!("{TAG_PREFIX}{}", t.tag)));
        for n in names {
            if !known.contains(&n) {
                known.push(n);
            }
        }
    }
    if !known.iter().any(|k| k == name) {
        let listed: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = match seg::diagnostic::did_you_mean(name, listed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        return Err(EngineError::History {
            message: format!("neither run has a segmentation or tag `{name}`"),
            help: format!(
                "{hint}they have {}",
                seg::diagnostic::list_names(&listed, 12)
            ),
        });
    }
    Ok(changes.only(name))
}

fn run_title(id: Option<i64>, runs: &[RunSizes]) -> String {
    match id {
        None => "before the first run".to_string(),
        Some(id) => match runs.iter().find(|r| r.run_id == id) {
            Some(r) => format!("run {id} (as of {})", r.as_of),
            None => format!("run {id}"),
        },
    }
}

fn title(changes: &Changes, runs: &[RunSizes]) -> String {
    format!(
        "changes from {} to {}",
        run_title(changes.from_run, runs),
        run_title(changes.to_run, runs)
    )
}
