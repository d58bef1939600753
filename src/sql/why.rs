//! `seg why`: the trace of chosen customers' labels and tags.
//!
//! The trace is SQL made from the run's own expressions, lowered by the
//! run's own lowering (`sql/lower.rs`): each rule's condition whole, and
//! each of its parts (a comparison, a test) as a select item of its own,
//! with the values on both sides. Nothing is evaluated in Rust: the engine
//! only lays out the rows this query gives.
//!
//! It reads one relation with the columns of the run's last definition
//! step ([`Layout`] names): a fresh computation of that step
//! ([`compute_into`], for `--as-of`), or a view of the published wide
//! table with the values the run recorded ([`published`]).

use super::compute::{self, Layout};
use super::dialect::Dialect;
use super::lower::{self, Context, Names};
use super::outputs::create_table_as;
use super::tree::{self, Body, Cte, Expr, Item, Join, Op, Query, Relation, Select, binary, call};
use super::{CUSTOMERS_TABLE, RUNS_TABLE};
use crate::semantic::Program;
use crate::semantic::ir::{self, BinaryOp, ExprKind, NodeKind};

/// The temporary table a fresh trace reads (`--as-of`).
pub const WHY_TABLE: &str = "seg$why";

/// Which customers to trace.
pub enum Selection<'a> {
    /// By key, compared as text (`seg why 42`).
    Keys(&'a [String]),
    /// Those a condition holds for, the first `limit` by key (`--where`).
    Where { condition: &'a ir::Expr, limit: u64 },
}

/// What one column of the trace query holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// The customer key, as text.
    Key,
    /// A metric's, score's or dataset-level value's value (node index).
    Value(usize),
    /// The label a segmentation gave (node index).
    Label(usize),
    /// The number of the rule (from 0) that gives the label, by the rules'
    /// own `CASE`; missing when none holds.
    Matched(usize),
    /// Whether a condition holds (index into [`Trace::conditions`]).
    Holds(usize),
    /// A part of a condition: whether it holds (missing when SQL's own
    /// three-valued logic says so), then the value of each side.
    Outcome { condition: usize, part: usize },
    Side {
        condition: usize,
        part: usize,
        side: usize,
    },
}

/// A condition the trace takes apart: a segmentation's rule or a tag's.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The segmentation or tag (node index).
    pub node: usize,
    /// The rule's place in its segmentation (from 0); `None` for a tag.
    pub rule: Option<usize>,
    pub parts: Vec<Part>,
}

/// A comparison or test inside a condition, as seg writes it, and the
/// sides whose values the trace shows (literals need none).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub text: String,
    pub sides: Vec<String>,
}

/// The trace query and what each of its columns is.
#[derive(Debug)]
pub struct Trace {
    pub sql: String,
    pub columns: Vec<Column>,
    pub conditions: Vec<Condition>,
}

/// The run's computation for a fresh trace, without since-dates or
/// history: every column of its last definition step, into
/// [`WHY_TABLE`]. Rules with kmeans segmentations are refused before.
pub fn compute_into(dialect: &dyn Dialect, p: &Program) -> String {
    let layout = compute::layout(p);
    let base = compute::base_query(p, &layout);
    let mut ctes = base.ctes;
    ctes.push(Cte {
        name: super::BASE.to_string(),
        comments: compute::base_comments(p),
        body: base.body,
        materialized: false,
    });
    let last = compute::definition_steps(p, &layout, compute::Ranks::Windows, &mut ctes);
    let query = Query {
        ctes,
        body: Body::Select(Select {
            items: vec![Item::new(Expr::Star)],
            from: Some((Relation::Named(last), None)),
            ..Select::default()
        }),
        order_by: Vec::new(),
    };
    create_table_as(dialect, WHY_TABLE, true, &query)
}

/// What a trace on the published tables needs from the run log: the last
/// run's dataset-level values (name, group or `None`, value).
pub type Recorded = [(String, Option<String>, Option<f64>)];

/// Why the published tables cannot stand in for the computation: the
/// rules read a value the wide table does not keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NotPublished(pub String);

