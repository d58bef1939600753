//! The SQL of `seg diff`: two rule sets computed on the same data, each
//! into a temporary table, then who moved between them.
//!
//! What both computations do alike is done once: a step of the chain of
//! CTEs (`compute.rs`) that is the same in both, and reads only steps that
//! are the same too (a fact source's aggregation, most often), is computed
//! into a temporary table that both then read. When the whole computation
//! is the same, it runs once and both sides are that one table.
//!
//! The comparisons are templates as in `history.rs`: `{name}` stands for
//! SQL text quoted when it is filled in.

use super::Statement;
use super::compute::{layout, own_column, result_query};
use super::dialect::Dialect;
use super::history::fill;
use super::outputs::create_table_as;
use super::tree::{Body, Cte, Expr, Item, Query, Relation, Select};
use crate::semantic::ir::{NodeKind, Program};

/// The old rules' computed table.
pub const OLD: &str = "seg$old";
/// The new rules' computed table (or [`OLD`], when both compute the same).
pub const NEW: &str = "seg$new";

/// The statements that compute both rule sets, and what they share.
#[derive(Debug)]
pub struct Computation {
    pub statements: Vec<Statement>,
    /// The table holding the new rules' values: [`NEW`], or [`OLD`] when
    /// the two computations are the same.
    pub new_table: &'static str,
    /// The steps computed once for both (CTE names), in order.
    pub shared: Vec<String>,
    /// Every temporary table the statements make.
    pub tables: Vec<String>,
}

/// Drops a temporary table a diff or a lint made.
pub fn drop_table(dialect: &dyn Dialect, table: &str) -> String {
    format!("DROP TABLE IF EXISTS {}", dialect.identifier(table))
}

/// The computation of one rule set into a temporary table (`seg lint
/// --db`): the query of a run, unsorted.
pub fn compute_into(dialect: &dyn Dialect, p: &Program, table: &str) -> String {
    create_table_as(dialect, table, true, &unsorted(result_query(p, &layout(p))))
}

/// A run's query without its final sort by key: a run publishes its
/// table in key order, a comparison or a count needs no order.
fn unsorted(query: Query) -> Query {
    Query {
        order_by: Vec::new(),
        ..query
    }
}

/// Both rule sets' computations, the steps they share computed once.
pub fn compute_both(dialect: &dyn Dialect, old: &Program, new: &Program) -> Computation {
    let old_query = unsorted(result_query(old, &layout(old)));
    let new_query = unsorted(result_query(new, &layout(new)));
    if old_query == new_query {
        let names = old_query.ctes.iter().map(|c| c.name.clone()).collect();
        return Computation {
            statements: vec![Statement::new(
                "Both rule sets compute the same: compute once",
                create_table_as(dialect, OLD, true, &old_query),
            )],
            new_table: OLD,
            shared: names,
            tables: vec![OLD.to_string()],
        };
    }
    let shared = shared_steps(&old_query, &new_query);
    let kept = kept_steps(&old_query, &new_query, &shared);
    let mut statements = Vec::new();
    for name in &kept {
        let query = Query {
            ctes: rewritten(&old_query.ctes, &shared, &kept, Some(name)),
            body: Body::Select(select_all(name)),
            order_by: Vec::new(),
        };
        statements.push(Statement::new(
            &format!("The step `{name}`, the same in both rule sets: computed once"),
            create_table_as(dialect, &shared_table(name), true, &query),
        ));
    }
    for (table, query) in [(OLD, &old_query), (NEW, &new_query)] {
        let query = Query {
            ctes: rewritten(&query.ctes, &shared, &kept, None),
            ..query.clone()
        };
        let title = if table == OLD {
            "The old rules' values"
        } else {
            "The new rules' values"
        };
        statements.push(Statement::new(
            title,
            create_table_as(dialect, table, true, &query),
        ));
    }
    let mut tables: Vec<String> = kept.iter().map(|k| shared_table(k)).collect();
    tables.extend([OLD.to_string(), NEW.to_string()]);
    Computation {
        statements,
        new_table: NEW,
        shared,
        tables,
    }
}

/// The table a shared step is kept in.
fn shared_table(cte: &str) -> String {
    format!("seg$shared:{cte}")
}

fn select_all(relation: &str) -> Select {
    Select {
        items: vec![Item::new(Expr::Star)],
        from: Some((Relation::Named(relation.to_string()), None)),
        ..Select::default()
    }
}

/// The steps that are the same in both queries and read only steps that
/// are the same too (so they compute the same rows), in order.
fn shared_steps(old: &Query, new: &Query) -> Vec<String> {
    let mut shared: Vec<String> = Vec::new();
    for cte in &old.ctes {
        let same = new.ctes.iter().any(|c| c == cte);
        let reads_shared = reads(&cte.body)
            .iter()
            .all(|r| shared.contains(r) || !old.ctes.iter().any(|c| c.name == *r));
        if same && reads_shared {
            shared.push(cte.name.clone());
        }
    }
    shared
}

