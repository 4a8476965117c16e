#!/usr/bin/env bash
# harness/sensitivity.sh OOMSIM SCENARIO STEP-PID EXTRA-PAGES... : how the victim's anon-rss at a kill moves when
# the scenario's first step of STEP-PID touches a few more pages (docs/validation.md, "How exactly a global OOM
# point can be known").
#
# For each N in EXTRA-PAGES, a copy of SCENARIO is written under build/sensitivity/ in which the first
# <touch pid="STEP-PID" size="..."> gets N pages (4 KiB) more, and `oomsim validate --format json` runs it on
# Debian's 6.1 and 6.12 kernels. Printed per kernel and N: the anon-rss of each Killed-process line, simulated
# and real, in pages, and their difference. A model that follows the kernel moves by about -N with it; a figure
# that jumps by hundreds of pages for one page more cannot be predicted from the scenario alone.
#
# Example: harness/sensitivity.sh build/oomsim scenarios/validation/global-protected-big.xml 190 0 1 2 4 8 16 32 64
set -euo pipefail
oomsim=$1 scenario=$2 pid=$3
shift 3
name=$(basename "$scenario" .xml)
dir=build/sensitivity/$name
rm -rf "$dir"
mkdir -p "$dir"
for n in "$@"; do
  python3 - "$scenario" "$pid" "$n" >"$dir/$name-plus-$(printf %04d "$n").xml" <<'EOF'
import re, sys
path, pid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(path).read()
units = {"KiB": 1, "MiB": 1024, "GiB": 1024 * 1024}
def grow(m):
    kib = int(m.group(2)) * units[m.group(3)] + 4 * n
    return '%ssize="%dKiB"' % (m.group(1), kib)
pattern = r'(<touch pid="%s" )size="(\d+)(KiB|MiB|GiB)"' % re.escape(pid)
new, count = re.subn(pattern, grow, text, count=1)
if count != 1:
    sys.exit("no <touch pid=\"%s\" size=...> with a KiB/MiB/GiB size in %s" % (pid, path))
new = re.sub(r'(<scenario name=")([^"]*)"', lambda m: '%s%s-plus-%04d"' % (m.group(1), m.group(2), n), new, count=1)
sys.stdout.write(new)
EOF
done
for kernel in 6.1 6.12; do
  "$oomsim" validate --reuse --kernel-image "$kernel" --format json --work-dir "build/sensitivity/runs" "$dir" \
    >"$dir/validate-$kernel.json" || true
  python3 - "$kernel" "$dir/validate-$kernel.json" <<'EOF'
import json, re, sys
kernel, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
print("kernel %s (%s)" % (kernel, report["kernel_package"]))
print("  %-44s %-10s %10s %10s %8s" % ("scenario", "victim", "simulated", "real", "diff"))
for s in report["scenarios"]:
    for row in s["rows"]:
        if not row["what"].startswith("rss of "):
            continue
        sim = re.search(r"anon (\d+)", row["simulated"] or "")
        real = re.search(r"anon (\d+)", row["real"] or "")
        if not sim or not real:
            continue
        a, b = int(sim.group(1)) // 4, int(real.group(1)) // 4
        print("  %-44s %-10s %10d %10d %+8d%s" % (s["scenario"], row["what"][7:], a, b, a - b,
                                                 "" if row["agree"] else "  !"))
EOF
done
