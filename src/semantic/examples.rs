//! `example` statements: imaginary customers, their given values and what
//! they should get, resolved against the definitions (after those are).

use crate::i18n::tr;
use std::collections::HashMap;

use super::ir::{self, ExprKind, GivenTarget, NodeKind, Subject, Value};
use super::resolve::Scope;
use super::{Checker, DefKind, Entry, Type, names};
use crate::diagnostic::{Code, Diagnostic, list_names};
use crate::source::Span;
use crate::syntax::ast::{self, GivenKind, Literal};

impl Checker<'_> {
    /// Every example, each resolved on its own; one with an error is left
    /// out (and reported).
    pub(super) fn examples(
        &mut self,
        examples: &[(&ast::Example, Span)],
        hand_tags: bool,
    ) -> Vec<ir::Example> {
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut resolved = Vec::new();
        if let Some(kmeans) = self
            .defs
            .iter()
            .find(|d| matches!(d.kind, DefKind::Kmeans(_)))
        {
            // One imaginary customer has no cluster: clusters need everyone.
            let (name, at) = (kmeans.name.clone(), kmeans.span);
            for (example, _) in examples {
                self.report(
                    Diagnostic::new(
                        Code::KmeansNotHere,
                        tr!("kmeans-not-here", name = name.to_string()),
                    )
                    .at(example.name.span, tr!("kmeans-not-here.label"))
                    .also(at, tr!("kmeans-not-here.also"))
                    .help(tr!("kmeans-not-here.help")),
                );
            }
            return resolved;
        }
        for (example, span) in examples {
            let name = &example.name;
            if let Some(&first) = seen.get(&name.text) {
                self.report(
                    Diagnostic::new(
                        Code::DuplicateExample,
                        tr!("duplicate-example", text = name.text.to_string()),
                    )
                    .at(name.span, tr!("duplicate-example.label"))
                    .also(first, tr!("duplicate-example.also"))
                    .help(tr!("duplicate-example.help")),
                );
                continue;
            }
            seen.insert(name.text.clone(), name.span);
            resolved.extend(self.example(example, *span, hand_tags));
        }
        resolved
    }

    fn example(
        &mut self,
        example: &ast::Example,
        span: Span,
        hand_tags: bool,
    ) -> Option<ir::Example> {
        let mut ok = true;
        let mut givens: Vec<ir::Given> = Vec::new();
        let mut given_at: Vec<Span> = Vec::new();
        for given in &example.givens {
            let Some(g) = self.given(given, hand_tags) else {
                ok = false;
                continue;
            };
            if let Some(i) = givens
                .iter()
                .position(|o| same_target(&o.target, &g.target))
            {
                self.report(
                    Diagnostic::new(
                        Code::DuplicateExample,
                        tr!(
                            "duplicate-example-2",
                            text = example.name.text.to_string(),
                            text2 = (self.text(target_span(given))).to_string()
                        ),
                    )
                    .at(given.span, tr!("duplicate-example-2.label"))
                    .also(given_at[i], tr!("duplicate-example-2.also"))
                    .help(tr!("duplicate-example-2.help")),
                );
                ok = false;
                continue;
            }
            givens.push(g);
            given_at.push(given.span);
        }
        let mut outcomes = Vec::new();
        for outcome in &example.outcomes {
            match self.subject(&outcome.subject, hand_tags) {
                Some(subject) => outcomes.push(ir::ExpectedOutcome {
                    subject,
                    negated: outcome.negated,
                    text: self.text(outcome.span),
                    span: outcome.span,
                }),
                None => ok = false,
            }
        }
        ok.then(|| ir::Example {
            name: example.name.text.clone(),
            defined_at: self.place(span),
            span: example.name.span,
            givens,
            outcomes,
        })
    }

    /// One given value, checked against what it gives.
    fn given(&mut self, given: &ast::Given, hand_tags: bool) -> Option<ir::Given> {
        let (target, value, value_span) = match &given.kind {
            GivenKind::Tag(tag) => {
                if !hand_tags {
                    self.report(
                        Diagnostic::new(
                            Code::NotGivable,
                            tr!("not-givable", text = tag.text.to_string()),
                        )
                        .at(given.span, tr!("not-givable.label"))
                        .help(tr!("not-givable.help")),
                    );
                    return None;
                }
                return Some(ir::Given {
                    target: GivenTarget::Tag(tag.text.clone()),
                    value: None,
                });
            }
            GivenKind::Value {
                target,
                value,
                value_span,
            } => (target, value, *value_span),
        };
        let (target, ty) = self.given_target(target)?;
        let value = value.as_ref().map(literal_value);
        if let Some(v) = &value
            && !v.ty().fits(ty)
        {
            let written = self.text(target_span(given));
            self.report(
                Diagnostic::new(
                    Code::GivenType,
                    tr!(
                        "given-type",
                        written = written.to_string(),
                        ty = ty.to_string(),
                        ty2 = v.ty().to_string()
                    ),
                )
                .at(value_span, tr!("given-type.label", ty = v.ty().to_string()))
                .help(match ty {
                    Type::Number => "give a number without quotes, like 6000",
                    Type::Date => "give a date as year-month-day, like 2025-06-01",
                    Type::Text => "give text in quotes, like \"north\"",
                    _ => "give `true` or `false`",
                }),
            );
            return None;
        }
        Some(ir::Given { target, value })
    }

    /// What a value is given to, and its type.
    fn given_target(&mut self, target: &ast::Expr) -> Option<(GivenTarget, Type)> {
        // `percentile(monetary, 0.9) within region`: the value of the
        // example customer's group.
        let (given, group) = match &target.kind {
            ast::ExprKind::WithinGroup { expr, group } => (&**expr, Some(group)),
            _ => (target, None),
        };
        match &given.kind {
            ast::ExprKind::Name(n) if group.is_none() => self.given_name(n),
            ast::ExprKind::Call { function, args } if function.text == "percentile" => {
                self.given_dataset(function, args, group, target.span)
            }
            _ => {
                self.report(
                    Diagnostic::new(
                        Code::NotGivable,
                        tr!("not-givable-2", text = self.text(target.span).to_string()),
                    )
                    .at(target.span, tr!("not-givable-2.label"))
                    .help(GIVABLE),
                );
                None
            }
        }
    }

    fn given_name(&mut self, n: &ast::Name) -> Option<(GivenTarget, Type)> {
        match self.names.get(&n.text).copied() {
            Some(Entry::Def(d)) => match self.defs[d].kind {
                DefKind::Metric(_) | DefKind::Score(_) => {
                    Some((GivenTarget::Node(d), self.defs[d].ty))
                }
                _ => {
                    let what = self.def_kind_name(d);
                    self.not_givable(n, &format!("`{}` is a {what}: an example expects it (after `expects`) rather than giving it", n.text));
                    None
                }
            },
            Some(Entry::Param(_)) => {
                self.not_givable(
                    n,
                    &format!(
                        "`{}` is a param: the rules (or `--set`) fix it for every customer",
                        n.text
                    ),
                );
                None
            }
            Some(Entry::Source(_)) => {
                self.not_givable(n, &format!("`{}` is a source, not a value", n.text));
                None
            }
            None => {
                if let Some(c) = self
                    .customer_columns
                    .iter()
                    .find(|c| names::same(c, &n.text))
                    .cloned()
                {
                    let ty = self
                        .customers
                        .and_then(|s| self.sources[s].column(&c))
                        .unwrap_or(Type::Unknown);
                    return Some((GivenTarget::Column(c), ty));
                }
                if !self.unparsed.contains(&n.text) {
                    self.unknown_given(n);
                }
                None
            }
        }
    }

    fn not_givable(&mut self, n: &ast::Name, why: &str) {
        self.report(
            Diagnostic::new(Code::NotGivable, why.to_string())
                .at(n.span, tr!("not-givable-3.label"))
                .help(GIVABLE),
        );
    }

    fn unknown_given(&mut self, n: &ast::Name) {
        let mut candidates: Vec<String> = self
            .defs
            .iter()
            .filter(|d| matches!(d.kind, DefKind::Metric(_) | DefKind::Score(_)))
            .map(|d| d.name.clone())
            .chain(self.customer_columns.iter().cloned())
            .collect();
        candidates.sort();
        let close = self.suggest(&n.text, candidates.iter().map(String::as_str));
        let help = match close {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!(
                "an example gives metrics, scores and customer columns the rules use: {}",
                list_names(&candidates, 12)
            ),
        };
        self.report(
            Diagnostic::new(
                Code::UnknownInExample,
                tr!("unknown-in-example", text = n.text.to_string()),
            )
            .at(n.span, tr!("unknown-in-example.label"))
            .help(help),
        );
    }

    /// `percentile(monetary, 0.9) = 5000`: one of the rules' dataset-level
    /// values, found by what it computes.
    fn given_dataset(
        &mut self,
        function: &ast::Name,
        args: &[ast::Argument],
        group: Option<&ast::Name>,
        span: Span,
    ) -> Option<(GivenTarget, Type)> {
        let [value, fraction] = self.plain_args::<2>(function, args, span)?;
        let input = self.expr(value, Scope::Customer);
        let group = group.map(|g| self.name(g, Scope::Customer));
        let fraction = match &fraction.kind {
            ast::ExprKind::Literal(Literal::Number { value, .. }) => Some(*value),
            _ => None,
        };
        let found = (0..self.defs.len()).find(|&d| {
            matches!(
                &self.defs[d].resolved,
                Some(NodeKind::DatasetValue { input: i, fraction: f, group: g })
                    if *i == input && Some(*f) == fraction && *g == group
            )
        });
        if let Some(d) = found {
            return Some((GivenTarget::Node(d), Type::Number));
        }
        let used: Vec<String> = self
            .defs
            .iter()
            .filter(|d| matches!(d.kind, DefKind::Dataset))
            .map(|d| d.name.clone())
            .collect();
        let help = if used.is_empty() {
            "the rules use no dataset-level value".to_string()
        } else {
            format!("the rules use {}", list_names(&used, 12))
        };
        self.report(
            Diagnostic::new(
                Code::UnknownInExample,
                tr!("unknown-in-example-2", text = self.text(span).to_string()),
            )
            .at(span, tr!("unknown-in-example-2.label"))
            .help(help),
        );
        None
    }

    /// A label of a segmentation or a tag, as an example expects it or an
    /// expectation counts it.
    pub(super) fn subject(&mut self, subject: &ast::Subject, hand_tags: bool) -> Option<Subject> {
        match subject {
            ast::Subject::Tag(tag) => {
                let rule_tag = matches!(self.names.get(&tag.text), Some(Entry::Def(d))
                    if matches!(self.defs[*d].kind, DefKind::Tag(_)));
                if rule_tag || hand_tags || self.unparsed.contains(&tag.text) {
                    return Some(Subject::Tag(tag.text.clone()));
                }
                let tags = self.def_names(|k| matches!(k, DefKind::Tag(_)));
                self.unknown_outcome(tag, "tag", &tags);
                None
            }
            ast::Subject::Label {
                segmentation,
                label,
            } => {
                let d = match self.names.get(&segmentation.text) {
                    Some(&Entry::Def(d)) if matches!(self.defs[d].kind, DefKind::Kmeans(_)) => {
                        return self.cluster_subject(d, label);
                    }
                    Some(Entry::Def(d))
                        if matches!(self.defs[*d].kind, DefKind::Segmentation(_)) =>
                    {
                        *d
                    }
                    _ => {
                        if !self.unparsed.contains(&segmentation.text) {
                            let all = self.def_names(|k| matches!(k, DefKind::Segmentation(_)));
                            self.unknown_outcome(segmentation, "segmentation", &all);
                        }
                        return None;
                    }
                };
                let DefKind::Segmentation(rules) = &self.defs[d].kind else {
                    unreachable!("checked above")
                };
                let labels: Vec<String> = rules.iter().map(|r| r.label.text.clone()).collect();
                if !labels.contains(&label.text) {
                    let close = self.suggest(&label.text, labels.iter().map(String::as_str));
                    let list = list_names(&labels, 12);
                    let help = match close {
                        Some(c) => format!(
                            "did you mean \"{c}\"? the labels of `{}` are {list}",
                            segmentation.text
                        ),
                        None => format!("the labels of `{}` are {list}", segmentation.text),
                    };
                    self.report(
                        Diagnostic::new(
                            Code::UnknownExpectedLabel,
                            tr!(
                                "unknown-expected-label",
                                text = segmentation.text.to_string(),
                                text2 = label.text.to_string()
                            ),
                        )
                        .at(label.span, tr!("unknown-expected-label.label"))
                        .help(help),
                    );
                    return None;
                }
                Some(Subject::Label {
                    segmentation: d,
                    label: label.text.clone(),
                })
            }
        }
    }

    pub(super) fn def_names(&self, kind: impl Fn(&DefKind) -> bool) -> Vec<String> {
        let mut names: Vec<String> = self
            .defs
            .iter()
            .filter(|d| kind(&d.kind))
            .map(|d| d.name.clone())
            .collect();
        names.sort();
        names
    }

    fn unknown_outcome(&mut self, name: &ast::Name, what: &str, known: &[String]) {
        let close = self.suggest(&name.text, known.iter().map(String::as_str));
        let help = match (close, known.is_empty()) {
            (Some(c), _) => format!("did you mean `{c}`?"),
            (None, true) => format!("the rules define no {what}"),
            (None, false) => format!("the rules define {}", list_names(known, 12)),
        };
        self.report(
            Diagnostic::new(
                Code::UnknownInExample,
                tr!(
                    "unknown-in-example-3",
                    what = what.to_string(),
                    text = name.text.to_string()
                ),
            )
            .at(
                name.span,
                tr!("unknown-in-example-3.label", what = what.to_string()),
            )
            .help(help),
        );
    }
}

