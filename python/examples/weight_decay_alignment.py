#!/usr/bin/env python3
"""Song, Xu & Lafferty (NeurIPS 2021): with random feedback, weight decay is what makes the
weights align with the feedback. One over-parameterised instance, FA with and without weight
decay (the same C++ step claim L7 checks, dynamics/literature.hpp: regularised_step):

    PYTHONPATH=build/python /usr/bin/python3 python/examples/weight_decay_alignment.py
"""
import faverify

common = dict(n=4, m=5, rank_of_y=4, r=16, init="small", init_log2=-2, seed=3, steps=4000,
              tol=-1)
plain = faverify.run(**common, weight_decay=0.0)
decayed = faverify.run(**common, weight_decay=1 / 16)
for name, res in [("lambda = 0", plain), ("lambda = 1/16", decayed)]:
    print(f"{name:14s} cos(Z, B) {res.trace['cos_z_b'][-1]:+.3f}   "
          f"loss {res.final_loss:.3e}   (fa-check run --weight-decay {res.weight_decay} ...)")
# The statement of L7 on this instance: decay aligns Z with the feedback B.
raise SystemExit(0 if decayed.trace["cos_z_b"][-1] > plain.trace["cos_z_b"][-1] else 1)
