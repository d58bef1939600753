//! The rule sets under tests/fixtures/ok: each checks cleanly and, run on the
//! small fixture data, gives the results worked out by hand in its test.

use std::path::Path;

use seg::engine::Engine;
use seg::semantic::Mode;
use seg::source::read_rule_set;

use crate::support::{check_fixture, fixture, members, rendered, run_rule_set, settings, table};

/// Checks a fixture (against its data files) and asserts it is clean.
fn assert_clean(path: &str) {
    let (files, checked) = check_fixture(path, &settings(Mode::Check));
    assert_eq!(
        rendered(&files, &checked),
        "0 errors, 0 warnings\n",
        "{path}"
    );
    assert!(checked.program.is_some(), "{path}");
}

/// Runs a fixture into a new database in `dir`.
fn run_fixture(path: &str, dir: &Path) -> (seg::engine::RunSummary, std::path::PathBuf) {
    let db = dir.join("seg.duckdb");
    let summary = run_rule_set(&fixture(path), &db, &settings(Mode::Run)).unwrap();
    (summary, db)
}

#[test]
fn the_rfm_map_places_each_buyer_by_recency_and_frequency() {
    assert_clean("ok/rfm");
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run_fixture("ok/rfm", dir.path());
    assert_eq!(summary.customers, 6);
    // Paid orders before 2025-06-30 (orders.csv):
    //   1: 2025-06-29 120.50, 2025-06-01 80.00 → frequency 2, monetary 200.50, recency 1
    //   2: 2024-12-01 35.00                  → 1, 35.00, 211 (Dec..May 182 + 29)
    //   3: 2025-03-01, 2025-03-02 60.00 each → 2, 120.00, 120 (the 999.00 of
    //      2025-06-30 is on the as-of day, so not seen)
    //   4: only a cancelled order, 5: none  → frequency 0: no scores
    //   6: 2023-05-05 500.00                 → 1, 500.00, 787 (731 + 26 + 30)
    // Four buyers (N = 4), score = floor(5 × (rank − 1) / 4) + 1:
    //   r (lower is better, rank 1 the largest recency): 6 → 1, 2 → 2, 3 → 3, 1 → 4
    //   f (ranks 1, 1, 3, 3): 2, 6 → 1; 1, 3 → 3
    //   m (ranks 1..4 by monetary): 2 → 1, 3 → 2, 1 → 3, 6 → 4
    // The map, first rule that holds:
    //   1 (r 4, f 3): "Potential Loyalist" (r >= 4 and f between 2 and 3)
    //   2 (r 2, f 1): none of the rules → Hibernating
    //   3 (r 3, f 3): "Need Attention"
    //   4, 5: "Never Bought"
    //   6 (r 1, f 1): Lost
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, frequency, monetary, recency, r, f, m, rfm FROM seg_customers"
        ),
        "customer_id | frequency | monetary | recency | r | f | m | rfm\n\
         1 | 2 | 200.5 | 1 | 4 | 3 | 3 | Potential Loyalist\n\
         2 | 1 | 35.0 | 211 | 2 | 1 | 1 | Hibernating\n\
         3 | 2 | 120.0 | 120 | 3 | 3 | 2 | Need Attention\n\
         4 | 0 | 0.0 | ∅ | ∅ | ∅ | ∅ | Never Bought\n\
         5 | 0 | 0.0 | ∅ | ∅ | ∅ | ∅ | Never Bought\n\
         6 | 1 | 500.0 | 787 | 1 | 1 | 4 | Lost"
    );
    let rfm = &summary.segmentations[0];
    let counts: Vec<(Option<&str>, i64)> = rfm
        .labels
        .iter()
        .filter(|l| l.customers > 0)
        .map(|l| (l.label.as_deref(), l.customers))
        .collect();
    assert_eq!(
        counts,
        [
            (Some("Never Bought"), 2),
            (Some("Potential Loyalist"), 1),
            (Some("Need Attention"), 1),
            (Some("Lost"), 1),
            (Some("Hibernating"), 1),
        ]
    );
}

