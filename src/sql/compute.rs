//! The query that computes every customer's values, as a chain of CTEs:
//!
//! 1. one aggregation per fact source (every aggregate over it in one
//!    `GROUP BY`, each with its own `FILTER`);
//! 2. the customer source LEFT JOINed to those, so no customer is lost;
//! 3. one step per dependency level: each step computes what only uses the
//!    steps before it (scores and dataset-level values are window functions
//!    over the previous step, all in one step when they can be).

use std::collections::HashMap;

use super::lower::{self, Context, Names};
use super::tree::{
    self, Body, Cte, Expr, Item, Join, Op, Query, Relation, Select, binary, call, col, qcol,
};
use crate::semantic::ir::{AggregateFunction, ExprKind, Location, NodeKind, Program, Source};

/// How the program's values are named in SQL, for the steps after the
/// computation (outputs, summaries).
#[derive(Debug, Clone)]
pub struct Layout {
    /// The column of each node.
    pub nodes: Vec<String>,
    /// The column of each aggregate.
    pub aggregates: Vec<String>,
    /// For each score node, the column holding its input.
    pub score_inputs: HashMap<usize, String>,
    /// Customer column → its name in the computed steps.
    pub customer_columns: HashMap<String, String>,
}

pub fn relation(location: &Location) -> Relation {
    match location {
        Location::File { path, format } => Relation::File {
            path: path.display().to_string(),
            format: *format,
        },
        Location::Table(t) => Relation::Table(t.split('.').map(String::from).collect()),
    }
}

/// A source's rows as the rules see them: timestamps with a time zone are
/// read as UTC timestamps.
pub fn source_relation(source: &Source) -> Relation {
    if let Some(columns) = &source.header_only {
        // No rows: the time column is a timestamp, as windows compare it
        // with dates; the others take the type of whatever they meet.
        let typed = |c: &String| (source.at.as_ref() == Some(c)).then_some("TIMESTAMP");
        return Relation::Empty {
            columns: columns.iter().map(|c| (c.clone(), typed(c))).collect(),
        };
    }
    let base = relation(&source.location);
    if source.zoned.is_empty() {
        base
    } else {
        Relation::WithoutZones {
            base: Box::new(base),
            columns: source.zoned.clone(),
        }
    }
}

pub fn layout(p: &Program) -> Layout {
    let mut datasets = 0;
    let nodes: Vec<String> = p
        .nodes
        .iter()
        .map(|n| match n.kind {
            NodeKind::DatasetValue { .. } => {
                datasets += 1;
                format!("percentile${datasets}")
            }
            // Tag names may be quoted and hold any character; the prefix
            // keeps them apart from every other column.
            NodeKind::Tag(_) => format!("tag:{}", n.name),
            _ => n.name.clone(),
        })
        .collect();
    // A metric that is exactly one aggregate names that aggregate's column.
    let mut aggregates: Vec<Option<String>> = vec![None; p.aggregates.len()];
    for node in &p.nodes {
        if let NodeKind::Metric(e) = &node.kind
            && let ExprKind::Aggregate(i) = e.kind
            && aggregates[i].is_none()
        {
            aggregates[i] = Some(node.name.clone());
        }
    }
    let aggregates: Vec<String> = aggregates
        .into_iter()
        .enumerate()
        .map(|(i, name)| name.unwrap_or_else(|| format!("agg${}", i + 1)))
        .collect();
    // A customer column whose name a definition took is renamed.
    let customer_columns: HashMap<String, String> = p
        .customer_columns
        .iter()
        .map(|c| {
            let taken = p.nodes.iter().any(|n| n.name.eq_ignore_ascii_case(c));
            let name = if taken {
                format!("{c}$customer")
            } else {
                c.clone()
            };
            (c.clone(), name)
        })
        .collect();
    // A score reads its input from a column: the referenced one when the
    // input is a plain name, otherwise a helper column.
    let mut score_inputs = HashMap::new();
    for (i, node) in p.nodes.iter().enumerate() {
        if let NodeKind::Score(s) = &node.kind {
            let column = match &s.input.kind {
                ExprKind::Node(n) => nodes[*n].clone(),
                ExprKind::Aggregate(a) => aggregates[*a].clone(),
                ExprKind::Column(c) => customer_columns_of(&customer_columns, c),
                _ => format!("{}$input", node.name),
            };
            score_inputs.insert(i, column);
        }
    }
    Layout {
        nodes,
        aggregates,
        score_inputs,
        customer_columns,
    }
}

