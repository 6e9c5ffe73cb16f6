# Sourced by the scripts that build cached kernels (test-kernel.sh, qemu-kernel.sh, kunit-tree.sh).

# need TAG PACKAGE...: installs the Debian packages that are missing (as root), or says how.
need() {
  local tag=$1; shift
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "$tag: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "$tag: run as root or install: apt-get install -y ${missing[*]}" >&2; exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# lock_cache DIR [NAME]: creates DIR and holds its lock (NAME's, if given) until the script ends
# (two runs at once would build into the same tree; two kernel versions build side by side).
lock_cache() {
  mkdir -p "$1"
  exec 9>"$1/.lock${2:+-$2}"
  flock 9
}

# unpack_source TAG DIR [X.Y]: a fresh copy of Debian's linux-source-X.Y (default 6.1) in
# DIR/linux-source-X.Y.
unpack_source() {
  local v=${3:-6.1}
  rm -rf "$2"; mkdir -p "$2"
  echo "$1: unpacking linux-source-$v $(dpkg-query -W -f='${Version}' "linux-source-$v") into $2" >&2
  tar -xJf "/usr/src/linux-source-$v.tar.xz" -C "$2"
}
