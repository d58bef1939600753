//! The language's everyday constructs, run on DuckDB over a few rows written
//! here, against values worked out by hand in the comments: `first` and
//! `last`, windows that end before the as-of date, the everyday functions,
//! text tests and date arithmetic; and their SQL.

use std::path::Path;

use crate::support::{check_text, program_of, run_rules, table};

/// The SQL of the computation for inline rules: the base, then what is
/// derived from it.
fn compute_sql(rules: &str) -> String {
    let (files, checked) = check_text(rules);
    let plan = seg::compile(&program_of(&files, checked));
    format!(
        "{};

{}",
        plan.base.sql, plan.derived.sql
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const SOURCES: &str = "source customers from \"customers.csv\" key customer_id\n\
                       source orders from \"orders.csv\" by customer_id at ordered_at\n\
                       as of 2025-06-30\n";

#[test]
fn first_and_last_take_the_earliest_and_latest_row_ties_to_the_smallest_value() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "customers.csv", "customer_id\n1\n2\n3\n4\n");
    write(
        dir.path(),
        "orders.csv",
        "customer_id,ordered_at,channel,category,status\n\
         1,2025-01-10 09:00:00,web,books,paid\n\
         1,2025-01-10 09:00:00,app,toys,paid\n\
         1,2025-03-01 12:00:00,store,games,refunded\n\
         1,2025-06-29 08:00:00,,garden,paid\n\
         2,2025-02-01 10:00:00,store,music,paid\n\
         2,2025-07-01 10:00:00,web,books,paid\n\
         3,2025-05-01 10:00:00,app,books,refunded\n",
    );
    let (_, db) = run_rules(
        dir.path(),
        &format!(
            "{SOURCES}\
             metric acquired_by   = first(orders.channel)\n\
             metric last_channel  = last(orders.channel)\n\
             metric last_category = last(orders.category)\n\
             metric first_paid    = first(orders.category where status = \"paid\")\n\
             metric last_recent   = last(orders.category where status = \"paid\", last 90 days)\n\
             metric first_older   = first(orders.category, 365 to 60 days ago)\n"
        ),
    );
    // 1: two rows at the earliest time (web/books, app/toys): the smallest
    //    value wins, app and books. The latest row (06-29) has no channel,
    //    so `last(channel)` is that of 03-01, store; its category garden is
    //    the last one, also the last paid in the last 90 days (from 04-01).
    //    365 to 60 days ago is 2024-06-30 up to 2025-05-01: 01-10 and 03-01,
    //    so books (the tie again).
    // 2: the 07-01 row is after the as-of date: only 02-01 (store, music),
    //    which is before the last 90 days.
    // 3: one refunded row on 05-01 10:00, after the older window's end.
    // 4: no rows: all missing.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, acquired_by, last_channel, last_category, first_paid, \
             last_recent, first_older FROM seg_customers"
        ),
        "customer_id | acquired_by | last_channel | last_category | first_paid | last_recent | first_older\n\
         1 | app | store | garden | books | garden | books\n\
         2 | store | store | music | music | ∅ | music\n\
         3 | app | app | books | ∅ | ∅ | ∅\n\
         4 | ∅ | ∅ | ∅ | ∅ | ∅ | ∅"
    );
}

