#!/usr/bin/env bash
# seg's run of rules/ side by side with hand-written DuckDB SQL for the same
# rules (bench/handwritten.sql), on the same demo data and the same DuckDB
# build: first checks that both write the same seg_customers and
# seg_customer_tags (and that seg's is stored in key order), then times both
# in one hyperfine session and prints the medians and their ratio. The
# machine is shared and noisy: compare numbers from one session only.
#
#   bench/compare.sh [N] [RUNS]     (default 1,000,000 customers, 5 runs)
#
# The demo data is generated once into $BENCH_DIR/demo-N (default
# /var/tmp/seg-bench) and reused. Needs hyperfine and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
runs="${2:-5}"
work="${BENCH_DIR:-/var/tmp/seg-bench}"
data="$work/demo-$n/data"
mkdir -p "$work"

cargo build --quiet --bin seg --example sql
target="${CARGO_TARGET_DIR:-/var/tmp/seg-target}"
seg="$target/debug/seg"
sql="$target/debug/examples/sql"

if [ ! -d "$data" ]; then
  echo "== generating $n demo customers into $work/demo-$n"
  "$seg" demo --customers "$n" --dir "$work/demo-$n" --format json > /dev/null
fi
sources=""
for t in customers orders events surveys crm_tags; do
  sources="$sources --source $t=$data/$t.parquet"
done
seg_run="rm -f $work/seg.duckdb && $seg run rules --as-of 2026-01-01 --db $work/seg.duckdb $sources"
hand_run="rm -f $work/hand.duckdb && $sql $work/hand.duckdb bench/handwritten.sql DATA=$data"

echo "== same tables?"
sh -c "$seg_run" > /dev/null
sh -c "$hand_run"
differences=$("$sql" "$work/hand.duckdb" bench/same_tables.sql "SEG=$work/seg.duckdb")
echo "$differences"
if echo "$differences" | awk -F'\t' '$2 != 0 { bad = 1 } END { exit !bad }'; then
  echo "the hand-written SQL and seg disagree" >&2
  exit 1
fi

echo "== seg run and the hand-written SQL, side by side ($runs runs each)"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/compare.json" \
  -n "seg run" "$seg_run" \
  -n "hand-written SQL" "$hand_run"

python3 - "$work/compare.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:<18} median {r['median']:7.3f} s   (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
ratio = results["seg run"]["median"] / results["hand-written SQL"]["median"]
print(f"seg run / hand-written SQL: {ratio:.2f}")
PY