/// The shared steps worth keeping in a table: those a step of either side
/// that is not shared reads, or the final select does.
fn kept_steps(old: &Query, new: &Query, shared: &[String]) -> Vec<String> {
    let mut wanted: Vec<String> = Vec::new();
    for query in [old, new] {
        let own = query.ctes.iter().filter(|c| !shared.contains(&c.name));
        for body in own.map(|c| &c.body).chain([&query.body]) {
            wanted.extend(reads(body));
        }
    }
    shared
        .iter()
        .filter(|name| wanted.contains(name))
        .cloned()
        .collect()
}

/// The steps of a query once the kept ones are tables: a kept step reads
/// its table, other shared steps go. With `only`, the steps that kept one
/// needs (those it reads, and what they read, up to kept tables), itself
/// computed in full.
fn rewritten(ctes: &[Cte], shared: &[String], kept: &[String], only: Option<&str>) -> Vec<Cte> {
    let needed = only.map(|name| needs(ctes, name, kept));
    ctes.iter()
        .filter(|c| needed.as_ref().is_none_or(|n| n.contains(&c.name)))
        .filter_map(|c| {
            let own = Some(c.name.as_str()) == only;
            if kept.contains(&c.name) && !own {
                Some(Cte {
                    name: c.name.clone(),
                    comments: Vec::new(),
                    body: Body::Select(select_all(&shared_table(&c.name))),
                    materialized: false,
                })
            } else if shared.contains(&c.name) && !own && only.is_none() {
                None
            } else {
                Some(c.clone())
            }
        })
        .collect()
}

/// `name` and every step it reads, through steps that are not kept (a
/// kept one is read from its table, so what it reads is not needed).
fn needs(ctes: &[Cte], name: &str, kept: &[String]) -> Vec<String> {
    let mut needed = vec![name.to_string()];
    let mut i = 0;
    while i < needed.len() {
        let current = needed[i].clone();
        i += 1;
        if current != name && kept.contains(&current) {
            continue;
        }
        if let Some(cte) = ctes.iter().find(|c| c.name == current) {
            for r in reads(&cte.body) {
                if !needed.contains(&r) {
                    needed.push(r);
                }
            }
        }
    }
    needed
}

/// The named relations (steps, seg's tables) a body reads.
fn reads(body: &Body) -> Vec<String> {
    let selects: Vec<&Select> = match body {
        Body::Select(s) => vec![s],
        Body::Union { selects, .. } => selects.iter().collect(),
    };
    let mut names = Vec::new();
    for s in selects {
        let relations = s
            .from
            .iter()
            .map(|(r, _)| r)
            .chain(s.joins.iter().map(|j| &j.relation));
        for r in relations {
            named(r, &mut names);
        }
    }
    names
}

fn named(relation: &Relation, names: &mut Vec<String>) {
    match relation {
        Relation::Named(n) => names.push(n.clone()),
        Relation::WithoutZones { base, .. } => named(base, names),
        _ => {}
    }
}

fn segmentations(p: &Program) -> Vec<&str> {
    p.declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Segmentation(_)))
        .map(|(_, n)| n.name.as_str())
        .collect()
}

/// One side of a comparison: its rules and the table of their values.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub program: &'a Program,
    pub table: &'a str,
}

impl Side<'_> {
    fn key(&self, dialect: &dyn Dialect) -> String {
        dialect.identifier(&self.program.customers.key)
    }
}

/// Every segmentation's transition matrix between the two sides, in one
/// query: (segmentation, from label, to label, customers, examples as a
/// JSON list of text, smallest key first). A segmentation only one side
/// has is all "no label" on the other; so is a customer only one side
/// has. `None` when neither has a segmentation.
pub fn label_changes(dialect: &dyn Dialect, old: Side, new: Side, examples: u32) -> Option<String> {
    let mut names: Vec<&str> = segmentations(new.program);
    for name in segmentations(old.program) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let label = |side: Side, alias: &str, name: &str| {
        if segmentations(side.program).contains(&name) {
            format!("CAST({alias}.{} AS VARCHAR)", dialect.identifier(name))
        } else {
            "CAST(NULL AS VARCHAR)".to_string()
        }
    };
    let mut columns = Vec::new();
    let mut cells = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let (from, to) = (format!("\"from${i}\""), format!("\"to${i}\""));
        columns.push(format!(
            "{} AS {from}, {} AS {to}",
            label(old, "\"old\"", name),
            label(new, "\"new\"", name)
        ));
        cells.push(format!(
            "SELECT {} AS \"segmentation\", {from} AS \"from\", {to} AS \"to\", count(*) AS \"customers\",\n    \
             CAST(to_json(CAST(min(\"key\", {examples}) AS VARCHAR[])) AS VARCHAR) AS \"examples\"\n\
             FROM \"pairs\"\n\
             GROUP BY {from}, {to}",
            dialect.string(name)
        ));
    }
    Some(fill(
        "WITH \"pairs\" AS MATERIALIZED (\n    \
         SELECT coalesce(\"old\".{old_key}, \"new\".{new_key}) AS \"key\",\n        \
         {columns}\n    \
         FROM {old} AS \"old\"\n    \
         FULL JOIN {new} AS \"new\" ON \"new\".{new_key} = \"old\".{old_key}\n\
         )\n\
         {cells}",
        &[
            ("old_key", old.key(dialect)),
            ("new_key", new.key(dialect)),
            ("columns", columns.join(",\n        ")),
            ("old", dialect.identifier(old.table)),
            ("new", dialect.identifier(new.table)),
            ("cells", cells.join("\nUNION ALL\n")),
        ],
    ))
}

