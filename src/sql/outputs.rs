//! The SQL around the computation: the tag list, the published tables, the
//! summary queries, the run record and file exports.

use super::compute::{
    Layout, before_as_of, own_column, source_relation, stored_relation, summary_columns,
};
use super::dialect::Dialect;
use super::tree::{
    self, Body, Expr, Item, Join, Op, Printer, Query, Relation, Select, binary, call, col, qcol,
};
use super::{CATALOG_TABLE, CUSTOMERS_TABLE, RESULT, RUNS_TABLE, TAGS_TABLE};
use crate::semantic::ir::{EntryKind, NodeKind, Program};

fn print(dialect: &dyn Dialect, f: impl FnOnce(&mut Printer)) -> String {
    let mut p = Printer::new(dialect);
    f(&mut p);
    p.finish()
}

/// `CREATE OR REPLACE [TEMP] TABLE name AS query`, as the dialect spells it.
pub fn create_table_as(dialect: &dyn Dialect, name: &str, temp: bool, query: &Query) -> String {
    print(dialect, |p| {
        p.text(&dialect.create_table_as(&dialect.identifier(name), temp));
        p.query(query, 0);
    })
}

/// Where a published table's new version is written during a run: in
/// place inside the run's transaction, or under its staging name on an
/// engine without transactions, swapped in as the run's last step.
pub fn writing(dialect: &dyn Dialect, table: &str) -> String {
    if dialect.capabilities().transactions {
        table.to_string()
    } else {
        super::dialect::staged(table)
    }
}

/// On an engine without transactions: the computed table's published
/// columns under the wide table's staging name, then each published
/// table's new version swapped in for the previous one, the wide table
/// last (`docs/spark.md` says what is atomic per table format).
fn write_then_swap(dialect: &dyn Dialect, p: &Program, layout: &Layout) -> Vec<String> {
    let dropped: Vec<String> = unpublished_columns(p, layout)
        .iter()
        .map(|column| dialect.identifier(column))
        .collect();
    let mut out = vec![print(dialect, |pr| {
        pr.text(&dialect.create_table_as(
            &dialect.identifier(&writing(dialect, CUSTOMERS_TABLE)),
            false,
        ));
        pr.text("SELECT *");
        if !dropped.is_empty() {
            pr.text(&format!(" EXCEPT ({})", dropped.join(", ")));
        }
        pr.text(" FROM ");
        pr.ident(RESULT);
    })];
    for table in [TAGS_TABLE, CATALOG_TABLE, CUSTOMERS_TABLE] {
        out.push(dialect.swap_in(
            &dialect.identifier(table),
            &dialect.identifier(&writing(dialect, table)),
        ));
    }
    out
}

/// The columns of the computed table that the wide table does not have:
/// what only the summaries read, and each customer's open label history.
fn unpublished_columns(p: &Program, layout: &Layout) -> Vec<String> {
    summary_columns(p, layout)
        .into_iter()
        .map(|(_, c)| c)
        .chain(super::history::open_columns(p))
        .collect()
}

/// The computed table becomes the wide table (key, metrics, scores,
/// segmentations and the tag list, in key order) without being copied:
/// the previous wide table goes, the columns only the summaries read are
/// dropped, and the table takes the wide table's name.
pub fn put_in_place(dialect: &dyn Dialect, p: &Program, layout: &Layout) -> Vec<String> {
    if !dialect.capabilities().transactions {
        return write_then_swap(dialect, p, layout);
    }
    let mut out = vec![print(dialect, |pr| {
        pr.text("DROP TABLE IF EXISTS ");
        pr.ident(CUSTOMERS_TABLE);
    })];
    for column in unpublished_columns(p, layout) {
        out.push(print(dialect, |pr| {
            pr.text("ALTER TABLE ");
            pr.ident(RESULT);
            pr.text(" DROP COLUMN ");
            pr.ident(&column);
        }));
    }
    out.push(print(dialect, |pr| {
        pr.text("ALTER TABLE ");
        pr.ident(RESULT);
        pr.text(" RENAME TO ");
        pr.ident(CUSTOMERS_TABLE);
    }));
    out
}

