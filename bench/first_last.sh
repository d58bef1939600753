#!/usr/bin/env bash
# first/last (ordered aggregates) against min/max (the same shape, unordered)
# on demo data, side by side in one hyperfine session: the demo rules plus
# two metrics of each kind. Prints hyperfine's summary; the user (CPU) time
# is the steadier figure on a shared machine.
#
#   bench/first_last.sh [N]     (demo data at /var/tmp/seg-bench/demo-N, default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
data="${BENCH_DIR:-/var/tmp/seg-bench}/demo-$n/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"
cp -r rules "$work/ordered"
cp -r rules "$work/unordered"
printf 'metric acquired_by   = first(orders.channel)\nmetric last_category = last(orders.category where status = "paid")\n' \
  > "$work/ordered/extra.seg"
printf 'metric acquired_by   = min(orders.channel)\nmetric last_category = max(orders.category where status = "paid")\n' \
  > "$work/unordered/extra.seg"
src=""
for t in customers orders events surveys crm_tags; do src="$src --source $t=$data/$t.parquet"; done
hyperfine --warmup 1 --runs 3 \
  -n "min/max" "rm -f $work/u.duckdb && $seg run $work/unordered --as-of 2026-01-01 --db $work/u.duckdb $src" \
  -n "first/last" "rm -f $work/o.duckdb && $seg run $work/ordered --as-of 2026-01-01 --db $work/o.duckdb $src"
