"""Suite ``jacobian``: per-point warp Jacobian (N x 2 x 6) of the ``rodrigues`` model.

Contenders (same points, same precision, same thread count): the generated Numba CPU kernel through
the public API (the reference row) and into preallocated outputs, the generated CUDA kernel (only
where a GPU is present), ``sympy.lambdify(cse=True)`` on NumPy, PyTorch ``vmap(jacrev)``,
``vmap(jacfwd)`` and the beginner's per-output ``backward()`` loop, JAX ``jit(vmap(jacfwd))`` and
NumPy central differences. Correctness: max deviation of every contender from the generated float64
kernel evaluated on the same (rounded) points, and whether it gives NaN at zero rotation.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import harness
from .harness import Contender, Skip, Timing

SIZES_FULL = (3_072, 307_200, 4_915_200)
SIZES_QUICK = (3_072, 76_800)
DTYPES = ("float32", "float64")
INTRINSICS = (517.3, 516.5, 318.6, 255.3)  # TUM freiburg1, VGA
PARAMS = np.array([0.05, -0.1, 0.08, 0.02, -0.01, 0.05])  # |r| = 7.7 degrees
BEGINNER_POINTS_FULL = 512
BEGINNER_POINTS_QUICK = 128


def make_points(n: int, dtype: str, seed: int = 0) -> np.ndarray:
    """``n`` points seen by the VGA camera: random pixels back-projected at depths 0.5 .. 4 m."""
    rng = np.random.default_rng(seed)
    fx, fy, cx, cy = INTRINSICS
    u = rng.uniform(0, 640, n)
    v = rng.uniform(0, 480, n)
    z = rng.uniform(0.5, 4.0, n)
    pts = np.stack([(u - cx) / fx * z, (v - cy) / fy * z, z], axis=1)
    return np.ascontiguousarray(pts.astype(dtype))


def reference(params: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Generated float64 kernel on ``points`` promoted to float64 (exactly the rounded inputs)."""
    import jacgen

    return jacgen.warp_jacobian("rodrigues", params, points.astype(np.float64), INTRINSICS)


# ----------------------------------------------------------------------------------------------------------------------
# contender factories: factory(params, points) -> run() returning (uv, J) in any array type


def _ours_api(params, points):
    import jacgen

    def run():
        uv, J, _valid = jacgen.warp_jacobian("rodrigues", params, points, INTRINSICS)
        return uv, J

    return run


def _ours_prealloc(params, points):
    from generated import rodrigues_cpu as mod
    from jacgen import empty_aligned

    p = np.asarray(params, dtype=np.float64)
    c = np.asarray(INTRINSICS, dtype=np.float64)
    n = points.shape[0]
    uv = empty_aligned((n, 2), points.dtype)  # as the API allocates (see empty_aligned)
    jac = empty_aligned((n, 2, 6), points.dtype)
    valid = np.empty(n, np.bool_)

    def run():
        mod.warp_jacobian(p, points, c, uv, jac, valid)
        return uv, jac

    return run


def _ours_cuda(params, points):
    try:
        from numba import cuda

        available = cuda.is_available()
    except Exception:  # numba-cuda without a driver
        available = False
    if not available:
        raise Skip("no CUDA GPU on this machine")
    from generated import rodrigues_cuda as mod

    p = np.asarray(params, dtype=np.float64)
    c = np.asarray(INTRINSICS, dtype=np.float64)
    n = points.shape[0]
    d_pts = cuda.to_device(points)
    uv = cuda.device_array((n, 2), points.dtype)
    jac = cuda.device_array((n, 2, 6), points.dtype)
    valid = cuda.device_array(n, np.bool_)

    def run():
        mod.warp_jacobian(p, d_pts, c, uv, jac, valid)
        cuda.synchronize()
        return uv, jac

    return run


_LAMBDIFY_CACHE: dict[str, Callable] = {}


def _lambdify(params, points):
    from .peers.numpy_warp import build_lambdify_jacobian

    if "fn" not in _LAMBDIFY_CACHE:
        t0 = time.perf_counter()
        _LAMBDIFY_CACHE["fn"] = build_lambdify_jacobian()
        _LAMBDIFY_CACHE["build_s"] = time.perf_counter() - t0
    fn = _LAMBDIFY_CACHE["fn"]
    return lambda: fn(params, points, INTRINSICS)


def _torch(mode):
    def factory(params, points):
        from .peers import torch_warp

        return torch_warp.make_vmap_jacobian(mode, params, points, INTRINSICS)

    return factory


