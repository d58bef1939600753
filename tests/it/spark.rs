//! seg on Apache Spark: the Spark SQL of every ok fixture (snapshotted as
//! the DuckDB script is), and the differential test: every ok fixture with
//! data and `rules/` on small demo data, run on DuckDB and on a real Spark
//! Connect server, their published tables compared cell by cell.
//!
//! The server is named by `SEG_SPARK_REMOTE` (`.ci/run` starts one and sets
//! it; locally `tests/spark/start.sh`). Without a reachable server the
//! differential test fails: it never skips.

use std::path::Path;

use seg::engine::Engine;
use seg::semantic::{Mode, Settings};
use seg::source::read_rule_set;
use seg::sql::{Spark, TableFormat};

use crate::support::{fixture, program_of, settings};

/// The ok fixtures the differential test runs as they are: every one whose
/// sources are files.
const FIXTURES: &[&str] = &["retail", "rfm", "zh"];

/// The ok fixtures refused on Spark at the check, with why: `glob` reads
/// files whose header lines differ (June adds a column), which Spark's CSV
/// reader would take by position (E310;
/// `differential::kmeans_and_column_names_or_types_of_a_file_are_refused_on_spark`).
/// Their Spark SQL is still snapshotted.
const REFUSED: &[&str] = &["glob"];

/// The ok fixtures whose sources are tables of a database: the
/// differential test makes those tables in both engines first
/// (`differential::table_fixture`). No ok fixture is refused on Spark;
/// what is refused is tested by rule sets of its own
/// (`differential::kmeans_and_column_names_or_types_of_a_file_are_refused_on_spark`).
const WITH_TABLES: &[&str] = &["table"];

