//! The queries of `seg report`, over the published tables of the last
//! run: a metric per label, the R × F grid, tag overlaps, a metric's
//! histogram, the catalogue. Templates as in `history.rs`: `{name}`
//! stands for SQL text quoted by the dialect, nothing else is filled in.

use super::dialect::Dialect;
use super::history::fill;
use super::{CATALOG_TABLE, CUSTOMERS_TABLE, TAGS_TABLE};

/// How many equal-width bins a histogram has.
pub const BINS: u32 = 20;

fn names<'a>(dialect: &dyn Dialect, idents: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
    let mut all = vec![
        ("customers", dialect.identifier(CUSTOMERS_TABLE)),
        ("tags_table", dialect.identifier(TAGS_TABLE)),
        ("catalog", dialect.identifier(CATALOG_TABLE)),
    ];
    all.extend(idents.iter().map(|(n, i)| (*n, dialect.identifier(i))));
    all
}

/// Per label of a segmentation: the label (as text) and the sum of a
/// metric over its customers.
pub fn label_metric(dialect: &dyn Dialect, segmentation: &str, metric: &str) -> String {
    fill(
        "SELECT CAST({seg} AS VARCHAR), CAST(sum({metric}) AS DOUBLE)\n\
         FROM {customers}\nGROUP BY 1\nORDER BY 1",
        &names(dialect, &[("seg", segmentation), ("metric", metric)]),
    )
}

/// The catalogue as the last run wrote it, in its order.
pub fn catalogue(dialect: &dyn Dialect) -> String {
    fill(
        "SELECT \"kind\", \"segmentation\", \"name\", \"category\", \"description\", \"colour\", \"rule\", \"defined_at\"\n\
         FROM {catalog}\nORDER BY rowid",
        &names(dialect, &[]),
    )
}

/// The tag column of the long table (`seg_tag` when the key is `tag`).
pub fn tag_column(p: &crate::semantic::Program) -> String {
    super::compute::own_column(p, "tag")
}

/// Customers carrying both of two tags, for every pair of `tags`: rows of
/// (tag, tag, customers), pairs without customers left out.
pub fn overlaps(dialect: &dyn Dialect, key: &str, tag: &str, tags: &[String]) -> String {
    let listed: Vec<String> = tags.iter().map(|t| dialect.string(t)).collect();
    let mut values = names(dialect, &[("key", key), ("tag", tag)]);
    values.push(("listed", listed.join(", ")));
    fill(
        "SELECT \"a\".{tag}, \"b\".{tag}, count(*)\n\
         FROM {tags_table} AS \"a\"\n\
         JOIN {tags_table} AS \"b\" ON \"a\".{key} = \"b\".{key}\n\
         WHERE \"a\".{tag} IN ({listed}) AND \"b\".{tag} IN ({listed})\n\
         GROUP BY 1, 2\nORDER BY 1, 2",
        &values,
    )
}

/// The grid of two scores: per cell (row score, column score) its
/// customers, the average of `metric` (NULL without one) and the label
/// most of its customers hold (the smallest of equals).
pub fn grid(
    dialect: &dyn Dialect,
    segmentation: &str,
    rows: &str,
    columns: &str,
    metric: Option<&str>,
) -> String {
    let mut values = names(
        dialect,
        &[("seg", segmentation), ("r", rows), ("f", columns)],
    );
    let (total, counted) = match metric {
        Some(m) => {
            let m = dialect.identifier(m);
            (format!("sum({m})"), format!("count({m})"))
        }
        None => ("NULL".to_string(), "0".to_string()),
    };
    values.push(("total", total));
    values.push(("counted", counted));
    fill(
        "WITH \"cells\" AS (\n    \
         SELECT CAST({r} AS INTEGER) AS \"r\", CAST({f} AS INTEGER) AS \"f\", CAST({seg} AS VARCHAR) AS \"label\",\n        \
         count(*) AS \"n\", CAST({total} AS DOUBLE) AS \"total\", {counted} AS \"counted\"\n    \
         FROM {customers}\n    \
         WHERE {r} IS NOT NULL AND {f} IS NOT NULL\n    \
         GROUP BY 1, 2, 3\n)\n\
         SELECT \"r\", \"f\", sum(\"n\"), sum(\"total\") / nullif(sum(\"counted\"), 0),\n    \
         first(\"label\" ORDER BY \"n\" DESC, \"label\")\n\
         FROM \"cells\"\nGROUP BY 1, 2\nORDER BY 1, 2",
        &values,
    )
}

/// A metric's lowest and highest value, median and 90th percentile
/// (continuous), over the customers who have one.
pub fn metric_stats(dialect: &dyn Dialect, metric: &str) -> String {
    fill(
        "SELECT min(CAST({m} AS DOUBLE)), max(CAST({m} AS DOUBLE)),\n    \
         quantile_cont(CAST({m} AS DOUBLE), 0.5), quantile_cont(CAST({m} AS DOUBLE), 0.9)\n\
         FROM {customers}\nWHERE {m} IS NOT NULL",
        &names(dialect, &[("m", metric)]),
    )
}

/// A metric's customers per bin (0 to [`BINS`] − 1, equal widths from its
/// lowest to its highest value; all in bin 0 when they are equal).
pub fn metric_bins(dialect: &dyn Dialect, metric: &str) -> String {
    let mut values = names(dialect, &[("m", metric)]);
    values.push(("bins", BINS.to_string()));
    values.push(("last", (BINS - 1).to_string()));
    fill(
        "WITH \"v\" AS (SELECT CAST({m} AS DOUBLE) AS \"x\" FROM {customers} WHERE {m} IS NOT NULL),\n\
         \"s\" AS (SELECT min(\"x\") AS \"lo\", max(\"x\") AS \"hi\" FROM \"v\")\n\
         SELECT coalesce(least(CAST(floor((\"x\" - \"lo\") / nullif(\"hi\" - \"lo\", 0) * {bins}) AS INTEGER), {last}), 0), count(*)\n\
         FROM \"v\", \"s\"\nGROUP BY 1\nORDER BY 1",
        &values,
    )
}
