#!/usr/bin/env bash
# How seg grows with the data: generates the demo data at each size once,
# then runs rules/ on it under /usr/bin/time -v (wall time, peak memory),
# RUNS times per size (the median is printed). The 10M size is what issue 8
# asks of one 2-core, 24 GiB machine: under 6 GiB peak.
#
#   bench/scale.sh [SIZES] [MEMORY_LIMIT]
#     SIZES         default "100000 1000000 10000000"
#     MEMORY_LIMIT  passed as --memory-limit to demo and run (default: none)
#   RUNS=3 (runs per size), BENCH_DIR=/var/tmp/seg-bench/scale
#
# The demo data at 10M is ~4 GB of Parquet, and DuckDB spills beside the
# database: keep ~15 GB free. Uses the dev build of the README commands
# (DuckDB itself is built optimised there).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-100000 1000000 10000000}"
limit="${2:-}"
runs="${RUNS:-3}"
work="${BENCH_DIR:-/var/tmp/seg-bench/scale}"
mkdir -p "$work"
cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"
resources=()
[ -n "$limit" ] && resources=(--memory-limit "$limit")

# "wall_seconds peak_MiB" of a /usr/bin/time -v log.
measured() {
  python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = 0.0
for part in wall.split(":"):
    seconds = seconds * 60 + float(part)
peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
print(f"{seconds:.1f} {peak / 1024:.0f}")
EOF
}

for n in $sizes; do
  dir="$work/demo-$n"
  if [ ! -f "$dir/data/events.parquet" ]; then
    rm -rf "$dir"
    /usr/bin/time -v "$seg" demo --customers "$n" --dir "$dir" "${resources[@]}" --format json \
      > "$work/demo-$n.json" 2> "$work/demo-$n.time"
    echo "demo $n: $(measured "$work/demo-$n.time") (wall s, peak MiB), data $(du -sh "$dir/data" | cut -f1)"
  fi
  sources=()
  for t in customers orders events surveys crm_tags; do
    sources+=(--source "$t=$dir/data/$t.parquet")
  done
  results=()
  for i in $(seq 1 "$runs"); do
    rm -rf "$work/run-$n.duckdb" "$work/run-$n.duckdb.wal" "$work/run-$n.duckdb.tmp"
    /usr/bin/time -v "$seg" run rules --as-of 2026-01-01 --db "$work/run-$n.duckdb" \
      "${sources[@]}" "${resources[@]}" --quiet 2> "$work/run-$n.time"
    results+=("$(measured "$work/run-$n.time")")
    echo "run $n #$i: ${results[-1]} (wall s, peak MiB)"
  done
  printf '%s\n' "${results[@]}" | python3 -c "
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
print(f'run $n: median {statistics.median(r[0] for r in rows):.1f} s, peak {max(r[1] for r in rows):.0f} MiB (max of {len(rows)})')"
done
