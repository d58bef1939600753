//! `seg why`: why a customer has their labels and tags. The trace comes
//! from the engine (SQL made from the run's own expressions); this file
//! reads the arguments, checks `--where` as a condition of the rules, and
//! lays the trace out for a person or as JSON.

use std::path::PathBuf;

use seg::diagnostic::{Code, Diagnostic};
use seg::engine::{self, Evaluation, PartTrace, Why};
use seg::i18n::tr;
use seg::semantic::Mode;
use seg::source::{FileId, SourceFile, SourceMap, Span, read_rule_set};
use seg::sql::why::Selection;

use super::args::{AsOf, Format, RuleArgs, WhyArgs};
use super::output::{self, pad};
use super::{CLEAN, check};

/// The name `--where`'s condition is shown under in diagnostics.
const WHERE_FILE: &str = "--where";

pub fn run(args: WhyArgs) -> u8 {
    let (customer, path) = match (&args.condition, args.customer.clone(), args.path.clone()) {
        (None, None, _) => {
            return output::usage(
                tr!("why-needs-customer"),
                Some(tr!("why-needs-customer.help")),
            );
        }
        (None, Some(c), path) => (Some(c), path),
        // With --where, the one word given is the rule set.
        (Some(_), Some(word), None) => (None, Some(PathBuf::from(word))),
        (Some(_), Some(c), Some(_)) => {
            return output::usage(
                tr!("why-customer-and-where", customer = c),
                Some(tr!("why-customer-and-where.help")),
            );
        }
        (Some(_), None, path) => (None, path),
    };
    let evaluation = if args.as_of.is_some() {
        Evaluation::Fresh
    } else {
        Evaluation::Published
    };
    if evaluation == Evaluation::Published && args.db.is_none() {
        return output::usage(tr!("why-needs-db"), Some(tr!("why-needs-db.help")));
    }
    let mut rules = RuleArgs {
        path: path.unwrap_or_else(|| PathBuf::from(".")),
        db: args.db.clone(),
        params: args.params.clone(),
        sources: args.sources.clone(),
        as_of: args.as_of.map(AsOf::Date),
        allow_paths: args.allow_paths.clone(),
    };
    let engine = match check::open_for_reading(&rules) {
        Ok(e) => e,
        Err(status) => return status,
    };
    // The published tables are traced with the rules at their run's date
    // (`within 30 days` means the same days the run counted).
    if evaluation == Evaluation::Published {
        match engine::published_as_of(&engine) {
            Ok(Some(date)) => rules.as_of = Some(AsOf::Date(date)),
            Ok(None) => {}
            Err(e) => return output::failure(&e),
        }
    }
    let mut files = match read_rule_set(&rules.path) {
        Ok(f) => f,
        Err(e) => return check::unreadable(&e, args.format),
    };
    let condition_file = match &args.condition {
        Some(text) => match where_file(text) {
            Ok(file) => Some(files.add(file)),
            Err(d) => {
                let d = [d];
                let shown = SourceMap::from_text(WHERE_FILE, text);
                output::diagnostics(&d, &shown, args.format);
                return output::status(&d);
            }
        },
        None => None,
    };
    let checked = seg::check(&files, &engine, &check::settings(&rules, Mode::Run));
    let Some(program) = checked.program else {
        output::diagnostics(&checked.diagnostics, &files, args.format);
        return output::status(&checked.diagnostics);
    };
    let condition = condition_file.and_then(|file| {
        program
            .expectations
            .iter()
            .find(|e| e.span.file == file)
            .and_then(|e| match &e.kind {
                seg::semantic::ir::ExpectationKind::NoCustomer(c) => Some(c.clone()),
                _ => None,
            })
    });
    let keys: Vec<String> = customer.into_iter().collect();
    let selection = match &condition {
        Some(c) => Selection::Where {
            condition: c,
            limit: args.limit,
        },
        None => Selection::Keys(&keys),
    };
    match engine::why(&engine, &program, &selection, evaluation) {
        Ok(why) => {
            match args.format {
                Format::Human => output::stdout(&human(&why)),
                Format::Json => output::stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&why).unwrap_or_default()
                )),
            }
            CLEAN
        }
        Err(e) => output::failure(&e),
    }
}

/// `--where`'s text as a rule file of one statement, `expect no customer
/// where` on the first line and the condition, indented, on the second, so
/// that the rules check it as a condition over the computed table and its
/// diagnostics point into its own text. A line break would let it add
/// statements of its own: refused (E335), as is an empty condition; the
/// diagnostic points into the text as given (file 0 of its own map).
fn where_file(text: &str) -> Result<SourceFile, Diagnostic> {
    let problem = if text.contains(['\n', '\r']) {
        Some("where-not-a-condition")
    } else if text.trim().is_empty() || text.trim_start().starts_with('#') {
        Some("where-not-a-condition-2")
    } else {
        None
    };
    if let Some(id) = problem {
        let span = Span::new(FileId(0), 0, text.len());
        return Err(Diagnostic::new(Code::WhereNotACondition, tr!(id))
            .at(span, tr!("where-not-a-condition.label"))
            .help(tr!("where-not-a-condition.help")));
    }
    Ok(SourceFile::new(
        WHERE_FILE,
        WHERE_FILE,
        format!("expect no customer where\n    {text}\n"),
    ))
}

