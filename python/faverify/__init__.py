"""faverify: fa-verify's dynamics, claims and instances from Python.

A layer over the same C++ as the command-line tools, not a second implementation::

  run()             one trajectory of GD, FA, FA* (our reconstruction) or a gradient flow:
                    the function `fa-check run` calls (bit-identical results, same messages)
  instance()        the matrices of a recipe, exactly as the claims and fa-check draw them
  claims()          the claims of docs/claims.md, as `fa-claims list` shows them
  run_claim()       one claim in one arithmetic: the report fragment fa-claims writes (run by
                    the fa-claims executable)
  ladder()          the precision ladder of an exact identity (likewise)
  limit_estimate()  FA's predicted limit error err* and opt_r in floating point, NOT certified
  certify()         the exact separation certificate of `fa-check certify` (FLINT, exact)

Results are dicts (also readable as attributes: ``res.Z`` is ``res["Z"]``); printing one shows
its summary. Bad input raises ``faverify.InputError`` (a ValueError) with fa-check's message,
in Python's spelling of the options (``rank_of_y=9`` for ``--rank-of-y 9``); a wrong type
raises TypeError. A diverged run is not an exception: its ``status`` is ``"diverged"``.
Runs release the GIL, and Ctrl-C stops them (KeyboardInterrupt).

Where data is copied: every input array once, into the C++ core's column-major matrix (any
layout and dtype read in that one pass; your arrays are never written); double results are
handed to numpy without a copy; MPFR results are converted (float64 arrays plus decimal text).
"""

import os as _os
import sys as _sys

from . import _core
from ._core import InputError

__all__ = [
    "InputError",
    "Result",
    "run",
    "instance",
    "claims",
    "run_claim",
    "ladder",
    "limit_estimate",
    "certify",
    "lillicrap_experiment",
]

__version__ = _core.__version__


class Result(dict):
    """A dict whose keys are also attributes; its repr is the summary when it has one."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if k.isidentifier()]

    def __repr__(self):
        text = self.get("summary") or self.get("text")
        return text.rstrip("\n") if isinstance(text, str) else dict.__repr__(self)

    def _repr_pretty_(self, printer, cycle):  # IPython / Jupyter
        printer.text(repr(self))


class _StderrBar:
    """progress=True: one updating line on stderr, like fa-check's."""

    def __init__(self):
        self.shown = False

    def __call__(self, done, total, loss):
        percent = int(100 * done / total) if total > 0 else 100
        if loss == loss:  # not NaN: a discrete run
            line = f"faverify: step {int(done)}/{int(total)} ({percent:3d}%)  loss {loss:.6e}   "
        else:
            line = f"faverify: t {done:.6g}/{total:.6g} ({percent:3d}%)   "
        _sys.stderr.write("\r" + line)
        _sys.stderr.flush()
        self.shown = True

    def close(self):
        if self.shown:
            _sys.stderr.write("\n")
            _sys.stderr.flush()


