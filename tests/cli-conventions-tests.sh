#!/usr/bin/env bash
# tests/cli-conventions-tests.sh: the conventions users expect of a Unix tool (issue 15): --help per command with
# the real program name, help on stdout and exit 0, usage errors on stderr and exit 2, --version with the kernel
# profile list, error messages that point the right way (a duration without its unit, a section out of order).
. "$(dirname "$0")/tap.sh"
run() { # run COMMAND...: stdout in $tmp/out, stderr in $tmp/err, status in $st
  "$@" >"$tmp/out" 2>"$tmp/err"
  st=$?
}

# ---- --help per command: "Usage:" and "oomsim CMD [OPTION…] ARGS" on stdout, nothing on stderr, exit 0
for c in "run:FILE" "check:FILE|DIR…" "expand:FILE" "kernels:" "validate:FILE|DIR..." "sweep:FILE" "sweep-merge:SHARD…" "bisect:FILE"; do
  cmd=${c%%:*} args=${c#*:}
  run env LC_ALL=C.UTF-8 "$OOMSIM" "$cmd" --help
  check "$cmd --help exits 0, prints on stdout only" [ $st -eq 0 -a -s "$tmp/out" -a ! -s "$tmp/err" ]
  check "... names the program: oomsim $cmd [OPTION…]${args:+ $args}" \
    grep -qxF "  oomsim $cmd [OPTION…]${args:+ $args}" "$tmp/out"
  check "... ends with the exit statuses and the man page" bash -c \
    "tail -n 2 '$tmp/out' | head -n 1 | grep -q '^Exit status: 0 [a-z].*, 2 invalid input or usage\.$' && tail -n 1 '$tmp/out' | grep -qF 'oomsim(1)'"
  check "oomsim help $cmd is $cmd --help" \
    bash -c "cmp -s <(LC_ALL=C.UTF-8 \"$OOMSIM\" help $cmd) '$tmp/out'"
done
run env LC_ALL=C "$OOMSIM" run --help
check "in the C locale the ellipsis is three dots, not '?'" grep -qxF "  oomsim run [OPTION...] FILE" "$tmp/out"
check "... and no byte outside ASCII" bash -c "! LC_ALL=C grep -q '[^ -~]' '$tmp/out'"
run "$OOMSIM" --help
check "--help exits 0 on stdout, listing every command" \
  bash -c "[ $st -eq 0 ] && [ ! -s '$tmp/err' ] && for c in run check expand kernels validate sweep sweep-merge bisect; do grep -q \"^  \$c \" '$tmp/out' || exit 1; done"

# ---- usage errors: stderr, exit 2, stdout empty
run "$OOMSIM"
check "no argument: exit 2" [ $st -eq 2 ]
check "... usage on stderr, nothing on stdout" bash -c "[ ! -s '$tmp/out' ] && grep -q '^Usage: oomsim COMMAND' '$tmp/err'"
run "$OOMSIM" kernels extra
check "kernels with an argument: exit 2, saying so on stderr" \
  bash -c "[ $st -eq 2 ] && [ ! -s '$tmp/out' ] && head -n 1 '$tmp/err' | grep -qx 'oomsim kernels: kernels takes no arguments'"
run "$OOMSIM" run --no-such-option x.xml
check "an unknown option: exit 2, 'oomsim run: Unknown option' and the command's help on stderr" \
  bash -c "[ $st -eq 2 ] && [ ! -s '$tmp/out' ] && head -n 1 '$tmp/err' | grep -q '^oomsim run: Unknown option --no-such-option' && grep -q 'oomsim run \[OPTION' '$tmp/err'"
run "$OOMSIM" help frobnicate
check "help of an unknown command: exit 2" [ $st -eq 2 ]

# ---- --version: GNU style first line, then the profile list and its version, the same list as `oomsim kernels`
run "$OOMSIM" --version
profiles=$("$OOMSIM" kernels | awk '{ printf "%s%s", sep, $1; sep = ", " }')
check "--version: 'oomsim X.Y.Z' first" bash -c "head -n 1 '$tmp/out' | grep -qxE 'oomsim [0-9]+\.[0-9]+\.[0-9]+'"
check "--version: 'kernel profiles DATE: $profiles (default 6.1)'" \
  bash -c "sed -n 2p '$tmp/out' | grep -qxE 'kernel profiles [0-9]{4}-[0-9]{2}-[0-9]{2}: $profiles \(default 6\.1\)'"

# ---- messages that point the right way
mk() { printf '<scenario name="x">\n  <processes>\n    <process pid="1" comm="a"/>\n  </processes>\n%s\n</scenario>\n' "$1" >"$tmp/$2.xml"; }
mk '  <trace>
    <touch pid="1" size="1MiB" at="10"/>
  </trace>' at10
run "$OOMSIM" run "$tmp/at10.xml"
check "at=\"10\": exit 2, the unit is missing" \
  bash -c "[ $st -eq 2 ] && [ \"\$(cat '$tmp/err')\" = '$tmp/at10.xml:6:1: <touch> at=\"10\": the unit is missing: write 10s, 10ms, 10us or 10ns (only 0 needs none)' ]"
mk '  <trace>
    <touch pid="1" size="1MiB" at="1.5s"/>
  </trace>' at15
run "$OOMSIM" run "$tmp/at15.xml"
check "at=\"1.5s\": not a duration, with the forms" \
  grep -qxF "$tmp/at15.xml:6:1: <touch> at=\"1.5s\": not a duration: 0, or a number with the unit s, ms, us or ns (at=\"10s\")" "$tmp/err"
mk '  <trace/>
  <machine ram="1GiB"/>' order
run "$OOMSIM" run -o "$tmp/none" "$tmp/order.xml"
check "a section out of order: exit 2, FILE:LINE:COL naming both sections, nothing written" \
  bash -c "[ $st -eq 2 ] && [ ! -e '$tmp/none' ] && [ \$(wc -l <'$tmp/err') -eq 1 ] && grep -qF '$tmp/order.xml:6:1: <machine> after <trace>: the sections of a scenario go in the order <description>, <machine>, <cgroups>, <processes>, <trace>, <expect>' '$tmp/err'"
printf '<scenario name="x">\n  <machine ram="1GiB"/>\n  <machine ram="2GiB"/>\n</scenario>\n' >"$tmp/twice.xml"
run "$OOMSIM" run "$tmp/twice.xml"
check "a section twice says so, at the second" grep -qF "$tmp/twice.xml:3:1: <machine> appears twice: the sections" "$tmp/err"

# ---- the locale never reaches a report (setlocale(LC_ALL, "") is for messages and the character set only)
for f in text dmesg json html; do
  check "run --format $f: the same bytes in the C and C.UTF-8 locales" bash -c \
    "cmp -s <(LC_ALL=C \"$OOMSIM\" run --format $f scenarios/library/swap-full-then-oom.xml) <(LC_ALL=C.UTF-8 \"$OOMSIM\" run --format $f scenarios/library/swap-full-then-oom.xml)"
done