/// The relation of a trace on the published tables: the wide table's
/// metrics, scores and labels, the dataset-level values the last run
/// recorded, and from the run's base table (`seg$base`, computed at the
/// run's as-of date by the run's own statement) what the wide table does
/// not keep: the customer source's columns, aggregates written inside a
/// condition, hand-assigned tags.
pub fn published(p: &Program, recorded: &Recorded) -> Result<Cte, NotPublished> {
    let layout = compute::layout(p);
    refuse_unpublished(p)?;
    const WIDE: &str = "seg$wide";
    let tags = || tree::qcol(WIDE, &compute::own_column(p, "tags"));
    let mut items = vec![Item::new(tree::qcol(WIDE, &p.customers.key))];
    let published = compute::published_nodes(p);
    for &n in &published {
        items.push(Item::new(tree::qcol(WIDE, &p.nodes[n].name)));
    }
    items.push(Item::new(tags()));
    let base = super::BASE;
    for c in p.customer_columns.iter().filter(|c| **c != p.customers.key) {
        let name = &layout.customer_columns[c];
        items.push(Item::new(tree::qcol(base, name)));
    }
    let names: Vec<&str> = published
        .iter()
        .map(|&n| p.nodes[n].name.as_str())
        .collect();
    for a in layout
        .aggregates
        .iter()
        .filter(|a| !names.contains(&a.as_str()))
    {
        items.push(Item::new(tree::qcol(base, a)));
    }
    for list in &layout.manual_tags {
        items.push(Item::new(tree::qcol(base, list)));
    }
    for (i, node) in p.nodes.iter().enumerate() {
        match &node.kind {
            NodeKind::DatasetValue { group, .. } => {
                let value = recorded_value(&layout, &node.name, group.as_ref(), recorded);
                items.push(Item::named(value, &layout.nodes[i]));
            }
            NodeKind::Tag(_) => {
                let holds = call("list_contains", vec![tags(), Expr::Str(node.name.clone())]);
                items.push(Item::named(holds, &layout.nodes[i]));
            }
            _ => {}
        }
    }
    Ok(Cte {
        name: WHY_TABLE.to_string(),
        comments: vec![
            "The published wide table, with the dataset-level values of the last run and \
             what the base table adds: customer columns, aggregates, hand-assigned tags"
                .into(),
        ],
        body: Body::Select(Select {
            items,
            from: Some((
                Relation::Named(CUSTOMERS_TABLE.to_string()),
                Some(WIDE.to_string()),
            )),
            joins: vec![Join {
                left: true,
                relation: Relation::Named(base.to_string()),
                alias: base.to_string(),
                on: Some(binary(
                    tree::qcol(base, &p.customers.key),
                    Op::Eq,
                    tree::qcol(WIDE, &p.customers.key),
                )),
            }],
            ..Select::default()
        }),
        materialized: false,
    })
}

/// A dataset-level value as the run log recorded it: one number, or one
/// per group (`CASE` on the customer's group, as text).
fn recorded_value(
    layout: &Layout,
    name: &str,
    group: Option<&ir::Expr>,
    recorded: &Recorded,
) -> Expr {
    let number = |v: Option<f64>| match v {
        Some(v) if v.is_finite() => Expr::Cast(Box::new(Expr::Str(v.to_string())), "DOUBLE"),
        _ => Expr::Null,
    };
    let mine = recorded.iter().filter(|(n, ..)| n == name);
    match group {
        None => number(mine.clone().find(|(_, g, _)| g.is_none()).and_then(|r| r.2)),
        Some(g) => {
            let whens: Vec<(Expr, Expr)> = mine
                .filter_map(|(_, group, v)| Some((Expr::Str(group.clone()?), number(*v))))
                .collect();
            if whens.is_empty() {
                return Expr::Null;
            }
            let column = compute::group_column(layout, g);
            Expr::Case {
                operand: Some(Box::new(Expr::Cast(
                    Box::new(tree::col(&column)),
                    "VARCHAR",
                ))),
                whens,
                otherwise: None,
            }
        }
    }
}

