#!/usr/bin/env bash
# tests/report-schema-tests.sh: every JSON report validates against docs/report.schema.json (issue 10: "a JSON Schema
# file that tests validate every JSON output against"), and the schema is strict enough to fail: a report with an
# unknown member, a step without its memory figures or another report_version is rejected. The memory-over-time
# figures of one scenario are checked against numbers computed by hand. Validation with python3-jsonschema
# (Draft 2020-12; make check installs it).
. "$(dirname "$0")/tap.sh"
schema=docs/report.schema.json
mkdir -p "$tmp/json"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
  nok "python3-jsonschema is not installed (make check installs it)"
  exit 0
fi

# every scenario of the project on its own profile, the library on every profile, --set and the goldens
runs=0
for f in scenarios/*/*.xml tests/expect/*.xml; do
  runs=$((runs + 1))
  "$OOMSIM" run --format json -o "$tmp/json/own-$runs.json" "$f" 2>/dev/null || rm -f "$tmp/json/own-$runs.json"
done
for k in $("$OOMSIM" kernels | cut -d' ' -f1); do
  for f in scenarios/library/*.xml; do
    runs=$((runs + 1))
    "$OOMSIM" run --kernel "$k" --format json -o "$tmp/json/lib-$runs.json" "$f" 2>/dev/null || rm -f "$tmp/json/lib-$runs.json"
  done
done
pod=scenarios/library/k8s-pod-50mi-oomkilled.xml
"$OOMSIM" run --format json --set 'cgroup[/kubepods/pod-a].memory.max=60MiB' -o "$tmp/json/set.json" "$pod"
cp tests/golden/*.json "$tmp/json/"
count=$(ls "$tmp/json" | wc -l)
check "... ($count JSON reports written, of $runs runs and the goldens)" [ "$count" -gt 300 ]

cat >"$tmp/validate.py" <<'PY'
import glob, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sorted(glob.glob(sys.argv[2] + "/*.json")):
    for err in v.iter_errors(json.load(open(path))):
        bad += 1
        print("# %s: %s: %s" % (path, err.json_path, err.message[:200]))
        break
sys.exit(1 if bad else 0)
PY
check "every JSON report validates against $schema" python3 "$tmp/validate.py" "$schema" "$tmp/json"

# the schema must be able to fail: three broken copies of the pod's report, each rejected
cat >"$tmp/break.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kind = sys.argv[2]
if kind == "unknown-member":
    d["outcome"]["victims"] = []
elif kind == "step-without-memory":
    next(e for e in d["events"] if e["type"] == "step" and e["pid"] is not None).pop("memory")
elif kind == "version":
    d["report_version"] = 2
json.dump(d, open(sys.argv[3], "w"))
PY
for kind in unknown-member step-without-memory version; do
  mkdir -p "$tmp/broken-$kind"
  python3 "$tmp/break.py" "$tmp/json/set.json" "$kind" "$tmp/broken-$kind/r.json"
  check "the schema rejects a report with a broken copy: $kind" \
    bash -c "! python3 '$tmp/validate.py' '$schema' '$tmp/broken-$kind' >/dev/null"
done

# memory over time of the pod (hand-computed): 2 GiB of RAM = 524288 pages, overcommit_ratio 50 and no swap:
# CommitLimit 262144; the mmap of 2000 MiB = 512000 pages is in Committed_AS and total_vm but nothing is touched;
# the pod's memcg peaks at its limit, 50 MiB = 12800 pages, with no headroom left; /kubepods has no limit
"$OOMSIM" run --format json -o "$tmp/pod.json" "$pod"
check "pod: the mmap step's memory: MemFree 524288, Committed_AS 512000 of 262144, total_vm 512000, rss 0" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["events"][0]["memory"]
ok = (m["mem_free_pages"], m["swap_used_pages"], m["committed_as_pages"], m["commit_limit_pages"]) == (524288, 0, 512000, 262144)
ok = ok and m["process"] == {"pid": 4200, "rss_anon_pages": 0, "rss_file_pages": 0, "rss_shmem_pages": 0, "swap_pages": 0, "total_vm_pages": 512000}
nopsi = {"avg10": "0.00", "avg60": "0.00", "avg300": "0.00", "total_us": 0}
ok = ok and m["cgroups"] == [{"path": "/kubepods/pod-a", "usage_pages": 0, "max_pages": 12800, "swap_pages": 0,
                              "memory_pressure": nopsi},
                             {"path": "/kubepods", "usage_pages": 0, "max_pages": None, "swap_pages": 0,
                              "memory_pressure": nopsi}]
sys.exit(0 if ok else 1)' "$tmp/pod.json"
# memory.pressure (kernel-model/km-psi.c): the only stall the model has is memory.high's penalty sleep, so total= of
# /throttled after memory-high-throttles-never-kills.xml's one step is the sum of its sleeps, 378139 jiffies (worked out
# in the scenario's description) of 4 ms = 1512556000 us; the averages of a stall that long are 100.00 (avg10: a
# fixed point the rounding up of calc_load() holds at 100 * 2048 once reached); 4.19 has no PSI (no member)
"$OOMSIM" run --format json -o "$tmp/high.json" scenarios/library/memory-high-throttles-never-kills.xml
"$OOMSIM" run --kernel 4.19 --format json -o "$tmp/high-419.json" scenarios/library/memory-high-throttles-never-kills.xml
check "memory.high: /throttled's memory.pressure total=1512556000 us after the step, avg10 100.00; none on 4.19" python3 -c '
import json, sys
steps = [e for e in json.load(open(sys.argv[1]))["events"] if e.get("memory")]
p = steps[-1]["memory"]["cgroups"][0]["memory_pressure"]
old = [e for e in json.load(open(sys.argv[2]))["events"] if e.get("memory")]
ok = p["total_us"] == 1512556000 and p["avg10"] == "100.00" and "memory_pressure" not in old[-1]["memory"]["cgroups"][0]
sys.exit(0 if ok else 1)' "$tmp/high.json" "$tmp/high-419.json"
check "pod: peaks: machine 12800, /kubepods/pod-a 12800 with 0 headroom, /kubepods no limit (null)" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))["outcome"]
ok = o["machine_peak_pages"] == 12800 and o["memcg_peaks"] == [
  {"cgroup": "/kubepods", "peak_pages": 12800, "swap_peak_pages": 0, "least_headroom_pages": None},
  {"cgroup": "/kubepods/pod-a", "peak_pages": 12800, "swap_peak_pages": 0, "least_headroom_pages": 0}]
sys.exit(0 if ok else 1)' "$tmp/pod.json"
# the machine's peak counts every memcg's charges, hierarchical or not: on 4.19 the root memcg of cgroup v1 has
# use_hierarchy 0 (the profile's default), so /legacy has no parent counter and the root page counter never sees
# its pages; the machine peak is still /legacy's: 64M = 16384 pages (the limit at which it OOMs; swap holds the rest)
"$OOMSIM" run --kernel 4.19 --format json -o "$tmp/v1.json" scenarios/library/v1-memsw-limit.xml
check "v1, root without use_hierarchy (4.19): machine peak 16384 pages, /legacy's peak" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))["outcome"]
peaks = {p["cgroup"]: p["peak_pages"] for p in o["memcg_peaks"]}
sys.exit(0 if o["machine_peak_pages"] == 16384 and peaks["/legacy"] == 16384 else 1)' "$tmp/v1.json"
check "pod with --set memory.max=60MiB: the header lists the override" python3 -c '
import json, sys
sys.exit(json.load(open(sys.argv[1]))["overrides"] != ["cgroup[/kubepods/pod-a].memory.max=60MiB"])' "$tmp/json/set.json"

# the text report: a memory line after each step (--quiet: none; --verbose: the process and every ancestor)
"$OOMSIM" run "$pod" >"$tmp/pod.txt"
check "text: the mmap step's memory line (MemFree 2 GiB, Committed_AS 2.0 GiB of CommitLimit 1 GiB, the pod's memcg)" \
  grep -qxF "    memory: MemFree 2 GiB, swap used 0 B, Committed_AS 2.0 GiB of CommitLimit 1 GiB; memcg /kubepods/pod-a 0 B of 50 MiB" "$tmp/pod.txt"
check "text: the summary's peaks: /kubepods/pod-a at its limit" \
  grep -Eq '^    /kubepods/pod-a +12800 pages \(50 MiB\) +0 pages \(0 B\) +0 pages \(at its limit\)$' "$tmp/pod.txt"
"$OOMSIM" run --quiet "$pod" >"$tmp/pod-quiet.txt"
check "text --quiet: no memory line, nothing else changed" \
  bash -c "[ \"\$(grep -c '^    memory: ' '$tmp/pod-quiet.txt')\" -eq 0 ] && diff <(grep -v '^    memory: ' '$tmp/pod.txt') '$tmp/pod-quiet.txt' >/dev/null"
"$OOMSIM" run --verbose "$pod" >"$tmp/pod-verbose.txt"
check "text --verbose: the process's counters and /kubepods too" \
  grep -qF "; memcg /kubepods/pod-a 0 B of 50 MiB, /kubepods 0 B (no limit); pid 4200 rss 0 B (anon 0 B, file 0 B, shmem 0 B), swap 0 B, VIRT 2.0 GiB" "$tmp/pod-verbose.txt"
"$OOMSIM" run --quiet --verbose "$pod" >/dev/null 2>"$tmp/qv.err"
check "--quiet with --verbose is a usage error (exit 2)" [ $? -eq 2 ]
