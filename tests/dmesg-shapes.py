#!/usr/bin/env python3
"""tests/dmesg-shapes.py: `oomsim run --format dmesg` against real reports of the same kernel version (issue 11).

For every profile, the scenarios below are run with `--kernel PROFILE --format dmesg`, and every line of the corpus
reports (tests/corpus/*.log) whose kernel release has the profile's version (the `kernel:` line of the .meta; a
release maps as `oomsim` maps it, "X.Y.Z-..." to X.Y, and RHEL 7's 3.10.0-NNN to 3.10, the RHEL 7.9 builds
3.10.0-1160 to 3.10-rhel7 where that profile exists) is classified into a line kind and masked: digits, hex
numbers, gfp flag names, task names and cgroup paths become placeholders and runs of blanks one blank (column
widths are the goldens' business). Each corpus line kind that oomsim models must be printed by oomsim on that
profile, and the corpus line's masked shape must be one of the shapes oomsim prints for that kind. A memory.stat
dump is compared as its key sequence. Kinds oomsim does not print are listed in NOT_MODELLED with the reason
(docs/report-formats.md, "Left out"); a line of no known kind fails the test, so nothing is skipped silently.

Prints TAP-like "ok N - ..." / "not ok N - ..." lines (tests/tap.sh's convention) and "# ..." details.
Usage: dmesg-shapes.py OOMSIM [CORPUS_DIR]
"""
import glob
import os
import re
import subprocess
import sys

OOMSIM = sys.argv[1]
CORPUS = sys.argv[2] if len(sys.argv) > 2 else "tests/corpus"

# Scenarios that between them make every record kind the model prints: global and memcg (v1, v2) kills, the
# pre-5.0 memcg block, panics, no killable process, the reaper, oom.group, a sacrificed child, mm sharers.
SCENARIOS = [
    "scenarios/library/global-oom-largest-dies.xml",
    "scenarios/library/k8s-pod-50mi-oomkilled.xml",
    "scenarios/library/v1-memsw-limit.xml",
    "scenarios/library/panic1-global-panic.xml",
    "scenarios/library/panic2-memcg-panic.xml",
    "scenarios/library/no-killable-global-panic.xml",
    "scenarios/library/memory-oom-group.xml",
    "scenarios/library/stuck-victim-reaper-delay.xml",
    "scenarios/library/oom-kill-allocating-task.xml",
    "scenarios/library/shared-mm-victim.xml",
    "scenarios/versions/sacrifice-child-4.19.xml",
    "scenarios/versions/memcg-no-victim-4.19.xml",
    "scenarios/versions/panic2-memcg-3.10.xml",
    "scenarios/versions/memcg-no-killable-3.10.xml",
]

