#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, from Debian's slurm-wlm and munge, started as root
# without systemd: munged with a generated key, slurmctld and slurmd in the foreground (-D) in
# their own sessions, a slurm.conf with this machine's real CPUs and memory. Everything (key,
# config, state, logs, pid files) lives in one directory, $FA_SLURM_DIR (default
# /tmp/fa-verify-slurm), and the daemons listen on ports $FA_SLURM_PORT and $FA_SLURM_PORT+1
# (default 16817, 16818), so the system's own SLURM (if any) is untouched.
#
#   bash scripts/slurm_cluster.sh up [--owner PID]  # (re)start; stops leftovers of earlier runs
#   bash scripts/slurm_cluster.sh down              # stop this cluster's jobs and daemons
#   bash scripts/slurm_cluster.sh status            # sinfo
#   eval "$(bash scripts/slurm_cluster.sh env)"     # SLURM_CONF for sbatch, sinfo, squeue, ...
#   bash scripts/slurm_cluster.sh await-jobs SECONDS JOBID...  # until all completed (exit 0),
#                                                   # or one failed or time is up (exit 1)
#
# No name resolution: the controller is SlurmctldHost=localhost(127.0.0.1) (slurmctld takes
# "localhost" as any host's name), the node is NodeName=faverify at NodeAddr=127.0.0.1 (slurmd -N
# faverify) and munged's origin is 127.0.0.1, so nothing looks up this machine's hostname: the
# cluster comes up where /etc/hosts does not list it (minimal images, containers).
#
# Start-up is a sequence of steps (ports, munged, credential round trip, node hardware,
# slurmctld ping, slurmd registration, node idle, a test job), each with a deadline of
# $FA_SLURM_WAIT seconds (default 20); a daemon that exits fails its step at once. A failed step
# ends `up` (exit 1) with the step's name, the likely cause (hostname, cgroup mount, port in
# use, munge key or permissions) and the daemons' last log lines, after stopping everything.
#
# Nothing is left behind. Each daemon's pid is recorded in $FA_SLURM_DIR/run/ the moment it
# starts; `down`, and `up` before it starts, stop exactly those (a pid is killed only while it
# still runs that program with a command line naming $FA_SLURM_DIR), then any process of this
# cluster no pid file names (job steps, jobs, a daemon whose `up` was killed before recording
# it), found by $FA_SLURM_DIR in its command line or SLURM_CONF in its environment: never by
# name alone. With --owner PID (the tests pass their own pid), a watchdog stops the cluster as
# soon as process PID ends, however it ends: a SIGKILL cannot be trapped, so a script cannot
# clean up after itself.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=lib/processes.sh
source "$here/lib/processes.sh"

DIR=${FA_SLURM_DIR:-/tmp/fa-verify-slurm}
PORT=${FA_SLURM_PORT:-16817}
WAIT=${FA_SLURM_WAIT:-20}
NODE=faverify
RUN=$DIR/run
LOG=$DIR/log
export SLURM_CONF=$DIR/etc/slurm.conf

say() { printf 'slurm_cluster: %s\n' "$*" >&2; }

usage_error() {
  say "ERROR: $*"
  say "usage: $0 up [--owner PID] | down | status | env | await-jobs SECONDS JOBID..."
  exit 2
}

