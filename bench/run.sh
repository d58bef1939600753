#!/usr/bin/env bash
# Measures seg end to end on demo data with hyperfine: medians of several
# runs, measured side by side in one session (this machine is shared and
# noisy; compare ratios, not absolute times across sessions).
#
#   bench/run.sh [CUSTOMERS]        (default 1,000,000)
#
# Needs hyperfine (apt-get install hyperfine). Uses the dev build the README
# commands use (DuckDB itself is built optimised there).
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-1000000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}"
mkdir -p "$work"

cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

echo "== generating $customers demo customers (once, with /usr/bin/time -v)"
rm -rf "$work/demo"
/usr/bin/time -v "$seg" demo --customers "$customers" --dir "$work/demo" --format json \
  > "$work/demo.json" 2> "$work/demo.time"
grep -E "Elapsed|Maximum resident" "$work/demo.time"
ls -la "$work/demo/data"

sources=()
for t in customers orders events surveys crm_tags; do
  sources+=(--source "$t=$work/demo/data/$t.parquet")
done
args="${sources[*]}"

echo "== check, compile and run of rules/ on the same data, side by side"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/results.md" \
  -n check   "$seg check rules $args" \
  -n compile "$seg compile rules $args --as-of 2026-01-01" \
  -n run     "rm -f $work/bench.duckdb && $seg run rules $args --as-of 2026-01-01 --db $work/bench.duckdb" \
  -n demo-generate-100k "rm -rf $work/small && $seg demo --customers 100000 --dir $work/small --format json"
cat "$work/results.md"
