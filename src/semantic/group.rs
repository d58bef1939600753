//! Groups: `quintile(recency) within region`, `percentile(monetary, 0.9)
//! within region` — a score or dataset-level value per group of customers.

use super::ir::{self, ExprKind};
use super::resolve::{Scope, error};
use super::{Checker, DefKind, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Name};

impl Checker<'_> {
    /// `<expr> within <group>` in an expression: only a percentile can be
    /// computed per group there (a score's is read by `score`).
    pub(super) fn within_group(
        &mut self,
        inner: &ast::Expr,
        group: &Name,
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        if let ast::ExprKind::Call { function, args } = &inner.kind
            && function.text == "percentile"
        {
            return self.percentile(function, args, span, scope, Some(group));
        }
        let what = self.text(inner.span);
        self.report(
            Diagnostic::new(
                Code::MisplacedGroup,
                format!("`{what}` cannot be computed `within {}`", group.text),
            )
            .at(span, "a group after something that is not a percentile")
            .help(format!(
                "only a score and `percentile(...)` are computed per group: percentile({what}, 0.9) within {}",
                group.text
            )),
        );
        error()
    }

    /// The group of a score or percentile: a value each customer has (a
    /// customer column or a definition, not a param or dataset value).
    pub(super) fn group(&mut self, group: &Name) -> Option<ir::Expr> {
        let e = self.name(group, Scope::Customer);
        let per_customer = match &e.kind {
            ExprKind::Error => return None,
            ExprKind::Column(_) => true,
            ExprKind::Node(d) => !matches!(self.defs[*d].kind, DefKind::Dataset),
            _ => false,
        };
        if !per_customer {
            self.report(
                Diagnostic::new(
                    Code::GroupNotPerCustomer,
                    format!("`{}` is the same for every customer, so it makes no groups", group.text),
                )
                .at(group.span, "not a value of each customer")
                .help("group by a customer column (`within region`), a metric or a segmentation (`within tier`)"),
            );
            return None;
        }
        if e.ty == Type::Unsupported {
            self.report(
                Diagnostic::new(
                    Code::GroupNotPerCustomer,
                    format!("`{}` holds values seg cannot group by", group.text),
                )
                .at(group.span, "a list, struct or other compound value")
                .help("group by a column of text, numbers, dates or true/false"),
            );
            return None;
        }
        Some(e)
    }
}
