//! Lookup tables (`source products ... key product_id`), read through the
//! fact rows that carry their key: run on DuckDB over a few rows written
//! here, against values worked out by hand; duplicate keys stop the run,
//! unknown keys are kept and reported.

use std::path::Path;

use crate::support::{run_rules, seg, table, try_run_rules};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Three customers; orders with a product each (99 is not in products, one
/// has none; customer 3's order of 07-01 is after the as-of date).
pub(crate) fn write_shop(dir: &Path, products: &str) {
    write(dir, "customers.csv", "customer_id\n1\n2\n3\n");
    write(
        dir,
        "orders.csv",
        "customer_id,ordered_at,product_id,amount\n\
         1,2025-01-01,10,30\n1,2025-01-02,11,20\n1,2025-01-03,99,5\n\
         2,2025-02-01,10,40\n2,2025-02-02,,7\n\
         3,2025-07-01,10,100\n3,2025-03-01,12,8\n",
    );
    write(dir, "products.csv", products);
}

pub(crate) const PRODUCTS: &str = "product_id,category\n10,wine\n11,cheese\n12,wine\n";

pub(crate) const RULES: &str = "source customers from \"customers.csv\" key customer_id\n\
                     source orders from \"orders.csv\" by customer_id at ordered_at\n\
                     source products from \"products.csv\" key product_id\n\
                     as of 2025-06-30\n\
                     metric wine = sum(orders.amount where products.category = \"wine\")\n\
                     metric unknown = count(orders where products.category is missing)\n\
                     metric orders_n = count(orders)\n\
                     metric last_wine = max(orders.ordered_at where products.category = \"wine\", last 365 days)\n\
                     tag wine_lover when wine >= 30\n";

#[test]
fn an_aggregate_reads_a_lookup_column_through_its_fact_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path(), PRODUCTS);
    let (summary, db) = run_rules(dir.path(), RULES);
    // 1: products 10 (wine, 30), 11 (cheese, 20), 99 (unknown, 5): wine 30;
    //    the unknown product's category is missing: unknown 1; 3 orders.
    // 2: 10 (wine, 40) and one without a product (category missing): wine
    //    40, unknown 1, 2 orders.
    // 3: 12 (wine, 8) only; the 07-01 order is after the as-of date.
    // No order is lost or counted twice by the join: 3 + 2 + 1 orders.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, wine, unknown, orders_n, last_wine FROM seg_customers"
        ),
        "customer_id | wine | unknown | orders_n | last_wine\n\
         1 | 30 | 1 | 3 | 2025-01-01\n\
         2 | 40 | 1 | 2 | 2025-02-01\n\
         3 | 8 | 0 | 1 | 2025-03-01"
    );
    // The one order of product 99 is counted; the order without a product
    // names no product, so it is not.
    let misses: Vec<String> = summary
        .lookup_misses
        .iter()
        .map(|m| format!("{} {} {} {}", m.source, m.lookup, m.key, m.rows))
        .collect();
    assert_eq!(misses, ["orders products product_id 1"]);
    assert_eq!(
        summary.warnings,
        [
            "1 row of `orders` has a `product_id` that `products` does not list: kept, with its columns missing"
        ]
    );
}

#[test]
fn duplicate_keys_in_a_lookup_stop_the_run_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(
        dir.path(),
        "product_id,category\n10,wine\n10,beer\n11,cheese\n12,wine\n12,wine\n",
    );
    let error = try_run_rules(dir.path(), RULES).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the key `product_id` of the lookup table `products` is not unique: 10, 12 appear more than once"
    );
    // Nothing was published.
    let db = dir.path().join("seg.duckdb");
    let output = seg()
        .args(["run"])
        .arg(dir.path().join("rules.seg"))
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("`products` is not unique: 10, 12 appear more"),
        "{stderr}"
    );
    let tables = table(
        &db,
        "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'seg_customers'",
    );
    assert_eq!(tables, "n\n0");
}

#[test]
fn seg_run_reports_the_rows_whose_key_the_lookup_lacks() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path(), PRODUCTS);
    write(dir.path(), "rules.seg", RULES);
    let output = seg()
        .arg("run")
        .arg(dir.path().join("rules.seg"))
        .arg("--db")
        .arg(dir.path().join("seg.duckdb"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["lookup_misses"],
        serde_json::json!([{"source": "orders", "lookup": "products", "key": "product_id", "rows": 1}])
    );
}
