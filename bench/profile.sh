#!/usr/bin/env bash
# bench/profile.sh - where advisord's time goes under two of bench/run.sh's workloads (GET one
# collaboration, POST activation), for the figures in the README's "Speed" section. For each:
# perf record (software cpu-clock event, call graphs; this machine's VM has no hardware counters)
# of the whole server during a wrk run, then strace -c -f over about one second of the same load;
# prints the top symbols, the split by shared object, and the system calls.
#
# Usage: bash bench/profile.sh [--bin PATH] [--seconds S] [--threads N]
#   --threads  the server's worker threads (default 0: one per core)
# Needs perf (Debian linux-perf) and strace, as root. Keeps its work directory and prints its path.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench"
bin="$repo/build/advisord" secs=5 threads=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift ;;
    --seconds) secs=$2; shift ;;
    --threads) threads=$2; shift ;;
    *) echo "profile: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for tool in perf strace wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "profile: $tool is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/advisord-profile.XXXXXX")
pids=()
trap 'for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT
free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "profile: nothing listens on port $1" >&2; exit 1
}

mkdir -p "$work/sink"
# the benchmark's SMTP sink (the tests' Python one fsyncs every message: it would be the limit)
gcc -O2 -o "$work/smtp_sink" "$bench/smtp_sink.c" -lpthread
"$work/smtp_sink" serve "$work/sink" 2>>"$work/sink.log" & pids+=($!)
for _ in $(seq 300); do [ -f "$work/sink/port" ] && break; sleep 0.1; done
port=$(free_port)
"$bin" --bind 127.0.0.1 --port "$port" --db "$work/adv.db" --secret-file "$work/secret.key" \
  --mail-spool "$work/spool" --smtp-url "smtp://127.0.0.1:$(cat "$work/sink/port")" \
  --smtp-starttls off --collaboration-create-limit 0 --guess-limit 0 --threads "$threads" \
  --log-level warn --log-format json serve 2>>"$work/advisord.log" & ap=$!
pids+=("$ap")
wait_port "$port"
tok=$("$bin" --db "$work/adv.db" admin create-office --name "Byrå A" --corporate-id 556036-0793 \
  --email a@byra.test 2>/dev/null | sed -n 's/^token: *//p' | tail -n1)
/usr/bin/python3 "$bench/seed.py" "$port" "$tok" 20000 100 "$work"
cid=$(cat "$work/collab.txt")
cat "$work/post-ids.txt" "$work/mix-ids.txt" >"$work/all-ids.txt"

# profile NAME VAR=VALUE...: perf and strace of the server under one wrk workload
profile() {
  local name=$1; shift
  env "$@" TOKEN="$tok" wrk -t1 -c32 -d"${secs}s" -s "$bench/wrk.lua" "http://127.0.0.1:$port" \
    >"$work/$name.wrk" 2>&1 & local wp=$!
  sleep 0.5
  perf record -q -e cpu-clock -F 999 -g -p "$ap" -o "$work/$name.perf" -- sleep "$((secs - 2))" \
    >/dev/null 2>&1 || true
  wait "$wp"
  env "$@" TOKEN="$tok" wrk -t1 -c32 -d3s -s "$bench/wrk.lua" "http://127.0.0.1:$port" \
    >"$work/$name-strace.wrk" 2>&1 & wp=$!
  sleep 1
  timeout -s INT 1 strace -c -f -p "$ap" -o "$work/$name.strace" >/dev/null 2>&1 || true
  wait "$wp"
  set +o pipefail # head closes the pipe early
  {
    echo "=== $name: $(grep '^RESULT' "$work/$name.wrk")"
    echo "--- by shared object (perf, cpu-clock samples of the server process)"
    perf report -i "$work/$name.perf" --no-children --sort dso --stdio 2>/dev/null |
      grep -E '^ +[0-9]' | head -12
    echo "--- top symbols (self)"
    perf report -i "$work/$name.perf" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | head -30
    echo "--- system calls over about 1 s of the same load (strace -c -f)"
    head -25 "$work/$name.strace"
  } | tee "$work/$name.txt"
  set -o pipefail
}
profile get BENCH_MODE=get BENCH_PATH="/v1/collaborations/$cid"
before=$(sqlite3 "$work/adv.db" 'select count(*) from collaborations')
profile post BENCH_MODE=post BENCH_IDS="$work/all-ids.txt"
echo "activations answered 201 in both POST runs: $(( $(sqlite3 "$work/adv.db" 'select count(*) from collaborations') - before ))"
echo "e-mails pending at the end: $(sqlite3 "$work/adv.db" "select count(*) from outbox where status = 'pending'") of $(sqlite3 "$work/adv.db" 'select count(*) from outbox')"
echo "profile: work directory $work (perf data: get.perf, post.perf; perf report -i FILE)"
