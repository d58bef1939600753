#!/usr/bin/env bash
# Measures seg end to end on demo data: generation once with /usr/bin/time -v
# (wall time, peak memory), then check / compile / run side by side with
# hyperfine, at 100,000 and at N customers; one run at N under
# /usr/bin/time -v for its peak memory. bench/compare.sh times a run against
# hand-written SQL for the same rules. Prints medians and the ratio of
# the two run sizes: this machine is shared and noisy, so compare numbers
# from one session, not across sessions.
#
#   bench/run.sh [N]        (default 1,000,000)
#
# Needs hyperfine (apt-get install hyperfine) and python3. Uses the dev build
# the README commands use (DuckDB itself is built optimised there).
set -euo pipefail
cd "$(dirname "$0")/.."
large="${1:-1000000}"
small=100000
work="${BENCH_DIR:-/var/tmp/seg-bench}"
mkdir -p "$work"

cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

for n in "$small" "$large"; do
  echo "== generating $n demo customers and running rules/ once (/usr/bin/time -v)"
  rm -rf "$work/demo-$n"
  /usr/bin/time -v "$seg" demo --customers "$n" --dir "$work/demo-$n" --format json \
    > "$work/demo-$n.json" 2> "$work/demo-$n.time"
  grep -E "Elapsed|Maximum resident" "$work/demo-$n.time"
  du -sh "$work/demo-$n/data"
done

sources() {
  for t in customers orders events surveys crm_tags; do
    printf -- ' --source %s=%s' "$t" "$work/demo-$1/data/$t.parquet"
  done
}

echo "== one run of rules/ at $large customers under /usr/bin/time -v (peak memory)"
rm -f "$work/large.duckdb"
/usr/bin/time -v "$seg" run rules --as-of 2026-01-01 --db "$work/large.duckdb" $(sources "$large") \
  > /dev/null 2> "$work/run-$large.time"
grep -E "Elapsed|Maximum resident" "$work/run-$large.time"

echo "== check, compile and run of rules/, side by side"
hyperfine --warmup 1 --runs 5 --export-json "$work/results.json" \
  -n "check $large" "$seg check rules $(sources "$large")" \
  -n "compile $large" "$seg compile rules --as-of 2026-01-01 $(sources "$large")" \
  -n "run $small" "rm -f $work/small.duckdb && $seg run rules --as-of 2026-01-01 --db $work/small.duckdb $(sources "$small")" \
  -n "run $large" "rm -f $work/large.duckdb && $seg run rules --as-of 2026-01-01 --db $work/large.duckdb $(sources "$large")"

python3 - "$work/results.json" "$small" "$large" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:<20} median {r['median']:8.3f} s   (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
small, large = results[f"run {sys.argv[2]}"]["median"], results[f"run {sys.argv[3]}"]["median"]
print(f"run {sys.argv[3]} / run {sys.argv[2]}: {large / small:.1f}x the time for {int(sys.argv[3]) // int(sys.argv[2])}x the customers")
EOF
