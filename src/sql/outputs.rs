//! The SQL around the computation: the tag list, the published tables, the
//! summary queries, the run record and file exports.

use super::compute::{Layout, relation, source_relation};
use super::dialect::Dialect;
use super::tree::{
    self, Body, Cte, Expr, Item, Join, Op, Printer, Query, Relation, Select, binary, call, col,
    qcol,
};
use super::{CATALOG_TABLE, RESULT, RESULT_TAGS, RUNS_TABLE};
use crate::semantic::ir::{EntryKind, NodeKind, Program};

/// Position given to hand-assigned tags without a rule: after all rule tags.
const LAST: &str = "2147483647";

fn print(dialect: &dyn Dialect, f: impl FnOnce(&mut Printer)) -> String {
    let mut p = Printer::new(dialect);
    f(&mut p);
    p.finish()
}

/// `CREATE OR REPLACE [TEMP] TABLE name AS query`.
pub fn create_table_as(dialect: &dyn Dialect, name: &str, temp: bool, query: &Query) -> String {
    print(dialect, |p| {
        p.text(if temp {
            "CREATE OR REPLACE TEMP TABLE "
        } else {
            "CREATE OR REPLACE TABLE "
        });
        p.ident(name);
        p.text(" AS\n");
        p.query(query, 0);
    })
}

/// The (customer, tag, position) rows: rule-made tags, then hand-assigned
/// ones merged in (a hand-assigned tag with a rule tag's name is that tag).
pub fn result_tags(p: &Program, layout: &Layout) -> Query {
    let key = &p.customers.key;
    let rule_tags: Vec<(usize, &str)> = p
        .declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Tag(_)))
        .map(|(i, n)| (i, n.name.as_str()))
        .collect();
    let mut selects: Vec<Select> = rule_tags
        .iter()
        .enumerate()
        .map(|(position, &(node, name))| Select {
            items: vec![
                Item::new(col(key)),
                Item::named(Expr::Str(name.to_string()), "tag"),
                Item::named(Expr::Number((position + 1).to_string()), "position"),
            ],
            from: Some((Relation::Named(RESULT.into()), None)),
            filter: Some(col(&layout.nodes[node])),
            ..Select::default()
        })
        .collect();
    for manual in &p.manual_tags {
        let source = &p.facts[manual.source];
        // Stray spaces typed into a CRM field do not make another tag.
        let tag = call(
            "trim",
            vec![Expr::Cast(Box::new(qcol("m", &manual.column)), "VARCHAR")],
        );
        let position = if rule_tags.is_empty() {
            Expr::Cast(Box::new(Expr::Number(LAST.into())), "INTEGER")
        } else {
            Expr::Case {
                operand: Some(Box::new(tag.clone())),
                whens: rule_tags
                    .iter()
                    .enumerate()
                    .map(|(i, (_, name))| {
                        (
                            Expr::Str(name.to_string()),
                            Expr::Number((i + 1).to_string()),
                        )
                    })
                    .collect(),
                otherwise: Some(Box::new(Expr::Number(LAST.into()))),
            }
        };
        let mut conditions = vec![
            Expr::IsNull {
                expr: Box::new(qcol("m", &manual.column)),
                negated: true,
            },
            binary(tag.clone(), Op::Ne, Expr::Str(String::new())),
        ];
        if let Some(at) = &source.at {
            conditions.push(binary(qcol("m", at), Op::Lt, Expr::Date(p.as_of)));
        }
        selects.push(Select {
            distinct: true,
            items: vec![
                Item::named(qcol("r", key), key),
                Item::named(tag, "tag"),
                Item::named(position, "position"),
            ],
            from: Some((source_relation(source), Some("m".into()))),
            joins: vec![Join {
                left: false,
                relation: Relation::Named(RESULT.into()),
                alias: "r".into(),
                on: binary(qcol("r", key), Op::Eq, qcol("m", &source.key)),
            }],
            filter: tree::all(conditions),
            ..Select::default()
        });
    }
    if selects.is_empty() {
        // No tags at all: an empty table of the right shape.
        selects.push(Select {
            items: vec![
                Item::new(col(key)),
                Item::named(Expr::Cast(Box::new(Expr::Null), "VARCHAR"), "tag"),
                Item::named(Expr::Cast(Box::new(Expr::Null), "INTEGER"), "position"),
            ],
            from: Some((Relation::Named(RESULT.into()), None)),
            filter: Some(Expr::Bool(false)),
            ..Select::default()
        });
    }
    Query {
        ctes: Vec::new(),
        body: Body::Union {
            all: false,
            selects,
        },
        order_by: Vec::new(),
    }
}

