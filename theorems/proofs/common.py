"""Shared pieces of the symbolic proofs in theorems/proofs/ (one script per claim).

Each proof script names its claim (CLAIM = "X1") and is named by it (ClaimSpec::proof in
theorems/X1.cpp); `fa-claims proof X1` runs it with /usr/bin/python3 (Debian's python3-sympy).

What a proof is here: the claim's identity written with SymPy's matrix expressions (MatrixSymbol
with SYMBOLIC shapes n x r, r x m, n x m, so one proof covers every shape), both sides printed,
and the difference expanded by SymPy (expand / doit) to the zero matrix. Every proof also states
its claim's false variants (eta for eta^2, a flipped sign, GD's update in FA's place, ...); each
must leave a non-zero residual, which is printed. The script exits 0 only when every identity
reduces to zero AND every false variant does not, and it checks that this decision can fail:
with the identities and the false variants swapped it must reject (self-check).

Traces (X2, F2): SymPy 1.11 does not identify tr(AB) with tr(BA) or tr(A^T) with tr(A). Those two
rules are applied here, by mapping every trace of a product to one representative of its class
under cyclic rotation and transposition (trace_normal_form); the rest is SymPy's expansion.
Derivatives along a flow (F1, F2, F3) are taken by SymPy: d/dh F(Z + h Z', W + h W') at h = 0.
"""

import argparse
import json
import sys
import time

import sympy
from sympy import Identity, MatAdd, MatMul, MatrixSymbol, Trace, Transpose, ZeroMatrix, symbols

# ---- the objects of docs/algorithms.md, with symbolic shapes -------------------------------------

n, m, r = symbols("n m r", integer=True, positive=True)
eta = symbols("eta", positive=True)
h = symbols("h")  # the parameter of a directional derivative (derivative_along)

Z = MatrixSymbol("Z", n, r)  # output layer
W = MatrixSymbol("W", r, m)  # hidden layer
B = MatrixSymbol("B", n, r)  # fixed feedback
Y = MatrixSymbol("Y", n, m)  # target


def residual(Zc, Wc):
    """E = ZW - Y."""
    return Zc * Wc - Y


def gd_step(Zc, Wc, step=eta):
    """GD: Z+ = Z - eta E W^T, W+ = W - eta Z^T E (simultaneous)."""
    E = residual(Zc, Wc)
    return Zc - step * E * Wc.T, Wc - step * Zc.T * E


def fa_step(Zc, Wc, step=eta):
    """FA: Z+ = Z - eta E W^T, W+ = W - eta B^T E."""
    E = residual(Zc, Wc)
    return Zc - step * E * Wc.T, Wc - step * B.T * E


def fa_star_step(Zc, Wc, step=eta, z_uses="average"):
    """FA* (our reconstruction, dynamics/dynamics.hpp): W+ = W - eta B^T E,
    Z+ = Z - eta E ((W + W+)/2)^T. z_uses="new" is the false variant that moves Z with W+."""
    E = residual(Zc, Wc)
    W_next = Wc - step * B.T * E
    W_for_z = (Wc + W_next) / 2 if z_uses == "average" else W_next
    return Zc - step * E * W_for_z.T, W_next


def alignment(Zc, Wc):
    """Q = B^T Z + Z^T B - W W^T."""
    return B.T * Zc + Zc.T * B - Wc * Wc.T


def balance(Zc, Wc):
    """D = Z^T Z - W W^T."""
    return Zc.T * Zc - Wc * Wc.T


def gd_flow(Zc, Wc):
    """GD flow right-hand side: (dZ/dt, dW/dt) = (-E W^T, -Z^T E)."""
    E = residual(Zc, Wc)
    return -E * Wc.T, -Zc.T * E


def fa_flow(Zc, Wc):
    """FA flow right-hand side: (dZ/dt, dW/dt) = (-E W^T, -B^T E)."""
    E = residual(Zc, Wc)
    return -E * Wc.T, -B.T * E


