//! Two runs against one database at once: the second waits for the lock
//! (`--wait`), then runs or fails cleanly with status 2. Real processes.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

use crate::support::table;

fn seg_run(db: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("seg"));
    cmd.env("NO_COLOR", "1")
        .args(["run", "tests/fixtures/ok/retail", "--db"])
        .arg(db)
        .args(extra);
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn two_runs_at_once_both_finish_one_after_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let out = dir.path().join("out");
    let spawn = || {
        seg_run(&db, &["--wait", "120", "--out"])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", text(&a));
    assert!(b.status.success(), "{}", text(&b));
    // Both are in the run log, numbered one after the other, and the
    // published tables are whole: each of the 6 customers once.
    assert_eq!(
        table(
            &db,
            "SELECT list(run_id ORDER BY run_id) AS runs FROM seg_runs"
        ),
        "runs\n[1, 2]"
    );
    assert_eq!(
        table(
            &db,
            "SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers FROM seg_customers"
        ),
        "rows | customers\n6 | 6"
    );
    let files = table(
        &db,
        &format!(
            "SELECT count(*) AS rows FROM read_parquet('{}')",
            out.join("seg_customers.parquet").display()
        ),
    );
    assert_eq!(files, "rows\n6");
}

#[test]
fn a_run_waits_for_a_database_in_use_then_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    // This test process holds the database, as a BI tool would.
    let holder = duckdb::Connection::open(&db).unwrap();
    let started = Instant::now();
    let child = seg_run(&db, &["--wait", "120", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(holder);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(started.elapsed() >= Duration::from_millis(1500));
    // --quiet: nothing on stdout when all is well.
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(
        table(&db, "SELECT count(*) AS runs FROM seg_runs"),
        "runs\n1"
    );
}

#[test]
fn a_run_that_cannot_get_the_database_fails_with_status_2_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let first = seg_run(&db, &[]).output().unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let before = table(&db, "SELECT * EXCLUDE (tags) FROM seg_customers ORDER BY 1");

    let holder = duckdb::Connection::open(&db).unwrap();
    let started = Instant::now();
    let output = seg_run(&db, &["--wait", "1"]).output().unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    drop(holder);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    // Words, not line breaks: miette wraps at a width, and the path varies.
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&*db.to_string_lossy(), "[db]");
    let words: Vec<&str> = stderr.split_whitespace().collect();
    assert_eq!(
        words.join(" "),
        "seg::database_locked × the database `[db]` is in use by another process (waited 1 s for it) \
         help: DuckDB lets one process open a database file at a time; wait for the other `seg run` \
         (or close the other program) and try again, or wait longer with --wait SECONDS"
    );
    assert!(output.stdout.is_empty());
    // The database is as the first run left it.
    assert_eq!(
        table(&db, "SELECT * EXCLUDE (tags) FROM seg_customers ORDER BY 1"),
        before
    );
    assert_eq!(
        table(&db, "SELECT count(*) AS runs FROM seg_runs"),
        "runs\n1"
    );
}
