-- Compares the tables bench/handwritten.sql wrote (the open database) with
-- the ones `seg run` wrote (${SEG}): each line is a check and the number of
-- rows that differ, 0 when the two agree. Lists compare element by element,
-- so the order of each customer's tags counts too.
ATTACH '${SEG}' AS s (READ_ONLY);
SELECT 'customers only in seg', count(*)::VARCHAR FROM (SELECT * FROM s.seg_customers EXCEPT ALL SELECT * FROM seg_customers);
SELECT 'customers only hand-written', count(*)::VARCHAR FROM (SELECT * FROM seg_customers EXCEPT ALL SELECT * FROM s.seg_customers);
SELECT 'tag rows only in seg', count(*)::VARCHAR FROM (SELECT * FROM s.seg_customer_tags EXCEPT ALL SELECT * FROM seg_customer_tags);
SELECT 'tag rows only hand-written', count(*)::VARCHAR FROM (SELECT * FROM seg_customer_tags EXCEPT ALL SELECT * FROM s.seg_customer_tags);
SELECT 'columns that differ', count(*)::VARCHAR FROM (
    (SELECT column_name, data_type, column_index FROM duckdb_columns() WHERE database_name = 's' AND table_name IN ('seg_customers', 'seg_customer_tags')
     EXCEPT SELECT column_name, data_type, column_index FROM duckdb_columns() WHERE database_name = 'hand' AND table_name IN ('seg_customers', 'seg_customer_tags'))
    UNION ALL
    (SELECT column_name, data_type, column_index FROM duckdb_columns() WHERE database_name = 'hand' AND table_name IN ('seg_customers', 'seg_customer_tags')
     EXCEPT SELECT column_name, data_type, column_index FROM duckdb_columns() WHERE database_name = 's' AND table_name IN ('seg_customers', 'seg_customer_tags'))
);
SELECT 'customers out of key order in seg', count(*)::VARCHAR FROM (
    SELECT customer_id < lag(customer_id) OVER (ORDER BY rowid) AS back FROM s.seg_customers) WHERE back;
