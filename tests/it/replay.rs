//! Point-in-time replay: `seg run --as-of FROM..TO --step ...` runs the
//! rules once per date, each its own run, and a customer created on or
//! after a run's as-of date (`key customer_id at signup_date`) is not in
//! that run. Every expectation is worked out by hand in the comments.

use crate::support::seg;
use std::path::Path;

use insta_cmd::assert_cmd_snapshot;
use seg::semantic::Mode;
use seg::source::SourceMap;

use crate::support::{Columns, members, program_of, run_rule_set, settings, table};

/// Hides durations and temporary folders.
macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"\d+\.\d+ s", "[time] s"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
        ]}, { $($body)* })
    };
}

/// Five customers and their orders and hand-assigned tags, in `dir`.
///
/// | customer | signed up  | paid orders         | tagged vip          |
/// |----------|------------|---------------------|---------------------|
/// | 1        | 2024-01-05 | 2024-03-10          | 2024-03-15          |
/// | 2        | 2024-02-10 | 2024-03-01 00:00    |                     |
/// | 3        | 2024-04-01 | 2024-04-20          |                     |
/// | 4        | 2023-12-01 | 2024-01-15 (and a refunded one, 2024-02-01) | 2024-01-01 00:00 |
/// | 5        | (none)     |                     |                     |
fn write_shop(dir: &Path) {
    std::fs::write(
        dir.join("customers.csv"),
        "customer_id,signup_date\n\
         1,2024-01-05\n\
         2,2024-02-10\n\
         3,2024-04-01\n\
         4,2023-12-01\n\
         5,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "customer_id,ordered_at,amount,status\n\
         1,2024-03-10 12:00:00,30,paid\n\
         2,2024-03-01 00:00:00,20,paid\n\
         3,2024-04-20 09:00:00,50,paid\n\
         4,2024-01-15 18:00:00,40,paid\n\
         4,2024-02-01 10:00:00,15,refunded\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("crm_tags.csv"),
        "customer_id,tag,assigned_at\n\
         1,vip,2024-03-15 00:00:00\n\
         4,vip,2024-01-01 00:00:00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rules.seg"),
        "source customers from \"customers.csv\" key customer_id at signup_date\n\
         source orders   from \"orders.csv\"    by customer_id at ordered_at\n\
         source crm_tags from \"crm_tags.csv\"  by customer_id at assigned_at\n\
         tags from crm_tags.tag\n\
         metric frequency   = count(orders where status = \"paid\")\n\
         metric first_order = min(orders.ordered_at where status = \"paid\")\n\
         lifecycle potential when frequency = 0\n\
         lifecycle new       when first_order within 60 days\n\
         lifecycle active    otherwise\n",
    )
    .unwrap();
}

/// Each customer's label at each first of the month, by hand. A customer is
/// in a run when it signed up before the as-of date (or has no date: 5);
/// `new` when its first paid order is on or after the as-of date minus 60
/// days: Dec 3 for Feb 1, Jan 1 for Mar 1, Feb 1 for Apr 1, Mar 2 for May 1,
/// Apr 2 for Jun 1.
///
/// - 1: signs up Jan 5 (absent on Jan 1), first order Mar 10: potential on
///   Feb 1 and Mar 1, new on Apr 1 and May 1, active on Jun 1.
/// - 2: signs up Feb 10 (absent on Jan 1 and Feb 1); its order at Mar 1
///   00:00 is on the as-of day, unseen on Mar 1 (potential); new on Apr 1;
///   active on May 1 (Mar 1 is before Mar 2).
/// - 3: signs up on Apr 1, so is absent on Apr 1 itself; new on May 1 and
///   Jun 1 (Apr 20).
/// - 4: first order Jan 15, unseen on Jan 1 (potential); new on Feb 1 and
///   Mar 1; active from Apr 1 (the refund does not count).
/// - 5: no sign-up date, never buys: potential every time.
///
/// The vip tag counts from the day after it was assigned: 4 (assigned Jan 1
/// 00:00, the as-of day of the first run) from Feb 1, 1 from Apr 1.
const BY_HAND: &[(&str, &str, &str)] = &[
    ("2024-01-01", "4 potential, 5 potential", ""),
    ("2024-02-01", "1 potential, 4 new, 5 potential", "vip: 4"),
    (
        "2024-03-01",
        "1 potential, 2 potential, 4 new, 5 potential",
        "vip: 4",
    ),
    (
        "2024-04-01",
        "1 new, 2 new, 4 active, 5 potential",
        "vip: 1 4",
    ),
    (
        "2024-05-01",
        "1 new, 2 active, 3 new, 4 active, 5 potential",
        "vip: 1 4",
    ),
    (
        "2024-06-01",
        "1 active, 2 active, 3 new, 4 active, 5 potential",
        "vip: 1 4",
    ),
];

