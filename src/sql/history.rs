//! The membership history (slowly changing dimension, type 2): per
//! segmentation, the runs from which to which each customer held each
//! label, and per tag, from which to which each customer carried it.
//!
//! A history row is open (`to_run` NULL) while it holds; a run closes the
//! rows that no longer hold (`to_run` = that run, the first run they do
//! not hold in) and opens one for each new membership. Unchanged customers
//! touch nothing. Every statement reads the run's id from the temporary
//! table `seg$run`, so the script is whole as `seg compile` prints it.
//!
//! The SQL here is written as templates: `{name}` stands for an
//! identifier, quoted when filled in; nothing else is ever substituted.

use super::compute::{Layout, own_column};
use super::dialect::Dialect;
use super::tree::{Body, Call, Cte, Expr, Item, Join, Op, Relation, Select, binary, col, qcol};
use super::{LABEL_HISTORY, RESULT, RUNS_TABLE, Statement, TAG_HISTORY, TAGS_TABLE};
use crate::semantic::ir::{NodeKind, Program};

/// The run being written: its id and as-of date.
const RUN: &str = "seg$run";
/// The memberships that change in this run.
const LABEL_CHANGES: &str = "seg$label_changes";
const TAG_CHANGES: &str = "seg$tag_changes";

/// The columns of the history tables, in order: the customer key keeps its
/// name (and type); a fixed column whose name the key takes (without case)
/// moves to `seg_<name>`, as the wide table's `tags` does.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryColumns {
    pub key: String,
    pub segmentation: String,
    pub label: String,
    pub tag: String,
    pub from_run: String,
    pub to_run: String,
}

impl HistoryColumns {
    pub fn of_key(key: &str) -> HistoryColumns {
        let own = |name: &str| {
            if key.to_lowercase() == name {
                format!("seg_{name}")
            } else {
                name.to_string()
            }
        };
        HistoryColumns {
            key: key.to_string(),
            segmentation: own("segmentation"),
            label: own("label"),
            tag: own("tag"),
            from_run: own("from_run"),
            to_run: own("to_run"),
        }
    }

    pub fn of_program(p: &Program) -> HistoryColumns {
        HistoryColumns::of_key(&p.customers.key)
    }

    /// The names a template may use, each with the identifier it means.
    fn names(&self) -> Vec<(&'static str, String)> {
        let names: Vec<(&'static str, String)> = vec![
            ("key", self.key.clone()),
            ("seg", self.segmentation.clone()),
            ("label", self.label.clone()),
            ("tag", self.tag.clone()),
            ("from", self.from_run.clone()),
            ("to", self.to_run.clone()),
            ("label_history", LABEL_HISTORY.into()),
            ("tag_history", TAG_HISTORY.into()),
            ("runs", RUNS_TABLE.into()),
            ("result", RESULT.into()),
            ("tags_table", TAGS_TABLE.into()),
            ("run", RUN.into()),
            ("label_changes", LABEL_CHANGES.into()),
            ("tag_changes", TAG_CHANGES.into()),
        ];
        names
    }

    fn fill(&self, dialect: &dyn Dialect, template: &str) -> String {
        self.fill_with(dialect, template, &[])
    }

    /// `template` with the names and also `values` (SQL text already
    /// quoted by the dialect: literals, or identifiers) filled in.
    fn fill_with(
        &self,
        dialect: &dyn Dialect,
        template: &str,
        values: &[(&str, String)],
    ) -> String {
        let mut all: Vec<(&str, String)> = self
            .names()
            .into_iter()
            .map(|(name, ident)| (name, dialect.identifier(&ident)))
            .collect();
        all.extend(values.iter().cloned());
        fill(template, &all)
    }
}

