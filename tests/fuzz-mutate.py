#!/usr/bin/env python3
"""tests/fuzz-mutate.py OOMSIM [RUNS] [SEED]: `make fuzz-mutate`. Mutates the numbers of the scenarios under scenarios/
at random (0, -1, huge, max, garbage...), runs each mutant through OOMSIM (the sanitizer build) with a random
profile and format, and fails on anything but exit 0 or 2, on any sanitizer report, on an error that is not one
line, and on a run longer than 20 s. Failing inputs are kept in build/fuzz-mutate/. Seeded: same arguments, same runs.
It found the v1 memory.limit_in_bytes-above-memsw overflow (tests/cli/runtime-v1-limit-above-memsw.xml)."""
import glob, os, random, re, subprocess, sys

oomsim = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 500
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
files = sorted(glob.glob('scenarios/*/*.xml'))
values = ['0', '-1', '1', '2', '3', '100', '4096', '-999', '-1000', '1000', '4294967296', '18446744073709551615',
          '99999999999999999999', 'max', '1T', '', '65536pages']
# G_DEBUG: a GLib critical or warning aborts the run (exit status 133 or a signal), which counts as a failure
env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1', UBSAN_OPTIONS='halt_on_error=1',
           G_DEBUG='fatal-criticals,fatal-warnings')
os.makedirs('build/fuzz-mutate', exist_ok=True)
bad = 0
for i in range(runs):
    src = open(random.choice(files)).read()
    for _ in range(random.randint(1, 4)):
        tokens = list(re.finditer(r'"(-?[0-9]+[A-Za-z]*)"', src))
        if not tokens:
            break
        m = random.choice(tokens)
        src = src[:m.start()] + '"' + random.choice(values) + '"' + src[m.end():]
    path = 'build/fuzz-mutate/input.xml'
    open(path, 'w').write(src)
    cmd = [oomsim, 'run', '--format', random.choice(['text', 'dmesg', 'json']),
           '--kernel', random.choice(['3.10', '4.19', '5.4', '5.10', '6.1', '6.12']), path]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=20, env=env)
        ok = r.returncode in (0, 2) and b'Sanitizer' not in r.stderr and b'runtime error' not in r.stderr and \
            (r.returncode == 0 or r.stderr.count(b'\n') == 1)
        why = f'exit {r.returncode}: {r.stderr[:300]!r}'
    except subprocess.TimeoutExpired:
        ok, why = False, 'timeout'
    if not ok:
        bad += 1
        keep = f'build/fuzz-mutate/bad-{i}.xml'
        open(keep, 'w').write(src)
        print(f'not ok {i} - {keep}: {why}')
print(f'{runs - bad} passed, {bad} failed')
sys.exit(1 if bad else 0)
