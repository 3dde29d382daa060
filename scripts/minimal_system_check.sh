#!/usr/bin/env bash
# Runs tests of an existing build inside a minimal Debian 12 system: a chroot made by
# `debootstrap --variant=minbase bookworm` with only the runtime packages the tests need, an
# /etc/hosts that lists localhost alone, and a hostname of its own that no resolver knows (a
# private UTS namespace). A new user's container or minimal image looks like that; the SLURM
# tests must pass there (issue 24). As root:
#
#   bash scripts/minimal_system_check.sh CHROOT [CTEST ARGUMENTS...]
#   bash scripts/minimal_system_check.sh /var/tmp/fa-verify-bookworm -L slurm --output-on-failure
#
# CHROOT is created the first time (debootstrap, then apt-get install: about 600 MB, 5-10
# minutes), reused afterwards; it must lie outside the source tree. Default ctest arguments:
# -L "slurm|python" --output-on-failure. The build directory is $BUILD_DIR (default build); the
# source tree (with the build inside it, or BUILD_DIR bind-mounted too) appears in the chroot at
# the same path, so the build's absolute paths hold. Mounts: /proc, /dev, and /sys with the
# host's cgroup mounts (--rbind: slurmd 22.05 needs /sys/fs/cgroup), all in a private mount
# namespace that vanishes with this script. Nothing is built inside the chroot: the binaries
# were built on Debian 12 against the same library versions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root" && realpath -m "${BUILD_DIR:-build}")
say() { printf 'minimal_system_check: %s\n' "$*" >&2; }

[[ $# -ge 1 ]] || { say "usage: $0 CHROOT [CTEST ARGUMENTS...]"; exit 2; }
chroot_dir=$(realpath -m "$1")
shift
(($#)) || set -- -L "slurm|python" --output-on-failure
[[ $(id -u) -eq 0 ]] || { say "ERROR: must run as root (debootstrap, chroot, mounts)"; exit 1; }
[[ $chroot_dir != "$root" && $chroot_dir != "$root"/* ]] ||
  { say "ERROR: CHROOT must lie outside the source tree ($root)"; exit 2; }
[[ -f $build/CTestTestfile.cmake ]] || { say "ERROR: no build in $build (run scripts/setup.sh first)"; exit 1; }

# What the tests run, and nothing else: the daemons, Python with the module's and the tests'
# packages, ctest and cmake (test_install), and the libraries the binaries link.
PACKAGES=(
  slurm-wlm munge cmake
  python3 python3-numpy python3-pytest python3-sympy python3-matplotlib python3-sklearn
  libmpfr6 libgmp10 libflint17 libntl44 libgf2x3 libstdc++6
)

if [[ ! -x $chroot_dir/usr/bin/ctest ]]; then
  command -v debootstrap > /dev/null || { say "ERROR: debootstrap not found (apt-get install debootstrap)"; exit 1; }
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2> /dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  say "creating $chroot_dir from $mirror (debootstrap --variant=minbase bookworm)"
  debootstrap --variant=minbase bookworm "$chroot_dir" "$mirror" > "$chroot_dir.debootstrap.log" 2>&1 ||
    { say "ERROR: debootstrap failed: see $chroot_dir.debootstrap.log"; exit 1; }
  cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
  say "installing ${PACKAGES[*]}"
  # shellcheck disable=SC2016  # expanded by the inner shells
  unshare --mount --propagation private sh -c 'mount -t proc proc "$0/proc" && chroot "$0" sh -c "
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq && apt-get install -y -qq --no-install-recommends \"\$@\"" sh "$@"' \
    "$chroot_dir" "${PACKAGES[@]}" > "$chroot_dir.apt.log" 2>&1 ||
    { say "ERROR: apt-get failed: see $chroot_dir.apt.log"; exit 1; }
fi
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$chroot_dir/etc/hosts"

mkdir -p "$chroot_dir$root" "$chroot_dir$build"
say "ctest $* in $chroot_dir (hostname fa-minimal-$$, not in its /etc/hosts)"
# shellcheck disable=SC2016  # expanded by the inner shell
unshare --mount --uts --propagation private sh -c '
  c=$1 root=$2 build=$3
  shift 3
  mount -t proc proc "$c/proc" && mount --rbind /sys "$c/sys" && mount --rbind /dev "$c/dev" &&
    mount --bind "$root" "$c$root" || exit 1
  [ "$build" = "$root" ] || [ "${build#"$root"/}" != "$build" ] || mount --bind "$build" "$c$build" || exit 1
  hostname "fa-minimal-$$"
  exec chroot "$c" sh -c "getent hosts \$(hostname) && echo \"hostname resolves\" && exit 1;
    cd \"$build\" && exec ctest \"\$@\"" sh "$@"' sh "$chroot_dir" "$root" "$build" "$@"
