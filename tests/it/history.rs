//! The membership history through the real binary: three runs over small
//! data whose every move is worked out by hand, `seg history` and
//! `seg changes` in every format, and `seg run` killed while it writes.

use crate::support::seg;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use insta_cmd::assert_cmd_snapshot;
use serde_json::{Value, json};

use crate::support::{check_text, codes, table};

/// Hides what changes from run to run: start times, temporary paths.
macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", "[started]"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
        ]}, { $($body)* })
    };
}

const RULES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at

param gold_spend = 100
metric spend = sum(orders.amount)

tier Gold   when spend >= gold_spend
tier Silver when spend > 0
tier Bronze otherwise

tag big when spend >= 200
";

/// Run 3's rules: `Silver` is renamed `Regular`, the tag `big` is gone.
const RENAMED: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at

param gold_spend = 100
metric spend = sum(orders.amount)

tier Gold    when spend >= gold_spend
tier Regular when spend > 0
tier Bronze  otherwise
";

/// Customers 1–5, then 4 leaves and 6 arrives (`customers2.csv`). Spends:
/// 1: 300, 2: 150, 3: 50 and 200 more on 2025-07-15, 5: 120, 6: 10 on
/// 2025-08-01, 4: nothing.
fn write_data(dir: &Path) {
    std::fs::write(
        dir.join("customers.csv"),
        "customer_id,name\n1,Ann\n2,Bo\n3,Cy\n4,Di\n5,Ed\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("customers2.csv"),
        "customer_id,name\n1,Ann\n2,Bo\n3,Cy\n5,Ed\n6,Flo\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "customer_id,amount,ordered_at\n\
         1,300,2025-05-01 10:00:00\n\
         2,150,2025-05-02 10:00:00\n\
         3,50,2025-05-03 10:00:00\n\
         5,120,2025-05-05 10:00:00\n\
         3,200,2025-07-15 10:00:00\n\
         6,10,2025-08-01 10:00:00\n",
    )
    .unwrap();
}

fn run_ok(args: &[&str], dir: &Path) -> String {
    let output = seg().args(args).current_dir(dir).output().unwrap();
    assert!(
        output.status.success(),
        "seg {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The three runs:
/// 1. as of 2025-06-30, Gold from 100: Gold 1 2 5, Silver 3, Bronze 4; big 1.
/// 2. as of 2025-07-31, Gold from 200, 4 gone and 6 new: Gold 1 3,
///    Silver 2 5, Bronze 6; big 1 3.
/// 3. as of 2025-08-31, Silver renamed Regular, no tag `big`: Gold 1 3,
///    Regular 2 5 6.
struct ThreeRuns {
    dir: tempfile::TempDir,
    db: PathBuf,
    second_run: String,
}

fn three_runs() -> ThreeRuns {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    std::fs::write(dir.path().join("rules.seg"), RULES).unwrap();
    std::fs::write(dir.path().join("renamed.seg"), RENAMED).unwrap();
    let db = dir.path().join("seg.duckdb");
    let db_arg = db.to_str().unwrap();
    let customers2 = format!("customers={}", dir.path().join("customers2.csv").display());
    run_ok(
        &["run", "rules.seg", "--db", db_arg, "--as-of", "2025-06-30"],
        dir.path(),
    );
    let second_run = run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            db_arg,
            "--as-of",
            "2025-07-31",
            "--set",
            "gold_spend=200",
            "--source",
            &customers2,
        ],
        dir.path(),
    );
    run_ok(
        &[
            "run",
            "renamed.seg",
            "--db",
            db_arg,
            "--as-of",
            "2025-08-31",
            "--set",
            "gold_spend=200",
            "--source",
            &customers2,
        ],
        dir.path(),
    );
    ThreeRuns {
        dir,
        db,
        second_run,
    }
}

