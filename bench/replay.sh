#!/usr/bin/env bash
# Measures a replay against as many separate runs: `rules/` over the
# 100,000-customer demo at 12 monthly dates, once as one
# `seg run --as-of 2024-01-01..2024-12-01 --step 1month` and once as 12
# `seg run --as-of DATE`, side by side with hyperfine; then one replay under
# /usr/bin/time -v for its peak memory. Prints medians and their ratio. This
# machine is shared and noisy: compare numbers from one session only.
#
#   bench/replay.sh [N]     (customers, default 100,000; RUNS=3 for fewer runs)
#
# Needs hyperfine and python3. Uses the dev build the README commands use.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}/replay"
mkdir -p "$work"

# SEG=/path/to/seg measures another build (e.g. the one before a change).
if [ -z "${SEG:-}" ]; then cargo build --quiet; fi
seg="${SEG:-${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg}"

data="$work/demo-$n"
if [ ! -f "$data/data/customers.parquet" ]; then
  echo "== generating $n demo customers"
  "$seg" demo --customers "$n" --dir "$data" --format json > /dev/null
fi
sources=""
for t in customers orders events surveys crm_tags; do
  sources="$sources --source $t=$data/data/$t.parquet"
done
dates="2024-01-01 2024-02-01 2024-03-01 2024-04-01 2024-05-01 2024-06-01 \
2024-07-01 2024-08-01 2024-09-01 2024-10-01 2024-11-01 2024-12-01"
separate="rm -f $work/separate.duckdb"
for d in $dates; do
  separate="$separate && $seg run rules --db $work/separate.duckdb --as-of $d $sources > /dev/null"
done
replay="rm -f $work/replay.duckdb && $seg run rules --db $work/replay.duckdb \
--as-of 2024-01-01..2024-12-01 --step 1month $sources > /dev/null"

echo "== 12 monthly dates over $n customers: one replay vs 12 runs, side by side"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/results-$(basename "$seg").json" \
  -n "replay of 12 dates" "$replay" \
  -n "12 separate runs" "$separate"

echo "== one replay under /usr/bin/time -v"
rm -f "$work/replay.duckdb"
/usr/bin/time -v "$seg" run rules --db "$work/replay.duckdb" \
  --as-of 2024-01-01..2024-12-01 --step 1month $sources > "$work/replay.out" 2> "$work/replay.time"
grep -E "Elapsed|Maximum resident" "$work/replay.time"
cat "$work/replay.out"

python3 - "$work/results-$(basename "$seg").json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:<20} median {r['median']:7.3f} s   (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
replay, separate = results["replay of 12 dates"]["median"], results["12 separate runs"]["median"]
print(f"replay / separate runs: {replay / separate:.2f} ({separate / replay:.1f}x faster)")
cpu = {n: r["user"] + r["system"] for n, r in results.items()}
print(f"CPU (user + system, means): replay {cpu['replay of 12 dates']:.2f} s, separate {cpu['12 separate runs']:.2f} s, ratio {cpu['replay of 12 dates'] / cpu['12 separate runs']:.2f}")
PY
