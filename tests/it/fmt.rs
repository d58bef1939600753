//! `seg fmt`: the canonical layout, that it changes nothing a rule says
//! (the same tree, the same comments, the same SQL) and that formatting
//! twice changes nothing more; and the command end to end.

use crate::support::seg;
use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;
use seg::engine::Engine;
use seg::format::{self, Refusal};
use seg::semantic::{Catalog, Mode, NoData};
use seg::source::{SourceFile, SourceMap, read_rule_set};

use crate::docs_examples::{documents, seg_blocks};
use crate::support::{Columns, fixture, rendered, settings};

/// The formatted text of a file that must format.
fn fmt(text: &str) -> String {
    let files = SourceMap::from_text("t.seg", text);
    match format::format(&files).remove(0) {
        Ok(formatted) => formatted,
        Err(Refusal::Syntax(diagnostics)) => {
            let checked = seg::Checked {
                program: None,
                diagnostics,
            };
            panic!("does not parse:\n{}", rendered(&files, &checked))
        }
        Err(Refusal::Unsafe(why)) => panic!("refused: {why}\n{text}"),
    }
}

/// The tree of a text, without places.
fn tree(text: &str) -> String {
    let (ast, diagnostics) = seg::syntax::parse(&SourceMap::from_text("t.seg", text));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    format::shape_of(&ast.files[0])
}

/// The comments of a text, as written (less trailing whitespace).
fn comments(text: &str) -> Vec<String> {
    let (ast, _) = seg::syntax::parse(&SourceMap::from_text("t.seg", text));
    ast.files[0]
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// What every formatted text must satisfy: it reads back as the same tree
/// with the same comments, and formatting it again changes nothing.
fn assert_faithful(name: &str, text: &str) -> String {
    let once = fmt(text);
    assert_eq!(tree(&once), tree(text), "{name}: the tree changed");
    assert_eq!(
        comments(&once),
        comments(text),
        "{name}: the comments changed"
    );
    assert_eq!(
        fmt(&once),
        once,
        "{name}: formatting twice changed it again"
    );
    once
}

/// Every `.seg` file under a folder, in name order.
fn seg_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "seg") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_rule_file_and_example_formats_faithfully_and_stably() {
    let mut seen = 0;
    for path in seg_files(Path::new("rules"))
        .into_iter()
        .chain(seg_files(&fixture("ok")))
        .chain(seg_files(&fixture("fmt")))
    {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_faithful(&path.display().to_string(), &text);
        seen += 1;
    }
    // The error fixtures that parse (their mistakes are in names and types).
    for path in seg_files(&fixture("err")) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // not UTF-8: refused, as the next test shows
        };
        if seg::syntax::parse(&SourceMap::from_text("e.seg", &text))
            .1
            .is_empty()
        {
            assert_faithful(&path.display().to_string(), &text);
            seen += 1;
        }
    }
    for document in documents() {
        for block in seg_blocks(&document) {
            if seg::syntax::parse(&SourceMap::from_text("b.seg", &block.text))
                .1
                .is_empty()
            {
                assert_faithful(&block.at, &block.text);
                seen += 1;
            }
        }
    }
    assert!(seen > 40, "only {seen} files and blocks");
}

#[test]
fn the_example_of_the_docs_is_what_fmt_makes_of_it() {
    let blocks = seg_blocks("docs/fmt.md");
    let [before, after] = &blocks[..] else {
        panic!("docs/fmt.md should show one file before and after");
    };
    assert_eq!(fmt(&before.text), after.text);
}

/// The same rules written carelessly: a space more between tokens, spaces
/// inside parentheses and before commas, text in single quotes, blank
/// lines doubled (comments, and the spaces before them, as they were).
fn careless(text: &str) -> String {
    let mut out = String::from("\n\n");
    for line in text.lines() {
        let mut chars = line.chars().peekable();
        let mut indent = true;
        while let Some(c) = chars.next() {
            match c {
                '#' => {
                    out.push(c);
                    out.extend(chars.by_ref());
                }
                '"' => {
                    let mut inner = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => inner.extend([c, chars.next().unwrap()]),
                            '"' => break,
                            _ => inner.push(c),
                        }
                    }
                    let plain = !inner.contains(['\'', '\\']);
                    let quote = if plain { '\'' } else { '"' };
                    out.extend([quote].into_iter().chain(inner.chars()).chain([quote]));
                }
                ' ' if !indent && chars.peek().is_some_and(|&n| n != ' ' && n != '#') => {
                    out.push_str("  ")
                }
                '(' => out.push_str("( "),
                ')' | ',' => out.extend([' ', c]),
                _ => out.push(c),
            }
            indent &= c == ' ';
        }
        out.push_str(if line.is_empty() { "\n\n" } else { "\n" });
    }
    out.push_str("\n\n");
    out
}

