#!/usr/bin/env bash
# -DBUILD_TESTING=OFF still builds the tools (issue 22): configures SOURCE into a fresh BUILD_DIR
# with BUILD_TESTING=OFF and the given C++ compiler, then checks that the tools' targets are in
# the build graph and that no test is registered.
#
#   build_testing_off.sh SOURCE BUILD_DIR CXX            configure + dry run (ninja -n): seconds;
#                                                        the ctest test (label build)
#   build_testing_off.sh SOURCE BUILD_DIR CXX --compile  also compiles the tools (minutes of CPU:
#                                                        docs/building.md, run by hand)
#   build_testing_off.sh SOURCE BUILD_DIR CXX --reuse    the checks on BUILD_DIR as configured
#                                                        before (the falsifier's test)
# FA_BUILD_OFF_TOOLS (default "fa-check fa-claims fa-report") names the tools that must build.
# The Python module, the docs and the benchmarks are left out: they are not tools, and their
# configure checks (pybind11, LTO) would double the time.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 SOURCE BUILD_DIR CXX [--compile]" >&2
  exit 2
fi
source_dir=$1 build_dir=$2 cxx=$3 compile=${4:-}
read -r -a tools <<<"${FA_BUILD_OFF_TOOLS:-fa-check fa-claims fa-report}"

if [[ "$compile" != --reuse ]]; then
  rm -rf "$build_dir"
  mkdir -p "$build_dir"
  cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DFA_BUILD_DOCS=OFF -DFA_BUILD_PYTHON=OFF \
    -DFA_BUILD_BENCH=OFF >"$build_dir/configure.log" 2>&1 ||
    { cat "$build_dir/configure.log"; echo "FAIL: configuring with -DBUILD_TESTING=OFF failed"; exit 1; }
fi
# Every tool has a rule, and ninja can plan its whole build (no missing target or file).
for tool in "${tools[@]}"; do
  ninja -C "$build_dir" -t query "$tool" >/dev/null 2>&1 ||
    { echo "FAIL: no target $tool with -DBUILD_TESTING=OFF"; exit 1; }
done
ninja -C "$build_dir" -n "${tools[@]}" >/dev/null ||
  { echo "FAIL: ninja cannot plan the build of ${tools[*]}"; exit 1; }
# No test is registered, and no test-only target is built.
tests=$(ctest --test-dir "$build_dir" -N | sed -n 's/^Total Tests: //p')
[[ "$tests" == 0 ]] || { echo "FAIL: $tests tests registered with BUILD_TESTING=OFF"; exit 1; }
for test_only in fa-mutants fa-unit-tests; do
  if ninja -C "$build_dir" -t query "$test_only" >/dev/null 2>&1; then
    echo "FAIL: the test-only target $test_only is built with BUILD_TESTING=OFF"
    exit 1
  fi
done
if [[ "$compile" == --compile ]]; then
  cmake --build "$build_dir" --target "${tools[@]}"
  for tool in "${tools[@]}"; do
    exe=$(find "$build_dir" -name "$tool" -type f -perm -u+x | head -1)
    [[ -n "$exe" ]] || { echo "FAIL: $tool was not built"; exit 1; }
    "$exe" --help >/dev/null || { echo "FAIL: $exe --help failed"; exit 1; }
  done
  echo "OK: with -DBUILD_TESTING=OFF, ${tools[*]} build and run (--help)"
else
  echo "OK: with -DBUILD_TESTING=OFF, ${tools[*]} are in the build graph and no test is registered"
fi