const GIVABLE: &str = "an example gives metrics (`monetary 6000`), scores (`r 5`), customer \
                       columns the rules use, dataset-level values \
                       (`percentile(monetary, 0.9) = 5000`) and hand-assigned tags (`tag vip`)";

fn literal_value(l: &Literal) -> Value {
    match l {
        Literal::Number { text, .. } => Value::Number(text.clone()),
        Literal::Text(t) => Value::Text(t.clone()),
        Literal::Date(d) => Value::Date(*d),
        Literal::Bool(b) => Value::Bool(*b),
    }
}

fn target_span(given: &ast::Given) -> Span {
    given.target().map_or(given.span, |t| t.span)
}

fn same_target(a: &GivenTarget, b: &GivenTarget) -> bool {
    match (a, b) {
        (GivenTarget::Column(x), GivenTarget::Column(y)) => names::same(x, y),
        _ => a == b,
    }
}

/// E316: a label or tag an example expects that depends on a dataset-level
/// value the example does not give (the checked program's node numbers).
pub(super) fn missing_dataset_values(program: &ir::Program) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for example in &program.examples {
        let given: Vec<usize> = example
            .givens
            .iter()
            .filter_map(|g| match g.target {
                GivenTarget::Node(n) => Some(n),
                _ => None,
            })
            .collect();
        let mut reported: Vec<usize> = Vec::new();
        for outcome in &example.outcomes {
            let Some(start) = outcome_node(program, &outcome.subject) else {
                continue;
            };
            for missing in needed_datasets(program, start, &given) {
                if reported.contains(&missing) {
                    continue;
                }
                reported.push(missing);
                let name = &program.nodes[missing].name;
                diagnostics.push(
                    Diagnostic::new(
                        Code::MissingDatasetValue,
                        tr!(
                            "missing-dataset-value",
                            name = example.name.to_string(),
                            name2 = name.to_string()
                        ),
                    )
                    .at(
                        outcome.span,
                        tr!("missing-dataset-value.label", name = name.to_string()),
                    )
                    .also(example.span, tr!("missing-dataset-value.also"))
                    .help(tr!("missing-dataset-value.help", name = name.to_string())),
                );
            }
        }
    }
    diagnostics
}

