//! Aggregates over fact sources: `count(orders where ..., last 90 days)`.
//! Each distinct aggregate is computed once however often it is written.

use super::ir::{self, AggregateFunction, ExprKind};
use super::resolve::{Scope, error, typed};
use super::{Checker, Entry, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Argument, ArgumentKind, Name, Period, TimeUnit};

impl Checker<'_> {
    pub(super) fn aggregate(
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
                        let d = info.unknown_column(c);
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
            float: column.is_some_and(|c| self.sources[source].floats.contains(&c.text)),
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
    pub(super) fn window_start(&mut self, period: &Period) -> Option<jiff::civil::Date> {
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
}
