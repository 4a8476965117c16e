#!/bin/bash
# harness/setup.sh: idempotent set-up of the real-kernel validation harness.
#
#   harness/setup.sh [6.1|6.12|earlyoom|all]      (default: all)
#
# - installs qemu-system-x86, cpio and xz-utils when missing (as root; otherwise prints the apt-get line and fails);
# - resolves Debian's cloud kernel metapackages to concrete linux-image-*-cloud-amd64 packages
#   (6.1: linux-image-cloud-amd64, 6.12: linux-image-6.12-cloud-amd64 from bookworm-security);
# - apt-get download + dpkg -x into a temporary directory (the kernel is never installed on the host), and keeps
#   only what the harness needs in $OOMSIM_VM_CACHE/<6.1|6.12>/ (default build/vm-cache/):
#     vmlinuz            the kernel image
#     config             its .config
#     VERSION            "PACKAGE VERSION", printed in every validation report
#     RELEASE            uname -r of that kernel
#     modules/*.ko       pvpanic, pvpanic-mmio, zsmalloc, zram and zram's default compressor, uncompressed
#     modules.dep        "m.ko: dep.ko ..." for those modules, read from each module's depends= field
#     modules.order      the load order (dependencies first), one file name a line
# and Debian's earlyoom with its libc in $OOMSIM_VM_CACHE/earlyoom/ (fetch_earlyoom below).
# A kernel already in the cache is kept (set OOMSIM_VM_REFRESH=1 to fetch the current build again), so that
# validation runs stay comparable; the metapackages move when Debian publishes a new build.
set -euo pipefail

CACHE=${OOMSIM_VM_CACHE:-build/vm-cache}
WHICH=${1:-all}
REFRESH=${OOMSIM_VM_REFRESH:-0}

die() { echo "setup: $*" >&2; exit 1; }
log() { echo "setup: $*" >&2; }

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ] && [ "$(id -u)" = 0 ]; then
    log "apt-get update"
    apt-get update -q >/dev/null
    apt_updated=1
  fi
}

# --- host tools ---------------------------------------------------------------------------------------------
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v cpio >/dev/null || missing+=(cpio)
command -v xz >/dev/null || missing+=(xz-utils)
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: this set-up needs a Debian system"
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing ${missing[*]}: run as root: apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  apt_update
  log "apt-get install -y --no-install-recommends ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- kernels ------------------------------------------------------------------------------------------------
resolve_meta() { # META -> concrete package name, or nothing
  apt-cache depends --important "$1" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'
}
candidate() { # PKG -> candidate version, or nothing
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2; exit }'
}

# Module closure: names (without .ko) -> prints "name deps..." lines, dependencies resolved recursively from
# the depends= field of each module's .modinfo section. $1 = unpacked module tree.
modinfo_depends() { # FILE -> comma separated depends
  case "$1" in
    *.xz) xz -dc "$1" ;;
    *) cat "$1" ;;
  esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1
}

fetch_kernel() { # KEY META
  local key=$1 meta=$2 dest="$CACHE/$1"
  if [ "$REFRESH" != 1 ] && [ -s "$dest/VERSION" ] && [ -s "$dest/vmlinuz" ] && [ -s "$dest/modules.order" ]; then
    log "$key: cached $(cat "$dest/VERSION")"
    return 0
  fi
  local pkg ver
  pkg=$(resolve_meta "$meta")
  [ -n "$pkg" ] && ver=$(candidate "$pkg") || ver=
  if [ -z "$pkg" ] || [ -z "$ver" ]; then
    apt_update
    pkg=$(resolve_meta "$meta")
    [ -n "$pkg" ] && ver=$(candidate "$pkg") || ver=
  fi
  [ -n "$pkg" ] && [ -n "$ver" ] || die "$key: cannot resolve $meta (apt-get update as root first?)"
  log "$key: $meta -> $pkg $ver"

  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  chmod 777 "$tmp"
  if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1); then
    apt_update
    (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null) || die "$key: apt-get download $pkg=$ver failed"
  fi
  dpkg -x "$tmp"/*.deb "$tmp/x"
  local release
  release=$(basename "$(ls -d "$tmp"/x/lib/modules/*/)")
  local mods="$tmp/x/lib/modules/$release/kernel"

  rm -rf "$dest.new"
  mkdir -p "$dest.new/modules"
  cp "$tmp/x/boot/vmlinuz-$release" "$dest.new/vmlinuz"
  cp "$tmp/x/boot/config-$release" "$dest.new/config"

  # Wanted modules: pvpanic (ISA device -> pvpanic-mmio), zram + zsmalloc, and zram's default compressor when
  # it is a crypto module (6.1: lzo-rle; 6.12 has its own lz4 backend, pulled in through depends=).
  local defcomp
  defcomp=$(sed -n 's/^CONFIG_ZRAM_DEF_COMP="\(.*\)"$/\1/p' "$dest.new/config")
  local -a queue=(pvpanic pvpanic-mmio zsmalloc zram)
  [ -n "$defcomp" ] && queue+=("$defcomp")
  local -A seen=() file_of=() deps_of=()
  while [ ${#queue[@]} -gt 0 ]; do
    local m=${queue[0]}
    queue=("${queue[@]:1}")
    [ -n "${seen[$m]:-}" ] && continue
    seen[$m]=1
    local f
    f=$(find "$mods" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "${m//-/_}.ko" -o -name "${m//-/_}.ko.xz" \) \
          | sort | head -n 1)
    if [ -z "$f" ]; then
      # built in (e.g. lzo-rle on 6.12) or not needed
      grep -qE "/(${m}|${m//-/_})\.ko$" "$tmp/x/lib/modules/$release/modules.builtin" \
        || log "$key: module $m neither a module nor built in; skipped"
      continue
    fi
    local base
    base=$(basename "$f" .xz)
    case "$f" in
      *.xz) xz -dc "$f" >"$dest.new/modules/$base" ;;
      *) cp "$f" "$dest.new/modules/$base" ;;
    esac
    file_of[$m]=$base
    local d
    d=$(modinfo_depends "$f")
    deps_of[$m]=${d//,/ }
    for dep in ${deps_of[$m]}; do queue+=("$dep"); done
  done

  # modules.dep and a topological load order (dependencies first, otherwise sorted by name)
  : >"$dest.new/modules.dep"
  : >"$dest.new/modules.order"
  local -A placed=()
  place() {
    local n=$1
    [ -n "${placed[$n]:-}" ] && return 0
    [ -z "${file_of[$n]:-}" ] && return 0
    placed[$n]=1
    local dep
    for dep in ${deps_of[$n]}; do place "$dep"; done
    echo "${file_of[$n]}" >>"$dest.new/modules.order"
  }
  local n
  for n in $(printf '%s\n' "${!file_of[@]}" | sort); do
    local line="${file_of[$n]}:"
    for dep in ${deps_of[$n]}; do [ -n "${file_of[$dep]:-}" ] && line="$line ${file_of[$dep]}"; done
    echo "$line" >>"$dest.new/modules.dep"
  done
  sort -o "$dest.new/modules.dep" "$dest.new/modules.dep"
  for n in $(printf '%s\n' "${!file_of[@]}" | sort); do place "$n"; done

  echo "$pkg $ver" >"$dest.new/VERSION"
  echo "$release" >"$dest.new/RELEASE"
  rm -rf "$dest"
  mv "$dest.new" "$dest"
  log "$key: $(cat "$dest/VERSION") -> $dest ($(tr '\n' ' ' <"$dest/modules.order"))"
}

