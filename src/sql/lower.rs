//! Typed rule expressions → SQL expressions.
//!
//! Missing values follow the language, not SQL: a comparison with a missing
//! value is false (not NULL), so `not` and `or` behave as a business user
//! reads them. Only comparisons whose operands can be missing are wrapped in
//! `COALESCE(..., FALSE)`; the checker's `nullable` flags say which.

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

/// Lowers an expression evaluated once per customer.
pub fn customer(e: &ir::Expr, names: &Names) -> Expr {
    Lowering {
        names: Some(names),
        as_of: names.as_of,
    }
    .expr(e)
}

/// Lowers an expression over one fact row (an aggregate's `where`).
pub fn fact_row(e: &ir::Expr, as_of: Date) -> Expr {
    Lowering { names: None, as_of }.expr(e)
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
    fn expr(&self, e: &ir::Expr) -> Expr {
        match &e.kind {
            ExprKind::Literal(v) => value(v),
            ExprKind::Column(c) => {
                let name = match self.names {
                    Some(n) => (n.customer_column)(c),
                    None => c.clone(),
                };
                self.leaf(col(&name), e)
            }
            ExprKind::Aggregate(i) => {
                let names = self.names.expect("aggregates are per customer");
                self.leaf(col(&names.aggregates[*i]), e)
            }
            ExprKind::Node(i) => {
                let names = self.names.expect("nodes are per customer");
                self.leaf(col(&names.nodes[*i]), e)
            }
            ExprKind::Not(inner) => Expr::Not(Box::new(self.expr(inner))),
            ExprKind::Neg(inner) => Expr::Neg(Box::new(self.expr(inner))),
            ExprKind::Binary { left, op, right } => {
                let (l, r) = (self.expr(left), self.expr(right));
                let op_sql = match op {
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
                    BinaryOp::Div => {
                        // Division by zero gives a missing value, never an error.
                        return binary(l, Op::Div, call("nullif", vec![r, Expr::Number("0".into())]));
                    }
                };
                let comparison = !matches!(
                    op,
                    BinaryOp::Or | BinaryOp::And | BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul
                );
                let expr = binary(l, op_sql, r);
                if comparison {
                    two_valued(expr, left.nullable || right.nullable)
                } else {
                    expr
                }
            }
            ExprKind::IsMissing { expr, negated } => Expr::IsNull {
                expr: Box::new(self.expr(expr)),
                negated: *negated,
            },
            ExprKind::InList { expr, items, negated } => two_valued(
                Expr::InList {
                    expr: Box::new(self.expr(expr)),
                    items: items.iter().map(value).collect(),
                    negated: *negated,
                },
                expr.nullable,
            ),
            ExprKind::Between { expr, low, high, negated } => two_valued(
                Expr::Between {
                    expr: Box::new(self.expr(expr)),
                    low: Box::new(self.expr(low)),
                    high: Box::new(self.expr(high)),
                    negated: *negated,
                },
                expr.nullable || low.nullable || high.nullable,
            ),
            ExprKind::OnOrAfter { expr, date } => {
                two_valued(binary(self.expr(expr), Op::Ge, Expr::Date(*date)), expr.nullable)
            }
            ExprKind::Since { unit, expr } => Expr::Since {
                unit: *unit,
                from: Box::new(Expr::Cast(Box::new(self.expr(expr)), "DATE")),
                to: Box::new(Expr::Date(self.as_of)),
            },
            ExprKind::Round { expr, digits } => {
                call("round", vec![self.expr(expr), number(&digits.to_string())])
            }
            ExprKind::Abs(inner) => call("abs", vec![self.expr(inner)]),
            ExprKind::Error => unreachable!("programs with errors are never compiled"),
        }
    }

    /// A true/false column that may be missing counts as false.
    fn leaf(&self, expr: Expr, e: &ir::Expr) -> Expr {
        if e.ty == Type::Bool && e.nullable {
            call("coalesce", vec![expr, Expr::Bool(false)])
        } else {
            expr
        }
    }
}

/// `COALESCE(cmp, FALSE)` when an operand may be missing.
fn two_valued(comparison: Expr, nullable: bool) -> Expr {
    if nullable {
        call("coalesce", vec![comparison, Expr::Bool(false)])
    } else {
        comparison
    }
}

/// `count(*)`-style window or aggregate call with options.
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