# Line kinds: (kind, regex over the line with its log prefix removed and leading blanks stripped). First match wins.
KINDS = [
    ("invoked", r"^\S.* invoked oom-killer: "),
    ("cpuset", r"^\S+ cpuset=\S* mems_allowed="),
    ("mem-info", r"^Mem-Info:$"),
    ("meminfo:active_anon", r"^active_anon:\d+ inactive_anon:"),
    ("meminfo:active_file", r"^active_file:\d+ inactive_file:"),
    ("meminfo:unevictable", r"^unevictable:\d+"),
    ("meminfo:slab_reclaimable", r"^slab_reclaimable:\d+"),
    ("meminfo:free", r"^free:\d+ "),
    ("meminfo:mapped", r"^mapped:\d+ "),
    ("meminfo:sec_pagetables", r"^sec_pagetables:\d+"),
    ("meminfo:kernel_misc_reclaimable", r"^kernel_misc_reclaimable:\d+"),
    ("meminfo:free_cma", r"^free_cma:\d+$"),
    ("total pagecache pages", r"^\d+ total pagecache pages$"),
    ("pages in swap cache", r"^\d+ pages in swap cache$"),
    ("Swap cache stats", r"^Swap cache stats: "),
    ("Free swap", r"^Free swap  ?= "),
    ("Total swap", r"^Total swap = "),
    ("pages RAM", r"^\d+ pages RAM$"),
    ("pages HighMem", r"^\d+ pages HighMem"),
    ("pages reserved", r"^\d+ pages reserved$"),
    ("pages cma reserved", r"^\d+ pages cma reserved$"),
    ("pages hwpoisoned", r"^\d+ pages hwpoisoned$"),
    ("pages shared", r"^\d+ pages shared$"),
    ("pages non-shared", r"^\d+ pages non-shared$"),
    ("Task in", r"^Task in \S+ killed as a result of limit of "),
    ("Memory limit reached", r"^Memory limit reached of cgroup "),
    ("memory: usage", r"^memory: usage "),
    ("memory+swap: usage", r"^memory\+swap: usage "),
    ("kmem: usage", r"^kmem: usage "),
    ("swap: usage", r"^swap: usage "),
    ("Memory cgroup stats line", r"^Memory cgroup stats for \S*: \w+:"),
    ("Memory cgroup stats for", r"^Memory cgroup stats for \S*:$"),
    ("memory.stat", r"^[a-z_]+ \d+$"),
    ("Tasks state", r"^Tasks state \(memory values in pages\):$"),
    ("task header", r"^\[ +pid +\] +uid +tgid "),
    ("task row", r"^\[ *\d+\] +\d+ +\d+ +\d+ "),
    ("oom-kill summary", r"^oom-kill:constraint="),
    ("sacrifice child", r"^.*: Kill process \d+ \(.*\) score -?\d+ or sacrifice child$"),
    ("Killed process", r"^(.*: )?Killed process \d+ "),
    ("sharing same memory", r"^Kill process \d+ \(.*\) sharing same memory$"),
    ("mm pinned", r"^oom killer \d+ \(.*\) has mm pinned by "),
    ("oom.group", r"^Tasks in \S+ are going to be killed due to memory.oom.group set$"),
    ("oom_reaper", r"^oom_reaper: reaped process "),
    ("no killable", r"^Out of memory and no killable processes\.\.\.$"),
    ("panic", r"^Kernel panic - not syncing: "),
    ("vm_enough_memory", r"^__vm_enough_memory: "),
    # not modelled (NOT_MODELLED says why)
    ("COMPACTION is disabled", r"^COMPACTION is disabled!!!$"),
    ("dump_stack", r"^(\[<[0-9a-f]+>\] |CPU: \d+ PID: \d+ Comm: |Hardware name: |Call [Tt]race:|<TASK>|</TASK>|<IRQ>|</IRQ>|\? |"
     r"[\w.]+\+0x[0-9a-f]+/0x[0-9a-f]+|RIP: |RSP: |RAX: |RDX: |RBP: |R\d+: |Code: |FS: |CS: |CR2: |"
     r"Backtrace:|Stack:|Workqueue: |Tainted: )"),
    ("per-node", r"^Node \d+ active_anon:"),
    ("per-zone", r"^(Node \d+ )?\w+ free:\d+kB (boost|min):"),
    ("lowmem_reserve", r"^lowmem_reserve\[\]:"),
    ("buddy lists", r"^(Node \d+ )?\w+: (\d+\*\d+kB .*)?= \d+kB$"),
    ("hugepages", r"^Node \d+ hugepages_total="),
    ("per-cpu", r"^(\w+ per-cpu:|CPU +\d+: hi:)"),
    ("end Kernel panic", r"^---\[ end Kernel panic"),
]
KIND_RES = [(k, re.compile(r)) for k, r in KINDS]

NOT_MODELLED = {
    "COMPACTION is disabled": "dump_header() prints it for an order > 0 without CONFIG_COMPACTION: the model's "
                              "allocations are order 0",
    "dump_stack": "dump_stack(): CPU, hardware, call trace and registers describe the machine and the call path",
    "per-node": "show_free_areas()'s per-node line: the model has one node whose counters are the record above",
    "per-zone": "the per-zone lines (watermarks, present, managed): the model has one zone, no DMA/DMA32 split",
    "lowmem_reserve": "per-zone lowmem_reserve[]: the model has one zone",
    "buddy lists": "the per-order buddy lists: the model counts free pages, not their orders",
    "hugepages": "hugetlb pools: the model has no hugetlb pages",
    "per-cpu": "3.10's per-CPU page list lines: the model has one list, not one per CPU",
    "end Kernel panic": "the panic trailer follows the stack, which is not printed",
}

