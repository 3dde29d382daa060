#!/usr/bin/env bash
# The regime map on a real SLURM cluster (docs/report.md, "The regime map"): brings up a one-node cluster
# (scripts/slurm_cluster.sh), submits the reduced map as a job array of 4 shards
# (sbatch --array=0-3), merges them in a job that depends on the array (--dependency=afterok),
# and checks that the merged regimes.json equals an unsharded run of the same map apart from
# timings (fa-map compare). Fails, with the failed step, its likely cause and the daemons' logs,
# when the cluster cannot start: it never skips. Leaves nothing behind: the cluster is stopped on
# exit, and by its watchdog if this script is killed (--owner); every command it runs dies with
# it (tied / within). Usage: map_on_slurm.sh FA_MAP WORKDIR
set -euo pipefail
fa_map=$1 work=$2
source "$(dirname "$0")/common.sh"
# Deadline of the map's jobs: about 10 s of work for 2 cores; a loaded machine is slower.
jobs_wait=${FA_SLURM_JOBS_WAIT:-120}

tied bash "$cluster" up --owner $$
eval "$(bash "$cluster" env)"

start=$EPOCHREALTIME
array=$(within 10 sbatch --parsable --array=0-3 --job-name=fa-map --chdir="$work" \
  --output="$work/shard-%a.out" --error="$work/shard-%a.out" \
  --wrap="'$fa_map' --dir \"$work/shard\$SLURM_ARRAY_TASK_ID\" run --reduced --shard \$SLURM_ARRAY_TASK_ID/4")
merge=$(within 10 sbatch --parsable --dependency=afterok:"$array" --job-name=fa-map-merge \
  --chdir="$work" --output="$work/merge.out" \
  --wrap="'$fa_map' --dir '$work/merged' merge '$work/shard0' '$work/shard1' '$work/shard2' '$work/shard3'")
if ! tied bash "$cluster" await-jobs "$jobs_wait" "$array" "$merge"; then
  echo "FAIL: the array job $array (4 shards) and its merge job $merge did not all complete"
  for f in "$work"/*.out; do echo "---- $f" && cat "$f"; done
  within 5 squeue --all || true
  exit 1
fi
echo "slurm: array job $array (4 shards) and merge job $merge done in $(seconds_since "$start") s"
for i in 0 1 2 3; do
  n=$(grep -c '^fa-map: [a-z]*/' "$work/shard-$i.out" || true)
  [[ $n -gt 0 ]] || { echo "FAIL: shard $i ran no cell"; cat "$work/shard-$i.out"; exit 1; }
done

# The same map, unsharded, outside SLURM; the merged result must equal it (timings apart).
tied "$fa_map" --dir "$work/whole" run --reduced > "$work/whole.out"
tied "$fa_map" compare "$work/whole/regimes.json" "$work/merged/regimes.json"
# ... and the comparison is not vacuous: a changed number is caught.
sed '0,/"diverged": [0-9.e-]*/s//"diverged": 0.123/' "$work/merged/regimes.json" > "$work/tampered.json"
if tied "$fa_map" compare "$work/whole/regimes.json" "$work/tampered.json" > /dev/null; then
  echo "FAIL: compare missed a changed number"; exit 1
fi
echo "OK: 4 shards on SLURM merged = the unsharded map ($(grep -c '"command"' "$work/whole/regimes.json") cells)"
