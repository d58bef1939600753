//! `seg report`, `seg run --report`: the page of two runs over small data
//! whose every count is worked out by hand, its HTML snapshotted, and the
//! page loaded in headless Chromium (tests/browser/report.mjs).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::seg;

/// `a_spend` is 100 in run 1 and 50 in run 2 (`--set a_spend=50`); both runs are
/// as of 2025-07-01.
const RULES: &str = "\
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at

as of 2025-07-01
param a_spend = 100

metric frequency  = count(orders)
metric monetary   = sum(orders.amount)
metric last_order = max(orders.ordered_at)
metric recency    = days_since(last_order)

score r = quintile(recency, lower_is_better) where frequency > 0
score f = quintile(frequency) where frequency > 0

rfm 冠军   when r >= 4 and f >= 4
rfm 流失   when r <= 2
rfm Others otherwise

tier A when monetary >= a_spend
tier B otherwise

tag big  when monetary >= 100
tag 忠实 when frequency >= 3
tag quiet when recency > 60

describe rfm 冠军 as \"最好的客户\", category value, colour \"#2ca02c\"
describe tag big as \"Spent 100 or more <&> \\\"quoted\\\"\", category value, colour red
describe tag 忠实 as \"三次以上\", category loyalty
";

/// Customers 1 to 10. Customer i (1 to 9) has i orders of 20, the last
/// 10 × (10 − i) days before 2025-07-01, one a day before it: frequency
/// i, monetary 20 i, recency 10 (10 − i). Customer 10 has none.
///
/// So r = f = floor(5 (i − 1) / 9) + 1: customers 1 2 → 1, 3 4 → 2,
/// 5 6 → 3, 7 8 → 4, 9 → 5 (10: none). rfm: 冠军 7 8 9, 流失 1 2 3 4,
/// Others 5 6 10. Run 1: tier A 5–9, B 1–4 and 10; run 2 (a_spend 50): A
/// 3–9, B 1 2 10. Tags: big 5–9, 忠实 3–9, quiet 1 2 3.
fn write_data(dir: &Path) {
    let customers: String = (1..=10).map(|i| format!("{i},c{i}\n")).collect();
    std::fs::write(
        dir.join("customers.csv"),
        format!("customer_id,name\n{customers}"),
    )
    .unwrap();
    let as_of = jiff::civil::date(2025, 7, 1);
    let mut orders = String::from("customer_id,amount,ordered_at\n");
    for i in 1..=9i64 {
        for k in 0..i {
            let day = as_of - jiff::Span::new().days(10 * (10 - i) + k);
            orders.push_str(&format!("{i},20,{day}\n"));
        }
    }
    std::fs::write(dir.join("orders.csv"), orders).unwrap();
    std::fs::write(dir.join("rules.seg"), RULES).unwrap();
}

fn run_ok(args: &[&str], dir: &Path) -> (String, String) {
    let output = seg().args(args).current_dir(dir).output().unwrap();
    assert!(
        output.status.success(),
        "seg {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Two runs, the second writing `run.html` with `--report`.
fn two_runs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    run_ok(&["run", "rules.seg", "--db", "seg.duckdb"], dir.path());
    let (_, stderr) = run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--set",
            "a_spend=50",
            "--report",
            "run.html",
        ],
        dir.path(),
    );
    assert!(
        stderr.contains("report: run.html (run 2, as of 2025-07-01)"),
        "{stderr}"
    );
    dir
}

/// The marks of each chart for the data above, by hand.
fn expected_marks() -> serde_json::Value {
    json!({
        // Sizes and sums per label: rfm 3 labels, tier 2.
        "bar": 5,
        "metric-bar": 5,
        // 5 × 5 cells; the segments found in them: 冠军, 流失, Others.
        "cell": 25,
        "segment": 3,
        "tag-bar": 3,
        // big∩忠实 5 (both ways), 忠实∩quiet 1 (customer 3, both ways),
        // the three diagonals; big∩quiet is empty.
        "overlap": 7,
        // recency and frequency, 20 bins each; 4 edges between 5 buckets
        // each; p50 and p90 each.
        "bin": 40,
        "edge": 8,
        "percentile": 4,
        // Two runs × (3 rfm labels + 2 tiers), all with customers.
        "run-segment": 10,
        // tier: A→A 5, B→A 2, B→B 3; rfm: each kept its label (3 cells).
        "transition": 6,
        "flow": 6,
        // tier: A, B before and after; rfm: 3 before, 3 after.
        "flow-node": 10,
        // 3 rfm labels, 2 tiers, 3 tags.
        "entry": 8
    })
}

