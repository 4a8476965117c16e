#!/usr/bin/env bash
# tests/differential-tests.sh: the differential-testing generator and runner (harness/differential/, `make
# differential`), without a VM, as TAP-like "ok"/"not ok" lines (counted by run-tests.sh). Checked: every scenario
# of 100 seeds on each kernel loads in the simulator (`oomsim run` exit 0, never 2: a generator bug is a failure,
# with the file kept in the line); the load check rejects a broken scenario (it can fail); same seed, same bytes;
# the features the generator promises all occur; no cgroup v1 on 6.12; and the runner end to end with a stand-in
# `oomsim validate` (a rule on the scenario's text decides the verdicts): its classes and closing line, its
# summary (byte-identical on a second run), and the shrinker's minimal scenario (it loads, still meets the rule,
# and is small).
. "$(dirname "$0")/tap.sh"
gen=harness/differential/gen.py
N=${DIFFERENTIAL_TEST_SEEDS:-100}

loads() { # loads FILE KERNEL: exit 0 from oomsim run (2 would be invalid input)
  "$OOMSIM" run --kernel "$2" "$1" >"$tmp/run.out" 2>"$tmp/run.err"
}

# `oomsim check DIR` loads and runs each file through sim_run(), as `oomsim run` does, in one process (200 runs of
# `oomsim run` take 10 s on a busy 2-core machine); a file that does not load is an INVALID line and exit status 2
for kernel in 6.1 6.12; do
  dir=$tmp/gen-$kernel
  python3 $gen --kernel $kernel --seed 7 --count "$N" --out "$dir"
  "$OOMSIM" check --quiet --kernel $kernel "$dir" >"$tmp/check.out" 2>"$tmp/check.err"
  st=$?
  while read -r f; do
    mkdir -p build/differential/bad && cp "$f" build/differential/bad/
    nok "$kernel: generated $(basename "$f") loads: $(grep -F "$f:" "$tmp/check.err" | head -c 300) (kept in build/differential/bad/)"
  done < <(sed -n 's/^INVALID //p' "$tmp/check.out")
  check "$kernel: all $N generated scenarios of seed 7 load in the simulator (check exit $st, not 2)" \
    bash -c "[ $st -ne 2 ] && ! grep -q '^INVALID' $tmp/check.out && grep -qE '^[0-9]+ passed, [0-9]+ failed' $tmp/check.out"
done
for i in 0 1 2 3 4; do
  check "6.1: d7-$i.xml loads with oomsim run (exit 0)" loads "$tmp/gen-6.1/d7-$i.xml" 6.1
done

# the load check can fail: a generated scenario with a step naming a pid that never exists
sed '0,/<touch pid="[0-9]*"/s//<touch pid="4000000"/' "$tmp/gen-6.1/d7-0.xml" >"$tmp/broken.xml"
loads "$tmp/broken.xml" 6.1
st=$?
check "the load check rejects a generated scenario whose step names no process (exit $st, 2 expected)" [ $st -eq 2 ]

python3 $gen --kernel 6.1 --seed 7 --count 20 --out "$tmp/again"
check "same seed, same bytes (20 scenarios)" bash -c "for f in $tmp/again/*.xml; do cmp -s \$f $tmp/gen-6.1/\$(basename \$f) || exit 1; done"
check "one scenario alone (--index) is the same bytes as in a run" \
  bash -c "python3 $gen --kernel 6.1 --seed 7 --index 5 | cmp -s - $tmp/gen-6.1/d7-5.xml"
python3 $gen --kernel 6.1 --seed 8 --count 20 --out "$tmp/seed8"
check "another seed, other scenarios" bash -c "! cmp -s $tmp/seed8/d8-3.xml $tmp/gen-6.1/d7-3.xml"