#[test]
fn windows_that_end_before_the_as_of_date_include_their_start_only() {
    // As of 2025-06-30: 30 days back is 2025-05-31, 90 days 2025-04-01 and
    // 180 days 2025-01-01. `90 to 30 days ago` is [04-01, 05-31).
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "customers.csv", "customer_id\n1\n2\n3\n4\n");
    write(
        dir.path(),
        "orders.csv",
        "customer_id,ordered_at,amount\n\
         1,2025-04-01 00:00:00,1\n\
         1,2025-03-31 23:59:59,2\n\
         1,2025-05-30 23:59:59,4\n\
         1,2025-05-31 00:00:00,8\n\
         2,2025-06-15 00:00:00,16\n\
         3,2025-01-02 00:00:00,32\n\
         3,2024-12-31 23:00:00,64\n\
         4,2025-05-01 12:00:00,128\n",
    );
    let (_, db) = run_rules(
        dir.path(),
        &format!(
            "{SOURCES}\
             metric mid      = sum(orders.amount, 90 to 30 days ago)\n\
             metric reversed = sum(orders.amount, 30 to 90 days ago)\n\
             metric recent   = sum(orders.amount, last 30 days)\n\
             metric quarter  = sum(orders.amount, last 90 days)\n\
             metric previous = sum(orders.amount, 180 to 90 days ago)\n\
             metric trend    = quarter / previous\n\
             metric recent_n = count(orders where ordered_at >= as_of - 30 days)\n\
             tag gone_quiet when count(orders, 90 to 30 days ago) > 0\n    \
                 and count(orders, last 30 days) = 0\n"
        ),
    );
    // 1: mid 1 (04-01 00:00, the start, in) + 4 (05-30 23:59:59) = 5; 2 is a
    //    second before the start, 8 on 05-31, the end (out: it is in the last
    //    30 days). quarter 1 + 4 + 8 = 13, previous 2, trend 6.5.
    // 2: only the last 30 days: 16; previous 0, so the trend is missing.
    // 3: 32 on 01-02 is in the previous quarter (from 01-01), 64 before it.
    // 4: 128 on 05-01: in the middle window only, and nothing since: quiet.
    // recent_n counts what `last 30 days` sums, from `as_of - 30 days` on.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, mid, reversed, recent, quarter, previous, trend, recent_n, tags \
             FROM seg_customers"
        ),
        "customer_id | mid | reversed | recent | quarter | previous | trend | recent_n | tags\n\
         1 | 5 | 5 | 8 | 13 | 2 | 6.5 | 1 | []\n\
         2 | 0 | 0 | 16 | 16 | 0 | ∅ | 1 | []\n\
         3 | 0 | 0 | 0 | 0 | 32 | 0.0 | 0 | []\n\
         4 | 128 | 128 | 0 | 128 | 0 | ∅ | 0 | [gone_quiet]"
    );
}

#[test]
fn everyday_functions_keep_the_missing_value_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "customers.csv",
        "customer_id,name,email,region,birth_date,income\n\
         1,Ada,ada@Gmail.com,North,1990-06-15,52000\n\
         2,Ben,ben@example.com,south,1985-07-01,\n\
         3,Cy,,EAST,,30000\n",
    );
    write(
        dir.path(),
        "orders.csv",
        "customer_id,ordered_at,amount,sku\n\
         1,2025-06-01 10:00:00,100,AB-12-x\n\
         1,2025-06-20 10:00:00,50,TEST-1\n\
         2,2025-05-01 10:00:00,20,50%off\n",
    );
    let (_, db) = run_rules(
        dir.path(),
        &format!(
            "{SOURCES}\
             metric avg_spend   = if_missing(avg(orders.amount), 0)\n\
             metric income_or_0 = if_missing(income, 0)\n\
             metric bonus       = if(sum(orders.amount) > 100, 10, 0)\n\
             metric rich        = if(income > 40000, \"rich\", \"other\")\n\
             metric top         = greatest(income, 40000)\n\
             metric low         = least(income, 40000)\n\
             metric name_length = length(name)\n\
             metric shout       = upper(name)\n\
             metric quiet       = lower(region)\n\
             metric birth_month = month(birth_date)\n\
             metric spread      = days_between(min(orders.ordered_at), max(orders.ordered_at))\n\
             metric follow_up   = min(orders.ordered_at) + 30 days\n\
             metric year_ago    = as_of - 1 year\n"
        ),
    );
    // avg_spend: 1 (100 + 50) / 2 = 75, 2 20, 3 no orders → 0.
    // income_or_0: 2 has none → 0. bonus: 1's 150 > 100 → 10, else 0.
    // rich: 2's missing income fails the condition → "other".
    // top / low: 2's missing income gives missing (missing in, missing out).
    // spread: 1 06-01 to 06-20 = 19 days, 2 one order = 0, 3 none → missing.
    // follow_up: 30 days after the first order; year_ago 2024-06-30, a date.
    assert_eq!(
        table(
            &db,
            "SELECT customer_id, avg_spend, income_or_0, bonus, rich, top, low, name_length, \
             shout, quiet, birth_month, spread, follow_up, year_ago FROM seg_customers"
        ),
        "customer_id | avg_spend | income_or_0 | bonus | rich | top | low | name_length | shout | quiet | birth_month | spread | follow_up | year_ago\n\
         1 | 75.0 | 52000 | 10 | rich | 52000 | 40000 | 3 | ADA | north | 6 | 19 | 2025-07-01 10:00:00 | 2024-06-30\n\
         2 | 20.0 | 0 | 0 | other | ∅ | ∅ | 3 | BEN | south | 7 | 0 | 2025-05-31 10:00:00 | 2024-06-30\n\
         3 | 0.0 | 30000 | 0 | other | 40000 | 30000 | 2 | CY | east | ∅ | ∅ | ∅ | 2024-06-30"
    );
}