def _beginner(params, points):
    from .peers import torch_warp

    return torch_warp.make_beginner_loop(params, points, INTRINSICS)


def _jax(params, points):
    from .peers import jax_warp

    return jax_warp.make_jit_vmap_jacfwd(params, points, INTRINSICS)


def _floor(params, points):
    from .memory_floor import make_floor

    return make_floor(points)


def _central(params, points):
    from .peers.numpy_warp import central_differences

    return lambda: central_differences(params, points, INTRINSICS)


@dataclass
class Entry:
    """A contender kind: its factory and whether it runs on a subset of the points."""

    name: str
    factory: Callable
    baseline: bool = False
    subset: bool = False
    note: str = ""
    ours: bool = False
    jacobian: bool = True


FLOOR = "memory floor: same bytes, no arithmetic"
PREALLOCATED = "generated Numba CPU, preallocated outputs"

ENTRIES = (
    Entry("generated Numba CPU (jacgen.warp_jacobian)", _ours_api, baseline=True, note="allocates outputs", ours=True),
    Entry(PREALLOCATED, _ours_prealloc, note="generated.rodrigues_cpu", ours=True),
    Entry(
        FLOOR,
        _floor,
        note="reads the points, writes uv, J, valid once (non-temporal stores); not a Jacobian",
        ours=True,
        jacobian=False,
    ),
    Entry("generated Numba CUDA (device arrays)", _ours_cuda, ours=True),
    Entry("sympy.lambdify(cse=True), NumPy", _lambdify),
    Entry("PyTorch vmap(jacrev)", _torch("jacrev")),
    Entry("PyTorch vmap(jacfwd)", _torch("jacfwd")),
    Entry("PyTorch loop, backward() per output", _beginner, subset=True),
    Entry("JAX jit(vmap(jacfwd))", _jax),
    Entry("NumPy central differences", _central, note="12 warps, h = eps^(1/3) max(1, abs(p))"),
)


def to_numpy(x) -> np.ndarray:
    """Any contender's array (NumPy, torch, JAX, Numba device) as a host NumPy array."""
    if hasattr(x, "copy_to_host"):
        return x.copy_to_host()
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def deviation(out, ref_uv: np.ndarray, ref_J: np.ndarray, ref_valid: np.ndarray) -> dict:
    """Max deviation of ``out = (uv, J)`` from the float64 reference on its valid points."""
    uv, J = (to_numpy(a).astype(np.float64) for a in out)
    n = uv.shape[0]
    ok = ref_valid[:n]
    dJ = np.abs(J[ok] - ref_J[:n][ok])
    duv = np.abs(uv[ok] - ref_uv[:n][ok])
    scale = float(np.max(np.abs(ref_J[:n][ok]))) if ok.any() else 1.0
    return {
        "max_rel_dev_J": float(np.max(dJ)) / scale if dJ.size else math.nan,
        "max_abs_dev_J": float(np.max(dJ)) if dJ.size else math.nan,
        "max_dev_uv_px": float(np.max(duv)) if duv.size else math.nan,
        "nan_J": bool(np.isnan(J[ok]).any()),
    }


def zero_rotation_nan(entry: Entry, dtype: str) -> str:
    """'no' / 'J and uv' / 'uv only' / 'J only' / 'skipped' / 'failed: ...' / '-' at ``r = 0``."""
    if not entry.jacobian:
        return "-"
    p0 = np.array([0.0, 0.0, 0.0, 0.02, -0.01, 0.05])
    pts = make_points(16, dtype, seed=1)
    try:
        with np.errstate(all="ignore"):
            uv, J = (to_numpy(a) for a in entry.factory(p0, pts)())
    except Skip:
        return "skipped"
    except Exception as exc:  # reported in the table
        return f"failed: {type(exc).__name__}"
    nj, nu = bool(np.isnan(J).any()), bool(np.isnan(uv).any())
    return {(False, False): "no", (True, True): "J and uv", (False, True): "uv only", (True, False): "J only"}[(nj, nu)]


