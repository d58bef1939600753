//! Scores and dataset-level values per group (`within region`), run on
//! DuckDB over a few rows written here, against values worked out by hand
//! in the comments; what the run log records per group; the SQL.

use std::path::Path;

use crate::support::{check_text, program_of, run_rules, seg, table};

use insta_cmd::assert_cmd_snapshot;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Nine customers in two regions and one without a region, and their
/// orders' totals (`spend`, the sum of `amount` before 2025-06-30):
///
/// | customer | region | spend |
/// |---|---|---|
/// | 1 | north | 100 |
/// | 2 | north | 200 (150 + 50) |
/// | 3 | north | 200 |
/// | 4 | north | 400 |
/// | 5 | south | 50 |
/// | 6 | south | 300 |
/// | 7 | south | 0 (no orders) |
/// | 8 | — | 500 |
/// | 9 | south | 300 (100 + 200; the 999 of 07-01 is after the as-of date) |
pub(crate) fn write_shop(dir: &Path) {
    write(
        dir,
        "customers.csv",
        "customer_id,region\n1,north\n2,north\n3,north\n4,north\n5,south\n6,south\n7,south\n8,\n9,south\n",
    );
    write(
        dir,
        "orders.csv",
        "customer_id,ordered_at,amount\n\
         1,2025-01-01,100\n2,2025-01-02,150\n2,2025-02-01,50\n3,2025-03-01,200\n\
         4,2025-04-01,400\n5,2025-01-05,50\n6,2025-02-05,300\n8,2025-03-03,500\n\
         9,2025-05-05,100\n9,2025-05-06,200\n9,2025-07-01,999\n",
    );
}

pub(crate) const SHOP: &str = "source customers from \"customers.csv\" key customer_id\n\
                    source orders from \"orders.csv\" by customer_id at ordered_at\n\
                    as of 2025-06-30\n\
                    metric spend = sum(orders.amount)\n";

pub(crate) const RULES: &str = "score s = quintile(spend) within region\n\
                     score g = quintile(spend)\n\
                     score r = quintile(spend, lower_is_better) within region where spend > 0\n\
                     tier big when spend >= 300\n\
                     tier small otherwise\n\
                     score t = ntile(2, spend) within tier\n\
                     tag big_in_region when spend >= percentile(spend, 0.5) within region\n";

#[test]
fn a_score_within_a_group_ranks_each_customer_among_its_group() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let (summary, db) = run_rules(dir.path(), &format!("{SHOP}{RULES}"));
    // score = floor(n × (rank − 1) / N) + 1, rank and N within the group.
    // s, within region (n = 5):
    //   north (N = 4): 100 rank 1 → 1; 200, 200 rank 2 → floor(5/4)+1 = 2;
    //                  400 rank 4 → floor(15/4)+1 = 4.
    //   south (N = 4): 0 rank 1 → 1; 50 rank 2 → 2; 300, 300 rank 3 →
    //                  floor(10/4)+1 = 3.
    //   8 has no region: no score.
    // g, over everyone (N = 9): 0 → 1; 50 rank 2 → floor(5/9)+1 = 1;
    //   100 rank 3 → 2; 200 rank 4 → floor(15/9)+1 = 2; 300 rank 6 →
    //   floor(25/9)+1 = 3; 400 rank 8 → floor(35/9)+1 = 4; 500 rank 9 → 5.
    // r, lower is better, within region, only spend > 0:
    //   north (N = 4), largest first: 400 → 1; 200 rank 2 → 2; 100 rank 4 → 4.
    //   south (N = 3, 7 is not scored): 300, 300 rank 1 → 1; 50 rank 3 →
    //   floor(10/3)+1 = 4.
    // t, ntile(2) within tier (big: spend >= 300):
    //   big (N = 4: 300, 300, 400, 500): 300 rank 1 → 1; 400 rank 3 →
    //   floor(4/4)+1 = 2; 500 rank 4 → floor(6/4)+1 = 2.
    //   small (N = 5: 0, 50, 100, 200, 200): ranks 1, 2, 3 → 1 (floor(4/5)
    //   = 0); 200 rank 4 → floor(6/5)+1 = 2.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, spend, s, g, r, tier, t FROM seg_customers"
        ),
        "customer_id | spend | s | g | r | tier | t\n\
         1 | 100 | 1 | 2 | 4 | small | 1\n\
         2 | 200 | 2 | 2 | 2 | small | 2\n\
         3 | 200 | 2 | 2 | 2 | small | 2\n\
         4 | 400 | 4 | 4 | 1 | big | 2\n\
         5 | 50 | 2 | 1 | 4 | small | 1\n\
         6 | 300 | 3 | 3 | 1 | big | 1\n\
         7 | 0 | 1 | 1 | ∅ | small | 1\n\
         8 | 500 | ∅ | 5 | ∅ | big | 2\n\
         9 | 300 | 3 | 3 | 1 | big | 1"
    );
    // The summary has the edges of each group's buckets, after the
    // ungrouped score's; the run log keeps them in a column of their own.
    let s: Vec<String> = summary
        .score_edges
        .iter()
        .filter(|e| e.score == "s")
        .map(|e| {
            format!(
                "{} {} {:?}-{:?} {}",
                e.group.as_deref().unwrap_or("-"),
                e.bucket,
                e.low,
                e.high,
                e.customers
            )
        })
        .collect();
    assert_eq!(
        s,
        [
            "north 1 Some(100.0)-Some(100.0) 1",
            "north 2 Some(200.0)-Some(200.0) 2",
            "north 4 Some(400.0)-Some(400.0) 1",
            "south 1 Some(0.0)-Some(0.0) 1",
            "south 2 Some(50.0)-Some(50.0) 1",
            "south 3 Some(300.0)-Some(300.0) 2",
        ]
    );
    assert_eq!(
        table(
            &db,
            "SELECT e.score, e.\"group\", e.bucket, e.low, e.high, e.customers \
             FROM (SELECT unnest(group_score_edges) AS e FROM seg_runs) WHERE e.score = 't'"
        ),
        "score | group | bucket | low | high | customers\n\
         t | big | 1 | 300.0 | 300.0 | 2\n\
         t | big | 2 | 400.0 | 500.0 | 2\n\
         t | small | 1 | 0.0 | 100.0 | 3\n\
         t | small | 2 | 200.0 | 200.0 | 2"
    );
    // The ungrouped score stays where it was, without groups.
    assert_eq!(
        table(
            &db,
            "SELECT len(score_edges) AS ungrouped, \
             list_distinct(list_transform(score_edges, lambda e: e.score)) AS scores FROM seg_runs"
        ),
        "ungrouped | scores\n5 | [g]"
    );
}

