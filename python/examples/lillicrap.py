#!/usr/bin/env python3
"""Lillicrap et al.'s experiment (Nature Communications 7:13276, 2016): a 30-20-10 linear network
trained by backprop (BP) and feedback alignment (FA); the angle between FA's hidden update and
BP's falls as FA learns to use its random feedback (they report about 85 -> about 30 degrees).

    PYTHONPATH=build/python /usr/bin/python3 python/examples/lillicrap.py --out lillicrap.png

Inputs x ~ N(0, I_30), target map with U[-1, 1] entries, weights U[-0.01, 0.01], feedback
U[-0.5, 0.5]; every draw comes from --seed (the run is faverify.lillicrap_experiment, the same
C++ as the figure of fa-report).
"""
import argparse
import os
import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import faverify

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--steps", type=int, default=3000)
parser.add_argument("--out", default="lillicrap.png")
args, _ = parser.parse_known_args()

run = faverify.lillicrap_experiment(seed=args.seed, steps=args.steps)
step, angle = np.array(run.step), np.array(run.angle_deg)
print(f"seed {args.seed}: angle {angle[0]:.1f} deg at step 0, "
      f"median {np.median(angle[len(angle) // 2:]):.1f} deg over the second half; "
      f"loss BP {run.loss_bp[-1]:.2e}, FA {run.loss_fa[-1]:.2e} at step {step[-1]}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.plot(step, angle, color="tab:red")
ax1.axhline(90, ls="--", color="grey")
ax1.set(xlabel="step", ylabel="degrees", title="angle(FA update, BP update)", ylim=(0, 95))
ax2.semilogy(step, run.loss_bp, label="BP")
ax2.semilogy(step, run.loss_fa, label="FA")
ax2.set(xlabel="step", ylabel="1/2 ||ZW - A||^2", title="expected loss")
ax2.legend()
fig.tight_layout()
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
fig.savefig(args.out, dpi=100)
print("wrote", args.out)

# The statement the example stands for, checked on this run: FA's update starts near 90 degrees
# from BP's (unrelated random directions) and ends well within 90 degrees, and FA learns.
assert angle[0] > 60, f"initial angle {angle[0]:.1f} deg: expected near 90"
assert np.median(angle[len(angle) // 2:]) < 60, "FA's update did not come within 60 deg of BP's"
assert run.loss_fa[-1] < 1e-3 * run.loss_fa[0], "FA did not learn the target map"
