#!/usr/bin/env bash
# What the membership history costs a run: `seg run rules/` on demo data
# by a build without history (BEFORE, a binary) and by this one, side by
# side, each on its own database, in alternating rounds that change
# `--set vip_spend` (so every run moves some customers); then the time of
# `seg changes` and `seg history` on the result, and how many history rows
# a run wrote. Prints medians: the machine is shared and noisy, so only the
# ratio measured in one session means much.
#
#   BEFORE=/path/to/old/seg bench/history.sh [DATA_DIR] [ROUNDS]
#
# DATA_DIR holds demo data (`seg demo --dir`), default
# /var/tmp/seg-bench/demo-1000000.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-/var/tmp/seg-bench/demo-1000000}/data"
rounds="${2:-5}"
work="${BENCH_DIR:-/var/tmp/seg-hist-bench}"
before="${BEFORE:?set BEFORE to a seg binary without history}"
cargo build --quiet
after="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"
mkdir -p "$work"
rm -f "$work"/before.duckdb* "$work"/after.duckdb*

sources=()
for t in customers orders events surveys crm_tags; do
  sources+=(--source "$t=$data/$t.parquet")
done

run() { # binary db vip_spend -> seconds
  /usr/bin/time -f "%e" "$1" run rules --db "$2" --as-of 2026-01-01 \
    --set "vip_spend=$3" "${sources[@]}" > /dev/null 2> "$work/time.txt"
  tail -1 "$work/time.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "== first runs (not timed)"
run "$before" "$work/before.duckdb" 1500 > /dev/null
run "$after" "$work/after.duckdb" 1500 > /dev/null

: > "$work/before.times"
: > "$work/after.times"
for i in $(seq 1 "$rounds"); do
  spend=$(( i % 2 == 1 ? 1000 : 1500 ))
  b=$(run "$before" "$work/before.duckdb" "$spend")
  a=$(run "$after" "$work/after.duckdb" "$spend")
  echo "round $i (vip_spend=$spend): before $b s, with history $a s"
  echo "$b" >> "$work/before.times"
  echo "$a" >> "$work/after.times"
done
mb=$(median < "$work/before.times")
ma=$(median < "$work/after.times")
echo "== seg run, median of $rounds: before $mb s, with history $ma s, ratio $(awk "BEGIN { printf \"%.2f\", $ma / $mb }")"

echo "== seg changes / seg history on the database with history"
hyperfine -N -w 1 -r 5 --export-json "$work/read.json" \
  "$after changes --db $work/after.duckdb" \
  "$after changes --db $work/after.duckdb --from 1 --format csv" \
  "$after history --db $work/after.duckdb" | grep -E "Time|changes|history"

echo "== history rows (label, tag), rows opened by the last run, database sizes"
cat > "$work/rows.sql" <<'SQL'
SELECT (SELECT count(*) FROM seg_label_history), (SELECT count(*) FROM seg_tag_history);
SELECT (SELECT count(*) FROM seg_label_history WHERE from_run = (SELECT max(run_id) FROM seg_runs)), (SELECT count(*) FROM seg_tag_history WHERE from_run = (SELECT max(run_id) FROM seg_runs));
SQL
"${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/examples/sql" "$work/after.duckdb" "$work/rows.sql" 2>/dev/null \
  || cargo run --quiet --example sql -- "$work/after.duckdb" "$work/rows.sql"
du -h "$work/before.duckdb" "$work/after.duckdb"
