//! `seg lint`: what the rules can never do, found without running them.

use seg::diagnostic::render;
use seg::lint::{self, Finding, Options};
use seg::semantic::Mode;
use seg::source::SourceMap;

use super::args::{Format, LintArgs};
use super::{check, output};

pub fn run(args: LintArgs) -> u8 {
    let engine = match check::open_for_reading(&args.rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let (files, checked) = match check::load(&args.rules, Mode::Check, &engine, args.format) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let Some(program) = &checked.program else {
        // Rules with errors have no program to reason about: show the
        // errors as `seg check` does.
        output::diagnostics(&checked.diagnostics, &files, args.format);
        if args.format == Format::Human {
            output::stderr(&format!(
                "cannot lint {}: the rules have errors ({})\n",
                args.rules.path.display(),
                output::totals(&checked.diagnostics)
            ));
        }
        return output::status(&checked.diagnostics);
    };
    let (ast, _) = seg::syntax::parse(&files);
    let options = Options {
        unused_metrics: args.unused_metrics,
    };
    let findings = lint::lint(&files, &ast, program, options);
    let diagnostics = lint::diagnostics(&findings);
    match args.format {
        Format::Human => {
            output::diagnostics(&diagnostics, &files, Format::Human);
            let n = files.len();
            output::stderr(&format!(
                "linted {n} file{} in {}: {}\n",
                if n == 1 { "" } else { "s" },
                args.rules.path.display(),
                output::totals(&diagnostics)
            ));
        }
        Format::Json => output::stdout(&format!("{}\n", json(&findings, &files))),
    }
    output::status(&diagnostics)
}

/// The diagnostics as `seg check --format json` prints them, each with
/// its counter-example (`example`) and, for a counted gap, `uncovered`.
fn json(findings: &[Finding], files: &SourceMap) -> String {
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
    serde_json::to_string_pretty(&items).unwrap_or_default()
}
