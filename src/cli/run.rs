//! `seg run`: run a rule set and publish the tagged tables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use seg::Checked;
use seg::diagnostic::Diagnostic;
use seg::engine::{
    self, Engine, EngineError, RunOptions, RunSummary, SegmentationCounts, Stop, TagCount,
};
use seg::semantic::Mode;
use seg::semantic::ir::Location;
use seg::source::{LoadError, SourceMap};

use super::args::{Format, OutFormat, RuleArgs, RunArgs};
use super::output::{self, pad, thousands};
use super::progress::Progress;
use super::{CLEAN, RULE_ERRORS, check, replay};

pub fn run(args: RunArgs) -> u8 {
    let target = match Target::of(&args, "seg run") {
        Ok(t) => t,
        Err(status) => return status,
    };
    match replay::dates(&args) {
        Ok(None) => {
            let once = once(&args.rules, &target, !args.quiet);
            let status = report(&once, &target.db, args.format, args.quiet);
            html_report(&args, &target, status)
        }
        Ok(Some(dates)) => {
            let status = replay::execute(&args.rules, &target, &dates, args.format);
            html_report(&args, &target, status)
        }
        Err(status) => status,
    }
}

/// `--report FILE`: the HTML report of a run (or replay) that ended
/// clean; the status of the two.
fn html_report(args: &RunArgs, target: &Target, status: u8) -> u8 {
    match &args.report {
        Some(file) if status == CLEAN => {
            super::report::after_run(&args.rules, &target.db, file, args.quiet)
        }
        _ => status,
    }
}

/// Where a run writes: the database, `--out`, and how long to wait for the
/// database when another process has it.
pub struct Target {
    pub db: PathBuf,
    pub options: RunOptions,
    pub wait: Duration,
    /// Stops a run from another thread (`seg watch`'s signal handler).
    pub stop: Stop,
}

impl Target {
    /// The target of `seg run` (and `seg watch`): `--db` is required, and
    /// `--out` is checked before anything runs.
    pub fn of(args: &RunArgs, command: &str) -> Result<Target, u8> {
        let Some(db) = args.rules.db.clone() else {
            return Err(output::usage(
                format!("`{command}` needs a database to write to"),
                Some("pass --db <file>, e.g. --db seg.duckdb (it is created if missing)".into()),
            ));
        };
        let options = RunOptions {
            out: args.out.clone(),
            csv: args.out_format == OutFormat::Csv,
            base_cache: None,
            strict: args.strict,
        };
        if let Some(out) = &options.out
            && let Err(e) = engine::check_out_dir(out, options.csv)
        {
            return Err(output::failure(&e));
        }
        Ok(Target {
            db,
            options,
            wait: Duration::from_secs(args.wait),
            stop: Stop::default(),
        })
    }
}

/// Checks, compiles and runs; prints the summary. Shared with `seg demo`.
pub fn execute(rules: &RuleArgs, db: &Path, options: &RunOptions, format: Format) -> u8 {
    let target = Target {
        db: db.to_path_buf(),
        options: options.clone(),
        wait: Duration::from_secs(super::args::DEFAULT_WAIT),
        stop: Stop::default(),
    };
    report(&once(rules, &target, true), db, format, false)
}

/// What checking a rule set and, when it is clean, running it came to.
pub enum Once {
    /// The tables are published; `diagnostics` are warnings.
    Ran {
        summary: RunSummary,
        files: SourceMap,
        diagnostics: Vec<Diagnostic>,
        /// The sources the rules read.
        sources: Vec<Location>,
    },
    /// The rules have errors: nothing ran, the previous outputs stay.
    Rejected {
        files: SourceMap,
        diagnostics: Vec<Diagnostic>,
    },
    /// The rule set cannot be read.
    Unreadable(LoadError),
    /// The database, a source or the data failed the run (status 2).
    Failed(EngineError),
}

/// One check and, when clean, one run: what `seg run` and every turn of
/// `seg watch` do. The database is open only inside this call, so between
/// two calls other processes can read it. A run that does not publish
/// leaves no new database file behind (an existing one keeps its tables).
pub fn once(rules: &RuleArgs, target: &Target, progress: bool) -> Once {
    if target.stop.requested() {
        return Once::Failed(EngineError::Interrupted);
    }
    let existed = target.db.exists();
    let mut engine = match Engine::open_waiting(&target.db, target.wait) {
        Ok(e) => e,
        // Nothing was made: the file is another process's, or no database.
        Err(e) => return Once::Failed(e),
    };
    engine.stop_with(&target.stop);
    // Only a database this run made and left empty is removed again: while
    // it waited, another process may have made the file and published.
    let fresh = !existed && engine.is_empty();
    let once = match prepare(engine, rules, target) {
        Ok(engine) => check_and_run(rules, &engine, &target.options, progress),
        Err(e) => Once::Failed(e),
    };
    if fresh && !matches!(once, Once::Ran { .. }) {
        discard(&target.db);
    }
    once
}