def derivative_along(quantity, flow):
    """d/dt quantity(Z(t), W(t)) along (Z', W') = flow(Z, W), at an arbitrary point (Z, W):
    SymPy differentiates quantity(Z + h Z', W + h W') in h and sets h = 0."""
    dZ, dW = flow(Z, W)
    return quantity(Z + h * dZ, W + h * dW).diff(h).subs(h, 0).doit()


def trace_derivative_along(quantity_matrix, flow):
    """d/dt tr(quantity_matrix(Z, W)) along the flow: the trace of the matrix derivative (the
    trace is linear, so it commutes with d/dh)."""
    return Trace(derivative_along(quantity_matrix, flow))


def sq(A):
    """||A||_F^2 = tr(A^T A)."""
    return Trace(A.T * A)


# ---- trace normal form ----------------------------------------------------------------------------


def _factor_key(f):
    if isinstance(f, Transpose):
        return (f.arg.name, 1)
    return (f.name, 0)


def _factor(key):
    sym = {"Z": Z, "W": W, "B": B, "Y": Y}[key[0]]
    return sym.T if key[1] else sym


def _canonical_word(keys):
    """The representative of a trace monomial under tr(AB) = tr(BA) and tr(A^T) = tr(A): the
    smallest of all rotations of the word and of its transpose (reversed, each factor
    transposed)."""
    transposed = [(k[0], 1 - k[1]) for k in reversed(keys)]
    candidates = []
    for word in (keys, transposed):
        for i in range(len(word)):
            candidates.append(tuple(word[i:] + word[:i]))
    return min(candidates)


def _trace_of(X):
    """tr(X) for a matrix expression X, as a sum of coefficient * tr(canonical product)."""
    X = X.expand().doit()
    if isinstance(X, ZeroMatrix) or X == 0:
        return sympy.Integer(0)
    terms = X.args if isinstance(X, MatAdd) else (X,)
    total = sympy.Integer(0)
    for term in terms:
        if isinstance(term, ZeroMatrix):
            continue
        if isinstance(term, MatMul):
            coeff, mats = term.as_coeff_matrices()
        else:
            coeff, mats = sympy.Integer(1), [term]
        if any(isinstance(f, Identity) for f in mats):
            mats = [f for f in mats if not isinstance(f, Identity)]
        for f in mats:
            if not isinstance(f, (MatrixSymbol, Transpose)) or (
                isinstance(f, Transpose) and not isinstance(f.arg, MatrixSymbol)
            ):
                raise ValueError(f"trace_normal_form: unexpected factor {f} in {term}")
        word = _canonical_word([_factor_key(f) for f in mats])
        total += coeff * Trace(MatMul(*[_factor(k) for k in word]))
    return total


def trace_normal_form(expr):
    """A scalar expression in traces of matrix expressions, with every trace expanded over the
    sums inside it and every trace monomial replaced by its canonical representative; equal
    expressions then have equal normal forms term by term, so their difference expands to 0."""
    expr = sympy.sympify(expr)
    expr = expr.replace(lambda e: isinstance(e, Trace), lambda e: _trace_of(e.arg))
    return sympy.expand(expr)


# ---- statements, the decision, the report ---------------------------------------------------------


class Statement:
    """lhs = rhs. kind "matrix": the difference must expand to the zero matrix; "trace": a scalar
    in traces, compared through trace_normal_form."""

    def __init__(self, name, lhs, rhs, kind="matrix", description=""):
        self.name, self.lhs, self.rhs, self.kind, self.description = name, lhs, rhs, kind, description
        self.residual = None

    def reduce(self):
        if self.kind == "matrix":
            self.residual = (self.lhs - self.rhs).expand().doit()
        else:
            self.residual = trace_normal_form(self.lhs - self.rhs)
        return self.residual

    def is_zero(self):
        res = self.residual
        return isinstance(res, ZeroMatrix) or res == 0


