"""Long runs release the GIL, report progress only when asked, and stop cleanly on Ctrl-C
(SIGINT): KeyboardInterrupt, and the module is usable afterwards."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import faverify
from conftest import tied

# A run that would take hours: it can only end by being interrupted.
ENDLESS = {
    "double": "faverify.run(n=200, m=200, rank_of_y=20, r=10, steps=10**12, tol=-1)",
    "mpfr": "faverify.run(n=20, m=20, rank_of_y=5, r=3, steps=10**12, tol=-1, precision=200)",
    # A flow at 200 bits with a tolerance of 1e-50: tiny steps, for a very long time.
    "flow": "faverify.run(n=30, m=30, rank_of_y=5, r=3, algo='fa-flow', time=1e6, "
            "flow_tol=1e-50, precision=200, observations=2)",
}


def test_ctrl_c_interrupts_a_long_run():
    """One child process per kind of run, side by side; each gets SIGINT once its run is going."""
    children = {}
    for kind, call in ENDLESS.items():
        script = textwrap.dedent(f"""
            import faverify
            print("started", flush=True)
            try:
                {call}
                print("finished?!", flush=True)
            except KeyboardInterrupt:
                print("interrupted", flush=True)
            res = faverify.run(n=5, m=4, rank_of_y=2, steps=10)
            print("usable", res.status, flush=True)
        """)
        children[kind] = subprocess.Popen(tied([sys.executable, "-c", script]),
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, env=os.environ)
    try:
        for kind, p in children.items():
            assert p.stdout.readline().strip() == "started", kind
        # Let the runs get going (the call itself starts within milliseconds), then Ctrl-C.
        threading.Event().wait(0.5)
        for p in children.values():
            p.send_signal(signal.SIGINT)
        for kind, p in children.items():
            # Not a timing test: the deadline only turns a hang into a failure.
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, f"{kind}: {err}"
            assert out.split("\n")[:2] == ["interrupted", "usable budget exhausted"], \
                f"{kind}: {out}{err}"
    finally:
        for p in children.values():
            if p.poll() is None:
                p.kill()


def test_progress_callback_sees_the_run():
    calls = []
    res = faverify.run(n=60, m=50, rank_of_y=5, r=3, steps=30000, tol=-1,
                       progress=lambda done, total, loss: calls.append((done, total, loss)))
    assert calls, "no progress reported"
    done = [c[0] for c in calls]
    assert done == sorted(done) and all(c[1] == 30000 for c in calls)
    assert calls[-1] == (res.steps, 30000, res.final_loss)  # the final state, once at the end


def test_no_progress_unless_asked(capfd):
    faverify.run(n=20, m=20, rank_of_y=3, steps=2000, tol=-1)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_progress_true_draws_a_line_on_stderr(capsys):
    faverify.run(n=20, m=20, rank_of_y=3, steps=2000, tol=-1, progress=True)
    err = capsys.readouterr().err
    assert "faverify: step 2000/2000 (100%)  loss " in err and err.endswith("\n")


def test_an_exception_in_the_callback_stops_the_run():
    class Stop(Exception):
        pass

    def stop(done, total, loss):
        raise Stop(done)

    with pytest.raises(Stop):
        faverify.run(n=100, m=100, rank_of_y=10, steps=10**9, tol=-1, progress=stop)


def test_flow_progress_reports_time():
    times = []
    res = faverify.run(n=6, m=5, rank_of_y=2, algo="fa-flow", time=20,
                       progress=lambda t, end, loss: times.append((t, end, loss)))
    assert times[-1] == (20.0, 20.0, res.final_loss)
    assert all(0 <= t <= 20 and end == 20 for t, end, _ in times)


def test_runs_in_threads_release_the_gil_and_keep_their_precision():
    """Two MPFR runs at different precisions and a double run, side by side: each gets what it
    gets alone (MPFR's precision is process-wide in Boost 1.74; the module serialises it)."""
    jobs = {
        "mp120": dict(n=8, m=6, rank_of_y=2, steps=3000, precision=120),
        "mp300": dict(n=8, m=6, rank_of_y=2, steps=3000, precision=300),
        "double": dict(n=40, m=30, rank_of_y=4, steps=20000, tol=-1),
    }
    alone = {k: faverify.run(**v) for k, v in jobs.items()}
    together, errors = {}, []

    def work(key):
        try:
            together[key] = faverify.run(**jobs[key])
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for key in jobs:
        assert together[key].precision_bits == alone[key].precision_bits
        assert np.array_equal(together[key].Z, alone[key].Z)
        if key != "double":
            assert np.array_equal(together[key].text["Z"], alone[key].text["Z"])
