#!/usr/bin/env bash
# tests/explain-html-tests.sh: `oomsim explain --format html` (docs/explain.md, "The HTML page"), golden-free:
#   1. every log of tests/corpus/: exit 0, the page is well-formed XML (xmllint) and parses with Python's
#      html.parser, is the same bytes on standard output and with -o, fetches nothing (every href is a fragment of
#      the page, no src, no url(), no @import, no http(s) but the SVG/XHTML namespaces), has one section per report
#      of the same log's JSON with its verdict, the kernel's victim as the JSON states it (the chosen pid, or the
#      Killed line's pid), the highlighted bar and table row of that victim, every scored row's terms summing to its
#      points and those points equal to the JSON's, every glossary link resolving to an entry on the page
#      (tests/explain-html-check.py);
#   2. hand-computed figures: the terms of 6.1's memcg report (spike-B 5226 + 17 + 500 * (16384 / 1000) = 13243),
#      RHEL 7.9's 3% root bonus (105 + 8 = 113, 113 * 3 / 100 = 3, 110), 2.6.36-3.9's thousandths and clamp;
#   3. what-if: --set and --kernel give the what-if result on the page, the kernel's victim stays highlighted;
#   4. the report's own lines, each explained (a dump_tasks() row by its columns, the Killed line);
#   5. bad input: exit 2, one FILE:LINE:COL line, no -o file, nothing on standard output;
#   6. bounds: a table of 3000 rows draws at most 60 bars and lists at most 1000 rows, and says so.
# Prints TAP-like ok/not ok lines (tests/tap.sh).
. "$(dirname "$0")/tap.sh"
corpus=tests/corpus

