//! The two queries that compute every customer's values.
//!
//! The base ([`base_query`], the table `seg$base`):
//! 1. one aggregation per fact source (every aggregate over it in one
//!    `GROUP BY`, each with its own `FILTER`);
//! 2. the customer source LEFT JOINed to those, so no customer is lost.
//!
//! The derived table ([`derived_query`]), a chain of CTEs over the base:
//! 3. steps: scores (window functions over the key and their inputs only,
//!    or windows over a count per distinct value where the engine asks for
//!    it, [`Ranks`]; joined back by key) and dataset-level values (one-row aggregates,
//!    cross-joined) in the first step after what they use, all in one step
//!    when they can be; every other definition as late as what uses it
//!    allows;
//! 4. the result: the wide table's columns in order (with the since-dates
//!    from the open label history), then what the summaries read, in key
//!    order.

use std::collections::HashMap;

use super::lower::{self, Context, Names};
use super::tree::{
    self, Body, Cte, Expr, Item, Join, Op, Query, Relation, Select, binary, call, col, qcol,
};
use crate::semantic::ir::{
    Aggregate, AggregateFunction, ExprKind, Location, Lookup, NodeKind, Program, Score,
    SegmentRule, Source, lookup_column,
};
use crate::semantic::names;
use crate::semantic::types::Type;

/// How the program's values are named in SQL, for the steps after the
/// computation (outputs, summaries).
#[derive(Debug, Clone)]
pub struct Layout {
    /// The column of each node.
    pub nodes: Vec<String>,
    /// The column of each aggregate.
    pub aggregates: Vec<String>,
    /// For each score node, the column holding its input in the steps.
    pub score_inputs: HashMap<usize, String>,
    /// For each score node, the column of `seg$result` holding its input:
    /// a published column, or one kept for the score edges.
    pub result_score_inputs: HashMap<usize, String>,
    /// For each score or dataset-level value computed per group, the
    /// column of its group in the steps and the one of `seg$result`
    /// holding it (a published column, or one kept for the summaries).
    pub groups: HashMap<usize, (String, String)>,
    /// Customer column → its name in the computed steps.
    pub customer_columns: HashMap<String, String>,
    /// For each fact source, the column counting a customer's rows of it
    /// (`None` when no rule reads the source).
    pub fact_rows: Vec<Option<String>>,
    /// For each `tags from`, the column of a customer's hand-assigned tags.
    pub manual_tags: Vec<String>,
}

pub fn relation(location: &Location) -> Relation {
    match location {
        Location::File { path, format, read } => Relation::File {
            path: path.display().to_string(),
            format: *format,
            read: read.clone(),
        },
        Location::Table(t) => Relation::Table(t.split('.').map(String::from).collect()),
    }
}

/// Where a source's rows are stored: its location, or the copy a replay
/// loaded (see [`source_relation`]).
pub fn stored_relation(source: &Source) -> Relation {
    match &source.loaded {
        Some(table) => Relation::Table(vec![table.clone()]),
        None => relation(&source.location),
    }
}

