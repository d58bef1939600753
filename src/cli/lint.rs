//! `seg lint`: what the rules can never do, found without running them;
//! with `--db`, also what they come to on the data (labels and tags no
//! customer gets, each label's share), from a run in memory.

use seg::diagnostic::render;
use seg::engine::{self, Profile};
use seg::lint::{self, Finding, Options};
use seg::semantic::{Mode, Program};
use seg::source::SourceMap;

use seg::i18n::tr;

use super::args::{Format, LintArgs};
use super::{check, output, run};

pub fn run(args: LintArgs) -> u8 {
    let engine = match check::open_for_reading(&args.rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    // On the data, the sources must be readable, as for a run.
    let on_data = args.rules.db.is_some();
    let mode = if on_data { Mode::Run } else { Mode::Check };
    let (files, checked) = match check::load(&args.rules, mode, &engine, args.format) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let Some(program) = &checked.program else {
        // Rules with errors have no program to reason about: show the
        // errors as `seg check` does.
        output::diagnostics(&checked.diagnostics, &files, args.format);
        if args.format == Format::Human {
            output::stderr(&format!(
                "{}\n",
                tr!(
                    "lint-cannot",
                    path = args.rules.path.display().to_string(),
                    totals = output::totals(&checked.diagnostics)
                )
            ));
        }
        return output::status(&checked.diagnostics);
    };
    let (ast, _) = seg::syntax::parse(&files);
    let options = Options {
        unused_metrics: args.unused_metrics,
    };
    let mut findings = lint::lint(&files, &ast, program, options);
    let profile = if on_data {
        match engine::profile(&engine, program) {
            Ok(p) => {
                findings.extend(p.findings(&ast, program));
                Some(p)
            }
            Err(e) => return output::failure(&e),
        }
    } else {
        None
    };
    let diagnostics = lint::diagnostics(&findings);
    match args.format {
        Format::Human => {
            if let Some(p) = &profile {
                output::stdout(&shares(p, program));
            }
            output::diagnostics(&diagnostics, &files, Format::Human);
            let n = files.len();
            output::stderr(&format!(
                "{}\n",
                tr!(
                    "lint-linted",
                    n = n,
                    path = args.rules.path.display().to_string(),
                    totals = output::totals(&diagnostics)
                )
            ));
        }
        Format::Json => output::stdout(&format!("{}\n", json(&findings, &files, &profile))),
    }
    output::status(&diagnostics)
}

/// Each label's share, as `seg run` prints it.
fn shares(profile: &Profile, program: &Program) -> String {
    format!(
        "on the data: {} customer{} as of {}\n{}",
        output::thousands(profile.customers),
        if profile.customers == 1 { "" } else { "s" },
        program.as_of,
        run::shares(&profile.segmentations, &profile.tags)
    )
}

/// The diagnostics as `seg check --format json` prints them, each with
/// its counter-example (`example`) and, for a counted gap, `uncovered`;
/// on the data, an object with them as `findings` beside the counts.
fn json(findings: &[Finding], files: &SourceMap, profile: &Option<Profile>) -> String {
    let diagnostics = lint::diagnostics(findings);
    let items: Vec<serde_json::Value> = render::json(&diagnostics, files)
        .into_iter()
        .zip(findings)
        .map(|(d, f)| {
            let mut item = serde_json::to_value(d).unwrap_or_default();
            if let Some(object) = item.as_object_mut() {
                let example = serde_json::to_value(&f.example).unwrap_or_default();
                object.insert("example".into(), example);
                if let Some(u) = &f.uncovered {
                    let uncovered = serde_json::to_value(u).unwrap_or_default();
                    object.insert("uncovered".into(), uncovered);
                }
            }
            item
        })
        .collect();
    let value = match profile {
        None => serde_json::Value::Array(items),
        Some(p) => serde_json::json!({
            "findings": items,
            "customers": p.customers,
            "segmentations": p.segmentations,
            "tags": p.tags,
        }),
    };
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
