//! No rule file crashes or hangs seg: absurdly deep, long and large inputs
//! run through the real binary and end with status 0 or 1 (never a signal)
//! within a few seconds, with readable diagnostics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

#[path = "../../bench/generate.rs"]
mod generate;

/// A rule set written to a temporary folder with the data files the
/// generated sources read.
struct RuleSet {
    dir: tempfile::TempDir,
}

impl RuleSet {
    fn new(text: &str) -> RuleSet {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.seg"), text).unwrap();
        for csv in ["customers.csv", "orders.csv"] {
            std::fs::copy(
                Path::new("tests/fixtures/data").join(csv),
                dir.path().join(csv),
            )
            .unwrap();
        }
        RuleSet { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("rules.seg")
    }
}

/// `seg check` on the rule set, which must end by itself, with a status, in
/// `limit`. Returns the exit status and stderr.
fn check(rules: &RuleSet, args: &[&str], limit: Duration) -> (i32, String, String) {
    let started = Instant::now();
    let output: Output = Command::new(get_cargo_bin("seg"))
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(rules.file())
        .args(args)
        .output()
        .unwrap();
    let took = started.elapsed();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("seg was killed: {:?}", output.status));
    assert!(took < limit, "seg check took {took:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        code,
        stdout,
        stderr.replace(&rules.dir.path().display().to_string(), "[dir]"),
    )
}

/// Each takes a few seconds of CPU at most (1.5 s for 5 MB); the limit is
/// generous because this machine is shared, and catches hangs and
/// quadratic costs, which take minutes.
const FEW_SECONDS: Duration = Duration::from_secs(60);

#[test]
fn ten_thousand_nested_parentheses_are_an_error() {
    let n = 10_000;
    let rules = RuleSet::new(&format!("metric m = {}1{}\n", "(".repeat(n), ")".repeat(n)));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn two_hundred_thousand_nots_are_an_error() {
    let rules = RuleSet::new(&format!("tag t when {}x\n", "not ".repeat(200_000)));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn two_hundred_thousand_minus_signs_are_an_error() {
    let rules = RuleSet::new(&format!("metric m = {}1\n", "-".repeat(200_000)));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert!(stderr.contains("E001"), "{stderr}");
    assert!(
        stderr.contains("nests more than 256 levels deep"),
        "{stderr}"
    );
}

#[test]
fn nots_that_nest_across_comparisons_are_refused_before_parsing() {
    // `not` binds looser than `=`, so each `not` opens inside the last.
    let rules = RuleSet::new(&format!("tag t when {}x\n", "not x = ".repeat(100_000)));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("nests more than 256 levels deep"),
        "{stderr}"
    );
}

#[test]
fn a_long_flat_chain_is_too_deep_but_no_crash() {
    // Built without recursion, and dropped without it.
    let rules = RuleSet::new(&format!("metric m = {}1\n", "1 + ".repeat(200_000)));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("this rule nests 200001 levels deep"),
        "{stderr}"
    );
}

#[test]
fn a_long_chain_that_fails_at_its_end_is_no_crash() {
    // The chain parses (pest), then its last number is out of range: the
    // tree built so far is discarded without recursion.
    let rules = RuleSet::new(&format!(
        "metric m = {}1{}\n",
        "1 + ".repeat(200_000),
        "0".repeat(400)
    ));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert!(stderr.contains("this number is too large"), "{stderr}");
}

#[test]
fn a_rule_that_takes_pest_too_many_steps_is_an_error_not_a_hang() {
    // Flat (an `in` list nests two levels), so the depth scan lets it
    // through; its million values take pest past its call limit (50
    // million rule calls, about 2 MB of this), where it stops.
    let values = vec!["1"; 1_000_000].join(",");
    let rules = RuleSet::new(&format!(
        "{}metric m = count(orders where amount in ({values}))\n",
        generate::SOURCES
    ));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("it takes too many steps to read"),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
}

/// A 360 KB rule on one line, whose error is at its very end.
fn long_line(error: &str) -> String {
    let values: Vec<String> = (0..40_000).map(|i| format!("\"r{i}\"")).collect();
    let line = format!("tag t when region in ({}) and {error}\n", values.join(", "));
    assert!(line.len() > 360_000, "{}", line.len());
    format!("{}{line}", generate::SOURCES)
}

#[test]
fn an_error_at_the_end_of_a_360_kb_line_shows_a_window_of_it() {
    let rules = RuleSet::new(&long_line("income > nothing"));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_syntax_error_at_the_end_of_a_360_kb_line_shows_a_window_of_it() {
    let rules = RuleSet::new(&long_line("income >"));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_five_megabyte_rule_set_checks_in_seconds() {
    let text = generate::rule_set(100_000);
    assert!(text.len() > 5_000_000, "{}", text.len());
    let rules = RuleSet::new(&text);
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.ends_with("0 errors, 0 warnings\n"), "{stderr}");
}

#[test]
fn ten_thousand_errors_show_a_hundred_then_a_count() {
    let text = generate::rule_set_with_errors(100_000, 10);
    assert!(text.len() > 5_000_000, "{}", text.len());
    let rules = RuleSet::new(&text);
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("× ").count(), 100, "{stderr}");
    assert!(
        stderr.contains("… and 9,900 more (use --format json for all)"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("10000 errors, 0 warnings\n")
            || stderr.ends_with("10,000 errors, 0 warnings\n"),
        "{}",
        &stderr[stderr.len() - 200..]
    );
}

#[test]
fn json_keeps_every_one_of_ten_thousand_errors() {
    let rules = RuleSet::new(&generate::rule_set_with_errors(100_000, 10));
    let (code, stdout, _) = check(&rules, &["--format", "json"], FEW_SECONDS);
    assert_eq!(code, 1);
    let json: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json.len(), 10_000);
    // By turns a syntax error and an unknown name.
    assert_eq!(json.iter().filter(|d| d["code"] == "E001").count(), 5_000);
    assert_eq!(json.iter().filter(|d| d["code"] == "E101").count(), 5_000);
}

#[test]
fn a_thousand_statements_check_cleanly() {
    let rules = RuleSet::new(&generate::rule_set(1_000));
    let (code, _, stderr) = check(&rules, &[], FEW_SECONDS);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_generated_rule_set_compiles_to_one_aggregation_per_source() {
    // The generator's rules do real work: filtered, windowed aggregates,
    // metrics built on them and tags.
    let files = seg::source::SourceMap::from_text("rules.seg", &generate::rule_set(40));
    let settings =
        seg::semantic::Settings::new(seg::semantic::Mode::Check, jiff::civil::date(2025, 6, 30));
    let checked = seg::check(&files, &generate::Columns, &settings);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let plan = seg::compile(checked.program.as_ref().unwrap());
    // The aggregates are all in the base (the derived part's filters pick
    // the open history rows of each segmentation).
    let sql = &plan.base.sql;
    assert_eq!(sql.matches("FILTER (WHERE").count(), 10, "{sql}");
}
