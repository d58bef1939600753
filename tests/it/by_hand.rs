//! The semantics of docs/language.md, run on DuckDB over a few rows written
//! here, against values worked out by hand in the comments: time windows at
//! their boundaries, ranges, lists, `or` and `not` with missing values,
//! labels that look like SQL.

use std::path::Path;

use crate::support::{members, run_rules, table};

/// Six customers; 4 has no region, 5 and 6 no points.
fn write_customers(dir: &Path) {
    std::fs::write(
        dir.join("customers.csv"),
        "customer_id,region,points\n\
         1,north,10\n\
         2,south,5\n\
         3,east,1\n\
         4,,20\n\
         5,east,\n\
         6,west,\n",
    )
    .unwrap();
}

#[test]
fn time_windows_include_as_of_minus_n_and_never_the_as_of_day() {
    // As of 2025-06-30, 30 days back is 2025-05-31: `within 30 days` and
    // `last 30 days` hold from 2025-05-31 00:00 on; facts from 2025-06-30
    // on are not seen at all.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("customers.csv"),
        "customer_id,signup_date\n\
         1,2025-05-31\n\
         2,2025-05-30\n\
         3,2025-06-30\n\
         4,2024-01-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("orders.csv"),
        "customer_id,ordered_at,amount\n\
         1,2025-05-31 00:00:00,10\n\
         1,2025-05-30 23:59:59,20\n\
         2,2025-05-31 18:00:00,40\n\
         2,2025-06-30 00:00:00,80\n\
         3,2025-06-29 23:59:59,160\n\
         3,2025-04-01 00:00:00,320\n",
    )
    .unwrap();
    let (_, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         source orders from \"orders.csv\" by customer_id at ordered_at\n\
         as of 2025-06-30\n\
         metric seen = count(orders)\n\
         metric last_30 = sum(orders.amount, last 30 days)\n\
         metric within_30 = sum(orders.amount where ordered_at within 30 days)\n\
         metric recency = days_since(max(orders.ordered_at))\n\
         tag new_signup when signup_date within 30 days\n",
    );
    // 1: 10 (at 2025-05-31 00:00, in) + 20 (2025-05-30 23:59:59, out):
    //    seen 2, windows 10; last order on 05-31 → recency 30.
    // 2: 40 (2025-05-31 18:00, in); 80 is on the as-of day → seen 1,
    //    windows 40, recency 30 (whole days from the date).
    // 3: 160 (the last second before as-of, in) + 320 (04-01, out): seen 2,
    //    windows 160, recency 1 (the day before as-of gives 1).
    // 4: no orders: count and sum 0, recency missing.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, seen, last_30, within_30, recency FROM seg_customers"
        ),
        "customer_id | seen | last_30 | within_30 | recency\n\
         1 | 2 | 10 | 10 | 30\n\
         2 | 1 | 40 | 40 | 30\n\
         3 | 2 | 160 | 160 | 1\n\
         4 | 0 | 0 | 0 | ∅"
    );
    // A customer column has no as-of cut: signed up on 2025-05-31 (1) and
    // on the as-of day (3) are within 30 days; 2025-05-30 (2) is not.
    assert_eq!(members(&db), "new_signup: 1 3");
}

