#!/usr/bin/env bash
# claims.json matches reports/claims.schema.json: runs a subset of the claims that covers every
# kind of entry (a refuted conjecture with its counterexample, family statistics, exact
# rationals, precision ladders), writes the report with and without gnuplot, validates
# claims.json, and checks that the validator rejects broken files (so it can fail).
# Usage: schema.sh FA_CLAIMS FA_REPORT WORKDIR
set -euo pipefail
claims=$1 report=$2 work=$3
# Every tool runs tied to this script: killed with it, however it is killed (issue 24).
source "$(dirname "$0")/../../scripts/lib/processes.sh"
rm -rf "$work" && mkdir -p "$work"
export FA_REPORT_DIR=$work/report
tied "$report" begin
tied "$claims" run-all --only A3 A4.family R1 R4 X1 X7 > "$work/run.log"
tied "$report" write
tied "$report" validate "$FA_REPORT_DIR/claims.json"
for f in claims.md index.html; do [[ -s $FA_REPORT_DIR/$f ]] || { echo "FAIL: no $f"; exit 1; }; done
grep -q 'refuted ✓ (expected)' "$FA_REPORT_DIR/index.html" || { echo "FAIL: refuted conjecture not shown as a success"; exit 1; }
grep -q 'FA\* = our reconstruction' "$FA_REPORT_DIR/index.html" || { echo "FAIL: FA* row not marked"; exit 1; }
# The proof tier: X1 and X7 proved (symbolic proof and Schwartz-Zippel ran in run-all), R1's
# counterexample replayed exactly, every row with a strength.
grep -q '"strength": "proved"' "$FA_REPORT_DIR/claims.json" || { echo "FAIL: no claim proved"; exit 1; }
grep -q '"kind": "schwartz-zippel"' "$FA_REPORT_DIR/claims.json" || { echo "FAIL: no Schwartz-Zippel part"; exit 1; }
grep -q '"exact_replay": {' "$FA_REPORT_DIR/claims.json" || { echo "FAIL: no exact replay of R1's counterexample"; exit 1; }
grep -q 'id="proofs"' "$FA_REPORT_DIR/index.html" || { echo "FAIL: no proof tier section in index.html"; exit 1; }
# R1's and R4's searches with their measured power and budgets, their pinned cases replayed.
grep -q 'id="search"' "$FA_REPORT_DIR/index.html" || { echo "FAIL: no search power section"; exit 1; }
grep -q '"miss_bound": ' "$FA_REPORT_DIR/claims.json" || { echo "FAIL: no search budget in claims.json"; exit 1; }
grep -q 'id="pinned"' "$FA_REPORT_DIR/index.html" || { echo "FAIL: no pinned cases section"; exit 1; }
grep -q '## Pinned cases' "$FA_REPORT_DIR/claims.md" || { echo "FAIL: no pinned cases in claims.md"; exit 1; }
if grep -Eq '(src|href)="(https?:)?//' "$FA_REPORT_DIR/index.html"; then echo "FAIL: external resource in index.html"; exit 1; fi
if command -v gnuplot > /dev/null; then
  n=$(grep -c 'data:image/svg+xml;base64' "$FA_REPORT_DIR/index.html")
  [[ $n -ge 5 ]] || { echo "FAIL: only $n plots embedded"; exit 1; }
fi
# The seed sweep's section from two sweep parts (fa-claims sweep writes them): one seed agreed,
# one did not; the disagreement must be listed, and the summary must not call them all agreed.
mkdir -p "$work/sweep/parts"
cp "$FA_REPORT_DIR"/parts/*.json "$work/sweep/parts/"
printf '%s\n' '{"seed": "7", "depth": "1", "profile": "test", "finished": true, "as_expected": true,' \
  ' "jobs": [{"job": "R1.double", "verdict": "refuted", "cases": 3, "reproduce": "r", "as_expected": true}]}' \
  > "$work/sweep/parts/_sweep.7.json"
printf '%s\n' '{"seed": "8", "depth": "1", "profile": "test", "finished": true, "as_expected": false,' \
  ' "jobs": [{"job": "X1.mp", "verdict": "refuted", "cases": 3, "reproduce": "fa-claims run X1",' \
  '  "counterexample": "{n=1 m=1}", "as_expected": false}]}' > "$work/sweep/parts/_sweep.8.json"
"$report" --dir "$work/sweep" write --no-plots > /dev/null
"$report" validate "$work/sweep/claims.json"
grep -q '"all_agreed": false' "$work/sweep/claims.json" || { echo "FAIL: sweep disagreement not summarised"; exit 1; }
grep -q '"seeds_tried": 2' "$work/sweep/claims.json" || { echo "FAIL: sweep seeds not counted"; exit 1; }
grep -q 'id="sweep"' "$work/sweep/index.html" || { echo "FAIL: no seed sweep section"; exit 1; }
grep -q 'X1.mp' "$work/sweep/claims.md" || { echo "FAIL: sweep disagreement not listed"; exit 1; }
# Without gnuplot the report still writes and says the plots were skipped.
FA_GNUPLOT=/nonexistent/gnuplot FA_REPORT_DIR=$work/noplots tied "$report" merge "$work/report"
grep -q '"plots": "skipped: gnuplot not found' "$work/noplots/claims.json" || { echo "FAIL: skipped plots not reported"; exit 1; }
tied "$report" validate "$work/noplots/claims.json"

# The validator must reject: a bad verdict, a missing required key, a counterexample without
# matrices' required entries, a non-decimal seed.
j=$FA_REPORT_DIR/claims.json
bad() {  # bad NAME SED-EXPRESSION
  sed "$2" "$j" > "$work/bad-$1.json"
  cmp -s "$j" "$work/bad-$1.json" && { echo "FAIL: mutation $1 changed nothing"; exit 1; }
  if tied "$report" validate "$work/bad-$1.json" > "$work/bad-$1.log"; then
    echo "FAIL: validator accepted $1"; exit 1
  fi
}
bad verdict '0,/"verdict": "verified"/s//"verdict": "maybe"/'
bad seed '0,/"seed": "\([0-9]*\)"/s//"seed": "x\1"/'
bad missing-key '0,/"expected": "holds",/s///'
bad matrix-entry '0,/"W0": \[/s//"W0": 3, "W0x": [/'
bad discard-rate '0,/"discard_rate": [0-9.e-]*/s//"discard_rate": 1.5/'
bad region-key '0,/"c_log2": /s//"c_log2x": /'
bad strength '0,/"strength": "proved"/s//"strength": "probably"/'
bad strength-basis '0,/"why": /s//"why_not": /'
# Every claim entry says where it drew (issue 11): cases and the region.
grep -q '"min_sigma_k_over_sigma_1"' "$j" || { echo "FAIL: no region recorded in claims.json"; exit 1; }
echo "OK: claims.json valid; validator rejects 8 broken variants"
