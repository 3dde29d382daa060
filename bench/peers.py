#!/usr/bin/python3
"""The peers of fa-bench: the same FA steps, on the same instance, in numpy and in PyTorch.

fa-bench (bench/peers.cpp) writes each instance to a directory (Y, B, Z0, W0 as .npy, eta as
a hex float, and its own final Z and W after the same number of steps) and runs this script once
per peer, each in its own process, so that each process loads exactly one BLAS:

  peers.py run --dir DIR --peer PEER --steps S [--threads N] [--repeats K] [--record-every R]
  peers.py info                       # versions, BLAS library and threads, as JSON
  peers.py kernels [--architecture A] [--cpu-flags "F ..."]
                                      # which OpenBLAS kernel this process got, whether it is a
                                      # generic fallback for this CPU, and the kernel to force

PEER is one of
  numpy           numpy arrays, @, in-place updates (E = Z@W; E -= Y; ...). The BLAS is whatever
                  numpy loads (Debian: the libblas.so.3 alternative, OpenBLAS once
                  libopenblas0-pthread is installed); fa-bench runs the reference BLAS by
                  putting Debian's reference libblas/liblapack first on LD_LIBRARY_PATH.
  torch           PyTorch float64 tensors on the CPU under no_grad: @, sub_(..., alpha=eta).
  gemm            not a peer but the roofline: the three products of a step (ZW, B^T E, E W^T,
                  same shapes) through numpy's BLAS into preallocated outputs, nothing else.
  deep-numpy, deep-torch
                  a deep linear network's step (dynamics/deep.hpp), --algo gd|fa|dfa: the
                  directory holds Y, the layers W1..WL (W{l}.npy), FA's feedback F2..FL and
                  DFA's D1..D{L-1}, eta, and ours_W{l}.npy after the same steps.
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

STEP_KINDS = ("numpy", "torch", "torch-autograd", "gemm", "deep-numpy", "deep-torch")
DEEP_ALGOS = ("gd", "fa", "dfa")


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


# ---- OpenBLAS's kernel choice ------------------------------------------------------------------
# OpenBLAS (DYNAMIC_ARCH, as Debian builds it) picks its kernels from the CPU it recognises and
# falls back to generic ones on a CPU it does not know: Debian 12's 0.3.21 runs Prescott kernels
# (SSE3) on some AVX-512 Xeons, about 4x slower in DGEMM. fa-bench then runs the OpenBLAS-based
# peers again with OPENBLAS_CORETYPE set to the best kernel the CPU supports, as a careful user
# would. Levels: the vector width a kernel family uses for DGEMM.
AVX512_KERNELS = ("SkylakeX", "Cooperlake", "SapphireRapids")
AVX2_KERNELS = ("Haswell", "Zen")
AVX512_FLAGS = ("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd")  # what SkylakeX uses


def kernel_level(architecture):
    if architecture in AVX512_KERNELS:
        return 3
    if architecture in AVX2_KERNELS:
        return 2
    return 1  # Prescott, Core2, Nehalem, Sandybridge (AVX without FMA), ...: generic here


def cpu_level(flags):
    if all(f in flags for f in AVX512_FLAGS):
        return 3
    if "avx2" in flags and "fma" in flags:
        return 2
    return 1


def best_kernel(flags):
    """The OPENBLAS_CORETYPE a careful user would force on a CPU with these flags."""
    level = cpu_level(flags)
    if level == 3:
        return "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"
    return "Haswell" if level == 2 else None


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def openblas_architecture():
    import numpy  # noqa: F401  (loads the BLAS)
    import threadpoolctl

    for info in threadpoolctl.threadpool_info():
        if info.get("internal_api") == "openblas":
            return info.get("architecture"), info.get("version")
    return None, None


def kernel_choice(architecture, flags):
    """Whether `architecture` is a generic fallback on a CPU with `flags`, and what to force."""
    if architecture is None:
        return {"generic_fallback": False, "tuned_coretype": None,
                "reason": "numpy did not load OpenBLAS"}
    if kernel_level(architecture) >= cpu_level(flags):
        return {"generic_fallback": False, "tuned_coretype": None,
                "reason": f"OpenBLAS chose {architecture}, the widest kernels this CPU runs: "
                          "the tuned rows would equal the default ones"}
    tuned = best_kernel(flags)
    return {"generic_fallback": True, "tuned_coretype": tuned,
            "reason": f"OpenBLAS chose {architecture} on a CPU with "
                      f"{'AVX-512' if cpu_level(flags) == 3 else 'AVX2'}: "
                      f"the peers run again with OPENBLAS_CORETYPE={tuned}"}


def cmd_kernels(args):
    flags = set(args.cpu_flags.split()) if args.cpu_flags is not None else cpu_flags()
    if args.architecture is not None:
        architecture, version = args.architecture, None
    else:
        architecture, version = openblas_architecture()
    out = {"architecture": architecture, "version": version,
           "cpu": {"avx2": "avx2" in flags, "avx512": cpu_level(flags) == 3},
           "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")}
    out.update(kernel_choice(architecture, flags))
    print(json.dumps(out))
    return 0


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


# ---- deep linear networks (dynamics/deep.hpp) ---------------------------------------------------
def load_deep(d):
    import numpy as np

    def opt(name):
        p = os.path.join(d, name + ".npy")
        return np.load(p) if os.path.exists(p) else None

    L = 1
    while os.path.exists(os.path.join(d, f"W{L + 1}.npy")):
        L += 1
    inst = {"Y": np.load(os.path.join(d, "Y.npy")), "L": L,
            "W": [None] + [np.load(os.path.join(d, f"W{l}.npy")) for l in range(1, L + 1)],
            "F": [None, None] + [opt(f"F{l}") for l in range(2, L + 1)],
            "D": [None] + [opt(f"D{l}") for l in range(1, L)]}
    with open(os.path.join(d, "eta.txt")) as f:
        inst["eta"] = float.fromhex(f.read().strip())
    ours = [None] + [opt(f"ours_W{l}") for l in range(1, L + 1)]
    return inst, ours


def deep_run(inst, steps, algo, lib):
    """deep_step: P_l = W_l P_{l-1} (P_1 = W_1), E = W_L P_{L-1} - Y, delta_L = E,
    delta_l = W_{l+1}^T delta_{l+1} (GD), F_{l+1}^T delta_{l+1} (FA) or D_l^T E (DFA);
    every layer moves at once: W_l -= eta delta_l P_{l-1}^T, W_1 -= eta delta_1."""
    import numpy as np

    L, eta = inst["L"], inst["eta"]
    if lib == "torch":
        import torch

        conv = lambda a: None if a is None else torch.from_numpy(np.array(a))  # noqa: E731
    else:
        conv = lambda a: None if a is None else np.array(a, order="F")  # noqa: E731
    Y = conv(inst["Y"])
    W = [None] + [conv(w) for w in inst["W"][1:]]
    F = [conv(f) for f in inst["F"]]
    D = [conv(f) for f in inst["D"]]
    ctx = __import__("torch").no_grad() if lib == "torch" else _Null()
    t0 = time.perf_counter()
    with ctx:
        for _ in range(steps):
            P = [None, W[1]]
            for l in range(2, L):
                P.append(W[l] @ P[l - 1])
            E = W[L] @ P[L - 1] - Y
            delta = [None] * (L + 1)
            delta[L] = E
            for l in range(L - 1, 0, -1):
                if algo == "gd":
                    delta[l] = W[l + 1].T @ delta[l + 1]
                elif algo == "fa":
                    delta[l] = F[l + 1].T @ delta[l + 1]
                else:
                    delta[l] = D[l].T @ E
            for l in range(L, 1, -1):
                W[l] -= eta * (delta[l] @ P[l - 1].T)
            W[1] -= eta * delta[1]
    seconds = time.perf_counter() - t0
    out = [None] + [np.asarray(w) for w in W[1:]]
    return seconds, out


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def cmd_deep(args):
    import numpy as np

    lib = "torch" if args.peer == "deep-torch" else "numpy"
    if lib == "torch":
        import torch  # noqa: F401  (loaded before the limits, so they apply to it too)
    limiter = limit_threads(args.threads)  # noqa: F841
    inst, ours = load_deep(args.dir)
    best, W = float("inf"), None
    for _ in range(args.repeats):
        sec, W = deep_run(inst, args.steps, args.algo, lib)
        best = min(best, sec)
    if not all(np.all(np.isfinite(w)) for w in W[1:]):
        raise SystemExit(f"{args.peer} {args.algo} run diverged")
    agreement = None
    if all(o is not None for o in ours[1:]):
        scale = max(max(float(np.max(np.abs(o))) for o in ours[1:]), 1e-300)
        agreement = max(float(np.max(np.abs(w - o))) for w, o in zip(W[1:], ours[1:])) / scale
    out = {"peer": args.peer, "algo": args.algo, "depth": inst["L"], "seconds": best,
           "steps": args.steps, "repeats": args.repeats, "threads": args.threads,
           "agreement": agreement, "blas": blas_report()}
    if lib == "torch":
        import torch

        out["torch_threads"] = torch.get_num_threads()
    print(json.dumps(out))
    return 0


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

    if args.peer.startswith("deep-"):
        return cmd_deep(args)
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
    run.add_argument("--algo", choices=DEEP_ALGOS, default="fa", help="deep peers only")
    sub.add_parser("info")
    kernels = sub.add_parser("kernels")
    kernels.add_argument("--architecture", help="take this as OpenBLAS's choice (tests)")
    kernels.add_argument("--cpu-flags", help="take these as /proc/cpuinfo's flags (tests)")
    args = ap.parse_args()
    return {"run": cmd_run, "info": cmd_info, "kernels": cmd_kernels}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
