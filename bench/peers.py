#!/usr/bin/python3
"""The peers of fa-bench: the same FA steps, on the same instance, in numpy and in PyTorch.

fa-bench (bench/fa_bench.cpp) writes each instance to a directory (Y, B, Z0, W0 as .npy, eta as
a hex float, and its own final Z and W after the same number of steps) and runs this script once
per peer, each in its own process, so that each process loads exactly one BLAS:

  peers.py run --dir DIR --peer PEER --steps S [--threads N] [--repeats K] [--record-every R]
  peers.py info                       # versions, BLAS library and threads, as JSON

PEER is one of
  numpy           numpy arrays, @, in-place updates (E = Z@W; E -= Y; ...). The BLAS is whatever
                  numpy loads (Debian: the libblas.so.3 alternative, OpenBLAS once
                  libopenblas0-pthread is installed); fa-bench runs the reference BLAS by
                  putting Debian's reference libblas/liblapack first on LD_LIBRARY_PATH.
  torch           PyTorch float64 tensors on the CPU under no_grad: @, sub_(..., alpha=eta).
  gemm            not a peer but the roofline: the three products of a step (ZW, B^T E, E W^T,
                  same shapes) through numpy's BLAS into preallocated outputs, nothing else.
  torch-autograd  PyTorch as FA libraries implement it: a custom torch.autograd.Function whose
                  backward sends the error back through B instead of Z^T, loss.backward() and
                  torch.optim.SGD(lr=eta) (one zero_grad/forward/backward/step per FA step).

--threads limits the BLAS (threadpoolctl) and PyTorch's intra-op pool (torch.set_num_threads).
--record-every R computes, every R steps, what the suite's trajectories record
(dynamics/trajectory_impl.hpp, run_dynamics' record()): loss, ||B^T E||, tr(B^T Z), 1/2 ||W||^2,
cos(Z, B), cos(B^T E, Z^T E), from a fresh residual of the current iterate.

Output (one JSON object on stdout): seconds (best of --repeats), steps, threads, the BLAS that
was really loaded (library file from /proc/self/maps, threadpoolctl's report), and agreement: the
largest |peer - ours| / max|ours| over the final Z and W (rounding-level when both ran the same
steps; large if either side computed something else).
"""
import argparse
import json
import os
import sys
import time

STEP_KINDS = ("numpy", "torch", "torch-autograd", "gemm")


def loaded_blas():
    """The BLAS/LAPACK shared objects mapped into this process (what was really loaded)."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if any(k in base for k in ("blas", "lapack", "mkl", "blis", "flexiblas")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def blas_report():
    out = {"libraries": loaded_blas()}
    try:
        import threadpoolctl

        out["threadpoolctl"] = [
            {k: v for k, v in info.items() if k in (
                "internal_api", "version", "num_threads", "architecture", "filepath",
                "threading_layer")}
            for info in threadpoolctl.threadpool_info()]
    except ImportError:
        out["threadpoolctl"] = "not installed"
    return out


def load_instance(d):
    import numpy as np

    inst = {k: np.load(os.path.join(d, k + ".npy")) for k in ("Y", "B", "Z0", "W0")}
    with open(os.path.join(d, "eta.txt")) as f:
        inst["eta"] = float.fromhex(f.read().strip())
    ours = {}
    for k in ("Z", "W"):
        p = os.path.join(d, "ours_" + k + ".npy")
        if os.path.exists(p):
            ours[k] = np.load(p)
    return inst, ours


# ---- numpy --------------------------------------------------------------------------------------
def numpy_run(inst, steps, record_every):
    import numpy as np

    Y, B, eta = inst["Y"], inst["B"], inst["eta"]
    Z = np.array(inst["Z0"], order="F")  # the layout fa-bench wrote (Eigen's column-major)
    W = np.array(inst["W0"], order="F")
    rows = []

    def cos(a, b):
        na, nb = np.linalg.norm(a), np.linalg.norm(b)
        return 0.0 if na == 0 or nb == 0 else float(np.vdot(a, b) / (na * nb))

    def record(t):
        E = Z @ W - Y
        BtE, ZtE = B.T @ E, Z.T @ E
        rows.append((t, 0.5 * float(np.vdot(E, E)), float(np.linalg.norm(BtE)),
                     float(np.trace(B.T @ Z)), 0.5 * float(np.vdot(W, W)), cos(Z, B),
                     cos(BtE, ZtE)))
        if not np.isfinite(rows[-1][1]):
            raise SystemExit(f"numpy FA run diverged at step {t}")

    t0 = time.perf_counter()
    if record_every:
        record(0)
    for t in range(steps):
        E = Z @ W
        E -= Y
        G = B.T @ E
        Z -= eta * (E @ W.T)
        W -= eta * G
        if record_every and (t + 1) % record_every == 0:
            record(t + 1)
    seconds = time.perf_counter() - t0
    return seconds, Z, W, len(rows)


def gemm_run(inst, steps):
    import numpy as np

    Y, B = inst["Y"], inst["B"]
    Z = np.array(inst["Z0"], order="F")
    W = np.array(inst["W0"], order="F")
    E = np.asfortranarray(Z @ W - Y)
    EZW, G, P = np.empty_like(E), np.empty((B.shape[1], E.shape[1])), np.empty_like(Z)
    Bt, Wt = B.T, W.T
    t0 = time.perf_counter()
    for _ in range(steps):
        np.matmul(Z, W, out=EZW)
        np.matmul(Bt, E, out=G)
        np.matmul(E, Wt, out=P)
    return time.perf_counter() - t0, None, None, 0


# ---- PyTorch ------------------------------------------------------------------------------------
def torch_run(inst, steps, record_every, autograd):
    import torch

    def t(a):
        return torch.from_numpy(a).to(torch.float64).contiguous()

    Y, B, eta = t(inst["Y"]), t(inst["B"]), inst["eta"]
    Z, W = t(inst["Z0"]).clone(), t(inst["W0"]).clone()
    rows = []

    def cos(a, b):
        na, nb = torch.linalg.norm(a), torch.linalg.norm(b)
        return 0.0 if na == 0 or nb == 0 else float((a * b).sum() / (na * nb))

    def record(step, Zc, Wc):
        with torch.no_grad():
            E = Zc @ Wc - Y
            BtE, ZtE = B.T @ E, Zc.T @ E
            rows.append((step, 0.5 * float((E * E).sum()), float(torch.linalg.norm(BtE)),
                         float(torch.trace(B.T @ Zc)), 0.5 * float((Wc * Wc).sum()), cos(Zc, B),
                         cos(BtE, ZtE)))
        if not rows[-1][1] < float("inf"):
            raise SystemExit(f"torch FA run diverged at step {step}")

    if not autograd:
        t0 = time.perf_counter()
        with torch.no_grad():
            if record_every:
                record(0, Z, W)
            for s in range(steps):
                E = Z @ W - Y
                G = B.T @ E
                Z.sub_(E @ W.T, alpha=eta)
                W.sub_(G, alpha=eta)
                if record_every and (s + 1) % record_every == 0:
                    record(s + 1, Z, W)
        seconds = time.perf_counter() - t0
        return seconds, Z.numpy(), W.numpy(), len(rows)

    class FeedbackAlignmentProduct(torch.autograd.Function):
        """out = Z W; backward: dZ = g W^T (true gradient), dW = B^T g (feedback, not Z^T g)."""

        @staticmethod
        def forward(ctx, Zp, Wp, Bf):
            ctx.save_for_backward(Wp, Bf)
            return Zp @ Wp

        @staticmethod
        def backward(ctx, grad):
            Wp, Bf = ctx.saved_tensors
            return grad @ Wp.T, Bf.T @ grad, None

    Zp = torch.nn.Parameter(Z)
    Wp = torch.nn.Parameter(W)
    opt = torch.optim.SGD([Zp, Wp], lr=eta)
    t0 = time.perf_counter()
    if record_every:
        record(0, Zp.detach(), Wp.detach())
    for s in range(steps):
        opt.zero_grad(set_to_none=False)
        loss = 0.5 * (FeedbackAlignmentProduct.apply(Zp, Wp, B) - Y).pow(2).sum()
        loss.backward()
        opt.step()
        if record_every and (s + 1) % record_every == 0:
            record(s + 1, Zp.detach(), Wp.detach())
    seconds = time.perf_counter() - t0
    return seconds, Zp.detach().numpy(), Wp.detach().numpy(), len(rows)


def limit_threads(n):
    """BLAS threads via threadpoolctl (kept alive by the caller), PyTorch's via set_num_threads."""
    if n <= 0:
        return None
    limiter = None
    try:
        import threadpoolctl

        limiter = threadpoolctl.threadpool_limits(limits=n)
    except ImportError:
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    return limiter


