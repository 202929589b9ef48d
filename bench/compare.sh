#!/usr/bin/env bash
# bench/compare.sh - two advisord binaries side by side, for a change's before and after on a
# shared, noisy machine: both run the same workloads on copies of one seeded database, in
# alternation (A B A B ...), and the median of the rounds is printed with each one's server CPU
# time per request (from /proc/PID/stat: less sensitive to other work than the rate).
#
# Usage: bash bench/compare.sh OLD_BIN NEW_BIN [ROUNDS]   (default 3 rounds)
# Workloads: GET one collaboration (wrk -t1 -c32 -d4s, and "get64" at 64 connections: issue 12's
# p99 target), POST an activation (-c32; 100,000 customer/task pairs, each used once), and the mailer
# draining 4,000 queued e-mails to bench/smtp_sink.c. "mailed" is how many e-mails per second
# the mailer delivered while the POST load ran (its CPU is in POST's CPU per request);
# "get_drain" is GET again while the mailer drains 30,000 more (its CPU per request counts the
# mailer's too): its p99 against "get"'s is what the drain costs requests.
# Needs wrk, sqlite3, gcc (deps.sh --test).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench"
[ $# -ge 2 ] || { echo "usage: bash bench/compare.sh OLD_BIN NEW_BIN [ROUNDS]" >&2; exit 2; }
bins=("$1" "$2") rounds=${3:-3}
for b in "${bins[@]}"; do [ -x "$b" ] || { echo "compare: $b is not an executable" >&2; exit 2; }; done
work=$(mktemp -d "${TMPDIR:-/tmp}/advisord-compare.XXXXXX")
pids=()
trap 'for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks (1/100 s)

gcc -O2 -o "$work/smtp_sink" "$bench/smtp_sink.c" -lpthread
mkdir -p "$work/tpl" "$work/sink"
"$work/smtp_sink" serve "$work/sink" & pids+=($!)
wait_port "$(sleep 0.2; cat "$work/sink/port")"
sink="smtp://127.0.0.1:$(cat "$work/sink/port")"

# one seeded database for all: 102,000 customers with a task, 100 activations, made by OLD_BIN
port=$(free_port)
"${bins[0]}" --db "$work/tpl/db" --port "$port" --smtp-url "$sink" --smtp-starttls off \
  --collaboration-create-limit 0 --log-level warn serve 2>>"$work/server.log" & sp=$!
wait_port "$port"
tok=$("${bins[0]}" --db "$work/tpl/db" admin create-office --name "Byrå A" \
  --corporate-id 556036-0793 --email a@byra.test 2>/dev/null | sed -n 's/^token: *//p' | tail -n1)
/usr/bin/python3 "$bench/seed.py" "$port" "$tok" 2000 100 "$work/tpl" >/dev/null
bash "$bench/seed_pairs.sh" "http://127.0.0.1:$port" "$tok" 100000 1000000 "$work/tpl/pairs.txt" >&2
cat "$work/tpl/pairs.txt" >>"$work/tpl/post-ids.txt"
sleep 1
kill "$sp"; wait "$sp" 2>/dev/null || true
cid=$(cat "$work/tpl/collab.txt")
# each binary runs on a copy already at its own schema: NEW_BIN's migrations (index builds over
# 100,000 rows) run here once, not at each round's start, where their WAL pages would be
# checkpointed during the load measured after them
sqlite3 "$work/tpl/db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$work/tpl/db" "$work/tpl/db.0" && cp "$work/tpl/db" "$work/tpl/db.1"
port=$(free_port)
"${bins[1]}" --db "$work/tpl/db.1" --port "$port" --smtp-url "$sink" --smtp-starttls off \
  --log-level warn serve 2>>"$work/server.log" & sp=$!
wait_port "$port" || { echo "compare: ${bins[1]} did not start" >&2; exit 1; }
kill "$sp"; wait "$sp" 2>/dev/null || true
sqlite3 "$work/tpl/db.1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null

start() { # start BIN I: a server on a copy of the seeded database at BIN's schema; sets $pid $port
  rm -rf "$work/run" && mkdir -p "$work/run" && cp "$work/tpl/db.$2" "$work/run/db"
  port=$(free_port)
  "$1" --db "$work/run/db" --port "$port" --smtp-url "$sink" --smtp-starttls off \
    --collaboration-create-limit 0 --guess-limit 0 --log-level warn serve 2>>"$work/server.log" &
  pid=$!
  wait_port "$port"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
sent() { sqlite3 "$work/run/db" "SELECT count(*) FROM outbox WHERE status = 'sent'"; }

load() { # load MODE [VAR=VALUE...]: prints "rate cpu_us_per_request p99_ms" (CONNS: 32)
  local mode=$1; shift
  local c0; c0=$(cpu "$pid")
  local out; out=$(env BENCH_MODE="$mode" TOKEN="$tok" "$@" wrk -t1 -c"${CONNS:-32}" -d4s --timeout 30s \
    -s "$bench/wrk.lua" "http://127.0.0.1:$port" 2>&1 | grep '^RESULT')
  local c1; c1=$(cpu "$pid")
  eval "${out#RESULT }"
  local ok=$((requests - non2xx))
  /usr/bin/python3 -c "print(round($ok / $seconds), round(($c1 - $c0) * 10000 / max($ok, 1), 1), round($p99_us / 1000, 1))"
}

drain() { # drain BIN: 4,000 e-mails from the start to the last one received, then GET while the
  # mailer goes on with 30,000 more queued behind them; prints "rate|GET's rate cpu p99"
  local n=4000 extra=30000 mid_col="" mid_val=""
  # before migration 0065 the outbox stored each row's Message-ID
  if [ "$(sqlite3 "$work/run/db" "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'message_id'")" = 1 ]; then
    mid_col="message_id," mid_val="printf('<00000000-0000-4000-8000-%012d@advisord>', x),"
  fi
  sqlite3 "$work/run/db" "UPDATE outbox SET status = 'sent';
    WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < $((n + extra))),
    src AS (SELECT row_number() OVER (ORDER BY created_at) - 1 AS r, * FROM outbox),
    cnt AS (SELECT count(*) AS c FROM outbox)
    INSERT INTO outbox (id, $mid_col recipient, template, language, data, collaboration_id,
                        status, attempts, next_attempt_at, created_at, updated_at)
    SELECT printf('00000000-0000-4000-8000-%012d', x), $mid_val
           recipient, template, language, data, collaboration_id, 'pending', 0, 0, created_at, updated_at
      FROM k JOIN cnt JOIN src ON src.r = (k.x - 1) % cnt.c"
  local r0; r0=$(wc -l <"$work/sink/received.jsonl")
  local t0; t0=$(date +%s.%N)
  port=$(free_port)
  "$1" --db "$work/run/db" --port "$port" --smtp-url "$sink" --smtp-starttls off \
    --guess-limit 0 --log-level warn serve 2>>"$work/server.log" &
  pid=$!
  local waited=0
  while [ $(( $(wc -l <"$work/sink/received.jsonl") - r0 )) -lt $n ]; do
    sleep 0.05
    waited=$((waited + 1))
    if [ "$waited" -gt 4000 ]; then
      echo "compare: $1 delivered $(( $(wc -l <"$work/sink/received.jsonl") - r0 )) of $n e-mails in 200 s" >&2
      exit 1
    fi
  done
  local t1; t1=$(date +%s.%N)
  local get; get=$(load get BENCH_PATH="/v1/collaborations/$cid")
  stop
  echo "$(/usr/bin/python3 -c "print(round($n / ($t1 - $t0)))")|$get"
}

for r in $(seq "$rounds"); do
  for i in 0 1; do
    b=${bins[$i]}
    start "$b" "$i"
    echo "get $i $(load get BENCH_PATH="/v1/collaborations/$cid")" >>"$work/results"
    echo "get64 $i $(CONNS=64 load get BENCH_PATH="/v1/collaborations/$cid")" >>"$work/results"
    cp "$work/tpl/post-ids.txt" "$work/run/ids"
    s0=$(sent); t0=$(date +%s.%N)
    echo "post $i $(load post BENCH_IDS="$work/run/ids")" >>"$work/results"
    # the invitation e-mails the mailer got out while the POST load ran (per second of it)
    echo "mailed $i $(/usr/bin/python3 -c "print(round(($(sent) - $s0) / ($(date +%s.%N) - $t0)))") - -" >>"$work/results"
    stop
    rm -rf "$work/run" && mkdir -p "$work/run" && cp "$work/tpl/db.$i" "$work/run/db"
    d=$(drain "$b")
    echo "drain $i ${d%%|*} - -" >>"$work/results"
    echo "get_drain $i ${d#*|}" >>"$work/results"
  done
  echo "round $r of $rounds done" >&2
done

/usr/bin/python3 - "$work/results" "${bins[0]}" "${bins[1]}" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"median of the rounds; A = {sys.argv[2]}, B = {sys.argv[3]}")
print(f"{'workload':<10}{'A /s':>10}{'B /s':>10}{'B/A':>7}{'A CPU us':>10}{'B CPU us':>10}{'A p99 ms':>10}{'B p99 ms':>10}")
for w in ("get", "get64", "post", "mailed", "drain", "get_drain"):
    def med(i, col):
        vals = [float(r[col]) for r in rows if r[0] == w and r[1] == str(i) and r[col] != "-"]
        return statistics.median(vals) if vals else float("nan")
    a, b = med(0, 2), med(1, 2)
    print(f"{w:<10}{a:>10.0f}{b:>10.0f}{b / a:>7.2f}{med(0, 3):>10.1f}{med(1, 3):>10.1f}{med(0, 4):>10.1f}{med(1, 4):>10.1f}")
EOF
