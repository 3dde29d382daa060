"""X7 (theorems/X7.cpp): FA* (our reconstruction) conserves Q exactly, for every shape.

After one FA* step from an arbitrary (Z, W): Q(Z+, W+) = Q(Z, W).
"""
from common import Statement, W, Z, alignment, fa_star_step, fa_step, prove

CLAIM = "X7"

prove(
    CLAIM,
    "FA* (reconstruction) conserves Q exactly",
    "SymPy matrix expressions: Q after one FA* step minus Q, expanded",
    [Statement("Q(FA* step) = Q", alignment(*fa_star_step(Z, W)), alignment(Z, W))],
    [
        Statement("new-w-instead-of-average", alignment(*fa_star_step(Z, W, z_uses="new")),
                  alignment(Z, W), description="Z moved with W+ instead of (W + W+)/2"),
        Statement("plain-fa", alignment(*fa_step(Z, W)), alignment(Z, W),
                  description="plain FA in place of FA*"),
    ],
)
