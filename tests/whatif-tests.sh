#!/usr/bin/env bash
# tests/whatif-tests.sh: the what-if commands (issue 10, docs/what-if.md) from the command line, as TAP-like lines
# counted by run-tests.sh: --set on run and check, sweep output identical for -j 1 and -j 2, shards merging into
# the bytes of one process (JSON and CSV), bisect finding a threshold computed by hand, and a non-monotone range.
. "$(dirname "$0")/tap.sh"
status_is() { # status_is WANT COMMAND...
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  [ $? -eq "$want" ]
}
one_line_error() { # one_line_error FILE:LINE: TEXT   (stderr of the last status_is: one line, that prefix, that text)
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^$1" "$tmp/err" && grep -qF -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]
}
ek=tests/whatif/every-kind.xml
nm=tests/whatif/non-monotone.xml
pod='cgroup[/pod].memory.max'

# --set on run
check "run --set lists the overrides in the text header" \
  bash -c "\"$OOMSIM\" run --set '$pod=96Mi' --set process[11].oom_score_adj=5 $ek | grep -qxF 'overrides (--set): $pod=96Mi process[11].oom_score_adj=5'"
check "... and in the JSON report's overrides field" \
  bash -c "\"$OOMSIM\" run --format json --set '$pod=96Mi' $ek | grep -qF '\"overrides\" : ['"
check "... and not in the dmesg report (the kernel's log)" \
  bash -c "! \"$OOMSIM\" run --format dmesg --set '$pod=96Mi' $ek | grep -q overrides"
check "run --set memory.max=96Mi: the worker is no longer killed (80 MiB fit)" \
  bash -c "\"$OOMSIM\" run --set '$pod=96Mi' $ek | grep -q 'pid 10 (worker).*exit: status 0'"
check "run without --set has no overrides line" bash -c "! \"$OOMSIM\" run $ek | grep -q '^overrides'"
rm -f "$tmp/none.txt"
check "run --set with an address that matches nothing exits 2" \
  status_is 2 "$OOMSIM" run -o "$tmp/none.txt" --set 'cgroup[/nope].memory.max=1G' $ek
check "... one line at <scenario>, no output file" \
  bash -c "$(declare -f one_line_error); tmp=$tmp; one_line_error '$ek:1:1: ' '--set cgroup[/nope].memory.max: no cgroup /nope in <cgroups>' && [ ! -e $tmp/none.txt ]"
check "run --set with a value out of range exits 2" status_is 2 "$OOMSIM" run --set process[11].oom_score_adj=1001 $ek
check "... with the loader's message at the <process> line" \
  one_line_error "$ek:13:1: " '<process> oom_score_adj="1001" is out of range: -1000..1000'
check "run --set memory.max=50m (ambiguous) exits 2 and says why" status_is 2 "$OOMSIM" run --set "$pod=50m" $ek
check "... \"m\" is milli to Kubernetes" one_line_error "$ek:8:1: " '"m" is milli (1/1000 byte) to Kubernetes'
check "run --set without = exits 2" status_is 2 "$OOMSIM" run --set machine.ram $ek
check "check --set applies to each scenario (the library's pod survives a 3Gi limit: its expectation fails)" \
  status_is 1 "$OOMSIM" check --set 'cgroup[/kubepods/pod-a].memory.max=3Gi' scenarios/library/k8s-pod-50mi-oomkilled.xml

# units in XML
printf '<scenario name="u"><machine ram="1Gi"/><cgroups><cgroup path="/a" memory.max="50m"/></cgroups></scenario>\n' >"$tmp/units.xml"
check "XML memory.max=\"50m\" exits 2 with the reason" status_is 2 "$OOMSIM" run "$tmp/units.xml"
check "... at the <cgroup> line" one_line_error "$tmp/units.xml:1:1: " 'an ambiguous unit: "m" is milli'
printf '<scenario name="u"><machine ram="1Gi" swap="512MB"/></scenario>\n' >"$tmp/units2.xml"
check "XML ram=\"1Gi\" swap=\"512MB\" (Kubernetes binary, SI) run" \
  bash -c "\"$OOMSIM\" run --format json $tmp/units2.xml | grep -q '\"swap_pages\" : 125000'"

