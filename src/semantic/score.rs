//! Scores: `quintile(x[, lower_is_better])` and `ntile(n, x[, ...])`, with
//! an optional `where` for who is scored.

use super::Checker;
use super::ir;
use super::resolve::Scope;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::i18n::tr;
use crate::syntax::ast::{self, ArgumentKind};

impl Checker<'_> {
    pub(super) fn score(&mut self, decl: &ast::ScoreDecl) -> Option<ir::Score> {
        let shape_help = "a score is quintile(<value>) or ntile(<buckets>, <value>), optionally with `lower_is_better`: score r = quintile(recency, lower_is_better)";
        // `quintile(recency) within region`: ranked within each group.
        let (expr, group) = match &decl.expr.kind {
            ast::ExprKind::WithinGroup { expr, group } => (&**expr, Some(group)),
            _ => (&decl.expr, None),
        };
        let ast::ExprKind::Call { function, args } = &expr.kind else {
            self.report(
                Diagnostic::new(Code::WrongArgument, tr!("wrong-argument-12"))
                    .at(decl.expr.span, tr!("wrong-argument-12.label"))
                    .help(shape_help),
            );
            return None;
        };
        let (buckets, rest) = match function.text.as_str() {
            "quintile" => (5, &args[..]),
            "ntile" => {
                let buckets = match args.first().map(|a| &a.kind) {
                    Some(ArgumentKind::Value { expr, filter: None }) => self.fixed_integer(expr),
                    _ => None,
                };
                match buckets {
                    Some(n) if (2..=1000).contains(&n) => (n as u32, &args[1..]),
                    _ => {
                        let at = args.first().map_or(decl.expr.span, |a| a.span);
                        self.report(
                            Diagnostic::new(Code::InvalidValue, tr!("invalid-value-4"))
                                .at(at, tr!("invalid-value-4.label"))
                                .help(tr!("invalid-value-4.help")),
                        );
                        return None;
                    }
                }
            }
            other => {
                let help = match did_you_mean(other, ["quintile", "ntile"]) {
                    Some(s) => format!("did you mean `{s}`? {shape_help}"),
                    None => shape_help.to_string(),
                };
                self.report(
                    Diagnostic::new(Code::WrongArgument, tr!("wrong-argument-13"))
                        .at(function.span, tr!("wrong-argument-13.label"))
                        .help(help),
                );
                return None;
            }
        };
        let (value, direction) = match rest {
            [value] => (value, None),
            [value, direction] => (value, Some(direction)),
            _ => {
                self.report(
                    Diagnostic::new(
                        Code::ArgumentCount,
                        tr!("argument-count-5", text = function.text.to_string()),
                    )
                    .at(
                        decl.expr.span,
                        tr!("argument-count-5.label", len = args.len().to_string()),
                    )
                    .help(shape_help),
                );
                return None;
            }
        };
        let ArgumentKind::Value {
            expr: value,
            filter: None,
        } = &value.kind
        else {
            self.report(
                Diagnostic::new(Code::Misplaced, tr!("misplaced-11"))
                    .at(value.span, tr!("misplaced-11.label"))
                    .help(tr!("misplaced-11.help")),
            );
            return None;
        };
        let higher_is_better = match direction.map(|d| &d.kind) {
            None => true,
            Some(ArgumentKind::Value {
                expr:
                    ast::Expr {
                        kind: ast::ExprKind::Name(n),
                        ..
                    },
                filter: None,
            }) if n.text == "higher_is_better" || n.text == "lower_is_better" => {
                n.text == "higher_is_better"
            }
            Some(_) => {
                let d = direction.expect("direction given");
                let text = self.text(d.span);
                let help = match did_you_mean(&text, ["higher_is_better", "lower_is_better"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "write `higher_is_better` (the default) or `lower_is_better`".to_string()
                    }
                };
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        tr!("invalid-value-5", text = text.to_string()),
                    )
                    .at(d.span, tr!("invalid-value-5.label"))
                    .help(help),
                );
                return None;
            }
        };
        let input = self.number_argument(function, value, Scope::Customer);
        let subset = decl
            .subset
            .as_ref()
            .map(|s| self.condition(s, Scope::Customer));
        let group = match group {
            Some(g) => Some(self.group(g)?),
            None => None,
        };
        Some(ir::Score {
            input,
            buckets,
            higher_is_better,
            subset,
            group,
        })
    }
}
