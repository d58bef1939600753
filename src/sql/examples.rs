//! The examples of a rule set as one query: a `VALUES` table with one row
//! per example (what it gives, missing elsewhere) in place of the customer
//! source and its aggregates, then the very definition steps a run
//! computes (`compute::definition_steps`). Nothing of the rules' meaning is
//! written again here: a given metric replaces the computed one, scores and
//! dataset-level values are read from the row (an example is one customer,
//! so they cannot be computed from it), and everything else is computed as
//! in a run.

use std::collections::HashSet;

use super::compute::{self, Layout};
use super::lower;
use super::tree::{Body, Cte, Expr, Item, Query, Relation, Select, col};
use super::{Dialect, tree};
use crate::semantic::Program;
use crate::semantic::ir::{self, ExprKind, GivenTarget, NodeKind, Value};
use crate::semantic::types::Type;

/// The query, and how to read its rows.
#[derive(Debug, Clone)]
pub struct ExampleQuery {
    pub sql: String,
    /// The segmentations (node indices) whose labels follow the example's
    /// number, in column order; the last column is the tags, as JSON.
    pub segmentations: Vec<usize>,
}

/// The column numbering the examples (from 1, in file order).
const EXAMPLE: &str = "seg$example";

/// `None` when the rules have no example.
pub fn query(dialect: &dyn Dialect, p: &Program) -> Option<ExampleQuery> {
    if p.examples.is_empty() {
        return None;
    }
    let inputs = with_inputs(p);
    let layout = compute::layout(&inputs);
    let given = given_metrics(p, &layout);
    let columns = Columns::new(p, &layout, &given);
    let mut ctes = vec![Cte {
        name: "seg_base".to_string(),
        comments: vec!["One row per example: what it gives, missing where it gives nothing".into()],
        body: Body::Select(Select {
            items: vec![Item::new(Expr::Star)],
            from: Some((columns.values(), None)),
            ..Select::default()
        }),
        materialized: false,
    }];
    let last = compute::definition_steps(&inputs, &layout, &mut ctes);
    replace_given_metrics(&mut ctes, &layout, &given);
    let segmentations: Vec<usize> = p
        .declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Segmentation(_)))
        .map(|(i, _)| i)
        .collect();
    let mut items = vec![Item::new(col(EXAMPLE))];
    for (n, &i) in segmentations.iter().enumerate() {
        items.push(Item::named(
            col(&layout.nodes[i]),
            &format!("label${}", n + 1),
        ));
    }
    let tags = compute::tag_list(&inputs, &layout);
    items.push(Item::named(json_text(tags), "seg$tags"));
    let query = Query {
        ctes,
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(last), None)),
            ..Select::default()
        }),
        order_by: vec![(col(EXAMPLE), false)],
    };
    let mut printer = tree::Printer::new(dialect);
    printer.query(&query, 0);
    Some(ExampleQuery {
        sql: printer.finish(),
        segmentations,
    })
}

/// The metrics some example gives that a run computes in a step: where
/// an example gives one, its value replaces the computed one. (A metric
/// that is exactly one aggregate is that aggregate's column of the row.)
fn given_metrics(p: &Program, layout: &Layout) -> HashSet<usize> {
    p.examples
        .iter()
        .flat_map(|e| &e.givens)
        .filter_map(|g| match g.target {
            GivenTarget::Node(n) => Some(n),
            _ => None,
        })
        .filter(|&n| {
            matches!(p.nodes[n].kind, NodeKind::Metric(_)) && aggregate_of(p, layout, n).is_none()
        })
        .collect()
}

/// The aggregate a metric is exactly, named after it.
fn aggregate_of(p: &Program, layout: &Layout, node: usize) -> Option<usize> {
    match &p.nodes[node].kind {
        NodeKind::Metric(ir::Expr {
            kind: ExprKind::Aggregate(a),
            ..
        }) if layout.aggregates[*a] == p.nodes[node].name => Some(*a),
        _ => None,
    }
}

/// The column of the row holding a node's given value, and whether it is
/// given (for a metric computed in a step).
fn value_column(node: usize) -> String {
    format!("given${}", node + 1)
}

fn flag_column(node: usize) -> String {
    format!("given?${}", node + 1)
}

/// The program with scores and dataset-level values read from the row:
/// each becomes a metric that is the column of its given value.
fn with_inputs(p: &Program) -> Program {
    let mut inputs = p.clone();
    for (i, node) in inputs.nodes.iter_mut().enumerate() {
        if matches!(
            node.kind,
            NodeKind::Score(_) | NodeKind::DatasetValue { .. }
        ) {
            node.kind = NodeKind::Metric(ir::Expr {
                kind: ExprKind::Column(value_column(i)),
                ty: Type::Number,
                nullable: true,
            });
            inputs.customer_columns.push(value_column(i));
        }
    }
    inputs
}

/// The columns of the `VALUES` table and the value of each in each row.
struct Columns {
    names: Vec<String>,
    rows: Vec<Vec<Expr>>,
}

