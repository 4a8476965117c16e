#!/bin/bash
# harness/selftest.sh: boots the in-VM agent on hand-written inputs (harness/selftest/*.in) and checks the result
# lines (harness/selftest/*.expect), without the simulator. Also checks that two runs of one input give
# byte-identical output on both serial ports.
#
#   harness/selftest.sh [--kernel 6.1|6.12] [--determinism] [NAME...]
#
# Needs: harness/setup.sh done (kernels in $OOMSIM_VM_CACHE, default build/vm-cache) and build/harness/agent
# (make build/harness/agent). Prints one "ok"/"FAIL" line per input and "N passed, N failed" at the end.
#
# An .expect file holds lines that must appear, in this order, in the agent's output (ttyS1), each a regular
# expression matched against one whole line (grep -E -x); lines starting with "!" must not appear anywhere;
# "exit N" gives the expected QEMU exit status (default 33); "kernel 6.1" restricts the input to that kernel;
# "console REGEX" must match a line of the kernel console (ttyS0).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${OOMSIM_VM_CACHE:-$ROOT/build/vm-cache}
AGENT=${OOMSIM_AGENT:-$ROOT/build/harness/agent}
OUT=${OOMSIM_SELFTEST_OUT:-$ROOT/build/harness/selftest}
KERNELS=()
DETERMINISM=0
NAMES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KERNELS+=("$2"); shift 2 ;;
    --determinism) DETERMINISM=1; shift ;;
    *) NAMES+=("$1"); shift ;;
  esac
done
[ ${#KERNELS[@]} -eq 0 ] && KERNELS=(6.1 6.12)
if [ ${#NAMES[@]} -eq 0 ]; then
  for f in "$HERE"/selftest/*.in; do NAMES+=("$(basename "$f" .in)"); done
fi
[ -x "$AGENT" ] || { echo "selftest: $AGENT missing (make build/harness/agent)" >&2; exit 2; }
mkdir -p "$OUT"

# initramfs: /init, /oomsim.in, /modules/*, empty mount points; fixed mtimes, sorted names, owner 0:0,
# newc cpio without compression (the kernel unpacks an uncompressed cpio as well), so byte-reproducible.
build_initramfs() { # KERNEL INPUT OUTPUT
  local k=$1 input=$2 output=$3 stage
  stage=$(mktemp -d)
  mkdir -p "$stage"/{dev,proc,sys,shm,modules}
  cp "$AGENT" "$stage/init"
  cp "$input" "$stage/oomsim.in"
  cp "$CACHE/$k"/modules/*.ko "$CACHE/$k/modules.order" "$CACHE/$k/modules.dep" "$stage/modules/"
  chmod 0755 "$stage/init" "$stage"/{dev,proc,sys,shm,modules}
  chmod 0644 "$stage/oomsim.in" "$stage"/modules/*
  find "$stage" -exec touch -h -d @0 {} +
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 --quiet) >"$output"
  rm -rf "$stage"
}

ram_of() { # INPUT -> MiB (a "# ram-mib N" comment line; default 256)
  local m
  m=$(sed -n 's/^# ram-mib \([0-9]*\)$/\1/p' "$1" | head -n 1)
  echo "${m:-256}"
}

run_vm() { # KERNEL INPUT PREFIX -> PREFIX.console PREFIX.agent PREFIX.status
  local k=$1 input=$2 prefix=$3
  build_initramfs "$k" "$input" "$prefix.cpio"
  local start end
  start=$(date +%s.%N)
  timeout 120 qemu-system-x86_64 -accel tcg -nodefaults -display none -no-reboot -m "$(ram_of "$input")" -smp 1 \
    -nic none -device pvpanic -action panic=exit-failure -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -icount shift=4,sleep=off -rtc base=2024-01-01T00:00:00,clock=vm \
    -serial "file:$prefix.console" -serial "file:$prefix.agent" \
    -kernel "$CACHE/$k/vmlinuz" -initrd "$prefix.cpio" \
    -append 'console=ttyS0 panic=-1 quiet nokaslr norandmaps' </dev/null >"$prefix.qemu" 2>&1
  echo $? >"$prefix.status"
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f\n", $2 - $1 }' >"$prefix.wall"
}

check() { # EXPECT AGENT CONSOLE STATUS -> 0/1, messages on stdout
  local expect=$1 agent=$2 console=$3 status=$4 want_exit=33 line n=1 ok=0
  local -a lines
  mapfile -t lines <"$agent"
  local pos=0
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    case "$line" in
      "#"*|"kernel "*) continue ;;
      "exit "*) want_exit=${line#exit }; continue ;;
      "console "*)
        grep -Eq -- "${line#console }" "$console" || { echo "    console has no line matching: ${line#console }"; ok=1; }
        continue ;;
      "!"*)
        if grep -Exq -- "${line#!}" "$agent"; then echo "    unexpected line: ${line#!}"; ok=1; fi
        continue ;;
    esac
    local found=0
    while [ $pos -lt ${#lines[@]} ]; do
      local l=${lines[$pos]%$'\r'}
      pos=$((pos + 1))
      if [[ "$l" =~ ^($line)$ ]]; then found=1; break; fi
    done
    if [ $found = 0 ]; then echo "    missing (in order): $line"; ok=1; break; fi
  done <"$expect"
  if [ "$(cat "$status")" != "$want_exit" ]; then
    echo "    QEMU exit status $(cat "$status"), expected $want_exit"
    ok=1
  fi
  return $ok
}

passed=0
failed=0
for k in "${KERNELS[@]}"; do
  [ -s "$CACHE/$k/vmlinuz" ] || { echo "selftest: no kernel $k in $CACHE (harness/setup.sh)" >&2; exit 2; }
  for name in "${NAMES[@]}"; do
    input="$HERE/selftest/$name.in"
    expect="$HERE/selftest/$name.expect"
    [ -f "$expect.$k" ] && expect="$expect.$k"
    if grep -q '^kernel ' "$expect" && ! grep -qx "kernel $k" "$expect"; then continue; fi
    prefix="$OUT/$name-$k"
    run_vm "$k" "$input" "$prefix"
    if msg=$(check "$expect" "$prefix.agent" "$prefix.console" "$prefix.status"); then
      result=ok
    else
      result=FAIL
    fi
    if [ $DETERMINISM = 1 ] && [ $result = ok ]; then
      run_vm "$k" "$input" "$prefix.2"
      for s in agent console; do
        if ! cmp -s "$prefix.$s" "$prefix.2.$s"; then
          msg="$msg    second run differs on $s"$'\n'
          result=FAIL
        fi
      done
      cmp -s "$prefix.cpio" "$prefix.2.cpio" || { msg="$msg    initramfs not reproducible"$'\n'; result=FAIL; }
    fi
    if [ $result = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    printf '%s %s on %s (%s s, exit %s)\n' "$result" "$name" "$k" "$(cat "$prefix.wall")" "$(cat "$prefix.status")"
    [ -n "$msg" ] && printf '%s\n' "$msg"
  done
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
