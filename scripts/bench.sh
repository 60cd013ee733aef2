#!/usr/bin/env bash
# `make bench`: every benchmark under bench/, each printing ratios against a baseline of its run.
source "$(dirname "$0")/lib.sh"

ensure_python requirements.txt requirements-dev.txt requirements-bench.txt
shopt -s nullglob
benches=(bench/bench_*.py)
if ((${#benches[@]} == 0)); then
  echo "no benchmarks yet"
  exit 0
fi
for bench in "${benches[@]}"; do
  step "$bench"
  "$PY" "$bench"
done
