#!/usr/bin/python3
"""The benchmark row of user claims (docs/user-claims.md, "Speed"): a user conjecture over FA
on 12 x 12 instances with 2000-step runs, 1000 double and 100 mp cases, against the same property
written as a C++ claim (python/bench/twin_claim.cpp, run by the claim runner in fa-user-twin).
Not a test (no timing threshold anywhere): it prints the times and their ratio and, with --json,
adds the row to a bench.json (its "user_claims" key).

    cmake --build build --target fa-user-twin
    PYTHONPATH=build/python /usr/bin/python3 python/bench/user_claim_bench.py \
        --twin build/python/fa-user-twin [--json report/bench.json]

Both sides run the same property on the same region (n = m = 12, any k and r, four spectra,
spread <= 3, c = 2^-3, zero init), the same number of cases, at the same precision (mp: 168 bits,
fa-claims' mp), one after the other in this process's machine state; the draws differ (Hypothesis
and RapidCheck draw differently), so each side is timed over its whole run and per case.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from faverify import user
from faverify.strategies import recipes


@user.claim("U0", statement="FA from zero init: L_2000 <= L_0 on 12 x 12 instances.",
            given=recipes(n=12, m=12, spread=(0, 3)), scalars=("double", "mp"), bits=168,
            cases=1000, mp_cases=100)
def fa_ends_below_its_start(check, recipe):
    run = check.run(recipe, algo="fa", steps=2000, record_every=2000, tol=-1)
    start = check.fro2(check.instance(recipe)["Y"]) / 2
    # Both losses are sums of n m = 144 squares: (n m + r + 2) eps relative each, doubled.
    k = 2 * (recipe.n * recipe.m + recipe.r + 2)
    check.require_le("final loss vs the loss at zero init", run.final_loss,
                     start * (1 + k * check.eps))


def time_twin(twin, scalar, cases):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fragment.json")
        started = time.monotonic()
        p = subprocess.run([twin, "run", "U0", "--scalar", scalar, "--cases", str(cases),
                            "--no-report", "--json", out], capture_output=True, text=True)
        seconds = time.monotonic() - started
        if p.returncode != 0:
            sys.exit(f"fa-user-twin failed:\n{p.stdout}{p.stderr}")
        with open(out) as f:
            frag = json.load(f)
    return seconds, frag["verdict"], frag["cases"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--twin", required=True, help="the fa-user-twin executable")
    ap.add_argument("--double-cases", type=int, default=1000)
    ap.add_argument("--mp-cases", type=int, default=100)
    ap.add_argument("--json", help="add the row to this bench.json")
    args = ap.parse_args()
    rows = []
    for scalar, cases in [("double", args.double_cases), ("mp", args.mp_cases)]:
        started = time.monotonic()
        row = fa_ends_below_its_start._run(scalar, None, None, cases)
        py_seconds = time.monotonic() - started
        cpp_seconds, cpp_verdict, cpp_cases = time_twin(args.twin, scalar, cases)
        rows.append(dict(scalar=scalar, cases=cases, python_seconds=round(py_seconds, 3),
                         python_verdict=row.verdict, python_cases=row.cases,
                         cpp_seconds=round(cpp_seconds, 3), cpp_verdict=cpp_verdict,
                         cpp_cases=cpp_cases, ratio=round(py_seconds / cpp_seconds, 3)))
        print(f"{scalar:6s} {cases:5d} cases: Python claim {py_seconds:8.2f} s ({row.verdict}), "
              f"C++ claim {cpp_seconds:8.2f} s ({cpp_verdict}), ratio {py_seconds / cpp_seconds:.2f}",
              flush=True)
    total_py = sum(r["python_seconds"] for r in rows)
    total_cpp = sum(r["cpp_seconds"] for r in rows)
    print(f"total: Python {total_py:.2f} s, C++ {total_cpp:.2f} s, ratio {total_py / total_cpp:.2f}"
          f" (goal: within 1.5x)")
    if args.json:
        data = {}
        if os.path.exists(args.json):
            with open(args.json) as f:
                data = json.load(f)
        data["user_claims"] = dict(rows=rows, ratio=round(total_py / total_cpp, 3),
                                   machine=os.uname().nodename, cores=os.cpu_count(),
                                   date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        with open(args.json, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
