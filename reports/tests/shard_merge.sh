#!/usr/bin/env bash
# Shard-then-merge equals an unsharded run: runs a subset of the claims (every scalar, ladders
# included) once unsharded and once split into 3 shards in separate directories, merges the
# shards, and compares the two claims.json apart from timing and date fields. Also checks that
# a merge with a shard missing is refused. Usage: shard_merge.sh FA_CLAIMS FA_REPORT WORKDIR
set -euo pipefail
claims=$1 report=$2 work=$3
# Every tool runs tied to this script: killed with it, however it is killed (issue 24).
source "$(dirname "$0")/../../scripts/lib/processes.sh"
subset=(--only A1 A4 R1 R4 X1 X5 X7)
rm -rf "$work" && mkdir -p "$work"

FA_REPORT_DIR=$work/whole tied "$claims" run-all "${subset[@]}" > "$work/whole.log"
tied "$report" --dir "$work/whole" write --no-plots

for i in 0 1 2; do
  FA_REPORT_DIR=$work/shard$i FA_SHARD=$i/3 tied "$claims" run-all "${subset[@]}" > "$work/shard$i.log"
done
# Every job ran in exactly one shard.
whole_jobs=$(ls "$work/whole/parts" | grep -v '^_' | sort)
shard_jobs=$(for i in 0 1 2; do ls "$work/shard$i/parts"; done | grep -v '^_' | sort)
if [[ "$whole_jobs" != "$shard_jobs" ]]; then
  echo "FAIL: the shards' parts are not the unsharded run's"; diff <(echo "$whole_jobs") <(echo "$shard_jobs"); exit 1
fi
for i in 0 1 2; do [[ -n $(ls "$work/shard$i/parts" | grep -v '^_') ]] || { echo "FAIL: shard $i ran nothing"; exit 1; }; done

# A missing shard is refused (and leaves no report); --allow-partial writes what there is.
if tied "$report" --dir "$work/partial" merge --no-plots "$work/shard0" "$work/shard2" 2> "$work/partial.err"; then
  echo "FAIL: merge accepted 2 of 3 shards"; exit 1
fi
grep -q "missing shards 1 of 3" "$work/partial.err" || { echo "FAIL: no 'missing shards' message"; cat "$work/partial.err"; exit 1; }
[[ ! -e $work/partial/claims.json ]] || { echo "FAIL: refused merge wrote a report"; exit 1; }

tied "$report" --dir "$work/merged" merge --no-plots "$work/shard0" "$work/shard1" "$work/shard2"
tied "$report" compare "$work/whole/claims.json" "$work/merged/claims.json"
# And the comparison is not vacuous: a real difference is caught.
sed 's/"verdict": "verified"/"verdict": "refuted"/' "$work/merged/claims.json" > "$work/tampered.json"
if tied "$report" compare "$work/whole/claims.json" "$work/tampered.json" > /dev/null; then
  echo "FAIL: compare missed a changed verdict"; exit 1
fi
echo "OK: 3 shards merged = unsharded run ($(echo "$whole_jobs" | wc -l) parts)"
