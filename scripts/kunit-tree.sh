#!/usr/bin/env bash
# Builds (once) and caches a clean Debian linux-source-6.1 tree with a KUnit build for ARCH=um
# (tools/testing/kunit/kunit.py build: KUNIT_ALL_TESTS plus debug info, so tests can be run
# and debugged). kunit.py wants a source tree without an in-tree build, hence a tree of its own.
# Last line of output: the source tree (its build directory is .kunit inside it).
set -euo pipefail
pkg=linux-source-6.1
version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || { echo "kunit-tree: apt-get install -y $pkg" >&2; exit 1; }
options=(--kconfig_add CONFIG_DEBUG_KERNEL=y --kconfig_add CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y --kconfig_add CONFIG_GDB_SCRIPTS=y --kconfig_add CONFIG_FRAME_POINTER=y)
key="$version-$(printf '%s\n' "${options[@]}" | sha256sum | cut -c1-12)"
cache="${UML_KUNIT_TREE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uml-kernel-debug/kunit}"
dir="$cache/$key"
tree="$dir/linux-source-6.1"
. "$(dirname "$0")/cache-lib.sh"
lock_cache "$cache"
if [ -f "$dir/.done" ] && [ -x "$tree/.kunit/linux" ]; then
  # A test that edits lib/list-test.c restores it; if it was interrupted, put the original back.
  if grep -q 'UKD test: made to fail' "$tree/lib/list-test.c"; then
    echo "kunit-tree: restoring lib/list-test.c after an interrupted test, rebuilding" >&2
    tar -xJf "/usr/src/$pkg.tar.xz" -C "$dir" "linux-source-6.1/lib/list-test.c"
    (cd "$tree" && python3 tools/testing/kunit/kunit.py build --arch=um --build_dir=.kunit --jobs="$(nproc)" "${options[@]}" >&2)
  fi
  echo "$tree"; exit 0
fi
unpack_source kunit-tree "$dir"
cd "$tree"
echo "kunit-tree: kunit.py build (KUNIT_ALL_TESTS, debug info; about 5-8 minutes on 2 cores)" >&2
python3 tools/testing/kunit/kunit.py config --arch=um --build_dir=.kunit "${options[@]}" >&2
python3 tools/testing/kunit/kunit.py build --arch=um --build_dir=.kunit --jobs="$(nproc)" "${options[@]}" >&2
make ARCH=um O=.kunit scripts_gdb >&2 || true
touch "$dir/.done"
echo "$tree"
