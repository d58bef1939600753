//! `seg report`: one self-contained HTML page of a database's last run;
//! also written after `seg run --report` and every turn of
//! `seg watch --report`.

use std::path::Path;

use seg::i18n::tr;
use seg::report::text as words;
use seg::semantic::Mode;

use super::args::{Format, ReportArgs, RuleArgs};
use super::{CLEAN, RULE_ERRORS, check, output};

pub fn run(args: ReportArgs) -> u8 {
    if let Err(status) = check::one_date(&args.rules, "report") {
        return status;
    }
    let Some(db) = args.rules.db.clone() else {
        return output::usage(tr!("report-needs-db"), Some(tr!("report-needs-db.help")));
    };
    match write(&args.rules, &db, &args.output, args.metric.as_deref()) {
        Ok(line) => {
            output::stdout(&line);
            CLEAN
        }
        Err(status) => status,
    }
}

/// Checks the rules against the database (read-only), reads the report of
/// its last run and writes the page whole (a temporary file, renamed).
/// Gives the line that says so, or the status of what went wrong (said).
pub fn write(rules: &RuleArgs, db: &Path, file: &Path, metric: Option<&str>) -> Result<String, u8> {
    let engine = seg::engine::Engine::open_read_only(db)
        .and_then(|e| check::confine(e, rules))
        .map_err(|e| output::failure(&e))?;
    let (files, checked) = check::load(rules, Mode::Check, &engine, Format::Human)?;
    let Some(program) = checked.program else {
        output::diagnostics(&checked.diagnostics, &files, Format::Human);
        output::stderr(&format!("{}\n", tr!("report-rules-have-errors")));
        return Err(RULE_ERRORS);
    };
    if let Some(m) = metric {
        let metrics = seg::engine::report::metric_names(&program);
        if !metrics.iter().any(|n| seg::semantic::names::same(n, m)) {
            return Err(output::usage(
                words::unknown_metric(m),
                Some(words::metrics_help(&metrics)),
            ));
        }
    }
    let report =
        seg::engine::report::read(&engine, &program, metric).map_err(|e| output::failure(&e))?;
    drop(engine);
    let page = seg::report::render(&report);
    save(file, &page).map_err(|e| {
        output::usage(
            words::cannot_write(&file.display().to_string(), &e.to_string()),
            Some(tr!("report-cannot-write.help")),
        )
    })?;
    Ok(words::written(
        &file.display().to_string(),
        report.run_id,
        &report.as_of,
    ))
}

/// Writes under a temporary name beside the file, then renames: a reader
/// (a browser reloading it) never sees half a page.
fn save(file: &Path, text: &str) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.html".into());
    let temporary = file.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// `--report FILE` after a run that published: the page, or the error
/// (the run's tables stay published). The status to end with.
pub fn after_run(rules: &RuleArgs, db: &Path, file: &Path, quiet: bool) -> u8 {
    match write(rules, db, file, None) {
        Ok(line) => {
            if !quiet {
                output::stderr(&line);
            }
            CLEAN
        }
        Err(status) => {
            output::stderr(&format!("{}\n", tr!("report-run-published")));
            status
        }
    }
}