# Lines in corpus logs that are not part of an OOM report (boot messages, the test harness's markers): skipped
NOISE = re.compile(r"^(Adding \d+k swap on |Memory: \d+K/\d+K available|spike: |Linux version |tsc: |clocksource: |\S+\[\d+\]: |$)")

PREFIXES = [re.compile(p) for p in (
    r"^<\d+>",
    r"^\[[A-Z][a-z][a-z] [^\]]*\d{4}\] ?",  # dmesg -T
    r"^\[ *\d+\.\d+\] ?",
    r"^[A-Z][a-z]{2} +\d+ [\d:]+ \S+ kernel: ",  # syslog
    r"^\d{4}-\d\d-\d\dT\S+ \S+ kernel: ",  # ISO syslog
    r"^\d{4}-\d\d-\d\dT\S+ In\(\d+\) \S+ - Guest: ",  # a VMware guest's console in vmware.log
    r"^(\S+: )?(kern|user|daemon|syslog)\s*:\s*\w+: \[\d{4}-\d\d-\d\dT[^\]]*\]: ",  # talosctl dmesg
)]


def strip_prefix(line):
    line = line.rstrip("\r\n")
    for _ in range(3):
        for p in PREFIXES:
            line = p.sub("", line)
    return line.strip()


def kind_of(line):
    for k, r in KIND_RES:
        if r.search(line):
            return k
    return None


def mask(kind, line):
    s = line
    s = re.sub(r"\(([A-Z_]+\|?)+[A-Z_]*\)", "(FLAGS)", s)  # %pGg flag names
    s = re.sub(r"\b(cpuset|oom_memcg|task_memcg|task)=[^,]*", r"\1=NAME", s)
    s = re.sub(r"^(Task in )\S+( killed as a result of limit of )\S+", r"\1PATH\2PATH", s)
    s = re.sub(r"^(Memory cgroup stats for |Memory limit reached of cgroup |Tasks in )\S*?(:| |$)", r"\1PATH\2", s)
    if kind in ("invoked", "cpuset"):
        s = re.sub(r"^\S.*?( invoked oom-killer| cpuset=)", r"NAME\1", s)
    if kind == "task row":  # the numeric columns, then the name (which may hold blanks); "[%5d]" or "[%7d]"
        s = re.sub(r"^(\[ *-?\d+\](?: +-?\d+)+) .*$", r"\1 NAME", s)
        s = re.sub(r"^\[ *", "[", s)
    s = re.sub(r"process (\d+) \(.*?\)", r"process \1 (NAME)", s)
    s = re.sub(r"(killer|by) (\d+) \(.*?\)", r"\1 \2 (NAME)", s)
    s = re.sub(r"comm: [^,]*,", "comm: NAME,", s)
    s = re.sub(r"0x[0-9a-f]+", "0xN", s)
    s = re.sub(r"\d+(-\d+)?", "N", s)
    return re.sub(r" +", " ", s)


def records(text):
    """(kind, line) of each classified line; consecutive memory.stat lines become one ('memory.stat', keys)."""
    out = []
    for raw in text.splitlines():
        line = strip_prefix(raw)
        if NOISE.search(line):
            continue
        k = kind_of(line)
        if k == "memory.stat":
            key = line.split()[0]
            if out and out[-1][0] == "memory.stat":
                out[-1] = ("memory.stat", out[-1][1] + (key,))
            else:
                out.append(("memory.stat", (key,)))
            continue
        out.append((k, line))
    return out


def profile_names():
    out = subprocess.run([OOMSIM, "kernels"], capture_output=True, text=True, check=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.strip()]


def profile_of_release(release, profiles):
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?(?:-(\d+))?", release)
    if not m:
        return None
    xy = "%s.%s" % (m.group(1), m.group(2))
    if xy == "3.10" and m.group(3) == "0" and m.group(4) and int(m.group(4)) >= 1160:
        return "3.10-rhel7" if "3.10-rhel7" in profiles else "(3.10-rhel7)"
    return xy if xy in profiles else None


n = 0
failed = 0


