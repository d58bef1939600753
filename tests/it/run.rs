//! Runs on real DuckDB over the fixture files: what the tables hold.

use std::path::Path;

use seg::engine::{self, Engine, RunOptions, RunSummary, Silent};
use seg::semantic::Mode;

use crate::support::{
    check_fixture, program_of, run_rules, settings, table, try_run_rules, write_data,
};

fn run_retail(
    db: &Path,
    params: &[(&str, &str)],
    options: &RunOptions,
) -> Result<RunSummary, engine::EngineError> {
    let mut s = settings(Mode::Run);
    s.params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (files, checked) = check_fixture("ok/retail", &s);
    let program = program_of(&files, checked);
    let plan = seg::compile(&program);
    let engine = Engine::open(db).expect("database opens");
    engine::run(&engine, &program, &plan, options, &Silent)
}

#[test]
fn every_customer_once_with_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let summary = run_retail(&db, &[], &RunOptions::default()).unwrap();
    assert_eq!(summary.customers, 6);

    insta::assert_snapshot!("wide", table(&db, "SELECT * FROM seg_customers"));
    insta::assert_snapshot!("long", table(&db, "SELECT * FROM seg_customer_tags"));
    insta::assert_snapshot!("catalogue", table(&db, "SELECT * FROM seg_tag_catalog"));
    insta::assert_snapshot!(
        "runs",
        table(
            &db,
            "SELECT run_id, as_of, as_of_origin, customers, label_counts, tag_counts, score_edges, dataset_values, params FROM seg_runs"
        )
    );
}

#[test]
fn the_facts_of_the_as_of_day_are_not_seen() {
    // Customer 3 ordered for 999.00 on 2025-06-30, the as-of date itself.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    run_retail(&db, &[], &RunOptions::default()).unwrap();
    let row = table(
        &db,
        "SELECT frequency, monetary, recency FROM seg_customers WHERE customer_id = 3",
    );
    assert_eq!(row, "frequency | monetary | recency\n2 | 120.0 | 120");
}

#[test]
fn a_failed_publish_leaves_the_previous_tables_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    run_retail(&db, &[], &RunOptions::default()).unwrap();
    let before = table(&db, "SELECT * FROM seg_customers");

    // Break the run log so that the last statement of the next publish fails.
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TABLE seg_runs; CREATE TABLE seg_runs (run_id VARCHAR)")
            .unwrap();
    }
    let failed = run_retail(&db, &[("vip_spend", "0")], &RunOptions::default());
    assert!(failed.is_err(), "the run should fail");
    assert_eq!(table(&db, "SELECT * FROM seg_customers"), before);
    // The computation wrote its table inside the transaction: nothing of it
    // is left.
    assert_eq!(
        table(&db, TABLES),
        "table_name\nseg_customer_tags\nseg_customers\nseg_label_history\nseg_runs\nseg_tag_catalog\nseg_tag_history"
    );

    // Mended, the same run goes through and changes the tiers.
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TABLE seg_runs").unwrap();
    }
    run_retail(&db, &[("vip_spend", "0")], &RunOptions::default()).unwrap();
    assert_ne!(table(&db, "SELECT * FROM seg_customers"), before);
    assert_eq!(
        table(&db, TABLES),
        "table_name\nseg_customer_tags\nseg_customers\nseg_label_history\nseg_runs\nseg_tag_catalog\nseg_tag_history"
    );
}

/// The tables of a database, by name.
const TABLES: &str = "SELECT table_name FROM duckdb_tables() ORDER BY table_name";

#[test]
fn the_wide_table_is_the_computed_one_without_what_only_the_summaries_read() {
    // The retail rules have a percentile and three fact sources: the
    // computation keeps their values and row counts for the summaries,
    // and publishing drops them.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let summary = run_retail(&db, &[], &RunOptions::default()).unwrap();
    assert_eq!(summary.dataset_values.len(), 1);
    assert_eq!(summary.source_rows.len(), 3);
    let columns = table(
        &db,
        "SELECT string_agg(column_name, ', ' ORDER BY column_index) AS columns \
         FROM duckdb_columns() WHERE table_name = 'seg_customers'",
    );
    assert_eq!(
        columns,
        "columns\ncustomer_id, frequency, monetary, first_order, last_order, recency, \
         orders_30d, online_share, favourite_category, categories, satisfaction, aov, f, m, r, \
         tier, lifecycle, tier_since, lifecycle_since, tags"
    );
}