fn count(html: &str, mark: &str) -> usize {
    html.matches(&format!("data-mark=\"{mark}\"")).count()
}

#[test]
fn the_report_of_two_runs_counts_what_was_worked_out_by_hand() {
    let dir = two_runs();
    let (stdout, _) = run_ok(
        &[
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "page.html",
        ],
        dir.path(),
    );
    assert_eq!(stdout, "report: page.html (run 2, as of 2025-07-01)\n");
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    let after_run = std::fs::read_to_string(dir.path().join("run.html")).unwrap();
    assert_eq!(page, after_run, "seg run --report writes the same page");

    for (mark, n) in expected_marks().as_object().unwrap() {
        assert_eq!(count(&page, mark) as u64, n.as_u64().unwrap(), "{mark}");
    }
    // Sums of monetary per label (run 2): tier A 3–9: 20 × 42 = 840,
    // B 1 2 10: 60; 冠军 7 8 9: 480, 流失 1–4: 200, Others 5 6 10: 220.
    for sum in ["A: 840", "B: 60", "冠军: 480", "流失: 200", "Others: 220"] {
        assert!(page.contains(&format!("<title>{sum}</title>")), "{sum}");
    }
    // Cells: customers and average monetary (r = f = 3: customers 5 and 6).
    assert!(page.contains("<title>r 3, f 3: 2 customers, average 110</title>"));
    assert!(page.contains("<title>r 5, f 5: 1 customers, average 180</title>"));
    assert!(page.contains("<title>r 1, f 5: 0 customers</title>"));
    // Percentiles: recency 10 … 90 (9 values): median 50, p90 at 7.2 of
    // 8 steps: 82; frequency 0 … 9 (10 values): 4.5 and 8.1.
    for p in ["p50 = 50", "p90 = 82", "p50 = 4.5", "p90 = 8.1"] {
        assert!(page.contains(&format!("<title>{p}</title>")), "{p}");
    }
    // Moves: 2 customers B → A.
    assert!(page.contains("<title>B → A: 2 customers</title>"));
    // Text of any script, escaped.
    assert!(page.contains("最好的客户"));
    assert!(page.contains("Spent 100 or more &lt;&amp;&gt; &quot;quoted&quot;"));
    assert!(!page.contains("<&>"));

    insta::assert_snapshot!("two_runs_page", page);
}

/// The words of a page a reader sees outside the charts: the title, the
/// headings, the notes and the catalogue's column heads, one a line.
fn words_of(page: &str) -> String {
    let head = &page[..page.find("<body>").unwrap()];
    let mut out = String::new();
    let places = std::iter::once(("title", head))
        .chain(["h1", "h2", "h3", "h4", "p", "th"].map(|tag| (tag, page)));
    for (tag, text) in places {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut rest = text;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start + open.len()..];
            // `<th>`, not `<thead>`; `<p class=...>`, not `<path`.
            if !after.starts_with(['>', ' ']) {
                rest = after;
                continue;
            }
            let body = &after[after.find('>').unwrap() + 1..];
            let end = body.find(&close).unwrap();
            out.push_str(&format!("{tag}: {}\n", &body[..end]));
            rest = &body[end..];
        }
    }
    out
}

