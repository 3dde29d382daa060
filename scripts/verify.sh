#!/usr/bin/env bash
# The main job: checks every claim of shared/CLAIMS.md (ctest label 'claim') and writes the
# claim-by-claim report to report/. Extra arguments go to ctest (e.g. -L quick, -R A4).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" -L claim -j "${JOBS:-$(nproc)}" --output-on-failure "$@"
status=$?
if [[ -f report/claims.md ]]; then
  echo "verify: report written to report/claims.md, report/claims.json and report/index.html"
fi
exit $status
