//! The checker's decisions, each checked by hand: which names clash in SQL,
//! what counts as a fixed value, how far a window reaches, which described
//! tags exist. Where the answer shows in a run, it is run on DuckDB over
//! small data and the values are worked out in the test.

use std::path::{Path, PathBuf};

use seg::engine::{self, Engine, RunOptions, RunSummary, Silent};
use seg::semantic::{Mode, NoData, names};
use seg::source::SourceMap;

use crate::support::{check_text, codes, fixture, program_of, rendered, settings, table};

/// Five customers with a number `v` (one missing) and a text `name`.
const CUSTOMERS: &str = "customer_id,v,name\n1,-2,a\n2,-1,b\n3,0,c\n4,1,d\n5,,e\n";

/// Two orders of customer 1, one of customer 2, and one of customer 3
/// dated exactly 90 days before the as-of date 2025-06-30 (2025-04-01).
const ORDERS: &str = "customer_id,ordered_at,amount\n\
                      1,2025-06-29,10.5\n1,2025-01-10,4.25\n2,2025-05-01,7\n3,2025-04-01,1\n";

const SOURCES: &str = "source customers from \"customers.csv\" key customer_id\n\
                       source orders from \"orders.csv\" by customer_id at ordered_at\n\
                       as of 2025-06-30\n";

/// Writes the data and `rules` (after [`SOURCES`]) into `dir`.
fn rule_set(dir: &Path, rules: &str) -> SourceMap {
    std::fs::write(dir.join("customers.csv"), CUSTOMERS).unwrap();
    std::fs::write(dir.join("orders.csv"), ORDERS).unwrap();
    let path = dir.join("rules.seg");
    std::fs::write(&path, format!("{SOURCES}{rules}")).unwrap();
    seg::source::read_rule_set(&path).unwrap()
}

/// Checks and runs `rules` on the data into `dir/seg.duckdb`, with `--set`.
fn run_with(
    dir: &Path,
    rules: &str,
    params: &[(&str, &str)],
) -> Result<(RunSummary, PathBuf), engine::EngineError> {
    let files = rule_set(dir, rules);
    let db = dir.join("seg.duckdb");
    let engine = Engine::open(&db).unwrap();
    let mut s = settings(Mode::Run);
    s.params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let program = program_of(&files, seg::check(&files, &engine, &s));
    let plan = seg::compile(&program);
    let summary = engine::run(&engine, &program, &plan, &RunOptions::default(), &Silent)?;
    Ok((summary, db))
}

fn run(dir: &Path, rules: &str) -> (RunSummary, PathBuf) {
    run_with(dir, rules, &[]).unwrap()
}

/// The customers carrying each tag, by customer id.
fn tagged(db: &Path) -> String {
    table(
        db,
        "SELECT tag, string_agg(customer_id::VARCHAR, ',' ORDER BY customer_id) AS customers \
         FROM seg_customer_tags GROUP BY tag ORDER BY tag",
    )
}

// ── One name equality, the one DuckDB uses ──────────────────────────────

#[test]
fn duckdb_folds_the_case_of_ascii_letters_only() {
    let conn = duckdb::Connection::open_in_memory().unwrap();
    let two_columns = |a: &str, b: &str| {
        conn.execute_batch(&format!(
            "CREATE OR REPLACE TABLE t (\"{a}\" INTEGER, \"{b}\" INTEGER)"
        ))
        .is_ok()
    };
    for (a, b) in [("Big", "big"), ("TAGS", "tags"), ("Ä", "ä"), ("Σ", "σ")] {
        assert_eq!(
            !two_columns(a, b),
            names::same(a, b),
            "DuckDB and seg disagree on `{a}` and `{b}`"
        );
    }
    assert!(names::same("Big", "big") && !names::same("Ä", "ä"));
}

#[test]
fn tags_never_clash_with_columns_because_they_are_not_columns() {
    let (files, checked) = check_text(
        "metric big = count(orders)\n\
         tag Big when big > 1\n\
         tag big2 when big > 0\n\
         tag tags when big > 0\n\
         tag customer_id when big > 0\n\
         tag TAGS when big > 0\n",
    );
    // Only the warning that the bare name `customer_id` now means the tag.
    assert_eq!(codes(&checked), ["W004"], "{}", rendered(&files, &checked));
}

#[test]
fn tags_differing_only_in_case_are_two_tags_in_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run(
        dir.path(),
        "metric big = count(orders)\n\
         tag Big when big >= 2\n\
         tag BIG when big >= 1\n\
         tag tags when v < 0\n\
         tag customer_id when v = 0\n",
    );
    // big: customer 1 has 2 orders, 2 and 3 one each, 4 and 5 none.
    assert_eq!(
        tagged(&db),
        "tag | customers\nBIG | 1,2,3\nBig | 1\ncustomer_id | 3\ntags | 1,2"
    );
    let counts: Vec<(&str, i64)> = summary
        .tags
        .iter()
        .map(|t| (t.tag.as_str(), t.customers))
        .collect();
    assert_eq!(
        counts,
        [("Big", 1), ("BIG", 3), ("tags", 2), ("customer_id", 1)]
    );
}