/// The long table: one row per (customer, tag), unnested from the
/// computed wide table, so in its order (by key) and each customer's tags
/// in theirs.
pub fn tags_table(p: &Program) -> Query {
    Query {
        ctes: Vec::new(),
        body: Body::Select(Select {
            items: vec![
                Item::new(col(&p.customers.key)),
                Item::named(
                    Expr::Unnest(Box::new(col(&own_column(p, "tags")))),
                    &own_column(p, "tag"),
                ),
            ],
            from: Some((Relation::Named(RESULT.into()), None)),
            ..Select::default()
        }),
        order_by: Vec::new(),
    }
}

/// The catalogue's columns, in order.
pub const CATALOG_COLUMNS: &[(&str, &str)] = &[
    ("kind", "VARCHAR"),
    ("segmentation", "VARCHAR"),
    ("name", "VARCHAR"),
    ("category", "VARCHAR"),
    ("description", "VARCHAR"),
    ("colour", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("rule", "VARCHAR"),
    ("defined_at", "VARCHAR"),
    ("position", "INTEGER"),
];

/// The statements that fill the catalogue: the entries the rules define,
/// then hand-assigned tags found in the data that no rule describes.
pub fn catalogue(dialect: &dyn Dialect, p: &Program) -> Vec<String> {
    let catalog = writing(dialect, CATALOG_TABLE);
    let columns: Vec<String> = CATALOG_COLUMNS
        .iter()
        .map(|(name, ty)| format!("{} {}", dialect.identifier(name), dialect.type_name(ty)))
        .collect();
    let mut out =
        vec![dialect.create_table(&dialect.identifier(&catalog), &columns.join(", "), false)];

    let text = |v: &Option<String>| v.clone().map_or(Expr::Null, Expr::Str);
    let mut rows = Vec::new();
    let mut label_position = std::collections::HashMap::<&str, usize>::new();
    let mut tag_position = 0;
    for entry in &p.catalogue {
        let (kind, origin, position) = match entry.kind {
            EntryKind::Label => {
                let seg = entry.segmentation.as_deref().unwrap_or_default();
                let n = label_position.entry(seg).or_insert(0);
                *n += 1;
                ("label", "rule", Some(*n))
            }
            EntryKind::Tag => {
                tag_position += 1;
                ("tag", "rule", Some(tag_position))
            }
            EntryKind::ManualTag => ("tag", "manual", None),
        };
        rows.push(vec![
            Expr::Str(kind.into()),
            text(&entry.segmentation),
            Expr::Str(entry.name.clone()),
            text(&entry.category),
            text(&entry.description),
            text(&entry.colour),
            Expr::Str(origin.into()),
            text(&entry.rule),
            text(&entry.defined_at),
            position.map_or(Expr::Null, |n| Expr::Number(n.to_string())),
        ]);
    }
    if !rows.is_empty() {
        out.push(print(dialect, |pr| {
            pr.text("INSERT INTO ");
            pr.ident(&catalog);
            pr.text(" VALUES\n");
            for (i, row) in rows.iter().enumerate() {
                pr.text("    (");
                for (j, v) in row.iter().enumerate() {
                    if j > 0 {
                        pr.text(", ");
                    }
                    pr.expr(v);
                }
                pr.text(if i + 1 < rows.len() { "),\n" } else { ")" });
            }
        }));
    }
    if !p.manual_tags.is_empty() {
        out.push(print(dialect, |pr| {
            pr.text("INSERT INTO ");
            pr.ident(&catalog);
            pr.text("\n");
            pr.select(&undescribed_manual_tags(dialect, p), 0);
        }));
    }
    out
}

/// Hand-assigned tags found in the data that the catalogue does not list.
fn undescribed_manual_tags(dialect: &dyn Dialect, p: &Program) -> Select {
    let known: Vec<Expr> = p
        .catalogue
        .iter()
        .filter(|e| e.kind != EntryKind::Label)
        .map(|e| Expr::Str(e.name.clone()))
        .collect();
    // Every item named as its catalogue column: an unnamed literal would
    // be named by its text in some engines (Spark names `'tag'` `tag`,
    // which the ORDER BY would then mean).
    let tag = || col(&own_column(p, "tag"));
    let items: Vec<Item> = CATALOG_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let value = match i {
                0 => Expr::Str("tag".into()),
                2 => tag(),
                6 => Expr::Str("manual".into()),
                _ => Expr::Null,
            };
            Item::named(value, name)
        })
        .collect();
    Select {
        distinct: true,
        items,
        from: Some((Relation::Named(writing(dialect, TAGS_TABLE)), None)),
        filter: (!known.is_empty()).then(|| Expr::InList {
            expr: Box::new(tag()),
            items: known,
            negated: true,
        }),
        // By the output column: with DISTINCT, Spark orders by what is
        // selected only.
        order_by: vec![(col(CATALOG_COLUMNS[2].0), false)],
        ..Select::default()
    }
}

