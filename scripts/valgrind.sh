#!/usr/bin/env bash
# Runs every unit test, and the integration tests named below with the server under valgrind's
# memcheck (tests/integration/harness.c wraps advisord when ADVISORD_VALGRIND is set), on the
# RelWithDebInfo build in build/. Any memory error or definite/indirect leak fails it; prints
# valgrind's summary per program. Logs: build/valgrind/.
#
#   bash scripts/valgrind.sh               # unit tests + the four it_test_collab_way_* (the ways in)
#   bash scripts/valgrind.sh it_test_http it_test_register_input   # other integration tests
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v valgrind >/dev/null || { echo "valgrind: not installed (scripts/deps.sh --test)" >&2; exit 1; }
integration=("$@")
[ ${#integration[@]} -gt 0 ] ||
  integration=(it_test_collab_way_account it_test_collab_way_subscriber
               it_test_collab_way_new_customer it_test_collab_way_customer_invite)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
out=build/valgrind
rm -rf "$out" && mkdir -p "$out"
memcheck=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)

# "errors, definitely lost, indirectly lost" from one valgrind log.
summary() {
  local errors lost indirect
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$1" | tail -n 1)
  lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tail -n 1)
  indirect=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tail -n 1)
  printf '%s errors, %s bytes definitely lost, %s bytes indirectly lost' \
    "${errors:-?}" "${lost:-0}" "${indirect:-0}"
}

failed=0
for bin in build/tests/unit_test_*; do
  name=$(basename "$bin")
  rc=0
  "${memcheck[@]}" --log-file="$out/$name.log" "$bin" >"$out/$name.out" 2>&1 || rc=$?
  printf '%-28s %s%s\n' "$name" "$(summary "$out/$name.log")" "$([ $rc -eq 0 ] || echo "  FAILED ($rc)")"
  [ $rc -eq 0 ] || failed=1
done
for name in "${integration[@]}"; do
  rc=0
  mkdir -p "$out/$name"
  ADVISORD_VALGRIND="$here/$out/$name" "build/tests/$name" >"$out/$name.out" 2>&1 || rc=$?
  printf '%-28s %s%s\n' "$name" "$([ $rc -eq 0 ] && echo "test passed" || echo "FAILED ($rc)")" \
    "; the server under memcheck:"
  [ $rc -eq 0 ] || failed=1
  for log in "$out/$name"/advisord-*.log; do
    [ -f "$log" ] || { echo "  no valgrind report: the server did not run under memcheck"; failed=1; continue; }
    printf '  %-26s %s\n' "$(basename "$log" .log)" "$(summary "$log")"
    grep -q "ERROR SUMMARY: 0 errors" "$log" || failed=1
  done
done
exit $failed
