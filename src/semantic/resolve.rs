//! Resolving expressions: binding names, typing, and checking that every
//! part stands where it can be computed.
//!
//! Definitions are resolved on demand, so a name used before its
//! definition still gets its type; a definition met while it is being
//! resolved is a cycle, reported by `order`.

use super::declare::column_help;
use super::ir::{self, ExprKind, Value};
use super::{Checker, Def, DefKind, DefState, Entry, Type};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, list_names};
use crate::i18n::tr;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, Literal, Name, UnaryOp};

/// Stack left before recursion moves to a new segment, and its size.
const RED_ZONE: usize = 256 << 10;
const STACK_SEGMENT: usize = 4 << 20;

/// Where an expression is evaluated: once per customer, or once per row of
/// a fact source (inside an aggregate's `where`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Customer,
    Facts(usize),
}

pub(super) fn error() -> ir::Expr {
    ir::Expr {
        kind: ExprKind::Error,
        ty: Type::Unknown,
        nullable: true,
    }
}

pub(super) fn typed(kind: ExprKind, ty: Type, nullable: bool) -> ir::Expr {
    ir::Expr { kind, ty, nullable }
}

impl<'a> Checker<'a> {
    pub(super) fn resolve_all(&mut self) {
        for i in 0..self.defs.len() {
            self.resolve_def(i);
        }
    }

    pub(super) fn resolve_def(&mut self, i: usize) {
        // Definitions resolve those they use first: a long chain of metrics
        // recurses that deep, so the stack grows as needed.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.resolve_def_here(i));
    }

