#!/usr/bin/env bash
# tests/dmesg-shape-tests.sh: `oomsim run --format dmesg` on every profile against the real reports of the same
# kernel version in tests/corpus/, line kind by line kind with numbers and names masked (issue 11; the comparison,
# its masks and the kinds left out are described in tests/dmesg-shapes.py and docs/kernel-versions.md).
. "$(dirname "$0")/tap.sh"
python3 tests/dmesg-shapes.py "$OOMSIM" tests/corpus >"$tmp/out" 2>&1
status=$?
cat "$tmp/out"
# a crash of the script is a failure too, not a silent pass
if [ $status -ne 0 ] && ! grep -q '^not ok' "$tmp/out"; then nok "tests/dmesg-shapes.py exited with status $status"; fi