#[test]
fn text_tests_and_patterns_read_as_they_are_said() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "customers.csv",
        "customer_id,name,email,region,birth_date\n\
         1,Ada,ada@Gmail.com,North,1990-06-15\n\
         2,Ben,ben@example.com,south,1985-07-01\n\
         3,Cy,,EAST,\n",
    );
    write(
        dir.path(),
        "orders.csv",
        "customer_id,ordered_at,sku\n\
         1,2025-06-01 10:00:00,AB-12-x\n\
         1,2025-06-20 10:00:00,TEST-1\n\
         2,2025-05-01 10:00:00,50%off\n",
    );
    let (_, db) = run_rules(
        dir.path(),
        &format!(
            "{SOURCES}\
             tag birthday    when month(birth_date) = month(as_of)\n\
             tag gmail       when email ends with \"@gmail.com\" ignoring case\n\
             tag gmail_exact when email ends with \"@gmail.com\"\n\
             tag north       when region = \"north\" ignoring case\n\
             tag not_north   when not (region = \"NORTH\" ignoring case)\n\
             tag has_d       when name contains \"d\"\n\
             tag has_a       when name contains \"A\" ignoring case\n\
             tag b_name      when name starts with \"B\"\n\
             tag test_sku    when max(orders.sku) matches \"TEST-*\"\n\
             tag percent     when max(orders.sku) matches \"50%*\"\n\
             tag underscore  when max(orders.sku) matches \"50_*\"\n\
             tag shaped      when min(orders.sku) matches \"ab-??-*\" ignoring case\n\
             tag no_email    when not (email contains \"@\")\n"
        ),
    );
    // birthday: as of June; 1 was born in June, 3's date is missing.
    // gmail: 1's "Gmail" only without case. north: 1's "North".
    // not_north: 2 and 3 (no region is missing here).
    // has_d / has_a: "Ada" only (Ben, Cy have neither).
    // test_sku: 1's largest sku is TEST-1. percent: 2's 50%off — `%` is
    // itself, so `50_*` (`_` itself too) matches nothing.
    // shaped: 1's smallest sku AB-12-x is ab-, two characters, -, anything.
    // no_email: 3's email is missing, so `contains` is false, and `not` true.
    assert_eq!(
        table(&db, "SELECT customer_id, tags FROM seg_customers"),
        "customer_id | tags\n\
         1 | [birthday, gmail, north, has_d, has_a, test_sku, shaped]\n\
         2 | [not_north, b_name, percent]\n\
         3 | [not_north, no_email]"
    );
}

#[test]
fn the_sql_of_first_last_and_windows_that_end_before_today() {
    insta::assert_snapshot!(compute_sql(
        "metric acquired_by = first(orders.channel)\n\
         metric last_status = last(orders.status where amount > 10, last 90 days)\n\
         metric middle = count(orders, 90 to 30 days ago)\n\
         metric previous = sum(orders.amount, 6 to 3 months ago)\n"
    ));
}

