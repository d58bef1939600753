//! Static analysis of a checked rule set, without data: rules earlier
//! rules cover entirely, customers no rule of a segmentation reaches,
//! conditions that never hold, scores compared outside 1..n, params
//! nothing uses. Pure: a [`Program`] (with the syntax tree, for places)
//! in, findings out.
//!
//! Every condition becomes a formula over variables (`formula.rs`), each
//! with its abstract values (`domain.rs`), in disjunctive normal form
//! (`dnf.rs`). A finding needs a proof: "never" means no conjunct is left,
//! and a gap comes with values that, evaluated on every rule, match none.
//! What seg cannot see into (two variables compared, dataset-level values)
//! may be true or false, so no finding rests on it.

mod cover;
pub mod data;
mod depend;
mod dnf;
mod domain;
mod formula;
mod unused;
mod written;

use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::semantic::ir::NodeKind;
use crate::source::SourceMap;
use crate::syntax::Ast;
use crate::syntax::ast::StatementKind;

use domain::Value;
use formula::{Translator, Var, VarKind, date_of};
use written::Written;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also report metrics nothing uses (L006).
    pub unused_metrics: bool,
}

/// One finding: a diagnostic, and the customer that shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub example: Option<Example>,
    /// For a gap over scores and labels: how many combinations it leaves.
    pub uncovered: Option<Uncovered>,
}

impl Finding {
    fn new(diagnostic: Diagnostic) -> Self {
        Finding {
            diagnostic,
            example: None,
            uncovered: None,
        }
    }
}

/// A customer, by the values that matter: `r = 5, f = 1, m = 1`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Example {
    pub values: Vec<Assigned>,
    /// The label such a customer gets instead (for a shadowed rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<String>,
}

/// One value of a counter-example; `value` is `null` when missing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assigned {
    pub name: String,
    pub value: serde_json::Value,
    /// As a rule would write it: `r = 5`, `region = "other"`, `r is missing`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Uncovered {
    /// Combinations of present values that match no rule ...
    pub combinations: u64,
    /// ... of this many.
    pub of: u64,
    /// Whether customers with a missing value match no rule either.
    pub missing_too: bool,
    /// The first few of them.
    pub examples: Vec<Example>,
}

impl Example {
    fn new(vars: &[Var], shown: &[usize], values: &[Value], matched_by: Option<&str>) -> Self {
        Example {
            values: shown
                .iter()
                .map(|&v| Assigned {
                    name: vars[v].name.clone(),
                    value: json(&values[v], &vars[v]),
                    text: describe(&values[v], &vars[v]),
                })
                .collect(),
            matched_by: matched_by.map(str::to_string),
        }
    }

    /// `a customer with r = 5, f = 1 and a missing m`.
    pub fn text(&self) -> String {
        if self.values.is_empty() {
            return "any customer".to_string();
        }
        format!("a customer with {}", self.values_text())
    }

    /// `r = 5, f = 1 and a missing m`.
    pub fn values_text(&self) -> String {
        let (missing, present): (Vec<&Assigned>, Vec<&Assigned>) =
            self.values.iter().partition(|a| a.value.is_null());
        let mut parts: Vec<String> = present.iter().map(|a| a.text.clone()).collect();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|a| a.name.as_str()).collect();
            parts.push(format!("a missing {}", names.join(" and ")));
        }
        match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => parts.concat(),
        }
    }
}

/// Lints a checked program. `ast` is the syntax it was checked from.
pub fn lint(files: &SourceMap, ast: &Ast, program: &Program, options: Options) -> Vec<Finding> {
    let written = Written::new(ast);
    let mut t = Translator::new(program, files);
    let mut findings = Vec::new();
    for (_, node) in program.declared() {
        match &node.kind {
            NodeKind::Segmentation(rules) => {
                findings.extend(cover::segmentation(&mut t, &written, node, rules));
            }
            NodeKind::Tag(e) => {
                if let Some(StatementKind::Tag(decl)) =
                    written.statement(&node.name).map(|s| &s.kind)
                {
                    let what = format!("the condition of tag `{}`", node.name);
                    findings.extend(cover::condition(&mut t, e, &decl.condition, &what));
                }
            }
            NodeKind::Score(s) => {
                if let (Some(e), Some(StatementKind::Score(decl))) =
                    (&s.subset, written.statement(&node.name).map(|s| &s.kind))
                    && let Some(w) = &decl.subset
                {
                    let what = format!("the `where` of score `{}`", node.name);
                    findings.extend(cover::condition(&mut t, e, w, &what));
                }
            }
            _ => {}
        }
    }
    findings.extend(unused::params(ast, program, &written));
    if options.unused_metrics {
        findings.extend(unused::metrics(program, &written));
    }
    findings.sort_by_key(|f| {
        let d = &f.diagnostic;
        (
            d.primary.as_ref().map(|l| (l.span.file, l.span.start)),
            d.severity(),
            d.code,
        )
    });
    findings
}

/// The diagnostics of findings, in the findings' (reading) order.
pub fn diagnostics(findings: &[Finding]) -> Vec<Diagnostic> {
    findings.iter().map(|f| f.diagnostic.clone()).collect()
}

/// The comparisons of the last condition that no value meets (L004).
fn out_of_range(t: &Translator) -> Vec<Finding> {
    t.out_of_range
        .iter()
        .map(|o| {
            let var = &t.vars[o.var];
            let text = t.files.text(o.span);
            let (range, help) = match var.kind {
                VarKind::Score(n) => (
                    format!("a score from 1 to {n}"),
                    format!(
                        "`{}` is 1 (worst) to {n} (best), or missing for a customer not scored",
                        var.name
                    ),
                ),
                _ => (
                    "a count: 0, 1, 2 ...".to_string(),
                    format!("`{}` counts, so it is a whole number, 0 or more", var.name),
                ),
            };
            Finding::new(
                Diagnostic::new(
                    Code::OutOfRange,
                    tr!(
                        "out-of-range",
                        text = text.to_string(),
                        name = var.name.to_string(),
                        range = range.to_string()
                    ),
                )
                .at(o.span, tr!("out-of-range.label"))
                .help(help),
            )
        })
        .collect()
}

/// A label as a rule writes it: `Champions`, `"At Risk"`.
fn label(name: &str) -> String {
    let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

/// A value as a rule would compare it: `r = 5`, `tier = "A"`.
fn describe(value: &Value, var: &Var) -> String {
    match value {
        Value::Missing => format!("{} is missing", var.name),
        Value::Number(x) if var.kind == VarKind::Date => format!("{} = {}", var.name, date_of(*x)),
        Value::Number(x) => format!("{} = {}", var.name, number(*x)),
        Value::Text(t) if var.kind != VarKind::Label && is_truth(t, var) => {
            format!("{} = {t}", var.name)
        }
        Value::Text(t) => format!("{} = \"{t}\"", var.name),
    }
}

fn is_truth(t: &str, var: &Var) -> bool {
    matches!(t, "true" | "false") && var.expr.ty == crate::semantic::Type::Bool
}

fn json(value: &Value, var: &Var) -> serde_json::Value {
    match value {
        Value::Missing => serde_json::Value::Null,
        Value::Number(x) if var.kind == VarKind::Date => date_of(*x).into(),
        Value::Number(x) if x.fract() == 0.0 && x.abs() < 9e15 => (*x as i64).into(),
        Value::Number(x) => {
            serde_json::Number::from_f64(*x).map_or(serde_json::Value::Null, Into::into)
        }
        Value::Text(t) if is_truth(t, var) => (t == "true").into(),
        Value::Text(t) => t.clone().into(),
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
