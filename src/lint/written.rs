//! Where things are written: the checked program carries no spans, so the
//! findings find their places in the syntax tree, by name (names as
//! DuckDB compares them, `semantic::names`).

use crate::semantic::names::fold;
use crate::source::Span;
use crate::syntax::Ast;
use crate::syntax::ast::{self, StatementKind};

/// One rule of a segmentation as written.
pub struct Rule<'a> {
    pub statement: Span,
    pub segmentation: Span,
    pub label: Span,
    pub condition: Option<&'a ast::Expr>,
}

#[derive(Default)]
pub struct Written<'a> {
    /// Segmentation (folded) → its rules in order.
    rules: Vec<(String, Vec<Rule<'a>>)>,
    /// Tags, metrics, params, scores (folded) → their declarations.
    statements: Vec<(String, &'a ast::Statement)>,
}

impl<'a> Written<'a> {
    pub fn new(ast: &'a Ast) -> Self {
        let mut w = Written::default();
        for statement in ast.files.iter().flat_map(|f| &f.statements) {
            match &statement.kind {
                StatementKind::Rule(r) => {
                    let key = fold(&r.segmentation.text);
                    let rule = Rule {
                        statement: statement.span,
                        segmentation: r.segmentation.span,
                        label: r.label.span,
                        condition: r.condition.as_ref(),
                    };
                    match w.rules.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, rules)) => rules.push(rule),
                        None => w.rules.push((key, vec![rule])),
                    }
                }
                StatementKind::Tag(ast::TagDecl { name, .. })
                | StatementKind::Metric(ast::MetricDecl { name, .. })
                | StatementKind::Param(ast::ParamDecl { name, .. })
                | StatementKind::Score(ast::ScoreDecl { name, .. }) => {
                    w.statements.push((fold(&name.text), statement));
                }
                _ => {}
            }
        }
        w
    }

    pub fn rules(&self, segmentation: &str) -> &[Rule<'a>] {
        let key = fold(segmentation);
        self.rules
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&[], |(_, r)| r)
    }

    pub fn statement(&self, name: &str) -> Option<&'a ast::Statement> {
        let key = fold(name);
        self.statements
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| *s)
    }

    /// The span of the name a statement defines.
    pub fn name_span(&self, name: &str) -> Option<Span> {
        self.statement(name).and_then(|s| match &s.kind {
            StatementKind::Tag(ast::TagDecl { name, .. })
            | StatementKind::Metric(ast::MetricDecl { name, .. })
            | StatementKind::Param(ast::ParamDecl { name, .. })
            | StatementKind::Score(ast::ScoreDecl { name, .. }) => Some(name.span),
            _ => None,
        })
    }
}
