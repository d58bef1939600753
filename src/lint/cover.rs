//! Which customers the rules of a segmentation reach: rules that earlier
//! rules cover entirely (shadowed), values no rule covers (gaps), and
//! conditions that can never hold.

use crate::diagnostic::{Code, Diagnostic, list_names};
use crate::i18n::tr;
use crate::semantic::Program;
use crate::semantic::ir::{Node, SegmentRule};

use super::depend::independent;
use super::dnf::{self, Dnf};
use super::domain::Value;
use super::formula::{Formula, Translator, Var, eval};
use super::written::{Rule, Written};
use super::{Example, Finding, Uncovered, label, out_of_range};

/// At most this many combinations of finite values are counted one by one.
const COUNT_LIMIT: usize = 100_000;

struct Segmentation<'s> {
    name: &'s str,
    labels: Vec<&'s str>,
    conditions: Vec<Formula>,
    written: &'s [Rule<'s>],
}

/// Every finding about one segmentation.
pub fn segmentation(
    t: &mut Translator<'_>,
    written: &Written<'_>,
    node: &Node,
    rules: &[SegmentRule],
) -> Vec<Finding> {
    let spans = written.rules(&node.name);
    if spans.len() != rules.len() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let mut conditions = Vec::with_capacity(rules.len());
    let mut out_of_range_rules = Vec::new();
    for (rule, w) in rules.iter().zip(spans) {
        let formula = match &rule.condition {
            Some(c) => t.condition(c, w.condition),
            None => Formula::Const(true),
        };
        out_of_range_rules.push(!t.out_of_range.is_empty());
        findings.extend(out_of_range(t));
        conditions.push(formula);
    }
    let s = Segmentation {
        name: &node.name,
        labels: rules.iter().map(|r| r.label.as_str()).collect(),
        conditions,
        written: spans,
    };
    let pos: Vec<Option<Dnf>> = s
        .conditions
        .iter()
        .map(|c| dnf::dnf(c, true, &t.vars))
        .collect();
    let neg: Vec<Option<Dnf>> = s
        .conditions
        .iter()
        .map(|c| dnf::dnf(c, false, &t.vars))
        .collect();
    let mut which = Vec::new();
    let opaque = s
        .conditions
        .iter()
        .fold(false, |any, c| c.vars(&mut which) | any);
    // Few values and nothing opaque: every combination, with the rule that
    // takes it, decides exactly.
    let table = if opaque {
        None
    } else {
        table(&s.conditions, &which, &t.vars)
    };
    for k in 0..rules.len() {
        let Some(alone) = &pos[k] else {
            continue;
        };
        if alone.is_empty() {
            if !out_of_range_rules[k] {
                findings.push(never_holds(&s, k, t));
            }
            continue;
        }
        let found = match &table {
            Some(table) => shadowed_in(table, &s, k, t),
            None => shadowed(&pos, &neg, k, alone, &t.vars)
                .map(|cover| (dnf_example(&s, k, &cover, alone, t), cover)),
        };
        if let Some((example, cover)) = found {
            findings.push(shadow(&s, k, &cover, example));
        }
    }
    if rules.iter().all(|r| r.condition.is_some()) {
        findings.extend(gap(&s, t, &neg, &which, table.as_deref()));
    }
    findings
}

/// A condition of a tag (or a score's `where`) on its own.
pub fn condition(
    t: &mut Translator<'_>,
    e: &crate::semantic::ir::Expr,
    written: &crate::syntax::ast::Expr,
    what: &str,
) -> Vec<Finding> {
    let formula = t.condition(e, Some(written));
    let mut findings = out_of_range(t);
    if findings.is_empty() && dnf::dnf(&formula, true, &t.vars).is_some_and(|d| d.is_empty()) {
        let text = t.files.text(written.span);
        findings.push(Finding::new(
            Diagnostic::new(
                Code::NeverHolds,
                tr!("never-holds", what = what.to_string()),
            )
            .at(written.span, tr!("never-holds.label"))
            .help(tr!(
                "never-holds.help",
                names_of = names_of(&formula, &t.vars).to_string(),
                text = text.to_string()
            )),
        ));
    }
    findings
}

