#!/usr/bin/env bash
# fuzz/run.sh smoke RUNS TARGET... | time SECONDS TARGET...: runs the libFuzzer binaries build/libfuzzer/fuzz-TARGET
# one after the other (make fuzz-smoke, make fuzz; docs/testing.md).
#   smoke: RUNS inputs per target with libFuzzer's seed 1, from the seeds alone (a fresh corpus each time), so a
#          CI run is repeatable;
#   time:  SECONDS per target, growing the kept corpus build/fuzz/corpus/TARGET.
# Per input: at most FUZZ_INPUT_TIMEOUT seconds (default 25: the machine is shared) and FUZZ_RSS_MB of memory (default 2048), both
# findings when exceeded. A finding (crash, sanitizer report, leak, broken property, timeout, out of memory) is
# saved as build/fuzz/findings/TARGET/KIND-SHA1 and fails the run; copy it into fuzz/regress/TARGET/ once fixed.
# Prints one summary line per target (the row of docs/testing.md's table); logs in build/fuzz/logs/.
set -uo pipefail
mode=${1:?usage: fuzz/run.sh smoke RUNS|time SECONDS TARGET...}
amount=${2:?}
shift 2
work=build/fuzz
timeout=${FUZZ_INPUT_TIMEOUT:-25}
rss=${FUZZ_RSS_MB:-2048}
mkdir -p "$work/logs"
status=0
for target in "$@"; do
  bin=build/libfuzzer/fuzz-$target
  findings=$work/findings/$target
  mkdir -p "$findings"
  if [ "$mode" = smoke ]; then
    corpus=$work/smoke/$target
    rm -rf "$corpus"
    limit=(-runs="$amount" -seed=1)
  else
    corpus=$work/corpus/$target
    limit=(-max_total_time="$amount")
  fi
  mkdir -p "$corpus"
  # fuzz/TARGET.options (OSS-Fuzz's convention): "name = value" lines of its [libfuzzer] section
  options=()
  if [ -f "fuzz/$target.options" ]; then
    while read -r opt; do options+=("$opt"); done < <(sed -nE 's/^([a-z_]+) *= *([^ ]+) *$/-\1=\2/p' "fuzz/$target.options")
  fi
  log=$work/logs/$mode-$target.log
  start=$(date +%s)
  "$bin" "${limit[@]}" "${options[@]}" -dict="$work/$target.dict" -timeout="$timeout" -rss_limit_mb="$rss" \
    -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "$work/seed/$target" >"$log" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  if [ $rc -eq 0 ]; then
    found=none
  else
    found=$(grep -E '^(artifact_prefix|Test unit written to)' "$log" | tail -n 1 | sed 's/.*written to //')
    found=${found:-"libFuzzer exit status $rc"}
    status=1
  fi
  echo "fuzz $mode $target: ${secs} s, ${execs:-?} executions (${rate:-?}/s), cov ${cov:-?} ft ${ft:-?}," \
       "corpus ${corp:-?}, findings: $found (log $log)"
  if [ $rc -ne 0 ]; then
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error|ALARM|==[0-9]+== ERROR)' "$log" | head -n 5
  fi
done
exit $status
