//! `seg test` end to end: snapshot cases beside a rule set, in every
//! outcome and every format. Each test works on its own copy of
//! `tests/fixtures/test/shop`, since `seg test` writes snapshots.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

/// A copy of the shop rule set (and its case) in a temporary folder.
fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(
        Path::new("tests/fixtures/test/shop"),
        &dir.path().join("shop"),
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

/// `seg test shop` in `dir`, outside CI unless `ci`.
fn seg_test(dir: &Path, ci: bool, extra: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("seg"));
    cmd.current_dir(dir).env("NO_COLOR", "1").env_remove("CI");
    if ci {
        cmd.env("CI", "true");
    }
    cmd.args(["test", "shop"]).args(extra);
    cmd
}

fn case_file(dir: &Path, name: &str) -> PathBuf {
    dir.join("shop/tests/two").join(name)
}

fn edit_rules(dir: &Path, from: &str, to: &str) {
    let path = dir.join("shop/shop.seg");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// Worked out by hand from tests/two: customer 1 has two orders
/// (80.5 + 50 = 130.5 ≥ 100: tier A, big); 2 one order of 20 (B); 3's
/// only order is on the as-of date, so it does not count (0 orders, B).
const EXPECTED: &str = "\
customer 1
  frequency = 2
  monetary  = 130.5
  tier      = \"A\"
  tags      = [\"big\"]

customer 2
  frequency = 1
  monetary  = 20.0
  tier      = \"B\"
  tags      = []

customer 3
  frequency = 0
  monetary  = 0.0
  tier      = \"B\"
  tags      = []
";

#[test]
fn a_new_case_writes_a_pending_snapshot_with_the_hand_counted_values() {
    let dir = shop();
    assert_cmd_snapshot!(seg_test(dir.path(), false, &[]));
    let pending = std::fs::read_to_string(case_file(dir.path(), "snapshot.txt.new")).unwrap();
    assert_eq!(pending.split_once("\n\n").unwrap().1, EXPECTED);
    assert!(!case_file(dir.path(), "snapshot.txt").exists());
}

#[test]
fn in_ci_a_case_without_a_snapshot_fails_and_writes_nothing() {
    let dir = shop();
    assert_cmd_snapshot!(seg_test(dir.path(), true, &[]));
    assert!(!case_file(dir.path(), "snapshot.txt.new").exists());
}

#[test]
fn accept_writes_the_snapshot_and_then_the_case_passes() {
    let dir = shop();
    assert_cmd_snapshot!(seg_test(dir.path(), false, &["--accept"]));
    let stored = std::fs::read_to_string(case_file(dir.path(), "snapshot.txt")).unwrap();
    assert_eq!(stored.split_once("\n\n").unwrap().1, EXPECTED);
    assert_cmd_snapshot!(seg_test(dir.path(), true, &[]));
}

/// A changed rule: customer 1 (130.5) is no longer A at 150.
fn changed(dir: &Path) {
    let accepted = seg_test(dir, false, &["--accept"]).output().unwrap();
    assert!(accepted.status.success());
    edit_rules(dir, "monetary >= 100", "monetary >= 150");
}

#[test]
fn a_change_prints_each_customer_and_column_that_moved() {
    let dir = shop();
    changed(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), false, &[]));
    let pending = std::fs::read_to_string(case_file(dir.path(), "snapshot.txt.new")).unwrap();
    assert!(pending.contains("customer 1\n  frequency = 2\n  monetary  = 130.5\n  tier      = \"B\"\n  tags      = [\"big\"]\n"));
    // The stored snapshot is left as it was until accepted.
    let stored = std::fs::read_to_string(case_file(dir.path(), "snapshot.txt")).unwrap();
    assert_eq!(stored.split_once("\n\n").unwrap().1, EXPECTED);
}

#[test]
fn a_change_as_json() {
    let dir = shop();
    changed(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), true, &["--format", "json"]));
}

#[test]
fn a_change_as_junit_xml() {
    let dir = shop();
    changed(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), true, &["--format", "junit"]));
}

#[test]
fn a_change_as_github_annotations() {
    let dir = shop();
    changed(dir.path());
    assert_cmd_snapshot!(seg_test(dir.path(), true, &["--format", "github"]));
}

#[test]
fn a_case_without_data_for_a_source_says_which_file_to_add() {
    let dir = shop();
    std::fs::remove_file(case_file(dir.path(), "orders.csv")).unwrap();
    assert_cmd_snapshot!(seg_test(dir.path(), true, &[]));
}

#[test]
fn a_case_without_an_as_of_date_fails_rather_than_snapshot_today() {
    let dir = shop();
    std::fs::remove_file(case_file(dir.path(), "case.json")).unwrap();
    assert_cmd_snapshot!(seg_test(dir.path(), true, &[]));
}

#[test]
fn rules_that_do_not_check_fail_the_case_with_their_diagnostics() {
    let dir = shop();
    edit_rules(dir.path(), "monetary >= 100", "monetry >= 100");
    assert_cmd_snapshot!(seg_test(dir.path(), true, &[]));
}

#[test]
fn a_header_only_file_is_a_source_without_rows() {
    let dir = shop();
    std::fs::write(
        case_file(dir.path(), "orders.csv"),
        "customer_id,ordered_at,amount\n",
    )
    .unwrap();
    assert_cmd_snapshot!(seg_test(dir.path(), false, &[]));
    let pending = std::fs::read_to_string(case_file(dir.path(), "snapshot.txt.new")).unwrap();
    // No order counts for anyone: every customer is B, untagged.
    assert_eq!(pending.matches("  frequency = 0\n").count(), 3, "{pending}");
    assert_eq!(
        pending.matches("  tier      = \"B\"\n").count(),
        3,
        "{pending}"
    );
    assert_eq!(
        pending.matches("  tags      = []\n").count(),
        3,
        "{pending}"
    );
}
