#!/usr/bin/env bash
# bench/compare-binaries.sh BASE NEW [DIR]: the byte-identity check of issue 13's performance work. Runs two oomsim
# binaries on every scenario of scenarios/ and tests/ (run in text, JSON, dmesg and HTML; check) and on every input
# of DIR (default: build/compare/mutants, made by bench/mutate-flat.py: step, process and cgroup elements with
# each attribute removed, doubled, misspelt and given odd values), and compares standard output, standard error
# and exit status byte for byte. Prints the first differences and exits 1 if there are any.
set -uo pipefail
base=$1 new=$2 dir=${3:-build/compare/mutants}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 bad=0
compare() { # compare ARGS...: run both, compare
  "$base" "$@" >"$work/a.out" 2>"$work/a.err"; echo "status $?" >>"$work/a.err"
  "$new" "$@" >"$work/b.out" 2>"$work/b.err"; echo "status $?" >>"$work/b.err"
  n=$((n + 1))
  if ! cmp -s "$work/a.out" "$work/b.out" || ! cmp -s "$work/a.err" "$work/b.err"; then
    bad=$((bad + 1))
    if [ "$bad" -le 10 ]; then
      echo "DIFFERENT: $*"
      diff "$work/a.err" "$work/b.err" | head -5
      cmp "$work/a.out" "$work/b.out" | head -2
    fi
  fi
}
if [ "${COMPARE_SCENARIOS:-1}" != 0 ]; then # COMPARE_SCENARIOS=0: DIR only
  while IFS= read -r f; do
    for format in text json dmesg html; do compare run --format "$format" "$f"; done
    compare check "$f"
  done < <(find scenarios tests -name '*.xml' -not -path '*/build/*' | LC_ALL=C sort)
fi
if [ -d "$dir" ]; then
  while IFS= read -r f; do compare run --format dmesg "$f"; done < <(find "$dir" -type f | LC_ALL=C sort)
fi
echo "compare-binaries: $n runs, $bad different"
[ "$bad" -eq 0 ]
