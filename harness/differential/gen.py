#!/usr/bin/env python3
"""harness/differential/gen.py: seeded random scenarios for differential testing against real kernels.

Like Csmith for compilers: each scenario is drawn from a seed, valid by construction (it loads in the simulator)
and runnable in the VM of `oomsim validate` (256 MiB of RAM, one CPU, no feature only the model has), small enough
to run in a few seconds, and built so that an OOM decision is likely: every scenario ends with a process touching
memory past its OOM domain (its cgroup's limit plus the swap it may use, or the machine).

  gen.py --kernel 6.1 --seed S --count N --out DIR   writes DIR/dS-0.xml ... DIR/dS-(N-1).xml
  gen.py --kernel 6.1 --seed S --index I             prints scenario I of seed S

Determinism: scenario I of seed S is a function of (S, I, kernel) only. The random numbers come from splitmix64,
written out below, not from Python's `random`, so the bytes do not depend on the Python version either. The kernel
changes one draw's meaning: cgroup v1 is drawn on 6.1 only (Debian's 6.12 has no v1 memory controller), and a v1
draw on 6.12 becomes a flat v2 layout.

What a scenario can hold (docs/validation.md, "Differential testing"): global OOM; memcg v2 flat and nested, with
memory.swap.max and memory.oom.group; cgroup v1 limit_in_bytes, memsw and oom_control (6.1); swap; overcommit
0, 1 and 2 (with non-root users); panic_on_oom 1 and 2; oom_kill_allocating_task; page cache (file-read); shmem
(shmem-write); mmap/touch/malloc/free/munmap; fork, exit, oom_score_adj writes; moves; cgroup file writes
(cgroup-set) and sysctl steps; oom_score_adj mixes with -1000 and exact ties (two processes of one cgroup touching
the same amounts, pushed by a -1000 one).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sxml import MIB, Node, format_size, parse_size, serialize  # noqa: E402

M64 = (1 << 64) - 1
RAM_MIB = 256


class Rng:
    """splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same numbers everywhere."""

    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n  # the bias (n / 2^64) does not matter here

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def chance(self, percent):
        return self.below(100) < percent

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        x = self.below(total)
        for value, w in pairs:
            if x < w:
                return value
            x -= w
        raise AssertionError('unreachable')


def scenario_seed(seed, index):
    """The seed of scenario `index` of run `seed`: two splitmix64 steps mix them."""
    r = Rng(seed)
    r.next()
    r.state ^= index * 0xD1B54A32D192ED03 & M64
    return r.next()


ADJ_MIX = [0, 0, 0, 0, -1000, -1000, -999, -500, -1, 1, 100, 500, 999, 1000]


def mib(value):
    return parse_size(value) // MIB


class Proc:
    def __init__(self, pid, comm, cgroup, adj):
        self.pid, self.comm, self.cgroup, self.adj = pid, comm, cgroup, adj
        self.cgroup0, self.adj0, self.uid = cgroup, adj, 0  # as in <processes>, before any step
        self.alive = True
        self.mmaps = []    # ids of this process's mmap steps, still mapped
        self.mallocs = []  # ids of its malloc steps, not freed


class Gen:
    def __init__(self, seed, index, kernel):
        self.r = Rng(scenario_seed(seed, index))
        self.seed, self.index, self.kernel = seed, index, kernel
        self.name = f'd{seed}-{index}'
        self.steps = []
        self.used_memory = False  # a step has run that could lead to an OOM kill
        self.expect = []
        self.next_id = 0
        self.procs = []
        self.cgroups = []     # (path, attrs) in definition order
        self.leaves = []      # where processes live
        self.domain = '/'     # the cgroup whose limit the final push goes past ('/' for the machine)
        self.limit_mib = RAM_MIB
        self.notes = []

    # -- helpers ---------------------------------------------------------------------------------------------------
    def new_id(self, prefix):
        self.next_id += 1
        return f'{prefix}{self.next_id}'

    def step(self, tag, **attrs):
        node = Node(tag, attrs)
        self.steps.append(node)
        if tag in ('touch', 'malloc', 'file-read', 'shmem-write', 'cgroup-set', 'sysctl'):
            self.used_memory = True
        return node

    def alive(self, killable_first=False):
        procs = [p for p in self.procs if p.alive]
        if killable_first and any(p.adj != -1000 for p in procs) and self.r.chance(85):
            procs = [p for p in procs if p.adj != -1000]
        return procs

    def size_mib(self, lo, hi):
        return self.r.between(lo, max(lo, hi))

    # -- the header ------------------------------------------------------------------------------------------------
    def machine(self):
        r = self.r
        self.swap_mib = r.weighted([(0, 55), (32, 15), (64, 20), (128, 10)])
        self.sysctls = []
        self.overcommit = r.weighted([(0, 70), (1, 15), (2, 15)])
        if self.overcommit:
            self.sysctls.append(('vm.overcommit_memory', self.overcommit))
        if self.overcommit == 2:
            self.sysctls.append(('vm.overcommit_ratio', r.choice([50, 80, 100])))
        self.panic = r.weighted([(0, 82), (1, 10), (2, 8)])
        if self.panic:
            self.sysctls.append(('vm.panic_on_oom', self.panic))
        if r.chance(12):
            self.sysctls.append(('vm.oom_kill_allocating_task', 1))
        if self.swap_mib and r.chance(15):
            self.sysctls.append(('vm.swappiness', r.choice([0, 100, 200])))
        self.notes.append(f'overcommit {self.overcommit}, swap {self.swap_mib}MiB' +
                          (f', panic_on_oom {self.panic}' if self.panic else ''))

    def layout(self):
        r = self.r
        self.family = r.weighted([('global', 25), ('flat', 30), ('nested', 25), ('v1', 20)])
        if self.family == 'v1' and self.kernel != '6.1':
            self.family = 'flat'  # Debian's 6.12 has no cgroup v1 memory controller
        self.version = 1 if self.family == 'v1' else 2
        self.notes.insert(0, {'global': 'global OOM', 'flat': 'memcg v2 flat', 'nested': 'memcg v2 nested',
                              'v1': 'memcg v1'}[self.family])
        swap_usable = self.swap_mib
        if self.family == 'global':
            self.leaves = ['/']
            self.limit_mib = RAM_MIB
        elif self.family in ('flat', 'v1'):
            n = r.between(1, 2)
            for i in range(n):
                path = f'/g{i}'
                limit = r.choice([16, 24, 32, 48, 64])
                if self.version == 2:
                    attrs = {'memory.max': f'{limit}M'}
                    if self.swap_mib == 0 or r.chance(40):
                        attrs['memory.swap.max'] = '0'
                    elif r.chance(40):
                        attrs['memory.swap.max'] = f'{r.choice([8, 16])}M'
                    if r.chance(25):
                        attrs['memory.oom.group'] = '1'
                else:
                    attrs = {'memory.limit_in_bytes': f'{limit}M'}
                    if self.swap_mib and r.chance(30):
                        attrs['memory.memsw.limit_in_bytes'] = f'{limit + r.choice([8, 16])}M'
                    if r.chance(15):
                        attrs['memory.oom_control'] = '1'
                self.cgroups.append((path, attrs))
                self.leaves.append(path)
            self.domain = self.leaves[0]
        else:  # nested v2
            limit = r.choice([32, 48, 64])
            attrs = {'memory.max': f'{limit}M'}
            if self.swap_mib == 0 or r.chance(50):
                attrs['memory.swap.max'] = '0'
            if r.chance(25):
                attrs['memory.oom.group'] = '1'
            self.cgroups.append(('/p', attrs))
            for child in ('a', 'b')[:r.between(1, 2)]:
                cattrs = {}
                if r.chance(35):
                    cattrs['memory.max'] = f'{r.choice([8, 16, 24])}M'
                if r.chance(20):
                    cattrs['memory.oom.group'] = '1'
                self.cgroups.append((f'/p/{child}', cattrs))
                self.leaves.append(f'/p/{child}')
            self.domain = '/p'
        if self.domain != '/':
            attrs = dict(self.cgroups)[self.domain]
            self.limit_mib = mib(attrs.get('memory.max', attrs.get('memory.limit_in_bytes', '64M')))
            if self.version == 1:
                memsw = attrs.get('memory.memsw.limit_in_bytes')
                swap_usable = mib(memsw) - self.limit_mib if memsw else self.swap_mib
            else:
                smax = attrs.get('memory.swap.max')
                swap_usable = self.swap_mib if smax is None else min(self.swap_mib, mib(smax))
        self.reach_mib = self.limit_mib + swap_usable  # what the domain holds before it must OOM

    def processes(self):
        r = self.r
        n = r.weighted([(1, 15), (2, 35), (3, 35), (4, 15)])
        base = 100 + 10 * r.below(90)
        self.tie = n >= 3 and r.chance(25)
        for i in range(n):
            if self.domain != '/' and self.family != 'nested':
                cg = self.domain if (i == 0 or r.chance(70)) else r.choice(self.leaves)
            else:
                cg = r.choice(self.leaves)
            if self.domain != '/' and i == n - 1 and n >= 3 and r.chance(20):
                cg = '/'  # a bystander outside every limit
            p = Proc(base + i, f'w{i}', cg, r.choice(ADJ_MIX))
            if self.overcommit == 2 and r.chance(40):
                p.uid = 65534
            self.procs.append(p)
        if self.tie:
            # two processes of one cgroup with one oom_score_adj touch the same amounts; a -1000 one pushes
            a, b, c = self.procs[0], self.procs[1], self.procs[2]
            b.cgroup = b.cgroup0 = c.cgroup = c.cgroup0 = a.cgroup
            b.adj = b.adj0 = a.adj = a.adj0 = r.choice([0, 0, 500, -500])
            c.adj = c.adj0 = -1000
            self.notes.append(f'tie {a.pid}/{b.pid}')

    # -- the trace -------------------------------------------------------------------------------------------------
    def random_step(self):
        r = self.r
        procs = self.alive()
        if self.tie:  # the pair must stay equal, and the pusher there, until the push
            procs = [p for p in procs if p not in self.procs[:3]]
        cap = max(1, self.reach_mib // 3)
        kind = r.weighted([('touch', 25), ('mmap', 10), ('malloc', 10), ('free', 8), ('file-read', 9),
                           ('shmem-write', 7), ('fork', 6), ('exit', 4), ('set', 8), ('move', 6),
                           ('cgroup-set', 8), ('sysctl', 3)])
        if not procs:
            if kind not in ('cgroup-set', 'sysctl'):
                return
            procs = self.procs  # (not used by these two kinds)
        p = r.choice(procs)
        if kind == 'touch':
            attrs = {'pid': p.pid, 'size': f'{self.size_mib(1, min(16, cap))}MiB'}
            if p.mmaps and r.chance(50):
                attrs['mapping'] = r.choice(p.mmaps)
            elif r.chance(40):
                attrs['repeat'] = r.between(2, 4)
            self.step('touch', **attrs)
        elif kind == 'mmap':
            big = self.overcommit != 1 and r.chance(30)
            size = r.choice([160, 300, 1024]) if big else self.size_mib(2, min(32, cap))
            sid = self.new_id('m')
            self.step('mmap', id=sid, pid=p.pid, size=f'{size}MiB')
            p.mmaps.append(sid)
            if big and self.overcommit == 0 and size >= 1024:
                self.expect.append(Node('enomem', {'step': sid}))
            elif r.chance(50):
                self.step('touch', pid=p.pid, size=f'{self.size_mib(1, min(size, cap))}MiB', mapping=sid)
        elif kind == 'malloc':
            sid = self.new_id('a')
            attrs = {'id': sid, 'pid': p.pid, 'size': f'{self.size_mib(1, min(16, cap))}MiB'}
            t = r.choice(['all', 'all', 'first', 'none'])
            if t != 'first':
                attrs['touch'] = t
            self.step('malloc', **attrs)
            p.mallocs.append(sid)
        elif kind == 'free' and any(q.mallocs or q.mmaps for q in procs):
            p = r.choice([q for q in procs if q.mallocs or q.mmaps])
            if p.mallocs and (not p.mmaps or r.chance(60)):
                self.step('free', pid=p.pid, ref=p.mallocs.pop(r.below(len(p.mallocs))))
            else:
                self.step('munmap', pid=p.pid, ref=p.mmaps.pop(r.below(len(p.mmaps))))
        elif kind == 'file-read' and p.uid == 0:  # the VM's page cache is a block device only root may open
            self.step('file-read', pid=p.pid, size=f'{self.size_mib(2, min(48, max(2, self.limit_mib // 2)))}MiB')
        elif kind == 'shmem-write':
            self.step('shmem-write', pid=p.pid, size=f'{self.size_mib(1, min(24, cap))}MiB')
        elif kind == 'fork' and len(self.procs) < 6 and not self.used_memory:
            # only before the first memory step: a parent the OOM killer took never forks, and a step naming
            # its child would then name no process (the simulator refuses that scenario)
            child = Proc(max(q.pid for q in self.procs) + 1, f'c{len(self.procs)}', p.cgroup, p.adj)
            child.uid = p.uid
            self.step('fork', pid=p.pid, child=child.pid, comm=child.comm)
            self.procs.append(child)
        elif kind == 'exit' and len(procs) > 1:
            self.step('exit', pid=p.pid, code=r.choice([0, 0, 1]))
            p.alive = False
        elif kind == 'set':
            p.adj = r.choice(ADJ_MIX)
            self.step('set', pid=p.pid, oom_score_adj=p.adj)
        elif kind == 'move' and len(self.leaves) > 1 or (kind == 'move' and self.domain != '/'):
            targets = [c for c in self.leaves + ['/'] if c != p.cgroup]
            p.cgroup = r.choice(targets)
            self.step('move', pid=p.pid, cgroup=p.cgroup)
        elif kind == 'cgroup-set' and self.cgroups:
            path, attrs = r.choice(self.cgroups)
            if self.version == 2:
                what = r.weighted([('memory.max', 60), ('memory.oom.group', 25), ('memory.swap.max', 15)])
                if what == 'memory.max':
                    value = r.choice(['8M', '16M', '32M', '64M', 'max'])
                elif what == 'memory.oom.group':
                    value = r.choice(['0', '1'])
                else:
                    value = r.choice(['0', '8M', 'max'])
            else:
                what = 'memory.limit_in_bytes'
                value = r.choice(['8M', '16M', '48M', '-1'])
                memsw = attrs.get('memory.memsw.limit_in_bytes')
                if memsw and (value == '-1' or mib(value) > mib(memsw)):
                    value = memsw  # above memsw the kernel refuses the write (EINVAL), as the simulator does
            self.step('cgroup-set', id=self.new_id('w'), cgroup=path, name=what, value=value)
        elif kind == 'sysctl':
            name, value = r.choice([('vm.oom_kill_allocating_task', 1), ('vm.oom_kill_allocating_task', 0),
                                    ('vm.overcommit_memory', 1), ('vm.panic_on_oom', 0)])
            self.step('sysctl', name=name, value=value)

    def tie_steps(self):
        a, b = self.procs[0], self.procs[1]
        size = self.r.choice([4, 8, 12])
        if 2 * size >= self.reach_mib:
            size = 4
        for p in (a, b):
            self.step('touch', pid=p.pid, size=f'{size}MiB')
        self.tie_mib = size

    def push(self):
        """The last step: a process touches past what its OOM domain holds."""
        r = self.r
        if self.tie:
            p = self.procs[2]
            total = max(4, self.reach_mib - 2 * self.tie_mib + self.tie_mib // 2 + 4)
        else:
            procs = self.alive(killable_first=True)
            if self.domain != '/':
                inside = [q for q in procs if q.cgroup.startswith(self.domain)]
                procs = inside or procs
            if not procs:
                return
            p = r.choice(procs)
            total = int((self.reach_mib if self.domain != '/' or p.cgroup == '/' else RAM_MIB + self.swap_mib)
                        * r.choice([12, 15, 20]) / 10)
        chunk = r.choice([2, 4, 4, 8])
        self.step('touch', pid=p.pid, size=f'{chunk}MiB', repeat=max(1, -(-total // chunk)))

    def build(self):
        r = self.r
        self.machine()
        self.layout()
        self.processes()
        for _ in range(r.between(1, 5)):
            self.random_step()
        if self.tie:
            self.tie_steps()
        self.push()
        for _ in range(r.weighted([(0, 60), (1, 30), (2, 10)])):
            self.random_step()
        for p in self.procs:  # a free after the OOM (of a process that survived it, or of one that did not)
            if p.mallocs and r.chance(40):
                self.step('free', pid=p.pid, ref=p.mallocs.pop())
        for p in self.procs[:len(self.procs)]:
            if p.adj == -1000 and p.alive and r.chance(50):
                self.expect.append(Node('survives', {'pid': p.pid}))
        return self.tree()

    def tree(self):
        root = Node('scenario', {'name': self.name, 'kernel': self.kernel})
        root.children.append(Node('description', text=f'differential seed {self.seed} #{self.index} '
                                                       f'(kernel {self.kernel}): ' + '; '.join(self.notes)))
        machine = Node('machine', {'ram': f'{RAM_MIB}MiB', 'swap': format_size(self.swap_mib * MIB) if
                                   self.swap_mib else '0'})
        machine.children = [Node('sysctl', {'name': n, 'value': v}) for n, v in self.sysctls]
        root.children.append(machine)
        if self.cgroups:
            cgs = Node('cgroups', {'version': self.version})
            cgs.children = [Node('cgroup', dict({'path': path}, **attrs)) for path, attrs in self.cgroups]
            root.children.append(cgs)
        procs = Node('processes')
        for p in self.procs:
            if p.comm.startswith('c'):
                continue  # forked in the trace
            attrs = {'pid': p.pid, 'comm': p.comm}
            if p.cgroup0 != '/':
                attrs['cgroup'] = p.cgroup0
            if p.adj0:
                attrs['oom_score_adj'] = p.adj0
            if p.uid:
                attrs['uid'] = p.uid
                attrs['cap-sys-admin'] = 'false'
            procs.children.append(Node('process', attrs))
        root.children.append(procs)
        root.children.append(Node('trace', children=self.steps))
        if self.expect:
            root.children.append(Node('expect', children=self.expect))
        return root


def generate(seed, index, kernel):
    """Scenario `index` of seed `seed` for `kernel`, as XML text."""
    g = Gen(seed, index, kernel)
    return serialize(g.build())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--kernel', choices=['6.1', '6.12'], required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--first', type=int, default=0)
    ap.add_argument('--index', type=int, help='print this one scenario on standard output')
    ap.add_argument('--out', help='directory to write dSEED-I.xml files into')
    a = ap.parse_args()
    if a.index is not None:
        sys.stdout.write(generate(a.seed, a.index, a.kernel))
        return 0
    if not a.out:
        ap.error('--out DIR or --index I')
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.first, a.first + a.count):
        with open(os.path.join(a.out, f'd{a.seed}-{i}.xml'), 'w') as f:
            f.write(generate(a.seed, i, a.kernel))
    return 0


if __name__ == '__main__':
    sys.exit(main())