/// Summary queries over the computed and published tables.
#[derive(Debug)]
pub struct SummaryQueries {
    /// (segmentation, label, customers)
    pub labels: Option<String>,
    /// (tag, customers)
    pub tags: String,
    /// (score, bucket, low, high, customers)
    pub score_edges: Option<String>,
    /// (name, value)
    pub dataset_values: Option<String>,
    /// The same, per group, of those computed `within` one: (score, group,
    /// bucket, low, high, customers) and (name, group, value).
    pub group_score_edges: Option<String>,
    pub group_dataset_values: Option<String>,
    /// (customers)
    pub customers: String,
    /// For each fact source the rules read: its name, and the query
    /// counting its rows dated before the as-of date (rows).
    pub source_rows: Vec<(String, String)>,
    /// The rows of those sources that matched a customer, one column per
    /// source in the same order; `None` when no source is read.
    pub matched_rows: Option<String>,
    /// For each fact source and lookup table it reads: the rows dated
    /// before the as-of date whose key the lookup does not list (kept,
    /// with the lookup's columns missing).
    pub lookup_misses: Vec<LookupMisses>,
}

#[derive(Debug)]
pub struct LookupMisses {
    pub source: String,
    pub lookup: String,
    pub key: String,
    /// (rows)
    pub sql: String,
}

/// A lookup table's keys that appear more than once (the first few, in
/// order): a run stops before it starts when there is one, since a fact
/// row would be counted once per copy.
#[derive(Debug)]
pub struct LookupCheck {
    pub lookup: String,
    pub key: String,
    /// (key as text), at most [`LOOKUP_EXAMPLES`] rows.
    pub duplicates: String,
}

pub const LOOKUP_EXAMPLES: u64 = 5;

pub fn lookup_checks(dialect: &dyn Dialect, p: &Program) -> Vec<LookupCheck> {
    p.lookups
        .iter()
        .filter(|l| !l.joined.is_empty())
        .map(|l| {
            let key = || col(&l.source.key);
            let select = Select {
                items: vec![Item::new(Expr::Cast(Box::new(key()), "VARCHAR"))],
                from: Some((stored_relation(&l.source), None)),
                filter: Some(Expr::IsNull {
                    expr: Box::new(key()),
                    negated: true,
                }),
                group_by: vec![key()],
                having: Some(binary(count(), Op::Gt, Expr::Number("1".into()))),
                order_by: vec![(key(), false)],
                limit: Some(LOOKUP_EXAMPLES),
                ..Select::default()
            };
            LookupCheck {
                lookup: l.source.name.clone(),
                key: l.source.key.clone(),
                duplicates: print(dialect, |pr| pr.select(&select, 0)),
            }
        })
        .collect()
}