/// The published labels, as `1 new, 2 active, ...`.
fn labels(db: &Path) -> String {
    table(
        db,
        "SELECT string_agg(customer_id || ' ' || lifecycle, ', ' ORDER BY customer_id) FROM seg_customers",
    )
    .lines()
    .nth(1)
    .unwrap_or_default()
    .to_string()
}

#[test]
fn each_single_past_date_sees_only_the_customers_and_facts_before_it() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    for (date, expected, tags) in BY_HAND {
        let db = dir.path().join(format!("{date}.duckdb"));
        let mut s = settings(Mode::Run);
        s.as_of = Some(date.parse().unwrap());
        let summary = run_rule_set(&dir.path().join("rules.seg"), &db, &s).unwrap();
        assert_eq!(labels(&db), *expected, "as of {date}");
        assert_eq!(members(&db), *tags, "as of {date}");
        assert_eq!(
            summary.customers,
            expected.split(", ").count() as i64,
            "as of {date}"
        );
    }
}

#[test]
fn a_replay_is_one_run_per_date_in_date_order() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let db = dir.path().join("seg.duckdb");
    stable! {
        assert_cmd_snapshot!(
            seg().current_dir(dir.path()).args([
                "run", "rules.seg", "--db", "seg.duckdb",
                "--as-of", "2024-01-01..2024-06-01", "--step", "1month",
            ]),
            @"
            success: true
            exit_code: 0
            ----- stdout -----
            run 1 · 2 customers · as of 2024-01-01 · [time] s
            run 2 · 3 customers · as of 2024-02-01 · [time] s
            run 3 · 4 customers · as of 2024-03-01 · [time] s
            run 4 · 4 customers · as of 2024-04-01 · [time] s
            run 5 · 5 customers · as of 2024-05-01 · [time] s
            run 6 · 5 customers · as of 2024-06-01 · [time] s

            replayed 6 of 6 dates, as of 2024-01-01 to 2024-06-01: runs 1 to 6 in seg.duckdb, whose tables are now as of 2024-06-01

            ----- stderr -----
        "
        );
    }
    // One row of the run log per date, in order, each with its as-of date
    // given on the command line, and the label counts of BY_HAND:
    // potential / new / active.
    assert_eq!(
        table(
            &db,
            "SELECT run_id, as_of, as_of_origin, customers, \
             array_to_string(list_transform(label_counts, lambda c: c.label || '=' || c.customers), ' ') AS labels, \
             array_to_string(list_transform(tag_counts, lambda c: c.tag || '=' || c.customers), ' ') AS tags \
             FROM seg_runs ORDER BY run_id"
        ),
        "run_id | as_of | as_of_origin | customers | labels | tags\n\
         1 | 2024-01-01 | command_line | 2 | potential=2 new=0 active=0 | \n\
         2 | 2024-02-01 | command_line | 3 | potential=2 new=1 active=0 | vip=1\n\
         3 | 2024-03-01 | command_line | 4 | potential=3 new=1 active=0 | vip=1\n\
         4 | 2024-04-01 | command_line | 4 | potential=1 new=2 active=1 | vip=2\n\
         5 | 2024-05-01 | command_line | 5 | potential=1 new=2 active=2 | vip=2\n\
         6 | 2024-06-01 | command_line | 5 | potential=1 new=1 active=3 | vip=2"
    );
    // The published tables are those of the last date.
    let (_, last, tags) = BY_HAND[5];
    assert_eq!(labels(&db), last);
    assert_eq!(members(&db), tags);
    // The run log records where the sources are, not the copies read.
    let sources = table(
        &db,
        "SELECT DISTINCT array_to_string(list_transform(sources, lambda s: s.location), ' ') FROM seg_runs",
    );
    assert!(!sources.contains("seg_loaded"), "{sources}");
    assert!(sources.contains("orders.csv"), "{sources}");
}

