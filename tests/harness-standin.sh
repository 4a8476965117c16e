# tests/harness-standin.sh: sourced by the harness tests after tap.sh. fake_kernel puts a kernel that is no kernel
# (vmlinuz, VERSION, RELEASE) in $tmp/kernel and an agent that is no agent in $tmp/agent; standin_qemu FILE TAIL
# writes a qemu-system-x86_64 stand-in that reads QEMU's arguments into $serial (the two -serial files) and
# $initrd, then runs TAIL (shell text, expanded when the stand-in runs).
fake_kernel() {
  mkdir -p "$tmp/kernel"
  echo "not a kernel" >"$tmp/kernel/vmlinuz"
  echo "fake-kernel 6.1" >"$tmp/kernel/VERSION"
  echo "6.1.0-fake" >"$tmp/kernel/RELEASE"
  echo "not an agent" >"$tmp/agent"
}

standin_qemu() { # FILE TAIL
  cat >"$1" <<'HEAD'
#!/usr/bin/env bash
serial=() initrd=
while [ $# -gt 0 ]; do
  case "$1" in
    -serial) serial+=("${2#file:}"); shift ;;
    -initrd) initrd=$2; shift ;;
  esac
  shift
done
HEAD
  printf '%s\n' "$2" >>"$1"
  chmod +x "$1"
}