/// `seg report --lang zh`: the same page in Chinese — `<html lang="zh">`,
/// every heading, note, column and tooltip in the catalogue's words, the
/// same marks and numbers; `seg run --report` in Chinese writes the same
/// page. The English page is the snapshot above, unchanged.
#[test]
fn the_report_in_chinese_has_chinese_words_and_the_same_marks() {
    let dir = two_runs();
    let (stdout, _) = run_ok(
        &[
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "zh.html",
            "--lang",
            "zh",
        ],
        dir.path(),
    );
    assert_eq!(stdout, "报告：zh.html（第 2 次运行，截至 2025-07-01）\n");
    let page = std::fs::read_to_string(dir.path().join("zh.html")).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">\n"),
        "{page}"
    );
    assert!(page.contains("<h1>客户分群报告</h1>"));
    assert!(page.contains("<p class=\"headline\">第 2 次运行 · 10 位客户 · 截至 2025-07-01</p>"));
    for heading in [
        "分群",
        "R × F 网格",
        "标签",
        "分布",
        "随时间的变化",
        "类别与标签目录",
    ] {
        assert!(page.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    for english in [
        "Segmentation report",
        "Segmentations",
        "The R × F grid",
        "<h2>Tags</h2>",
        "Distributions",
        "Over time",
        "The catalogue",
        "Customers per",
        "customers",
        "Movement",
        "Transition",
        "Flows",
        "Dashed",
        "per label",
        "(no label)",
        "as of",
        "<th>kind</th>",
        "label · rfm",
    ] {
        assert!(!page.contains(english), "English left: {english}");
    }
    // Tooltips in Chinese, with the same numbers as the English page.
    for tip in [
        "A：840",
        "r 3，f 3：2 位客户，平均 110",
        "r 1，f 5：0 位客户",
        "B → A：2 位客户",
        "第 1 次运行（2025-07-01），A：5 位客户（50.0%）",
        "A：7 位客户（70.0%）",
        "p50 = 4.5",
    ] {
        assert!(page.contains(&format!("<title>{tip}</title>")), "{tip}");
    }
    for (mark, n) in expected_marks().as_object().unwrap() {
        assert_eq!(count(&page, mark) as u64, n.as_u64().unwrap(), "{mark}");
    }
    insta::assert_snapshot!("report_words_zh", words_of(&page));

    // `seg run --report` in Chinese writes the page `seg report` writes.
    let (_, stderr) = run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--set",
            "a_spend=50",
            "--report",
            "run-zh.html",
            "--lang",
            "zh",
        ],
        dir.path(),
    );
    assert!(
        stderr.contains("报告：run-zh.html（第 3 次运行，截至 2025-07-01）"),
        "{stderr}"
    );
    run_ok(
        &[
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "zh3.html",
            "--lang",
            "zh",
        ],
        dir.path(),
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("run-zh.html")).unwrap(),
        std::fs::read_to_string(dir.path().join("zh3.html")).unwrap()
    );
}

/// What `seg report` says when it refuses, in Chinese.
#[test]
fn the_report_refuses_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let out = seg()
        .args(["report", "rules.seg", "-o", "page.html", "--lang", "zh"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`seg report` 需要 `seg run` 写入的数据库"),
        "{stderr}"
    );
    assert!(stderr.contains("seg::usage"), "the code stays: {stderr}");
    drop(seg::engine::Engine::open(&dir.path().join("empty.duckdb")).unwrap());
    let out = seg()
        .args([
            "report",
            "rules.seg",
            "--db",
            "empty.duckdb",
            "-o",
            "page.html",
            "--lang",
            "zh",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("这个数据库还没有运行记录"), "{stderr}");
    assert!(stderr.contains("seg::history"), "the code stays: {stderr}");
}

#[test]
fn the_page_loads_in_headless_chromium_with_the_marks_worked_out_by_hand() {
    let dir = two_runs();
    in_chromium(
        &dir.path().join("run.html"),
        &["冠军", "流失", "忠实", "最好的客户", "三次以上"],
        "report-screenshot.png",
    );
    // The Chinese page: the same marks, its headings shown, and no
    // sideways scroll at a phone's width with Chinese words either.
    run_ok(
        &[
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "zh.html",
            "--lang",
            "zh",
        ],
        dir.path(),
    );
    in_chromium(
        &dir.path().join("zh.html"),
        &[
            "客户分群报告",
            "R × F 网格",
            "类别与标签目录",
            "冠军",
            "最好的客户",
        ],
        "report-screenshot-zh.png",
    );
}

/// Loads `page` in headless Chromium (tests/browser/report.mjs): the marks
/// worked out by hand, `texts` shown, nothing fetched, no console error,
/// no sideways scroll on a phone; a screenshot named `screenshot`.
fn in_chromium(page: &Path, texts: &[&str], screenshot: &str) {
    let expected = page.with_extension("expected.json");
    std::fs::write(
        &expected,
        json!({"marks": expected_marks(), "texts": texts}).to_string(),
    )
    .unwrap();
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser.join("node_modules/puppeteer-core").is_dir(),
        "puppeteer-core is not installed: run `npm ci` in tests/browser (and install Debian's chromium)"
    );
    let screenshot = screenshot_path(screenshot);
    let output = std::process::Command::new("node")
        .arg(browser.join("report.mjs"))
        .arg(page)
        .arg(&expected)
        .arg(&screenshot)
        .output()
        .expect("node runs (install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("report ok"),
        "the browser test of {} failed:\n{stdout}\n{stderr}",
        page.display()
    );
    assert!(
        screenshot.is_file(),
        "no screenshot at {}",
        screenshot.display()
    );
}

