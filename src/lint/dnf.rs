//! Disjunctive normal form: a formula as a list of conjuncts, each a set
//! of values per variable (and a truth value per opaque atom). A conjunct
//! that no value meets is dropped as soon as it appears, so an empty list
//! is a proof that the formula can never hold. Past [`LIMIT`] conjuncts
//! the analysis gives up (`None`), quietly.

use std::collections::BTreeMap;

use super::domain::{Set, Value};
use super::formula::{Formula, Var};

/// The most conjuncts a formula may grow to before seg gives up on it.
pub const LIMIT: usize = 4096;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conjunct {
    /// The values each constrained variable may take.
    pub sets: BTreeMap<usize, Set>,
    /// Opaque atoms assumed true or false.
    pub opaque: BTreeMap<usize, bool>,
}

pub type Dnf = Vec<Conjunct>;

impl Conjunct {
    /// Both at once, unless no value meets both.
    fn and(&self, other: &Conjunct, vars: &[Var]) -> Option<Conjunct> {
        let mut out = self.clone();
        for (&v, set) in &other.sets {
            let met = match out.sets.get(&v) {
                Some(mine) => mine.intersect(set),
                None => set.intersect(&vars[v].domain),
            };
            if met.is_empty() {
                return None;
            }
            out.sets.insert(v, met);
        }
        for (&id, &truth) in &other.opaque {
            if *out.opaque.entry(id).or_insert(truth) != truth {
                return None;
            }
        }
        Some(out)
    }

    /// Concrete values meeting the conjunct: a value of its set for each
    /// constrained variable, a value of the domain for the others.
    pub fn witness(&self, vars: &[Var]) -> Option<Vec<Value>> {
        vars.iter()
            .enumerate()
            .map(|(i, v)| self.sets.get(&i).unwrap_or(&v.domain).witness())
            .collect()
    }
}

/// The DNF of `f` (of `not f` when `positive` is false).
pub fn dnf(f: &Formula, positive: bool, vars: &[Var]) -> Option<Dnf> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || dnf_here(f, positive, vars))
}

fn dnf_here(f: &Formula, positive: bool, vars: &[Var]) -> Option<Dnf> {
    match f {
        Formula::Const(b) => Some(if *b == positive {
            vec![Conjunct::default()]
        } else {
            Vec::new()
        }),
        Formula::Atom { var, set } => {
            let set = if positive {
                set.clone()
            } else {
                set.complement_in(&vars[*var].domain)
            };
            if set.is_empty() {
                return Some(Vec::new());
            }
            let mut c = Conjunct::default();
            c.sets.insert(*var, set);
            Some(vec![c])
        }
        Formula::Opaque(id) => {
            let mut c = Conjunct::default();
            c.opaque.insert(*id, positive);
            Some(vec![c])
        }
        Formula::Not(inner) => dnf(inner, !positive, vars),
        Formula::And(parts) | Formula::Or(parts) => {
            let conjoin = matches!(f, Formula::And(_)) == positive;
            let mut out = if conjoin {
                vec![Conjunct::default()]
            } else {
                Vec::new()
            };
            for p in parts {
                let d = dnf(p, positive, vars)?;
                out = if conjoin {
                    and(&out, &d, vars)?
                } else {
                    or(out, d)?
                };
            }
            Some(out)
        }
    }
}

/// Both DNFs at once.
pub fn and(a: &[Conjunct], b: &[Conjunct], vars: &[Var]) -> Option<Dnf> {
    and_within(a, b, vars, LIMIT)
}

/// [`and`], giving up past `limit` conjuncts.
pub fn and_within(a: &[Conjunct], b: &[Conjunct], vars: &[Var], limit: usize) -> Option<Dnf> {
    let mut out: Dnf = Vec::new();
    for x in a {
        for y in b {
            if let Some(c) = x.and(y, vars) {
                out.push(c);
                if out.len() > limit {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// Either (duplicates are kept: finding them costs more than they do).
fn or(mut a: Dnf, b: Dnf) -> Option<Dnf> {
    a.extend(b);
    (a.len() <= LIMIT).then_some(a)
}