/// A source's rows as the rules see them: timestamps with a time zone are
/// read as UTC timestamps. A copy a replay loaded holds them so already.
pub fn source_relation(source: &Source) -> Relation {
    if source.loaded.is_some() {
        return stored_relation(source);
    }
    if let Some(columns) = &source.header_only {
        // No rows: each column has the type the rules need it as, so the
        // results have the types a file with rows gives.
        return Relation::Empty {
            columns: columns
                .iter()
                .map(|(c, ty)| (c.clone(), header_only_type(source, c, *ty)))
                .collect(),
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

/// The SQL type of a header-only file's column: the time column a
/// timestamp (windows compare it with dates), the others by their use.
fn header_only_type(source: &Source, column: &str, ty: Type) -> Option<&'static str> {
    if source.at.as_deref() == Some(column) {
        return Some("TIMESTAMP");
    }
    match ty {
        Type::Number => Some("DOUBLE"),
        Type::Date => Some("DATE"),
        Type::Bool => Some("BOOLEAN"),
        Type::Text => Some("VARCHAR"),
        Type::Unsupported | Type::Unknown => None,
    }
}

pub fn layout(p: &Program) -> Layout {
    let mut datasets = 0;
    let mut tag_columns = std::collections::HashSet::new();
    let nodes: Vec<String> = p
        .nodes
        .iter()
        .map(|n| match n.kind {
            NodeKind::DatasetValue { .. } => {
                datasets += 1;
                format!("percentile${datasets}")
            }
            // Tag names may be quoted and hold any character; the prefix
            // keeps them apart from every other column, and a number apart
            // from each other where only their case differs (`Big`, `big`).
            NodeKind::Tag(_) => {
                let base = format!("tag:{}", n.name);
                let mut column = base.clone();
                let mut n = 1;
                while !tag_columns.insert(names::fold(&column)) {
                    n += 1;
                    column = format!("{base}${n}");
                }
                column
            }
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
            let taken = p.nodes.iter().any(|n| names::same(&n.name, c));
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
    let published: Vec<&str> = published_nodes(p)
        .into_iter()
        .map(|n| p.nodes[n].name.as_str())
        .collect();
    let result_score_inputs = score_inputs
        .iter()
        .map(|(&i, column)| {
            let kept = if published.contains(&column.as_str()) {
                column.clone()
            } else {
                format!("{}$input", p.nodes[i].name)
            };
            (i, kept)
        })
        .collect();
    let fact_rows = (0..p.facts.len())
        .map(|f| {
            p.reads_fact(f)
                .then(|| format!("{ROWS}:{}", p.facts[f].name))
        })
        .collect();
    let manual_tags = (1..=p.manual_tags.len())
        .map(|m| format!("seg$manual_tags${m}"))
        .collect();
    let mut layout = Layout {
        nodes,
        aggregates,
        score_inputs,
        result_score_inputs,
        groups: HashMap::new(),
        customer_columns,
        fact_rows,
        manual_tags,
    };
    layout.groups = groups(p, &layout, &published);
    layout
}

/// The group columns of the scores and dataset-level values computed
/// `within` one (see [`Layout::groups`]).
fn groups(p: &Program, layout: &Layout, published: &[&str]) -> HashMap<usize, (String, String)> {
    let mut groups = HashMap::new();
    for (i, node) in p.nodes.iter().enumerate() {
        let group = match &node.kind {
            NodeKind::Score(s) => s.group.as_ref(),
            NodeKind::DatasetValue { group, .. } => group.as_ref(),
            _ => None,
        };
        if let Some(g) = group {
            let column = group_column(layout, g);
            let kept = if published.contains(&column.as_str()) {
                column.clone()
            } else {
                format!("{column}$group")
            };
            groups.insert(i, (column, kept));
        }
    }
    groups
}

/// The nodes the wide table publishes after the key, in order: metrics,
/// scores, segmentations, each kind in declared order.
pub fn published_nodes(p: &Program) -> Vec<usize> {
    let declared = p.declared();
    ["metric", "score", "segmentation"]
        .into_iter()
        .flat_map(|kind| {
            declared
                .iter()
                .filter(move |(_, node)| node.kind.kind_name() == kind)
                .map(|(i, _)| *i)
        })
        .collect()
}

/// The name of one of seg's own output columns (`tags` of the wide table,
/// `tag` of the long one). The customer key keeps its name: a key of the
/// same name (without case, as SQL compares) moves seg's to `seg_<name>`.
pub fn own_column(p: &Program, name: &str) -> String {
    if p.customers.key.to_lowercase() == name {
        format!("seg_{name}")
    } else {
        name.to_string()
    }
}

fn customer_columns_of(columns: &HashMap<String, String>, c: &str) -> String {
    columns.get(c).cloned().unwrap_or_else(|| c.to_string())
}

/// The CTE name of a fact source's aggregation (distinct from `seg$base`
/// and `seg_step_N` whatever the source is called).
fn facts_cte(source: &Source) -> String {
    format!("seg_facts_{}", source.name)
}

/// In a fact source's aggregation: how many of its rows a customer has.
const ROWS: &str = "seg$rows";

/// The computation's first part: every customer with the aggregates of
/// their facts, one row each (the table [`super::BASE`]). It depends on
/// the sources, the as-of date and the aggregates' definitions only, so
/// rules that change a later definition can reuse it.
pub fn base_query(p: &Program, layout: &Layout) -> Query {
    let mut ctes: Vec<Cte> = p.lookups.iter().filter_map(lookup_cte).collect();
    let mut joins = Vec::new();
    let mut base_items = customer_items(p, layout);
    for f in 0..p.facts.len() {
        if let Some(facts) = fact_aggregation(p, layout, f) {
            ctes.push(facts.cte);
            joins.push(facts.join);
            base_items.extend(facts.joined);
        }
    }
    let base = base_select(p, base_items, joins);
    Query {
        ctes,
        body: Body::Select(base),
        order_by: Vec::new(),
    }
}

/// The computation's second part, over [`super::BASE`]: the definitions
/// in steps, each customer's since-dates (from the open rows of the label
/// history), and the wide table's columns, in key order.
pub fn derived_query(p: &Program, layout: &Layout, ranks: Ranks) -> Query {
    let mut ctes = Vec::new();
    let last = definition_steps(p, layout, ranks, &mut ctes);
    let (items, joins) = match super::history::open_labels(p, &last) {
        Some((cte, join)) => {
            ctes.push(cte);
            (result_items(p, layout, true), vec![join])
        }
        None => (result_items(p, layout, false), Vec::new()),
    };
    Query {
        ctes,
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(last), None)),
            joins,
            ..Select::default()
        }),
        order_by: vec![(col(&p.customers.key), false)],
    }
}

/// The whole computation as one query, without since-dates: the base as
/// a CTE named [`super::BASE`], then the definitions. For `seg diff`,
/// which compares two rule sets' results and keeps no history.
pub fn result_query(p: &Program, layout: &Layout) -> Query {
    let base = base_query(p, layout);
    let mut ctes = base.ctes;
    ctes.push(Cte {
        name: super::BASE.to_string(),
        comments: base_comments(p),
        body: base.body,
        materialized: false,
    });
    let last = definition_steps(p, layout, Ranks::Windows, &mut ctes);
    Query {
        ctes,
        body: Body::Select(Select {
            items: result_items(p, layout, false),
            from: Some((Relation::Named(last), None)),
            ..Select::default()
        }),
        order_by: vec![(col(&p.customers.key), false)],
    }
}

/// The columns of the computed table: the wide table's, in its order (the
/// key, the published definitions, the tag list), then the ones only the
/// summaries read ([`summary_columns`]) and, with the history, the open
/// labels the history statements compare with. Nothing else is kept.
fn result_items(p: &Program, layout: &Layout, since: bool) -> Vec<Item> {
    let mut items = vec![Item::new(col(&p.customers.key))];
    for n in published_nodes(p) {
        items.push(Item::named(col(&layout.nodes[n]), &p.nodes[n].name));
    }
    if since {
        items.extend(super::history::since_items(p, layout));
    }
    items.push(Item::named(tag_list(p, layout), &own_column(p, "tags")));
    for (column, name) in summary_columns(p, layout) {
        items.push(Item::named(col(&column), &name));
    }
    if since {
        // What the history statements compare this run's labels with.
        items.extend(
            super::history::open_columns(p)
                .iter()
                .map(|c| Item::new(col(c))),
        );
    }
    items
}

