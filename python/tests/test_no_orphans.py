"""A Python process killed hard (SIGKILL: no handler runs, nothing is cleaned up) leaves no
fa-claims behind: the module's fa-claims ties itself to its parent (FA_DIE_WITH_PARENT, the
kernel's PR_SET_PDEATHSIG). The check is shown to see a survivor: a fa-claims started with plain
subprocess, without the tie, outlives its killed parent."""

import os
import signal
import subprocess
import sys
import time

from conftest import tied

# CPU time after which fa-claims runs its cases (0.3 s at the usual 100 ticks a second).
BUSY_TICKS = 30
# A claim run that takes minutes: it is still running when its parent is killed.
LONG_RUN = ["run", "A1", "--scalar", "mp", "--cases", "100000", "--no-report"]
PARENTS = {
    "module": "import faverify\nprint('started', flush=True)\n"
              "faverify.run_claim('A1', scalar='mp', cases=100000)",
    # The same output pipes as the module's (to the Python process, whose death leaves them
    # without a reader): only the tie differs.
    "plain subprocess": "import os, subprocess\nprint('started', flush=True)\n"
                        f"subprocess.run([os.environ['FA_CLAIMS'], *{LONG_RUN!r}], "
                        "capture_output=True)",
}


def _stat(pid):
    """(state, ppid, start time, CPU time in clock ticks) of a process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # after the command name
    except OSError:
        return None
    return fields[0], int(fields[1]), fields[19], int(fields[11]) + int(fields[12])


def _alive(pid, start):
    """pid runs (a zombie has ended) and is the process that started at `start`."""
    st = _stat(pid)
    return st is not None and st[0] not in "ZX" and st[2] == start


def _child_named(parent, name, seconds):
    """(pid, start) of parent's child process `name`, polled every 10 ms for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            st = _stat(entry) if entry.isdigit() else None
            if st and st[1] == parent and st[0] not in "ZX":
                try:
                    with open(f"/proc/{entry}/comm") as f:
                        if f.read().strip() == name:
                            return int(entry), st[2]
                except OSError:
                    pass
        time.sleep(0.01)
    raise AssertionError(f"no child '{name}' of process {parent} within {seconds} s")


def _kill_parent_of_running_fa_claims(kind):
    """Starts a Python process that runs a long fa-claims the `kind` way, SIGKILLs that Python
    process once its fa-claims runs, and returns the fa-claims' (pid, start)."""
    parent = subprocess.Popen(tied([sys.executable, "-c", PARENTS[kind]]),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "started", parent.stderr.read()
        child = _child_named(parent.pid, "fa-claims", 60)
        # Past its start-up output: from then on it writes nothing for minutes. A write into
        # the pipe of a dead parent would end it by SIGPIPE, tie or no tie.
        deadline = time.monotonic() + 60
        while (_stat(child[0]) or ("", 0, "", 0))[3] < BUSY_TICKS:
            assert time.monotonic() < deadline, "fa-claims did not get going within 60 s"
            time.sleep(0.01)
        parent.kill()
        parent.wait()
        return child
    finally:
        if parent.poll() is None:
            parent.kill()


def _ended_within(pid, start, seconds):
    """Seconds it took the process to end, polled every 10 ms, or None if it did not."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if not _alive(pid, start):
            return time.monotonic() - t0
        time.sleep(0.01)
    return None


def test_sigkill_of_python_kills_the_fa_claims_of_the_module():
    pid, start = _kill_parent_of_running_fa_claims("module")
    # The kernel kills it at once; the deadline only turns a survivor into a failure.
    took = _ended_within(pid, start, 10)
    assert took is not None, f"fa-claims {pid} still runs 10 s after its Python was killed"
    print(f"fa-claims {pid} ended {took:.3f} s after its Python process was SIGKILLed")


def test_the_check_sees_an_untied_child_survive():
    pid, start = _kill_parent_of_running_fa_claims("plain subprocess")
    try:
        assert _ended_within(pid, start, 1.0) is None, \
            "an untied fa-claims ended with its parent: this test could not see a survivor"
    finally:
        if _alive(pid, start):
            os.kill(pid, signal.SIGKILL)
