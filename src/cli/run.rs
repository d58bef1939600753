//! `seg run`: run a rule set and publish the tagged tables.

use std::path::Path;

use seg::engine::{self, Engine, EngineError, RunOptions, RunSummary};
use seg::semantic::Mode;

use super::args::{Format, OutFormat, RuleArgs, RunArgs};
use super::output::{self, pad, thousands};
use super::progress::Progress;
use super::{CLEAN, check, replay};

pub fn run(args: RunArgs) -> u8 {
    let Some(db) = args.rules.db.clone() else {
        return output::usage(
            "`seg run` needs a database to write to",
            Some("pass --db <file>, e.g. --db seg.duckdb (it is created if missing)".into()),
        );
    };
    let options = RunOptions {
        out: args.out.clone(),
        csv: args.out_format == OutFormat::Csv,
    };
    if let Some(out) = &options.out
        && let Err(e) = engine::check_out_dir(out, options.csv)
    {
        return output::failure(&e);
    }
    match replay::dates(&args) {
        Ok(None) => execute(&args.rules, &db, &options, args.format),
        Ok(Some(dates)) => replay::execute(&args.rules, &db, &dates, args.format),
        Err(status) => status,
    }
}

/// Checks, compiles and runs; prints the summary. Shared with `seg demo`.
pub fn execute(rules: &RuleArgs, db: &Path, options: &RunOptions, format: Format) -> u8 {
    let created = !db.exists();
    let engine = match open(rules, db, options) {
        Ok(e) => e,
        Err(e) => {
            discard_if_created(created, db);
            return output::failure(&e);
        }
    };
    let status = check_and_run(rules, db, &engine, options, format);
    if status != CLEAN {
        // A run that fails leaves no new, empty database behind (an
        // existing one keeps its previous tables).
        drop(engine);
        discard_if_created(created, db);
    }
    status
}

/// The database of a run, confined to `--allow-path`, writing to `--out`.
pub(super) fn open(
    rules: &RuleArgs,
    db: &Path,
    options: &RunOptions,
) -> Result<Engine, EngineError> {
    let mut engine = check::confine(Engine::open(db)?, rules)?;
    if let Some(out) = &options.out {
        engine.allow_writes_to(out);
    }
    Ok(engine)
}

fn check_and_run(
    rules: &RuleArgs,
    db: &Path,
    engine: &Engine,
    options: &RunOptions,
    format: Format,
) -> u8 {
    let (files, checked) = match check::load(rules, Mode::Run, engine, format) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, Format::Human);
    let Some(program) = checked.program else {
        output::stderr(&format!(
            "not run: {}\n",
            output::totals(&checked.diagnostics)
        ));
        return output::status(&checked.diagnostics);
    };
    let plan = seg::compile(&program);
    let progress = Progress::new();
    let result = engine::run(engine, &program, &plan, options, &progress);
    progress.finish();
    match result {
        Ok(summary) => {
            match format {
                Format::Human => output::stdout(&human(&summary, db)),
                Format::Json => output::stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                )),
            }
            CLEAN
        }
        Err(e) => output::failure(&e),
    }
}

/// Removes a database file (and its write-ahead log) this run created.
pub(super) fn discard_if_created(created: bool, db: &Path) {
    if created {
        let _ = std::fs::remove_file(db);
        let _ = std::fs::remove_file(format!("{}.wal", db.display()));
    }
}

/// The largest movements since the previous run, on one line:
/// `changes since run 3: tier 312 A→B, 41 C→A; tags +20 big, -3 online`.
/// Nothing on a first run, when everyone is new.
fn changes_line(changes: &seg::engine::Changes) -> Option<String> {
    const SHOWN: usize = 3;
    let from = changes.from_run?;
    let mut parts: Vec<String> = Vec::new();
    let mut segmentations: Vec<&str> = Vec::new();
    for t in &changes.transitions {
        if !segmentations.contains(&t.segmentation.as_str()) {
            segmentations.push(&t.segmentation);
        }
    }
    let moves = changes.moves();
    for s in segmentations {
        let top: Vec<String> = moves
            .iter()
            .filter(|t| t.segmentation == s)
            .take(SHOWN)
            .map(|t| {
                let name = |l: &Option<String>| l.clone().unwrap_or_else(|| "(none)".into());
                format!(
                    "{} {}→{}",
                    thousands(t.customers),
                    name(&t.from),
                    name(&t.to)
                )
            })
            .collect();
        if !top.is_empty() {
            parts.push(format!("{s} {}", top.join(", ")));
        }
    }
    let mut tags: Vec<&seg::engine::TagChange> = changes.tags.iter().collect();
    tags.sort_by_key(|t| std::cmp::Reverse(t.gained + t.lost));
    let tags: Vec<String> = tags
        .iter()
        .take(SHOWN)
        .flat_map(|t| {
            let gained = (t.gained > 0).then(|| format!("+{} {}", thousands(t.gained), t.tag));
            let lost = (t.lost > 0).then(|| format!("-{} {}", thousands(t.lost), t.tag));
            gained.into_iter().chain(lost)
        })
        .collect();
    if !tags.is_empty() {
        parts.push(format!("tags {}", tags.join(", ")));
    }
    Some(if parts.is_empty() {
        format!("\nno changes since run {from}\n")
    } else {
        format!("\nchanges since run {from}: {}\n", parts.join("; "))
    })
}

/// The summary as a business user reads it.
pub fn human(s: &RunSummary, db: &Path) -> String {
    let mut out = headline(s);
    let width = s
        .segmentations
        .iter()
        .flat_map(|g| {
            g.labels
                .iter()
                .map(|l| l.label.as_deref().unwrap_or("(no label)"))
        })
        .chain(s.tags.iter().map(|t| t.tag.as_str()))
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
    for g in &s.segmentations {
        out.push_str(&header(&g.segmentation));
        for l in &g.labels {
            out.push_str(&row(
                l.label.as_deref().unwrap_or("(no label)"),
                l.customers,
                l.share,
            ));
        }
    }
    if !s.tags.is_empty() {
        out.push_str(&header("tags"));
        for t in &s.tags {
            out.push_str(&row(&t.tag, t.customers, t.share));
        }
    }
    if let Some(moves) = s.changes.as_ref().and_then(changes_line) {
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
