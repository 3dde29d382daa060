#!/usr/bin/python3
"""Independent checks of separation certificates (certify/certificates.hpp; issue 22, item 6).

Reads the JSON that `fa-mutants certificate NAME` writes: instances (Y, B as doubles, which are
exact binary fractions) each with two certificates, the one under test (a certificate falsifier,
certify/certificate_falsifiers.hpp, or the real one for the control) and the real one. Recomputes
what a certificate states with code that shares nothing with certify/ (no FLINT, no Eigen):

* small instances ("exact"): SymPy's exact rationals. rank(Y), rank(B^T Y) and ||Y||_F^2 must be
  equal; err* = ||Y (I - P)||_F^2, P the orthogonal projector onto row(B^T Y), must be equal; and
  opt_r = tr(G) - (sum of the r largest eigenvalues of G = Y^T Y or Y Y^T) is isolated between
  rational bounds lo <= opt_r <= hi from the real roots of G's characteristic polynomial (SymPy's
  root isolation, refined to width < 2^-80 (tr(G) + 1)): a stated upper bound on opt_r must be >= lo.
* large instances ("svd"): Eckart-Young from NumPy's SVD (LAPACK dgesdd) in double. The LAPACK
  Users' Guide (section 4.9, "Error bounds for the singular value decomposition") bounds each
  computed singular value by |s_i - sigma_i| <= p(m, n) eps ||Y||_2, p a modestly growing
  function; we take p(m, n) = sqrt(m n), eps = 2^-52 (double's epsilon, twice the unit roundoff
  LAPACK uses) and ||Y||_F >= ||Y||_2, so delta = sqrt(m n) 2^-52 ||Y||_F (observed errors are
  about eps sigma_1, smaller by at least sqrt(m n)). Then sigma_i >= max(s_i - delta, 0) and
  opt_r = sum_{i > r} sigma_i^2 >= lo = sum_{i > r} max(s_i - delta, 0)^2, computed in exact
  fractions. A certificate's upper bound on opt_r and its err* (the error of a projection of rank
  <= r) must both be >= lo; rank(Y) >= #{i : s_i > delta}; rank(B^T Y) <= min(r, rank(Y));
  ||Y||_F^2 equal to the exact sum of the squared entries.

The large checks are one-sided (Eckart-Young gives a lower bound on opt_r only): a wrong err* that
is still >= opt_r passes them, so the wrong projector is caught by the exact checks alone.

Prints one JSON object: {"under_test": RESULT, "reference": RESULT}, RESULT = {"passed": bool,
"failures": [...], "checks": n}. Exit 0 when it ran, 2 on bad input.
"""
import json
import math
import sys
from fractions import Fraction

import numpy
import sympy


def frac(text_or_number):
    """An exact number from the certificate ({"fraction": "p/q"}) or from a double."""
    if isinstance(text_or_number, dict):
        return Fraction(text_or_number["fraction"])
    return Fraction(text_or_number)  # exact: a double is a binary fraction


def exact_matrix(rows):
    return sympy.Matrix([[sympy.Rational(f.numerator, f.denominator) for f in map(frac, row)]
                         for row in rows])


def to_fraction(q):
    q = sympy.Rational(q)
    return Fraction(int(q.p), int(q.q))


class Checks:
    def __init__(self, label):
        self.label = label
        self.method = ""
        self.failures = []
        self.count = 0

    def expect(self, ok, name, detail):
        self.count += 1
        if not ok:
            self.failures.append({"instance": self.label, "method": self.method, "check": name,
                                  "detail": detail})


def exact_facts(Y, B, r):
    """rank(Y), rank(B^T Y), ||Y||^2, err*, and lo <= opt_r <= hi, all exact (SymPy)."""
    n, m = Y.shape
    facts = {"rank_y": Y.rank(), "norm_y_sq": to_fraction(sum(v * v for v in Y))}
    M = B.T * Y
    facts["rank_feedback"] = M.rank()
    rows = M.rowspace()
    if rows:
        Q = sympy.Matrix.vstack(*rows)
        P = Q.T * (Q * Q.T).inv() * Q
        R = Y - Y * P
    else:
        R = Y
    facts["err_star"] = to_fraction(sum(v * v for v in R))
    G = Y.T * Y if m <= n else Y * Y.T
    x = sympy.Symbol("x")
    poly = sympy.Poly(G.charpoly(x).as_expr(), x, domain="QQ")
    width = sympy.Rational(G.trace() + 1) / 2**80
    roots = []  # isolating intervals of the eigenvalues, with multiplicity
    for (a, b), mult in poly.intervals(eps=width):
        roots += [(sympy.Rational(a), sympy.Rational(b))] * mult
    roots.sort(key=lambda ab: ab[1], reverse=True)
    top = roots[:r]
    trace = G.trace()
    facts["opt_lo"] = to_fraction(trace - sum(b for _, b in top))
    facts["opt_hi"] = to_fraction(trace - sum(a for a, _ in top))
    return facts


