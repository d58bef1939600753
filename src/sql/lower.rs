//! Typed rule expressions → SQL expressions.
//!
//! Missing values follow the language, not SQL: a comparison with a missing
//! value is false, never NULL, so `not` behaves as a business user reads it.
//! SQL's NULL only differs from false under a `NOT` or when the truth value
//! is stored (a tag column). Where SQL itself treats NULL as false — the
//! condition of a `CASE WHEN`, a `FILTER` or a `WHERE`, through any `AND`
//! and `OR` — no wrapping is needed; elsewhere a comparison whose operands
//! can be missing becomes `coalesce(..., FALSE)`. The checker's `nullable`
//! flags say which operands can be missing.

use jiff::civil::Date;

use super::tree::{self, Expr, Op, binary, call, col};
use crate::semantic::ir::{self, BinaryOp, ExprKind, Value};
use crate::semantic::types::Type;

/// How references are named in the SQL of one step.
pub struct Names<'a> {
    /// Column name of each node (by node index).
    pub nodes: &'a [String],
    /// Column name of each aggregate (by aggregate index).
    pub aggregates: &'a [String],
    /// Column name of a customer column in the computed steps.
    pub customer_column: &'a dyn Fn(&str) -> String,
    pub as_of: Date,
}

/// Where a lowered expression is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A value that is stored or computed with: true/false must be exact.
    Value,
    /// The condition of a `CASE WHEN`, `FILTER` or `WHERE`: NULL counts as
    /// false there already.
    Condition,
}

/// Lowers an expression evaluated once per customer.
pub fn customer(e: &ir::Expr, names: &Names, context: Context) -> Expr {
    Lowering {
        names: Some(names),
        as_of: names.as_of,
    }
    .expr(e, context)
}

/// Lowers a condition over one fact row (an aggregate's `where`).
pub fn fact_row(e: &ir::Expr, as_of: Date) -> Expr {
    Lowering { names: None, as_of }.expr(e, Context::Condition)
}

pub fn value(v: &Value) -> Expr {
    match v {
        Value::Number(n) => number(n),
        Value::Text(t) => Expr::Str(t.clone()),
        Value::Date(d) => Expr::Date(*d),
        Value::Bool(b) => Expr::Bool(*b),
    }
}

/// A number as written; a negative one is printed as a negation so that
/// `a - -1` stays valid SQL.
fn number(text: &str) -> Expr {
    match text.strip_prefix('-') {
        Some(positive) => Expr::Neg(Box::new(Expr::Number(positive.to_string()))),
        None => Expr::Number(text.to_string()),
    }
}

struct Lowering<'a> {
    /// `None` inside an aggregate's filter: columns are the fact source's own.
    names: Option<&'a Names<'a>>,
    as_of: Date,
}

