//! `seg run`: run a rule set and publish the tagged tables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use seg::Checked;
use seg::diagnostic::Diagnostic;
use seg::engine::{
    self, Engine, EngineError, Resources, RunOptions, RunSummary, SegmentationCounts, Stop,
    TagCount,
};
use seg::semantic::Mode;
use seg::semantic::ir::Location;
use seg::source::{LoadError, SourceMap};

use super::args::{EngineKind, Format, OutFormat, RuleArgs, RunArgs};
use super::output::{self, pad, rpad, thousands};
use super::paint::Paint;
use super::progress::Progress;
use super::summary::{self, Legend};
use super::{CLEAN, RULE_ERRORS, check, replay};
use seg::i18n::tr;

pub fn run(args: RunArgs) -> u8 {
    #[cfg(feature = "spark")]
    if args.engine.engine == EngineKind::Spark {
        return on_spark(&args);
    }
    #[cfg(not(feature = "spark"))]
    if args.engine.engine == EngineKind::Spark {
        return output::usage(
            tr!("run-without-spark"),
            Some(tr!("run-without-spark.help")),
        );
    }
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
    /// `--memory-limit`, `--threads`.
    pub resources: Resources,
}

impl Target {
    /// The target of `seg run` (and `seg watch`): `--db` is required, and
    /// `--out` is checked before anything runs.
    pub fn of(args: &RunArgs, command: &str) -> Result<Target, u8> {
        let Some(db) = args.rules.db.clone() else {
            return Err(output::usage(
                tr!("run-needs-db", command = command),
                Some(tr!("run-needs-db.help")),
            ));
        };
        let options = RunOptions {
            out: args.out.clone(),
            csv: args.out_format == OutFormat::Csv,
            base_cache: None,
            strict: args.strict,
            dry_run: args.dry_run,
        };
        if args.dry_run {
            refuse_with_dry_run(args, command)?;
        }
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
            resources: args.resources.resources(),
        })
    }
}

/// What `--dry-run` does not combine with: it writes nothing, so no
/// files; a replay and a watch publish run after run.
fn refuse_with_dry_run(args: &RunArgs, command: &str) -> Result<(), u8> {
    let refused = if command != "seg run" {
        Some(tr!("dry-run-not-here", command = command))
    } else if args.out.is_some() {
        Some(tr!("dry-run-no-out"))
    } else if matches!(args.rules.as_of, Some(super::args::AsOf::Range(..))) {
        Some(tr!("dry-run-one-date"))
    } else {
        None
    };
    match refused {
        Some(message) => Err(output::usage(message, Some(tr!("dry-run-refused-help")))),
        None => Ok(()),
    }
}