    fn resolve_def_here(&mut self, i: usize) {
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
            DefKind::Kmeans(k) => {
                let k = *k;
                (Some(self.kmeans(k, i)), Type::Text, true)
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
    pub(super) fn condition(&mut self, e: &ast::Expr, scope: Scope) -> ir::Expr {
        let expr = self.expr(e, scope);
        if !expr.ty.fits(Type::Bool) {
            self.report(
                Diagnostic::new(
                    Code::NotACondition,
                    tr!(
                        "not-a-condition",
                        text = self.text(e.span).to_string(),
                        ty = expr.ty.to_string()
                    ),
                )
                .at(e.span, tr!("not-a-condition.label"))
                .help(tr!("not-a-condition.help")),
            );
            return error();
        }
        expr
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, scope: Scope) -> ir::Expr {
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
                            tr!(
                                "type-mismatch-3",
                                word = word.to_string(),
                                need = need.to_string(),
                                text = self.text(expr.span).to_string(),
                                ty = inner.ty.to_string()
                            ),
                        )
                        .at(
                            expr.span,
                            tr!("type-mismatch-3.label", ty = inner.ty.to_string()),
                        ),
                    );
                    return error();
                }
                // `-1` is a number like `1`: a fixed value, e.g. in `in (...)`.
                if let (UnaryOp::Neg, ExprKind::Literal(Value::Number(n))) = (op, &inner.kind) {
                    return literal_value(Value::Number(negated(n)));
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
                    let mut value = self.expr(item, scope);
                    if let Some(label) = self.cluster_number(&subject, &value, item.span) {
                        value = label;
                    }
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
                            Diagnostic::new(Code::WrongArgument, tr!("wrong-argument-10"))
                                .at(item.span, tr!("wrong-argument-10.label"))
                                .help(tr!("wrong-argument-10.help")),
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
            ast::ExprKind::TextTest { expr, op, pattern } => {
                self.text_test(expr, *op, pattern, scope)
            }
            ast::ExprKind::IgnoringCase(inner) => self.ignoring_case(inner, e.span, scope),
            ast::ExprKind::WithinGroup { expr, group } => {
                self.within_group(expr, group, e.span, scope)
            }
            ast::ExprKind::Duration(period) => self.misplaced_duration(period),
            ast::ExprKind::Within { expr, period } => {
                let subject = self.expr(expr, scope);
                if !subject.ty.fits(Type::Date) {
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            tr!(
                                "type-mismatch-4",
                                text = self.text(expr.span).to_string(),
                                ty = subject.ty.to_string()
                            ),
                        )
                        .at(expr.span, tr!("type-mismatch-4.label"))
                        .help(tr!("type-mismatch-4.help")),
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

    pub(super) fn name(&mut self, n: &Name, scope: Scope) -> ir::Expr {
        if let Scope::Facts(source) = scope {
            return self.fact_column(source, n);
        }
        // `[Order Date]` is always a column, whatever is defined.
        if n.quoted {
            return self.customer_column(n, n.span);
        }
        if let Some(as_of) = self.as_of_value(n) {
            return as_of;
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
                        tr!("misplaced-8", text = n.text.to_string()),
                    )
                    .at(n.span, tr!("misplaced-8.label"))
                    .help(help),
                );
                error()
            }
            None if self.unparsed.contains(&n.text) => error(),
            None => self.customer_column(n, n.span),
        }
    }

    pub(super) fn def_ref(&mut self, d: usize, span: Span) -> ir::Expr {
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
                let defined = self.defined_names();
                let close = self.suggest(&n.text, defined.iter().map(String::as_str));
                let d = Diagnostic::new(
                    Code::AssumedColumn,
                    tr!(
                        "assumed-column",
                        text = n.text.to_string(),
                        name = source.name.to_string()
                    ),
                )
                .at(span, tr!("assumed-column.label"))
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
                        tr!("wrong-argument-11", text = n.text.to_string()),
                    )
                    .at(span, tr!("wrong-argument-11.label"))
                    .help(tr!("wrong-argument-11.help")),
                );
                error()
            }
            Some(ty) => {
                self.use_column(&n.text);
                typed(ExprKind::Column(n.text.clone()), ty, true)
            }
            None => match self.hand_tag(n) {
                Some(tag) => tag,
                None => {
                    self.unknown_name(n, span);
                    error()
                }
            },
        }
    }

    fn use_column(&mut self, name: &str) {
        if !self.customer_columns.iter().any(|c| c == name) {
            self.customer_columns.push(name.to_string());
        }
    }

    /// Names a user defined: definitions and params, sorted. Collected once
    /// (they are all declared before any is resolved): a rule set with
    /// thousands of unknown names asked for them thousands of times.
    fn defined_names(&self) -> &[String] {
        self.defined.get_or_init(|| {
            let mut names: Vec<String> = self
                .defs
                .iter()
                .filter(|d| !matches!(d.kind, DefKind::Dataset))
                .map(|d| d.name.clone())
                .chain(self.params.iter().map(|p| p.name.clone()))
                .collect();
            names.sort();
            names
        })
    }

    /// "did you mean", within a budget of comparisons for the whole check:
    /// comparing each of thousands of unknown names with each of thousands of
    /// definitions took minutes. The first ones (those people read) get
    /// their suggestion.
    pub(super) fn suggest<'c>(
        &self,
        name: &str,
        candidates: impl Iterator<Item = &'c str> + Clone,
    ) -> Option<&'c str> {
        let cost = candidates.clone().count();
        let left = self.suggestion_budget.get();
        if cost > left {
            return None;
        }
        self.suggestion_budget.set(left - cost);
        did_you_mean(name, candidates)
    }

    fn unknown_name(&mut self, n: &Name, span: Span) {
        let defined = self.defined_names();
        let columns: Vec<&str> = self
            .customers
            .map(|c| self.sources[c].column_names())
            .unwrap_or_default();
        // Hand-assigned tags in the data, when a condition could mean one.
        let hand_tags: &[String] = match self.hand_tags.get() {
            Some(Some(tags)) => tags,
            _ => &[],
        };
        let close = self.suggest(
            &n.text,
            defined
                .iter()
                .map(String::as_str)
                .chain(columns.iter().copied())
                .chain(hand_tags.iter().map(String::as_str)),
        );
        let mut help = match close {
            Some(s) => format!("{} ", tr!("did-you-mean", name = s)),
            None => String::new(),
        };
        if !defined.is_empty() {
            help.push_str(&tr!("help-defined", names = list_names(defined, 8)));
        }
        if !columns.is_empty() {
            if !defined.is_empty() {
                help.push_str("; ");
            }
            help.push_str(&tr!(
                "help-customer-columns",
                names = list_names(&columns, 8)
            ));
        }
        if !hand_tags.is_empty() {
            help.push_str("; ");
            help.push_str(&tr!("help-hand-tags", names = list_names(hand_tags, 8)));
        }
        self.report(
            Diagnostic::new(
                Code::UnknownName,
                tr!("unknown-name", text = n.text.to_string()),
            )
            .at(span, tr!("unknown-name.label"))
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
        if let Some(as_of) = self.as_of_value(n) {
            return as_of;
        }
        let info = &self.sources[source];
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
                tr!(
                    "misplaced-9",
                    source_name = source_name.to_string(),
                    text = n.text.to_string()
                ),
            )
            .at(n.span, tr!("misplaced-9.label"))
            .help(tr!(
                "misplaced-9.help",
                source_name = source_name.to_string(),
                column_help = column_help(&n.text, &names).to_string()
            ))
        } else {
            info.unknown_column(n)
        };
        self.report(d);
        error()
    }

    fn qualified(&mut self, source: &Name, column: &Name, span: Span, scope: Scope) -> ir::Expr {
        match self.names.get(&source.text).copied() {
            Some(Entry::Source(s)) if Some(s) == self.customers && scope == Scope::Customer => {
                let info = &self.sources[s];
                if info.columns.is_some() && info.column(&column.text).is_none() {
                    let d = info.unknown_column(column);
                    self.report(d);
                    return error();
                }
                let ty = info.column(&column.text).unwrap_or(Type::Unknown);
                self.use_column(&column.text);
                typed(ExprKind::Column(column.text.clone()), ty, true)
            }
            Some(Entry::Source(s)) if scope == Scope::Facts(s) => self.fact_column(s, column),
            Some(Entry::Source(s)) if self.lookups.contains(&s) => {
                self.lookup_column(s, column, span, scope)
            }
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
                        tr!("misplaced-10", text = self.text(span).to_string()),
                    )
                    .at(span, tr!("misplaced-10.label"))
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

    pub(super) fn unknown_source(&mut self, source: &Name, extra: Option<String>) {
        let facts: Vec<&str> = self
            .sources
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.customers)
            .map(|(_, s)| s.name.as_str())
            .collect();
        let mut help = match did_you_mean(&source.text, facts.iter().copied()) {
            Some(s) => format!("{} ", tr!("did-you-mean", name = s)),
            None => String::new(),
        };
        if let Some(extra) = extra {
            help.push_str(&extra);
            help.push_str("; ");
        }
        help.push_str(&tr!("help-fact-sources", names = list_names(&facts, 8)));
        self.report(
            Diagnostic::new(
                Code::UnknownSource,
                tr!("unknown-source-2", text = source.text.to_string()),
            )
            .at(source.span, tr!("unknown-source-2.label"))
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
        if matches!(op, BinaryOp::Add | BinaryOp::Sub)
            && let Some(shifted) = self.shifted_date(left, op, right, scope)
        {
            return shifted;
        }
        let mut l = self.expr(left, scope);
        let mut r = self.expr(right, scope);
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            if let Some(label) = self.cluster_number(&l, &r, right.span) {
                r = label;
            } else if let Some(label) = self.cluster_number(&r, &l, left.span) {
                l = label;
            }
        }
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
                                tr!(
                                    "type-mismatch-5",
                                    symbol = op.symbol().to_string(),
                                    text = self.text(e.span).to_string(),
                                    ty = side.ty.to_string()
                                ),
                            )
                            .at(e.span, tr!("type-mismatch-5.label"))
                            .help(tr!("type-mismatch-5.help")),
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
                                tr!(
                                    "type-mismatch-6",
                                    symbol = op.symbol().to_string(),
                                    text = self.text(e.span).to_string(),
                                    ty = side.ty.to_string()
                                ),
                            )
                            .at(
                                e.span,
                                tr!("type-mismatch-6.label", ty = side.ty.to_string()),
                            )
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
                tr!(
                    "type-mismatch-7",
                    text = self.text(left_span).to_string(),
                    ty = left.ty.to_string(),
                    text2 = self.text(right_span).to_string(),
                    ty2 = right.ty.to_string()
                ),
            )
            .at(
                right_span,
                tr!("type-mismatch-7.label", ty = right.ty.to_string()),
            )
            .also(
                left_span,
                tr!("type-mismatch-7.also", ty = left.ty.to_string()),
            )
            .help(help),
        );
    }

    /// `tier = "AA"`: the label must be one of the segmentation's labels.
    fn check_label(&mut self, subject: &ir::Expr, value: &Value, span: Span) {
        let (ExprKind::Node(d), Value::Text(label)) = (&subject.kind, value) else {
            return;
        };
        if let Some(k) = self.clusters_of(*d) {
            if !label.parse::<usize>().is_ok_and(|c| (1..=k).contains(&c)) {
                let n = label.clone();
                let _ = self.cluster_number(
                    subject,
                    &ir::Expr {
                        kind: ExprKind::Literal(Value::Number(n)),
                        ty: Type::Number,
                        nullable: false,
                    },
                    span,
                );
            }
            return;
        }
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
        let list = tr!(
            "help-labels",
            name = name.as_str(),
            names = list_names(&labels, 12)
        );
        let help = match did_you_mean(label, labels.iter().copied()) {
            Some(s) => format!("{} {list}", tr!("did-you-mean-label", label = s)),
            None => list,
        };
        let d = Diagnostic::new(
            Code::UnknownLabel,
            tr!(
                "unknown-label",
                name = name.to_string(),
                label = label.to_string()
            ),
        )
        .at(span, tr!("unknown-label.label"))
        .help(help);
        self.report(d);
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

/// The digits of a number with the other sign.
fn negated(digits: &str) -> String {
    match digits.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{digits}"),
    }
}

impl Checker<'_> {
    /// A whole number fixed before the run: written literally (`10`, `-2`)
    /// or a number param (after `--set`).
    pub(super) fn fixed_integer(&self, e: &ast::Expr) -> Option<i64> {
        match &e.kind {
            ast::ExprKind::Literal(Literal::Number { text, .. }) => text.parse().ok(),
            ast::ExprKind::Unary {
                op: UnaryOp::Neg,
                expr,
            } => self.fixed_integer(expr)?.checked_neg(),
            ast::ExprKind::Name(n) => match self.names.get(&n.text) {
                Some(&Entry::Param(p)) => match &self.params[p].value {
                    Value::Number(text) => text.parse().ok(),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }
}
