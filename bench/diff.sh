#!/usr/bin/env bash
# `seg diff` against what it replaces: two full `seg run`s. rules/ against a
# copy with one param changed (vip_spend 1500 → 2500, which moves customers
# between tiers A and B), on the 1,000,000-customer demo data, side by side
# in one hyperfine session (1 warm-up, 5 runs each), medians printed. Also
# the diff of rules/ with itself (the whole computation shared) and one run,
# for scale. The machine is shared and noisy: compare numbers of one
# session only.
#
#   bench/diff.sh [N]     (default 1,000,000; the demo data must exist:
#                          bench/run.sh generates it)
#
# Needs hyperfine and python3. Uses the dev build (DuckDB optimised).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}"
data="$work/demo-$n/data"
[ -d "$data" ] || { echo "no demo data in $data: run bench/run.sh $n first" >&2; exit 2; }
dir="$work/diff"
rm -rf "$dir" && mkdir -p "$dir/new"
cp rules/*.seg "$dir/new/"
sed -i 's/^param vip_spend = 1500$/param vip_spend = 2500/' "$dir/new/tiers.seg"
grep -q 'vip_spend = 2500' "$dir/new/tiers.seg"

cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"
sources=""
for t in customers orders events surveys crm_tags; do
  sources="$sources --source $t=$data/$t.parquet"
done
common="--as-of 2026-01-01 $sources"

# What the diff reports, once (and that it reports moves at all).
"$seg" diff rules "$dir/new" $common --format csv > "$dir/cells.csv"
grep -c '^tier,' "$dir/cells.csv" | sed 's/^/tier cells: /'

hyperfine --warmup 1 --runs 5 --export-json "$dir/times.json" \
  -n "diff (one param changed)" "$seg diff rules $dir/new $common --format json > /dev/null" \
  -n "diff (the same rules)" "$seg diff rules rules $common --format json > /dev/null" \
  -n "one run" "rm -f $dir/a.duckdb && $seg run rules --db $dir/a.duckdb $common -q" \
  -n "two runs" "rm -f $dir/a.duckdb $dir/b.duckdb && $seg run rules --db $dir/a.duckdb $common -q && $seg run $dir/new --db $dir/b.duckdb $common -q"

python3 - "$dir/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:<26} median {r['median']:7.3f} s   (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
two = results["two runs"]["median"]
for name in ["diff (one param changed)", "diff (the same rules)"]:
    print(f"{name} / two runs: {results[name]['median'] / two:.2f}")
PY