# --- earlyoom -----------------------------------------------------------------------------------------------
# Debian 12's earlyoom (1.7) for the scenarios with an <earlyoom> actor, with the two files of libc6 it needs
# (it is linked dynamically against libc.so.6 only), unpacked into $CACHE/earlyoom/root/ as the initramfs
# will hold them: usr/bin/earlyoom, lib/x86_64-linux-gnu/libc.so.6, lib64/ld-linux-x86-64.so.2 (a copy, not
# Debian's symlink: harness-vm.c packs regular files only). VERSION names both packages; cached like a kernel.
fetch_earlyoom() {
  local dest="$CACHE/earlyoom"
  if [ "$REFRESH" != 1 ] && [ -s "$dest/VERSION" ] && [ -s "$dest/root/usr/bin/earlyoom" ]; then
    log "earlyoom: cached $(cat "$dest/VERSION")"
    return 0
  fi
  local eo_ver libc_ver
  eo_ver=$(candidate earlyoom)
  [ -n "$eo_ver" ] || { apt_update; eo_ver=$(candidate earlyoom); }
  libc_ver=$(candidate libc6)
  [ -n "$eo_ver" ] && [ -n "$libc_ver" ] || die "earlyoom: cannot resolve earlyoom and libc6 (apt-get update as root first?)"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  chmod 777 "$tmp"
  if ! (cd "$tmp" && apt-get download -q "earlyoom=$eo_ver" "libc6=$libc_ver" >/dev/null 2>&1); then
    apt_update
    (cd "$tmp" && apt-get download -q "earlyoom=$eo_ver" "libc6=$libc_ver" >/dev/null) \
      || die "earlyoom: apt-get download earlyoom=$eo_ver libc6=$libc_ver failed"
  fi
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; done
  rm -rf "$dest.new"
  mkdir -p "$dest.new/root/usr/bin" "$dest.new/root/lib/x86_64-linux-gnu" "$dest.new/root/lib64"
  cp "$tmp/x/usr/bin/earlyoom" "$dest.new/root/usr/bin/earlyoom"
  cp -L "$tmp/x/lib/x86_64-linux-gnu/libc.so.6" "$dest.new/root/lib/x86_64-linux-gnu/libc.so.6"
  cp -L "$tmp/x/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$dest.new/root/lib64/ld-linux-x86-64.so.2"
  echo "earlyoom $eo_ver, libc6 $libc_ver" >"$dest.new/VERSION"
  rm -rf "$dest"
  mv "$dest.new" "$dest"
  log "earlyoom: $(cat "$dest/VERSION") -> $dest/root"
}

mkdir -p "$CACHE"
case "$WHICH" in
  earlyoom) fetch_earlyoom ;;
  6.1) fetch_kernel 6.1 linux-image-cloud-amd64 ;;
  6.12) fetch_kernel 6.12 linux-image-6.12-cloud-amd64 ;;
  all)
    fetch_kernel 6.1 linux-image-cloud-amd64
    fetch_kernel 6.12 linux-image-6.12-cloud-amd64
    fetch_earlyoom
    ;;
  *) die "usage: $0 [6.1|6.12|earlyoom|all]" ;;
esac
