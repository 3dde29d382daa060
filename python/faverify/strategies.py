"""Hypothesis strategies over fa-verify's generators (the xarray.testing.strategies pattern).

``recipes(...)`` draws the recipes the C++ claims draw (generators/recipe.hpp: n, m, k, r,
spectrum, spread, seed, step_log2, init, init_log2, b_scale_log2) from a region stated in the
vocabulary of the C++ ``RecipeSpace`` / ``wide_region``; ``instances(...)`` turns each into the
matrices ``fa::materialise`` builds, bit for bit those of fa-check and fa-claims (the same C++
function, python/tests/test_strategies.py checks it against fa-check's files).

Shrinking goes where RapidCheck's recipe generator goes (generators/arbitrary.hpp): toward small
n and m, rank 1, the first spectrum listed (flat), spread 0, seed 0, the largest step, zero init,
the first init scale and B at its default scale. Every field is drawn from a range that keeps the
recipe valid, so shrinking never leaves the region and no draw is rejected.

An impossible region (``rank="r < k"`` with n = 1, ``k=5`` with n <= 4, ...) raises
``faverify.InputError`` when the strategy is built, not when Hypothesis first draws from it.
"""

import functools
from dataclasses import asdict, dataclass

from hypothesis import strategies as st

from . import InputError
from . import instance as _instance

__all__ = ["Recipe", "recipes", "instances", "SPECTRA", "RANK_RELATIONS", "WIDE_REGION"]

#: Spectra from simple to complex: RapidCheck and Hypothesis shrink toward the first.
SPECTRA = ("flat", "geometric", "gapped", "clustered", "near-tie")

#: Rank relations between r (inner dimension of ZW) and k (rank of Y), as RecipeSpace has them.
RANK_RELATIONS = {
    "any": lambda k, r: True,
    "r >= k": lambda k, r: r >= k,  # FA reaches the optimum (A1)
    "r < k": lambda k, r: r < k,  # the separation regime (A4, R3)
    "r <= k": lambda k, r: r <= k,  # X6's fixed point
    "r = k": lambda k, r: r == k,
}

#: The C++ wide region (generators/arbitrary.hpp, wide_space) without its size schedule:
#: every spectrum, spread <= 12, c = 2^step_log2 in [2^-8, 2^-1], zero or small init at 2^-8,
#: 2^-2, 1, B scaled by 2^-3..2^3. n, m up to ``max_dim`` (recipes' argument, 12 by default:
#: the C++ region's mp bound; 48 in double costs ~60x more per FA step).
WIDE_REGION = dict(spectrum=SPECTRA, spread=(0, 12), step_log2=(-8, -1), init=("zero", "small"),
                   init_log2=(-8, -2, 0), b_scale_log2=(-3, 3))


@dataclass(frozen=True)
class Recipe:
    """A recipe, as generators/recipe.hpp's ``fa::Recipe`` (k is the rank of Y)."""

    n: int
    m: int
    k: int
    r: int
    spectrum: str = "flat"
    spread: int = 0
    seed: int = 0
    step_log2: int = -3
    init: str = "zero"
    init_log2: int = -8
    b_scale_log2: int = 0

    def describe(self):
        """The C++ Recipe::describe() text (the counterexample line of fa-claims)."""
        text = (f"{{n={self.n} m={self.m} k={self.k} r={self.r} spectrum={self.spectrum} "
                f"spread={self.spread} seed={self.seed} step=2^{self.step_log2} init={self.init}")
        if self.init == "small":
            text += f"(2^{self.init_log2})"
        if self.b_scale_log2:
            text += f" B=2^{self.b_scale_log2}"
        return text + "}"

    def instance_kwargs(self):
        """Keyword arguments of faverify.instance (and, apart from step_log2, of faverify.run)."""
        # Field by field: dataclasses.asdict deep-copies, a tenth of a ms per case.
        return dict(n=self.n, m=self.m, rank_of_y=self.k, r=self.r, spectrum=self.spectrum,
                    spread=self.spread, seed=self.seed, step_log2=self.step_log2,
                    init=self.init, init_log2=self.init_log2, b_scale_log2=self.b_scale_log2)

    def fa_check_args(self):
        """The `fa-check run` options that generate this instance."""
        args = [f"--n {self.n}", f"--m {self.m}", f"--rank-of-y {self.k}", f"--r {self.r}",
                f"--spectrum {self.spectrum}", f"--spread {self.spread}", f"--seed {self.seed}",
                f"--step-log2 {self.step_log2}", f"--init {self.init}"]
        if self.init == "small":
            args.append(f"--init-log2 {self.init_log2}")
        if self.b_scale_log2:
            args.append(f"--b-scale-log2 {self.b_scale_log2}")
        return " ".join(args)

    def __repr__(self):
        fields = asdict(self)
        defaults = Recipe(1, 1, 1, 1)
        shown = [f"{k}={v!r}" for k, v in fields.items()
                 if k in ("n", "m", "k", "r") or v != getattr(defaults, k)]
        return f"Recipe({', '.join(shown)})"