/// The wide table: key, metrics, scores, segmentations, and the tag list.
pub fn customers_table(p: &Program, layout: &Layout) -> Query {
    let key = &p.customers.key;
    let mut items = vec![Item::new(qcol("r", key))];
    for kind in ["metric", "score", "segmentation"] {
        for (i, node) in p.declared() {
            if node.kind.kind_name() == kind {
                items.push(Item::named(qcol("r", &layout.nodes[i]), &node.name));
            }
        }
    }
    items.push(Item::named(
        call("coalesce", vec![qcol("t", "tags"), Expr::EmptyTextList]),
        "tags",
    ));
    let lists = Select {
        items: vec![
            Item::new(col(key)),
            Item::named(
                Expr::Call(tree::Call {
                    name: "list",
                    args: vec![col("tag")],
                    distinct: false,
                    order_within: vec![(col("position"), false), (col("tag"), false)],
                    filter: None,
                    over: None,
                }),
                "tags",
            ),
        ],
        from: Some((Relation::Named(RESULT_TAGS.into()), None)),
        group_by: vec![col(key)],
        ..Select::default()
    };
    Query {
        ctes: vec![Cte {
            name: "seg_tag_lists".into(),
            comments: vec!["Each customer's tags, in catalogue order".into()],
            body: Body::Select(lists),
        }],
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(RESULT.into()), Some("r".into()))),
            joins: vec![Join {
                left: true,
                relation: Relation::Named("seg_tag_lists".into()),
                alias: "t".into(),
                on: binary(qcol("t", key), Op::Eq, qcol("r", key)),
            }],
            ..Select::default()
        }),
        order_by: vec![(qcol("r", key), false)],
    }
}

/// The long table: one row per (customer, tag).
pub fn tags_table(p: &Program) -> Query {
    let key = &p.customers.key;
    Query {
        ctes: Vec::new(),
        body: Body::Select(Select {
            items: vec![Item::new(col(key)), Item::new(col("tag"))],
            from: Some((Relation::Named(RESULT_TAGS.into()), None)),
            ..Select::default()
        }),
        order_by: vec![
            (col(key), false),
            (col("position"), false),
            (col("tag"), false),
        ],
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
    let mut out = vec![print(dialect, |pr| {
        pr.text("CREATE OR REPLACE TABLE ");
        pr.ident(CATALOG_TABLE);
        pr.text(" (");
        for (i, (name, ty)) in CATALOG_COLUMNS.iter().enumerate() {
            if i > 0 {
                pr.text(", ");
            }
            pr.ident(name);
            pr.text(" ");
            pr.text(ty);
        }
        pr.text(")");
    })];

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
            pr.ident(CATALOG_TABLE);
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
        let known: Vec<Expr> = p
            .catalogue
            .iter()
            .filter(|e| e.kind != EntryKind::Label)
            .map(|e| Expr::Str(e.name.clone()))
            .collect();
        let mut conditions = vec![binary(col("position"), Op::Eq, Expr::Number(LAST.into()))];
        if !known.is_empty() {
            conditions.push(Expr::InList {
                expr: Box::new(col("tag")),
                items: known,
                negated: true,
            });
        }
        let select = Select {
            distinct: true,
            items: vec![
                Item::new(Expr::Str("tag".into())),
                Item::new(Expr::Null),
                Item::new(col("tag")),
                Item::new(Expr::Null),
                Item::new(Expr::Null),
                Item::new(Expr::Null),
                Item::new(Expr::Str("manual".into())),
                Item::new(Expr::Null),
                Item::new(Expr::Null),
                Item::new(Expr::Null),
            ],
            from: Some((Relation::Named(RESULT_TAGS.into()), None)),
            filter: tree::all(conditions),
            order_by: vec![(col("tag"), false)],
            ..Select::default()
        };
        out.push(print(dialect, |pr| {
            pr.text("INSERT INTO ");
            pr.ident(CATALOG_TABLE);
            pr.text("\n");
            pr.select(&select, 0);
        }));
    }
    out
}

/// Summary queries over the computed tables.
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
    /// (customers)
    pub customers: String,
}

