#!/usr/bin/env python3
"""harness/differential/run.py: `make differential`: generated scenarios against real kernels, classified, and
every decision disagreement shrunk to a minimal scenario.

  run.py --oomsim build/oomsim --kernel 6.1|6.12|all --seed S --count N [--batch 10] [--out build/differential]
         [--vm-cache DIR] [--shrink-budget 40] [--no-shrink]

For each kernel: gen.py writes the N scenarios into OUT/KERNEL/SEED/ (dS-0.xml ...); `oomsim validate --format json
--reuse --work-dir OUT/runs` runs them a batch at a time (progress on standard error); each scenario is classified

  agree          decisions and figures agree (a kernel race settled by validate's perturbed re-runs included)
  decision       the decisions disagree: victims, exits, ENOMEM steps, panic, memory.events oom_kill ...
  figure-only    the decisions agree, a figure (the rss of a kill) is outside its tolerance
  not runnable   the VM cannot run it (the generator should never make one)
  harness error  no comparison: the scenario did not load, or the VM gave no report

and every decision disagreement is shrunk (shrink.py) into OUT/shrunk/KERNEL-NAME/. OUT/KERNEL/SEED/summary.txt
lists each scenario's class (and summary.json the same for programs); nothing in either depends on the wall clock.
Standard output ends with the counts by class and the line `N agree, N disagree` (disagree: decision, figure-only
and harness errors, as `oomsim validate` counts them). Exit status 0 when nothing disagrees, 1 when something does,
2 when the runner itself cannot go on.
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
from shrink import Shrinker, Validator, counts, differing_decisions  # noqa: E402
from sxml import parse  # noqa: E402

CLASSES = ['agree', 'decision', 'figure-only', 'not runnable', 'harness error']


def classify(s):
    """The class of one scenario of validate's JSON report."""
    v = s.get('verdict')
    if v == 'not-runnable':
        return 'not runnable'
    if v not in ('agree', 'disagree'):
        return 'harness error'
    if s.get('decisions') == 'disagree':
        return 'decision'
    if s.get('figures') == 'disagree':
        return 'figure-only'
    return 'agree'


def detail(s, cls):
    """What differed, one line: the differing rows' names (decision or figure), or why there was no comparison."""
    if cls in ('not runnable', 'harness error'):
        return s.get('reason') or ''
    rows = [r['what'] for r in s.get('rows', []) if not r.get('agree')]
    text = '; '.join(rows)
    if s.get('kernel_race'):
        text = (text + '; ' if text else '') + 'kernel race: ' + s['kernel_race']
    return text


def tally(results):
    return {c: sum(1 for r in results if r['class'] == c) for c in CLASSES}


def by_class_line(t):
    return ', '.join(f'{t[c]} {c}' for c in CLASSES)


def run_kernel(a, kernel, err):
    out_dir = os.path.join(a.out, kernel, str(a.seed))
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)  # a stale scenario of a larger N must not stay behind
    os.makedirs(out_dir)
    files = []
    for i in range(a.count):
        path = os.path.join(out_dir, f'd{a.seed}-{i}.xml')
        with open(path, 'w') as f:
            f.write(gen.generate(a.seed, i, kernel))
        files.append(path)
    log_path = os.path.join(a.out, f'validate-{kernel}.log')
    results = []
    with open(log_path, 'w') as log:
        v = Validator(a.oomsim, kernel, os.path.join(a.out, 'runs'), a.vm_cache, log)
        for start in range(0, len(files), a.batch):
            batch = files[start:start + a.batch]
            report = v.run(batch)
            for path in batch:
                s = report[path]
                cls = classify(s)
                name = os.path.basename(path)[:-4]
                results.append({'scenario': name, 'path': path, 'class': cls, 'detail': detail(s, cls),
                                'differing_decisions': list(differing_decisions(s) or []),
                                'kernel_race': s.get('kernel_race')})
                if cls != 'agree':
                    err(f'  {kernel} {name}: {cls}: {results[-1]["detail"]}')
            err(f'differential {kernel} seed {a.seed}: [{len(results)}/{len(files)}] {by_class_line(tally(results))}')
        for r in results:
            if r['class'] == 'decision' and not a.no_shrink:
                r['shrunk'] = shrink_one(a, kernel, v, r, err)
    write_summary(out_dir, kernel, a, results)
    return results


