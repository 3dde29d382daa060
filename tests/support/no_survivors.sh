#!/usr/bin/env bash
# A test killed hard leaves no process behind (issue 24). Runs COMMAND below a stand-in parent,
# as ctest runs a test; once a process named PROGRAM runs among the stand-in's descendants,
# SIGKILLs the stand-in (ctest killed: no handler runs) and checks that every process below it at
# that moment, COMMAND and all its descendants, ends within SECONDS (default 10; a zombie has
# ended). Tied processes end within milliseconds: the deadline only separates them from
# survivors on a loaded machine. Fails naming each survivor, then kills it.
# Usage: no_survivors.sh [--within SECONDS] PROGRAM -- COMMAND...
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/processes.sh"
within_seconds=10
if [[ ${1:-} == --within ]]; then within_seconds=${2:-} && shift 2; fi
program=${1:-}
[[ $within_seconds =~ ^[1-9][0-9]*$ && -n $program && ${2:-} == -- && $# -ge 3 ]] ||
  { echo "usage: $0 [--within SECONDS] PROGRAM -- COMMAND..." >&2; exit 2; }
shift 2
log=$(mktemp "${TMPDIR:-/tmp}/no-survivors.XXXXXX")
trap 'rm -f "$log"' EXIT

# running_below PID NAME: a process named NAME runs below PID.
running_below() {
  local pid start comm
  while read -r pid start; do
    if { read -r comm < "/proc/$pid/comm"; } 2> /dev/null && [[ $comm == "$2" ]]; then return 0; fi
  done < <(proc_descendants "$1")
  return 1
}

# The stand-in parent: a shell that runs COMMAND in the background and waits, as ctest does.
bash -c '"$@" & wait' stand-in "$@" > "$log" 2>&1 &
parent=$!
deadline=$((SECONDS + 120))
until running_below "$parent" "$program"; do
  if ! proc_alive "$parent" || ((SECONDS >= deadline)); then
    echo "FAIL: no process '$program' ran below the command within 120 s; its output:"
    tail -n 30 "$log"
    exit 1
  fi
  sleep 0.05
done
proc_descendants "$parent" > "$log.pids"
trap 'rm -f "$log" "$log.pids"' EXIT
{ kill -KILL "$parent" && wait "$parent"; } 2> /dev/null || true
t0=$EPOCHREALTIME
names=$(while read -r pid start; do cat "/proc/$pid/comm" 2> /dev/null || true; done < "$log.pids" |
  sort | uniq -c | awk '{ printf "%s%s x%d", sep, $2, $1; sep = ", " }')
for _ in $(seq $((within_seconds * 20))); do
  left=$(while read -r pid start; do
    if proc_alive "$pid" "$start"; then echo "$pid"; fi
  done < "$log.pids")
  if [[ -z $left ]]; then
    echo "OK: the $(wc -l < "$log.pids") processes below the killed parent ($names) ended within $(seconds_since "$t0") s"
    exit 0
  fi
  sleep 0.05
done
echo "FAIL: processes of the test outlived its killed parent by $within_seconds s:"
for pid in $left; do echo "  $(proc_describe "$pid")"; done
# shellcheck disable=SC2086  # one pid per word
kill -KILL $left 2> /dev/null || true
exit 1
