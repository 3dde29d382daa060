#!/usr/bin/python3
"""The benchmark row of user claims (docs/user-claims.md, "Speed"): a user conjecture over FA
on 12 x 12 instances with 2000-step runs, 1000 double and 100 mp cases, against the same property
written as a C++ claim (python/bench/twin_claim.cpp, run by the claim runner in fa-user-twin).
Not a test (no timing threshold anywhere): it prints the times and their ratio; its rows are
rows of fa-bench's bench.json (fa-bench runs this script with --rows when fa-user-twin is
built, as the `bench` target does; --json adds them to an existing bench.json by hand).

    cmake --build build --target fa-user-twin faverify_core
    PYTHONPATH=build/python /usr/bin/python3 python/bench/user_claim_bench.py \
        --twin build/python/fa-user-twin [--json report/bench.json] [--rows]

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


def bench_rows(rows, load_average):
    """The rows as fa-bench writes them in bench.json (case, unit, ours, limit, limit_name,
    ratio: ours relative to the limit, > 1 faster; note), one per scalar and the total: ours is
    the Python claim's throughput in cases per CPU second, the limit the C++ claim's."""
    machine = f"{os.uname().nodename}, {os.cpu_count()} cores, load average {load_average:.1f}"
    out = []
    total = dict(cases=0, python_cpu=0.0, cpp_cpu=0.0, python_wall=0.0, cpp_wall=0.0)
    for r in rows + [None]:
        if r is None:
            r, name = total, "user-claim total (double and mp runs above)"
        else:
            name = (f"user-claim {r['scalar']} 12x12 k=6 r=3, FA 2000 steps, {r['cases']} cases "
                    f"vs the C++ claim")
            for key in total:
                total[key] += r[key]
        out.append({
            "case": name, "unit": "cases/CPU-s", "ours": r["cases"] / r["python_cpu"],
            "limit": r["cases"] / r["cpp_cpu"], "limit_name": "cpp-claim",
            "ratio": r["cpp_cpu"] / r["python_cpu"],
            "python_over_cpp": r["python_cpu"] / r["cpp_cpu"],
            "python_cpu_seconds": r["python_cpu"], "cpp_cpu_seconds": r["cpp_cpu"],
            "python_wall_seconds": r["python_wall"], "cpp_wall_seconds": r["cpp_wall"],
            "note": (f"Python claim {r['python_cpu']:.2f} s CPU ({r['python_wall']:.2f} s wall), "
                     f"C++ claim (fa-user-twin) {r['cpp_cpu']:.2f} s CPU ({r['cpp_wall']:.2f} s "
                     f"wall); Python / C++ = {r['python_cpu'] / r['cpp_cpu']:.2f} (goal <= 1.5); "
                     f"{machine}")})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--twin", required=True, help="the fa-user-twin executable")
    ap.add_argument("--double-cases", type=int, default=1000)
    ap.add_argument("--mp-cases", type=int, default=100)
    ap.add_argument("--json", help="add the rows to this bench.json (replacing earlier ones)")
    ap.add_argument("--rows", action="store_true",
                    help="print the bench.json rows as the last line (what fa-bench reads)")
    args = ap.parse_args()
    if args.double_cases < 1 or args.mp_cases < 1:
        sys.exit("user_claim_bench: --double-cases and --mp-cases must be >= 1")
    if not os.access(args.twin, os.X_OK):
        sys.exit(f"user_claim_bench: --twin {args.twin}: not an executable (cmake --build build "
                 f"--target fa-user-twin)")
    rows = []
    for scalar, cases in [("double", args.double_cases), ("mp", args.mp_cases)]:
        py = time_python(scalar, cases)
        cpp = time_twin(args.twin, scalar, cases)
        # A time is only comparable if both sides ran every case to the same verdict.
        if (py[2], py[3]) != ("verified", cases) or (cpp[2], cpp[3]) != ("verified", cases):
            sys.exit(f"user_claim_bench: {scalar}: Python claim {py[2]} after {py[3]} cases, "
                     f"C++ claim {cpp[2]} after {cpp[3]}: not the same work, no row")
        row = dict(scalar=scalar, cases=cases, python_wall=py[0], python_cpu=py[1],
                   cpp_wall=cpp[0], cpp_cpu=cpp[1])
        rows.append(row)
        print(f"{scalar:6s} {cases:5d} cases: Python claim {py[1]:7.2f} s CPU ({py[0]:7.2f} s "
              f"wall), C++ claim {cpp[1]:7.2f} s CPU ({cpp[0]:7.2f} s wall); Python / C++ "
              f"{py[1] / cpp[1]:.2f} CPU, {py[0] / cpp[0]:.2f} wall", file=sys.stderr, flush=True)
    out = bench_rows(rows, os.getloadavg()[0])
    total = out[-1]
    print(f"total CPU: Python {total['python_cpu_seconds']:.2f} s, C++ "
          f"{total['cpp_cpu_seconds']:.2f} s, Python / C++ {total['python_over_cpp']:.2f} (goal: "
          f"within 1.5x); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          file=sys.stderr, flush=True)
    if args.json:
        data = []
        if os.path.exists(args.json):
            with open(args.json) as f:
                data = json.load(f)
        if not isinstance(data, list):
            sys.exit(f"user_claim_bench: {args.json} is not fa-bench's bench.json (a list of rows)")
        data = [r for r in data if not str(r.get("case", "")).startswith("user-claim ")] + out
        with open(args.json, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
    if args.rows:
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
