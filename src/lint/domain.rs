//! The abstract values of one variable: the set of values a condition lets
//! it take. Numbers (and dates, as days) are a set of intervals, made of
//! whole numbers where the variable only takes those (counts, scores);
//! texts, labels and true/false are a finite set of values or everything
//! but one. Every set says whether it holds "missing", which is a value of
//! its own: no comparison holds for it.

use std::collections::BTreeSet;

/// One concrete value, for counter-examples.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Missing,
    Number(f64),
    Text(String),
}

/// Numbers from `lo` to `hi`; an infinite end is never included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub lo_in: bool,
    pub hi: f64,
    pub hi_in: bool,
}

impl Interval {
    pub const ALL: Interval = Interval {
        lo: f64::NEG_INFINITY,
        lo_in: false,
        hi: f64::INFINITY,
        hi_in: false,
    };

    pub fn point(x: f64) -> Interval {
        Interval::closed(x, x)
    }

    pub fn closed(lo: f64, hi: f64) -> Interval {
        Interval {
            lo,
            lo_in: true,
            hi,
            hi_in: true,
        }
    }

    /// Everything above `x` (`above(x, true)` includes it).
    pub fn above(x: f64, inclusive: bool) -> Interval {
        Interval {
            lo: x,
            lo_in: inclusive,
            ..Interval::ALL
        }
    }

    pub fn below(x: f64, inclusive: bool) -> Interval {
        Interval {
            hi: x,
            hi_in: inclusive,
            ..Interval::ALL
        }
    }

    fn is_empty(self) -> bool {
        self.lo > self.hi || (self.lo == self.hi && !(self.lo_in && self.hi_in))
    }

    fn contains(self, x: f64) -> bool {
        let above = x > self.lo || (self.lo_in && x == self.lo);
        let below = x < self.hi || (self.hi_in && x == self.hi);
        above && below
    }

    /// The whole numbers of the interval, as a closed interval.
    fn whole(self) -> Interval {
        let lo = match self.lo {
            lo if lo.is_infinite() => lo,
            lo if self.lo_in => lo.ceil(),
            lo => lo.floor() + 1.0,
        };
        let hi = match self.hi {
            hi if hi.is_infinite() => hi,
            hi if self.hi_in => hi.floor(),
            hi => hi.ceil() - 1.0,
        };
        Interval {
            lo,
            lo_in: lo.is_finite(),
            hi,
            hi_in: hi.is_finite(),
        }
    }

    fn intersect(self, other: Interval) -> Interval {
        let (lo, lo_in) = match self.lo.total_cmp(&other.lo) {
            std::cmp::Ordering::Less => (other.lo, other.lo_in),
            std::cmp::Ordering::Greater => (self.lo, self.lo_in),
            std::cmp::Ordering::Equal => (self.lo, self.lo_in && other.lo_in),
        };
        let (hi, hi_in) = match self.hi.total_cmp(&other.hi) {
            std::cmp::Ordering::Less => (self.hi, self.hi_in),
            std::cmp::Ordering::Greater => (other.hi, other.hi_in),
            std::cmp::Ordering::Equal => (self.hi, self.hi_in && other.hi_in),
        };
        Interval {
            lo,
            lo_in,
            hi,
            hi_in,
        }
    }

    /// A value inside, as round as can be: an end that belongs to it, else
    /// a whole number next to an end, else the middle.
    fn witness(self, whole: bool) -> f64 {
        if self.lo_in {
            return self.lo;
        }
        if self.hi_in {
            return self.hi;
        }
        let candidates = [
            0.0,
            self.lo.floor() + 1.0,
            self.hi.ceil() - 1.0,
            (self.lo + self.hi) / 2.0,
        ];
        candidates
            .into_iter()
            .filter(|x| x.is_finite() && (!whole || x.fract() == 0.0))
            .find(|&x| self.contains(x))
            .unwrap_or((self.lo + self.hi) / 2.0)
    }
}

/// Values other than missing.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Disjoint intervals in increasing order.
    Numbers { ranges: Vec<Interval>, whole: bool },
    /// Exactly these texts.
    Only(BTreeSet<String>),
    /// Any text but these.
    AllBut(BTreeSet<String>),
}

/// The values a variable may take, missing included or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    pub values: Values,
    pub missing: bool,
}

