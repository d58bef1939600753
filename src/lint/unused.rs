//! Definitions nothing uses. A param exists only to be used, so one that
//! no rule names is dead. Every metric is a column of `seg_customers`, so
//! a metric no rule uses may well be there to be read: those are reported
//! only when asked (`Options::unused_metrics`).

use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::semantic::ir::{ExprKind, NodeKind};
use crate::semantic::names::same;
use crate::syntax::Ast;
use crate::syntax::ast::{self, ArgumentKind};

use super::Finding;
use super::written::Written;

/// Params no expression names (a name inside an aggregate's `where` may be
/// a column rather than the param; it counts as a use all the same).
pub fn params(ast: &Ast, program: &Program, written: &Written) -> Vec<Finding> {
    let mut named: Vec<&str> = Vec::new();
    for statement in ast.files.iter().flat_map(|f| &f.statements) {
        for e in statement.kind.expressions() {
            names_in(e, &mut named);
        }
    }
    program
        .params
        .iter()
        .filter(|p| !named.iter().any(|n| same(n, &p.name)))
        .filter_map(|p| {
            let span = written.name_span(&p.name)?;
            Some(Finding::new(
                Diagnostic::new(
                    Code::UnusedParam,
                    tr!("unused-param", name = p.name.to_string()),
                )
                .at(span, tr!("unused-param.label"))
                .help(tr!("unused-param.help", name = p.name.to_string())),
            ))
        })
        .collect()
}

fn names_in<'a>(e: &'a ast::Expr, out: &mut Vec<&'a str>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let ast::ExprKind::Name(n) = &e.kind {
            out.push(&n.text);
        }
        if let ast::ExprKind::Call { args, .. } = &e.kind {
            // `ntile(buckets, x)`: the buckets may be a param.
            for a in args {
                if let ArgumentKind::Value { expr, filter } = &a.kind {
                    stack.push(expr);
                    stack.extend(filter);
                }
            }
            continue;
        }
        stack.extend(e.children());
    }
}

/// Metrics that no other definition uses.
pub fn metrics(program: &Program, written: &Written) -> Vec<Finding> {
    let mut used = vec![false; program.nodes.len()];
    for node in &program.nodes {
        for e in node.kind.exprs() {
            e.walk(|x| {
                if let ExprKind::Node(i) = x.kind {
                    used[i] = true;
                }
            });
        }
    }
    program
        .declared()
        .into_iter()
        .filter(|(i, n)| matches!(n.kind, NodeKind::Metric(_)) && !used[*i])
        .filter_map(|(_, n)| {
            let span = written.name_span(&n.name)?;
            Some(Finding::new(
                Diagnostic::new(
                    Code::UnusedMetric,
                    tr!("unused-metric", name = n.name.to_string()),
                )
                .at(span, tr!("unused-metric.label"))
                .help(tr!("unused-metric.help")),
            ))
        })
        .collect()
}