#[test]
fn runs_are_numbered_and_outputs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let (out1, out2) = (dir.path().join("one"), dir.path().join("two"));
    let first = run_retail(
        &db,
        &[],
        &RunOptions {
            out: Some(out1.clone()),
            csv: false,
            ..Default::default()
        },
    )
    .unwrap();
    let second = run_retail(
        &db,
        &[],
        &RunOptions {
            out: Some(out2.clone()),
            csv: false,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((first.run_id, second.run_id), (1, 2));
    for file in ["seg_customers.parquet", "seg_customer_tags.parquet"] {
        let a = std::fs::read(out1.join(file)).unwrap();
        let b = std::fs::read(out2.join(file)).unwrap();
        assert!(a == b, "{file} differs between identical runs");
    }
}

#[test]
fn csv_exports_hold_the_wide_and_long_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let out = dir.path().join("out");
    run_retail(
        &db,
        &[],
        &RunOptions {
            out: Some(out.clone()),
            csv: true,
            ..Default::default()
        },
    )
    .unwrap();
    insta::assert_snapshot!(std::fs::read_to_string(out.join("seg_customer_tags.csv")).unwrap());
    let wide = std::fs::read_to_string(out.join("seg_customers.csv")).unwrap();
    assert_eq!(wide.lines().count(), 7, "a header and six customers");
}

#[test]
fn duplicate_customer_keys_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "customer_id,region\n1,north\n2,south\n1,east\n").unwrap();
    let error = try_run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\ntier all otherwise\n",
    )
    .unwrap_err();
    insta::assert_snapshot!(error.to_string(), @"the customer key `customer_id` of `customers` is not unique: 1 keys appear more than once (for example 1)");
}

#[test]
fn an_empty_customer_table_gives_empty_outputs() {
    // Typed but empty files, as an export of an empty table would be.
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT 1::BIGINT AS customer_id, 'x' AS region WHERE false) TO '{dir}/customers.parquet';
         COPY (SELECT 1::BIGINT AS customer_id, TIMESTAMP '2025-01-01' AS ordered_at, 1.5 AS amount WHERE false)
           TO '{dir}/orders.parquet';",
    );
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders.parquet\" by customer_id at ordered_at\n\
         metric monetary = sum(orders.amount)\n\
         score m = quintile(monetary)\n\
         tag top when monetary >= percentile(monetary, 0.9)\n\
         tier all otherwise\n",
    );
    assert_eq!(summary.customers, 0);
    assert_eq!(
        table(&db, "SELECT count(*) AS n FROM seg_customers"),
        "n\n0"
    );
}

#[test]
fn the_wide_and_long_tables_are_stored_in_key_order() {
    // Customers in shuffled order over many row groups, read on several
    // threads: the tables are still stored (rowid order) by key, as the
    // computation sorted them once.
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT range AS customer_id FROM range(50000) ORDER BY hash(range))
           TO '{dir}/customers.parquet' (ROW_GROUP_SIZE 2048);
         COPY (SELECT range % 50000 AS customer_id, range AS amount FROM range(150000)
               ORDER BY hash(range + 1))
           TO '{dir}/orders.parquet' (ROW_GROUP_SIZE 2048);",
    );
    let (_, db) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders.parquet\" by customer_id\n\
         metric monetary = sum(orders.amount)\n\
         score m = quintile(monetary)\n\
         tag top when monetary >= percentile(monetary, 0.9)\n",
    );
    let out_of_order = |t: &str| {
        table(
            &db,
            &format!(
                "SELECT count(*) AS n FROM (SELECT customer_id < lag(customer_id) OVER (ORDER BY rowid) AS back FROM {t}) WHERE back"
            ),
        )
    };
    assert_eq!(out_of_order("seg_customers"), "n\n0");
    assert_eq!(out_of_order("seg_customer_tags"), "n\n0");
    assert_eq!(
        table(
            &db,
            "SELECT count(*) AS n, count(DISTINCT customer_id) AS keys FROM seg_customer_tags"
        ),
        "n | keys\n5000 | 5000"
    );
}

#[test]
fn mode_ties_go_to_the_smallest_value_whatever_the_row_order() {
    // Every customer has `a` twice, `b` twice and `c` once, in shuffled
    // order over many row groups (so DuckDB reads them on several threads).
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT range AS customer_id FROM range(20000)) TO '{dir}/customers.parquet';
         COPY (SELECT c AS customer_id, v AS channel FROM range(20000) t(c),
                      (VALUES (1, 'b'), (2, 'a'), (3, 'b'), (4, 'a'), (5, 'c')) v(n, v)
               ORDER BY hash(c * 5 + n))
           TO '{dir}/orders.parquet' (ROW_GROUP_SIZE 2048);",
    );
    let (summary, _) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders.parquet\" by customer_id\n\
         metric favourite = mode(orders.channel)\n\
         tag not_a when favourite != \"a\" or favourite is missing\n",
    );
    assert_eq!(summary.customers, 20000);
    assert_eq!(summary.tags[0].tag, "not_a");
    assert_eq!(
        summary.tags[0].customers, 0,
        "some customer's mode is not the smallest tied value"
    );
}