def check_exact(cert, facts, checks):
    for key in ("rank_y", "rank_feedback"):
        checks.expect(cert[key] == facts[key], key,
                      f"certificate {cert[key]}, SymPy {facts[key]} (exact)")
    checks.expect(frac(cert["norm_y_squared"]) == facts["norm_y_sq"], "norm_y_squared",
                  "differs from SymPy's exact ||Y||_F^2")
    err = frac(cert["err_star"])
    checks.expect(err == facts["err_star"], "err_star",
                  f"certificate {float(err):.17g}, SymPy {float(facts['err_star']):.17g} (exact, "
                  f"projector onto row(B^T Y))")
    if cert["opt_r_upper_bound"] is not None:
        upper = frac(cert["opt_r_upper_bound"])
        checks.expect(upper >= facts["opt_lo"], "opt_r_upper_bound",
                      f"stated upper bound {float(upper):.17g} < opt_r >= "
                      f"{float(facts['opt_lo']):.17g} (SymPy root isolation)")
    if cert["separation_proved"]:
        checks.expect(facts["err_star"] > facts["opt_lo"] and facts["err_star"] > 0,
                      "separation_proved", "err* does not exceed opt_r's exact lower bound")


def svd_facts(Yd, r):
    n, m = Yd.shape
    s = numpy.linalg.svd(Yd, compute_uv=False)
    norm_sq = sum(Fraction(float(v)) ** 2 for v in Yd.flat)
    # delta = sqrt(m n) 2^-52 ||Y||_F, rounded up (the factor 1 + 2^-20 covers the rounding of
    # the square roots and the product in double).
    frob_up = Fraction(math.sqrt(float(norm_sq))) * (1 + Fraction(1, 2**20))
    delta = Fraction(math.sqrt(m * n)) * (1 + Fraction(1, 2**20)) * Fraction(1, 2**52) * frob_up
    lower = [max(Fraction(float(v)) - delta, Fraction(0)) for v in s]
    return {"norm_y_sq": norm_sq, "delta": delta,
            "opt_lo": sum((v * v for v in lower[r:]), Fraction(0)),
            "rank_lo": sum(1 for v in lower if v > 0), "min_side": min(n, m)}


def check_svd(cert, facts, r, checks):
    checks.expect(frac(cert["norm_y_squared"]) == facts["norm_y_sq"], "norm_y_squared",
                  "differs from the exact sum of the squared entries")
    lo = facts["opt_lo"]
    if cert["opt_r_upper_bound"] is not None:
        upper = frac(cert["opt_r_upper_bound"])
        checks.expect(upper >= lo, "opt_r_upper_bound",
                      f"stated upper bound {float(upper):.17g} < opt_r >= {float(lo):.17g} "
                      f"(Eckart-Young from the double SVD, delta = {float(facts['delta']):.3g})")
    err = frac(cert["err_star"])
    checks.expect(err >= lo, "err_star",
                  f"err* = {float(err):.17g} < opt_r >= {float(lo):.17g}: no rank-r projection "
                  f"does better than opt_r (Eckart-Young)")
    checks.expect(facts["rank_lo"] <= cert["rank_y"] <= facts["min_side"], "rank_y",
                  f"certificate {cert['rank_y']}, but {facts['rank_lo']} singular values exceed "
                  f"their error bound delta = {float(facts['delta']):.3g}")
    checks.expect(cert["rank_feedback"] <= min(r, cert["rank_y"]), "rank_feedback",
                  f"rank(B^T Y) = {cert['rank_feedback']} > min(r, rank(Y))")


def main():
    if len(sys.argv) != 2:
        print("usage: certificate_oracle.py INSTANCES.json", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    results = {"under_test": Checks(""), "reference": Checks("")}
    for inst in doc["instances"]:
        r = inst["r"]
        if inst["method"] == "exact":
            facts = exact_facts(exact_matrix(inst["Y"]), exact_matrix(inst["B"]), r)
        else:
            facts = svd_facts(numpy.array(inst["Y"], dtype=float), r)
        for which in results:
            checks = results[which]
            checks.label = inst["label"]
            checks.method = inst["method"]
            if inst["method"] == "exact":
                check_exact(inst[which], facts, checks)
            else:
                check_svd(inst[which], facts, r, checks)
    out = {k: {"passed": not c.failures, "failures": c.failures, "checks": c.count}
           for k, c in results.items()}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
