//! Groups: `quintile(recency) within region`, `percentile(monetary, 0.9)
//! within region` — a score or dataset-level value per group of customers.

use super::ir::{self, ExprKind};
use super::resolve::{Scope, error};
use super::{Checker, DefKind, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
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
                tr!(
                    "misplaced-group",
                    what = what.to_string(),
                    text = group.text.to_string()
                ),
            )
            .at(span, tr!("misplaced-group.label"))
            .help(tr!(
                "misplaced-group.help",
                what = what.to_string(),
                text = group.text.to_string()
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
                    tr!("group-not-per-customer", text = group.text.to_string()),
                )
                .at(group.span, tr!("group-not-per-customer.label"))
                .help(tr!("group-not-per-customer.help")),
            );
            return None;
        }
        if e.ty == Type::Unsupported {
            self.report(
                Diagnostic::new(
                    Code::GroupNotPerCustomer,
                    tr!("group-not-per-customer-2", text = group.text.to_string()),
                )
                .at(group.span, tr!("group-not-per-customer-2.label"))
                .help(tr!("group-not-per-customer-2.help")),
            );
            return None;
        }
        Some(e)
    }
}