#[test]
fn sums_of_floating_point_numbers_are_the_same_on_every_run() {
    // Two customers with the same 300,000 amounts in different orders, over
    // many row groups: parallel float addition would give them different
    // last digits, and so different scores.
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT * FROM (VALUES (1), (2)) c(customer_id)) TO '{dir}/customers.parquet';
         COPY (SELECT c AS customer_id, (i * 0.37 + 1 / 3) ::DOUBLE AS amount
               FROM range(300000) r(i), (VALUES (1), (2)) c(c) ORDER BY hash(i, c))
           TO '{dir}/orders.parquet' (ROW_GROUP_SIZE 4096);",
    );
    let (_, db) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders.parquet\" by customer_id\n\
         metric total = sum(orders.amount)\n\
         metric mean = avg(orders.amount)\n\
         score half = ntile(2, total)\n",
    );
    let rows = table(&db, "SELECT total, mean, half FROM seg_customers");
    let mut lines = rows.lines().skip(1);
    assert_eq!(lines.next(), lines.next(), "{rows}");
}

#[test]
fn percentiles_of_decimals_interpolate() {
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT * FROM (VALUES (1), (2), (3), (4)) c(customer_id)) TO '{dir}/customers.parquet';
         COPY (SELECT * FROM (VALUES (1, 10.00::DECIMAL(10,2)), (2, 10.01), (3, 10.00), (4, 10.01)) o(customer_id, amount))
           TO '{dir}/orders.parquet';",
    );
    let (summary, _) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders.parquet\" by customer_id\n\
         metric spend = sum(orders.amount)\n\
         tag top when spend >= percentile(spend, 0.6)\n",
    );
    let p = summary.dataset_values[0].value.unwrap();
    assert!((p - 10.008).abs() < 1e-9, "percentile was {p}");
    assert_eq!(summary.tags[0].customers, 2);
}

#[test]
fn quoted_tag_names_and_source_names_cannot_collide_with_seg_columns() {
    let dir = tempfile::tempdir().unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT * FROM (VALUES (1, 1), (2, 2), (3, 3)) c(customer_id, v)) TO '{dir}/customers.parquet';
         COPY (SELECT * FROM (VALUES (1, 5.0), (2, 5.0), (3, 0.5)) o(customer_id, amount)) TO '{dir}/base.parquet';",
    );
    let (summary, _) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source base from \"base.parquet\" by customer_id\n\
         metric m = count(base where amount > 1) + 0\n\
         score r = quintile(v + 1)\n\
         tag \"agg$1\" when v = 3\n\
         tag \"r$input\" when v = 3\n\
         tag \"percentile$1\" when v >= percentile(v, 0.5)\n",
    );
    let counts: Vec<(String, i64)> = summary
        .tags
        .iter()
        .map(|t| (t.tag.clone(), t.customers))
        .collect();
    assert_eq!(
        counts,
        [
            ("agg$1".to_string(), 1),
            ("r$input".to_string(), 1),
            ("percentile$1".to_string(), 2)
        ]
    );
}

#[test]
fn time_zones_globs_and_long_numbers_are_read() {
    // Timestamps with a time zone (as Spark and pandas write them) read as
    // UTC; files matched by a glob may differ in their columns; a number too
    // long for an integer still compares.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("orders")).unwrap();
    write_data(
        dir.path(),
        "COPY (SELECT * FROM (VALUES (1), (2)) c(customer_id)) TO '{dir}/customers.parquet';
         COPY (SELECT 1 AS customer_id, CAST(TIMESTAMP '2025-05-30 23:00:00' AS TIMESTAMPTZ) AS at, 10.0 AS amount)
           TO '{dir}/orders/a.parquet';
         COPY (SELECT 2 AS customer_id, CAST(TIMESTAMP '2025-01-01 10:00:00' AS TIMESTAMPTZ) AS at, 5.0 AS amount, 'x' AS coupon)
           TO '{dir}/orders/b.parquet';",
    );
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.parquet\" key customer_id\n\
         source orders from \"orders/*.parquet\" by customer_id at at\n\
         as of 2025-06-01\n\
         metric recency = days_since(max(orders.at))\n\
         metric coupons = count(orders.coupon)\n\
         tag recent when recency <= 30\n\
         tag rich when sum(orders.amount) > 99999999999999999999999\n",
    );
    assert_eq!(summary.customers, 2);
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, recency, coupons, tags FROM seg_customers"
        ),
        "customer_id | recency | coupons | tags\n1 | 2 | 0 | [recent]\n2 | 151 | 1 | []"
    );
}