fn never_holds(s: &Segmentation, k: usize, t: &Translator) -> Finding {
    let w = &s.written[k];
    let span = w.condition.map_or(w.statement, |c| c.span);
    Finding::new(
        Diagnostic::new(
            Code::NeverHolds,
            tr!(
                "never-holds-2",
                name = s.name.to_string(),
                label = label(s.labels[k]).to_string()
            ),
        )
        .at(span, tr!("never-holds-2.label"))
        .help(tr!(
            "never-holds-2.help",
            names_of = names_of(&s.conditions[k], &t.vars).to_string()
        )),
    )
}

/// The most conjuncts of what is left of a rule while looking for its
/// cover: a rule that earlier ones cut into this many pieces is most
/// likely not shadowed, and each rule is tried against every earlier one.
const SHADOW_LIMIT: usize = 256;

/// The earlier rules that leave nothing for rule `k`, or `None` when some
/// customer reaches it (or seg cannot tell): those that take some of what
/// is left of it, in order, then (when few) without those not needed.
fn shadowed(
    pos: &[Option<Dnf>],
    neg: &[Option<Dnf>],
    k: usize,
    alone: &Dnf,
    vars: &[Var],
) -> Option<Vec<usize>> {
    let mut rest = alone.clone();
    let mut cover = Vec::new();
    for i in 0..k {
        if rest.is_empty() {
            break;
        }
        if !dnf::and(&rest, pos[i].as_ref()?, vars)?.is_empty() {
            cover.push(i);
            rest = dnf::and_within(&rest, neg[i].as_ref()?, vars, SHADOW_LIMIT)?;
        }
    }
    if !rest.is_empty() {
        return None;
    }
    let covered = |rules: &[usize]| -> Option<bool> {
        let mut rest = alone.clone();
        for &i in rules {
            rest = dnf::and(&rest, neg[i].as_ref()?, vars)?;
        }
        Some(rest.is_empty())
    };
    if cover.len() <= 8 {
        for i in cover.clone().into_iter().rev() {
            let without: Vec<usize> = cover.iter().copied().filter(|&j| j != i).collect();
            if covered(&without) == Some(true) {
                cover = without;
            }
        }
    }
    Some(cover)
}

/// Every combination of the values of `which` (all finite), with the
/// first rule that takes it.
type Table = [(Vec<Value>, Option<usize>)];

fn table(
    conditions: &[Formula],
    which: &[usize],
    vars: &[Var],
) -> Option<Vec<(Vec<Value>, Option<usize>)>> {
    let choices: Vec<Vec<Value>> = which
        .iter()
        .map(|&v| vars[v].domain.enumerate(1000))
        .collect::<Option<_>>()?;
    let combinations = choices
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul(c.len()))?;
    if combinations > COUNT_LIMIT || which.is_empty() {
        return None;
    }
    let mut values: Vec<Value> = vars
        .iter()
        .map(|v| v.domain.witness().unwrap_or(Value::Missing))
        .collect();
    let none = |_: usize| None::<bool>;
    let mut out = Vec::with_capacity(combinations);
    for n in 0..combinations {
        let mut rest = n;
        for (i, &v) in which.iter().enumerate().rev() {
            values[v] = choices[i][rest % choices[i].len()].clone();
            rest /= choices[i].len();
        }
        let first = conditions
            .iter()
            .position(|c| eval(c, &values, &none) == Some(true));
        out.push((values.clone(), first));
    }
    Some(out)
}

/// Rule `k` from the table: shadowed when no combination reaches it; its
/// cover, the rules that take the combinations it matches.
fn shadowed_in(
    table: &Table,
    s: &Segmentation,
    k: usize,
    t: &Translator,
) -> Option<(Option<Example>, Vec<usize>)> {
    if table.iter().any(|(_, first)| *first == Some(k)) {
        return None;
    }
    let none = |_: usize| None::<bool>;
    let mine: Vec<&(Vec<Value>, Option<usize>)> = table
        .iter()
        .filter(|(values, _)| eval(&s.conditions[k], values, &none) == Some(true))
        .collect();
    let mut cover: Vec<usize> = mine.iter().filter_map(|(_, first)| *first).collect();
    cover.sort_unstable();
    cover.dedup();
    let (values, first) = mine.first()?;
    let shown = shown_vars(s, k, &cover);
    let example = Example::new(&t.vars, &shown, values, first.map(|i| s.labels[i]));
    Some((Some(example), cover))
}