impl ThreeRuns {
    fn changes(&self, extra: &[&str]) -> Value {
        let mut args = vec![
            "changes",
            "--db",
            self.db.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend(extra);
        serde_json::from_str(&run_ok(&args, self.dir.path())).unwrap()
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = seg();
        cmd.args(args).arg("--db").arg(&self.db);
        cmd
    }
}

fn cell(segmentation: &str, from: Option<&str>, to: Option<&str>, examples: &[&str]) -> Value {
    json!({
        "segmentation": segmentation,
        "from": from,
        "to": to,
        "customers": examples.len(),
        "examples": examples,
    })
}

#[test]
fn moves_between_runs_are_the_ones_worked_out_by_hand() {
    let runs = three_runs();
    let (gold, silver, bronze) = (Some("Gold"), Some("Silver"), Some("Bronze"));
    let (with, without) = (Some("with"), Some("without"));
    // Cells come in the order of the current rules (run 3's: Gold,
    // Regular, Bronze), labels they no longer have (Silver) after them,
    // "no label" last.
    assert_eq!(
        runs.changes(&["--from", "1", "--to", "2"]),
        json!([
            cell("tier", gold, gold, &["1"]),
            cell("tier", gold, silver, &["2", "5"]),
            cell("tier", bronze, None, &["4"]),
            cell("tier", silver, gold, &["3"]),
            cell("tier", None, bronze, &["6"]),
            cell("tag:big", without, with, &["3"]),
        ])
    );
    // By default the last two runs.
    let regular = Some("Regular");
    assert_eq!(
        runs.changes(&[]),
        json!([
            cell("tier", gold, gold, &["1", "3"]),
            cell("tier", bronze, regular, &["6"]),
            cell("tier", silver, regular, &["2", "5"]),
            cell("tag:big", with, without, &["1", "3"]),
        ])
    );
    // Across all three: 3 gained `big` in run 2 and lost it in run 3, so
    // they neither gained nor lost it.
    assert_eq!(
        runs.changes(&["--from", "1", "--to", "3"]),
        json!([
            cell("tier", gold, gold, &["1"]),
            cell("tier", gold, regular, &["2", "5"]),
            cell("tier", bronze, None, &["4"]),
            cell("tier", silver, gold, &["3"]),
            cell("tier", None, regular, &["6"]),
            cell("tag:big", with, without, &["1"]),
        ])
    );
    // A date means the last run as of that date or before.
    assert_eq!(
        runs.changes(&["--from", "2025-07-30", "--to", "2025-07-31"]),
        runs.changes(&["--from", "1", "--to", "2"])
    );
}

#[test]
fn the_wide_table_says_since_when_each_customer_holds_their_label() {
    let runs = three_runs();
    assert_eq!(
        table(
            &runs.db,
            "SELECT customer_id, tier, tier_since FROM seg_customers"
        ),
        "customer_id | tier | tier_since\n\
         1 | Gold | 2025-06-30\n\
         2 | Regular | 2025-08-31\n\
         3 | Gold | 2025-07-31\n\
         5 | Regular | 2025-08-31\n\
         6 | Regular | 2025-08-31"
    );
}

#[test]
fn the_history_tables_hold_one_row_per_membership() {
    let runs = three_runs();
    // Customer 1 kept Gold: one row. 4 left in run 2: closed, nothing new.
    assert_eq!(
        table(
            &runs.db,
            "SELECT * FROM seg_label_history ORDER BY customer_id, from_run"
        ),
        "segmentation | customer_id | label | from_run | to_run\n\
         tier | 1 | Gold | 1 | ∅\n\
         tier | 2 | Gold | 1 | 2\n\
         tier | 2 | Silver | 2 | 3\n\
         tier | 2 | Regular | 3 | ∅\n\
         tier | 3 | Silver | 1 | 2\n\
         tier | 3 | Gold | 2 | ∅\n\
         tier | 4 | Bronze | 1 | 2\n\
         tier | 5 | Gold | 1 | 2\n\
         tier | 5 | Silver | 2 | 3\n\
         tier | 5 | Regular | 3 | ∅\n\
         tier | 6 | Bronze | 2 | 3\n\
         tier | 6 | Regular | 3 | ∅"
    );
    assert_eq!(
        table(
            &runs.db,
            "SELECT * FROM seg_tag_history ORDER BY customer_id, from_run"
        ),
        "tag | customer_id | from_run | to_run\n\
         big | 1 | 1 | 3\n\
         big | 3 | 2 | 3"
    );
}

#[test]
fn a_run_names_its_largest_movements() {
    let runs = three_runs();
    assert!(
        runs.second_run.contains(
            "changes since run 1: tier 2 Gold→Silver, 1 Silver→Gold, 1 Bronze→(no label), 1 more; tags +1 big\n"
        ),
        "{}",
        runs.second_run
    );
}

#[test]
fn history_in_every_format() {
    let runs = three_runs();
    stable! {
        assert_cmd_snapshot!("history_human", runs.cmd(&["history"]));
        assert_cmd_snapshot!("history_last_2", runs.cmd(&["history", "--last", "2"]));
        assert_cmd_snapshot!("history_csv", runs.cmd(&["history", "--format", "csv"]));
        assert_cmd_snapshot!(
            "history_json",
            runs.cmd(&["history", "--format", "json", "--last", "1"])
        );
    }
}

#[test]
fn changes_in_every_format() {
    let runs = three_runs();
    let from_1 = ["--from", "1", "--to", "2"];
    let with = |args: &[&str]| {
        let mut all = vec!["changes"];
        all.extend(from_1);
        all.extend(args);
        runs.cmd(&all)
    };
    stable! {
        assert_cmd_snapshot!("changes_human", with(&[]));
        assert_cmd_snapshot!("changes_csv", with(&["--format", "csv"]));
        assert_cmd_snapshot!("changes_markdown", with(&["--format", "markdown"]));
        assert_cmd_snapshot!("changes_json_one_tag", with(&["--format", "json", "--segmentation", "tag:big"]));
    }
}

#[test]
fn changes_that_cannot_be_answered_are_usage_errors() {
    let runs = three_runs();
    stable! {
        assert_cmd_snapshot!("unknown_run", runs.cmd(&["changes", "--from", "7"]));
        assert_cmd_snapshot!("too_early_a_date", runs.cmd(&["changes", "--from", "2024-01-01"]));
        assert_cmd_snapshot!("backwards", runs.cmd(&["changes", "--from", "3", "--to", "2"]));
        assert_cmd_snapshot!("unknown_segmentation", runs.cmd(&["changes", "--segmentation", "teir"]));
    }
}

#[test]
fn one_run_is_not_enough_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    std::fs::write(dir.path().join("rules.seg"), RULES).unwrap();
    let db = dir.path().join("seg.duckdb");
    run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            db.to_str().unwrap(),
            "--as-of",
            "2025-06-30",
        ],
        dir.path(),
    );
    stable! {
        assert_cmd_snapshot!(seg().arg("changes").arg("--db").arg(&db), @r"
        success: false
        exit_code: 2
        ----- stdout -----

        ----- stderr -----
        seg::history

          × there is no run before run 1 to compare it with
          help: `seg changes` compares two runs; run the rules again (with other data, params or rules)
                and try once more
        ");
    }
}

