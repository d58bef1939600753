//! Per-source read options (`with delimiter ";", no header, ...`) on real
//! files, end to end; and the clear error for a file that is not UTF-8.

use std::path::Path;

use insta_cmd::assert_cmd_snapshot;
use seg::semantic::Mode;

use crate::support::{check_fixture, program_of, run_rule_set, seg, settings, table};

const RULES: &str = "data/read_options/rules.seg";

#[test]
fn a_semicolon_file_without_a_header_reads_as_the_options_say() {
    // customers.csv has no header line, `;` between values, `NA` for a
    // missing value and day/month/year dates:
    //   00042;north;01/02/2024 · 00007;NA;15/03/2024 · 00100;south;NA
    // orders.csv (with a header `customer;day;amount`):
    //   00042 on 03/05/2025 for 12.50 and on 20/06/2025 for NA,
    //   00007 on 01/01/2025 for 30, 00100 on 30/06/2025 (the as-of date,
    //   so not seen) for 99.
    // By hand: 00007 has 1 order, 30, last on 2025-01-01, no region
    // (unknown); 00042 has 2 orders (the NA one counts, and adds nothing),
    // 12.5, last on 2025-06-20 (known); 00100 has none (0, 0, missing) and
    // a region (known). The ids keep their leading zeros: they are text.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seg.duckdb");
    let summary = run_rule_set(
        &Path::new("tests/fixtures").join(RULES),
        &db,
        &settings(Mode::Run),
    )
    .unwrap();
    assert_eq!(summary.customers, 3);
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, frequency, monetary, last_order, tier FROM seg_customers"
        ),
        "customer_id | frequency | monetary | last_order | tier\n\
         00007 | 1 | 30.0 | 2025-01-01 | unknown\n\
         00042 | 2 | 12.5 | 2025-06-20 | known\n\
         00100 | 0 | 0.0 | ∅ | known"
    );
    assert_eq!(
        table(
            &db,
            "SELECT typeof(customer_id) AS t FROM seg_customers LIMIT 1"
        ),
        "t\nVARCHAR"
    );
}

#[test]
fn the_checker_and_the_run_read_the_file_the_same_way() {
    // The checker's DESCRIBE saw the columns the options name, with their
    // types: `signup_date` is a date, the key text.
    let (files, checked) = check_fixture(RULES, &settings(Mode::Check));
    let program = program_of(&files, checked);
    let plan = seg::compile(&program);
    let read = |name: &str| {
        let start = plan
            .base
            .sql
            .find(&format!(
                "read_csv('tests/fixtures/data/read_options/{name}"
            ))
            .unwrap();
        let end = start + plan.base.sql[start..].find(')').unwrap() + 1;
        plan.base.sql[start..end].to_string()
    };
    insta::assert_snapshot!("read_customers", read("customers.csv"));
    insta::assert_snapshot!("read_orders", read("orders.csv"));
}

/// A file exported in GBK: `北京` is the bytes B1 B1 BE A9.
const GBK_LINE: &[u8] = b"1,\xb1\xb1\xbe\xa9\n";

fn gbk_rule_set(dir: &Path, rows_before: usize) {
    let mut data = b"customer_id,region\n".to_vec();
    for i in 0..rows_before {
        data.extend(format!("{},south\n", i + 2).as_bytes());
    }
    data.extend(GBK_LINE);
    std::fs::write(dir.join("customers.csv"), data).unwrap();
    std::fs::write(
        dir.join("rules.seg"),
        "source customers from \"customers.csv\" key customer_id\n\
         tier south when region = \"south\"\ntier other otherwise\n",
    )
    .unwrap();
}

#[test]
fn a_gbk_file_is_refused_with_how_to_convert_it() {
    let dir = tempfile::tempdir().unwrap();
    gbk_rule_set(dir.path(), 0);
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]")]}, {
        assert_cmd_snapshot!(seg()
            .current_dir(dir.path())
            .args(["run", "rules.seg", "--db", "seg.duckdb"]));
    });
}

#[test]
fn a_gbk_line_past_what_the_checker_reads_stops_the_run_as_clearly() {
    // DuckDB's sniffer reads the first 20,480 rows: the checker sees only
    // good ones, and the run meets the GBK line, publishing nothing.
    let dir = tempfile::tempdir().unwrap();
    gbk_rule_set(dir.path(), 30_000);
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]")]}, {
        assert_cmd_snapshot!(seg()
            .current_dir(dir.path())
            .args(["run", "rules.seg", "--db", "seg.duckdb"]));
    });
    assert!(!dir.path().join("seg.duckdb").exists());
}