# sweep: -j 1 and -j 2 give the same bytes, in every format
sweep=(sweep "$ek" --vary "$pod=32Mi..128Mi/8Mi" --vary 'process[11].oom_score_adj=-1000,0,1000' --kernel 4.19,6.1)
for fmt in text csv json; do
  "$OOMSIM" "${sweep[@]}" -j 1 --format $fmt >"$tmp/j1.$fmt" 2>"$tmp/err1"
  "$OOMSIM" "${sweep[@]}" -j 2 --format $fmt >"$tmp/j2.$fmt" 2>"$tmp/err2"
  check "sweep --format $fmt: -j 1 and -j 2 write the same bytes" cmp -s "$tmp/j1.$fmt" "$tmp/j2.$fmt"
  check "... and nothing on stderr when it is not a terminal" bash -c "[ ! -s $tmp/err1 ] && [ ! -s $tmp/err2 ]"
done
check "sweep: 13 x 3 x 2 = 78 variants, one CSV row each" bash -c "[ \$(wc -l <$tmp/j1.csv) -eq 79 ]"
# rows in variant order: the kernel varies fastest, then adj, then memory.max
check "sweep: row 1 is 32MiB, adj -1000, 4.19; row 2 the same on 6.1; row 3 adj 0 on 4.19" \
  bash -c "sed -n 2,4p $tmp/j1.csv | cut -d, -f1-5 | tr '\n' ' ' | grep -qxF '1,78,4.19,32MiB,-1000 2,78,6.1,32MiB,-1000 3,78,4.19,32MiB,0 '"
# 80 MiB touched + 40 PTE pages + 1 PMD page = 20521 pages = 84054016 bytes: above 80 MiB nothing is killed
check "sweep: killed at 80MiB, no OOM from 88MiB; the peak of /pod at 88MiB is 20521 pages (84054016 bytes)" \
  bash -c "grep -E '^[0-9]+,78,6.1,80MiB,0,killed 1,' $tmp/j1.csv >/dev/null && grep -E '^[0-9]+,78,6.1,88MiB,0,no OOM,' $tmp/j1.csv | grep -q ',84054016,[0-9]*,'"
# headroom at 88MiB: 22528 - 20521 = 2007 pages = 8220672 bytes
check "... and its least headroom is 22528 - 20521 = 2007 pages (8220672 bytes)" \
  bash -c "grep -E '^[0-9]+,78,6.1,88MiB,0,' $tmp/j1.csv | grep -q ',84054016,8220672,'"

