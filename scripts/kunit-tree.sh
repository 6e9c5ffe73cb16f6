#!/usr/bin/env bash
# Builds (once) and caches a clean Debian linux-source tree with a KUnit build for ARCH=um
# (tools/testing/kunit/kunit.py build, plus debug info, so tests can be run and debugged).
# kunit.py wants a source tree without an in-tree build, hence a tree of its own.
# 6.1 (default): KUNIT_ALL_TESTS. Another version ($1 or UML_TEST_KERNEL_VERSION, e.g. 6.12): the
# small kunitconfig below (KUnit's own tests and the list tests: a third of the build time),
# written into the tree as ukd.kunitconfig; the tests pass it to kunit.py as --kunitconfig.
# Last line of output: the source tree (its build directory is .kunit inside it).
set -euo pipefail
kv=${1:-${UML_TEST_KERNEL_VERSION:-6.1}}
pkg=linux-source-$kv
version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || { echo "kunit-tree: apt-get install -y $pkg" >&2; exit 1; }
options=(--kconfig_add CONFIG_DEBUG_KERNEL=y --kconfig_add CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y --kconfig_add CONFIG_GDB_SCRIPTS=y --kconfig_add CONFIG_FRAME_POINTER=y)
small=$'CONFIG_KUNIT=y\nCONFIG_KUNIT_TEST=y\nCONFIG_KUNIT_EXAMPLE_TEST=y\nCONFIG_LIST_KUNIT_TEST=y'
[ "$kv" = 6.1 ] || options+=(--kunitconfig=ukd.kunitconfig)
key="$version-$(printf '%s\n' "${options[@]}" "$small" | sha256sum | cut -c1-12)"
cache="${UML_KUNIT_TREE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uml-kernel-debug/kunit}"
dir="$cache/$key"
tree="$dir/$pkg"
. "$(dirname "$0")/cache-lib.sh"
lock_cache "$cache" "$kv"
if [ -f "$dir/.done" ] && [ -x "$tree/.kunit/linux" ]; then
  # A test that edits lib/list-test.c restores it; if it was interrupted, put the original back.
  if grep -q 'UKD test: made to fail' "$tree/lib/list-test.c"; then
    echo "kunit-tree: restoring lib/list-test.c after an interrupted test, rebuilding" >&2
    tar -xJf "/usr/src/$pkg.tar.xz" -C "$dir" "$pkg/lib/list-test.c"
    (cd "$tree" && python3 tools/testing/kunit/kunit.py build --arch=um --build_dir=.kunit --jobs="$(nproc)" "${options[@]}" >&2)
  fi
  echo "$tree"; exit 0
fi
unpack_source kunit-tree "$dir" "$kv"
cd "$tree"
[ "$kv" = 6.1 ] || printf '%s\n' "$small" > ukd.kunitconfig
echo "kunit-tree: kunit.py build of $pkg ($([ "$kv" = 6.1 ] && echo KUNIT_ALL_TESTS || echo "KUnit and list tests"), debug info; a few minutes on 2 cores)" >&2
python3 tools/testing/kunit/kunit.py config --arch=um --build_dir=.kunit "${options[@]}" >&2
python3 tools/testing/kunit/kunit.py build --arch=um --build_dir=.kunit --jobs="$(nproc)" "${options[@]}" >&2
make ARCH=um O=.kunit scripts_gdb >&2 || true
touch "$dir/.done"
echo "$tree"
