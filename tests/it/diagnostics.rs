//! What a rule author sees for every kind of mistake: rendered diagnostics
//! (as on a terminal, without colour) and their JSON form.

use seg::diagnostic::render;
use seg::semantic::Mode;

use crate::support::{check_fixture, check_text, codes, rendered, settings};

/// One error fixture (a file or folder under tests/fixtures/err), all its
/// diagnostics in one snapshot.
macro_rules! fixture {
    ($name:ident, $path:literal) => {
        #[test]
        fn $name() {
            let (files, checked) = check_fixture(concat!("err/", $path), &settings(Mode::Check));
            assert!(checked.program.is_none() || !checked.diagnostics.is_empty());
            insta::assert_snapshot!(rendered(&files, &checked));
        }
    };
}

fixture!(syntax_errors_are_phrased_for_people, "syntax.seg");
fixture!(unknown_names_suggest_real_ones, "names.seg");
fixture!(type_errors_name_both_sides, "types.seg");
fixture!(structure_errors_show_every_place, "structure.seg");
fixture!(segmentation_split_across_files, "split");
fixture!(unreadable_sources_leave_the_rest_checked, "unreadable.seg");
fixture!(an_indented_first_line, "indent.seg");

#[test]
fn a_file_that_is_not_utf8_is_pointed_at() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.seg");
    std::fs::write(&path, b"tag caf\xe9 when x = 1\n").unwrap();
    let files = seg::source::read_rule_set(&path).unwrap();
    let checked = seg::check(&files, &seg::semantic::NoData, &settings(Mode::Check));
    let codes = codes(&checked);
    assert!(codes.contains(&"E003"), "{codes:?}");
}

#[test]
fn json_has_file_line_column_code_severity_message_help() {
    let (files, checked) = check_fixture("err/names.seg", &settings(Mode::Check));
    let json = serde_json::to_value(render::json(&checked.diagnostics, &files)).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn the_ok_fixture_is_clean() {
    let (files, checked) = check_fixture("ok/retail", &settings(Mode::Check));
    assert_eq!(rendered(&files, &checked), "0 errors, 0 warnings\n");
    assert!(checked.program.is_some());
}

#[test]
fn set_and_source_overrides_are_checked() {
    let mut s = settings(Mode::Check);
    s.params = vec![
        ("vip_spnd".into(), "1".into()),
        ("vip_spend".into(), "lots".into()),
    ];
    s.sources = vec![("order".into(), "x.csv".into())];
    let (files, checked) = check_fixture("ok/retail", &s);
    insta::assert_snapshot!(rendered(&files, &checked));
}

#[test]
fn a_run_needs_its_sources() {
    let (files, checked) = check_fixture("err/unreadable.seg", &settings(Mode::Run));
    assert!(checked.program.is_none());
    insta::assert_snapshot!(rendered(&files, &checked));
}

#[test]
fn warnings_do_not_stop_a_program() {
    let (files, checked) = check_text("lifecycle active when count(orders) > 0\n");
    assert!(checked.program.is_some());
    insta::assert_snapshot!(rendered(&files, &checked), @"
    W001

      ⚠ `lifecycle` has no `otherwise` rule
       ╭─[rules.seg:4:1]
     3 │ as of 2025-06-30
     4 │ lifecycle active when count(orders) > 0
       · ────┬────
       ·     ╰── customers matching no rule get no label
       ╰────
      help: add `lifecycle <label> otherwise` as the last rule if every customer should get a label

    0 errors, 1 warning
    ");
}

#[test]
fn a_syntax_error_does_not_cascade_into_unknown_names() {
    let (files, checked) = check_text(
        "metric monetary = sum(orders.amount where\ntag big when monetary > 10\ntier A when monetary > 5\ntier B otherwise\ntag top when tier = \"A\"\n",
    );
    let codes = codes(&checked);
    assert_eq!(codes, ["E001"], "{}", rendered(&files, &checked));
}

#[test]
fn misplaced_things_explain_where_they_belong() {
    let (files, checked) = check_text(
        "metric a = orders.amount\n\
         metric b = quintile(a)\n\
         metric c = days_since(signup_date, last 30 days)\n\
         metric d = count(orders where region = \"north\")\n\
         metric e = sum(customers.income)\n\
         score s = round(a)\n\
         score t = ntile(1, a)\n\
         score u = quintile(a, lower_is_beter)\n\
         tag x when percentile(percentile(a, 0.5), 0.5) > 1\n\
         tag y when a > percentile(a, 1.5)\n",
    );
    insta::assert_snapshot!(rendered(&files, &checked));
}

#[test]
fn an_empty_rule_set_has_nothing_to_run() {
    let files = seg::source::SourceMap::from_text("empty.seg", "# nothing yet\n");
    let checked = seg::check(&files, &seg::semantic::NoData, &settings(Mode::Check));
    let codes = codes(&checked);
    assert_eq!(codes, ["E307"]);
}

fixture!(typing_slips_get_their_own_hints, "typing.seg");

#[test]
fn absurdly_deep_rules_are_an_error_not_a_crash() {
    let deep = format!("tag t when {}income > 1\n", "not ".repeat(2000));
    let (files, checked) = check_text(&deep);
    let codes = codes(&checked);
    assert_eq!(codes, ["E001"], "{}", rendered(&files, &checked));
}

#[test]
fn rules_as_deep_as_allowed_go_through_every_stage() {
    let deep = format!(
        "tag t when {}income > 1\nmetric m = {}1\n",
        "not ".repeat(seg::syntax::MAX_DEPTH - 2),
        "1 + ".repeat(seg::syntax::MAX_DEPTH - 2)
    );
    let (files, checked) = check_text(&deep);
    assert!(!checked.has_errors(), "{}", rendered(&files, &checked));
    let plan = seg::compile(checked.program.as_ref().unwrap());
    assert!(plan.compute[0].sql.contains("NOT NOT NOT"));
}