/// Replaces each `{name}` of `template` by the SQL text it stands for
/// (quoted already). A name the template does not know is a bug of this
/// module. Values are never scanned again, so a name cannot smuggle a
/// placeholder in.
pub(super) fn fill(template: &str, names: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e);
        let Some(end) = end else {
            unreachable!("an unclosed `{{` in a history template");
        };
        let name = &rest[start + 1..end];
        match names.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => unreachable!("an unknown name `{name}` in a history template"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The name of the wide table's column holding the as-of date on which a
/// customer's current label of `segmentation` began (`semantic/clashes.rs`
/// keeps other published names off it, E309).
pub fn since_column(segmentation: &str) -> String {
    format!("{segmentation}_since")
}

fn segmentations(p: &Program) -> Vec<&str> {
    p.declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Segmentation(_)))
        .map(|(_, n)| n.name.as_str())
        .collect()
}

/// The statements that bring the label history up to this run and work
/// out each customer's since-dates; they run in the publishing
/// transaction, after the run log exists and before the wide table.
pub fn label_statements(dialect: &dyn Dialect, p: &Program) -> Vec<Statement> {
    let c = HistoryColumns::of_program(p);
    let out = vec![
        Statement::new(
            "The run being written: its id and as-of date",
            c.fill_with(
                dialect,
                "CREATE OR REPLACE TEMP TABLE {run} AS\n\
                 SELECT coalesce(max(\"run_id\"), 0) + 1 AS \"run_id\", {as_of} AS \"as_of\"\n\
                 FROM {runs}",
                &[("as_of", dialect.date(p.as_of))],
            ),
        ),
        Statement::new(
            "The memberships that change: a new label, a new customer, a customer gone",
            changing_memberships(dialect, p, &c),
        ),
        Statement::new(
            "Close the memberships that end in this run",
            c.fill(
                dialect,
                "UPDATE {label_history} SET {to} = {run}.\"run_id\"\n\
                 FROM {label_changes}, {run}\n\
                 WHERE {label_changes}.\"closes\" AND {label_history}.{to} IS NULL\n    \
                 AND {label_history}.{seg} = {label_changes}.{seg}\n    \
                 AND {label_history}.{key} = {label_changes}.{key}",
            ),
        ),
        Statement::new(
            "Open the memberships that begin in this run",
            c.fill(
                dialect,
                "INSERT INTO {label_history}\n\
                 SELECT {label_changes}.{seg}, {label_changes}.{key}, {label_changes}.{label}, {run}.\"run_id\", NULL\n\
                 FROM {label_changes}, {run}\n\
                 WHERE {label_changes}.\"opens\"\n\
                 ORDER BY {label_changes}.{seg}, {label_changes}.{key}",
            ),
        ),
    ];
    out
}

/// The history tables, created empty if missing, before the computation
/// reads the open rows: the key column takes the customer key's type from
/// the customer source, as the computed table does.
pub fn create_tables(dialect: &dyn Dialect, p: &Program) -> Vec<Statement> {
    let c = HistoryColumns::of_program(p);
    let mut pr = super::tree::Printer::new(dialect);
    pr.relation(&super::compute::source_relation(&p.customers));
    let pr_customers = pr.finish();
    // Names and types as the dialect spells them (Spark: `USING`, STRING).
    let values = |table: &str| {
        [
            ("customers", pr_customers.clone()),
            (
                "create",
                dialect.create_table_if_missing_as(&dialect.identifier(table)),
            ),
            ("text", dialect.type_name("VARCHAR")),
            ("bigint", dialect.type_name("BIGINT")),
        ]
    };
    vec![
        Statement::new(
            "The label history: who held which label from which run to which (created once)",
            c.fill_with(
                dialect,
                "{create}\n\
                 SELECT CAST(NULL AS {text}) AS {seg}, {key}, CAST(NULL AS {text}) AS {label},\n    \
                 CAST(NULL AS {bigint}) AS {from}, CAST(NULL AS {bigint}) AS {to}\n\
                 FROM {customers}\n\
                 LIMIT 0",
                &values(LABEL_HISTORY),
            ),
        ),
        Statement::new(
            "The tag history: who carried which tag from which run to which (created once)",
            c.fill_with(
                dialect,
                "{create}\n\
                 SELECT CAST(NULL AS {text}) AS {tag}, {key},\n    \
                 CAST(NULL AS {bigint}) AS {from}, CAST(NULL AS {bigint}) AS {to}\n\
                 FROM {customers}\n\
                 LIMIT 0",
                &values(TAG_HISTORY),
            ),
        ),
    ]
}