def _bounds(value, name, low, high):
    """A fixed int or an inclusive (lo, hi) pair, within [low, high]."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: expected an integer or a (low, high) pair, got bool")
    if isinstance(value, int):
        lo = hi = value
    else:
        try:
            lo, hi = value
        except (TypeError, ValueError):
            raise TypeError(f"{name}: expected an integer or a (low, high) pair, got {value!r}")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
            raise TypeError(f"{name}: expected integers, got {value!r}")
    if lo > hi:
        raise InputError(f"{name}={value!r}: empty range (low > high)")
    if lo < low or hi > high:
        raise InputError(f"{name}={value!r}: must lie in [{low}, {high}]")
    return lo, hi


def _choices(value, name, allowed):
    values = (value,) if isinstance(value, (str, int)) and not isinstance(value, bool) else tuple(value)
    if not values:
        raise InputError(f"{name}: no value given")
    for v in values:
        if allowed is not None and v not in allowed:
            raise InputError(f"{name}: {v!r} is not one of {', '.join(map(str, allowed))}")
    return values


def _clipped(bounds, top):
    return [bounds[0], min(bounds[1], top)]


def _b_scale_order(lo, hi):
    """0, -1, 1, -2, 2, ... within [lo, hi]: the C++ shrink order of B's scale."""
    order = sorted(range(lo, hi + 1), key=lambda a: (abs(a), a > 0))
    return tuple(order)


class _Region:
    """The checked region; feasible (k, r) pairs per min(n, m)."""

    def __init__(self, n, m, k, r, rank):
        self.n, self.m, self.k, self.r = n, m, k, r
        if rank not in RANK_RELATIONS:
            raise InputError(f"rank={rank!r}: expected one of {', '.join(map(repr, RANK_RELATIONS))}")
        self.relation = RANK_RELATIONS[rank]
        self.rank = rank
        top = min(n[1], m[1])
        # Feasibility grows with d = min(n, m) (a larger matrix allows every smaller k and r), so
        # the smallest feasible d bounds n and m from below and every draw above it is valid.
        self.min_dim = next((d for d in range(min(n[0], m[0]), top + 1) if self.pairs(d)), None)
        if self.min_dim is None:
            raise InputError(
                f"impossible region: no recipe has n in {list(n)}, m in {list(m)}, k in "
                f"{list(k)}, r in {list(r)} and {rank} (need 1 <= k <= min(n, m), 1 <= r <= "
                f"min(n, m))")

    def pairs(self, d):
        return [(k, r) for k in range(max(1, self.k[0]), min(self.k[1], d) + 1)
                for r in range(max(1, self.r[0]), min(self.r[1], d) + 1) if self.relation(k, r)]

    @functools.lru_cache(maxsize=None)
    def choices(self, d):
        """The feasible ranks k at min(n, m) = d (increasing) and, for each, the feasible r."""
        rs_of = {}
        for k, r in self.pairs(d):
            rs_of.setdefault(k, []).append(r)
        return tuple(rs_of), {k: tuple(rs) for k, rs in rs_of.items()}


