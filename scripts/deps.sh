#!/usr/bin/env bash
# Installs what advisord needs to build, run and test, from Debian's packages, and the pinned npm
# packages (npm ci: the build embeds Redoc's bundle for /docs and makes openapi.json with Node.js;
# the contract and browser tests use the rest). Safe to run again: it installs only what is
# missing, and runs npm ci only when package-lock.json changed since the last time.
set -euo pipefail

packages=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
          libcurl4-openssl-dev uuid-dev libssl-dev libpq-dev sqlite3 curl jq perl nodejs npm)
if [ "${1:-}" = "--test" ]; then
  # wrk runs the benchmark; clang-14 and its runtimes (libFuzzer, sanitizers) build
  # tests/fuzz; valgrind runs scripts/valgrind.sh.
  # chromium runs the web app's browser tests (tests/web, Playwright drives it).
  # prometheus brings promtool, which checks GET /metrics (tests/integration/test_metrics.c).
  # postgresql-15: scripts/test.sh runs the suites again on a throwaway PostgreSQL cluster.
  packages+=(python3-aiosmtpd wrk clang-14 libclang-rt-14-dev valgrind chromium prometheus
             postgresql-15)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from outside Debian (as on the build machines): accept any node >= 20 on PATH.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  tmp=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: not root; cannot apt-get install. Run as root, or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

here=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$here/package-lock.json" ]; then
  stamp="$here/node_modules/.advisord-lock.sha256"
  want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi
