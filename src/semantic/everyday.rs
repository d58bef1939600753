//! The everyday functions and tests: defaults for missing values
//! (`if_missing`), conditional values (`if`), `greatest` / `least`, text
//! (`length`, `lower`, `upper`, `contains`, `starts with`, `ends with`,
//! `matches`, `ignoring case`) and dates (`year`, `month`, `day`,
//! `days_between`, `first_order + 30 days`, `as_of`).
//!
//! Each is typed here; missing values follow the language: missing in,
//! missing out, and a test with a missing side is false.

use super::ir::{self, ExprKind, Function, TextOp, Value};
use super::resolve::{Scope, error, typed};
use super::{Checker, Entry, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{self, Argument, BinaryOp, Name, Period, TimeUnit};

/// What SQL and spreadsheets call these, for the help of an unknown name.
pub const SQL_NAMES: &[(&str, &str)] = &[
    ("coalesce", "if_missing"),
    ("ifnull", "if_missing"),
    ("nvl", "if_missing"),
    ("iif", "if"),
    ("case", "if"),
    ("len", "length"),
    ("char_length", "length"),
    ("lcase", "lower"),
    ("ucase", "upper"),
    ("max_of", "greatest"),
    ("min_of", "least"),
    ("datediff", "days_between"),
    ("date_diff", "days_between"),
];

fn function_of(name: &str) -> Option<Function> {
    Some(match name {
        "if_missing" => Function::IfMissing,
        "if" => Function::If,
        "greatest" => Function::Greatest,
        "least" => Function::Least,
        "length" => Function::Length,
        "lower" => Function::Lower,
        "upper" => Function::Upper,
        "year" => Function::Year,
        "month" => Function::Month,
        "day" => Function::Day,
        "days_between" => Function::DaysBetween,
        _ => return None,
    })
}

impl Checker<'_> {
    /// An everyday function call, or `None` when `function` is none.
    pub(super) fn everyday(
        &mut self,
        function: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> Option<ir::Expr> {
        let f = function_of(&function.text)?;
        Some(self.everyday_call(f, function, args, span, scope))
    }

    fn everyday_call(
        &mut self,
        f: Function,
        function: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        let call = |args: Vec<ir::Expr>, ty: Type, nullable: bool| {
            typed(ExprKind::Function { function: f, args }, ty, nullable)
        };
        match f {
            Function::Length | Function::Lower | Function::Upper => {
                let Some([arg]) = self.plain_args::<1>(function, args, span) else {
                    return error();
                };
                let Some(value) = self.typed_argument(function, arg, Type::Text, scope) else {
                    return error();
                };
                let ty = if f == Function::Length {
                    Type::Number
                } else {
                    Type::Text
                };
                let nullable = value.nullable;
                call(vec![value], ty, nullable)
            }
            Function::Year | Function::Month | Function::Day => {
                let Some([arg]) = self.plain_args::<1>(function, args, span) else {
                    return error();
                };
                let Some(value) = self.typed_argument(function, arg, Type::Date, scope) else {
                    return error();
                };
                let nullable = value.nullable;
                call(vec![value], Type::Number, nullable)
            }
            Function::DaysBetween => {
                let Some([from, to]) = self.plain_args::<2>(function, args, span) else {
                    return error();
                };
                let from = self.typed_argument(function, from, Type::Date, scope);
                let to = self.typed_argument(function, to, Type::Date, scope);
                let (Some(from), Some(to)) = (from, to) else {
                    return error();
                };
                let nullable = from.nullable || to.nullable;
                call(vec![from, to], Type::Number, nullable)
            }
            Function::If => {
                let Some([condition, then, otherwise]) = self.plain_args::<3>(function, args, span)
                else {
                    return error();
                };
                let condition = self.condition(condition, scope);
                let Some(values) = self.same_type(function, &[then, otherwise], scope) else {
                    return error();
                };
                let ty = values.iter().map(|v| v.ty).find(|t| *t != Type::Unknown);
                let nullable = values.iter().any(|v| v.nullable);
                let mut all = vec![condition];
                all.extend(values);
                call(all, ty.unwrap_or(Type::Unknown), nullable)
            }
            Function::IfMissing | Function::Greatest | Function::Least => {
                let Some(exprs) = self.at_least_two(function, args, span) else {
                    return error();
                };
                let Some(values) = self.same_type(function, &exprs, scope) else {
                    return error();
                };
                let ty = values
                    .iter()
                    .map(|v| v.ty)
                    .find(|t| *t != Type::Unknown)
                    .unwrap_or(Type::Unknown);
                if f != Function::IfMissing && ty == Type::Bool {
                    self.report(
                        Diagnostic::new(
                            Code::WrongArgument,
                            tr!("wrong-argument-5", text = function.text.to_string()),
                        )
                        .at(span, tr!("wrong-argument-5.label"))
                        .help(tr!("wrong-argument-5.help")),
                    );
                    return error();
                }
                let nullable = if f == Function::IfMissing {
                    values.iter().all(|v| v.nullable)
                } else {
                    values.iter().any(|v| v.nullable)
                };
                call(values, ty, nullable)
            }
        }
    }

    /// Two or more plain arguments.
    fn at_least_two<'e>(
        &mut self,
        function: &Name,
        args: &'e [Argument],
        span: Span,
    ) -> Option<Vec<&'e ast::Expr>> {
        if args.len() < 2 {
            self.report(
                Diagnostic::new(
                    Code::ArgumentCount,
                    tr!(
                        "argument-count-3",
                        text = function.text.to_string(),
                        len = args.len().to_string()
                    ),
                )
                .at(
                    span,
                    tr!("argument-count-3.label", len = args.len().to_string()),
                )
                .help(tr!(
                    "argument-count-3.help",
                    text = function.text.to_string()
                )),
            );
            return None;
        }
        let mut exprs = Vec::with_capacity(args.len());
        for arg in args {
            let [expr] = self.plain_args::<1>(function, std::slice::from_ref(arg), arg.span)?;
            exprs.push(expr);
        }
        Some(exprs)
    }

    /// The arguments, which must all be of one type (E201 otherwise).
    fn same_type(
        &mut self,
        function: &Name,
        exprs: &[&ast::Expr],
        scope: Scope,
    ) -> Option<Vec<ir::Expr>> {
        let values: Vec<ir::Expr> = exprs.iter().map(|e| self.expr(e, scope)).collect();
        let first = values.iter().position(|v| v.ty != Type::Unknown)?;
        for (i, v) in values.iter().enumerate() {
            if !v.ty.fits(values[first].ty) {
                self.report(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        tr!(
                            "type-mismatch",
                            text = function.text.to_string(),
                            text2 = self.text(exprs[first].span).to_string(),
                            ty = values[first].ty.to_string(),
                            text3 = self.text(exprs[i].span).to_string(),
                            ty2 = v.ty.to_string()
                        ),
                    )
                    .at(
                        exprs[i].span,
                        tr!("type-mismatch.label", ty = v.ty.to_string()),
                    )
                    .also(
                        exprs[first].span,
                        tr!("type-mismatch.also", ty = values[first].ty.to_string()),
                    )
                    .help(tr!("type-mismatch.help")),
                );
                return None;
            }
        }
        Some(values)
    }

    fn typed_argument(
        &mut self,
        function: &Name,
        arg: &ast::Expr,
        need: Type,
        scope: Scope,
    ) -> Option<ir::Expr> {
        let value = self.expr(arg, scope);
        if value.ty.fits(need) {
            return Some(value);
        }
        self.report(
            Diagnostic::new(
                Code::WrongArgument,
                tr!(
                    "wrong-argument-6",
                    text = function.text.to_string(),
                    need = need.to_string(),
                    text2 = self.text(arg.span).to_string(),
                    ty = value.ty.to_string()
                ),
            )
            .at(
                arg.span,
                tr!("wrong-argument-6.label", ty = value.ty.to_string()),
            ),
        );
        None
    }

    /// `email ends with "@example.com"`, `sku matches "AB-*"`.
    pub(super) fn text_test(
        &mut self,
        subject: &ast::Expr,
        op: ast::TextOp,
        pattern: &ast::Expr,
        scope: Scope,
    ) -> ir::Expr {
        let value = self.expr(subject, scope);
        let text = self.expr(pattern, scope);
        for (side, e) in [(&value, subject), (&text, pattern)] {
            if !side.ty.fits(Type::Text) {
                self.report(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        tr!(
                            "type-mismatch-2",
                            words = op.words().to_string(),
                            text = self.text(e.span).to_string(),
                            ty = side.ty.to_string()
                        ),
                    )
                    .at(
                        e.span,
                        tr!("type-mismatch-2.label", ty = side.ty.to_string()),
                    )
                    .help(tr!("type-mismatch-2.help")),
                );
                return error();
            }
        }
        let op = match op {
            ast::TextOp::Contains => TextOp::Contains,
            ast::TextOp::StartsWith => TextOp::StartsWith,
            ast::TextOp::EndsWith => TextOp::EndsWith,
            ast::TextOp::Matches => {
                let ExprKind::Literal(Value::Text(glob)) = text.kind else {
                    if !matches!(text.kind, ExprKind::Error) {
                        self.report(
                            Diagnostic::new(Code::PatternNotFixed, tr!("pattern-not-fixed"))
                                .at(pattern.span, tr!("pattern-not-fixed.label"))
                                .help(tr!("pattern-not-fixed.help")),
                        );
                    }
                    return error();
                };
                return typed(
                    ExprKind::Matches {
                        expr: Box::new(value),
                        pattern: glob,
                        ignore_case: false,
                    },
                    Type::Bool,
                    false,
                );
            }
        };
        typed(
            ExprKind::TextTest {
                op,
                expr: Box::new(value),
                pattern: Box::new(text),
            },
            Type::Bool,
            false,
        )
    }

    /// `segment = "vip" ignoring case`: a comparison of texts (`=`, `!=`)
    /// or a text test, made on both sides' lower case.
    pub(super) fn ignoring_case(
        &mut self,
        inner: &ast::Expr,
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        let mut e = self.expr(inner, scope);
        let fits = match &mut e.kind {
            ExprKind::Binary {
                left,
                op: BinaryOp::Eq | BinaryOp::Ne,
                right,
            } if left.ty.fits(Type::Text) && right.ty.fits(Type::Text) => {
                lower_in_place(left);
                lower_in_place(right);
                true
            }
            ExprKind::TextTest { expr, pattern, .. } => {
                lower_in_place(expr);
                lower_in_place(pattern);
                true
            }
            ExprKind::Matches { ignore_case, .. } => {
                *ignore_case = true;
                true
            }
            ExprKind::Error => return e,
            _ => false,
        };
        if fits {
            return e;
        }
        self.report(
            Diagnostic::new(
                Code::IgnoringCase,
                tr!("ignoring-case", text = self.text(inner.span).to_string()),
            )
            .at(span, tr!("ignoring-case.label"))
            .help(tr!("ignoring-case.help")),
        );
        error()
    }

    /// `first_order + 30 days`, `as_of - 1 year`: a date moved by a period.
    /// `None` when neither side is a period.
    pub(super) fn shifted_date(
        &mut self,
        left: &ast::Expr,
        op: BinaryOp,
        right: &ast::Expr,
        scope: Scope,
    ) -> Option<ir::Expr> {
        let (date, period, sign) = match (&left.kind, &right.kind, op) {
            (_, ast::ExprKind::Duration(p), BinaryOp::Add) => (left, p, 1),
            (_, ast::ExprKind::Duration(p), BinaryOp::Sub) => (left, p, -1),
            (ast::ExprKind::Duration(p), _, BinaryOp::Add) => (right, p, 1),
            _ => return None,
        };
        if matches!(date.kind, ast::ExprKind::Duration(_)) {
            return Some(self.misplaced_duration(period));
        }
        let value = self.expr(date, scope);
        if !value.ty.fits(Type::Date) {
            self.report(
                Diagnostic::new(
                    Code::MisplacedDuration,
                    tr!(
                        "misplaced-duration",
                        text = self.text(date.span).to_string(),
                        ty = value.ty.to_string()
                    ),
                )
                .at(
                    date.span,
                    tr!("misplaced-duration.label", ty = value.ty.to_string()),
                )
                .also(period.span, tr!("misplaced-duration.also"))
                .help(tr!("misplaced-duration.help")),
            );
            return Some(error());
        }
        let amount = sign * i64::from(period.amount);
        // A fixed date (`as_of - 1 year`) is moved here, and stays a date.
        if let ExprKind::Literal(Value::Date(d)) = value.kind {
            return Some(match shift(d, amount, period.unit) {
                Some(moved) => typed(ExprKind::Literal(Value::Date(moved)), Type::Date, false),
                None => {
                    self.report(
                        Diagnostic::new(Code::InvalidValue, tr!("invalid-value-2"))
                            .at(period.span, tr!("invalid-value-2.label"))
                            .help(tr!("invalid-value-2.help")),
                    );
                    error()
                }
            });
        }
        let nullable = value.nullable;
        Some(typed(
            ExprKind::Shift {
                expr: Box::new(value),
                amount,
                unit: period.unit,
            },
            Type::Date,
            nullable,
        ))
    }

    /// E321: `30 days` anywhere but after `date +` or `date -`.
    pub(super) fn misplaced_duration(&mut self, period: &Period) -> ir::Expr {
        let unit = match period.unit {
            TimeUnit::Day => "days",
            TimeUnit::Week => "weeks",
            TimeUnit::Month => "months",
            TimeUnit::Year => "years",
        };
        self.report(
            Diagnostic::new(Code::MisplacedDuration, tr!("misplaced-duration-2"))
                .at(period.span, tr!("misplaced-duration-2.label"))
                .help(tr!(
                    "misplaced-duration-2.help",
                    amount = period.amount.to_string(),
                    unit = unit.to_string()
                )),
        );
        error()
    }

    /// `as_of`, the as-of date, where no definition or param has that name.
    pub(super) fn as_of_value(&self, n: &Name) -> Option<ir::Expr> {
        let defined = matches!(
            self.names.get(&n.text),
            Some(Entry::Def(_) | Entry::Param(_))
        );
        (n.text == "as_of" && !defined).then(|| {
            typed(
                ExprKind::Literal(Value::Date(self.as_of)),
                Type::Date,
                false,
            )
        })
    }
}

/// Replaces a text value by its lower case (missing stays missing).
fn lower_in_place(e: &mut Box<ir::Expr>) {
    let nullable = e.nullable;
    let inner = std::mem::replace(&mut **e, error());
    **e = typed(
        ExprKind::Function {
            function: Function::Lower,
            args: vec![inner],
        },
        Type::Text,
        nullable,
    );
}

/// A date moved by whole periods, as the calendar has it (a month after
/// January 31 is the last day of February).
fn shift(date: jiff::civil::Date, amount: i64, unit: TimeUnit) -> Option<jiff::civil::Date> {
    let span = match unit {
        TimeUnit::Day => jiff::Span::new().try_days(amount),
        TimeUnit::Week => jiff::Span::new().try_weeks(amount),
        TimeUnit::Month => jiff::Span::new().try_months(amount),
        TimeUnit::Year => jiff::Span::new().try_years(amount),
    };
    date.checked_add(span.ok()?).ok()
}