/// Per tag, who has it on one side and not on the other: (tag, gained,
/// lost, gained examples, lost examples; the examples as JSON lists).
/// Only customers whose tag lists differ are unnested, so rules that
/// change few customers' tags cost one pass over the two tables.
pub fn tag_changes(dialect: &dyn Dialect, old: Side, new: Side, examples: u32) -> String {
    let sample = |which: &str, filter: &str| {
        format!(
            "CAST(to_json(CAST(min(\"key\", {examples}) FILTER (WHERE {filter}\"gained\") AS VARCHAR[])) AS VARCHAR) AS \"{which}_examples\""
        )
    };
    fill(
        "WITH \"moved\" AS (\n    \
         SELECT coalesce(\"old\".{old_key}, \"new\".{new_key}) AS \"key\",\n        \
         list_filter({new_tags}, lambda t: NOT list_contains({old_tags}, t)) AS \"gained\",\n        \
         list_filter({old_tags}, lambda t: NOT list_contains({new_tags}, t)) AS \"lost\"\n    \
         FROM {old} AS \"old\"\n    \
         FULL JOIN {new} AS \"new\" ON \"new\".{new_key} = \"old\".{old_key}\n    \
         WHERE \"old\".{old_list} IS DISTINCT FROM \"new\".{new_list}\n\
         ),\n\
         \"cells\" AS (\n    \
         SELECT \"key\", unnest(\"gained\") AS \"tag\", true AS \"gained\" FROM \"moved\"\n    \
         UNION ALL\n    \
         SELECT \"key\", unnest(\"lost\"), false FROM \"moved\"\n\
         )\n\
         SELECT \"tag\",\n    \
         count(*) FILTER (WHERE \"gained\") AS \"gained\",\n    \
         count(*) FILTER (WHERE NOT \"gained\") AS \"lost\",\n    \
         {gained},\n    \
         {lost}\n\
         FROM \"cells\"\n\
         GROUP BY 1\n\
         ORDER BY 1",
        &[
            ("old_key", old.key(dialect)),
            ("new_key", new.key(dialect)),
            (
                "old_list",
                dialect.identifier(&own_column(old.program, "tags")),
            ),
            (
                "new_list",
                dialect.identifier(&own_column(new.program, "tags")),
            ),
            ("old_tags", tag_list(dialect, old, "\"old\"")),
            ("new_tags", tag_list(dialect, new, "\"new\"")),
            ("old", dialect.identifier(old.table)),
            ("new", dialect.identifier(new.table)),
            ("gained", sample("gained", "")),
            ("lost", sample("lost", "NOT ")),
        ],
    )
}

/// A side's tags of a customer, empty for a customer the side has not.
fn tag_list(dialect: &dyn Dialect, side: Side, alias: &str) -> String {
    format!(
        "coalesce({alias}.{}, CAST([] AS VARCHAR[]))",
        dialect.identifier(&own_column(side.program, "tags"))
    )
}

/// How many customers get each label of each segmentation, from a
/// computed table: (segmentation, label, customers). `None` without
/// segmentations.
pub fn label_counts(dialect: &dyn Dialect, p: &Program, table: &str) -> Option<String> {
    let selects: Vec<String> = segmentations(p)
        .into_iter()
        .map(|name| {
            fill(
                "SELECT {name} AS \"segmentation\", CAST({column} AS VARCHAR) AS \"label\", count(*) AS \"customers\" FROM {table} GROUP BY 2",
                &[
                    ("name", dialect.string(name)),
                    ("column", dialect.identifier(name)),
                    ("table", dialect.identifier(table)),
                ],
            )
        })
        .collect();
    (!selects.is_empty()).then(|| selects.join("\nUNION ALL\n"))
}

/// How many customers carry each tag, and how many customers there are,
/// from a computed table: (tag, customers), the tag NULL for the row of
/// all customers.
pub fn tag_counts(dialect: &dyn Dialect, p: &Program, table: &str) -> String {
    fill(
        "SELECT NULL AS \"tag\", count(*) AS \"customers\" FROM {table}\n\
         UNION ALL\n\
         SELECT \"tag\", count(*) FROM (SELECT unnest({tags}) AS \"tag\" FROM {table}) GROUP BY 1",
        &[
            ("tags", dialect.identifier(&own_column(p, "tags"))),
            ("table", dialect.identifier(table)),
        ],
    )
}