/// The columns only the summaries read, dropped before the computed table
/// is published: score inputs not published, dataset-level values, rows
/// per fact source. (Column in the last step, name in the table.)
pub fn summary_columns(p: &Program, layout: &Layout) -> Vec<(String, String)> {
    let mut columns = Vec::new();
    let mut scores: Vec<usize> = layout.score_inputs.keys().copied().collect();
    scores.sort();
    for i in scores {
        let kept = &layout.result_score_inputs[&i];
        if *kept == format!("{}$input", p.nodes[i].name) {
            columns.push((layout.score_inputs[&i].clone(), kept.clone()));
        }
    }
    for (i, node) in p.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::DatasetValue { .. }) {
            columns.push((layout.nodes[i].clone(), layout.nodes[i].clone()));
        }
    }
    let mut grouped: Vec<usize> = layout.groups.keys().copied().collect();
    grouped.sort();
    for i in grouped {
        let (column, kept) = &layout.groups[&i];
        let entry = (column.clone(), kept.clone());
        if *kept == format!("{column}$group") && !columns.contains(&entry) {
            columns.push(entry);
        }
    }
    for rows in layout.fact_rows.iter().flatten() {
        columns.push((rows.clone(), rows.clone()));
    }
    columns
}

/// The customer source's own columns, renamed where a definition took
/// their name.
fn customer_items(p: &Program, layout: &Layout) -> Vec<Item> {
    let mut items = vec![Item::new(qcol(&p.customers.name, &p.customers.key))];
    for column in &p.customer_columns {
        if *column != p.customers.key {
            let name = &layout.customer_columns[column];
            items.push(Item::named(qcol(&p.customers.name, column), name));
        }
    }
    items
}

/// A fact source's one pass, and how its values join the customers.
struct FactAggregation {
    cte: Cte,
    join: Join,
    /// The columns it adds to `seg$base`.
    joined: Vec<Item>,
}

/// Every aggregate over one fact source (and its hand-assigned tags) in
/// one `GROUP BY`; `None` when nothing reads the source.
fn fact_aggregation(p: &Program, layout: &Layout, f: usize) -> Option<FactAggregation> {
    let source = &p.facts[f];
    let aggs: Vec<usize> = (0..p.aggregates.len())
        .filter(|&a| p.aggregates[a].source == f)
        .collect();
    let manual: Vec<usize> = (0..p.manual_tags.len())
        .filter(|&m| p.manual_tags[m].source == f)
        .collect();
    if aggs.is_empty() && manual.is_empty() {
        return None;
    }
    let key_alias = if aggs
        .iter()
        .any(|&a| names::same(&layout.aggregates[a], &source.key))
    {
        format!("{}$key", source.key)
    } else {
        source.key.clone()
    };
    let mut items = vec![Item::named(col(&source.key), &key_alias)];
    let mut joined = Vec::new();
    for &a in &aggs {
        let aggregate = &p.aggregates[a];
        let name = &layout.aggregates[a];
        let item = Item::named(aggregate_expr(p, aggregate, source), name);
        // Hidden aggregates say what they are.
        items.push(if name.contains('$') {
            item.comment(aggregate.text.clone())
        } else {
            item
        });
        // In the joined step, count and sum over no rows are 0.
        let value = qcol(&source.name, name);
        let value = if aggregate.function.zero_when_empty() {
            zero_if_missing(value)
        } else {
            value
        };
        joined.push(Item::named(value, name));
    }
    for &m in &manual {
        let (tags, filter) = manual_tag_value(&p.manual_tags[m].column);
        items.push(Item::named(
            Expr::TextSet {
                text: Box::new(tags),
                filter: Some(Box::new(filter)),
            },
            &layout.manual_tags[m],
        ));
        joined.push(Item::named(
            call(
                "coalesce",
                vec![
                    qcol(&source.name, &layout.manual_tags[m]),
                    Expr::EmptyTextList,
                ],
            ),
            &layout.manual_tags[m],
        ));
    }
    items.push(Item::named(call("count", vec![Expr::Star]), ROWS));
    joined.push(Item::named(
        zero_if_missing(qcol(&source.name, ROWS)),
        layout.fact_rows[f].as_deref().unwrap_or(ROWS),
    ));
    let mut described: Vec<String> = aggs.iter().map(|&a| layout.aggregates[a].clone()).collect();
    described.extend(manual.iter().map(|_| "hand-assigned tags".to_string()));
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
    let cte = Cte {
        name: facts_cte(source),
        comments,
        body: Body::Select(Select {
            items,
            from: Some((source_relation(source), None)),
            joins: lookup_joins(p, f),
            filter: before_as_of(source, p),
            group_by: vec![col(&source.key)],
            ..Select::default()
        }),
        materialized: false,
    };
    let join = Join {
        left: true,
        relation: Relation::Named(facts_cte(source)),
        alias: source.name.clone(),
        on: Some(binary(
            qcol(&source.name, &key_alias),
            Op::Eq,
            qcol(&p.customers.name, &p.customers.key),
        )),
    };
    Some(FactAggregation { cte, join, joined })
}

/// The CTE of a lookup table some fact source reads: its key and the
/// columns read, each under the name the fact rows know it by.
fn lookup_cte(lookup: &Lookup) -> Option<Cte> {
    let mut columns: Vec<&String> = lookup.joined.iter().flat_map(|(_, cs)| cs).collect();
    if columns.is_empty() {
        return None;
    }
    columns.sort();
    columns.dedup();
    let name = &lookup.source.name;
    let mut items = vec![Item::named(col(&lookup.source.key), LOOKUP_KEY)];
    items.extend(
        columns
            .into_iter()
            .map(|c| Item::named(col(c), &lookup_column(name, c))),
    );
    Some(Cte {
        name: lookup_cte_name(name),
        comments: vec![format!(
            "The lookup table `{name}`, one row per `{}` (checked before the run)",
            lookup.source.key
        )],
        body: Body::Select(Select {
            items,
            from: Some((source_relation(&lookup.source), None)),
            ..Select::default()
        }),
        materialized: false,
    })
}

