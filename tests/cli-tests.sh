#!/usr/bin/env bash
# tests/cli-tests.sh: the command line's contract, as TAP-like "ok"/"not ok" lines (counted by run-tests.sh).
#   exit statuses, -o only on success, standard input, the nearest-older profile note, determinism (every library
#   and version scenario run twice in every format, byte for byte), and golden outputs (tests/golden/).
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review the diff before committing).
. "$(dirname "$0")/tap.sh"
status_is() { # status_is WANT COMMAND...
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq "$want" ]
}

lib=scenarios/library/k8s-pod-50mi-oomkilled.xml

check "--version prints the version" bash -c "\"$OOMSIM\" --version | grep -qE '^oomsim [0-9]+\.[0-9]+\.[0-9]+$'"
check "--help exits 0" status_is 0 "$OOMSIM" --help
check "no command exits 2" status_is 2 "$OOMSIM"
check "an unknown command exits 2" status_is 2 "$OOMSIM" frobnicate
check "run --help exits 0" status_is 0 "$OOMSIM" run --help
check "run with a bad --format exits 2" status_is 2 "$OOMSIM" run --format xml "$lib"
check "run --format none: exit 0, nothing on standard output" \
  bash -c "\"$OOMSIM\" run --format none $lib >\"$tmp/none.out\" && [ ! -s \"$tmp/none.out\" ]"
check "run --format none of a scenario with an unknown pid: exit 2 all the same" \
  bash -c "printf '<scenario name=\"x\"><machine ram=\"1GiB\"/><processes><process pid=\"1\" comm=\"a\"/></processes><trace><touch pid=\"2\" size=\"1MiB\"/></trace></scenario>' | \"$OOMSIM\" run --format none - 2>/dev/null; [ \$? -eq 2 ]"
check "kernels lists 11 profiles, 6.1 the default" \
  bash -c "[ \$(\"$OOMSIM\" kernels | wc -l) -eq 11 ] && \"$OOMSIM\" kernels | grep -q '^6.1 .*\[default\]'"
# start-up (docs/performance.md, "Start-up and ingest"): json-glib is loaded on first use (sim/lazy-json-glib.c)
check "run maps neither json-glib nor GIO; sweep loads json-glib when it reads its rows" \
  bash -c "! LD_DEBUG=files \"$OOMSIM\" run --format none $lib 2>&1 >/dev/null | grep -qE 'libjson-glib|libgio' &&
    LD_DEBUG=files \"$OOMSIM\" sweep scenarios/what-if/overcommitted-node.xml --vary sysctl.vm.overcommit_memory=0,1 \
      2>&1 >/dev/null | grep -q 'file=libjson-glib-1.0.so.0'"

# -o appears only on success
rm -f "$tmp/report.txt"
check "run -o writes the report" bash -c "\"$OOMSIM\" run -o \"$tmp/report.txt\" $lib && [ -s \"$tmp/report.txt\" ]"
check "run -o matches standard output" bash -c "\"$OOMSIM\" run $lib | cmp -s - \"$tmp/report.txt\""
check "a missing file exits 2" status_is 2 "$OOMSIM" run -o "$tmp/none.txt" "$tmp/does-not-exist.xml"
check "... with FILE:LINE:COL: and no output file" \
  bash -c "grep -q '^$tmp/does-not-exist.xml:[0-9]*:[0-9]*: ' \"$tmp/err\" && [ ! -e \"$tmp/none.txt\" ]"
printf '<scenario name="x"><machine ram="1GiB"/><processes><process pid="1" comm="a"/></processes><trace><touch pid="2" size="1MiB"/></trace></scenario>\n' >"$tmp/badref.xml"
check "an unknown pid in the trace exits 2" status_is 2 "$OOMSIM" run -o "$tmp/none.txt" "$tmp/badref.xml"
check "... says FILE:1:COL: no process with pid 2, no output file" \
  bash -c "grep -q '^$tmp/badref.xml:1:[0-9]*: no process with pid 2' \"$tmp/err\" && [ ! -e \"$tmp/none.txt\" ]"

# issue 9: an expectation naming a step that does not exist is invalid for run too, not only a failure of check
rm -f "$tmp/none.txt"
bad=tests/invalid/expect-enomem-unknown-step.xml
check "run of a scenario whose <enomem> names no step exits 2" status_is 2 "$OOMSIM" run -o "$tmp/none.txt" "$bad"
check "... one line at the <enomem> element, no output file" \
  bash -c "[ \$(wc -l <\"$tmp/err\") -eq 1 ] && grep -q '^$bad:14:1: <enomem> step=\"nothere\"' \"$tmp/err\" && [ ! -e \"$tmp/none.txt\" ]"