def numba_cold_compile() -> dict:
    """First-call time of the generated kernel in fresh subprocesses: empty Numba cache, then warm cache."""
    code = (
        "import time, json, numpy as np\n"
        "t0 = time.perf_counter(); import jacgen; t_imp = time.perf_counter() - t0\n"
        "out = {'import_s': t_imp}\n"
        "for dt in ('float32', 'float64'):\n"
        "    pts = np.ones((8, 3), dt)\n"
        "    pts[:, 2] += 1\n"
        "    t0 = time.perf_counter()\n"
        "    jacgen.warp_jacobian('rodrigues', np.full(6, 0.1), pts, (500., 500., 320., 240.))\n"
        "    out[dt] = time.perf_counter() - t0\n"
        "print(json.dumps(out))\n"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for key in ("cold", "cached"):  # the second run finds the cache the first one wrote
            res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
            if res.returncode != 0:
                return {"error": res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "failed"}
            out[key] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


# ----------------------------------------------------------------------------------------------------------------------


def run(
    mode: harness.Mode = harness.Mode(),
    sizes: tuple[int, ...] | None = None,
    repeats: int = 7,
    warmup: int = 2,
    beginner_points: int | None = None,
    cold_compile: bool = True,
) -> dict:
    """Run the suite; return the JSON-ready result (``rows`` per size and dtype, plus extras).

    Quick mode: 3,072 and 76,800 points and a shorter beginner's loop; smoke mode: 512 points, no
    cold-compile subprocess; ``mode.data`` is not used (synthetic points).

    Parameters
    ----------
    mode : harness.Mode
        Quick / smoke, progress printer.
    sizes : tuple of int, optional
        Override the sizes.
    repeats, warmup : int
        Timed and untimed rounds.
    beginner_points : int, optional
        Points the per-output ``backward()`` loop runs on (its time is scaled to N linearly).
    cold_compile : bool
        Also measure the Numba compile time with an empty cache in a subprocess.
    """
    quick, log = mode.quick, mode.log
    if mode.smoke:
        sizes, beginner_points, cold_compile, warmup = sizes or (512,), beginner_points or 4, False, 1
    sizes = sizes or (SIZES_QUICK if quick else SIZES_FULL)
    m_beg = beginner_points or (BEGINNER_POINTS_QUICK if quick else BEGINNER_POINTS_FULL)
    results = []
    for dtype in DTYPES:
        for n in sizes:
            log(f"[jacobian] N = {n:,} {dtype}")
            pts = make_points(n, dtype)
            ref_uv, ref_J, ref_valid = reference(PARAMS, pts)
            contenders = []
            for e in ENTRIES:
                if e.subset and m_beg < n:
                    sub = np.ascontiguousarray(pts[:m_beg])
                    scale = n / m_beg
                    note = harness._join(e.note, f"measured on {m_beg:,} points, time scaled x{scale:,.0f} (linear)")
                else:
                    sub, scale, note = pts, 1.0, e.note

                def setup(e=e, sub=sub):
                    return e.factory(PARAMS, sub)

                contenders.append(
                    Contender(
                        e.name,
                        setup,
                        baseline=e.baseline,
                        check=(lambda out, a=ref_uv, b=ref_J, c=ref_valid: deviation(out, a, b, c))
                        if e.jacobian
                        else None,
                        note=note,
                        scale=scale,
                        ours=e.ours,
                    )
                )
            timings = harness.time_contenders(contenders, repeats=repeats, warmup=warmup, log=log)
            results.append(
                {
                    "n": n,
                    "dtype": dtype,
                    "timings": [t.as_dict() for t in timings],
                    "floor_ratio": floor_ratio(timings),
                    "_t": timings,
                }
            )
            del pts, ref_uv, ref_J, ref_valid
    zero = {dt: {e.name: zero_rotation_nan(e, dt) for e in ENTRIES} for dt in DTYPES}
    extras = {
        "sympy_build_s": _LAMBDIFY_CACHE.get("build_s"),
        "numba_cold_compile": numba_cold_compile() if cold_compile else None,
        "nan_at_zero_rotation": zero,
        "params": PARAMS.tolist(),
        "intrinsics": list(INTRINSICS),
    }
    return {"suite": "jacobian", "quick": quick, "sizes": list(sizes), "results": results, "extras": extras}


def bytes_per_point(dtype: str) -> int:
    """Bytes a warp-Jacobian call must move per point: read X, Y, Z; write u, v, 12 J entries, valid."""
    return (3 + 2 + 12) * np.dtype(dtype).itemsize + 1


def floor_ratio(timings: list[Timing]) -> float | None:
    """Median of the preallocated generated kernel over the memory floor's median, when both ran."""
    by_name = {t.name: t for t in timings if t.times_s}
    if PREALLOCATED in by_name and FLOOR in by_name:
        return by_name[PREALLOCATED].median_s / by_name[FLOOR].median_s
    return None


def markdown(res: dict, header: str) -> str:
    """Tables: one per (dtype, N), then first-call latency and zero-rotation NaN summary."""
    parts = [header]
    checks = [("max_rel_dev_J", "max rel. dev. of J vs f64 kernel"), ("max_dev_uv_px", "max dev. of uv (px)")]
    for r in res["results"]:
        parts.append(f"\n### N = {r['n']:,}, {r['dtype']}\n")
        parts.append(harness.timing_table(r["_t"], checks))
        fastest = min((t for t in r["_t"] if t.times_s), key=lambda t: t.median_s, default=None)
        if fastest is not None and not fastest.baseline and not fastest.ours:
            parts.append(f"\nFastest here: **{fastest.name}** (a peer wins at this size).")
        floor = floor_ratio(r["_t"])
        if floor is not None:
            parts.append(
                f"\nPreallocated kernel / memory floor (medians, this run): **{floor:.2f}x** "
                f"(the floor moves {bytes_per_point(r['dtype'])} bytes per point: "
                f"{bytes_per_point(r['dtype']) * r['n'] / 1e6:.1f} MB)."
            )
    ex = res["extras"]
    parts.append("\n### First-call latency (apart from the steady-state times above)\n")
    rows = []
    numba_first = ex.get("numba_cold_compile") or {}
    for key, label in (("cold", "empty Numba cache: compile"), ("cached", "Numba cache on disk: load")):
        d = numba_first.get(key)
        if d:
            rows.append(
                [
                    f"generated Numba CPU, first call in a fresh process, {label}",
                    f"{harness.fmt_time(d['float32'])} (float32), {harness.fmt_time(d['float64'])} (float64); "
                    f"`import jacgen` {harness.fmt_time(d['import_s'])}",
                ]
            )
    if ex.get("sympy_build_s") is not None:
        rows.append(["sympy diff + lambdify(cse=True) of the textbook model", f"{ex['sympy_build_s']:.2f} s (once)"])
    for name in ("JAX jit(vmap(jacfwd))", "PyTorch vmap(jacrev)", "PyTorch vmap(jacfwd)"):
        firsts = [
            f"{r['n']:,} {r['dtype']}: {harness.fmt_time(t.first_call_s)}"
            for r in res["results"]
            for t in r["_t"]
            if t.name == name and math.isfinite(t.first_call_s)
        ]
        if firsts:
            rows.append([name + " first call", "; ".join(firsts)])
    parts.append(harness.markdown_table(["what", "time"], rows, "ll"))
    parts.append("\n### NaN at zero rotation (r = 0, t != 0)\n")
    zero = ex["nan_at_zero_rotation"]
    parts.append(
        harness.markdown_table(
            ["contender", *zero.keys()], [[n, *[zero[d][n] for d in zero]] for n in next(iter(zero.values()))], "lll"
        )
    )
    parts.append(
        "\nPeers use the textbook formula with sin(t)/t and (1 - cos t)/t^2, as users write it; "
        "the generated kernels use the phi_n series near 0 (see README, 'Exact at zero rotation')."
    )
    return "\n".join(parts) + "\n"


def plot(res: dict, path: Path) -> None:
    """Median time per call vs N, one panel per dtype, log-log."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(DTYPES), figsize=(12, 4.8), sharey=True)
    for ax, dtype in zip(np.atleast_1d(axes), DTYPES, strict=True):
        rows = [r for r in res["results"] if r["dtype"] == dtype]
        for e in ENTRIES:
            pts = [
                (r["n"], t.median_s, t.scale != 1.0) for r in rows for t in r["_t"] if t.name == e.name and t.times_s
            ]
            if not pts:
                continue
            ns, ts, scaled = zip(*pts, strict=True)
            style = "-o" if e.ours else "--s"
            ax.plot(ns, ts, style, label=e.name + (" (scaled)" if any(scaled) else ""), lw=2.2 if e.baseline else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("points N")
        ax.set_title(f"rodrigues warp Jacobian, {dtype}")
        ax.grid(True, which="both", alpha=0.3)
    np.atleast_1d(axes)[0].set_ylabel("median time per call (s)")
    np.atleast_1d(axes)[-1].legend(fontsize=7, loc="upper left")
    harness.save_figure(fig, path)


def strip_private(res: dict) -> dict:
    """The result without in-memory Timing objects (for JSON)."""
    return harness.without_timings(res, "results")


def timings_of(res: dict) -> list[list[Timing]]:
    """The Timing lists of every configuration (for tests)."""
    return [r["_t"] for r in res["results"]]