def report(ok, desc, details=()):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
    for d in details:
        print("# " + d)
    if not ok:
        failed += 1


profiles = profile_names()
# oomsim's shapes per profile
ours = {}
for prof in profiles:
    shapes = {}
    for scen in SCENARIOS:
        p = subprocess.run([OOMSIM, "run", "--kernel", prof, "--format", "dmesg", scen], capture_output=True,
                           text=True)
        if p.returncode == 2:  # the scenario cannot run on this profile (a v2 memcg on 3.10, v1 on 6.12)
            continue
        for k, line in records(p.stdout):
            shapes.setdefault(k, set()).add(line if k == "memory.stat" else mask(k, line))
    unknown = sorted(x for x in shapes.get(None, ()))
    report(not unknown, "profile %s: every line oomsim prints has a known kind" % prof, unknown[:5])
    ours[prof] = shapes

# the corpus, by profile
by_profile = {}
for log in sorted(glob.glob(os.path.join(CORPUS, "*.log"))):
    meta = log[:-4] + ".meta"
    release, era = "", None
    for l in open(meta, errors="replace"):
        if l.startswith("kernel: "):
            release = l[len("kernel: "):].split()[0] if l[len("kernel: "):].strip() else ""
        elif l.startswith("era-profile: "):
            era = l[len("era-profile: "):].split()[0].rstrip(",")
    # a report whose exact release is unknown but whose era its .meta establishes from the format ("era-profile:
    # PROFILE, because ..."): compared with the profile that stands for that era
    prof = profile_of_release(release, profiles) or (era if era in profiles else None)
    if prof:
        by_profile.setdefault(prof, []).append(log)

for prof in profiles + sorted(p for p in by_profile if p not in profiles):
    logs = by_profile.get(prof, [])
    if prof not in profiles:
        print("# %s: %d corpus logs (%s) have no profile of their own; see docs/kernel-versions.md" %
              (prof, len(logs), ", ".join(os.path.basename(l) for l in logs)))
        continue
    if not logs:
        print("# profile %s: no corpus report of this version" % prof)
        continue
    problems, checked = [], {}
    for log in logs:
        text = open(log, errors="replace").read()
        meta = open(log[:-4] + ".meta", errors="replace").read()
        # a memory.stat record cut short: by a serial console (CONSOLE_LOG_MAX) or by the excerpt the source quotes
        console = "serial console" in meta or "memory.stat cut by the excerpt" in meta
        for k, line in records(text):
            name = os.path.basename(log)
            if k is None:
                problems.append("%s: a line of no known kind: %r" % (name, line[:100]))
            elif k in NOT_MODELLED:
                continue
            elif k not in ours[prof]:
                problems.append("%s: oomsim %s never prints a %r line (the corpus has %r)" % (name, prof, k,
                                                                                             line[:100]))
            elif k == "memory.stat":
                # a serial console cuts a record longer than CONSOLE_LOG_MAX (1024 bytes with the line prefixes), and
                # an excerpt may stop inside the record: there the corpus keys must be a prefix of oomsim's
                cut = console and any(x[:len(line)] == line for x in ours[prof][k])
                if line not in ours[prof][k] and not cut:
                    problems.append("%s: memory.stat keys differ: corpus %s; oomsim %s" % (
                        name, " ".join(line), " | ".join(" ".join(x) for x in sorted(ours[prof][k]))))
                else:
                    checked[k] = checked.get(k, 0) + 1
            elif mask(k, line) not in ours[prof][k]:
                problems.append("%s: %s: corpus %r; oomsim prints %s" % (
                    name, k, mask(k, line), " | ".join(repr(x) for x in sorted(ours[prof][k]))))
            else:
                checked[k] = checked.get(k, 0) + 1
    report(not problems, "profile %s: %d lines of %d kinds in %d corpus logs of its version have oomsim's shape "
           "(%s)" % (prof, sum(checked.values()), len(checked), len(logs),
                     ", ".join(os.path.basename(l)[:-4] for l in logs)), problems[:40])
    print("# %s kinds checked: %s" % (prof, ", ".join(sorted(checked))))

print("# %d checks, %d failed" % (n, failed))
sys.exit(1 if failed else 0)
