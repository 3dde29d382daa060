#!/usr/bin/env bash
# A SLURM test killed hard (SIGKILL: no trap runs) leaves nothing behind, and the next run is
# green. Three runs of map_on_slurm.sh are killed:
#   A. while its map jobs run: the cluster's watchdog must stop the jobs and daemons;
#   B. during the cluster's start-up (slurmctld up, slurmd starting): likewise;
#   C. while its map jobs run, together with the watchdog: the daemons and jobs then live on
#      (checked: this is what the check must be able to see), and the next `up` must stop them
#      by their pid files (and the jobs by their environment) before it starts a green cluster.
# "Nothing" is every process recorded at the kill (daemons from the pid files, job steps and
# job processes from their environment, the script's own children) and any process whose
# command line or environment names the cluster's directory: each must be gone (a zombie has
# ended) within a deadline. Usage: killed_midway.sh FA_MAP WORKDIR
set -euo pipefail
fa_map=$1 work=$2
source "$(dirname "$0")/common.sh"
dir=$FA_SLURM_DIR
conf=$dir/etc/slurm.conf

# await_run SECONDS WHAT CMD...: polls CMD every 0.1 s while the run started last (MAP_PID)
# goes on; the test fails when that run ends first (its log shows why) or after SECONDS.
await_run() {
  local seconds=$1 deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    if ! proc_alive "$MAP_PID" || ((SECONDS >= deadline)); then
      echo "FAIL: no $what within $seconds s, or the run ended first; its output:"
      tail -n 30 "$work/$RUN_NAME.log"
      exit 1
    fi
    sleep 0.1
  done
}

# The pids of the cluster's processes, "pid start" per line: pid files, and every process
# whose command line or environment names $dir (this script's own environment does not: it
# only has FA_SLURM_DIR, without the trailing slash).
cluster_processes() {
  local file pid
  {
    cat "$dir"/run/*.pid 2> /dev/null || true
    # (grep's status is 2 when a process ended while it read /proc)
    grep -lzF -- "$dir/" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2> /dev/null |
      sed 's|^/proc/\([0-9]*\)/.*|\1|' || true
  } | sort -un | while read -r pid; do
    if [[ $pid != "$$" && $pid != "$BASHPID" ]] && proc_alive "$pid"; then echo "$pid $PROC_START"; fi
  done
}

job_running() {  # a fa-map process started by slurmstepd for one of the map's jobs
  local file pid comm
  for file in $(grep -lzx -- "SLURM_CONF=$conf" /proc/[0-9]*/environ 2> /dev/null); do
    pid=${file#/proc/} pid=${pid%/environ}
    if { read -r comm < "/proc/$pid/comm"; } 2> /dev/null && [[ $comm == fa-map ]]; then return 0; fi
  done
  return 1
}
slurmctld_up() { [[ -s $dir/run/slurmctld.pid && -s $dir/run/slurmd.pid ]]; }

# survivors FILE: the processes listed in FILE ("pid start") that still run.
survivors() {
  local pid start
  while read -r pid start; do
    if proc_alive "$pid" "$start"; then echo "$pid"; fi
  done < "$1"
}

# record_and_kill NAME PID...: records the cluster's processes and the descendants of the
# first PID (the script) in $work/NAME.pids, then SIGKILLs the PIDs.
record_and_kill() {
  local name=$1
  shift
  { cluster_processes; proc_descendants "$1"; } | sort -u > "$work/$name.pids"
  { kill -KILL "$@" && wait "$1"; } 2> /dev/null || true
  echo "$name: SIGKILLed $* with $(wc -l < "$work/$name.pids") processes of the test and its cluster running"
}

# expect_all_gone NAME SECONDS: every recorded process ends within SECONDS, and no other
# process of the cluster runs.
expect_all_gone() {
  local name=$1 seconds=$2 t0=$EPOCHREALTIME left
  for _ in $(seq $((seconds * 10))); do
    left=$( (survivors "$work/$name.pids"; cluster_processes | cut -d' ' -f1) | sort -u)
    [[ -n $left ]] || { echo "$name: all gone $(seconds_since "$t0") s after the kill"; return 0; }
    sleep 0.1
  done
  echo "FAIL: $name: still running $seconds s after the kill:"
  for pid in $left; do echo "  $(proc_describe "$pid")"; done
  bash "$cluster" down
  exit 1
}

start_map() {  # start_map NAME: map_on_slurm.sh in the background; sets MAP_PID and RUN_NAME
  tied bash "$here/tests/slurm/map_on_slurm.sh" "$fa_map" "$work/$1" > "$work/$1.log" 2>&1 &
  MAP_PID=$! RUN_NAME=$1
}

# A. Killed while the map's jobs run: the watchdog stops everything.
start_map A
await_run 60 "map job running (run A)" job_running
record_and_kill A "$MAP_PID"
expect_all_gone A 30

# B. Killed during start-up.
start_map B
await_run 60 "slurmctld and slurmd started (run B)" slurmctld_up
record_and_kill B "$MAP_PID"
expect_all_gone B 30

# C. Killed with its watchdog: the daemons and jobs live on...
start_map C
await_run 60 "map job running (run C)" job_running
watchdog=$(cat "$dir/run/watchdog.pid")
record_and_kill C "$MAP_PID" "$watchdog"
sleep 1
alive=$(survivors "$work/C.pids" | wc -l)
pid=$(cat "$dir/run/slurmctld.pid")
if ! proc_alive "$pid"; then
  echo "FAIL: C: slurmctld $pid ended although nothing was left to stop it: this test cannot see a survivor"
  exit 1
fi
echo "C: 1 s after the kill, $alive recorded processes still run (as they must without a watchdog)"
# ... until the next run, which stops them before it starts.
t0=$EPOCHREALTIME
bash "$cluster" up --owner $$
echo "C: the next run stopped the leftovers and came up in $(seconds_since "$t0") s"
left=$(survivors "$work/C.pids")
if [[ -n $left ]]; then
  echo "FAIL: C: the next run left processes of the killed run running:"
  for pid in $left; do echo "  $(proc_describe "$pid")"; done
  exit 1
fi
eval "$(bash "$cluster" env)"
job=$(within 10 sbatch --parsable --output="$work/after.out" --wrap 'echo after the kills')
bash "$cluster" await-jobs 60 "$job"
grep -q 'after the kills' "$work/after.out" || { echo "FAIL: the job after the kills printed nothing"; exit 1; }
bash "$cluster" down
echo "OK: SIGKILLed runs left no process behind (A, B: watchdog; C: the next run), and the next run was green"