def recipes(*, n=(1, 6), m=None, rank="any", k=None, r=None, spectrum=SPECTRA[:4],
            spread=(0, 3), seed=(0, 2**30 - 1), step_log2=-3, init="zero", init_log2=-8,
            b_scale_log2=0, region=None, max_dim=12):
    """A strategy of :class:`Recipe`: the C++ generators' recipes (generators/arbitrary.hpp).

    Each argument is a fixed value or an inclusive ``(low, high)`` range (choices are a value or a
    sequence, shrinking toward the first). The defaults are the C++ ``RecipeSpace``'s: n, m in
    1..6, any rank relation, spectra flat, geometric, gapped, clustered with spread <= 3,
    c = 2^-3, zero init, B ~ N(0, 1/n). ``region="wide"`` starts from the claims' wide region
    (``WIDE_REGION``) with n, m up to ``max_dim``; explicit arguments then narrow it.

    rank: a relation between r and k: "any", "r >= k", "r < k", "r <= k", "r = k".
    k, r: bounds on the rank of Y and the inner dimension (also clipped to min(n, m)).
    spectrum: names from ``SPECTRA``; spread: log2 of the condition number / gap / cluster width
    (0 for flat; near-tie uses 1..52, the C++ range). step_log2: c's exponent (shrinks toward
    the largest c). init: "zero" and/or "small"; init_log2: scales 2^x of small init (integers
    in [-60, 60]). b_scale_log2: B's scale exponents (shrinks toward 0). max_dim: the largest n
    and m of ``region="wide"``."""
    if isinstance(max_dim, bool) or not isinstance(max_dim, int) or max_dim < 1:
        raise InputError(f"max_dim={max_dim!r}: expected an integer >= 1")
    given = dict(spectrum=spectrum, spread=spread, step_log2=step_log2, init=init,
                 init_log2=init_log2, b_scale_log2=b_scale_log2)
    if region is not None:
        if region != "wide":
            raise InputError(f"region={region!r}: expected 'wide' or None")
        defaults = recipes.__kwdefaults__
        for key, value in WIDE_REGION.items():
            if given[key] == defaults[key]:  # not narrowed by the caller
                given[key] = value
        if n == defaults["n"]:
            n = (1, max_dim)
    n = _bounds(n, "n", 1, 4000)
    m = n if m is None else _bounds(m, "m", 1, 4000)
    k = _bounds(k if k is not None else (1, 4000), "k", 1, 4000)
    r = _bounds(r if r is not None else (1, 4000), "r", 1, 4000)
    spectra = _choices(given["spectrum"], "spectrum", SPECTRA)
    spread_lo, spread_hi = _bounds(given["spread"], "spread", 0, 60)
    if "near-tie" in spectra and (spread_hi < 1 or spread_lo > 52):
        raise InputError("impossible region: a near-tie spectrum needs spread in [1, 52] "
                         "(sigma_{r+1} = 1 - 2^-spread)")
    seed = _bounds(seed, "seed", 0, 2**64 - 1)
    step = _bounds(given["step_log2"], "step_log2", -60, 4)
    inits = _choices(given["init"], "init", ("zero", "small"))
    scales = _choices(given["init_log2"], "init_log2", None)
    for x in scales:
        _bounds(x, "init_log2", -60, 60)
    b_scales = _b_scale_order(*_bounds(given["b_scale_log2"], "b_scale_log2", -30, 30))
    space = _Region(n, m, k, r, rank)
    top = min(n[1], m[1])

    # A field with one possible value is not drawn (Hypothesis' bookkeeping costs per draw),
    # and each strategy is built once, not per draw (st.integers(lo, hi) is a lazy strategy
    # validated again each time it is made: a third of a drawn recipe's cost, measured).
    integers = functools.lru_cache(maxsize=None)(st.integers)
    sampled_from = functools.lru_cache(maxsize=None)(st.sampled_from)

    def integer(draw, lo, hi):
        return lo if lo == hi else draw(integers(lo, hi))

    def choice(draw, values):
        return values[0] if len(values) == 1 else draw(sampled_from(values))

    @st.composite
    def draw_recipe(draw):
        rows = integer(draw, max(n[0], space.min_dim), n[1])
        cols = integer(draw, max(m[0], space.min_dim), m[1])
        ks, rs_of = space.choices(min(rows, cols))
        rank_of_y = choice(draw, ks)
        inner = choice(draw, rs_of[rank_of_y])
        spec = choice(draw, spectra)
        spr = 0 if spec == "flat" else integer(draw, spread_lo, spread_hi)
        if spec == "near-tie":  # the C++ recipe's range for it: [1, 52]
            spr = min(max(spr, 1), 52)
        s = integer(draw, *seed)
        c = step[1] - integer(draw, 0, step[1] - step[0])
        ini = choice(draw, inits)
        scale = choice(draw, scales) if ini == "small" else -8
        b = choice(draw, b_scales)
        return Recipe(rows, cols, rank_of_y, inner, spec, spr, s, c, ini, scale, b)

    strategy = draw_recipe()
    # The region in words, for reports (a composite strategy's repr is only its function's name).
    strategy.region_text = (
        f"recipes: n in {list(n)}, m in {list(m)}, k in {_clipped(k, top)}, r in "
        f"{_clipped(r, top)}, {rank}; "
        f"spectra {', '.join(spectra)}, spread in [{spread_lo}, {spread_hi}]; c = 2^x, x in "
        f"{list(step)}; init {', '.join(inits)}"
        + (f" (scales 2^{list(scales)})" if "small" in inits else "")
        + f"; B scale 2^x, x in {sorted(b_scales)}; seed in {list(seed)}")
    return strategy


def materialise(recipe, precision="double"):
    """faverify.instance of a Recipe (fa::materialise), with the Recipe kept as ``recipe_obj``."""
    inst = _instance(precision=precision, **recipe.instance_kwargs())
    inst["recipe_obj"] = recipe
    return inst


def instances(recipe_strategy=None, *, precision=None, **region):
    """A strategy of instances: ``faverify.instance`` results (Y, B, U, V, s, Z0, W0, eta,
    opt_r, recipe text; with precision=BITS also ``text``: every entry as MPFR decimal text)
    built by the C++ ``fa::materialise`` from ``recipe_strategy`` (default ``recipes(**region)``).
    Shrinks as the recipes do."""
    if recipe_strategy is None:
        recipe_strategy = recipes(**region)
    elif region:
        raise InputError("give either a recipe strategy or region arguments, not both")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int)
                                  or not 16 <= precision <= 100000):
        raise InputError(f"instances: precision={precision!r}: None (double) or a number of "
                         f"bits in [16, 100000]")
    prec = "double" if precision is None else precision
    strategy = recipe_strategy.map(lambda rec: materialise(rec, prec))
    strategy.region_text = "instances of " + getattr(recipe_strategy, "region_text",
                                                     repr(recipe_strategy))
    return strategy
