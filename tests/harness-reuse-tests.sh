#!/usr/bin/env bash
# tests/harness-reuse-tests.sh: `oomsim validate --reuse` without a VM, as TAP-like "ok"/"not ok" lines (counted
# by run-tests.sh). A stand-in qemu-system-x86_64 first on PATH plays back the agent output of a real 6.1 run
# (tests/harness/memcg-largest-dies-6.1.agent.txt: build/harness/runs/6.1/memcg-largest-dies/agent.txt of the
# 2026-12-01 `make validate`) and counts its calls; a second stand-in always fails. Checked: the played-back run
# parses and agrees with the model; --reuse then reads it back without starting QEMU and prints the same report;
# without --reuse QEMU is started; a changed scenario (another RAM size: another initramfs) is not reused; a run
# where QEMU failed (an exit status that is neither the guest's nor a panic's, or exit 1 before the agent said
# anything) is not kept for --reuse.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/harness-standin.sh"

scenario=scenarios/validation/memcg-largest-dies.xml
fixture=$PWD/tests/harness/memcg-largest-dies-6.1.agent.txt
fake_kernel
mkdir -p "$tmp/good" "$tmp/bad" "$tmp/changed"
standin_qemu "$tmp/good/qemu-system-x86_64" "$(cat <<TAIL
echo call >>"$tmp/calls"
: >"\${serial[0]}"
cp "$fixture" "\${serial[1]}"
exit 33
TAIL
)"
printf '#!/bin/sh\necho call >>"%s/calls-bad"\nexit 99\n' "$tmp" >"$tmp/bad/qemu-system-x86_64"
chmod +x "$tmp/bad/qemu-system-x86_64"
calls() { [ -f "$tmp/$1" ] && wc -l <"$tmp/$1" || echo 0; }
validate() { # validate QEMU-DIR ARGS...
  local dir=$1; shift
  PATH="$tmp/$dir:$PATH" "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" --agent "$tmp/agent" \
    --work-dir "$tmp/runs" "$@"
}

validate good "$scenario" >"$tmp/first.txt" 2>&1
st=$?
check "a played-back 6.1 run parses and agrees (exit 0)" [ $st -eq 0 ]
check "... the report says 1 agree, 0 disagree" grep -qx "1 agree, 0 disagree" "$tmp/first.txt"
check "... QEMU was started once" [ "$(calls calls)" -eq 1 ]
# the work directory: runs/<the --kernel-image argument, made a file name>/memcg-largest-dies/
check "... run.txt names the initramfs, kernel and RAM" \
  bash -c "grep -qE '^initramfs [0-9a-f]{64} kernel fake-kernel 6.1 vmlinuz .* ram 256$' \"$tmp\"/runs/*/memcg-largest-dies/run.txt"

validate bad --reuse "$scenario" >"$tmp/second.txt" 2>&1
st=$?
check "--reuse with a failing QEMU: the same report" cmp -s "$tmp/first.txt" "$tmp/second.txt"
check "... exit 0" [ $st -eq 0 ]
check "... QEMU not started" [ "$(calls calls-bad)" -eq 0 ]

validate bad "$scenario" >"$tmp/third.txt" 2>&1
st=$?
check "without --reuse QEMU is started (and its failure is a disagreement, exit 1)" \
  bash -c "[ $st -eq 1 ] && [ \"\$(wc -l <\"$tmp/calls-bad\")\" -eq 1 ]"

# a run where QEMU itself failed is not kept: the next --reuse starts QEMU again (it kept the failure before)
validate bad --reuse "$scenario" >/dev/null 2>&1
st=$?
check "--reuse after a failed QEMU (exit 99) starts QEMU again" \
  bash -c "[ $st -eq 1 ] && [ \"\$(wc -l <\"$tmp/calls-bad\")\" -eq 2 ]"
mkdir -p "$tmp/early"
printf '#!/bin/sh\necho call >>"%s/calls-early"\necho "qemu: could not allocate guest RAM" >&2\nexit 1\n' "$tmp" \
  >"$tmp/early/qemu-system-x86_64"
chmod +x "$tmp/early/qemu-system-x86_64"
validate early "$scenario" >/dev/null 2>&1
validate early --reuse "$scenario" >/dev/null 2>&1
check "a QEMU exit 1 with no agent output (QEMU did not start, not a panic) is not reused" [ "$(calls calls-early)" -eq 2 ]

sed 's/ram="256MiB"/ram="257MiB"/' "$scenario" >"$tmp/changed/memcg-largest-dies.xml"
check "... (the changed copy really differs)" bash -c "! cmp -s \"$scenario\" \"$tmp/changed/memcg-largest-dies.xml\""
validate good "$scenario" >/dev/null 2>&1 # a good run.txt again
validate bad --reuse "$tmp/changed/memcg-largest-dies.xml" >"$tmp/fourth.txt" 2>&1
st=$?
check "--reuse of a changed scenario (another initramfs) starts QEMU" \
  bash -c "[ $st -eq 1 ] && [ \"\$(wc -l <\"$tmp/calls-bad\")\" -eq 3 ]"