/// Checks, compiles and runs; prints the summary. Shared with `seg demo`.
pub fn execute(
    rules: &RuleArgs,
    db: &Path,
    options: &RunOptions,
    resources: Resources,
    format: Format,
) -> u8 {
    let target = Target {
        db: db.to_path_buf(),
        options: options.clone(),
        wait: Duration::from_secs(super::args::DEFAULT_WAIT),
        stop: Stop::default(),
        resources,
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
        /// The rules' colours and scores, for the summary.
        legend: Legend,
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
    // A dry run creates nothing: with no database yet, it runs in memory,
    // where everything is new.
    let opened = if target.options.dry_run && !existed {
        Engine::in_memory()
    } else {
        Engine::open_waiting(&target.db, target.wait)
    };
    let mut engine = match opened {
        Ok(e) => e,
        // Nothing was made: the file is another process's, or no database.
        Err(e) => return Once::Failed(e),
    };
    engine.stop_with(&target.stop);
    // Only a database this run made and left empty is removed again: while
    // it waited, another process may have made the file and published.
    let fresh = !existed && !target.options.dry_run && engine.is_empty();
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
            legend,
            ..
        } => {
            output::diagnostics(diagnostics, files, Format::Human);
            output::stderr(&failed_expectations(&summary.expectations, "warning"));
            match format {
                Format::Human if quiet => {}
                Format::Human => output::stdout(&human(summary, legend, db)),
                Format::Json => output::stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(summary).unwrap_or_default()
                )),
            }
            CLEAN
        }
        Once::Rejected { files, diagnostics } => {
            output::diagnostics(diagnostics, files, Format::Human);
            output::stderr(&format!(
                "{}\n",
                tr!("run-not-run", totals = output::totals(diagnostics))
            ));
            output::status(diagnostics)
        }
        Once::Unreadable(e) => check::unreadable(e, format),
        Once::Failed(EngineError::ExpectationsFailed { failed }) => {
            output::stderr(&failed_expectations(failed, "error"));
            output::stderr(&format!("{}\n", tr!("run-not-published", n = failed.len())));
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
                "{}\n  {}\n",
                tr!(
                    "run-expectation-failed",
                    level = level,
                    expectation = &o.expectation,
                    at = &o.defined_at
                ),
                o.detail
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
    engine.limit(&target.resources)?;
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
    let legend = Legend::of(&program);
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
            legend,
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
pub fn human(s: &RunSummary, legend: &Legend, db: &Path) -> String {
    let mut out = headline(s);
    out.push_str(&shares_in_colour(
        &s.segmentations,
        &s.tags,
        legend,
        Paint::stdout(),
    ));
    out.push_str(&summary::score_edges(&s.score_edges, legend));
    out.push_str(&summary::dataset_values(&s.dataset_values));
    out.push_str(&centroids(&s.clusters));
    if let Some(moves) = s.changes.as_ref().and_then(super::watch::changes_line) {
        out.push_str(&moves);
    }
    let unmatched: Vec<String> = s
        .source_rows
        .iter()
        .filter(|r| r.unmatched > 0)
        .map(|r| {
            tr!(
                "summary-unmatched-source",
                unmatched = thousands(r.unmatched),
                rows = thousands(r.rows),
                source = &r.source
            )
        })
        .collect();
    if !unmatched.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            tr!("summary-unmatched", list = unmatched.join(", "))
        ));
    }
    out.push_str(&per_group(s));
    for warning in &s.warnings {
        out.push_str(&format!("{}\n", tr!("summary-warning", warning = warning)));
    }
    for source in s.sources.iter().filter(|s| s.header_only) {
        out.push_str(&format!(
            "\n{}\n",
            tr!(
                "summary-header-only",
                source = &source.name,
                location = &source.location
            )
        ));
    }
    if s.dry_run {
        out.push_str(&dry_run_footer(s, db));
    } else {
        out.push_str(&format!(
            "\n{}\n",
            tr!(
                "summary-tables",
                db = db.display().to_string(),
                tables = s.tables.join(", ")
            )
        ));
    }
    if !s.files.is_empty() {
        out.push_str(&format!(
            "{}\n",
            tr!("summary-files", files = s.files.join(", "))
        ));
    }
    out
}

/// The last lines of a dry run's summary: nothing was published.
fn dry_run_footer(s: &RunSummary, db: &Path) -> String {
    let id = if db.exists() {
        "summary-dry-run-unchanged"
    } else {
        "summary-dry-run-not-created"
    };
    format!(
        "\n{}\n",
        tr!(
            id,
            db = db.display().to_string(),
            run = s.run_id.to_string()
        )
    )
}

