//! Typed rule expressions → SQL expressions.
//!
//! Missing values follow the language, not SQL: a comparison with a missing
//! value is false, never NULL, and a missing true/false value counts as
//! false in a condition, so `not` behaves as a business user reads it.
//! SQL's NULL only differs from false under a `NOT` or when the truth value
//! is stored (a tag column). Where SQL itself treats NULL as false — the
//! condition of a `CASE WHEN`, a `FILTER` or a `WHERE`, through any `AND`
//! and `OR` — no wrapping is needed; elsewhere a comparison whose operands
//! can be missing becomes `coalesce(..., FALSE)`. Operands themselves are
//! never wrapped, so `flag is missing` still sees the missing value. The
//! checker's `nullable` flags say what can be missing.

use jiff::civil::Date;

use super::tree::{self, Expr, Op, binary, call, col};
use crate::semantic::ir::{self, BinaryOp, ExprKind, Function, SinceUnit, TextOp, Value};
use crate::semantic::types::Type;

/// How references are named in the SQL of one step.
pub struct Names<'a> {
    /// Column name of each node (by node index).
    pub nodes: &'a [String],
    /// Column name of each aggregate (by aggregate index).
    pub aggregates: &'a [String],
    /// Column name of a customer column in the computed steps.
    pub customer_column: &'a dyn Fn(&str) -> String,
    /// The columns of each customer's hand-assigned tags (one per `tags
    /// from`, each a list).
    pub hand_tags: &'a [String],
    pub as_of: Date,
}

/// Where a lowered expression is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A value as it is: an operand, a metric. A missing value stays
    /// missing; a comparison is still true or false.
    Operand,
    /// A truth value that is stored or negated: never NULL.
    Truth,
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
/// `a - -1` stays valid SQL. Integers too long for SQL's integer types are
/// given as doubles.
fn number(text: &str) -> Expr {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(positive) => (true, positive),
        None => (false, text),
    };
    let whole = digits.split('.').next().unwrap_or(digits);
    let literal = if whole.len() > 18 {
        Expr::Cast(Box::new(Expr::Str(digits.to_string())), "DOUBLE")
    } else {
        Expr::Number(digits.to_string())
    };
    if negative {
        Expr::Neg(Box::new(literal))
    } else {
        literal
    }
}

struct Lowering<'a> {
    /// `None` inside an aggregate's filter: columns are the fact source's own.
    names: Option<&'a Names<'a>>,
    as_of: Date,
}

