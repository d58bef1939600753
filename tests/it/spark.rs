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

/// The ok fixtures the differential test runs: every one whose sources
/// are files (`ok/table` reads tables of a DuckDB file).
const FIXTURES: &[&str] = &["retail", "rfm", "zh", "glob"];

fn spark_script(rules: &Path, settings: &Settings) -> String {
    let files = read_rule_set(rules).expect("rule set exists");
    let engine = Engine::in_memory().expect("DuckDB opens");
    let program = program_of(&files, seg::check(&files, &engine, settings));
    seg::sql::compile(&program, &Spark::default()).script(&program)
}

#[test]
fn the_spark_sql_of_every_ok_fixture() {
    for name in FIXTURES.iter().chain(&["table"]) {
        if *name == "table" {
            // Its sources are tables of a database: checked against one.
            continue;
        }
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
            "CREATE OR REPLACE TABLE `seg_customer_tags` USING delta AS SELECT * FROM `seg$new$seg_customer_tags`;",
            "DROP TABLE IF EXISTS `seg$new$seg_customer_tags`;",
            "CREATE OR REPLACE TABLE `seg_tag_catalog` USING delta AS SELECT * FROM `seg$new$seg_tag_catalog`;",
            "DROP TABLE IF EXISTS `seg$new$seg_tag_catalog`;",
            "CREATE OR REPLACE TABLE `seg_customers` USING delta AS SELECT * FROM `seg$new$seg_customers`;",
            "DROP TABLE IF EXISTS `seg$new$seg_customers`",
        ]
    );
    assert!(
        plan.put_in_place.sql.starts_with(
            "CREATE OR REPLACE TABLE `seg$new$seg_customers` USING delta AS\nSELECT * EXCEPT ("
        ),
        "{}",
        plan.put_in_place.sql
    );
}

#[test]
fn seg_compile_prints_the_spark_sql_and_a_build_without_spark_says_so() {
    let out = crate::support::seg()
        .args(["compile", "tests/fixtures/ok/rfm", "--dialect", "spark"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sql = String::from_utf8(out.stdout).unwrap();
    assert!(
        sql.contains("CREATE TABLE `seg$base` USING parquet AS"),
        "{sql}"
    );
    assert!(!sql.contains("BEGIN TRANSACTION"), "{sql}");

    let run = crate::support::seg()
        .args(["run", "tests/fixtures/ok/rfm", "--engine", "spark"])
        .args(["--remote", "sc://127.0.0.1:1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    if cfg!(feature = "spark") {
        // Nothing listens on port 1: the connection fails (status 2).
        assert!(stderr.contains("cannot reach Spark Connect"), "{stderr}");
    } else {
        assert!(stderr.contains("built without Spark"), "{stderr}");
    }
    assert_eq!(run.status.code(), Some(2), "{stderr}");
}

/// Runs only with the `spark` feature (`cargo test --features spark`),
/// which the default build leaves off: see docs/spark.md, "Building".
#[cfg(feature = "spark")]
mod differential {
    use std::path::{Path, PathBuf};

    use seg::engine::spark::{self, SparkEngine};
    use seg::engine::{Engine, RunOptions, Silent};
    use seg::semantic::{Mode, Settings};
    use seg::source::read_rule_set;
    use seg::sql::TableFormat;

    use super::FIXTURES;
    use crate::support::{fixture, program_of, settings};

    /// The published tables compared (rows as sorted sets: neither engine
    /// promises an order on disk).
    const TABLES: &[&str] = &["seg_customers", "seg_customer_tags", "seg_tag_catalog"];

    /// The Spark Connect server of the test run.
    fn remote() -> String {
        std::env::var("SEG_SPARK_REMOTE").unwrap_or_else(|_| {
            panic!(
                "SEG_SPARK_REMOTE is not set: the Spark tests need a Spark Connect server \
             (tests/spark/start.sh starts one; then SEG_SPARK_REMOTE=sc://127.0.0.1:15002)"
            )
        })
    }

    /// A table's rows, every value as text, sorted.
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

    /// Runs a rule set on Spark in `schema` (dropped first: a fresh run, as
    /// the DuckDB run into a new file is).
    fn run_on_spark(rules: &Path, settings: &Settings, schema: &str) -> SparkEngine {
        let engine = SparkEngine::connect(&remote(), schema, TableFormat::Parquet)
            .unwrap_or_else(|e| panic!("{e}"));
        engine
        .execute(
            "a fresh schema",
            &format!("DROP SCHEMA IF EXISTS `{schema}` CASCADE;\nCREATE SCHEMA `{schema}`;\nUSE `{schema}`"),
        )
        .unwrap();
        let files = read_rule_set(rules).unwrap();
        let mut program = program_of(&files, seg::check(&files, &engine, settings));
        spark::located_for_spark(&mut program);
        let plan = seg::sql::compile(&program, engine.dialect());
        spark::run(&engine, &program, &plan, &RunOptions::default(), &Silent)
            .unwrap_or_else(|e| panic!("{}: {e}", rules.display()));
        engine
    }

    /// Runs `rules` on both engines and compares every published table.
    fn same_on_both(name: &str, rules: &Path, settings: &Settings) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("seg.duckdb");
        let files = read_rule_set(rules).unwrap();
        let duck = Engine::open(&db).unwrap();
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
        let spark = run_on_spark(rules, settings, &format!("seg_diff_{name}"));
        let mut differences = Vec::new();
        for table in TABLES {
            let (duck_columns, duck_rows) = duckdb_table(&db, table);
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

    /// Small demo data (seg demo's generator) for `rules/`, and the settings
    /// that point `rules/` at it.
    fn demo_data(dir: &Path) -> Settings {
        let data = seg::engine::generate_demo(dir, 300, 42, &Silent).unwrap();
        let _ = data;
        let mut settings = settings(Mode::Run);
        settings.sources = ["customers", "orders", "events", "surveys"]
            .iter()
            .map(|s| {
                let path: PathBuf = dir.join("data").join(format!("{s}.parquet"));
                (s.to_string(), path.display().to_string())
            })
            .collect();
        settings
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
        let demo = tempfile::tempdir().unwrap();
        let settings = demo_data(demo.path());
        differences.extend(same_on_both("rules", Path::new("rules"), &settings));
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }
}