/// The lookup tables a fact source's rows read, each joined by the column
/// named like its key; rows whose key it does not list are kept (LEFT
/// JOIN), with its columns missing.
fn lookup_joins(p: &Program, f: usize) -> Vec<Join> {
    p.lookups
        .iter()
        .filter(|l| l.joined.iter().any(|(g, _)| *g == f))
        .map(|l| {
            let name = lookup_cte_name(&l.source.name);
            Join {
                left: true,
                relation: Relation::Named(name.clone()),
                alias: name.clone(),
                on: Some(binary(qcol(&name, LOOKUP_KEY), Op::Eq, col(&l.source.key))),
            }
        })
        .collect()
}

/// The key column of a lookup's CTE (no fact column has a `$`).
pub const LOOKUP_KEY: &str = "seg$lookup_key";

pub fn lookup_cte_name(lookup: &str) -> String {
    format!("seg_lookup_{lookup}")
}

fn zero_if_missing(e: Expr) -> Expr {
    call("coalesce", vec![e, Expr::Number("0".into())])
}

/// `at < as-of` for a dated source: a run sees only the past.
pub fn before_as_of(source: &Source, p: &Program) -> Option<Expr> {
    source
        .at
        .as_ref()
        .map(|at| binary(col(at), Op::Lt, Expr::Date(p.as_of)))
}

/// A hand-assigned tag of a row, and when the row holds one. Stray spaces
/// typed into a CRM field do not make another tag.
fn manual_tag_value(column: &str) -> (Expr, Expr) {
    let tag = call("trim", vec![Expr::Cast(Box::new(col(column)), "VARCHAR")]);
    let present = tree::all(vec![
        Expr::IsNull {
            expr: Box::new(col(column)),
            negated: true,
        },
        binary(tag.clone(), Op::Ne, Expr::Str(String::new())),
    ])
    .expect("two conditions");
    (tag, present)
}

/// One aggregate call, with its `where` and time window as a `FILTER`.
fn aggregate_expr(p: &Program, aggregate: &Aggregate, source: &Source) -> Expr {
    let mut conditions = Vec::new();
    if let Some(filter) = &aggregate.filter {
        conditions.push(lower::fact_row(filter, p.as_of));
    }
    if let (Some(since), Some(at)) = (aggregate.since, &source.at) {
        conditions.push(binary(col(at), Op::Ge, Expr::Date(since)));
    }
    if let (Some(until), Some(at)) = (aggregate.until, &source.at) {
        conditions.push(binary(col(at), Op::Lt, Expr::Date(until)));
    }
    let column = aggregate.column.as_deref().map(col);
    let name = match aggregate.function {
        AggregateFunction::Mode => {
            return Expr::Mode {
                column: Box::new(column.expect("mode has a column")),
                filter: tree::all(conditions).map(Box::new),
            };
        }
        AggregateFunction::First | AggregateFunction::Last => {
            let column = column.expect("first and last have a column");
            // Like the other aggregates, they pass over missing values.
            conditions.push(Expr::IsNull {
                expr: Box::new(column.clone()),
                negated: true,
            });
            let at = source
                .at
                .as_deref()
                .expect("checked: the source has a time");
            return Expr::FirstBy {
                column: Box::new(column),
                order: Box::new(col(at)),
                latest: aggregate.function == AggregateFunction::Last,
                filter: tree::all(conditions).map(Box::new),
            };
        }
        AggregateFunction::Count | AggregateFunction::CountDistinct => "count",
        AggregateFunction::Sum => "sum",
        AggregateFunction::Avg => "avg",
        AggregateFunction::Min => "min",
        AggregateFunction::Max => "max",
    };
    let filter = tree::all(conditions).map(Box::new);
    // Floating-point sums depend on the order of addition, which parallel
    // aggregation does not fix: add them as exact decimals, so every run
    // gives the same digits.
    let exact = aggregate.float
        && matches!(
            aggregate.function,
            AggregateFunction::Sum | AggregateFunction::Avg
        );
    let argument = column.unwrap_or(Expr::Star);
    let call = Expr::Call(tree::Call {
        name,
        args: vec![if exact {
            Expr::CastExact(Box::new(argument))
        } else {
            argument
        }],
        distinct: aggregate.function == AggregateFunction::CountDistinct,
        filter,
        over: None,
    });
    if exact {
        Expr::Cast(Box::new(call), "DOUBLE")
    } else {
        call
    }
}

/// What the base table holds, for the statement's title.
pub fn base_comments(p: &Program) -> Vec<String> {
    let mut comments = vec![format!(
        "Every customer of `{}` (LEFT JOIN: customers without facts stay).",
        p.customers.name
    )];
    if let Some(at) = &p.customers.at {
        comments.push(format!(
            "Only customers created before the as-of date {} (by `{at}`; those without a date count).",
            p.as_of
        ));
    }
    comments
}

/// Every customer, with the aggregates of their facts.
fn base_select(p: &Program, items: Vec<Item>, joins: Vec<Join>) -> Select {
    Select {
        items,
        from: Some((
            source_relation(&p.customers),
            Some(p.customers.name.clone()),
        )),
        joins,
        filter: created_before_as_of(p),
        ..Select::default()
    }
}

