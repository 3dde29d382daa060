#!/usr/bin/env bash
# The main job: checks every claim of docs/claims.md (ctest label 'claim') and writes the
# claim-by-claim report to report/ (or $FA_REPORT_DIR). Extra arguments go to ctest (e.g. -L quick,
# -R A4). ctest adds the fixture 'claims_report' to any selection of claim tests: 'fa-report begin'
# clears report/parts first, 'fa-report write' writes claims.json, claims.md and index.html last,
# so a partial run reports what ran.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
REPORT_DIR=${FA_REPORT_DIR:-$PWD/report}
stamp=$(mktemp)
FA_PROFILE=${FA_PROFILE:-main} ctest --test-dir "$BUILD_DIR" -L claim -j "${JOBS:-$(nproc)}" --output-on-failure "$@"
status=$?
if [[ -f $REPORT_DIR/index.html && $REPORT_DIR/index.html -nt $stamp ]]; then
  headline=$(grep -m1 '^\*\*' "$REPORT_DIR/claims.md" | tr -d '*')
  echo "verify: $headline"
  echo "verify: report written to $REPORT_DIR/index.html (open it in a browser),"
  echo "        $REPORT_DIR/claims.md and $REPORT_DIR/claims.json"
else
  echo "verify: no report was written (is fa-report built? see ctest's output above)" >&2
  [[ $status -ne 0 ]] || status=1
fi
rm -f "$stamp"
exit $status
