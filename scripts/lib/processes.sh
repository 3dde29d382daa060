# shellcheck shell=bash
# Process helpers for fa-verify's scripts and tests (sourced, bash): which processes are alive,
# which descend from which, and children that die with the shell that started them. Only /proc
# and util-linux (setpriv) and coreutils (timeout), which every Debian system has.

# proc_stat PID: sets PROC_STATE (R, S, Z, ...), PROC_PPID and PROC_START (start time, clock
# ticks after boot: with the pid, it names one process even after the pid is reused). Status 1
# when there is no such process. `read` from /proc forks nothing: polling loops stay cheap.
proc_stat() {
  local stat fields
  { read -r stat < "/proc/$1/stat"; } 2> /dev/null || return 1
  # The command name, field 2, is in parentheses and may itself contain spaces and ')'.
  read -r -a fields <<< "${stat##*) }"
  PROC_STATE=${fields[0]} PROC_PPID=${fields[1]} PROC_START=${fields[19]}
}

# proc_alive PID [START]: PID runs (a zombie has ended: it only waits to be reaped) and, when
# START is given, it is still the process that had that start time.
proc_alive() {
  proc_stat "$1" || return 1
  [[ $PROC_STATE != [ZX] ]] || return 1
  [[ -z ${2:-} || $PROC_START == "$2" ]]
}

# proc_descendants PID: PID's children, their children, ... one "pid start" per line.
proc_descendants() {
  local -A children=()
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    if proc_alive "$pid"; then children[$PROC_PPID]+=" $pid"; fi
  done
  local queue=("$1") next
  while ((${#queue[@]})); do
    next=${queue[0]}
    queue=("${queue[@]:1}")
    for pid in ${children[$next]:-}; do
      if proc_stat "$pid"; then echo "$pid $PROC_START"; fi
      queue+=("$pid")
    done
  done
}

# proc_describe PID: "pid (comm) command line" on one line (at most 160 characters) for messages.
proc_describe() {
  local comm cmdline
  comm=$(cat "/proc/$1/comm" 2> /dev/null) || comm='?'
  cmdline=$(tr '\0\n' '  ' 2> /dev/null < "/proc/$1/cmdline") || cmdline=
  cmdline="$1 ($comm) ${cmdline% }"
  ((${#cmdline} <= 160)) || cmdline="${cmdline:0:157}..."
  echo "$cmdline"
}

# seconds_since START: seconds from START (a value of $EPOCHREALTIME) to now, to 0.01 s.
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# tied CMD...: runs CMD so that the kernel kills it when this shell dies, however it dies, a
# SIGKILL included (a trap cannot catch that): setpriv sets PR_SET_PDEATHSIG, then execs CMD.
tied() { setpriv --pdeathsig KILL -- "$@"; }

# within SECONDS CMD...: tied, with a deadline (coreutils timeout; exit status 124 when it
# passed). When this shell dies, timeout gets SIGTERM and passes it on to CMD.
within() {
  local seconds=$1
  shift
  setpriv --pdeathsig TERM -- timeout "$seconds" "$@"
}
