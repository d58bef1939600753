//! `seg run --dry-run` through the real binary: everything computed and
//! compared with the last published run, expectations checked, and the
//! database left as it was (or not created at all).

use std::path::Path;

use serde_json::Value;

use crate::support::{seg, table};

const RULES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id

param gold_spend = 100
metric spend = sum(orders.amount)

tier Gold   when spend >= gold_spend
tier Silver when spend > 0
tier Bronze otherwise

tag big when spend >= 200

expect tier Gold under 50%
";

/// Spends: 1: 300, 2: 150, 3: 50, 4: nothing. With gold_spend 100: Gold
/// 1, 2; Silver 3; Bronze 4; big: 1.
fn write(dir: &Path) {
    std::fs::write(dir.join("rules.seg"), RULES).unwrap();
    std::fs::write(
        dir.join("customers.csv"),
        "customer_id,name\n1,Ann\n2,Bo\n3,Cy\n4,Di\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "customer_id,amount\n1,300\n2,150\n3,50\n",
    )
    .unwrap();
}

fn run(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = seg()
        .current_dir(dir)
        .args(["run", "rules.seg", "--as-of", "2025-07-01"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every table seg writes, row by row, in a fixed order.
fn content(db: &Path) -> String {
    [
        "seg_customers",
        "seg_customer_tags",
        "seg_tag_catalog",
        "seg_runs",
        "seg_label_history",
        "seg_tag_history",
    ]
    .iter()
    .map(|t| {
        format!(
            "{t}\n{}\n",
            table(db, &format!("SELECT * FROM {t} ORDER BY ALL"))
        )
    })
    .collect::<String>()
        + &table(
            db,
            "SELECT table_name FROM information_schema.tables ORDER BY ALL",
        )
}

#[test]
fn a_dry_run_shows_what_would_change_and_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let (status, _, _) = run(dir.path(), &["--db", "seg.duckdb", "--quiet"]);
    assert_eq!(status, 0);
    let db = dir.path().join("seg.duckdb");
    let before = content(&db);

    // gold_spend 40: 3 (spend 50) moves Silver → Gold, so Gold is 3 of 4
    // customers (75%): the expectation fails, a warning, status 0.
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--db", "seg.duckdb", "--dry-run", "--set", "gold_spend=40"],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("dry run of run 2 · 4 customers · as of 2025-07-01 · "));
    assert!(
        stdout.contains("\nchanges since run 1: tier 1 Silver→Gold\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "\ndry run: nothing published; seg.duckdb is unchanged (run 2 would publish it)\n"
        ),
        "{stdout}"
    );
    assert!(stderr.contains("warning: expectation failed: expect tier Gold under 50%"));
    assert_eq!(content(&db), before);

    // JSON: the whole summary, marked as a dry run, no tables written.
    let (status, stdout, _) = run(
        dir.path(),
        &[
            "--db",
            "seg.duckdb",
            "--dry-run",
            "--set",
            "gold_spend=40",
            "--format",
            "json",
        ],
    );
    assert_eq!(status, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["run_id"], 2);
    assert_eq!(v["tables"], serde_json::json!([]));
    assert_eq!(v["expectations"][0]["passed"], false);
    // Every cell of the transition matrix: 1 and 2 stay Gold, 3 moves, 4
    // stays Bronze.
    let cells: Vec<String> = v["changes"]["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}→{} {}",
                t["from"].as_str().unwrap(),
                t["to"].as_str().unwrap(),
                t["customers"]
            )
        })
        .collect();
    assert_eq!(cells, ["Gold→Gold 2", "Silver→Gold 1", "Bronze→Bronze 1"]);
    assert_eq!(content(&db), before);

    // --strict: the failed expectation is an error (status 1), as for a run.
    let (status, _, stderr) = run(
        dir.path(),
        &[
            "--db",
            "seg.duckdb",
            "--dry-run",
            "--strict",
            "--set",
            "gold_spend=40",
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(content(&db), before);

    // A real run publishes what the dry run showed.
    let (status, _, _) = run(
        dir.path(),
        &["--db", "seg.duckdb", "--quiet", "--set", "gold_spend=40"],
    );
    assert_eq!(status, 0);
    assert_ne!(content(&db), before);
    assert_eq!(
        table(&db, "SELECT max(run_id) AS last FROM seg_runs"),
        "last\n2"
    );
}

#[test]
fn a_dry_run_creates_no_database_and_writes_no_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let (status, stdout, stderr) = run(dir.path(), &["--db", "new.duckdb", "--dry-run"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.starts_with("dry run of run 1 · 4 customers"));
    // A row's words, then its share's bar.
    let row = |words: &[&str]| {
        stdout.lines().any(|l| {
            let mut found = l.split_whitespace();
            found.by_ref().take(words.len()).eq(words.iter().copied())
                && found.all(|bar| bar.chars().all(|c| ('█'..='▏').contains(&c)))
        })
    };
    assert!(row(&["Gold", "2", "50.0%"]), "{stdout}");
    assert!(row(&["big", "1", "25.0%"]), "{stdout}");
    assert!(stdout.ends_with(
        "\ndry run: nothing published; new.duckdb was not created (run 1 would publish it)\n"
    ));
    assert!(!dir.path().join("new.duckdb").exists());
    assert!(!dir.path().join("new.duckdb.wal").exists());

    let (status, _, stderr) = run(
        dir.path(),
        &["--db", "new.duckdb", "--dry-run", "--out", "exports"],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.contains("--dry-run writes nothing, so it takes no --out"),
        "{stderr}"
    );
    assert!(!dir.path().join("exports").exists());
    assert!(!dir.path().join("new.duckdb").exists());

    let out = seg()
        .current_dir(dir.path())
        .args(["run", "rules.seg", "--db", "new.duckdb", "--dry-run"])
        .args(["--as-of", "2025-01-01..2025-03-01", "--step", "1month"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a range"));
}
