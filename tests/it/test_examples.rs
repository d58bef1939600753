//! Examples and expectations end to end: `seg test` on
//! `tests/fixtures/test/club` (three examples, four expectations, one
//! case) in every format, passing and failing on purpose; `seg run`
//! recording the expectations and `--strict` refusing to publish.
//!
//! Worked out by hand from the case `tests/four/` (as of 2025-06-30):
//! customer 1 bought 80.5 + 50 = 130.5 twice (A, big), 2 bought 20 once
//! (B), 3's only order is on the as-of date and does not count (C, no
//! recency), 4 bought 200 once (A). Tier A is 2 of 4 = 50%, tag big 1 of
//! 4 = 25%. The median of monetary over 0, 20, 130.5, 200 is 75.25, so
//! `top` is 1 and 4.

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

use crate::support::{seg, table};

/// A copy of the club rule set (and its case) in a temporary folder.
fn club() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new("tests/fixtures/test/club"),
        &dir.path().join("club"),
    );
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `seg test club` in `dir`, as CI runs it.
fn seg_test(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("seg"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .args(["test", "club"])
        .args(extra);
    cmd
}

fn edit_rules(dir: &Path, from: &str, to: &str) {
    let path = dir.join("club/club.seg");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// An example that fails (customer "one small order" is B, not A), an
/// expectation that fails on the case (big is 25%, not under 20%) and one
/// that a customer breaks (3 bought nothing counted, so no recency).
fn failing(dir: &Path) {
    edit_rules(
        dir,
        "expects tier B, not tag big",
        "expects tier A, not tag big",
    );
    edit_rules(dir, "expect tag big under 50%", "expect tag big under 20%");
    edit_rules(
        dir,
        "expect every customer where frequency > 0 has recency",
        "expect every customer has recency",
    );
}

#[test]
fn examples_and_expectations_pass_on_the_club() {
    let dir = club();
    assert_cmd_snapshot!(seg_test(dir.path(), &[]));
}

#[test]
fn failures_point_at_the_example_and_the_expectation() {
    let dir = club();
    failing(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), &[]));
}

#[test]
fn failures_as_json_carry_what_was_measured() {
    let dir = club();
    failing(dir.path());
    let output = seg_test(dir.path(), &["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let find = |name: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {json:#}"))
            .clone()
    };
    let small = find("one small order");
    assert_eq!(small["status"], "failed");
    assert_eq!(small["reason"], "expected tier A, got tier B");
    let big = find("four: expect tag big under 20%");
    assert_eq!(big["measured"]["customers"], 1);
    assert_eq!(big["measured"]["share"], 0.25);
    let recency = find("four: expect every customer has recency");
    assert_eq!(recency["measured"]["customers"], 1);
    assert_eq!(recency["measured"]["examples"], serde_json::json!(["3"]));
    let tier_a = find("four: expect tier A between 20% and 50%");
    assert_eq!(tier_a["status"], "ok");
    assert_eq!(tier_a["measured"]["share"], 0.5);
    insta::assert_json_snapshot!(json);
}

#[test]
fn failures_as_junit_xml() {
    let dir = club();
    failing(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), &["--format", "junit"]));
}

#[test]
fn failures_as_github_annotations_on_their_lines() {
    let dir = club();
    failing(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), &["--format", "github"]));
}

#[test]
fn passing_as_junit_and_github() {
    let dir = club();
    assert_cmd_snapshot!(seg_test(dir.path(), &["--format", "junit"]));
    assert_cmd_snapshot!(seg_test(dir.path(), &["--format", "github"]));
}

#[test]
fn an_example_missing_a_dataset_value_is_a_rule_error() {
    let dir = club();
    edit_rules(dir.path(), ", percentile(monetary, 0.5) = 100", "");
    assert_cmd_snapshot!(seg_test(dir.path(), &[]));
}

/// The rules of the club with its case's data as the sources, for runs.
fn runnable(dir: &Path) {
    let data = dir.join("club/data");
    std::fs::create_dir_all(&data).unwrap();
    for file in ["customers.csv", "orders.csv"] {
        std::fs::copy(dir.join("club/tests/four").join(file), data.join(file)).unwrap();
    }
    edit_rules(
        dir,
        "source customers",
        "as of 2025-06-30\nsource customers",
    );
}

fn seg_run(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = seg();
    cmd.current_dir(dir)
        .args(["run", "club", "--db", "club.duckdb", "--quiet"])
        .args(extra);
    cmd
}

#[test]
fn a_run_records_its_expectations_and_warns_of_a_failure() {
    let dir = club();
    runnable(dir.path());
    edit_rules(
        dir.path(),
        "expect tag big under 50%",
        "expect tag big under 20%",
    );
    assert_cmd_snapshot!(seg_run(dir.path(), &[]));
    let recorded = table(
        &dir.path().join("club.duckdb"),
        "SELECT e.expectation, e.passed, e.customers, e.share, e.examples \
         FROM (SELECT unnest(expectations) AS e FROM seg_runs)",
    );
    insta::assert_snapshot!(recorded);
}