# Issue 9 (4.1): a process the kernel will not put in its cgroup (cgroup v2's no-internal-process rule) is the
# kernel refusing the scenario, and the model refuses it too: "runs: refused | refused", an agreement. The agent
# output is written by hand in harness/agent.c's format (start_proc() -> setup_refused()), not recorded from a VM.
refused=scenarios/validation/process-in-parent-cgroup-refused.xml
fixture_played=$fixture
refused_fixture=$PWD/tests/harness/process-in-parent-cgroup-refused-6.1.agent.txt
mkdir -p "$tmp/refusing"
sed "s|$fixture_played|$refused_fixture|" "$tmp/good/qemu-system-x86_64" >"$tmp/refusing/qemu-system-x86_64"
chmod +x "$tmp/refusing/qemu-system-x86_64"
check "... (the stand-in plays back the refusal)" grep -q "$refused_fixture" "$tmp/refusing/qemu-system-x86_64"
validate refusing "$refused" >"$tmp/refused.txt" 2>&1
st=$?
check "a kernel and a model that both refuse a process in a cgroup with children agree (exit 0)" [ $st -eq 0 ]
check "... the runs row says refused | refused" grep -Eq "runs +refused +refused" "$tmp/refused.txt"
check "... the model's reason names the rule" grep -q "no internal process" "$tmp/refused.txt"

# issue 15: progress per VM on standard error when it is a terminal (here a pty from script(1)): the scenario, the
# kernel and the time the VM took; the report on standard output is the same bytes as without a terminal, and
# without a terminal (every run above) nothing is printed on standard error
if command -v script >/dev/null; then
  q() { printf '%q ' "$@"; }
  script -qec "PATH=$(q "$tmp/good:$PATH") $(q "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" --agent "$tmp/agent" --work-dir "$tmp/runs" --reuse "$scenario") >$(q "$tmp/tty-report.txt")" /dev/null \
    | tr -d '\r' >"$tmp/tty-stderr.txt"
  key="$tmp/kernel/vmlinuz"
  check "validate on a terminal: '[1/1] KERNEL SCENARIO: VM started' on stderr" \
    grep -qxF "[1/1] $key $scenario: VM started" "$tmp/tty-stderr.txt"
  check "... then '[1/1] KERNEL SCENARIO: VM done in N.N s'" \
    grep -qxE "\[1/1\] .* $scenario: VM done in [0-9]+\.[0-9] s" "$tmp/tty-stderr.txt"
  check "... and nothing else there" [ "$(wc -l <"$tmp/tty-stderr.txt")" -eq 2 ]
  check "... the report on stdout is unchanged" cmp -s "$tmp/first.txt" "$tmp/tty-report.txt"
  validate good --reuse "$scenario" >/dev/null 2>"$tmp/notty-stderr.txt"
  check "validate with stderr not a terminal: nothing on stderr" [ ! -s "$tmp/notty-stderr.txt" ]
else
  nok "script(1) is not installed (bsdutils)"
fi

# issue 10: validate --set applies the overrides to both sides, the VM's input and the simulator, with the loader's
# messages for a bad address or value. The stand-in plays back the original scenario's real run (pid 11 killed).
validate good --set 'process[11].oom_score_adj=-1000' "$scenario" >"$tmp/set.txt" 2>&1
st=$?
check "validate --set: the header lists the override" \
  grep -qxF "overrides (VM and simulator): --set process[11].oom_score_adj=-1000" "$tmp/set.txt"
check "... the VM's input has pid 11 at -1000 (the agent's proc line)" \
  bash -c "strings \"$tmp\"/runs/*/memcg-largest-dies/initramfs.cpio | grep -qx 'proc 11 large /job -1000 0 1 1'"
# the played-back kernel killed 11; with 11 at -1000 the model kills the next largest, 12 (medium): the simulator
# ran the variant, so the decisions disagree
check "... the simulator ran the variant: it kills 12 where the played-back kernel killed 11 (exit 1)" \
  bash -c "[ $st -eq 1 ] && grep -Eq '^ ! victims +12 \(medium\) +11 \(large\)' \"$tmp/set.txt\""
validate good "$scenario" >"$tmp/noset.txt" 2>&1
check "... and without --set the same run agrees, with no overrides line" \
  bash -c "[ $? -eq 0 ] && ! grep -q '^overrides' \"$tmp/noset.txt\" && grep -qx '1 agree, 0 disagree' \"$tmp/noset.txt\""
validate good --format json --set 'process[11].oom_score_adj=-1000' "$scenario" >"$tmp/set.json" 2>/dev/null
check "... JSON lists the overrides" \
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d['overrides']!=['process[11].oom_score_adj=-1000'])" "$tmp/set.json"
validate good --set 'cgroup[/nothere].memory.max=1MiB' "$scenario" >"$tmp/set-bad.txt" 2>&1
check "validate --set of an address that names nothing: the loader's message, FILE:LINE:COL" \
  grep -qF "verdict: ERROR: $scenario:2:1: --set cgroup[/nothere].memory.max: no cgroup /nothere in <cgroups>" "$tmp/set-bad.txt"
validate good --set 'cgroup[/job].memory.max=1x' "$scenario" >"$tmp/set-badv.txt" 2>&1
check "validate --set of a bad value: the loader's message at the element it replaces" \
  grep -qF "$scenario:6:1: --set cgroup[/job].memory.max=1x: <cgroup> memory.max=\"1x\" is not a size" "$tmp/set-badv.txt"