/// The variables of rule `k` and of the rules that cover it.
fn shown_vars(s: &Segmentation, k: usize, cover: &[usize]) -> Vec<usize> {
    let mut shown = Vec::new();
    for &i in std::iter::once(&k).chain(cover) {
        s.conditions[i].vars(&mut shown);
    }
    shown
}

/// A customer of rule `k` that an earlier rule takes, checked on the
/// conditions.
fn dnf_example(
    s: &Segmentation,
    k: usize,
    cover: &[usize],
    alone: &Dnf,
    t: &Translator,
) -> Option<Example> {
    let shown = shown_vars(s, k, cover);
    alone.iter().find_map(|c| {
        let values = c.witness(&t.vars)?;
        let opaque = |id: usize| c.opaque.get(&id).copied();
        if eval(&s.conditions[k], &values, &opaque) != Some(true) {
            return None;
        }
        let first = (0..k).find(|&i| eval(&s.conditions[i], &values, &opaque) == Some(true))?;
        Some(Example::new(
            &t.vars,
            &shown,
            &values,
            Some(s.labels[first]),
        ))
    })
}

fn shadow(s: &Segmentation, k: usize, cover: &[usize], example: Option<Example>) -> Finding {
    let w = &s.written[k];
    let covering: Vec<String> = cover
        .iter()
        .map(|&i| format!("{} {}", s.name, label(s.labels[i])))
        .collect();
    let mut help = format!(
        "every customer it would match is taken by {} first",
        list_names(&covering, 8)
    );
    if let Some(e) = &example {
        help.push_str(&format!(
            ": {} matches \"{}\", but gets \"{}\"",
            e.text(),
            s.labels[k],
            e.matched_by.as_deref().unwrap_or_default()
        ));
    }
    help.push_str("; move the rule up or narrow the earlier ones");
    let mut d = Diagnostic::new(
        Code::Shadowed,
        tr!(
            "shadowed-rule",
            name = s.name.to_string(),
            label = label(s.labels[k]).to_string()
        ),
    )
    .at(w.label, tr!("shadowed-rule.label"))
    .help(help);
    for &i in cover {
        d = d.also(s.written[i].label, tr!("shadowed-rule.also"));
    }
    Finding {
        example,
        ..Finding::new(d)
    }
}

/// Values no rule covers, in a segmentation without `otherwise`.
fn gap(
    s: &Segmentation,
    t: &Translator,
    neg: &[Option<Dnf>],
    vars: &[usize],
    table: Option<&Table>,
) -> Option<Finding> {
    if let Some(table) = table {
        return counted_gap(s, t, vars, count(table, vars)?);
    }
    let mut rest: Dnf = vec![Default::default()];
    for n in neg {
        rest = dnf::and(&rest, n.as_ref()?, &t.vars)?;
    }
    // A conjunct without opaque atoms, over independent variables, whose
    // values match no rule; only its variables are shown (the others may
    // be anything).
    let none = |_: usize| None::<bool>;
    let (values, constrained) = rest.iter().find_map(|c| {
        let constrained: Vec<usize> = c.sets.keys().copied().collect();
        if !c.opaque.is_empty() || !free(t.program, &t.vars, &constrained) {
            return None;
        }
        let values = c.witness(&t.vars)?;
        // A column of whole numbers is just "a number" here: a gap shown
        // by `income = 1.5` may be no customer at all.
        let fraction = constrained
            .iter()
            .any(|&v| matches!(values[v], Value::Number(x) if x.fract() != 0.0));
        let matched = s
            .conditions
            .iter()
            .any(|f| eval(f, &values, &none) != Some(false));
        (!matched && !fraction).then_some((values, constrained))
    })?;
    let example = Example::new(&t.vars, &constrained, &values, None);
    let message = format!("`{}` gives some customers no label", s.name);
    Some(gap_finding(s, message, example, None))
}

