//! `seg run --as-of FROM..TO --step 1month`: back-fills the history at past
//! dates, in date order, each date its own run (its own row of `seg_runs`),
//! committed in batches of dates (`engine::Replay`). The rules are read once, and each file source is copied
//! once into a temporary table that every date reads
//! (`engine::load_sources`), so a date costs less than a run of its own
//! (docs/benchmarks.md says how much).

use std::path::Path;

use jiff::civil::Date;
use seg::engine::{self, Engine, EngineError, Loaded, Replay, RunSummary};
use seg::i18n::tr;
use seg::semantic::{Mode, Program};

use super::args::{AsOf, Format, RuleArgs, RunArgs};
use super::output;
use super::progress::Progress;
use super::{CLEAN, check, run};

/// The dates to replay, `None` for a run at one date; a usage error (status
/// 2) for a range without `--step` or the other way round.
pub fn dates(args: &RunArgs) -> Result<Option<Vec<Date>>, u8> {
    let example = "--as-of 2024-01-01..2024-12-01 --step 1month";
    match (args.rules.as_of, args.step) {
        (Some(AsOf::Range(from, to)), Some(step)) if args.out.is_none() => {
            Ok(Some(step.dates(from, to)))
        }
        (Some(AsOf::Range(..)), Some(_)) => Err(output::usage(
            tr!("replay-no-out"),
            Some(tr!("replay-no-out.help")),
        )),
        (Some(AsOf::Range(from, to)), None) => Err(output::usage(
            tr!(
                "replay-needs-step",
                from = from.to_string(),
                to = to.to_string()
            ),
            Some(tr!("replay-needs-step.help", example = example)),
        )),
        (_, Some(_)) => Err(output::usage(
            tr!("replay-needs-range"),
            Some(tr!("replay-needs-range.help", example = example)),
        )),
        (_, None) => Ok(None),
    }
}

/// Runs the rules at every date; prints a line per date (or, as JSON, the
/// array of every committed run's summary). A failure at one date stops
/// the replay: the dates of its batch roll back with it, the batches
/// before it stay published.
pub fn execute(rules: &RuleArgs, target: &run::Target, dates: &[Date], format: Format) -> u8 {
    let db = target.db.as_path();
    let existed = db.exists();
    let engine = match run::open(rules, target) {
        Ok(e) => e,
        Err(e) => return output::failure(&e),
    };
    // As for one run: only a database this replay made and left empty goes.
    let fresh = !existed && engine.is_empty();
    let mut done = Vec::new();
    let status = replay(rules, &engine, dates, format, &mut done);
    match format {
        Format::Json => output::stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&done).unwrap_or_default()
        )),
        Format::Human => output::stdout(&closing(&done, dates, db)),
    }
    if fresh && done.is_empty() && status != CLEAN {
        drop(engine);
        run::discard(db);
    }
    status
}

fn replay(
    rules: &RuleArgs,
    engine: &Engine,
    dates: &[Date],
    format: Format,
    done: &mut Vec<RunSummary>,
) -> u8 {
    let (files, mut checked) = match check::load(rules, Mode::Run, engine, format) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, Format::Human);
    let mut settings = check::settings(rules, Mode::Run);
    let mut replay = None;
    for (i, &date) in dates.iter().enumerate() {
        if i > 0 {
            // The rules are the same; what depends on the date (windows,
            // the as-of literal) is worked out again.
            settings.as_of = Some(date);
            checked = seg::check(&files, engine, &settings);
            if checked.has_errors() {
                output::diagnostics(&checked.diagnostics, &files, Format::Human);
            }
        }
        let Some(program) = checked.program.take() else {
            output::stderr(&format!(
                "{}\n",
                tr!(
                    "replay-not-run",
                    date = date.to_string(),
                    totals = output::totals(&checked.diagnostics)
                )
            ));
            stop(replay, done, date);
            return output::status(&checked.diagnostics);
        };
        match run_date(engine, program, &mut replay, dates) {
            Ok(summary) => {
                if format == Format::Human {
                    output::stdout(&progress_line(&summary));
                }
                done.push(summary);
            }
            Err(e) => {
                stop(replay, done, date);
                return output::failure(&e);
            }
        }
    }
    match replay.as_mut().map_or(Ok(()), |(_, r)| r.commit()) {
        Ok(()) => CLEAN,
        Err(e) => {
            let last = dates.last().copied().unwrap_or_default();
            stop(replay, done, last);
            output::failure(&e)
        }
    }
}

/// Ends a replay that failed at `date`: the dates of its open batch roll
/// back, and only the committed runs stay in `done`.
fn stop(replay: Option<(Loaded, Replay<'_>)>, done: &mut Vec<RunSummary>, date: Date) {
    let committed = replay.as_ref().map_or(0, |(_, r)| r.committed());
    drop(replay);
    let rolled_back = done.len() - committed;
    done.truncate(committed);
    let date = date.to_string();
    let what = match (committed, rolled_back) {
        (0, 0) => {
            return output::stderr(&format!(
                "{}\n",
                tr!("replay-stopped-first", date = date.as_str())
            ));
        }
        (0, n) => tr!("replay-rolled-back", n = n),
        (c, 0) => tr!("replay-kept", n = c),
        (c, n) => tr!("replay-kept-and-rolled-back", kept = c, n = n),
    };
    output::stderr(&format!(
        "{}\n",
        tr!("replay-stopped", date = date.as_str(), what = what)
    ));
}

/// Runs one date's program in the replay, on the copies of the sources,
/// which the first date makes.
fn run_date<'e>(
    engine: &'e Engine,
    mut program: Program,
    replay: &mut Option<(Loaded, Replay<'e>)>,
    dates: &[Date],
) -> Result<RunSummary, EngineError> {
    let (loaded, replay) = match replay {
        Some(open) => open,
        None => {
            let last = *dates.last().unwrap_or(&program.as_of);
            let loaded = engine::load_sources(engine, &program, last)?;
            replay.insert((loaded, Replay::new(engine)))
        }
    };
    loaded.apply(&mut program);
    let plan = seg::compile(&program);
    let progress = Progress::new();
    let result = replay.run(&program, &plan, &progress);
    progress.finish();
    result
}

/// One date's line, and what the run warned about.
fn progress_line(summary: &RunSummary) -> String {
    let mut line = run::headline(summary);
    for warning in &summary.warnings {
        line.push_str(&format!(
            "  {}\n",
            tr!("summary-warning", warning = warning)
        ));
    }
    line
}

/// What the replay left in the database.
fn closing(done: &[RunSummary], dates: &[Date], db: &Path) -> String {
    let (Some(first), Some(last)) = (done.first(), done.last()) else {
        return String::new();
    };
    format!(
        "\n{}\n",
        tr!(
            "replay-done",
            done = done.len().to_string(),
            dates = dates.len().to_string(),
            first = first.as_of.as_str(),
            last = last.as_of.as_str(),
            first_run = first.run_id.to_string(),
            last_run = last.run_id.to_string(),
            db = db.display().to_string()
        )
    )
}
