#!/usr/bin/python3
"""The benchmark row of user claims (docs/user-claims.md, "Speed"): a user conjecture over FA
on 12 x 12 instances with 2000-step runs, 1000 double and 100 mp cases, against the same property
written as a C++ claim (python/bench/twin_claim.cpp, run by the claim runner in fa-user-twin).
Not a test (no timing threshold anywhere): it prints the times and their ratio and, with --json,
adds the row to a bench.json (its "user_claims" key).

    cmake --build build --target fa-user-twin
    PYTHONPATH=build/python /usr/bin/python3 python/bench/user_claim_bench.py \
        --twin build/python/fa-user-twin [--json report/bench.json]

Both sides run the same property on the same region (n = m = 12, k = 6, r = 3, four spectra,
spread <= 3, c = 2^-3, zero init), the same number of cases, at the same precision (mp: 168 bits,
fa-claims' mp), one after the other; the draws differ (Hypothesis and RapidCheck draw
differently), so each side is timed over its whole run. The ratio is of CPU time (this process's,
the twin's as a child): on a shared machine the wall clock measures the load as much as the code;
both are printed.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from faverify import user
from faverify.strategies import recipes


@user.claim("U0", statement="FA from zero init: L_2000 <= L_0 on 12 x 12 instances.",
            given=recipes(n=12, m=12, k=6, r=3, spread=(0, 3)), scalars=("double", "mp"), bits=168,
            cases=1000, mp_cases=100)
def fa_ends_below_its_start(check, recipe):
    run = check.run(recipe, algo="fa", steps=2000, record_every=2000, tol=-1)
    start = check.fro2(run["Y"]) / 2  # the instance's Y, as the run had it
    # Both losses are sums of n m = 144 squares: (n m + r + 2) eps relative each, doubled.
    k = 2 * (recipe.n * recipe.m + recipe.r + 2)
    check.require_le("final loss vs the loss at zero init", run.final_loss,
                     start * (1 + k * check.eps))


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_twin(twin, scalar, cases):
    """(wall seconds, CPU seconds, verdict, cases) of the C++ claim in its own process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fragment.json")
        cpu, started = child_cpu(), time.monotonic()
        p = subprocess.run([twin, "run", "U0", "--scalar", scalar, "--cases", str(cases),
                            "--no-report", "--json", out], capture_output=True, text=True)
        seconds, cpu = time.monotonic() - started, child_cpu() - cpu
        if p.returncode != 0:
            sys.exit(f"fa-user-twin failed:\n{p.stdout}{p.stderr}")
        with open(out) as f:
            frag = json.load(f)
    return seconds, cpu, frag["verdict"], frag["cases"]


def time_python(scalar, cases):
    """(wall seconds, CPU seconds, verdict, cases) of the Python claim in this process."""
    cpu, started = time.process_time(), time.monotonic()
    row = fa_ends_below_its_start._run(scalar, None, None, cases)
    return time.monotonic() - started, time.process_time() - cpu, row.verdict, row.cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--twin", required=True, help="the fa-user-twin executable")
    ap.add_argument("--double-cases", type=int, default=1000)
    ap.add_argument("--mp-cases", type=int, default=100)
    ap.add_argument("--json", help="add the row to this bench.json")
    args = ap.parse_args()
    rows = []
    for scalar, cases in [("double", args.double_cases), ("mp", args.mp_cases)]:
        py = time_python(scalar, cases)
        cpp = time_twin(args.twin, scalar, cases)
        row = dict(scalar=scalar, cases=cases, python_wall=py[0], python_cpu=py[1],
                   python_verdict=py[2], python_cases=py[3], cpp_wall=cpp[0], cpp_cpu=cpp[1],
                   cpp_verdict=cpp[2], cpp_cases=cpp[3], cpu_ratio=py[1] / cpp[1],
                   wall_ratio=py[0] / cpp[0])
        rows.append({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
        print(f"{scalar:6s} {cases:5d} cases: Python claim {py[1]:7.2f} s CPU ({py[0]:7.2f} s "
              f"wall, {py[2]}), C++ claim {cpp[1]:7.2f} s CPU ({cpp[0]:7.2f} s wall, {cpp[2]}); "
              f"ratio {py[1] / cpp[1]:.2f} CPU, {py[0] / cpp[0]:.2f} wall", flush=True)
    total_py = sum(r["python_cpu"] for r in rows)
    total_cpp = sum(r["cpp_cpu"] for r in rows)
    print(f"total CPU: Python {total_py:.2f} s, C++ {total_cpp:.2f} s, ratio "
          f"{total_py / total_cpp:.2f} (goal: within 1.5x); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.json:
        data = {}
        if os.path.exists(args.json):
            with open(args.json) as f:
                data = json.load(f)
        data["user_claims"] = dict(rows=rows, cpu_ratio=round(total_py / total_cpp, 3),
                                   load_average=os.getloadavg()[0],
                                   machine=os.uname().nodename, cores=os.cpu_count(),
                                   date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        with open(args.json, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