/// Prints what [`once`] came to, as `seg run` does, and gives the status.
fn report(once: &Once, db: &Path, format: Format, quiet: bool) -> u8 {
    match once {
        Once::Ran {
            summary,
            files,
            diagnostics,
            ..
        } => {
            output::diagnostics(diagnostics, files, Format::Human);
            output::stderr(&failed_expectations(&summary.expectations, "warning"));
            match format {
                Format::Human if quiet => {}
                Format::Human => output::stdout(&human(summary, db)),
                Format::Json => output::stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(summary).unwrap_or_default()
                )),
            }
            CLEAN
        }
        Once::Rejected { files, diagnostics } => {
            output::diagnostics(diagnostics, files, Format::Human);
            output::stderr(&format!("not run: {}\n", output::totals(diagnostics)));
            output::status(diagnostics)
        }
        Once::Unreadable(e) => check::unreadable(e, format),
        Once::Failed(EngineError::ExpectationsFailed { failed }) => {
            output::stderr(&failed_expectations(failed, "error"));
            output::stderr(&format!(
                "not published (--strict): {} expectation{} failed; the previous tables are unchanged\n",
                failed.len(),
                if failed.len() == 1 { "" } else { "s" }
            ));
            RULE_ERRORS
        }
        Once::Failed(e) => output::failure(e),
    }
}

/// One line per expectation that failed, with where it is written and
/// what was found: `warning: expect tier A under 20% (tiers.seg:12): ...`.
pub fn failed_expectations(outcomes: &[engine::ExpectationOutcome], level: &str) -> String {
    outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| {
            format!(
                "{level}: expectation failed: {} ({})\n  {}\n",
                o.expectation, o.defined_at, o.detail
            )
        })
        .collect()
}

/// Opens the database of a run (waiting for another process to let go of
/// it), confined to `--allow-path`, writing to `--out`.
pub(super) fn open(rules: &RuleArgs, target: &Target) -> Result<Engine, EngineError> {
    prepare(
        Engine::open_waiting(&target.db, target.wait)?,
        rules,
        target,
    )
}

/// The database of a run, confined to `--allow-path`, writing to `--out`.
fn prepare(engine: Engine, rules: &RuleArgs, target: &Target) -> Result<Engine, EngineError> {
    let mut engine = check::confine(engine, rules)?;
    if let Some(out) = &target.options.out {
        engine.allow_writes_to(out);
    }
    if let Some(cache) = &target.options.base_cache {
        engine.allow_writes_to(cache.dir());
    }
    Ok(engine)
}

fn check_and_run(rules: &RuleArgs, engine: &Engine, options: &RunOptions, progress: bool) -> Once {
    let (
        files,
        Checked {
            program,
            diagnostics,
        },
    ) = match check::read_and_check(rules, Mode::Run, engine) {
        Ok(x) => x,
        Err(e) => return Once::Unreadable(e),
    };
    let Some(program) = program else {
        return Once::Rejected { files, diagnostics };
    };
    let plan = seg::compile(&program);
    let bar = if progress {
        Progress::new()
    } else {
        Progress::hidden()
    };
    let result = engine::run(engine, &program, &plan, options, &bar);
    bar.finish();
    let sources = std::iter::once(&program.customers)
        .chain(&program.facts)
        .map(|s| s.location.clone())
        .collect();
    match result {
        Ok(summary) => Once::Ran {
            summary,
            files,
            diagnostics,
            sources,
        },
        Err(e) => Once::Failed(e),
    }
}

/// Removes a database file (and its write-ahead log) this run created.
pub(super) fn discard(db: &Path) {
    let _ = std::fs::remove_file(db);
    let _ = std::fs::remove_file(format!("{}.wal", db.display()));
}