# --- 1. the corpus
pages=0
for f in $corpus/*.log; do
  b=$(basename "$f" .log)
  if ! "$OOMSIM" explain --format html -o "$tmp/$b.html" "$f" 2>"$tmp/err" ||
     ! "$OOMSIM" explain --format json -o "$tmp/$b.json" "$f" 2>>"$tmp/err"; then
    nok "$b: explain --format html: $(head -c 300 "$tmp/err")"
    continue
  fi
  pages=$((pages + 1))
  why=""
  "$OOMSIM" explain --format html "$f" 2>/dev/null | cmp -s - "$tmp/$b.html" || why="-o and standard output differ; "
  xmllint --noout --nonet "$tmp/$b.html" 2>"$tmp/xml" || why="$why not well-formed: $(head -3 "$tmp/xml"); "
  python3 tests/explain-html-check.py "$tmp/$b.html" "$tmp/$b.json" >"$tmp/check" 2>&1 || why="$why$(head -5 "$tmp/check")"
  [ -z "$why" ] && ok "$b: well-formed, deterministic, self-contained, victims and terms as the JSON says" || nok "$b: $why"
done
[ "$pages" = "$(ls $corpus/*.log | wc -l)" ] && ok "corpus: every log gives a page" || nok "corpus: $pages pages"
reports=$(python3 -c "
import json, glob
print(sum(len(json.load(open(f))['reports']) for f in glob.glob('$tmp/*.json')))")
sections=$(cat "$tmp"/*.html | grep -c '<section class="report" id="report-')
[ "$reports" = "$sections" ] && ok "corpus: one section per report ($sections)" || nok "corpus: $sections sections for $reports reports"
victims=$(cat "$tmp"/*.html | grep -c '<g class="bar victim')
[ "$victims" -ge 15 ] && ok "corpus: $victims highlighted victim bars" || nok "corpus: only $victims highlighted victim bars"

# --- 2. hand-computed terms
p=$tmp/vm6.1-memcg-kmsg.html
# memory.max 65536 kB / 4 KiB = 16384 pages = totalpages; 16384 / 1000 = 16; spike-B: rss 5226, 69632 / 4096 = 17
# page-table pages, oom_score_adj 500 * 16 = 8000: 13243, the kernel's victim and the recomputation's pick
check "6.1 memcg: spike-B's row is 5226 + 0 + 17 + 8000 + 0 + 0 = 13243, the victim and the pick" \
  grep -q '<tr class="victim pick" data-pid="80"><td>82</td><td>80</td><td>0</td><td>spike-B</td><td class="n">5226</td><td class="n">0</td><td class="n">17</td><td class="n">500</td><td class="n">5226</td><td class="n">0</td><td class="n">17</td><td class="n">8000</td><td class="n">0</td><td class="n">0</td><td class="n pts">13243</td><td class="n">1</td>' "$p"
check "6.1 memcg: spike-B's bar has the oom_score_adj term 8000 and the tick at 13243" \
  grep -q '<g class="bar victim" data-pid="80">.*<title>oom_score_adj term: 8000</title>.*>13243</text></g>' "$p"
check "6.1 memcg: spike-C (-1000) is skipped with its reason" \
  grep -q '<li data-pid="81">pid 81 (spike-C): oom_score_adj -1000</li>' "$p"
check "6.1 memcg: the story names the victim and the verdict" \
  grep -q 'The kernel killed pid 80 (spike-B), whose <a class="term" href="#g-badness">badness</a> recomputes to 13243 points' "$p"
p=$tmp/ltp-1080-rhel7.9-memcg-score-110000.html
# RHEL 7.9 (3.10.0-1160): rss 105 + nr_ptes 8 = 113, root (uid 0) bonus -(113 * 3 / 100) = -3: 110 points
check "RHEL 7.9: the root bonus is a term of its own: 105 + 0 + 8 + 0 - 3 + 0 = 110" \
  grep -q '<td class="n">105</td><td class="n">0</td><td class="n">8</td><td class="n">0</td><td class="n">-3</td><td class="n">0</td><td class="n pts">110</td>' "$p"
check "RHEL 7.9: the bar draws the root bonus below the memory" grep -q '<title>root bonus: -3</title>' "$p"
p=$tmp/emqx-356-rhel6-2.6.32-sacrifice-child.html
# 2.6.36-3.9 (RHEL 6): (46 + 0 + 0) * 1000 / totalpages; totalpages is unknown (taken as at least 1): 46000, root
# -30, clamp to 1000: -44970
check "2.6.36-3.9: thousandths of totalpages, the root -30 and the clamp to 1000 as terms" \
  grep -q '<td class="n">46000</td><td class="n">-30</td><td class="n">0</td><td class="n">0</td><td class="n">-44970</td><td class="n pts">1000</td>' "$p"
check "2.6.36-3.9: the legend names the era's terms" grep -q 'ceiling (at most 1000)' "$p"

# --- 3. what-if
"$OOMSIM" explain --format html --set 'process[80].oom_score_adj=0' -o "$tmp/wi.html" $corpus/vm6.1-memcg-kmsg.log
# without spike-B's +8000: spike-A 6216 + 19 = 6235 > spike-B 5226 + 17 = 5243
check "what-if --set: pid 79 would have died instead of pid 80" \
  grep -q '<p class="whatif-result"><strong>pid 79 (spike-A) would have died instead of pid 80.</strong>' "$tmp/wi.html"
check "what-if --set: the kernel's victim stays highlighted, the new pick is marked" \
  grep -q '<g class="bar victim" data-pid="80">' "$tmp/wi.html"
check "what-if --set: the changed oom_score_adj is shown with the printed one" grep -q '0 (what-if; printed 500)' "$tmp/wi.html"
check "what-if --set: spike-A is the recomputation's pick" grep -q '<g class="bar" data-pid="79">.*recomputed: the pick' "$tmp/wi.html"
"$OOMSIM" explain --format html --kernel 4.14 -o "$tmp/k.html" $corpus/ltp-1080-rhel7.9-memcg-score-110000.log
check "what-if --kernel 4.14: recomputed with 3.14-4.16's rules, said" grep -q 'recomputed with 3.14-4.16&apos;s rules (--kernel)' "$tmp/k.html"

# --- 4. the report's lines
p=$tmp/vm6.1-memcg-kmsg.html
check "lines: a dump_tasks() row is explained with the header's columns" \
  grep -q 'spike-B</code></summary><p>dump_tasks(): one process the OOM killer looked at. pid 80; uid 0; tgid 80; total_vm' "$p"
check "lines: the Killed line is explained as __oom_kill_process()" \
  grep -q 'Killed process 80 (spike-B)[^<]*</code></summary><p>__oom_kill_process(): SIGKILL was sent.' "$p"
check "lines: a call-trace frame is named as one" grep -q 'out_of_memory+0x1fd/0x4c0</code></summary><p>A frame of the call trace' "$p"
first=$(python3 -c "import json; print(json.load(open('$tmp/vm6.1-memcg-kmsg.json'))['reports'][0]['first_line'])")
last=$(python3 -c "import json; print(json.load(open('$tmp/vm6.1-memcg-kmsg.json'))['reports'][0]['last_line'])")
shown=$(perl -0777 -ne 'print scalar(() = m{<details><summary><span class="lno">}g) if s{.*?(<section class="report" id="report-1".*?</section>).*}{$1}s' "$p")
[ "$shown" = $((last - first + 1)) ] && ok "lines: report 1 shows its $shown lines ($first-$last)" || nok "lines: $shown lines shown for $first-$last"
# journalctl's prefixes are removed, the messages are the kernel's
grep -h . $corpus/vm6.1-memcg-kmsg.log | head -40 | sed 's/^/Dec 05 17:35:01 host kernel: /' >"$tmp/syslog.log"
"$OOMSIM" explain --format html -o "$tmp/syslog.html" "$tmp/syslog.log"
check "lines: a syslog paste shows the kernel's messages without the syslog prefix" \
  sh -c "grep -q 'spike-A invoked oom-killer' '$tmp/syslog.html' && ! grep -q 'host kernel:' '$tmp/syslog.html'"

# --- 5. bad input
printf 'hello\nno report here\n' >"$tmp/none.log"
"$OOMSIM" explain --format html -o "$tmp/none.html" "$tmp/none.log" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qE "^$tmp/none.log:[0-9]+:[0-9]+: " "$tmp/err" &&
  [ ! -e "$tmp/none.html" ] && [ ! -s "$tmp/out" ] && ok "bad input: exit 2, one FILE:LINE:COL line, no file, no output" ||
  nok "bad input: status $st, $(cat "$tmp/err"), $(ls "$tmp/none.html" 2>&1)"
printf 'a\0b\0c\n\0\n' >"$tmp/bin.log"
"$OOMSIM" explain --format html -o "$tmp/bin.html" "$tmp/bin.log" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ ! -e "$tmp/bin.html" ] && ok "binary input: exit 2, no file" || nok "binary input: $(cat "$tmp/err")"
"$OOMSIM" explain --format htm $corpus/vm6.1-memcg-kmsg.log >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'text, json or html' "$tmp/err" && ok "a bad --format: exit 2" || nok "a bad --format"

# --- 6. bounds: one report with 3000 rows (6.1 format); the 3000th holds the most and is the victim
{
  echo 'big invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'
  echo 'memory: usage 4000000kB, limit 4000000kB, failcnt 1'
  echo 'swap: usage 0kB, limit 0kB, failcnt 0'
  echo 'Tasks state (memory values in pages):'
  echo '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'
  for i in $(seq 1 3000); do printf '[%7d] %5d %5d %8d %8d %8d %8d         %5d %s\n' $((1000 + i)) 0 $((1000 + i)) 9000 $((100 + i)) 8192 0 0 w$i; done
  echo 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/big,task_memcg=/big,task=w3000,pid=4000,uid=0'
  echo 'Memory cgroup out of memory: Killed process 4000 (w3000) total-vm:36000kB, anon-rss:12400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0'
} >"$tmp/big.log"
"$OOMSIM" explain --format html -o "$tmp/big.html" "$tmp/big.log" 2>"$tmp/err"
bars=$(grep -c '<g class="bar' "$tmp/big.html")
rows=$(grep -c '<tr[^>]* data-pid=' "$tmp/big.html")
[ "$bars" = 60 ] && grep -q '2940 further rows are not drawn' "$tmp/big.html" && ok "bounds: 60 bars of 3000 rows, the rest said" ||
  nok "bounds: $bars bars"
[ "$rows" = 1000 ] && grep -q '2000 further rows of the table are not listed' "$tmp/big.html" &&
  ok "bounds: 1000 table rows of 3000, the rest said" || nok "bounds: $rows table rows"
check "bounds: the victim w3000 is among the bars, highlighted" grep -q '<g class="bar victim" data-pid="4000">' "$tmp/big.html"