#[test]
fn a_percentile_within_a_group_is_one_value_per_group() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let (summary, db) = run_rules(dir.path(), &format!("{SHOP}{RULES}"));
    // The median (continuous) per region: north 100, 200, 200, 400 →
    // (200 + 200) / 2 = 200; south 0, 50, 300, 300 → (50 + 300) / 2 = 175.
    // 8 has no region, so no value: its comparison is false.
    // big_in_region: north 2, 3, 4 (>= 200); south 6, 9 (>= 175).
    let values: Vec<String> = summary
        .dataset_values
        .iter()
        .map(|v| format!("{} {:?} {:?}", v.name, v.group, v.value))
        .collect();
    assert_eq!(
        values,
        [
            "percentile(spend, 0.5) within region Some(\"north\") Some(200.0)",
            "percentile(spend, 0.5) within region Some(\"south\") Some(175.0)",
        ]
    );
    assert_eq!(
        table(
            &db,
            "SELECT tag || ': ' || string_agg(customer_id::VARCHAR, ' ' ORDER BY customer_id) \
             AS m FROM seg_customer_tags GROUP BY tag"
        ),
        "m\nbig_in_region: 2 3 4 6 9"
    );
    assert_eq!(
        table(
            &db,
            "SELECT v.name, v.\"group\", v.value, len(dataset_values) AS ungrouped \
             FROM (SELECT unnest(group_dataset_values) AS v, dataset_values FROM seg_runs)"
        ),
        "name | group | value | ungrouped\n\
         percentile(spend, 0.5) within region | north | 200.0 | 0\n\
         percentile(spend, 0.5) within region | south | 175.0 | 0"
    );
}

#[test]
fn seg_run_says_which_scores_and_values_are_per_group_and_how_many_groups() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    write(dir.path(), "rules.seg", &format!("{SHOP}{RULES}"));
    insta::with_settings!({filters => vec![
        (r"\d+\.\d+ s", "[time] s"),
        (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
    ]}, {
        assert_cmd_snapshot!(seg()
            .arg("run")
            .arg(dir.path().join("rules.seg"))
            .arg("--db")
            .arg(dir.path().join("seg.duckdb")), @"
        success: true
        exit_code: 0
        ----- stdout -----
        run 1 · 9 customers · as of 2025-06-30 · [time] s

        tier                  customers    share
          big                         4    44.4%  ████████▉
          small                       5    55.6%  ███████████▏

        tags                  customers    share
          big_in_region               5    55.6%  ███████████▏

        scores (the values of each bucket)
          g = 5: spend ≥ 500
          g = 4: spend = 400
          g = 3: spend = 300
          g = 2: spend 100 to 200
          g = 1: spend ≤ 50

        score s (bucket edges of each of 2 groups in seg_runs)
        score r (bucket edges of each of 2 groups in seg_runs)
        score t (bucket edges of each of 2 groups in seg_runs)
        percentile(spend, 0.5) within region (the value of each of 2 groups in seg_runs)

        tables in [tmp]/seg.duckdb: seg_customers, seg_customer_tags, seg_tag_catalog, seg_runs, seg_label_history, seg_tag_history

        ----- stderr -----
        ");
    });
}

#[test]
fn the_group_partitions_the_score_windows_and_the_percentile_aggregate() {
    let (files, checked) = check_text(
        "metric spend = sum(orders.amount)\n\
         score s = quintile(spend) within region where spend > 0\n\
         tag top when spend >= percentile(spend, 0.9) within region\n",
    );
    let plan = seg::compile(&program_of(&files, checked));
    insta::assert_snapshot!(plan.derived.sql);
}

#[test]
fn an_example_gives_the_value_of_its_customers_group() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules.seg",
        &format!(
            "{SHOP}\
             tag big_in_region when spend >= percentile(spend, 0.5) within region\n\
             example \"above\": spend 60, percentile(spend, 0.5) within region = 50 expects tag big_in_region\n\
             example \"below\": spend 40, percentile(spend, 0.5) within region = 50 expects tag big_in_region\n"
        ),
    );
    // 60 >= 50 holds; 40 >= 50 does not, so "below" fails.
    let output = seg()
        .arg("test")
        .arg(dir.path().join("rules.seg"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("ok       example above"), "{stdout}");
    assert!(stdout.contains("FAILED   example below"), "{stdout}");
    assert!(
        stdout.contains("test result: 1 passed, 1 failed"),
        "{stdout}"
    );
}
