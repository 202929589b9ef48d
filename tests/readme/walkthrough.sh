#!/usr/bin/env bash
# The README's walkthrough as a test, so that the README cannot drift from the server.
#
#   bash tests/readme/walkthrough.sh ADVISORD_BINARY [README.md]
#
# Takes README.md's fenced blocks tagged `sh walkthrough` (and `sh walkthrough-problem`, a
# request that must get the problem its comment shows) in order, and runs them as a new user
# would, in a fresh folder where `build/advisord` is the binary under test and `var/` is
# where the server keeps its data: start the server there, run every block in one bash
# (set -euo pipefail: a failing command or an unset variable stops it; curl fails on any
# HTTP error status), stop the server; then the README's reset (blocks tagged
# `sh walkthrough-reset`), a new server in the same folder, and the whole walkthrough again.
# The server's address is the README's own variable, ADVISORD, set to the port picked here.
# Fails on any failing block, any error in the server's log, or an unclean stop. KEEP=1
# keeps the folder (blocks, the generated pass script, server logs) for a look afterwards.
set -euo pipefail

bin=$(realpath "${1:?usage: walkthrough.sh ADVISORD_BINARY [README.md]}")
readme=$(realpath "${2:-$(dirname "$0")/../../README.md}")
tmp=$(mktemp -d /tmp/advisord-readme-XXXXXX)
work=$tmp/work
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "readme walkthrough: $*" >&2; exit 1; }

# Splits the README into one file per block: $tmp/blocks/NN.TAG holding "# README.md line L"
# and the block's text.
mkdir -p "$tmp/blocks" "$work/build"
awk -v dir="$tmp/blocks" '
  /^```sh walkthrough(-problem|-reset)?[ \t]*$/ {
    tag = $2; n++; file = sprintf("%s/%02d.%s", dir, n, tag)
    printf "# README.md line %d\n", NR + 1 > file; inside = 1; next
  }
  /^```/ && inside { inside = 0; close(file); next }
  inside { print > file }
' "$readme"
shopt -s nullglob
blocks=("$tmp"/blocks/*.walkthrough "$tmp"/blocks/*.walkthrough-problem)
resets=("$tmp"/blocks/*.walkthrough-reset)
[ ${#blocks[@]} -ge 5 ] || fail "found ${#blocks[@]} blocks tagged 'sh walkthrough' in $readme"
[ ${#resets[@]} -ge 1 ] || fail "found no block tagged 'sh walkthrough-reset' in $readme"
# The README says where the server is; this test only changes the port in that variable.
grep -q '^ADVISORD=${ADVISORD:-http://127.0.0.1:8080}' "${blocks[@]}" ||
  fail "no walkthrough block sets ADVISORD=\${ADVISORD:-http://127.0.0.1:8080} (the server's address)"
ln -s "$bin" "$work/build/advisord"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts build/advisord in $work as scripts/run.sh does (its defaults: var/advisor.db,
# var/mail, var/secret.key), on a free port; waits until it listens.
start_server() {
  port=$(free_port)
  log=$tmp/server-$1.log
  (cd "$work" && mkdir -p var && exec build/advisord --port "$port" serve) 2>"$log" &
  server_pid=$!
  for _ in $(seq 200); do
    grep -q '"event":"listening"' "$log" && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "advisord exited at start"; }
    sleep 0.05
  done
  fail "advisord did not listen within 10 s"
}

stop_server() {
  kill "$server_pid"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=
  [ "$rc" -eq 0 ] || { cat "$log" >&2; fail "advisord exited with $rc"; }
  if grep -q '"level":"error"' "$log"; then
    grep '"level":"error"' "$log" >&2
    fail "the server logged errors during pass $1"
  fi
}

# Writes the script of one pass: the blocks in README order, each announced, in one shell.
pass_script() {
  local script=$tmp/pass.sh
  {
    echo 'set -euo pipefail'
    # curl fails on an HTTP error status; its answer is then also shown on stderr, since
    # the README keeps answers in variables.
    echo 'curl() {'
    echo '  local out rc=0'
    echo '  out=$(command curl --fail-with-body --max-time 30 "$@") || rc=$?'
    echo '  printf "%s" "$out"'
    echo '  [ $rc -eq 0 ] || printf "\\ncurl %s: exit %d, answer: %s\\n" "$*" $rc "$out" >&2'
    echo '  return $rc'
    echo '}'
    echo "export ADVISORD=http://127.0.0.1:$port"
    echo 'block=""; trap '\''rc=$?; [ $rc -eq 0 ] || echo "readme walkthrough: the block at $block failed (exit $rc)" >&2'\'' EXIT'
    for f in $(printf '%s\n' "${blocks[@]}" | sort); do
      local where
      where=$(head -n 1 "$f" | sed 's/^# //')
      echo "block='$where'; printf '\\n>>> %s\\n' '$where' >&2"
      if [[ $f == *.walkthrough-problem ]]; then
        # The request must fail with the problem type its comment names.
        local want
        want=$(grep -o 'urn:advisord:problem:[a-z_]*' "$f" | head -n 1)
        [ -n "$want" ] || fail "$where: a walkthrough-problem block names no problem type"
        echo "out=\$( { $(grep -v '^#' "$f"); } 2>/dev/null ) && { echo 'succeeded, expected $want' >&2; exit 1; }"
        echo "echo \"\$out\"; case \$out in *'\"type\":\"$want\"'*) ;; *) echo 'expected $want' >&2; exit 1;; esac"
      else
        tail -n +2 "$f"
      fi
    done
    echo 'printf "\\n>>> walkthrough done\\n" >&2'
  } >"$script"
  echo "$script"
}

run_pass() {
  echo "== pass $1 (advisord on port $port)" >&2
  local script
  script=$(pass_script)
  (cd "$work" && timeout 120 bash "$script") || fail "pass $1 failed (output above)"
}

start_server 1
run_pass 1
stop_server 1
# The reset, as the README gives it, with the server stopped (Ctrl-C in its terminal).
for f in "${resets[@]}"; do
  (cd "$work" && bash -euo pipefail "$f") || fail "the reset block failed"
done
start_server 2
run_pass 2
stop_server 2
echo "readme walkthrough: ${#blocks[@]} blocks passed twice, with the README's reset between"
