//! Conditions as formulas over atoms: each atom says which values of one
//! variable (a metric, score, label, tag, column, or an aggregate or
//! `days_since(...)` written in place) make it hold. Anything seg cannot
//! reason about — two variables compared, arithmetic on the compared
//! side, a dataset-level value — is an opaque atom that may be true or
//! false, so no finding ever rests on it.

use crate::semantic::Program;
use crate::semantic::ir::{self, AggregateFunction, BinaryOp, ExprKind, NodeKind};
use crate::semantic::types::Type;
use crate::source::{SourceMap, Span};
use crate::syntax::ast;

use super::domain::{Interval, Set, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Const(bool),
    Atom {
        var: usize,
        set: Set,
    },
    /// An atom seg cannot see into, numbered.
    Opaque(usize),
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

/// What kind of values a variable takes, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// A score from 1 to n.
    Score(u32),
    /// A count: a whole number, 0 or more.
    Count,
    /// The label of a segmentation.
    Label,
    Date,
    Other,
}

#[derive(Debug, Clone)]
pub struct Var {
    /// The expression the variable stands for.
    pub expr: ir::Expr,
    /// As written where it was first met.
    pub name: String,
    /// Every value it can take.
    pub domain: Set,
    pub kind: VarKind,
}

/// A comparison that can never hold, whatever the data: `r = 6`.
#[derive(Debug, Clone)]
pub struct OutOfRange {
    pub span: Span,
    pub var: usize,
}

/// The variables met so far, shared by every condition of a rule set so
/// that `r` is one variable everywhere.
pub struct Translator<'a> {
    pub program: &'a Program,
    pub files: &'a SourceMap,
    pub vars: Vec<Var>,
    opaque: usize,
    /// Comparisons outside their variable's values, from the last
    /// [`Translator::condition`].
    pub out_of_range: Vec<OutOfRange>,
}

impl<'a> Translator<'a> {
    pub fn new(program: &'a Program, files: &'a SourceMap) -> Self {
        Translator {
            program,
            files,
            vars: Vec::new(),
            opaque: 0,
            out_of_range: Vec::new(),
        }
    }

    /// A condition as a formula; `written` is its syntax, for spans and
    /// names (`None` where it is not known).
    pub fn condition(&mut self, e: &ir::Expr, written: Option<&ast::Expr>) -> Formula {
        self.out_of_range.clear();
        self.formula(e, written)
    }