/// The summary as a business user reads it.
pub fn human(s: &RunSummary, db: &Path) -> String {
    let mut out = headline(s);
    out.push_str(&shares(&s.segmentations, &s.tags));
    out.push_str(&centroids(&s.clusters));
    if let Some(moves) = s.changes.as_ref().and_then(super::watch::changes_line) {
        out.push_str(&moves);
    }
    let unmatched: Vec<String> = s
        .source_rows
        .iter()
        .filter(|r| r.unmatched > 0)
        .map(|r| {
            format!(
                "{} of {} `{}`",
                thousands(r.unmatched),
                thousands(r.rows),
                r.source
            )
        })
        .collect();
    if !unmatched.is_empty() {
        out.push_str(&format!(
            "\nrows without a customer (counted for no one): {}\n",
            unmatched.join(", ")
        ));
    }
    out.push_str(&per_group(s));
    for warning in &s.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    for source in s.sources.iter().filter(|s| s.header_only) {
        out.push_str(&format!(
            "\nnote: {}: 0 rows ({} has a header line only)\n",
            source.name, source.location
        ));
    }
    out.push_str(&format!(
        "\ntables in {}: {}\n",
        db.display(),
        s.tables.join(", ")
    ));
    if !s.files.is_empty() {
        out.push_str(&format!("files: {}\n", s.files.join(", ")));
    }
    out
}

/// A line per score and dataset-level value computed `within` a group:
/// how many groups it has (their edges and values are in the run log).
fn per_group(s: &RunSummary) -> String {
    let mut lines: Vec<(String, std::collections::BTreeSet<String>)> = Vec::new();
    let mut add = |what: String, group: &Option<String>| {
        let Some(group) = group else { return };
        match lines.iter_mut().find(|(w, _)| *w == what) {
            Some((_, groups)) => {
                groups.insert(group.clone());
            }
            None => lines.push((what, [group.clone()].into())),
        }
    };
    for e in &s.score_edges {
        add(format!("score {} (bucket edges of each", e.score), &e.group);
    }
    for v in &s.dataset_values {
        add(format!("{} (the value of each", v.name), &v.group);
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n");
    for (what, groups) in lines {
        let n = groups.len();
        out.push_str(&format!(
            "{what} of {n} group{} in seg_runs)\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The kmeans segmentations' centroids, one line per cluster, in the
/// inputs' own units: `cluster 1 (120 customers): recency 12.5, ...`.
fn centroids(clusters: &[seg::engine::ClusterRecord]) -> String {
    let mut out = String::new();
    let mut last: Option<&str> = None;
    for c in clusters {
        if last != Some(c.segmentation.as_str()) {
            out.push_str(&format!(
                "\n{} centroids ({} iterations, inertia {:.1})\n",
                c.segmentation, c.iterations, c.inertia
            ));
            last = Some(&c.segmentation);
        }
        let values: Vec<String> = c
            .inputs
            .iter()
            .zip(&c.centroid)
            .map(|(name, v)| format!("{name} {v:.1}"))
            .collect();
        out.push_str(&format!("  {:<3} {}\n", c.cluster, values.join(", ")));
    }
    out
}

/// The first line of a run's summary: `run 3 · 1,200 customers · as of ...`.
pub fn headline(s: &RunSummary) -> String {
    format!(
        "run {} · {} customer{} · as of {} · {:.2} s\n",
        s.run_id,
        thousands(s.customers),
        if s.customers == 1 { "" } else { "s" },
        s.as_of,
        s.duration_ms as f64 / 1000.0
    )
}

/// Each label's and tag's customers and share, a table per segmentation
/// and one for the tags (`seg run`, `seg lint --db`).
pub fn shares(segmentations: &[SegmentationCounts], tags: &[TagCount]) -> String {
    let mut out = String::new();
    let width = segmentations
        .iter()
        .flat_map(|g| {
            g.labels
                .iter()
                .map(|l| l.label.as_deref().unwrap_or("(no label)"))
        })
        .chain(tags.iter().map(|t| t.tag.as_str()))
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .max(12)
        + 4;
    let row = |name: &str, n: i64, share: f64| {
        format!(
            "  {}{:>12}  {:>6.1}%\n",
            pad(name, width),
            thousands(n),
            share * 100.0
        )
    };
    let header = |title: &str| {
        format!(
            "\n{}{:>12}  {:>7}\n",
            pad(title, width + 2),
            "customers",
            "share"
        )
    };
    for g in segmentations {
        out.push_str(&header(&g.segmentation));
        for l in &g.labels {
            out.push_str(&row(
                l.label.as_deref().unwrap_or("(no label)"),
                l.customers,
                l.share,
            ));
        }
    }
    if !tags.is_empty() {
        out.push_str(&header("tags"));
        for t in tags {
            out.push_str(&row(&t.tag, t.customers, t.share));
        }
    }
    out
}
