#!/usr/bin/env bash
# Builds advisord and runs every test: unit and integration tests through ctest, first in a
# normal build (warnings are errors) on SQLite, then in the same build on PostgreSQL (a
# throwaway cluster this script starts and removes: scripts/pg_cluster.sh), then again under
# AddressSanitizer and UndefinedBehaviorSanitizer on SQLite (and, on PostgreSQL, the unit and
# two-instance tests); valgrind's memcheck over the unit tests and one integration test;
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

echo "== tests again on PostgreSQL 15 (a throwaway cluster; each test makes its own databases)"
pg_dir=$(mktemp -d /tmp/advisord-pg.XXXXXX)
chmod 755 "$pg_dir" # the server runs as postgres when this script runs as root
trap 'bash "$here/scripts/pg_cluster.sh" stop "$pg_dir/cluster"; rm -rf "$pg_dir"' EXIT
pg_url=$(bash scripts/pg_cluster.sh start "$pg_dir/cluster")
# The README's walkthrough is left out: it runs the README's own commands, on its default.
ADVISORD_TEST_PG="$pg_url" ADVISORD_TRACE_DIR="$trace_dir" \
  ctest --test-dir build --output-on-failure -j"$jobs" -E '^readme_walkthrough$'

echo "== benchmark, smoke mode (that every workload still works; its figures are not judged)"
bash bench/run.sh --smoke --bin build/advisord

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DADVISORD_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
echo "== under ASan + UBSan on PostgreSQL: the unit tests (the store's conformance suite among"
echo "   them) and the two-instance tests (the whole suite ran on PostgreSQL above)"
ADVISORD_TEST_PG="$pg_url" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -R '^(unit_|it_test_pg_)'

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
  echo "== contract: property test against the real server on PostgreSQL"
  ADVISORD_TEST_PG="$pg_url" ADVISORD_BIN="$here/build/advisord" \
    node --test --test-reporter=spec tests/contract/fuzz.test.mjs
fi
echo "== browser tests (the web app in Debian's Chromium via playwright-core; axe-core)"
WEB_SCREENSHOT_DIR="$here/build/screenshots" ADVISORD_BIN="$here/build/advisord" \
  node --test --test-concurrency=1 --test-reporter=spec tests/web/
echo "== all tests passed"