/// The node a label or rule-made tag is computed by.
fn outcome_node(program: &ir::Program, subject: &Subject) -> Option<usize> {
    match subject {
        Subject::Label { segmentation, .. } => Some(*segmentation),
        Subject::Tag(name) => program
            .nodes
            .iter()
            .position(|n| matches!(n.kind, NodeKind::Tag(_)) && n.name == *name),
    }
}

/// The dataset-level values `start` depends on through nodes that are not
/// given, in node order.
fn needed_datasets(program: &ir::Program, start: usize, given: &[usize]) -> Vec<usize> {
    let mut seen = vec![false; program.nodes.len()];
    let mut stack = vec![start];
    let mut needed = Vec::new();
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut seen[n], true) || given.contains(&n) {
            continue;
        }
        let kind = &program.nodes[n].kind;
        if matches!(kind, NodeKind::DatasetValue { .. }) {
            needed.push(n);
            continue;
        }
        for e in kind.exprs() {
            e.walk(|e| {
                if let ExprKind::Node(d) = e.kind {
                    stack.push(d);
                }
            });
        }
    }
    needed.sort();
    needed
}

/// Definition numbers → node positions, in what examples refer to.
pub(super) fn renumber(examples: &mut [ir::Example], position: &[usize]) {
    for example in examples {
        for given in &mut example.givens {
            if let GivenTarget::Node(d) = &mut given.target {
                *d = position[*d];
            }
        }
        for outcome in &mut example.outcomes {
            renumber_subject(&mut outcome.subject, position);
        }
    }
}

pub(super) fn renumber_subject(subject: &mut Subject, position: &[usize]) {
    if let Subject::Label { segmentation, .. } = subject {
        *segmentation = position[*segmentation];
    }
}
