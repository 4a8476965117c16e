#!/usr/bin/env bash
# harness/validate-all.sh OOMSIM [--ci]: `make validate`: scenarios/validation/ on Debian's 6.1 and 6.12 kernels.
#
# Prints both reports (also kept in build/validate-KERNEL.txt) and a line per kernel. Exit status 0 only when
# every runnable scenario agrees on both kernels.
#
# --ci (.ci/run): the same runs and the same comparisons, but the disagreements listed in
# harness/known-disagreements.txt (each with its cause in docs/validation.md) are reported without failing the
# build; any other disagreement fails it, and so does a listed one that now agrees (the list must stay true),
# and so does a run that cannot be completed. The comparison itself is never changed by this list.
set -uo pipefail
oomsim=$1
mode=${2:-strict}
known=harness/known-disagreements.txt
status=0
seen=$(mktemp)
trap 'rm -f "$seen"' EXIT
for kernel in 6.1 6.12; do
  out=build/validate-$kernel.txt
  "$oomsim" validate --kernel-image "$kernel" scenarios/validation >"$out" 2>&1
  st=$?
  cat "$out"
  if [ $st -ne 0 ] && [ $st -ne 1 ]; then
    echo "validate on $kernel could not complete (exit $st)"
    status=2
    continue
  fi
  [ $st -eq 1 ] && [ $status -eq 0 ] && status=1
  awk -v k="$kernel" '/^== /{name=$2} /^   verdict: /{print k, name, tolower($2)}' "$out" >>"$seen"
done
if [ "$mode" != --ci ]; then
  exit $status
fi
[ $status -eq 2 ] && exit 2
fail=0
while read -r kernel name verdict; do
  listed=no
  grep -qx "$kernel $name" <(grep -v '^#' "$known" | awk '{print $1, $2}') && listed=yes
  if [ "$verdict" = disagree ] && [ $listed = no ]; then
    echo "NEW DISAGREEMENT: $name on $kernel"; fail=1
  elif [ "$verdict" = agree ] && [ $listed = yes ]; then
    echo "NOW AGREES (remove it from $known and docs/validation.md): $name on $kernel"; fail=1
  elif [ "$verdict" = disagree ]; then
    echo "known disagreement: $name on $kernel ($(grep "^$kernel $name " "$known" | cut -d' ' -f3-))"
  fi
done <"$seen"
exit $fail