#[test]
fn a_rule_set_written_in_chinese_runs_on_chinese_data() {
    assert_clean("ok/zh");
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run_fixture("ok/zh", dir.path());
    assert_eq!(summary.customers, 4);
    // 订单.csv, as of 2025-06-30:
    //   1: 已支付 300 (06-20) + 200 (05-01) → 消费金额 500, 购买次数 2, 最近购买 10
    //   2: 已支付 50 (06-01), 已退款 80    → 50, 1, 29
    //   3: 已支付 20 (2024-01-01)          → 20, 1, 546 (366 + 180)
    //   4: none                            → 0, 0, missing
    // 价值分层 (高消费门槛 = 400): 1 高价值客户 (500 >= 400), 2 活跃客户 (29 <= 90),
    // 3 沉睡客户 (bought, 546 > 90), 4 未购买客户.
    assert_eq!(
        table(
            &db,
            "SELECT 客户编号, 消费金额, 购买次数, 最近购买, 价值分层 FROM seg_customers"
        ),
        "客户编号 | 消费金额 | 购买次数 | 最近购买 | 价值分层\n\
         1 | 500 | 2 | 10 | 高价值客户\n\
         2 | 50 | 1 | 29 | 活跃客户\n\
         3 | 20 | 1 | 546 | 沉睡客户\n\
         4 | 0 | 0 | ∅ | 未购买客户"
    );
    // 上海客户: 1 and 3 live in 上海; 复购客户: only 1 bought twice; 有退款: 2.
    assert_eq!(
        table(
            &db,
            "SELECT tag, string_agg(客户编号::VARCHAR, ' ' ORDER BY 客户编号) AS ids \
             FROM seg_customer_tags GROUP BY tag ORDER BY min(客户编号), tag"
        ),
        "tag | ids\n上海客户 | 1 3\n复购客户 | 1\n有退款 | 2"
    );
    assert_eq!(
        table(
            &db,
            "SELECT name, description FROM seg_tag_catalog WHERE description IS NOT NULL ORDER BY name"
        ),
        "name | description\n上海客户 | 城市为上海\n高价值客户 | 消费金额不低于门槛"
    );
}

#[test]
fn a_glob_reads_every_matching_file_as_one_source() {
    assert_clean("ok/glob");
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run_fixture("ok/glob", dir.path());
    assert_eq!(summary.customers, 6);
    // orders_by_month/2025-05.csv: 1 → 40, 2 → 15.
    // orders_by_month/2025-06.csv: 1 → 60 with a coupon, 3 → 25 without,
    //   6 → 999 on the as-of day (not seen).
    // notes.txt in the same folder is not a .csv, so its 100000 is not read.
    // Last 30 days (on or after 2025-05-31): 1 (06-10) and 3 (06-12).
    assert_eq!(
        table(&db, "SELECT customer_id, spend, coupons FROM seg_customers"),
        "customer_id | spend | coupons\n\
         1 | 100 | 1\n2 | 15 | 0\n3 | 25 | 0\n4 | 0 | 0\n5 | 0 | 0\n6 | 0 | 0"
    );
    assert_eq!(members(&db), "coupon_user: 1\nrecent_buyer: 1 3");
}

#[test]
fn tables_and_views_of_the_database_are_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    // The fixture CSVs as tables: customers in schema crm, orders as a view
    // of the paid ones in schema sales.
    duckdb::Connection::open(&db)
        .unwrap()
        .execute_batch(&format!(
            "CREATE SCHEMA crm;
             CREATE TABLE crm.people AS FROM read_csv('{customers}');
             CREATE TABLE raw_orders AS FROM read_csv('{orders}');
             CREATE SCHEMA sales;
             CREATE VIEW sales.paid_orders AS FROM raw_orders WHERE status = 'paid';",
            customers = fixture("data/customers.csv").display(),
            orders = fixture("data/orders.csv").display(),
        ))
        .unwrap();

    let files = read_rule_set(&fixture("ok/table")).unwrap();
    let checked = seg::check(&files, &Engine::open(&db).unwrap(), &settings(Mode::Check));
    assert_eq!(rendered(&files, &checked), "0 errors, 0 warnings\n");

    let summary = run_rule_set(&fixture("ok/table"), &db, &settings(Mode::Run)).unwrap();
    assert_eq!(summary.customers, 6);
    // Paid orders before 2025-06-30: 1 → 120.50 + 80.00, 2 → 35.00,
    // 3 → 60.00 + 60.00 (999.00 is on the as-of day), 6 → 500.00; 4's only
    // order was cancelled; customer 99 is not a customer.
    // big: spend >= 100 → 1, 3, 6.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, spend, orders_placed, tier FROM seg_customers"
        ),
        "customer_id | spend | orders_placed | tier\n\
         1 | 200.5 | 2 | big\n\
         2 | 35.0 | 1 | small\n\
         3 | 120.0 | 2 | big\n\
         4 | 0.0 | 0 | small\n\
         5 | 0.0 | 0 | small\n\
         6 | 500.0 | 1 | big"
    );
    assert_eq!(members(&db), "northern: 1 3");
}