    fn formula(&mut self, e: &ir::Expr, written: Option<&ast::Expr>) -> Formula {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.formula_here(e, written))
    }

    fn formula_here(&mut self, e: &ir::Expr, written: Option<&ast::Expr>) -> Formula {
        let span = written.map(|w| w.span);
        match &e.kind {
            ExprKind::Literal(ir::Value::Bool(b)) => Formula::Const(*b),
            ExprKind::Binary { left, op, right } if matches!(op, BinaryOp::And | BinaryOp::Or) => {
                let (wl, wr) = match written.map(|w| &w.kind) {
                    Some(ast::ExprKind::Binary { left, right, .. }) => {
                        (Some(&**left), Some(&**right))
                    }
                    _ => (None, None),
                };
                let parts = vec![self.formula(left, wl), self.formula(right, wr)];
                if *op == BinaryOp::And {
                    Formula::And(parts)
                } else {
                    Formula::Or(parts)
                }
            }
            ExprKind::Not(inner) => {
                let w = match written.map(|w| &w.kind) {
                    Some(ast::ExprKind::Unary { expr, .. }) => Some(&**expr),
                    _ => None,
                };
                Formula::Not(Box::new(self.formula(inner, w)))
            }
            ExprKind::Binary { left, op, right } => {
                let (wl, wr) = sides(written);
                match (&left.kind, &right.kind) {
                    (_, ExprKind::Literal(v)) => self.compare(left, wl, *op, v, span),
                    (ExprKind::Literal(v), _) => self.compare(right, wr, flip(*op), v, span),
                    _ => self.opaque(),
                }
            }
            ExprKind::IsMissing { expr, negated } => {
                let w = subject(written);
                let Some(var) = self.var(expr, w) else {
                    return self.opaque();
                };
                let domain = &self.vars[var].domain;
                let set = if *negated {
                    domain.present()
                } else {
                    domain.only_missing()
                };
                self.atom(var, set, None)
            }
            ExprKind::InList {
                expr,
                items,
                negated,
            } => {
                let Some(var) = self.var(expr, subject(written)) else {
                    return self.opaque();
                };
                let Some(set) = items
                    .iter()
                    .map(equal_to)
                    .collect::<Option<Vec<Set>>>()
                    .and_then(union)
                else {
                    return self.opaque();
                };
                let set = if *negated {
                    not_present(&set, &self.vars[var].domain)
                } else {
                    set
                };
                self.atom(var, set, span)
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let (Some(lo), Some(hi)) = (number(low), number(high)) else {
                    return self.opaque();
                };
                let Some(var) = self.var(expr, subject(written)) else {
                    return self.opaque();
                };
                let set = Set::numbers(vec![Interval::closed(lo, hi)], false, false);
                let set = if *negated {
                    not_present(&set, &self.vars[var].domain)
                } else {
                    set
                };
                self.atom(var, set, span)
            }
            ExprKind::OnOrAfter { expr, date } => {
                let Some(var) = self.var(expr, subject(written)) else {
                    return self.opaque();
                };
                let set = Set::numbers(vec![Interval::above(days(*date), true)], false, false);
                self.atom(var, set, span)
            }
            // A tag, or a true/false column or metric, used as a condition.
            _ if e.ty == Type::Bool => match self.var(e, written) {
                Some(var) => self.atom(var, Set::texts(["true".to_string()], false), None),
                None => self.opaque(),
            },
            _ => self.opaque(),
        }
    }

    fn opaque(&mut self) -> Formula {
        self.opaque += 1;
        Formula::Opaque(self.opaque)
    }

    /// `subject op value`.
    fn compare(
        &mut self,
        subject: &ir::Expr,
        written: Option<&ast::Expr>,
        op: BinaryOp,
        value: &ir::Value,
        span: Option<Span>,
    ) -> Formula {
        let Some(var) = self.var(subject, written) else {
            return self.opaque();
        };
        let set = match (op, value) {
            (BinaryOp::Eq, v) => equal_to(v),
            (BinaryOp::Ne, v) => equal_to(v).map(|s| not_present(&s, &self.vars[var].domain)),
            (op, v) => number_of(v).and_then(|x| {
                let interval = match op {
                    BinaryOp::Lt => Interval::below(x, false),
                    BinaryOp::Le => Interval::below(x, true),
                    BinaryOp::Gt => Interval::above(x, false),
                    BinaryOp::Ge => Interval::above(x, true),
                    _ => return None,
                };
                Some(Set::numbers(vec![interval], false, false))
            }),
        };
        match set {
            Some(set) => self.atom(var, set, span),
            None => self.opaque(),
        }
    }

    /// An atom on `var`; a comparison (with its span) that no value of the
    /// variable meets is noted.
    fn atom(&mut self, var: usize, set: Set, span: Option<Span>) -> Formula {
        let domain = &self.vars[var].domain;
        let set = set.intersect(domain);
        let restricted = matches!(self.vars[var].kind, VarKind::Score(_) | VarKind::Count);
        if let (Some(span), true, true) = (span, restricted, set.has_no_present_value()) {
            self.out_of_range.push(OutOfRange { span, var });
        }
        Formula::Atom { var, set }
    }

    /// The variable an expression stands for, added when new; `None` when
    /// seg cannot say what values it takes.
    fn var(&mut self, e: &ir::Expr, written: Option<&ast::Expr>) -> Option<usize> {
        if let Some(i) = self.vars.iter().position(|v| v.expr == *e) {
            return Some(i);
        }
        let (domain, kind) = self.domain(e, 0)?;
        let name = match (&e.kind, written) {
            (ExprKind::Node(i), _) => self.program.nodes[*i].name.clone(),
            (ExprKind::Column(c), _) => c.clone(),
            (_, Some(w)) => self.files.text(w.span).to_string(),
            _ => return None,
        };
        self.vars.push(Var {
            expr: e.clone(),
            name,
            domain,
            kind,
        });
        Some(self.vars.len() - 1)
    }

    /// Every value an expression can take. Only what is certain narrows
    /// it: scores are 1 to n, counts whole numbers from 0, labels those of
    /// the segmentation.
    fn domain(&self, e: &ir::Expr, depth: usize) -> Option<(Set, VarKind)> {
        let missing = e.nullable;
        let numbers = |ranges, whole, kind| Some((Set::numbers(ranges, whole, missing), kind));
        if depth > 32 {
            return None;
        }
        match &e.kind {
            ExprKind::Node(i) => match &self.program.nodes[*i].kind {
                NodeKind::Score(s) => numbers(
                    vec![Interval::closed(1.0, f64::from(s.buckets))],
                    true,
                    VarKind::Score(s.buckets),
                ),
                NodeKind::Segmentation(rules) => {
                    let labels = rules.iter().map(|r| r.label.clone());
                    Some((Set::texts(labels, missing), VarKind::Label))
                }
                NodeKind::Metric(m) => self
                    .domain(m, depth + 1)
                    .map(|(set, kind)| (Set { missing, ..set }, kind)),
                NodeKind::Tag(_) => self.by_type(e),
                NodeKind::DatasetValue { .. } => None,
            },
            ExprKind::Aggregate(a) => match self.program.aggregates[*a].function {
                AggregateFunction::Count | AggregateFunction::CountDistinct => {
                    numbers(vec![Interval::above(0.0, true)], true, VarKind::Count)
                }
                _ => self.by_type(e),
            },
            ExprKind::Since { .. } => numbers(vec![Interval::ALL], true, VarKind::Other),
            ExprKind::Abs(_) => numbers(vec![Interval::above(0.0, true)], false, VarKind::Other),
            ExprKind::Column(_) | ExprKind::Round { .. } | ExprKind::Neg(_) => self.by_type(e),
            ExprKind::Binary { op, .. }
                if matches!(
                    op,
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
                ) =>
            {
                self.by_type(e)
            }
            _ => None,
        }
    }

    fn by_type(&self, e: &ir::Expr) -> Option<(Set, VarKind)> {
        let missing = e.nullable;
        match e.ty {
            Type::Number => Some((
                Set::numbers(vec![Interval::ALL], false, missing),
                VarKind::Other,
            )),
            Type::Date => Some((
                Set::numbers(vec![Interval::ALL], false, missing),
                VarKind::Date,
            )),
            Type::Text => Some((Set::any_text(missing), VarKind::Other)),
            Type::Bool => Some((
                Set::texts(["false".to_string(), "true".to_string()], missing),
                VarKind::Other,
            )),
            _ => None,
        }
    }
}

