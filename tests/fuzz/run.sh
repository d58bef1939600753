#!/usr/bin/env bash
# Fuzzes seg's front end (tests/fuzz/fuzz_targets/frontend.rs) for SECONDS
# (default 60; CI runs one minute), from a corpus seeded with rules/, the
# fixtures and the ```seg blocks of README.md and docs/. Exits non-zero on a
# crash, with the input that crashed under tests/fuzz/artifacts/.
#
#   tests/fuzz/run.sh [SECONDS] [extra libFuzzer options, e.g. -jobs=2]
#
# Stable toolchain: no sanitizer (`--sanitizer none`, as ASan needs
# nightly); cargo-fuzz passes `-Z` flags even then, which stable rustc
# accepts only with RUSTC_BOOTSTRAP=1, set here for this build alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
target="${SEG_FUZZ_TARGET:-/var/tmp/seg-fuzz-target}"
corpus="${SEG_FUZZ_CORPUS:-/var/tmp/seg-fuzz-corpus}"

command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked

mkdir -p "$corpus"
n=0
for f in rules/*.seg $(find tests/fixtures -name '*.seg'); do
  cp "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')"
  n=$((n + 1))
done
# Every seg code block of the docs, one seed each.
for doc in README.md docs/*.md; do
  awk -v out="$corpus/seed-doc-$(basename "$doc" .md)" '
    /^```seg/ { block++; inside = 1; next }
    /^```/    { inside = 0; next }
    inside    { print > (out "-" block ".seg") }
  ' "$doc"
done
echo "corpus: $(ls "$corpus" | wc -l) inputs ($n rule files and the docs' examples as seeds)"

RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz --sanitizer none \
  --target-dir "$target" frontend "$corpus" -- \
  -max_total_time="$seconds" -max_len=8192 -dict=tests/fuzz/seg.dict \
  -print_final_stats=1 "$@"
