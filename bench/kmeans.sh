#!/usr/bin/env bash
# Measures what a kmeans segmentation costs a run: rules/ as it is, and
# rules/ plus `segmentation cluster = kmeans(5, recency, frequency,
# monetary) log monetary`, side by side with hyperfine on the same demo
# data (default 1,000,000 customers, generated once by bench/run.sh or
# `seg demo`), then one run of each under /usr/bin/time -v for wall time
# and peak memory. This machine is shared and noisy: compare the two
# medians of one session, not numbers across sessions.
#
#   bench/kmeans.sh [N]        (default 1,000,000; RUNS=5 and WARMUP=1 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}"
data="$work/demo-$n/data"
[ -d "$data" ] || { echo "no demo data in $data: run \`seg demo --customers $n --dir $work/demo-$n\` first" >&2; exit 2; }

cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

# The same rules with a kmeans segmentation over the RFM metrics of rfm.seg.
with="$work/kmeans-rules"
# Without its examples: a rule set with a kmeans cannot have any (E334).
rm -rf "$with" && mkdir -p "$with"
for f in rules/*.seg; do
  awk '/^example/ { skip = 1; next } skip && /^[ \t]/ { next } { skip = 0; print }' "$f" > "$with/$(basename "$f")"
done
echo 'segmentation cluster = kmeans(5, recency, frequency, monetary) log monetary' > "$with/cluster.seg"

sources() {
  for t in customers orders events surveys crm_tags; do
    printf -- ' --source %s=%s' "$t" "$data/$t.parquet"
  done
}
run() { echo "rm -f $work/$1.duckdb && $seg run $2 --as-of 2026-01-01 --db $work/$1.duckdb $(sources)"; }

echo "== run of rules/ without and with a kmeans segmentation, $n customers, side by side"
hyperfine --warmup "${WARMUP:-1}" --runs "${RUNS:-5}" --export-json "$work/kmeans.json" \
  -n "without kmeans" "$(run without rules)" \
  -n "with kmeans" "$(run with "$with")"

for name in without with; do
  if [ "$name" = with ]; then rules="$with"; else rules=rules; fi
  rm -f "$work/$name.duckdb"
  /usr/bin/time -v $seg run "$rules" --as-of 2026-01-01 --db "$work/$name.duckdb" $(sources) \
    > "$work/kmeans-$name.out" 2> "$work/kmeans-$name.time"
  echo "-- $name kmeans: $(grep -E 'Elapsed' "$work/kmeans-$name.time" | sed 's/.*): //') wall, $(grep 'Maximum resident' "$work/kmeans-$name.time" | sed 's/.*: //') KB peak"
done
sed -n '/cluster centroids/,/^$/p' "$work/kmeans-with.out"

python3 - "$work/kmeans.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    print(f"{name:<16} median {r['median']:8.3f} s   (min {r['min']:.3f}, max {r['max']:.3f}, {len(r['times'])} runs)")
a, b = results["without kmeans"]["median"], results["with kmeans"]["median"]
print(f"with / without: {b / a:.2f}x (+{b - a:.2f} s for the clusters)")
PY
