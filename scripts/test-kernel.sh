#!/usr/bin/env bash
# Builds (once) and caches a debug UML kernel from Debian's linux-source package: 6.1 by default,
# or the version given as $1 or UML_TEST_KERNEL_VERSION (6.12: Debian 13's kernel, the LTS after
# the 6.4 module layout change).
# Last line of output: the build directory (holds linux, vmlinux, vmlinux-gdb.py, sources).
# Cache key: source package version + hash of the fragment and the patches (scripts/patches),
# so a changed fragment or patch rebuilds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fragment="$here/kernel-fragment.config"
kv=${1:-${UML_TEST_KERNEL_VERSION:-6.1}}
pkg=linux-source-$kv
. "$here/cache-lib.sh"
need test-kernel gdb uml-utilities busybox-static "$pkg" patch flex bison libelf-dev bc make gcc xz-utils libssl-dev

version=$(dpkg-query -W -f='${Version}' "$pkg")
patches=("$here"/patches/*.patch)
key="$version-$(cat "$fragment" "${patches[@]}" | sha256sum | cut -c1-12)"
cache="${UML_TEST_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uml-kernel-debug/kernel}"
dir="$cache/$([ "$kv" = 6.1 ] || echo "$kv-")$key"
tree="$dir/$pkg"
lock_cache "$cache" "$kv"

if [ -f "$dir/.done" ] && [ -x "$tree/linux" ]; then
  echo "$tree"; exit 0
fi

unpack_source test-kernel "$dir" "$kv"
cd "$tree"
for p in "${patches[@]}"; do
  echo "test-kernel: applying $(basename "$p")" >&2
  patch -p1 --forward --batch --no-backup-if-mismatch < "$p" >&2
done
echo "test-kernel: configuring (defconfig + $(basename "$fragment"))" >&2
make ARCH=um SUBARCH=x86_64 defconfig >&2
ARCH=um scripts/kconfig/merge_config.sh -m .config "$fragment" >&2
make ARCH=um SUBARCH=x86_64 olddefconfig >&2
for opt in DEBUG_INFO GDB_SCRIPTS HOSTFS MCONSOLE MAGIC_SYSRQ DEBUG_FS LKDTM UML_TIME_TRAVEL_SUPPORT; do
  grep -q "^CONFIG_$opt=y" .config || { echo "test-kernel: CONFIG_$opt did not stick in .config" >&2; exit 1; }
done
echo "test-kernel: building $pkg (about 10-12 minutes on 2 cores)" >&2
make ARCH=um SUBARCH=x86_64 -j"$(nproc)" linux >&2
make ARCH=um SUBARCH=x86_64 scripts_gdb >&2
[ -f vmlinux-gdb.py ] || { echo "test-kernel: vmlinux-gdb.py missing after scripts_gdb" >&2; exit 1; }
make ARCH=um SUBARCH=x86_64 -j"$(nproc)" modules >&2
touch "$dir/.done"
echo "$tree"
