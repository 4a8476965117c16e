#!/usr/bin/env bash
# tests/harness-earlyoom-tests.sh: `oomsim validate` with Debian's earlyoom in the VM (docs/userspace-killers.md,
# "Validation"), without a VM, as TAP-like lines counted by run-tests.sh. A stand-in qemu-system-x86_64 keeps the
# initramfs it is given and plays back edited copies of a real 6.1 run of the first version of
# scenarios/validation/earlyoom-prefer-avoid.xml (the leak growing 8 MiB a second; redesigned on 2026-12-06, the
# first version kept as tests/harness/earlyoom-prefer-avoid-8mib.xml for this playback)
# (tests/harness/earlyoom-prefer-avoid-6.1.agent.txt, 2026-12-05,
# linux-image-6.1.0-57-cloud-amd64 6.1.192-3 with earlyoom 1.7-1+b1): earlyoom sent SIGTERM to browser (kernel pid
# 83) during the sleep after step 21 (0-based; "#22") and to the leak (84) after step 28 ("#29").
#
# The model's crossing of 10% MemAvailable depends on si_mem_available()'s reclaimable-slab term: with the VM's
# SReclaimable (9200 kB = 2300 pages after the processes started) it adds 2300 - min(1150, low watermarks 27 + 833)
# = 1440 pages (5.6 MiB, 1.2% of MemTotal), and the model's first SIGTERM comes after #22, as the real one; with
# SReclaimable 0 in the playback the model's MemAvailable is 5.6 MiB lower and it signals one step earlier, after #21
# (the disagreement the real run found before the term was modelled).
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/harness-standin.sh"

scenario=tests/harness/earlyoom-prefer-avoid-8mib.xml
fixture=$PWD/tests/harness/earlyoom-prefer-avoid-6.1.agent.txt
fake_kernel
mkdir -p "$tmp/qemu" "$tmp/cache/earlyoom/root/usr/bin" "$tmp/cache/earlyoom/root/lib64"
echo "not earlyoom" >"$tmp/cache/earlyoom/root/usr/bin/earlyoom"
chmod +x "$tmp/cache/earlyoom/root/usr/bin/earlyoom"
echo "not a loader" >"$tmp/cache/earlyoom/root/lib64/ld-linux-x86-64.so.2"
echo "earlyoom 1.7-test, libc6 2.36-test" >"$tmp/cache/earlyoom/VERSION"

# the edited copies
sed 's/SReclaimable [0-9]*/SReclaimable 0/g' "$fixture" >"$tmp/noslab.txt"
sed 's/^death 200 signal 15 step 21$/death 200 signal 9 step 21/; /"browser":%20badness/a\
earlyoom-log escalating%20to%20SIGKILL%20after%200.1%20seconds' "$fixture" >"$tmp/escalated.txt"
sed '/^death 200 signal 15 step 21$/d; s/^step 22 ok$/step 22 ok\
death 200 signal 15 step 22/' "$fixture" >"$tmp/late.txt"
sed 's/^death 100 exit 0 step end$/earlyoom-death signal 9 step 30\
death 100 exit 0 step end/' "$fixture" >"$tmp/died.txt"
sed 's/process%2083%20uid/process%2099%20uid/' "$fixture" >"$tmp/stranger.txt"
sed 's/^step 10 ok$/behind 300000 us\
step 10 ok/' "$fixture" >"$tmp/behind.txt"
sed 's/^step 29 not-run dead$/behind 900000 us\
step 29 not-run dead/; s/^step 9 ok$/behind 100000 us\
step 9 ok/' "$fixture" >"$tmp/behind-dead.txt"

standin_qemu "$tmp/qemu/qemu-system-x86_64" "$(cat <<TAIL
cp "\$initrd" "$tmp/last-initramfs.cpio"
: >"\${serial[0]}"
cp "$tmp/\$(cat "$tmp/play")" "\${serial[1]}"
exit 33
TAIL
)"
validate() { # validate PLAY-FILE ARGS...
  cp "$1" "$tmp/$(basename "$1")" 2>/dev/null
  basename "$1" >"$tmp/play"; shift
  rm -rf "$tmp/runs"
  OOMSIM_VM_CACHE="$tmp/cache" PATH="$tmp/qemu:$PATH" "$OOMSIM" validate --kernel-image "$tmp/kernel/vmlinuz" \
    --agent "$tmp/agent" --race-runs 0 --work-dir "$tmp/runs" "$@" >"$tmp/out.txt" 2>&1
}
row() { grep -E "^ .  $1 " "$tmp/out.txt"; }

# 1. the real run: agrees; the initramfs holds earlyoom's tree and the input its options and the at= times
validate "$fixture" "$scenario"
check "the real 6.1 run with earlyoom agrees (exit $?)" grep -q "^1 agree, 0 disagree$" "$tmp/out.txt"
check "earlyoom's signals: browser after #22, leak after #29, on both sides" \
  grep -qE "^   earlyoom signals +200:SIGTERM after #22, 300:SIGTERM after #29 +200:SIGTERM after #22, 300:SIGTERM after #29$" "$tmp/out.txt"
