#!/usr/bin/env bash
# The regime map on a real SLURM cluster (docs/report.md, "The regime map"): brings up a one-node
# cluster (scripts/slurm_cluster.sh), submits the reduced map as a job array of 4 shards
# (sbatch --array=0-3 --wait), merges them in a job that depends on the array
# (--dependency=afterok), and checks that the merged regimes.json equals an unsharded run of the
# same map apart from timings (fa-map compare). Fails, with the reason and the daemons' logs,
# when the cluster cannot start: it never skips. Stops the daemons it started on exit.
# Usage: map_on_slurm.sh FA_MAP WORKDIR
set -euo pipefail
fa_map=$1 work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
cluster=$here/scripts/slurm_cluster.sh
export FA_SLURM_DIR=${FA_SLURM_DIR:-/tmp/fa-verify-slurm}
rm -rf "$work" && mkdir -p "$work"

trap 'bash "$cluster" down' EXIT
bash "$cluster" up
eval "$(bash "$cluster" env)"

start=$(date +%s)
array=$(sbatch --parsable --array=0-3 --job-name=fa-map --chdir="$work" \
  --output="$work/shard-%a.out" --error="$work/shard-%a.out" \
  --wrap="'$fa_map' --dir \"$work/shard\$SLURM_ARRAY_TASK_ID\" run --reduced --shard \$SLURM_ARRAY_TASK_ID/4")
merge=$(sbatch --parsable --wait --dependency=afterok:"$array" --job-name=fa-map-merge \
  --chdir="$work" --output="$work/merge.out" \
  --wrap="'$fa_map' --dir '$work/merged' merge '$work/shard0' '$work/shard1' '$work/shard2' '$work/shard3'") || {
  echo "FAIL: the merge job (after array job $array) did not succeed"
  for f in "$work"/*.out; do echo "---- $f"; cat "$f"; done
  squeue --all || true
  exit 1
}
echo "slurm: array job $array (4 shards) and merge job $merge done in $(($(date +%s) - start)) s"
for i in 0 1 2 3; do
  n=$(grep -c '^fa-map: [a-z]*/' "$work/shard-$i.out" || true)
  [[ $n -gt 0 ]] || { echo "FAIL: shard $i ran no cell"; cat "$work/shard-$i.out"; exit 1; }
done

# The same map, unsharded, outside SLURM; the merged result must equal it (timings apart).
"$fa_map" --dir "$work/whole" run --reduced > "$work/whole.out"
"$fa_map" compare "$work/whole/regimes.json" "$work/merged/regimes.json"
# ... and the comparison is not vacuous: a changed number is caught.
sed '0,/"diverged": [0-9.e-]*/s//"diverged": 0.123/' "$work/merged/regimes.json" > "$work/tampered.json"
if "$fa_map" compare "$work/whole/regimes.json" "$work/tampered.json" > /dev/null; then
  echo "FAIL: compare missed a changed number"; exit 1
fi
echo "OK: 4 shards on SLURM merged = the unsharded map ($(grep -c '"command"' "$work/whole/regimes.json") cells)"
