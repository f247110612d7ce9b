"""``gpu`` suite: generated CUDA kernels and the device aligner on a real GPU (skipped without one).

Sections: per-point Jacobian throughput (float32) as a fraction of the measured device-to-device
copy bandwidth; fused normal equations for one VGA frame (kernel time with the accumulators kept
on the device, the same with the 31-float copy back, and an empty launch for the launch overhead);
a full VGA pair alignment with ``target="cuda"``; batched alignment pairs/s for several ``B``; the
same pair aligned by a PyTorch-CUDA autograd aligner, as a ratio. GPU times are taken with a
device synchronisation around each call; medians over the repeats.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .harness import Mode, fmt_time, markdown_table, save_figure

REPEATS = 7


def gpu_available() -> tuple[bool, str]:
    """Whether Numba sees a real CUDA GPU (the simulator does not count), with the reason if not."""
    try:
        from numba import config, cuda
    except ImportError as exc:  # pragma: no cover - numba is a core dependency
        return False, f"numba.cuda unavailable: {exc}"
    if config.ENABLE_CUDASIM:
        return False, "NUMBA_ENABLE_CUDASIM=1 (simulator): GPU timings would be meaningless"
    if not cuda.is_available():
        return False, "no CUDA GPU on this machine"
    return True, cuda.get_current_device().name.decode() if isinstance(cuda.get_current_device().name, bytes) else str(
        cuda.get_current_device().name
    )


def _time(fn: Callable[[], object], repeats: int = REPEATS) -> dict:
    from numba import cuda

    fn()
    cuda.synchronize()
    times = []
    for _ in range(repeats):
        cuda.synchronize()
        t = time.perf_counter()
        fn()
        cuda.synchronize()
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def copy_bandwidth(n_bytes: int) -> float:
    """Device-to-device copy bandwidth in bytes/s (read + write counted)."""
    from numba import cuda

    a = cuda.device_array(n_bytes // 4, dtype=np.float32)
    b = cuda.device_array_like(a)
    t = _time(lambda: b.copy_to_device(a))
    return 2 * a.nbytes / t["median_s"]


def jacobian_section(n: int) -> dict:
    """Generated CUDA Jacobian of ``rodrigues`` for ``n`` float32 points, device arrays preallocated."""
    from numba import cuda

    import generated.rodrigues_cuda as mod

    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(1, 5, n)]).astype(np.float32)
    d_pts = cuda.to_device(pts)
    uv = cuda.device_array((n, 2), np.float32)
    jac = cuda.device_array((n, 2, 6), np.float32)
    valid = cuda.device_array(n, np.bool_)
    params = np.array([0.1, -0.2, 0.3, 0.01, 0.02, 0.03])
    K = np.array([517.3, 516.5, 318.6, 255.3])
    t = _time(lambda: mod.warp_jacobian(params, d_pts, K, uv, jac, valid))
    moved = pts.nbytes + n * (2 * 4 + 12 * 4 + 1)
    bw = copy_bandwidth(max(moved, 1 << 26))
    return {"n": n, **t, "bytes": moved, "achieved_Bps": moved / t["median_s"], "copy_Bps": bw}


VGA = (480, 640)


def _scene(shape: tuple[int, int] = VGA):
    from solver.synthetic import make_scene

    return make_scene((0.03, -0.02, 0.04, 2.0, -3.0, 1.5), shape=shape)


def normal_equations_section(shape: tuple[int, int] = VGA) -> dict:
    """Fused normal equations of one VGA frame on the device."""
    from numba import cuda

    from solver.options import AlignOptions
    from solver.photometric.problem import Problem

    s = _scene(shape)
    prob = Problem(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, None, AlignOptions(target="cuda").validated())
    data = prob.level_data(0)
    dev = [cuda.to_device(a) for a in (data.points, data.iref, data.tgt_stack)]
    p, c = prob.kernel_inputs(prob.initial, data.intrinsics)
    out = cuda.device_array(prob.module.DESCRIPTION["accumulators"]["normal_equations"]["size"])

    def on_device():
        out.copy_to_device(np.zeros(out.shape[0]))
        prob.module.normal_equations(p, c, *dev, 1, 0.05, out=out)

    @cuda.jit
    def empty(x):
        pass

    return {
        "n_points": int(data.points.shape[0]),
        "kernel_on_device": _time(on_device),
        "with_copy_back": _time(lambda: prob.module.normal_equations(p, c, *dev, 1, 0.05)),
        "empty_launch": _time(lambda: empty[1, 1](out)),
    }


def align_section(batch_sizes: tuple[int, ...], shape: tuple[int, int] = VGA, repeats: int = 5) -> dict:
    """One VGA pair with ``target="cuda"`` and batched pairs/s; the CPU path for reference."""
    import solver

    s = _scene(shape)
    args = (s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics)
    single = _time(lambda: solver.align(*args, target="cuda"), repeats)
    cpu = _time(lambda: solver.align(*args), repeats)
    res = solver.align(*args, target="cuda")
    batched = []
    for b in batch_sizes:
        refs, deps, tgts = [s.ref_image] * b, [s.ref_depth] * b, [s.tgt_image] * b
        t = _time(
            lambda refs=refs, deps=deps, tgts=tgts: solver.align_batch(refs, deps, tgts, s.intrinsics, target="cuda"),
            min(3, repeats),
        )
        batched.append({"B": b, **t, "pairs_per_s": b / t["median_s"]})
    return {"single_cuda": single, "single_cpu": cpu, "success": bool(res.success), "batched": batched}


def torch_section(shape: tuple[int, int] = VGA) -> dict:
    """The PyTorch-CUDA autograd aligner on the same pair (LBFGS), if torch with CUDA is installed."""
    try:
        import torch
    except ImportError:
        return {"skipped": "torch not installed (pip install -e '.[bench]')"}
    if not torch.cuda.is_available():
        return {"skipped": "torch has no CUDA device (CPU build)"}
    from .peers.torch_align import align_torch

    s = _scene(shape)

    def run():
        align_torch(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, device="cuda")
        torch.cuda.synchronize()

    return _time(run, repeats=3)


def run(mode: Mode = Mode()) -> dict:
    """Run every section; returns ``{"available": False, "reason": ...}`` without a GPU."""
    log = mode.log
    ok, info = gpu_available()
    if not ok:
        log(f"gpu suite skipped: {info}")
        return {"available": False, "reason": info}
    n = 307_200 if (mode.quick or mode.smoke) else 4_915_200
    sizes = (1, 16) if mode.smoke else (1, 16, 256) if mode.quick else (1, 16, 256, 1024)
    res = {"available": True, "device": info}
    for name, fn in (
        ("jacobian", lambda: jacobian_section(n)),
        ("normal_equations", normal_equations_section),
        ("align", lambda: align_section(sizes)),
        ("torch", torch_section),
    ):
        log(f"gpu: {name} ...")
        try:
            res[name] = fn()
        except Exception as exc:  # report the failure, keep the other sections
            res[name] = {"failed": f"{type(exc).__name__}: {exc}"}
    return res


def markdown(res: dict, header: str) -> str:
    """Markdown report."""
    if not res.get("available"):
        return header + f"\n\n**Skipped: {res.get('reason')}.** GPU figures are not measured on this machine.\n"
    parts = [header, f"\nDevice: {res['device']}\n"]
    j = res.get("jacobian", {})
    if "median_s" in j:
        frac = j["achieved_Bps"] / j["copy_Bps"]
        parts.append("### Per-point Jacobian (rodrigues, float32, device arrays)\n")
        parts.append(
            markdown_table(
                ["N", "median", "bytes moved", "achieved", "device copy bandwidth", "fraction"],
                [
                    [
                        f"{j['n']:,}",
                        fmt_time(j["median_s"]),
                        f"{j['bytes'] / 1e6:.0f} MB",
                        f"{j['achieved_Bps'] / 1e9:.0f} GB/s",
                        f"{j['copy_Bps'] / 1e9:.0f} GB/s",
                        f"{frac:.0%}",
                    ]
                ],
            )
        )
    ne = res.get("normal_equations", {})
    if "kernel_on_device" in ne:
        parts.append(f"\n### Fused normal equations, one VGA frame ({ne['n_points']:,} points)\n")
        rows = [
            [k.replace("_", " "), fmt_time(ne[k]["median_s"])]
            for k in ("kernel_on_device", "with_copy_back", "empty_launch")
        ]
        parts.append(markdown_table(["what", "median"], rows))
    al = res.get("align", {})
    if "single_cuda" in al:
        parts.append("\n### Alignment of a VGA pair\n")
        rows = [
            ["solver.align target=cuda", fmt_time(al["single_cuda"]["median_s"]), "1.00x"],
            [
                "solver.align target=cpu",
                fmt_time(al["single_cpu"]["median_s"]),
                f"{al['single_cpu']['median_s'] / al['single_cuda']['median_s']:.2f}x",
            ],
        ]
        t = res.get("torch", {})
        if "median_s" in t:
            rows.append(
                [
                    "PyTorch-CUDA autograd (LBFGS)",
                    fmt_time(t["median_s"]),
                    f"{t['median_s'] / al['single_cuda']['median_s']:.2f}x",
                ]
            )
        else:
            rows.append(["PyTorch-CUDA autograd (LBFGS)", "-", t.get("skipped", t.get("failed", "-"))])
        parts.append(markdown_table(["contender", "median", "ratio to ours"], rows))
        parts.append("\n### Batched alignment (align_batch, target=cuda)\n")
        parts.append(
            markdown_table(
                ["B", "median per batch", "pairs/s"],
                [[b["B"], fmt_time(b["median_s"]), f"{b['pairs_per_s']:.0f}"] for b in al["batched"]],
            )
        )
    for name in ("jacobian", "normal_equations", "align", "torch"):
        if "failed" in res.get(name, {}):
            parts.append(f"\n{name}: failed: {res[name]['failed']}\n")
    return "\n".join(parts) + "\n"


def strip_private(res: dict) -> dict:
    """JSON-ready copy."""
    return dict(res)


def plot(res: dict, path: Path) -> None:
    """Batched pairs/s against B (nothing without a GPU)."""
    al = res.get("align", {})
    if not res.get("available") or "batched" not in al:
        raise RuntimeError("no GPU measurements to plot")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    bs = [b["B"] for b in al["batched"]]
    ax.plot(bs, [b["pairs_per_s"] for b in al["batched"]], "o-")
    ax.set_xscale("log")
    ax.set_xlabel("pairs per batch B")
    ax.set_ylabel("pairs / s")
    ax.set_title(res["device"])
    save_figure(fig, path, dpi=120)