pub fn summary(dialect: &dyn Dialect, p: &Program, layout: &Layout) -> SummaryQueries {
    let union = |selects: Vec<Select>| -> Option<String> {
        if selects.is_empty() {
            return None;
        }
        Some(print(dialect, |pr| {
            pr.query(
                &Query {
                    ctes: Vec::new(),
                    body: Body::Union { all: true, selects },
                    order_by: Vec::new(),
                },
                0,
            )
        }))
    };
    let from_result = || Some((Relation::Named(RESULT.into()), None));
    let count = || call("count", vec![Expr::Star]);
    let mut labels = Vec::new();
    let mut edges = Vec::new();
    let mut datasets = Vec::new();
    for (i, node) in p.nodes.iter().enumerate() {
        let column = &layout.nodes[i];
        match &node.kind {
            NodeKind::Segmentation(_) => labels.push(Select {
                items: vec![
                    Item::named(Expr::Str(node.name.clone()), "segmentation"),
                    Item::named(col(column), "label"),
                    Item::named(count(), "customers"),
                ],
                from: from_result(),
                group_by: vec![col(column)],
                ..Select::default()
            }),
            NodeKind::Score(_) => {
                let input = col(&layout.score_inputs[&i]);
                let as_double = |e: Expr| Expr::Cast(Box::new(e), "DOUBLE");
                edges.push(Select {
                    items: vec![
                        Item::named(Expr::Str(node.name.clone()), "score"),
                        Item::named(Expr::Cast(Box::new(col(column)), "INTEGER"), "bucket"),
                        Item::named(as_double(call("min", vec![input.clone()])), "low"),
                        Item::named(as_double(call("max", vec![input])), "high"),
                        Item::named(count(), "customers"),
                    ],
                    from: from_result(),
                    filter: Some(Expr::IsNull {
                        expr: Box::new(col(column)),
                        negated: true,
                    }),
                    group_by: vec![col(column)],
                    ..Select::default()
                });
            }
            NodeKind::DatasetValue { .. } => datasets.push(Select {
                items: vec![
                    Item::named(Expr::Str(node.name.clone()), "name"),
                    Item::named(
                        Expr::Cast(Box::new(call("any_value", vec![col(column)])), "DOUBLE"),
                        "value",
                    ),
                ],
                from: from_result(),
                ..Select::default()
            }),
            _ => {}
        }
    }
    let tags = print(dialect, |pr| {
        pr.select(
            &Select {
                items: vec![Item::new(col("tag")), Item::named(count(), "customers")],
                from: Some((Relation::Named(RESULT_TAGS.into()), None)),
                group_by: vec![col("tag")],
                ..Select::default()
            },
            0,
        )
    });
    let customers = print(dialect, |pr| {
        pr.select(
            &Select {
                items: vec![Item::named(count(), "customers")],
                from: from_result(),
                ..Select::default()
            },
            0,
        )
    });
    SummaryQueries {
        labels: union(labels),
        tags,
        score_edges: union(edges),
        dataset_values: union(datasets),
        customers,
    }
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
                        order_within: Vec::new(),
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
        from: Some((relation(&p.customers.location), None)),
        ..Select::default()
    };
    print(dialect, |pr| pr.select(&select, 0))
}

/// A few keys that appear more than once, for the error message.
pub fn duplicate_keys(dialect: &dyn Dialect, p: &Program) -> String {
    let key = || col(&p.customers.key);
    let select = Select {
        items: vec![Item::new(Expr::Cast(Box::new(key()), "VARCHAR"))],
        from: Some((relation(&p.customers.location), None)),
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

/// The run log: one row per run, never replaced.
pub fn runs_table(dialect: &dyn Dialect) -> String {
    print(dialect, |pr| {
        pr.text("CREATE TABLE IF NOT EXISTS ");
        pr.ident(RUNS_TABLE);
        pr.text(concat!(
            " (\n",
            "    run_id BIGINT PRIMARY KEY,\n",
            "    started_at TIMESTAMP,\n",
            "    duration_ms BIGINT,\n",
            "    as_of DATE,\n",
            "    as_of_origin VARCHAR,\n",
            "    rules_hash VARCHAR,\n",
            "    customers BIGINT,\n",
            "    label_counts STRUCT(segmentation VARCHAR, label VARCHAR, customers BIGINT)[],\n",
            "    tag_counts STRUCT(tag VARCHAR, customers BIGINT)[],\n",
            "    score_edges STRUCT(score VARCHAR, bucket INTEGER, low DOUBLE, high DOUBLE, customers BIGINT)[],\n",
            "    dataset_values STRUCT(name VARCHAR, value DOUBLE)[],\n",
            "    params STRUCT(name VARCHAR, value VARCHAR, overridden BOOLEAN)[],\n",
            "    sources STRUCT(name VARCHAR, location VARCHAR)[]\n",
            ")"
        ));
    })
}

/// The next run id: one more than the last.
pub fn next_run_id(dialect: &dyn Dialect) -> String {
    print(dialect, |pr| {
        pr.text("SELECT coalesce(max(run_id), 0) + 1 FROM ");
        pr.ident(RUNS_TABLE);
    })
}

/// Inserts one run; the values are bound as parameters, the lists as JSON.
pub fn record_run(dialect: &dyn Dialect) -> String {
    print(dialect, |pr| {
        pr.text("INSERT INTO ");
        pr.ident(RUNS_TABLE);
        pr.text(concat!(
            " VALUES (?, CAST(? AS TIMESTAMP), ?, CAST(? AS DATE), ?, ?, ?,\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(segmentation VARCHAR, label VARCHAR, customers BIGINT)[]),\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(tag VARCHAR, customers BIGINT)[]),\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(score VARCHAR, bucket INTEGER, low DOUBLE, high DOUBLE, customers BIGINT)[]),\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(name VARCHAR, value DOUBLE)[]),\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(name VARCHAR, value VARCHAR, overridden BOOLEAN)[]),\n",
            "    CAST(CAST(? AS JSON) AS STRUCT(name VARCHAR, location VARCHAR)[]))"
        ));
    })
}

/// Copies a published table to a file.
pub fn export(dialect: &dyn Dialect, table: &str, path: &str, csv: bool) -> String {
    print(dialect, |pr| {
        pr.text("COPY ");
        pr.ident(table);
        pr.text(" TO ");
        pr.text(&dialect.string(path));
        pr.text(if csv {
            " (FORMAT csv, HEADER true)"
        } else {
            " (FORMAT parquet)"
        });
    })
}
