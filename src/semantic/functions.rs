//! Calls: scalar functions (`days_since`, `round` ...) and the checks
//! every function shares (argument count, plain arguments, number
//! arguments). Aggregates, percentiles and scores have their own modules.

use super::ir::{self, AggregateFunction, ExprKind, SinceUnit};
use super::resolve::{Scope, error, typed};
use super::{Checker, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, list_names};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{self, Argument, ArgumentKind, Name};

/// Every function a rule can call.
pub const FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "count_distinct",
    "mode",
    "percentile",
    "days_since",
    "months_since",
    "years_since",
    "round",
    "abs",
    "quintile",
    "ntile",
    "first",
    "last",
    "if_missing",
    "if",
    "greatest",
    "least",
    "length",
    "lower",
    "upper",
    "year",
    "month",
    "day",
    "days_between",
];

impl Checker<'_> {
    pub(super) fn call(
        &mut self,
        function: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        let name = function.text.as_str();
        if let Some(f) = AggregateFunction::from_name(name) {
            return self.aggregate(f, function, args, span, scope);
        }
        if let Some(e) = self.everyday(function, args, span, scope) {
            return e;
        }
        match name {
            "percentile" => self.percentile(function, args, span, scope, None),
            "days_since" | "months_since" | "years_since" => {
                let Some([arg]) = self.plain_args::<1>(function, args, span) else {
                    return error();
                };
                let value = self.expr(arg, scope);
                if !value.ty.fits(Type::Date) {
                    self.wrong_argument(function, arg.span, &value, Type::Date);
                    return error();
                }
                let unit = match name {
                    "days_since" => SinceUnit::Day,
                    "months_since" => SinceUnit::Month,
                    _ => SinceUnit::Year,
                };
                let nullable = value.nullable;
                typed(
                    ExprKind::Since {
                        unit,
                        expr: Box::new(value),
                    },
                    Type::Number,
                    nullable,
                )
            }
            "abs" => {
                let Some([arg]) = self.plain_args::<1>(function, args, span) else {
                    return error();
                };
                let value = self.number_argument(function, arg, scope);
                let nullable = value.nullable;
                typed(ExprKind::Abs(Box::new(value)), Type::Number, nullable)
            }
            "round" => {
                let (value, digits) = match args.len() {
                    1 => {
                        let Some([arg]) = self.plain_args::<1>(function, args, span) else {
                            return error();
                        };
                        (self.number_argument(function, arg, scope), 0)
                    }
                    _ => {
                        let Some([arg, digits]) = self.plain_args::<2>(function, args, span) else {
                            return error();
                        };
                        let value = self.number_argument(function, arg, scope);
                        let Some(digits) = self.fixed_integer(digits) else {
                            self.report(
                                Diagnostic::new(Code::WrongArgument, tr!("wrong-argument-7"))
                                    .at(digits.span, tr!("wrong-argument-7.label"))
                                    .help(tr!("wrong-argument-7.help")),
                            );
                            return error();
                        };
                        (value, digits)
                    }
                };
                let nullable = value.nullable;
                typed(
                    ExprKind::Round {
                        expr: Box::new(value),
                        digits: digits.clamp(-18, 18) as i32,
                    },
                    Type::Number,
                    nullable,
                )
            }
            "quintile" | "ntile" => {
                self.report(
                    Diagnostic::new(Code::Misplaced, tr!("misplaced-3", name = name.to_string()))
                        .at(function.span, tr!("misplaced-3.label"))
                        .help(tr!("misplaced-3.help", text = self.text(span).to_string())),
                );
                error()
            }
            _ => {
                let sql = super::everyday::SQL_NAMES
                    .iter()
                    .find(|(sql, _)| name.eq_ignore_ascii_case(sql))
                    .map(|(_, seg)| *seg);
                let list = tr!("help-functions", names = list_names(FUNCTIONS, 40));
                let help = match sql.or_else(|| did_you_mean(name, FUNCTIONS.iter().copied())) {
                    Some(s) => format!("{} {list}", tr!("did-you-mean", name = s)),
                    None => list,
                };
                self.report(
                    Diagnostic::new(
                        Code::UnknownFunction,
                        tr!("unknown-function", name = name.to_string()),
                    )
                    .at(function.span, tr!("unknown-function.label"))
                    .help(help),
                );
                error()
            }
        }
    }

    pub(super) fn number_argument(
        &mut self,
        function: &Name,
        arg: &ast::Expr,
        scope: Scope,
    ) -> ir::Expr {
        let value = self.expr(arg, scope);
        if !value.ty.fits(Type::Number) {
            self.wrong_argument(function, arg.span, &value, Type::Number);
            return error();
        }
        value
    }

    fn wrong_argument(&mut self, function: &Name, span: Span, value: &ir::Expr, need: Type) {
        self.report(
            Diagnostic::new(
                Code::WrongArgument,
                tr!(
                    "wrong-argument-8",
                    text = function.text.to_string(),
                    need = need.to_string(),
                    text2 = self.text(span).to_string(),
                    ty = value.ty.to_string()
                ),
            )
            .at(
                span,
                tr!("wrong-argument-8.label", ty = value.ty.to_string()),
            ),
        );
    }

    /// Exactly `N` plain arguments (no `where`, no time window).
    pub(super) fn plain_args<'e, const N: usize>(
        &mut self,
        function: &Name,
        args: &'e [Argument],
        span: Span,
    ) -> Option<[&'e ast::Expr; N]> {
        if args.len() != N {
            let plural = if N == 1 { "value" } else { "values" };
            self.report(
                Diagnostic::new(
                    Code::ArgumentCount,
                    tr!(
                        "argument-count-4",
                        text = function.text.to_string(),
                        N = N.to_string(),
                        plural = plural.to_string(),
                        len = args.len().to_string()
                    ),
                )
                .at(
                    span,
                    tr!("argument-count-4.label", len = args.len().to_string()),
                ),
            );
            return None;
        }
        let mut exprs = Vec::with_capacity(N);
        for arg in args {
            match &arg.kind {
                ArgumentKind::Value { expr, filter: None } => exprs.push(expr),
                _ => {
                    self.report(
                        Diagnostic::new(
                            Code::Misplaced,
                            tr!("misplaced-4", text = function.text.to_string()),
                        )
                        .at(arg.span, tr!("misplaced-4.label"))
                        .help(tr!("misplaced-4.help")),
                    );
                    return None;
                }
            }
        }
        exprs.try_into().ok()
    }
}