check "the report names the earlyoom and libc6 packages" grep -q "^   with earlyoom 1.7-test, libc6 2.36-test$" "$tmp/out.txt"
# the initramfs is an uncompressed newc cpio (harness/harness-vm.c): names and contents are plain bytes in it
cpio=$tmp/last-initramfs.cpio
check "the initramfs holds usr/bin/earlyoom, its loader and the cache's earlyoom bytes" \
  bash -c "grep -aq 'usr/bin/earlyoom' '$cpio' && grep -aq 'lib64/ld-linux-x86-64.so.2' '$cpio' && grep -aqF 'not earlyoom' '$cpio'"
check "the agent input starts earlyoom with the scenario's options as written" \
  grep -aFqx 'earlyoom -m 10 --prefer ^browser$ --avoid ^db$' "$cpio"
check "the agent input has the at= time of each timed step (step 5 at 12 s, step 40 at 47 s)" \
  bash -c "grep -a -A1 -x 'at 12000000000' '$cpio' | grep -q '^step 5 300 touch 4 ' &&
           grep -a -A1 -x 'at 47000000000' '$cpio' | grep -q '^step 40 300 touch 4 '"

# 2. the model's reclaimable-slab term decides the step: without it (SReclaimable 0) the model signals a step early
validate "$tmp/noslab.txt" "$scenario"
check "with SReclaimable 0 the model's SIGTERM to browser comes after #21: a decision disagreement (exit $?)" \
  bash -c "grep -qE '^ ! earlyoom signals +200:SIGTERM after #21, ' '$tmp/out.txt' && grep -q '^0 agree, 1 disagree$' '$tmp/out.txt'"

# 3. an escalation to SIGKILL, which the model (processes end at SIGTERM) never does
validate "$tmp/escalated.txt" "$scenario"
check "an escalation to SIGKILL in the real log disagrees (exit $?)" \
  bash -c "grep -qE '^ ! earlyoom signals .* 200:SIGTERM after #22, 200:SIGKILL after #22, 300:SIGTERM after #29$' '$tmp/out.txt' &&
           grep -qE '^ ! exits \(pid:status\) +200:143, 300:143, 100:0 +200:137, ' '$tmp/out.txt'"

# 4. a victim that dies a step later
validate "$tmp/late.txt" "$scenario"
check "browser dying after #23 instead of #22 disagrees (exit $?)" \
  grep -qE "^ ! earlyoom signals .* 200:SIGTERM after #23, 300:SIGTERM after #29$" "$tmp/out.txt"

# 5. earlyoom itself killed in the VM
validate "$tmp/died.txt" "$scenario"
check "earlyoom not running at the end disagrees (exit $?)" \
  grep -qE "^ ! earlyoom ran to the end +yes +no \(signal 9 step 30\)$" "$tmp/out.txt"

# 6. a signal to a process that is not the scenario's (kernel pid 99): named by its negated kernel pid
validate "$tmp/stranger.txt" "$scenario"
check "a signal to a process outside the scenario disagrees, as -KPID (exit $?)" \
  grep -qE "^ ! earlyoom signals .* -99:SIGTERM \(not seen to die\), 300:SIGTERM after #29$" "$tmp/out.txt"

# 7. the VM behind the trace's schedule: a step 300 ms late (more than earlyoom's 100 ms poll) disagrees; 100 ms
#    late, or late steps of a dead process (which run nothing), do not
validate "$tmp/behind.txt" "$scenario"
check "a step 300 ms after its at= time: 'at= times kept' disagrees (exit $?)" \
  grep -qE "^ ! at= times kept +yes +no: #11 started 300 ms late " "$tmp/out.txt"
validate "$tmp/behind-dead.txt" "$scenario"
check "100 ms late, and 900 ms late for a step of a dead process: kept (exit $?)" \
  bash -c "grep -qE '^   at= times kept +yes +yes$' '$tmp/out.txt' && grep -q '^1 agree, 0 disagree$' '$tmp/out.txt'"

# 8. no earlyoom in the cache: a set-up error naming the cure, nothing run
rm -rf "$tmp/cache/earlyoom"
validate "$fixture" "$scenario"
status=$?
check "without earlyoom in the VM cache: exit 1 and 'run \`make validate-setup\`' (exit $status)" \
  bash -c "[ $status = 1 ] && grep -q 'the VM cache has no earlyoom: run \`make validate-setup\`' '$tmp/out.txt'"

# 9. actors that cannot run in the VM, and earlyoom 1.8 (Debian 12 has 1.7): not runnable, no VM started
rm -f "$tmp/last-initramfs.cpio"
validate "$fixture" scenarios/library/systemd-oomd-kills-slice.xml scenarios/library/k8s-kubelet-50mi-oomkilled-v2.xml
check "a <systemd-oomd> and a <kubelet> scenario are not runnable, without a VM run" \
  bash -c "grep -q 'not runnable: a <systemd-oomd>: systemd-oomd needs systemd as PID 1' '$tmp/out.txt' &&
           grep -q 'not runnable: a <kubelet>: the kubelet cannot run in the VM' '$tmp/out.txt' &&
           grep -q '^2 not runnable on ' '$tmp/out.txt' && ! test -e '$tmp/last-initramfs.cpio'"
sed 's/version="1.7"/version="1.8"/' "$scenario" >"$tmp/eo18.xml"
validate "$fixture" "$tmp/eo18.xml"
check "an earlyoom 1.8 scenario is not runnable" grep -q "not runnable: earlyoom 1.8: the VM runs Debian 12's earlyoom, 1.7" "$tmp/out.txt"