impl Columns {
    fn new(p: &Program, layout: &Layout, given: &HashSet<usize>) -> Columns {
        let mut columns = Columns {
            names: vec![EXAMPLE.to_string()],
            rows: (1..=p.examples.len())
                .map(|k| vec![Expr::Number(k.to_string())])
                .collect(),
        };
        for c in &p.customer_columns {
            let name = layout.customer_columns[c].clone();
            columns.add(
                name,
                p,
                |g| match &g.target {
                    GivenTarget::Column(given) if crate::semantic::names::same(given, c) => {
                        Some(cell(g.value.as_ref(), Type::Unknown))
                    }
                    _ => None,
                },
                Type::Unknown,
            );
        }
        for (a, aggregate) in p.aggregates.iter().enumerate() {
            // A metric that is exactly this aggregate gives its value.
            let metric = (0..p.nodes.len()).find(|&n| aggregate_of(p, layout, n) == Some(a));
            let ty = aggregate.ty;
            columns.add(
                layout.aggregates[a].clone(),
                p,
                |g| match (&g.target, metric) {
                    (GivenTarget::Node(n), Some(m)) if *n == m => Some(cell(g.value.as_ref(), ty)),
                    _ => None,
                },
                ty,
            );
        }
        for (i, node) in p.nodes.iter().enumerate() {
            let read_from_row = matches!(
                node.kind,
                NodeKind::Score(_) | NodeKind::DatasetValue { .. }
            );
            if read_from_row || given.contains(&i) {
                let ty = match &node.kind {
                    NodeKind::Metric(e) => e.ty,
                    _ => Type::Number,
                };
                let value = |g: &ir::Given| match g.target {
                    GivenTarget::Node(n) if n == i => Some(cell(g.value.as_ref(), ty)),
                    _ => None,
                };
                let name = layout
                    .customer_columns
                    .get(&value_column(i))
                    .cloned()
                    .unwrap_or_else(|| value_column(i));
                columns.add(name, p, value, ty);
            }
            if given.contains(&i) {
                let flag = |g: &ir::Given| {
                    matches!(g.target, GivenTarget::Node(n) if n == i).then_some(Expr::Bool(true))
                };
                columns.add(flag_column(i), p, flag, Type::Bool);
            }
        }
        for (m, name) in layout.manual_tags.iter().enumerate() {
            columns.names.push(name.clone());
            for (k, example) in p.examples.iter().enumerate() {
                let mut tags: Vec<&str> = example
                    .givens
                    .iter()
                    .filter_map(|g| match &g.target {
                        GivenTarget::Tag(t) if m == 0 => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                tags.sort();
                tags.dedup();
                columns.rows[k].push(tag_list(&tags));
            }
        }
        columns
    }

    /// A column whose value in each row is the example's given one, or
    /// missing (`false` for a flag).
    fn add(
        &mut self,
        name: String,
        p: &Program,
        value: impl Fn(&ir::Given) -> Option<Expr>,
        ty: Type,
    ) {
        self.names.push(name);
        for (k, example) in p.examples.iter().enumerate() {
            let given = example.givens.iter().find_map(&value);
            let is_flag = self.names.last().is_some_and(|n| n.starts_with("given?"));
            let absent = if is_flag {
                Expr::Bool(false)
            } else {
                missing(ty)
            };
            self.rows[k].push(given.unwrap_or(absent));
        }
    }

    fn values(&self) -> Relation {
        Relation::Values {
            alias: "seg$given".to_string(),
            columns: self.names.clone(),
            rows: self.rows.clone(),
        }
    }
}

/// A given value (`None`: given as missing).
fn cell(value: Option<&Value>, ty: Type) -> Expr {
    match value {
        Some(v) => lower::value(v),
        None => missing(ty),
    }
}

/// A missing value of a type, so that every row of the column has one
/// type even where no example gives it.
fn missing(ty: Type) -> Expr {
    let sql = match ty {
        Type::Number => "DOUBLE",
        Type::Text => "VARCHAR",
        Type::Date => "DATE",
        Type::Bool => "BOOLEAN",
        // Unknown (a column of a source not read): DuckDB's untyped NULL
        // takes the type of whatever it meets.
        Type::Unsupported | Type::Unknown => return Expr::Null,
    };
    Expr::Cast(Box::new(Expr::Null), sql)
}

fn tag_list(tags: &[&str]) -> Expr {
    if tags.is_empty() {
        Expr::EmptyTextList
    } else {
        tree::call(
            "list_value",
            tags.iter().map(|t| Expr::Str((*t).to_string())).collect(),
        )
    }
}

/// A metric some example gives is that value where it is given, and
/// computed as in a run elsewhere.
fn replace_given_metrics(ctes: &mut [Cte], layout: &Layout, metrics: &HashSet<usize>) {
    // Every step but the base, which holds the given values.
    for cte in ctes {
        let Body::Select(select) = &mut cte.body else {
            continue;
        };
        for item in &mut select.items {
            let Some(node) = metrics
                .iter()
                .copied()
                .find(|&n| item.alias.as_deref() == Some(layout.nodes[n].as_str()))
            else {
                continue;
            };
            let computed = std::mem::replace(&mut item.expr, Expr::Null);
            item.expr = Expr::Case {
                operand: None,
                whens: vec![(col(&flag_column(node)), col(&value_column(node)))],
                otherwise: Some(Box::new(computed)),
            };
        }
    }
}

/// A value as JSON text.
fn json_text(value: Expr) -> Expr {
    Expr::Cast(Box::new(tree::call("to_json", vec![value])), "VARCHAR")
}