/// The statements that bring the tag history up to this run, from the
/// long table just written.
pub fn tag_statements(dialect: &dyn Dialect, p: &Program) -> Vec<Statement> {
    let c = HistoryColumns::of_program(p);
    let long_tag = dialect.identifier(&own_column(p, "tag"));
    vec![
        Statement::new(
            "The tags gained and lost in this run",
            c.fill_with(
                dialect,
                "CREATE OR REPLACE TEMP TABLE {tag_changes} AS\n\
                 SELECT coalesce(\"old\".{tag}, \"new\".{long_tag}) AS {tag},\n    \
                 coalesce(\"old\".{key}, \"new\".{key}) AS {key},\n    \
                 \"old\".{tag} IS NOT NULL AS \"closes\"\n\
                 FROM (SELECT * FROM {tag_history} WHERE {to} IS NULL) AS \"old\"\n\
                 FULL JOIN {tags_table} AS \"new\" ON \"new\".{long_tag} = \"old\".{tag} AND \"new\".{key} = \"old\".{key}\n\
                 WHERE \"old\".{tag} IS NULL OR \"new\".{long_tag} IS NULL",
                &[("long_tag", long_tag)],
            ),
        ),
        Statement::new(
            "Close the tags lost in this run",
            c.fill(
                dialect,
                "UPDATE {tag_history} SET {to} = {run}.\"run_id\"\n\
                 FROM {tag_changes}, {run}\n\
                 WHERE {tag_changes}.\"closes\" AND {tag_history}.{to} IS NULL\n    \
                 AND {tag_history}.{tag} = {tag_changes}.{tag}\n    \
                 AND {tag_history}.{key} = {tag_changes}.{key}",
            ),
        ),
        Statement::new(
            "Open the tags gained in this run",
            c.fill(
                dialect,
                "INSERT INTO {tag_history}\n\
                 SELECT {tag_changes}.{tag}, {tag_changes}.{key}, {run}.\"run_id\", NULL\n\
                 FROM {tag_changes}, {run}\n\
                 WHERE NOT {tag_changes}.\"closes\"\n\
                 ORDER BY {tag_changes}.{tag}, {tag_changes}.{key}",
            ),
        ),
    ]
}

/// Every segmentation's labels as rows (none: an empty table of that shape).
/// The memberships that change in this run, from the computed table,
/// which carries each customer's open labels (the `seg$open_*` columns):
/// per segmentation the customers whose label is new or another, and the
/// open rows of customers gone or of segmentations the rules dropped.
fn changing_memberships(dialect: &dyn Dialect, p: &Program, c: &HistoryColumns) -> String {
    let names = segmentations(p);
    let mut selects: Vec<String> = names
        .iter()
        .map(|name| {
            c.fill_with(
                dialect,
                "SELECT {name} AS {seg}, {key}, CAST({column} AS VARCHAR) AS {label},\n    \
                 {since} IS NOT NULL AS \"closes\", TRUE AS \"opens\"\n\
                 FROM {result}\n\
                 WHERE {since} IS NULL OR {held} IS DISTINCT FROM CAST({column} AS VARCHAR)",
                &[
                    ("name", dialect.string(name)),
                    ("column", dialect.identifier(name)),
                    ("since", dialect.identifier(&open_column("since", name))),
                    ("held", dialect.identifier(&open_column("label", name))),
                ],
            )
        })
        .collect();
    let dropped = if names.is_empty() {
        "TRUE".to_string()
    } else {
        let listed: Vec<String> = names.iter().map(|n| dialect.string(n)).collect();
        c.fill_with(
            dialect,
            "\"old\".{seg} NOT IN ({names})",
            &[("names", listed.join(", "))],
        )
    };
    selects.push(c.fill_with(
        dialect,
        "SELECT \"old\".{seg}, \"old\".{key}, CAST(NULL AS VARCHAR) AS {label},\n    \
         TRUE AS \"closes\", FALSE AS \"opens\"\n\
         FROM {label_history} AS \"old\"\n\
         WHERE \"old\".{to} IS NULL\n    \
         AND ({dropped} OR NOT EXISTS (SELECT 1 FROM {result} WHERE {result}.{key} = \"old\".{key}))",
        &[("dropped", dropped)],
    ));
    format!(
        "{}\n{}",
        c.fill(dialect, "CREATE OR REPLACE TEMP TABLE {label_changes} AS"),
        selects.join("\nUNION ALL\n")
    )
}