impl Lowering<'_> {
    fn expr(&self, e: &ir::Expr, context: Context) -> Expr {
        use Context::Operand as O;
        // A missing true/false value used as a truth value counts as false.
        let leaf = |expr: Expr| match context {
            Context::Truth if e.ty == Type::Bool && e.nullable => {
                call("coalesce", vec![expr, Expr::Bool(false)])
            }
            _ => expr,
        };
        // `and` / `or` keep NULL-as-false where SQL gives it, and are exact
        // everywhere else.
        let connective = match context {
            Context::Condition => Context::Condition,
            _ => Context::Truth,
        };
        match &e.kind {
            ExprKind::Literal(v) => value(v),
            ExprKind::Column(c) => {
                let name = match self.names {
                    Some(n) => (n.customer_column)(c),
                    None => c.clone(),
                };
                leaf(col(&name))
            }
            ExprKind::Aggregate(i) => {
                let names = self.names.expect("aggregates are per customer");
                leaf(col(&names.aggregates[*i]))
            }
            ExprKind::Node(i) => {
                let names = self.names.expect("nodes are per customer");
                leaf(col(&names.nodes[*i]))
            }
            ExprKind::HandTag(tag) => {
                let names = self.names.expect("hand-assigned tags are per customer");
                let carries = names
                    .hand_tags
                    .iter()
                    .map(|list| call("list_contains", vec![col(list), Expr::Str(tag.clone())]));
                carries
                    .reduce(|a, b| binary(a, Op::Or, b))
                    .expect("a rule set with hand-assigned tags reads them")
            }
            // Under `not`, NULL and false differ: what is negated is exact.
            ExprKind::Not(inner) => Expr::Not(Box::new(self.expr(inner, Context::Truth))),
            ExprKind::Neg(inner) => Expr::Neg(Box::new(self.expr(inner, O))),
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
                    BinaryOp::And | BinaryOp::Or => binary(
                        self.expr(left, connective),
                        sql_op,
                        self.expr(right, connective),
                    ),
                    // Division by zero gives a missing value, never an error
                    // (a divisor written as a number other than 0 needs no guard).
                    BinaryOp::Div => {
                        let divisor = self.expr(right, O);
                        let divisor = match &right.kind {
                            ExprKind::Literal(Value::Number(n))
                                if n.parse::<f64>().is_ok_and(|v| v != 0.0) =>
                            {
                                divisor
                            }
                            _ => call("nullif", vec![divisor, Expr::Number("0".into())]),
                        };
                        binary(self.expr(left, O), Op::Div, divisor)
                    }
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                        binary(self.expr(left, O), sql_op, self.expr(right, O))
                    }
                    _ => comparison(
                        binary(self.expr(left, O), sql_op, self.expr(right, O)),
                        left.nullable || right.nullable,
                        context,
                    ),
                }
            }
            ExprKind::IsMissing { expr, negated } => Expr::IsNull {
                expr: Box::new(self.expr(expr, O)),
                negated: *negated,
            },
            ExprKind::InList {
                expr,
                items,
                negated,
            } => comparison(
                Expr::InList {
                    expr: Box::new(self.expr(expr, O)),
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
            } => comparison(
                Expr::Between {
                    expr: Box::new(self.expr(expr, O)),
                    low: Box::new(self.expr(low, O)),
                    high: Box::new(self.expr(high, O)),
                    negated: *negated,
                },
                expr.nullable || low.nullable || high.nullable,
                context,
            ),
            ExprKind::OnOrAfter { expr, date } => comparison(
                binary(self.expr(expr, O), Op::Ge, Expr::Date(*date)),
                expr.nullable,
                context,
            ),
            ExprKind::Since { unit, expr } => Expr::Since {
                unit: *unit,
                from: Box::new(Expr::Cast(Box::new(self.expr(expr, O)), "DATE")),
                to: Box::new(Expr::Date(self.as_of)),
            },
            ExprKind::Round { expr, digits } => call(
                "round",
                vec![self.expr(expr, O), number(&digits.to_string())],
            ),
            ExprKind::Abs(inner) => call("abs", vec![self.expr(inner, O)]),
            ExprKind::Function { function, args } => {
                let value = self.function(*function, args);
                leaf(value)
            }
            ExprKind::TextTest { op, expr, pattern } => {
                let name = match op {
                    TextOp::Contains => "contains",
                    TextOp::StartsWith => "starts_with",
                    TextOp::EndsWith => "ends_with",
                };
                comparison(
                    call(name, vec![self.expr(expr, O), self.expr(pattern, O)]),
                    expr.nullable || pattern.nullable,
                    context,
                )
            }
            ExprKind::Matches {
                expr,
                pattern,
                ignore_case,
            } => {
                let mut subject = self.expr(expr, O);
                let mut pattern = Expr::Str(like_pattern(pattern));
                if *ignore_case {
                    subject = call("lower", vec![subject]);
                    pattern = call("lower", vec![pattern]);
                }
                comparison(
                    Expr::Like {
                        expr: Box::new(subject),
                        pattern: Box::new(pattern),
                    },
                    expr.nullable,
                    context,
                )
            }
            ExprKind::Shift { expr, amount, unit } => binary(
                self.expr(expr, O),
                if *amount < 0 { Op::Sub } else { Op::Add },
                Expr::Interval(amount.unsigned_abs(), *unit),
            ),
            ExprKind::Error => unreachable!("programs with errors are never compiled"),
        }
    }

    /// An everyday function. Missing in, missing out: SQL's `greatest` and
    /// `least` pass over NULLs, so a missing argument is checked for.
    fn function(&self, function: Function, args: &[ir::Expr]) -> Expr {
        use Context::Operand as O;
        let values = || args.iter().map(|a| self.expr(a, O)).collect::<Vec<_>>();
        let one = || self.expr(&args[0], O);
        match function {
            Function::IfMissing => call("coalesce", values()),
            Function::If => Expr::Case {
                operand: None,
                whens: vec![(
                    self.expr(&args[0], Context::Condition),
                    self.expr(&args[1], O),
                )],
                otherwise: Some(Box::new(self.expr(&args[2], O))),
            },
            Function::Greatest | Function::Least => {
                let name = if function == Function::Greatest {
                    "greatest"
                } else {
                    "least"
                };
                let value = call(name, values());
                let present = args
                    .iter()
                    .filter(|a| a.nullable)
                    .map(|a| Expr::IsNull {
                        expr: Box::new(self.expr(a, O)),
                        negated: true,
                    })
                    .collect();
                match tree::all(present) {
                    Some(present) => Expr::Case {
                        operand: None,
                        whens: vec![(present, value)],
                        otherwise: None,
                    },
                    None => value,
                }
            }
            Function::Length => call("length", vec![one()]),
            Function::Lower => call("lower", vec![one()]),
            Function::Upper => call("upper", vec![one()]),
            Function::Year => call("year", vec![one()]),
            Function::Month => call("month", vec![one()]),
            Function::Day => call("day", vec![one()]),
            Function::DaysBetween => Expr::Since {
                unit: SinceUnit::Day,
                from: Box::new(Expr::Cast(Box::new(one()), "DATE")),
                to: Box::new(Expr::Cast(Box::new(self.expr(&args[1], O)), "DATE")),
            },
        }
    }
}

/// A `matches` pattern as a `LIKE` pattern (with `\` escaping): `*` is any
/// text, `?` one character, and every other character stands for itself,
/// `%` and `_` included.
pub fn like_pattern(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len() + 4);
    for c in glob.chars() {
        match c {
            '*' => out.push('%'),
            '?' => out.push('_'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A comparison with a missing operand is false: `coalesce(cmp, FALSE)`,
/// except where SQL already counts NULL as false.
fn comparison(expr: Expr, may_be_null: bool, context: Context) -> Expr {
    if may_be_null && context != Context::Condition {
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
        filter: None,
        over: Some(over),
    })
}
