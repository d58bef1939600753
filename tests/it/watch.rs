//! `seg watch` as a real child process on real files: edits, broken edits,
//! bursts, editors' save patterns, the rules folder going and coming back,
//! SIGTERM. Every wait polls the watch's own output with a generous
//! timeout (the machine may be loaded); nothing relies on a fixed sleep
//! except the checks that something does *not* happen.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use serde_json::Value;

use crate::support::table;

/// Long enough for a run on a loaded 2-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A shop of six customers and its rules: `rules/` reads `data/`.
/// Spend per customer: 1 → 120, 2 → 30, 3 → 200, 4 → 10, 5 and 6 → 0.
fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        data.join("customers.csv"),
        "customer_id\n1\n2\n3\n4\n5\n6\n",
    )
    .unwrap();
    std::fs::write(
        data.join("orders_1.csv"),
        "order_id,customer_id,amount\n1,1,50\n2,1,70\n3,2,30\n4,3,200\n5,4,10\n",
    )
    .unwrap();
    std::fs::write(rules.join("sources.seg"), SOURCES).unwrap();
    std::fs::write(rules.join("tier.seg"), tier(100)).unwrap();
    dir
}

const SOURCES: &str = "\
source customers from \"../data/customers.csv\" key customer_id
source orders    from \"../data/orders_*.csv\" by customer_id
as of 2026-01-01
";

/// Customers spending at least `threshold` are tier A.
fn tier(threshold: u32) -> String {
    format!(
        "metric spend = sum(orders.amount)\n\
         tier A when spend >= {threshold}\n\
         tier B otherwise\n\
         tag big when spend >= 100\n"
    )
}

/// A running `seg watch`, its stdout (JSON lines) read on a thread.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: Receiver<String>,
}