# shards: any split merges into the same bytes
for fmt in json csv; do
  for n in 1 3 7; do
    files=()
    for i in $(seq 1 $n); do
      "$OOMSIM" "${sweep[@]}" -j 1 --format $fmt --shard $i/$n >"$tmp/s$i.$fmt"
      files+=("$tmp/s$i.$fmt")
    done
    # shards given in reverse order
    rev=(); for ((k=${#files[@]}-1; k>=0; k--)); do rev+=("${files[k]}"); done
    check "sweep --shard I/$n --format $fmt: sweep-merge writes the bytes of one process" \
      bash -c "\"$OOMSIM\" sweep-merge ${rev[*]} | cmp -s - $tmp/j1.$fmt"
  done
done
check "sweep-merge of JSON shards --format text writes the text of one process" \
  bash -c "\"$OOMSIM\" sweep-merge --format text $tmp/s1.json $tmp/s2.json $tmp/s3.json $tmp/s4.json $tmp/s5.json $tmp/s6.json $tmp/s7.json | cmp -s - $tmp/j1.text"
check "sweep-merge with a shard missing exits 2" status_is 2 "$OOMSIM" sweep-merge "$tmp/s1.json" "$tmp/s2.json"
check "... naming the missing shard" one_line_error "$tmp/s1.json:1:1: " "shard 3/7 is missing"
check "sweep-merge with a CSV shard missing exits 2" status_is 2 "$OOMSIM" sweep-merge "$tmp/s1.csv" "$tmp/s3.csv"
# the last shard's variants are the last ones: only the total tells they are missing
for i in 1 2 3; do "$OOMSIM" sweep $ek --vary "$pod=32Mi,64Mi,96Mi" --format csv --shard $i/3 -o "$tmp/t$i.csv"; done
check "sweep-merge without the last CSV shard (variant 3 of 3) exits 2" \
  status_is 2 "$OOMSIM" sweep-merge "$tmp/t1.csv" "$tmp/t2.csv"
check "... saying the rows are 2 of 3 variants" one_line_error "$tmp/t1.csv:1:1: " "the shards hold 2 rows of 3 variants"
check "sweep-merge with a shard given twice exits 2" status_is 2 "$OOMSIM" sweep-merge "$tmp/s1.json" "$tmp/s1.json"
# a shard edited by hand: a row member of the wrong type is one error naming the line, never a GLib critical
sed '0,/"exits":\[/s//"exits":7,"x":[/' "$tmp/s1.json" >"$tmp/bad-row.json"
check "sweep-merge of a shard whose row has \"exits\" of the wrong type exits 2" \
  status_is 2 "$OOMSIM" sweep-merge "$tmp/bad-row.json"
check "... one line naming the row's line and what is wrong" one_line_error "$tmp/bad-row.json:1:1: " \
  "line 2 of the rows is not a row of oomsim sweep (a member that should be an array is not)"
sed 's/"cgroups" : \[/"cgroups" : 5, "x" : [/' "$tmp/s1.json" >"$tmp/bad-header.json"
check "sweep-merge of a shard whose header has \"cgroups\" of the wrong type exits 2 (was a GLib critical)" \
  status_is 2 "$OOMSIM" sweep-merge --format csv "$tmp/bad-header.json"
check "... one line naming the member" one_line_error "$tmp/bad-header.json:1:1: " \
  'not the JSON output of oomsim sweep (its "cgroups" is missing or of the wrong type)'
sed 's/"vary" : \[/"vary" : [ {},/' "$tmp/s1.json" >"$tmp/bad-vary.json"
check "sweep-merge of a shard whose \"vary\" lists an object exits 2 with one line" \
  bash -c "! \"$OOMSIM\" sweep-merge --format text \"$tmp/bad-vary.json\" 2>$tmp/bvy.err >/dev/null && [ \$(wc -l <$tmp/bvy.err) -eq 1 ] && grep -qF 'its \"vary\" is missing or of the wrong type' $tmp/bvy.err"
sed '0,/"first_oom_ns":/s//"first_oom_nz":/' "$tmp/s1.json" >"$tmp/no-member.json"
check "sweep-merge of a shard whose row lacks first_oom_ns exits 2: 'a member is missing'" \
  bash -c "! \"$OOMSIM\" sweep-merge \"$tmp/no-member.json\" 2>$tmp/nm.err >/dev/null && [ \$(wc -l <$tmp/nm.err) -eq 1 ] && grep -qF '(a member is missing)' $tmp/nm.err"
sed '0,/"variant":1,/s//"variant":"1",/' "$tmp/s1.json" >"$tmp/bad-variant.json"
check "sweep-merge of a shard whose variant number is a string exits 2 with one line" \
  bash -c "! \"$OOMSIM\" sweep-merge \"$tmp/bad-variant.json\" 2>$tmp/bv.err >/dev/null && [ \$(wc -l <$tmp/bv.err) -eq 1 ] && grep -qF 'should be an integer' $tmp/bv.err"

# sweep errors
check "sweep --vary with a value out of range exits 2" status_is 2 "$OOMSIM" sweep $ek --vary 'process[11].oom_score_adj=0,1001'
check "... with the loader's message" one_line_error "$ek:13:1: " 'out of range: -1000..1000'
check "sweep --vary a size range without a step exits 2" status_is 2 "$OOMSIM" sweep $ek --vary "$pod=32Mi..64Mi"
check "sweep --shard 0/2 exits 2" status_is 2 "$OOMSIM" sweep $ek --vary "$pod=32Mi" --shard 0/2
check "sweep --kernel all: a profile without cgroup v2 (3.10) is a row 'unsupported'" \
  bash -c "\"$OOMSIM\" sweep $ek --kernel all --format csv | grep -q '^1,11,3.10,unsupported,'"
ci=scenarios/what-if/ci-job-4.19-vs-6.1.xml
check "run --kernel all: 4.14 and 4.19 sacrifice the child cc1, 5.4 .. 6.12 kill make, and they part between 4.19 and 5.4" \
  bash -c "\"$OOMSIM\" run --kernel all $ci >$tmp/k.txt && grep -qxF '    4.14 .. 4.19: killed 1: 401 (cc1)' $tmp/k.txt && grep -qxF '    5.4 .. 6.12: killed 1: 400 (make)' $tmp/k.txt && grep -qxF '    parts between 4.19 and 5.4' $tmp/k.txt"
check "run --kernel all --format dmesg exits 2" status_is 2 "$OOMSIM" run --kernel all --format dmesg $ci
check "check --kernel all: fails on 4.14 and 4.19 only, skips 3.10 and 3.10-rhel7 (exit 1)" status_is 1 "$OOMSIM" check --kernel all $ci
check "... 7 passed, 2 failed, two SKIPs (3.10, 3.10-rhel7)" \
  bash -c "grep -qx '7 passed, 2 failed, 2 skipped' $tmp/out && grep -q '^FAIL .*(kernel 4.14)' $tmp/out && grep -q '^FAIL .*(kernel 4.19)' $tmp/out && grep -q '^SKIP .*(kernel 3.10 cannot run it' $tmp/out"
# strict overcommit at 50%: CommitLimit 1 GiB refuses every 1 GiB mmap; the touches then fault: SIGSEGV
check "sweep: vm.overcommit_memory=2, ratio 50 refuses all three mmaps (ENOMEM a b c, exits 139)" \
  bash -c "\"$OOMSIM\" sweep scenarios/what-if/overcommitted-node.xml --vary sysctl.vm.overcommit_memory=2 --vary sysctl.vm.overcommit_ratio=50 --format csv | grep -qxF '1,1,6.1,2,50,ENOMEM,,100:139 101:139 102:139,a b c,,0'"

# bisect: the known threshold. 10 touches of 8 MiB = 20480 pages, their page tables 20480/512 = 40 PTE pages and
# one PMD page: 20521 pages (84054016 bytes) charged to /pod. memory.max must hold them all: the smallest
# memory.max with no OOM is 20521 pages = 82084KiB.
check "bisect memory.max until no-oom finds 20521 pages (82084KiB) exactly" \
  bash -c "\"$OOMSIM\" bisect $ek --vary '$pod=16Mi..256Mi' --until no-oom | grep -qxF 'answer: no-oom holds for $pod >= 82084KiB (84054016 bytes, 20521 pages): the smallest value in the range'"
check "... one page less (82080KiB) kills the worker" \
  bash -c "\"$OOMSIM\" run --set '$pod=82080KiB' $ek | grep -q 'pid 10 (worker).*status 137'"
# an integer: r touches of 2048 pages charge 2048r pages, 4r PTE pages and 1 PMD page: 2052r + 1 <= 16384 (64 MiB)
# holds up to r = 7 (14365 pages); r = 8 needs 16417
check "bisect step[fill].repeat until no-oom: the largest repeat is 7 (2052 * 7 + 1 = 14365 <= 16384 pages)" \
  bash -c "\"$OOMSIM\" bisect $ek --vary 'step[fill].repeat=1..10' --until no-oom | grep -qxF 'answer: no-oom holds for step[fill].repeat <= 7: the largest value in the range'"
# non-monotone: pid 11 (b, 45 MiB) is the largest at the OOM only while a's touch is between 10 and 45 MiB
check "bisect over a non-monotone range with equal ends exits 1 with a counter-example" \
  status_is 1 "$OOMSIM" bisect $nm --vary 'step[a].size=5MiB..150MiB' --until killed:11
check "... 'warning: not monotone'" grep -q '^warning: not monotone in this range: at step\[a\].size=.* killed:11 holds' "$tmp/out"
check "bisect over 10MiB..150MiB finds 45MiB: a tie with b's 45 MiB still kills b (the later task on equal points)" \
  bash -c "\"$OOMSIM\" bisect $nm --vary 'step[a].size=10MiB..150MiB' --until killed:11 | grep -qF 'answer: killed:11 holds for step[a].size <= 45MiB (47185920 bytes, 11520 pages)'"
check "bisect --until with an unknown pid exits 2" status_is 2 "$OOMSIM" bisect $ek --vary "$pod=1Mi..2Mi" --until killed:99
check "bisect --until with a bad condition exits 2" status_is 2 "$OOMSIM" bisect $ek --vary "$pod=1Mi..2Mi" --until sometimes
check "sweep-merge of a file that does not exist exits 2 with FILE:1:1:" status_is 2 "$OOMSIM" sweep-merge "$tmp/none.json"
check "... one line" one_line_error "$tmp/none.json:1:1: " "cannot read it"
printf '{"x": 1}\n' >"$tmp/other.json"
check "sweep-merge of JSON that is not a sweep exits 2" status_is 2 "$OOMSIM" sweep-merge "$tmp/other.json"
check "... one line" one_line_error "$tmp/other.json:1:1: " "not the JSON output of oomsim sweep"

# docs/what-if.md's worked examples are real output: every "$ oomsim ..." line there is run and its output compared
python3 - "$tmp/examples" <<'PY'
import os, sys
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
lines = open("docs/what-if.md").read().split("\n")
n = 0; i = 0
while i < len(lines):
    if lines[i].startswith("$ oomsim "):
        n += 1
        cmd = lines[i][len("$ oomsim "):]
        i += 1; expected = []
        while i < len(lines) and not lines[i].startswith("$ ") and lines[i] != "```":
            expected.append(lines[i]); i += 1
        open(f"{out}/{n}.cmd", "w").write(cmd)
        open(f"{out}/{n}.expected", "w").write("\n".join(expected) + "\n")
    else:
        i += 1
PY
for c in "$tmp"/examples/*.cmd; do
  k=${c%.cmd}
  check "docs/what-if.md example: oomsim $(cat "$c")" \
    bash -c "eval \"\\\"$OOMSIM\\\" \$(cat '$c')\" | cmp -s - '$k.expected'"
done

# the progress line: on stderr when it is a terminal (script(1) gives the command one), never in the output
if command -v script >/dev/null; then
  script -qc "\"$OOMSIM\" sweep $ek --vary '$pod=32Mi,64Mi' --format csv -o $tmp/tty.csv" "$tmp/typescript" >/dev/null 2>&1
  check "sweep on a terminal shows 'N/N variants, R/s, ETA' on stderr" grep -q '2/2 variants, [0-9]*/s, ETA' "$tmp/typescript"
  check "... and the output file is the same as without a terminal" \
    bash -c "\"$OOMSIM\" sweep $ek --vary '$pod=32Mi,64Mi' --format csv | cmp -s - $tmp/tty.csv"
fi
