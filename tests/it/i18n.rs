//! seg in the user's language: the catalogues hold the same messages with
//! the same arguments, every code is explained in Chinese, `--lang` and
//! the locale choose the language; and the run summary as people read it
//! (bars, colours, Chinese labels lined up).

use std::collections::BTreeSet;

use insta_cmd::assert_cmd_snapshot;
use seg::diagnostic::Code;
use seg::i18n::{self, Lang, MessageInfo};
use unicode_width::UnicodeWidthStr;

use crate::support::seg;

macro_rules! stable {
    ($($body:tt)*) => {
        insta::with_settings!({filters => vec![
            (r"\d+\.\d+ (s|秒)", "[time] $1"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "[tmp]"),
        ]}, { $($body)* })
    };
}

fn catalogue(lang: Lang) -> Vec<MessageInfo> {
    i18n::messages(lang).unwrap_or_else(|e| panic!("{}.ftl does not parse: {e:?}", lang.code()))
}

/// Arguments that only English grammar needs (`1 file`, `2 files`): a
/// language without plurals may leave them out.
const ENGLISH_GRAMMAR: &[&str] = &["plural"];

#[test]
fn every_message_has_a_translation_and_the_same_arguments() {
    let en = catalogue(Lang::En);
    let zh = catalogue(Lang::Zh);
    let ids = |c: &[MessageInfo]| c.iter().map(|m| m.id.clone()).collect::<BTreeSet<_>>();
    let (en_ids, zh_ids) = (ids(&en), ids(&zh));
    let untranslated: Vec<_> = en_ids.difference(&zh_ids).collect();
    let only_chinese: Vec<_> = zh_ids.difference(&en_ids).collect();
    assert!(
        untranslated.is_empty(),
        "messages of en.ftl missing from zh.ftl: {untranslated:?}"
    );
    assert!(
        only_chinese.is_empty(),
        "messages of zh.ftl missing from en.ftl: {only_chinese:?}"
    );
    assert_eq!(en.len(), en_ids.len(), "en.ftl defines a message twice");
    assert_eq!(zh.len(), zh_ids.len(), "zh.ftl defines a message twice");

    let mut wrong = Vec::new();
    for e in &en {
        let z = zh.iter().find(|z| z.id == e.id).expect("checked above");
        let passed: BTreeSet<&String> = e.shown.iter().chain(&e.selectors).collect();
        let used: BTreeSet<&String> = z.shown.iter().chain(&z.selectors).collect();
        // A translation can only use what the code passes ...
        for a in used.difference(&passed) {
            wrong.push(format!("{}: zh uses ${a}, which en does not have", e.id));
        }
        // ... and shows every value the English shows.
        for a in e
            .shown
            .iter()
            .filter(|a| !ENGLISH_GRAMMAR.contains(&a.as_str()))
        {
            if !used.contains(a) {
                wrong.push(format!("{}: zh does not show ${a}", e.id));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_catalogues_are_big_enough_to_be_the_real_ones() {
    // The diagnostics' texts live in the catalogue: hundreds of them.
    assert!(catalogue(Lang::En).len() > 350);
}

#[test]
fn every_code_is_explained_in_chinese() {
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        i18n::documented_codes(Lang::Zh),
        codes,
        "src/i18n/codes.zh.md must have one section per code, in the order of codes.rs"
    );
    for code in &codes {
        let (summary, explanation) = i18n::code_doc(Lang::Zh, code).unwrap();
        assert!(
            !summary.is_empty() && !explanation.is_empty(),
            "{code}: no summary or explanation"
        );
        assert!(
            summary
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{code}: the summary is not Chinese: {summary}"
        );
    }
}

#[test]
fn the_chinese_diagnostics_reference_is_generated_from_the_code() {
    let output = seg()
        .args(["explain", "--all", "--lang", "zh"])
        .output()
        .unwrap();
    let docs = std::fs::read_to_string("docs/diagnostics.zh.md").unwrap();
    assert!(
        String::from_utf8(output.stdout).unwrap() == docs,
        "docs/diagnostics.zh.md is stale: run `cargo run -- explain --all --lang zh > docs/diagnostics.zh.md`"
    );
}

#[test]
fn explain_speaks_chinese() {
    assert_cmd_snapshot!(seg().args(["explain", "E101", "--lang", "zh"]));
}

#[test]
fn diagnostics_in_chinese() {
    assert_cmd_snapshot!(seg().args(["check", "tests/fixtures/err/names.seg", "--lang", "zh"]));
}

/// `LANG=zh_CN.UTF-8` picks Chinese; `LC_ALL` comes before it, and
/// `--lang` before everything.
#[test]
fn the_locale_chooses_the_language() {
    let stderr = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = seg();
        cmd.args(["check", "tests/fixtures/err/names.seg"])
            .args(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stderr).unwrap()
    };
    let chinese = "没有函数 `summ`";
    let english = "there is no function `summ`";
    let zh = stderr(&[("LANG", "zh_CN.UTF-8")], &[]);
    assert!(zh.contains(chinese), "{zh}");
    assert!(zh.contains("个错误"), "{zh}");
    let en = stderr(&[("LANG", "en_US.UTF-8")], &[]);
    assert!(en.contains(english), "{en}");
    let all = stderr(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")], &[]);
    assert!(all.contains(english), "LC_ALL=C comes first: {all}");
    let messages = stderr(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN")], &[]);
    assert!(messages.contains(chinese), "{messages}");
    let flag = stderr(&[("LANG", "zh_CN.UTF-8")], &["--lang", "en"]);
    assert!(flag.contains(english), "--lang comes first: {flag}");
}

#[test]
fn the_run_summary_in_chinese_lines_up_chinese_labels() {
    let dir = tempfile::tempdir().unwrap();
    let output = seg()
        .args(["run", "tests/fixtures/ok/zh", "--lang", "zh", "--db"])
        .arg(dir.path().join("seg.duckdb"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // Every row of a table ends its share at the same column, however
    // wide its label: 2 columns a Chinese character.
    let ends: BTreeSet<usize> = stdout
        .lines()
        .filter(|l| l.contains('%') || l.contains("占比"))
        .map(|l| {
            let end = l
                .find('%')
                .map_or_else(|| l.find("占比").unwrap() + "占比".len(), |i| i + 1);
            l[..end].width()
        })
        .collect();
    assert_eq!(ends.len(), 1, "shares do not line up:\n{stdout}");
    stable! {
        assert_cmd_snapshot!(seg()
            .args(["run", "tests/fixtures/ok/zh", "--lang", "zh", "--db"])
            .arg(dir.path().join("seg.duckdb")));
    }
}

/// `describe ... colour blue` colours the tag and its bar when colour is
/// forced on (`CLICOLOR_FORCE=1`, as for `less -R`): basic ANSI colours,
/// since nothing says the terminal shows more.
#[test]
fn labels_take_their_colours_when_colour_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let output = seg()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .env_remove("FORCE_COLOR")
        .args(["run", "tests/fixtures/ok/zh", "--db"])
        .arg(dir.path().join("seg.duckdb"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    // Blue is ANSI 34; the bar of 2 customers of 4 is 10 columns of 20.
    let (blue, reset, gap) = ("\u{1b}[34m", "\u{1b}[0m", " ".repeat(19));
    let row = format!("  {blue}上海客户{reset}{gap}2    50.0%  {blue}██████████{reset}\n");
    assert!(stdout.contains(&row), "{stdout:?}");
    // What `describe` gives no colour stays plain.
    assert!(stdout.contains(&format!("  复购客户{gap}1    25.0%  █████\n")));
    // NO_COLOR wins over CLICOLOR_FORCE.
    let plain = seg()
        .env("CLICOLOR_FORCE", "1")
        .args(["run", "tests/fixtures/ok/zh", "--db"])
        .arg(dir.path().join("seg.duckdb"))
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
}