#[test]
fn a_replay_prints_every_summary_as_json() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let output = seg()
        .current_dir(dir.path())
        .args([
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--as-of",
            "2024-01-29..2024-02-12",
            "--step",
            "1week",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    // Jan 29, Feb 5, Feb 12: customer 1 and 4, 5 on the first two; 2 (signed
    // up Feb 10) joins on Feb 12.
    let seen: Vec<(i64, &str, i64)> = runs
        .iter()
        .map(|r| {
            (
                r["run_id"].as_i64().unwrap(),
                r["as_of"].as_str().unwrap(),
                r["customers"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, "2024-01-29", 3),
            (2, "2024-02-05", 3),
            (3, "2024-02-12", 4)
        ]
    );
}

#[test]
fn a_range_needs_a_step_and_a_step_a_range() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let run = |args: &[&str]| {
        let mut cmd = seg();
        cmd.current_dir(dir.path())
            .args(["run", "rules.seg", "--db", "seg.duckdb"])
            .args(args);
        cmd
    };
    assert_cmd_snapshot!(run(&["--as-of", "2024-01-01..2024-06-01"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    seg::usage

      × --as-of 2024-01-01..2024-06-01 needs --step: how far apart the dates are
      help: add --step 1month (or 1day, 1week, 3months ...), as in --as-of 2024-01-01..2024-12-01
            --step 1month
");
    assert_cmd_snapshot!(run(&["--as-of", "2024-01-01", "--step", "1month"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    seg::usage

      × --step needs a range of dates to step through
      help: give --as-of FROM..TO, as in --as-of 2024-01-01..2024-12-01 --step 1month
");
    assert_cmd_snapshot!(run(&["--as-of", "2024-06-01..2024-01-01", "--step", "1month"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    error: invalid value '2024-06-01..2024-01-01' for '--as-of <DATE>': the range 2024-06-01..2024-01-01 ends before it starts: give the earlier date first

    For more information, try '--help'.
");
    assert_cmd_snapshot!(run(&["--as-of", "2024-01-01..2024-06-01", "--step", "1year"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    error: invalid value '1year' for '--step <STEP>': expected a step like 1day, 1week, 1month or 3months, got `1year`

    For more information, try '--help'.
");
    assert_cmd_snapshot!(
        run(&["--as-of", "2024-01-01..2024-06-01", "--step", "1month", "--out", "."]),
        @"
        success: false
        exit_code: 2
        ----- stdout -----

        ----- stderr -----
        seg::usage

          × --out writes the tables of one run, not of a range of dates
          help: replay the range without --out, then run the date to export once more with --out
    "
    );
    assert_cmd_snapshot!(
        seg()
            .current_dir(dir.path())
            .args(["compile", "rules.seg", "--as-of", "2024-01-01..2024-06-01"]),
        @"
        success: false
        exit_code: 2
        ----- stdout -----

        ----- stderr -----
        seg::usage

          × `seg compile` evaluates the rules at one date, not a range
          help: give one date, like --as-of 2024-06-01; `seg run --as-of FROM..TO --step 1month` runs at
                many
    "
    );
    // None of them created the database.
    assert!(!dir.path().join("seg.duckdb").exists());
}

#[test]
fn a_replay_that_cannot_start_leaves_no_new_database() {
    // A duplicate key stops the first date: nothing is published.
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    std::fs::write(
        dir.path().join("customers.csv"),
        "customer_id,signup_date\n1,2024-01-05\n1,2024-01-06\n",
    )
    .unwrap();
    let output = seg()
        .current_dir(dir.path())
        .args([
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--as-of",
            "2024-01-01..2024-03-01",
            "--step",
            "1month",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the replay stopped at its first date, 2024-01-01: nothing was published"),
        "{stderr}"
    );
    assert!(!dir.path().join("seg.duckdb").exists());
}

#[test]
fn the_universe_filter_is_in_the_sql() {
    let files = SourceMap::from_text(
        "rules.seg",
        "source customers from \"customers.csv\" key customer_id at signup_date\n\
         source orders from \"orders.csv\" by customer_id at ordered_at\n\
         as of 2025-06-30\n\
         metric frequency = count(orders)\n",
    );
    let program = program_of(&files, seg::check(&files, &Columns, &settings(Mode::Check)));
    let plan = seg::compile(&program);
    insta::assert_snapshot!(plan.compute_sql());
}

/// `seg run rules ARGS` in `dir` on the demo data of `dir/data`; it must
/// succeed.
fn run_rules_on(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut run = seg();
    run.arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .args(args);
    for t in ["customers", "orders", "events", "surveys", "crm_tags"] {
        let file = dir.join("data").join(format!("{t}.parquet"));
        run.arg("--source").arg(format!("{t}={}", file.display()));
    }
    let output = run.current_dir(dir).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn a_replay_of_the_demo_counts_the_customers_signed_up_by_each_date() {
    let dir = tempfile::tempdir().unwrap();
    let demo = seg()
        .args(["demo", "--customers", "3000", "--format", "json", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let data = dir.path().join("data");
    let output = run_rules_on(
        dir.path(),
        &[
            "--db",
            "replay.duckdb",
            "--format",
            "json",
            "--as-of",
            "2024-03-31..2024-07-31",
            "--step",
            "2months",
        ],
    );
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // 2024-03-31, then two calendar months on: 2024-05-31 and 2024-07-31.
    // Each run counts exactly the customers who signed up before it, as
    // DuckDB counts them in the data; no fact (tags included) predates its
    // customer in the demo, so no run warns about rows without a customer.
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let mut seen = Vec::new();
    for run in runs.as_array().unwrap() {
        let as_of = run["as_of"].as_str().unwrap().to_string();
        let signed_up: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM '{}' WHERE signup_date < DATE '{as_of}'",
                    data.join("customers.parquet").display()
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(signed_up > 0);
        assert_eq!(
            run["customers"].as_i64().unwrap(),
            signed_up,
            "as of {as_of}"
        );
        assert_eq!(run["warnings"], serde_json::json!([]), "as of {as_of}");
        seen.push(as_of);
    }
    assert_eq!(seen, ["2024-03-31", "2024-05-31", "2024-07-31"]);

    // The last date of the replay, read from the copies of the sources,
    // publishes exactly what a run of its own at that date does.
    run_rules_on(
        dir.path(),
        &["--db", "single.duckdb", "--as-of", "2024-07-31"],
    );
    conn.execute_batch(&format!(
        "ATTACH '{}' AS replay (READ_ONLY); ATTACH '{}' AS single (READ_ONLY);",
        dir.path().join("replay.duckdb").display(),
        dir.path().join("single.duckdb").display(),
    ))
    .unwrap();
    // Except the since-dates: the replay's go back to the earlier dates it
    // ran, a single run's are its own date.
    for table in ["seg_customers", "seg_customer_tags"] {
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let cols = "COLUMNS(lambda c: c NOT LIKE '%\\_since' ESCAPE '\\')";
        let differing = count(&format!(
            "SELECT count(*) FROM ((SELECT {cols} FROM replay.{table} EXCEPT ALL SELECT {cols} FROM single.{table})
                 UNION ALL (SELECT {cols} FROM single.{table} EXCEPT ALL SELECT {cols} FROM replay.{table}))"
        ));
        assert_eq!(differing, 0, "{table}");
        assert!(
            count(&format!("SELECT count(*) FROM single.{table}")) > 100,
            "{table}"
        );
    }
}

#[test]
fn a_failure_at_one_date_rolls_back_the_dates_of_its_batch() {
    // The orders are a view of the database that fails on any row from
    // February on, as a value that cannot be read would: the runs as of
    // Jan 1 and Feb 1 see no such row, the one as of Mar 1 does.
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let db = dir.path().join("seg.duckdb");
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE raw_orders AS SELECT * FROM read_csv('{}');
             CREATE VIEW late_orders AS SELECT customer_id, ordered_at, amount,
                 CASE WHEN ordered_at >= TIMESTAMP '2024-02-01' THEN error('unreadable status') ELSE status END AS status
             FROM raw_orders;",
            dir.path().join("orders.csv").display()
        ))
        .unwrap();
    }
    let output = seg()
        .current_dir(dir.path())
        .args([
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--source",
            "orders=late_orders",
            "--as-of",
            "2024-01-01..2024-06-01",
            "--step",
            "1month",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "the replay stopped at 2024-03-01: nothing was published \
             (the 2 runs before it, in the same transaction, rolled back with it)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("unreadable status"), "{stderr}");
    // Three customers make one batch of every date: nothing was committed,
    // so the JSON lists no run and the database has only what it had.
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(runs, serde_json::json!([]));
    assert_eq!(
        table(
            &db,
            "SELECT string_agg(table_name, ', ' ORDER BY table_name) AS tables FROM duckdb_tables()"
        ),
        "tables\nraw_orders"
    );
}

#[test]
fn seg_changes_between_two_replayed_dates_equals_the_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    write_shop(dir.path());
    let replay = seg()
        .current_dir(dir.path())
        .args(["run", "rules.seg", "--db", "seg.duckdb"])
        .args(["--as-of", "2024-01-01..2024-06-01", "--step", "1month"])
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let changes = seg()
        .current_dir(dir.path())
        .args([
            "changes",
            "--db",
            "seg.duckdb",
            "--from",
            "2024-03-01",
            "--to",
            "2024-04-01",
        ])
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(
        changes.status.success(),
        "{}",
        String::from_utf8_lossy(&changes.stderr)
    );
    // BY_HAND, March 1 → April 1: 1 and 2 potential → new (their first
    // orders, Mar 10 and Mar 1 00:00, count from the day after), 4 new →
    // active, 5 stays potential; 1 gains vip (assigned Mar 15), and 4,
    // who keeps it, is no tag change.
    let mut rows: Vec<String> = String::from_utf8(changes.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    rows[1..].sort();
    assert_eq!(
        rows,
        [
            "segmentation,from,to,customers,examples",
            "lifecycle,new,active,1,4",
            "lifecycle,potential,new,2,1 2",
            "lifecycle,potential,potential,1,5",
            "tag:vip,without,with,1,1",
        ]
    );
}
