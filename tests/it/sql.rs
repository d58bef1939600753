//! The SQL seg generates: the whole script of a rule set, and the result
//! query for small inline rule sets.

use seg::semantic::Mode;

use crate::support::{check_fixture, check_text, program_of, settings};

/// The SQL of the computation for inline rules.
fn compute_sql(rules: &str) -> String {
    let (files, checked) = check_text(rules);
    let plan = seg::compile(&program_of(&files, checked));
    plan.compute_sql()
}

#[test]
fn the_whole_script_of_a_rule_set() {
    let (_, checked) = check_fixture("ok/retail", &settings(Mode::Check));
    let program = checked.program.expect("the fixture checks");
    insta::assert_snapshot!(seg::compile(&program).script(&program));
}

#[test]
fn one_aggregation_pass_per_fact_source_with_filters() {
    insta::assert_snapshot!(compute_sql(
        "metric frequency = count(orders where status = \"paid\")\n\
         metric monetary = sum(orders.amount where status = \"paid\")\n\
         metric online = count(orders where channel = \"online\", last 90 days)\n\
         metric share = online / count(orders)\n\
         metric favourite = mode(orders.channel)\n"
    ), @r#"
    CREATE OR REPLACE TEMP TABLE "seg$base" AS
    WITH
    -- Aggregates over `orders`, one pass: frequency, monetary, online, agg$4, favourite
    -- Only rows dated before the as-of date 2025-06-30.
    "seg_facts_orders" AS (
        SELECT
            "customer_id",
            count(*) FILTER (WHERE "status" = 'paid') AS "frequency",
            sum("amount") FILTER (WHERE "status" = 'paid') AS "monetary",
            count(*) FILTER (WHERE "channel" = 'online' AND "ordered_at" >= DATE '2025-04-01') AS "online",
            count(*) AS "agg$4",  -- count(orders)
            mode("channel" ORDER BY "channel") AS "favourite",
            count(*) AS "seg$rows"
        FROM read_csv('orders.csv')
        WHERE "ordered_at" < DATE '2025-06-30'
        GROUP BY "customer_id"
    )
    SELECT
        "customers"."customer_id",
        coalesce("orders"."frequency", 0) AS "frequency",
        coalesce("orders"."monetary", 0) AS "monetary",
        coalesce("orders"."online", 0) AS "online",
        coalesce("orders"."agg$4", 0) AS "agg$4",
        "orders"."favourite",
        coalesce("orders"."seg$rows", 0) AS "seg$rows:orders"
    FROM read_csv('customers.csv') AS "customers"
    LEFT JOIN "seg_facts_orders" AS "orders" ON "orders"."customer_id" = "customers"."customer_id";

    CREATE OR REPLACE TABLE "seg$result" AS
    WITH
    -- metric share
    "seg_step_1" AS (
        SELECT
            *,
            "online" / nullif("agg$4", 0) AS "share"
        FROM "seg$base"
    )
    SELECT
        "customer_id",
        "frequency",
        "monetary",
        "online",
        "share",
        "favourite",
        CAST([] AS VARCHAR[]) AS "tags",
        "seg$rows:orders"
    FROM "seg_step_1"
    ORDER BY "customer_id"
    "#);
}

#[test]
fn comparisons_with_missing_values_are_false_not_null() {
    // `income` can be missing; `not (income > 10)` must then hold.
    insta::assert_snapshot!(compute_sql(
        "tag low when not (income > 10)\n\
         tag known when income is not missing and region in (\"north\")\n\
         tag vip when is_vip\n"
    ), @r#"
    CREATE OR REPLACE TEMP TABLE "seg$base" AS
    SELECT
        "customers"."customer_id",
        "customers"."income",
        "customers"."region",
        "customers"."is_vip"
    FROM read_csv('customers.csv') AS "customers";

    CREATE OR REPLACE TABLE "seg$result" AS
    WITH
    -- tag low, tag known, tag vip
    "seg_step_1" AS (
        SELECT
            *,
            NOT coalesce("income" > 10, FALSE) AS "tag:low",
            "income" IS NOT NULL AND coalesce("region" IN ('north'), FALSE) AS "tag:known",
            coalesce("is_vip", FALSE) AS "tag:vip"
        FROM "seg$base"
    )
    SELECT
        "customer_id",
        list_filter([CASE WHEN "tag:low" THEN 'low' END, CASE WHEN "tag:known" THEN 'known' END, CASE WHEN "tag:vip" THEN 'vip' END], lambda t: t IS NOT NULL) AS "tags"
    FROM "seg_step_1"
    ORDER BY "customer_id"
    "#);
}

#[test]
fn scores_are_window_functions_and_percentiles_a_one_row_aggregate() {
    insta::assert_snapshot!(compute_sql(
        "metric frequency = count(orders)\n\
         metric monetary = sum(orders.amount)\n\
         score f = quintile(frequency) where frequency > 0\n\
         score m = ntile(10, monetary / 2, lower_is_better)\n\
         tag top when monetary >= percentile(monetary, 0.9)\n"
    ), @r#"
    CREATE OR REPLACE TEMP TABLE "seg$base" AS
    WITH
    -- Aggregates over `orders`, one pass: frequency, monetary
    -- Only rows dated before the as-of date 2025-06-30.
    "seg_facts_orders" AS (
        SELECT
            "customer_id",
            count(*) AS "frequency",
            sum("amount") AS "monetary",
            count(*) AS "seg$rows"
        FROM read_csv('orders.csv')
        WHERE "ordered_at" < DATE '2025-06-30'
        GROUP BY "customer_id"
    )
    SELECT
        "customers"."customer_id",
        coalesce("orders"."frequency", 0) AS "frequency",
        coalesce("orders"."monetary", 0) AS "monetary",
        coalesce("orders"."seg$rows", 0) AS "seg$rows:orders"
    FROM read_csv('customers.csv') AS "customers"
    LEFT JOIN "seg_facts_orders" AS "orders" ON "orders"."customer_id" = "customers"."customer_id";

    CREATE OR REPLACE TABLE "seg$result" AS
    WITH
    -- The scores of the next step, over the key and their inputs
    "seg_scores_1" AS (
        SELECT
            "customer_id" AS "seg$scored:1",
            CASE WHEN "frequency" > 0 THEN 5 * (rank() OVER (PARTITION BY "frequency" > 0 ORDER BY "frequency") - 1) // count(*) OVER (PARTITION BY "frequency" > 0) + 1 END AS "f"
        FROM "seg$base"
    ),
    -- Dataset-level values, one row over every customer: percentile(monetary, 0.9)
    "seg_dataset_1" AS (
        SELECT
            quantile_cont(CAST("monetary" AS DOUBLE), 0.9) AS "percentile$1"  -- percentile(monetary, 0.9)
        FROM "seg$base"
    ),
    -- score f (5 buckets, higher is better), percentile(monetary, 0.9)
    "seg_step_1" AS MATERIALIZED (
        SELECT
            *,
            "monetary" / 2 AS "m$input"
        FROM "seg$base"
        LEFT JOIN "seg_scores_1" AS "seg_scores_1" ON "seg_scores_1"."seg$scored:1" = "seg$base"."customer_id"
        CROSS JOIN "seg_dataset_1" AS "seg_dataset_1"
    ),
    -- The scores of the next step, over the key and their inputs
    "seg_scores_2" AS (
        SELECT
            "customer_id" AS "seg$scored:2",
            CASE WHEN "m$input" IS NOT NULL THEN 10 * (rank() OVER (PARTITION BY "m$input" IS NOT NULL ORDER BY "m$input" DESC) - 1) // count(*) OVER (PARTITION BY "m$input" IS NOT NULL) + 1 END AS "m"
        FROM "seg_step_1"
    ),
    -- score m (10 buckets, lower is better), tag top
    "seg_step_2" AS (
        SELECT
            *,
            coalesce("monetary" >= "percentile$1", FALSE) AS "tag:top"
        FROM "seg_step_1"
        LEFT JOIN "seg_scores_2" AS "seg_scores_2" ON "seg_scores_2"."seg$scored:2" = "seg_step_1"."customer_id"
    )
    SELECT
        "customer_id",
        "frequency",
        "monetary",
        "f",
        "m",
        list_filter([CASE WHEN "tag:top" THEN 'top' END], lambda t: t IS NOT NULL) AS "tags",
        "m$input",
        "percentile$1",
        "seg$rows:orders"
    FROM "seg_step_2"
    ORDER BY "customer_id"
    "#);
}

#[test]
fn names_and_labels_are_quoted_so_nothing_breaks_out() {
    insta::assert_snapshot!(compute_sql(
        "tier \"A\\\"; DROP TABLE customers; --\" when region = \"north'); DROP TABLE t; --\"\n\
         tier 高价值 otherwise\n"
    ), @r#"
    CREATE OR REPLACE TEMP TABLE "seg$base" AS
    SELECT
        "customers"."customer_id",
        "customers"."region"
    FROM read_csv('customers.csv') AS "customers";

    CREATE OR REPLACE TABLE "seg$result" AS
    WITH
    -- segmentation tier
    "seg_step_1" AS (
        SELECT
            *,
            CASE WHEN "region" = 'north''); DROP TABLE t; --' THEN 'A"; DROP TABLE customers; --' ELSE '高价值' END AS "tier"
        FROM "seg$base"
    ),
    -- Each customer's open label history: the labels they held, and since when
    "seg_open_labels" AS (
        SELECT
            "seg_label_history"."customer_id" AS "seg$open_key",
            max("seg_label_history"."label") FILTER (WHERE "seg_label_history"."segmentation" = 'tier') AS "seg$open_label:tier",
            max("seg_runs"."as_of") FILTER (WHERE "seg_label_history"."segmentation" = 'tier') AS "seg$open_since:tier"
        FROM "seg_label_history"
        LEFT JOIN "seg_runs" AS "seg_runs" ON "seg_runs"."run_id" = "seg_label_history"."from_run"
        WHERE "seg_label_history"."to_run" IS NULL
        GROUP BY "seg_label_history"."customer_id"
    )
    SELECT
        "customer_id",
        "tier",
        CASE WHEN "seg$open_since:tier" IS NOT NULL AND ("seg$open_label:tier" = "tier" OR "seg$open_label:tier" IS NULL AND "tier" IS NULL) THEN "seg$open_since:tier" ELSE DATE '2025-06-30' END AS "tier_since",
        CAST([] AS VARCHAR[]) AS "tags",
        "seg$open_label:tier",
        "seg$open_since:tier"
    FROM "seg_step_1"
    LEFT JOIN "seg_open_labels" AS "seg_open_labels" ON "seg_open_labels"."seg$open_key" = "seg_step_1"."customer_id"
    ORDER BY "customer_id"
    "#);
}
