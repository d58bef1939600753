//! The front end on a generated 1,000-statement rule set: read (from
//! text), check against a catalog that knows the generated columns, and
//! compile to SQL. Target: under 100 ms for all three.
//!
//!     cd bench/frontend && cargo bench
//!
//! (its own crate, `bench/frontend/`: seg without DuckDB, built as the
//! README builds it). Two other uses, instead of the benchmark:
//!
//! - `SEG_BENCH_WRITE=DIR` writes generated rule sets of 1,000 and 60,000
//!   statements with their data files to DIR, for timing `seg check` on
//!   them (docs/benchmarks.md);
//! - `SEG_BENCH_SCALE=N` times one parse, check and compile of N
//!   statements, and one check of N statements with an error in every
//!   tenth, to see how the front end grows.

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use seg::semantic::{Mode, Settings};
use seg::source::SourceMap;

mod generate;

fn settings() -> Settings {
    Settings::new(Mode::Check, jiff::civil::date(2025, 6, 30))
}

fn frontend(c: &mut Criterion) {
    let text = generate::rule_set(1_000);
    let mut group = c.benchmark_group("1000 statements");
    group.bench_function("parse", |b| {
        b.iter(|| {
            let files = SourceMap::from_text("rules.seg", black_box(&text));
            seg::syntax::parse(&files)
        })
    });
    group.bench_function("check", |b| {
        b.iter(|| {
            let files = SourceMap::from_text("rules.seg", black_box(&text));
            seg::check(&files, &generate::Columns, &settings())
        })
    });
    group.bench_function("check and compile", |b| {
        b.iter(|| {
            let files = SourceMap::from_text("rules.seg", black_box(&text));
            let checked = seg::check(&files, &generate::Columns, &settings());
            let program = checked.program.expect("the generated rules check");
            seg::compile(&program)
        })
    });
    group.finish();
}

criterion_group!(benches, frontend);

fn main() {
    if let Some(dir) = std::env::var_os("SEG_BENCH_WRITE") {
        write_rule_sets(std::path::Path::new(&dir));
        return;
    }
    if let Some(n) = std::env::var("SEG_BENCH_SCALE")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        scale(n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

fn write_rule_sets(dir: &std::path::Path) {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    for n in [1_000, 60_000] {
        let folder = dir.join(format!("rules-{n}"));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("rules.seg"), generate::rule_set(n)).expect("write");
        for csv in ["customers.csv", "orders.csv"] {
            std::fs::copy(data.join(csv), folder.join(csv)).expect("copy");
        }
        println!("{}", folder.display());
    }
}

fn scale(n: usize) {
    let timed = |what: &str, text: &str, compile: bool| {
        let started = std::time::Instant::now();
        let files = SourceMap::from_text("rules.seg", text);
        let parsed = seg::syntax::parse(&files);
        let parse = started.elapsed();
        drop(parsed);
        let started = std::time::Instant::now();
        let checked = seg::check(&files, &generate::Columns, &settings());
        let check = started.elapsed();
        let started = std::time::Instant::now();
        if compile {
            seg::compile(checked.program.as_ref().expect("the generated rules check"));
        }
        let compiled = started.elapsed();
        println!(
            "{what}: {} bytes, {} diagnostics; parse {parse:.2?}, check (with parse) {check:.2?}, compile {compiled:.2?}",
            text.len(),
            checked.diagnostics.len()
        );
    };
    timed(&format!("{n} statements"), &generate::rule_set(n), true);
    timed(
        &format!("{n} statements, every tenth broken"),
        &generate::rule_set_with_errors(n, 10),
        false,
    );
}