/// A database written before seg kept history: the first run of this
/// version starts it, and the runs before cannot be compared.
#[test]
fn history_starts_with_the_first_run_that_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    std::fs::write(dir.path().join("rules.seg"), RULES).unwrap();
    let db = dir.path().join("seg.duckdb");
    let db_arg = db.to_str().unwrap();
    let run = |gold: &str| {
        run_ok(
            &[
                "run",
                "rules.seg",
                "--db",
                db_arg,
                "--as-of",
                "2025-06-30",
                "--set",
                gold,
                "--format",
                "json",
            ],
            dir.path(),
        )
    };
    run("gold_spend=100");
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE seg_label_history; DROP TABLE seg_tag_history; \
             ALTER TABLE seg_runs DROP COLUMN with_history; \
             ALTER TABLE seg_customers DROP COLUMN tier_since",
        )
        .unwrap();
    }
    // `seg history` reads such a run log as it is.
    assert_eq!(
        run_ok(&["history", "--db", db_arg, "--format", "csv"], dir.path())
            .lines()
            .nth(1),
        Some(
            "1,2025-06-30,daacd1a541e41c43940adf5d7b290acd335cbdacc6b6053b5bbc4186d3063c85,customers,,,5"
        )
    );
    let summary: Value = serde_json::from_str(&run("gold_spend=200")).unwrap();
    assert_eq!(summary["run_id"], 2);
    assert_eq!(summary["changes"]["from_run"], Value::Null);
    assert_eq!(
        table(
            &db,
            "SELECT count(*) AS open FROM seg_label_history WHERE from_run = 2 AND to_run IS NULL"
        ),
        "open\n5"
    );
    stable! {
        assert_cmd_snapshot!(seg().arg("changes").arg("--db").arg(&db), @r"
        success: false
        exit_code: 2
        ----- stdout -----

        ----- stderr -----
        seg::history

          × run 1 was written before seg kept membership history
          help: history starts at run 2; compare runs from it on
        ");
    }
    run("gold_spend=100");
    assert_eq!(
        serde_json::from_str::<Value>(&run_ok(
            &[
                "changes",
                "--db",
                db_arg,
                "--format",
                "json",
                "--segmentation",
                "tier"
            ],
            dir.path()
        ))
        .unwrap(),
        json!([
            cell("tier", Some("Gold"), Some("Gold"), &["1"]),
            cell("tier", Some("Silver"), Some("Gold"), &["2", "5"]),
            cell("tier", Some("Silver"), Some("Silver"), &["3"]),
            cell("tier", Some("Bronze"), Some("Bronze"), &["4"]),
        ])
    );
}

#[test]
fn a_segmentation_cannot_hide_its_since_column() {
    let (_, checked) = check_text("metric tier_since = 1\ntier A otherwise\n");
    assert_eq!(codes(&checked), ["E309"]);
}