#[test]
fn carelessly_written_rules_come_back_to_the_same_layout() {
    let mut seen = 0;
    let corpus = seg_files(Path::new("rules"))
        .into_iter()
        .chain(seg_files(&fixture("ok")))
        .chain(seg_files(&fixture("fmt")));
    for path in corpus {
        let formatted = fmt(&std::fs::read_to_string(&path).unwrap());
        let messed = careless(&formatted);
        assert_ne!(messed, formatted);
        assert_eq!(fmt(&messed), formatted, "{}:\n{messed}", path.display());
        seen += 1;
    }
    assert!(seen > 10, "only {seen} files");
    // What it does to a line, for the record.
    assert_eq!(
        careless("tag t when f(a, \"x\") > 1  # (a, \"b\")\n"),
        "\n\ntag  t  when  f( a ,  'x' )  >  1  # (a, \"b\")\n\n\n"
    );
}

#[test]
fn the_rules_folder_is_formatted() {
    for path in seg_files(Path::new("rules")) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(fmt(&text), text, "{} is not formatted", path.display());
    }
}

/// The SQL a rule set compiles to (every statement of a run, the
/// catalogue's rule texts and places included), its files formatted or not.
fn sql(files: &SourceMap, catalog: &dyn Catalog) -> String {
    let checked = seg::check(files, catalog, &settings(Mode::Check));
    let program = checked
        .program
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
    format!("{:#?}", seg::compile(&program))
}

fn formatted(files: &SourceMap) -> SourceMap {
    let mut out = SourceMap::new();
    for ((_, file), text) in files.iter().zip(format::format(files)) {
        let text = text.unwrap_or_else(|e| panic!("{}: {e:?}", file.name));
        out.add(SourceFile::new(&file.name, &file.path, text));
    }
    out
}

#[test]
fn formatted_rule_sets_compile_to_the_same_sql() {
    let engine = Engine::in_memory().unwrap();
    for set in ["ok/glob", "ok/retail", "ok/rfm", "ok/table", "ok/zh"] {
        let files = read_rule_set(&fixture(set)).unwrap();
        // `ok/table` reads a database the test does not have: no data.
        let catalog: &dyn Catalog = if set == "ok/table" { &NoData } else { &engine };
        assert_eq!(
            sql(&formatted(&files), catalog),
            sql(&files, catalog),
            "{set}"
        );
    }
    let rules = read_rule_set(Path::new("rules")).unwrap();
    assert_eq!(sql(&formatted(&rules), &NoData), sql(&rules, &NoData));
}

#[test]
fn a_messy_file_comes_out_in_the_house_style() {
    let messy = std::fs::read_to_string(fixture("fmt/messy.seg")).unwrap();
    let once = assert_faithful("messy.seg", &messy);
    insta::assert_snapshot!(once);
    // What it computes is the same; the catalogue shows the rules as they
    // are now written, so only its texts may differ.
    let compute = |text: &str| {
        let files = SourceMap::from_text("messy.seg", text);
        let checked = seg::check(&files, &Columns, &settings(Mode::Check));
        let Some(program) = &checked.program else {
            panic!("{}", rendered(&files, &checked));
        };
        format!("{:#?}", seg::compile(program).compute_sql())
    };
    assert_eq!(compute(&once), compute(&messy));
}