/// A new ok fixture must be run on Spark: listed in one of the two lists.
#[test]
fn every_ok_fixture_is_run_on_spark_or_listed() {
    let mut found: Vec<String> = std::fs::read_dir(fixture("ok"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<&str> = FIXTURES
        .iter()
        .copied()
        .chain(WITH_TABLES.iter().copied())
        .chain(REFUSED.iter().copied())
        .collect();
    listed.sort();
    assert_eq!(found, listed);
}

fn spark_script(rules: &Path, settings: &Settings) -> String {
    let files = read_rule_set(rules).expect("rule set exists");
    let engine = Engine::in_memory().expect("DuckDB opens");
    let program = program_of(&files, seg::check(&files, &engine, settings));
    seg::sql::compile(&program, &Spark::default()).script(&program)
}

#[test]
fn the_spark_sql_of_every_ok_fixture() {
    for name in FIXTURES.iter().chain(REFUSED) {
        let script = spark_script(&fixture(&format!("ok/{name}")), &settings(Mode::Check));
        insta::with_settings!({ snapshot_suffix => *name }, {
            insta::assert_snapshot!(script);
        });
    }
}

#[test]
fn delta_tables_are_replaced_in_one_statement() {
    let files = read_rule_set(&fixture("ok/rfm")).unwrap();
    let engine = Engine::in_memory().unwrap();
    let program = program_of(&files, seg::check(&files, &engine, &settings(Mode::Check)));
    let delta = Spark {
        format: TableFormat::Delta,
    };
    let plan = seg::sql::compile(&program, &delta);
    // Parquet drops and renames; Delta replaces each published table from
    // its staged version, which readers see switch in one commit.
    assert_eq!(
        plan.put_in_place.sql.lines().skip(2).collect::<Vec<_>>(),
        [
            "CREATE OR REPLACE TABLE `seg_customer_tags` USING delta AS SELECT * FROM `seg__new__seg_customer_tags`;",
            "DROP TABLE IF EXISTS `seg__new__seg_customer_tags`;",
            "CREATE OR REPLACE TABLE `seg_tag_catalog` USING delta AS SELECT * FROM `seg__new__seg_tag_catalog`;",
            "DROP TABLE IF EXISTS `seg__new__seg_tag_catalog`;",
            "CREATE OR REPLACE TABLE `seg_customers` USING delta AS SELECT * FROM `seg__new__seg_customers`;",
            "DROP TABLE IF EXISTS `seg__new__seg_customers`",
        ]
    );
    assert!(
        plan.put_in_place.sql.starts_with(
            "CREATE OR REPLACE TABLE `seg__new__seg_customers` USING delta AS\nSELECT * EXCEPT ("
        ),
        "{}",
        plan.put_in_place.sql
    );
}

#[test]
fn seg_compile_prints_the_spark_sql_and_a_server_out_of_reach_is_an_error() {
    let out = crate::support::seg()
        .args(["compile", "tests/fixtures/ok/rfm", "--dialect", "spark"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sql = String::from_utf8(out.stdout).unwrap();
    assert!(
        sql.contains("CREATE TABLE `seg__base` USING parquet AS"),
        "{sql}"
    );
    assert!(!sql.contains("BEGIN TRANSACTION"), "{sql}");

    let run = crate::support::seg()
        .args(["run", "tests/fixtures/ok/rfm", "--engine", "spark"])
        .args(["--remote", "sc://127.0.0.1:1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    // Nothing listens on port 1: the connection fails (status 2).
    assert!(stderr.contains("cannot reach Spark Connect"), "{stderr}");
    assert_eq!(run.status.code(), Some(2), "{stderr}");
}

/// The differential test: every ok fixture, `rules/` on small demo data and
/// a few rule sets written here (scores within groups, a lookup table, read
/// options), run on DuckDB and on the Spark Connect server of
/// `SEG_SPARK_REMOTE`, their published tables compared cell by cell.
mod differential {
    use std::path::Path;

    use seg::engine::spark::{self, SparkEngine};
    use seg::engine::{Engine, EngineError, RunOptions, Silent};
    use seg::semantic::{Mode, Settings};
    use seg::source::read_rule_set;
    use seg::sql::TableFormat;

    use super::{FIXTURES, WITH_TABLES};
    use crate::support::{fixture, program_of, settings};

    /// The published tables compared (rows as sorted sets: neither engine
    /// promises an order on disk).
    const TABLES: &[&str] = &["seg_customers", "seg_customer_tags", "seg_tag_catalog"];

    /// The Spark Connect server of the test run.
    fn remote() -> String {
        std::env::var("SEG_SPARK_REMOTE").unwrap_or_else(|_| {
            panic!(
                "SEG_SPARK_REMOTE is not set: the Spark tests need a Spark Connect server. \
                 Start one with `tests/spark/start.sh` (Java 17; it installs pyspark into \
                 /var/tmp/seg-spark-venv the first time), then run \
                 `SEG_SPARK_REMOTE=sc://127.0.0.1:15002 cargo test --locked`; \
                 `tests/spark/stop.sh` stops it"
            )
        })
    }

    /// A session in a fresh schema (dropped first: a fresh run, as the
    /// DuckDB run into a new file is).
    fn session(schema: &str) -> SparkEngine {
        let remote = remote();
        let engine = SparkEngine::connect(&remote, schema, TableFormat::Parquet)
            .unwrap_or_else(|e| {
                panic!(
                    "{e}\n(SEG_SPARK_REMOTE={remote}: is the server up? `tests/spark/start.sh` starts one)"
                )
            });
        engine
            .execute(
                "a fresh schema",
                &format!(
                    "DROP SCHEMA IF EXISTS `{schema}` CASCADE;\nCREATE SCHEMA `{schema}`;\nUSE `{schema}`"
                ),
            )
            .unwrap();
        engine
    }

    /// A table's rows, every value as text.
    type Rows = Vec<Vec<Option<String>>>;

    /// A published table of a DuckDB file: column names, and rows with every
    /// value cast to text by DuckDB.
    fn duckdb_table(db: &Path, table: &str) -> (Vec<String>, Rows) {
        let conn = duckdb::Connection::open(db).unwrap();
        let mut describe = conn.prepare(&format!("DESCRIBE {table}")).unwrap();
        let columns: Vec<String> = describe
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let select: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST(\"{}\" AS VARCHAR)", c.replace('"', "\"\"")))
            .collect();
        let mut query = conn
            .prepare(&format!("SELECT {} FROM {table}", select.join(", ")))
            .unwrap();
        let rows = query
            .query_map([], |r| {
                (0..columns.len())
                    .map(|i| r.get::<_, Option<String>>(i))
                    .collect::<duckdb::Result<Vec<_>>>()
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (columns, rows)
    }

    /// The same table on Spark.
    fn spark_table(engine: &SparkEngine, table: &str) -> (Vec<String>, Rows) {
        let columns: Vec<String> = engine
            .query_text(&format!("DESCRIBE TABLE `{table}`"))
            .unwrap()
            .into_iter()
            .map_while(|r| r.into_iter().next().flatten())
            .take_while(|name| !name.starts_with('#') && !name.is_empty())
            .collect();
        let rows = engine
            .query_text(&format!("SELECT * FROM `{table}`"))
            .unwrap();
        (columns, rows)
    }

    /// A value as both engines' values are compared (docs/spark.md, "Types"):
    /// numbers by their value (Spark's sums are DECIMAL(38, 10), its integer
    /// columns from CSV `int`), timestamps without `T` and UTC offset, lists
    /// as `[a, b]` in order.
    fn normal(value: &Option<String>) -> String {
        let Some(v) = value else {
            return "∅".into();
        };
        if let Ok(n) = v.parse::<f64>() {
            // Twelve significant digits: sums and ratios agree far beyond.
            return format!("{:.12e}", n);
        }
        let v = v.strip_suffix("+00:00").unwrap_or(v);
        let v = v.strip_suffix('Z').unwrap_or(v);
        match v.split_once('T') {
            Some((date, time)) if date.len() == 10 && time.contains(':') => {
                format!("{date} {time}")
            }
            _ => v.to_string(),
        }
    }

    fn normalised(rows: Rows) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(normal).collect())
            .collect();
        rows.sort();
        rows
    }

    /// Checks and runs a rule set on Spark, in a session of its own.
    fn run_on_spark(
        rules: &Path,
        settings: &Settings,
        schema: &str,
    ) -> (SparkEngine, Result<seg::engine::RunSummary, EngineError>) {
        let engine = session(schema);
        let files = read_rule_set(rules).unwrap();
        let mut program = program_of(&files, seg::check(&files, &engine, settings));
        spark::located_for_spark(&mut program);
        let plan = seg::sql::compile(&program, engine.dialect());
        let result = spark::run(&engine, &program, &plan, &RunOptions::default(), &Silent);
        (engine, result)
    }

    /// Runs `rules` on both engines (DuckDB into `db`, which may hold
    /// tables already) and lists every difference of the published tables.
    fn differences(name: &str, rules: &Path, settings: &Settings, db: &Path) -> Vec<String> {
        let files = read_rule_set(rules).unwrap();
        let duck = Engine::open(db).unwrap();
        let program = program_of(&files, seg::check(&files, &duck, settings));
        seg::engine::run(
            &duck,
            &program,
            &seg::compile(&program),
            &RunOptions::default(),
            &Silent,
        )
        .unwrap();
        drop(duck);
        let (spark, result) = run_on_spark(rules, settings, &format!("seg_diff_{name}"));
        if let Err(e) = result {
            return vec![format!("{name}: the Spark run failed: {e}")];
        }
        let mut differences = Vec::new();
        for table in TABLES {
            let (duck_columns, duck_rows) = duckdb_table(db, table);
            let (spark_columns, spark_rows) = spark_table(&spark, table);
            if duck_columns != spark_columns {
                differences.push(format!(
                    "{name}: {table} columns: DuckDB {duck_columns:?}, Spark {spark_columns:?}"
                ));
                continue;
            }
            let (duck_rows, spark_rows) = (normalised(duck_rows), normalised(spark_rows));
            if duck_rows.len() != spark_rows.len() {
                differences.push(format!(
                    "{name}: {table}: {} rows on DuckDB, {} on Spark",
                    duck_rows.len(),
                    spark_rows.len()
                ));
            }
            for (d, s) in duck_rows.iter().zip(&spark_rows) {
                if d != s {
                    differences.push(format!("{name}: {table}: DuckDB {d:?}\n    Spark  {s:?}"));
                }
            }
        }
        differences
    }

    fn same_on_both(name: &str, rules: &Path, settings: &Settings) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        differences(name, rules, settings, &dir.path().join("seg.duckdb"))
    }

    /// Small demo data (seg demo's generator) for `rules/`, and the settings
    /// that point `rules/` at it.
    fn demo_data(dir: &Path) -> Settings {
        let data = seg::engine::generate_demo(dir, 300, 42, &Default::default(), &Silent).unwrap();
        let mut settings = settings(Mode::Run);
        settings.sources = data
            .files
            .iter()
            .map(|(table, path, _)| (table.clone(), path.display().to_string()))
            .collect();
        settings
    }

    /// A rule set written into a folder of its own, with its data.
    fn written(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// `ok/table` reads tables and a view of a database: the same tables,
    /// made from the fixture CSVs, in DuckDB and in Spark.
    fn table_fixture() -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("seg.duckdb");
        let (customers, orders) = (fixture("data/customers.csv"), fixture("data/orders.csv"));
        duckdb::Connection::open(&db)
            .unwrap()
            .execute_batch(&format!(
                "CREATE SCHEMA crm;
                 CREATE TABLE crm.people AS FROM read_csv('{}');
                 CREATE TABLE raw_orders AS FROM read_csv('{}');
                 CREATE SCHEMA sales;
                 CREATE VIEW sales.paid_orders AS FROM raw_orders WHERE status = 'paid';",
                customers.display(),
                orders.display(),
            ))
            .unwrap();
        let csv = |p: &Path| {
            format!(
                "csv.`{}` WITH ('header' = 'true', 'inferSchema' = 'true')",
                std::path::absolute(p).unwrap().display()
            )
        };
        session("crm")
            .execute(
                "the fixture's tables",
                &format!(
                    "CREATE TABLE crm.people USING parquet AS SELECT * FROM {};\n\
                     DROP SCHEMA IF EXISTS sales CASCADE;\nCREATE SCHEMA sales;\n\
                     CREATE TABLE sales.raw_orders USING parquet AS SELECT * FROM {};\n\
                     CREATE VIEW sales.paid_orders AS SELECT * FROM sales.raw_orders WHERE status = 'paid'",
                    csv(&customers),
                    csv(&orders)
                ),
            )
            .unwrap();
        differences("table", &fixture("ok/table"), &settings(Mode::Run), &db)
    }

    #[test]
    fn every_ok_fixture_and_the_demo_rules_give_the_same_tables_on_spark_as_on_duckdb() {
        let mut differences = Vec::new();
        for name in FIXTURES {
            differences.extend(same_on_both(
                name,
                &fixture(&format!("ok/{name}")),
                &settings(Mode::Run),
            ));
        }
        assert_eq!(WITH_TABLES, ["table"], "each needs its tables made here");
        differences.extend(table_fixture());
        let demo = tempfile::tempdir().unwrap();
        let settings = demo_data(demo.path());
        differences.extend(same_on_both("rules", Path::new("rules"), &settings));
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }

    #[test]
    fn scores_within_groups_lookups_and_read_options_give_the_same_tables() {
        let groups = written(&[(
            "rules.seg",
            &format!("{}{}", crate::groups::SHOP, crate::groups::RULES),
        )]);
        crate::groups::write_shop(groups.path());
        let lookups = written(&[("rules.seg", crate::lookups::RULES)]);
        crate::lookups::write_shop(lookups.path(), crate::lookups::PRODUCTS);
        // A semicolon export, `NA` for missing values, dates day/month/year.
        let read_options = written(&[
            (
                "customers.csv",
                "customer_id;region\n1;north\n2;NA\n3;south\n",
            ),
            (
                "orders.csv",
                "customer_id;day;amount\n1;03/05/2025;12.50\n1;20/06/2025;NA\n\
                 2;31/01/2025;7\n3;01/07/2025;100\n",
            ),
            (
                "rules.seg",
                "source customers from \"customers.csv\" key customer_id\n\
                 \x20   with delimiter \";\", null \"NA\"\n\
                 source orders from \"orders.csv\" by customer_id at day\n\
                 \x20   with delimiter \";\", null \"NA\", date format \"%d/%m/%Y\"\n\
                 as of 2025-06-30\n\
                 metric frequency = count(orders)\n\
                 metric monetary = sum(orders.amount)\n\
                 metric last_order = max(orders.day)\n\
                 tier known when region is not missing\n\
                 tier unknown otherwise\n",
            ),
        ]);
        let mut differences = Vec::new();
        for (name, dir) in [
            ("groups", &groups),
            ("lookups", &lookups),
            ("read_options", &read_options),
        ] {
            differences.extend(same_on_both(name, dir.path(), &settings(Mode::Run)));
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }

    /// A run that fails on Spark leaves the previous run's tables readable
    /// and as they were, and logs nothing: new versions are written under
    /// staging names and swapped in only at the end (docs/spark.md).
    #[test]
    fn a_run_that_fails_on_spark_leaves_the_tables_of_the_run_before() {
        let dir = written(&[
            ("customers.csv", "customer_id,region\n1,north\n2,south\n"),
            (
                "orders.csv",
                "customer_id,ordered_at,amount\n1,2025-05-01,10\n2,2025-05-02,20\n",
            ),
            (
                "rules.seg",
                "source customers from \"customers.csv\" key customer_id\n\
                 source orders from \"orders.csv\" by customer_id at ordered_at\n\
                 as of 2025-06-30\n\
                 metric spend = sum(orders.amount)\n\
                 tier big when spend > 15\n\
                 tier small otherwise\n",
            ),
        ]);
        let engine = session("seg_failed");
        let files = read_rule_set(dir.path()).unwrap();
        let mut program = program_of(&files, seg::check(&files, &engine, &settings(Mode::Run)));
        spark::located_for_spark(&mut program);
        let plan = seg::sql::compile(&program, engine.dialect());
        let run = || spark::run(&engine, &program, &plan, &RunOptions::default(), &Silent);
        run().unwrap();
        let published = || {
            let (columns, rows) = spark_table(&engine, "seg_customers");
            (columns, normalised(rows))
        };
        let before = published();
        assert_eq!(before.1.len(), 2);

        // The same plan on a file whose amount is text now: Spark cannot
        // cast `ten` (ANSI mode), so the run fails while computing.
        std::fs::write(
            dir.path().join("orders.csv"),
            "customer_id,ordered_at,amount\n1,2025-05-01,10\n2,2025-05-02,ten\n",
        )
        .unwrap();
        match run() {
            Err(EngineError::Query { message, .. }) => {
                assert!(message.contains("CAST_INVALID_INPUT"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(published(), before);
        assert_eq!(
            engine
                .query_text("SELECT count(*) FROM `seg_runs`")
                .unwrap(),
            [[Some("1".to_string())]]
        );
    }

    /// What Spark does not run is refused before anything is written, with
    /// what it is and where to run it instead.
    #[test]
    fn kmeans_and_column_names_or_types_of_a_file_are_refused_on_spark() {
        let kmeans = written(&[
            ("customers.csv", "customer_id,spend\n1,10\n2,20\n3,300\n"),
            (
                "rules.seg",
                "source customers from \"customers.csv\" key customer_id\n\
                 as of 2025-06-30\n\
                 segmentation cluster = kmeans(2, spend) seed 7\n",
            ),
        ]);
        let (spark, result) = run_on_spark(kmeans.path(), &settings(Mode::Run), "seg_refused");
        match result {
            Err(EngineError::NotOnSpark { what }) => {
                assert_eq!(what, "the kmeans segmentation `cluster`")
            }
            other => panic!("{other:?}"),
        }
        // Refused before anything is written: no table at all.
        assert_eq!(
            spark.query_text("SHOW TABLES").unwrap(),
            Vec::<Vec<_>>::new()
        );

        // `columns (...)` of a headerless file: Spark's reader cannot take
        // the names, so the check cannot read the source there (E310).
        let files = read_rule_set(&fixture("data/read_options")).unwrap();
        let checked = seg::check(&files, &spark, &settings(Mode::Run));
        // W003: the columns of the unread customer source are assumed.
        assert_eq!(crate::support::codes(&checked), ["E310", "E310", "W003"]);
        let refused: Vec<&str> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "E310")
            .map(|d| d.help.as_deref().unwrap_or_default())
            .map(|help| help.split(':').next().unwrap_or_default())
            .collect();
        assert_eq!(
            refused,
            [
                "Spark's CSV reader takes no `columns (...)`",
                "Spark's CSV reader takes no `types (...)`"
            ]
        );

        // A glob of files whose header lines differ (E310 at the source).
        let files = read_rule_set(&fixture("ok/glob")).unwrap();
        let checked = seg::check(&files, &spark, &settings(Mode::Run));
        assert_eq!(crate::support::codes(&checked), ["E310"]);
        let help = checked.diagnostics[0].help.as_deref().unwrap_or_default();
        assert!(
            help.starts_with("the files of this glob do not share one header line")
                && help.contains("`2025-05.csv` has `customer_id,ordered_at,amount`")
                && help.contains("coupon"),
            "{help}"
        );
    }

    #[test]
    fn seg_run_on_spark_prints_the_summary_and_writes_out_files() {
        let dir = tempfile::tempdir().unwrap();
        // The same rules with tags (ok/retail) on both engines, each
        // exporting its two tables.
        let run = |engine: &[&str], out: &Path| {
            let run = crate::support::seg()
                .args(["run", "tests/fixtures/ok/retail", "--quiet"])
                .args(engine)
                .args(["--format", "json", "--out"])
                .arg(out)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
            assert_eq!(
                run.status.code(),
                Some(0),
                "{stdout}\n{}",
                String::from_utf8_lossy(&run.stderr)
            );
            serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
        };
        let (spark_out, duck_out) = (dir.path().join("spark"), dir.path().join("duckdb"));
        let remote = remote();
        let spark = run(
            &[
                "--engine", "spark", "--remote", &remote, "--schema", "seg_cli",
            ],
            &spark_out,
        );
        let db = dir.path().join("seg.duckdb");
        let duck = run(&["--db", db.to_str().unwrap()], &duck_out);
        // ok/retail has six customers (tests/fixtures/data/customers.csv).
        assert_eq!(spark["customers"], 6, "{spark}");
        assert_eq!(spark["tags"], duck["tags"]);
        assert_eq!(spark["segmentations"], duck["segmentations"]);
        let rows = |file: &Path| {
            duckdb::Connection::open_in_memory()
                .unwrap()
                .query_row(
                    &format!("SELECT count(*) FROM '{}'", file.display()),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
        };
        assert_eq!(rows(&spark_out.join("seg_customers.parquet")), 6);
        let tags = rows(&spark_out.join("seg_customer_tags.parquet"));
        assert!(tags > 0);
        assert_eq!(tags, rows(&duck_out.join("seg_customer_tags.parquet")));
    }
}
