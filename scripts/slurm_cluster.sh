#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, from Debian's slurm-wlm and munge, started as root
# without systemd: munged with a generated key, slurmctld -D and slurmd -D in the background, a
# slurm.conf naming this machine's hostname with its real CPUs and memory. Everything (key,
# config, state, logs, pid files) lives in one directory, $FA_SLURM_DIR (default
# /tmp/fa-verify-slurm), and the daemons listen on ports $FA_SLURM_PORT and $FA_SLURM_PORT+1
# (default 16817, 16818), so the system's own SLURM (if any) is untouched.
#
#   bash scripts/slurm_cluster.sh up       # (re)start: stops leftovers of an earlier run first
#   bash scripts/slurm_cluster.sh down     # stop the daemons started here, by their pids
#   bash scripts/slurm_cluster.sh status   # sinfo
#   eval "$(bash scripts/slurm_cluster.sh env)"   # SLURM_CONF for sbatch, sinfo, squeue, ...
#
# `up` fails (exit 1) with the reason and the daemons' logs when a daemon cannot start or the
# node does not become idle within $FA_SLURM_WAIT seconds (default 60).
set -euo pipefail

DIR=${FA_SLURM_DIR:-/tmp/fa-verify-slurm}
PORT=${FA_SLURM_PORT:-16817}
WAIT=${FA_SLURM_WAIT:-60}
export SLURM_CONF=$DIR/etc/slurm.conf

say() { printf 'slurm_cluster: %s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  for log in "$DIR"/log/*; do
    [[ -s $log ]] || continue
    say "---- last lines of $log"
    tail -n 15 "$log" >&2
  done
  exit 1
}

# Stops a daemon started here: its pid file, and only if that pid still runs that program (a
# pid of an earlier run may have been reused by something else).
stop_pid() {  # stop_pid PIDFILE PROGRAM
  local file=$1 prog=$2 pid
  [[ -s $file ]] || return 0
  pid=$(cat "$file")
  if [[ -r /proc/$pid/comm ]] && [[ $(cat "/proc/$pid/comm") == "$prog"* ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
    [[ -e /proc/$pid ]] && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

down() {
  if [[ -f $SLURM_CONF ]] && [[ -s $DIR/run/slurmctld.pid ]]; then
    scancel --quiet --user=root 2>/dev/null || true  # jobs of this cluster, before its daemons
  fi
  local f
  for f in slurmd.conf.pid slurmd.pid; do stop_pid "$DIR/run/$f" slurmd; done
  for f in slurmctld.conf.pid slurmctld.pid; do stop_pid "$DIR/run/$f" slurmctld; done
  stop_pid "$DIR/run/munged.pid" munged
}

up() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it starts munged, slurmctld and slurmd)"
  for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol; do
    command -v "$tool" > /dev/null ||
      die "'$tool' not found: install Debian's slurm-wlm and munge (bash scripts/setup.sh does)"
  done
  down  # leftovers of an earlier run
  rm -rf "$DIR"
  mkdir -p "$DIR"/{etc,state,spool,log,run,munge}
  chmod 755 "$DIR" "$DIR/run"
  # munged: runs as user munge; key and its directory private to munge, socket directory
  # reachable by all (munged checks both).
  chown munge:munge "$DIR/munge" "$DIR/run"
  chmod 700 "$DIR/munge"
  mungekey --create --keyfile="$DIR/munge/munge.key" > /dev/null 2>&1 ||
    die "mungekey could not create a key"
  chown munge:munge "$DIR/munge/munge.key"
  touch "$DIR/log/munged.log" && chown munge:munge "$DIR/log/munged.log"
  runuser -u munge -- munged --socket="$DIR/run/munge.sock" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" \
    --seed-file="$DIR/munge/munged.seed" || die "munged did not start"
  munge -n -S "$DIR/run/munge.sock" | unmunge -S "$DIR/run/munge.sock" > /dev/null ||
    die "munge credentials do not round-trip through munged"

  local host cpus boards sockets cores threads mem
  host=$(hostname)
  # The node's real CPUs and memory, as slurmd itself detects them.
  read -r cpus boards sockets cores threads mem < <(slurmd -C | awk '/^NodeName/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      print v["CPUs"], v["Boards"], v["SocketsPerBoard"], v["CoresPerSocket"], v["ThreadsPerCore"], v["RealMemory"] }')
  [[ -n ${cpus:-} && -n ${mem:-} ]] || die "slurmd -C did not report this node's CPUs and memory"
  mem=$((mem * 9 / 10))  # leave the system some room: slurmd refuses a node with less than asked
  cat > "$SLURM_CONF" <<CONF
# Written by scripts/slurm_cluster.sh: a one-node cluster for fa-verify's tests.
ClusterName=faverify
SlurmctldHost=$host
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/run/munge.sock
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.conf.pid
SlurmdPidFile=$DIR/run/slurmd.conf.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
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
NodeName=$host CPUs=$cpus Boards=$boards SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  # The daemons in the foreground (-D), in the background of this script; their pids recorded
  # so that 'down' (and the next 'up') stops exactly them.
  setsid slurmctld -D -c -i > "$DIR/log/slurmctld.out" 2>&1 < /dev/null &
  echo $! > "$DIR/run/slurmctld.pid"
  for _ in $(seq 50); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
  scontrol ping 2>/dev/null | grep -q UP || die "slurmctld did not come up"
  setsid slurmd -D > "$DIR/log/slurmd.out" 2>&1 < /dev/null &
  echo $! > "$DIR/run/slurmd.pid"
  local state=""
  for _ in $(seq $((WAIT * 5))); do
    [[ -e /proc/$(cat "$DIR/run/slurmd.pid") ]] || die "slurmd exited"
    state=$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null | head -n 1)
    [[ $state == idle ]] && break
    sleep 0.2
  done
  [[ $state == idle ]] || die "node $host is '${state:-unknown}', not idle, after ${WAIT} s"
  say "up: node $host idle ($cpus CPUs, $mem MB), SLURM_CONF=$SLURM_CONF"
}

case ${1:-} in
  up) up ;;
  down) down; say "down" ;;
  status) sinfo ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
