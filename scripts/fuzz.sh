#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, in build-fuzz/, apart from
# the gcc builds) and runs each one, starting from its committed seed corpus
# (tests/fuzz/corpus/NAME, never written to; new inputs go to build-fuzz/corpus/NAME).
#
#   bash scripts/fuzz.sh                      # every target for 3 seconds
#   bash scripts/fuzz.sh --fresh              # the same from the seeds alone (scripts/test.sh)
#   bash scripts/fuzz.sh --time 600 mime      # one target for 10 minutes
#   nice -n 10 bash scripts/fuzz.sh --runs 10000000   # the long run: 10 million inputs each
#
# Prints the executions and crashes per target; exits 1 when any target crashed. A crash leaves
# its input in build-fuzz/artifacts/NAME/ (replay: build-fuzz/tests/fuzz/fuzz_NAME FILE).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

limit=(-max_total_time=3)
targets=()
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done

cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cc" ]; then
  echo "fuzz: clang is not installed (bash scripts/deps.sh --test installs clang-14)" >&2
  exit 1
fi
CC="$cc" cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADVISORD_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

failed=0
printf '%-14s %14s %10s %8s %s\n' target executions exec/s crashes result
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: no target fuzz_$t" >&2; exit 1; }
  work=build-fuzz/corpus/$t arts=build-fuzz/artifacts/$t
  if [ "$fresh" = 1 ]; then
    work=build-fuzz/corpus-fresh/$t
    rm -rf "$work"
  fi
  mkdir -p "$work" "$arts"
  log=build-fuzz/fuzz_$t.log
  rc=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" "${limit[@]}" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096 \
    -artifact_prefix="$arts/" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  crashes=$(find "$arts" -type f | wc -l)
  result=ok
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    result="FAILED (see $log)"
    failed=1
  fi
  printf '%-14s %14s %10s %8s %s\n' "$t" "${runs:-?}" "${speed:-?}" "$crashes" "$result"
done
exit $failed
