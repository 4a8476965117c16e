#!/usr/bin/env bash
# tests/harness-verdict-tests.sh: the two verdicts of `oomsim validate` (decisions exact; figures within the counter
# lag plus the kernel's measured jitter) and the kernel-race re-runs, without a VM, as TAP-like lines counted by
# run-tests.sh. A stand-in qemu-system-x86_64 plays back edited copies of a real 6.1 run of
# scenarios/validation/memcg-largest-dies.xml (tests/harness/memcg-largest-dies-6.1.agent.txt).
#
# The model's anon-rss of the victim (pid 11) is the 24 MiB it touched plus the worker's measured base anon of
# 60 kB: 24636 kB. The "figure" copy makes the kernel print 24236 kB, 100 pages (400 kB) less: with a memcg jitter
# of 33 pages the tolerance is 66 + 33 = 99 pages (disagree), with 34 it is 100 (agree).
# The "race" copy adds a second kill (pid 10, "small", at step 3) and so another set of decisions. The stand-in
# plays it for the unperturbed run and for the perturbed runs not named in $tmp/agreeing.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/harness-standin.sh"

scenario=scenarios/validation/memcg-largest-dies.xml
fixture=$PWD/tests/harness/memcg-largest-dies-6.1.agent.txt
fake_kernel
mkdir -p "$tmp/qemu"
sed 's/anon-rss:24480kB/anon-rss:24236kB/' "$fixture" >"$tmp/figure.txt"
sed -e 's/^death 10 exit 0 step end$/kmsg 400 23.000000 small invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\
kmsg 401 23.000100 oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=\/,mems_allowed=0,oom_memcg=\/job,task_memcg=\/job,task=small,pid=82,uid=0\
kmsg 402 23.000200 Memory cgroup out of memory: Killed process 82 (small) total-vm:15000kB, anon-rss:12348kB, file-rss:4kB, shmem-rss:808kB, UID:0 pgtables:56kB oom_score_adj:0\
death 10 signal 9 step 3/' -e 's/oom_kill 1 oom_group_kill 0/oom_kill 2 oom_group_kill 0/' "$fixture" >"$tmp/race.txt"
standin_qemu "$tmp/qemu/qemu-system-x86_64" "$(cat <<TAIL
play=\$(cat "$tmp/play")
if [ "\$play" = race ]; then
  for k in \$(cat "$tmp/agreeing"); do
    grep -aq "~perturb\${k}x" "\$initrd" && play=normal
  done
fi
[ "\$play" = normal ] && src="$fixture" || src="$tmp/\$play.txt"
: >"\${serial[0]}"
cp "\$src" "\${serial[1]}"
exit 33
TAIL
)"
validate() { # validate PLAY ARGS...
  echo "$1" >"$tmp/play"; shift
  PATH="$tmp/qemu:$PATH" "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" --agent "$tmp/agent" \
    --work-dir "$tmp/runs" "$@" "$scenario" >"$tmp/out.txt" 2>&1
}
jitter() { printf '# test\n6.1 global 500 a test figure\n6.1 memcg %s a test figure\n' "$1" >"$tmp/jitter-$1.txt"; }
jitter 33
jitter 34

# A malformed line after one that matched the kernel: exit 2 naming the line, and nothing of the first kept (its
# source string leaked, which make sanitize's LeakSanitizer turns into another exit status)
printf '6.1 memcg 3 a test figure\n6.1 bogus\n' >"$tmp/jitter-bad.txt"
validate normal --jitter "$tmp/jitter-bad.txt"
st=$?
check "a malformed jitter file: exit 2, FILE:2 named, no leak" \
  bash -c "[ $st -eq 2 ] && grep -qx 'oomsim validate: $tmp/jitter-bad.txt:2: expected KERNEL global|memcg PAGES ...' '$tmp/out.txt'"

validate normal --jitter "$tmp/jitter-33.txt"
st=$?
check "the real run agrees: decisions and figures (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qx '   decisions: agree; figures: agree' '$tmp/out.txt'"
check "... the report names the jitter and where it comes from" \
  grep -qx "figure jitter: global OOM 500 pages, memcg OOM 33 pages ($tmp/jitter-33.txt: a test figure)" "$tmp/out.txt"

validate figure --jitter "$tmp/jitter-33.txt"
st=$?
check "anon-rss 100 pages off, memcg jitter 33 (tolerance 99): figures disagree, decisions agree (exit 1)" \
  bash -c "[ $st -eq 1 ] && grep -qx '   decisions: agree; figures: DISAGREE' '$tmp/out.txt'"
check "... the row says the tolerance and its parts" \
  grep -q "+-99 pages rss (counter lag 66 + memcg OOM jitter 33)" "$tmp/out.txt"
validate figure --jitter "$tmp/jitter-34.txt"
st=$?
check "anon-rss 100 pages off, memcg jitter 34 (tolerance 100): agree (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qx '   decisions: agree; figures: agree' '$tmp/out.txt'"
: >"$tmp/jitter-empty.txt"
validate figure --jitter "$tmp/jitter-empty.txt"
st=$?
check "no jitter measured for the kernel: the counter lag alone, figures disagree" \
  bash -c "[ $st -eq 1 ] && grep -q 'none measured for this kernel: counter lag only' '$tmp/out.txt'"
