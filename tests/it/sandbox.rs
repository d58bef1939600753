//! What a rule set can reach: only its declared sources. Hostile rule sets
//! against the real binary, on real files in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

use crate::support::table;

/// The binary, run in `dir`.
fn seg_in(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("seg"));
    cmd.env("NO_COLOR", "1").env_remove("SEG_ALLOW_PATH");
    cmd.current_dir(dir);
    cmd
}

struct Ran {
    status: i32,
    stdout: String,
    stderr: String,
}

fn ran(output: Output) -> Ran {
    Ran {
        status: output
            .status
            .code()
            .expect("exits, never killed by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Ran {
    ran(seg_in(dir).args(args).output().expect("seg starts"))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// A DuckDB database at `path` made by `sql`.
fn database(path: &Path, sql: &str) {
    let conn = duckdb::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// A fixture data file, as an absolute path.
fn data(name: &str) -> String {
    std::fs::canonicalize(Path::new("tests/fixtures/data").join(name))
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn a_table_name_that_is_a_file_name_reads_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // DuckDB would read `secrets.csv` of the working folder for a table
    // `"secrets"."csv"` it cannot find (a replacement scan).
    write(&dir.join("secrets.csv"), "id,secret\n1,hunter2\n");
    write(
        &dir.join("secrets.json"),
        "[{\"id\": 1, \"secret\": \"hunter2\"}]\n",
    );
    database(
        &dir.join("seg.duckdb"),
        "CREATE TABLE customers AS SELECT 1 AS id",
    );
    for table in [
        "secrets.csv",
        "secrets.json",
        "secrets.parquet",
        "secrets.duckdb",
    ] {
        write(
            &dir.join("rules.seg"),
            &format!("source s from table {table} key id\nas of 2025-06-30\n"),
        );
        let check = run_in(dir, &["check", "rules.seg", "--db", "seg.duckdb"]);
        assert!(
            check.stderr.contains(&format!(
                "the database has no table or view `{table}`; its tables are `customers`"
            )),
            "{table}: {}",
            check.stderr
        );
        assert!(check.stderr.contains("W002"), "{}", check.stderr);
        let run = run_in(dir, &["run", "rules.seg", "--db", "seg.duckdb"]);
        assert_eq!(run.status, 2, "{table}: {}", run.stderr);
        assert!(run.stderr.contains("E310"), "{}", run.stderr);
        assert!(!run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"));
    }
}

#[test]
fn a_misspelt_table_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    database(
        &dir.join("seg.duckdb"),
        "CREATE SCHEMA crm; CREATE TABLE crm.customers AS SELECT 1 AS id;
         CREATE VIEW people AS SELECT 1 AS id",
    );
    write(
        &dir.join("rules.seg"),
        "source s from table crm.customer key id\n",
    );
    let check = run_in(dir, &["check", "rules.seg", "--db", "seg.duckdb"]);
    assert!(
        check.stderr.contains("did you mean `crm.customers`?"),
        "{}",
        check.stderr
    );
    // Views count as tables, and schema-qualified names are found.
    for table in ["people", "crm.customers", "CRM.Customers"] {
        write(
            &dir.join("rules.seg"),
            &format!("source s from table {table} key id\n"),
        );
        let check = run_in(dir, &["check", "rules.seg", "--db", "seg.duckdb"]);
        assert_eq!(check.status, 0, "{table}: {}", check.stderr);
        assert!(
            check.stderr.contains("0 errors, 0 warnings"),
            "{}",
            check.stderr
        );
    }
}

#[test]
fn a_source_override_cannot_name_a_system_file() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    database(
        &dir.join("seg.duckdb"),
        "CREATE TABLE customers AS SELECT 1 AS id",
    );
    write(
        &dir.join("rules.seg"),
        "source customers from table customers key id\n",
    );
    let run = run_in(
        dir,
        &[
            "run",
            "rules.seg",
            "--db",
            "seg.duckdb",
            "--source",
            "customers=/etc/passwd",
        ],
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no table or view `/etc/passwd`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("root:"), "{}", run.stderr);
}

/// dir/rules/r.seg, dir/data/customers.csv, dir/secrets/x.csv and a link
/// dir/data/link → dir/secrets.
fn confinement_layout(dir: &Path, leak: &str) {
    write(&dir.join("data/customers.csv"), "customer_id\n1\n2\n");
    write(
        &dir.join("secrets/x.csv"),
        "customer_id,secret\n1,hunter2\n",
    );
    std::os::unix::fs::symlink(dir.join("secrets"), dir.join("data/link")).unwrap();
    write(
        &dir.join("rules/r.seg"),
        &format!(
            "source customers from \"../data/customers.csv\" key customer_id\n\
             source leak from \"{leak}\" by customer_id\nas of 2025-06-30\n"
        ),
    );
}

#[test]
fn allow_path_confines_file_sources_to_the_folders_given() {
    // (`../data/*/x.csv` reaching the link is refused by DuckDB's lock-down
    // instead, which resolves each matched file: W002, nothing read.)
    for leak in ["../secrets/x.csv", "../data/link/x.csv", "{abs}"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let abs = dir.join("secrets/x.csv").display().to_string();
        confinement_layout(&dir, &leak.replace("{abs}", &abs));
        // Without --allow-path, any path may be read (today's behaviour).
        let open = run_in(&dir, &["check", "rules"]);
        assert_eq!(open.status, 0, "{leak}: {}", open.stderr);

        let confined = run_in(&dir, &["check", "rules", "--allow-path", "data"]);
        assert_eq!(confined.status, 1, "{leak}: {}", confined.stderr);
        assert!(
            confined.stderr.contains("E312"),
            "{leak}: {}",
            confined.stderr
        );
        let allowed = format!(
            "sources may only be read from `{}`",
            dir.join("data").display()
        );
        let unwrapped: String = confined.stderr.split_whitespace().collect();
        assert!(
            unwrapped.contains(&allowed.replace(' ', "")),
            "{leak}: {}",
            confined.stderr
        );
        assert!(!confined.stderr.contains("hunter2"));

        // The same from the environment, for scheduled jobs.
        let from_env = ran(seg_in(&dir)
            .args(["check", "rules"])
            .env("SEG_ALLOW_PATH", dir.join("data"))
            .output()
            .unwrap());
        assert_eq!(from_env.status, 1, "{leak}: {}", from_env.stderr);
        assert!(from_env.stderr.contains("E312"));
    }
}

#[test]
fn allow_path_refusal_points_at_the_from() {
    let crate_root = env!("CARGO_MANIFEST_DIR");
    let out = run_in(
        Path::new(crate_root),
        &[
            "check",
            "tests/fixtures/err/allow_path.seg",
            "--allow-path",
            "tests/fixtures/data",
        ],
    );
    assert_eq!(out.status, 1, "{}", out.stderr);
    // The rendering is snapshotted with the fixture (error_fixtures); here,
    // that the real binary refuses the source, wherever the clone is.
    let unwrapped: String = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(unwrapped.contains("E312"), "{}", out.stderr);
    assert!(
        unwrapped.contains("not in an allowed folder"),
        "{}",
        out.stderr
    );
    let allowed = format!("may only be read from `{crate_root}/tests/fixtures/data`");
    let allowed: String = allowed.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        unwrapped.replace("/ ", "/").contains(&allowed),
        "{}",
        out.stderr
    );
}

#[test]
fn allow_path_covers_source_overrides_and_allows_what_is_inside() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    confinement_layout(&dir, "../data/customers.csv");
    let inside = run_in(&dir, &["check", "rules", "--allow-path", "data"]);
    assert_eq!(inside.status, 0, "{}", inside.stderr);
    let overridden = run_in(
        &dir,
        &[
            "check",
            "rules",
            "--allow-path",
            "data",
            "--source",
            "leak=secrets/x.csv",
        ],
    );
    assert_eq!(overridden.status, 1, "{}", overridden.stderr);
    assert!(overridden.stderr.contains("E312"), "{}", overridden.stderr);
    let missing = run_in(&dir, &["check", "rules", "--allow-path", "nowhere"]);
    assert_eq!(missing.status, 2, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .contains("--allow-path `nowhere`: no such folder")
    );
}

#[test]
fn a_rule_folder_named_like_a_glob_reads_only_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let rules = dir.join("rules[1]*");
    write(&rules.join("customers.csv"), "customer_id\n1\n2\n");
    write(&rules.join("orders/a.csv"), "customer_id,amount\n1,10\n");
    write(
        &rules.join("orders/b.csv"),
        "customer_id,amount\n1,5\n2,7\n",
    );
    // `rules[1]*` as a glob matches this folder, not itself.
    let decoy = dir.join("rules1x");
    write(&decoy.join("customers.csv"), "customer_id\n7\n8\n9\n");
    write(&decoy.join("orders/c.csv"), "customer_id,amount\n1,1000\n");
    write(
        &rules.join("r.seg"),
        "source customers from \"customers.csv\" key customer_id\n\
         source orders from \"orders/*.csv\" by customer_id\n\
         as of 2025-06-30\n\
         metric spend = sum(orders.amount)\n",
    );
    let run = run_in(dir, &["run", "rules[1]*", "--db", "seg.duckdb"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Customer 1: 10 + 5 from a.csv and b.csv; customer 2: 7.
    assert_eq!(
        table(
            &dir.join("seg.duckdb"),
            "SELECT customer_id, spend FROM seg_customers ORDER BY 1"
        ),
        "customer_id | spend\n1 | 15\n2 | 7"
    );
}

#[test]
fn a_header_only_csv_holds_zero_facts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("rules.seg"),
        &format!(
            "source customers from \"{}\" key customer_id\n\
             source orders from \"{}\" by customer_id at ordered_at\n\
             as of 2025-06-30\n\
             metric n = count(orders)\n\
             metric paid = sum(orders.amount where status = \"paid\")\n\
             metric average = avg(orders.amount)\n\
             metric last_order = max(orders.ordered_at)\n\
             metric recency = days_since(last_order)\n\
             metric recent = count(orders where ordered_at within 30 days)\n\
             metric channel = mode(orders.channel)\n\
             tier buyer when n > 0\n\
             tier none otherwise\n",
            data("customers.csv"),
            data("orders_header_only.csv"),
        ),
    );
    let check = run_in(dir, &["check", "rules.seg"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
    let run = run_in(dir, &["run", "rules.seg", "--db", "seg.duckdb"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("note: orders: 0 rows"),
        "{}",
        run.stdout
    );
    // All six customers, none with a fact: counts and sums 0 (the amount a
    // number, as the sum needs), the rest missing.
    let expected = (1..=6)
        .map(|id| format!("{id} | 0 | 0.0 | ∅ | ∅ | ∅ | 0 | ∅ | none"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        table(
            &dir.join("seg.duckdb"),
            "SELECT customer_id, n, paid, average, last_order, recency, recent, channel, tier \
             FROM seg_customers ORDER BY 1"
        ),
        format!(
            "customer_id | n | paid | average | last_order | recency | recent | channel | tier\n{expected}"
        )
    );
}

/// The column names and types of the wide table a run wrote.
fn wide_table_types(db: &Path) -> String {
    table(
        db,
        "SELECT column_name, data_type FROM information_schema.columns \
         WHERE table_name = 'seg_customers' ORDER BY ordinal_position",
    )
}

#[test]
fn a_header_only_file_gives_the_column_types_of_a_file_with_rows() {
    let rules = |orders: &str| {
        format!(
            "source customers from \"{}\" key customer_id\n\
             source orders from \"{orders}\" by customer_id at ordered_at\n\
             as of 2025-06-30\n\
             metric n = count(orders)\n\
             metric paid = sum(orders.amount where status = \"paid\")\n\
             metric average = avg(orders.amount)\n\
             metric last_order = max(orders.ordered_at)\n\
             metric channel = mode(orders.channel)\n\
             metric acquired_by = first(orders.channel)\n\
             metric category = max(orders.category)\n\
             tag books when category = \"books\"\n",
            data("customers.csv"),
        )
    };
    let types = |orders: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(&dir.join("orders.csv"), orders);
        write(&dir.join("rules.seg"), &rules("orders.csv"));
        let run = run_in(
            dir,
            &["run", "rules.seg", "--db", "seg.duckdb", "--format", "json"],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (
            wide_table_types(&dir.join("seg.duckdb")),
            summary["header_only"].clone(),
        )
    };
    let header = "order_id,customer_id,ordered_at,amount,status,channel,category\n";
    // One row, for a customer the customer source does not have: the same
    // outcome as no rows, with the types DuckDB reads from the row.
    let (with_rows, none) = types(&format!(
        "{header}1,99,2025-01-01 10:00:00,12.5,paid,web,books\n"
    ));
    let (header_only, orders) = types(header);
    assert_eq!(header_only, with_rows);
    assert_eq!(
        with_rows,
        "column_name | data_type\n\
         customer_id | BIGINT\n\
         n | BIGINT\n\
         paid | DOUBLE\n\
         average | DOUBLE\n\
         last_order | TIMESTAMP\n\
         channel | VARCHAR\n\
         acquired_by | VARCHAR\n\
         category | VARCHAR\n\
         tags | VARCHAR[]"
    );
    // The JSON summary names the sources that had a header line only.
    assert_eq!(none, serde_json::json!([]));
    assert_eq!(orders, serde_json::json!(["orders"]));
}

#[test]
fn an_unreadable_rule_set_is_json_with_format_json() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let no_rules = std::fs::canonicalize("tests/fixtures/err/no_rules").unwrap();
    let no_rules = no_rules.to_str().unwrap();
    for args in [
        &["check", "nowhere", "--format", "json"][..],
        &["check", no_rules, "--format", "json"],
        &["run", "nowhere", "--db", "seg.duckdb", "--format", "json"],
    ] {
        let out = run_in(dir, args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out.stdout));
        assert_eq!(json[0]["code"], "E404", "{json}");
        assert_eq!(json[0]["severity"], "error", "{json}");
        assert!(
            json[0]["message"].as_str().unwrap().contains(args[1]),
            "{json}"
        );
    }
    assert!(!dir.join("seg.duckdb").exists());
}

#[test]
fn a_failed_run_leaves_no_new_database_and_keeps_an_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(&dir.join("customers.csv"), "customer_id\n1\n2\n");
    write(
        &dir.join("rules.seg"),
        "source customers from \"customers.csv\" key customer_id\nas of 2025-06-30\n",
    );
    // A duplicate key stops the run after the database was opened.
    write(&dir.join("twice.csv"), "customer_id\n1\n1\n");
    let override_ = "customers=twice.csv";
    let failed = run_in(
        dir,
        &[
            "run",
            "rules.seg",
            "--db",
            "new.duckdb",
            "--source",
            override_,
        ],
    );
    assert_eq!(failed.status, 2, "{}", failed.stderr);
    assert!(failed.stderr.contains("not unique"), "{}", failed.stderr);
    assert!(!dir.join("new.duckdb").exists());
    assert!(!dir.join("new.duckdb.wal").exists());

    let first = run_in(dir, &["run", "rules.seg", "--db", "old.duckdb"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let failed = run_in(
        dir,
        &[
            "run",
            "rules.seg",
            "--db",
            "old.duckdb",
            "--source",
            override_,
        ],
    );
    assert_eq!(failed.status, 2, "{}", failed.stderr);
    assert_eq!(
        table(
            &dir.join("old.duckdb"),
            "SELECT count(*) AS n FROM seg_customers"
        ),
        "n\n2"
    );
}

#[test]
fn out_files_are_written_inside_the_sandbox() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("customers.csv"), "customer_id\n1\n2\n");
    write(
        &dir.join("rules.seg"),
        "source customers from \"customers.csv\" key customer_id\nas of 2025-06-30\n",
    );
    let run = run_in(
        dir,
        &["run", "rules.seg", "--db", "seg.duckdb", "--out", "out"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let written: Vec<PathBuf> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
}
