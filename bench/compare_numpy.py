#!/usr/bin/python3
"""Times FA steps in numpy on the shapes of fa-bench and compares them with the C++ step.

Usage (run with Debian's interpreter, /usr/bin/python3, which sees python3-numpy):

  bench/compare_numpy.py --cxx build-bench/bench/fa-bench      # C++/numpy ratio for every shape
  bench/compare_numpy.py --numpy-only N M R STEPS              # seconds for STEPS numpy FA steps

fa-bench calls the second form itself (for the numpy rows of its table and of report/bench.json);
the first form runs both sides here, the C++ side through `fa-bench --fa-steps N M R STEPS`, which
times the same number of steps of the same kind of instance. Best of --repeats runs each.

The instance mirrors fa-bench's: Y of rank r with N(0,1)-based factors, B with N(0, 1/n) entries,
small random (Z, W), eta = 0.1 / (sigma_1(Y) max(1, ||B||_2^2)). The FA step is the simultaneous
update of shared/CLAIMS.md: E = ZW - Y, Z <- Z - eta E W^T, W <- W - eta B^T E.
"""
import argparse
import subprocess
import sys
import time

SHAPES = [(64, 64, 8), (256, 256, 32), (1024, 1024, 64)]


def steps_for(n, m, r):
    """About 1e9 flops of FA steps (6 n m r flops each), at least 5 and at most 2000."""
    return max(5, min(2000, int(1e9 // (6 * n * m * r))))


def numpy_seconds(n, m, r, steps, repeats):
    import numpy as np

    rng = np.random.default_rng(12345)
    Y = (rng.standard_normal((n, r)) / np.sqrt(n)) @ (rng.standard_normal((r, m)) / np.sqrt(m))
    B = rng.standard_normal((n, r)) / np.sqrt(n)
    eta = 0.1 / (np.linalg.norm(Y, 2) * max(1.0, np.linalg.norm(B, 2) ** 2))
    best = float("inf")
    for _ in range(repeats):
        Z = rng.standard_normal((n, r)) / 256
        W = rng.standard_normal((r, m)) / 256
        t0 = time.perf_counter()
        for _ in range(steps):
            E = Z @ W - Y
            G = B.T @ E
            Z -= eta * (E @ W.T)
            W -= eta * G
        best = min(best, time.perf_counter() - t0)
    if not np.all(np.isfinite(Z)) or not np.all(np.isfinite(W)):
        raise SystemExit("numpy FA run diverged")
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--numpy-only", nargs=4, type=int, metavar=("N", "M", "R", "STEPS"))
    ap.add_argument("--cxx", help="path to the fa-bench binary")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    if args.numpy_only:
        n, m, r, steps = args.numpy_only
        print(f"{numpy_seconds(n, m, r, steps, args.repeats):.9g}")
        return 0
    if not args.cxx:
        ap.error("give --cxx PATH_TO_fa-bench (or --numpy-only N M R STEPS)")

    print(f"{'shape':>16} {'steps':>6} {'numpy s':>10} {'C++ s':>10} {'numpy/C++':>10}")
    for n, m, r in SHAPES:
        steps = steps_for(n, m, r)
        t_np = numpy_seconds(n, m, r, steps, args.repeats)
        out = subprocess.run([args.cxx, "--fa-steps", str(n), str(m), str(r), str(steps),
                              "--repeats", str(args.repeats)],
                             check=True, capture_output=True, text=True).stdout
        t_cxx = float(out.split()[0])
        print(f"{f'{n}x{m}x{r}':>16} {steps:>6} {t_np:>10.4g} {t_cxx:>10.4g} {t_np / t_cxx:>10.2f}")
    print("numpy/C++ > 1: the C++ step is that many times faster (same number of steps).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
