//! `seg run --as-of FROM..TO --step 1month`: back-fills the history at past
//! dates, in date order, each date its own run (its own row of `seg_runs`),
//! committed in batches of dates (`engine::Replay`). The rules are read once, and each file source is copied
//! once into a temporary table that every date reads
//! (`engine::load_sources`), so a date costs less than a run of its own
//! (docs/benchmarks.md says how much).

use std::path::Path;

use jiff::civil::Date;
use seg::engine::{self, Engine, EngineError, Loaded, Replay, RunSummary};
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
            "--out writes the tables of one run, not of a range of dates",
            Some(
                "replay the range without --out, then run the date to export once more with --out"
                    .into(),
            ),
        )),
        (Some(AsOf::Range(from, to)), None) => Err(output::usage(
            format!("--as-of {from}..{to} needs --step: how far apart the dates are"),
            Some(format!(
                "add --step 1month (or 1day, 1week, 3months ...), as in {example}"
            )),
        )),
        (_, Some(_)) => Err(output::usage(
            "--step needs a range of dates to step through",
            Some(format!("give --as-of FROM..TO, as in {example}")),
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
                "not run as of {date}: {}\n",
                output::totals(&checked.diagnostics)
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
    let what = match (committed, rolled_back) {
        (0, 0) => {
            return output::stderr(&format!(
                "the replay stopped at its first date, {date}: nothing was published\n"
            ));
        }
        (0, n) => format!(
            "nothing was published (the {} before it, in the same transaction, rolled back with it)",
            runs(n)
        ),
        (c, 0) => format!("the {} before it stay published", runs(c)),
        (c, n) => format!(
            "the {} of the batches before it stay published; the {} of its own batch rolled back with it",
            runs(c),
            runs(n)
        ),
    };
    output::stderr(&format!("the replay stopped at {date}: {what}\n"));
}

fn runs(n: usize) -> String {
    if n == 1 {
        "1 run".into()
    } else {
        format!("{n} runs")
    }
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
        line.push_str(&format!("  warning: {warning}\n"));
    }
    line
}

/// What the replay left in the database.
fn closing(done: &[RunSummary], dates: &[Date], db: &Path) -> String {
    let (Some(first), Some(last)) = (done.first(), done.last()) else {
        return String::new();
    };
    format!(
        "\nreplayed {} of {} dates, as of {} to {}: runs {} to {} in {}, whose tables are now as of {}\n",
        done.len(),
        dates.len(),
        first.as_of,
        last.as_of,
        first.run_id,
        last.run_id,
        db.display(),
        last.as_of
    )
}