fn customer_columns_of(columns: &HashMap<String, String>, c: &str) -> String {
    columns.get(c).cloned().unwrap_or_else(|| c.to_string())
}

/// Decimals exact enough for money and counts alike (28 digits before the
/// point, 10 after), used to sum floating-point columns in a fixed way.
const EXACT: &str = "DECIMAL(38, 10)";

/// The CTE name of a fact source's aggregation (distinct from `seg_base`
/// and `seg_step_N` whatever the source is called).
fn facts_cte(source: &Source) -> String {
    format!("seg_facts_{}", source.name)
}

pub fn result_query(p: &Program, layout: &Layout) -> Query {
    let mut ctes = Vec::new();

    // 1. One aggregation per fact source.
    let mut joins = Vec::new();
    let mut base_items = vec![Item::new(qcol(&p.customers.name, &p.customers.key))];
    for column in &p.customer_columns {
        if *column == p.customers.key {
            continue;
        }
        let name = &layout.customer_columns[column];
        base_items.push(Item::named(qcol(&p.customers.name, column), name));
    }
    for (f, source) in p.facts.iter().enumerate() {
        let aggs: Vec<usize> = (0..p.aggregates.len())
            .filter(|&a| p.aggregates[a].source == f)
            .collect();
        if aggs.is_empty() {
            continue;
        }
        let key_alias = if aggs
            .iter()
            .any(|&a| layout.aggregates[a].eq_ignore_ascii_case(&source.key))
        {
            format!("{}$key", source.key)
        } else {
            source.key.clone()
        };
        let mut items = vec![Item::named(col(&source.key), &key_alias)];
        for &a in &aggs {
            let aggregate = &p.aggregates[a];
            let mut conditions = Vec::new();
            if let Some(filter) = &aggregate.filter {
                conditions.push(lower::fact_row(filter, p.as_of));
            }
            if let (Some(since), Some(at)) = (aggregate.since, &source.at) {
                conditions.push(binary(col(at), Op::Ge, Expr::Date(since)));
            }
            let filter = tree::all(conditions).map(Box::new);
            let column = aggregate.column.as_deref().map(col);
            let expr = match aggregate.function {
                AggregateFunction::Mode => Expr::Mode {
                    column: Box::new(column.expect("mode has a column")),
                    filter,
                },
                function => {
                    let name = match function {
                        AggregateFunction::Count | AggregateFunction::CountDistinct => "count",
                        AggregateFunction::Sum => "sum",
                        AggregateFunction::Avg => "avg",
                        AggregateFunction::Min => "min",
                        AggregateFunction::Max => "max",
                        AggregateFunction::Mode => unreachable!(),
                    };
                    // Floating-point sums depend on the order of addition,
                    // which parallel aggregation does not fix: add them as
                    // exact decimals, so every run gives the same digits.
                    let exact = aggregate.float
                        && matches!(function, AggregateFunction::Sum | AggregateFunction::Avg);
                    let argument = column.unwrap_or(Expr::Star);
                    let argument = if exact {
                        Expr::Cast(Box::new(argument), EXACT)
                    } else {
                        argument
                    };
                    let call = Expr::Call(tree::Call {
                        name,
                        args: vec![argument],
                        distinct: function == AggregateFunction::CountDistinct,
                        order_within: Vec::new(),
                        filter,
                        over: None,
                    });
                    if exact {
                        Expr::Cast(Box::new(call), "DOUBLE")
                    } else {
                        call
                    }
                }
            };
            let name = &layout.aggregates[a];
            let item = Item::named(expr, name);
            // Hidden aggregates say what they are.
            items.push(if name.contains('$') {
                item.comment(aggregate.text.clone())
            } else {
                item
            });

            // In the joined step, count and sum over no rows are 0.
            let joined = qcol(&source.name, name);
            let joined = if aggregate.function.zero_when_empty() {
                call("coalesce", vec![joined, Expr::Number("0".into())])
            } else {
                joined
            };
            base_items.push(Item::named(joined, name));
        }
        let filter = source
            .at
            .as_ref()
            .map(|at| binary(col(at), Op::Lt, Expr::Date(p.as_of)));
        let described: Vec<String> = aggs.iter().map(|&a| layout.aggregates[a].clone()).collect();
        let mut comments = vec![format!(
            "Aggregates over `{}`, one pass: {}",
            source.name,
            described.join(", ")
        )];
        if source.at.is_some() {
            comments.push(format!(
                "Only rows dated before the as-of date {}.",
                p.as_of
            ));
        }
        ctes.push(Cte {
            name: facts_cte(source),
            comments,
            body: Body::Select(Select {
                items,
                from: Some((source_relation(source), None)),
                filter,
                group_by: vec![col(&source.key)],
                ..Select::default()
            }),
        });
        joins.push(Join {
            left: true,
            relation: Relation::Named(facts_cte(source)),
            alias: source.name.clone(),
            on: binary(
                qcol(&source.name, &key_alias),
                Op::Eq,
                qcol(&p.customers.name, &p.customers.key),
            ),
        });
    }

    // 2. Every customer, with the aggregates of their facts.
    ctes.push(Cte {
        name: "seg_base".to_string(),
        comments: vec![format!(
            "Every customer of `{}` (LEFT JOIN: customers without facts stay).",
            p.customers.name
        )],
        body: Body::Select(Select {
            items: base_items,
            from: Some((
                source_relation(&p.customers),
                Some(p.customers.name.clone()),
            )),
            joins,
            ..Select::default()
        }),
    });

    // 3. Definitions, one step per dependency level.
    let names = Names {
        nodes: &layout.nodes,
        aggregates: &layout.aggregates,
        customer_column: &|c: &str| customer_columns_of(&layout.customer_columns, c),
        as_of: p.as_of,
    };
    let mut level = vec![0usize; p.nodes.len()];
    let mut steps: Vec<(Vec<Item>, Vec<String>)> = Vec::new();
    let put =
        |steps: &mut Vec<(Vec<Item>, Vec<String>)>, at: usize, item: Item, what: Option<String>| {
            while steps.len() < at {
                steps.push((Vec::new(), Vec::new()));
            }
            steps[at - 1].0.push(item);
            if let Some(what) = what {
                steps[at - 1].1.push(what);
            }
        };
    for (i, node) in p.nodes.iter().enumerate() {
        let depth = |e: &crate::semantic::ir::Expr| refs_level(e, &level);
        let name = &layout.nodes[i];
        match &node.kind {
            NodeKind::Metric(e) => {
                if matches!(e.kind, ExprKind::Aggregate(a) if layout.aggregates[a] == node.name) {
                    level[i] = 0; // computed in the aggregation itself
                    continue;
                }
                level[i] = depth(e) + 1;
                put(
                    &mut steps,
                    level[i],
                    Item::named(lower::customer(e, &names, Context::Operand), name),
                    Some(format!("metric {}", node.name)),
                );
            }
            NodeKind::DatasetValue { input, fraction } => {
                level[i] = depth(input) + 1;
                // As a double: a percentile of decimals interpolates too.
                let expr = Expr::PercentileOverAll {
                    input: Box::new(Expr::Cast(
                        Box::new(lower::customer(input, &names, Context::Operand)),
                        "DOUBLE",
                    )),
                    fraction: fraction.to_string(),
                };
                put(
                    &mut steps,
                    level[i],
                    Item::named(expr, name).comment(node.name.clone()),
                    Some(node.name.clone()),
                );
            }
            NodeKind::Score(score) => {
                let base = depth(&score.input).max(score.subset.as_ref().map_or(0, depth));
                let input_column = &layout.score_inputs[&i];
                let input = lower::customer(&score.input, &names, Context::Operand);
                let mut step = base + 1;
                if *input_column == format!("{}$input", node.name) {
                    put(&mut steps, step, Item::named(input, input_column), None);
                    step += 1;
                }
                level[i] = step;
                // Who is scored: customers with a value (and in the subset).
                let mut scored = Vec::new();
                if score.input.nullable {
                    scored.push(Expr::IsNull {
                        expr: Box::new(col(input_column)),
                        negated: true,
                    });
                }
                if let Some(subset) = &score.subset {
                    scored.push(lower::customer(subset, &names, Context::Condition));
                }
                let scored = tree::all(scored);
                let partition: Vec<Expr> = scored.iter().cloned().collect();
                let rank = lower::window(
                    "rank",
                    Vec::new(),
                    tree::Window {
                        partition_by: partition.clone(),
                        order_by: vec![(col(input_column), !score.higher_is_better)],
                    },
                );
                let count = lower::window(
                    "count",
                    vec![Expr::Star],
                    tree::Window {
                        partition_by: partition,
                        order_by: Vec::new(),
                    },
                );
                // floor(n * (rank - 1) / N) + 1: equal values, equal scores.
                let bucket = binary(
                    binary(
                        binary(
                            Expr::Number(score.buckets.to_string()),
                            Op::Mul,
                            binary(rank, Op::Sub, Expr::Number("1".into())),
                        ),
                        Op::IntDiv,
                        count,
                    ),
                    Op::Add,
                    Expr::Number("1".into()),
                );
                let expr = match scored {
                    Some(scored) => Expr::Case {
                        operand: None,
                        whens: vec![(scored, bucket)],
                        otherwise: None,
                    },
                    None => bucket,
                };
                let direction = if score.higher_is_better {
                    "higher is better"
                } else {
                    "lower is better"
                };
                put(
                    &mut steps,
                    level[i],
                    Item::named(expr, name),
                    Some(format!(
                        "score {} ({} buckets, {direction})",
                        node.name, score.buckets
                    )),
                );
            }
            NodeKind::Segmentation(rules) => {
                level[i] = rules
                    .iter()
                    .filter_map(|r| r.condition.as_ref())
                    .map(depth)
                    .max()
                    .unwrap_or(0)
                    + 1;
                let mut whens = Vec::new();
                let mut otherwise = None;
                for rule in rules {
                    let label = Expr::Str(rule.label.clone());
                    match &rule.condition {
                        Some(c) => {
                            whens.push((lower::customer(c, &names, Context::Condition), label))
                        }
                        None => otherwise = Some(Box::new(label)),
                    }
                }
                let expr = if whens.is_empty() {
                    *otherwise.expect("a segmentation has rules")
                } else {
                    Expr::Case {
                        operand: None,
                        whens,
                        otherwise,
                    }
                };
                put(
                    &mut steps,
                    level[i],
                    Item::named(expr, name),
                    Some(format!("segmentation {}", node.name)),
                );
            }
            NodeKind::Tag(c) => {
                level[i] = depth(c) + 1;
                put(
                    &mut steps,
                    level[i],
                    Item::named(lower::customer(c, &names, Context::Truth), name),
                    Some(format!("tag {}", node.name)),
                );
            }
        }
    }

    let mut previous = "seg_base".to_string();
    for (n, (mut items, what)) in steps.into_iter().enumerate() {
        if items.is_empty() {
            continue;
        }
        let name = format!("seg_step_{}", n + 1);
        items.insert(0, Item::new(Expr::Star));
        let comment = if what.is_empty() {
            "Helper columns for the next step".to_string()
        } else {
            what.join(", ")
        };
        ctes.push(Cte {
            name: name.clone(),
            comments: vec![comment],
            body: Body::Select(Select {
                items,
                from: Some((Relation::Named(previous), None)),
                ..Select::default()
            }),
        });
        previous = name;
    }

    Query {
        ctes,
        body: Body::Select(Select {
            items: vec![Item::new(Expr::Star)],
            from: Some((Relation::Named(previous), None)),
            ..Select::default()
        }),
        order_by: Vec::new(),
    }
}

/// The latest step any node referenced by `e` is computed in.
fn refs_level(e: &crate::semantic::ir::Expr, level: &[usize]) -> usize {
    use crate::semantic::ir::ExprKind as K;
    match &e.kind {
        K::Node(n) => level[*n],
        K::Literal(_) | K::Column(_) | K::Aggregate(_) | K::Error => 0,
        K::Not(x) | K::Neg(x) | K::Abs(x) => refs_level(x, level),
        K::Binary { left, right, .. } => refs_level(left, level).max(refs_level(right, level)),
        K::IsMissing { expr, .. }
        | K::InList { expr, .. }
        | K::OnOrAfter { expr, .. }
        | K::Since { expr, .. }
        | K::Round { expr, .. } => refs_level(expr, level),
        K::Between {
            expr, low, high, ..
        } => refs_level(expr, level)
            .max(refs_level(low, level))
            .max(refs_level(high, level)),
    }
}
