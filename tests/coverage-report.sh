#!/usr/bin/env bash
# tests/coverage-report.sh BUILD: lcov capture of a --coverage build after the suite ran, an HTML report in
# BUILD/html, and line and branch coverage per top-level folder.
set -euo pipefail
build=$1
info=$build/coverage.info
rc=(--rc lcov_branch_coverage=1)
lcov "${rc[@]}" --quiet --capture --directory "$build/obj" --base-directory "$PWD" --output-file "$info.raw" >/dev/null 2>&1
lcov "${rc[@]}" --quiet --extract "$info.raw" "$PWD/*" --output-file "$info" >/dev/null 2>&1
lcov "${rc[@]}" --quiet --remove "$info" "$PWD/build/*" "$PWD/tests/*" "$PWD/bench/*" --output-file "$info" >/dev/null 2>&1
genhtml "${rc[@]}" --quiet --output-directory "$build/html" "$info" >/dev/null 2>&1
printf '%-14s %10s %10s\n' folder lines branches
for dir in kernel-model sim scenarios reports harness; do
  lcov "${rc[@]}" --quiet --extract "$info" "$PWD/$dir/*" --output-file "$build/$dir.info" >/dev/null 2>&1 || continue
  summary=$(lcov "${rc[@]}" --summary "$build/$dir.info" 2>&1)
  lines=$(sed -n 's/.*lines\.*: \([0-9.]*%\).*/\1/p' <<<"$summary")
  branches=$(sed -n 's/.*branches\.*: \([0-9.]*%\).*/\1/p' <<<"$summary")
  printf '%-14s %10s %10s\n' "$dir" "${lines:-n/a}" "${branches:-n/a}"
done
echo "HTML report: $build/html/index.html"