fn counted_gap(s: &Segmentation, t: &Translator, vars: &[usize], count: Count) -> Option<Finding> {
    if !free(t.program, &t.vars, vars) {
        return None;
    }
    let first = count
        .first_present
        .as_ref()
        .or(count.first_missing.as_ref())?;
    let example = Example::new(&t.vars, vars, first, None);
    let names: Vec<&str> = vars.iter().map(|&v| t.vars[v].name.as_str()).collect();
    let message = if count.uncovered > 0 {
        format!(
            "`{}` gives no label to {} of the {} combinations of {}",
            s.name,
            count.uncovered,
            count.total,
            list_names(&names, 8)
        )
    } else {
        format!(
            "`{}` gives no label to customers with a missing value",
            s.name
        )
    };
    let uncovered = Uncovered {
        combinations: count.uncovered,
        of: count.total,
        missing_too: count.first_missing.is_some(),
        examples: count
            .present
            .iter()
            .map(|values| Example::new(&t.vars, vars, values, None))
            .collect(),
    };
    Some(gap_finding(s, message, example, Some(uncovered)))
}

fn gap_finding(
    s: &Segmentation,
    message: String,
    example: Example,
    uncovered: Option<Uncovered>,
) -> Finding {
    let last = s.written.last().map(|w| w.segmentation);
    let mut help = format!("for example {} matches no rule", example.text());
    if let Some(u) = &uncovered {
        if u.examples.len() > 1 {
            let more: Vec<String> = u.examples[1..].iter().map(Example::values_text).collect();
            help.push_str(&format!(" (nor {})", more.join("; ")));
        }
        if u.missing_too && u.combinations > 0 {
            help.push_str(", and neither does a customer with a missing value");
        }
    }
    help.push_str(&format!(
        "; add rules for them, or `{} <label> otherwise` as the last rule",
        s.name
    ));
    let mut d = Diagnostic::new(Code::Gap, message).help(help);
    if let Some(span) = last {
        d = d.at(span, tr!("uncovered-values.label"));
    }
    Finding {
        example: Some(example),
        uncovered,
        ..Finding::new(d)
    }
}

/// Whether the variables take their values independently (see `depend`).
fn free(program: &Program, vars: &[Var], which: &[usize]) -> bool {
    let exprs: Vec<_> = which.iter().map(|&v| &vars[v].expr).collect();
    independent(program, &exprs)
}

struct Count {
    /// Combinations without a missing value that no rule covers.
    uncovered: u64,
    /// Combinations without a missing value.
    total: u64,
    first_present: Option<Vec<Value>>,
    /// The first few uncovered combinations without a missing value.
    present: Vec<Vec<Value>>,
    first_missing: Option<Vec<Value>>,
}

/// Counts the combinations no rule takes.
fn count(table: &Table, which: &[usize]) -> Option<Count> {
    let mut count = Count {
        uncovered: 0,
        total: 0,
        first_present: None,
        present: Vec::new(),
        first_missing: None,
    };
    for (values, first) in table {
        let missing = which.iter().any(|&v| values[v] == Value::Missing);
        count.total += u64::from(!missing);
        if first.is_some() {
            continue;
        }
        if missing {
            count.first_missing.get_or_insert_with(|| values.clone());
        } else {
            count.uncovered += 1;
            count.first_present.get_or_insert_with(|| values.clone());
            if count.present.len() < 3 {
                count.present.push(values.clone());
            }
        }
    }
    (count.uncovered > 0 || count.first_missing.is_some()).then_some(count)
}

fn names_of(f: &Formula, vars: &[Var]) -> String {
    let mut which = Vec::new();
    f.vars(&mut which);
    let names: Vec<String> = which.iter().map(|&v| vars[v].name.clone()).collect();
    if names.is_empty() {
        "anything".to_string()
    } else {
        list_names(&names, 6)
    }
}