/// How many rows of each fact source name a key its lookup table lacks.
fn lookup_misses(dialect: &dyn Dialect, p: &Program) -> Vec<LookupMisses> {
    let (facts, lookup) = ("seg$facts", "seg$lookup");
    let mut out = Vec::new();
    for l in &p.lookups {
        for (f, _) in &l.joined {
            let source = &p.facts[*f];
            let key = &l.source.key;
            let mut filter = vec![
                Expr::IsNull {
                    expr: Box::new(qcol(facts, key)),
                    negated: true,
                },
                Expr::IsNull {
                    expr: Box::new(qcol(lookup, key)),
                    negated: false,
                },
            ];
            if let Some(at) = &source.at {
                filter.push(binary(qcol(facts, at), Op::Lt, Expr::Date(p.as_of)));
            }
            let select = Select {
                items: vec![Item::named(count(), "rows")],
                from: Some((source_relation(source), Some(facts.to_string()))),
                joins: vec![Join {
                    left: true,
                    relation: source_relation(&l.source),
                    alias: lookup.to_string(),
                    on: Some(binary(qcol(lookup, key), Op::Eq, qcol(facts, key))),
                }],
                filter: tree::all(filter),
                ..Select::default()
            };
            out.push(LookupMisses {
                source: source.name.clone(),
                lookup: l.source.name.clone(),
                key: key.clone(),
                sql: print(dialect, |pr| pr.select(&select, 0)),
            });
        }
    }
    out
}

pub fn summary(dialect: &dyn Dialect, p: &Program, layout: &Layout) -> SummaryQueries {
    let select = |s: Select| print(dialect, |pr| pr.select(&s, 0));
    let union = |selects: Vec<Select>| -> Option<String> {
        (!selects.is_empty()).then(|| {
            print(dialect, |pr| {
                pr.query(
                    &Query {
                        ctes: Vec::new(),
                        body: Body::Union { all: true, selects },
                        order_by: Vec::new(),
                    },
                    0,
                )
            })
        })
    };
    let mut labels = Vec::new();
    let mut edges = Vec::new();
    let mut datasets = Vec::new();
    let (mut group_edges, mut group_datasets) = (Vec::new(), Vec::new());
    for (i, node) in p.nodes.iter().enumerate() {
        let column = &layout.nodes[i];
        let group = layout.groups.get(&i).map(|(_, kept)| kept.as_str());
        match (&node.kind, group) {
            (NodeKind::Segmentation(_), _) => labels.push(label_counts(&node.name, column)),
            (NodeKind::Score(_), None) => edges.push(score_edges(
                &node.name,
                column,
                &layout.result_score_inputs[&i],
                None,
            )),
            (NodeKind::Score(_), Some(g)) => group_edges.push(score_edges(
                &node.name,
                column,
                &layout.result_score_inputs[&i],
                Some(g),
            )),
            (NodeKind::DatasetValue { .. }, None) => {
                datasets.push(dataset_value(&node.name, column, None))
            }
            (NodeKind::DatasetValue { .. }, Some(g)) => {
                group_datasets.push(dataset_value(&node.name, column, Some(g)))
            }
            _ => {}
        }
    }
    let (source_rows, matched_rows) = source_counts(p, layout);
    SummaryQueries {
        labels: union(labels),
        tags: select(Select {
            items: vec![
                Item::new(col(&own_column(p, "tag"))),
                Item::named(count(), "customers"),
            ],
            from: Some((Relation::Named(writing(dialect, TAGS_TABLE)), None)),
            group_by: vec![col(&own_column(p, "tag"))],
            ..Select::default()
        }),
        score_edges: union(edges),
        dataset_values: union(datasets),
        group_score_edges: union(group_edges),
        group_dataset_values: union(group_datasets),
        customers: select(Select {
            items: vec![Item::named(count(), "customers")],
            from: from_result(),
            ..Select::default()
        }),
        source_rows: source_rows
            .into_iter()
            .map(|(name, s)| (name, select(s)))
            .collect(),
        matched_rows: matched_rows.map(select),
        lookup_misses: lookup_misses(dialect, p),
    }
}

fn count() -> Expr {
    call("count", vec![Expr::Star])
}