# standard input
check "run - reads standard input" bash -c "\"$OOMSIM\" run --format json - < $lib | grep -q '\"scenario\"'"
check "check - reads standard input" bash -c "\"$OOMSIM\" check - < $lib | grep -q '^1 passed, 0 failed$'"

# kernels
check "an unknown kernel exits 2" status_is 2 "$OOMSIM" run --kernel banana "$lib"
check "... with FILE:LINE:COL:" grep -q "^$lib:[0-9]*:[0-9]*: unknown kernel version" "$tmp/err"
# issue 9: a version that is not a profile is an error listing the profiles, not another profile run silently
profiles=$("$OOMSIM" kernels | awk '{ printf "%s%s", sep, $1; sep = ", " }')
for ver in 7.0 5.19; do
  rm -f "$tmp/none.txt"
  check "--kernel $ver (no such profile) exits 2" status_is 2 "$OOMSIM" run -o "$tmp/none.txt" --kernel $ver "$lib"
  check "... one line FILE:LINE:COL: naming $ver and listing the profiles, no output file" \
    bash -c "[ \$(wc -l <\"$tmp/err\") -eq 1 ] && grep -qxF '$lib:2:1: unknown kernel version \"$ver\" (--kernel): the profiles are $profiles (\`oomsim kernels\`)' \"$tmp/err\" && [ ! -e \"$tmp/none.txt\" ] && [ ! -s \"$tmp/out\" ]"
done
check "check --kernel 7.0 exits 2" status_is 2 "$OOMSIM" check --kernel 7.0 "$lib"
check "a release string of a profile's version runs that profile" \
  bash -c "\"$OOMSIM\" run --format json --kernel 6.12.38+deb13-amd64 $lib | grep -q '\"kernel_profile\" : \"6.12\"'"
sed 's/kernel="6.1"/kernel="7.0"/' "$lib" >"$tmp/kernel-attr.xml"
check "kernel=\"7.0\" in the scenario exits 2" status_is 2 "$OOMSIM" run "$tmp/kernel-attr.xml"
check "... with FILE:2:1: (the <scenario> element) and the profiles" \
  grep -qxF "$tmp/kernel-attr.xml:2:1: unknown kernel version \"7.0\": the profiles are $profiles (\`oomsim kernels\`)" "$tmp/err"
check "the text report names the profile" bash -c "\"$OOMSIM\" run --kernel 4.19 $lib | grep -q '4.19'"
check "a cgroup v1 scenario on 6.12 is refused (no CONFIG_MEMCG_V1)" \
  status_is 2 "$OOMSIM" run --kernel 6.12 scenarios/library/v1-oom-kill-disable-blocks.xml
check "memory.oom.group on 3.10 is refused" status_is 2 "$OOMSIM" run --kernel 3.10 scenarios/library/memory-oom-group.xml

# check's exit statuses
check "check of a passing scenario exits 0" status_is 0 "$OOMSIM" check "$lib"
check "check of a failing scenario exits 1" status_is 1 "$OOMSIM" check tests/cli/wrong-victim.xml
check "... and names the expectation's line" grep -q "wrong-victim.xml:[0-9]*:[0-9]*: expected OOM kill #1 to be pid 4201, got pid 4200" "$tmp/out"
check "check of an invalid scenario exits 2" status_is 2 "$OOMSIM" check "$tmp/badref.xml"
check "check ends with N passed, N failed" bash -c "\"$OOMSIM\" check $lib tests/cli/wrong-victim.xml | tail -n 1 | grep -qx '1 passed, 1 failed'"
# issue 15: a directory is read once however many links lead to it: a link back up the tree adds nothing, a
# link to another directory brings its scenarios once
mkdir -p "$tmp/loop/sub" "$tmp/other"
cp "$lib" "$tmp/loop/a.xml"
cp "$lib" "$tmp/other/b.xml"
ln -sfn . "$tmp/loop/self"
ln -sfn .. "$tmp/loop/sub/up"
ln -sfn ../other "$tmp/loop/other"
ln -sfn ../other "$tmp/loop/sub/other-again"
timeout 60 "$OOMSIM" check "$tmp/loop" >"$tmp/out" 2>&1
check "check DIR with symlink loops ends and counts each scenario once" \
  bash -c "tail -n 1 \"$tmp/out\" | grep -qx '2 passed, 0 failed' && grep -q '^PASS $tmp/loop/a.xml ' \"$tmp/out\" && grep -q '^PASS $tmp/loop/other/b.xml ' \"$tmp/out\""