/// The written sides of a comparison.
fn sides(written: Option<&ast::Expr>) -> (Option<&ast::Expr>, Option<&ast::Expr>) {
    match written.map(|w| &w.kind) {
        Some(ast::ExprKind::Binary { left, right, .. }) => (Some(&**left), Some(&**right)),
        _ => (None, None),
    }
}

/// The written subject of `is missing`, `in`, `between`, `within`.
fn subject(written: Option<&ast::Expr>) -> Option<&ast::Expr> {
    match written.map(|w| &w.kind) {
        Some(
            ast::ExprKind::IsMissing { expr, .. }
            | ast::ExprKind::InList { expr, .. }
            | ast::ExprKind::Between { expr, .. }
            | ast::ExprKind::Within { expr, .. },
        ) => Some(&**expr),
        _ => None,
    }
}

/// `5 < x` is `x > 5`.
fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        other => other,
    }
}

/// The present values of `domain` outside `set`: `x != 5` and `x not in
/// (...)` do not hold for a missing `x` either.
fn not_present(set: &Set, domain: &Set) -> Set {
    set.complement_in(domain).present()
}

fn union(sets: Vec<Set>) -> Option<Set> {
    let mut sets = sets.into_iter();
    let first = sets.next()?;
    sets.try_fold(first, |acc, s| {
        let domain = match &acc.values {
            super::domain::Values::Numbers { .. } => {
                Set::numbers(vec![Interval::ALL], false, false)
            }
            _ => Set::any_text(false),
        };
        // a ∪ b = not (not a and not b)
        let rest = acc
            .complement_in(&domain)
            .intersect(&s.complement_in(&domain));
        Some(rest.complement_in(&domain))
    })
}

