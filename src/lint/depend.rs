//! Whether variables can take their values independently. A gap found by
//! giving `recency` one value and `r` (the score of recency) another may
//! be no customer at all, so a gap is only reported over variables none of
//! which is made from another.

use std::collections::BTreeSet;

use crate::semantic::Program;
use crate::semantic::ir::{Expr, ExprKind, NodeKind};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Leaf {
    Node(usize),
    Aggregate(usize),
    Column(String),
}

/// Whether no two of `exprs` depend on each other or share an aggregate
/// or a column. A score's `where` counts only as a dependence (it decides
/// who is scored), not as a shared input: `r` and `f`, both scored among
/// buyers, are independent.
pub fn independent(program: &Program, exprs: &[&Expr]) -> bool {
    let facts: Vec<(BTreeSet<Leaf>, BTreeSet<Leaf>, BTreeSet<Leaf>)> = exprs
        .iter()
        .map(|e| {
            (
                direct(e),
                closure(program, e, true),
                closure(program, e, false),
            )
        })
        .collect();
    for (i, (own_a, all_a, inputs_a)) in facts.iter().enumerate() {
        for (own_b, all_b, inputs_b) in &facts[i + 1..] {
            let shared_input = inputs_a
                .intersection(inputs_b)
                .any(|l| !matches!(l, Leaf::Node(_)));
            if shared_input || !own_b.is_disjoint(all_a) || !own_a.is_disjoint(all_b) {
                return false;
            }
        }
    }
    true
}

/// What an expression reads directly.
fn direct(e: &Expr) -> BTreeSet<Leaf> {
    let mut out = BTreeSet::new();
    e.walk(|x| {
        if let Some(l) = leaf(x) {
            out.insert(l);
        }
    });
    out
}

/// Everything an expression is made from, through definitions; score
/// subsets only when `subsets`.
fn closure(program: &Program, e: &Expr, subsets: bool) -> BTreeSet<Leaf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        e.walk(|x| {
            let Some(l) = leaf(x) else { return };
            if let Leaf::Node(i) = l {
                if out.insert(Leaf::Node(i)) {
                    stack.extend(node_inputs(&program.nodes[i].kind, subsets));
                }
            } else {
                out.insert(l);
            }
        });
    }
    out
}

fn node_inputs(kind: &NodeKind, subsets: bool) -> Vec<&Expr> {
    match kind {
        NodeKind::Score(s) if !subsets => vec![&s.input],
        other => other.exprs(),
    }
}

fn leaf(e: &Expr) -> Option<Leaf> {
    match &e.kind {
        ExprKind::Node(i) => Some(Leaf::Node(*i)),
        ExprKind::Aggregate(a) => Some(Leaf::Aggregate(*a)),
        ExprKind::Column(c) => Some(Leaf::Column(c.clone())),
        _ => None,
    }
}
