#!/usr/bin/env bash
# What checking the expectations costs a run: rules/ as it is (five
# `expect` lines) and rules/ without them, side by side with hyperfine on
# the same demo data (default the 1,000,000-customer demo of bench/run.sh).
# Each run publishes into its own database. The machine is shared and
# noisy: compare numbers from one session.
#
#   bench/expect.sh [DEMO_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${1:-${BENCH_DIR:-/var/tmp/seg-bench}/demo-1000000}"
runs="${2:-3}"
work="${BENCH_DIR:-/var/tmp/seg-bench}/expect"
cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

rm -rf "$work"
mkdir -p "$work/with" "$work/without"
cp rules/*.seg "$work/with/"
for f in rules/*.seg; do
  grep -v '^expect ' "$f" > "$work/without/$(basename "$f")"
done
sources=""
for t in customers orders events surveys crm_tags; do
  sources+=" --source $t=$demo/data/$t.parquet"
done
hyperfine --warmup 1 --runs "$runs" --export-json "$work/hyperfine.json" \
  "$seg run $work/without --db $work/without.duckdb --as-of 2026-01-01 --quiet $sources" \
  "$seg run $work/with --db $work/with.duckdb --as-of 2026-01-01 --quiet $sources"
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
without, with_ = json.load(open(sys.argv[1]))["results"]
print(f"medians: without expectations {without['median']:.2f} s, "
      f"with {with_['median']:.2f} s, ratio {with_['median'] / without['median']:.3f}")
PY
"$seg" run "$work/with" --db "$work/with.duckdb" --as-of 2026-01-01 --format json $sources \
  | python3 -c 'import json,sys; [print(e["passed"], e["expectation"], "|", e["detail"]) for e in json.load(sys.stdin)["expectations"]]'
