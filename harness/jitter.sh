#!/usr/bin/env bash
# harness/jitter.sh OOMSIM K [FILE|DIR...]: measure the kernel's own figure jitter (docs/validation.md, "Figure
# jitter"), the figure that `oomsim validate` adds to the counter lag when it judges the rss of a Killed line.
#
# Each scenario (default: scenarios/validation) is validated on Debian's 6.1 and 6.12 kernels K+1 times: as it is,
# and with `--perturb 1..K`, which changes the scenario's name in the agent input and nothing else, so the
# initramfs and with it the VM's state before the trace differ (per-CPU lists, pageblock layout, where the one vCPU
# switches tasks). For every kill that the kernel made in all runs at the same position with the same victim, the
# difference real - simulated anon-rss is taken per run (the simulator is given each run's own measurements, so it
# follows what it can know); the jitter of that kill is the spread (max - min) of the differences, in pages. Per
# kernel and kind of OOM (global, memcg), the largest spread is the kernel's jitter. Also printed: the scenarios
# whose decisions (victims, exits, ENOMEM steps, counters) changed between runs, i.e. kernel races.
#
# Output: a table on stdout, and build/jitter/figure-jitter.txt in the format of harness/figure-jitter.txt (copy
# it there, with the table into docs/validation.md, after a measurement). Runs are kept in build/jitter/runs.
set -euo pipefail
oomsim=$1 k=$2
shift 2
[ $# -gt 0 ] || set -- scenarios/validation
out=build/jitter
mkdir -p "$out"
date_measured=$(date -u +%Y-%m-%d)
for kernel in 6.1 6.12; do
  for p in $(seq 0 "$k"); do
    "$oomsim" validate --reuse --race-runs 0 --perturb "$p" --kernel-image "$kernel" --format json \
      --work-dir "$out/runs" "$@" >"$out/validate-$kernel-p$p.json" || true
  done
done
python3 - "$out" "$k" "$date_measured" <<'PY'
import glob, json, re, sys
out, k, day = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = []
table = []
for kernel in ("6.1", "6.12"):
    runs = [json.load(open("%s/validate-%s-p%d.json" % (out, kernel, p))) for p in range(k + 1)]
    package = runs[0]["kernel_package"]
    jitter = {"global": 0, "memcg": 0}
    worst = {"global": "-", "memcg": "-"}
    for s0 in runs[0]["scenarios"]:
        name = s0["scenario"]
        decisions, diffs = set(), {}
        for r in runs:
            s = next((x for x in r["scenarios"] if x["scenario"] == name), None)
            if s is None:
                continue
            if s["verdict"] not in ("agree", "disagree"):
                continue
            rows = {row["what"]: row for row in s["rows"]}
            decisions.add(tuple((w, row["real"]) for w, row in sorted(rows.items())
                                if row.get("kind") == "decision"))
            victims = [v.split(" ")[0] for v in rows["victims"]["real"].split(", ")] if "victims" in rows else []
            for w, row in rows.items():
                m = re.match(r"rss of (\d+)$", w)
                if not m:
                    continue
                a = re.search(r"anon (\d+)", row["simulated"]); b = re.search(r"anon (\d+)", row["real"])
                # the kind of OOM of the victim's kill: "constraint of kill N" is "CONSTRAINT_... global" or "... /memcg"
                kind = "memcg"
                if m.group(1) in victims:
                    c = rows.get("constraint of kill %d" % (victims.index(m.group(1)) + 1))
                    if c and c["real"].endswith(" global"):
                        kind = "global"
                diffs.setdefault((w, kind), []).append((int(b.group(1)) - int(a.group(1))) // 4)
        for (w, kind), d in sorted(diffs.items()):
            spread = max(d) - min(d)
            table.append("| %s | %s | %s | %s | %s | %d |" % (kernel, name, w, kind, " ".join("%+d" % x for x in d), spread))
            if len(d) == k + 1 and spread > jitter[kind]:
                jitter[kind], worst[kind] = spread, "%s %s" % (name, w)
        if len(decisions) > 1:
            table.append("| %s | %s | decisions | - | %d different outcomes in %d runs (kernel race) | - |" % (kernel, name, len(decisions), k + 1))
    for kind in ("global", "memcg"):
        lines.append("%s %s %d measured %s with harness/jitter.sh (%d perturbed runs), largest: %s, on %s" %
                     (kernel, kind, jitter[kind], day, k, worst[kind], package))
print("| kernel | scenario | figure | OOM | real - simulated anon-rss per run (pages), unperturbed first | spread |")
print("| --- | --- | --- | --- | --- | --- |")
print("\n".join(table))
print()
print("\n".join(lines))
with open("%s/figure-jitter.txt" % out, "w") as f:
    f.write("# harness/figure-jitter.txt: KERNEL global|memcg PAGES HOW (written by harness/jitter.sh; docs/validation.md)\n")
    f.write("\n".join(lines) + "\n")
PY
