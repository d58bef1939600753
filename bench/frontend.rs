//! The front end on a generated 1,000-statement rule set: read (from
//! text), check against a catalog that knows the generated columns, and
//! compile to SQL. Target: under 100 ms for all three.
//!
//!     cargo bench --profile dev --bench frontend
//!
//! (The `bench` profile would compile DuckDB again; the dev profile is the
//! build the README uses.) With `SEG_BENCH_WRITE=DIR` it instead writes
//! the generated rule sets of 1,000 and 60,000 statements and their data
//! files to DIR, for timing `seg check` on them (docs/benchmarks.md).

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