#[test]
fn the_sql_of_the_everyday_functions() {
    insta::assert_snapshot!(compute_sql(
        "metric income_or_0 = if_missing(income, 0)\n\
         metric band = if(income > 40000, \"high\", \"low\")\n\
         metric top = greatest(income, 40000)\n\
         metric fixed = greatest(1, 2)\n\
         metric region_length = length(lower(region))\n\
         metric signup_month = month(signup_date)\n\
         metric waited = days_between(signup_date, max(orders.ordered_at))\n\
         metric later = signup_date + 2 weeks\n\
         metric earlier = signup_date - 1 month\n\
         metric year_ago = as_of - 1 year\n\
         tag north when region = \"North\" ignoring case\n\
         tag coded when region matches \"n*_1?%\"\n\
         tag ends when region ends with \"th\" or region starts with \"no\" or region contains \"r\"\n"
    ));
}

#[test]
fn columns_whose_names_are_not_names_are_written_in_brackets() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "customers.csv",
        "Customer No,2nd phone,Region Name\n1,555-1234,North\n2,,south\n",
    );
    write(
        dir.path(),
        "orders.csv",
        "order-id,Customer No,Order Date,Order Total\n\
         a1,1,2025-06-01,150\n\
         a2,1,2025-06-02,50\n\
         a3,2,2025-06-03,200\n\
         a4,2,2025-07-01,900\n",
    );
    let (_, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key [Customer No]\n\
         source orders from \"orders.csv\" by [Customer No] at [Order Date]\n\
         as of 2025-06-30\n\
         metric big_orders = count(orders where [Order Total] > 100)\n\
         metric last_id = last(orders.[order-id])\n\
         metric region = lower([Region Name])\n\
         tag second_line when [2nd phone] is not missing\n",
    );
    // 1: one order over 100 (150), the last a2; a second phone.
    // 2: 200 (a4 is dated after the as-of date): one big order, last a3.
    assert_eq!(
        table(
            &db,
            "SELECT \"Customer No\", big_orders, last_id, region, tags FROM seg_customers"
        ),
        "Customer No | big_orders | last_id | region | tags\n\
         1 | 1 | a2 | north | [second_line]\n\
         2 | 1 | a3 | south | []"
    );
}

#[test]
fn conditions_use_hand_assigned_tags_by_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "customers.csv",
        "customer_id,satisfaction\n1,1\n2,2\n3,5\n4,1\n",
    );
    write(
        dir.path(),
        "crm.csv",
        "customer_id,tag\n1,key_account\n2,key_account\n2,newsletter\n3,key_account\n4,newsletter\n",
    );
    write(dir.path(), "crm2.csv", "customer_id,label\n4,key_account\n");
    let (_, db) = run_rules(
        dir.path(),
        "source customers from \"customers.csv\" key customer_id\n\
         source crm from \"crm.csv\" by customer_id\n\
         source crm2 from \"crm2.csv\" by customer_id\n\
         tags from crm.tag\n\
         tags from crm2.label\n\
         tag unhappy when satisfaction <= 2\n\
         tag vip_unhappy when key_account and unhappy\n\
         tag quiet_vip when key_account and not newsletter\n",
    );
    // key_account: 1, 2, 3 (crm) and 4 (crm2); newsletter: 2 and 4.
    // unhappy (satisfaction <= 2): 1, 2, 4. vip_unhappy: 1, 2, 4.
    // quiet_vip: key accounts without the newsletter: 1 and 3.
    assert_eq!(
        table(&db, "SELECT customer_id, tags FROM seg_customers"),
        "customer_id | tags\n\
         1 | [unhappy, vip_unhappy, quiet_vip, key_account]\n\
         2 | [unhappy, vip_unhappy, key_account, newsletter]\n\
         3 | [quiet_vip, key_account]\n\
         4 | [unhappy, vip_unhappy, key_account, newsletter]"
    );
}

#[test]
fn the_sql_of_hand_assigned_tags_in_conditions_and_bracketed_names() {
    insta::assert_snapshot!(compute_sql(
        "source crm_tags from \"crm_tags.csv\" by customer_id\n\
         tags from crm_tags.tag\n\
         tag northern_key when key_account and [region] = \"north\"\n\
         tag quiet_key when key_account and not newsletter\n\
         metric big = count(orders where [amount] > 100)\n"
    ));
}
