#!/usr/bin/env bash
# typecheck.sh - a client generated from openapi.yaml must not compile a request the server
# always refuses. Generates TypeScript types from openapi.yaml with openapi-typescript and
# type-checks tests/contract/client/requests.ts against them with tsc (both pinned in
# package.json): its valid requests must compile, and each request marked
# `// @ts-expect-error` (a required member, header or body left out) must not, or tsc fails.
# coverage.mjs then checks that every such requirement of the spec has its case there.
# Run by tests/contract/run.sh, and alone from anywhere.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ ! -x node_modules/.bin/openapi-typescript ] || [ ! -x node_modules/.bin/tsc ]; then
  echo "contract: openapi-typescript or tsc is missing: run 'npm ci' at the repository top" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node_modules/.bin/openapi-typescript openapi.yaml --output "$tmp/api.d.ts" >"$tmp/gen.log" 2>&1 ||
  { cat "$tmp/gen.log" >&2; echo "contract: openapi-typescript could not read openapi.yaml" >&2; exit 1; }
cat >"$tmp/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
    "moduleResolution": "bundler", "types": [], "skipLibCheck": false,
    "paths": {"advisord-openapi": ["./api.d.ts"]}
  },
  "files": ["$root/tests/contract/client/requests.ts"]
}
JSON
echo "contract: tsc $(node_modules/.bin/tsc --version | sed 's/^Version //') on tests/contract/client/requests.ts, types from openapi-typescript $(node -p 'require("./node_modules/openapi-typescript/package.json").version')"
if ! node_modules/.bin/tsc -p "$tmp/tsconfig.json"; then
  echo "contract: requests.ts does not type-check against openapi.yaml: a valid request does not" \
       "compile, or an '@ts-expect-error' request (one the server refuses) does (TS2578: the" \
       "spec no longer requires what it leaves out)" >&2
  exit 1
fi
node tests/contract/client/coverage.mjs