# slurm.conf cannot quote a path, and `up` empties $DIR: refuse what could hurt.
[[ $DIR == /?* && $DIR != *[[:space:]]* && $DIR != *//* ]] ||
  usage_error "FA_SLURM_DIR must be an absolute path without spaces (got '$DIR')"
[[ $PORT =~ ^[0-9]{4,5}$ ]] && ((PORT >= 1024 && PORT <= 65534)) ||
  usage_error "FA_SLURM_PORT must be a port in 1024..65534 (it and the next are used; got '$PORT')"
[[ $WAIT =~ ^[0-9]{1,4}$ ]] && ((WAIT > 0)) ||
  usage_error "FA_SLURM_WAIT must be a number of seconds > 0 (got '$WAIT')"

# ---- processes of this cluster ---------------------------------------------------------------

# ours PID PROGRAM: PID runs PROGRAM with a command line that names $DIR: this cluster's, not a
# reused pid nor another cluster's.
ours() {
  local pid=$1 prog=$2 comm
  [[ $pid =~ ^[1-9][0-9]*$ ]] && proc_alive "$pid" || return 1
  { read -r comm < "/proc/$pid/comm"; } 2> /dev/null || return 1
  [[ $comm == "$prog" ]] && grep -qzF -- "$DIR/" "/proc/$pid/cmdline" 2> /dev/null
}

recorded() { cat "$RUN/$1.pid" 2> /dev/null || true; }  # recorded NAME: its pid, if any

running() { ours "$(recorded "$1")" "$2"; }  # running NAME PROGRAM

# stop_pids PID...: SIGTERM, up to 5 s to end, then SIGKILL.
stop_pids() {
  local pid left
  kill -TERM "$@" 2> /dev/null || true
  for _ in {1..50}; do
    left=()
    for pid in "$@"; do proc_alive "$pid" && left+=("$pid"); done
    ((${#left[@]})) || return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2> /dev/null || true
}

# strays: processes of this cluster that no pid file names, one pid per line: a daemon or the
# watchdog whose command line names $DIR, job steps (slurmstepd, which slurmd daemonises) and
# job processes whose environment has this cluster's SLURM_CONF.
strays() {
  local file pid comm known=" $$ $PPID "
  for file in "$RUN"/*.pid; do [[ -s $file ]] && known+="$(< "$file") "; done
  {
    grep -lzF -- "$DIR/" /proc/[0-9]*/cmdline 2> /dev/null | while read -r file; do
      pid=${file#/proc/} pid=${pid%/cmdline}
      { read -r comm < "/proc/$pid/comm"; } 2> /dev/null || continue
      case $comm in
        munged | slurmctld | slurmd) echo "$pid" ;;
        bash) grep -qzx watch "/proc/$pid/cmdline" && echo "$pid" ;;
      esac
    done
    grep -lzx -- "SLURM_CONF=$SLURM_CONF" /proc/[0-9]*/environ 2> /dev/null | while read -r file; do
      pid=${file#/proc/} pid=${pid%/environ}
      { read -r comm < "/proc/$pid/comm"; } 2> /dev/null || continue
      if [[ $comm == slurmstepd ]] || grep -qz '^SLURM_JOB_ID=' "$file" 2> /dev/null; then
        echo "$pid"
      fi
    done
  } | sort -un | while read -r pid; do
    [[ $known == *" $pid "* ]] || ! proc_alive "$pid" || echo "$pid"
  done
}

# job_steps: the pids of this cluster's running job steps (slurmstepd).
job_steps() {
  local file pid comm
  grep -lzx -- "SLURM_CONF=$SLURM_CONF" /proc/[0-9]*/environ 2> /dev/null | while read -r file; do
    pid=${file#/proc/} pid=${pid%/environ}
    if { read -r comm < "/proc/$pid/comm"; } 2> /dev/null && [[ $comm == slurmstepd ]]; then echo "$pid"; fi
  done
}

down() {
  local pid ids name
  # The watchdog first, so that it does not stop the cluster a second time (unless this is it).
  pid=$(recorded watchdog)
  if [[ $pid != "$$" ]] && ours "$pid" bash; then stop_pids "$pid"; fi
  # The jobs, while the controller is there to cancel them; their steps get KillWait (5 s).
  if running slurmctld slurmctld; then
    ids=$(within 5 squeue --noheader --format=%A 2> /dev/null | sort -u) || true
    # shellcheck disable=SC2086  # one argument per job id
    [[ -z $ids ]] || within 5 scancel $ids 2> /dev/null || true
    for _ in {1..100}; do [[ -z $(job_steps) ]] && break; sleep 0.1; done
  fi
  for name in slurmd slurmctld munged; do
    pid=$(recorded "$name")
    if ours "$pid" "$name"; then stop_pids "$pid"; fi
  done
  local left=()
  for pid in $(strays); do
    if proc_alive "$pid"; then left+=("$pid"); fi
  done
  if ((${#left[@]})); then
    say "stopping ${#left[@]} process(es) of this cluster that no pid file named:"
    for pid in "${left[@]}"; do say "  $(proc_describe "$pid")"; done
    stop_pids "${left[@]}"
  fi
  rm -f "$RUN"/*.pid "$RUN/owner"
}

# ---- start-up steps --------------------------------------------------------------------------

STEP="" STEP_STARTED=$EPOCHREALTIME UP_STARTED=$EPOCHREALTIME OWNER="" OWNER_START="" TIMES=""
# step NAME: the next start-up step. A run whose owner has ended stops here (its watchdog has
# already stopped the cluster, or is doing so).
step() {
  [[ -z $STEP ]] || TIMES+="${TIMES:+, }$STEP $(seconds_since "$STEP_STARTED")"
  STEP=$1 STEP_STARTED=$EPOCHREALTIME
  owner_alive || fail "process $OWNER, the owner, has ended"
}
owner_alive() { [[ -z $OWNER ]] || proc_alive "$OWNER" "$OWNER_START"; }

# likely_cause TEXT LOG...: what the message and the logs point at, in the words of a fix.
likely_cause() {
  local text=$1
  shift
  text+=$'\n'$(cat "$@" 2> /dev/null || true)
  if grep -qiE 'address already in use|unable to bind|bind\(\)|listen port|port [0-9]+ is in use' <<< "$text"; then
    echo "a port in use: $PORT or $((PORT + 1)) (FA_SLURM_PORT=N picks N and N+1; the system's own SLURM uses 6817-6818)"
  fi
  if grep -qiE 'unable to resolve|not a valid controller|getaddrinfo|lookup' <<< "$text"; then
    echo "name resolution: a daemon looked up a host name (this machine's hostname is '$(hostname)'; is slurm.conf the one written here?)"
  fi
  if grep -qi 'cgroup' <<< "$text"; then
    echo "no usable cgroup filesystem at /sys/fs/cgroup: slurmd 22.05 needs the system's cgroup mounts there even with proctrack/linuxproc (in a chroot: mount --rbind /sys CHROOT/sys)"
  fi
  if grep -qiE 'key ?file|insecure|munge|credential|permission denied' <<< "$text"; then
    echo "munge: its key or the permissions on the way to it (munged runs as user munge and must reach $DIR/munge and $DIR/run; no directory above them may be writable by others unless sticky)"
  fi
}

# fail WHAT [LOG...]: the current step failed: says which, after how long, why it probably did,
# shows the logs, stops everything.
fail() {
  local what=$1 log cause
  shift
  say "ERROR: step '$STEP' failed after $(seconds_since "$STEP_STARTED") s: $what"
  while read -r cause; do [[ -z $cause ]] || say "likely cause: $cause"; done < <(likely_cause "$what" "$@")
  for log in "$@"; do
    [[ -s $log ]] || continue
    say "---- last lines of $log"
    tail -n 15 "$log" >&2
  done
  down
  say "stopped everything this run had started"
  exit 1
}

logs_of() {  # logs_of DAEMON: its log files
  case $1 in
    munged) echo "$LOG/munged.log $LOG/munged.out" ;;
    *) echo "$LOG/$1.log $LOG/$1.out" ;;
  esac
}

# await DAEMON PROBE...: runs PROBE every 0.2 s until it succeeds; the step fails as soon as
# DAEMON exits, or after $WAIT seconds.
await() {
  local daemon=$1 deadline=$((SECONDS + WAIT))
  shift
  until "$@"; do
    # Alive, not `running`: right after the start its pid may not have exec'd the daemon yet.
    # shellcheck disable=SC2046  # the log file names
    proc_alive "$(recorded "$daemon")" || fail "$daemon exited" $(logs_of "$daemon")
    owner_alive || fail "process $OWNER, the owner, has ended"
    # shellcheck disable=SC2046
    ((SECONDS < deadline)) || fail "not done within ${WAIT} s (FA_SLURM_WAIT)" $(logs_of "$daemon")
    sleep 0.2
  done
}

# start_daemon NAME CMD...: CMD in a session of its own, parented to init rather than to this
# script: neither Ctrl-C (SIGINT to the terminal's process group) nor ctest's kill of a timed-out
# test's process tree stops it before `down` has cancelled its jobs. Its pid is recorded at once.
start_daemon() {
  local name=$1
  shift
  (setsid "$@" > "$LOG/$name.out" 2>&1 < /dev/null & echo $! > "$RUN/$name.pid")
}

# listener PORT: the process listening on TCP PORT (status 1 if none).
listener() {
  local inode link
  inode=$(awk -v port=":$(printf '%04X' "$1")" \
    '$4 == "0A" && substr($2, length($2) - 4) == port { print $10; exit }' \
    /proc/net/tcp /proc/net/tcp6 2> /dev/null)
  [[ -n $inode ]] || return 1
  link=$(find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2> /dev/null | head -n 1)
  if [[ -n $link ]]; then link=${link#/proc/} && proc_describe "${link%%/*}"; else echo "?"; fi
}

ctld_up() { [[ $(within 5 scontrol ping 2> /dev/null) == *"is UP"* ]]; }
node_state() { within 5 sinfo --noheader --nodes="$NODE" --format=%t 2> /dev/null | head -n 1; }
# Registered: the controller hears from slurmd (a state without "*", not "unk").
node_registered() {
  local state
  state=$(node_state)
  [[ -n $state && $state != *'*' && $state != unk* ]]
}
node_idle() {
  local state reason
  state=$(node_state)
  case $state in
    idle) return 0 ;;
    drain* | down* | inval* | fail*)
      reason=$(within 5 scontrol show node "$NODE" 2> /dev/null | grep -o 'Reason=.*' || true)
      fail "node $NODE is '$state': ${reason:-no reason given}" "$LOG/slurmctld.log" "$LOG/slurmd.log"
      ;;
  esac
  return 1
}

# await_jobs SECONDS JOBID...: polls the jobs (every task of an array) until all have
# completed; status 1 with their states on stderr as soon as one fails, is cancelled or waits on
# a dependency that can no longer be met, or when SECONDS have passed. (sbatch --wait polls
# every 10 s or so; this takes a fraction of a second.)
await_jobs() {
  local deadline=$((SECONDS + $1)) states job
  shift
  while :; do
    states=$(for job in "$@"; do within 5 scontrol --oneliner show job "$job" 2>&1 || true; done |
      sed -n 's/^JobId=\([0-9]*\).* JobState=\([A-Z_]*\) Reason=\([^ ]*\).*/\1 \2 \3/p')
    if [[ -n $states ]] && ! grep -qv ' COMPLETED ' <<< "$states"; then return 0; fi
    if grep -qE ' (FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED) |DependencyNeverSatisfied' <<< "$states" ||
      ((SECONDS >= deadline)); then
      ((SECONDS < deadline)) || echo "not complete after $1 s" >&2
      echo "job states (id state reason):" >&2
      echo "${states:-none: scontrol show job $* printed no job}" >&2
      return 1
    fi
    sleep 0.2
  done
}

up() {
  local tool
  [[ $(id -u) -eq 0 ]] || { say "ERROR: must run as root (it starts munged, slurmctld and slurmd)"; exit 1; }
  for tool in munged mungekey munge unmunge slurmctld slurmd sbatch sinfo squeue scancel scontrol setsid setpriv timeout; do
    command -v "$tool" > /dev/null || {
      say "ERROR: '$tool' not found: install Debian's slurm-wlm and munge (bash scripts/setup.sh does)"
      exit 1
    }
  done
  if [[ -n $OWNER ]]; then
    proc_alive "$OWNER" || usage_error "--owner $OWNER: no such process"
    OWNER_START=$PROC_START
  fi
  # Another run's cluster in the same directory, still owned by a live process: not ours to stop.
  local other other_start
  if { read -r other other_start < "$RUN/owner"; } 2> /dev/null && [[ $other != "$OWNER" ]] &&
    proc_alive "$other" "$other_start"; then
    say "ERROR: the cluster in $DIR belongs to a running process: $(proc_describe "$other")"
    say "wait for it, or give this run its own FA_SLURM_DIR and FA_SLURM_PORT"
    exit 1
  fi
  down # leftovers of an earlier run
  if [[ -d $DIR && ! -e $DIR/.fa-verify-slurm ]] &&
    [[ -n $(find "$DIR" -mindepth 1 -maxdepth 1 -not -regex '.*/\(etc\|log\|munge\|run\|spool\|state\)') ]]; then
    say "ERROR: $DIR exists and was not made by slurm_cluster.sh: choose another FA_SLURM_DIR"
    exit 1
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"/{etc,state,spool,log,run,munge}
  touch "$DIR/.fa-verify-slurm"
  chmod 755 "$DIR" "$RUN"
  if [[ -n $OWNER ]]; then
    echo "$OWNER $OWNER_START" > "$RUN/owner"
    # The watchdog polls its owner twice a second: a dead process cannot send word.
    start_daemon watchdog bash "$self" watch "$OWNER" "$OWNER_START" "$SLURM_CONF"
  fi

  step "ports $PORT and $((PORT + 1)) free"
  local port holder
  for port in "$PORT" $((PORT + 1)); do
    if holder=$(listener "$port"); then fail "port $port is in use by $holder"; fi
  done

  step "munged"
  # munged runs as user munge; key and its directory private to munge, socket directory
  # reachable by all (munged checks both).
  chown munge:munge "$DIR/munge" "$RUN"
  chmod 700 "$DIR/munge"
  within 10 mungekey --create --keyfile="$DIR/munge/munge.key" > "$LOG/mungekey.out" 2>&1 ||
    fail "mungekey could not create a key" "$LOG/mungekey.out"
  chown munge:munge "$DIR/munge/munge.key"
  touch "$LOG/munged.log" && chown munge:munge "$LOG/munged.log"
  # --foreground: munged stays the process whose pid is recorded (by default it daemonises out
  # of reach); --origin: no lookup of this machine's name.
  start_daemon munged setpriv --reuid=munge --regid=munge --init-groups -- \
    munged --foreground --origin=127.0.0.1 --socket="$RUN/munge.sock" \
    --key-file="$DIR/munge/munge.key" --pid-file="$RUN/munged.daemon.pid" \
    --log-file="$LOG/munged.log" --seed-file="$DIR/munge/munged.seed"
  await munged test -S "$RUN/munge.sock"

  step "munge credential round trip"
  within 5 munge -n -S "$RUN/munge.sock" > "$DIR/munge/credential" 2> "$LOG/munge-roundtrip.out" &&
    within 5 unmunge -S "$RUN/munge.sock" < "$DIR/munge/credential" > /dev/null 2>> "$LOG/munge-roundtrip.out" ||
    fail "a credential made by munge does not decode with unmunge" "$LOG/munge-roundtrip.out" "$LOG/munged.log"

  step "node hardware (slurmd -C)"
  local cpus boards sockets cores threads mem
  # The node's real CPUs and memory, as slurmd itself detects them.
  read -r cpus boards sockets cores threads mem < <(within 10 slurmd -C 2> "$LOG/slurmd-C.out" | awk '/^NodeName/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      print v["CPUs"], v["Boards"], v["SocketsPerBoard"], v["CoresPerSocket"], v["ThreadsPerCore"], v["RealMemory"] }') || true
  [[ -n ${cpus:-} && -n ${mem:-} ]] || fail "slurmd -C did not report this node's CPUs and memory" "$LOG/slurmd-C.out"
  mem=$((mem * 9 / 10)) # leave the system some room: slurmd refuses a node with less than asked
  cat > "$SLURM_CONF" << CONF
# Written by scripts/slurm_cluster.sh: a one-node cluster for fa-verify's tests, addressed on
# the loopback so that no daemon resolves a host name.
ClusterName=faverify
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$RUN/munge.sock
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$RUN/slurmctld.daemon.pid
SlurmdPidFile=$RUN/slurmd.daemon.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=60
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus Boards=$boards SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF

  step "slurmctld ping"
  start_daemon slurmctld slurmctld -D -c -i -f "$SLURM_CONF"
  await slurmctld ctld_up

  step "slurmd registration"
  start_daemon slurmd slurmd -D -N "$NODE" -f "$SLURM_CONF"
  await slurmd node_registered

  step "node idle"
  await slurmd node_idle

  step "job submission"
  local job
  job=$(within 10 sbatch --parsable --job-name=fa-smoke --output="$LOG/smoke-job.out" \
    --wrap 'echo fa-verify smoke job ok' 2> "$LOG/smoke-sbatch.out") ||
    fail "sbatch refused a one-line job" "$LOG/smoke-sbatch.out" "$LOG/slurmctld.log"
  await_jobs "$WAIT" "$job" 2> "$LOG/smoke-sbatch.out" ||
    fail "a one-line job did not complete" "$LOG/smoke-sbatch.out" "$LOG/slurmctld.log" "$LOG/slurmd.log"
  grep -q 'smoke job ok' "$LOG/smoke-job.out" 2> /dev/null ||
    fail "a one-line job completed without its output" "$LOG/smoke-job.out" "$LOG/slurmd.log"

  step finished
  say "up in $(seconds_since "$UP_STARTED") s ($TIMES): node $NODE idle ($cpus CPUs, $mem MB), SLURM_CONF=$SLURM_CONF${OWNER:+, stopped when process $OWNER ends}"
}

# watch OWNER START CONF: stops the cluster when process OWNER (started at START) has ended. CONF
# only marks this command line as this cluster's.
watch() {
  local owner=$1 start=$2
  while proc_alive "$owner" "$start"; do sleep 0.5; done
  say "watchdog: process $owner has ended: stopping the cluster"
  down
  say "watchdog: stopped"
}

case ${1:-} in
  up)
    if [[ ${2:-} == --owner ]]; then
      [[ ${3:-} =~ ^[1-9][0-9]*$ ]] || usage_error "--owner needs a pid (got '${3:-}')"
      OWNER=$3
    elif [[ -n ${2:-} ]]; then
      usage_error "unknown argument '$2'"
    fi
    up
    ;;
  down) down && say "down" ;;
  status) within 10 sinfo ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  await-jobs)
    [[ ${2:-} =~ ^[0-9]+$ && $# -ge 3 ]] || usage_error "await-jobs SECONDS JOBID..."
    shift
    await_jobs "$@"
    ;;
  watch)
    [[ $# -eq 4 ]] || usage_error "watch is internal (watch OWNER START CONF)"
    watch "$2" "$3"
    ;;
  *) usage_error "unknown command '${1:-}'" ;;
esac
