#!/usr/bin/env bash
# Builds (once) and caches a small x86_64 kernel with debug info for the QEMU tests, from the same
# Debian linux-source-6.1 as the UML test kernel: tinyconfig + scripts/qemu-kernel.config.
# Last line of output: the build directory (bzImage in arch/x86/boot, vmlinux, vmlinux-gdb.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fragment="$here/qemu-kernel.config"
pkg=linux-source-6.1
. "$here/cache-lib.sh"
need qemu-kernel qemu-system-x86 cpio busybox-static "$pkg" flex bison libelf-dev bc make gcc xz-utils

version=$(dpkg-query -W -f='${Version}' "$pkg")
key="$version-$(sha256sum < "$fragment" | cut -c1-12)"
cache="${UML_TEST_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uml-kernel-debug/kernel}/qemu"
dir="$cache/$key"
tree="$dir/linux-source-6.1"
lock_cache "$cache"

if [ -f "$dir/.done" ] && [ -f "$tree/arch/x86/boot/bzImage" ]; then
  echo "$tree"; exit 0
fi

unpack_source qemu-kernel "$dir"
cd "$tree"
make ARCH=x86_64 tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "$fragment" >&2
make ARCH=x86_64 olddefconfig >&2
for opt in 64BIT DEBUG_INFO GDB_SCRIPTS SERIAL_8250_CONSOLE BLK_DEV_INITRD PROC_FS RANDOMIZE_BASE; do
  grep -q "^CONFIG_$opt=y" .config || { echo "qemu-kernel: CONFIG_$opt did not stick in .config" >&2; exit 1; }
done
echo "qemu-kernel: building bzImage (about 4 minutes on 2 cores)" >&2
make ARCH=x86_64 -j"$(nproc)" bzImage >&2
make ARCH=x86_64 scripts_gdb >&2
[ -f vmlinux-gdb.py ] || { echo "qemu-kernel: vmlinux-gdb.py missing after scripts_gdb" >&2; exit 1; }
touch "$dir/.done"
echo "$tree"
