#!/usr/bin/env bash
# tests/limits-tests.sh: the resource bounds users can see (issue 15; docs/scenario-format.md, "Limits"):
# --max-steps and --max-work of run and check, the work each step costs (computed by hand in the scenarios'
# descriptions, tests/limits/), the one-line error naming the step and the bound, and that nothing is written.
. "$(dirname "$0")/tap.sh"
sysctls=tests/limits/three-sysctls.xml
touch2=tests/limits/touch-twice.xml

runs() { # runs WANT-STATUS ARGS...: oomsim run, stdout and stderr kept in $tmp
  local want=$1; shift
  "$OOMSIM" run "$@" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq "$want" ]
}
one_line_is() { # one_line_is TEXT: stderr is exactly that line
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ "$(cat "$tmp/err")" = "$1" ]
}

# three steps: 3 x WORK_STEP (64) = 192 units
check "three steps fit in --max-work 192" runs 0 --max-work 192 "$sysctls"
check "... and not in 191: exit 2" runs 2 --max-work 191 "$sysctls"
check "... one line naming the third step, its line and the bound" one_line_is \
  "$sysctls:7:1: <sysctl> step #3: the run needs more than --max-work 191 units of model work (docs/scenario-format.md, \"Limits\"): stopped here; a larger --max-work lets it go on"
check "... nothing on standard output" test ! -s "$tmp/out"

# one page touched twice: 64 + 2 x (1 + 64 + 1) = 196 units
check "a touch of one page, twice, fits in --max-work 196" runs 0 --max-work 196 "$touch2"
check "... and not in 195 (exit 2, at the touch)" runs 2 --max-work 195 "$touch2"
check "... FILE:11:1: <touch> step #1" grep -q "^$touch2:11:1: <touch> step #1: the run needs more than --max-work 195 " "$tmp/err"

# a quiet time under an actor: every pass of the kubelet's eviction manager counts 1 + pods + tasks;
# 2 x 64 + 11 passes x (1 + 1 + 1) = 161 units (tests/limits/kubelet-quiet.xml)
quiet=tests/limits/kubelet-quiet.xml
check "two steps 100 s apart under a kubelet fit in --max-work 161" runs 0 --max-work 161 --format none "$quiet"
check "... and not in 160: exit 2 at the second step, where the passes ran" runs 2 --max-work 160 --format none "$quiet"
check "... FILE:12:1: <sysctl> step #2" grep -q "^$quiet:12:1: <sysctl> step #2: the run needs more than --max-work 160 " "$tmp/err"

# --max-steps counts the steps of the trace
check "three steps fit in --max-steps 3" runs 0 --max-steps 3 "$sysctls"
check "... and not in 2: exit 2 at the third" runs 2 --max-steps 2 "$sysctls"
check "... one line naming it and the bound" one_line_is \
  "$sysctls:7:1: <sysctl> step #3: the trace has more than --max-steps 2 steps (docs/scenario-format.md, \"Limits\"); a larger --max-steps lets it go on"

# nothing half-written: -o appears only for a run that finished
rm -f "$tmp/report.txt"
check "a run stopped by --max-work writes no -o file" runs 2 --max-work 100 -o "$tmp/report.txt" "$sysctls"
check "... (the file does not exist)" test ! -e "$tmp/report.txt"

# a file-read of 100 TiB on 1 GiB of RAM: three billion reclaim rounds; a bound stops it with a message
cat >"$tmp/huge-read.xml" <<'XML'
<scenario name="huge-read">
  <machine ram="1GiB" swap="0"/>
  <processes><process pid="100" comm="reader"/></processes>
  <trace>
    <file-read pid="100" size="100TiB"/>
  </trace>
</scenario>
XML
check "a 100 TiB file-read on 1 GiB stops at --max-work 1000000 (exit 2)" runs 2 --max-work 1000000 "$tmp/huge-read.xml"
check "... naming the file-read step" grep -q "^$tmp/huge-read.xml:5:1: <file-read> step #1: the run needs more than --max-work 1000000 " "$tmp/err"

# check: the same bounds; a scenario that goes past one is INVALID (exit 2)
"$OOMSIM" check --max-work 191 "$sysctls" >"$tmp/out" 2>"$tmp/err"
check "check --max-work 191 exits 2" test $? -eq 2
check "... INVALID line and the bound's message" \
  bash -c "grep -qx 'INVALID $sysctls' \"$tmp/out\" && grep -q -- '--max-work 191 units' \"$tmp/err\""

# option values
for bad in "--max-work 0" "--max-work -5" "--max-steps 0" "--max-steps x"; do
  check "run $bad is a usage error (exit 2)" runs 2 $bad "$sysctls"
done
check "check --max-steps 0 is a usage error (exit 2)" bash -c "\"$OOMSIM\" check --max-steps 0 $sysctls >/dev/null 2>&1; [ \$? -eq 2 ]"
