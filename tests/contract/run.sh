#!/usr/bin/env bash
# run.sh - the contract tests, run by scripts/test.sh from the repository root (and alone):
#   1. lint openapi.yaml with Redocly CLI (rules in redocly.yaml; an error fails the run);
#   2. self-test the trace check on doctored traces (it must not go blind);
#   3. check every exchange the integration tests traced in $ADVISORD_TRACE_DIR (default
#      build/trace) against openapi.yaml; no trace at all fails too;
#   4. a client generated from openapi.yaml (openapi-typescript) must not compile a request
#      the server always refuses (typecheck.sh);
#   5. the property test: every operation fuzzed against the real server.
# Needs `npm ci` (scripts/deps.sh --test does it) and a built server (build/advisord; the
# sanitizer build build-asan/advisord is fuzzed instead when it is the newer one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

if [ ! -x node_modules/.bin/redocly ]; then
  echo "contract: node_modules is missing or incomplete: run 'npm ci' at the repository top" >&2
  exit 1
fi
started=$(date +%s)

echo "== contract: lint openapi.yaml (Redocly CLI $(node -p 'require("./node_modules/@redocly/cli/package.json").version'))"
lint_out=$(mktemp)
trap 'rm -f "$lint_out"' EXIT
set +e
node_modules/.bin/redocly lint openapi.yaml --config redocly.yaml --lint-config error \
  --format stylish --max-problems 1000 >"$lint_out" 2>&1
lint_rc=$?
set -e
# Redocly prints a framed notice about Node.js 20 on every run: not a lint result.
grep -v '[╔║╚]' "$lint_out" | sed '/^[[:space:]]*$/d'
if [ "$lint_rc" -ne 0 ]; then
  echo "contract: openapi.yaml has lint errors (above)" >&2
  exit 1
fi

trace_dir=${ADVISORD_TRACE_DIR:-$root/build/trace}
echo "== contract: self-test of the trace check"
ADVISORD_TRACE_DIR="$trace_dir" node --test --test-reporter=spec tests/contract/selftest.test.mjs

echo "== contract: traced exchanges against openapi.yaml ($trace_dir)"
node tests/contract/check-trace.mjs "$trace_dir"

echo "== contract: a client generated from openapi.yaml compiles only requests the server can take"
bash tests/contract/typecheck.sh

echo "== contract: property test against the real server"
# The newer of the two builds: after scripts/test.sh that is the ASan + UBSan one, so that a
# memory error, undefined behaviour or a leak met while fuzzing fails the run too.
if [ -z "${ADVISORD_BIN:-}" ]; then
  ADVISORD_BIN=$root/build/advisord
  if [ -x build-asan/advisord ] && [ build-asan/advisord -nt build/advisord ]; then
    ADVISORD_BIN=$root/build-asan/advisord
  fi
fi
echo "contract: fuzzing $ADVISORD_BIN"
ADVISORD_BIN="$ADVISORD_BIN" \
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  node --test --test-reporter=spec tests/contract/fuzz.test.mjs
echo "== contract: all passed in $(( $(date +%s) - started )) s"
