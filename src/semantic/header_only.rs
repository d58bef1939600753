//! The types of a header-only text file's columns. No row tells them, so
//! they are what the rules need: a column summed is a number, one compared
//! with a date a date, the time column a date, anything else text. The run
//! then gives the same column types as a file with rows would (`sum` over no
//! rows is `0.0`, not an untyped `0`).

use std::collections::HashMap;

use super::ir::{AggregateFunction, BinaryOp, Expr, ExprKind, Function, NodeKind, Program, Source};
use super::types::Type;

/// Where a column lives: the customer source, or a fact source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Customers,
    Fact(usize),
}

/// Gives every column of each header-only source its type.
pub fn type_columns(p: &mut Program) {
    if p.customers.header_only.is_none() && p.facts.iter().all(|f| f.header_only.is_none()) {
        return;
    }
    let needs = Needs::of(p).types;
    type_source(&mut p.customers, Owner::Customers, &needs);
    for (f, source) in p.facts.iter_mut().enumerate() {
        type_source(source, Owner::Fact(f), &needs);
    }
}

fn type_source(source: &mut Source, owner: Owner, needs: &HashMap<(Owner, String), Type>) {
    let Some(columns) = &mut source.header_only else {
        return;
    };
    for (name, ty) in columns.iter_mut() {
        *ty = if source.at.as_deref() == Some(name.as_str()) {
            Type::Date
        } else {
            needs
                .get(&(owner, name.clone()))
                .copied()
                .unwrap_or(Type::Text)
        };
    }
}

/// The first type each column is needed as.
struct Needs<'p> {
    program: &'p Program,
    types: HashMap<(Owner, String), Type>,
}

impl<'p> Needs<'p> {
    fn of(program: &'p Program) -> Self {
        let mut needs = Needs {
            program,
            types: HashMap::new(),
        };
        for aggregate in &program.aggregates {
            let owner = Owner::Fact(aggregate.source);
            if let (Some(column), AggregateFunction::Sum | AggregateFunction::Avg) =
                (&aggregate.column, aggregate.function)
            {
                needs.need(owner, column, Type::Number);
            }
            if let Some(filter) = &aggregate.filter {
                needs.expr(filter, owner, Type::Bool);
            }
        }
        for node in &program.nodes {
            match &node.kind {
                NodeKind::Metric(e) => needs.expr(e, Owner::Customers, Type::Unknown),
                NodeKind::Tag(e) => needs.expr(e, Owner::Customers, Type::Bool),
                NodeKind::DatasetValue { input, group, .. } => {
                    needs.expr(input, Owner::Customers, Type::Number);
                    if let Some(group) = group {
                        needs.expr(group, Owner::Customers, Type::Unknown);
                    }
                }
                NodeKind::Score(s) => {
                    needs.expr(&s.input, Owner::Customers, Type::Number);
                    if let Some(group) = &s.group {
                        needs.expr(group, Owner::Customers, Type::Unknown);
                    }
                    if let Some(subset) = &s.subset {
                        needs.expr(subset, Owner::Customers, Type::Bool);
                    }
                }
                NodeKind::Segmentation(rules) => {
                    for c in rules.iter().filter_map(|r| r.condition.as_ref()) {
                        needs.expr(c, Owner::Customers, Type::Bool);
                    }
                }
            }
        }
        needs
    }

    fn need(&mut self, owner: Owner, column: &str, ty: Type) {
        if ty != Type::Unknown {
            self.types.entry((owner, column.to_string())).or_insert(ty);
        }
    }

    /// `e` is needed as `ty` (`Unknown`: as anything); what it holds is
    /// needed as its place says.
    fn expr(&mut self, e: &Expr, owner: Owner, ty: Type) {
        let mut stack = vec![(e, ty)];
        while let Some((e, ty)) = stack.pop() {
            if e.ty == Type::Unknown
                && let Some((o, column)) = self.origin(e, owner, 0)
            {
                self.need(o, &column, ty);
            }
            stack.extend(children_needs(e));
        }
    }

    /// The column an unknown value comes from: the column itself, the
    /// column a `min`/`max`/`mode`/`first`/`last` passes on, or the one a
    /// metric that is just such a value holds.
    fn origin(&self, e: &Expr, owner: Owner, depth: usize) -> Option<(Owner, String)> {
        match &e.kind {
            ExprKind::Column(c) => Some((owner, c.clone())),
            ExprKind::Aggregate(a) => {
                let aggregate = &self.program.aggregates[*a];
                let passes_on = !matches!(
                    aggregate.function,
                    AggregateFunction::Count
                        | AggregateFunction::CountDistinct
                        | AggregateFunction::Sum
                        | AggregateFunction::Avg
                );
                let column = aggregate.column.clone().filter(|_| passes_on)?;
                Some((Owner::Fact(aggregate.source), column))
            }
            ExprKind::Node(n) if depth < 64 => match &self.program.nodes[*n].kind {
                NodeKind::Metric(m) => self.origin(m, Owner::Customers, depth + 1),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The children of `e`, each with the type its place needs (`Unknown` where
/// it takes any, or the type of the other side of a comparison).
fn children_needs(e: &Expr) -> Vec<(&Expr, Type)> {
    let known = |a: &Expr, b: &Expr| if a.ty == Type::Unknown { b.ty } else { a.ty };
    match &e.kind {
        ExprKind::Binary { left, op, right } => match op {
            BinaryOp::And | BinaryOp::Or => vec![(left, Type::Bool), (right, Type::Bool)],
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                vec![(left, Type::Number), (right, Type::Number)]
            }
            _ => vec![(left, right.ty), (right, left.ty)],
        },
        ExprKind::Not(inner) => vec![(inner, Type::Bool)],
        ExprKind::Neg(inner) | ExprKind::Abs(inner) => vec![(inner, Type::Number)],
        ExprKind::Round { expr, .. } => vec![(expr, Type::Number)],
        ExprKind::OnOrAfter { expr, .. } | ExprKind::Since { expr, .. } => vec![(expr, Type::Date)],
        ExprKind::InList { expr, items, .. } => {
            vec![(expr, items.first().map_or(Type::Unknown, |v| v.ty()))]
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            let bound = known(low, high);
            vec![
                (expr, bound),
                (low, known(expr, high)),
                (high, known(expr, low)),
            ]
        }
        ExprKind::TextTest { expr, pattern, .. } => vec![(expr, Type::Text), (pattern, Type::Text)],
        ExprKind::Matches { expr, .. } => vec![(expr, Type::Text)],
        ExprKind::Shift { expr, .. } => vec![(expr, Type::Date)],
        ExprKind::Function { function, args } => {
            let need = match function {
                Function::Length | Function::Lower | Function::Upper => Type::Text,
                Function::Year | Function::Month | Function::Day | Function::DaysBetween => {
                    Type::Date
                }
                Function::If | Function::IfMissing | Function::Greatest | Function::Least => e.ty,
            };
            let mut needs: Vec<(&Expr, Type)> = args.iter().map(|a| (a, need)).collect();
            if *function == Function::If {
                needs[0].1 = Type::Bool;
            }
            needs
        }
        _ => e
            .children()
            .into_iter()
            .map(|c| (c, Type::Unknown))
            .collect(),
    }
}