/// The values equal to a literal.
fn equal_to(v: &ir::Value) -> Option<Set> {
    match v {
        ir::Value::Text(t) => Some(Set::texts([t.clone()], false)),
        ir::Value::Bool(b) => Some(Set::texts([b.to_string()], false)),
        v => number_of(v).map(|x| Set::numbers(vec![Interval::point(x)], false, false)),
    }
}

/// Numbers and dates (as days since 1970-01-01) on one line.
fn number_of(v: &ir::Value) -> Option<f64> {
    match v {
        ir::Value::Number(n) => n.parse().ok().filter(|x: &f64| x.is_finite()),
        ir::Value::Date(d) => Some(days(*d)),
        _ => None,
    }
}

fn number(e: &ir::Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Literal(v) => number_of(v),
        _ => None,
    }
}

pub fn days(d: jiff::civil::Date) -> f64 {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch
        .until(d)
        .map_or(0.0, |span| f64::from(span.get_days()))
}

/// A day number back to a date, for counter-examples.
pub fn date_of(days: f64) -> String {
    let epoch = jiff::civil::date(1970, 1, 1);
    let whole = days.floor() as i64;
    jiff::Span::new()
        .try_days(whole)
        .ok()
        .and_then(|span| epoch.checked_add(span).ok())
        .map_or_else(|| format!("day {whole}"), |d| d.to_string())
}

/// Evaluates a formula on concrete values (`values[var]`), `opaque` giving
/// the opaque atoms that are known; `None` when it depends on one that is
/// not.
pub fn eval(f: &Formula, values: &[Value], opaque: &dyn Fn(usize) -> Option<bool>) -> Option<bool> {
    match f {
        Formula::Const(b) => Some(*b),
        Formula::Atom { var, set } => Some(set.contains(&values[*var])),
        Formula::Opaque(id) => opaque(*id),
        Formula::Not(inner) => eval(inner, values, opaque).map(|b| !b),
        Formula::And(parts) => {
            let mut result = Some(true);
            for p in parts {
                match eval(p, values, opaque) {
                    Some(false) => return Some(false),
                    None => result = None,
                    Some(true) => {}
                }
            }
            result
        }
        Formula::Or(parts) => {
            let mut result = Some(false);
            for p in parts {
                match eval(p, values, opaque) {
                    Some(true) => return Some(true),
                    None => result = None,
                    Some(false) => {}
                }
            }
            result
        }
    }
}

impl Formula {
    /// The variables it constrains, and whether it has opaque atoms.
    pub fn vars(&self, out: &mut Vec<usize>) -> bool {
        match self {
            Formula::Const(_) => false,
            Formula::Atom { var, .. } => {
                if !out.contains(var) {
                    out.push(*var);
                }
                false
            }
            Formula::Opaque(_) => true,
            Formula::Not(inner) => inner.vars(out),
            Formula::And(parts) | Formula::Or(parts) => {
                parts.iter().fold(false, |any, p| p.vars(out) | any)
            }
        }
    }
}