/// A line per score and dataset-level value computed `within` a group:
/// how many groups it has (their edges and values are in the run log).
fn per_group(s: &RunSummary) -> String {
    // (is a score, name, its groups)
    let mut lines: Vec<(bool, String, std::collections::BTreeSet<String>)> = Vec::new();
    let mut add = |score: bool, name: &str, group: &Option<String>| {
        let Some(group) = group else { return };
        match lines.iter_mut().find(|(s, n, _)| *s == score && n == name) {
            Some((_, _, groups)) => {
                groups.insert(group.clone());
            }
            None => lines.push((score, name.to_string(), [group.clone()].into())),
        }
    };
    for e in &s.score_edges {
        add(true, &e.score, &e.group);
    }
    for v in &s.dataset_values {
        add(false, &v.name, &v.group);
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n");
    for (score, name, groups) in lines {
        let id = if score {
            "summary-per-group-score"
        } else {
            "summary-per-group-value"
        };
        out.push_str(&tr!(id, name = name, n = groups.len()));
        out.push('\n');
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
                "\n{}\n",
                tr!(
                    "summary-centroids",
                    segmentation = &c.segmentation,
                    iterations = c.iterations,
                    inertia = format!("{:.1}", c.inertia)
                )
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
    let customers = tr!(
        "summary-customer-count",
        n = s.customers,
        count = thousands(s.customers)
    );
    format!(
        "{}{}\n",
        if s.dry_run {
            tr!("summary-dry-run-of")
        } else {
            String::new()
        },
        tr!(
            "summary-headline",
            run = s.run_id.to_string(),
            customers = customers,
            as_of = &s.as_of,
            seconds = format!("{:.2}", s.duration_ms as f64 / 1000.0)
        )
    )
}

/// Each label's and tag's customers and share, a table per segmentation
/// and one for the tags (`seg run`, `seg lint --db`), without colour.
pub fn shares(segmentations: &[SegmentationCounts], tags: &[TagCount]) -> String {
    shares_in_colour(segmentations, tags, &Legend::default(), Paint::Plain)
}

/// The tables of [`shares`], each share with a bar, each label and bar in
/// the colour its `describe` gives it. Columns line up by display width,
/// so Chinese labels (two columns a character) line up too.
pub fn shares_in_colour(
    segmentations: &[SegmentationCounts],
    tags: &[TagCount],
    legend: &Legend,
    paint: Paint,
) -> String {
    let no_label = tr!("summary-no-label");
    let mut out = String::new();
    let width = segmentations
        .iter()
        .flat_map(|g| {
            g.labels
                .iter()
                .map(|l| l.label.as_deref().unwrap_or(&no_label))
        })
        .chain(tags.iter().map(|t| t.tag.as_str()))
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .max(12)
        + 4;
    let row = |name: &str, colour: Option<&str>, n: i64, share: f64| {
        let line = format!(
            "  {}{}{}  {:>6.1}%  {}",
            paint.paint(colour, name),
            pad(
                "",
                width.saturating_sub(unicode_width::UnicodeWidthStr::width(name))
            ),
            rpad(&thousands(n), 12),
            share * 100.0,
            paint.paint(colour, &summary::bar(share)),
        );
        format!("{}\n", line.trim_end())
    };
    let header = |title: &str| {
        format!(
            "\n{}{}  {}\n",
            pad(title, width + 2),
            rpad(&tr!("summary-customers"), 12),
            rpad(&tr!("summary-share"), 7),
        )
    };
    for g in segmentations {
        out.push_str(&header(&g.segmentation));
        for l in &g.labels {
            let colour = l
                .label
                .as_deref()
                .and_then(|name| legend.colour(Some(&g.segmentation), name));
            out.push_str(&row(
                l.label.as_deref().unwrap_or(&no_label),
                colour,
                l.customers,
                l.share,
            ));
        }
    }
    if !tags.is_empty() {
        out.push_str(&header(&tr!("summary-tags")));
        for t in tags {
            out.push_str(&row(
                &t.tag,
                legend.colour(None, &t.tag),
                t.customers,
                t.share,
            ));
        }
    }
    out
}

/// `seg run --engine spark`: checks the rules against the sources as Spark
/// describes them, then runs the Spark plan through Spark Connect.
#[cfg(feature = "spark")]
fn on_spark(args: &RunArgs) -> u8 {
    use seg::engine::spark::{self, SparkEngine};

    // A refusal: the message `id` and its `.help`.
    let refuse = |id: &str| output::usage(tr!(id), Some(tr!(&format!("{id}.help"))));
    let Some(remote) = &args.engine.remote else {
        return refuse("spark-needs-remote");
    };
    if args.rules.db.is_some() {
        return refuse("spark-no-db");
    }
    if !args.rules.allowed_folders().is_empty() {
        return refuse("spark-no-allow-path");
    }
    if args.step.is_some() || matches!(args.rules.as_of, Some(super::args::AsOf::Range(..))) {
        return refuse("spark-no-replay");
    }
    let options = RunOptions {
        out: args.out.clone(),
        csv: args.out_format == OutFormat::Csv,
        base_cache: None,
        strict: args.strict,
        dry_run: false,
    };
    if let Some(out) = &options.out
        && let Err(e) = engine::check_out_dir(out, options.csv)
    {
        return output::failure(&e);
    }
    let engine = match SparkEngine::connect(
        remote,
        &args.engine.schema,
        args.engine.table_format.format(),
    ) {
        Ok(e) => e,
        Err(e) => return output::failure(&e),
    };
    let files = match seg::source::read_rule_set(&args.rules.path) {
        Ok(f) => f,
        Err(e) => return check::unreadable(&e, args.format),
    };
    let checked = seg::check(&files, &engine, &check::settings(&args.rules, Mode::Run));
    let Some(mut program) = checked.program else {
        let once = Once::Rejected {
            files,
            diagnostics: checked.diagnostics,
        };
        return report(&once, Path::new(""), args.format, args.quiet);
    };
    spark::located_for_spark(&mut program);
    let plan = seg::sql::compile(&program, engine.dialect());
    let legend = Legend::of(&program);
    let bar = if args.quiet {
        Progress::hidden()
    } else {
        Progress::new()
    };
    let result = spark::run(&engine, &program, &plan, &options, &bar);
    bar.finish();
    let once = match result {
        Ok(summary) => Once::Ran {
            summary,
            files,
            diagnostics: checked.diagnostics,
            sources: Vec::new(),
            legend,
        },
        Err(e) => Once::Failed(e),
    };
    let place = tr!(
        "spark-place",
        remote = engine.remote(),
        schema = engine.schema()
    );
    report(&once, Path::new(&place), args.format, args.quiet)
}