/// The customer universe at the as-of date: with `key ... at <column>`,
/// a customer created on or after it does not exist yet. A customer
/// without a date is never dropped, as no date says it came later.
fn created_before_as_of(p: &Program) -> Option<Expr> {
    let at = p.customers.at.as_ref()?;
    let created = || qcol(&p.customers.name, at);
    Some(binary(
        Expr::IsNull {
            expr: Box::new(created()),
            negated: false,
        },
        Op::Or,
        binary(created(), Op::Lt, Expr::Date(p.as_of)),
    ))
}

/// The columns each step adds, and what they are (for its comment).
#[derive(Default)]
struct Step {
    items: Vec<Item>,
    /// Scores: computed over the key and their inputs only and joined
    /// back by key, so that the rows they rank are narrow.
    scores: Vec<ScoreSql>,
    /// Dataset-level values, computed over the previous step's rows as one
    /// row that this step joins to each.
    dataset_values: Vec<Item>,
    /// Dataset-level values per group (`within region`): for each group
    /// column, one row per group, joined to the customers of that group.
    grouped_values: Vec<(String, Vec<Item>, Vec<String>)>,
    what: Vec<String>,
    /// What the dataset-level values are (for their CTE's comment).
    datasets_what: Vec<String>,
    /// Tables joined by key (the clusters of kmeans segmentations).
    joins: Vec<Join>,
}

/// A value of the rules over the definition steps' columns.
pub(super) fn lower_value(p: &Program, layout: &Layout, e: &crate::semantic::ir::Expr) -> Expr {
    let names = Names {
        nodes: &layout.nodes,
        aggregates: &layout.aggregates,
        customer_column: &|c: &str| customer_columns_of(&layout.customer_columns, c),
        hand_tags: &layout.manual_tags,
        as_of: p.as_of,
    };
    lower::customer(e, &names, Context::Operand)
}

/// The clusters of the kmeans segmentations, joined by key to the first
/// step, so that their rules (in whichever step) read them.
fn cluster_joins(p: &Program) -> Vec<Join> {
    p.clusters
        .iter()
        .map(|k| {
            let sql = super::kmeans::KmeansSql::new(p, k, &super::DuckDb);
            let table = sql.labels_table();
            Join {
                left: true,
                relation: Relation::Table(vec![table.clone()]),
                alias: table.clone(),
                on: Some(binary(
                    qcol(&table, &sql.labels_key()),
                    Op::Eq,
                    qcol(super::BASE, &p.customers.key),
                )),
            }
        })
        .collect()
}

/// Definitions, in steps (see [`placement`]). Returns the name of the last
/// step.
pub(super) fn definition_steps(
    p: &Program,
    layout: &Layout,
    ranks: Ranks,
    ctes: &mut Vec<Cte>,
) -> String {
    let names = Names {
        nodes: &layout.nodes,
        aggregates: &layout.aggregates,
        customer_column: &|c: &str| customer_columns_of(&layout.customer_columns, c),
        hand_tags: &layout.manual_tags,
        as_of: p.as_of,
    };
    let place = placement(p, layout);
    let mut steps: Vec<Step> = Vec::new();
    for (i, node) in p.nodes.iter().enumerate() {
        let name = &layout.nodes[i];
        match &node.kind {
            NodeKind::Metric(e) => {
                if place[i] == 0 {
                    continue; // computed in the aggregation itself
                }
                let s = step(&mut steps, place[i]);
                s.items.push(Item::named(
                    lower::customer(e, &names, Context::Operand),
                    name,
                ));
                s.what.push(format!("metric {}", node.name));
            }
            NodeKind::DatasetValue {
                input,
                fraction,
                group,
            } => {
                let expr =
                    dataset_value(lower::customer(input, &names, Context::Operand), fraction);
                let item = Item::named(expr, name).comment(node.name.clone());
                let s = step(&mut steps, place[i]);
                match group {
                    None => {
                        s.dataset_values.push(item);
                        s.datasets_what.push(node.name.clone());
                    }
                    Some(g) => {
                        let column = group_column(layout, g);
                        match s.grouped_values.iter_mut().find(|(c, ..)| *c == column) {
                            Some((_, items, what)) => {
                                items.push(item);
                                what.push(node.name.clone());
                            }
                            None => {
                                s.grouped_values
                                    .push((column, vec![item], vec![node.name.clone()]))
                            }
                        }
                    }
                }
            }
            NodeKind::Score(score) => {
                let input_column = &layout.score_inputs[&i];
                if has_input_helper(p, layout, i) {
                    let input = lower::customer(&score.input, &names, Context::Operand);
                    step(&mut steps, place[i] - 1)
                        .items
                        .push(Item::named(input, input_column));
                }
                let subset = score
                    .subset
                    .as_ref()
                    .map(|s| lower::customer(s, &names, Context::Condition));
                let direction = if score.higher_is_better {
                    "higher is better"
                } else {
                    "lower is better"
                };
                let group = score.group.as_ref().map(|g| group_column(layout, g));
                let per_group = match &group {
                    Some(g) => format!(", within {g}"),
                    None => String::new(),
                };
                let s = step(&mut steps, place[i]);
                s.scores
                    .push(ScoreSql::new(score, name, input_column, subset, group));
                s.what.push(format!(
                    "score {} ({} buckets, {direction}{per_group})",
                    node.name, score.buckets
                ));
            }
            NodeKind::Segmentation(rules) => {
                let s = step(&mut steps, place[i]);
                s.items.push(Item::named(segmentation(rules, &names), name));
                s.what.push(format!("segmentation {}", node.name));
            }
            NodeKind::Tag(c) => {
                let s = step(&mut steps, place[i]);
                s.items.push(Item::named(
                    lower::customer(c, &names, Context::Truth),
                    name,
                ));
                s.what.push(format!("tag {}", node.name));
            }
        }
    }
    let clusters = cluster_joins(p);
    if !clusters.is_empty() {
        step(&mut steps, 1).joins = clusters;
    }
    step_ctes(steps, &p.customers.key, ranks, ctes)
}

