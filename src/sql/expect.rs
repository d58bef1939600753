//! The expectations of a rule set as one query over the computed table
//! (`seg$result`, inside the run's transaction): one row, the number of
//! customers, then for each expectation the customers it counts (those
//! with the label or tag, or those that break it) and, for the ones about
//! single customers, the first few keys of those that break it, as JSON.

use super::compute::{Layout, own_column};
use super::lower::{self, Context, Names};
use super::tree::{
    self, Body, Call, Cte, Expr, Item, Op, Query, Relation, Select, binary, call, col,
};
use super::{Dialect, RESULT};
use crate::semantic::Program;
use crate::semantic::ir::{ExpectationKind, ExprKind, NodeKind, Subject};

/// How many keys of customers that break an expectation are shown.
pub const SHOWN_CUSTOMERS: usize = 3;

/// `None` when the rules expect nothing.
pub fn query(dialect: &dyn Dialect, p: &Program, layout: &Layout) -> Option<String> {
    if p.expectations.is_empty() {
        return None;
    }
    let tags = own_column(p, "tags");
    // The computed table keeps hand-assigned tags in its one tag list.
    let tag_lists = [tags.clone()];
    let names = Names {
        nodes: &layout.nodes,
        aggregates: &layout.aggregates,
        customer_column: &|c: &str| c.to_string(),
        hand_tags: &tag_lists,
        as_of: p.as_of,
    };
    let has_tag = |name: &str| {
        call(
            "list_contains",
            vec![col(&tags), Expr::Str(name.to_string())],
        )
    };
    let mut items = vec![Item::named(call("count", vec![Expr::Star]), "customers")];
    for (j, expectation) in p.expectations.iter().enumerate() {
        let n = j + 1;
        let counted = match &expectation.kind {
            ExpectationKind::Share { subject, .. } => match subject {
                Subject::Label {
                    segmentation,
                    label,
                } => binary(
                    col(&layout.nodes[*segmentation]),
                    Op::Eq,
                    Expr::Str(label.clone()),
                ),
                Subject::Tag(name) => has_tag(name),
            },
            ExpectationKind::NoCustomer(c) => lower::customer(c, &names, Context::Condition),
            ExpectationKind::Every { condition, has } => {
                let lacks = Expr::IsNull {
                    expr: Box::new(col(&layout.nodes[*has])),
                    negated: false,
                };
                let condition = condition
                    .as_ref()
                    .map(|c| lower::customer(c, &names, Context::Condition));
                tree::all(condition.into_iter().chain([lacks]).collect())
                    .expect("at least one condition")
            }
        };
        let item = Item::named(
            filtered("count", vec![Expr::Star], counted.clone()),
            &format!("count${n}"),
        );
        items.push(item.comment(expectation.text.clone()));
        if !matches!(expectation.kind, ExpectationKind::Share { .. }) {
            let keys = filtered("list", vec![col(&p.customers.key)], counted);
            let first = call(
                "list_slice",
                vec![
                    call("list_sort", vec![keys]),
                    Expr::Number("1".into()),
                    Expr::Number(SHOWN_CUSTOMERS.to_string()),
                ],
            );
            items.push(Item::named(
                Expr::Cast(Box::new(call("to_json", vec![first])), "VARCHAR"),
                &format!("customers${n}"),
            ));
        }
    }
    let query = Query {
        ctes: vec![with_tags(p, layout, &tags)],
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named("seg_expect".into()), None)),
            ..Select::default()
        }),
        order_by: Vec::new(),
    };
    let mut printer = tree::Printer::new(dialect);
    printer.query(&query, 0);
    Some(printer.finish())
}

/// The computed table with a truth column for each tag the conditions
/// use (the table holds the tags as one list).
fn with_tags(p: &Program, layout: &Layout, tags: &str) -> Cte {
    let mut used = Vec::new();
    for expectation in &p.expectations {
        let exprs: Vec<_> = match &expectation.kind {
            ExpectationKind::NoCustomer(c) => vec![c],
            ExpectationKind::Every { condition, .. } => condition.iter().collect(),
            ExpectationKind::Share { .. } => Vec::new(),
        };
        for e in exprs {
            e.walk(|e| {
                if let ExprKind::Node(n) = e.kind
                    && matches!(p.nodes[n].kind, NodeKind::Tag(_))
                    && !used.contains(&n)
                {
                    used.push(n);
                }
            });
        }
    }
    used.sort();
    let mut items = vec![Item::new(Expr::Star)];
    for n in used {
        let holds = call(
            "list_contains",
            vec![col(tags), Expr::Str(p.nodes[n].name.clone())],
        );
        items.push(Item::named(holds, &layout.nodes[n]));
    }
    Cte {
        name: "seg_expect".into(),
        comments: vec!["The computed table, with the tags the expectations use as columns".into()],
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(RESULT.into()), None)),
            ..Select::default()
        }),
        materialized: false,
    }
}

/// An aggregate over the rows where `filter` holds.
fn filtered(name: &'static str, args: Vec<Expr>, filter: Expr) -> Expr {
    Expr::Call(Call {
        name,
        args,
        distinct: false,
        filter: Some(Box::new(filter)),
        over: None,
    })
}
