//! Resolving expressions: binding names, typing, and checking that every
//! part stands where it can be computed.
//!
//! Definitions are resolved on demand, so a name used before its
//! definition still gets its type; a definition met while it is being
//! resolved is a cycle, reported by `order`.

use super::declare::column_help;
use super::ir::{self, AggregateFunction, ExprKind, SinceUnit, Value};
use super::{Checker, Def, DefKind, DefState, Entry, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, list_names};
use crate::source::Span;
use crate::syntax::ast::{
    self, Argument, ArgumentKind, BinaryOp, Literal, Name, Period, TimeUnit, UnaryOp,
};

/// Where an expression is evaluated: once per customer, or once per row of
/// a fact source (inside an aggregate's `where`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Customer,
    Facts(usize),
}

const FUNCTIONS: &[&str] = &[
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
];

fn error() -> ir::Expr {
    ir::Expr {
        kind: ExprKind::Error,
        ty: Type::Unknown,
        nullable: true,
    }
}

fn typed(kind: ExprKind, ty: Type, nullable: bool) -> ir::Expr {
    ir::Expr { kind, ty, nullable }
}

impl<'a> Checker<'a> {
    pub(super) fn resolve_all(&mut self, _declarations: &super::declare::Declarations<'a>) {
        for i in 0..self.defs.len() {
            self.resolve_def(i);
        }
    }

    fn resolve_def(&mut self, i: usize) {
        if self.defs[i].state != DefState::Pending {
            return;
        }
        self.defs[i].state = DefState::Resolving;
        self.resolving.push(i);
        let (kind, ty, nullable) = match &self.defs[i].kind {
            DefKind::Metric(m) => {
                let m = *m;
                let expr = self.expr(&m.expr, Scope::Customer);
                let (ty, nullable) = (expr.ty, expr.nullable);
                (Some(ir::NodeKind::Metric(expr)), ty, nullable)
            }
            DefKind::Score(s) => {
                let s = *s;
                let score = self.score(s);
                (score.map(ir::NodeKind::Score), Type::Number, true)
            }
            DefKind::Segmentation(rules) => {
                let rules = rules.clone();
                let has_otherwise = rules.iter().any(|r| r.condition.is_none());
                let resolved = rules
                    .iter()
                    .map(|r| ir::SegmentRule {
                        label: r.label.text.clone(),
                        condition: r
                            .condition
                            .as_ref()
                            .map(|c| self.condition(c, Scope::Customer)),
                    })
                    .collect();
                (
                    Some(ir::NodeKind::Segmentation(resolved)),
                    Type::Text,
                    !has_otherwise,
                )
            }
            DefKind::Tag(t) => {
                let t = *t;
                let condition = self.condition(&t.condition, Scope::Customer);
                (Some(ir::NodeKind::Tag(condition)), Type::Bool, false)
            }
            DefKind::Dataset => unreachable!("dataset values are resolved where they are met"),
        };
        let def = &mut self.defs[i];
        def.resolved = kind;
        def.ty = ty;
        def.nullable = nullable;
        def.state = DefState::Done;
        self.resolving.pop();
    }

    /// An expression that must be true or false.
    fn condition(&mut self, e: &ast::Expr, scope: Scope) -> ir::Expr {
        let expr = self.expr(e, scope);
        if !expr.ty.fits(Type::Bool) {
            self.report(
                Diagnostic::new(
                    Code::NotACondition,
                    format!("`{}` is {}, not a condition", self.text(e.span), expr.ty),
                )
                .at(e.span, "not true or false")
                .help("compare it with something, e.g. `monetary > 1000` or `region = \"north\"`"),
            );
            return error();
        }
        expr
    }