/// How many customers the kill test runs on: enough that a run takes a
/// few seconds and its publishing a good part of them.
const KILL_CUSTOMERS: &str = "100000";
const KILLS: usize = 20;

/// `seg run` killed with SIGKILL at moments spread over a whole run, 20
/// times: every time, the database opens with the tables and the history
/// of the last committed run, whole and agreeing with each other.
#[test]
fn kill_9_while_writing_leaves_the_last_run_whole() {
    let dir = tempfile::tempdir().unwrap();
    let output = seg()
        .args(["demo", "--customers", KILL_CUSTOMERS, "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let db = dir.path().join("seg.duckdb");
    let data = dir.path().join("data");
    let run = |vip_spend: usize| {
        let mut cmd = seg();
        cmd.args(["run", "rules", "--as-of", "2026-01-01", "--db"])
            .arg(&db)
            .arg("--set")
            .arg(format!("vip_spend={vip_spend}"));
        for source in ["customers", "orders", "events", "surveys", "crm_tags"] {
            cmd.arg("--source").arg(format!(
                "{source}={}",
                data.join(format!("{source}.parquet")).display()
            ));
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    let started = Instant::now();
    assert!(run(900).status().unwrap().success());
    // How long a whole run takes; the machine's load changes, so every run
    // that finishes before its kill measures it again.
    let mut whole = started.elapsed();
    let mut committed = 2;
    assert_consistent(&db, committed);

    let (mut mid_write, mut finished) = (0, 0);
    for i in 0..KILLS {
        settle(&db);
        let before = database_state(&db);
        let started = Instant::now();
        let mut child = run(1000 + 250 * (i % 4)).spawn().unwrap();
        // Every other kill at a moment spread from a third of a run
        // (computing) to a little past its end (committing, printing);
        // the others once the database files begin to change, a little
        // later each time, so some always land in the writing whatever
        // the machine's load does to the timing.
        let at = whole.mul_f64(0.3 + 0.75 * i as f64 / (KILLS - 1) as f64);
        let after_writes_begin = std::time::Duration::from_millis(40 * (i / 2) as u64);
        let mut writing_since: Option<Instant> = None;
        let exited = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            let due = if i % 2 == 0 {
                started.elapsed() >= at
            } else {
                if writing_since.is_none() && database_state(&db) != before {
                    writing_since = Some(Instant::now());
                }
                writing_since.is_some_and(|t| t.elapsed() >= after_writes_begin)
            };
            if due {
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let killed = match exited {
            Some(status) => {
                assert!(status.success(), "run {i} failed on its own");
                finished += 1;
                whole = started.elapsed();
                false
            }
            None => {
                if database_state(&db) != before {
                    mid_write += 1;
                }
                child.kill().unwrap();
                child.wait().unwrap();
                true
            }
        };
        // A run killed after its commit (while it printed) counts as done.
        let last = last_run(&db);
        assert!(
            last == committed + 1 || (killed && last == committed),
            "after attempt {i}: run {last}, expected {}{}",
            committed + 1,
            if killed { " or the one before" } else { "" }
        );
        committed = last;
        assert_consistent(&db, committed);
    }
    eprintln!(
        "kill -9: {mid_write} of {KILLS} kills while the database was being written, {finished} runs finished first (a whole run: {whole:?})"
    );
    // The kills must have hit the writing, or the test proves nothing.
    assert!(
        mid_write >= 3,
        "only {mid_write} of {KILLS} kills landed while the database was being written ({finished} runs finished first)"
    );
}

/// Opens the database for writing once, so that what a killed run left in
/// the write-ahead log is replayed now, not by the next run.
fn settle(db: &Path) {
    let conn = duckdb::Connection::open(db).unwrap();
    conn.execute_batch("CHECKPOINT").unwrap();
}

fn last_run(db: &Path) -> i64 {
    table(db, "SELECT max(run_id) FROM seg_runs")
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

/// The size and modification time of the database and its write-ahead
/// log: a run that changed either has begun writing.
fn database_state(db: &Path) -> Vec<Option<(u64, std::time::SystemTime)>> {
    let wal = PathBuf::from(format!("{}.wal", db.display()));
    [db.to_path_buf(), wal]
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.len(), m.modified().unwrap()))
        })
        .collect()
}

/// The published tables, the run log and the history are all those of
/// run `last`, and agree.
fn assert_consistent(db: &Path, last: i64) {
    let one = |sql: &str| {
        table(db, sql)
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(one("SELECT max(run_id) FROM seg_runs"), last.to_string());
    assert_eq!(
        one("SELECT count(*) FROM seg_runs WHERE NOT with_history"),
        "0"
    );
    assert_eq!(
        one("SELECT count(*) FROM seg_customers"),
        one(&format!(
            "SELECT customers FROM seg_runs WHERE run_id = {last}"
        ))
    );
    // Nothing of a later, unfinished run.
    assert_eq!(
        one(&format!(
            "SELECT (SELECT count(*) FROM seg_label_history WHERE from_run > {last} OR to_run > {last}) \
             + (SELECT count(*) FROM seg_tag_history WHERE from_run > {last} OR to_run > {last})"
        )),
        "0"
    );
    // The open history rows are the wide table's labels, and the label
    // counts of the run log.
    let segmentations = table(
        db,
        &format!(
            "SELECT DISTINCT l.segmentation FROM seg_runs, unnest(label_counts) AS u(l) WHERE run_id = {last}"
        ),
    );
    for s in segmentations.lines().skip(1) {
        assert_eq!(
            one(&format!(
                "SELECT count(*) FROM seg_customers c \
                 FULL JOIN (SELECT * FROM seg_label_history WHERE segmentation = '{s}' AND to_run IS NULL) h \
                 ON h.customer_id = c.customer_id \
                 WHERE c.\"{s}\" IS DISTINCT FROM h.label OR c.customer_id IS NULL OR h.customer_id IS NULL \
                 OR c.\"{s}_since\" IS DISTINCT FROM (SELECT as_of FROM seg_runs r WHERE r.run_id = h.from_run)"
            )),
            "0",
            "segmentation {s} after run {last}"
        );
    }
    assert_eq!(
        one(&format!(
            "SELECT count(*) FROM (\
             (SELECT l.segmentation, l.label, l.customers FROM seg_runs, unnest(label_counts) AS u(l) WHERE run_id = {last} AND l.customers > 0) \
             EXCEPT (SELECT segmentation, label, count(*) FROM seg_label_history WHERE to_run IS NULL GROUP BY ALL))"
        )),
        "0"
    );
    assert_eq!(
        one("SELECT count(*) FROM (\
             (SELECT tag, customer_id FROM seg_tag_history WHERE to_run IS NULL) \
             EXCEPT ALL (SELECT tag, customer_id FROM seg_customer_tags))"),
        "0"
    );
    assert_eq!(
        one("SELECT count(*) FROM (\
             (SELECT tag, customer_id FROM seg_customer_tags) \
             EXCEPT ALL (SELECT tag, customer_id FROM seg_tag_history WHERE to_run IS NULL))"),
        "0"
    );
    assert_eq!(
        one(&format!(
            "SELECT count(*) FROM (\
             (SELECT t.tag, t.customers FROM seg_runs, unnest(tag_counts) AS u(t) WHERE run_id = {last} AND t.customers > 0) \
             EXCEPT (SELECT tag, count(*) FROM seg_customer_tags GROUP BY ALL))"
        )),
        "0"
    );
}

/// The history is keyed by the key it began with: a rule set with a key of
/// another name stops before writing anything, and says how to go on.
#[test]
fn a_renamed_key_stops_the_run_and_keeps_the_history() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    std::fs::write(dir.path().join("rules.seg"), RULES).unwrap();
    std::fs::write(
        dir.path().join("by_id.csv"),
        "id,name\n1,Ann\n2,Bo\n3,Cy\n4,Di\n5,Ed\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("by_id.seg"),
        RULES.replace("\"customers.csv\" key customer_id", "\"by_id.csv\" key id"),
    )
    .unwrap();
    let db = dir.path().join("seg.duckdb");
    run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            db.to_str().unwrap(),
            "--as-of",
            "2025-06-30",
        ],
        dir.path(),
    );
    let before = table(&db, "SELECT * FROM seg_label_history");
    stable! {
        assert_cmd_snapshot!(
            seg().current_dir(dir.path()).args(["run", "by_id.seg", "--as-of", "2025-06-30", "--db"]).arg(&db),
            @r#"
        success: false
        exit_code: 2
        ----- stdout -----

        ----- stderr -----
        seg::history

          × the membership history of this database is keyed by `customer_id`, and the customer key of the
          │ rules is `id`
          help: name the key column `customer_id` again, or carry the history over to the new name: ALTER
                TABLE seg_label_history RENAME COLUMN "customer_id" TO "id"; and the same for
                seg_tag_history
        "#
        );
    }
    assert_eq!(table(&db, "SELECT * FROM seg_label_history"), before);
    assert_eq!(
        table(&db, "SELECT count(*) AS runs FROM seg_runs"),
        "runs\n1"
    );
}