# every expectation kind reports its failure, one line each, with FILE:LINE:COL
"$OOMSIM" check tests/cli/all-wrong.xml >"$tmp/out" 2>&1
check "check reports every wrong expectation (14 lines)" \
  bash -c "[ \$(grep -c '^  tests/cli/all-wrong.xml:[0-9]*:[0-9]*: expected' \"$tmp/out\") -eq 14 ]"
check "more OOM kills than expected fail" status_is 1 "$OOMSIM" check tests/cli/too-many-kills.xml
check "... saying how many" grep -q "expected 1 OOM kill(s), got 2 (next: pid 11 (second))" "$tmp/out"

# bad input found while replaying: exit 2, FILE:LINE:COL:, no output file
for f in tests/cli/runtime-*.xml; do
  rm -f "$tmp/none.txt"
  "$OOMSIM" run -o "$tmp/none.txt" "$f" >/dev/null 2>"$tmp/err"
  st=$?
  if [ $st -eq 2 ] && grep -q "^$f:[0-9]*:[0-9]*: " "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/none.txt" ]; then
    ok "invalid at run time: $f"
  else
    nok "invalid at run time: $f (exit $st: $(head -c 200 "$tmp/err"))"
  fi
done

# issue 9 (4.1): cgroup v2's no-internal-process rule (cgroup_migrate_vet_dst()): a process in a cgroup with a child
# is refused at its <process> element; a move into one fails with EBUSY and the process stays
f=tests/cli/runtime-process-in-internal-cgroup.xml
check "a process in a v2 cgroup with a child is refused at its line (8:1), naming EBUSY" \
  bash -c "\"$OOMSIM\" run $f 2>&1 >/dev/null | grep -q '^$f:8:1: process 101 cannot be in cgroup /app: .*EBUSY'"
check "... on v1 the same cgroups are fine (no such rule)" \
  bash -c "sed 's/version=\"2\"/version=\"1\"/; s/memory.max=/memory.limit_in_bytes=/' $f >\"$tmp/v1-internal.xml\" && \"$OOMSIM\" run --kernel 6.1 -o \"$tmp/v1-internal.txt\" \"$tmp/v1-internal.xml\""
check "a move into a cgroup with a child fails with EBUSY (validation scenario's expectations)" \
  "$OOMSIM" check scenarios/validation/move-into-parent-cgroup-ebusy.xml

# issue 9 (4.3): the oom.group pass and a victim that is not the allocating task (source-derived expectations)
for k in 6.1 6.12; do
  check "oom.group victim not allocating, first / after another member ($k)" \
    "$OOMSIM" check --kernel $k scenarios/validation/oom-group-victim-not-allocating-first.xml \
    scenarios/validation/oom-group-victim-not-allocating-later.xml
done

# usage errors
check "run with two files exits 2" status_is 2 "$OOMSIM" run "$lib" "$lib"
check "run with an unknown option exits 2" status_is 2 "$OOMSIM" run --bogus "$lib"
check "check without files exits 2" status_is 2 "$OOMSIM" check
check "check of a missing directory entry exits 2" status_is 2 "$OOMSIM" check "$tmp/nothing-here"
check "check --quiet prints only the closing line when all pass" \
  bash -c "[ \"\$(\"$OOMSIM\" check --quiet $lib)\" = '1 passed, 0 failed' ]"