/// The published tables keep a rule-made tag only in the tag list, where
/// a hand-assigned tag of the same name is the same tag: a condition that
/// reads a tag cannot be traced on them when hand-assigned tags exist.
fn refuse_unpublished(p: &Program) -> Result<(), NotPublished> {
    if p.manual_tags.is_empty() {
        return Ok(());
    }
    for (_, condition) in traced(p) {
        let mut refused = None;
        condition.walk(|e| {
            if let ExprKind::Node(n) = &e.kind
                && matches!(p.nodes[*n].kind, NodeKind::Tag(_))
            {
                refused.get_or_insert_with(|| {
                    format!(
                        "a condition reads the tag `{}`, which the published tag list mixes with hand-assigned tags",
                        p.nodes[*n].name
                    )
                });
            }
        });
        if let Some(reason) = refused {
            return Err(NotPublished(reason));
        }
    }
    Ok(())
}

/// Every condition the trace takes apart, in declared order: each rule of
/// each segmentation (but a kmeans one's, which read the cluster), each
/// tag. (Index into the rules, or `None` for a tag.)
fn traced(p: &Program) -> Vec<((usize, Option<usize>), &ir::Expr)> {
    let mut out = Vec::new();
    for (i, node) in p.declared() {
        match &node.kind {
            NodeKind::Segmentation(rules) if !is_kmeans(p, i) => {
                for (r, rule) in rules.iter().enumerate() {
                    if let Some(c) = &rule.condition {
                        out.push(((i, Some(r)), c));
                    }
                }
            }
            NodeKind::Tag(c) => out.push(((i, None), c)),
            _ => {}
        }
    }
    out
}

pub fn is_kmeans(p: &Program, node: usize) -> bool {
    p.clusters.iter().any(|k| k.node == node)
}

/// The trace query over `relation` (the table [`WHY_TABLE`], or the CTE
/// [`published`] gives, put first).
pub fn trace(
    dialect: &dyn Dialect,
    p: &Program,
    selection: &Selection,
    published: Option<Cte>,
) -> Trace {
    let layout = compute::layout(p);
    let names = Names {
        nodes: &layout.nodes,
        aggregates: &layout.aggregates,
        customer_column: &|c: &str| {
            layout
                .customer_columns
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string())
        },
        hand_tags: &layout.manual_tags,
        as_of: p.as_of,
    };
    let lowered = |e: &ir::Expr, context| lower::customer(e, &names, context);
    let mut columns = vec![Column::Key];
    let mut items = vec![Item::new(Expr::Cast(
        Box::new(tree::col(&p.customers.key)),
        "VARCHAR",
    ))];
    for (i, node) in p.declared() {
        match &node.kind {
            NodeKind::Metric(_) | NodeKind::Score(_) | NodeKind::DatasetValue { .. } => {
                columns.push(Column::Value(i));
                items.push(Item::new(as_text(tree::col(&layout.nodes[i]))));
            }
            NodeKind::Segmentation(rules) => {
                columns.push(Column::Label(i));
                items.push(Item::new(tree::col(&layout.nodes[i])));
                columns.push(Column::Matched(i));
                items.push(Item::new(matched_rule(rules, &lowered, is_kmeans(p, i))));
            }
            NodeKind::Tag(_) => {}
        }
    }
    let mut conditions = Vec::new();
    for (c, ((node, rule), condition)) in traced(p).into_iter().enumerate() {
        columns.push(Column::Holds(c));
        items.push(Item::new(lowered(condition, Context::Truth)));
        let mut parts = Vec::new();
        for (k, part) in parts_of(condition).into_iter().enumerate() {
            columns.push(Column::Outcome {
                condition: c,
                part: k,
            });
            items.push(Item::new(lowered(part, Context::Condition)));
            let sides = sides_of(part);
            for (s, side) in sides.iter().enumerate() {
                columns.push(Column::Side {
                    condition: c,
                    part: k,
                    side: s,
                });
                items.push(Item::new(as_text(lowered(side, Context::Operand))));
            }
            parts.push(Part {
                text: written(p, part),
                sides: sides.iter().map(|s| written(p, s)).collect(),
            });
        }
        conditions.push(Condition { node, rule, parts });
    }
    let key = || tree::col(&p.customers.key);
    let (filter, limit) = match selection {
        Selection::Keys(keys) => (
            Expr::InList {
                expr: Box::new(Expr::Cast(Box::new(key()), "VARCHAR")),
                items: keys.iter().map(|k| Expr::Str(k.clone())).collect(),
                negated: false,
            },
            None,
        ),
        Selection::Where { condition, limit } => {
            (lowered(condition, Context::Condition), Some(*limit))
        }
    };
    let select = Select {
        items,
        from: Some((Relation::Named(WHY_TABLE.to_string()), None)),
        filter: Some(filter),
        order_by: vec![(key(), false)],
        limit,
        ..Select::default()
    };
    let query = Query {
        ctes: published.into_iter().collect(),
        body: Body::Select(select),
        order_by: Vec::new(),
    };
    let mut printer = tree::Printer::new(dialect);
    printer.query(&query, 0);
    Trace {
        sql: printer.finish(),
        columns,
        conditions,
    }
}

