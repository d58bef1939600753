//! What a rule author sees for every kind of mistake: rendered diagnostics
//! (as on a terminal, without colour) and their JSON form.

use seg::diagnostic::{Code, render};
use seg::semantic::Mode;

use crate::support::{
    ErrorFixture, check_fixture, check_text, codes, error_fixture_paths, rendered, settings,
};

/// Every error fixture (a file or folder directly under tests/fixtures/err),
/// found by glob: all its diagnostics in one snapshot, named after it.
#[test]
fn error_fixtures() {
    insta::glob!("../fixtures/err", "?*", |path| {
        let fixture = ErrorFixture::load(path);
        let checked = fixture.check();
        assert!(
            !checked.diagnostics.is_empty(),
            "{}: an error fixture reports nothing",
            fixture.name
        );
        assert_eq!(
            checked.program.is_some(),
            !checked.has_errors(),
            "{}: a program exactly when there is no error",
            fixture.name
        );
        insta::assert_snapshot!(rendered(&fixture.files, &checked));
    });
}

/// Each code of the catalogue is shown by at least one error fixture, so
/// its rendering is snapshotted.
#[test]
fn every_code_has_an_error_fixture() {
    let mut shown = std::collections::BTreeSet::new();
    for path in error_fixture_paths() {
        let fixture = ErrorFixture::load(&path);
        shown.extend(codes(&fixture.check()));
    }
    // `seg lint`'s codes are shown by the fixtures under tests/fixtures/lint.
    shown.extend(crate::lint::lint_fixture_codes());
    // A failed example or expectation is shown by `seg test` on the club.
    shown.extend(crate::test_examples::codes_shown());
    // A `--where` that is not one condition is shown by `seg why`.
    shown.extend(crate::why::codes_shown());
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !shown.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no fixture under tests/fixtures/err (or lint) shows {missing:?}: add one (see tests/fixtures/README.md)"
    );
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
fn an_empty_rule_set_has_nothing_to_run() {
    let files = seg::source::SourceMap::from_text("empty.seg", "# nothing yet\n");
    let checked = seg::check(&files, &seg::semantic::NoData, &settings(Mode::Check));
    assert_eq!(codes(&checked), ["E307"]);
}

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
    assert!(plan.compute_sql().contains("NOT NOT NOT"));
}
