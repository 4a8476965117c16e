#!/usr/bin/env bash
# bench/whatif-bench.sh OOMSIM GEN: the what-if part of `make bench` (issue 10, docs/what-if.md, figures in
# docs/performance.md): a sweep of 100 x BENCH_WHATIF_ADJ (100) = 10,000 variants of a generated 1,000-task,
# 100-cgroup, 10,000-step scenario in one process, side by side with separate `oomsim run` invocations of the same
# variants (BENCH_WHATIF_SEPARATE of them, 100 by default, timed and scaled to the sweep's count: 10,000 separate
# runs take far longer than a bench should), and a bisect over a 1 GiB range at page resolution.
set -euo pipefail
oomsim=$1 gen=$2
dir=build/bench
mkdir -p "$dir"
wtasks=1000 wcgroups=100 wsteps=10000 adj_values=${BENCH_WHATIF_ADJ:-100} separate=${BENCH_WHATIF_SEPARATE:-100}
wxml=$dir/bench-$wtasks-$wcgroups-$wsteps.xml
[ -f "$wxml" ] || "$gen" "$wtasks" "$wcgroups" "$wsteps" "$wxml"
variants=$((100 * adj_values))
adj_step=$(( 1980 / (adj_values > 1 ? adj_values - 1 : 1) ))
vary=(--vary 'cgroup[/bench/cg-0].memory.max=28Mi..127Mi/1Mi'
      --vary "process[1000].oom_score_adj=-990..$((-990 + adj_step * (adj_values - 1)))/$adj_step")
echo "what-if scenario: $wxml ($wtasks tasks, $wcgroups cgroups, $wsteps steps); $variants variants"
/usr/bin/time -f "%e %M %U %S" -o "$dir/time.sweep" "$oomsim" sweep "$wxml" "${vary[@]}" -j "$(nproc)" --format csv \
  -o "$dir/sweep.csv" 2>/dev/null
read -r sweep_secs sweep_kb sweep_user sweep_sys < <(tail -n 1 "$dir/time.sweep")
rows=$(($(wc -l <"$dir/sweep.csv") - 1))
# the same variants as separate runs: the first $separate rows of the sweep, with their values as --set
sed -n "2,$((separate + 1))p" "$dir/sweep.csv" | cut -d, -f4,5 >"$dir/separate.values"
start=$(date +%s.%N)
while IFS=, read -r max adj; do
  "$oomsim" run "$wxml" --set "cgroup[/bench/cg-0].memory.max=$max" --set "process[1000].oom_score_adj=$adj" \
    --format text -o "$dir/separate.txt" >/dev/null 2>&1
done <"$dir/separate.values"
sep_secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
awk -v v="$rows" -v t="$sweep_secs" -v n="$separate" -v s="$sep_secs" -v j="$(nproc)" -v kb="$sweep_kb" \
    -v cpu="$(awk -v u="$sweep_user" -v y="$sweep_sys" 'BEGIN { print u + y }')" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  per = s / n; est = per * v
  printf "oomsim sweep (-j %d, csv): %d variants in %.2f s wall (%.1f s CPU; load average %s): %.0f variants/s, %.1f ms CPU each, peak RSS %d MiB\n", j, v, t, cpu, load, v / t, cpu * 1000 / v, kb / 1024
  printf "separate oomsim run (text report): %d runs in %.2f s, %.3f s each: %d runs would take about %.0f s\n", n, s, per, v, est
  printf "ratio: the sweep is %.1f times faster than separate runs of the same variants\n", est / t
}'
/usr/bin/time -f "%e %M" -o "$dir/time.bisect" "$oomsim" bisect "$wxml" --vary 'cgroup[/bench/cg-0].memory.max=0..1Gi' \
  --until survives:1000 -o "$dir/bisect.txt" || true
read -r bisect_secs bisect_kb < <(tail -n 1 "$dir/time.bisect")
echo "oomsim bisect over 0..1GiB at page resolution: ${bisect_secs} s wall ($(grep -c . "$dir/bisect.txt") lines: $(grep '^runs:' "$dir/bisect.txt"))"