    fn expr(&mut self, e: &ast::Expr, scope: Scope) -> ir::Expr {
        match &e.kind {
            ast::ExprKind::Literal(l) => literal(l),
            ast::ExprKind::Name(n) => self.name(n, scope),
            ast::ExprKind::Qualified { source, column } => {
                self.qualified(source, column, e.span, scope)
            }
            ast::ExprKind::Unary { op, expr } => {
                let inner = self.expr(expr, scope);
                let (need, kind): (Type, fn(Box<ir::Expr>) -> ExprKind) = match op {
                    UnaryOp::Not => (Type::Bool, ExprKind::Not),
                    UnaryOp::Neg => (Type::Number, ExprKind::Neg),
                };
                if !inner.ty.fits(need) {
                    let word = if *op == UnaryOp::Not { "`not`" } else { "`-`" };
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "{word} needs {need}, but `{}` is {}",
                                self.text(expr.span),
                                inner.ty
                            ),
                        )
                        .at(expr.span, format!("{}", inner.ty)),
                    );
                    return error();
                }
                let nullable = inner.nullable && *op == UnaryOp::Neg;
                typed(kind(Box::new(inner)), need, nullable)
            }
            ast::ExprKind::Binary { left, op, right } => self.binary(left, *op, right, scope),
            ast::ExprKind::Call { function, args } => self.call(function, args, e.span, scope),
            ast::ExprKind::IsMissing { expr, negated } => {
                let inner = self.expr(expr, scope);
                typed(
                    ExprKind::IsMissing {
                        expr: Box::new(inner),
                        negated: *negated,
                    },
                    Type::Bool,
                    false,
                )
            }
            ast::ExprKind::InList {
                expr,
                items,
                negated,
            } => {
                let subject = self.expr(expr, scope);
                let mut values = Vec::new();
                for item in items {
                    let value = self.expr(item, scope);
                    match value.kind {
                        ExprKind::Literal(v) => {
                            if !v.ty().fits(subject.ty) {
                                self.mismatch(expr.span, &subject, item.span, &value_expr(&v));
                            } else {
                                self.check_label(&subject, &v, item.span);
                            }
                            values.push(v);
                        }
                        ExprKind::Error => {}
                        _ => self.report(
                            Diagnostic::new(Code::WrongArgument, "the values after `in` must be fixed values")
                                .at(item.span, "changes from customer to customer")
                                .help("list numbers, dates or texts in quotes (or params), e.g. region in (\"north\", \"east\")"),
                        ),
                    }
                }
                typed(
                    ExprKind::InList {
                        expr: Box::new(subject),
                        items: values,
                        negated: *negated,
                    },
                    Type::Bool,
                    false,
                )
            }
            ast::ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let subject = self.expr(expr, scope);
                let lo = self.expr(low, scope);
                let hi = self.expr(high, scope);
                for (bound, span) in [(&lo, low.span), (&hi, high.span)] {
                    if !bound.ty.fits(subject.ty) {
                        self.mismatch(expr.span, &subject, span, bound);
                    }
                }
                typed(
                    ExprKind::Between {
                        expr: Box::new(subject),
                        low: Box::new(lo),
                        high: Box::new(hi),
                        negated: *negated,
                    },
                    Type::Bool,
                    false,
                )
            }
            ast::ExprKind::Within { expr, period } => {
                let subject = self.expr(expr, scope);
                if !subject.ty.fits(Type::Date) {
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("`within` needs a date, but `{}` is {}", self.text(expr.span), subject.ty),
                        )
                        .at(expr.span, "not a date")
                        .help("`within` asks whether a date is recent, e.g. `first_order within 30 days`"),
                    );
                    return error();
                }
                let Some(date) = self.window_start(period) else {
                    return error();
                };
                typed(
                    ExprKind::OnOrAfter {
                        expr: Box::new(subject),
                        date,
                    },
                    Type::Bool,
                    false,
                )
            }
        }
    }

    fn name(&mut self, n: &Name, scope: Scope) -> ir::Expr {
        if let Scope::Facts(source) = scope {
            return self.fact_column(source, n);
        }
        match self.names.get(&n.text).copied() {
            Some(Entry::Def(d)) => self.def_ref(d, n.span),
            Some(Entry::Param(p)) => literal_value(self.params[p].value.clone()),
            Some(Entry::Source(s)) => {
                let help = if Some(s) == self.customers {
                    format!(
                        "`{0}` is the customer source; use its columns by name, or as `{0}.<column>`",
                        n.text
                    )
                } else {
                    format!(
                        "`{0}` has many rows per customer; summarise it with an aggregate, e.g. count({0})",
                        n.text
                    )
                };
                self.report(
                    Diagnostic::new(
                        Code::Misplaced,
                        format!("`{}` is a source, not a value", n.text),
                    )
                    .at(n.span, "a source")
                    .help(help),
                );
                error()
            }
            None if self.unparsed.contains(&n.text) => error(),
            None => self.customer_column(n, n.span),
        }
    }

    fn def_ref(&mut self, d: usize, span: Span) -> ir::Expr {
        self.resolve_def(d);
        if let Some(&current) = self.resolving.last() {
            self.defs[current].deps.push((d, span));
        }
        let def = &self.defs[d];
        typed(ExprKind::Node(d), def.ty, def.nullable)
    }

    /// A bare name that is no definition: a column of the customer source.
    fn customer_column(&mut self, n: &Name, span: Span) -> ir::Expr {
        let Some(c) = self.customers else {
            // E307 (no customer source) already says what is wrong.
            return error();
        };
        let source = &self.sources[c];
        if source.columns.is_none() {
            if !self.assumed.contains(&n.text) {
                self.assumed.push(n.text.clone());
                let defined: Vec<&str> = self.defined_names();
                let close = did_you_mean(&n.text, defined.iter().copied());
                let d = Diagnostic::new(
                    Code::AssumedColumn,
                    format!(
                        "`{}` is taken to be a column of `{}`, which could not be read",
                        n.text, source.name
                    ),
                )
                .at(span, "assumed to be a customer column")
                .help(match close {
                    Some(s) => {
                        format!("did you mean `{s}`? if not, check again with the data in place")
                    }
                    None => "check again with the data in place to be sure".to_string(),
                });
                self.report(d);
            }
            self.use_column(&n.text);
            return typed(ExprKind::Column(n.text.clone()), Type::Unknown, true);
        }
        match source.column(&n.text) {
            Some(Type::Unsupported) => {
                self.report(
                    Diagnostic::new(
                        Code::WrongArgument,
                        format!(
                            "the column `{}` holds values seg cannot use in rules",
                            n.text
                        ),
                    )
                    .at(span, "a list, structure or binary column")
                    .help("rules work with numbers, text, dates and true/false columns"),
                );
                error()
            }
            Some(ty) => {
                self.use_column(&n.text);
                typed(ExprKind::Column(n.text.clone()), ty, true)
            }
            None => {
                self.unknown_name(n, span);
                error()
            }
        }
    }

    fn use_column(&mut self, name: &str) {
        if !self.customer_columns.iter().any(|c| c == name) {
            self.customer_columns.push(name.to_string());
        }
    }

    /// Names a user defined: definitions and params.
    fn defined_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .defs
            .iter()
            .filter(|d| !matches!(d.kind, DefKind::Dataset))
            .map(|d| d.name.as_str())
            .chain(self.params.iter().map(|p| p.name.as_str()))
            .collect();
        names.sort();
        names
    }

    fn unknown_name(&mut self, n: &Name, span: Span) {
        let defined = self.defined_names();
        let columns: Vec<&str> = self
            .customers
            .map(|c| self.sources[c].column_names())
            .unwrap_or_default();
        let close = did_you_mean(&n.text, defined.iter().chain(columns.iter()).copied());
        let mut help = match close {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        if !defined.is_empty() {
            help.push_str(&format!("defined: {}", list_names(&defined, 8)));
        }
        if !columns.is_empty() {
            if !defined.is_empty() {
                help.push_str("; ");
            }
            help.push_str(&format!("customer columns: {}", list_names(&columns, 8)));
        }
        self.report(
            Diagnostic::new(Code::UnknownName, format!("`{}` is not defined", n.text))
                .at(span, "unknown name")
                .help(help),
        );
    }

    /// A bare name inside an aggregate's `where`: a column of that source,
    /// or a param.
    fn fact_column(&mut self, source: usize, n: &Name) -> ir::Expr {
        let info = &self.sources[source];
        if let Some(ty) = info.column(&n.text) {
            return typed(ExprKind::Column(n.text.clone()), ty, true);
        }
        if let Some(Entry::Param(p)) = self.names.get(&n.text).copied() {
            return literal_value(self.params[p].value.clone());
        }
        if info.columns.is_none() {
            // The source could not be read (W002 says so): accept the name.
            return typed(ExprKind::Column(n.text.clone()), Type::Unknown, true);
        }
        let source_name = info.name.clone();
        let names = info.column_names();
        let is_customer_level = matches!(self.names.get(&n.text), Some(Entry::Def(_)))
            || self
                .customers
                .is_some_and(|c| self.sources[c].column(&n.text).is_some());
        let d = if is_customer_level {
            Diagnostic::new(
                Code::Misplaced,
                format!(
                    "the `where` of an aggregate over `{source_name}` cannot use `{}`",
                    n.text
                ),
            )
            .at(n.span, "one value per customer, not per row")
            .help(format!(
                "an aggregate's `where` can use the columns of `{source_name}` and params; {}",
                column_help(&n.text, &names)
            ))
        } else {
            Diagnostic::new(
                Code::UnknownColumn,
                format!("source `{source_name}` has no column `{}`", n.text),
            )
            .at(n.span, format!("not a column of `{source_name}`"))
            .help(column_help(&n.text, &names))
        };
        self.report(d);
        error()
    }

    fn qualified(&mut self, source: &Name, column: &Name, span: Span, scope: Scope) -> ir::Expr {
        match self.names.get(&source.text).copied() {
            Some(Entry::Source(s)) if Some(s) == self.customers && scope == Scope::Customer => {
                let info = &self.sources[s];
                if info.columns.is_some() && info.column(&column.text).is_none() {
                    let names = info.column_names();
                    let d = Diagnostic::new(
                        Code::UnknownColumn,
                        format!("source `{}` has no column `{}`", source.text, column.text),
                    )
                    .at(column.span, format!("not a column of `{}`", source.text))
                    .help(column_help(&column.text, &names));
                    self.report(d);
                    return error();
                }
                let ty = info.column(&column.text).unwrap_or(Type::Unknown);
                self.use_column(&column.text);
                typed(ExprKind::Column(column.text.clone()), ty, true)
            }
            Some(Entry::Source(s)) if scope == Scope::Facts(s) => self.fact_column(s, column),
            Some(Entry::Source(s)) => {
                let name = &self.sources[s].name;
                let help = match scope {
                    Scope::Customer => format!(
                        "`{name}` has many rows per customer; use an aggregate, e.g. max({name}.{0}) or sum({name}.{0})",
                        column.text
                    ),
                    Scope::Facts(f) => format!(
                        "an aggregate over `{}` can only look at its own columns",
                        self.sources[f].name
                    ),
                };
                self.report(
                    Diagnostic::new(
                        Code::Misplaced,
                        format!("`{}` cannot be used here", self.text(span)),
                    )
                    .at(span, "not one value per customer")
                    .help(help),
                );
                error()
            }
            _ => {
                self.unknown_source(source, None);
                error()
            }
        }
    }

    fn unknown_source(&mut self, source: &Name, extra: Option<String>) {
        let facts: Vec<&str> = self
            .sources
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.customers)
            .map(|(_, s)| s.name.as_str())
            .collect();
        let mut help = match did_you_mean(&source.text, facts.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        if let Some(extra) = extra {
            help.push_str(&extra);
            help.push_str("; ");
        }
        help.push_str(&format!("the fact sources are {}", list_names(&facts, 8)));
        self.report(
            Diagnostic::new(
                Code::UnknownSource,
                format!("there is no source `{}`", source.text),
            )
            .at(source.span, "unknown source")
            .help(help),
        );
    }

    fn binary(
        &mut self,
        left: &ast::Expr,
        op: BinaryOp,
        right: &ast::Expr,
        scope: Scope,
    ) -> ir::Expr {
        let l = self.expr(left, scope);
        let r = self.expr(right, scope);
        let nullable = l.nullable || r.nullable;
        let result = |l: ir::Expr, r: ir::Expr, ty: Type, nullable: bool| {
            typed(
                ExprKind::Binary {
                    left: Box::new(l),
                    op,
                    right: Box::new(r),
                },
                ty,
                nullable,
            )
        };
        match op {
            BinaryOp::And | BinaryOp::Or => {
                for (side, e) in [(&l, left), (&r, right)] {
                    if !side.ty.fits(Type::Bool) {
                        self.report(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!(
                                    "`{}` joins conditions, but `{}` is {}",
                                    op.symbol(),
                                    self.text(e.span),
                                    side.ty
                                ),
                            )
                            .at(e.span, "not a condition")
                            .help(
                                "each side of `and` / `or` is a comparison, like `monetary > 100`",
                            ),
                        );
                        return error();
                    }
                }
                result(l, r, Type::Bool, nullable)
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                if !l.ty.fits(r.ty) {
                    self.mismatch(left.span, &l, right.span, &r);
                    return error();
                }
                if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
                    if let ExprKind::Literal(v) = &r.kind {
                        self.check_label(&l, v, right.span);
                    }
                    if let ExprKind::Literal(v) = &l.kind {
                        self.check_label(&r, v, left.span);
                    }
                }
                // A comparison with a missing value is false, never missing.
                result(l, r, Type::Bool, false)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                for (side, e) in [(&l, left), (&r, right)] {
                    if !side.ty.fits(Type::Number) {
                        let help = if side.ty == Type::Date {
                            "for the time between dates use days_since(...), months_since(...) or years_since(...)"
                        } else {
                            "arithmetic works on numbers"
                        };
                        self.report(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!(
                                    "`{}` needs numbers, but `{}` is {}",
                                    op.symbol(),
                                    self.text(e.span),
                                    side.ty
                                ),
                            )
                            .at(e.span, format!("{}", side.ty))
                            .help(help),
                        );
                        return error();
                    }
                }
                // Division by zero gives a missing value, never an error.
                let nullable = nullable || op == BinaryOp::Div;
                result(l, r, Type::Number, nullable)
            }
        }
    }

    /// Reports two values of kinds that cannot be compared.
    fn mismatch(&mut self, left_span: Span, left: &ir::Expr, right_span: Span, right: &ir::Expr) {
        let help = match (left.ty, right.ty) {
            (Type::Text, Type::Number) | (Type::Number, Type::Text) => {
                "put text in quotes (\"north\"); numbers go without quotes (5000)"
            }
            (Type::Date, Type::Number) | (Type::Number, Type::Date) => {
                "write dates as year-month-day, like 2025-01-31; for the age of a date use days_since(...)"
            }
            (Type::Date, Type::Text) | (Type::Text, Type::Date) => {
                "write dates without quotes, like 2025-01-31"
            }
            _ => "compare values of the same kind",
        };
        self.report(
            Diagnostic::new(
                Code::TypeMismatch,
                format!(
                    "`{}` is {} but `{}` is {}",
                    self.text(left_span),
                    left.ty,
                    self.text(right_span),
                    right.ty
                ),
            )
            .at(right_span, format!("{}", right.ty))
            .also(left_span, format!("{}", left.ty))
            .help(help),
        );
    }

    /// `tier = "AA"`: the label must be one of the segmentation's labels.
    fn check_label(&mut self, subject: &ir::Expr, value: &Value, span: Span) {
        let (ExprKind::Node(d), Value::Text(label)) = (&subject.kind, value) else {
            return;
        };
        let Def {
            kind: DefKind::Segmentation(rules),
            name,
            ..
        } = &self.defs[*d]
        else {
            return;
        };
        let labels: Vec<&str> = rules.iter().map(|r| r.label.text.as_str()).collect();
        // A rule of this segmentation that did not parse may have the label.
        if labels.contains(&label.as_str()) || self.unparsed.contains(name) {
            return;
        }
        let help = match did_you_mean(label, labels.iter().copied()) {
            Some(s) => format!(
                "did you mean \"{s}\"? the labels of `{name}` are {}",
                list_names(&labels, 12)
            ),
            None => format!("the labels of `{name}` are {}", list_names(&labels, 12)),
        };
        let d = Diagnostic::new(
            Code::UnknownLabel,
            format!("`{name}` has no label \"{label}\""),
        )
        .at(span, "no such label")
        .help(help);
        self.report(d);
    }

    fn call(&mut self, function: &Name, args: &[Argument], span: Span, scope: Scope) -> ir::Expr {
        let name = function.text.as_str();
        if let Some(f) = AggregateFunction::from_name(name) {
            return self.aggregate(f, function, args, span, scope);
        }
        match name {
            "percentile" => self.percentile(function, args, span, scope),
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
                        let Some(digits) = integer_literal(digits) else {
                            self.report(
                                Diagnostic::new(
                                    Code::WrongArgument,
                                    "the digits of `round` must be a whole number",
                                )
                                .at(digits.span, "not a whole number")
                                .help("round(aov, 2) keeps two decimals"),
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
                    Diagnostic::new(Code::Misplaced, format!("`{name}` can only define a score"))
                        .at(function.span, "only in `score`")
                        .help(format!(
                            "define a score: `score r = {}`, then use `r` here",
                            self.text(span)
                        )),
                );
                error()
            }
            _ => {
                let help = match did_you_mean(name, FUNCTIONS.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? the functions are {}",
                        list_names(FUNCTIONS, 20)
                    ),
                    None => format!("the functions are {}", list_names(FUNCTIONS, 20)),
                };
                self.report(
                    Diagnostic::new(
                        Code::UnknownFunction,
                        format!("there is no function `{name}`"),
                    )
                    .at(function.span, "unknown function")
                    .help(help),
                );
                error()
            }
        }
    }

    fn number_argument(&mut self, function: &Name, arg: &ast::Expr, scope: Scope) -> ir::Expr {
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
                format!(
                    "`{}` needs {need}, but `{}` is {}",
                    function.text,
                    self.text(span),
                    value.ty
                ),
            )
            .at(span, format!("{}", value.ty)),
        );
    }

    /// Exactly `N` plain arguments (no `where`, no time window).
    fn plain_args<'e, const N: usize>(
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
                    format!("`{}` takes {N} {plural}, not {}", function.text, args.len()),
                )
                .at(span, format!("{} given", args.len())),
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
                            format!("`{}` takes no `where` or time window", function.text),
                        )
                        .at(arg.span, "only aggregates filter rows")
                        .help("filters and time windows go inside aggregates: count(orders where ..., last 90 days)"),
                    );
                    return None;
                }
            }
        }
        exprs.try_into().ok()
    }

    fn aggregate(
        &mut self,
        function: AggregateFunction,
        name: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        if let Scope::Facts(_) = scope {
            self.report(
                Diagnostic::new(
                    Code::Misplaced,
                    "an aggregate cannot be used inside an aggregate's `where`",
                )
                .at(span, "inside another aggregate")
                .help("define it as a metric first if you need it per customer"),
            );
            return error();
        }
        let example = if function == AggregateFunction::Count {
            "count(orders)".to_string()
        } else {
            format!("{}(orders.amount)", name.text)
        };
        let Some((first, rest)) = args.split_first() else {
            self.report(
                Diagnostic::new(
                    Code::ArgumentCount,
                    format!("`{}` needs a source to aggregate", name.text),
                )
                .at(span, "nothing to aggregate")
                .help(format!("for example {example}")),
            );
            return error();
        };
        let ArgumentKind::Value { expr, filter } = &first.kind else {
            self.report(
                Diagnostic::new(
                    Code::WrongArgument,
                    "the time window comes after what is aggregated",
                )
                .at(first.span, "expected a source first")
                .help("for example count(orders, last 90 days)"),
            );
            return error();
        };
        let (source_name, column) = match &expr.kind {
            ast::ExprKind::Name(n) => (n, None),
            ast::ExprKind::Qualified { source, column } => (source, Some(column)),
            _ => {
                self.report(
                    Diagnostic::new(
                        Code::WrongArgument,
                        format!("`{}` aggregates a source or one of its columns", name.text),
                    )
                    .at(expr.span, "not a source column")
                    .help(format!("for example {example}; for arithmetic on metrics, write it outside: sum(orders.amount) / count(orders)")),
                );
                return error();
            }
        };
        let source = match self.names.get(&source_name.text).copied() {
            Some(Entry::Source(s)) if Some(s) != self.customers => s,
            Some(Entry::Source(_)) => {
                self.report(
                    Diagnostic::new(
                        Code::Misplaced,
                        format!("`{}` is the customer source, with one row per customer", source_name.text),
                    )
                    .at(source_name.span, "nothing to aggregate")
                    .help("aggregates read fact sources (declared with `by`); use customer columns by name"),
                );
                return error();
            }
            Some(Entry::Def(d)) => {
                let what = self.def_kind_name(d);
                self.unknown_source(
                    source_name,
                    Some(format!(
                        "`{}` is a {what}, and aggregates read a fact source",
                        source_name.text
                    )),
                );
                return error();
            }
            _ => {
                self.unknown_source(source_name, None);
                return error();
            }
        };

        // The column, and what the function needs of it.
        let column_type = match column {
            None => None,
            Some(c) => {
                let info = &self.sources[source];
                match (info.columns.is_some(), info.column(&c.text)) {
                    (true, None) => {
                        let names = info.column_names();
                        let d = Diagnostic::new(
                            Code::UnknownColumn,
                            format!("source `{}` has no column `{}`", info.name, c.text),
                        )
                        .at(c.span, format!("not a column of `{}`", info.name))
                        .help(column_help(&c.text, &names));
                        self.report(d);
                        return error();
                    }
                    (_, ty) => Some(ty.unwrap_or(Type::Unknown)),
                }
            }
        };
        let needs_column = function != AggregateFunction::Count;
        if needs_column && column.is_none() {
            self.report(
                Diagnostic::new(
                    Code::WrongArgument,
                    format!("`{}` needs a column of `{}`", name.text, source_name.text),
                )
                .at(expr.span, "which column?")
                .help(format!(
                    "for example {}({}.amount)",
                    name.text, source_name.text
                )),
            );
            return error();
        }
        if let (Some(ty), Some(c)) = (column_type, column) {
            let allowed: &[Type] = match function {
                AggregateFunction::Sum | AggregateFunction::Avg => &[Type::Number],
                AggregateFunction::Min | AggregateFunction::Max => {
                    &[Type::Number, Type::Date, Type::Text]
                }
                _ => &[Type::Number, Type::Date, Type::Text, Type::Bool],
            };
            if !allowed.iter().any(|a| ty.fits(*a)) {
                let need = if allowed.len() == 1 {
                    "a number column"
                } else {
                    "a column of numbers, dates or text"
                };
                self.report(
                    Diagnostic::new(
                        Code::WrongArgument,
                        format!("`{}` needs {need}, but `{}.{}` is {ty}", name.text, source_name.text, c.text),
                    )
                    .at(c.span, format!("{ty}"))
                    .help(match function {
                        AggregateFunction::Sum | AggregateFunction::Avg => {
                            "to count rows use count(...); for the most frequent value use mode(...)"
                        }
                        _ => "seg cannot aggregate lists, structures or binary columns",
                    }),
                );
                return error();
            }
        }

        let filter = filter
            .as_ref()
            .map(|f| self.condition(f, Scope::Facts(source)));

        let mut since = None;
        for arg in rest {
            match &arg.kind {
                ArgumentKind::Window(period) if since.is_none() => {
                    if self.sources[source].at.is_none() {
                        let source_name = self.sources[source].name.clone();
                        let decl = self.sources[source].span;
                        self.report(
                            Diagnostic::new(
                                Code::WindowWithoutTime,
                                format!("`{source_name}` has no time column for `last ...`"),
                            )
                            .at(period.span, "needs a time column")
                            .also(decl, "declared without `at`")
                            .help(format!(
                                "declare the time column: `source {source_name} ... at <date column>`"
                            )),
                        );
                        return error();
                    }
                    since = self.window_start(period);
                }
                _ => {
                    self.report(
                        Diagnostic::new(
                            Code::ArgumentCount,
                            format!("`{}` takes a source and an optional time window", name.text),
                        )
                        .at(arg.span, "one too many")
                        .help(format!(
                            "filter with `where` and limit time with `last`: {}({} where ..., last 90 days)",
                            name.text,
                            column.map_or(source_name.text.clone(), |c| format!("{}.{}", source_name.text, c.text))
                        )),
                    );
                    return error();
                }
            }
        }

        let ty = match function {
            AggregateFunction::Count | AggregateFunction::CountDistinct => Type::Number,
            AggregateFunction::Sum | AggregateFunction::Avg => Type::Number,
            _ => column_type.unwrap_or(Type::Unknown),
        };
        let aggregate = ir::Aggregate {
            source,
            function,
            column: column.map(|c| c.text.clone()),
            filter,
            since,
            ty,
            text: self.text(span),
        };
        // The same aggregate written twice (even spelt differently) is one.
        let key = format!(
            "{:?}",
            ir::Aggregate {
                text: String::new(),
                ..aggregate.clone()
            }
        );
        let index = match self.aggregate_index.get(&key) {
            Some(&i) => i,
            None => {
                self.aggregates.push(aggregate);
                self.aggregate_index.insert(key, self.aggregates.len() - 1);
                self.aggregates.len() - 1
            }
        };
        typed(ExprKind::Aggregate(index), ty, !function.zero_when_empty())
    }

    /// The first day of `last N days` / `within N days`: the as-of date
    /// minus the period.
    fn window_start(&mut self, period: &Period) -> Option<jiff::civil::Date> {
        let n = i64::from(period.amount);
        let span = match period.unit {
            TimeUnit::Day => jiff::Span::new().try_days(n),
            TimeUnit::Week => jiff::Span::new().try_weeks(n),
            TimeUnit::Month => jiff::Span::new().try_months(n),
            TimeUnit::Year => jiff::Span::new().try_years(n),
        };
        match span.ok().and_then(|s| self.as_of.checked_sub(s).ok()) {
            Some(date) => Some(date),
            None => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidLiteral,
                        "this period reaches before the calendar starts",
                    )
                    .at(period.span, "too long"),
                );
                None
            }
        }
    }

    fn percentile(
        &mut self,
        function: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        if scope != Scope::Customer {
            self.report(
                Diagnostic::new(
                    Code::Misplaced,
                    "`percentile` cannot be used inside an aggregate's `where`",
                )
                .at(span, "a value over all customers"),
            );
            return error();
        }
        if self
            .resolving
            .last()
            .is_some_and(|&d| matches!(self.defs[d].kind, DefKind::Dataset))
        {
            self.report(
                Diagnostic::new(
                    Code::Misplaced,
                    "`percentile` cannot be nested in another `percentile`",
                )
                .at(span, "nested")
                .help("define the inner value as a metric first"),
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
                Diagnostic::new(
                    Code::InvalidValue,
                    "the fraction of `percentile` must be a number from 0 to 1",
                )
                .at(fraction.span, "not between 0 and 1")
                .help("percentile(monetary, 0.9) is the value 90% of customers are at or below"),
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
                self.resolving.pop();
                let def = &mut self.defs[index];
                def.resolved = Some(ir::NodeKind::DatasetValue {
                    input,
                    fraction: fraction_value,
                });
                def.state = DefState::Done;
                index
            }
        };
        self.def_ref(index, span)
    }

    fn score(&mut self, decl: &ast::ScoreDecl) -> Option<ir::Score> {
        let shape_help = "a score is quintile(<value>) or ntile(<buckets>, <value>), optionally with `lower_is_better`: score r = quintile(recency, lower_is_better)";
        let ast::ExprKind::Call { function, args } = &decl.expr.kind else {
            self.report(
                Diagnostic::new(
                    Code::WrongArgument,
                    "a score must be `quintile(...)` or `ntile(...)`",
                )
                .at(decl.expr.span, "not a score function")
                .help(shape_help),
            );
            return None;
        };
        let (buckets, rest) = match function.text.as_str() {
            "quintile" => (5, &args[..]),
            "ntile" => {
                let buckets = match args.first().map(|a| &a.kind) {
                    Some(ArgumentKind::Value { expr, filter: None }) => integer_literal(expr),
                    _ => None,
                };
                match buckets {
                    Some(n) if (2..=1000).contains(&n) => (n as u32, &args[1..]),
                    _ => {
                        let at = args.first().map_or(decl.expr.span, |a| a.span);
                        self.report(
                            Diagnostic::new(
                                Code::InvalidValue,
                                "`ntile` needs a number of buckets from 2 to 1000 first",
                            )
                            .at(at, "the number of buckets")
                            .help("ntile(10, monetary) scores in deciles"),
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
                    Diagnostic::new(
                        Code::WrongArgument,
                        "a score must be `quintile(...)` or `ntile(...)`",
                    )
                    .at(function.span, "not a score function")
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
                        format!(
                            "`{}` takes a value and an optional direction",
                            function.text
                        ),
                    )
                    .at(decl.expr.span, format!("{} values given", args.len()))
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
                Diagnostic::new(Code::Misplaced, "a score's value takes no `where` or time window")
                    .at(value.span, "here")
                    .help("to score only some customers, add `where` after the score: score f = quintile(frequency) where frequency > 0"),
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
                    Diagnostic::new(Code::InvalidValue, format!("`{text}` is not a direction"))
                        .at(d.span, "expected higher_is_better or lower_is_better")
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
        Some(ir::Score {
            input,
            buckets,
            higher_is_better,
            subset,
        })
    }
}

fn literal(l: &Literal) -> ir::Expr {
    literal_value(match l {
        Literal::Number { text, .. } => Value::Number(text.clone()),
        Literal::Text(t) => Value::Text(t.clone()),
        Literal::Date(d) => Value::Date(*d),
        Literal::Bool(b) => Value::Bool(*b),
    })
}

fn literal_value(v: Value) -> ir::Expr {
    let ty = v.ty();
    typed(ExprKind::Literal(v), ty, false)
}

fn value_expr(v: &Value) -> ir::Expr {
    literal_value(v.clone())
}

/// A whole number written literally (`10`, `-2`).
fn integer_literal(e: &ast::Expr) -> Option<i64> {
    match &e.kind {
        ast::ExprKind::Literal(Literal::Number { text, .. }) => text.parse().ok(),
        ast::ExprKind::Unary {
            op: UnaryOp::Neg,
            expr,
        } => integer_literal(expr).map(|n| -n),
        _ => None,
    }
}
