#!/usr/bin/env bash
# Builds advisord and runs every test: unit and integration tests through ctest, first in a
# normal build (warnings are errors), then again under AddressSanitizer and
# UndefinedBehaviorSanitizer; valgrind's memcheck over the unit tests and one integration test;
# every fuzz target for 3 seconds from its seeds (clang); then the contract tests (lint,
# response check, property test); then the web app's browser tests (tests/web; screenshots
# in build/screenshots). After the first build's tests, the benchmark runs once in its
# smoke mode (bench/run.sh --smoke).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh --test

jobs=$(nproc 2>/dev/null || echo 2)
trace_dir="$here/build/trace"

# The first build is optimised like the one scripts/run.sh makes (gcc warns about more at -O2),
# the second is Debug with the sanitizers.
echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
rm -rf "$trace_dir" && mkdir -p "$trace_dir"
echo "== tests"
ADVISORD_TRACE_DIR="$trace_dir" ctest --test-dir build --output-on-failure -j"$jobs"
echo "== benchmark, smoke mode (that every workload still works; its figures are not judged)"
bash bench/run.sh --smoke --bin build/advisord

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DADVISORD_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== valgrind (memcheck)"
bash scripts/valgrind.sh

if command -v clang-14 >/dev/null 2>&1 || command -v clang >/dev/null 2>&1; then
  echo "== fuzzing (libFuzzer, 3 s per target from the committed seeds)"
  bash scripts/fuzz.sh --fresh --time 3
else
  echo "== fuzzing skipped: clang is not installed"
fi

if [ -f package.json ] && [ -f tests/contract/run.sh ]; then
  echo "== contract tests"
  ADVISORD_TRACE_DIR="$trace_dir" bash tests/contract/run.sh
fi
echo "== browser tests (the web app in Debian's Chromium via playwright-core; axe-core)"
WEB_SCREENSHOT_DIR="$here/build/screenshots" ADVISORD_BIN="$here/build/advisord" \
  node --test --test-concurrency=1 --test-reporter=spec tests/web/
echo "== all tests passed"