#[test]
fn ranges_lists_and_or_with_missing_values() {
    let dir = tempfile::tempdir().unwrap();
    write_customers(dir.path());
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         tag mid     when points between 5 and 10\n\
         tag outside when points not between 5 and 10\n\
         tag not_mid when not (points between 5 and 10)\n\
         tag far     when region not in (\"north\", \"south\")\n\
         tag either  when points > 15 or region = \"east\"\n\
         tag neither when not (points > 15 or region = \"east\")\n",
    );
    // points: 1 → 10, 2 → 5, 3 → 1, 4 → 20, 5 and 6 missing.
    // mid: between is inclusive at both ends → 1 (10) and 2 (5).
    // outside: 3 (1) and 4 (20); for 5 and 6 the comparison has a missing
    //   value, so it is false.
    // not_mid: `not` of a false comparison holds → 3, 4 and also 5, 6.
    // far: 3 (east), 5 (east), 6 (west); 4's region is missing → false.
    // either: 3 (east), 4 (20 > 15), 5 (points missing, but east: false or
    //   true is true); 6 (missing, west) is false or false.
    // neither: the rest, 1, 2 and 6.
    assert_eq!(
        members(&db),
        "either: 3 4 5\n\
         far: 3 5 6\n\
         mid: 1 2\n\
         neither: 1 2 6\n\
         not_mid: 3 4 5 6\n\
         outside: 3 4"
    );
    assert_eq!(summary.tags.len(), 6);
}

#[test]
fn a_missing_label_is_no_label_under_not() {
    let dir = tempfile::tempdir().unwrap();
    write_customers(dir.path());
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         tier A when points >= 10\n\
         tag not_a      when not tier = \"A\"\n\
         tag other_than when tier != \"A\"\n\
         tag unlabelled when tier is missing\n",
    );
    // tier has no `otherwise`: 1 (10) and 4 (20) are A, the others have no
    // label. `not` binds looser than `=`, so not_a is not (tier = "A"):
    // true for the four without a label. `tier != "A"` compares a missing
    // label: false for everyone.
    assert_eq!(
        table(&db, "SELECT customer_id, tier FROM seg_customers"),
        "customer_id | tier\n1 | A\n2 | ∅\n3 | ∅\n4 | A\n5 | ∅\n6 | ∅"
    );
    assert_eq!(members(&db), "not_a: 2 3 5 6\nunlabelled: 2 3 5 6");
    let other_than = summary.tags.iter().find(|t| t.tag == "other_than").unwrap();
    assert_eq!(other_than.customers, 0);
}

#[test]
fn labels_and_tags_that_look_like_sql_reach_the_tables_intact() {
    let dir = tempfile::tempdir().unwrap();
    write_customers(dir.path());
    let (summary, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         tier \"O'Brien \\\"VIP\\\"; DROP TABLE seg_runs; --\" when points >= 10\n\
         tier 'plain; \"x\"' otherwise\n\
         tag \"it's \\\"odd\\\"; --\" when points = 5\n\
         describe tag \"it's \\\"odd\\\"; --\" as \"a 'quoted'; \\\"tag\\\"\"\n",
    );
    let vip = r#"O'Brien "VIP"; DROP TABLE seg_runs; --"#;
    let plain = r#"plain; "x""#;
    let odd = r#"it's "odd"; --"#;
    // 1 (10) and 4 (20) have points >= 10; 2 has exactly 5.
    assert_eq!(
        table(&db, "SELECT customer_id, tier FROM seg_customers"),
        format!(
            "customer_id | tier\n1 | {vip}\n2 | {plain}\n3 | {plain}\n4 | {vip}\n5 | {plain}\n6 | {plain}"
        )
    );
    assert_eq!(members(&db), format!("{odd}: 2"));
    assert_eq!(
        table(
            &db,
            &format!(
                "SELECT description FROM seg_tag_catalog WHERE name = '{}'",
                odd.replace('\'', "''")
            )
        ),
        r#"description
a 'quoted'; "tag""#
    );
    // The run log was not dropped, and it counts the labels.
    assert_eq!(
        table(&db, "SELECT count(*) AS runs FROM seg_runs"),
        "runs\n1"
    );
    let labels: Vec<(Option<String>, i64)> = summary.segmentations[0]
        .labels
        .iter()
        .filter(|l| l.customers > 0)
        .map(|l| (l.label.clone(), l.customers))
        .collect();
    assert_eq!(
        labels,
        [(Some(vip.to_string()), 2), (Some(plain.to_string()), 4)]
    );
}