/// A value as text, as the database prints it (dates as `2025-06-30`).
fn as_text(e: Expr) -> Expr {
    Expr::Cast(Box::new(e), "VARCHAR")
}

/// The rule that gives the label, numbered from 0: the segmentation's own
/// `CASE`, first rule that holds. A kmeans segmentation's rules read the
/// cluster, which only its label keeps.
fn matched_rule(
    rules: &[ir::SegmentRule],
    lowered: &dyn Fn(&ir::Expr, Context) -> Expr,
    kmeans: bool,
) -> Expr {
    if kmeans {
        return Expr::Null;
    }
    let mut whens = Vec::new();
    let mut otherwise = None;
    for (r, rule) in rules.iter().enumerate() {
        let number = Expr::Number(r.to_string());
        match &rule.condition {
            Some(c) => whens.push((lowered(c, Context::Condition), number)),
            None => otherwise = Some(Box::new(number)),
        }
    }
    if whens.is_empty() {
        return *otherwise.expect("a segmentation has rules");
    }
    Expr::Case {
        operand: None,
        whens,
        otherwise,
    }
}

/// The parts of a condition: what `and`, `or` and `not` join, in reading
/// order.
fn parts_of(condition: &ir::Expr) -> Vec<&ir::Expr> {
    let mut out = Vec::new();
    let mut stack = vec![condition];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                left,
                right,
            } => {
                stack.push(right);
                stack.push(left);
            }
            ExprKind::Not(inner) => stack.push(inner),
            _ => out.push(e),
        }
    }
    out
}

/// The sides of a part whose values are worth showing: what it compares
/// or tests, but not a value written as it is.
fn sides_of(part: &ir::Expr) -> Vec<&ir::Expr> {
    let sides = match &part.kind {
        ExprKind::Binary { left, right, .. } => vec![&**left, &**right],
        ExprKind::Between {
            expr, low, high, ..
        } => vec![&**expr, &**low, &**high],
        ExprKind::TextTest { expr, pattern, .. } => vec![&**expr, &**pattern],
        ExprKind::IsMissing { expr, .. }
        | ExprKind::InList { expr, .. }
        | ExprKind::OnOrAfter { expr, .. }
        | ExprKind::Matches { expr, .. } => vec![&**expr],
        _ => Vec::new(),
    };
    sides
        .into_iter()
        .filter(|s| !matches!(s.kind, ExprKind::Literal(_)))
        .collect()
}

