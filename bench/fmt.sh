#!/usr/bin/env bash
# Times `seg fmt` on two large files side by side with `seg check`
# (hyperfine, one warm-up, seven runs each; medians), and each once under
# /usr/bin/time -v for its peak memory:
#
# - canonical.seg: the files of rules/ repeated to N lines (nearly in the
#   layout: what CI's `seg fmt --check` meets);
# - messy.seg: N unique statements written carelessly, so that formatting
#   changes every line and `--check` prints a diff of all of them.
#
#   bench/fmt.sh [N]        (default 50,000 lines)
#
# The machine is shared and noisy: compare numbers from one session only.
set -euo pipefail
cd "$(dirname "$0")/.."
lines="${1:-50000}"
work="${BENCH_DIR:-/var/tmp/seg-bench}/fmt"
mkdir -p "$work"

cargo build --quiet
seg="${CARGO_TARGET_DIR:-/var/tmp/seg-target}/debug/seg"

: > "$work/canonical.seg"
while [ "$(wc -l < "$work/canonical.seg")" -lt "$lines" ]; do
  for f in rules/*.seg; do cat "$f"; echo; done >> "$work/canonical.seg"
done
awk -v n="$lines" 'BEGIN {
  for (i = 0; i < n; i++) {
    if (i % 4 == 0) printf "metric m%d=count(orders where status==\047paid\047 , last %d days)\n", i, i % 300 + 1
    else if (i % 4 == 1) printf "metric  v%d = m%d*%d  # note %d\n", i, i - 1, i, i
    else if (i % 4 == 2) printf "tag t%d when v%d>%d and   m%d <> %d\n", i, i - 1, i, i - 2, i
    else printf "metric ok%d = m%d + 1\n", i, i - 3
  }
}' > "$work/messy.seg"
wc -lc "$work/canonical.seg" "$work/messy.seg"

for f in canonical messy; do
  echo "== $f.seg, peak memory of seg fmt --check (/usr/bin/time -v)"
  /usr/bin/time -v "$seg" fmt --check "$work/$f.seg" 2>&1 >/dev/null \
    | grep -E "Elapsed|Maximum resident" || true
done

hyperfine --warmup 1 --runs 7 -N -i \
  --export-json "$work/fmt.json" \
  "$seg check $work/canonical.seg" \
  "$seg fmt --check $work/canonical.seg" \
  "$seg check $work/messy.seg" \
  "$seg fmt --check $work/messy.seg" 2>/dev/null
python3 - "$work/fmt.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["median"]:8.3f} s  {r["command"]}')
PY