/// The columns of the open labels the computed table carries for the
/// history statements (dropped before it is published).
pub fn open_columns(p: &Program) -> Vec<String> {
    segmentations(p)
        .into_iter()
        .flat_map(|name| [open_column("label", name), open_column("since", name)])
        .collect()
}

/// The open rows of the label history, one row per customer: per
/// segmentation the label they hold and the as-of date of the run it
/// began in (the CTE, and its join to the last step `last`); `None`
/// without segmentations.
pub fn open_labels(p: &Program, last: &str) -> Option<(Cte, Join)> {
    let names = segmentations(p);
    if names.is_empty() {
        return None;
    }
    let c = HistoryColumns::of_program(p);
    let history = |column: &str| qcol(LABEL_HISTORY, column);
    let of = |name: &str, value: Expr| {
        Expr::Call(Call {
            name: "max",
            args: vec![value],
            distinct: false,
            filter: Some(Box::new(binary(
                history(&c.segmentation),
                Op::Eq,
                Expr::Str(name.to_string()),
            ))),
            over: None,
        })
    };
    let mut items = vec![Item::named(history(&c.key), OPEN_KEY)];
    for name in &names {
        items.push(Item::named(
            of(name, history(&c.label)),
            &open_column("label", name),
        ));
        items.push(Item::named(
            of(name, qcol(RUNS_TABLE, "as_of")),
            &open_column("since", name),
        ));
    }
    let cte = Cte {
        name: OPEN_LABELS.into(),
        comments: vec![
            "Each customer's open label history: the labels they held, and since when".into(),
        ],
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(LABEL_HISTORY.into()), None)),
            joins: vec![Join {
                left: true,
                relation: Relation::Named(RUNS_TABLE.into()),
                alias: RUNS_TABLE.into(),
                on: Some(binary(
                    qcol(RUNS_TABLE, "run_id"),
                    Op::Eq,
                    history(&c.from_run),
                )),
            }],
            filter: Some(Expr::IsNull {
                expr: Box::new(history(&c.to_run)),
                negated: false,
            }),
            group_by: vec![history(&c.key)],
            ..Select::default()
        }),
        materialized: false,
    };
    let join = Join {
        left: true,
        relation: Relation::Named(OPEN_LABELS.into()),
        alias: OPEN_LABELS.into(),
        on: Some(binary(
            qcol(OPEN_LABELS, OPEN_KEY),
            Op::Eq,
            qcol(last, &p.customers.key),
        )),
    };
    Some((cte, join))
}

/// The wide table's since-date columns, one per segmentation: the date the
/// open history row began at while the label stays, this run's as-of date
/// for a new label or a new customer.
pub fn since_items(p: &Program, layout: &Layout) -> Vec<Item> {
    p.declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Segmentation(_)))
        .map(|(i, n)| {
            let held = || col(&open_column("label", &n.name));
            let since = || col(&open_column("since", &n.name));
            let now = || col(&layout.nodes[i]);
            let is_null = |e: Expr| Expr::IsNull {
                expr: Box::new(e),
                negated: false,
            };
            // A label the rules give no one is NULL in the history too.
            let same = binary(
                binary(held(), Op::Eq, now()),
                Op::Or,
                binary(is_null(held()), Op::And, is_null(now())),
            );
            let kept = binary(
                Expr::IsNull {
                    expr: Box::new(since()),
                    negated: true,
                },
                Op::And,
                same,
            );
            Item::named(
                Expr::Case {
                    operand: None,
                    whens: vec![(kept, since())],
                    otherwise: Some(Box::new(Expr::Date(p.as_of))),
                },
                &since_column(&n.name),
            )
        })
        .collect()
}

