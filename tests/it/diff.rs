//! `seg diff` through the real binary: two folders whose every move is
//! worked out by hand, every format snapshotted, a git repository made in
//! the test (`--base HEAD~1`), what both sides share, and every failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::assert_cmd_snapshot;
use serde_json::{Value, json};

use crate::support::{program_of, seg, settings};

/// Hides the temporary folder a test works in.
macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
        ]}, { $($body)* })
    };
}

const OLD: &str = "\
source customers from \"../customers.csv\" key customer_id
source orders from \"../orders.csv\" by customer_id at ordered_at
as of 2025-06-30

param gold_spend = 100
metric spend = sum(orders.amount)

tier Gold   when spend >= gold_spend
tier Silver when spend > 0
tier Bronze otherwise

tag big when spend >= 200
tag active when count(orders) > 0
";

/// Gold from 200, a new label above it, `big` from 100, `active` gone.
const NEW: &str = "\
source customers from \"../customers.csv\" key customer_id
source orders from \"../orders.csv\" by customer_id at ordered_at
as of 2025-06-30

param gold_spend = 200
metric spend = sum(orders.amount)

tier Platinum when spend >= 250
tier Gold     when spend >= gold_spend
tier Silver   when spend > 0
tier Bronze   otherwise

tag big when spend >= 100
";

/// Customers 1–5. Spends before 2025-06-30: 1: 300, 2: 150, 3: 50,
/// 4: nothing, 5: 120 (3's 200 on 2025-07-15 comes after).
fn write_data(dir: &Path) {
    std::fs::write(
        dir.join("customers.csv"),
        "customer_id,name\n1,Ann\n2,Bo\n3,Cy\n4,Di\n5,Ed\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "customer_id,amount,ordered_at\n\
         1,300,2025-05-01 10:00:00\n\
         2,150,2025-05-02 10:00:00\n\
         3,50,2025-05-03 10:00:00\n\
         5,120,2025-05-05 10:00:00\n\
         3,200,2025-07-15 10:00:00\n",
    )
    .unwrap();
}

/// The data beside two folders of rules, `old/` and `new/`.
fn two_folders() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    for (folder, rules) in [("old", OLD), ("new", NEW)] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        std::fs::write(dir.path().join(folder).join("rules.seg"), rules).unwrap();
    }
    dir
}

fn diff_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = seg();
    cmd.current_dir(dir).arg("diff").args(args);
    cmd
}

fn json_of(mut cmd: Command) -> Value {
    let output = cmd.args(["--format", "json"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
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

/// The moves worked out by hand from the spends: old Gold (from 100) is
/// 1, 2, 5, Silver 3, Bronze 4; new Platinum (from 250) 1, Gold (from 200)
/// no one, Silver 2, 3, 5, Bronze 4. `big` from 200 is 1, from 100 it is
/// 1, 2, 5; `active` (1, 2, 3, 5) is gone.
fn by_hand() -> Value {
    json!([
        cell("tier", Some("Gold"), Some("Platinum"), &["1"]),
        cell("tier", Some("Gold"), Some("Silver"), &["2", "5"]),
        cell("tier", Some("Silver"), Some("Silver"), &["3"]),
        cell("tier", Some("Bronze"), Some("Bronze"), &["4"]),
        cell("tag:big", Some("without"), Some("with"), &["2", "5"]),
        cell(
            "tag:active",
            Some("with"),
            Some("without"),
            &["1", "2", "3", "5"]
        ),
    ])
}

#[test]
fn moves_between_two_folders_are_the_ones_worked_out_by_hand() {
    let dir = two_folders();
    assert_eq!(json_of(diff_in(dir.path(), &["old", "new"])), by_hand());
}

#[test]
fn a_diff_in_every_format() {
    let dir = two_folders();
    let with = |format: &str| {
        let mut cmd = diff_in(dir.path(), &["old", "new"]);
        cmd.args(["--format", format]);
        cmd
    };
    assert_cmd_snapshot!("diff_human", with("human"));
    assert_cmd_snapshot!("diff_csv", with("csv"));
    assert_cmd_snapshot!("diff_markdown", with("markdown"));
    assert_cmd_snapshot!("diff_json", with("json"));
}

#[test]
fn params_sources_and_the_date_apply_to_both_sides() {
    let dir = two_folders();
    // Gold from 400 in both: old Gold is no one, 1, 2, 5 are Silver;
    // as of 2025-08-01, 3 has spent 250: new Platinum 1 and 3.
    let cells = json_of(diff_in(
        dir.path(),
        &[
            "old",
            "new",
            "--set",
            "gold_spend=400",
            "--as-of",
            "2025-08-01",
        ],
    ));
    assert_eq!(
        cells,
        json!([
            cell("tier", Some("Silver"), Some("Platinum"), &["1", "3"]),
            cell("tier", Some("Silver"), Some("Silver"), &["2", "5"]),
            cell("tier", Some("Bronze"), Some("Bronze"), &["4"]),
            cell("tag:big", Some("without"), Some("with"), &["2", "5"]),
            cell(
                "tag:active",
                Some("with"),
                Some("without"),
                &["1", "2", "3", "5"]
            ),
        ])
    );
    // Another customer list for both: 4 and 5 gone, 6 new (no orders).
    std::fs::write(
        dir.path().join("fewer.csv"),
        "customer_id,name\n1,Ann\n2,Bo\n3,Cy\n6,Flo\n",
    )
    .unwrap();
    let cells = json_of(diff_in(
        dir.path(),
        &["old", "new", "--source", "customers=fewer.csv"],
    ));
    assert_eq!(
        cells,
        json!([
            cell("tier", Some("Gold"), Some("Platinum"), &["1"]),
            cell("tier", Some("Gold"), Some("Silver"), &["2"]),
            cell("tier", Some("Silver"), Some("Silver"), &["3"]),
            cell("tier", Some("Bronze"), Some("Bronze"), &["6"]),
            cell("tag:big", Some("without"), Some("with"), &["2"]),
            cell(
                "tag:active",
                Some("with"),
                Some("without"),
                &["1", "2", "3"]
            ),
        ])
    );
}

/// A repository with the old rules in its first commit and the new ones
/// in its second; the data is beside the rules and never committed, so
/// both sides can only read it from the working tree.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("rules.seg"), OLD).unwrap();
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "rules"]);
    git(dir.path(), &["commit", "--quiet", "-m", "the old rules"]);
    std::fs::write(rules.join("rules.seg"), NEW).unwrap();
    git(dir.path(), &["commit", "--quiet", "-am", "the new rules"]);
    dir
}