/// The steps as CTEs, each over the one before (the first over the base
/// table). Returns the name of the last.
fn step_ctes(steps: Vec<Step>, key: &str, ranks: Ranks, ctes: &mut Vec<Cte>) -> String {
    let mut previous = super::BASE.to_string();
    for (n, step) in steps.into_iter().enumerate() {
        if step.items.is_empty()
            && step.dataset_values.is_empty()
            && step.scores.is_empty()
            && step.grouped_values.is_empty()
            && step.joins.is_empty()
        {
            continue;
        }
        let mut joins = step.joins;
        if !step.scores.is_empty() {
            let join = scores_cte(n + 1, &previous, key, &step.scores, ranks, ctes);
            joins.push(join);
        }
        if !step.dataset_values.is_empty() {
            let name = format!("seg_dataset_{}", n + 1);
            let values = dataset_cte(
                &name,
                &previous,
                step.dataset_values,
                &step.datasets_what,
                ctes,
            );
            ctes.push(values);
            joins.push(Join {
                left: false,
                relation: Relation::Named(name.clone()),
                alias: name,
                on: None,
            });
        }
        let mut what = step.what;
        what.extend(step.datasets_what);
        for (k, (group, values, values_what)) in step.grouped_values.into_iter().enumerate() {
            let (cte, join) =
                grouped_dataset_cte(n + 1, k + 1, &previous, &group, values, &values_what, ctes);
            ctes.push(cte);
            joins.push(join);
            what.extend(values_what);
        }
        let mut items = vec![Item::new(Expr::Star)];
        items.extend(step.items);
        let comment = if what.is_empty() {
            "Helper columns for the next step".to_string()
        } else {
            what.join(", ")
        };
        let name = format!("seg_step_{}", n + 1);
        ctes.push(Cte {
            name: name.clone(),
            comments: vec![comment],
            body: Body::Select(Select {
                items,
                from: Some((Relation::Named(previous), None)),
                joins,
                ..Select::default()
            }),
            materialized: false,
        });
        previous = name;
    }
    previous
}

/// A step's scores over the rows of `over` (read more than once, so
/// computed once and kept), in a CTE of the key and the scores that the
/// step joins back by key (one row each): a window function sorts every
/// row it sees with every column it carries, so they see the key and what
/// the scores read only. Pushes the CTEs and returns the join.
fn scores_cte(
    step: usize,
    over: &str,
    key: &str,
    scores: &[ScoreSql],
    ranks: Ranks,
    ctes: &mut Vec<Cte>,
) -> Join {
    if let Some(read) = ctes.iter_mut().find(|c| c.name == over) {
        read.materialized = true;
    }
    let name = format!("seg_scores_{step}");
    let scored_key = format!("seg$scored:{step}");
    let mut items = vec![Item::named(col(key), &scored_key)];
    let mut joins = Vec::new();
    for (j, score) in scores.iter().enumerate() {
        let bucket = match ranks {
            Ranks::Windows => score.windowed(),
            Ranks::Counts => {
                let (cte, join, bucket) =
                    score.counted(&format!("seg_ranks_{step}_{}", j + 1), over);
                ctes.push(cte);
                joins.push(join);
                bucket
            }
        };
        items.push(Item::named(bucket, &score.name));
    }
    ctes.push(Cte {
        name: name.clone(),
        comments: vec!["The scores of the next step, over the key and their inputs".into()],
        body: Body::Select(Select {
            items,
            from: Some((Relation::Named(over.to_string()), None)),
            joins,
            ..Select::default()
        }),
        materialized: false,
    });
    Join {
        left: true,
        relation: Relation::Named(name.clone()),
        alias: name.clone(),
        on: Some(binary(qcol(&name, &scored_key), Op::Eq, qcol(over, key))),
    }
}

/// Dataset-level values as one row over the rows of the CTE `over`, which
/// is then read twice (for the values and for the rows they join) and so
/// computed once and kept.
fn dataset_cte(
    name: &str,
    over: &str,
    values: Vec<Item>,
    what: &[String],
    ctes: &mut [Cte],
) -> Cte {
    if let Some(read) = ctes.iter_mut().find(|c| c.name == over) {
        read.materialized = true;
    }
    Cte {
        name: name.to_string(),
        comments: vec![format!(
            "Dataset-level values, one row over every customer: {}",
            what.join(", ")
        )],
        body: Body::Select(Select {
            items: values,
            from: Some((Relation::Named(over.to_string()), None)),
            ..Select::default()
        }),
        materialized: false,
    }
}

/// Dataset-level values per group: one row per value of the column
/// `group` over the rows of `over` (customers without a group in none),
/// joined to the customers of each group; those without a group get none.
fn grouped_dataset_cte(
    step: usize,
    k: usize,
    over: &str,
    group: &str,
    mut values: Vec<Item>,
    what: &[String],
    ctes: &mut [Cte],
) -> (Cte, Join) {
    if let Some(read) = ctes.iter_mut().find(|c| c.name == over) {
        read.materialized = true;
    }
    let name = format!("seg_dataset_{step}_{k}");
    let group_key = format!("seg$group:{step}:{k}");
    values.insert(0, Item::named(col(group), &group_key));
    let cte = Cte {
        name: name.clone(),
        comments: vec![format!(
            "Dataset-level values, one row per `{group}`: {}",
            what.join(", ")
        )],
        body: Body::Select(Select {
            items: values,
            from: Some((Relation::Named(over.to_string()), None)),
            filter: Some(Expr::IsNull {
                expr: Box::new(col(group)),
                negated: true,
            }),
            group_by: vec![col(group)],
            ..Select::default()
        }),
        materialized: false,
    };
    let join = Join {
        left: true,
        relation: Relation::Named(name.clone()),
        alias: name.clone(),
        on: Some(binary(qcol(&name, &group_key), Op::Eq, qcol(over, group))),
    };
    (cte, join)
}

