-- The rules in rules/, written by hand as the DuckDB SQL an expert would
-- write for them, as of 2026-01-01: the same seg_customers and
-- seg_customer_tags a `seg run rules --as-of 2026-01-01` publishes (checked
-- by bench/same_tables.sql), without the summaries and the run log.
-- bench/compare.sh runs it with ${DATA} set to the demo data folder.
--
-- What an expert does: one pass over each fact source with every aggregate
-- as a FILTER, dataset-level percentiles once as a one-row aggregate, the
-- tag list as one expression per customer, the wide table written once in
-- key order and the long table unnested from it.
BEGIN TRANSACTION;

CREATE OR REPLACE TABLE seg_customers AS
WITH
o AS (
    SELECT
        customer_id,
        count(*) AS orders_placed,
        count(*) FILTER (WHERE channel = 'online') AS online_orders,
        mode(channel ORDER BY channel) FILTER (WHERE status = 'paid') AS favourite_channel,
        mode(category ORDER BY category) FILTER (WHERE status = 'paid') AS favourite_category,
        count(*) FILTER (WHERE status = 'refunded') AS refunded_orders,
        count(*) FILTER (WHERE status = 'paid' AND ordered_at >= DATE '2025-10-03') AS paid_90d,
        count(*) FILTER (WHERE channel = 'app' AND ordered_at >= DATE '2025-07-05') AS app_180d,
        count(*) FILTER (WHERE status = 'paid') AS frequency,
        sum(amount) FILTER (WHERE status = 'paid') AS monetary,
        min(ordered_at) FILTER (WHERE status = 'paid') AS first_order,
        max(ordered_at) FILTER (WHERE status = 'paid') AS last_order
    FROM read_parquet('${DATA}/orders.parquet')
    WHERE ordered_at < DATE '2026-01-01'
    GROUP BY customer_id
),
e AS (
    SELECT
        customer_id,
        count(*) FILTER (WHERE event_type = 'view' AND event_at >= DATE '2025-10-03') AS views_90d,
        count(*) FILTER (WHERE event_type = 'cart' AND event_at >= DATE '2025-10-03') AS carts_90d
    FROM read_parquet('${DATA}/events.parquet')
    WHERE event_at < DATE '2026-01-01'
    GROUP BY customer_id
),
s AS (
    SELECT customer_id, avg(satisfaction) AS satisfaction
    FROM read_parquet('${DATA}/surveys.parquet')
    WHERE answered_at < DATE '2026-01-01'
    GROUP BY customer_id
),
m AS (
    SELECT customer_id, list_sort(list(DISTINCT trim(CAST(tag AS VARCHAR)))) AS manual
    FROM read_parquet('${DATA}/crm_tags.parquet')
    WHERE assigned_at < DATE '2026-01-01' AND tag IS NOT NULL AND trim(CAST(tag AS VARCHAR)) <> ''
    GROUP BY customer_id
),
metrics AS (
    SELECT
        c.customer_id,
        c.birth_date,
        c.income,
        coalesce(o.orders_placed, 0) AS orders_placed,
        coalesce(o.online_orders, 0) / nullif(coalesce(o.orders_placed, 0), 0) AS online_share,
        o.favourite_channel,
        o.favourite_category,
        coalesce(o.refunded_orders, 0) / nullif(coalesce(o.orders_placed, 0), 0) AS refund_rate,
        coalesce(e.views_90d, 0) AS views_90d,
        coalesce(e.carts_90d, 0) AS carts_90d,
        coalesce(o.paid_90d, 0) AS paid_90d,
        coalesce(o.app_180d, 0) AS app_180d,
        s.satisfaction,
        coalesce(o.frequency, 0) AS frequency,
        coalesce(o.monetary, 0) AS monetary,
        o.first_order,
        o.last_order,
        (DATE '2026-01-01' - CAST(o.last_order AS DATE)) AS recency,
        ((DATE '2026-01-01' - CAST(o.first_order AS DATE)) + 30) / 365.25 AS tenure_years,
        coalesce(m.manual, CAST([] AS VARCHAR[])) AS manual
    FROM read_parquet('${DATA}/customers.parquet') AS c
    LEFT JOIN o USING (customer_id)
    LEFT JOIN e USING (customer_id)
    LEFT JOIN s USING (customer_id)
    LEFT JOIN m USING (customer_id)
),
values AS (
    SELECT
        *,
        monetary / nullif(frequency, 0) AS average_order_value,
        frequency / nullif(tenure_years, 0) AS orders_per_year,
        round(monetary / nullif(frequency, 0) * (frequency / nullif(tenure_years, 0)) * 3 - 40, 2) AS clv
    FROM metrics
),
-- Dataset-level values once, as one row.
percentiles AS (
    SELECT
        quantile_cont(CAST(clv AS DOUBLE), 0.8) AS clv_80,
        quantile_cont(CAST(clv AS DOUBLE), 0.4) AS clv_40,
        quantile_cont(CAST(monetary AS DOUBLE), 0.9) AS monetary_90,
        quantile_cont(CAST(monetary AS DOUBLE), 0.95) AS monetary_95
    FROM values
),
scored AS (
    SELECT
        v.*,
        p.*,
        CASE WHEN recency IS NOT NULL AND frequency > 0
            THEN 5 * (rank() OVER (PARTITION BY recency IS NOT NULL AND frequency > 0 ORDER BY recency DESC) - 1)
                 // count(*) OVER (PARTITION BY recency IS NOT NULL AND frequency > 0) + 1 END AS r,
        CASE WHEN frequency > 0
            THEN 5 * (rank() OVER (PARTITION BY frequency > 0 ORDER BY frequency) - 1)
                 // count(*) OVER (PARTITION BY frequency > 0) + 1 END AS f,
        CASE WHEN frequency > 0
            THEN 5 * (rank() OVER (PARTITION BY frequency > 0 ORDER BY monetary) - 1)
                 // count(*) OVER (PARTITION BY frequency > 0) + 1 END AS m,
        CASE WHEN frequency >= 10 AND monetary > 1500 THEN 'A'
             WHEN frequency >= 4 OR monetary > 500 THEN 'B'
             ELSE 'C' END AS tier
    FROM values AS v, percentiles AS p
)
SELECT
    customer_id,
    orders_placed, online_share, favourite_channel, favourite_category, refund_rate,
    views_90d, carts_90d, paid_90d, satisfaction,
    average_order_value, tenure_years, orders_per_year, clv,
    frequency, monetary, first_order, last_order, recency,
    r, f, m,
    CASE WHEN clv >= clv_80 THEN 'high'
         WHEN clv >= clv_40 THEN 'medium'
         WHEN clv IS NOT NULL THEN 'low'
         ELSE 'unknown' END AS clv_band,
    CASE WHEN frequency = 0 THEN 'potential'
         WHEN first_order >= DATE '2025-11-02' THEN 'new'
         WHEN recency <= 90 THEN 'active'
         WHEN recency <= 365 THEN 'silent'
         ELSE 'churned' END AS lifecycle,
    CASE WHEN frequency = 0 THEN 'Never Bought'
         WHEN r = 5 AND f >= 4 THEN 'Champions'
         WHEN r >= 3 AND f >= 4 THEN 'Loyal Customers'
         WHEN r >= 4 AND f BETWEEN 2 AND 3 THEN 'Potential Loyalist'
         WHEN r = 5 AND f = 1 THEN 'New Customers'
         WHEN r = 4 AND f = 1 THEN 'Promising'
         WHEN r = 3 AND f = 3 THEN 'Need Attention'
         WHEN r = 3 AND f <= 2 THEN 'About To Sleep'
         WHEN r <= 2 AND f = 5 THEN 'Can''t Lose Them'
         WHEN r <= 2 AND f BETWEEN 3 AND 4 THEN 'At Risk'
         WHEN r = 1 AND f = 1 THEN 'Lost'
         ELSE 'Hibernating' END AS rfm,
    tier,
    CASE WHEN tier = 'A' OR m = 5 THEN '高价值客户'
         WHEN first_order >= DATE '2025-11-02' THEN '新客户'
         WHEN f >= 3 AND recency <= 90 THEN '潜力客户'
         WHEN recency > 180 AND recency <= 365 THEN '流失风险客户'
         WHEN recency > 365 THEN '沉睡客户'
         WHEN frequency > 0 THEN '一般客户'
         ELSE '未购买客户' END AS "价值分层",
    -- Rule-made tags in catalogue order (a hand-assigned tag of the same
    -- name is that tag), then the other hand-assigned ones by name.
    list_concat(
        list_filter([
            CASE WHEN online_share >= 0.6 AND frequency >= 2 OR list_contains(manual, 'online_shopper') THEN 'online_shopper' END,
            CASE WHEN favourite_channel = 'store' AND frequency >= 2 OR list_contains(manual, 'store_shopper') THEN 'store_shopper' END,
            CASE WHEN app_180d >= 2 OR list_contains(manual, 'app_user') THEN 'app_user' END,
            CASE WHEN views_90d >= 5 AND paid_90d = 0 OR list_contains(manual, 'window_shopper') THEN 'window_shopper' END,
            CASE WHEN carts_90d >= 1 AND paid_90d = 0 OR list_contains(manual, 'cart_abandoner') THEN 'cart_abandoner' END,
            CASE WHEN monetary >= monetary_90 OR list_contains(manual, 'high_spender') THEN 'high_spender' END,
            CASE WHEN tier = 'A' AND recency > 120 OR list_contains(manual, 'at_risk_vip') THEN 'at_risk_vip' END,
            CASE WHEN refund_rate >= 0.25 AND orders_placed >= 4 OR list_contains(manual, 'refund_prone') THEN 'refund_prone' END,
            CASE WHEN satisfaction <= 2 OR list_contains(manual, 'unhappy') THEN 'unhappy' END,
            CASE WHEN satisfaction >= 4.5 OR list_contains(manual, 'delighted') THEN 'delighted' END,
            CASE WHEN date_sub('year', CAST(birth_date AS DATE), DATE '2026-01-01') BETWEEN 18 AND 29 OR list_contains(manual, 'young_adult') THEN 'young_adult' END,
            CASE WHEN income >= 90000 OR list_contains(manual, 'high_income') THEN 'high_income' END,
            CASE WHEN satisfaction <= 2 OR list_contains(manual, '不满意客户') THEN '不满意客户' END,
            CASE WHEN frequency >= 12 AND recency <= 60 OR list_contains(manual, '忠实客户') THEN '忠实客户' END,
            CASE WHEN monetary >= monetary_95 OR list_contains(manual, '高消费客户') THEN '高消费客户' END
        ], lambda t: t IS NOT NULL),
        list_filter(manual, lambda t: t NOT IN ('online_shopper', 'store_shopper', 'app_user', 'window_shopper', 'cart_abandoner', 'high_spender', 'at_risk_vip', 'refund_prone', 'unhappy', 'delighted', 'young_adult', 'high_income', '不满意客户', '忠实客户', '高消费客户'))
    ) AS tags
FROM scored
ORDER BY customer_id;

CREATE OR REPLACE TABLE seg_customer_tags AS
SELECT customer_id, unnest(tags) AS tag
FROM seg_customers;

COMMIT;