def shrink_one(a, kernel, v, r, err):
    dest = os.path.join(a.out, 'shrunk', f'{kernel}-{r["scenario"]}')
    os.makedirs(dest, exist_ok=True)
    original = open(r['path']).read()
    sh = Shrinker(v, a.oomsim, os.path.join(a.out, 'shrunk', 'candidates', kernel), a.shrink_budget,
                  progress=lambda m: err(f'  shrink {kernel} {r["scenario"]}: {m}'))
    minimal, target, log, confirmed = sh.shrink(original)
    with open(os.path.join(dest, 'original.xml'), 'w') as f:
        f.write(original)
    with open(os.path.join(dest, 'minimal.xml'), 'w') as f:
        f.write(minimal)
    index = int(r['scenario'].rsplit('-', 1)[1])
    info = [f'scenario {r["scenario"]}: seed {a.seed}, index {index}, kernel {kernel}',
            f'reproduce: python3 harness/differential/gen.py --kernel {kernel} --seed {a.seed} --index {index}',
            f'differing decision rows: {"; ".join(r["differing_decisions"])}',
            f'original: {counts(parse(original))}', f'minimal: {counts(parse(minimal))}',
            f'VM runs: {sh.vm_runs} (budget {a.shrink_budget}; runs reused with --reuse are not counted)'] + log
    with open(os.path.join(dest, 'shrink.txt'), 'w') as f:
        f.write('\n'.join(info) + '\n')
    status = ('not reproduced' if target is None else
              f'{counts(parse(minimal))}, {"confirmed" if confirmed else "NOT confirmed by the race check"}')
    err(f'  shrunk {kernel} {r["scenario"]}: {status} -> {dest}/minimal.xml')
    return {'dir': dest, 'reproduced': target is not None, 'confirmed': confirmed, 'vm_runs': sh.vm_runs}


def write_summary(out_dir, kernel, a, results):
    t = tally(results)
    lines = [f'differential: kernel {kernel}, seed {a.seed}, {a.count} scenarios (harness/differential/gen.py)',
             by_class_line(t)]
    for r in results:
        line = f'{r["scenario"]} {r["class"]}' + (f': {r["detail"]}' if r['detail'] else '')
        if r.get('shrunk'):
            line += f' -> shrunk: {r["shrunk"]["dir"]}/minimal.xml'
        lines.append(line)
    with open(os.path.join(out_dir, 'summary.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(os.path.join(out_dir, 'summary.json'), 'w') as f:
        json.dump({'kernel': kernel, 'seed': a.seed, 'count': a.count, 'classes': t, 'scenarios': results}, f,
                  indent=2, sort_keys=True)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--oomsim', default='build/oomsim')
    ap.add_argument('--kernel', default='6.1', choices=['6.1', '6.12', 'all'])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=300)
    ap.add_argument('--batch', type=int, default=10)
    ap.add_argument('--out', default='build/differential')
    ap.add_argument('--vm-cache')
    ap.add_argument('--shrink-budget', type=int, default=40)
    ap.add_argument('--no-shrink', action='store_true')
    a = ap.parse_args()
    if a.count < 0 or a.batch < 1 or a.shrink_budget < 5:
        ap.error('--count >= 0, --batch >= 1, --shrink-budget >= 5')

    def err(msg):
        print(msg, file=sys.stderr, flush=True)

    total = {c: 0 for c in CLASSES}
    kernels = ['6.1', '6.12'] if a.kernel == 'all' else [a.kernel]
    for kernel in kernels:
        results = run_kernel(a, kernel, err)
        t = tally(results)
        print(f'{kernel} seed {a.seed}: {by_class_line(t)} ({os.path.join(a.out, kernel, str(a.seed), "summary.txt")})')
        for r in results:
            if r.get('shrunk'):
                s = r['shrunk']
                print(f'  {r["scenario"]}: {"; ".join(r["differing_decisions"])} -> {s["dir"]}/minimal.xml'
                      f' ({"confirmed" if s["confirmed"] else "not confirmed" if s["reproduced"] else "not reproduced"})')
        for c in CLASSES:
            total[c] += t[c]
    disagree = total['decision'] + total['figure-only'] + total['harness error']
    if len(kernels) > 1:
        print(f'all kernels: {by_class_line(total)}')
    print(f'{total["agree"]} agree, {disagree} disagree')
    return 1 if disagree else 0


if __name__ == '__main__':
    sys.exit(main())