printf '6.1 memcg many pages\n' >"$tmp/jitter-bad.txt"
validate normal --jitter "$tmp/jitter-bad.txt"
st=$?
check "a malformed jitter file is refused (exit 2, FILE:LINE)" \
  bash -c "[ $st -eq 2 ] && grep -q 'jitter-bad.txt:1: expected KERNEL global|memcg PAGES' '$tmp/out.txt'"

echo 1 2 3 >"$tmp/agreeing"
validate race --jitter "$tmp/jitter-33.txt" --race-runs 0
st=$?
check "an extra kill, no re-runs: decisions disagree (exit 1)" \
  bash -c "[ $st -eq 1 ] && grep -qx '   decisions: DISAGREE; figures: agree' '$tmp/out.txt'"
validate race --jitter "$tmp/jitter-33.txt"
st=$?
check "an extra kill in this run, 3 of 4 perturbed runs as the model (3 of 5 runs): a kernel race, agree" \
  bash -c "[ $st -eq 0 ] && grep -q '^   kernel race: 3 of 4 perturbed runs .* (runs 1,2,3); the model gives' '$tmp/out.txt'"
check "... the perturbed runs have work directories of their own" \
  bash -c "ls -d '$tmp'/runs/*/memcg-largest-dies~p4 >/dev/null"
echo 1 2 >"$tmp/agreeing"
validate race --jitter "$tmp/jitter-33.txt"
st=$?
check "2 of 4 perturbed runs as the model (2 of 5 runs): not a majority, decisions disagree (exit 1)" \
  bash -c "[ $st -eq 1 ] && grep -q '^   kernel race: 2 of 4 .*not a majority' '$tmp/out.txt' &&
           grep -qx '   decisions: DISAGREE; figures: agree' '$tmp/out.txt'"
echo >"$tmp/agreeing"
validate race --jitter "$tmp/jitter-33.txt"
st=$?
check "no perturbed run as the model: the kernel decided the same way every time (exit 1)" \
  bash -c "[ $st -eq 1 ] && grep -q 'the kernel decided the same way every time' '$tmp/out.txt'"