/// Runs git; a machine without it fails the test (`.ci/run` installs it).
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=seg", "-c", "user.email=seg@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git is installed (.ci/run installs it)");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_working_tree_against_a_git_revision() {
    let repo = repository();
    let here = repo.path();
    assert_eq!(
        json_of(diff_in(here, &["--base", "HEAD~1", "rules"])),
        by_hand()
    );
    assert_eq!(json_of(diff_in(here, &["HEAD~1", "rules"])), by_hand());
    assert_eq!(
        json_of(diff_in(&here.join("rules"), &["HEAD~1"])),
        by_hand()
    );
    // Against the last commit, the working tree has not changed.
    let unchanged = json_of(diff_in(here, &["--base", "HEAD", "rules"]));
    assert!(
        unchanged
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["from"] == c["to"]),
        "{unchanged}"
    );
    stable! {
        assert_cmd_snapshot!("diff_git_human", diff_in(here, &["--base", "HEAD~1", "rules"]));
        assert_cmd_snapshot!(
            "diff_git_markdown",
            diff_in(here, &["--base", "HEAD~1", "rules", "--format", "markdown"])
        );
    }
}

#[test]
fn what_git_cannot_give_is_a_usage_error() {
    let repo = repository();
    let here = repo.path();
    std::fs::create_dir(here.join("later")).unwrap();
    std::fs::write(here.join("later/rules.seg"), NEW).unwrap();
    let no_repo = two_folders();
    stable! {
        assert_cmd_snapshot!("diff_unknown_revision", diff_in(here, &["--base", "nosuch", "rules"]));
        assert_cmd_snapshot!("diff_not_in_the_revision", diff_in(here, &["--base", "HEAD~1", "later"]));
        assert_cmd_snapshot!("diff_not_a_repository", diff_in(no_repo.path(), &["--base", "HEAD", "new"]));
        assert_cmd_snapshot!(
            "diff_without_git",
            diff_in(here, &["--base", "HEAD~1", "rules"]).env("PATH", "/nonexistent/seg-test-without-git")
        );
    }
}

#[test]
fn rules_with_errors_say_which_side_and_compare_nothing() {
    let dir = two_folders();
    std::fs::create_dir(dir.path().join("broken")).unwrap();
    std::fs::write(
        dir.path().join("broken/rules.seg"),
        OLD.replace("spend >= gold_spend", "spend >= gold_spnd"),
    )
    .unwrap();
    stable! {
        assert_cmd_snapshot!("diff_broken_old", diff_in(dir.path(), &["broken", "new"]));
        assert_cmd_snapshot!("diff_broken_new", diff_in(dir.path(), &["old", "broken"]));
        assert_cmd_snapshot!("diff_missing_new", diff_in(dir.path(), &["old", "nothing"]));
        assert_cmd_snapshot!("diff_one_rule_set", diff_in(dir.path(), &["old"]));
        assert_cmd_snapshot!("diff_unknown_param", diff_in(dir.path(), &["old", "new", "--set", "gold=1"]));
        assert_cmd_snapshot!(
            "diff_a_range",
            diff_in(dir.path(), &["old", "new", "--as-of", "2025-01-01..2025-02-01"])
        );
    }
}