fn from_result() -> Option<(Relation, Option<String>)> {
    Some((Relation::Named(RESULT.into()), None))
}

fn label_counts(segmentation: &str, column: &str) -> Select {
    Select {
        items: vec![
            Item::named(Expr::Str(segmentation.to_string()), "segmentation"),
            Item::named(col(column), "label"),
            Item::named(count(), "customers"),
        ],
        from: from_result(),
        group_by: vec![col(column)],
        ..Select::default()
    }
}

/// The lowest and highest input of each bucket of a score (in each group,
/// for a score `within` one).
fn score_edges(score: &str, column: &str, input: &str, group: Option<&str>) -> Select {
    let as_double = |e: Expr| Expr::Cast(Box::new(e), "DOUBLE");
    let mut items = vec![Item::named(Expr::Str(score.to_string()), "score")];
    items.extend(group.map(group_item));
    items.extend([
        Item::named(Expr::Cast(Box::new(col(column)), "INTEGER"), "bucket"),
        Item::named(as_double(call("min", vec![col(input)])), "low"),
        Item::named(as_double(call("max", vec![col(input)])), "high"),
        Item::named(count(), "customers"),
    ]);
    Select {
        items,
        from: from_result(),
        filter: Some(Expr::IsNull {
            expr: Box::new(col(column)),
            negated: true,
        }),
        group_by: group.map(col).into_iter().chain([col(column)]).collect(),
        ..Select::default()
    }
}

/// A dataset-level value (one per group, for one `within` a group: the
/// customers without a group have none).
fn dataset_value(name: &str, column: &str, group: Option<&str>) -> Select {
    let mut items = vec![Item::named(Expr::Str(name.to_string()), "name")];
    items.extend(group.map(group_item));
    items.push(Item::named(
        Expr::Cast(Box::new(call("any_value", vec![col(column)])), "DOUBLE"),
        "value",
    ));
    Select {
        items,
        from: from_result(),
        filter: group.map(|g| Expr::IsNull {
            expr: Box::new(col(g)),
            negated: true,
        }),
        group_by: group.map(col).into_iter().collect(),
        ..Select::default()
    }
}

/// A group's value as text, for the run log.
fn group_item(group: &str) -> Item {
    Item::named(Expr::Cast(Box::new(col(group)), "VARCHAR"), "group")
}

/// How many rows each read fact source has before the as-of date, and how
/// many of them belong to a customer of the key source: the rest are
/// dropped by the join, and a run says how many.
fn source_counts(p: &Program, layout: &Layout) -> (Vec<(String, Select)>, Option<Select>) {
    let mut totals = Vec::new();
    let mut matched = Vec::new();
    for (source, rows) in p.facts.iter().zip(&layout.fact_rows) {
        let Some(rows) = rows else { continue };
        totals.push((
            source.name.clone(),
            Select {
                items: vec![Item::named(count(), "rows")],
                from: Some((source_relation(source), None)),
                filter: before_as_of(source, p),
                ..Select::default()
            },
        ));
        let sum = call("sum", vec![col(rows)]);
        matched.push(Item::named(
            call("coalesce", vec![sum, Expr::Number("0".into())]),
            rows,
        ));
    }
    let matched = (!matched.is_empty()).then(|| Select {
        items: matched,
        from: from_result(),
        ..Select::default()
    });
    (totals, matched)
}

/// Counts customers, duplicate keys and missing keys of the customer source.
pub fn key_check(dialect: &dyn Dialect, p: &Program) -> String {
    let key = || col(&p.customers.key);
    let select = Select {
        items: vec![
            Item::named(call("count", vec![Expr::Star]), "customers"),
            Item::named(
                binary(
                    call("count", vec![key()]),
                    Op::Sub,
                    Expr::Call(tree::Call {
                        name: "count",
                        args: vec![key()],
                        distinct: true,
                        filter: None,
                        over: None,
                    }),
                ),
                "duplicates",
            ),
            Item::named(
                binary(
                    call("count", vec![Expr::Star]),
                    Op::Sub,
                    call("count", vec![key()]),
                ),
                "missing",
            ),
        ],
        from: Some((stored_relation(&p.customers), None)),
        ..Select::default()
    };
    print(dialect, |pr| pr.select(&select, 0))
}

