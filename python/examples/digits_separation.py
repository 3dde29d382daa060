#!/usr/bin/env python3
"""FA and GD on a real matrix with r below its rank: FA stops at its predicted limit err*, GD at
the best rank-r error opt_r (claim A4, "separation").

A script, or a notebook: paste the cells (# %%) one by one; in a notebook the figure shows inline.

    PYTHONPATH=build/python /usr/bin/python3 python/examples/digits_separation.py --out fig.png

The matrix: sklearn's digits (1797 images of 8x8 pixels, python3-sklearn ships them) if sklearn
is installed, else a generated 600 x 64 matrix of rank 30 (faverify.instance). Columns centred,
scaled to sigma_1 = 1.
"""

# %% settings: from the command line when run as a script (a notebook keeps the defaults)
import argparse
import os
import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a script writes a file and needs no display
import matplotlib.pyplot as plt
import numpy as np

import faverify

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--r", type=int, default=4, help="inner dimension, below rank(Y)")
parser.add_argument("--steps", type=int, default=600)
parser.add_argument("--seed", type=int, default=1, help="draws FA's feedback matrix B")
parser.add_argument("--out", default="digits_separation.png")
args, _ = parser.parse_known_args()  # a notebook's kernel arguments are not ours
r, steps = args.r, args.steps

# %% the matrix
try:
    from sklearn.datasets import load_digits

    X, source = load_digits().data, "sklearn digits (1797 images x 64 pixels)"
except ImportError:
    X = faverify.instance(n=600, m=64, rank_of_y=30, spectrum="geometric", spread=8, seed=1).Y
    source = "generated 600 x 64, rank 30 (sklearn not installed)"
X = X - X.mean(axis=0)
Y = X / np.linalg.norm(X, 2)
print(f"Y: {source}, numerical rank {np.linalg.matrix_rank(Y)}; r = {r}")

# %% FA from zero (B drawn from the seed), GD from a small random start (GD from zero never
# moves): the same C++ as `fa-check run`. tol=-1: the whole budget, to see the plateaus.
fa = faverify.run(Y, r=r, algo="fa", steps=steps, tol=-1, seed=args.seed)
gd = faverify.run(Y, r=r, algo="gd", init="small", steps=steps, tol=-1, seed=args.seed)
print(f"FA: ||ZW - Y||^2 = {2 * fa.final_loss:.10g} after {fa.steps} steps")
print(f"GD: ||ZW - Y||^2 = {2 * gd.final_loss:.10g} after {gd.steps} steps")

# %% the separation: FA's predicted limit for this B, err* = ||Y (I - P)||^2 with P projecting
# onto row(B^T Y), against opt_r
est = faverify.limit_estimate(Y, fa.B)
print(f"floating point (not certified): err* = {est.err_star:.10g}, opt_r = {est.opt_r:.10g}, "
      f"err*/opt_r = {est.err_star / est.opt_r:.4f}")
cert = faverify.certify(Y, fa.B)  # exact arithmetic on the doubles of Y and B (FLINT)
print(f"certificate (exact, {cert.seconds:.2f} s): rank(Y) = {cert.rank_y}, "
      f"rank(B^T Y) = {cert.rank_feedback}")
print(f"  err*   = {cert.err_star['decimal']}   (FA's limit ||Y(I-P)||_F^2, exact)")
print(f"  opt_r <= {cert.opt_r_upper_bound['decimal']}   (rounded up)")
print(f"  {cert.verdict}")

# %% the figure
fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=90)
ax.plot(fa.trace["step"], 2 * fa.trace["loss"], label="FA (random feedback B)")
ax.plot(gd.trace["step"], 2 * gd.trace["loss"], label="GD")
ax.axhline(est.err_star, color="C0", ls="--", lw=1, label="FA's predicted limit err*")
ax.axhline(est.opt_r, color="C1", ls=":", lw=1.5, label=f"opt_r (best rank-{r} error)")
ax.set_ylim(0.9 * est.opt_r, 1.05 * max(2 * fa.trace["loss"][0], 2 * gd.trace["loss"][0]))
ax.set_xlabel("step")
ax.set_ylabel(r"$\Vert ZW - Y\Vert_F^2$")
ax.set_title(f"{source.split(' (')[0]}, r = {r}: FA stays above opt_r", fontsize=10)
ax.legend(fontsize=8)
fig.tight_layout()
if "ipykernel" not in sys.modules:
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out)
    print(f"wrote {args.out}")
