//! `seg lint`: every finding end to end through the binary (human and
//! JSON output snapshotted), and the classic RFM table checked against a
//! count worked out independently.

use crate::support::seg;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seg::engine::Engine;
use seg::lint::{self, Finding, Options};
use seg::semantic::Mode;
use seg::source::read_rule_set;

use crate::support::{fixture, program_of, settings};

/// Every file and folder directly under tests/fixtures/lint, in name order.
fn lint_fixture_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture("lint"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
}

/// The options a fixture asks for on a `# seg-lint:` line.
fn fixture_args(path: &Path) -> Vec<String> {
    let files = read_rule_set(path).expect("a lint fixture is a rule set");
    files
        .iter()
        .flat_map(|(_, f)| f.text.lines().map(str::to_string).collect::<Vec<_>>())
        .filter_map(|line| line.strip_prefix("# seg-lint:").map(str::to_string))
        .flat_map(|args| {
            args.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Lints a fixture through the library; one that asks for `--db` on its
/// data too (in memory, as `seg lint --db` runs it).
fn lint_fixture(path: &Path) -> Vec<Finding> {
    let files = read_rule_set(path).expect("a lint fixture is a rule set");
    let engine = Engine::in_memory().unwrap();
    let args = fixture_args(path);
    let on_data = args.iter().any(|a| a == "--db");
    let mode = if on_data { Mode::Run } else { Mode::Check };
    let program = program_of(&files, seg::check(&files, &engine, &settings(mode)));
    let (ast, _) = seg::syntax::parse(&files);
    let options = Options {
        unused_metrics: args.iter().any(|a| a == "--unused-metrics"),
    };
    let mut findings = lint::lint(&files, &ast, &program, options);
    if on_data {
        let profile = seg::engine::profile(&engine, &program).unwrap();
        findings.extend(profile.findings(&ast, &program));
    }
    findings
}

/// A fixture's `--db` names a fresh, empty database: its sources are files.
fn with_database(args: Vec<String>, dir: &Path) -> Vec<String> {
    args.into_iter()
        .flat_map(|a| {
            if a == "--db" {
                let db = dir.join("empty.duckdb");
                drop(duckdb::Connection::open(&db).unwrap());
                vec![a, db.display().to_string()]
            } else {
                vec![a]
            }
        })
        .collect()
}

/// The codes the lint fixtures show, for `every_code_has_an_error_fixture`.
pub fn lint_fixture_codes() -> BTreeSet<&'static str> {
    lint_fixture_paths()
        .iter()
        .flat_map(|p| lint_fixture(p))
        .map(|f| f.diagnostic.code.as_str())
        .collect()
}

/// `seg lint` on a path: status, stderr and stdout, as one text.
fn lint_output(args: &[&str]) -> String {
    let output = seg().arg("lint").args(args).output().unwrap();
    format!(
        "exit status: {}\n----- stderr -----\n{}----- stdout -----\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    )
}

/// Each lint fixture through the binary, as a person and as a tool sees it.
#[test]
fn lint_fixtures() {
    insta::glob!("../fixtures/lint", "?*", |path| {
        let path = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .display()
            .to_string();
        let dir = tempfile::tempdir().unwrap();
        let extra = with_database(fixture_args(Path::new(&path)), dir.path());
        let mut args: Vec<&str> = vec![&path];
        args.extend(extra.iter().map(String::as_str));
        let human = lint_output(&args);
        args.extend(["--format", "json"]);
        let json = lint_output(&args);
        assert!(
            human.contains("L0"),
            "{path}: a lint fixture finds nothing:\n{human}"
        );
        insta::assert_snapshot!(format!("{human}\n===== --format json =====\n{json}"));
    });
}

/// The ranges of the classic table, in its usual order: (label, r, f, m).
const CLASSIC: [(&str, (u8, u8), (u8, u8), (u8, u8)); 10] = [
    ("Champions", (4, 5), (4, 5), (4, 5)),
    ("Loyal", (2, 5), (3, 5), (3, 5)),
    ("Potential Loyalist", (3, 5), (1, 3), (1, 3)),
    ("New Customers", (4, 5), (1, 1), (1, 1)),
    ("Promising", (3, 4), (1, 1), (1, 1)),
    ("Need Attention", (2, 3), (2, 3), (2, 3)),
    ("About To Sleep", (2, 3), (1, 2), (1, 2)),
    ("At Risk", (1, 2), (2, 5), (2, 5)),
    ("Can't Lose Them", (1, 1), (4, 5), (4, 5)),
    ("Lost", (1, 2), (1, 2), (1, 2)),
];

/// Brute force over the 125 combinations, independent of seg: which rule
/// each takes, and which take none.
fn classic_by_hand() -> (BTreeSet<&'static str>, usize) {
    let within = |x: u8, (lo, hi): (u8, u8)| lo <= x && x <= hi;
    let mut reached = BTreeSet::new();
    let mut uncovered = 0;
    for r in 1..=5 {
        for f in 1..=5 {
            for m in 1..=5 {
                let first = CLASSIC
                    .iter()
                    .find(|(_, rr, fr, mr)| within(r, *rr) && within(f, *fr) && within(m, *mr));
                match first {
                    Some((label, ..)) => {
                        reached.insert(*label);
                    }
                    None => uncovered += 1,
                }
            }
        }
    }
    (reached, uncovered)
}

#[test]
fn the_classic_rfm_table_has_three_dead_rules_and_36_gaps() {
    let (reached, uncovered) = classic_by_hand();
    let never: Vec<&str> = CLASSIC
        .iter()
        .map(|c| c.0)
        .filter(|l| !reached.contains(l))
        .collect();
    assert_eq!(never, ["New Customers", "Promising", "Can't Lose Them"]);
    assert_eq!(uncovered, 36);

    let path = fixture("lint/rfm_classic");
    let files = read_rule_set(&path).unwrap();
    let findings = lint_fixture(&path);
    let text = |span: seg::source::Span| files.text(span).trim_matches('"').to_string();
    let shadowed: Vec<(String, Vec<String>)> = findings
        .iter()
        .filter(|f| f.diagnostic.code.as_str() == "L001")
        .map(|f| {
            let d = &f.diagnostic;
            let covers = d.secondary.iter().map(|l| text(l.span)).collect();
            (text(d.primary.as_ref().unwrap().span), covers)
        })
        .collect();
    assert_eq!(
        shadowed,
        [
            (
                "New Customers".to_string(),
                vec!["Potential Loyalist".to_string()]
            ),
            (
                "Promising".to_string(),
                vec!["Potential Loyalist".to_string()]
            ),
            ("Can't Lose Them".to_string(), vec!["At Risk".to_string()]),
        ]
    );
    let gaps: Vec<_> = findings
        .iter()
        .filter(|f| f.diagnostic.code.as_str() == "L002")
        .collect();
    assert_eq!(gaps.len(), 1);
    let counted = gaps[0].uncovered.as_ref().expect("scores are counted");
    assert_eq!((counted.combinations, counted.of), (uncovered as u64, 125));
    assert!(
        counted.missing_too,
        "a customer with a missing score matches no rule"
    );
    // Every combination shown matches no rule of the table.
    for example in &counted.examples {
        let value = |name: &str| {
            let v = example.values.iter().find(|a| a.name == name).unwrap();
            v.value.as_u64().unwrap() as u8
        };
        let (r, f, m) = (value("r"), value("f"), value("m"));
        let within = |x: u8, (lo, hi): (u8, u8)| lo <= x && x <= hi;
        assert!(
            !CLASSIC
                .iter()
                .any(|(_, rr, fr, mr)| within(r, *rr) && within(f, *fr) && within(m, *mr)),
            "r={r} f={f} m={m} is covered"
        );
    }
    // Nothing else is found.
    assert_eq!(findings.len(), 4, "{findings:#?}");
}

/// The rule set users start from lints clean.
#[test]
fn the_shipped_rules_lint_clean() {
    insta::assert_snapshot!(lint_output(&["rules"]));
}

#[test]
fn rules_with_errors_are_not_linted() {
    let out = lint_output(&["tests/fixtures/err/types.seg"]);
    assert!(out.starts_with("exit status: 1\n"), "{out}");
    assert!(
        out.contains("cannot lint tests/fixtures/err/types.seg: the rules have errors"),
        "{out}"
    );
    assert!(out.contains("E201"), "{out}");
}

#[test]
fn a_missing_rule_set_is_a_usage_error() {
    let out = lint_output(&["tests/fixtures/nowhere"]);
    assert!(out.starts_with("exit status: 2\n"), "{out}");
}

/// Lints rules written inline (after the inline tests' sources): the code
/// and message of each finding.
fn lint_text(rules: &str) -> Vec<String> {
    let (files, checked) = crate::support::check_text(rules);
    let program = program_of(&files, checked);
    let (ast, _) = seg::syntax::parse(&files);
    let options = Options {
        unused_metrics: true,
    };
    lint::lint(&files, &ast, &program, options)
        .iter()
        .map(|f| format!("{} {}", f.diagnostic.code, f.diagnostic.message))
        .collect()
}

#[test]
fn not_holds_for_a_missing_score_and_a_comparison_does_not() {
    let rules =
        "metric frequency = count(orders)\nscore r = quintile(frequency) where frequency > 0\n";
    // `not (r >= 4)` holds for a customer without a score: no gap.
    let covered = lint_text(&format!(
        "{rules}band a when r >= 4\nband b when not (r >= 4)\n"
    ));
    assert_eq!(covered, Vec::<String>::new());
    // `r < 4` does not: customers without a score fall through.
    let gap = lint_text(&format!("{rules}band a when r >= 4\nband b when r < 4\n"));
    assert_eq!(
        gap,
        ["L002 `band` gives no label to customers with a missing value"]
    );
    // `r != 3` does not hold for them either.
    let gap = lint_text(&format!("{rules}band a when r = 3\nband b when r != 3\n"));
    assert_eq!(
        gap,
        ["L002 `band` gives no label to customers with a missing value"]
    );
}

#[test]
fn what_seg_cannot_see_into_decides_nothing() {
    // Two variables compared: the rules do cover everyone, and seg must
    // not claim a gap or a shadowed rule from what it cannot see.
    let findings = lint_text(
        "metric monetary = sum(orders.amount)\nmetric frequency = count(orders)\n\
         tier a when monetary > frequency * 10\ntier b when not (monetary > frequency * 10)\n\
         tag big when monetary >= percentile(monetary, 0.9) and monetary < 0\n",
    );
    // And a sum may be negative: `monetary < 0` is not out of range.
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn a_gap_over_related_variables_is_not_claimed() {
    // `r` is the score of `recency`: a customer with recency 0 and r = 1
    // may not exist, so no gap is claimed over the two together.
    let findings = lint_text(
        "metric recency = days_since(max(orders.ordered_at))\n\
         score r = quintile(recency, lower_is_better)\n\
         seg a when recency > 30\nseg b when r >= 2\n",
    );
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn a_formula_too_large_to_reason_about_is_given_up_quietly() {
    // 2^13 conjuncts, past the limit: no finding, and no time lost.
    let pairs: Vec<String> = (0..13)
        .map(|i| {
            format!(
                "(count(orders where amount > {i}) = 1 or count(orders where amount > {i}) = 2)"
            )
        })
        .collect();
    let rules = format!(
        "tag many when {} and count(orders) > 10 and count(orders) < 5\n",
        pairs.join(" and ")
    );
    assert_eq!(lint_text(&rules), Vec::<String>::new());
}

#[test]
fn rules_as_deep_as_allowed_are_linted_without_a_crash() {
    let depth = seg::syntax::MAX_DEPTH - 4;
    let rules = format!("tag t when {}count(orders) < 0\n", "not ".repeat(depth));
    let findings = lint_text(&rules);
    // An even number of `not`s: `count(orders) < 0`, which never holds.
    assert_eq!(depth % 2, 0);
    assert_eq!(
        findings,
        ["L004 `count(orders) < 0` can never hold: `count(orders)` is a count: 0, 1, 2 ..."]
    );
}

#[test]
fn a_gap_only_between_whole_numbers_is_not_claimed() {
    // `income` may be a column of whole numbers: 1.5 may be no one's. A
    // gap with a whole number in it is shown by one.
    let between = lint_text(
        "size a when income <= 1\nsize b when income >= 2\nsize c when income is missing\n",
    );
    assert_eq!(between, Vec::<String>::new());
    let gap = lint_text(
        "size a when income <= 1\nsize b when income >= 3\nsize c when income is missing\n",
    );
    assert_eq!(gap, ["L002 `size` gives some customers no label"]);
}

/// `seg lint --db`: the shares worked out by hand (see the fixture's
/// spends), and a database that is read and never written.
#[test]
fn lint_on_the_data_counts_every_label_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.duckdb");
    drop(duckdb::Connection::open(&db).unwrap());
    let before = std::fs::read(&db).unwrap();
    let output = seg()
        .args([
            "lint",
            "tests/fixtures/lint/empty_on_data.seg",
            "--format",
            "json",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["customers"], 6);
    let counts = |list: &serde_json::Value, name: &str| -> Vec<(String, i64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x[name].as_str().unwrap().to_string(),
                    x["customers"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let tier = &json["segmentations"][0]["labels"];
    let by_hand = |pairs: &[(&str, i64)]| -> Vec<(String, i64)> {
        pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    };
    assert_eq!(
        counts(tier, "label"),
        by_hand(&[("Gold", 0), ("Silver", 5), ("Standard", 1)])
    );
    assert_eq!(
        counts(&json["tags"], "tag"),
        by_hand(&[("whale", 0), ("buyer", 5)])
    );
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["L007", "L008"]);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
}

/// An error finding (a shadowed rule) still fails `seg lint --db`; warnings
/// on the data do not.
#[test]
fn lint_on_the_data_exits_1_only_for_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.duckdb");
    drop(duckdb::Connection::open(&db).unwrap());
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    let rules = format!(
        "source customers from \"{}/customers.csv\" key customer_id\n\
         tier North when region = \"north\"\n\
         tier Again when region = \"north\"\n\
         tier Other otherwise\n",
        data.display()
    );
    std::fs::write(dir.path().join("rules.seg"), rules).unwrap();
    let output = seg()
        .current_dir(dir.path())
        .args(["lint", "rules.seg", "--db", "shop.duckdb"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("L001") && stderr.contains("L007"),
        "{stderr}"
    );
    // Without the shadowed rule, only the data's warning: status 0.
    let rules = std::fs::read_to_string(dir.path().join("rules.seg"))
        .unwrap()
        .replace(
            "tier Again when region = \"north\"\n",
            "tier Mars when region = \"mars\"\n",
        );
    std::fs::write(dir.path().join("rules.seg"), rules).unwrap();
    let output = seg()
        .current_dir(dir.path())
        .args(["lint", "rules.seg", "--db", "shop.duckdb"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Mars"), "{stdout}");
}
