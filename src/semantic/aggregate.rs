//! Aggregates over fact sources: `count(orders where ..., last 90 days)`.
//! Each distinct aggregate is computed once however often it is written.
//!
//! Checking one is a row of steps, each reporting what is wrong with its
//! part and giving up (`None`) on the first error: where it stands, what it
//! aggregates, the column, the filter, the time window.

use crate::i18n::tr;
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
                Diagnostic::new(Code::Misplaced, tr!("misplaced"))
                    .at(call.span, tr!("misplaced.label"))
                    .help(tr!("misplaced.help")),
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
                    tr!("argument-count", text = call.name.text.to_string()),
                )
                .at(call.span, tr!("argument-count.label"))
                .help(tr!(
                    "argument-count.help",
                    example = call.example().to_string()
                )),
            );
            return None;
        };
        if let ArgumentKind::Window(_) = first.kind {
            self.report(
                Diagnostic::new(Code::WrongArgument, tr!("wrong-argument"))
                    .at(first.span, tr!("wrong-argument.label"))
                    .help(tr!("wrong-argument.help")),
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
                        tr!("wrong-argument-2", text = call.name.text.to_string()),
                    )
                    .at(expr.span, tr!("wrong-argument-2.label"))
                    .help(tr!(
                        "wrong-argument-2.help",
                        example = call.example().to_string()
                    )),
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
                        tr!("misplaced-2", text = name.text.to_string()),
                    )
                    .at(name.span, tr!("misplaced-2.label"))
                    .help(tr!("misplaced-2.help")),
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
                    tr!(
                        "wrong-argument-3",
                        text = call.name.text.to_string(),
                        source = source.to_string()
                    ),
                )
                .at(subject.span, tr!("wrong-argument-3.label"))
                .help(tr!(
                    "wrong-argument-3.help",
                    text = call.name.text.to_string(),
                    source = source.to_string()
                )),
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
                tr!(
                    "wrong-argument-4",
                    text = call.name.text.to_string(),
                    need = need.to_string(),
                    text2 = subject.source_name.text.to_string(),
                    text3 = column.text.to_string(),
                    ty = ty.to_string()
                ),
            )
            .at(
                column.span,
                tr!("wrong-argument-4.label", ty = ty.to_string()),
            )
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
                    tr!("argument-count-2", text = call.name.text.to_string()),
                )
                .at(extra.span, tr!("argument-count-2.label"))
                .help(tr!(
                    "argument-count-2.help",
                    text = call.name.text.to_string(),
                    what = what.to_string()
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
                tr!("window-without-time", name = name.to_string()),
            )
            .at(window, tr!("window-without-time.label"))
            .also(decl, tr!("window-without-time.also"))
            .help(tr!("window-without-time.help", name = name.to_string())),
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
                tr!(
                    "order-without-time",
                    text = call.name.text.to_string(),
                    name = name.to_string()
                ),
            )
            .at(
                call.name.span,
                tr!("order-without-time.label", which = which.to_string()),
            )
            .also(decl, tr!("order-without-time.also"))
            .help(tr!("order-without-time.help", name = name.to_string())),
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