/// An expression as seg writes it (params are their values by now).
pub fn written(p: &Program, e: &ir::Expr) -> String {
    let w = |e: &ir::Expr| written(p, e);
    // An operand binding less tightly than its operator is parenthesised.
    let mine = precedence(e);
    let operand = |inner: &ir::Expr| {
        if precedence(inner) < mine || (precedence(inner) == mine && mine >= 4 && mine < 9) {
            format!("({})", w(inner))
        } else {
            w(inner)
        }
    };
    match &e.kind {
        ExprKind::Literal(v) => match v {
            ir::Value::Text(t) => format!("\"{}\"", t.replace('"', "\\\"")),
            v => v.display(),
        },
        ExprKind::Column(c) if c.starts_with("seg$cluster:") => "cluster".to_string(),
        ExprKind::Column(c) => c.clone(),
        ExprKind::Aggregate(a) => p.aggregates[*a].text.clone(),
        ExprKind::Node(n) => p.nodes[*n].name.clone(),
        ExprKind::HandTag(t) => format!("tag {t}"),
        // `not` reads best with what it negates in parentheses.
        ExprKind::Not(inner) if precedence(inner) < 9 => format!("not ({})", w(inner)),
        ExprKind::Not(inner) => format!("not {}", w(inner)),
        ExprKind::Neg(inner) => format!("-{}", operand(inner)),
        ExprKind::Binary { left, op, right } => {
            format!("{} {} {}", operand(left), op_text(*op), operand(right))
        }
        ExprKind::IsMissing { expr, negated } => format!(
            "{} is {}missing",
            operand(expr),
            if *negated { "not " } else { "" }
        ),
        ExprKind::InList {
            expr,
            items,
            negated,
        } => {
            let items: Vec<String> = items.iter().map(|v| w(&literal(v.clone()))).collect();
            format!(
                "{}{} in ({})",
                operand(expr),
                if *negated { " not" } else { "" },
                items.join(", ")
            )
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => format!(
            "{}{} between {} and {}",
            operand(expr),
            if *negated { " not" } else { "" },
            operand(low),
            operand(high)
        ),
        ExprKind::OnOrAfter { expr, date } => format!("{} on or after {date}", operand(expr)),
        ExprKind::Since { unit, expr } => {
            let name = match unit {
                ir::SinceUnit::Day => "days_since",
                ir::SinceUnit::Month => "months_since",
                ir::SinceUnit::Year => "years_since",
            };
            format!("{name}({})", w(expr))
        }
        ExprKind::Round { expr, digits } => format!("round({}, {digits})", w(expr)),
        ExprKind::Abs(inner) => format!("abs({})", w(inner)),
        ExprKind::Function { function, args } => {
            let args: Vec<String> = args.iter().map(w).collect();
            format!("{}({})", function_name(*function), args.join(", "))
        }
        ExprKind::TextTest { op, expr, pattern } => {
            let op = match op {
                ir::TextOp::Contains => "contains",
                ir::TextOp::StartsWith => "starts with",
                ir::TextOp::EndsWith => "ends with",
            };
            format!("{} {op} {}", operand(expr), operand(pattern))
        }
        ExprKind::Matches {
            expr,
            pattern,
            ignore_case,
        } => format!(
            "{} matches \"{pattern}\"{}",
            operand(expr),
            if *ignore_case { " ignoring case" } else { "" }
        ),
        ExprKind::Shift { expr, amount, unit } => format!(
            "{} {} {} {}",
            operand(expr),
            if *amount < 0 { "-" } else { "+" },
            amount.unsigned_abs(),
            unit_name(*unit)
        ),
        ExprKind::Error => "?".to_string(),
    }
}

/// How tightly an expression binds, as the grammar parses: `or`, `and`,
/// `not`, comparisons and tests, `+ -`, `* /`, then everything else.
fn precedence(e: &ir::Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => match op {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div => 6,
            _ => 4,
        },
        ExprKind::Not(_) => 3,
        ExprKind::IsMissing { .. }
        | ExprKind::InList { .. }
        | ExprKind::Between { .. }
        | ExprKind::OnOrAfter { .. }
        | ExprKind::TextTest { .. }
        | ExprKind::Matches { .. } => 4,
        ExprKind::Shift { .. } => 5,
        ExprKind::Neg(_) => 7,
        _ => 9,
    }
}

