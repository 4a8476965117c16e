#!/usr/bin/env python3
"""harness/differential/shrink.py: delta debugging of a scenario whose decisions disagree with a real kernel.

Zeller's ddmin, applied to the scenario's structure rather than its bytes: a candidate is the current scenario with
one thing taken away or made smaller, and it is kept only if (1) it still loads in the simulator (`oomsim run`
exits 0, checked first, without a VM) and (2) `oomsim validate` still finds a decision disagreement of the same
kind: the same set of differing decision rows ("victims", "exits (pid:status)", "oom_kill /g0", ...). Removing a
process renames nothing, so the rows stay comparable.

The reductions, biggest first, repeated until a whole round keeps nothing:
  - the <expect> and <description> (the first candidate: it reproduces the disagreement on the VM input as it was);
  - trace steps, in chunks of n/2, n/4, ... 1 (a removed step takes the steps that refer to it along: a free of
    its malloc, the steps of the child of its fork);
  - processes (with their steps and expectations);
  - cgroups without children (their processes go to the parent; steps naming them go);
  - attributes dropped: sysctls, cgroup files, oom_score_adj, uid, touch modes, exit codes, unused ids;
  - sizes, repeats, cgroup limits and swap: set to one page (one repetition) first, else halved.

Every candidate keeps the scenario's name, so its VM input differs from the original's only by what was removed.
Candidates are written as CANDIDATES/c-<sha1 of the text, 12 digits>.xml, so their VM runs (work dir
RUNS/KERNEL/c-...) are reused by `--reuse` whenever the same candidate comes up again, in this run or a later one;
such a run costs nothing and is not counted. New VM runs are counted and bounded (`budget`): the shrinker checks
candidates with `--race-runs 0` (one VM each) and keeps 4 of the budget to confirm the minimal scenario at the end
with validate's kernel-race check (4 perturbed runs: a race is not a model error).

  shrink.py --oomsim build/oomsim --kernel 6.1 FILE [--out DIR] [--budget 40]   shrinks any scenario file
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sxml import format_size, parse, parse_size, serialize  # noqa: E402

CONFIRM_RUNS = 4


class BudgetExhausted(Exception):
    pass


def differing_decisions(scenario):
    """The names of the decision rows that differ, or None when the decisions agree (or were not compared)."""
    if scenario.get('decisions') != 'disagree':
        return None
    return tuple(sorted(r['what'] for r in scenario.get('rows', []) if r.get('kind') == 'decision'
                        and not r.get('agree')))


class Validator:
    """Runs `oomsim validate --format json --reuse` and reads its report. Shared by the runner and the shrinker."""

    def __init__(self, oomsim, kernel, runs_dir, vm_cache=None, log=None):
        self.oomsim, self.kernel, self.runs_dir, self.vm_cache, self.log = oomsim, kernel, runs_dir, vm_cache, log

    def run(self, files, race_runs=None):
        """{path: scenario JSON object} for each file; a scenario the report lacks maps to a harness error."""
        cmd = [self.oomsim, 'validate', '--kernel-image', self.kernel, '--format', 'json', '--reuse',
               '--work-dir', self.runs_dir]
        if self.vm_cache:
            cmd += ['--vm-cache', self.vm_cache]
        if race_runs is not None:
            cmd += ['--race-runs', str(race_runs)]
        r = subprocess.run(cmd + list(files), capture_output=True, text=True)
        if self.log:
            self.log.write(r.stderr)
        try:
            report = json.loads(r.stdout)
            by_path = {s['path']: s for s in report['scenarios']}
        except (ValueError, KeyError, TypeError):
            by_path = {}
        why = f'validate exited {r.returncode}: ' + (r.stderr.strip().splitlines() or ['no report'])[-1]
        return {f: by_path.get(f, {'path': f, 'verdict': 'error', 'reason': why, 'rows': []}) for f in files}

    def work_dir(self, path):
        name = os.path.basename(path)[:-4] if path.endswith('.xml') else os.path.basename(path)
        return os.path.join(self.runs_dir, self.kernel, name)


def loads(oomsim, kernel, path):
    """The scenario loads and runs in the simulator (`oomsim run` exit 0; 2 is invalid input)."""
    r = subprocess.run([oomsim, 'run', '--kernel', kernel, path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return r.returncode in (0, 1)


# -- reductions: each yields (description, new tree) ------------------------------------------------------------

def _section(root, tag):
    return root.child(tag)


def _step_refs(step):
    return {step.attrs.get('ref'), step.attrs.get('mapping')} - {None}


def _remove_steps(root, doomed_idx):
    """A copy of root without the trace steps at doomed_idx and the steps and expectations depending on them."""
    t = root.copy()
    trace = _section(t, 'trace')
    gone_ids, gone_pids = set(), set()
    keep = []
    for i, s in enumerate(trace.children):
        dead = i in doomed_idx or (_step_refs(s) & gone_ids) or s.attrs.get('pid') in gone_pids
        if dead:
            if 'id' in s.attrs:
                gone_ids.add(s.attrs['id'])
            if s.tag == 'fork':
                gone_pids.add(s.attrs['child'])
        else:
            keep.append(s)
    trace.children = keep
    _drop_expectations(t, gone_ids, gone_pids)
    return t


def _drop_expectations(root, gone_ids, gone_pids, gone_cgroups=()):
    exp = _section(root, 'expect')
    if exp is None:
        return
    exp.children = [e for e in exp.children if e.attrs.get('step') not in gone_ids and
                    e.attrs.get('pid') not in gone_pids and e.attrs.get('cgroup') not in gone_cgroups]
    if not exp.children:
        root.children.remove(exp)


def reductions(root):
    # 1. what the VM does not see
    if _section(root, 'expect') is not None or _section(root, 'description') is not None:
        t = root.copy()
        t.children = [c for c in t.children if c.tag not in ('expect', 'description')]
        yield 'remove <expect> and <description>', t
    # 2. trace steps, ddmin chunks
    trace = _section(root, 'trace')
    n = len(trace.children) if trace is not None else 0
    chunk = n // 2
    while chunk >= 1:
        for start in range(0, n, chunk):
            yield f'remove steps {start + 1}-{min(n, start + chunk)}', _remove_steps(root, set(range(start, start + chunk)))
        chunk //= 2
    # 3. processes
    procs = _section(root, 'processes')
    for p in list(procs.children) if procs is not None else []:
        pid = p.attrs['pid']
        t = root.copy()
        tp = _section(t, 'processes')
        tp.children = [q for q in tp.children if q.attrs['pid'] != pid]
        if not tp.children:
            t.children.remove(tp)
        tr = _section(t, 'trace')
        if tr is not None:
            idx = {i for i, s in enumerate(tr.children) if s.attrs.get('pid') == pid}
            t = _remove_steps(t, idx)
        _drop_expectations(t, set(), {pid})
        yield f'remove process {pid}', t
    # 4. leaf cgroups
    cgs = _section(root, 'cgroups')
    paths = [c.attrs['path'] for c in cgs.children] if cgs is not None else []
    for path in reversed(paths):
        if any(p.startswith(path + '/') for p in paths):
            continue
        parent = path.rsplit('/', 1)[0] or '/'
        t = root.copy()
        tc = _section(t, 'cgroups')
        tc.children = [c for c in tc.children if c.attrs['path'] != path]
        if not tc.children:
            t.children.remove(tc)
        for p in _section(t, 'processes').children if _section(t, 'processes') is not None else []:
            if p.attrs.get('cgroup') == path:
                if parent == '/':
                    del p.attrs['cgroup']
                else:
                    p.attrs['cgroup'] = parent
        tr = _section(t, 'trace')
        if tr is not None:
            for s in tr.children:
                if s.tag == 'move' and s.attrs.get('cgroup') == path:
                    s.attrs['cgroup'] = parent
            t = _remove_steps(t, {i for i, s in enumerate(tr.children) if s.tag == 'cgroup-set' and
                                  s.attrs.get('cgroup') == path})
        _drop_expectations(t, set(), set(), {path})
        yield f'remove cgroup {path}', t
    # 5. drop optional attributes and sysctls
    for where, node_path in _sized_nodes(root, all_nodes=True):
        node = _follow(root, node_path)
        for attr in node.attrs:
            if attr not in DROPPABLE.get(node.tag, ()) and not (node.tag == 'cgroup' and attr != 'path'):
                continue
            if attr == 'id' and _id_used(root, node.attrs['id']):
                continue
            t = root.copy()
            del _follow(t, node_path).attrs[attr]
            yield f'remove {attr} of {where}', t
        if node.tag == 'sysctl':
            t = root.copy()
            parent = _follow(t, node_path[:-1])
            del parent.children[node_path[-1]]
            yield f'remove sysctl {node.attrs["name"]}', t
    # 6. sizes and repeats: the smallest value first (one page, one repetition), then half
    for where, node_path in _sized_nodes(root):
        for attr in ('size', 'repeat', 'memory.max', 'memory.limit_in_bytes', 'memory.memsw.limit_in_bytes',
                     'memory.swap.max', 'swap'):
            v = _follow(root, node_path).attrs.get(attr)
            if v is None:
                continue
            if attr == 'repeat':
                smaller = [('1', 'to 1'), (str(int(v) // 2), 'halve')] if int(v) > 1 else []
            else:
                b = parse_size(v)
                smaller = [(format_size(4096), 'to 1 page'),
                           (format_size(max(4096, b // 2 // 4096 * 4096)), 'halve')] if b and b > 4096 else []
            for value, how in smaller[:1] if len(smaller) == 2 and smaller[0][0] == smaller[1][0] else smaller:
                t = root.copy()
                _follow(t, node_path).attrs[attr] = value
                yield f'{how} {attr} of {where}', t


# attributes whose absence means a default (docs/scenario-format.md); a cgroup's files can all go but its path
DROPPABLE = {
    'machine': ('swap',),
    'process': ('cgroup', 'oom_score_adj', 'uid', 'cap-sys-admin'),
    'touch': ('id', 'mapping', 'repeat'), 'malloc': ('id', 'touch', 'repeat'), 'mmap': ('id',),
    'exit': ('code',), 'fork': ('comm',), 'file-read': ('id',), 'shmem-write': ('id',), 'cgroup-set': ('id',),
}


def _id_used(root, sid):
    for sec in ('trace', 'expect'):
        s = _section(root, sec)
        for n in s.children if s is not None else []:
            if sid in (n.attrs.get('ref'), n.attrs.get('mapping'), n.attrs.get('step')):
                return True
    return False


def _sized_nodes(root, all_nodes=False):
    """(label, index path) of the nodes whose attributes the shrinker may change, in document order."""
    out = []
    for i, sec in enumerate(root.children):
        if sec.tag == 'machine':
            out.append(('<machine>', (i,)))
            out += [(f'<sysctl {c.attrs.get("name")}>', (i, j)) for j, c in enumerate(sec.children)] if all_nodes else []
        elif sec.tag in ('cgroups', 'trace', 'processes') and (all_nodes or sec.tag != 'processes'):
            out += [(f'<{c.tag}> {j + 1} of <{sec.tag}>', (i, j)) for j, c in enumerate(sec.children)]
    return out


def _follow(root, node_path):
    node = root
    for i in node_path:
        node = node.children[i]
    return node


def counts(root):
    def n(tag):
        s = _section(root, tag)
        return len(s.children) if s is not None else 0
    return f'{n("processes")} processes, {n("cgroups")} cgroups, {n("trace")} steps, {n("expect")} expectations'


class Shrinker:
    def __init__(self, validator, oomsim, candidates_dir, budget=40, progress=None):
        self.v, self.oomsim, self.dir, self.budget = validator, oomsim, candidates_dir, budget
        self.progress = progress or (lambda msg: None)
        self.vm_runs = 0
        self.memo = {}
        os.makedirs(self.dir, exist_ok=True)

    def candidate_path(self, text):
        return os.path.join(self.dir, 'c-' + hashlib.sha1(text.encode()).hexdigest()[:12] + '.xml')

    def oracle(self, text, race_runs=0, limit=None):
        """The differing decision rows of this scenario in the VM (None: loads not, or its decisions agree)."""
        key = (text, race_runs)
        if key in self.memo:
            return self.memo[key]
        path = self.candidate_path(text)
        with open(path, 'w') as f:
            f.write(text)
        if not loads(self.oomsim, self.v.kernel, path):
            self.memo[key] = None
            return None
        fresh = 0 if os.path.exists(os.path.join(self.v.work_dir(path), 'run.txt')) else 1
        if fresh and self.vm_runs + fresh > (self.budget - CONFIRM_RUNS if limit is None else limit):
            raise BudgetExhausted()
        s = self.v.run([path], race_runs=race_runs)[path]
        self.vm_runs += fresh
        verdict = differing_decisions(s)
        self.memo[key] = verdict
        self.last = s
        return verdict

    def shrink(self, text):
        """(minimal text, target rows, log lines, confirmed). target None: the disagreement did not reproduce."""
        root = parse(text)
        log = []
        target = None
        try:
            # the first candidate has no <expect>/<description>: the VM sees the original's input
            first = next(reductions(root), None)
            base = first[1] if first and first[0].startswith('remove <expect>') else root
            target = self.oracle(serialize(base))
            if not target:
                log.append('the decision disagreement did not reproduce with --race-runs 0: not shrunk')
                return text, None, log, False
            root = base
            log.append(f'start: {counts(root)}; differing rows: {"; ".join(target)}')
            # after a kept candidate the next round goes on from the same place in the list of reductions (the
            # one after it has moved up into it), wrapping around: a whole round without one kept is the end
            pos = 0
            while True:
                cands = list(reductions(root))
                pos = pos % len(cands) if cands else 0
                for j, (what, cand) in enumerate(cands[pos:] + cands[:pos]):
                    if self.oracle(serialize(cand)) == target:
                        root = cand
                        pos += j
                        log.append(f'kept: {what} -> {counts(root)} (VM runs {self.vm_runs})')
                        self.progress(f'{what}: kept ({self.vm_runs} VM runs)')
                        break
                else:
                    break
        except BudgetExhausted:
            log.append(f'stopped: the budget of {self.budget} VM runs is spent')
        minimal = serialize(root)
        # the confirmation: validate's own kernel-race check on the minimal scenario
        path = self.candidate_path(minimal)
        wd = self.v.work_dir(path)
        # validate's perturbed re-runs go to WORK~p1 ... WORK~pN; those run before are reused and cost nothing
        self.vm_runs += sum(1 for k in range(1, CONFIRM_RUNS + 1)
                            if not os.path.exists(os.path.join(f'{wd}~p{k}', 'run.txt')))
        s = self.v.run([path], race_runs=CONFIRM_RUNS)[path]
        confirmed = differing_decisions(s) == target
        log.append('confirmed with the kernel-race check: ' + ('the decisions still disagree' if confirmed else
                   f'no: {s.get("kernel_race") or s.get("decisions") or s.get("verdict")}'))
        self.last = s
        return minimal, target, log, confirmed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--oomsim', default='build/oomsim')
    ap.add_argument('--kernel', default='6.1')
    ap.add_argument('--runs', default='build/differential/runs')
    ap.add_argument('--vm-cache')
    ap.add_argument('--out', default='build/differential/shrunk')
    ap.add_argument('--budget', type=int, default=40)
    ap.add_argument('file')
    a = ap.parse_args()
    text = open(a.file).read()
    v = Validator(a.oomsim, a.kernel, a.runs, a.vm_cache)
    sh = Shrinker(v, a.oomsim, os.path.join(a.out, 'candidates', a.kernel), a.budget,
                  progress=lambda m: print(m, file=sys.stderr))
    minimal, target, log, confirmed = sh.shrink(text)
    print('\n'.join(log))
    if target:
        sys.stdout.write(minimal)
    return 0 if target and confirmed else 1


if __name__ == '__main__':
    sys.exit(main())
