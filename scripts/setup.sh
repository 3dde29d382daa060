#!/usr/bin/env bash
# Sets up fa-verify on Debian 12: installs the Debian packages it needs (only those missing),
# configures and builds it in build/. With --verify it then runs the main job (scripts/verify.sh):
# every claim checked, the report written to report/.
#
#   bash scripts/setup.sh            # install + configure + build
#   bash scripts/setup.sh --verify   # ... and verify the claims
#
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), CXX (the compiler of
# a new build directory; default clang++-14), CI=true turns warnings into errors. The build
# includes the libFuzzer harnesses (their 15 s smoke runs are part of ctest).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake g++ make ninja-build pkg-config  # toolchain (Ninja: finer-grained parallel builds)
  libeigen3-dev                          # Eigen 3.4
  libboost-dev                           # Boost 1.74 headers: Multiprecision, Odeint, Random
  libmpfr-dev libgmp-dev                 # MPFR / GMP backends of the high-precision types
  librapidcheck-dev catch2               # property-based tests, test framework
  nlohmann-json3-dev libcli11-dev        # JSON reports, fa-check's command line
  libbenchmark-dev                       # the bench target
  libflint-arb-dev libqd-dev             # ... its candidate mp dot products (arb_dot, quad-double)
  gnuplot-nox                            # report plots (SVG)
  python3-numpy python3-torch            # bench/peers.py: the numpy and PyTorch peers
  python3-threadpoolctl                  # ... and which BLAS / how many threads they used
  libopenblas0-pthread                   # OpenBLAS (numpy's BLAS once installed; bench peers)
  pybind11-dev python3-pybind11 python3-dev  # the Python module faverify (python/)
  python3-pytest                         # its tests (ctest label python)
  python3-matplotlib python3-sklearn     # its example (python/examples/)
  python3-hypothesis python3-mpmath      # user claims (faverify.user, faverify.strategies)
  python3-venv python3-pip python3-setuptools  # pip install . (offline, --no-build-isolation)
  clang-14 libclang-rt-14-dev            # the compiler; libFuzzer for fa-check's readers (io/fuzz/)
  slurm-wlm munge                        # the one-node SLURM cluster of ctest -L slurm
  python3                                # tests/regimes/reproduce.sh
  python3-sympy                          # symbolic proofs (theorems/proofs/*.py)
  libflint-dev                           # exact certificates: integer matrices (certify/)
  python3-sphinx python3-myst-parser     # the documentation site (docs/, ctest -L docs)
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
# A new build directory gets Ninja, which starts a target's compilations as soon as their headers
# are ready (Make waits for every library the target links) and so keeps both cores busy to the
# end, and clang 14 (Debian's clang-14, installed above), which compiles this code base with about
# a quarter less CPU time than g++ 12 (docs/building.md, "Build time"); CXX=g++ bash
# scripts/setup.sh builds with GCC instead. A build directory configured before keeps its generator and compiler.
GENERATOR=()
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
  GENERATOR=(-G Ninja -DCMAKE_CXX_COMPILER="${CXX:-clang++-14}")
fi
say "configuring $BUILD_DIR (Release, warnings as errors: $WERROR)"
cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Release -DFA_WERROR="$WERROR" \
  -DFA_BUILD_FUZZ=ON >/dev/null
say "building with $JOBS jobs (a first build takes a few minutes on 2 cores)"
start=$(date +%s)
cmake --build "$BUILD_DIR" -j "$JOBS"
say "built in $(($(date +%s) - start)) s"

if [[ ${1:-} == --verify ]]; then
  exec bash scripts/verify.sh
fi