#[test]
fn a_diff_reads_the_database_and_writes_nothing() {
    let dir = two_folders();
    // The orders as a table of a database, read by both sides.
    let db = dir.path().join("shop.duckdb");
    {
        let conn = duckdb::Connection::open(&db).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE orders AS SELECT * FROM read_csv('{}')",
            dir.path().join("orders.csv").display()
        ))
        .unwrap();
    }
    for folder in ["old", "new"] {
        let path = dir.path().join(folder).join("rules.seg");
        let text = std::fs::read_to_string(&path).unwrap().replace(
            "source orders from \"../orders.csv\"",
            "source orders from table orders",
        );
        std::fs::write(path, text).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let db_arg = db.to_str().unwrap();
    assert_eq!(
        json_of(diff_in(dir.path(), &["old", "new", "--db", db_arg])),
        by_hand()
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
    assert!(!dir.path().join("shop.duckdb.wal").exists());
}

/// Two rule sets checked as `seg diff` checks them, with one engine, and
/// the folder of their data (kept while they are used).
struct Checked {
    _dir: tempfile::TempDir,
    engine: seg::engine::Engine,
    old: seg::semantic::Program,
    new: seg::semantic::Program,
}

fn checked(old: &str, new: &str) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let engine = seg::engine::Engine::in_memory().unwrap();
    let check = |name: &str, text: &str| {
        let path: PathBuf = rules.join(name);
        std::fs::write(&path, text).unwrap();
        let files = seg::source::read_rule_set(&path).unwrap();
        let checked = seg::check(&files, &engine, &settings(seg::semantic::Mode::Run));
        program_of(&files, checked)
    };
    let (old, new) = (check("old.seg", old), check("new.seg", new));
    Checked {
        _dir: dir,
        engine,
        old,
        new,
    }
}

fn diff_of(old: &str, new: &str) -> seg::engine::Diff {
    let c = checked(old, new);
    seg::engine::diff(&c.engine, &c.old, &c.new).unwrap()
}

#[test]
fn what_both_rule_sets_compute_alike_is_computed_once() {
    // A changed param of a label: the aggregation of the orders and the
    // customers joined to it are shared; the labels are not.
    let higher = OLD.replace("gold_spend = 100", "gold_spend = 200");
    let diff = diff_of(OLD, &higher);
    assert_eq!(diff.shared, ["seg_facts_orders", "seg$base"]);
    // Read from the shared tables, the moves are still the ones by hand:
    // Gold from 200 keeps 1 (300) and loses 2 (150) and 5 (120) to Silver.
    let cells = serde_json::to_value(diff.changes.cells()).unwrap();
    assert_eq!(
        cells,
        json!([
            cell("tier", Some("Gold"), Some("Gold"), &["1"]),
            cell("tier", Some("Gold"), Some("Silver"), &["2", "5"]),
            cell("tier", Some("Silver"), Some("Silver"), &["3"]),
            cell("tier", Some("Bronze"), Some("Bronze"), &["4"]),
        ])
    );
    // A changed tag reads another aggregate: nothing of the orders is shared.
    let diff = diff_of(OLD, NEW);
    assert!(diff.shared.is_empty(), "{:?}", diff.shared);
    // The same rules: all of it once, everyone kept their label.
    let diff = diff_of(OLD, OLD);
    assert!(diff.shared.contains(&"seg$base".to_string()));
    assert!(diff.changes.tags.is_empty());
    assert!(diff.changes.transitions.iter().all(|t| t.from == t.to));
}

/// The statements of a diff whose rule sets share their first two steps:
/// those computed once into tables, then each side reading them.
#[test]
fn the_shared_steps_in_sql() {
    let c = checked(OLD, &OLD.replace("gold_spend = 100", "gold_spend = 200"));
    let computation = seg::sql::diff::compute_both(&seg::sql::DuckDb, &c.old, &c.new);
    let script: Vec<String> = computation
        .statements
        .iter()
        .map(|s| format!("-- {}\n{};\n", s.title, s.sql))
        .collect();
    stable! {
        insta::assert_snapshot!(script.join("\n"));
    }
}

/// A segmentation in which no one moved is one line, not a matrix of its
/// diagonal: here only `big` changes (from 200 to 100: 2 and 5 gain it),
/// and all 5 customers keep their tier.
#[test]
fn a_segmentation_without_moves_is_one_line() {
    let dir = two_folders();
    let only_big = OLD.replace("tag big when spend >= 200", "tag big when spend >= 100");
    std::fs::write(dir.path().join("new").join("rules.seg"), only_big).unwrap();
    let output = diff_in(dir.path(), &["old", "new"]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("\ntier: 0 customers moved (5 kept their label)\n"),
        "{text}"
    );
    assert!(!text.contains("from \\ to"), "{text}");
    assert!(text.contains("+2  e.g. 2, 5"), "{text}");
}