/// A few keys that appear more than once, for the error message.
pub fn duplicate_keys(dialect: &dyn Dialect, p: &Program) -> String {
    let key = || col(&p.customers.key);
    let select = Select {
        items: vec![Item::new(Expr::Cast(Box::new(key()), "VARCHAR"))],
        from: Some((stored_relation(&p.customers), None)),
        filter: Some(Expr::IsNull {
            expr: Box::new(key()),
            negated: true,
        }),
        group_by: vec![key()],
        having: Some(binary(
            call("count", vec![Expr::Star]),
            Op::Gt,
            Expr::Number("1".into()),
        )),
        order_by: vec![(key(), false)],
        limit: Some(5),
        ..Select::default()
    };
    print(dialect, |pr| pr.select(&select, 0))
}

/// A column of the run log: its name and type.
enum RunColumn {
    Scalar(&'static str, &'static str),
    /// A list of records with these fields.
    Records(&'static str, &'static [(&'static str, &'static str)]),
}

/// The run log's columns, in the order a run's values are bound. Columns
/// added after the first release are added to older logs too.
const RUN_COLUMNS: &[RunColumn] = &[
    RunColumn::Scalar("run_id", "BIGINT PRIMARY KEY"),
    RunColumn::Scalar("started_at", "TIMESTAMP"),
    RunColumn::Scalar("duration_ms", "BIGINT"),
    RunColumn::Scalar("as_of", "DATE"),
    RunColumn::Scalar("as_of_origin", "VARCHAR"),
    RunColumn::Scalar("rules_hash", "VARCHAR"),
    RunColumn::Scalar("customers", "BIGINT"),
    RunColumn::Records(
        "label_counts",
        &[
            ("segmentation", "VARCHAR"),
            ("label", "VARCHAR"),
            ("customers", "BIGINT"),
        ],
    ),
    RunColumn::Records("tag_counts", &[("tag", "VARCHAR"), ("customers", "BIGINT")]),
    RunColumn::Records(
        "score_edges",
        &[
            ("score", "VARCHAR"),
            ("bucket", "INTEGER"),
            ("low", "DOUBLE"),
            ("high", "DOUBLE"),
            ("customers", "BIGINT"),
        ],
    ),
    RunColumn::Records(
        "dataset_values",
        &[("name", "VARCHAR"), ("value", "DOUBLE")],
    ),
    RunColumn::Records(
        "params",
        &[
            ("name", "VARCHAR"),
            ("value", "VARCHAR"),
            ("overridden", "BOOLEAN"),
        ],
    ),
    RunColumn::Records("sources", &[("name", "VARCHAR"), ("location", "VARCHAR")]),
    RunColumn::Records(
        "unmatched_rows",
        &[
            ("source", "VARCHAR"),
            ("rows", "BIGINT"),
            ("unmatched", "BIGINT"),
        ],
    ),
    // Whether the run wrote the membership history (runs of older
    // versions did not, and `seg changes` cannot reach back to them).
    RunColumn::Scalar("with_history", "BOOLEAN"),
    // How each `expect` of the rules came out on this run's table.
    RunColumn::Records(
        "expectations",
        &[
            ("expectation", "VARCHAR"),
            ("defined_at", "VARCHAR"),
            ("passed", "BOOLEAN"),
            ("customers", "BIGINT"),
            ("share", "DOUBLE"),
            ("examples", "VARCHAR[]"),
            ("detail", "VARCHAR"),
        ],
    ),
    // Score edges and dataset-level values of those computed `within` a
    // group, for each group (its value as text).
    RunColumn::Records(
        "group_score_edges",
        &[
            ("score", "VARCHAR"),
            ("group", "VARCHAR"),
            ("bucket", "INTEGER"),
            ("low", "DOUBLE"),
            ("high", "DOUBLE"),
            ("customers", "BIGINT"),
        ],
    ),
    RunColumn::Records(
        "group_dataset_values",
        &[
            ("name", "VARCHAR"),
            ("group", "VARCHAR"),
            ("value", "DOUBLE"),
        ],
    ),
    // The clusters of the kmeans segmentations: centroids (in the inputs'
    // units and standardised), sizes, iterations and inertia.
    RunColumn::Records(
        "clusters",
        &[
            ("segmentation", "VARCHAR"),
            ("cluster", "INTEGER"),
            ("customers", "BIGINT"),
            ("centroid", "DOUBLE[]"),
            ("standardised", "DOUBLE[]"),
            ("inputs", "VARCHAR[]"),
            ("iterations", "INTEGER"),
            ("inertia", "DOUBLE"),
        ],
    ),
];

