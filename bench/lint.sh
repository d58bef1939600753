#!/usr/bin/env bash
# `seg lint` against `seg check` on the same rule sets: `rules/`, and a
# generated one that is hard on lint (2,000 metrics, 2,000 tags of two
# comparisons each, and one segmentation of 200 rules: 125 over three
# scores, many of them shadowed, then 75 over counts). Medians of 7 runs,
# side by side (hyperfine). Usage: bench/lint.sh [target/debug/seg]
set -euo pipefail
seg=${1:-target/debug/seg}
dir=${BENCH_DIR:-/var/tmp/seg-bench}/lint
mkdir -p "$dir"
cp tests/fixtures/data/customers.csv tests/fixtures/data/orders.csv "$dir/"
python3 - "$dir/big.seg" <<'PY'
import itertools, sys
n = 2000
lines = ['source customers from "customers.csv" key customer_id',
         'source orders from "orders.csv" by customer_id at ordered_at',
         'as of 2025-06-30']
lines += [f'metric m{i} = count(orders where amount > {i})' for i in range(n)]
lines += [f'tag t{i} when m{i} >= {i % 7} and m{(i * 7) % n} < {i % 11 + 3}' for i in range(n)]
lines += ['score r = quintile(m1)', 'score f = quintile(m2)', 'score s = quintile(m3)']
for k, (a, b, c) in enumerate(itertools.product(range(1, 6), repeat=3)):
    lines.append(f'big l{k} when r between {a} and 5 and f between {b} and 5 and s = {c}')
lines += [f'big x{i} when m{i} > {i} and m{i + 1} <= {i + 5}' for i in range(75)]
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
PY
hyperfine -N -i -w 1 -r 7 --export-json "$dir/times.json" \
  "$seg check rules" "$seg lint rules" "$seg check $dir/big.seg" "$seg lint $dir/big.seg" >/dev/null
python3 - "$dir/times.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))['results']:
    print(f"{r['command']:<60} median {r['median']:.3f} s")
PY
