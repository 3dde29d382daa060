"""Your own conjecture as a claim: stated in Python, drawn by Hypothesis from the suite's
generators, run in double and MPFR by the same C++ dynamics, shrunk, reported like ours.

A claim is a function of a :class:`Check` and the drawn values, decorated with :func:`claim`::

    from faverify import user
    from faverify.strategies import recipes

    @user.claim("U1", statement="FA's loss never increases from zero init at c = 2^-4",
                given=recipes(n=(2, 5), step_log2=-4), scalars=("double", "mp"), cases=50,
                falsifiers={"c=2": "step constant 2: FA diverges and the loss grows"})
    def fa_loss_monotone(check, recipe):
        c = 1 if check.falsifier == "c=2" else None
        run = check.run(recipe, steps=200, step_log2=c)
        for t in range(1, len(run.loss)):
            check.require_le(f"loss at step {t}", run.loss[t], run.loss[t - 1])

``fa_loss_monotone.check()`` runs it (in each scalar: the claim, then its falsifiers) and returns a
:class:`ClaimReport`; ``python3 -m faverify check FILE.py`` runs every claim of a file, writes
report parts for ``fa-report write``, prints the verdicts and exits 0 when each is the expected
one; under plain pytest the decorated function is a test (``test_*`` names are collected), which
fails unless every verdict is the expected one.

Verdicts per scalar, as fa-claims': ``verified`` (no counterexample in the cases), ``refuted``
(a ``require_*`` or an ``assert`` failed: the shrunk counterexample is recorded), ``inconclusive``
(a claim expected refuted that no case refuted) or ``error`` (the property raised something else:
the traceback and the case are recorded). Strength is always ``tested``.

In ``mp`` every number the check hands out (instances, runs, :meth:`Check.number`) is an
``mpmath.mpf`` at the run's precision, read from the C++ MPFR decimal text (never from a float64),
and arrays are numpy object arrays of them; ``@``, ``+``, ``.T`` work as in double.
"""

import contextlib
import functools
import json
import os
import re
import shlex
import sys
import time
import traceback
import zlib

import numpy as np

from . import InputError
from . import run as _run
from .strategies import Recipe, materialise
from dataclasses import replace

__all__ = ["claim", "Claim", "Check", "ClaimViolation", "ClaimReport", "load_claims",
           "DEFAULT_MP_BITS"]

#: fa-claims' mp scalar: Boost's mpfr_float_50 (50 decimal digits = 168 bits).
DEFAULT_MP_BITS = 168

_ID = re.compile(r"^[A-Z]+[0-9]+(\.[a-z]+)?$")


class ClaimViolation(AssertionError):
    """A require_* that failed: what, quantity, bound and margin, as the C++ Case reports it."""

    def __init__(self, text, what, quantity, bound, margin):
        super().__init__(text)
        self.what, self.quantity, self.bound, self.margin = what, quantity, bound, margin


def _text(x):
    """Full-precision decimal text: 17 significant digits for a double (round-trips), every
    digit of an mpf at its precision."""
    import mpmath

    if isinstance(x, mpmath.mpf):
        return mpmath.nstr(x, int(mpmath.mp.dps) + 3, strip_zeros=False, min_fixed=-1,
                           max_fixed=-1) if x else "0"
    if isinstance(x, (float, np.floating)):
        return repr(float(x)) if float(x).is_integer() else f"{float(x):.17g}"
    return str(x)


def _text_matrix(M):
    return [[_text(v) for v in row] for row in np.atleast_2d(np.asarray(M, dtype=object))]


