#!/usr/bin/env bash
# Save → updated tables under `seg watch`, at 100,000 demo customers (or N):
# starts a watch on a copy of rules/, saves tiers.seg 10 times (vip_spend
# 1500 ↔ 1501, a second apart once each run is in), and reports the median
# of the watch's own timing (first file event of the save → tables
# committed) and of the same measured outside (the save → the run's line on
# stdout). It splits the time into the run itself (key check, compute,
# publish: the summary's duration_ms) and the rest (the 50 ms debounce,
# reading and checking the rules, describing the sources, opening the
# database). The machine is shared and noisy: compare numbers of one session.
#
#   bench/watch.sh [N]        (default 100,000)
#
# Needs python3. Uses the dev build the README commands use.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
saves=10
work="${BENCH_DIR:-/var/tmp/seg-bench}/watch"
mkdir -p "$work"

# SEG=/path/to/seg measures another build (e.g. the one before a change).
if [ -z "${SEG:-}" ]; then cargo build --quiet; fi
seg="${SEG:-${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg}"

if [ ! -f "$work/demo-$n/data/customers.parquet" ]; then
  echo "== generating $n demo customers (once)"
  "$seg" demo --customers "$n" --dir "$work/demo-$n" > /dev/null
fi

rm -rf "$work/rules" "$work/watch.duckdb" "$work/watch.duckdb.wal"
cp -r rules "$work/rules"
sources=()
for t in customers orders events surveys crm_tags; do
  sources+=(--source "$t=$work/demo-$n/data/$t.parquet")
done

"$seg" watch "$work/rules" --db "$work/watch.duckdb" --as-of 2026-01-01 --format json \
  "${sources[@]}" > "$work/watch.jsonl" 2> "$work/watch.err" &
watch=$!
trap 'kill -TERM $watch 2>/dev/null || true' EXIT

runs() { grep -c '"event":"run"' "$work/watch.jsonl" || true; }
wait_for_runs() {
  for _ in $(seq 1 1200); do
    [ "$(runs)" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "no run $1 within 60 s" >&2; cat "$work/watch.err" >&2; exit 1
}

wait_for_runs 1
echo "== first run done; $saves saves of tiers.seg"
: > "$work/saves.txt"
for i in $(seq 1 "$saves"); do
  sleep 1
  value=$((1500 + i % 2))
  date +%s.%N >> "$work/saves.txt"
  sed -i "s/^param vip_spend = .*/param vip_spend = $value/" "$work/rules/tiers.seg"
  wait_for_runs $((i + 1))
  date +%s.%N >> "$work/saves.txt"
done

kill -TERM "$watch"
wait "$watch" || true
trap - EXIT

python3 - "$work/watch.jsonl" "$work/saves.txt" <<'PY'
import json, statistics, sys
runs = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "run"][1:]
marks = [float(x) for x in open(sys.argv[2])]
outside = [(b - a) * 1000 for a, b in zip(marks[0::2], marks[1::2])]
inside = [r["since_save_ms"] for r in runs]
run = [r["summary"]["duration_ms"] for r in runs]
rest = [i - r for i, r in zip(inside, run)]
med = statistics.median
print(f"customers: {runs[0]['summary']['customers']:,}; saves: {len(runs)}")
print(f"save → tables, the watch's own timing: median {med(inside):.0f} ms (min {min(inside)}, max {max(inside)})")
print(f"save → tables, measured outside:       median {med(outside):.0f} ms (min {min(outside):.0f}, max {max(outside):.0f}; includes polling the output every 50 ms)")
print(f"  of it the run (key check, compute, publish): median {med(run):.0f} ms")
print(f"  the rest (debounce 50 ms, read + check rules, open the database): median {med(rest):.0f} ms")
reused = sum(1 for r in runs if r["summary"].get("base_reused"))
print(f"runs that reused the base of the run before: {reused} of {len(runs)}")
PY
