//! The outcomes of `seg test` for people, for tools (JSON), for CI systems
//! (JUnit XML) and for GitHub Actions (workflow annotations).

use std::path::Path;

use super::{Outcome, Status};
use crate::cli::args::TestFormat;

pub fn render(outcomes: &[Outcome], format: TestFormat, rules: &Path) -> String {
    match format {
        TestFormat::Human => human(outcomes),
        TestFormat::Json => json(outcomes),
        TestFormat::Junit => junit(outcomes, rules),
        TestFormat::Github => github(outcomes),
    }
}

fn word(status: &Status) -> &'static str {
    match status {
        Status::Passed => "ok",
        Status::Accepted => "accepted",
        Status::Pending => "pending",
        Status::Failed { .. } => "FAILED",
    }
}

/// One line per test, the details of a failure indented under it, then
/// the totals.
fn human(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        out.push_str(&format!("{:<8} {} {}\n", word(&o.status), o.kind, o.name));
        match &o.status {
            Status::Failed { .. } if o.rendered.is_some() => {
                let shown = o.rendered.as_deref().unwrap_or_default();
                for line in shown.trim_end().lines() {
                    let line = format!("         {line}");
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            Status::Failed { reason, details } => {
                out.push_str(&format!("         {reason}\n"));
                for line in details {
                    out.push_str(&format!("           {line}\n"));
                }
            }
            Status::Pending => out.push_str(&format!(
                "         new: review {}.new, then `seg test --accept`\n",
                o.file
            )),
            _ => {}
        }
    }
    out.push_str(&totals(outcomes));
    out.push('\n');
    out
}

fn count(outcomes: &[Outcome], f: impl Fn(&Status) -> bool) -> usize {
    outcomes.iter().filter(|o| f(&o.status)).count()
}

fn totals(outcomes: &[Outcome]) -> String {
    let failed = count(outcomes, |s| matches!(s, Status::Failed { .. }));
    let parts = [
        (count(outcomes, |s| *s == Status::Passed), "passed"),
        (failed, "failed"),
        (count(outcomes, |s| *s == Status::Pending), "pending"),
        (count(outcomes, |s| *s == Status::Accepted), "accepted"),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, word)| *n > 0 || *word == "passed" || *word == "failed")
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    format!("test result: {}", said.join(", "))
}

fn json(outcomes: &[Outcome]) -> String {
    let items: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let (reason, details) = match &o.status {
                Status::Failed { reason, details } => (Some(reason.as_str()), details.clone()),
                _ => (None, Vec::new()),
            };
            serde_json::json!({
                "kind": o.kind,
                "name": o.name,
                "file": o.file,
                "line": o.line,
                "measured": o.measured,
                "status": word(&o.status).to_ascii_lowercase(),
                "reason": reason,
                "details": details,
            })
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&items).unwrap_or_default()
    )
}

/// JUnit XML, one test suite for the rule set, one test case per test.
fn junit(outcomes: &[Outcome], rules: &Path) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new(rules.display().to_string());
    for o in outcomes {
        let status = match &o.status {
            Status::Failed { reason, details } => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(reason.clone());
                s.set_description(details.join("\n"));
                s
            }
            Status::Pending => {
                let mut s = TestCaseStatus::skipped();
                s.set_message("new snapshot pending review");
                s
            }
            Status::Passed | Status::Accepted => TestCaseStatus::success(),
        };
        let mut case = TestCase::new(o.name.clone(), status);
        case.set_classname(format!("seg.{}", o.kind));
        if !o.file.is_empty() {
            case.extra.insert("file".into(), o.file.clone().into());
        }
        if let Some(line) = o.line {
            case.extra.insert("line".into(), line.to_string().into());
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("seg test");
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

/// GitHub Actions workflow commands: an error annotation per failure on
/// its file, a warning per pending snapshot.
fn github(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let (level, message) = match &o.status {
            Status::Failed { reason, details } => ("error", {
                let mut m = reason.clone();
                for d in details {
                    m.push('\n');
                    m.push_str(d);
                }
                m
            }),
            Status::Pending => ("warning", "new snapshot pending review".to_string()),
            _ => continue,
        };
        let line = o.line.map(|l| format!(",line={l}")).unwrap_or_default();
        out.push_str(&format!(
            "::{level} file={}{line},title={}::{}\n",
            property(&o.file),
            property(&format!("seg test: {} {}", o.kind, o.name)),
            data(&message)
        ));
    }
    out.push_str(&totals(outcomes));
    out.push('\n');
    out
}

/// Escapes a workflow command's message (GitHub's own rules).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
