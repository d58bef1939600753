//! Rule text through every stage of the front end: read, parse, check,
//! compile, render. Nothing may panic, and:
//!
//! - a program is produced exactly when there is no error;
//! - a program compiles, and its script prints;
//! - every diagnostic renders, for people and as JSON.
//!
//! The mutator knows the language (`mutate.rs`): most inputs it makes still
//! get past the parser, so the checker and the compiler see them too.

#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target};
use seg::diagnostic::render;
use seg::semantic::{Mode, Settings};
use seg::source::SourceMap;

#[path = "../../../bench/generate.rs"]
#[allow(dead_code)]
mod generate;
mod mutate;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files = SourceMap::from_text("fuzz.seg", &text);
    let settings = Settings::new(Mode::Check, jiff::civil::date(2025, 6, 30));
    let checked = seg::check(&files, &generate::Columns, &settings);

    assert_eq!(
        checked.program.is_some(),
        !checked.has_errors(),
        "a program exactly when there is no error: {:#?}",
        checked.diagnostics
    );
    if let Some(program) = &checked.program {
        let plan = seg::compile(program);
        let _ = plan.script(program);
    }
    let _ = render::human(&checked.diagnostics, &files, render::Style::PLAIN);
    let _ = render::json(&checked.diagnostics, &files);
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    mutate::mutate(data, size, max_size, seed)
});