def run(y=None, *, r=None, algo=None, b=None, z0=None, w0=None, init=None, init_log2=None,
        eta=None, step_log2=None, steps=None, time=None, tol=None, flow_tol=None,
        record_every=None, observations=None, seed=None, precision=None, n=None, m=None,
        rank_of_y=None, spectrum=None, spread=None, progress=None, depth=None, widths=None,
        b_scale_log2=None, weight_decay=None, feedback_gains=None, x=None, data_dim=None,
        samples=None):
    """One trajectory, as `fa-check run` computes it (the same C++ function).

    Y: ``y`` (a 2-D array, a 1-D array read as a column, anything numpy.asarray accepts, or a
    .csv/.mtx/.npy file path read by fa-check's readers), or generated from ``n``, ``m``,
    ``rank_of_y``, ``spectrum``, ``spread`` and ``seed`` exactly as fa-check and the claims draw it.
    ``b`` (n x r), ``z0`` (n x r) and ``w0`` (r x m) likewise; B defaults to N(0, 1/n) entries
    drawn from ``seed`` (times 2^b_scale_log2 when given, as a recipe's B). Every option left as None takes fa-check's default: {defaults}.

    algo: gd | fa | fastar (FA*, our reconstruction) | pseudo-bp | gd-flow | fa-flow. Discrete runs take
    ``steps``, flows ``time`` (Boost.Odeint RKF78, ``flow_tol``, ``observations`` rows).
    eta: the step size, else 2^step_log2 / (sigma_1(Y) max(1, ||B||_2^2)) computed in double.
    init: zero | small (2^init_log2 N(0,1) from ``seed``) | given (``z0`` and ``w0``) | aligned.
    tol: converged once 1/2||ZW-Y||^2 <= opt_r/2 + tol 1/2||Y||^2 (negative: whole budget).
    record_every: a trace row every this many steps (0: about 1000 rows).
    precision: "double", or a number of bits (MPFR, e.g. 200); file entries are then parsed from
    their decimal text at that precision.
    progress: None, True (a line on stderr), or a callable ``progress(done, total, loss)`` called
    at most ten times a second and once at the end (flows: time reached, end time, NaN). It runs
    with the GIL held; an exception it raises stops the run and propagates.

    depth, widths: a deep linear network (docs/claims-deep.md) of depth L >= 2 with hidden
    widths d_1..d_{L-1} (a list or "4,3"), ``algo`` gd | fa | dfa, on a generated Y (n, m,
    rank_of_y, spectrum, spread, seed), as ``fa-check run --depth L --widths ...``. Returns a
    Result with algorithm, recipe, depth, widths, eta, status, message, steps, final_loss,
    opt_loss, Y, W and W0 (lists of the layers W_1..W_L, final and initial), trace (step,
    loss) and summary. y, b, z0, w0, r and the flow options do not apply (InputError).

    The literature's dynamics (docs/claims-literature.md), the same C++ the claims L1-L7 call:

    - ``weight_decay=lambda`` (>= 0; algo gd or fa): steps on 1/2||ZW-Y||^2 + lambda/2 (||Z||^2 +
      ||W||^2) (``regularised_step``, as claim L7 runs it; r may then reach 4 max(n, m)). The
      recorded loss is the data term 1/2||ZW-Y||^2.
    - ``algo="pseudo-bp"``: Lillicrap et al.'s pseudo-backprop rule, W moves along Z^+ E
      (Z^+ = Z^T (Z Z^T)^-1): needs r >= n and a start with Z of full row rank (init="small",
      "given" or "aligned"; r may reach 4 max(n, m)).
    - ``init="aligned", feedback_gains=[g1, ..., gk]``: Girotti et al.'s spectral start on a
      generated Y = U diag(s) V^T with r = k: Z0 = a U, W0 = a V^T (a = 2^init_log2) and
      B = U diag(g). Component i then evolves on its own, at a speed set by g_i s_i (claims L3,
      L4: equal gains learn the largest s_i first, gains (s_k/s_i)^2 reverse the order).
    - ``x`` (d x N inputs), or generated ``data_dim=d, samples=N`` (X = sqrt(N/d) G from
      ``seed``; d > N allowed): a two-layer network x -> W x -> Z W x with loss
      (1/2N) ||Z W X - Y||^2 (``network_step``, claims A6 and L6). Y (``y``) is then the targets
      (n x N); without ``y`` they are A X with a teacher A (n x d, N(0, 1/d)) drawn from
      ``seed``, ``n`` its rows. W is r x d; the result also has X; opt_r is the least
      (1/N)||M X - Y||^2 over rank(M) <= r (NaN when X is rank-deficient).

    Options that do not combine (weight decay with pseudo-bp, flows or data; aligned with a y
    array, b or data; ...) raise InputError naming both.

    Returns a Result with fa-check's summary.json keys as numbers (y, algorithm, n, m, r,
    precision_bits, scalar, eta, eta_rule, seed, init, status, message, steps, diverged_at,
    final_loss, opt_r, ratio, converged_loss, weight_decay, feedback_gains, x, data_dim,
    samples), and: Z, W (final factors), B, Y, Z0, W0 (float64
    arrays), trace (a dict of arrays: step or time, loss, feedback_residual, alignment,
    half_w_norm_sq, cos_z_b, cos_fa_gd_update; flows also q_residual, d_residual),
    algorithm_name, generated, time, summary (fa-check's printed summary) and, for MPFR runs,
    text: the same matrices, numbers and trace as full-precision decimal strings.
    """
    if depth is not None or widths is not None or algo == "dfa":
        # A deep network (docs/claims-deep.md), as `fa-check run --depth L --widths ...`.
        if progress not in (None, False):
            raise InputError("progress is not available for a deep run (depth=)")
        return Result(_core.run_deep(dict(
            y=y, r=r, algo=algo, b=b, z0=z0, w0=w0, init=init, init_log2=init_log2, eta=eta,
            step_log2=step_log2, steps=steps, time=time, tol=tol, flow_tol=flow_tol,
            record_every=record_every, observations=observations, seed=seed,
            precision=precision, n=n, m=m, rank_of_y=rank_of_y, spectrum=spectrum,
            spread=spread, depth=depth, widths=widths, b_scale_log2=b_scale_log2,
            weight_decay=weight_decay, feedback_gains=feedback_gains, x=x, data_dim=data_dim,
            samples=samples)))
    literature = dict(weight_decay=weight_decay, feedback_gains=feedback_gains, x=x,
                      data_dim=data_dim, samples=samples)
    literature = literature if any(v is not None for v in literature.values()) else None
    bar = _StderrBar() if progress is True else None
    callback = bar if bar else (None if progress in (None, False) else progress)
    try:
        return Result(_core.run(
            y, r=r, algo=algo, b=b, z0=z0, w0=w0, init=init, init_log2=init_log2, eta=eta,
            step_log2=step_log2, steps=steps, time=time, tol=tol, flow_tol=flow_tol,
            record_every=record_every, observations=observations, seed=seed,
            precision=precision, n=n, m=m, rank_of_y=rank_of_y, spectrum=spectrum,
            spread=spread, b_scale_log2=b_scale_log2, progress=callback,
            literature=literature))
    finally:
        if bar:
            bar.close()