all61=$(cat "$tmp"/gen-6.1/*.xml)
for feature in 'version="1"' '<cgroup path="/p/a"' 'memory.oom.group="1"' 'memory.swap.max' 'memory.memsw.limit_in_bytes' \
  'memory.oom_control="1"' 'vm.overcommit_memory" value="1"' 'vm.overcommit_memory" value="2"' \
  'vm.panic_on_oom" value="1"' 'vm.panic_on_oom" value="2"' 'vm.oom_kill_allocating_task" value="1"' \
  'swap="64MiB"' '<file-read' '<shmem-write' '<cgroup-set' '<move' '<fork' '<exit' '<set' '<malloc' '<free' \
  '<munmap' 'mapping=' 'oom_score_adj="-1000"' 'uid="65534"' '; tie ' 'global OOM'; do
  check "seed 7 on 6.1 covers $feature" grep -qF -- "$feature" <<<"$all61"
done
check "no cgroup v1 on 6.12 (Debian's 6.12 has none)" bash -c "! grep -l 'version=\"1\"' $tmp/gen-6.12/*.xml"

# the runner with a stand-in validate: decisions disagree when a -1000 task and page cache meet, figures when
# shmem is written; everything else agrees. Other subcommands go to the real oomsim.
cat >"$tmp/fake-oomsim" <<FAKE
#!/usr/bin/env python3
import json, os, sys
if sys.argv[1] != 'validate':
    os.execv('$PWD/$OOMSIM', ['oomsim'] + sys.argv[1:])
args, files, i = sys.argv[2:], [], 0
opts = {}
while i < len(args):
    if args[i].startswith('--') and args[i] not in ('--reuse',):
        opts[args[i]] = args[i + 1]; i += 2
    elif args[i] == '--reuse':
        i += 1
    else:
        files.append(args[i]); i += 1
out = []
for f in files:
    text = open(f).read()
    name = os.path.basename(f)[:-4]
    wd = os.path.join(opts['--work-dir'], opts['--kernel-image'], name)
    os.makedirs(wd, exist_ok=True)
    open(os.path.join(wd, 'run.txt'), 'w').write('fake\n')
    dec = 'oom_score_adj="-1000"' in text and '<file-read' in text
    fig = '<shmem-write' in text
    rows = [{'what': 'victims', 'agree': not dec, 'kind': 'decision'},
            {'what': 'panic', 'agree': True, 'kind': 'decision'},
            {'what': 'rss of 1', 'agree': not fig, 'kind': 'figure'}]
    out.append({'scenario': name, 'path': f, 'verdict': 'disagree' if dec or fig else 'agree',
                'decisions': 'disagree' if dec else 'agree', 'figures': 'disagree' if fig else 'agree',
                'kernel_race': None, 'reason': None, 'rows': rows})
print(json.dumps({'kernel': opts['--kernel-image'], 'scenarios': out}))
FAKE
chmod +x "$tmp/fake-oomsim"
runner() { # runner COUNT ARGS...
  local count=$1; shift
  python3 harness/differential/run.py --oomsim "$tmp/fake-oomsim" --kernel 6.1 --seed 7 --count "$count" --batch 7 \
    --out "$tmp/diff" "$@"
}
runner 30 --no-shrink >"$tmp/runner.out" 2>"$tmp/runner.err"
st=$?
expect_dec=0; expect_fig=0
for i in $(seq 0 29); do
  f=$tmp/diff/6.1/7/d7-$i.xml
  if grep -qF 'oom_score_adj="-1000"' "$f" && grep -qF '<file-read' "$f"; then expect_dec=$((expect_dec + 1))
  elif grep -qF '<shmem-write' "$f"; then expect_fig=$((expect_fig + 1)); fi
done
agree=$((30 - expect_dec - expect_fig))
check "runner: the stand-in gives both kinds of disagreement in the first 30 of seed 7 (test data)" \
  [ $expect_dec -gt 0 ] && [ $expect_fig -gt 0 ]
check "runner: exit 1 when something disagrees" [ $st -eq 1 ]
check "runner: closing line \"$agree agree, $((expect_dec + expect_fig)) disagree\"" \
  bash -c "tail -n 1 $tmp/runner.out | grep -qx '$agree agree, $((expect_dec + expect_fig)) disagree'"
check "runner: counts by class" grep -qF "$agree agree, $expect_dec decision, $expect_fig figure-only, 0 not runnable, 0 harness error" "$tmp/runner.out"
check "runner: progress on standard error, batch by batch" grep -qF "[28/30]" "$tmp/runner.err"
check "runner: summary.txt has a line per scenario" \
  [ "$(grep -cE '^d7-[0-9]+ ' "$tmp/diff/6.1/7/summary.txt")" -eq 30 ]
cp "$tmp/diff/6.1/7/summary.txt" "$tmp/summary-1.txt"
runner 30 --no-shrink >/dev/null 2>&1
check "runner: a second run writes the same summary, byte for byte" cmp -s "$tmp/summary-1.txt" "$tmp/diff/6.1/7/summary.txt"

# the shrinker, on the first decision disagreement of seed 7
first=$(grep -m1 -oE '^d7-[0-9]+ decision' "$tmp/summary-1.txt" | cut -d' ' -f1)
runner $((${first#d7-} + 1)) --shrink-budget 40 >/dev/null 2>&1
min=$tmp/diff/shrunk/6.1-$first/minimal.xml
check "shrinker: $first has a minimal scenario, the original and its seed" \
  bash -c "[ -f $min ] && [ -f $tmp/diff/shrunk/6.1-$first/original.xml ] && grep -q 'seed 7, index' $tmp/diff/shrunk/6.1-$first/shrink.txt"
check "shrinker: the minimal scenario loads" loads "$min" 6.1
check "shrinker: ... and still meets the rule (a -1000 task and a file-read)" \
  bash -c "grep -qF 'oom_score_adj=\"-1000\"' $min && grep -qF '<file-read' $min"
check "shrinker: ... with at most 2 steps and 2 processes, no <expect>" \
  bash -c "[ \$(grep -cE '^    <(touch|mmap|malloc|free|munmap|file-read|shmem-write|fork|exit|set|sysctl|cgroup-set|move) ' $min) -le 2 ] && [ \$(grep -c '<process ' $min) -le 2 ] && ! grep -q '<expect' $min"
rm -rf "$tmp/diff/runs" "$tmp/diff/shrunk"
runner $((${first#d7-} + 1)) --shrink-budget 5 >/dev/null 2>&1
check "shrinker: a budget of 5 VM runs is kept (4 of them for the confirmation)" \
  bash -c "grep -q 'VM runs: [0-5] (budget 5' $tmp/diff/shrunk/6.1-$first/shrink.txt"
