#!/usr/bin/env bash
# The main job: one report in report/ (or $FA_REPORT_DIR) holding
#   - every claim of docs/claims.md with its proofs (ctest label 'claim', at FA_PROFILE=main),
#   - the kill matrix of the mutation tests (ctest label 'mutants', at the test command's depth:
#     a kill needs one counterexample, not the main job's case counts, which would take it far
#     past its 5 minutes),
#   - the regime map (fa-map run, on every core),
# rendered last by fa-report, whose first lines say at which depth the run went (profile,
# FA_DEPTH, cases per scalar, mutants, map cells). The test command (ctest --test-dir build)
# writes its own, shallower report into build/report and never touches this one.
# Extra arguments go to the claims' ctest (e.g. -L quick, -R A4). FA_VERIFY_MUTANTS=0 and
# FA_VERIFY_MAP=0 skip those parts; JOBS=N caps the cores used (ctest -j, fa-map --jobs; default:
# every core).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
export FA_REPORT_DIR=${FA_REPORT_DIR:-$PWD/report}
JOBS=${JOBS:-$(nproc)}
PROFILE=${FA_PROFILE:-main}
stamp=$(mktemp)
# ctest adds the fixture to any selection of claims: 'fa-report begin' clears report/parts
# first and 'fa-report write' runs last.
FA_PROFILE=$PROFILE ctest --test-dir "$BUILD_DIR" -L claim -j "$JOBS" \
  --output-on-failure "$@"
status=$?
if [[ ${FA_VERIFY_MUTANTS:-1} != 0 ]]; then
  # Their fixture clears the old records and writes mutants.json, shown by fa-report below.
  mkdir -p "$FA_REPORT_DIR"
  env -u FA_PROFILE ctest --test-dir "$BUILD_DIR" -L mutants -j "$JOBS" \
    --output-on-failure > "$FA_REPORT_DIR/mutants.log" ||
    { echo "verify: a mutation test failed (see $FA_REPORT_DIR/mutants.log)" >&2; status=1; }
fi
if [[ ${FA_VERIFY_MAP:-1} != 0 ]]; then
  # A fresh map: stale shard parts from an earlier sharded run would make the merge refuse.
  rm -rf "$FA_REPORT_DIR/regimes-parts" "$FA_REPORT_DIR/regimes.json"
  "$BUILD_DIR/fa-map" --dir "$FA_REPORT_DIR" run --jobs "$JOBS" > "$FA_REPORT_DIR/fa-map.log" ||
    { echo "verify: fa-map failed (see $FA_REPORT_DIR/fa-map.log)" >&2; status=1; }
fi
# The claims' profile, which the report's depth line names.
FA_PROFILE=$PROFILE "$BUILD_DIR/fa-report" --dir "$FA_REPORT_DIR" write > /dev/null ||
  { echo "verify: fa-report write failed" >&2; status=1; }
if [[ -f $FA_REPORT_DIR/index.html && $FA_REPORT_DIR/index.html -nt $stamp ]]; then
  headline=$(grep -m1 '^\*\*' "$FA_REPORT_DIR/claims.md" | tr -d '*')
  echo "verify: $headline"
  echo "verify: $(grep -m1 '^Depth: ' "$FA_REPORT_DIR/claims.md" | sed 's/\\_/_/g')"
  echo "verify: report written to $FA_REPORT_DIR/index.html (open it in a browser),"
  echo "        $FA_REPORT_DIR/claims.md and $FA_REPORT_DIR/claims.json"
else
  echo "verify: no report was written (is fa-report built? see ctest's output above)" >&2
  [[ $status -ne 0 ]] || status=1
fi
rm -f "$stamp"
exit $status