/// How many columns the first run log had; later ones are added by
/// `ALTER TABLE` to logs written by older versions.
const FIRST_RUN_COLUMNS: usize = 13;

impl RunColumn {
    fn name(&self) -> &'static str {
        match self {
            RunColumn::Scalar(name, _) | RunColumn::Records(name, _) => name,
        }
    }

    /// The column's name and type, as the dialect spells them.
    fn definition(&self, dialect: &dyn Dialect) -> (String, String) {
        let ty = match self {
            RunColumn::Scalar(_, ty) => dialect.type_name(ty),
            RunColumn::Records(_, fields) => dialect.records_type(fields),
        };
        (dialect.identifier(self.name()), ty)
    }
}

/// The run log: one row per run, never replaced. The first statement
/// creates it; the others add later columns to an older one.
pub fn runs_table(dialect: &dyn Dialect) -> Vec<String> {
    let columns: Vec<(String, String)> = RUN_COLUMNS
        .iter()
        .map(|column| column.definition(dialect))
        .collect();
    let table = dialect.identifier(RUNS_TABLE);
    let lines: Vec<String> = columns
        .iter()
        .map(|(name, ty)| format!("    {name} {ty}"))
        .collect();
    let create = dialect.create_table(&table, &format!("\n{}\n", lines.join(",\n")), true);
    let added = columns[FIRST_RUN_COLUMNS..]
        .iter()
        .filter_map(|(name, ty)| dialect.add_column(&table, name, ty));
    std::iter::once(create).chain(added).collect()
}

/// The next run id: one more than the last.
pub fn next_run_id(dialect: &dyn Dialect) -> String {
    print(dialect, |pr| {
        pr.text("SELECT coalesce(max(");
        pr.ident(RUN_COLUMNS[0].name());
        pr.text("), 0) + 1 FROM ");
        pr.ident(RUNS_TABLE);
    })
}

/// Inserts one run; the values are bound as parameters in the order of the
/// columns, the lists as JSON.
pub fn record_run(dialect: &dyn Dialect) -> String {
    print(dialect, |pr| {
        pr.text("INSERT INTO ");
        pr.ident(RUNS_TABLE);
        pr.text(" (");
        for (i, column) in RUN_COLUMNS.iter().enumerate() {
            if i > 0 {
                pr.text(", ");
            }
            pr.ident(column.name());
        }
        pr.text(")\nVALUES (");
        for (i, column) in RUN_COLUMNS.iter().enumerate() {
            pr.text(if i == 0 { "" } else { ",\n    " });
            match column {
                RunColumn::Scalar(_, ty) => {
                    let ty = dialect.type_name(ty.split(' ').next().unwrap_or(ty));
                    pr.text(&format!("CAST({} AS {ty})", dialect.parameter(i + 1)));
                }
                RunColumn::Records(_, fields) => pr.text(&dialect.records_parameter(i + 1, fields)),
            }
        }
        pr.text(")");
    })
}

/// Copies a published table to a file.
pub fn export(dialect: &dyn Dialect, table: &str, path: &str, csv: bool) -> String {
    dialect.copy_to_file(table, path, csv)
}
