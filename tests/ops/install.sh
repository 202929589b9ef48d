#!/usr/bin/env bash
# install.sh BUILD_DIR - ctest's install_tree: `cmake --install` into a temporary prefix must
# put the binary, advisord(8), the systemd unit and the example environment file there; the man
# page and the environment file must name every flag and variable that --help names (all three
# come from one table); the example file, uncommented, must be accepted by advisord as it is;
# the unit must pass `systemd-analyze verify` (with its man page found) where systemd-analyze
# exists (else that part is skipped, saying so).
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/advisord-install-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install_tree: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$prefix/bin/advisord
man=$prefix/share/man/man8/advisord.8
unit=$prefix/lib/systemd/system/advisord.service
env=$prefix/share/doc/advisord/advisord.env.example
for f in "$bin" "$man" "$unit" "$env"; do
  [ -s "$f" ] || fail "missing after install: ${f#"$prefix"/}"
done
[ -x "$bin" ] || fail "bin/advisord is not executable"
echo "install_tree: installed $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"

# Every flag and variable of --help, in the man page and the environment file.
flags=$("$bin" --help | grep -o -- '^  --[a-z-]*' | tr -d ' ' | grep -v -- '^--help\|^--version')
[ "$(echo "$flags" | wc -l)" -ge 30 ] || fail "--help lists too few flags: $flags"
rendered=$(MANWIDTH=200 man -l "$man" 2>/dev/null || sed 's/\\-/-/g' "$man")
for f in $flags; do
  # a here-string, not a pipe: grep -q stops early, and echo's SIGPIPE would fail the pipeline
  grep -q -- "$f value" <<<"$rendered" || fail "advisord(8) does not describe $f"
done
vars=$("$bin" --help | grep -o 'ADVISORD_[A-Z_]*' | sort -u)
for v in $vars; do
  grep -q "^#$v=" "$env" || fail "advisord.env.example does not list $v"
done
[ "$(echo "$vars" | wc -l)" -eq "$(echo "$flags" | wc -l)" ] || fail "flags and variables differ in number"
echo "install_tree: advisord(8) and advisord.env.example name all $(echo "$flags" | wc -l) settings of --help"

# The example file's defaults, uncommented and read as systemd and a shell would, are valid.
sed -n 's/^#\(ADVISORD_[A-Z_]*=\)/\1/p' "$env" >"$prefix/all.env"
env -i bash -c "set -a; . '$prefix/all.env'; '$bin' --version" >/dev/null ||
  fail "advisord refuses the example file's own defaults"

grep -q "^ExecStart=$bin serve\$" "$unit" || fail "the unit's ExecStart is not $bin serve"
for key in DynamicUser=yes StateDirectory=advisord ProtectSystem=strict NoNewPrivileges=yes \
           ProtectHome=yes PrivateTmp=yes CapabilityBoundingSet=; do
  grep -q "^$key\$" "$unit" || fail "the unit lacks $key"
done
if command -v systemd-analyze >/dev/null 2>&1; then
  out=$(MANPATH=$prefix/share/man systemd-analyze verify "$unit" 2>&1) ||
    fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify warns: $out"
  echo "install_tree: systemd-analyze verify passed ($(systemd-analyze --version | head -n 1))"
else
  echo "install_tree: systemd-analyze verify skipped: systemd-analyze is not installed (Debian package systemd)"
fi
echo "install_tree: passed"
