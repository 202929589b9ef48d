#!/usr/bin/env bash
# bench/seed_pairs.sh URL TOKEN N FROM OUT - makes N "customer_id task_id" pairs through the API
# of the advisord at URL with bench/seed_pairs.lua (wrk, 16 connections), corporate IDs from
# FROM + 1 on, into OUT; prints how long it took. wrk's main thread sleeps for its whole -d even
# when the script stopped its thread, so it is interrupted (SIGINT) once OUT has N lines.
# Fails when wrk exits first or N pairs are not made within 10 minutes.
set -euo pipefail
url=$1 tok=$2 n=$3 from=$4 out=$5
: >"$out"
t0=$(date +%s.%N)
SEED_N=$n SEED_FROM=$from SEED_OUT=$out TOKEN=$tok \
  wrk -t1 -c${SEED_CONNS:-16} -d600s --timeout 30s -s "$(dirname "$0")/seed_pairs.lua" "$url" >"$out.log" 2>&1 &
wp=$!
while [ "$(wc -l <"$out")" -lt "$n" ]; do
  if ! kill -0 "$wp" 2>/dev/null; then
    echo "seed_pairs: wrk stopped after $(wc -l <"$out") of $n pairs: $(head -c 600 "$out.log")" >&2
    exit 1
  fi
  sleep 0.1
done
kill -INT "$wp" 2>/dev/null || true
wait "$wp" 2>/dev/null || true
echo "$n pairs in $(/usr/bin/python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
