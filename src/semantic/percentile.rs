//! Dataset-level values: `percentile(monetary, 0.9)`, one value over all
//! customers (or one per group, `within region`), computed once per
//! distinct call.

use super::ir::{self, Value};
use super::resolve::{Scope, error};
use super::{Checker, Def, DefKind, DefState, Entry, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{self, Argument, Literal, Name};

impl Checker<'_> {
    pub(super) fn percentile(
        &mut self,
        function: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
        group: Option<&Name>,
    ) -> ir::Expr {
        if scope != Scope::Customer {
            self.report(
                Diagnostic::new(Code::Misplaced, tr!("misplaced-6"))
                    .at(span, tr!("misplaced-6.label")),
            );
            return error();
        }
        if self
            .resolving
            .last()
            .is_some_and(|&d| matches!(self.defs[d].kind, DefKind::Dataset))
        {
            self.report(
                Diagnostic::new(Code::Misplaced, tr!("misplaced-7"))
                    .at(span, tr!("misplaced-7.label"))
                    .help(tr!("misplaced-7.help")),
            );
            return error();
        }
        let Some([value, fraction]) = self.plain_args::<2>(function, args, span) else {
            return error();
        };
        let fraction_value = match &fraction.kind {
            ast::ExprKind::Literal(Literal::Number { value, .. }) => Some(*value),
            ast::ExprKind::Name(n) => match self.names.get(&n.text) {
                Some(Entry::Param(p)) => match &self.params[*p].value {
                    Value::Number(text) => text.parse::<f64>().ok(),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(fraction_value) = fraction_value.filter(|f| (0.0..=1.0).contains(f)) else {
            self.report(
                Diagnostic::new(Code::InvalidValue, tr!("invalid-value-3"))
                    .at(fraction.span, tr!("invalid-value-3.label"))
                    .help(tr!("invalid-value-3.help")),
            );
            return error();
        };

        let name = self.text(span);
        let index = match self.datasets.get(&name).copied() {
            Some(d) => d,
            None => {
                let index = self.defs.len();
                self.defs.push(Def {
                    name: name.clone(),
                    span,
                    kind: DefKind::Dataset,
                    state: DefState::Resolving,
                    resolved: None,
                    ty: Type::Number,
                    nullable: true,
                    deps: Vec::new(),
                });
                self.datasets.insert(name, index);
                self.resolving.push(index);
                let input = self.number_argument(function, value, Scope::Customer);
                let group = group.and_then(|g| self.group(g));
                self.resolving.pop();
                let def = &mut self.defs[index];
                def.resolved = Some(ir::NodeKind::DatasetValue {
                    input,
                    fraction: fraction_value,
                    group,
                });
                def.state = DefState::Done;
                index
            }
        };
        self.def_ref(index, span)
    }
}