/// The column a group (`within region`) is read from: a customer column
/// or a definition's.
pub fn group_column(layout: &Layout, group: &crate::semantic::ir::Expr) -> String {
    match &group.kind {
        ExprKind::Node(n) => layout.nodes[*n].clone(),
        ExprKind::Column(c) => customer_columns_of(&layout.customer_columns, c),
        other => unreachable!("checked: a group is a column or a definition, not {other:?}"),
    }
}

/// Step `at` (from 1), made if there are fewer.
fn step(steps: &mut Vec<Step>, at: usize) -> &mut Step {
    while steps.len() < at {
        steps.push(Step::default());
    }
    &mut steps[at - 1]
}

/// Whether a score's input is an expression computed into a column of its
/// own, in the step before the score's.
fn has_input_helper(p: &Program, layout: &Layout, score: usize) -> bool {
    layout.score_inputs[&score] == format!("{}$input", p.nodes[score].name)
}

/// The step each definition is computed in (0: in its fact source's
/// aggregation). A score (window functions sort the rows) goes into the
/// first step after everything it uses, so that independent ones share a
/// step; every other definition goes into the last step its users allow,
/// and at the latest into the last step: fewer columns pass through the
/// window functions, and dataset-level values share one aggregate (one
/// more read of the step before) where they can.
fn placement(p: &Program, layout: &Layout) -> Vec<usize> {
    let earliest = earliest_steps(p, layout);
    let last = earliest.iter().copied().max().unwrap_or(0);
    let mut place = vec![0usize; p.nodes.len()];
    let mut latest = vec![last; p.nodes.len()];
    for (i, node) in p.nodes.iter().enumerate().rev() {
        if earliest[i] == 0 {
            continue;
        }
        place[i] = match node.kind {
            NodeKind::Score(_) => earliest[i],
            _ => latest[i],
        };
        let mut used_by = |e: &crate::semantic::ir::Expr, at: usize| {
            e.walk(|e| {
                if let ExprKind::Node(n) = e.kind {
                    latest[n] = latest[n].min(at);
                }
            })
        };
        match &node.kind {
            NodeKind::Score(s) => {
                let helper = usize::from(has_input_helper(p, layout, i));
                used_by(&s.input, place[i] - 1 - helper);
                for e in s.subset.iter().chain(&s.group) {
                    used_by(e, place[i] - 1);
                }
            }
            kind => {
                for e in kind.exprs() {
                    used_by(e, place[i] - 1);
                }
            }
        }
    }
    place
}

/// The first step each definition can be computed in: the one after
/// everything it uses (0: in its fact source's aggregation).
fn earliest_steps(p: &Program, layout: &Layout) -> Vec<usize> {
    let mut level = vec![0usize; p.nodes.len()];
    for (i, node) in p.nodes.iter().enumerate() {
        let depth = |e: &crate::semantic::ir::Expr| refs_level(e, &level);
        level[i] = match &node.kind {
            NodeKind::Metric(e) => {
                if matches!(e.kind, ExprKind::Aggregate(a) if layout.aggregates[a] == node.name) {
                    0
                } else {
                    depth(e) + 1
                }
            }
            NodeKind::Score(score) => {
                let base = depth(&score.input)
                    .max(score.subset.as_ref().map_or(0, depth))
                    .max(score.group.as_ref().map_or(0, depth));
                base + 1 + usize::from(has_input_helper(p, layout, i))
            }
            kind => kind.exprs().into_iter().map(depth).max().unwrap_or(0) + 1,
        };
    }
    level
}

/// A dataset-level value: a percentile over every customer, as a double
/// (a percentile of decimals interpolates too).
fn dataset_value(input: Expr, fraction: &impl ToString) -> Expr {
    Expr::Percentile {
        input: Box::new(Expr::Cast(Box::new(input), "DOUBLE")),
        fraction: fraction.to_string(),
    }
}

/// How a step ranks the customers it scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranks {
    /// `rank()` and `count(*)` windows over the scored customers: one sort,
    /// which DuckDB spreads over its threads.
    Windows,
    /// From a count of the scored customers per distinct value: the
    /// windows run over the distinct values only, and each customer gets
    /// its value's rank by a join. For an engine that runs a window without
    /// `PARTITION BY` in one task (Spark): the counting is spread over the
    /// cluster, and one task sees each distinct value once, not each
    /// customer (docs/scaling.md).
    Counts,
}

/// A score as a step computes it: `floor(N * (rank - 1) / count) + 1`
/// among the scored customers (those with a value, and in the subset), so
/// equal values get equal scores; the others get none. Within a group,
/// rank and count are those of the customer's group, and customers without
/// a group get none.
struct ScoreSql {
    /// The column it is computed into.
    name: String,
    buckets: u32,
    input: String,
    /// Whether the lowest value ranks last (higher is better).
    ascending: bool,
    /// Who is scored, but for having a group.
    scored: Vec<Expr>,
    group: Option<String>,
}

impl ScoreSql {
    fn new(
        score: &Score,
        name: &str,
        input: &str,
        subset: Option<Expr>,
        group: Option<String>,
    ) -> ScoreSql {
        let mut scored = Vec::new();
        if score.input.nullable {
            scored.push(Expr::IsNull {
                expr: Box::new(col(input)),
                negated: true,
            });
        }
        scored.extend(subset);
        ScoreSql {
            name: name.to_string(),
            buckets: score.buckets,
            input: input.to_string(),
            ascending: score.higher_is_better,
            scored,
            group,
        }
    }

