#!/usr/bin/env bash
# The cluster's start-up fails fast and says why, and comes up without name resolution:
#   port in use     a listener on FA_SLURM_PORT+1: step 'ports', the listener named;
#   munge           the state directory under a group-writable directory without the sticky
#                   bit, which munged refuses: step 'munged', cause munge;
#   no cgroup       an empty tmpfs over /sys/fs/cgroup (private mount namespace): slurmd exits,
#                   step 'slurmd registration', cause cgroup;
#   no hostname     a random hostname (private UTS namespace) that no resolver knows (checked
#                   with getent): the cluster must come up.
# After each failure no process of the cluster may run. The time to each verdict is printed,
# not asserted (ctest's timeout catches a hang). The last two need unshare (root with
# CAP_SYS_ADMIN); where it is refused they are reported as not checked and the test is skipped
# (exit 77) once the others have passed. Usage: startup_failures.sh WORKDIR
set -euo pipefail
work=$1
source "$(dirname "$0")/common.sh"
port=${FA_SLURM_PORT:-16817}
failures=0 unchecked=()

# no_cluster_left DIR: no process whose command line names DIR/ (munged, slurmctld, slurmd, the
# watchdog) runs.
no_cluster_left() {
  local file pid left=""
  for file in $(grep -lzF -- "$1/" /proc/[0-9]*/cmdline 2> /dev/null || true); do
    pid=${file#/proc/} pid=${pid%/cmdline}
    if [[ $pid != "$BASHPID" ]] && proc_alive "$pid" && ! grep -qzx grep "$file"; then
      left+=" $pid"
    fi
  done
  [[ -z $left ]] && return 0
  for pid in $left; do echo "  left running: $(proc_describe "$pid")"; done
  return 1
}

# expect_failure NAME STEP CAUSE [ENV=VALUE...] -- [WRAPPER...]: `up` must fail (exit 1) at STEP
# with a "likely cause" line containing CAUSE and leave nothing running.
expect_failure() {
  local name=$1 step=$2 cause=$3 t0=$EPOCHREALTIME rc=0 dir=$FA_SLURM_DIR
  shift 3
  local envs=()
  while [[ $1 != -- ]]; do [[ $1 == FA_SLURM_DIR=* ]] && dir=${1#*=}; envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$@" bash "$cluster" up > /dev/null 2> "$work/$name.err" || rc=$?
  local verdict="failed (exit $rc) in $(seconds_since "$t0") s"
  if ((rc != 1)) || ! grep -qF "step '$step" "$work/$name.err" ||
    ! grep -qF "likely cause: $cause" "$work/$name.err" || ! no_cluster_left "$dir"; then
    echo "FAIL: $name: expected exit 1 at step '$step' with cause '$cause'; $verdict; it said:"
    sed 's/^/  | /' "$work/$name.err"
    failures=$((failures + 1))
    return 0
  fi
  echo "ok: $name: $verdict at step '$step': $(grep -m1 'likely cause' "$work/$name.err")"
}

# Port in use: a listener on the second port (slurmd's), which no leftover of ours can be.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("listening", flush=True); time.sleep(120)
' $((port + 1)) > "$work/listener.out" &
listener=$!
for _ in {1..100}; do grep -q listening "$work/listener.out" && break; sleep 0.1; done
expect_failure port "ports" "a port in use: $port or $((port + 1))" --
grep -q "in use by $listener " "$work/port.err" || { echo "FAIL: the listener $listener is not named"; failures=$((failures + 1)); }
kill "$listener"

# munge: munged refuses a state directory below a group-writable directory without sticky bit.
mkdir -p "$work/open" && chmod 0777 "$work/open"
expect_failure munge "munged" "munge: its key or the permissions" FA_SLURM_DIR="$work/open/slurm" --

# The last two cases run in private namespaces. --propagation unchanged, then /sys made a
# slave: unshare's default (making / private) fails in a chroot, where / is no mount point.
if unshare --mount --propagation unchanged true 2> /dev/null; then
  # No cgroup filesystem: slurmd 22.05 exits at once.
  expect_failure cgroup "slurmd registration" "no usable cgroup filesystem" -- \
    unshare --mount --propagation unchanged sh -c \
    'mount --make-rslave /sys && mount -t tmpfs none /sys/fs/cgroup && exec "$@"' sh
else
  unchecked+=("no cgroup")
fi
if unshare --uts true 2> /dev/null; then
  # A hostname no resolver knows: the cluster still comes up (issue 24: it used to hang).
  t0=$EPOCHREALTIME
  if unshare --uts sh -c '
      hostname "fa-verify-unknown-$1" || exit 3
      if getent hosts "$(hostname)" > /dev/null; then echo "$(hostname) resolves" >&2; exit 3; fi
      hostname >&2
      bash "$2" up && bash "$2" down' sh "$RANDOM$RANDOM" "$cluster" 2> "$work/hostname.err"; then
    echo "ok: unresolvable hostname ($(head -n 1 "$work/hostname.err")): up and down in $(seconds_since "$t0") s"
  else
    echo "FAIL: the cluster did not come up with an unresolvable hostname:"
    sed 's/^/  | /' "$work/hostname.err"
    failures=$((failures + 1))
  fi
else
  unchecked+=("unresolvable hostname")
fi
((${#unchecked[@]} == 0)) || echo "not checked: ${unchecked[*]} (unshare is refused here: it needs CAP_SYS_ADMIN)"

if ((failures)); then echo "FAIL: $failures case(s)"; exit 1; fi
if ((${#unchecked[@]})); then exit 77; fi
echo "OK: each start-up failure named its step and cause and left nothing running; an unresolvable hostname does not matter"
