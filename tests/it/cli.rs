//! The `seg` binary end to end: exit statuses, what it prints, what it writes.

use crate::support::{seg, table};

use insta_cmd::assert_cmd_snapshot;

/// Hides what changes from run to run: durations, temporary paths.
macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"\d+\.\d+ s", "[time] s"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
        ]}, { $($body)* })
    };
}

#[test]
fn check_passes_a_clean_rule_set() {
    assert_cmd_snapshot!(seg().args(["check", "tests/fixtures/ok/retail"]), @"
    success: true
    exit_code: 0
    ----- stdout -----

    ----- stderr -----
    checked 3 files in tests/fixtures/ok/retail: 0 errors, 0 warnings
    ");
}

#[test]
fn check_reports_rule_errors_with_status_1() {
    assert_cmd_snapshot!(seg().args(["check", "tests/fixtures/err/types.seg"]));
}

#[test]
fn check_prints_json_for_editors_and_ci() {
    assert_cmd_snapshot!(seg().args(["check", "tests/fixtures/err/types.seg", "--format", "json"]));
}

#[test]
fn a_missing_rule_set_is_a_usage_error() {
    assert_cmd_snapshot!(seg().args(["check", "tests/fixtures/nowhere"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    seg::usage

      × there is no `tests/fixtures/nowhere`
      help: give a folder of .seg files (every .seg file in it is one rule set) or one .seg file, e.g.
            `seg check rules`
    ");
}

#[test]
fn run_needs_a_database() {
    assert_cmd_snapshot!(seg().args(["run", "tests/fixtures/ok/retail"]), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    seg::usage

      × `seg run` needs a database to write to
      help: pass --db <file>, e.g. --db seg.duckdb (it is created if missing)
    ");
}

#[test]
fn wrong_set_values_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    assert_cmd_snapshot!(seg()
        .args(["run", "tests/fixtures/ok/retail", "--set", "vipspend=1", "--set", "vip_spend=many", "--db"])
        .arg(&db), @"
    success: false
    exit_code: 2
    ----- stdout -----

    ----- stderr -----
    E401

      × --set vipspend: the rules have no param `vipspend`
      help: did you mean `vip_spend`?

    E402

      × --set vip_spend=many: `vip_spend` takes a number
       ╭─[tests/fixtures/ok/retail/sources.seg:9:7]
     8 │ as of 2025-06-30
     9 │ param vip_spend = 150
       ·       ────┬────
       ·           ╰── declared here as a number
       ╰────
      help: give a number, like 5000 or 0.25

    not run: 2 errors, 0 warnings
    ");
    assert!(
        !db.exists(),
        "a run refused for its --set values writes no database"
    );
}

#[test]
fn run_prints_a_summary_and_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let out = dir.path().join("out");
    stable! {
        assert_cmd_snapshot!(seg()
            .args(["run", "tests/fixtures/ok/retail", "--set", "vip_spend=100", "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&out));
    }
    assert!(out.join("seg_customers.parquet").exists());
    assert!(out.join("seg_customer_tags.parquet").exists());
}

#[test]
fn run_prints_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let output = seg()
        .args([
            "run",
            "tests/fixtures/ok/retail",
            "--format",
            "json",
            "--as-of",
            "2025-07-01",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["customers"], 6);
    assert_eq!(summary["as_of"], "2025-07-01");
    assert_eq!(summary["as_of_origin"], "command_line");
    insta::assert_json_snapshot!(summary["segmentations"]);
}

#[test]
fn compile_prints_the_sql() {
    let output = seg()
        .args(["compile", "tests/fixtures/ok/retail"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let sql = String::from_utf8(output.stdout).unwrap();
    assert!(sql.starts_with("-- seg "));
    assert!(sql.contains("CREATE OR REPLACE TABLE \"seg$result\" AS"));
}

#[test]
fn explain_tells_what_a_code_means() {
    assert_cmd_snapshot!(seg().args(["explain", "E302"]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    ## E302

    `cycle` · error · Definitions depend on each other in a circle.

    A metric (or score, tag, segmentation) cannot depend on itself, directly or through others. The message names the whole circle.

    ```seg
    metric a = b + 1
    metric b = a * 2
    ```

    ----- stderr -----
    ");
}

#[test]
fn the_diagnostics_reference_is_generated_from_the_code() {
    let output = seg().args(["explain", "--all"]).output().unwrap();
    let docs = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    assert!(
        String::from_utf8(output.stdout).unwrap() == docs,
        "docs/diagnostics.md is stale: run `cargo run -- explain --all > docs/diagnostics.md`"
    );
}

/// The demo end to end, smaller than the default: data, the rules in
/// `rules/`, and every label and tag with members.
#[test]
fn demo_runs_the_rules_and_every_label_has_members() {
    let dir = tempfile::tempdir().unwrap();
    let output = seg()
        .args(["demo", "--customers", "20000", "--format", "json", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["customers"], 20000);
    let mut empty = Vec::new();
    for seg in summary["segmentations"].as_array().unwrap() {
        for label in seg["labels"].as_array().unwrap() {
            if label["label"].is_string() && label["customers"] == 0 {
                empty.push(format!("{} {}", seg["segmentation"], label["label"]));
            }
        }
    }
    for tag in summary["tags"].as_array().unwrap() {
        if tag["customers"] == 0 {
            empty.push(format!("tag {}", tag["tag"]));
        }
    }
    assert!(
        empty.is_empty(),
        "labels and tags without members: {empty:?}"
    );

    // The shipped rule set checks cleanly against the demo data.
    let data = dir.path().join("data");
    let mut check = seg();
    check.args(["check", "rules"]);
    for table in ["customers", "orders", "events", "surveys", "crm_tags"] {
        check.arg("--source").arg(format!(
            "{table}={}",
            data.join(format!("{table}.parquet")).display()
        ));
    }
    let output = check.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(": 0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn a_data_file_is_not_taken_for_the_database() {
    let output = seg()
        .args([
            "run",
            "tests/fixtures/ok/retail",
            "--db",
            "tests/fixtures/data/orders.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this is the name of a data file"),
        "{stderr}"
    );
}

#[test]
fn a_bad_out_folder_stops_the_run_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let out = dir.path().join("a_file");
    std::fs::write(&out, "").unwrap();
    let output = seg()
        .args(["run", "tests/fixtures/ok/retail", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("it is a file, not a folder"));
    assert!(!db.exists(), "nothing was run, so no database was made");
}

#[test]
fn a_run_that_never_starts_leaves_no_database_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let output = seg()
        .args(["run", "tests/fixtures/err/types.seg", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!db.exists());
}

/// The subcommands `seg --help` lists (so a new one is snapshotted too).
fn subcommands() -> Vec<String> {
    let output = seg().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    let commands = help
        .split("Commands:\n")
        .nth(1)
        .expect("`seg --help` lists its commands");
    commands
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn help_of_every_command() {
    assert_cmd_snapshot!("help", seg().arg("--help"));
    let commands = subcommands();
    assert!(commands.len() >= 5, "{commands:?}");
    for command in commands {
        assert_cmd_snapshot!(format!("help_{command}"), seg().args([&command, "--help"]));
    }
}

#[test]
fn a_run_short_of_memory_fails_cleanly_and_keeps_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let run = |extra: &[&str]| {
        seg()
            .args(["run", "tests/fixtures/ok/retail", "--quiet", "--db"])
            .arg(&db)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&["--memory-limit", "2GB", "--threads", "1"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = table(&db, "SELECT * FROM seg_customers");

    // DuckDB cannot even build the first aggregate in a megabyte.
    let starved = run(&["--memory-limit", "1MB", "--set", "vip_spend=100"]);
    assert_eq!(starved.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&starved.stderr);
    assert!(stderr.contains("ran out of memory"), "{stderr}");
    assert!(
        stderr.contains("more memory with --memory-limit"),
        "{stderr}"
    );
    assert_eq!(table(&db, "SELECT * FROM seg_customers"), before);
    assert_eq!(
        table(&db, "SELECT count(*) AS runs FROM seg_runs"),
        "runs\n1"
    );
}

#[test]
fn memory_limits_and_threads_are_checked_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    for wrong in [
        ["--memory-limit", "4 gigs"],
        ["--memory-limit", "80%"],
        ["--threads", "0"],
    ] {
        let output = seg()
            .args(["run", "tests/fixtures/ok/retail", "--db"])
            .arg(&db)
            .args(wrong)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{wrong:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("'{}'", wrong[1])), "{stderr}");
    }
    assert!(!db.exists());
}
