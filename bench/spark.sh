#!/usr/bin/env bash
# How a run of rules/ grows with the customers on Spark, beside DuckDB on
# the same data: demo data at each size once, then `seg run` on each engine
# side by side with hyperfine (RUNS runs each, medians), so the ratio of
# the engines and the growth per size come from one session.
#
#   bench/spark.sh [SIZES]       (default "10000 100000")
#   RUNS=3, BENCH_DIR=/var/tmp/seg-bench/spark,
#   SEG_SPARK_REMOTE (default sc://127.0.0.1:15002; tests/spark/start.sh
#   starts a local server: local[2], 1 GB driver memory)
#
# A local Spark on 2 cores measures the cost of seg's Spark SQL, not a
# cluster's speed: Spark's fixed cost per statement (planning, a job per
# scratch table) dominates at these sizes. Needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-10000 100000}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-/var/tmp/seg-bench/spark}"
remote="${SEG_SPARK_REMOTE:-sc://127.0.0.1:15002}"
mkdir -p "$work"
cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

for n in $sizes; do
  dir="$work/demo-$n"
  if [ ! -f "$dir/data/events.parquet" ]; then
    rm -rf "$dir"
    "$seg" demo --customers "$n" --dir "$dir" --format json > /dev/null
  fi
  sources=""
  for t in customers orders events surveys crm_tags; do
    sources+=" --source $t=$dir/data/$t.parquet"
  done
  common="run rules --as-of 2026-01-01 $sources --quiet"
  hyperfine --runs "$runs" --export-json "$work/run-$n.json" \
    --command-name "duckdb $n" \
    --prepare "rm -f $work/run-$n.duckdb $work/run-$n.duckdb.wal" \
    "$seg $common --db $work/run-$n.duckdb" \
    --command-name "spark $n" \
    "$seg $common --engine spark --remote $remote --schema seg_bench_$n"
done
python3 - "$work" $sizes <<'EOF'
import json, statistics, sys
work, sizes = sys.argv[1], sys.argv[2:]
print("| customers | DuckDB median | Spark median | Spark / DuckDB |")
print("|---|---|---|---|")
for n in sizes:
    results = json.load(open(f"{work}/run-{n}.json"))["results"]
    duck, spark = (statistics.median(r["times"]) for r in results)
    print(f"| {int(n):,} | {duck:.1f} s | {spark:.1f} s | {spark / duck:.1f}× |")
EOF
