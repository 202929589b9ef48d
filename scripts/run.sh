#!/usr/bin/env bash
# Builds advisord and starts it on its embedded default: a SQLite file under ./var, port 8080
# on 127.0.0.1, e-mail written as .eml files to ./var/mail. Extra arguments go to advisord.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target advisord -j"$(nproc 2>/dev/null || echo 2)"
mkdir -p var
exec ./build/advisord "$@"
