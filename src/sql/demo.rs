//! Synthetic demo data, generated inside DuckDB so a million customers take
//! seconds. Deterministic: every random draw is a hash of (seed, row, draw
//! number), never `random()`, so the same seed gives the same data on any
//! number of threads.
//!
//! The shape is meant to look like a real retailer: heavy-tailed spend,
//! about 10% of customers who never bought, customers who stopped buying,
//! channel and category preferences, refunds that go with unhappy survey
//! answers, browsing without buying.

use super::quote;

/// The last day of the demo history; a run as of the day after sees it all.
pub const HISTORY_END: &str = "2025-12-31";
/// The as-of date the demo runs with.
pub const AS_OF: &str = "2026-01-01";

/// What the demo generates: the helper tables, created in order, then each
/// table written out as a file with the query of its rows.
pub struct Demo {
    pub helpers: Vec<(&'static str, String)>,
    pub outputs: Vec<(&'static str, String)>,
}

/// The demo's statements. Only the helper tables (one row per customer)
/// are kept in memory; the fact tables stream into their files, so ten
/// million customers need no more memory than their own rows.
pub fn tables(customers: u64, seed: u64) -> Demo {
    let setup = format!(
        "CREATE OR REPLACE TEMP MACRO u(a, b) AS (hash({seed}, a, b) % 1000003) / 1000003.0;\n\
         CREATE OR REPLACE TEMP MACRO normal(a, b) AS \
         sqrt(-2 * ln(greatest(u(a, b), 1e-9))) * cos(2 * pi() * u(a, b + 7919));\n\
         CREATE OR REPLACE TEMP MACRO pick(x, items) AS items[1 + least(floor(x * len(items))::INTEGER, len(items) - 1)];"
    );
    let people = format!(
        "CREATE OR REPLACE TEMP TABLE demo_people AS
SELECT
    id,
    u(id, 1) AS r_region,
    DATE '2023-01-01' + floor(pow(u(id, 2), 0.7) * 1095)::INTEGER AS signup_date,
    -- 10% never buy; the others buy between 1 and ~60 times, heavy-tailed
    CASE WHEN u(id, 3) < 0.10 THEN 0 ELSE floor(exp(4.1 * pow(u(id, 4), 2)))::INTEGER END AS orders,
    -- a third stop buying some time before the end of the history
    u(id, 5) < 0.35 AS stops,
    u(id, 6) AS r_stop,
    pick(u(id, 7), ['online', 'online', 'online', 'store', 'store', 'app']) AS channel,
    pick(u(id, 8), ['electronics', 'fashion', 'home', 'beauty', 'grocery', 'sports', 'books', 'toys']) AS category,
    CASE WHEN u(id, 9) < 0.12 THEN 0.35 ELSE 0.04 END AS refund_rate,
    exp(3.3 + 0.35 * normal(id, 10)) AS basket
FROM range(1, {customers} + 1) t(id)"
    );
    // Order ids number the orders by customer, then by order: each
    // customer's first id follows the orders of the customers before, a
    // running sum over the customers instead of a window over every order.
    let first_orders = "CREATE OR REPLACE TEMP TABLE demo_buyers AS
SELECT *, CAST(sum(orders) OVER (ORDER BY id) - orders + 1 AS BIGINT) AS first_order_id
FROM demo_people
WHERE orders > 0
ORDER BY id"
        .to_string();
    let customers_sql = "SELECT
    id AS customer_id,
    pick(r_region, ['North', 'North', 'South', 'East', 'East', 'West', 'West', 'Central']) AS region,
    pick(u(id, 20), CASE pick(r_region, ['North', 'North', 'South', 'East', 'East', 'West', 'West', 'Central'])
        WHEN 'North' THEN ['Aberdeen', 'Inverness', 'Dundee']
        WHEN 'South' THEN ['Brighton', 'Southampton', 'Exeter']
        WHEN 'East' THEN ['Norwich', 'Cambridge', 'Ipswich']
        WHEN 'West' THEN ['Bristol', 'Cardiff', 'Plymouth']
        ELSE ['Birmingham', 'Leicester', 'Nottingham'] END) AS city,
    pick(u(id, 21), ['female', 'female', 'female', 'female', 'female', 'female', 'female', 'female', 'female', 'female', 'female', 'female',
                     'male', 'male', 'male', 'male', 'male', 'male', 'male', 'male', 'male', 'male', 'male', 'male', 'non-binary']) AS gender,
    DATE '1950-01-01' + floor(u(id, 22) * 20800)::INTEGER AS birth_date,
    pick(u(id, 23), ['retail', 'healthcare', 'education', 'finance', 'manufacturing', 'technology', 'hospitality', 'public sector']) AS industry,
    pick(u(id, 24), ['organic', 'organic', 'paid_search', 'social', 'referral', 'email']) AS acquisition_channel,
    signup_date,
    CASE WHEN u(id, 25) < 0.15 THEN NULL
         ELSE round(exp(10.7 + 0.45 * normal(id, 26)), -2)::INTEGER END AS income
FROM demo_people
ORDER BY customer_id"
        .to_string();
    let orders = "WITH spans AS (
    SELECT *,
        CASE WHEN stops THEN signup_date + floor(r_stop * (DATE '2025-12-31' - signup_date))::INTEGER
             ELSE DATE '2025-12-31' END AS last_day
    FROM demo_buyers
),
numbered AS (
    SELECT *, unnest(range(orders)) AS n FROM spans
)
SELECT
    first_order_id + n AS order_id,
    id AS customer_id,
    (signup_date + floor(pow(u(id * 64 + n, 30), 0.8) * (last_day - signup_date + 1))::INTEGER)::TIMESTAMP
        + to_seconds(floor(u(id * 64 + n, 31) * 86400)::BIGINT) AS ordered_at,
    round(basket * exp(0.6 * normal(id * 64 + n, 32)), 2)::DECIMAL(10, 2) AS amount,
    CASE WHEN u(id * 64 + n, 33) < 0.75 THEN channel
         ELSE pick(u(id * 64 + n, 34), ['online', 'store', 'app']) END AS channel,
    CASE WHEN u(id * 64 + n, 35) < refund_rate THEN 'refunded'
         WHEN u(id * 64 + n, 36) < 0.05 THEN 'cancelled'
         ELSE 'paid' END AS status,
    CASE WHEN u(id * 64 + n, 37) < 0.5 THEN category
         ELSE pick(u(id * 64 + n, 38), ['electronics', 'fashion', 'home', 'beauty', 'grocery', 'sports', 'books', 'toys']) END AS category
-- in order of order_id already: the buyers are in order of id, and DuckDB
-- keeps the order of what it reads when nothing sorts
FROM numbered"
        .to_string();
    let events = "WITH activity AS (
    SELECT id, signup_date,
        -- buyers browse in proportion to how much they buy; half of those
        -- who never bought browse anyway
        CASE WHEN orders = 0 THEN (CASE WHEN u(id, 40) < 0.5 THEN 3 + floor(u(id, 41) * 12)::INTEGER ELSE 0 END)
             ELSE least(orders * 2 + floor(u(id, 42) * 4)::INTEGER, 60) END AS events
    FROM demo_people
),
numbered AS (
    SELECT *, unnest(range(events)) AS n FROM activity WHERE events > 0
)
SELECT
    id AS customer_id,
    (greatest(signup_date, DATE '2025-01-01') + floor(u(id * 64 + n, 43) * (DATE '2025-12-31' - greatest(signup_date, DATE '2025-01-01') + 1))::INTEGER)::TIMESTAMP
        + to_seconds(floor(u(id * 64 + n, 44) * 86400)::BIGINT) AS event_at,
    pick(u(id * 64 + n, 45), ['view', 'view', 'view', 'view', 'view', 'click', 'click', 'search', 'search', 'cart']) AS event_type
FROM numbered
ORDER BY customer_id, event_at"
        .to_string();
    let surveys = "WITH answered AS (
    SELECT *, unnest(range(1 + floor(u(id, 50) * 2)::INTEGER)) AS n
    FROM demo_people
    WHERE orders > 0 AND u(id, 51) < 0.35
)
SELECT
    id AS customer_id,
    (signup_date + floor(u(id * 64 + n, 52) * (DATE '2025-12-31' - signup_date + 1))::INTEGER)::TIMESTAMP AS answered_at,
    -- customers who often send things back are the unhappy ones
    CASE WHEN refund_rate > 0.1 THEN 1 + floor(u(id * 64 + n, 53) * 2.6)::INTEGER
         ELSE 2 + floor(pow(u(id * 64 + n, 54), 0.6) * 3.99)::INTEGER END AS satisfaction
FROM answered
ORDER BY customer_id, answered_at"
        .to_string();
    let crm_tags = "-- assigned from mid-2024 on, never before the customer signed up
SELECT id AS customer_id, tag,
    greatest(signup_date, DATE '2024-06-01')
        + floor(u(id, 61) * (DATE '2025-12-31' - greatest(signup_date, DATE '2024-06-01') + 1))::INTEGER AS assigned_at
FROM (
    SELECT id, signup_date, 'key_account' AS tag FROM demo_people WHERE u(id, 60) < 0.02
    UNION ALL
    SELECT id, signup_date, 'do_not_contact' FROM demo_people WHERE u(id, 62) < 0.01
    UNION ALL
    -- account managers also mark big spenders by hand
    SELECT id, signup_date, 'high_spender' FROM demo_people WHERE u(id, 63) < 0.005
)
ORDER BY customer_id, tag"
        .to_string();
    Demo {
        helpers: vec![
            ("setup", setup),
            ("people", people),
            ("buyers", first_orders),
        ],
        outputs: vec![
            ("customers", customers_sql),
            ("orders", orders),
            ("events", events),
            ("surveys", surveys),
            ("crm_tags", crm_tags),
        ],
    }
}

/// Writes the rows of `query` to a Parquet file; DuckDB answers with the
/// number of rows written.
pub fn write(query: &str, path: &str) -> String {
    format!("COPY ({query}) TO {} (FORMAT parquet)", quote::string(path))
}
