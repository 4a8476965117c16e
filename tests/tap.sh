# tests/tap.sh: sourced by the shell test scripts (cli-tests.sh, harness-reuse-tests.sh): $OOMSIM, a scratch
# directory $tmp removed at exit, and TAP-like "ok N - ..." / "not ok N - ..." lines that run-tests.sh counts.
set -u
: "${OOMSIM:=build/oomsim}"
# every oomsim run aborts on a GLib critical or warning, which no input may cause
export G_DEBUG=fatal-criticals,fatal-warnings
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { # check DESC COMMAND...: passes when the command succeeds
  local desc=$1; shift
  if "$@"; then ok "$desc"; else nok "$desc"; fi
}
