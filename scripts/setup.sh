#!/usr/bin/env bash
# Sets up a fresh Debian machine (as root) for development and tests: system packages,
# npm dependencies, the bundled extension, and the cached test kernels (UML; x86_64 for QEMU).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(gdb uml-utilities busybox-static linux-source-6.1 linux-source-6.12 patch flex bison libelf-dev bc build-essential libssl-dev xz-utils python3 debootstrap e2fsprogs fakeroot qemu-system-x86 cpio clang lld llvm lcov)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
npm ci --no-audit --no-fund
npm run compile
bash scripts/test-kernel.sh
bash scripts/test-kernel.sh 6.12
bash scripts/qemu-kernel.sh