#[test]
fn a_strict_run_with_a_failing_expectation_leaves_the_previous_run_whole() {
    let dir = club();
    runnable(dir.path());
    let db = dir.path().join("club.duckdb");
    let first = seg_run(dir.path(), &["--strict"]).output().unwrap();
    assert!(first.status.success(), "{first:?}");
    let customers = "SELECT customer_id, tier, tags FROM seg_customers ORDER BY customer_id";
    let (before, runs_before) = (
        table(&db, customers),
        table(&db, "SELECT run_id FROM seg_runs"),
    );
    let history = |dir: &Path| {
        let mut cmd = seg();
        cmd.current_dir(dir)
            .args(["history", "--db", "club.duckdb"])
            .output()
            .unwrap()
            .stdout
    };
    let history_before = history(dir.path());

    // Every customer is now A, so tier A is 100%, not between 20% and 50%.
    edit_rules(
        dir.path(),
        "tier A when monetary >= 100",
        "tier A when monetary >= 0",
    );
    assert_cmd_snapshot!(seg_run(dir.path(), &["--strict"]));
    assert_eq!(table(&db, customers), before);
    assert_eq!(table(&db, "SELECT run_id FROM seg_runs"), runs_before);
    assert_eq!(history(dir.path()), history_before);

    // Without --strict the same run publishes, and warns.
    let published = seg_run(dir.path(), &[]).output().unwrap();
    assert!(published.status.success());
    assert!(
        String::from_utf8_lossy(&published.stderr).contains("expect tier A between 20% and 50%")
    );
    let tier_a = table(
        &db,
        "SELECT count(*) AS a FROM seg_customers WHERE tier = 'A'",
    );
    assert_eq!(tier_a, "a\n4");
}

/// The codes only `seg test` shows (a failed example, a failed
/// expectation), for `every_code_has_an_error_fixture`.
pub fn codes_shown() -> Vec<&'static str> {
    let dir = club();
    failing(dir.path());
    let output = seg_test(dir.path(), &[]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    ["W007", "W008"]
        .into_iter()
        .filter(|code| text.contains(code))
        .collect()
}

fn checked_program(files: &seg::source::SourceMap) -> seg::semantic::Program {
    use seg::semantic::{Mode, NoData, Settings};
    let checked = seg::check(
        files,
        &NoData,
        &Settings::new(Mode::Check, crate::support::today()),
    );
    let Some(program) = checked.program else {
        panic!("{}", crate::support::rendered(files, &checked));
    };
    program
}

#[test]
fn the_examples_are_one_query_over_a_values_table() {
    let files = seg::source::read_rule_set(Path::new("tests/fixtures/test/club")).unwrap();
    let program = checked_program(&files);
    let query = seg::sql::examples::query(&seg::sql::DuckDb, &program).unwrap();
    insta::assert_snapshot!(query.sql);
}

/// Each example's outcome, worked out by hand in the comments.
#[test]
fn what_an_example_does_not_give_is_missing_and_what_it_gives_is_not_computed() {
    let rules = r#"
source customers from "c.csv" key customer_id
source orders from "o.csv" by customer_id
source crm from "t.csv" by customer_id
tags from crm.tag
metric frequency = count(orders)
metric spend = sum(orders.amount)
metric avg_order = spend / frequency
score f = quintile(frequency)
band high when avg_order > 100
band none when avg_order is missing
band low otherwise
tag northern when region = "north"
tag top when f = 5

# 300 / 2 = 150 > 100
example "a": frequency 2, spend 300 expects band high
# spend is missing, so is 300 / missing
example "b": frequency 2 expects band none
# the given average wins over 1000 / 1
example "c": avg_order 50, spend 1000, frequency 1 expects band low
# given as missing, though 10 / 1 would be 10
example "d": avg_order missing, frequency 1, spend 10 expects band none
# a customer column and a hand-assigned tag; f is not given, so no top
example "e": region "north", tag vip expects tag northern, tag vip, not tag top
# a score is given as it is
example "f": f 5 expects tag top, not tag northern
# fails: 100 / 2 = 50 is low; no region, so not northern
example "g": frequency 2, spend 100 expects band high, tag northern, not tag top
"#;
    let files = seg::source::SourceMap::from_text("r.seg", rules);
    let program = checked_program(&files);
    let outcomes = seg::engine::run_examples(&program).unwrap();
    let shown: Vec<String> = outcomes
        .iter()
        .map(|o| format!("{} {} {:?}", o.name, o.passed, o.failures))
        .collect();
    assert_eq!(
        shown,
        [
            "a true []",
            "b true []",
            "c true []",
            "d true []",
            "e true []",
            "f true []",
            "g false [(0, \"expected band high, got band low\"), (1, \"expected tag northern, but it carries no tag\")]",
        ]
    );
}

#[test]
fn the_expectations_are_one_query_over_the_computed_table() {
    let files = seg::source::read_rule_set(Path::new("tests/fixtures/test/club")).unwrap();
    let program = checked_program(&files);
    insta::assert_snapshot!(seg::compile(&program).expectations.unwrap());
}