#[test]
fn published_columns_that_sql_cannot_tell_apart_are_e309() {
    let (_, checked) = check_text(
        "metric Tags = count(orders)\n\
         metric Customer_ID = count(orders)\n\
         metric spend = sum(orders.amount)\n\
         score SPEND = quintile(spend)\n",
    );
    assert_eq!(codes(&checked), ["E309", "E309", "E309"]);
    let messages: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "`Tags` has the name of the tag list column `tags`",
            "`Customer_ID` has the name of the customer key `customer_id`",
            "`SPEND` and `spend` differ only in upper and lower case",
        ]
    );
}

#[test]
fn names_differing_beyond_ascii_case_are_two_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run(
        dir.path(),
        "metric Ä = count(orders)\n\
         metric ä = sum(orders.amount)\n",
    );
    assert_eq!(
        table(&db, "SELECT customer_id, \"Ä\", \"ä\" FROM seg_customers"),
        "customer_id | Ä | ä\n1 | 2 | 14.75\n2 | 1 | 7.0\n3 | 1 | 1.0\n4 | 0 | 0.0\n5 | 0 | 0.0"
    );
}

#[test]
fn only_the_very_same_name_hides_a_customer_column() {
    // `V` is a definition of its own: the bare name `v` is still the column.
    let dir = tempfile::tempdir().unwrap();
    let files = rule_set(dir.path(), "metric V = count(orders)\ntag neg when v < 0\n");
    let engine = Engine::in_memory().unwrap();
    let checked = seg::check(&files, &engine, &settings(Mode::Check));
    assert_eq!(codes(&checked), Vec::<&str>::new());
    let (_, db) = run(dir.path(), "metric V = count(orders)\ntag neg when v < 0\n");
    assert_eq!(tagged(&db), "tag | customers\nneg | 1,2");

    let (_, checked) = check_text("metric region = count(orders)\n");
    assert_eq!(codes(&checked), ["W004"]);
}

// ── Fixed values: negative numbers and params ───────────────────────────

#[test]
fn negative_numbers_are_fixed_values_in_lists_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run(
        dir.path(),
        "param low = -1\n\
         tag listed when v in (-1, 0)\n\
         tag unlisted when v not in (-1, 0)\n\
         tag param_listed when v in (low, - -2)\n\
         tag between_negatives when v between -2 and -1\n\
         tag not_between when v not between -1 and 0\n",
    );
    // v: 1 → -2, 2 → -1, 3 → 0, 4 → 1, 5 missing (matches nothing).
    assert_eq!(
        tagged(&db),
        "tag | customers\n\
         between_negatives | 1,2\n\
         listed | 2,3\n\
         not_between | 1,4\n\
         param_listed | 2\n\
         unlisted | 1,4"
    );
}

#[test]
fn ntile_buckets_and_round_digits_may_be_params() {
    let rules = "param buckets = 2\n\
                 param digits = 1\n\
                 param shift = -1\n\
                 metric spend = sum(orders.amount)\n\
                 metric shown = round(spend, digits)\n\
                 metric tens = round(spend, shift)\n\
                 score s = ntile(buckets, spend)\n";
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run(dir.path(), rules);
    // spend: 14.75, 7, 1, 0, 0. Ranks 5, 4, 3, 1, 1 of N = 5:
    // floor(2 × (rank − 1) / 5) + 1 = 2, 2, 1, 1, 1.
    let query = "SELECT customer_id, shown, tens, s FROM seg_customers";
    assert_eq!(
        table(&db, query),
        "customer_id | shown | tens | s\n\
         1 | 14.8 | 10.0 | 2\n2 | 7.0 | 10.0 | 2\n3 | 1.0 | 0.0 | 1\n4 | 0.0 | 0.0 | 1\n5 | 0.0 | 0.0 | 1"
    );
    // With 5 buckets: floor(5 × (rank − 1) / 5) + 1 = rank: 5, 4, 3, 1, 1.
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run_with(dir.path(), rules, &[("buckets", "5")]).unwrap();
    assert_eq!(
        table(&db, "SELECT customer_id, s FROM seg_customers"),
        "customer_id | s\n1 | 5\n2 | 4\n3 | 3\n4 | 1\n5 | 1"
    );
}

#[test]
fn buckets_and_digits_must_still_be_whole_fixed_numbers() {
    let (_, checked) = check_text(
        "param half = 2.5\n\
         param label = \"x\"\n\
         metric spend = sum(orders.amount)\n\
         score a = ntile(half, spend)\n\
         score b = ntile(label, spend)\n\
         score c = ntile(spend, spend)\n\
         metric d = round(spend, half)\n\
         metric e = round(spend, spend)\n",
    );
    assert_eq!(codes(&checked), ["E206", "E206", "E206", "E202", "E202"]);
}