impl Watch {
    fn start(dir: &Path, extra: &[&str]) -> Watch {
        let mut child = Command::new(get_cargo_bin("seg"))
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .args(["watch", "rules", "--db", "seg.duckdb", "--format", "json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seg starts");
        let lines = read_lines(child.stdout.take().unwrap());
        let stderr = read_lines(child.stderr.take().unwrap());
        Watch {
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// The next event that `wanted` accepts; the events before it are
    /// returned too, in order, with it last.
    fn until(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    let event: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
                    let done = wanted(&event);
                    events.push(event);
                    if done {
                        return events;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {PATIENCE:?}; stdout:\n{}\nstderr:\n{}",
                    self.seen.join("\n"),
                    self.stderr.try_iter().collect::<Vec<_>>().join("\n")
                ),
            }
        }
    }

    /// The next run, and every event before it.
    fn next_run(&mut self) -> (Value, Vec<Value>) {
        let mut events = self.until("run", |e| e["event"] == "run");
        let run = events.pop().unwrap();
        (run, events)
    }

    /// Every event within `time` (for checking that nothing happens).
    fn during(&mut self, time: Duration) -> Vec<Value> {
        let deadline = Instant::now() + time;
        let mut events = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push(line.clone());
            events.push(serde_json::from_str(&line).unwrap());
        }
        events
    }

    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success(), "kill -TERM {pid}");
        self.wait()
    }

    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("seg watch did not stop within {PATIENCE:?}");
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// `[("A", 2), ("B", 4)]`: the tier counts of a run event; none for a run
/// that read a file caught half written (empty) in the middle of a burst.
fn tiers(run: &Value) -> Vec<(String, i64)> {
    run["summary"]["segmentations"][0]["labels"]
        .as_array()
        .map_or(&[][..], |a| &a[..])
        .iter()
        .map(|l| {
            (
                l["label"].as_str().unwrap_or("-").to_string(),
                l["customers"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn counts(a: i64, b: i64) -> Vec<(String, i64)> {
    vec![("A".into(), a), ("B".into(), b)]
}

fn run_id(run: &Value) -> i64 {
    run["summary"]["run_id"].as_i64().unwrap()
}

/// The published tier of each customer, read while the watch waits.
fn published(dir: &Path) -> String {
    let text = table(
        &dir.join("seg.duckdb"),
        "SELECT string_agg(customer_id || '=' || tier, ' ' ORDER BY customer_id) FROM seg_customers",
    );
    text.split_once('\n').unwrap().1.to_string()
}

/// Replaces a file the way VS Code and JetBrains do: a temporary file,
/// then a rename over the real one.
fn save_by_rename(path: &Path, text: &str) {
    let temp = PathBuf::from(format!("{}.tmp", path.display()));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

#[test]
fn an_edit_a_broken_edit_and_a_fix() {
    let dir = shop();
    let mut watch = Watch::start(dir.path(), &[]);
    let (first, before) = watch.next_run();
    assert_eq!(before[0]["event"], "watching");
    assert_eq!(first["trigger"], "start");
    // 1 (120) and 3 (200) spend at least 100.
    assert_eq!(tiers(&first), counts(2, 4));
    assert_eq!(published(dir.path()), "1=A 2=B 3=A 4=B 5=B 6=B");

    std::fs::write(dir.path().join("rules/tier.seg"), tier(25)).unwrap();
    let (edited, _) = watch.next_run();
    assert_eq!(edited["trigger"], "change");
    assert_eq!(tiers(&edited), counts(3, 3), "2 (30) joins A");
    assert!(edited["since_save_ms"].as_u64().is_some(), "{edited}");
    let good = published(dir.path());
    assert_eq!(good, "1=A 2=A 3=A 4=B 5=B 6=B");

    // A broken edit: the diagnostics, and the tables stay as they were.
    let broken = tier(5).replace("spend >= 5", "spennd >= 5");
    std::fs::write(dir.path().join("rules/tier.seg"), broken).unwrap();
    let events = watch.until("a rejected edit", |e| e["event"] == "not_run");
    let rejected = events.last().unwrap();
    let codes: Vec<&str> = rejected["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E101"], "{rejected}");
    assert!(events.iter().all(|e| e["event"] != "run"));
    assert_eq!(published(dir.path()), good);
    assert_eq!(
        watch.child.try_wait().unwrap(),
        None,
        "the watch is still alive"
    );

    // The fix runs again, on the fixed rules: 4 (10) joins A too.
    std::fs::write(dir.path().join("rules/tier.seg"), tier(5)).unwrap();
    let (fixed, _) = watch.next_run();
    assert_eq!(tiers(&fixed), counts(4, 2));
    assert_eq!(
        run_id(&fixed),
        run_id(&edited) + 1,
        "the broken edit did not run"
    );
    assert_eq!(published(dir.path()), "1=A 2=A 3=A 4=A 5=B 6=B");
    assert!(watch.terminate().success());
}

#[test]
fn a_burst_of_saves_runs_a_few_times_and_last_on_the_final_content() {
    let dir = shop();
    let mut watch = Watch::start(dir.path(), &[]);
    let (first, _) = watch.next_run();
    let path = dir.path().join("rules/tier.seg");
    for i in 0..19 {
        std::fs::write(&path, tier(if i % 2 == 0 { 25 } else { 100 })).unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    std::fs::write(&path, tier(5)).unwrap();
    let mut runs = Vec::new();
    loop {
        let (run, _) = watch.next_run();
        let last = tiers(&run) == counts(4, 2);
        runs.push(run);
        if last {
            break;
        }
    }
    // Once the final content has run, a late event of the burst may give
    // one more run, on the same content; never an older one.
    let after: Vec<Value> = watch.during(Duration::from_millis(1500));
    let late: Vec<&Value> = after.iter().filter(|e| e["event"] == "run").collect();
    assert!(late.iter().all(|r| tiers(r) == counts(4, 2)), "{late:?}");
    runs.extend(late.into_iter().cloned());
    assert!(runs.len() <= 8, "{} runs for 20 saves", runs.len());
    assert_eq!(
        run_id(runs.last().unwrap()),
        run_id(&first) + runs.len() as i64
    );
    assert_eq!(published(dir.path()), "1=A 2=A 3=A 4=A 5=B 6=B");
}

#[test]
fn editors_save_patterns_each_run_once_and_their_temporary_files_not_at_all() {
    let dir = shop();
    let rules = dir.path().join("rules");
    let mut watch = Watch::start(dir.path(), &[]);
    let (first, _) = watch.next_run();

    // vim's swap file, its probe `4913`, an Emacs lock, a backup: no run.
    std::fs::write(rules.join(".tier.seg.swp"), "swap").unwrap();
    std::fs::write(rules.join("4913"), "").unwrap();
    std::fs::remove_file(rules.join("4913")).unwrap();
    std::fs::write(rules.join("tier.seg~"), tier(1)).unwrap();
    std::os::unix::fs::symlink("user@host.123", rules.join(".#tier.seg")).unwrap();
    let quiet = watch.during(Duration::from_millis(1500));
    assert!(quiet.iter().all(|e| e["event"] != "run"), "{quiet:?}");

    // Write a temporary file, then rename it over the rules (VS Code, JetBrains).
    save_by_rename(&rules.join("tier.seg"), &tier(25));
    let (renamed, _) = watch.next_run();
    assert_eq!(tiers(&renamed), counts(3, 3));
    assert_eq!(run_id(&renamed), run_id(&first) + 1);

    // vim's default: move the file to a backup, write it anew, drop the backup.
    std::fs::rename(rules.join("tier.seg"), rules.join("tier.seg~")).unwrap();
    std::fs::write(rules.join("tier.seg"), tier(5)).unwrap();
    std::fs::remove_file(rules.join("tier.seg~")).unwrap();
    let (vim, _) = watch.next_run();
    assert_eq!(tiers(&vim), counts(4, 2));
    assert_eq!(run_id(&vim), run_id(&renamed) + 1);

    // Delete, then create.
    std::fs::remove_file(rules.join("tier.seg")).unwrap();
    std::fs::write(rules.join("tier.seg"), tier(100)).unwrap();
    let (recreated, _) = watch
        .until("the recreated rules", |e| {
            e["event"] == "run" && tiers(e) == counts(2, 4)
        })
        .split_last()
        .map(|(l, rest)| (l.clone(), rest.to_vec()))
        .unwrap();
    assert!(run_id(&recreated) > run_id(&vim));
}

#[test]
fn new_and_deleted_rule_files_and_new_data_files_are_picked_up() {
    let dir = shop();
    let mut watch = Watch::start(dir.path(), &[]);
    let (first, _) = watch.next_run();
    assert_eq!(first["summary"]["tags"][0]["tag"], "big");

    // A new rule file adds a tag.
    let extra = dir.path().join("rules/extra.seg");
    std::fs::write(&extra, "tag none when spend = 0\n").unwrap();
    let (added, _) = watch.next_run();
    let tags: Vec<&str> = added["summary"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["none", "big"], "extra.seg is read before tier.seg");
    std::fs::remove_file(&extra).unwrap();
    let (removed, _) = watch.next_run();
    assert_eq!(removed["summary"]["tags"].as_array().unwrap().len(), 1);

    // A new file matching the orders glob: 5 spends 500.
    std::fs::write(
        dir.path().join("data/orders_2.csv"),
        "order_id,customer_id,amount\n6,5,500\n",
    )
    .unwrap();
    let (more_data, _) = watch.next_run();
    assert_eq!(tiers(&more_data), counts(3, 3));
    assert_eq!(published(dir.path()), "1=A 2=B 3=A 4=B 5=A 6=B");
    // And a changed one: 2 now spends 130.
    std::fs::write(
        dir.path().join("data/orders_1.csv"),
        "order_id,customer_id,amount\n1,1,50\n2,1,70\n3,2,130\n4,3,200\n5,4,10\n",
    )
    .unwrap();
    let (changed, _) = watch.next_run();
    assert_eq!(tiers(&changed), counts(4, 2));
}

#[test]
fn the_rules_folder_deleted_and_restored() {
    let dir = shop();
    let rules = dir.path().join("rules");
    let mut watch = Watch::start(dir.path(), &[]);
    watch.next_run();
    let good = published(dir.path());

    std::fs::remove_dir_all(&rules).unwrap();
    let events = watch.until("the rules gone", |e| e["event"] == "rules_gone");
    assert!(events.iter().all(|e| e["event"] != "run"), "{events:?}");
    assert_eq!(published(dir.path()), good, "the tables stay");
    assert_eq!(
        watch.child.try_wait().unwrap(),
        None,
        "the watch is still alive"
    );

    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("sources.seg"), SOURCES).unwrap();
    std::fs::write(rules.join("tier.seg"), tier(5)).unwrap();
    let events = watch.until("a run on the restored rules", |e| {
        e["event"] == "run" && tiers(e) == counts(4, 2)
    });
    assert!(events.len() <= 3, "{events:?}");
    // The restored folder is watched again.
    std::fs::write(rules.join("tier.seg"), tier(25)).unwrap();
    let (again, _) = watch.next_run();
    assert_eq!(tiers(&again), counts(3, 3));
}

#[test]
fn sigterm_ends_it_cleanly_and_releases_the_database() {
    let dir = shop();
    let mut watch = Watch::start(dir.path(), &["--out", "out"]);
    watch.next_run();
    // Between runs the database is free: another seg command opens it.
    let check = Command::new(get_cargo_bin("seg"))
        .current_dir(dir.path())
        .args(["check", "rules", "--db", "seg.duckdb"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // ... and so does a manual run, which writes it (run 2).
    let manual = Command::new(get_cargo_bin("seg"))
        .current_dir(dir.path())
        .args([
            "run",
            "rules",
            "--db",
            "seg.duckdb",
            "--quiet",
            "--wait",
            "60",
        ])
        .output()
        .unwrap();
    assert!(
        manual.status.success(),
        "{}",
        String::from_utf8_lossy(&manual.stderr)
    );

    // A change, and SIGTERM right behind it: the run finishes or never
    // starts, and either way the tables are whole.
    std::fs::write(dir.path().join("rules/tier.seg"), tier(25)).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let status = watch.terminate();
    assert!(status.success(), "{status:?}");
    let last = watch.until("stopped", |e| e["event"] == "stopped");
    assert!(last.iter().all(|e| e["event"] != "not_run"));

    // The lock is released: open the database for writing.
    let db = dir.path().join("seg.duckdb");
    let conn = duckdb::Connection::open(&db).expect("the lock is released");
    drop(conn);
    let runs = table(&db, "SELECT count(*) || ' ' || max(run_id) FROM seg_runs");
    let expected = match runs.split_once('\n').unwrap().1 {
        "2 2" => "1=A 2=B 3=A 4=B 5=B 6=B",
        "3 3" => "1=A 2=A 3=A 4=B 5=B 6=B",
        other => panic!("runs logged: {other}"),
    };
    assert_eq!(
        published(dir.path()),
        expected,
        "the tables are of the last logged run"
    );
    let exported = table(
        &db,
        &format!(
            "SELECT string_agg(customer_id || '=' || tier, ' ' ORDER BY customer_id) FROM read_parquet('{}')",
            dir.path().join("out/seg_customers.parquet").display()
        ),
    );
    assert_eq!(
        exported.split_once('\n').unwrap().1,
        expected,
        "and so is --out"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn human_output_says_what_changed_and_keeps_the_last_good_outputs() {
    let dir = shop();
    let mut child = Command::new(get_cargo_bin("seg"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "watch",
            "rules",
            "--db",
            "seg.duckdb",
            "--out",
            "out",
            "--every",
            "1h",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = read_lines(child.stdout.take().unwrap());
    let stderr = read_lines(child.stderr.take().unwrap());
    // Stopped however the test ends.
    let _child = KillOnDrop(child);
    let mut seen = Vec::new();
    let mut until = |wanted: &str| {
        let deadline = Instant::now() + PATIENCE;
        while let Ok(line) = stdout.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let done = line.contains(wanted);
            seen.push(line);
            if done {
                return seen.clone();
            }
        }
        panic!("no `{wanted}`; stdout:\n{}", seen.join("\n"));
    };
    until("next scheduled run: ");
    let parquet = dir.path().join("out/seg_customers.parquet");
    let written = std::fs::read(&parquet).unwrap();

    std::fs::write(dir.path().join("rules/tier.seg"), tier(25)).unwrap();
    let lines = until("tags: ");
    let report: Vec<&str> = lines
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert!(
        report[0].starts_with("run 2 · rules changed · 6 customers · tables updated ")
            && report[0].ends_with(" s after the save"),
        "{report:?}"
    );
    // The one customer the lower threshold lifts to A, as the history tells.
    assert_eq!(
        report[1..],
        [
            "  tier: A 2 → 3, B 4 → 3",
            "    moved: 1 B→A",
            "  tags: big 2"
        ]
    );
    let written_2 = std::fs::read(&parquet).unwrap();
    assert_ne!(written, written_2);

    std::fs::write(
        dir.path().join("rules/tier.seg"),
        tier(25).replace("spend >= 25", "nope >= 25"),
    )
    .unwrap();
    let lines = until("not run");
    assert_eq!(
        lines.last().unwrap(),
        "rules changed: not run: 1 error, 0 warnings; the tables and files of run 2 stay as they were"
    );
    let mut diagnostics = String::new();
    let deadline = Instant::now() + PATIENCE;
    while !(diagnostics.contains("E101") && diagnostics.contains("nope"))
        && Instant::now() < deadline
    {
        if let Ok(line) = stderr.recv_timeout(Duration::from_millis(100)) {
            diagnostics.push_str(&line);
            diagnostics.push('\n');
        }
    }
    assert!(diagnostics.contains("E101"), "{diagnostics}");
    assert!(diagnostics.contains("nope"), "{diagnostics}");
    assert_eq!(
        std::fs::read(&parquet).unwrap(),
        written_2,
        "--out files stay"
    );
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn an_invalid_schedule_is_a_usage_error_with_the_parsers_message() {
    let dir = shop();
    for (option, value, says) in [
        ("--cron", "61 * * * *", "number out of bounds"),
        ("--every", "soon", "e.g. 30s, 15m, 2h"),
        ("--every", "10ms", "at least 1s"),
    ] {
        let output = Command::new(get_cargo_bin("seg"))
            .current_dir(dir.path())
            .args(["watch", "rules", "--db", "seg.duckdb", option, value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{option} {value}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(says),
            "{option} {value}: {stderr}"
        );
        assert!(!dir.path().join("seg.duckdb").exists(), "nothing ran");
    }
}

#[test]
fn a_watch_runs_at_one_date_not_a_range() {
    let dir = shop();
    for (extra, says) in [
        (
            &["--as-of", "2024-01-01..2024-03-01", "--step", "1month"][..],
            "one date, not a range",
        ),
        (&["--step", "1month"][..], "--step needs a range"),
    ] {
        let output = Command::new(get_cargo_bin("seg"))
            .current_dir(dir.path())
            .args(["watch", "rules", "--db", "seg.duckdb"])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(says), "{extra:?}: {stderr}");
        assert!(!dir.path().join("seg.duckdb").exists(), "nothing ran");
    }
}

/// The 100,000-customer demo in a folder of its own: `data/`, `rules/` (a
/// copy of the repository's) and `seg.duckdb` with the demo's run 1; and
/// the sources of a run over it.
fn big_demo() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(get_cargo_bin("seg"))
        .args(["demo", "--customers", "100000", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let copied = Command::new("cp")
        .args(["-r", "rules"])
        .arg(dir.path().join("rules"))
        .status()
        .expect("cp runs");
    assert!(copied.success());
    let sources = ["customers", "orders", "events", "surveys", "crm_tags"]
        .iter()
        .flat_map(|s| ["--source".to_string(), format!("{s}=data/{s}.parquet")])
        .collect();
    (dir, sources)
}

/// The run log and a digest of both published tables.
fn published_state(db: &Path) -> String {
    table(
        db,
        "SELECT (SELECT count(*) || ' runs, last ' || max(run_id) FROM seg_runs) AS runs,
            (SELECT count(*) || ' rows ' || md5(string_agg(c::VARCHAR, '|' ORDER BY customer_id))
             FROM seg_customers c) AS wide,
            (SELECT count(*) || ' rows ' || md5(string_agg(t::VARCHAR, '|' ORDER BY customer_id, tag))
             FROM seg_customer_tags t) AS long",
    )
}

#[test]
fn sigterm_interrupts_a_run_in_progress() {
    let (dir, sources) = big_demo();
    let db = dir.path().join("seg.duckdb");
    // How long a whole run takes now (it is run 2).
    let started = Instant::now();
    let run = Command::new(get_cargo_bin("seg"))
        .current_dir(dir.path())
        .args([
            "run",
            "rules",
            "--db",
            "seg.duckdb",
            "--as-of",
            "2026-01-01",
        ])
        .args(&sources)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let whole = started.elapsed();

    // SIGTERM part of the way into the watch's first run (a different
    // param, so it would publish other tables); a run the machine finished
    // before the signal is tried again, earlier.
    let mut args = vec!["--as-of", "2026-01-01", "--set", "vip_spend=1234"];
    args.extend(sources.iter().map(String::as_str));
    let mut interrupted = None;
    for attempt in 0..4 {
        let before = published_state(&db);
        let mut watch = Watch::start(dir.path(), &args);
        watch.until("watching", |e| e["event"] == "watching");
        std::thread::sleep(whole.mul_f64(0.5 / f64::from(attempt + 1)));
        let status = watch.terminate();
        assert!(status.success(), "{status:?}");
        let events = watch.until("stopped", |e| e["event"] == "stopped");
        if !events.iter().any(|e| e["event"] == "run") {
            assert!(
                events.iter().any(|e| e["event"] == "interrupted"),
                "{events:?}"
            );
            interrupted = Some(before);
            break;
        }
    }
    let Some(before) = interrupted else {
        panic!("no SIGTERM landed while a run was in progress (a whole run: {whole:?})");
    };
    // Nothing of the interrupted run is there: the tables, the run log and
    // the history are those of the run before.
    assert_eq!(published_state(&db), before);
    let unlogged = table(
        &db,
        "SELECT count(*) FROM seg_label_history WHERE from_run > (SELECT max(run_id) FROM seg_runs)",
    );
    assert_eq!(
        unlogged.lines().nth(1),
        Some("0"),
        "history of no logged run"
    );
    // The lock is released: the database opens for writing.
    let conn = duckdb::Connection::open(&db).expect("the lock is released");
    drop(conn);
}

#[test]
fn a_save_of_later_definitions_reuses_the_base_and_new_data_does_not() {
    let dir = shop();
    let mut watch = Watch::start(dir.path(), &[]);
    let (first, _) = watch.next_run();
    assert_eq!(first["summary"].get("base_reused"), None);
    // Only the label's threshold changes: the aggregates are those of the
    // run before, and the labels follow the new threshold.
    save_by_rename(&dir.path().join("rules/tier.seg"), &tier(25));
    let (second, _) = watch.next_run();
    assert_eq!(second["summary"]["base_reused"], true);
    assert_eq!(tiers(&second), counts(3, 3));
    assert_eq!(published(dir.path()), "1=A 2=A 3=A 4=B 5=B 6=B");
    // New data: customer 4 buys for 20 more (30 in all, A from 25 on). The
    // base is computed again.
    std::fs::write(
        dir.path().join("data/orders_2.csv"),
        "order_id,customer_id,amount\n6,4,20\n",
    )
    .unwrap();
    let (third, _) = watch.next_run();
    assert_eq!(third["summary"].get("base_reused"), None);
    assert_eq!(tiers(&third), counts(4, 2));
    assert_eq!(published(dir.path()), "1=A 2=A 3=A 4=A 5=B 6=B");
    // And a change to an aggregate's definition too.
    let rules = tier(25).replace("sum(orders.amount)", "max(orders.amount)");
    save_by_rename(&dir.path().join("rules/tier.seg"), &rules);
    let (fourth, _) = watch.next_run();
    assert_eq!(fourth["summary"].get("base_reused"), None);
    // Largest orders: 1 → 70, 2 → 30, 3 → 200, 4 → 20.
    assert_eq!(published(dir.path()), "1=A 2=A 3=A 4=B 5=B 6=B");
    assert!(watch.terminate().success());
}
