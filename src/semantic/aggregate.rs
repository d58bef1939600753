//! Aggregates over fact sources: `count(orders where ..., last 90 days)`.
//! Each distinct aggregate is computed once however often it is written.
//!
//! Checking one is a row of steps, each reporting what is wrong with its
//! part and giving up (`None`) on the first error: where it stands, what it
//! aggregates, the column, the filter, the time window.

use jiff::civil::Date;

use super::ir::{self, AggregateFunction, ExprKind};
use super::resolve::{Scope, error, typed};
use super::{Checker, Entry, Type};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Argument, ArgumentKind, Name};

/// One aggregate call as written: the function and its arguments.
struct Call<'c> {
    function: AggregateFunction,
    name: &'c Name,
    args: &'c [Argument],
    span: Span,
}

impl Call<'_> {
    /// A call of this function as a help text shows it.
    fn example(&self) -> String {
        if self.function == AggregateFunction::Count {
            "count(orders)".to_string()
        } else {
            format!("{}(orders.amount)", self.name.text)
        }
    }
}

/// What is aggregated: `orders` (rows) or `orders.amount` (a column).
struct Subject<'c> {
    source: usize,
    source_name: &'c Name,
    column: Option<&'c Name>,
    /// The whole first argument.
    span: Span,
}

impl Checker<'_> {
    pub(super) fn aggregate(
        &mut self,
        function: AggregateFunction,
        name: &Name,
        args: &[Argument],
        span: Span,
        scope: Scope,
    ) -> ir::Expr {
        let call = Call {
            function,
            name,
            args,
            span,
        };
        self.check_aggregate(&call, scope).unwrap_or_else(error)
    }

    fn check_aggregate(&mut self, call: &Call, scope: Scope) -> Option<ir::Expr> {
        self.not_in_facts(call, scope)?;
        let (first, rest) = self.aggregated_argument(call)?;
        let ArgumentKind::Value { expr, filter } = &first.kind else {
            unreachable!("aggregated_argument returns a value");
        };
        let subject = self.aggregated_subject(call, expr)?;
        let column_type = self.aggregated_column(call, &subject)?;
        let filter = filter
            .as_ref()
            .map(|f| self.condition(f, Scope::Facts(subject.source)));
        let (since, until) = self.aggregate_window(call, &subject, rest)?;
        if matches!(
            call.function,
            AggregateFunction::First | AggregateFunction::Last
        ) {
            self.source_orders_rows(call, &subject)?;
        }

        let function = call.function;
        let ty = match function {
            AggregateFunction::Count | AggregateFunction::CountDistinct => Type::Number,
            AggregateFunction::Sum | AggregateFunction::Avg => Type::Number,
            _ => column_type.unwrap_or(Type::Unknown),
        };
        let column = subject.column.map(|c| c.text.clone());
        let float = column
            .as_ref()
            .is_some_and(|c| self.sources[subject.source].floats.contains(c));
        let index = self.intern_aggregate(ir::Aggregate {
            source: subject.source,
            function,
            column,
            filter,
            since,
            until,
            ty,
            float,
            text: self.text(call.span),
        });
        Some(typed(
            ExprKind::Aggregate(index),
            ty,
            !function.zero_when_empty(),
        ))
    }

    /// An aggregate reads rows of a fact source, so it cannot stand inside
    /// another aggregate's `where`, which looks at one row.
    fn not_in_facts(&mut self, call: &Call, scope: Scope) -> Option<()> {
        if let Scope::Facts(_) = scope {
            self.report(
                Diagnostic::new(
                    Code::Misplaced,
                    "an aggregate cannot be used inside an aggregate's `where`",
                )
                .at(call.span, "inside another aggregate")
                .help("define it as a metric first if you need it per customer"),
            );
            return None;
        }
        Some(())
    }

    /// The first argument, which must say what is aggregated, and the rest.
    fn aggregated_argument<'c>(
        &mut self,
        call: &Call<'c>,
    ) -> Option<(&'c Argument, &'c [Argument])> {
        let Some((first, rest)) = call.args.split_first() else {
            self.report(
                Diagnostic::new(
                    Code::ArgumentCount,
                    format!("`{}` needs a source to aggregate", call.name.text),
                )
                .at(call.span, "nothing to aggregate")
                .help(format!("for example {}", call.example())),
            );
            return None;
        };
        if let ArgumentKind::Window(_) = first.kind {
            self.report(
                Diagnostic::new(
                    Code::WrongArgument,
                    "the time window comes after what is aggregated",
                )
                .at(first.span, "expected a source first")
                .help("for example count(orders, last 90 days)"),
            );
            return None;
        }
        Some((first, rest))
    }

    /// `orders` or `orders.amount`, with `orders` a fact source.
    fn aggregated_subject<'c>(&mut self, call: &Call, expr: &'c ast::Expr) -> Option<Subject<'c>> {
        let (source_name, column) = match &expr.kind {
            ast::ExprKind::Name(n) => (n, None),
            ast::ExprKind::Qualified { source, column } => (source, Some(column)),
            _ => {
                self.report(
                    Diagnostic::new(
                        Code::WrongArgument,
                        format!("`{}` aggregates a source or one of its columns", call.name.text),
                    )
                    .at(expr.span, "not a source column")
                    .help(format!("for example {}; for arithmetic on metrics, write it outside: sum(orders.amount) / count(orders)", call.example())),
                );
                return None;
            }
        };
        let source = self.fact_source(source_name)?;
        Some(Subject {
            source,
            source_name,
            column,
            span: expr.span,
        })
    }

    /// The fact source a name stands for, or why it is none.
    fn fact_source(&mut self, name: &Name) -> Option<usize> {
        match self.names.get(&name.text).copied() {
            Some(Entry::Source(s)) if self.lookups.contains(&s) => {
                self.lookup_aggregated(s, name.span);
                None
            }
            Some(Entry::Source(s)) if Some(s) != self.customers => Some(s),
            Some(Entry::Source(_)) => {
                self.report(
                    Diagnostic::new(
                        Code::Misplaced,
                        format!("`{}` is the customer source, with one row per customer", name.text),
                    )
                    .at(name.span, "nothing to aggregate")
                    .help("aggregates read fact sources (declared with `by`); use customer columns by name"),
                );
                None
            }
            Some(Entry::Def(d)) => {
                let what = self.def_kind_name(d);
                self.unknown_source(
                    name,
                    Some(format!(
                        "`{}` is a {what}, and aggregates read a fact source",
                        name.text
                    )),
                );
                None
            }
            _ => {
                self.unknown_source(name, None);
                None
            }
        }
    }

    /// The type of the aggregated column (`Some(None)` for rows), checked
    /// against what the function needs.
    fn aggregated_column(&mut self, call: &Call, subject: &Subject) -> Option<Option<Type>> {
        let Some(column) = subject.column else {
            if call.function == AggregateFunction::Count {
                return Some(None);
            }
            let source = &subject.source_name.text;
            self.report(
                Diagnostic::new(
                    Code::WrongArgument,
                    format!("`{}` needs a column of `{source}`", call.name.text),
                )
                .at(subject.span, "which column?")
                .help(format!("for example {}({source}.amount)", call.name.text)),
            );
            return None;
        };
        let info = &self.sources[subject.source];
        let ty = match (info.columns.is_some(), info.column(&column.text)) {
            (true, None) => {
                let d = info.unknown_column(column);
                self.report(d);
                return None;
            }
            (_, ty) => ty.unwrap_or(Type::Unknown),
        };
        let allowed: &[Type] = match call.function {
            AggregateFunction::Sum | AggregateFunction::Avg => &[Type::Number],
            AggregateFunction::Min | AggregateFunction::Max => {
                &[Type::Number, Type::Date, Type::Text]
            }
            _ => &[Type::Number, Type::Date, Type::Text, Type::Bool],
        };
        if allowed.iter().any(|a| ty.fits(*a)) {
            return Some(Some(ty));
        }
        let need = if allowed.len() == 1 {
            "a number column"
        } else {
            "a column of numbers, dates or text"
        };
        self.report(
            Diagnostic::new(
                Code::WrongArgument,
                format!(
                    "`{}` needs {need}, but `{}.{}` is {ty}",
                    call.name.text, subject.source_name.text, column.text
                ),
            )
            .at(column.span, format!("{ty}"))
            .help(match call.function {
                AggregateFunction::Sum | AggregateFunction::Avg => {
                    "to count rows use count(...); for the most frequent value use mode(...)"
                }
                _ => "seg cannot aggregate lists, structures or binary columns",
            }),
        );
        None
    }

    /// The first day and the day after the last of the optional window after
    /// the subject (`last 90 days`, `90 to 30 days ago`; `(None, None)`
    /// without one); anything else there is an error.
    fn aggregate_window(
        &mut self,
        call: &Call,
        subject: &Subject,
        rest: &[Argument],
    ) -> Option<(Option<Date>, Option<Date>)> {
        let (window, extra) = match rest.split_first() {
            None => return Some((None, None)),
            Some((
                Argument {
                    kind: ArgumentKind::Window(window),
                    span,
                },
                more,
            )) => (Some((window, *span)), more.first()),
            Some((first, _)) => (None, Some(first)),
        };
        if let Some((_, span)) = window {
            self.source_has_time(subject.source, span)?;
        }
        if let Some(extra) = extra {
            let what = subject
                .column
                .map_or(subject.source_name.text.clone(), |c| {
                    format!("{}.{}", subject.source_name.text, c.text)
                });
            self.report(
                Diagnostic::new(
                    Code::ArgumentCount,
                    format!("`{}` takes a source and an optional time window", call.name.text),
                )
                .at(extra.span, "one too many")
                .help(format!(
                    "filter with `where` and limit time with `last`: {}({what} where ..., last 90 days)",
                    call.name.text
                )),
            );
            return None;
        }
        match window {
            None => Some((None, None)),
            Some((window, span)) => self.window_bounds(window, span),
        }
    }

    /// E306 unless the source has a time column for a window.
    fn source_has_time(&mut self, source: usize, window: Span) -> Option<()> {
        let info = &self.sources[source];
        if info.at.is_some() {
            return Some(());
        }
        let (name, decl) = (info.name.clone(), info.span);
        self.report(
            Diagnostic::new(
                Code::WindowWithoutTime,
                format!("`{name}` has no time column for a time window"),
            )
            .at(window, "needs a time column")
            .also(decl, "declared without `at`")
            .help(format!(
                "declare the time column: `source {name} ... at <date column>`"
            )),
        );
        None
    }

    /// E319 unless the source has a time column to order its rows by, as
    /// `first` and `last` need.
    fn source_orders_rows(&mut self, call: &Call, subject: &Subject) -> Option<()> {
        let info = &self.sources[subject.source];
        if info.at.is_some() {
            return Some(());
        }
        let (name, decl) = (info.name.clone(), info.span);
        let which = if call.function == AggregateFunction::First {
            "earliest"
        } else {
            "latest"
        };
        self.report(
            Diagnostic::new(
                Code::OrderWithoutTime,
                format!(
                    "`{}` needs the time of each row of `{name}`, which has no time column",
                    call.name.text
                ),
            )
            .at(call.name.span, format!("which row is the {which}?"))
            .also(decl, "declared without `at`")
            .help(format!(
                "declare the time column: `source {name} ... at <date column>`; for the smallest or largest value use min(...) or max(...)"
            )),
        );
        None
    }

    /// The index of an aggregate: the same aggregate written twice (even
    /// spelt differently) is computed once.
    fn intern_aggregate(&mut self, aggregate: ir::Aggregate) -> usize {
        let key = format!(
            "{:?}",
            ir::Aggregate {
                text: String::new(),
                ..aggregate.clone()
            }
        );
        if let Some(&i) = self.aggregate_index.get(&key) {
            return i;
        }
        self.aggregates.push(aggregate);
        self.aggregate_index.insert(key, self.aggregates.len() - 1);
        self.aggregates.len() - 1
    }
}