#[test]
fn runs_of_one_kind_line_up_across_blank_lines_and_comments() {
    insta::assert_snapshot!(fmt("\
metric a = 1
# about b
metric bbbb = 2

metric cc=3   # c
tag x when a > 1
tag yyy when bbbb > 1    # y
"), @"
    metric a    = 1
    # about b
    metric bbbb = 2

    metric cc   = 3   # c
    tag x   when a > 1
    tag yyy when bbbb > 1    # y
    ");
}

#[test]
fn wide_characters_take_two_columns() {
    insta::assert_snapshot!(fmt("\
价值 高价值客户 when a > 1  # 一
价值 新客户 when a > 0 # 二
价值 other otherwise
"), @"
    价值 高价值客户 when a > 1  # 一
    价值 新客户     when a > 0  # 二
    价值 other      otherwise
    ");
}

#[test]
fn a_segmentation_is_a_section_of_its_own() {
    insta::assert_snapshot!(fmt("\
param p = 1
tier A when p > 1
tier B otherwise
# lifecycle
life new when p > 2
life old otherwise
tag t when p > 3
"), @"
    param p = 1

    tier A when p > 1
    tier B otherwise

    # lifecycle
    life new when p > 2
    life old otherwise

    tag t when p > 3
    ");
}

#[test]
fn continuation_lines_and_the_comments_among_them_stay() {
    insta::assert_snapshot!(fmt("\
tier A when frequency >= 10   # often
        and monetary>5000 # and much
  # or else
  or  vip
tier B otherwise
"), @"
    tier A when frequency >= 10   # often
        and monetary > 5000       # and much
        # or else
        or vip
    tier B otherwise
    ");
}

#[test]
fn tokens_are_spaced_and_spelled_one_way() {
    insta::assert_snapshot!(fmt("\
metric m=round( -(a+b)*-2/count (orders where s=='x'or s<>\"y\" ,last 30 days) ,2)
tag t when not(x in( 'a' ,'b' ))and y between -1 and 2 and z is not missing
describe tag t, as 'it\\'s \"t\"' category c color red
"), @r#"
    metric m = round(-(a + b) * -2 / count(orders where s = "x" or s != "y", last 30 days), 2)
    tag t when not (x in ("a", "b")) and y between -1 and 2 and z is not missing
    describe tag t as "it's \"t\"", category c, colour red
    "#);
}

#[test]
fn describe_items_on_lines_of_their_own_get_their_commas_before_comments() {
    insta::assert_snapshot!(fmt("\
describe tag t as 'a'   # what
    category value
    color red
"), @r#"
    describe tag t as "a",   # what
        category value,
        colour red
    "#);
}

#[test]
fn blank_lines_are_at_most_one_and_windows_line_ends_become_unix() {
    assert_eq!(
        fmt("\r\n\r\n# a\r\nmetric a = 1\r\n\r\n\r\n\r\nmetric b = 2   \r\n\r\n"),
        "# a\nmetric a = 1\n\nmetric b = 2\n"
    );
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("# only a comment"), "# only a comment\n");
}

#[test]
fn a_file_that_does_not_parse_is_refused_with_its_errors() {
    let files = SourceMap::from_text("t.seg", "metric a = 1\ntier A when\n");
    let Err(Refusal::Syntax(diagnostics)) = format::format(&files).remove(0) else {
        panic!("formatted a file that does not parse");
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code.as_str(), "E001");
}

#[test]
fn text_that_is_not_utf8_is_refused() {
    let files = read_rule_set(&fixture("err/latin1.seg")).unwrap();
    let Err(Refusal::Syntax(diagnostics)) = format::format(&files).remove(0) else {
        panic!("formatted a file that is not UTF-8");
    };
    assert_eq!(diagnostics[0].code.as_str(), "E003");
}

// ── The command ───────────────────────────────────────────────────────────

/// A folder holding the messy file and a formatted one.
fn messy_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("fmt/messy.seg"), dir.path().join("messy.seg")).unwrap();
    std::fs::copy("rules/tiers.seg", dir.path().join("tiers.seg")).unwrap();
    dir
}

#[test]
fn check_prints_a_unified_diff_and_exits_1() {
    let dir = messy_folder();
    let before = std::fs::read(dir.path().join("messy.seg")).unwrap();
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]")]}, {
        assert_cmd_snapshot!(seg().args(["fmt", "--check"]).arg(dir.path()));
    });
    assert_eq!(std::fs::read(dir.path().join("messy.seg")).unwrap(), before);
}

#[test]
fn check_passes_the_rules_folder() {
    assert_cmd_snapshot!(seg().args(["fmt", "--check", "rules"]), @"
    success: true
    exit_code: 0
    ----- stdout -----

    ----- stderr -----
    0 of 7 files would be reformatted
    ");
}

#[test]
fn fmt_rewrites_files_in_place_and_then_has_nothing_to_do() {
    let dir = messy_folder();
    let path = dir.path().join("messy.seg");
    let expected = fmt(&std::fs::read_to_string(&path).unwrap());
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]")]}, {
        assert_cmd_snapshot!(seg().arg("fmt").arg(dir.path()), @"
        success: true
        exit_code: 0
        ----- stdout -----

        ----- stderr -----
        reformatted [tmp]/messy.seg
        reformatted 1 of 2 files
        ");
        assert_cmd_snapshot!(seg().arg("fmt").arg(&path), @"
        success: true
        exit_code: 0
        ----- stdout -----

        ----- stderr -----
        reformatted 0 of 1 file
        ");
    });
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "a temporary file was left behind");
}

#[test]
fn a_dash_formats_stdin_to_stdout() {
    assert_cmd_snapshot!(
        seg().args(["fmt", "-"]).pass_stdin("metric a=1 # one\nmetric bb = 'x'\n"),
        @r#"
    success: true
    exit_code: 0
    ----- stdout -----
    metric a  = 1  # one
    metric bb = "x"

    ----- stderr -----
    "#
    );
    assert_cmd_snapshot!(
        seg().args(["fmt", "-"]).pass_stdin("metric a=1\nmetric\n"),
        @"
    success: false
    exit_code: 1
    ----- stdout -----

    ----- stderr -----
    E001

      × expected a name, found the end of the rule
       ╭─[<stdin>:2:7]
     1 │ metric a=1
     2 │ metric
       ·       ▲
       ·       ╰── expected a name
       ╰────
    "
    );
    assert_cmd_snapshot!(
        seg().args(["fmt", "--check", "-"]).pass_stdin("metric a=1\n"),
        @"
    success: false
    exit_code: 1
    ----- stdout -----
    --- <stdin>
    +++ <stdin> (formatted)
    @@ -1 +1 @@
    -metric a=1
    +metric a = 1

    ----- stderr -----
    "
    );
}

#[test]
fn a_file_that_does_not_parse_is_left_alone_with_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.seg");
    let text = "metric a=1\ntier A when\n";
    std::fs::write(&broken, text).unwrap();
    std::fs::write(dir.path().join("fine.seg"), "metric b=2\n").unwrap();
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]")]}, {
        assert_cmd_snapshot!(seg().arg("fmt").arg(dir.path()));
    });
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fine.seg")).unwrap(),
        "metric b = 2\n"
    );
}