class Check:
    """What a property sees: the scalar, helpers that record margins, and the C++ instances and
    runs in the scalar under test."""

    def __init__(self, claim, scalar, bits, falsifier, record):
        self.claim, self.scalar, self.bits, self.falsifier = claim, scalar, bits, falsifier
        self._record = record
        self._notes = {}

    # ---- numbers in the scalar under test ----
    @property
    def eps(self):
        """Unit roundoff's double: 2^-52 in double, 2^(1 - bits) in mp (machine epsilon)."""
        if self.scalar == "double":
            return float(np.finfo(float).eps)
        import mpmath

        return mpmath.ldexp(mpmath.mpf(1), 1 - self.bits)

    def number(self, x):
        """x (a decimal string, an int or a float) in the scalar under test; a string is read at
        full precision in mp, never through float64."""
        if self.scalar == "double":
            return float(x)
        import mpmath

        return mpmath.mpf(x)

    def array(self, text_or_values):
        """An array in the scalar under test (mp: an object array of mpf from decimal text)."""
        if self.scalar == "double":
            return np.asarray(text_or_values, dtype=float)
        import mpmath

        a = np.asarray(text_or_values)
        return np.vectorize(mpmath.mpf, otypes=[object])(a) if a.size else a.astype(object)

    def sqrt(self, x):
        if self.scalar == "double":
            return float(np.sqrt(x))
        import mpmath

        return mpmath.sqrt(x)

    def fro2(self, M):
        """||M||_F^2 in the scalar under test."""
        M = np.asarray(M)
        return float(np.sum(M * M)) if self.scalar == "double" else sum((M * M).ravel(),
                                                                          self.number(0))

    def inv(self, M):
        """The inverse of a square matrix (numpy in double, mpmath LU in mp)."""
        if self.scalar == "double":
            return np.linalg.inv(M)
        import mpmath

        inv = mpmath.inverse(mpmath.matrix(np.asarray(M).tolist()))
        return np.array(inv.tolist(), dtype=object)

    # ---- instances and runs: the C++ code in the scalar under test ----
    def _precision(self):
        """double; in mp at fa-claims' precision its own Mp (what its claims compute), else
        MPFR at the claim's bits."""
        from . import _core

        if self.scalar == "double":
            return "double"
        return "mp" if self.bits == _core.mp_bits() else self.bits

    def instance(self, recipe):
        """fa::materialise of a Recipe in this scalar (in mp at 168 bits fa-claims' Mp, as
        run() uses): Y, B, U, V, s, Z0, W0, opt_r (double arrays, or mpf object arrays from the
        MPFR text) and eta (a double value, exact in mp)."""
        if not isinstance(recipe, Recipe):
            raise TypeError(f"instance: expected a faverify.strategies.Recipe, got "
                            f"{type(recipe).__name__}")
        inst = materialise(recipe, self._precision())
        if self.scalar == "double":
            return inst
        out = type(inst)(inst)
        for name, values in inst["text"].items():
            out[name] = self.array(values) if name != "opt_r" else self.number(values)
        out["eta"] = self.number(inst["eta"])
        return out

    def run(self, recipe=None, *, y=None, algo="fa", steps=1000, record_every=1, tol=1e-10,
            **options):
        """One trajectory by the C++ dynamics in this scalar.

        From a Recipe: the instance fa-check builds from it, run as the C++ claims run their
        cases (materialise and run_dynamics, the loss checked for divergence and convergence
        every 10 steps; the iterates are those of ``faverify.run``); ``options`` may override
        the recipe's step_log2, init, init_log2 or b_scale_log2. In mp at fa-claims' precision
        (bits=168, the default) the scalar is fa-claims' own Mp, else MPFR at ``bits``.
        From your own ``y`` (with ``r``, ``seed``, ...): ``faverify.run``, as `fa-check run`.

        Returns a Result with Z, W, Y, B, Z0, W0, final_loss, status, steps, eta and the trace
        (step, loss; ``faverify.run``'s columns for ``y``); in mp the numbers are mpf values
        read from the MPFR text. ``loss`` is the loss trace (every step by default)."""
        from . import Result, _core

        if recipe is not None:
            if y is not None:
                raise InputError("run: give a recipe or y, not both")
            if not isinstance(recipe, Recipe):
                raise TypeError(f"run: expected a faverify.strategies.Recipe, got "
                                f"{type(recipe).__name__}")
            overridable = {"step_log2", "init", "init_log2", "b_scale_log2"}
            unknown = set(options) - overridable
            if unknown:
                raise InputError(f"run: with a recipe, only {', '.join(sorted(overridable))} "
                                 f"may be given, not {', '.join(sorted(unknown))}")
            overrides = {k: v for k, v in options.items() if v is not None}
            if overrides:
                recipe = replace(recipe, **overrides)
            res = Result(_core.run_recipe(recipe.instance_kwargs(), algo=algo, steps=steps,
                                          record_every=record_every, tol=tol,
                                          precision=self._precision()))
        else:
            res = _run(y=y, algo=algo, steps=steps, record_every=record_every, tol=tol,
                       precision=self.bits if self.scalar == "mp" else None, **options)
        if self.scalar == "mp" and "text" in res:
            # MPFR's decimal text, read at the run's precision (never the float64 copies).
            text = res["text"]
            for name, values in text.items():
                if name == "trace":
                    for column, column_values in values.items():
                        res["trace"][column] = self.array(column_values)
                elif isinstance(values, str):
                    res[name] = self.number(values)
                elif values is not None:
                    res[name] = self.array(values)
        res["loss"] = res["trace"]["loss"]
        return res

    # ---- requirements: margins recorded as the C++ Case records them ----
    def note(self, key, value):
        """A note kept with this case's counterexample (as the C++ Case::note)."""
        self._notes[str(key)] = _text(value)

    def _check(self, what, quantity, bound, ok, rel):
        q, b = _to_float(quantity), _to_float(bound)
        scale = abs(b) if b != 0 else 1.0
        margin = ((b - q) if rel == "<=" else (q - b)) / scale
        if ok and q == 0 and b == 0:
            margin = 1.0  # an exact identity holding exactly
        if not np.isfinite(q) or not np.isfinite(margin):
            margin, ok = -float("inf"), False
        self._record.margin(margin, quantity, bound, what)
        if not ok:
            raise ClaimViolation(
                f"claim {self.claim.id} [{self.scalar}] {what}: {_text(quantity)} {rel} "
                f"{_text(bound)} is false (margin {margin:.6g})", what, _text(quantity),
                _text(bound), margin)

    def require_le(self, what, quantity, bound):
        """quantity <= bound; margin (bound - quantity) / abs(bound)."""
        self._check(what, quantity, bound, bool(quantity <= bound), "<=")

    def require_ge(self, what, quantity, bound):
        """quantity >= bound; margin (quantity - bound) / abs(bound)."""
        self._check(what, quantity, bound, bool(quantity >= bound), ">=")

    def require_identity(self, what, residual, scale, k):
        """An exact identity checked to rounding: residual <= k eps scale, k (the number of
        roundings the computation can accumulate) justified by the caller, eps the scalar's."""
        if not k > 0:
            raise InputError(f"require_identity({what!r}): k must be > 0, got {k!r}")
        s = scale if scale > 0 else self.number(1)
        self._check(what, residual, self.number(k) * self.eps * s,
                    bool(residual <= self.number(k) * self.eps * s), "<=")