run.__doc__ = run.__doc__.replace(
    "{defaults}", ", ".join(f"{k}={v!r}" for k, v in _core.run_defaults().items()))


def instance(*, n, m, rank_of_y, r=None, spectrum="flat", spread=0, seed=0, step_log2=-3,
             init="zero", init_log2=-8, singular_values=None, precision="double",
             b_scale_log2=0):
    """The matrices of a recipe (fa::materialise): identical to what the claims and fa-check draw.

    Y = U diag(s) V^T (n x m, rank ``rank_of_y``), B (n x r, N(0, 1/n)), the initial Z0, W0,
    eta (from step_log2), opt_r; B is scaled by 2^b_scale_log2. ``spectrum``: flat, geometric, gapped, clustered (with
    ``spread``), or give ``singular_values`` (non-increasing). r defaults to rank_of_y. With
    precision=BITS the matrices are built in MPFR: float64 arrays plus ``text`` (decimal strings).
    """
    return Result(_core.instance(
        n=n, m=m, rank_of_y=rank_of_y, r=r, spectrum=spectrum, spread=spread, seed=seed,
        step_log2=step_log2, init=init, init_log2=init_log2, singular_values=singular_values,
        b_scale_log2=b_scale_log2, precision=precision))


# ---- claims: run by the fa-claims executable -------------------------------------------------
# The claims and their RapidCheck runner are not linked into the module: Debian's librapidcheck.a
# is position-independent executable code (-fPIE), which cannot go into a shared object. So these
# functions run fa-claims itself, which also makes their results fa-claims' by construction, and
# Ctrl-C stops them at once (the child process is killed). A fa-claims never outlives the Python
# process that started it, even one killed by SIGKILL (_run_fa_claims).


