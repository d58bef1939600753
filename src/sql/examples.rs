//! The examples of a rule set as one query: a table with one row per
//! example (what it gives, missing elsewhere; read from one JSON list of
//! records, which DuckDB reads far faster than a `VALUES` list of as many
//! expressions) in place of the customer
//! source and its aggregates, then the very definition steps a run
//! computes (`compute::definition_steps`). Nothing of the rules' meaning is
//! written again here: a given metric replaces the computed one, scores and
//! dataset-level values are read from the row (an example is one customer,
//! so they cannot be computed from it), and everything else is computed as
//! in a run.

use std::collections::HashSet;

use super::compute::{self, Layout};
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
    let (rows, untyped) = columns.relation();
    let mut ctes = vec![Cte {
        name: super::BASE.to_string(),
        comments: vec!["One row per example: what it gives, missing where it gives nothing".into()],
        body: Body::Select(Select {
            items: std::iter::once(Item::new(Expr::Star))
                .chain(untyped)
                .collect(),
            from: Some((rows, None)),
            ..Select::default()
        }),
        materialized: false,
    }];
    let last = compute::definition_steps(&inputs, &layout, compute::Ranks::Windows, &mut ctes);
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

/// The columns of the examples' rows: each with its SQL type (`None`
/// when no example gives it a value of a known type: it is then an untyped
/// NULL, which takes the type of whatever it meets), and each row's value
/// of each as JSON.
struct Columns {
    names: Vec<(String, Option<&'static str>)>,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl Columns {
    fn new(p: &Program, layout: &Layout, given: &HashSet<usize>) -> Columns {
        let mut columns = Columns {
            names: vec![(EXAMPLE.to_string(), Some("BIGINT"))],
            rows: (1..=p.examples.len())
                .map(|k| serde_json::Map::from_iter([(EXAMPLE.to_string(), k.into())]))
                .collect(),
        };
        for c in &p.customer_columns {
            let name = layout.customer_columns[c].clone();
            let value = |g: &ir::Given| match &g.target {
                GivenTarget::Column(given) if crate::semantic::names::same(given, c) => {
                    Some(g.value.clone())
                }
                _ => None,
            };
            columns.add(name, p, value, Type::Unknown);
        }
        for (a, aggregate) in p.aggregates.iter().enumerate() {
            // A metric that is exactly this aggregate gives its value.
            let metric = (0..p.nodes.len()).find(|&n| aggregate_of(p, layout, n) == Some(a));
            let value = |g: &ir::Given| match (&g.target, metric) {
                (GivenTarget::Node(n), Some(m)) if *n == m => Some(g.value.clone()),
                _ => None,
            };
            columns.add(layout.aggregates[a].clone(), p, value, aggregate.ty);
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
                    GivenTarget::Node(n) if n == i => Some(g.value.clone()),
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
                    matches!(g.target, GivenTarget::Node(n) if n == i)
                        .then_some(Some(Value::Bool(true)))
                };
                columns.add(flag_column(i), p, flag, Type::Bool);
                for row in &mut columns.rows {
                    row.entry(flag_column(i)).and_modify(|v| {
                        if v.is_null() {
                            *v = false.into();
                        }
                    });
                }
            }
        }
        for (m, name) in layout.manual_tags.iter().enumerate() {
            columns.names.push((name.clone(), Some("VARCHAR[]")));
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
                columns.rows[k].insert(name.clone(), tags.into());
            }
        }
        columns
    }

    /// A column whose value in each row is the example's given one, or
    /// missing. Its type is `ty`, or where that is not known, the type of
    /// the values given.
    fn add(
        &mut self,
        name: String,
        p: &Program,
        value: impl Fn(&ir::Given) -> Option<Option<Value>>,
        ty: Type,
    ) {
        let mut seen = None;
        for (k, example) in p.examples.iter().enumerate() {
            let given = example.givens.iter().find_map(&value).flatten();
            seen = seen.or(given.as_ref().map(Value::ty));
            self.rows[k].insert(
                name.clone(),
                given.as_ref().map_or(serde_json::Value::Null, json),
            );
        }
        let ty = if ty == Type::Unknown {
            seen.unwrap_or(ty)
        } else {
            ty
        };
        self.names.push((name, sql_type(ty)));
    }

    /// The rows as a relation: the typed columns from one JSON list of
    /// records, the others as untyped NULLs beside them.
    fn relation(&self) -> (Relation, Vec<Item>) {
        let typed: Vec<(String, &'static str)> = self
            .names
            .iter()
            .filter_map(|(n, t)| Some((n.clone(), (*t)?)))
            .collect();
        let untyped = self
            .names
            .iter()
            .filter(|(_, t)| t.is_none())
            .map(|(n, _)| Item::named(Expr::Null, n))
            .collect();
        // Only the typed columns are read from the records (a key the
        // records' type does not have is an error).
        let records: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut row = row.clone();
                row.retain(|k, _| typed.iter().any(|(n, _)| n == k));
                serde_json::Value::Object(row)
            })
            .collect();
        let relation = Relation::Records {
            fields: typed,
            json: serde_json::Value::Array(records).to_string(),
        };
        (relation, untyped)
    }
}

/// A given value as JSON (dates as text, which the cast reads).
fn json(value: &Value) -> serde_json::Value {
    match value {
        Value::Number(n) => n
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Text(t) => t.clone().into(),
        Value::Date(d) => d.to_string().into(),
        Value::Bool(b) => (*b).into(),
    }
}

fn sql_type(ty: Type) -> Option<&'static str> {
    Some(match ty {
        Type::Number => "DOUBLE",
        Type::Text => "VARCHAR",
        Type::Date => "DATE",
        Type::Bool => "BOOLEAN",
        Type::Unsupported | Type::Unknown => return None,
    })
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