/// The CTE of the open label history, and its columns.
const OPEN_LABELS: &str = "seg_open_labels";
const OPEN_KEY: &str = "seg$open_key";

fn open_column(what: &str, segmentation: &str) -> String {
    format!("seg$open_{what}:{segmentation}")
}

/// The runs between which changes are read: `from` (0: before the first
/// run, when no one held anything) and `to`, a later run.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: i64,
    pub to: i64,
}

impl Span {
    /// `template` with `{a}` and `{b}` (the run ids) and the names filled
    /// in.
    fn fill(&self, dialect: &dyn Dialect, c: &HistoryColumns, template: &str) -> String {
        c.fill_with(
            dialect,
            template,
            &[("a", self.from.to_string()), ("b", self.to.to_string())],
        )
    }
}

/// The transition matrix between two runs: (segmentation, from label, to
/// label, customers, examples as a JSON list of text, smallest first).
/// Customers who kept their label all along are one scan of the rows open
/// at both runs; only the rows closed or opened between the runs are
/// joined.
pub fn label_changes(
    dialect: &dyn Dialect,
    c: &HistoryColumns,
    span: Span,
    examples: u32,
) -> String {
    span.fill(
        dialect,
        c,
        &format!(
            "WITH \"cells\" AS (\n    \
             SELECT {{seg}} AS \"segmentation\", {{label}} AS \"from\", {{label}} AS \"to\", {{key}} AS \"key\"\n    \
             FROM {{label_history}}\n    \
             WHERE {{from}} <= {{a}} AND ({{to}} IS NULL OR {{to}} > {{b}})\n    \
             UNION ALL\n    \
             SELECT coalesce(\"old\".{{seg}}, \"new\".{{seg}}), \"old\".{{label}}, \"new\".{{label}}, coalesce(\"old\".{{key}}, \"new\".{{key}})\n    \
             FROM (SELECT * FROM {{label_history}} WHERE {{from}} <= {{a}} AND {{to}} > {{a}} AND {{to}} <= {{b}}) AS \"old\"\n    \
             FULL JOIN (SELECT * FROM {{label_history}} WHERE {{from}} > {{a}} AND {{from}} <= {{b}} AND ({{to}} IS NULL OR {{to}} > {{b}})) AS \"new\"\n        \
             ON \"new\".{{seg}} = \"old\".{{seg}} AND \"new\".{{key}} = \"old\".{{key}}\n\
             )\n\
             SELECT \"segmentation\", \"from\", \"to\", count(*) AS \"customers\",\n    \
             CAST(to_json(CAST(min(\"key\", {examples}) AS VARCHAR[])) AS VARCHAR) AS \"examples\"\n\
             FROM \"cells\"\n\
             GROUP BY \"segmentation\", \"from\", \"to\""
        ),
    )
}

/// Per tag, who gained and who lost it between two runs: (tag, gained,
/// lost, gained examples, lost examples; the examples as JSON lists).
pub fn tag_changes(dialect: &dyn Dialect, c: &HistoryColumns, span: Span, examples: u32) -> String {
    let sample = |which: &str, side: &str| {
        format!(
            "CAST(to_json(CAST(min(coalesce(\"old\".{{key}}, \"new\".{{key}}), {examples}) FILTER (WHERE \"{side}\".{{tag}} IS NULL) AS VARCHAR[])) AS VARCHAR) AS \"{which}_examples\""
        )
    };
    span.fill(
        dialect,
        c,
        &format!(
            "SELECT coalesce(\"old\".{{tag}}, \"new\".{{tag}}) AS \"tag\",\n    \
             count(*) FILTER (WHERE \"old\".{{tag}} IS NULL) AS \"gained\",\n    \
             count(*) FILTER (WHERE \"new\".{{tag}} IS NULL) AS \"lost\",\n    \
             {},\n    \
             {}\n\
             FROM (SELECT * FROM {{tag_history}} WHERE {{from}} <= {{a}} AND {{to}} > {{a}} AND {{to}} <= {{b}}) AS \"old\"\n\
             FULL JOIN (SELECT * FROM {{tag_history}} WHERE {{from}} > {{a}} AND {{from}} <= {{b}} AND ({{to}} IS NULL OR {{to}} > {{b}})) AS \"new\"\n    \
             ON \"new\".{{tag}} = \"old\".{{tag}} AND \"new\".{{key}} = \"old\".{{key}}\n\
             WHERE \"old\".{{tag}} IS NULL OR \"new\".{{tag}} IS NULL\n\
             GROUP BY 1\n\
             ORDER BY 1",
            sample("gained", "old"),
            sample("lost", "new"),
        ),
    )
}

