//! The published wide table as `seg test` snapshots it: every column as
//! JSON text, so a value's type shows (`"12"` is text, `12` a number) and
//! every engine spells a value the same way. Rows are in key order (the
//! key itself, not its text: 2 before 10).

use super::compute::own_column;
use super::tree::{self, Body, Expr, Item, Query, Relation, Select, call, col};
use super::{CUSTOMERS_TABLE, Dialect};
use crate::semantic::Program;

/// The wide table's column names (the key first, as `seg_customers` has
/// them) and the query reading them, in key order.
pub fn wide_table(dialect: &dyn Dialect, p: &Program) -> (Vec<String>, String) {
    let key = p.customers.key.clone();
    let columns: Vec<String> = std::iter::once(key.clone())
        .chain(["metric", "score", "segmentation"].iter().flat_map(|kind| {
            p.declared()
                .into_iter()
                .filter(|(_, n)| n.kind.kind_name() == *kind)
                .map(|(_, n)| n.name.clone())
        }))
        .chain([own_column(p, "tags")])
        .collect();
    let items = columns
        .iter()
        .map(|c| Item::new(json_text(col(c))))
        .collect();
    let query = Query {
        ctes: Vec::new(),
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(CUSTOMERS_TABLE.into()), None)),
            ..Select::default()
        }),
        order_by: vec![(col(&key), false)],
    };
    let mut printer = tree::Printer::new(dialect);
    printer.query(&query, 0);
    (columns, printer.finish())
}

/// A value as JSON text (`NULL` stays `NULL`: missing).
fn json_text(value: Expr) -> Expr {
    Expr::Cast(Box::new(call("to_json", vec![value])), "VARCHAR")
}
