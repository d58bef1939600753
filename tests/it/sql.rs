//! The SQL seg generates: the whole script of a rule set, and the result
//! query for small inline rule sets.

use seg::semantic::Mode;

use crate::support::{check_fixture, check_text, rendered, settings};

/// The SQL of the computation for inline rules.
fn compute_sql(rules: &str) -> String {
    let (files, checked) = check_text(rules);
    let program = checked
        .program
        .unwrap_or_else(|| panic!("{}", rendered(&files, &seg::Checked { program: None, diagnostics: checked.diagnostics })));
    let plan = seg::compile(&program);
    plan.compute[0].sql.clone()
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
    ), @"");
}

#[test]
fn comparisons_with_missing_values_are_false_not_null() {
    // `income` can be missing; `not (income > 10)` must then hold.
    insta::assert_snapshot!(compute_sql(
        "tag low when not (income > 10)\n\
         tag known when income is not missing and region in (\"north\")\n\
         tag vip when is_vip\n"
    ), @"");
}

#[test]
fn scores_and_percentiles_are_window_functions() {
    insta::assert_snapshot!(compute_sql(
        "metric frequency = count(orders)\n\
         metric monetary = sum(orders.amount)\n\
         score f = quintile(frequency) where frequency > 0\n\
         score m = ntile(10, monetary / 2, lower_is_better)\n\
         tag top when monetary >= percentile(monetary, 0.9)\n"
    ), @"");
}

#[test]
fn names_and_labels_are_quoted_so_nothing_breaks_out() {
    insta::assert_snapshot!(compute_sql(
        "tier \"A\\\"; DROP TABLE customers; --\" when region = \"north'); DROP TABLE t; --\"\n\
         tier 高价值 otherwise\n"
    ), @"");
}