def _to_float(x):
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


class _Record:
    """What one (claim, scalar) run collected across its cases."""

    def __init__(self):
        self.worst = None
        self.cases = 0
        self.discards = 0
        self.failed_once = False
        self.current_args = ()
        self.drawn = []

    def margin(self, margin, quantity, bound, what):
        # Text only for a new worst case: most cases' margins are not (a few per run are).
        if self.worst is None or margin < self.worst["margin"]:
            self.worst = dict(margin=margin, quantity=_text(quantity), bound=_text(bound),
                              what=what, recipe=_describe_args(self.current_args))


def _describe_args(args):
    parts = []
    for a in args:
        if isinstance(a, Recipe):
            parts.append(a.describe())
        elif isinstance(a, np.ndarray):
            parts.append(np.array2string(a, precision=17, separator=", ", threshold=36)
                         .replace("\n", ""))
        else:
            parts.append(repr(a))
    return ", ".join(parts)


class Claim:
    """A user claim: the property, how its inputs are drawn and what is expected."""

    def __init__(self, func, id, *, statement, given, title=None, source="user",
                 hypotheses="", expected="holds", scalars=("double",), bits=DEFAULT_MP_BITS,
                 cases=100, mp_cases=None, seed=None, falsifiers=None, file=None):
        if not isinstance(id, str) or not _ID.match(id):
            raise InputError(f"claim id {id!r}: must look like our ids (capital letters, digits, "
                             f"an optional .suffix: U1, USER2, U3.mp)")
        if expected not in ("holds", "refuted"):
            raise InputError(f"claim {id}: expected={expected!r}: 'holds' or 'refuted'")
        if not isinstance(statement, str) or not statement.strip():
            raise InputError(f"claim {id}: a statement is required")
        given = given if isinstance(given, (tuple, list)) else (given,)
        from hypothesis.strategies import SearchStrategy

        for g in given:
            if not isinstance(g, SearchStrategy):
                raise TypeError(f"claim {id}: given must be Hypothesis strategies, got "
                                f"{type(g).__name__}")
        scalars = (scalars,) if isinstance(scalars, str) else tuple(scalars)
        for s in scalars:
            if s not in ("double", "mp"):
                raise InputError(f"claim {id}: scalar {s!r}: 'double' or 'mp'")
        if not isinstance(bits, int) or not 16 <= bits <= 100000:
            raise InputError(f"claim {id}: bits={bits!r}: an integer in [16, 100000]")
        for name, value in (("cases", cases), ("mp_cases", 1 if mp_cases is None else mp_cases)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"claim {id}: {name}={value!r}: an integer >= 1")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise InputError(f"claim {id}: seed={seed!r}: a non-negative integer")
        if not isinstance(falsifiers or {}, dict):
            raise TypeError(f"claim {id}: falsifiers must be a dict {{name: description or "
                            f"(description, strategy)}}, got {type(falsifiers).__name__}")
        self.func, self.id, self.statement, self.given = func, id, statement, tuple(given)
        self.title = title or (func.__doc__ or statement).strip().splitlines()[0]
        self.source, self.hypotheses, self.expected = source, hypotheses, expected
        self.scalars, self.bits, self.cases = scalars, bits, cases
        self.mp_cases = mp_cases if mp_cases is not None else cases
        # The default seed is the claim's own (from its id), so two runs agree; FA_SEED as for
        # fa-claims changes it.
        fa_seed = os.environ.get("FA_SEED") or "0"
        if not fa_seed.isdigit():
            raise InputError(f"FA_SEED={fa_seed!r}: expected a non-negative integer")
        self.seed = seed if seed is not None else zlib.crc32(id.encode()) ^ int(fa_seed)
        self.falsifiers = {}
        for name, spec in (falsifiers or {}).items():
            if isinstance(spec, str):
                spec = (spec, None)
            if not (isinstance(name, str) and isinstance(spec, (tuple, list)) and len(spec) == 2
                    and isinstance(spec[0], str)):
                raise TypeError(f"claim {id}: falsifier {name!r}: expected a name and a "
                                f"description, or (description, strategy), got {spec!r}")
            desc, strat = spec
            if strat is not None and not isinstance(strat, (tuple, list)):
                strat = (strat,)
            if strat is not None and not all(isinstance(g, SearchStrategy) for g in strat):
                raise TypeError(f"claim {id}: falsifier {name!r}: its region must be Hypothesis "
                                f"strategies, got {strat!r}")
            self.falsifiers[name] = (desc, strat)
        self.file = file or getattr(sys.modules.get(func.__module__), "__file__", None)
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__

    def as_test(self):
        """The claim as a function of no argument (what @claim returns): pytest collects it when
        it is named test_*, and it fails unless every verdict is the expected one. The claim's
        methods and attributes are reachable through it (``f.check()``, ``f.claim``)."""

        def run_as_test():
            report = self.check(write=False)
            assert report.as_expected, report.text()

        run_as_test.__name__ = self.func.__name__
        run_as_test.__qualname__ = self.func.__qualname__
        run_as_test.__doc__ = self.func.__doc__
        run_as_test.__module__ = self.func.__module__
        run_as_test.claim = self
        run_as_test.check = self.check
        run_as_test._run = self._run
        return run_as_test

    def check(self, *, scalars=None, falsifiers=True, seed=None, cases=None, write=True,
              report_dir=None, out=None):
        """Runs the claim in each scalar, each followed by its falsifiers in that scalar (each
        must flip there, as the C++ claims' falsifiers in each of their scalars); writes one
        report part per scalar when ``write`` (to ``report_dir``, else $FA_REPORT_DIR, else
        ./report). Ctrl-C stops it: what was finished is kept (written, and in the report's
        ``interrupted`` flag) and KeyboardInterrupt propagates."""
        report = ClaimReport(self)
        try:
            for scalar in scalars or self.scalars:
                res = self._run(scalar, None, seed, cases)
                report.rows.append(res)
                if out:
                    out(res)
                for name in self.falsifiers if falsifiers else ():
                    res = self._run(scalar, name, seed, cases)
                    report.falsifier_rows.append(res)
                    if out:
                        out(res)
        except KeyboardInterrupt as stop:
            report.interrupted = True
            row = getattr(stop, "faverify_row", None)
            if row is not None and row.falsifier is None:
                report.rows.append(row)
            raise
        finally:
            if write and report.rows:
                report.write(report_dir)
        return report

    def _run(self, scalar, falsifier, seed, cases):
        """One (scalar, variant) run: Hypothesis with our seed, no example database, the
        shrunk counterexample and its blob recorded."""
        from hypothesis import strategies as st
        from hypothesis.errors import UnsatisfiedAssumption

        import mpmath

        seed = self.seed if seed is None else seed
        n_cases = cases or (self.mp_cases if scalar == "mp" else self.cases)
        bits = self.bits if scalar == "mp" else 53
        strategies = self.given
        if falsifier is not None and self.falsifiers[falsifier][1] is not None:
            strategies = self.falsifiers[falsifier][1]
        record = _Record()
        last = {}
        precision = (functools.partial(mpmath.workprec, bits) if scalar == "mp" else
                     contextlib.nullcontext)

        def prop(args):
            record.current_args = args
            check = Check(self, scalar, bits, falsifier, record)
            try:
                with precision():
                    self.func(check, *args)
            except UnsatisfiedAssumption:
                record.discards += 1
                raise
            except BaseException as e:
                if isinstance(e, KeyboardInterrupt) or type(e).__name__ == "StopTest":
                    raise
                record.failed_once = True
                last.update(args=args, check=check, error=e,
                            tb=traceback.format_exc())
                raise
            if not record.failed_once:
                record.cases += 1
                record.drawn.append(args)

        started = time.monotonic()
        err, blob = None, None
        try:
            if _engine() is not None and os.environ.get("FAVERIFY_HYPOTHESIS") != "given":
                err, blob = _drive_engine(st.tuples(*strategies), prop, n_cases, seed,
                                          getattr(self.func, "_hypothesis_internal_use_"
                                                  "reproduce_failure", None))
            else:
                err = _drive_given(st.tuples(*strategies), prop, n_cases, seed, self.func)
        except KeyboardInterrupt as stop:
            # The cases run so far, as a row without a verdict (reported as error, as fa-claims
            # reports a run that did not finish), carried by the exception to check().
            row = _Row(self, scalar, bits, falsifier, seed, n_cases, record, {}, None,
                       time.monotonic() - started)
            row.verdict, row.interrupted = "error", True
            row.message = (f"interrupted (Ctrl-C) after {record.cases} cases: no verdict" +
                           ("; a counterexample had been found and was being shrunk"
                            if record.failed_once else ""))
            stop.faverify_row = row
            raise
        seconds = time.monotonic() - started
        row = _Row(self, scalar, bits, falsifier, seed, n_cases, record, last, err, seconds)
        row.blob = row.blob or blob
        return row