# A panic after a kill: the real 6.1 run of scenarios/validation/global-kill-then-deadlock.xml (build/jitter/runs/
# 6.1/global-kill-then-deadlock of 2026-12-05: QEMU status 1, pvpanic). The agent saw the kill but not the victim's
# death before the panic; the victim got SIGKILL, so its exit is 137 on both sides.
mkdir -p "$tmp/kernel-6.12" && cp "$tmp/kernel/vmlinuz" "$tmp/kernel-6.12/"
echo "fake-kernel 6.12" >"$tmp/kernel-6.12/VERSION"
echo "6.12.0-fake" >"$tmp/kernel-6.12/RELEASE"
playback() { # playback NAME QEMU-STATUS SCENARIO [KERNEL]: the stand-in plays tests/harness/NAME-KERNEL.{console,agent}.txt
  local k=${4:-6.1} kdir=$tmp/kernel
  [ "$k" = 6.1 ] || kdir=$tmp/kernel-$k
  cat >"$tmp/qemu/qemu-system-x86_64" <<STANDIN
#!/usr/bin/env bash
serial=()
while [ \$# -gt 0 ]; do
  [ "\$1" = -serial ] && { serial+=("\${2#file:}"); shift; }
  shift
done
cp "$PWD/tests/harness/$1-$k.console.txt" "\${serial[0]}"
cp "$PWD/tests/harness/$1-$k.agent.txt" "\${serial[1]}"
exit $2
STANDIN
  PATH="$tmp/qemu:$PATH" "$OOMSIM" validate --kernel-image "$kdir/vmlinuz" --agent "$tmp/agent" \
    --work-dir "$tmp/runs" --jitter "$tmp/jitter-33.txt" --race-runs 0 "$3" >"$tmp/out.txt" 2>&1
}
playback global-kill-then-deadlock 1 scenarios/validation/global-kill-then-deadlock.xml
st=$?
check "a kill, then a panic: the agent never saw the victim die; its exit is 137 on both sides (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   exits \(pid:status\) +621:137 +621:137\$' '$tmp/out.txt' &&
           grep -qE '^   panic +yes: System is deadlocked on memory +yes: System is deadlocked on memory\$' '$tmp/out.txt'"

# Three memcg kills, then the -1000 allocator livelocks (the real 6.1 run of make differential seed 1 #20,
# build/differential/runs/6.1/d1-20 of 2026-12-05, QEMU status 33): the agent ended the run on the livelock
# without reporting the victims' deaths; they got SIGKILL, so they exit 137 in kill order on both sides.
playback kills-then-livelock 33 tests/harness/kills-then-livelock.xml
st=$?
check "kills, then a livelock: the victims' exits are 137 in kill order on both sides (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   exits \(pid:status\) +413:137, 411:137, 410:137 +413:137, 411:137, 410:137\$' '$tmp/out.txt' &&
           grep -qE '^   unresolved +yes +yes' '$tmp/out.txt'"

# The agent's own errors are not the kernel's: a munmap of a mapping whose mmap had failed gets EBADF from the
# agent's handle table, where the kernel's munmap() would succeed (make differential seed 1 #90, real 6.1 run).
playback munmap-after-failed-mmap 33 tests/harness/munmap-after-failed-mmap.xml
st=$?
check "an agent-side EBADF of a munmap step is not a failed step (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   failed steps +none +none\$' '$tmp/out.txt'"
# A run the VM ends as a livelock never reaches the end of the trace: a survivor's end-of-trace exit 0 is not
# expected from it (make differential seed 1 #114, real 6.1 run).
playback livelock-survivor 33 tests/harness/livelock-survivor.xml
st=$?
check "a livelocked run: the survivors' end-of-trace exits are not compared (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   exits \(pid:status\) +none +none\$' '$tmp/out.txt' &&
           grep -qE '^   unresolved +yes +yes' '$tmp/out.txt'"
# A non-root process's file-read cannot be reproduced (the VM's page cache is a zram device only root may open):
# not runnable, and QEMU is not started (the stand-in would fail the run).
printf '#!/bin/sh\nexit 99\n' >"$tmp/qemu/qemu-system-x86_64"
PATH="$tmp/qemu:$PATH" "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" --agent "$tmp/agent" \
  --work-dir "$tmp/runs" tests/harness/non-root-file-read.xml >"$tmp/out.txt" 2>&1
st=$?
check "a non-root file-read is not runnable in the VM (exit 0, counted apart)" \
  bash -c "[ $st -eq 0 ] && grep -q 'verdict: not runnable: process 270 is not root and reads a file' '$tmp/out.txt'"
# A touch of a 64 KiB malloc's memory after its free: below the agent's glibc mmap threshold (128 KiB) the chunk
# stays on the heap and the write succeeds, where the model gives SIGSEGV: not runnable, QEMU not started.
PATH="$tmp/qemu:$PATH" "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" --agent "$tmp/agent" \
  --work-dir "$tmp/runs" tests/harness/touch-after-free.xml >"$tmp/out.txt" 2>&1
st=$?
check "a touch after free is not runnable in the VM (exit 0, counted apart)" \
  bash -c "[ $st -eq 0 ] && grep -q 'verdict: not runnable: process 280 touches malloc \"buf\" after its free: below glibc' '$tmp/out.txt'"

# A touch of a mapping whose mmap failed: the agent writes to MAP_FAILED, as the program would, and the kernel
# kills it with SIGSEGV ("segfault at ffffffffffffffff" in the console, "death 230 signal 11"): exit 139 on both
# sides, and the memcg OOM that the crasher's 24 MiB would have caused does not happen (real 6.1 run of
# scenarios/validation/touch-failed-mmap-segv.xml, 2026-12-05; make differential seed 1 #132).
playback touch-failed-mmap-segv 33 scenarios/validation/touch-failed-mmap-segv.xml
st=$?
check "a touch of a failed mmap: SIGSEGV, exit 139 on both sides, nobody OOM-killed (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   exits \(pid:status\) +230:139, 231:0 +230:139, 231:0\$' '$tmp/out.txt' &&
           grep -qE '^   victims +none +none\$' '$tmp/out.txt'"

# memory.oom.group kills the victim and a member; then the -1000 allocator livelocks, and the agent never sees
# either die: both exit 137, the victim first, as in the model (the real 6.12 run of make differential seed 1
# #145, 2026-12-05; before, the member's exit was missing: the rule took only the victims).
playback oom-group-then-livelock 33 tests/harness/oom-group-then-livelock.xml 6.12
st=$?
check "an oom.group member killed before a livelock exits 137 after the victim (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   exits \(pid:status\) +111:137, 110:137 +111:137, 110:137\$' '$tmp/out.txt'"

# overcommit 2: the harness gives the model the VM's Committed_AS before the processes (3880 kB), what each added
# (1808 kB) and a fresh worker's VmSize (2684 kB): with them the 174000 kB mapping is refused as in the kernel,
# without them the model let it through (real 6.1 run of scenarios/validation/overcommit2-own-commitment.xml,
# 2026-12-05; make differential seed 1 #117).
playback overcommit2-own-commitment 33 scenarios/validation/overcommit2-own-commitment.xml
st=$?
check "overcommit 2: the processes' own Committed_AS refuses the mapping on both sides (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   ENOMEM steps +big +big\$' '$tmp/out.txt'"

# A run that ends in a livelock never reaches the later steps: the model's EBUSY for a limit write after the
# livelocked step is not expected from it (the real 6.1 run of make differential seed 1 #275, 2026-12-05).
playback livelock-then-write 33 tests/harness/livelock-then-write.xml
st=$?
check "a livelocked run: the model's failed steps after the livelock are not compared (exit 0)" \
  bash -c "[ $st -eq 0 ] && grep -qE '^   failed steps +none +none\$' '$tmp/out.txt'"
