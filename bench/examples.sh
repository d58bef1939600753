#!/usr/bin/env bash
# Measures `seg test` on the examples alone: rules/ with N generated
# examples (default 1,000) in one more file, and no test case, so the time
# is checking the rules plus the one examples query. Side by side with
# hyperfine: rules/ with its own 11 examples, then with N more; one run
# under /usr/bin/time -v for its peak memory. The machine is shared and
# noisy: compare numbers from one session.
#
#   bench/examples.sh [N]
#
# Needs hyperfine. Uses the dev build (DuckDB itself is built optimised).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}/examples-$n"
cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

rm -rf "$work"
mkdir -p "$work/own" "$work/many"
cp rules/*.seg "$work/own/"
cp rules/*.seg "$work/many/"
# Three kinds of customer in turn, each with what rules/ gives it: a
# frequent big spender (A, active), a regular buyer (B, silent), a
# customer who never paid (C, potential).
for ((i = 1; i <= n; i++)); do
  case $((i % 3)) in
    0) echo "example \"generated $i\": frequency $((10 + i % 7)), monetary $((2000 + i)), recency $((i % 60)) expects tier A, lifecycle active" ;;
    1) echo "example \"generated $i\": frequency 4, monetary $((100 + i % 300)), recency $((100 + i % 200)) expects tier B, lifecycle silent" ;;
    2) echo "example \"generated $i\": frequency 0, monetary 0, percentile(monetary, 0.90) = 3000 expects tier C, lifecycle potential, not tag high_spender" ;;
  esac
done > "$work/many/generated.seg"

echo "== seg test on rules/ with its own examples, and with $n more"
hyperfine --warmup 1 --runs 10 --export-json "$work/hyperfine.json" \
  "$seg test $work/own" \
  "$seg test $work/many"
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
own, many = json.load(open(sys.argv[1]))["results"]
print(f"medians: own examples {own['median'] * 1000:.0f} ms, "
      f"with the generated ones {many['median'] * 1000:.0f} ms, "
      f"ratio {many['median'] / own['median']:.2f}")
PY

echo "== seg test with $n more examples under /usr/bin/time -v"
/usr/bin/time -v "$seg" test "$work/many" > "$work/out.txt" 2> "$work/time.txt"
tail -1 "$work/out.txt"
grep -E "Elapsed|Maximum resident" "$work/time.txt"
