//! Every ```seg block of README.md and docs/*.md is real seg:
//!
//! - ```` ```seg ```` — a whole rule set: checked without data (so only
//!   warnings about unread sources are allowed) and compiled to SQL;
//! - ```` ```seg fragment ```` — a few lines of a rule set: they must parse;
//! - the blocks of docs/diagnostics.md and docs/diagnostics.zh.md (generated
//!   from the code catalogue)
//!   show a mistake: each must be reported with the code of its section.
//!
//! The conventions are described in tests/fixtures/README.md.
//!
//! A failing block is named by its file and line.

use seg::Checked;
use seg::semantic::{Mode, NoData};
use seg::source::SourceMap;

use crate::support::{check_text, codes, rendered, settings};

/// A fenced block: where it starts, its info string after `seg`, its text.
pub struct Block {
    pub at: String,
    pub kind: String,
    pub text: String,
    /// The `## CODE` heading the block is under, if any.
    section: Option<String>,
}

pub fn seg_blocks(path: &str) -> Vec<Block> {
    enum State {
        Prose,
        Seg(Block),
        Other,
    }
    let markdown = std::fs::read_to_string(path).unwrap();
    let mut blocks = Vec::new();
    let mut section = None;
    let mut state = State::Prose;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        state = match state {
            State::Seg(block) if fence => {
                blocks.push(block);
                State::Prose
            }
            State::Seg(mut block) => {
                block.text.push_str(line);
                block.text.push('\n');
                State::Seg(block)
            }
            State::Other if fence => State::Prose,
            State::Other => State::Other,
            State::Prose => {
                if let Some(heading) = line.strip_prefix("## ") {
                    section = Some(heading.trim().to_string());
                }
                match line.trim_start().strip_prefix("```") {
                    Some(info) if info == "seg" || info.starts_with("seg ") => State::Seg(Block {
                        at: format!("{path}:{}", i + 1),
                        kind: info["seg".len()..].trim().to_string(),
                        text: String::new(),
                        section: section.clone(),
                    }),
                    Some(_) => State::Other,
                    None => State::Prose,
                }
            }
        };
    }
    assert!(
        matches!(state, State::Prose),
        "{path}: a fenced block is never closed"
    );
    blocks
}

/// README.md and every Markdown file of docs/.
pub fn documents() -> Vec<String> {
    let mut paths = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir("docs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.display().to_string())
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
}

/// What is wrong with one block, if anything.
fn problem(path: &str, block: &Block) -> Option<String> {
    let files = SourceMap::from_text(&block.at, &block.text);
    let checked = seg::check(&files, &NoData, &settings(Mode::Check));
    let codes = codes(&checked);
    if path.ends_with("diagnostics.md") || path.ends_with("diagnostics.zh.md") {
        return shows_its_code(block, &files, &checked);
    }
    match block.kind.as_str() {
        "" => {
            let unread = |c: &&str| matches!(*c, "W002" | "W003");
            if codes.iter().any(|c| !unread(c)) {
                return Some(rendered(&files, &checked));
            }
            let Some(program) = &checked.program else {
                return Some("no program, though no errors".to_string());
            };
            let plan = seg::compile(program);
            plan.derived
                .sql
                .is_empty()
                .then(|| "compiles to nothing".to_string())
        }
        "fragment" => {
            let (_, syntax) = seg::syntax::parse(&files);
            (!syntax.is_empty()).then(|| {
                let mut out = seg::diagnostic::render::human(
                    &syntax,
                    &files,
                    seg::diagnostic::render::Style::PLAIN,
                );
                out.insert_str(0, "does not parse:\n");
                out
            })
        }
        other => Some(format!(
            "unknown kind ```seg {other} (use ```seg or ```seg fragment)"
        )),
    }
}

/// A mistake of docs/diagnostics.md is reported with the code of its
/// section, either alone (a first line, say) or, since most examples use
/// names of a rule set they leave out, after the sources of the inline
/// tests (customers and orders).
fn shows_its_code(block: &Block, alone: &SourceMap, checked: &Checked) -> Option<String> {
    let code = block.section.as_deref().unwrap_or("?");
    if codes(checked).contains(&code) || linted(alone, checked).contains(&code) {
        return None;
    }
    let (files, with_sources) = check_text(&block.text);
    // A failed example or expectation is found by `seg test` and `seg
    // run`, not by a check: its block must be rules that check cleanly
    // (tests/it/test_examples.rs shows the codes themselves).
    if ["W007", "W008"].contains(&code) {
        return with_sources
            .has_errors()
            .then(|| rendered(&files, &with_sources));
    }
    (!codes(&with_sources).contains(&code)).then(|| {
        format!(
            "shows no {code}, alone:\n{}\nnor after the sources:\n{}",
            rendered(alone, checked),
            rendered(&files, &with_sources)
        )
    })
}

/// The codes `seg lint --unused-metrics` finds in rules that check.
fn linted(files: &SourceMap, checked: &Checked) -> Vec<&'static str> {
    let Some(program) = &checked.program else {
        return Vec::new();
    };
    let (ast, _) = seg::syntax::parse(files);
    let options = seg::lint::Options {
        unused_metrics: true,
    };
    seg::lint::lint(files, &ast, program, options)
        .iter()
        .map(|f| f.diagnostic.code.as_str())
        .collect()
}

#[test]
fn every_seg_block_in_the_docs_is_valid() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for path in documents() {
        for block in seg_blocks(&path) {
            seen += 1;
            if let Some(problem) = problem(&path, &block) {
                failures.push(format!("{} ({}): {problem}", block.at, block.kind));
            }
        }
    }
    assert!(seen >= 3, "only {seen} ```seg blocks found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_broken_block_is_named_by_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.md");
    std::fs::write(
        &path,
        "# Doc\n\ntext\n\n```seg fragment\ntier A when\n```\n\n```sh\nseg run\n```\n",
    )
    .unwrap();
    let path = path.display().to_string();
    let blocks = seg_blocks(&path);
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].at, format!("{path}:5"));
    let problem = problem(&path, &blocks[0]).expect("a rule without a condition");
    assert!(problem.starts_with("does not parse:"), "{problem}");
    assert!(problem.contains("E001"), "{problem}");
}
