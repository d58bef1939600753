#!/usr/bin/env bash
# `seg report` on a copy of the 1M-customer demo database, side by side
# with `seg check` and `seg history` on the same database (hyperfine,
# medians of 5 runs), and one report under `time -v` for its peak memory.
# Usage: bench/report.sh [target/debug/seg] (DEMO: the demo folder,
# default /var/tmp/seg-bench/demo-1000000, made by `seg demo --customers
# 1000000 --dir ...`).
set -euo pipefail
seg=${1:-target/debug/seg}
demo=${DEMO:-/var/tmp/seg-bench/demo-1000000}
dir=${BENCH_DIR:-/var/tmp/seg-bench}/report
mkdir -p "$dir"
cp "$demo/seg.duckdb" "$dir/seg.duckdb"
sources=""
for s in customers orders events surveys crm_tags; do
  sources+=" --source $s=$demo/data/$s.parquet"
done
hyperfine -N -w 1 -r 5 --export-json "$dir/times.json" \
  "$seg report rules --db $dir/seg.duckdb -o $dir/report.html$sources" \
  "$seg check rules --db $dir/seg.duckdb$sources" \
  "$seg history --db $dir/seg.duckdb" > /dev/null
python3 - "$dir/times.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))['results']:
    print(f"{r['command'].split()[1]:8} median {r['median']:.3f} s  (min {r['min']:.3f}, max {r['max']:.3f})")
PY
/usr/bin/time -v "$seg" report rules --db "$dir/seg.duckdb" -o "$dir/report.html" $sources 2>&1 \
  | grep -E 'Elapsed|Maximum resident'
ls -l "$dir/report.html"
