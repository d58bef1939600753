//! Ordering definitions: each after everything it uses. A cycle is reported
//! once, naming every definition in it.

use super::Checker;
use super::ir::{self, ExprKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::tr;

impl Checker<'_> {
    /// Definition indices with every dependency before its dependents.
    /// Definitions on a cycle are reported and still placed (the program is
    /// then not built, so their order does not matter).
    pub(super) fn order(&mut self) -> Vec<usize> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let n = self.defs.len();
        let mut marks = vec![Mark::New; n];
        let mut order = Vec::with_capacity(n);
        let mut cycles: Vec<Vec<usize>> = Vec::new();

        for root in 0..n {
            if marks[root] != Mark::New {
                continue;
            }
            // An explicit stack of (definition, next dependency to visit).
            let mut stack = vec![(root, 0usize)];
            marks[root] = Mark::Open;
            while let Some(top) = stack.last_mut() {
                let node = top.0;
                if let Some(&(dep, _)) = self.defs[node].deps.get(top.1) {
                    top.1 += 1;
                    match marks[dep] {
                        Mark::New => {
                            marks[dep] = Mark::Open;
                            stack.push((dep, 0));
                        }
                        Mark::Open => {
                            let from = stack.iter().position(|(d, _)| *d == dep).unwrap_or(0);
                            let cycle: Vec<usize> = stack[from..].iter().map(|(d, _)| *d).collect();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if !cycles.iter().any(|c| {
                                let mut k = c.clone();
                                k.sort_unstable();
                                k == key
                            }) {
                                cycles.push(cycle);
                            }
                        }
                        Mark::Done => {}
                    }
                } else {
                    marks[node] = Mark::Done;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        for cycle in cycles {
            self.report_cycle(&cycle);
        }
        order
    }

    fn report_cycle(&mut self, cycle: &[usize]) {
        let names: Vec<&str> = cycle.iter().map(|&d| self.defs[d].name.as_str()).collect();
        let path = names
            .iter()
            .chain(names.first())
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" uses ");
        let first = cycle[0];
        let mut d = if cycle.len() == 1 {
            Diagnostic::new(Code::Cycle, tr!("cycle", value = names[0].to_string()))
        } else {
            Diagnostic::new(Code::Cycle, tr!("cycle-2", path = path.to_string()))
        };
        // Label every use that closes the circle: def i uses def i+1.
        for (i, &def) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            if let Some(&(_, span)) = self.defs[def].deps.iter().find(|(d, _)| *d == next) {
                let label = format!("`{}` uses `{}`", self.defs[def].name, self.defs[next].name);
                d = if i == 0 {
                    d.at(span, label)
                } else {
                    d.also(span, label)
                };
            }
        }
        if d.primary.is_none() {
            d = d.at(self.defs[first].span, tr!("cycle-2.label"));
        }
        self.report(d.help(tr!("cycle-2.help")));
    }
}

/// Rewrites definition references (`Node(def index)`) into positions in the
/// ordered node list.
pub(super) fn renumber(kind: &mut ir::NodeKind, position: &[usize]) {
    for expr in kind.exprs_mut() {
        expr.walk_mut(|e| {
            if let ExprKind::Node(d) = &mut e.kind {
                *d = position[*d];
            }
        });
    }
}
