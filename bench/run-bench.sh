#!/usr/bin/env bash
# bench/run-bench.sh OOMSIM GEN: `make bench`. Generates the large scenario (100k tasks, 1k cgroups, 1M steps by
# default; override with BENCH_TASKS, BENCH_CGROUPS, BENCH_STEPS) and reports steps/s and peak memory (RSS) of
# `oomsim run --format json` on it (the report is written to a file), then the what-if sweep and bisect
# (bench/whatif-bench.sh). Record the figures in docs/performance.md.
set -euo pipefail
oomsim=$1 gen=$2
tasks=${BENCH_TASKS:-100000} cgroups=${BENCH_CGROUPS:-1000} steps=${BENCH_STEPS:-1000000}
dir=build/bench
mkdir -p "$dir"
xml=$dir/bench-$tasks-$cgroups-$steps.xml
[ -f "$xml" ] || "$gen" "$tasks" "$cgroups" "$steps" "$xml"
echo "scenario: $xml ($(du -h "$xml" | cut -f1), $tasks tasks, $cgroups cgroups, $steps steps)"
for format in none text; do
  out=$dir/report.$format
  if [ $format = none ]; then args=(check "$xml"); else args=(run --format $format -o "$out" "$xml"); fi
  status=0
  /usr/bin/time -f "%e %M" -o "$dir/time.$format" "$oomsim" "${args[@]}" >/dev/null 2>"$dir/err.$format" || status=$?
  # exit 1 is a failed expectation of the generated scenario (timing still valid); 2 refused it (a bound, bad
  # input): no figure to report
  if [ $status -ge 2 ]; then echo "bench: oomsim ${args[0]} exited $status:"; head -n 3 "$dir/err.$format"; exit 1; fi
  read -r secs kb < <(tail -n 1 "$dir/time.$format")
  rate=$(awk -v s="$steps" -v t="$secs" 'BEGIN { printf "%.0f", (t > 0 ? s / t : 0) }')
  echo "oomsim ${args[0]} ($( [ $format = none ] && echo "expectations; dmesg report kept for <log>" || echo "$format report")): ${secs} s, ${rate} steps/s, peak RSS $((kb / 1024)) MiB"
done


# the what-if sweep and bisect (issue 10)
bash bench/whatif-bench.sh "$oomsim" "$gen"