/// The trace as a marketing analyst reads it: per customer the values,
/// then each segmentation's rules in order and each tag, each condition
/// part by part.
fn human(why: &Why) -> String {
    let mut out = match why.run_id {
        Some(run) => tr!(
            "why-published",
            run = run.to_string(),
            as_of = why.as_of.as_str()
        ),
        None => tr!("why-fresh", as_of = why.as_of.as_str()),
    };
    out.push('\n');
    if why.customers.is_empty() {
        out.push_str(&format!("\n{}\n", tr!("why-no-customer")));
    }
    for c in &why.customers {
        out.push_str(&format!(
            "\n{}\n",
            tr!(
                "why-customer",
                key = why.key.as_str(),
                value = c.key.as_str()
            )
        ));
        let width = c
            .values
            .iter()
            .map(|v| unicode_width::UnicodeWidthStr::width(v.name.as_str()))
            .max()
            .unwrap_or(0);
        for v in &c.values {
            out.push_str(&format!(
                "  {}  {}{}\n",
                pad(&v.name, width),
                shown(&v.value),
                edges(why, &v.name, v.kind, &v.value)
            ));
        }
        for s in &c.segmentations {
            out.push_str(&format!(
                "\n  {} = {}\n",
                s.segmentation,
                s.label.clone().unwrap_or_else(|| tr!("why-no-label"))
            ));
            if s.rules.is_empty() {
                out.push_str(&format!("    {}\n", tr!("why-kmeans")));
            }
            for (r, rule) in s.rules.iter().enumerate() {
                let matched = s.matched_rule == Some(r);
                let mark = if matched {
                    "→"
                } else if rule.holds {
                    "✓"
                } else {
                    "✗"
                };
                let after = if matched {
                    format!("  {}", tr!("why-matched"))
                } else if rule.holds && s.matched_rule.is_some_and(|m| m < r) {
                    format!("  {}", tr!("why-earlier-matched"))
                } else {
                    String::new()
                };
                let condition = match &rule.condition {
                    Some(c) => format!("when {c}"),
                    None => "otherwise".to_string(),
                };
                out.push_str(&format!("    {mark} {} {condition}{after}\n", rule.label));
                out.push_str(&parts(&rule.parts, 8));
            }
        }
        if !c.tags.is_empty() {
            out.push_str(&format!("\n  {}\n", tr!("summary-tags")));
        }
        for t in &c.tags {
            let mark = if t.holds { "✓" } else { "✗" };
            out.push_str(&format!("    {mark} {} when {}\n", t.tag, t.condition));
            out.push_str(&parts(&t.parts, 8));
        }
    }
    out
}

/// A condition's parts, aligned: `frequency >= 10  ✗  (frequency = 4)`.
/// A condition of one part shows it only when it has values to show.
fn parts(parts: &[PartTrace], indent: usize) -> String {
    let width = parts
        .iter()
        .map(|p| unicode_width::UnicodeWidthStr::width(p.text.as_str()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for p in parts {
        if parts.len() == 1 && p.sides.is_empty() {
            continue;
        }
        let outcome = match p.outcome {
            Some(true) => "✓".to_string(),
            Some(false) => "✗".to_string(),
            None => format!("✗ {}", tr!("summary-missing")),
        };
        let sides: Vec<String> = p
            .sides
            .iter()
            .map(|s| format!("{} = {}", s.text, shown(&s.value)))
            .collect();
        let sides = if sides.is_empty() {
            String::new()
        } else {
            format!("  ({})", sides.join(", "))
        };
        out.push_str(&format!(
            "{}{}  {outcome}{sides}\n",
            " ".repeat(indent),
            pad(&p.text, width)
        ));
    }
    out
}

fn shown(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| tr!("summary-missing"))
}

/// A score's bucket with its edges: `  (bucket 2 of 5: recency 120 to 211)`.
fn edges(why: &Why, name: &str, kind: &str, value: &Option<String>) -> String {
    if kind != "score" {
        return String::new();
    }
    let buckets: Vec<&seg::engine::ScoreEdge> = why
        .score_edges
        .iter()
        .filter(|e| e.score == name && e.group.is_none())
        .collect();
    let Some(bucket) = value.as_ref().and_then(|v| v.parse::<i64>().ok()) else {
        return String::new();
    };
    let Some(edge) = buckets.iter().find(|e| e.bucket == bucket) else {
        return String::new();
    };
    let number = |v: Option<f64>| v.map_or_else(|| tr!("summary-missing"), |v| format!("{v}"));
    let all: Vec<String> = buckets
        .iter()
        .map(|e| format!("{}: {}–{}", e.bucket, number(e.low), number(e.high)))
        .collect();
    format!(
        "  {}",
        tr!(
            "why-bucket",
            bucket = bucket.to_string(),
            low = number(edge.low),
            high = number(edge.high),
            buckets = all.join(", ")
        )
    )
}
