#!/usr/bin/env bash
# fuzz/make-seeds.sh OUT: the fuzz targets' seed corpora, generated from the tree (never copied by hand), into
# OUT/scenario, OUT/agent-output and OUT/explain (emptied first):
#   scenario      every *.xml under scenarios/ and tests/ (the library, the version and validation scenarios, the
#                 invalid inputs, the CLI and harness scenarios), named by their path;
#   agent-output  each saved real VM run of tests/harness/: NAME.agent.txt, a NUL byte, NAME.console.txt (the
#                 input format of fuzz/fuzz-agent-output.c);
#   explain       every real kernel log of the corpus, tests/corpus/*.log.
set -euo pipefail
out=${1:?usage: fuzz/make-seeds.sh OUT}
rm -rf "$out/scenario" "$out/agent-output" "$out/explain"
mkdir -p "$out/scenario" "$out/agent-output" "$out/explain"
find scenarios tests -name '*.xml' -type f | LC_ALL=C sort | while read -r f; do
  cp "$f" "$out/scenario/${f//\//_}"
done
for agent in tests/harness/*.agent.txt; do
  name=$(basename "$agent" .agent.txt)
  console=tests/harness/$name.console.txt
  { cat "$agent"; printf '\0'; if [ -f "$console" ]; then cat "$console"; fi; } >"$out/agent-output/$name"
done
cp tests/corpus/*.log "$out/explain/"