def decide(identities, false_variants):
    """(proved, problems): proved only when every identity's residual is zero and every false
    variant's is not."""
    problems = []
    for s in identities:
        if not s.is_zero():
            problems.append(f"identity '{s.name}' leaves a non-zero residual")
    for s in false_variants:
        if s.is_zero():
            problems.append(f"false variant '{s.name}' reduces to zero (the proof could not fail)")
    return not problems, problems


def _show(label, expr, width=110):
    text = str(expr)
    print(f"  {label}: {text}" if len(text) <= width else f"  {label}:\n    {text}")


SHAPES_TWO_LAYER = "symbolic n, m, r (Z n x r, W r x m, B n x r, Y n x m)"


def prove(claim, title, method, identities, false_variants, hypotheses="none",
          covers="the whole statement", whole_statement=True, shapes=SHAPES_TWO_LAYER):
    """Runs a proof: prints both sides and the expanded residual of every identity and false
    variant, decides, self-checks the decision, writes --json, and exits (0: proved).
    covers says what of the claim's statement the proof establishes; whole_statement=False when
    a part of it is not proved here (the report then does not call the claim proved)."""
    ap = argparse.ArgumentParser(description=f"Symbolic proof of claim {claim}: {title}")
    ap.add_argument("--claim", help="the claim id the caller expects this script to prove")
    ap.add_argument("--json", help="write the result as JSON to this file")
    args = ap.parse_args()
    if args.claim is not None and args.claim != claim:
        print(f"proof error: this script proves claim {claim}, not {args.claim}", file=sys.stderr)
        sys.exit(2)
    start = time.time()
    print(f"claim {claim}: {title}")
    print(f"  method: {method}")
    print(f"  shapes: {shapes}; hypotheses: {hypotheses}")
    print(f"  covers: {covers}")
    for s in identities:
        print(f"identity '{s.name}'")
        _show("lhs", s.lhs)
        _show("rhs", s.rhs)
        _show("expanded residual lhs - rhs", s.reduce())
    for s in false_variants:
        print(f"false variant '{s.name}' ({s.description})")
        _show("lhs", s.lhs)
        _show("rhs", s.rhs)
        _show("expanded residual lhs - rhs (must be non-zero)", s.reduce())
    proved, problems = decide(identities, false_variants)
    # The decision must be able to fail: with the roles swapped (false variants claimed as
    # identities, identities as false variants) it must reject, for both reasons.
    swapped_ok, swapped_problems = decide(false_variants, identities)
    self_check = (
        not swapped_ok
        and any("leaves a non-zero residual" in p for p in swapped_problems)
        and any("reduces to zero" in p for p in swapped_problems)
    )
    verdict = "proved" if proved and self_check else "failed"
    seconds = time.time() - start
    for p in problems:
        print(f"  PROBLEM: {p}")
    print(
        "  self-check: with identities and false variants swapped the proof is "
        + ("rejected, as it must be" if self_check else "NOT rejected: the decision cannot fail")
    )
    print(f"  VERDICT: {verdict} ({'all shapes' if verdict == 'proved' else 'see problems above'}; "
          f"SymPy {sympy.__version__})")
    if args.json:
        out = {
            "id": claim,
            "kind": "symbolic",
            "title": title,
            "method": method,
            "hypotheses": hypotheses,
            "covers": covers,
            "whole_statement": whole_statement,
            "shapes": "all (symbolic n, m, r)" if shapes == SHAPES_TWO_LAYER else shapes,
            "verdict": verdict,
            "sympy": sympy.__version__,
            "script": f"theorems/proofs/{claim}.py",
            "identities": [
                {"name": s.name, "lhs": str(s.lhs), "rhs": str(s.rhs), "residual": str(s.residual),
                 "zero": s.is_zero()} for s in identities
            ],
            "false_variants": [
                {"name": s.name, "description": s.description, "residual": str(s.residual),
                 "zero": s.is_zero()} for s in false_variants
            ],
            "self_check": self_check,
            "problems": problems,
            "seconds": seconds,
        }
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
    sys.exit(0 if verdict == "proved" else 1)
