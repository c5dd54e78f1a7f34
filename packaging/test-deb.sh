#!/usr/bin/env bash
# Installs the .deb into a clean Debian 12 (bookworm) root and runs the programs there.
# Not part of CTest: needs root, debootstrap and the Debian archive (a few hundred MB once).
#
#   packaging/test-deb.sh [PACKAGE.deb]      (as root; docs/PACKAGING.md)
#
# Without an argument it builds the package first (cmake --build $ALETHEIA_BUILD_DIR --target
# package; default: build/ in the source tree). The clean root is made once with debootstrap
# into $ALETHEIA_DEB_ROOT_BASE (default /tmp/deb-root-base) from the Debian mirror this machine's
# apt uses (/etc/apt/sources.list*), and copied for every run, so each run starts clean. The
# package is installed with apt, so its Depends are resolved from the archive (the downloaded
# archives are kept in $ALETHEIA_DEB_APT_CACHE, default /tmp/deb-apt-cache). Then, in the root:
# aletheia version, aletheia demo --build-only (the shipped model, then a 5-step pretrain),
# aletheia-studio --help/--version, the manual pages and the bash completion; and on the host
# desktop-file-validate and lintian (when installed). Exits non-zero on the first failure.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$(dirname "$here")"
base="${ALETHEIA_DEB_ROOT_BASE:-/tmp/deb-root-base}"
# Downloaded archives are kept here between runs (bind-mounted as the root's apt cache).
apt_cache="${ALETHEIA_DEB_APT_CACHE:-/tmp/deb-apt-cache}"
suite=bookworm

step() { printf '\n==== %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { echo "test-deb: run as root (debootstrap, chroot, mount)" >&2; exit 1; }

deb="${1:-}"
if [ -z "$deb" ]; then
  build="${ALETHEIA_BUILD_DIR:-$src/build}"
  step "building the package in $build"
  cmake --build "$build" --target package
  deb="$(ls -t "$build"/aletheia_*.deb | head -1)"
fi
deb="$(readlink -f "$deb")"
step "package $(basename "$deb")"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $1, $6}'

# The Debian mirror this machine's apt uses: the first one serving $suite, from one-line
# (sources.list) or deb822 (*.sources) entries.
debian_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++;
                                     if ($(i+1) == s) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$suite" 'BEGIN { RS = "" } {
        uri = ""; ok = 0; n = split($0, line, "\n")
        for (j = 1; j <= n; j++) {
          if (line[j] ~ /^URIs:/) { split(line[j], w, " "); uri = w[2] }
          if (line[j] ~ /^Suites:/) { m = split(line[j], w, " "); for (k = 2; k <= m; k++) if (w[k] == s) ok = 1 }
        }
        if (ok && uri != "") { print uri; exit } }' "$f"
  done
}

if [ ! -x "$base/usr/bin/apt-get" ]; then
  mirror="$(debian_mirror | head -1)"
  [ -n "$mirror" ] || { echo "test-deb: no $suite entry in /etc/apt/sources.list*" >&2; exit 1; }
  command -v debootstrap >/dev/null || { apt-get update -qq; apt-get install -y -qq debootstrap; }
  step "debootstrap $suite from $mirror into $base"
  rm -rf "$base"
  debootstrap --variant=minbase "$suite" "$base" "$mirror"
fi

root="$(mktemp -d /tmp/deb-root.XXXXXX)"
cleanup() {
  umount "$root/var/cache/apt/archives" 2>/dev/null || true
  umount "$root/dev/pts" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
step "clean root: copy of $base in $root"
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
mount -t devpts devpts "$root/dev/pts"  # apt's terminal log
mkdir -p "$apt_cache/partial"
mount --bind "$apt_cache" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }

step "apt-get install ./$(basename "$deb") in the root"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")" \
  | grep -v '^\(Get\|Selecting\|Preparing\|Unpacking\|Setting up\|Processing\|(Reading\)' || true
in_root dpkg-query -W aletheia
echo "BLAS: $(in_root readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
if in_root ldd /usr/bin/aletheia /usr/bin/aletheia-studio | grep 'not found'; then
  echo "test-deb: libraries missing in the root" >&2; exit 1
fi

step "aletheia version"
in_root aletheia version

step "aletheia demo --build-only (the shipped model)"
in_root aletheia demo --build-only --cache /tmp/demo-shipped

step "aletheia demo --build-only --pretrain-steps 5 (pretrains in the root)"
in_root aletheia demo --build-only --pretrain-steps 5 --cache /tmp/demo-pretrained

step "aletheia-studio --help (no display)"
in_root aletheia-studio --help
in_root aletheia-studio --version

step "manual pages and bash completion"
for page in aletheia aletheia-studio; do
  in_root test -s "/usr/share/man/man1/$page.1.gz"
  echo "$page.1.gz: $(in_root zcat "/usr/share/man/man1/$page.1.gz" | grep -c '^\.') roff requests"
done
in_root bash /dev/stdin /usr/bin/aletheia /usr/share/bash-completion/completions/aletheia <"$here/check-completion.sh"

step "no build paths in the installed files"
if in_root grep -rlF "$src" /usr/bin/aletheia /usr/bin/aletheia-studio /usr/share/aletheia /usr/share/man/man1 \
     /usr/share/bash-completion /usr/share/applications /usr/share/doc/aletheia; then
  echo "test-deb: the files above name the build tree $src" >&2; exit 1
fi
echo "none name $src"

if command -v desktop-file-validate >/dev/null; then
  step "desktop-file-validate /usr/share/applications/aletheia-studio.desktop"
  desktop-file-validate "$root/usr/share/applications/aletheia-studio.desktop" && echo "valid"
fi
if command -v lintian >/dev/null; then
  step "lintian $(basename "$deb")"
  lintian --display-info "$deb" || true  # findings are explained in docs/PACKAGING.md
fi

step "test-deb: all passed"