impl Set {
    pub fn numbers(ranges: Vec<Interval>, whole: bool, missing: bool) -> Set {
        let mut set = Set {
            values: Values::Numbers { ranges, whole },
            missing,
        };
        set.normalise();
        set
    }

    pub fn texts(texts: impl IntoIterator<Item = String>, missing: bool) -> Set {
        Set {
            values: Values::Only(texts.into_iter().collect()),
            missing,
        }
    }

    pub fn any_text(missing: bool) -> Set {
        Set {
            values: Values::AllBut(BTreeSet::new()),
            missing,
        }
    }

    /// Only the missing value, in a domain shaped like `self`.
    pub fn only_missing(&self) -> Set {
        let values = match &self.values {
            Values::Numbers { whole, .. } => Values::Numbers {
                ranges: Vec::new(),
                whole: *whole,
            },
            _ => Values::Only(BTreeSet::new()),
        };
        Set {
            values,
            missing: true,
        }
    }

    /// The same values without missing.
    pub fn present(&self) -> Set {
        Set {
            values: self.values.clone(),
            missing: false,
        }
    }

    fn normalise(&mut self) {
        if let Values::Numbers { ranges, whole } = &mut self.values {
            let mut kept: Vec<Interval> = ranges
                .iter()
                .map(|r| if *whole { r.whole() } else { *r })
                .filter(|r| !r.is_empty())
                .collect();
            kept.sort_by(|a, b| a.lo.total_cmp(&b.lo));
            let mut merged: Vec<Interval> = Vec::with_capacity(kept.len());
            for r in kept {
                match merged.last_mut() {
                    Some(last) if touches(*last, r, *whole) => {
                        if r.hi > last.hi || (r.hi == last.hi && r.hi_in) {
                            last.hi = r.hi;
                            last.hi_in = r.hi_in;
                        }
                    }
                    _ => merged.push(r),
                }
            }
            *ranges = merged;
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.missing && self.has_no_present_value()
    }

    pub fn has_no_present_value(&self) -> bool {
        match &self.values {
            Values::Numbers { ranges, .. } => ranges.is_empty(),
            Values::Only(texts) => texts.is_empty(),
            Values::AllBut(_) => false,
        }
    }

    pub fn intersect(&self, other: &Set) -> Set {
        let values = match (&self.values, &other.values) {
            (
                Values::Numbers { ranges: a, whole },
                Values::Numbers {
                    ranges: b,
                    whole: w2,
                },
            ) => {
                let ranges = a
                    .iter()
                    .flat_map(|x| b.iter().map(move |y| x.intersect(*y)))
                    .collect();
                Values::Numbers {
                    ranges,
                    whole: *whole || *w2,
                }
            }
            (Values::Only(a), Values::Only(b)) => Values::Only(a & b),
            (Values::Only(a), Values::AllBut(b)) | (Values::AllBut(b), Values::Only(a)) => {
                Values::Only(a - b)
            }
            (Values::AllBut(a), Values::AllBut(b)) => Values::AllBut(a | b),
            // Values of different kinds never meet (the checker keeps
            // comparisons to one type); nothing is in both.
            _ => Values::Only(BTreeSet::new()),
        };
        let mut set = Set {
            values,
            missing: self.missing && other.missing,
        };
        set.normalise();
        set
    }

    /// What of `domain` is not in this set.
    pub fn complement_in(&self, domain: &Set) -> Set {
        let values = match &self.values {
            Values::Numbers { ranges, whole } => Values::Numbers {
                ranges: gaps(ranges),
                whole: *whole,
            },
            Values::Only(texts) => Values::AllBut(texts.clone()),
            Values::AllBut(texts) => Values::Only(texts.clone()),
        };
        Set {
            values,
            missing: !self.missing,
        }
        .intersect(domain)
    }

    pub fn contains(&self, value: &Value) -> bool {
        match (value, &self.values) {
            (Value::Missing, _) => self.missing,
            (Value::Number(x), Values::Numbers { ranges, .. }) => {
                ranges.iter().any(|r| r.contains(*x))
            }
            (Value::Text(t), Values::Only(texts)) => texts.contains(t),
            (Value::Text(t), Values::AllBut(texts)) => !texts.contains(t),
            _ => false,
        }
    }

    /// A value of the set: a present one when there is one.
    pub fn witness(&self) -> Option<Value> {
        let present = match &self.values {
            Values::Numbers { ranges, whole } => {
                ranges.first().map(|r| Value::Number(r.witness(*whole)))
            }
            Values::Only(texts) => texts.iter().next().cloned().map(Value::Text),
            Values::AllBut(texts) => Some(Value::Text(other_text(texts))),
        };
        present.or(self.missing.then_some(Value::Missing))
    }

    /// Every value, when there are few enough to list (scores, labels).
    pub fn enumerate(&self, limit: usize) -> Option<Vec<Value>> {
        let mut values = match &self.values {
            Values::Numbers {
                ranges,
                whole: true,
            } => {
                let mut out = Vec::new();
                for r in ranges {
                    if !(r.lo.is_finite() && r.hi.is_finite()) || r.hi - r.lo >= limit as f64 {
                        return None;
                    }
                    let mut x = r.lo;
                    while x <= r.hi {
                        out.push(Value::Number(x));
                        x += 1.0;
                    }
                }
                out
            }
            Values::Only(texts) => texts.iter().cloned().map(Value::Text).collect(),
            _ => return None,
        };
        if self.missing {
            values.push(Value::Missing);
        }
        (values.len() <= limit).then_some(values)
    }
}

/// Whether two sorted intervals overlap or meet, so that they are one.
fn touches(a: Interval, b: Interval, whole: bool) -> bool {
    if whole {
        return b.lo <= a.hi + 1.0;
    }
    b.lo < a.hi || (b.lo == a.hi && (a.hi_in || b.lo_in))
}

/// The numbers between sorted disjoint intervals.
fn gaps(ranges: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut from = (f64::NEG_INFINITY, false);
    for r in ranges {
        out.push(Interval {
            lo: from.0,
            lo_in: from.1,
            hi: r.lo,
            hi_in: !r.lo_in && r.lo.is_finite(),
        });
        from = (r.hi, !r.hi_in && r.hi.is_finite());
    }
    out.push(Interval {
        lo: from.0,
        lo_in: from.1,
        hi: f64::INFINITY,
        hi_in: false,
    });
    out.into_iter().filter(|r| !r.is_empty()).collect()
}

/// A text that is none of `taken`.
fn other_text(taken: &BTreeSet<String>) -> String {
    (0..)
        .map(|i| {
            if i == 0 {
                "other".to_string()
            } else {
                format!("other{i}")
            }
        })
        .find(|t| !taken.contains(t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score() -> Set {
        Set::numbers(vec![Interval::closed(1.0, 5.0)], true, true)
    }

    #[test]
    fn whole_numbers_close_open_ends() {
        let s = Set::numbers(vec![Interval::above(3.0, false)], true, false).intersect(&score());
        assert_eq!(
            s.enumerate(10),
            Some(vec![Value::Number(4.0), Value::Number(5.0)])
        );
        let none = Set::numbers(vec![Interval::above(5.0, false)], true, false).intersect(&score());
        assert!(none.is_empty());
    }

    #[test]
    fn the_complement_of_a_comparison_holds_missing() {
        let ge4 = Set::numbers(vec![Interval::above(4.0, true)], true, false);
        let not = ge4.complement_in(&score());
        assert_eq!(
            not.enumerate(10),
            Some(vec![
                Value::Number(1.0),
                Value::Number(2.0),
                Value::Number(3.0),
                Value::Missing
            ])
        );
    }

    #[test]
    fn real_intervals_keep_open_ends() {
        let all = Set::numbers(vec![Interval::ALL], false, true);
        let gt = Set::numbers(vec![Interval::above(10.0, false)], false, false);
        let lt = Set::numbers(vec![Interval::below(5.0, false)], false, false);
        assert!(gt.intersect(&lt).is_empty());
        let rest = gt.complement_in(&all);
        assert!(rest.contains(&Value::Number(10.0)) && rest.contains(&Value::Missing));
        assert!(!rest.contains(&Value::Number(10.5)));
        assert_eq!(gt.witness(), Some(Value::Number(11.0)));
    }

    #[test]
    fn texts_and_their_complements() {
        let any = Set::any_text(true);
        let north = Set::texts(["north".to_string()], false);
        let other = north.complement_in(&any);
        assert!(other.contains(&Value::Missing) && !other.contains(&Value::Text("north".into())));
        assert_eq!(other.present().witness(), Some(Value::Text("other".into())));
        assert!(north.intersect(&other).is_empty());
    }
}
