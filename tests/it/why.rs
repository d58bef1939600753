//! `seg why` through the real binary: the trace of hand-picked customers
//! of the retail fixture (human and JSON), the trace agreeing with what
//! `seg run` published for every customer of every ok fixture with data,
//! a fresh trace at a past date, and the errors a user can meet.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{seg, table};

/// A fixture's absolute path: the commands run in a folder of their own.
fn fixture(path: &str) -> PathBuf {
    std::fs::canonicalize(crate::support::fixture(path)).unwrap()
}

/// Runs `seg` with `args`; its status and stdout (stderr on failure too).
fn seg_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = seg().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs a fixture into `dir/seg.duckdb` (its tables made first for
/// `ok/table`), at `as_of` when given.
fn published(dir: &Path, name: &str, as_of: Option<&str>) -> PathBuf {
    let db = dir.join("seg.duckdb");
    if name == "table" {
        duckdb::Connection::open(&db)
            .unwrap()
            .execute_batch(&format!(
                "CREATE SCHEMA crm;
                 CREATE TABLE crm.people AS FROM read_csv('{customers}');
                 CREATE TABLE raw_orders AS FROM read_csv('{orders}');
                 CREATE SCHEMA sales;
                 CREATE VIEW sales.paid_orders AS FROM raw_orders WHERE status = 'paid';",
                customers = fixture("data/customers.csv").display(),
                orders = fixture("data/orders.csv").display(),
            ))
            .unwrap();
    }
    let rules = fixture(&format!("ok/{name}"));
    let mut args = vec![
        "run".to_string(),
        rules.display().to_string(),
        "--db".into(),
        db.display().to_string(),
        "--quiet".into(),
    ];
    if let Some(d) = as_of {
        args.extend(["--as-of".to_string(), d.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, _, stderr) = seg_in(dir, &args);
    assert_eq!(status, 0, "{name}: {stderr}");
    db
}

fn retail() -> String {
    fixture("ok/retail").display().to_string()
}

/// The trace of every customer (`--where true`), as JSON.
fn trace_all(dir: &Path, rules: &str, db: &Path, extra: &[&str]) -> Value {
    let db = db.display().to_string();
    let mut args = vec![
        "why", "--where", "true", rules, "--db", &db, "--limit", "100000", "--format", "json",
    ];
    args.extend(extra);
    let (status, stdout, stderr) = seg_in(dir, &args);
    assert_eq!(status, 0, "{rules}: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

// Customer 1 of the retail fixture, as of 2025-06-30 (data/*.csv):
//   paid orders 2025-06-29 120.50 and 2025-06-01 80.00 → frequency 2,
//   monetary 200.5, first_order 2025-06-01 09:00, recency 1;
//   tier A: frequency >= 2 ✓ and monetary > 150 (vip_spend) ✓ → matched;
//   lifecycle: potential ✗ (frequency = 0 is false), new: first_order
//   within 60 days, i.e. on or after 2025-05-01 ✓ → matched.
//   big: monetary 200.5 >= the median of the six monetary values
//   (0, 0, 35, 120, 200.5, 500 → (35 + 120) / 2 = 77.5) ✓.
//   r: recencies 787, 211, 120, 1 of the four buyers, lower is better →
//   bucket 4 holds recency 1 only.
// Customer 5: no orders at all → monetary 0, first_order, recency,
//   satisfaction missing; tier C (otherwise), lifecycle potential;
//   no_income: income is missing ✓; happy: satisfaction >= 4 is missing.
#[test]
fn the_trace_of_a_customer_shows_every_value_rule_and_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let db = published(dir.path(), "retail", None);
    let db = db.display().to_string();
    let (status, one, _) = seg_in(dir.path(), &["why", "1", &retail(), "--db", &db]);
    assert_eq!(status, 0);
    assert!(one.contains("    → A when frequency >= 2 and monetary > 150  ← matched\n"));
    assert!(one.contains("        monetary > 150  ✓  (monetary = 200.5)\n"));
    assert!(one.contains(
        "        first_order on or after 2025-05-01  ✓  (first_order = 2025-06-01 09:00:00)\n"
    ));
    assert!(one.contains("percentile(monetary, 0.5) = 77.5"));
    assert!(one.contains("  r                          4  (bucket 4: 1 to 1;"));
    insta::assert_snapshot!("why_customer_1", one);

    let (status, five, _) = seg_in(dir.path(), &["why", "5", &retail(), "--db", &db]);
    assert_eq!(status, 0);
    assert!(five.contains("  recency                    missing\n"));
    assert!(five.contains("        satisfaction >= 4  ✗ missing  (satisfaction = missing)\n"));
    assert!(five.contains("    ✓ no_income when income is missing\n"));
    assert!(five.contains("    → C otherwise  ← matched\n"));
    insta::assert_snapshot!("why_customer_5", five);

    let (status, json, _) = seg_in(
        dir.path(),
        &["why", "5", &retail(), "--db", &db, "--format", "json"],
    );
    assert_eq!(status, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["evaluated"], "published");
    assert_eq!(v["run_id"], 1);
    let customer = &v["customers"][0];
    let happy = customer["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "happy")
        .unwrap();
    // Missing is `null` on both sides and as the outcome.
    assert_eq!(happy["holds"], false);
    assert_eq!(happy["parts"][0]["outcome"], Value::Null);
    assert_eq!(happy["parts"][0]["sides"][0]["value"], Value::Null);
    insta::assert_snapshot!("why_customer_5_json", json);
}

/// `seg why --lang zh`: the trace in Chinese — its headings, outcomes and
/// missing values in the catalogue's words, the rules' own words (`when`,
/// `otherwise`, the conditions) as written; the JSON keeps its English
/// keys and is the same in both languages.
#[test]
fn the_trace_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = published(dir.path(), "retail", None);
    let db = db.display().to_string();
    let (status, one, _) = seg_in(
        dir.path(),
        &["why", "1", &retail(), "--db", &db, "--lang", "zh"],
    );
    assert_eq!(status, 0);
    assert!(
        one.starts_with("第 1 次运行发布的结果（截至 2025-06-30）\n"),
        "{one}"
    );
    assert!(one.contains("\n客户 customer_id = 1\n"));
    assert!(one.contains("    → A when frequency >= 2 and monetary > 150  ← 匹配\n"));
    assert!(one.contains("    ✓ C otherwise  （成立，但前面的规则已经匹配）\n"));
    assert!(one.contains("  r                          4  （第 4 档：1 至 1；各档 "));
    assert!(one.contains("\n  标签\n"));
    for english in [
        "as published",
        "customer ",
        "matched",
        "bucket",
        "tags",
        "holds",
    ] {
        assert!(!one.contains(english), "English left: {english}\n{one}");
    }
    insta::assert_snapshot!("why_customer_1_zh", one);

    let (status, five, _) = seg_in(
        dir.path(),
        &["why", "5", &retail(), "--db", &db, "--lang", "zh"],
    );
    assert_eq!(status, 0);
    assert!(five.contains("  recency                    缺失\n"));
    assert!(five.contains("        satisfaction >= 4  ✗ 缺失  (satisfaction = 缺失)\n"));

    let json = |lang: &str| {
        let (status, json, _) = seg_in(
            dir.path(),
            &[
                "why",
                "5",
                &retail(),
                "--db",
                &db,
                "--format",
                "json",
                "--lang",
                lang,
            ],
        );
        assert_eq!(status, 0);
        json
    };
    assert_eq!(json("zh"), json("en"), "JSON is an API: no language");

    // Afresh, and what `seg why` refuses, in Chinese too.
    let (status, fresh, _) = seg_in(
        dir.path(),
        &[
            "why",
            "2",
            &retail(),
            "--as-of",
            "2025-03-01",
            "--lang",
            "zh",
        ],
    );
    assert_eq!(status, 0);
    assert!(
        fresh.starts_with("截至 2025-03-01 重新计算（未写入任何内容）\n"),
        "{fresh}"
    );
    let (status, _, stderr) = seg_in(
        dir.path(),
        &["why", "66", &retail(), "--db", &db, "--lang", "zh"],
    );
    assert_eq!(status, 2);
    assert!(stderr.contains("seg::why"), "{stderr}");
    assert!(
        stderr.contains("已发布的 `seg_customers` 中没有客户 `66`"),
        "{stderr}"
    );
    assert!(stderr.contains("最接近的有：`6`, `1`, `2`"), "{stderr}");
    let (status, _, stderr) = seg_in(
        dir.path(),
        &[
            "why",
            "--where",
            " ",
            &retail(),
            "--db",
            &db,
            "--lang",
            "zh",
        ],
    );
    assert_eq!(status, 2);
    assert!(
        stderr.contains("E335") && stderr.contains("--where 没有给出条件"),
        "{stderr}"
    );
    let (status, _, stderr) = seg_in(dir.path(), &["why", "1", &retail(), "--lang", "zh"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("需要 --db"), "{stderr}");
}

/// The label of each segmentation's matched rule and every tag's outcome,
/// per customer, as `key segmentation=label ... | tag tag ...` lines.
fn traced_lines(trace: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for c in trace["customers"].as_array().unwrap() {
        let mut line = c["key"].as_str().unwrap().to_string();
        for s in c["segmentations"].as_array().unwrap() {
            let label = &s["label"];
            let matched = match s["matched_rule"].as_u64() {
                Some(r) => s["rules"][r as usize]["label"].clone(),
                None => Value::Null,
            };
            assert_eq!(
                *label, matched,
                "customer {}: the label is the matched rule's",
                c["key"]
            );
            line.push_str(&format!(
                " {}={}",
                s["segmentation"].as_str().unwrap(),
                label.as_str().unwrap_or("∅")
            ));
        }
        line.push_str(" |");
        for t in c["tags"].as_array().unwrap() {
            if t["holds"] == true {
                line.push_str(&format!(" {}", t["tag"].as_str().unwrap()));
            }
        }
        lines.push(line);
    }
    lines
}

/// The same lines from the published tables: each label, and the
/// rule-made tags each customer carries (hand-assigned ones left out).
fn published_lines(db: &Path, trace: &Value) -> Vec<String> {
    let key = trace["key"].as_str().unwrap();
    let first = &trace["customers"][0];
    let segmentations: Vec<&str> = first["segmentations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segmentation"].as_str().unwrap())
        .collect();
    let rule_tags: Vec<String> = first["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("'{}'", t["tag"].as_str().unwrap()))
        .collect();
    let labels: String = segmentations
        .iter()
        .map(|s| format!(" || ' {s}=' || coalesce(\"{s}\", '∅')"))
        .collect();
    let tags = if rule_tags.is_empty() {
        "''".to_string()
    } else {
        format!(
            "coalesce((SELECT string_agg(' ' || tag, '' ORDER BY list_position(['x', {list}], tag)) \
             FROM seg_customer_tags t WHERE t.\"{key}\" = c.\"{key}\" AND tag IN ({list})), '')",
            list = rule_tags.join(", ")
        )
    };
    let text = table(
        db,
        &format!(
            "SELECT \"{key}\"::VARCHAR{labels} || ' |' || {tags} AS line \
             FROM seg_customers c ORDER BY \"{key}\""
        ),
    );
    text.lines().skip(1).map(String::from).collect()
}

/// For every customer of every ok fixture with data: the rule the trace
/// says matched gives the label `seg run` published, and each tag the
/// trace says holds is one the customer carries, on the published tables
/// and computed afresh at the same date.
#[test]
fn the_trace_agrees_with_what_the_run_published_for_every_customer() {
    for name in ["retail", "rfm", "zh", "glob", "table"] {
        let dir = tempfile::tempdir().unwrap();
        let db = published(dir.path(), name, None);
        let rules = fixture(&format!("ok/{name}")).display().to_string();
        let fresh = trace_all(dir.path(), &rules, &db, &["--as-of", "2025-06-30"]);
        let expected = published_lines(&db, &fresh);
        assert!(expected.len() >= 4, "{name}: {expected:?}");
        assert_eq!(traced_lines(&fresh), expected, "{name}, afresh");
        let on_tables = trace_all(dir.path(), &rules, &db, &[]);
        assert_eq!(on_tables["evaluated"], "published");
        assert_eq!(traced_lines(&on_tables), expected, "{name}, published");
    }
}

// As of 2025-03-01 (retail): paid orders before it are 1: none (its paid
// orders are in June), 2: 2024-12-01 35.00, 3: 2025-03-01's is on the day,
// so none; 6: 2023-05-05 500.00. So customer 2 has frequency 1, recency
// 90 (Dec 1 → Mar 1: 30 + 31 + 28 + 1 = 90), tier B, lifecycle active
// (recency <= 90); customer 1 has frequency 0: tier C, lifecycle potential.
#[test]
fn a_trace_at_a_past_date_computes_afresh_and_agrees_with_a_run_then() {
    let dir = tempfile::tempdir().unwrap();
    let db = published(dir.path(), "retail", Some("2025-03-01"));
    let trace = trace_all(dir.path(), &retail(), &db, &["--as-of", "2025-03-01"]);
    assert_eq!(trace["evaluated"], "fresh");
    assert_eq!(trace["as_of"], "2025-03-01");
    let lines = traced_lines(&trace);
    assert!(
        lines[0].starts_with("1 tier=C lifecycle=potential |"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("2 tier=B lifecycle=active |"),
        "{lines:?}"
    );
    let two = &trace["customers"][1];
    let recency = two["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "recency")
        .unwrap();
    assert_eq!(recency["value"], "90");
    assert_eq!(lines, published_lines(&db, &trace));
    // The database the run wrote is read, not written: one run still.
    assert_eq!(table(&db, "SELECT count(*) AS n FROM seg_runs"), "n\n1");
}

#[test]
fn where_picks_customers_by_a_condition_checked_like_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    let db = published(dir.path(), "retail", None);
    let db = db.display().to_string();
    let r = retail();
    // tier B: customers 2, 3 and 6 (frequency 1, 2, 1; monetary 35, 120,
    // 500 with vip_spend 150 — 3 has frequency 2 but monetary 120).
    let (status, json, _) = seg_in(
        dir.path(),
        &[
            "why",
            "--where",
            "tier = 'B'",
            &r,
            "--db",
            &db,
            "--limit",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(status, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2", "3"]);

    let (status, _, stderr) = seg_in(
        dir.path(),
        &["why", "--where", "frequncy > 2", &r, "--db", &db],
    );
    assert_eq!(status, 1);
    insta::assert_snapshot!("why_where_unknown_name", stderr);

    // A line break would add a statement of its own: E335, status 2.
    let (status, _, stderr) = seg_in(
        dir.path(),
        &[
            "why",
            "--where",
            "tier = 'A'\nmetric x = 1",
            &r,
            "--db",
            &db,
        ],
    );
    assert_eq!(status, 2);
    insta::assert_snapshot!("why_where_two_lines", stderr);
    let (status, _, stderr) = seg_in(dir.path(), &["why", "--where", " ", &r, "--db", &db]);
    assert_eq!(status, 2);
    assert!(stderr.contains("E335") && stderr.contains("--where has no condition"));
}

/// The codes only `seg why` shows (a `--where` that is not one
/// condition), for `every_code_has_an_error_fixture`.
pub fn codes_shown() -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    let out = seg()
        .current_dir(dir.path())
        .args(["why", "--where", "a\nb", &retail(), "--as-of", "2025-06-30"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    ["E335"]
        .into_iter()
        .filter(|code| text.contains(code))
        .collect()
}

#[test]
fn an_unknown_customer_is_an_error_naming_the_key_and_close_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = published(dir.path(), "retail", None);
    let db = db.display().to_string();
    let (status, stdout, stderr) = seg_in(dir.path(), &["why", "66", &retail(), "--db", &db]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    insta::assert_snapshot!("why_unknown_customer", stderr);

    // Without a run, there is nothing published to explain.
    let empty = dir.path().join("empty.duckdb");
    duckdb::Connection::open(&empty).unwrap();
    let empty = empty.display().to_string();
    let (status, _, stderr) = seg_in(dir.path(), &["why", "1", &retail(), "--db", &empty]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no published run"), "{stderr}");
}
