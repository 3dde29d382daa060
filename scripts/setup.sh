#!/usr/bin/env bash
# Sets up fa-verify on Debian 12: installs the Debian packages it needs (only those missing),
# configures and builds it in build/. With --verify it then runs the main job (scripts/verify.sh):
# every claim checked, the report written to report/.
#
#   bash scripts/setup.sh            # install + configure + build
#   bash scripts/setup.sh --verify   # ... and verify the claims
#
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), CI=true turns
# warnings into errors. The build includes the libFuzzer harnesses (their 15 s smoke runs are
# part of ctest), hence clang-14.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ make pkg-config              # toolchain
  libeigen3-dev                          # Eigen 3.4
  libboost-dev                           # Boost 1.74 headers: Multiprecision, Odeint, Random
  libmpfr-dev libgmp-dev                 # MPFR / GMP backends of the high-precision types
  librapidcheck-dev catch2               # property-based tests, test framework
  nlohmann-json3-dev libcli11-dev        # JSON reports, fa-check's command line
  libbenchmark-dev                       # the bench target
  gnuplot-nox                            # report plots (SVG)
  python3-numpy                          # bench/compare's numpy baseline
  pybind11-dev python3-pybind11 python3-dev  # the Python module faverify (python/)
  python3-pytest                         # its tests (ctest label python)
  python3-matplotlib python3-sklearn     # its example (python/examples/)
  clang-14 libclang-rt-14-dev            # libFuzzer harnesses of fa-check's readers (cli/fuzz/)
)

say() { printf 'setup: %s\n' "$*"; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  say "all ${#PACKAGES[@]} Debian packages already installed"
else
  say "missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    say "ERROR: installing them needs root. Run as root, or ask an administrator to run:"
    say "  apt-get install ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -qq; then
    say "ERROR: 'apt-get update' failed: Debian's package servers are not reachable (no network?)."
    say "Install these packages some other way, then rerun: ${missing[*]}"
    exit 1
  fi
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    say "ERROR: 'apt-get install' failed for: ${missing[*]}"
    exit 1
  fi
  say "installed: ${missing[*]}"
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
WERROR=OFF
[[ ${CI:-} == true ]] && WERROR=ON
say "configuring $BUILD_DIR (Release, warnings as errors: $WERROR)"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DFA_WERROR="$WERROR" -DFA_BUILD_FUZZ=ON >/dev/null
say "building with $JOBS jobs (a first build takes a few minutes on 2 cores)"
start=$(date +%s)
cmake --build "$BUILD_DIR" -j "$JOBS"
say "built in $(($(date +%s) - start)) s"

if [[ ${1:-} == --verify ]]; then
  exec bash scripts/verify.sh
fi
