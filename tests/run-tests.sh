#!/usr/bin/env bash
# tests/run-tests.sh: the whole suite behind `make check` (and `make sanitize`, `make coverage`).
#   1. every GTest binary in $TEST_DIR (TAP): each "ok"/"not ok" line counts;
#   2. `oomsim check` over the scenario library, the version scenarios, the what-if scenarios and the validation
#      scenarios (on 6.1 and 6.12): each PASS/FAIL line counts;
#   3. the CLI contract tests in tests/cli-tests.sh, and the resource bounds in tests/limits-tests.sh: each check
#      counts;
#   4. `oomsim validate --reuse` with stand-ins for QEMU (tests/harness-reuse-tests.sh), and the decision and
#      figure verdicts and kernel-race re-runs (tests/harness-verdict-tests.sh), Debian's earlyoom in the VM
#      (tests/harness-earlyoom-tests.sh): each check counts;
#   5. the differential-testing generator, runner and shrinker without a VM (tests/differential-tests.sh);
#   6. the what-if commands: --set, sweep, sweep-merge, bisect (tests/whatif-tests.sh).
#   7. check --format tap|junit (tests/check-report-tests.sh), the expectations in both directions
#      (tests/expect-tests.sh), the command-line conventions (tests/cli-conventions-tests.sh), and make install,
#      the man page and the shell completions (tests/install-tests.sh).
#   8. `oomsim explain` over the corpus of real reports, robustness and what-if (tests/explain-tests.sh), its HTML
#      page over every report of the corpus (tests/explain-html-tests.sh), the dmesg
#      output of every profile against the real reports of its version (tests/dmesg-shape-tests.sh), the
#      HTML report's structure and its rendering in headless chromium (tests/html-tests.sh), and the lessons of
#      docs/education.md against their scenarios (tests/education-tests.sh).
#   9. every fuzz target over its regression inputs (fuzz/regress/TARGET/) and its seeds ($FUZZ_SEED_DIR/TARGET,
#      made by `make fuzz-seeds`), without libFuzzer (fuzz/fuzz-replay.c): each input counts.
# Ends with the line "N passed, N failed"; exits 1 if anything failed.
set -u
: "${OOMSIM:=build/oomsim}" "${TEST_DIR:=build/tests}" "${FUZZ_SEED_DIR:=build/fuzz/seed}"
export G_TEST_SRCDIR="$PWD/tests" G_TEST_BUILDDIR="$PWD/$TEST_DIR" OOMSIM
# a GLib critical or warning is a bug (house style: g_return_if_fail only for programming errors): abort on it
export G_DEBUG=fatal-criticals,fatal-warnings
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # count OK-PATTERN FAIL-PATTERN < output
  local out ok nok
  out=$(cat)
  ok=$(grep -cE "$1" <<<"$out" || true)
  nok=$(grep -cE "$2" <<<"$out" || true)
  passed=$((passed + ok))
  failed=$((failed + nok))
  grep -E "$2" <<<"$out" || true
}

for t in "$TEST_DIR"/test-*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  "$t" --tap >"$log" 2>&1
  status=$?
  echo "== $name: $(grep -cE '^ok ' "$log") ok, $(grep -cE '^not ok ' "$log") not ok"
  count '^ok ' '^not ok ' <"$log"
  if [ $status -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
    echo "not ok - $name exited with status $status"
    tail -n 20 "$log"
    failed=$((failed + 1))
  fi
done

# scenarios/validation on the two kernels the VM harness runs it on: its expectations are what the real 6.1 and 6.12
# did (docs/validation.md, "Agreement table"), so the model must keep meeting them (a v1 scenario on 6.12, which
# has no v1 controller, is a SKIP line, not counted: the harness pins those refusals)
for dir in scenarios/library scenarios/versions scenarios/what-if scenarios/validation; do
  [ -d "$dir" ] || continue
  kernels=()
  [ "$dir" = scenarios/validation ] && kernels=(--kernel 6.1,6.12)
  "$OOMSIM" check "${kernels[@]}" "$dir" >"$log" 2>&1
  status=$?
  echo "== oomsim check $dir: $(grep -c '^PASS ' "$log") pass, $(grep -cE '^(FAIL|INVALID) ' "$log") fail (exit $status)"
  count '^PASS ' '^(FAIL|INVALID) ' <"$log"
  grep -E '^  ' "$log" || true
  if [ $status -ne 0 ] && ! grep -qE '^(FAIL|INVALID) ' "$log"; then
    echo "oomsim check $dir exited with status $status"; cat "$log"; failed=$((failed + 1))
  fi
done

if [ -f tests/cli-tests.sh ]; then
  bash tests/cli-tests.sh >"$log" 2>&1
  echo "== cli-tests: $(grep -c '^ok ' "$log") ok, $(grep -c '^not ok ' "$log") not ok"
  count '^ok ' '^not ok ' <"$log"
fi

for t in limits-tests report-schema-tests whatif-tests check-report-tests expect-tests cli-conventions-tests install-tests harness-reuse-tests harness-verdict-tests harness-earlyoom-tests differential-tests explain-tests explain-html-tests dmesg-shape-tests html-tests education-tests; do
  [ -f tests/$t.sh ] || continue
  bash tests/$t.sh >"$log" 2>&1
  echo "== $t: $(grep -c '^ok ' "$log") ok, $(grep -c '^not ok ' "$log") not ok"
  count '^ok ' '^not ok ' <"$log"
done

for t in "$TEST_DIR"/fuzz-replay-*; do
  [ -x "$t" ] || continue
  target=${t##*/fuzz-replay-}
  "$t" --tap "fuzz/regress/$target" "$FUZZ_SEED_DIR/$target" >"$log" 2>&1
  status=$?
  echo "== fuzz-replay-$target: $(grep -cE '^ok ' "$log") ok, $(grep -cE '^not ok ' "$log") not ok"
  count '^ok ' '^not ok ' <"$log"
  if [ $status -ne 0 ]; then
    echo "not ok - fuzz-replay-$target exited with status $status after:"
    tail -n 5 "$log"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