def _settings(n_cases):
    """Hypothesis settings of a claim run: no example database (a claim's seed reproduces it),
    no deadline (a case's time is the dynamics'), no health checks (a recipe draw is cheap and
    never filtered), one bug (the first, shrunk), and only the phases a claim uses: generate,
    then shrink."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(max_examples=n_cases, database=None, deadline=None, print_blob=True,
                    report_multiple_bugs=False, derandomize=False,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate, Phase.shrink])


@functools.lru_cache(maxsize=None)
def _engine():
    """Hypothesis' engine (ConjectureRunner) and what driving it needs, from the Hypothesis
    installed, or None when these internals moved (another version than Debian 12's 6.67):
    then @given drives the claim, the same cases at about 0.6 ms more per case."""
    try:
        from hypothesis.control import BuildContext
        from hypothesis.core import decode_failure, encode_failure
        from hypothesis.errors import StopTest
        from hypothesis.internal.conjecture.data import ConjectureData
        from hypothesis.internal.conjecture.engine import ConjectureRunner
        from hypothesis.internal.conjecture.shrinker import sort_key
        from hypothesis.internal.entropy import RANDOMS_TO_MANAGE, get_seeder_and_restorer
        from hypothesis.internal.escalation import get_interesting_origin
        from hypothesis import __version__
    except ImportError:
        return None
    return dict(BuildContext=BuildContext, decode_failure=decode_failure,
                encode_failure=encode_failure, StopTest=StopTest, ConjectureData=ConjectureData,
                ConjectureRunner=ConjectureRunner, sort_key=sort_key,
                RANDOMS_TO_MANAGE=RANDOMS_TO_MANAGE,
                get_seeder_and_restorer=get_seeder_and_restorer,
                get_interesting_origin=get_interesting_origin, version=__version__)


def _drive_engine(strategy, prop, n_cases, seed, reproduce):
    """Runs prop on n_cases draws of strategy with Hypothesis' own engine, as @given does
    (the same draws from the same seed, the same shrinking, the final replay of the shrunk case
    and its @reproduce_failure blob), without @given's per-case wrapping: the engine is about
    0.6 ms per case, @given about 1.2 ms on the development machine (docs/user-claims.md,
    "Speed"). Each case runs in a BuildContext (note, event, target and st.data() work) with
    the global random generators (random, numpy.random, those registered with Hypothesis)
    seeded as under @given; their states are saved once per run, not once per case as @given
    does (0.15 ms per case: a third of what is left of the engine's cost), and restored after
    it. Returns (the error of the shrunk case or None, its blob or None); KeyboardInterrupt
    propagates."""
    from random import Random

    from hypothesis.errors import UnsatisfiedAssumption

    h = _engine()
    save_and_seed, restore = h["get_seeder_and_restorer"](0)

    def run_case(data, final=False):
        args = data.draw(strategy)
        for generator in list(h["RANDOMS_TO_MANAGE"].values()):
            generator.seed(0)
        try:
            with h["BuildContext"](data, is_final=final):
                prop(args)
        except UnsatisfiedAssumption:
            data.mark_invalid()
        except (KeyboardInterrupt, h["StopTest"]):
            raise
        except BaseException as e:
            data.mark_interesting(h["get_interesting_origin"](e))

    save_and_seed()
    try:
        if reproduce is not None:  # @reproduce_failure on the property: that case, as @given
            buffers = [h["decode_failure"](reproduce[1])]
        else:
            runner = h["ConjectureRunner"](run_case, settings=_settings(n_cases),
                                           random=Random(seed))
            runner.run()
            buffers = sorted((d.buffer for d in runner.interesting_examples.values()),
                             key=h["sort_key"])[:1]
        for buffer in buffers:  # the final replay, as @given's
            data = h["ConjectureData"].for_buffer(buffer)
            try:
                run_case(data, final=True)
            except h["StopTest"]:
                pass
    finally:
        restore()
    for buffer in buffers:
        blob = f"@reproduce_failure({h['version']!r}, {h['encode_failure'](buffer)!r})"
        if data.status.name != "INTERESTING":
            return _Flaky(_Flaky.TEXT), blob
        return _ReplayedFailure(), blob
    return None, None


class _ReplayedFailure(AssertionError):
    """Stands for the failure of the replayed case; the property's own error is in the run's
    record, as @given's re-raised one is."""


class _Flaky(Exception):
    """A failure that its replay did not reproduce (Hypothesis' Flaky)."""

    TEXT = ("the property failed on a case, then passed when that case was run again (flaky: "
            "it depends on more than its arguments)")


def _drive_given(strategy, prop, n_cases, seed, func):
    """Runs prop under @given (when the engine's internals are not those of Hypothesis 6.67).
    Returns the re-raised error, or None."""
    from hypothesis import given
    from hypothesis import seed as hseed

    test = _settings(n_cases)(given(strategy)(prop))
    test = hseed(seed)(test)
    reproduce = getattr(func, "_hypothesis_internal_use_reproduce_failure", None)
    if reproduce is not None:
        test._hypothesis_internal_use_reproduce_failure = reproduce
    try:
        with _cached_lambda_sources():
            test()
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # the property's failure, re-raised by Hypothesis
        return e
    return None


@contextlib.contextmanager
def _cached_lambda_sources():
    """Hypothesis 6.67 (Debian 12) re-reads and re-parses the source of a lambda of its own (the
    one @given maps its arguments with) for every example it draws, to print it should that
    example fail: about 1 ms per case, a third of a 12 x 12, 2000-step FA case (measured). Its
    later versions cache it; during our runs, so do we (same function, same result)."""
    from hypothesis.internal import reflection

    original = reflection.extract_lambda_source
    reflection.extract_lambda_source = functools.lru_cache(maxsize=256)(original)
    try:
        yield
    finally:
        reflection.extract_lambda_source = original


class _Row:
    """One (claim, scalar[, falsifier]) result: verdict, cases, margin, counterexample."""

    def __init__(self, claim, scalar, bits, falsifier, seed, n_cases, record, last, err,
                 seconds):
        self.claim, self.scalar, self.bits, self.falsifier = claim, scalar, bits, falsifier
        self.seed, self.record, self.seconds = seed, record, seconds
        self.cases = record.cases
        self.interrupted = False
        self.blob = None
        self.counterexample = None
        self.traceback = None
        self.message = ""
        notes = getattr(err, "__notes__", []) if err is not None else []
        for note in notes:
            m = re.search(r"(@reproduce_failure\(.*?\))", note)
            if m:
                self.blob = m.group(1)
        if err is None:
            self.verdict = "verified" if claim.expected == "holds" or falsifier else "inconclusive"
            if claim.expected == "refuted" and falsifier is None:
                self.message = f"no counterexample in {self.cases} cases"
        elif isinstance(err, AssertionError) and isinstance(last.get("error"), AssertionError):
            self.verdict = "refuted"
        else:
            self.verdict = "error"
            self.traceback = last.get("tb") or "".join(
                traceback.format_exception(type(err), err, err.__traceback__))
            self.message = f"the property raised {type(last.get('error', err)).__name__}: " \
                           f"{last.get('error', err)}"
            if isinstance(err, _Flaky) or type(err).__name__ == "Flaky":  # ours or @given's
                self.message = f"{_Flaky.TEXT}; the first failure: {self.message}"
        if err is not None and last:
            self.counterexample = self._counterexample(last)
            if self.verdict == "refuted":
                self.message = str(last["error"]).splitlines()[0] if str(last["error"]) else \
                    f"assertion failed at {_describe_args(last['args'])}"

    @property
    def as_expected(self):
        if self.verdict == "error":
            return False
        refuted = self.verdict == "refuted"
        should_be_refuted = (self.claim.expected == "holds") == (self.falsifier is not None)
        return refuted == should_be_refuted

    def _counterexample(self, last):
        e, check, args = last["error"], last["check"], last["args"]
        c = dict(claim=self.claim.id, scalar=self.scalar,
                 violated=getattr(e, "what", type(e).__name__ + (f": {e}" if str(e) else "")),
                 quantity=getattr(e, "quantity", ""), bound=getattr(e, "bound", ""),
                 margin=getattr(e, "margin", None), recipe=_describe_args(args),
                 notes=dict(check._notes))
        if c["margin"] is not None and not np.isfinite(c["margin"]):
            c["margin"] = None
        if self.traceback:
            c["notes"]["traceback"] = self.traceback
        recipes = [a for a in args if isinstance(a, Recipe)]
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if recipes:
            inst = materialise(recipes[0], "double" if self.scalar == "double" else self.bits)
            text = inst.get("text")
            c["matrices"] = {
                name: (text[name].tolist() if text is not None else _text_matrix(inst[name]))
                for name in ("Y", "B", "Z0", "W0")}
            c["matrices"]["eta"] = _text(inst["eta"])
            c["recipe_python"] = repr(recipes[0])
            c["fa_check"] = self.fa_check_command(recipes[0])
        for i, a in enumerate(arrays):
            c["notes"][f"argument {i}"] = json.dumps(_text_matrix(a))
        return c

    def fa_check_command(self, recipe):
        prec = "" if self.scalar == "double" else f" --precision {self.bits}"
        return f"fa-check run {recipe.fa_check_args()}{prec}"

    def reproduce(self):
        """One shell command that reruns this row with its seed."""
        file = self.claim.file or "FILE.py"
        cmd = (f"/usr/bin/python3 -m faverify check {shlex.quote(file)} --only {self.claim.id} "
               f"--scalar {self.scalar} --seed {self.seed}")
        if self.falsifier:
            cmd += f" --falsifier {shlex.quote(self.falsifier)}"
        return cmd

    def text(self):
        name = self.claim.id + (f" falsifier '{self.falsifier}'" if self.falsifier else "")
        lines = [f"{name} [{self.scalar}{'' if self.scalar == 'double' else f' {self.bits} bits'}]:"
                 f" {self.verdict} after {self.cases} cases in {self.seconds:.2f} s "
                 f"(seed {self.seed}) {'as expected' if self.as_expected else 'NOT AS EXPECTED'}"]
        if self.record.worst:
            w = self.record.worst
            lines.append(f"  worst margin {w['margin']:.6g}: {w['what']} {w['quantity']} vs "
                         f"{w['bound']} at {w['recipe']}")
        if self.message:
            lines.append(f"  {self.message}")
        if self.counterexample:
            lines.append(f"  minimal counterexample: {self.counterexample['recipe']}")
            if "fa_check" in self.counterexample:
                lines.append(f"  instance: {self.counterexample['fa_check']}")
        if self.traceback:
            lines.append("  " + self.traceback.rstrip().replace("\n", "\n  "))
        if self.verdict != "verified" or self.counterexample:
            lines.append(f"  reproduce: {self.reproduce()}")
        if self.blob:
            lines.append(f"  Hypothesis: add {self.blob} to the property")
        return "\n".join(lines)

    def part(self, falsifier_rows, interrupted):
        claim = self.claim
        flips = [dict(name=r.falsifier, description=claim.falsifiers[r.falsifier][0],
                      scalar=r.scalar, verdict=r.verdict, flipped=r.as_expected, cases=r.cases,
                      counterexample=(r.counterexample or {}).get("recipe"),
                      reproduce=r.reproduce()) for r in falsifier_rows]
        flipped = any(f["flipped"] for f in flips)
        message = self.message
        if not flipped:
            message = (f"UNCHECKED: no falsifier of this user claim flips in {self.scalar}, so "
                       f"its check is not shown to be able to fail. " + message).strip()
        drawn = self._drawn()
        extra = dict(user=dict(file=claim.file, function=claim.func.__name__,
                               hypothesis_blob=self.blob, traceback=self.traceback,
                               falsifier_runs=flips, falsifier_flipped=flipped,
                               interrupted=interrupted or self.interrupted))
        return {
            "id": claim.id, "title": claim.title, "source": claim.source,
            "statement": claim.statement,
            "hypotheses": claim.hypotheses or "as drawn by the claim's strategies",
            "recipe": " x ".join(getattr(g, "region_text", repr(g))
                                 for g in claim.given)[:2000],
            "scalar": self.scalar, "precision_bits": self.bits, "verdict": self.verdict,
            "expected": claim.expected, "as_expected": self.as_expected,
            "reconstruction": "fastar" in claim.statement or "FA*" in claim.statement,
            "cases": self.cases, "seed": str(self.seed), "seconds": self.seconds,
            # as fa-claims: no worst margin when it is not finite (a NaN or infinite quantity)
            "worst_margin": (self.record.worst if self.record.worst is not None and
                             np.isfinite(self.record.worst["margin"]) else None),
            "counterexample": (
                {k: v for k, v in self.counterexample.items()
                 if k not in ("recipe_python", "fa_check")} if self.counterexample else None),
            "reproduce": "" if self.interrupted else self.reproduce(), "message": message,
            "extra": extra,
            "falsifiers": [dict(name=n, description=d) for n, (d, _) in claim.falsifiers.items()],
            "region": dict(cases=self.cases, discards=self.record.discards,
                           discard_rate=(self.record.discards /
                                         max(1, self.cases + self.record.discards)),
                           drawn=drawn),
            "proof": None,
            "strength_note": "a user claim, checked on the cases Hypothesis drew: tested",
            "exact_replay": None, "search": None,
        }

    def _drawn(self):
        """claims.json's region.drawn from the recipes drawn (null when no Recipe was drawn)."""
        recs = [a for args in self.record.drawn for a in args if isinstance(a, Recipe)]
        if not recs:
            return None
        sv = [_singular_value_ratios(r) for r in recs]
        gaps = [g for _, g in sv if g is not None]
        rel = {"r < k" if r.r < r.k else "r = k" if r.r == r.k else "r > k" for r in recs}
        return dict(n=[min(r.n for r in recs), max(r.n for r in recs)],
                    m=[min(r.m for r in recs), max(r.m for r in recs)],
                    k_max=max(r.k for r in recs), r_max=max(r.r for r in recs),
                    c_log2=sorted({r.step_log2 for r in recs}),
                    b_scale_log2=sorted({r.b_scale_log2 for r in recs}),
                    inits=sorted({r.init if r.init == "zero" else f"small 2^{r.init_log2}"
                                  for r in recs}),
                    spectra=sorted({r.spectrum for r in recs}),
                    rank_relations=sorted(rel),
                    min_sigma_k_over_sigma_1=min(s for s, _ in sv),
                    min_gap_sigma_r_over_sigma_r1=min(gaps) if gaps else None)


def _singular_value_ratios(rec):
    """(sigma_k / sigma_1, sigma_r / sigma_{r+1} or None) of a recipe, from the singular values
    materialise uses (faverify.instance in double: the same recipe_singular_values)."""
    from . import _core

    s = _core.instance(**rec.instance_kwargs())["s"]
    gap = float(s[rec.r - 1] / s[rec.r]) if rec.r < rec.k else None
    return float(s[-1] / s[0]), gap


class ClaimReport:
    """Every row of one claim's run: per scalar, then per falsifier."""

    def __init__(self, claim):
        self.claim = claim
        self.rows, self.falsifier_rows = [], []
        self.interrupted = False

    @property
    def falsifier_flipped(self):
        """Whether in each scalar run some falsifier flipped (a claim whose check can fail in
        double but not in mp is not shown to be checked in mp)."""
        return bool(self.rows) and all(self.flipped_in(r.scalar) for r in self.rows)

    def flipped_in(self, scalar):
        return any(r.as_expected for r in self.falsifier_rows if r.scalar == scalar)

    @property
    def as_expected(self):
        return all(r.as_expected for r in self.rows + self.falsifier_rows) and bool(self.rows)

    def row(self, scalar, falsifier=None):
        for r in self.rows + self.falsifier_rows:
            if r.scalar == scalar and r.falsifier == falsifier:
                return r
        raise KeyError((scalar, falsifier))

    def text(self):
        lines = [r.text() for r in self.rows + self.falsifier_rows]
        for r in self.rows:
            if not self.flipped_in(r.scalar):
                lines.append(f"{self.claim.id} [{r.scalar}]: UNCHECKED: no falsifier flips in "
                             f"{r.scalar} (add one that must)")
        if self.interrupted:
            lines.append(f"{self.claim.id}: interrupted; kept {len(self.rows)} finished rows")
        return "\n".join(lines)

    def write(self, report_dir=None):
        """report/parts/<ID>.<scalar>.json, one per finished scalar (fa-report write reads
        them). Returns the paths."""
        root = report_dir or os.environ.get("FA_REPORT_DIR") or "report"
        parts = os.path.join(root, "parts")
        os.makedirs(parts, exist_ok=True)
        paths = []
        for r in self.rows:
            path = os.path.join(parts, f"{self.claim.id}.{r.scalar}.json")
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                own = [f for f in self.falsifier_rows if f.scalar == r.scalar]
                json.dump(r.part(own, self.interrupted), f, indent=2,
                          allow_nan=False, default=str)
                f.write("\n")
            os.replace(tmp, path)
            paths.append(path)
        return paths


def claim(id, **kwargs):
    """Declares a user claim (see the module's docstring): ``@claim("U1", statement=...,
    given=strategy or (strategies...), expected="holds"|"refuted", scalars=("double", "mp"),
    bits=168, cases=100, mp_cases=None, seed=None, falsifiers={name: description or
    (description, strategy)}, title=None, source="user", hypotheses="")``."""

    def wrap(func):
        return Claim(func, id, **kwargs).as_test()

    return wrap


def load_claims(path):
    """The claims a Python file declares (module-level Claim objects), in file order."""
    import importlib.util

    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    name = "faverify_user_" + re.sub(r"\W", "_", os.path.basename(path)[:-3])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    found = [v.claim for v in vars(module).values()
             if callable(v) and isinstance(getattr(v, "claim", None), Claim)]
    for c in found:
        c.file = path
    return found
