#!/usr/bin/env bash
# tests/html-tests.sh: `oomsim run --format html` (docs/report-formats.md, "HTML report"), golden-free.
#   1. every scenario of scenarios/library: the page is well-formed XML (xmllint), parses as HTML with no error
#      but libxml2's HTML4 parser not knowing HTML5's element names, is the same bytes twice, and passes
#      tests/html-check.pl against the same run's JSON and dmesg reports (links, markers, victim bars, terms,
#      narrative, the exact kernel log);
#   2. bad input: exit status 2, one FILE:LINE:COL message, no output file;
#   3. a real browser: gallery/gallery.sh on eight pages: headless chromium renders each in a 1280x800 and a
#      390x844 frame and gallery/verdict.js checks the rendered DOM (sections, chart, one kill marker per kill, a
#      visible bar per candidate with the victim highlighted, the narrative naming every victim, no sideways
#      scrolling, no resource loaded), and likewise three pages of `oomsim explain --format html` and the page of
#      `run --kernel all --format html` (a row per profile, each profile's report with its chart and victim bar);
#      screenshots go to $HTML_SHOT_DIR. Skipped, with a line saying so, only when
#      chromium is not installed (`make check` installs it: Makefile deps-browser).
# Prints "ok - ..." / "not ok - ..." lines (counted by tests/run-tests.sh).
set -u
: "${OOMSIM:=build/oomsim}" "${HTML_SHOT_DIR:=build/html-test}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }

html5_tags='main|nav|section|figure|figcaption|details|summary|svg|g|rect|line|polyline|polygon|text|title'
for f in scenarios/library/*.xml; do
  n=$(basename "$f" .xml)
  if ! "$OOMSIM" run --format html -o "$tmp/$n.html" "$f" 2>"$tmp/err" ||
     ! "$OOMSIM" run --format json -o "$tmp/$n.json" "$f" 2>>"$tmp/err" ||
     ! "$OOMSIM" run --format dmesg -o "$tmp/$n.dmesg" "$f" 2>>"$tmp/err"; then
    nok "$n: runs ($(head -c 300 "$tmp/err"))"
    continue
  fi
  "$OOMSIM" run --format html "$f" >"$tmp/$n.again.html" 2>/dev/null
  cmp -s "$tmp/$n.html" "$tmp/$n.again.html" && ok "$n: the same bytes twice (-o and stdout)" || nok "$n: not deterministic"
  if xmllint --noout --nonet "$tmp/$n.html" 2>"$tmp/xml"; then ok "$n: well-formed"; else nok "$n: not well-formed: $(head -3 "$tmp/xml")"; fi
  xmllint --html --noout --nonet "$tmp/$n.html" 2>&1 | grep -E 'error' | grep -vE "Tag ($html5_tags) invalid" >"$tmp/html"
  [ -s "$tmp/html" ] && nok "$n: HTML parser errors: $(head -3 "$tmp/html")" || ok "$n: parses as HTML"
  grep -q '^<!DOCTYPE html>$' "$tmp/$n.html" && ok "$n: HTML5 doctype" || nok "$n: no HTML5 doctype"
  perl tests/html-check.pl "$tmp/$n.html" "$tmp/$n.json" "$tmp/$n.dmesg" "$n"
done

# the chart stays bounded on a long trace: a scenario of 3000 steps keeps at most 2048 samples (tests/html-check.pl
# is not needed here: the point is the bound)
{
  echo '<scenario name="long"><machine ram="256MiB" swap="0"/><processes><process pid="100" comm="loop"/></processes><trace>'
  echo '<mmap id="m" pid="100" size="16MiB"/>'
  for i in $(seq 1 3000); do echo "<touch pid=\"100\" mapping=\"m\" size=\"4KiB\" at=\"${i}ms\"/>"; done
  echo '</trace></scenario>'
} >"$tmp/long.xml"
if "$OOMSIM" run --format html -o "$tmp/long.html" "$tmp/long.xml" 2>"$tmp/err"; then
  rows=$(grep -c '^<tr><td>' "$tmp/long.html")
  points=$(grep -o '<polyline class="ln cf" points="[^"]*"' "$tmp/long.html" | tr ' ' '\n' | grep -c ',')
  [ "$points" -le $((2 * 2048)) ] && [ "$points" -gt 1000 ] && ok "long trace: the chart keeps at most 2048 samples ($points polyline points)" ||
    nok "long trace: $points polyline points"
  [ "$rows" -le 201 ] && ok "long trace: the figures table is cut to about 200 rows ($rows)" || nok "long trace: $rows table rows"
else
  nok "long trace: does not run: $(head -c 300 "$tmp/err")"
fi

# the kernel log's lines explained: the dump_tasks() row of mem_alloc read with the header's columns (rss 12774
# pages * 4096 / 2^20 = 49.9 MiB, pgtables_bytes 106496 / 4096 = 26 pages), the Killed line as __oom_kill_process()
p=$tmp/k8s-pod-50mi-oomkilled.html
grep -q 'mem_alloc</code></summary><p>dump_tasks(): one process the OOM killer looked at. pid 4200; uid 0; tgid 4200; total_vm 512000 pages = 2000.0 MiB of address space (VIRT, not what is scored); rss 12774 pages = 49.9 MiB resident (RSS, scored); pgtables_bytes 106496 = 26 pages of page tables' "$p" &&
  grep -q 'Killed process 4200 (mem_alloc)[^<]*</code></summary><p>__oom_kill_process(): SIGKILL was sent.' "$p" &&
  grep -q 'memory: usage 51200kB, limit 51200kB, failcnt 1</code></summary><p>mem_cgroup_print_oom_meminfo()' "$p" &&
  ok "kernel log: a dump_tasks() row, the Killed line and the memcg usage line are explained" ||
  nok "kernel log: the lines of k8s-pod-50mi-oomkilled are not explained as expected"

# Committed_AS against CommitLimit is charted when overcommit matters (mode 2 here), and only then
grep -q 'id="chart-commit"' "$tmp/overcommit2-enomem-at-commitlimit.html" &&
  grep -q '<title>CommitLimit</title>' "$tmp/overcommit2-enomem-at-commitlimit.html" &&
  ! grep -q 'id="chart-commit"' "$tmp/k8s-pod-50mi-oomkilled.html" &&
  ok "the overcommit chart is drawn for vm.overcommit_memory=2 and not for a memcg OOM in mode 0" ||
  nok "the overcommit chart: drawn for the wrong page, or missing"

# every library page has candidate bars: an OOM decision's, or (the OOM killer never ran) the end-of-trace scores
nobars=
for f in scenarios/library/*.xml; do
  n=$(basename "$f" .xml)
  grep -q '<g class="bar' "$tmp/$n.html" || nobars="$nobars $n"
done
[ -z "$nobars" ] && ok "every library page draws candidate bars (an OOM decision's, or the end-of-trace scores)" ||
  nok "library pages without candidate bars:$nobars"

# the end-of-trace scores of a run with no OOM (6.1), by hand: 1 GiB of RAM = 262144 pages, no swap, so totalpages
# 262144 and the adj term of oom_score_adj 500 is 500 * (262144 / 1000) = 500 * 262 = 131000; pid 100 has touched
# 100 MiB = 25600 pages; points = 25600 + its page tables + 131000; /proc/PID/oom_score (6.1's proc_oom_score()):
# (1000 + points * 1000 / 262144) * 2 / 3. Pid 200 has oom_score_adj -1000: never chosen, no points.
cat >"$tmp/noom.xml" <<'XML'
<scenario name="noom">
  <machine ram="1GiB" swap="0"/>
  <processes>
    <process pid="100" comm="big" oom_score_adj="500"/>
    <process pid="200" comm="shielded" oom_score_adj="-1000"/>
  </processes>
  <trace>
    <touch pid="100" size="100MiB"/>
    <touch pid="200" size="8MiB"/>
  </trace>
</scenario>
XML
"$OOMSIM" run --kernel 6.1 --format html -o "$tmp/noom.html" "$tmp/noom.xml" 2>"$tmp/err"
row=$(sed -n '/id="final-scores"/,/<\/section>/p' "$tmp/noom.html" | grep -o '<tr data-pid="100">.*</tr>')
cells=$(printf '%s' "$row" | grep -o '<td class="n[^"]*">-\?[0-9]*</td>' | sed 's/<[^>]*>//g' | tr '\n' ' ')
read -r rss swap pt adj root floor points score <<<"$cells"
if [ "${rss:-}" = 25600 ] && [ "$swap" = 0 ] && [ "$adj" = 131000 ] && [ "$root" = 0 ] && [ "$floor" = 0 ] &&
   [ "$points" = $((25600 + pt + 131000)) ] && [ "$score" = $(((1000 + points * 1000 / 262144) * 2 / 3)) ] &&
   grep -q 'never ran' "$tmp/noom.html" && grep -q 'This is not a decision the kernel took' "$tmp/noom.html" &&
   sed -n '/id="final-scores"/,/<\/section>/p' "$tmp/noom.html" | grep -q '<tr data-pid="200">.*oom_score_adj -1000: never chosen'; then
  ok "no OOM: the end-of-trace scores by hand (rss 25600, adj term 131000, points $points, oom_score $score; -1000 never chosen)"
else
  nok "no OOM: the end-of-trace scores: cells '$cells' ($(head -c 200 "$tmp/err"))"
fi

# bad input: one FILE:LINE:COL message, exit 2, nothing written
printf '<scenario name="x">\n  <machine ram="lots"/>\n</scenario>\n' >"$tmp/bad.xml"
"$OOMSIM" run --format html -o "$tmp/bad.html" "$tmp/bad.xml" 2>"$tmp/err" >/dev/null
status=$?
[ $status -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qE "^$tmp/bad.xml:[0-9]+:[0-9]+: " "$tmp/err" &&
  [ ! -e "$tmp/bad.html" ] && ok "bad input: exit 2, one FILE:LINE:COL line, no file" ||
  nok "bad input: status $status, $(cat "$tmp/err"), file $(ls "$tmp/bad.html" 2>&1)"
# --kernel all --format html: the sweep's table with a row per profile, the 3.10 root bonus's different victim
# marked, and each runnable profile's own report embedded byte for byte (6.12 has no cgroup v1: no report)
f=scenarios/versions/root-bonus-3.10.xml
if "$OOMSIM" run --kernel all --format html -o "$tmp/all.html" "$f" 2>"$tmp/err"; then
  kernels=$("$OOMSIM" kernels | awk '{print $1}')
  xmllint --noout --nonet "$tmp/all.html" 2>/dev/null && ok "--kernel all --format html: well-formed" ||
    nok "--kernel all --format html: not well-formed"
  [ "$(grep -o '<tr data-kernel="[^"]*"' "$tmp/all.html" | sed 's/.*="//; s/"//' | tr '\n' ' ')" = "$(echo $kernels) " ] &&
    ok "--kernel all --format html: one row per profile, in order" || nok "--kernel all --format html: the rows"
  # 3.10, RHEL 7.9's 3.10 and 4.14 (all with the 3% root bonus) kill userd; from 4.19 on rootd, marked as differing
  grep -q '<tr data-kernel="4.14"><td>3</td><td>4.14</td><td>killed 1</td><td>201 (userd)</td>' "$tmp/all.html" &&
    grep -q '<tr data-kernel="4.19"><td>4</td><td>4.19</td><td>killed 1</td><td class="differs">≠ 200 (rootd)</td>' "$tmp/all.html" &&
    grep -q '<tr data-kernel="3.10"><td>1</td><td>3.10</td><td>killed 1</td><td>201 (userd)</td>' "$tmp/all.html" &&
    grep -q '<tr data-kernel="3.10-rhel7"><td>2</td><td>3.10-rhel7</td><td>killed 1</td><td>201 (userd)</td>' "$tmp/all.html" &&
    ok "--kernel all --format html: the victim that differs from 3.10's is marked" ||
    nok "--kernel all --format html: the differing victim is not marked"
  embedded=0
  for k in $kernels; do
    perl -0777 -ne 'if (m{<section class="kernel-run" id="kernel-\Q'"$k"'\E">.*?srcdoc="([^"]*)"}s) { my $p = $1;
      $p =~ s/&lt;/</g; $p =~ s/&gt;/>/g; $p =~ s/&quot;/"/g; $p =~ s/&#39;|&apos;/\x27/g; $p =~ s/&amp;/&/g; print $p }' \
      "$tmp/all.html" >"$tmp/embedded-$k.html"
    [ -s "$tmp/embedded-$k.html" ] || continue
    embedded=$((embedded + 1))
    "$OOMSIM" run --kernel "$k" --format html "$f" 2>/dev/null | cmp -s - "$tmp/embedded-$k.html" &&
      ok "--kernel all --format html: kernel $k's report is run --kernel $k --format html, byte for byte" ||
      nok "--kernel all --format html: kernel $k's embedded report differs"
  done
  [ $embedded = $(($(echo $kernels | wc -w) - 1)) ] && ok "--kernel all --format html: a report for each runnable profile ($embedded)" ||
    nok "--kernel all --format html: $embedded reports embedded"
else
  nok "--kernel all --format html: $(cat "$tmp/err")"
fi

# issue 14: the pods section of a <kubelet> node (and none without one): the evicted BestEffort pod with its reason
# and exit 143, the Burstable container's adj 1000 - 1000 * 268435456 / 4294967296 = 938, the nav link; the 50Mi
# container OOMKilled with exit 137 and restarted (restartPolicy Always, its first failure)
"$OOMSIM" run --format html -o "$tmp/ev.html" scenarios/library/k8s-besteffort-evicted-before-burstable.xml 2>/dev/null
"$OOMSIM" run --format html -o "$tmp/oomk.html" scenarios/library/k8s-kubelet-50mi-oomkilled-v2.xml 2>/dev/null
"$OOMSIM" run --format html -o "$tmp/plain.html" scenarios/library/global-oom-largest-dies.xml 2>/dev/null
grep -q '<a href="#pods">Pods</a>' "$tmp/ev.html" && grep -q '<section id="pods"><h2>Pods</h2>' "$tmp/ev.html" &&
  ok "html pods: a <kubelet> scenario has the pods section and its nav link" || nok "html pods: no pods section"
grep -q '<th>jobs/batch</th><td>BestEffort, 0</td>.*Status: Failed, Reason: Evicted; restartPolicy Always' "$tmp/ev.html" &&
  grep -q '<td>worker (pid 400)</td>.*<td class="n">1000</td><td>State: Terminated, Reason: Evicted, Exit Code: 143, Started: 0 s, Finished: 10 s, killed by kubelet</td><td class="n">0</td>' "$tmp/ev.html" &&
  grep -q '<td>nginx (pid 300)</td>.*<td class="n">938</td>' "$tmp/ev.html" &&
  ok "html pods: the evicted pod (143, by kubelet, not restarted) and the Burstable adj 938" || nok "html pods: evicted pod row"
grep -q '<tr class="container victim"><td>mem-alloc (pid 4200)</td>.*<td class="n">-997</td><td>State: Terminated, Reason: OOMKilled, Exit Code: 137, Started: 0 s, Finished: 1 s, killed by kernel</td><td class="n">0</td>' "$tmp/oomk.html" &&
  ok "html pods: OOMKilled 137 at the end of the trace, Guaranteed -997, not restarted yet" || nok "html pods: OOMKilled row"
"$OOMSIM" run --format html -o "$tmp/clb.html" scenarios/library/k8s-crashloopbackoff-50mi.xml &&
  grep -q '<td>mem-alloc (pid 4200)</td>.*<td>State: Waiting, Reason: CrashLoopBackOff (back-off 5m0s; the kubelet starts it again at 617 s)<br/>Last State: Terminated, Reason: OOMKilled, Exit Code: 137, Started: 316 s, Finished: 317 s, killed by kernel</td><td class="n">6</td>' "$tmp/clb.html" &&
  ok "html pods: Waiting in CrashLoopBackOff, Last State OOMKilled, Restart Count 6" || nok "html pods: CrashLoopBackOff row"
! grep -q 'id="pods"\|href="#pods"' "$tmp/plain.html" && ok "html pods: no pods section without <kubelet>" ||
  nok "html pods: a pods section without <kubelet>"

# ---------------------------------------------------------------- the browser
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "# SKIP browser tests: chromium is not installed (make check installs it with apt; it could not here)"
  exit 0
fi
# The browser checks are the gallery's (gallery/gallery.sh, gallery/verdict.js: the rendered DOM of each page in
# a 1280x800 and a 390x844 frame, screenshots), run here on a few pages that cover a memcg kill, QoS, oom.group,
# a shared mm, a panic with no candidate scored, ENOMEM without an OOM, the 3.10 root bonus and
# oom_kill_allocating_task; `make gallery` runs it on every scenario.
# explain's page of real reports of three eras (6.1's memcg with an oom_score_adj term, RHEL 7.9's root bonus,
# RHEL 6's 0..1000 scale) and `run --kernel all` side by side are checked the same way (gallery/verdict.js).
pages="k8s-pod-50mi-oomkilled k8s-qos-besteffort-dies-first memory-oom-group shared-mm-victim panic1-global-panic
       overcommit2-enomem-at-commitlimit docker-malloc-untouched-3.10 oom-kill-allocating-task"
bash gallery/gallery.sh -o "$HTML_SHOT_DIR" $(for n in $pages; do echo "scenarios/library/$n.xml"; done) \
  tests/corpus/vm6.1-memcg-kmsg.log tests/corpus/ltp-1080-rhel7.9-memcg-score-110000.log \
  tests/corpus/emqx-356-rhel6-2.6.32-sacrifice-child.log kernel-all:scenarios/versions/root-bonus-3.10.xml | grep -E '^(ok|not ok) '