/// Where a screenshot goes: `$SEG_ARTIFACTS`, else the target folder.
fn screenshot_path(name: &str) -> PathBuf {
    let folder = std::env::var_os("SEG_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            // target/debug/deps/it-… → target/
            exe.ancestors().nth(3).unwrap().to_path_buf()
        });
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(name)
}

#[test]
fn a_report_needs_a_database_with_runs_and_a_metric_the_rules_have() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let out = seg()
        .args(["report", "rules.seg", "-o", "page.html"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the database"));

    let report_of = |db: &str| {
        seg()
            .args(["report", "rules.seg", "--db", db, "-o", "page.html"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = report_of("missing.duckdb");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
    drop(seg::engine::Engine::open(&dir.path().join("empty.duckdb")).unwrap());
    let out = report_of("empty.duckdb");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("this database has no runs yet"), "{stderr}");
    assert!(!dir.path().join("page.html").exists());

    run_ok(&["run", "rules.seg", "--db", "seg.duckdb"], dir.path());
    let out = seg()
        .args([
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "page.html",
            "--metric",
            "spend",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no numeric metric `spend`"), "{stderr}");
    assert!(stderr.contains("frequency, monetary, recency"), "{stderr}");

    // One run: no movement yet, said so.
    run_ok(
        &[
            "report",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "-o",
            "page.html",
            "--metric",
            "frequency",
        ],
        dir.path(),
    );
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    assert!(page.contains("movement needs two"));
    assert!(page.contains("frequency per label (sum)"));
    assert_eq!(count(&page, "transition"), 0);
}

/// Polls `file` until it holds `text` (a minute at most: the machine may
/// be loaded).
fn wait_for(file: &Path, text: &str, watch: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if std::fs::read_to_string(file).is_ok_and(|page| page.contains(text)) {
            return;
        }
        if let Some(status) = watch.try_wait().unwrap() {
            panic!(
                "seg watch ended ({status}) before {} held {text}",
                file.display()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{} did not hold {text} within a minute", file.display());
}

#[test]
fn seg_watch_keeps_the_report_current() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    let mut watch = std::process::Command::new(insta_cmd::get_cargo_bin("seg"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "watch",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--report",
            "live.html",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let page = dir.path().join("live.html");
    // Run 1: tier A is 5–9 (monetary 100 and more).
    wait_for(&page, "run 1 · 10 customers", &mut watch);
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("<title>A: 5 customers (50.0%)</title>")
    );
    // A saved change of the rules: A from 50, so 3–9.
    let rules = dir.path().join("rules.seg");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace("param a_spend = 100", "param a_spend = 50"),
    )
    .unwrap();
    wait_for(&page, "run 2 · 10 customers", &mut watch);
    let live = std::fs::read_to_string(&page).unwrap();
    assert!(live.contains("<title>A: 7 customers (70.0%)</title>"));
    assert!(live.contains("<title>B → A: 2 customers</title>"));
    let _ = watch.kill();
    let _ = watch.wait();
}

#[test]
fn a_replay_with_report_draws_every_replayed_month() {
    let dir = tempfile::tempdir().unwrap();
    write_data(dir.path());
    // Every order is before 2025-07-01: each month sees the same orders,
    // each customer's recency grows by the same days, so the scores and
    // labels stay: rfm 冠军 3, 流失 4, Others 3; tier A 5, B 5.
    let (_, stderr) = run_ok(
        &[
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--as-of",
            "2025-07-01..2025-09-01",
            "--step",
            "1month",
            "--report",
            "months.html",
        ],
        dir.path(),
    );
    assert!(
        stderr.contains("report: months.html (run 3, as of 2025-09-01)"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(dir.path().join("months.html")).unwrap();
    // Three runs × (3 rfm labels + 2 tiers).
    assert_eq!(count(&page, "run-segment"), 15);
    for month in ["2025-07-01", "2025-08-01", "2025-09-01"] {
        assert!(page.contains(&format!(">{month}</text>")), "{month}");
    }
    assert!(page.contains("<title>run 2 (2025-08-01): A: 5 customers (50.0%)</title>"));
    // Run 2 → 3: everyone kept their labels: A→A, B→B and rfm's 3.
    assert_eq!(count(&page, "transition"), 5);
    assert!(page.contains("<title>流失 → 流失: 4 customers</title>"));
}