# determinism: every scenario, every format, twice
for f in scenarios/library/*.xml scenarios/versions/*.xml; do
  for format in text dmesg json html; do
    "$OOMSIM" run --format $format "$f" >"$tmp/a" 2>/dev/null
    s1=$?
    "$OOMSIM" run --format $format "$f" >"$tmp/b" 2>/dev/null
    s2=$?
    if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && cmp -s "$tmp/a" "$tmp/b"; then
      ok "deterministic: $f ($format)"
    else
      nok "deterministic: $f ($format) (exit $s1/$s2)"
    fi
  done
done

# golden outputs: tests/golden/NAME--PROFILE.FORMAT is `oomsim run --kernel PROFILE --format FORMAT` of
# scenarios/*/NAME.xml
for g in tests/golden/*.*; do
  [ -f "$g" ] || continue
  base=$(basename "$g")
  format=${base##*.}
  stem=${base%.*}
  name=${stem%--*}
  profile=${stem##*--}
  src=$(ls scenarios/library/$name.xml scenarios/versions/$name.xml 2>/dev/null | head -n 1)
  if [ -z "$src" ]; then nok "golden $base: no scenario $name"; continue; fi
  "$OOMSIM" run --kernel "$profile" --format "$format" "$src" >"$tmp/g" 2>/dev/null
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$tmp/g" "$g"; fi
  if cmp -s "$tmp/g" "$g"; then ok "golden $base"; else nok "golden $base"; diff "$g" "$tmp/g" | head -n 20 | sed 's/^/# /'; fi
done

# kswapd beside the allocating task (docs/model.md, "kswapd"): in earlyoom-swap-both-low the leak's steps take the
# machine below the low watermark from #52 on; kswapd, woken in the step and one pass ahead of the task (one page
# reclaimed per page allocated), does all the swapping, so no step reaches the min watermark (no direct reclaim),
# and a run still going when a step ends is finished when the clock moves on
kswapd_out=$("$OOMSIM" run scenarios/validation/earlyoom-swap-both-low.xml 2>&1)
check "kswapd reclaims beside the allocating task (earlyoom-swap-both-low)" \
  grep -q 'reclaim (kswapd, woken below the low watermark, beside the allocating task' <<<"$kswapd_out"
check "kswapd finishes its run when the clock moves on (earlyoom-swap-both-low)" \
  grep -q 'reclaim (kswapd, still awake, as the clock moves on' <<<"$kswapd_out"
check "with kswapd one pass ahead no step reaches the min watermark (earlyoom-swap-both-low)" \
  bash -c '! grep -q "machine at WMARK_MIN" <<<"$1"' _ "$kswapd_out"

# each scenarios/versions/NAME-VER.xml must FAIL under the other profiles of its group: it really pins VER's behaviour
for f in scenarios/versions/*.xml; do
  base=$(basename "$f" .xml)
  group=${base%-*}
  mine=${base##*-}
  for other in scenarios/versions/"$group"-*.xml; do
    ver=$(basename "$other" .xml); ver=${ver##*-}
    [ "$ver" = "$mine" ] && continue
    "$OOMSIM" check --kernel "$ver" "$f" >/dev/null 2>&1
    st=$?
    if [ $st -eq 1 ] || [ $st -eq 2 ]; then ok "$base fails on $ver (exit $st)"; else nok "$base passes on $ver too"; fi
  done
done

# -o and what is already there (docs/report-formats.md, "Output files"): a FIFO or device is written through and
# stays what it is; a symbolic link is followed and stays a link; a regular file keeps its mode; a read-only one is
# refused (exit 2) and left as it was.
mkfifo "$tmp/fifo"
timeout 20 cat "$tmp/fifo" >"$tmp/from-fifo.txt" &
reader=$!
"$OOMSIM" run -o "$tmp/fifo" $lib >/dev/null 2>&1
st=$?
wait $reader
check "-o FIFO: written through (exit 0), the FIFO is still a FIFO" \
  bash -c "[ $st -eq 0 ] && [ -p \"$tmp/fifo\" ] && cmp -s \"$tmp/from-fifo.txt\" \"$tmp/report.txt\""
echo old >"$tmp/real.txt"
ln -s real.txt "$tmp/link.txt"
"$OOMSIM" run -o "$tmp/link.txt" $lib >/dev/null 2>&1
check "-o symlink: the file it names gets the report, the link stays a link" \
  bash -c "[ -L \"$tmp/link.txt\" ] && cmp -s \"$tmp/real.txt\" \"$tmp/report.txt\""
echo old >"$tmp/mode.txt"
chmod 0640 "$tmp/mode.txt"
"$OOMSIM" run -o "$tmp/mode.txt" $lib >/dev/null 2>&1
check "-o regular file: replaced, its mode (0640) kept" \
  bash -c "[ \"\$(stat -c %a \"$tmp/mode.txt\")\" = 640 ] && cmp -s \"$tmp/mode.txt\" \"$tmp/report.txt\""
echo old >"$tmp/ro.txt"
chmod 0444 "$tmp/ro.txt"
"$OOMSIM" run -o "$tmp/ro.txt" $lib >"$tmp/ro.out" 2>&1
st=$?
check "-o read-only file: refused (exit 2, one line), left as it was" \
  bash -c "[ $st -eq 2 ] && [ \"\$(cat \"$tmp/ro.txt\")\" = old ] && [ \"\$(wc -l <\"$tmp/ro.out\")\" -eq 1 ] &&
           grep -q 'is read-only (mode 0444): not overwritten' \"$tmp/ro.out\""

# issue 14: oomsim expand writes out what the kubelet derived, and the expanded scenario runs to the same decisions
k8s=scenarios/library/k8s-guaranteed-survives-node-oom.xml
check "expand exits 0 and shows the kubelet's oom_score_adj (Guaranteed -997, Burstable 750, BestEffort 1000)" \
  bash -c "\"$OOMSIM\" expand $k8s >\"$tmp/exp.xml\" &&
           grep -q 'pid=\"100\".*oom_score_adj=\"-997\"' \"$tmp/exp.xml\" &&
           grep -q 'pid=\"200\".*oom_score_adj=\"750\"' \"$tmp/exp.xml\" &&
           grep -q 'pid=\"300\".*oom_score_adj=\"1000\"' \"$tmp/exp.xml\" &&
           grep -q 'Burstable: 1000 - 1000 \* 1073741824 / 4294967296 = 750' \"$tmp/exp.xml\""
check "expand: the kubepods cgroups, no <kubelet> left" \
  bash -c "grep -q 'path=\"/kubepods/burstable/poddefault-api/api\"' \"$tmp/exp.xml\" && ! grep -q '<kubelet' \"$tmp/exp.xml\""
check "expand: the expanded scenario passes the same <expect>" \
  bash -c "\"$OOMSIM\" check \"$tmp/exp.xml\" | grep -q '^PASS '"
# the "kubelet" object (the pods, which the expanded scenario no longer has) closes the document of the original:
# cut it, and the comma it put after "outcome"
check "expand: the same kills in the JSON report, byte for byte apart from the file name and the pods" \
  bash -c "diff <(\"$OOMSIM\" run --format json $k8s | grep -v '\"file\"' | sed -n '/^  \"kubelet\" : {/q;p' | sed '\$s/^  },\$/  }/') \
                <(\"$OOMSIM\" run --format json \"$tmp/exp.xml\" | grep -v '\"file\"' | sed '\$d') >/dev/null &&
           \"$OOMSIM\" run --format json $k8s | grep -q '^  \"kubelet\" : {'"
check "expand -o writes the file" bash -c "\"$OOMSIM\" expand -o \"$tmp/exp2.xml\" $k8s && cmp -s \"$tmp/exp.xml\" \"$tmp/exp2.xml\""
printf '<scenario name="x">\n<kubelet version="1.28">\n<pod name="a"><container name="c" pid="2" request="2Gi" limit="1Gi"/></pod>\n</kubelet>\n</scenario>\n' >"$tmp/badpod.xml"
check "expand of an invalid pod exits 2 with one FILE:LINE:COL: line" \
  bash -c "\"$OOMSIM\" expand \"$tmp/badpod.xml\" >\"$tmp/out\" 2>\"$tmp/err\"; [ \$? -eq 2 ] && [ ! -s \"$tmp/out\" ] &&
           [ \$(wc -l <\"$tmp/err\") -eq 1 ] && grep -q '^$tmp/badpod.xml:3:1: container c: request 2Gi is more than limit 1Gi' \"$tmp/err\""
# issue 14: userspace killers and oomsim actors (docs/userspace-killers.md)
# issue 14: kswapd runs beside the allocating task from the low watermark on, with or without at= times, and the
# rest of its run when the clock moves on (docs/model.md, "kswapd")
for at in '' ' at="1s"'; do
  printf '<?xml version="1.0"?>\n<scenario name="k">\n<machine ram="256MiB" swap="256MiB"/>\n<processes><process pid="1" comm="a"/></processes>\n<trace>\n<mmap id="m" pid="1" size="400MiB"/>\n<touch pid="1" mapping="m" size="300MiB"/>\n<touch pid="1" mapping="m" size="8MiB"%s/>\n</trace>\n</scenario>\n' "$at" >"$tmp/kswapd${at:+-at}.xml"
done
check "kswapd: steps without at= times: kswapd reclaims beside the task, and never as the clock moves on" \
  bash -c "\"$OOMSIM\" run \"$tmp/kswapd.xml\" >\"$tmp/k.txt\" &&
           grep -q 'reclaim (kswapd, woken below the low watermark, beside the allocating task: balance_pgdat() in [0-9]* passes down to priority [0-9]*, still running)' \"$tmp/k.txt\" &&
           ! grep -q 'as the clock moves on' \"$tmp/k.txt\""
check "kswapd: the step at 1 s wakes it again, its line before the step's, in text and JSON" \
  bash -c "\"$OOMSIM\" run \"$tmp/kswapd-at.xml\" >\"$tmp/k.txt\" &&
           grep -A1 '^\[    1.000000\] - .*reclaim (kswapd, woken below the low watermark, beside the allocating task' \"$tmp/k.txt\" | tail -1 | grep -q '^\[    1.000000\] #3 ' &&
           \"$OOMSIM\" run --format json \"$tmp/kswapd-at.xml\" | python3 -c 'import json,sys; e=[x for x in json.load(sys.stdin)[\"events\"] if x[\"type\"]==\"reclaim\" and x[\"pid\"] is None]; assert len(e)==2 and all(x[\"memcg\"] is None and x[\"detail\"].startswith(\"kswapd\") and x[\"reclaimed_swap_pages\"]>0 for x in e) and [x[\"time_ns\"] for x in e]==[0,1000000000]'"
eo=scenarios/library/earlyoom-acts-before-kernel.xml
od=scenarios/library/systemd-oomd-kills-slice.xml
check "actors: earlyoom's SIGTERM at 16.051 s against the kernel's SIGKILL at 20 s, side by side" \
  bash -c "\"$OOMSIM\" actors $eo >\"$tmp/wi.txt\" &&
           grep -qE '^300 +leak +137 by kernel at 20.000 s +n/a +143 by earlyoom at 16.051 s +137 by kernel at 20.000 s$' \"$tmp/wi.txt\" &&
           grep -qE '^200 +editor +running +n/a +running +running$' \"$tmp/wi.txt\""
check "actors: systemd-oomd kills the whole user-1000.slice at 16.050 s; the kernel (oom.group) both at 17 s" \
  bash -c "\"$OOMSIM\" actors $od | grep -qE '^201 +thunderbird +137 by kernel at 17.000 s +n/a +running +137 by systemd-oomd at 16.050 s$'"
# systemd-oomd 252's memory-pressure rule (scenarios/library/systemd-oomd-pressure-kills-throttled.xml): pressure
# above 60% from the 11 s poll, 30 s later the kill, within the throttled step (its sleep ends there)
op=scenarios/library/systemd-oomd-pressure-kills-throttled.xml
check "pressure rule: oomd kills app-build.scope at 41 s, 30 s after avg10 first read above 60% (11 s)" \
  bash -c "\"$OOMSIM\" run $op | grep -q '^\[   41.000000\] .*systemd-oomd: Killed /user.slice/user-1000.slice/app-build.scope due to memory pressure for /user.slice/user-1000.slice being 98.02% > 60.00% for > 30s with reclaim activity'"
# without the indexer's page cache nothing is ever reclaimed (no swap): pgscan never grows, so oomd 252 does not act
# however high the pressure ("if there isn't any reclaim pressure, no need to kill something")
grep -v 'file-read' $op | sed 's|<exit pid="400" status="137" by="systemd-oomd"/>|<survives pid="400"/>|; s|<exit pid="401" status="137" by="systemd-oomd"/>|<survives pid="401"/>|' >"$tmp/noreclaim.xml"
check "pressure rule: no reclaim activity, no kill, though the pressure is above the limit" \
  bash -c "\"$OOMSIM\" check \"$tmp/noreclaim.xml\" >/dev/null && \"$OOMSIM\" run \"$tmp/noreclaim.xml\" | grep -q 'memory.pressure avg10=9[0-9]' &&
           ! \"$OOMSIM\" run \"$tmp/noreclaim.xml\" | grep -q 'systemd-oomd: Killed'"
# the root monitored: oomd reads no pgscan for it (0), so it never has reclaim activity: no kill either
sed 's|<unit cgroup="/user.slice/user-1000.slice" ManagedOOMMemoryPressure="kill"/>|<unit cgroup="/" ManagedOOMMemoryPressure="kill"/>|; s|<exit pid="400" status="137" by="systemd-oomd"/>|<survives pid="400"/>|; s|<exit pid="401" status="137" by="systemd-oomd"/>|<survives pid="401"/>|' $op >"$tmp/rootmon.xml"
check "pressure rule: a monitored root cgroup never has reclaim activity (oomd reads no pgscan for it): no kill" \
  bash -c "\"$OOMSIM\" check \"$tmp/rootmon.xml\" >/dev/null && ! \"$OOMSIM\" run \"$tmp/rootmon.xml\" | grep -q 'systemd-oomd: Killed'"
# ManagedOOMMemoryPressureLimit=50%: avg10 above 50.00 from the 9 s poll (51.66), so the kill comes at 39 s
sed 's|<unit cgroup="/user.slice/user-1000.slice" ManagedOOMMemoryPressure="kill"/>|<unit cgroup="/user.slice/user-1000.slice" ManagedOOMMemoryPressure="kill" ManagedOOMMemoryPressureLimit="50%"/>|' $op >"$tmp/limit50.xml"
check "pressure rule: ManagedOOMMemoryPressureLimit=50% is first exceeded at the 9 s poll: the kill at 39 s" \
  bash -c "\"$OOMSIM\" run \"$tmp/limit50.xml\" | grep -q '^\[   39.000000\] .*systemd-oomd: Killed .* > 50.00% for > 30s'"
check "pressure rule: the post-action delay: the second kill 15 s after the first (41 s, then 56 s), none between" \
  bash -c "\"$OOMSIM\" check tests/cli/oomd-post-action-delay.xml >/dev/null &&
           [ \"\$(\"$OOMSIM\" run tests/cli/oomd-post-action-delay.xml | grep 'systemd-oomd: Killed' | cut -c1-14 | tr '\\n' ' ')\" = '[   41.000000] [   56.000000] ' ]"
check "actors: the same bytes twice, text and JSON" \
  bash -c "\"$OOMSIM\" actors $od | cmp -s - <(\"$OOMSIM\" actors $od) &&
           \"$OOMSIM\" actors --format json $od | cmp -s - <(\"$OOMSIM\" actors --format json $od)"
check "actors --format json: each column's processes with status, time and actor" \
  bash -c "\"$OOMSIM\" actors --format json $eo | grep -A4 '\"status\" : 143' | grep -q '\"by\" : \"earlyoom\"'"
check "actors of standard input exits 2" status_is 2 "$OOMSIM" actors - <$eo
check "actors of an invalid scenario exits 2 with one FILE:LINE:COL: line" \
  bash -c "\"$OOMSIM\" actors tests/invalid/earlyoom-m-over-99.xml >\"$tmp/out\" 2>\"$tmp/err\"; [ \$? -eq 2 ] && [ ! -s \"$tmp/out\" ] &&
           [ \$(wc -l <\"$tmp/err\") -eq 1 ] && grep -q '^tests/invalid/earlyoom-m-over-99.xml:3:1: ' \"$tmp/err\""
check "the JSON report names the actor of each exit" \
  bash -c "\"$OOMSIM\" run --format json $od | grep -q '\"by\" : \"systemd-oomd\"'"
printf '<scenario name="x">\n<machine ram="1GiB" swap="1GiB">\n<systemd-oomd>\n<unit cgroup="/nope" ManagedOOMSwap="kill"/>\n</systemd-oomd>\n</machine>\n</scenario>\n' >"$tmp/oomd-ref.xml"
check "a <systemd-oomd> unit naming no cgroup exits 2 at the <unit>" \
  bash -c "\"$OOMSIM\" run \"$tmp/oomd-ref.xml\" >\"$tmp/out\" 2>\"$tmp/err\"; [ \$? -eq 2 ] && [ ! -s \"$tmp/out\" ] &&
           grep -q '^$tmp/oomd-ref.xml:4:1: <unit cgroup=\"/nope\">: no such cgroup' \"$tmp/err\""
printf '<scenario name="x" kernel="5.10">\n<machine ram="1GiB" swap="1GiB">\n<systemd-oomd/>\n</machine>\n<cgroups version="1"/>\n</scenario>\n' >"$tmp/oomd-v1.xml"
check "<systemd-oomd> on cgroup v1 exits 2 (oomd needs the unified hierarchy)" \
  bash -c "\"$OOMSIM\" run \"$tmp/oomd-v1.xml\" >\"$tmp/out\" 2>\"$tmp/err\"; [ \$? -eq 2 ] &&
           grep -q '^$tmp/oomd-v1.xml:3:1: systemd-oomd needs the unified cgroup hierarchy' \"$tmp/err\""
check "text report: the pods as kubectl describe shows them (OOMKilled 137; Evicted 143)" \
  bash -c "\"$OOMSIM\" run scenarios/library/k8s-kubelet-50mi-oomkilled-v2.xml | grep -A4 'mem-alloc (pid 4200, oom_score_adj -997):\$' |
             tr -s ' ' | tr '\n' '|' | grep -q 'State: Terminated| Reason: OOMKilled| Exit Code: 137| Started: 0 s|' &&
           \"$OOMSIM\" run scenarios/library/k8s-besteffort-evicted-before-burstable.xml |
             grep -q 'jobs/batch  QoS Class: BestEffort  Priority: 0  restartPolicy: Always  Status: Failed, Reason: Evicted'"
check "text report: a restarted container as kubectl describe shows it (Waiting CrashLoopBackOff, Last State, Restart Count)" \
  bash -c "\"$OOMSIM\" run scenarios/library/k8s-crashloopbackoff-50mi.xml | grep -A9 'mem-alloc (pid 4200, oom_score_adj -997):\$' |
             tr -s ' ' | tr '\n' '|' | grep -qF 'State: Waiting| Reason: CrashLoopBackOff (back-off 5m0s restarting failed container; the kubelet starts it again at 617 s)| Last State: Terminated| Reason: OOMKilled| Exit Code: 137| Started: 316 s| Finished: 317 s (killed by: kernel)| Restart Count: 6|'"
check "timeline: the kubelet's restarts and back-offs on the virtual clock" \
  bash -c "\"$OOMSIM\" run scenarios/library/k8s-crashloopbackoff-50mi.xml > \"$tmp/clb.txt\" &&
           grep -qF '[   12.000000] -            pid 4200 (mem_alloc)   kubelet: starting container mem-alloc of pod default/oom-test again (restart 2; restartPolicy Always)' \"$tmp/clb.txt\" &&
           grep -qF 'kubelet: back-off 2m40s restarting failed container=mem-alloc pod=oom-test_default(6f1c): CrashLoopBackOff until 316000 ms' \"$tmp/clb.txt\""
# Streaming (issue 13): the report is written as the run goes, into a temporary file beside -o (or a spool for
# standard output, a device or a FIFO) that takes its place only on success. A trace whose report is larger than
# the 1 MiB spool held in memory, and the same trace with a bad last step.
mkdir -p "$tmp/stream"
{
  printf '<scenario name="stream"><machine ram="1GiB" swap="0"/><processes><process pid="1" comm="a"/></processes><trace>\n'
  printf '<mmap id="heap" pid="1" size="512MiB"/>\n'
  for i in $(seq 1 12000); do printf '<touch pid="1" size="4KiB"/>\n'; done
} >"$tmp/stream-head.xml"
{ cat "$tmp/stream-head.xml"; printf '</trace></scenario>\n'; } >"$tmp/stream-good.xml"
{ cat "$tmp/stream-head.xml"; printf '<touch pid="2" size="4KiB"/>\n</trace></scenario>\n'; } >"$tmp/stream-bad.xml"
"$OOMSIM" run --format json "$tmp/stream-good.xml" >"$tmp/stream-stdout.json" 2>/dev/null
"$OOMSIM" run --format json -o "$tmp/stream/good.json" "$tmp/stream-good.xml" >/dev/null 2>&1
check "a report larger than the in-memory spool: -o and standard output agree, byte for byte" \
  bash -c "[ \$(stat -c %s \"$tmp/stream-stdout.json\") -gt 1048576 ] && cmp -s \"$tmp/stream-stdout.json\" \"$tmp/stream/good.json\""
check "... and the -o directory holds the report only (the temporary file was renamed)" \
  bash -c "[ \"\$(ls -A \"$tmp/stream\")\" = good.json ]"
rm -f "$tmp/stream/good.json"
for format in text dmesg json; do
  "$OOMSIM" run --format $format "$tmp/stream-bad.xml" >"$tmp/stream-bad.out" 2>"$tmp/stream-bad.err"
  st=$?
  check "bad last step after 12,000 good ones ($format, standard output): exit 2, one line, nothing written" \
    bash -c "[ $st -eq 2 ] && [ ! -s \"$tmp/stream-bad.out\" ] && [ \"\$(wc -l <\"$tmp/stream-bad.err\")\" -eq 1 ]"
  "$OOMSIM" run --format $format -o "$tmp/stream/bad.$format" "$tmp/stream-bad.xml" >/dev/null 2>&1
  st=$?
  check "... (-o): exit 2, neither the report nor its temporary file is left" \
    bash -c "[ $st -eq 2 ] && [ -z \"\$(ls -A \"$tmp/stream\")\" ]"
done

# A signal during the run removes the temporary file. The scenario comes from a FIFO that nothing writes yet, so
# the run is certainly under way (its temporary file made) when the signal comes; no timing is involved.
# A background job of a script starts with SIGINT ignored, and under nohup SIGHUP is ignored too; oomsim leaves an
# ignored signal ignored, so env restores the default of the three.
for sig in TERM INT HUP; do
  rm -f "$tmp/scenario.fifo"
  mkfifo "$tmp/scenario.fifo"
  env --default-signal=INT,TERM,HUP "$OOMSIM" run --format json -o "$tmp/stream/sig.json" "$tmp/scenario.fifo" >/dev/null 2>&1 &
  runner=$!
  for _ in $(seq 1 200); do
    ls -A "$tmp/stream" | grep -q '^\.sig\.json\.' && break
    sleep 0.05
  done
  made=$(ls -A "$tmp/stream" | grep -c '^\.sig\.json\.')
  kill -$sig $runner
  # a process that does not die of the signal (it was ignored) must fail the check, not hang the suite
  for _ in $(seq 1 200); do kill -0 $runner 2>/dev/null || break; sleep 0.05; done
  kill -0 $runner 2>/dev/null && kill -KILL $runner
  wait $runner 2>/dev/null
  st=$?
  check "SIG$sig during a run: the temporary file was there, the process died of the signal, nothing is left" \
    bash -c "[ $made -eq 1 ] && [ $st -eq $((128 + $(kill -l $sig))) ] && [ -z \"\$(ls -A \"$tmp/stream\")\" ]"
done