fn literal(v: ir::Value) -> ir::Expr {
    ir::Expr {
        ty: v.ty(),
        kind: ExprKind::Literal(v),
        nullable: false,
    }
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Or => "or",
        BinaryOp::And => "and",
        BinaryOp::Eq => "=",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
    }
}

fn function_name(f: ir::Function) -> &'static str {
    use ir::Function::*;
    match f {
        IfMissing => "if_missing",
        If => "if",
        Greatest => "greatest",
        Least => "least",
        Length => "length",
        Lower => "lower",
        Upper => "upper",
        Year => "year",
        Month => "month",
        Day => "day",
        DaysBetween => "days_between",
    }
}

fn unit_name(unit: ir::TimeUnit) -> String {
    format!("{unit:?}").to_lowercase() + "s"
}

/// The last run's id, as-of date, and dataset-level values (name, group,
/// value; the group `NULL` for one over every customer), from the run
/// log: what a trace on the published tables reads besides the tables.
pub fn last_run_values(dialect: &dyn Dialect) -> String {
    let runs = dialect.identifier(RUNS_TABLE);
    super::history::fill(
        "WITH \"last\" AS (SELECT * FROM {runs} WHERE \"run_id\" = (SELECT max(\"run_id\") FROM {runs}))\n\
         SELECT \"run_id\", CAST(\"as_of\" AS VARCHAR), NULL, NULL, NULL FROM \"last\"\n\
         UNION ALL\n\
         SELECT NULL, NULL, \"d\".\"name\", NULL, \"d\".\"value\" FROM (SELECT unnest(\"dataset_values\") AS \"d\" FROM \"last\")\n\
         UNION ALL\n\
         SELECT NULL, NULL, \"d\".\"name\", \"d\".\"group\", \"d\".\"value\" FROM (SELECT unnest(\"group_dataset_values\") AS \"d\" FROM \"last\")",
        &[("runs", runs)],
    )
}

/// The score edges of the computation a fresh trace made (score, bucket,
/// low, high, customers), as a run records them; scores `within` a group
/// are left out (their edges are per group).
pub fn fresh_score_edges(dialect: &dyn Dialect, p: &Program) -> Option<String> {
    let layout = compute::layout(p);
    let selects: Vec<Select> = p
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| matches!(n.kind, NodeKind::Score(_)) && !layout.groups.contains_key(i))
        .map(|(i, n)| {
            let bucket = tree::col(&layout.nodes[i]);
            let input = tree::col(&layout.score_inputs[&i]);
            let double = |e: Expr| Expr::Cast(Box::new(e), "DOUBLE");
            Select {
                items: vec![
                    Item::named(Expr::Str(n.name.clone()), "score"),
                    Item::named(Expr::Cast(Box::new(bucket.clone()), "INTEGER"), "bucket"),
                    Item::new(double(call("min", vec![input.clone()]))),
                    Item::new(double(call("max", vec![input]))),
                    Item::new(call("count", vec![Expr::Star])),
                ],
                from: Some((Relation::Named(WHY_TABLE.to_string()), None)),
                filter: Some(Expr::IsNull {
                    expr: Box::new(bucket.clone()),
                    negated: true,
                }),
                group_by: vec![bucket],
                ..Select::default()
            }
        })
        .collect();
    if selects.is_empty() {
        return None;
    }
    let query = Query {
        ctes: Vec::new(),
        body: Body::Union { all: true, selects },
        order_by: vec![(tree::col("score"), false), (tree::col("bucket"), false)],
    };
    let mut printer = tree::Printer::new(dialect);
    printer.query(&query, 0);
    Some(printer.finish())
}

/// Keys of the computed (or published) table closest to one not found,
/// for the hint: every key as text (the engine ranks them).
pub fn keys(dialect: &dyn Dialect, p: &Program, published: bool) -> String {
    let table = if published {
        CUSTOMERS_TABLE
    } else {
        WHY_TABLE
    };
    let mut printer = tree::Printer::new(dialect);
    printer.text("SELECT CAST(");
    printer.ident(&p.customers.key);
    printer.text(" AS VARCHAR) FROM ");
    printer.ident(table);
    printer.finish()
}
