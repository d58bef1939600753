//! The examples of a rule set: checked without any data (as `seg check`
//! checks with unreadable sources) and run once, all in one query.

use seg::diagnostic::{Code, Diagnostic, render};
use seg::engine::{self, ExampleOutcome};
use seg::i18n::tr;
use seg::semantic::{Mode, NoData, Program, Settings};
use seg::source::{SourceMap, Span};
use seg::syntax::ast::{Ast, StatementKind};

use super::{Outcome, Status, place};
use crate::cli::check::today;

/// One outcome per example (none when the rules have none).
pub fn run(files: &SourceMap, ast: &Ast) -> Vec<Outcome> {
    let has_examples = ast
        .files
        .iter()
        .flat_map(|f| &f.statements)
        .any(|s| matches!(s.kind, StatementKind::Example(_)));
    if !has_examples {
        return Vec::new();
    }
    let checked = seg::check(files, &NoData, &Settings::new(Mode::Check, today()));
    let Some(program) = checked.program else {
        let errors: Vec<Diagnostic> = checked
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        let shown = render::human(&errors, files, render::Style::PLAIN);
        return vec![Outcome {
            kind: "examples",
            name: "all".into(),
            file: String::new(),
            line: None,
            status: Status::failed(
                format!("the rules do not check: {}", render::totals(&errors)),
                Vec::new(),
            ),
            rendered: Some(shown),
            measured: None,
        }];
    };
    match engine::run_examples(&program) {
        Ok(results) => results
            .iter()
            .zip(&program.examples)
            .map(|(result, example)| outcome(files, &program, result, example.span))
            .collect(),
        Err(e) => vec![Outcome {
            kind: "examples",
            name: "all".into(),
            file: String::new(),
            line: None,
            status: Status::failed(format!("the examples could not run: {e}"), Vec::new()),
            rendered: None,
            measured: None,
        }],
    }
}

fn outcome(files: &SourceMap, program: &Program, result: &ExampleOutcome, span: Span) -> Outcome {
    let (file, line) = place(files, span);
    let example = program
        .examples
        .iter()
        .find(|e| e.span == span)
        .expect("the result of this example");
    let status = if result.passed {
        Status::Passed
    } else {
        let details: Vec<String> = result.failures.iter().map(|(_, m)| m.clone()).collect();
        let reason = match details.as_slice() {
            [one] => one.clone(),
            more => format!(
                "{} of {} outcomes not met",
                more.len(),
                example.outcomes.len()
            ),
        };
        Status::failed(
            reason,
            if details.len() > 1 {
                details
            } else {
                Vec::new()
            },
        )
    };
    let rendered = (!result.passed).then(|| {
        let mut failures = result.failures.iter();
        let (first, message) = failures.next().expect("a failed example has a failure");
        let mut d = Diagnostic::new(
            Code::ExampleFailed,
            tr!("example-failed", name = result.name.to_string()),
        )
        .at(example.outcomes[*first].span, message.clone());
        for (i, message) in failures {
            d = d.also(example.outcomes[*i].span, message.clone());
        }
        render::human(&[d], files, render::Style::PLAIN)
    });
    Outcome {
        kind: "example",
        name: result.name.clone(),
        file,
        line: Some(line),
        status,
        rendered,
        measured: None,
    }
}