def _fa_claims():
    """The fa-claims this package runs: $FA_CLAIMS, else the installed package's bin/fa-claims,
    else the build tree's."""
    candidates = [_os.environ.get("FA_CLAIMS"),
                  _os.path.join(_os.path.dirname(__file__), "bin", "fa-claims")]
    try:
        from . import _build_tree

        candidates.append(_build_tree.FA_CLAIMS)
    except ImportError:
        pass
    for path in candidates:
        if path and _os.access(path, _os.X_OK):
            return path
    raise FileNotFoundError("faverify: fa-claims not found (set FA_CLAIMS to the binary; tried "
                            + ", ".join(p for p in candidates if p) + ")")


def _run_fa_claims(args, **kwargs):
    """subprocess.run of fa-claims with `args`, its output captured as text. FA_DIE_WITH_PARENT
    tells fa-claims to have the kernel kill it when this process dies, however it dies
    (PR_SET_PDEATHSIG; a SIGKILL leaves Python no chance to clean up). fa-claims makes that tie
    itself, right after it starts: no preexec_fn, which is unsafe when other threads run. The
    kernel ties it to the calling thread, which run() keeps waiting until fa-claims has ended."""
    import subprocess

    env = dict(_os.environ, FA_DIE_WITH_PARENT=str(_os.getpid()))
    return subprocess.run([_fa_claims(), *args], capture_output=True, text=True, env=env,
                          **kwargs)


def _check_int(value, name, low, high, range_text=None):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__}")
    value = int(value)
    if not low <= value <= high:
        raise InputError(f"{name}={value}: must be in {range_text or f'[{low}, {high}]'}")
    return value