/// Every run, oldest first: (run_id, started_at, as_of, rules_hash,
/// customers, label counts and tag counts as JSON, with_history). A run
/// log no run of this version wrote has no `with_history` yet.
pub fn runs(dialect: &dyn Dialect, with_history: bool) -> String {
    let history = if with_history {
        "coalesce(\"with_history\", false)"
    } else {
        "false"
    };
    fill(
        "SELECT \"run_id\", CAST(\"started_at\" AS VARCHAR), CAST(\"as_of\" AS VARCHAR), \"rules_hash\", \"customers\",\n    \
         CAST(to_json(\"label_counts\") AS VARCHAR), CAST(to_json(\"tag_counts\") AS VARCHAR), {history}\n\
         FROM {runs}\n\
         ORDER BY \"run_id\"",
        &[
            ("runs", dialect.identifier(RUNS_TABLE)),
            ("history", history.to_string()),
        ],
    )
}

/// The last run that wrote history, before this one.
pub fn previous_history_run(dialect: &dyn Dialect) -> String {
    fill(
        "SELECT max(\"run_id\") FROM {runs} WHERE \"with_history\"",
        &[("runs", dialect.identifier(RUNS_TABLE))],
    )
}

/// The name of the key column of a history table (its second column).
pub fn history_key(dialect: &dyn Dialect) -> String {
    format!(
        "SELECT column_name FROM duckdb_columns() \
         WHERE schema_name = 'main' AND table_name = {} AND column_index = 2",
        dialect.string(LABEL_HISTORY)
    )
}

/// The labels and tags of the current rule set, in catalogue order:
/// (kind, segmentation, name).
pub fn catalogue_order(dialect: &dyn Dialect) -> String {
    fill(
        "SELECT \"kind\", \"segmentation\", \"name\" FROM {catalog} ORDER BY rowid",
        &[("catalog", dialect.identifier(super::CATALOG_TABLE))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::DuckDb;

    #[test]
    fn templates_quote_every_name() {
        let c = HistoryColumns::of_key("la\"bel");
        assert_eq!(
            c.fill(&DuckDb, "SELECT {key}, {label} FROM {label_history}"),
            "SELECT \"la\"\"bel\", \"label\" FROM \"seg_label_history\""
        );
    }

    #[test]
    fn a_key_named_like_a_history_column_moves_that_column() {
        let c = HistoryColumns::of_key("Label");
        assert_eq!((c.key.as_str(), c.label.as_str()), ("Label", "seg_label"));
        assert_eq!(c.segmentation, "segmentation");
    }
}

/// The score edges the last run recorded, bucket by bucket (scores
/// computed `within` a group are in `group_score_edges`, not here).
pub fn last_score_edges(dialect: &dyn Dialect) -> String {
    fill(
        "SELECT \"run_id\", CAST(\"as_of\" AS VARCHAR), \"e\".\"score\", \"e\".\"bucket\", \"e\".\"low\", \"e\".\"high\", \"e\".\"customers\"\n\
         FROM (SELECT \"run_id\", \"as_of\", unnest(\"score_edges\") AS \"e\" FROM {runs}\n    \
         WHERE \"run_id\" = (SELECT max(\"run_id\") FROM {runs}))\n\
         ORDER BY \"e\".\"score\", \"e\".\"bucket\"",
        &[("runs", dialect.identifier(RUNS_TABLE))],
    )
}