def cmd_run(args):
    import numpy as np

    if args.peer.startswith("torch"):
        import torch  # noqa: F401  (loaded before the limits, so they apply to it too)
    limiter = limit_threads(args.threads)  # noqa: F841  (kept alive for the whole run)
    inst, ours = load_instance(args.dir)
    best, Z, W, records = float("inf"), None, None, 0
    for _ in range(args.repeats):
        if args.peer == "numpy":
            sec, Z, W, records = numpy_run(inst, args.steps, args.record_every)
        elif args.peer == "gemm":
            sec, Z, W, records = gemm_run(inst, args.steps)
        else:
            sec, Z, W, records = torch_run(inst, args.steps, args.record_every,
                                           args.peer == "torch-autograd")
        best = min(best, sec)
    if Z is not None and not (np.all(np.isfinite(Z)) and np.all(np.isfinite(W))):
        raise SystemExit(f"{args.peer} FA run diverged")
    agreement = None
    if ours and Z is not None:
        scale = max(float(np.max(np.abs(ours["Z"]))), float(np.max(np.abs(ours["W"]))), 1e-300)
        agreement = max(float(np.max(np.abs(Z - ours["Z"]))),
                        float(np.max(np.abs(W - ours["W"])))) / scale
    out = {"peer": args.peer, "seconds": best, "steps": args.steps, "repeats": args.repeats,
           "records": records, "threads": args.threads, "agreement": agreement,
           "blas": blas_report()}
    if args.peer.startswith("torch"):
        import torch

        out["torch_threads"] = torch.get_num_threads()
    print(json.dumps(out))
    return 0


def cmd_info(_args):
    import numpy as np

    info = {"python": sys.version.split()[0], "numpy": np.__version__}
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_blas"] = [s.strip() for s in torch.__config__.show().splitlines()
                              if "BLAS_INFO" in s or "CPU capability" in s]
    except ImportError:
        info["torch"] = None
    info["blas"] = blas_report()
    info["env"] = {k: v for k, v in os.environ.items()
                   if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "LD_LIBRARY_PATH"))}
    print(json.dumps(info))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--dir", required=True)
    run.add_argument("--peer", choices=STEP_KINDS, required=True)
    run.add_argument("--steps", type=int, required=True)
    run.add_argument("--threads", type=int, default=1, help="0: the libraries' defaults")
    run.add_argument("--repeats", type=int, default=3)
    run.add_argument("--record-every", type=int, default=0)
    sub.add_parser("info")
    args = ap.parse_args()
    return cmd_run(args) if args.cmd == "run" else cmd_info(args)


if __name__ == "__main__":
    sys.exit(main())