    /// Whether a row of the step is scored.
    fn who(&self) -> Option<Expr> {
        let mut who = self.scored.clone();
        if let Some(group) = &self.group {
            who.push(Expr::IsNull {
                expr: Box::new(col(group)),
                negated: true,
            });
        }
        tree::all(who)
    }

    /// The bucket of a rank among `count`, for the scored rows only.
    fn bucket(&self, rank: Expr, count: Expr) -> Expr {
        let one = || Expr::Number("1".into());
        let bucket = binary(
            binary(
                binary(
                    Expr::Number(self.buckets.to_string()),
                    Op::Mul,
                    binary(rank, Op::Sub, one()),
                ),
                Op::IntDiv,
                count,
            ),
            Op::Add,
            one(),
        );
        match self.who() {
            Some(who) => Expr::Case {
                operand: None,
                whens: vec![(who, bucket)],
                otherwise: None,
            },
            None => bucket,
        }
    }

    /// [`Ranks::Windows`]: the rank and count over the step's rows.
    fn windowed(&self) -> Expr {
        // The group's own partition holds those without one, who get no score.
        let partition: Vec<Expr> = self
            .group
            .as_deref()
            .map(col)
            .into_iter()
            .chain(tree::all(self.scored.clone()))
            .collect();
        let rank = lower::window(
            "rank",
            Vec::new(),
            tree::Window {
                partition_by: partition.clone(),
                order_by: vec![(col(&self.input), !self.ascending)],
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
        self.bucket(rank, count)
    }

    /// [`Ranks::Counts`]: the CTE `name` of each distinct value's rank (1
    /// + the scored rows before it) and count (its group's scored rows),
    /// the join of the step's rows to it, and the bucket.
    fn counted(&self, name: &str, over: &str) -> (Cte, Join, Expr) {
        const VALUE: &str = "seg$value";
        const GROUP: &str = "seg$group";
        const RANK: &str = "seg$rank";
        const COUNT: &str = "seg$count";
        let count = || call("count", vec![Expr::Star]);
        let partition_by: Vec<Expr> = self.group.as_deref().map(col).into_iter().collect();
        let running = lower::window(
            "sum",
            vec![count()],
            tree::Window {
                partition_by: partition_by.clone(),
                order_by: vec![(col(&self.input), !self.ascending)],
            },
        );
        let total = lower::window(
            "sum",
            vec![count()],
            tree::Window {
                partition_by: partition_by.clone(),
                order_by: Vec::new(),
            },
        );
        let mut items: Vec<Item> = partition_by
            .iter()
            .map(|g| Item::named(g.clone(), GROUP))
            .collect();
        items.push(Item::named(col(&self.input), VALUE));
        items.push(Item::named(
            binary(
                binary(running, Op::Sub, count()),
                Op::Add,
                Expr::Number("1".into()),
            ),
            RANK,
        ));
        items.push(Item::named(total, COUNT));
        let mut group_by = partition_by;
        group_by.push(col(&self.input));
        let cte = Cte {
            name: name.to_string(),
            comments: vec![format!(
                "Score {}: the rank of each distinct value, from a count per value",
                self.name
            )],
            body: Body::Select(Select {
                items,
                from: Some((Relation::Named(over.to_string()), None)),
                filter: self.who(),
                group_by,
                ..Select::default()
            }),
            materialized: false,
        };
        let mut on = vec![binary(qcol(name, VALUE), Op::Eq, qcol(over, &self.input))];
        if let Some(group) = &self.group {
            on.push(binary(qcol(name, GROUP), Op::Eq, qcol(over, group)));
        }
        let join = Join {
            left: true,
            relation: Relation::Named(name.to_string()),
            alias: name.to_string(),
            on: tree::all(on),
        };
        let bucket = self.bucket(qcol(name, RANK), qcol(name, COUNT));
        (cte, join, bucket)
    }
}

/// The first rule that holds gives the label.
fn segmentation(rules: &[SegmentRule], names: &Names) -> Expr {
    let mut whens = Vec::new();
    let mut otherwise = None;
    for rule in rules {
        let label = Expr::Str(rule.label.clone());
        match &rule.condition {
            Some(c) => whens.push((lower::customer(c, names, Context::Condition), label)),
            None => otherwise = Some(Box::new(label)),
        }
    }
    if whens.is_empty() {
        *otherwise.expect("a segmentation has rules")
    } else {
        Expr::Case {
            operand: None,
            whens,
            otherwise,
        }
    }
}

/// Each customer's tags in catalogue order, rule-made and hand-assigned,
/// as one list: the wide table's `tags`, and unnested, the long table.
pub(super) fn tag_list(p: &Program, layout: &Layout) -> Expr {
    let rule_tags = p
        .declared()
        .into_iter()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Tag(_)))
        .map(|(i, n)| (col(&layout.nodes[i]), n.name.clone()))
        .collect();
    let manual: Vec<Expr> = layout.manual_tags.iter().map(|m| col(m)).collect();
    let manual = match manual.len() {
        0 => None,
        1 => manual.into_iter().next(),
        _ => Some(Expr::TextSetUnion(manual)),
    };
    Expr::TagList {
        rule_tags,
        manual: manual.map(Box::new),
    }
}

/// The latest step any node referenced by `e` is computed in.
fn refs_level(e: &crate::semantic::ir::Expr, level: &[usize]) -> usize {
    let mut deepest = 0;
    e.walk(|e| {
        if let ExprKind::Node(n) = e.kind {
            deepest = deepest.max(level[n]);
        }
    });
    deepest
}