#[test]
fn a_set_bucket_count_out_of_range_is_reported() {
    let mut s = settings(Mode::Check);
    s.params = vec![("buckets".into(), "5000".into())];
    let files = SourceMap::from_text(
        "rules.seg",
        &format!(
            "{}param buckets = 4\nmetric n = count(orders)\nscore s = ntile(buckets, n)\n",
            crate::support::SOURCES
        ),
    );
    let checked = seg::check(&files, &crate::support::Columns, &s);
    assert_eq!(codes(&checked), ["E206"]);
}

// ── Windows are bounded at check time ───────────────────────────────────

#[test]
fn windows_reach_back_at_most_a_thousand_years() {
    let (files, checked) = check_text(
        "metric old = count(orders, last 5000 years)\n\
         metric days = count(orders, last 999999 days)\n\
         tag long_ago when max(orders.ordered_at) within 12001 months\n\
         metric millennium = count(orders, last 1000 years)\n\
         metric weeks = count(orders, last 52000 weeks)\n",
    );
    assert_eq!(
        codes(&checked),
        ["E206", "E206", "E206"],
        "{}",
        rendered(&files, &checked)
    );
    insta::assert_snapshot!(rendered(&files, &checked));
}

#[test]
fn a_long_window_runs_and_counts_every_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run(
        dir.path(),
        "metric all = count(orders, last 1000 years)\n\
         metric recent = count(orders, last 90 days)\n\
         tag seen when max(orders.ordered_at) within 90 days\n",
    );
    // 2025-06-30 − 90 days = 2025-04-01: customer 3's order on that very
    // day is inside both windows; customer 1's of 2025-01-10 is not.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, \"all\", recent FROM seg_customers"
        ),
        "customer_id | all | recent\n1 | 2 | 1\n2 | 1 | 1\n3 | 1 | 1\n4 | 0 | 0\n5 | 0 | 0"
    );
    assert_eq!(tagged(&db), "tag | customers\nseen | 1,2,3");
}

// ── Described hand-assigned tags must exist ─────────────────────────────

fn check_described(describes: &str, catalog: &dyn seg::semantic::Catalog) -> seg::Checked {
    let files = SourceMap::from_text(
        &fixture("err/described.seg").display().to_string(),
        &format!(
            "source customers from \"../data/customers.csv\" key customer_id\n\
             source crm_tags from \"../data/crm_tags.csv\" by customer_id\n\
             tags from crm_tags.tag\n\
             tag big when count(crm_tags) > 1\n\
             {describes}"
        ),
    );
    seg::check(&files, catalog, &settings(Mode::Check))
}

#[test]
fn a_described_tag_that_is_nowhere_is_w006_with_the_closest_one() {
    let engine = Engine::in_memory().unwrap();
    // crm_tags.csv holds key_account and big_spender (and an empty tag).
    let checked = check_described(
        "describe tag key_account as \"Sales\"\n\
         describe tag big_spender as \"Sales too\"\n\
         describe tag big as \"A rule tag\"\n\
         describe tag key_acount as \"A typo\"\n\
         describe tag brand_new as \"Not in the data yet\"\n",
        &engine,
    );
    assert_eq!(codes(&checked), ["W006", "W006"]);
    let helps: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.help.as_deref().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `key_account`?",
            "the hand-assigned tags in the data are `big_spender` and `key_account`"
        ]
    );
    // Still a warning: the description is kept for when the tag arrives.
    let catalogue = checked.program.unwrap().catalogue;
    assert!(catalogue.iter().any(|e| e.name == "brand_new"));
}

#[test]
fn without_the_data_a_described_tag_is_taken_on_trust() {
    let checked = check_described("describe tag key_acount as \"A typo\"\n", &NoData);
    assert!(!codes(&checked).contains(&"W006"), "{:?}", codes(&checked));
}

// ── The walker sees every expression ────────────────────────────────────

#[test]
fn every_definition_reference_is_renumbered_and_levelled() {
    // A reference inside each kind of expression: if a walk missed one, the
    // node would keep its declaration index (and read the wrong column) or
    // be computed before what it uses (and DuckDB would fail).
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run(
        dir.path(),
        "tag t_in when n in (1, 2)\n\
         tag t_between when v between n and 1\n\
         tag t_missing when last is missing\n\
         tag t_within when last within 1 days\n\
         tag t_not when not (n >= 1)\n\
         metric r = round(abs(-n) + days_since(last), 0)\n\
         metric last = max(orders.ordered_at)\n\
         metric n = count(orders)\n",
    );
    // n: 2, 1, 1, 0, 0; v: -2, -1, 0, 1, missing; last: 06-29, 05-01,
    // 04-01, none, none. days_since: 1, 60, 90.
    assert_eq!(
        tagged(&db),
        "tag | customers\n\
         t_between | 4\n\
         t_in | 1,2,3\n\
         t_missing | 4,5\n\
         t_not | 4,5\n\
         t_within | 1"
    );
    assert_eq!(
        table(&db, "SELECT customer_id, r FROM seg_customers"),
        "customer_id | r\n1 | 3\n2 | 61\n3 | 91\n4 | ∅\n5 | ∅"
    );
}