impl Lowering<'_> {
    fn expr(&self, e: &ir::Expr, context: Context) -> Expr {
        use Context::Value as V;
        match &e.kind {
            ExprKind::Literal(v) => value(v),
            ExprKind::Column(c) => {
                let name = match self.names {
                    Some(n) => (n.customer_column)(c),
                    None => c.clone(),
                };
                truth(col(&name), e.ty == Type::Bool && e.nullable, context)
            }
            ExprKind::Aggregate(i) => {
                let names = self.names.expect("aggregates are per customer");
                truth(
                    col(&names.aggregates[*i]),
                    e.ty == Type::Bool && e.nullable,
                    context,
                )
            }
            ExprKind::Node(i) => {
                let names = self.names.expect("nodes are per customer");
                truth(
                    col(&names.nodes[*i]),
                    e.ty == Type::Bool && e.nullable,
                    context,
                )
            }
            // Under `not`, NULL and false differ: everything inside is exact.
            ExprKind::Not(inner) => Expr::Not(Box::new(self.expr(inner, V))),
            ExprKind::Neg(inner) => Expr::Neg(Box::new(self.expr(inner, V))),
            ExprKind::Binary { left, op, right } => {
                let sql_op = match op {
                    BinaryOp::Or => Op::Or,
                    BinaryOp::And => Op::And,
                    BinaryOp::Eq => Op::Eq,
                    BinaryOp::Ne => Op::Ne,
                    BinaryOp::Lt => Op::Lt,
                    BinaryOp::Le => Op::Le,
                    BinaryOp::Gt => Op::Gt,
                    BinaryOp::Ge => Op::Ge,
                    BinaryOp::Add => Op::Add,
                    BinaryOp::Sub => Op::Sub,
                    BinaryOp::Mul => Op::Mul,
                    BinaryOp::Div => Op::Div,
                };
                match op {
                    // `and` / `or` pass the context on: NULL-as-false
                    // survives them unchanged.
                    BinaryOp::And | BinaryOp::Or => {
                        binary(self.expr(left, context), sql_op, self.expr(right, context))
                    }
                    // Division by zero gives a missing value, never an error
                    // (a divisor written as a number other than 0 needs no guard).
                    BinaryOp::Div => {
                        let divisor = self.expr(right, V);
                        let divisor = match &right.kind {
                            ExprKind::Literal(Value::Number(n))
                                if n.parse::<f64>().is_ok_and(|v| v != 0.0) =>
                            {
                                divisor
                            }
                            _ => call("nullif", vec![divisor, Expr::Number("0".into())]),
                        };
                        binary(self.expr(left, V), Op::Div, divisor)
                    }
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                        binary(self.expr(left, V), sql_op, self.expr(right, V))
                    }
                    _ => truth(
                        binary(self.expr(left, V), sql_op, self.expr(right, V)),
                        left.nullable || right.nullable,
                        context,
                    ),
                }
            }
            ExprKind::IsMissing { expr, negated } => Expr::IsNull {
                expr: Box::new(self.expr(expr, V)),
                negated: *negated,
            },
            ExprKind::InList {
                expr,
                items,
                negated,
            } => truth(
                Expr::InList {
                    expr: Box::new(self.expr(expr, V)),
                    items: items.iter().map(value).collect(),
                    negated: *negated,
                },
                expr.nullable,
                context,
            ),
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => truth(
                Expr::Between {
                    expr: Box::new(self.expr(expr, V)),
                    low: Box::new(self.expr(low, V)),
                    high: Box::new(self.expr(high, V)),
                    negated: *negated,
                },
                expr.nullable || low.nullable || high.nullable,
                context,
            ),
            ExprKind::OnOrAfter { expr, date } => truth(
                binary(self.expr(expr, V), Op::Ge, Expr::Date(*date)),
                expr.nullable,
                context,
            ),
            ExprKind::Since { unit, expr } => Expr::Since {
                unit: *unit,
                from: Box::new(Expr::Cast(Box::new(self.expr(expr, V)), "DATE")),
                to: Box::new(Expr::Date(self.as_of)),
            },
            ExprKind::Round { expr, digits } => call(
                "round",
                vec![self.expr(expr, V), number(&digits.to_string())],
            ),
            ExprKind::Abs(inner) => call("abs", vec![self.expr(inner, V)]),
            ExprKind::Error => unreachable!("programs with errors are never compiled"),
        }
    }
}

/// A true/false value that may be NULL: exact (`coalesce(x, FALSE)`) where
/// it is a value, as is where it is a condition.
fn truth(expr: Expr, may_be_null: bool, context: Context) -> Expr {
    if may_be_null && context == Context::Value {
        call("coalesce", vec![expr, Expr::Bool(false)])
    } else {
        expr
    }
}

/// A window function call.
pub fn window(name: &'static str, args: Vec<Expr>, over: tree::Window) -> Expr {
    Expr::Call(tree::Call {
        name,
        args,
        distinct: false,
        order_within: Vec::new(),
        filter: None,
        over: Some(over),
    })
}