#[test]
fn sources_can_be_tables_of_the_database_in_a_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE SCHEMA crm;
             CREATE TABLE crm.people AS SELECT * FROM (VALUES (1, 'north'), (2, 'south')) t(customer_id, region);
             CREATE TABLE orders AS SELECT * FROM (VALUES (1, 10.0), (1, 5.0)) t(customer_id, amount);",
        )
        .unwrap();
    }
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from table crm.people key customer_id\n\
         source orders by customer_id\n\
         metric spend = sum(orders.amount)\n\
         tag north when region = \"north\"\n",
    );
    assert_eq!(summary.customers, 2);
    assert_eq!(
        table(&db, "SELECT customer_id, spend, tags FROM seg_customers"),
        "customer_id | spend | tags\n1 | 15.0 | [north]\n2 | 0.0 | []"
    );
}

#[test]
fn fact_rows_without_a_customer_are_counted_and_warned_about() {
    // Customers 1-3. Orders: 5 rows before the as-of date, 2 of them for
    // customer 9, who is not a customer (40%: warned about); one row after
    // the as-of date for customer 10, which the run does not read. Events:
    // 101 rows, 1 for customer 9 (under 1%: counted, not warned about).
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("customers.csv"), "customer_id\n1\n2\n3\n").unwrap();
    std::fs::write(
        path("orders.csv"),
        "customer_id,ordered_at,amount\n\
         1,2025-01-01,10\n1,2025-02-01,20\n2,2025-03-01,5\n\
         9,2025-03-02,7\n9,2025-03-03,1\n10,2025-07-01,3\n",
    )
    .unwrap();
    let mut events = String::from("customer_id,kind\n");
    for i in 0..100 {
        events.push_str(&format!("{},view\n", 1 + i % 3));
    }
    events.push_str("9,view\n");
    std::fs::write(path("events.csv"), events).unwrap();
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         source orders from \"orders.csv\" by customer_id at ordered_at\n\
         source events from \"events.csv\" by customer_id\n\
         as of 2025-06-01\n\
         metric spend = sum(orders.amount)\n\
         metric views = count(events)\n",
    );
    let counts: Vec<(&str, i64, i64)> = summary
        .source_rows
        .iter()
        .map(|r| (r.source.as_str(), r.rows, r.unmatched))
        .collect();
    assert_eq!(counts, [("orders", 5, 2), ("events", 101, 1)]);
    assert_eq!(
        summary.warnings,
        ["2 of 5 rows of `orders` (40.0%) have no customer in the key source and count for no one"]
    );
    // The customers' own values are untouched by the strays.
    assert_eq!(
        table(&db, "SELECT customer_id, spend, views FROM seg_customers"),
        "customer_id | spend | views\n1 | 30 | 34\n2 | 5 | 33\n3 | 0 | 33"
    );
    assert_eq!(
        table(&db, "SELECT unmatched_rows FROM seg_runs"),
        "unmatched_rows\n[{'source': orders, 'rows': 5, 'unmatched': 2}, {'source': events, 'rows': 101, 'unmatched': 1}]"
    );
}

#[test]
fn a_customer_key_may_be_called_tag_or_position() {
    for key in ["tag", "position"] {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(
            path("customers.csv"),
            format!("{key},region\n1,north\n2,south\n"),
        )
        .unwrap();
        std::fs::write(
            path("orders.csv"),
            format!("{key},amount\n1,10\n1,5\n2,1\n"),
        )
        .unwrap();
        std::fs::write(path("crm.csv"), format!("{key},label\n2,vip\n2,north\n")).unwrap();
        let (summary, db) = run_rules(
            dir.path(),
            &format!(
                "source customers from \"customers.csv\" key {key}\n\
                 source orders from \"orders.csv\" by {key}\n\
                 source crm from \"crm.csv\" by {key}\n\
                 tags from crm.label\n\
                 metric spend = sum(orders.amount)\n\
                 tag north when region = \"north\"\n\
                 tag big when spend > 10\n"
            ),
        );
        assert_eq!(summary.customers, 2, "key {key}");
        assert_eq!(
            table(
                &db,
                &format!("SELECT \"{key}\", spend, tags FROM seg_customers")
            ),
            format!("{key} | spend | tags\n1 | 15 | [north, big]\n2 | 1 | [north, vip]"),
            "key {key}"
        );
        // The key keeps its name; seg's own column moves aside if it must.
        let tag = if key == "tag" { "seg_tag" } else { "tag" };
        assert_eq!(
            table(&db, "SELECT * FROM seg_customer_tags"),
            format!("{key} | {tag}\n1 | north\n1 | big\n2 | north\n2 | vip"),
            "key {key}"
        );
        let counts: Vec<(&str, i64)> = summary
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), t.customers))
            .collect();
        assert_eq!(counts, [("north", 2), ("big", 1), ("vip", 1)], "key {key}");
    }
}