def _check_text(value, name):
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def _claims_tool(args, what):
    """Runs fa-claims with `args` plus --json FILE; returns (fragment, printed text). Its usage
    errors (exit 2, one line "fa-claims: ...") are InputError with that line's message."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="faverify-") as tmp:
        out = _os.path.join(tmp, "fragment.json")
        p = _run_fa_claims([*args, "--json", out])
        if _os.path.exists(out):
            with open(out) as f:
                return json.load(f), p.stdout
    lines = [l for l in p.stderr.splitlines() if l.startswith("fa-claims: ")]
    if p.returncode == 2 and lines:
        raise InputError(lines[-1][len("fa-claims: "):])
    raise RuntimeError(f"fa-claims {what} failed (exit {p.returncode}):\n{p.stdout}{p.stderr}")


def claims():
    """Every claim, as `fa-claims list`: id, title, source, statement, hypotheses, recipe,
    scalars, falsifiers, ladder, slow, expected ('holds' or 'refuted'), cases."""
    import json

    p = _run_fa_claims(["list", "--json"], check=True)
    return [Result(c) for c in json.loads(p.stdout)]


def run_claim(id, *, scalar="double", falsifier=None, seed=None, cases=None, reproduce=None):
    """Checks one claim in one arithmetic (double, mp, exact), or one of its falsifiers, with
    `fa-claims run` (nothing is written to report/).

    Returns the report fragment fa-claims writes to report/parts/<id>.<scalar>.json (verdict,
    cases, seed, worst_margin, counterexample with its matrices at full precision, reproduce,
    message, ...; schema reports/claims.schema.json), plus as_expected (the verdict is the one
    expected: verified, or refuted for a conjecture or a falsifier), text (what fa-claims
    prints) and reproduce_python. The default seed is the claim's own, so verdict and seed are
    those of `fa-claims run`. FA_DEPTH and FA_SEED in the environment act as for fa-claims.
    """
    args = ["run", _check_text(id, "id"), "--scalar", _check_text(scalar, "scalar"),
            "--no-report"]
    if falsifier is not None:
        args += ["--falsifier", _check_text(falsifier, "falsifier")]
    if seed is not None:
        args += ["--seed", str(_check_int(seed, "seed", 0, 2**64 - 1, "[0, 2^64 - 1]"))]
    if cases is not None:
        args += ["--cases", str(_check_int(cases, "cases", 1, 2**31 - 1, "[1, 2^31 - 1]"))]
    if reproduce is not None:
        args += ["--reproduce", _check_text(reproduce, "reproduce")]
    fragment, text = _claims_tool(args, "run " + id)
    res = Result(fragment)
    res["text"] = text
    call = [repr(id), f"scalar={scalar!r}"]
    if falsifier:
        call.append(f"falsifier={falsifier!r}")
    call.append(f"seed={int(res['seed'])}")
    if cases:
        call.append(f"cases={cases}")
    tail = res.get("reproduce", "").partition(" --reproduce ")[2]
    if tail:  # the shrunk counterexample's RapidCheck string, quoted for the shell
        import shlex

        call.append(f"reproduce={shlex.split(tail)[0]!r}")
    res["reproduce_python"] = f"faverify.run_claim({', '.join(call)})"
    return res


def ladder(id, *, falsifier=None):
    """The precision ladder of an exact identity (53 to 400 bits), as `fa-claims ladder`: rungs
    (bits, eps, residual), slope, verdict, as_expected, text."""
    args = ["ladder", _check_text(id, "id"), "--no-report"]
    if falsifier is not None:
        args += ["--falsifier", _check_text(falsifier, "falsifier")]
    fragment, text = _claims_tool(args, "ladder " + id)
    res = Result(fragment)
    res["text"] = text
    return res


def limit_estimate(y, b, *, precision="double"):
    """FA's predicted limit error for r = columns of b <= rank(Y), NOT certified.

    err* = ||Y(I-P)||_F^2 with P the projector onto row(B^T Y) (claim A4), opt_r =
    sum_{i>r} sigma_i(Y)^2 and gap = err* - opt_r, computed in double or MPFR with their
    rounding errors. For a proof, see certify().
    """
    return Result(_core.limit_estimate(y, b, precision=precision))


def certify(y, b=None, *, r=None, seed=0):
    """The exact separation certificate of (Y, B), as `fa-check certify` computes it.

    Exact arithmetic (FLINT) on the numbers as given: every double is an exact binary fraction.
    Returns rank_y and rank_feedback = rank(B^T Y) (exact; equal means every FA stationary point
    has ZW = Y, claim A1(a)), err_star (FA's limit error ||Y(I-P)||_F^2), opt_r_upper_bound (an
    exact upper bound on opt_r, Eckart-Young), separation_proved and gap_lower_bound (err* - opt_r
    >= gap), each number as {"fraction": exact, "decimal": 17 digits rounded so the statement
    stays true}, and the one-line verdict. b=None draws B from seed as fa-check run does (r is then
    required). Bad input raises InputError with fa-check's words.
    """
    return Result(_core.certify(y, b, r=r, seed=seed))


def lillicrap_experiment(*, seed=1, steps=3000, batch=20, eta=0.002, every=10):
    """Lillicrap et al.'s 30-20-10 linear network trained by BP and FA (docs/claims-literature.md).

    Inputs x ~ N(0, I_30), target map A (10 x 30) with U[-1, 1] entries, weights U[-0.01, 0.01],
    feedback B U[-0.5, 0.5], minibatches of `batch` samples, step eta; every draw from `seed`.
    Returns settings, step, angle_deg (the angle between FA's hidden update and the update
    backprop would make at FA's weights) and loss_fa, loss_bp (expected losses 1/2 ||ZW - A||^2),
    recorded every `every` steps. Bad input raises InputError.
    """
    _check_int(seed, "seed", 0, 2**63 - 1)
    _check_int(steps, "steps", 1, 10**7)
    _check_int(batch, "batch", 1, 10**5)
    _check_int(every, "every", 1, 10**7)
    return Result(_core.lillicrap_experiment(seed=seed, steps=steps, batch=batch, eta=float(eta),
                                             every=every))
