"""``gpu`` suite: the device-resident ``align_batch(target="cuda")`` and the generated CUDA kernels on a real GPU.

Skipped, with the reason, without a GPU (the simulator does not count). Sections, most important
first, each skipped with a note when the time budget (``BENCH_GPU_BUDGET_S``, default 1800 s) would
not hold it:

- warm-up: the first ``align_batch`` call per target (Numba compile, or a load from ``NUMBA_CACHE_DIR``);
- VGA pairs/s of ``align_batch(target="cuda")`` at B = 1, 16, 256, 1024 for a synthetic pair
  replicated (host inputs; device inputs at the larger B) with the kernel launches per call
  (counted by wrapping numba-cuda's ``_Kernel.launch``, not altered), and the CPU path at B = 16;
- the fused normal-equation kernel of the largest B on level 0: its recorded launch replayed on the
  pipeline's own device arrays (every pair marked running), timed with CUDA events, with registers
  per thread and theoretical occupancy, and recompiled variants (``max_registers`` None/64/96/128 x
  128/256 threads per block; for 128 the module constant ``THREADS_PER_BLOCK`` that sizes the
  kernel's shared arrays, point stride and reduction is rebound in a copy of its globals);
- the workspace's device bytes at the largest B;
- equality against ``target="cpu"`` on 8 synthetic pairs (and 8 TUM pairs when present);
- ``warp_jacobian`` float32 at 4.9M points as a fraction of the measured device copy bandwidth;
- CuPy arrays and PyTorch CUDA tensors passed in without a copy, equal to NumPy inputs;
- the TUM pairs (``--data``, default ``../shared/data``) replicated to the same B;
- one pair through ``solver.align`` and through the PyTorch-CUDA autograd aligner, as a ratio.

GPU wall times are taken with a device synchronisation around each call; medians over the repeats.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import numpy as np

from .gpu_tools import (
    Budget,
    LaunchCounter,
    compile_variant,
    device_pointer,
    error_note,
    event_time,
    kernel_info,
    sync,
    to_host,
    wall_time,
)
from .harness import Mode, fmt_time, markdown_table, save_figure

REPEATS = 7
BATCH_REPEATS = 3
FUSED_REPEATS = 10
EQUAL_PAIRS = 8
VGA = (480, 640)
FUSED = "_normal_equations"
SETTINGS = tuple((regs, threads) for threads in (256, 128) for regs in (None, 64, 96, 128))


def gpu_available() -> tuple[bool, str]:
    """Whether Numba sees a real CUDA GPU (the simulator does not count), with the reason if not."""
    try:
        from numba import config, cuda
    except ImportError as exc:  # pragma: no cover - numba is a core dependency
        return False, f"numba.cuda unavailable: {exc}"
    if config.ENABLE_CUDASIM:
        return False, "NUMBA_ENABLE_CUDASIM=1 (simulator): GPU timings would be meaningless"
    try:
        if not cuda.is_available():
            return False, "no CUDA GPU on this machine"
        name = cuda.get_current_device().name
    except Exception as exc:  # a broken driver or toolkit: skip with its message
        return False, f"CUDA unusable: {type(exc).__name__}: {exc}"
    return True, name.decode() if isinstance(name, bytes) else str(name)


# ----------------------------------------------------------------------------------------------------------------------
# inputs


def _scene(shape: tuple[int, int] = VGA, k: int = 0) -> dict:
    """Synthetic pair ``k`` (k = 0: the suite's reference pair; others vary motion, seed and noise)."""
    from solver.synthetic import make_scene

    motion = (
        (0.03, -0.02, 0.04, 2.0, -3.0, 1.5)
        if k == 0
        else (0.01 * k - 0.04, 0.02 - 0.006 * k, 0.015 * (k % 3), 1.5 - 0.4 * k, -1.0 + 0.5 * k, 0.3 * k)
    )
    s = make_scene(motion, shape=shape, seed=k, noise=0.01 * (k % 2))
    return {"ref": s.ref_image, "depth": s.ref_depth, "tgt": s.tgt_image, "K": np.asarray(s.intrinsics, float)}


def tum_pairs(data: Path | None, n: int) -> tuple[list[dict], str]:
    """Up to ``n`` distinct TUM pairs (RGB uint8, depth in metres) from ``data/*/pairs.csv``, with a note."""
    from solver.sequences.io import read_depth, read_image

    from .align_suite import INTRINSICS, find_datasets, load_pairs

    folders = find_datasets(data)
    if not folders:
        return [], f"no */pairs.csv under {data}"
    pairs = [p for folder in folders for p in load_pairs(folder)]
    picked = [pairs[round(i * (len(pairs) - 1) / max(n - 1, 1))] for i in range(min(n, len(pairs)))]
    out = [
        {
            "ref": read_image(p.ref_rgb),
            "depth": read_depth(p.ref_depth),
            "tgt": read_image(p.tgt_rgb),
            "K": np.asarray(INTRINSICS, float),
        }
        for p in picked
    ]
    return out, f"{len(out)} of {len(pairs)} pairs from {', '.join(f.name for f in folders)}"


def _stack(pairs: list[dict], b: int) -> tuple:
    """``(refs, depths, tgts, Ks)`` of ``b`` pairs, the given ones repeated in turn, stacked on a leading axis."""
    pick = [pairs[i % len(pairs)] for i in range(b)]
    return tuple(np.stack([p[key] for p in pick]) for key in ("ref", "depth", "tgt", "K"))


def _to_device(arrays: tuple) -> tuple:
    from numba import cuda

    return tuple(cuda.to_device(a) for a in arrays)


# ----------------------------------------------------------------------------------------------------------------------
# sections


def warmup_section(pair: dict) -> dict:
    """First call of ``align_batch`` per target on one pair (compile or cache load), then a warm one."""
    import solver

    out = {}
    for target in ("cuda", "cpu"):
        args = _stack([pair], 1)
        t = time.perf_counter()
        solver.align_batch(*args, target=target)
        sync()
        first = time.perf_counter() - t
        t = time.perf_counter()
        solver.align_batch(*args, target=target)
        sync()
        out[target] = {"first_call_s": first, "second_call_s": time.perf_counter() - t}
    return out


def _statuses(results) -> dict:
    return dict(Counter(getattr(r.status, "name", str(r.status)) for r in results))


def batch_row(scene: str, pairs: list[dict], b: int, budget: Budget, hint_s: float, inputs: str = "host"):
    """One ``align_batch(target="cuda")`` row: pairs/s and launches per call; returns ``(row, counter)``.

    The first call (workspace allocation) is untimed; the second is counted; then timed repeats.
    ``hint_s``: seconds per pair of an earlier row, to decide whether the row fits the budget.
    """
    import solver

    row = {"scene": scene, "target": "cuda", "inputs": inputs, "B": b}
    need = 3 * hint_s * b + 3 + 0.004 * b  # three calls, and stacking the inputs on the host
    if not budget.allows(need):
        return {**row, "skipped": budget.reason(need)}, None
    refs, depths, tgts, Ks = _stack(pairs, b)
    if inputs == "device":
        refs, depths, tgts = _to_device((refs, depths, tgts))

    def call():
        return solver.align_batch(refs, depths, tgts, Ks, target="cuda")

    t = time.perf_counter()
    call()
    sync()
    first = time.perf_counter() - t
    with LaunchCounter() as counter:
        results = call()
        sync()
    repeats = max(1, min(BATCH_REPEATS, int(min(30.0, budget.left() / 4) / max(first, 1e-3))))
    timing = wall_time(call, repeats, warm=False)
    row.update(timing)
    row.update(
        first_call_s=first,
        pairs_per_s=b / timing["median_s"],
        launches_per_call=counter.total,
        fused_launches=counter.count(FUSED),
        kernels=len(counter.by_name),
        success=sum(bool(r.success) for r in results),
        statuses=_statuses(results),
    )
    return row, counter


def cpu_row(scene: str, pairs: list[dict], b: int, budget: Budget) -> dict:
    """``align_batch(target="cpu")`` pairs/s on the same inputs (for the CUDA/CPU ratio)."""
    import solver

    row = {"scene": scene, "target": "cpu", "inputs": "host", "B": b}
    if not budget.allows(20):
        return {**row, "skipped": budget.reason(20)}
    args = _stack(pairs, b)
    t = time.perf_counter()
    results = solver.align_batch(*args, target="cpu")
    first = time.perf_counter() - t
    repeats = max(1, min(BATCH_REPEATS, int(15.0 / max(first, 1e-3))))
    timing = wall_time(lambda: solver.align_batch(*args, target="cpu"), repeats, warm=False)
    return {**row, **timing, "pairs_per_s": b / timing["median_s"], "success": sum(bool(r.success) for r in results)}


def workspace_bytes(b: int) -> dict:
    """Device bytes of the kept workspace(s) of ``b`` pairs (solver.device_batch.workspace)."""
    from solver.device_batch import workspace as ws

    kept = [w for w in ws._kept.values() if w.shape.pairs == b]
    if not kept:
        return {"skipped": f"no kept workspace of B = {b}"}
    w = kept[-1]
    n = int(w.nbytes())
    return {
        "B": b,
        "height": w.shape.height,
        "width": w.shape.width,
        "levels": w.shape.levels,
        "bytes": n,
        "bytes_per_pair": n / b,
    }


def _release() -> None:
    from solver.device_batch.workspace import release_workspaces

    release_workspaces()
    sync()


def throughput_section(scene: str, pairs: list[dict], sizes: tuple[int, ...], budget: Budget, device_from: int):
    """Rows for every B (host inputs; device inputs too from ``device_from``) and the largest B's capture.

    Returns ``(rows, extra)`` with ``extra``: the workspace bytes and the recorded fused launch of
    the largest B with host inputs (its workspace is kept until the caller releases it).
    """
    rows, hint, extra = [], 0.05, {}
    for b in sizes:
        for inputs in ("host", "device") if b >= device_from else ("host",):
            try:
                row, counter = batch_row(scene, pairs, b, budget, hint, inputs)
            except Exception as exc:  # report, keep the other rows
                row, counter = (
                    {"scene": scene, "inputs": inputs, "B": b, "failed": error_note(exc)},
                    None,
                )
            rows.append(row)
            if "median_s" in row:
                hint = max(row["median_s"], row["first_call_s"] / 2) / b
            if b == max(sizes) and inputs == "host" and counter is not None:
                extra["workspace"] = workspace_bytes(b)
                extra["launch"] = max(counter.last.values(), key=lambda r: counter.by_name[r.name], default=None)
            else:
                _release()
    return rows, extra


def fused_section(launch) -> tuple[dict, tuple, np.ndarray]:
    """The recorded fused launch replayed with every pair running; returns ``(result, args, partial sums)``."""
    from numba import cuda

    args = list(launch.args)
    pairs = int(args[5].shape[0])
    args[5] = cuda.to_device(np.ones(pairs, dtype=np.int32))  # the pipeline's own flags say every pair finished
    args[-1] = cuda.device_array(args[-1].shape, dtype=args[-1].dtype)
    tiles = to_host(args[4])
    threads = int(launch.blockdim[0])
    t = event_time(lambda: launch.replay(args), FUSED_REPEATS)
    res = {
        "kernel": launch.name,
        "pairs": pairs,
        "tiles": int(tiles.shape[0]),
        "points": int(np.sum(tiles[:, 2] - tiles[:, 1])),
        "blocks": int(launch.griddim[0]),
        "threads": threads,
        **t,
        "per_frame_s": t["median_s"] / pairs,
    }
    try:
        res.update(kernel_info(launch.kernel, threads))
    except Exception as exc:  # attributes unavailable: keep the time
        res["info_failed"] = f"{type(exc).__name__}: {exc}"
    return res, tuple(args), to_host(args[-1])


def settings_section(launch, args: tuple, base: np.ndarray, budget: Budget) -> list[dict]:
    """The fused kernel recompiled per ``(max_registers, threads)``: registers, occupancy, time, agreement."""
    from numba import cuda

    py_func = launch.py_func
    module_threads = py_func.__globals__.get("THREADS_PER_BLOCK")
    rows = []
    for regs, threads in SETTINGS:
        row = {"max_registers": regs, "threads": threads}
        rows.append(row)
        if threads != module_threads and module_threads is None:
            row["skipped"] = "the kernel has no THREADS_PER_BLOCK global to rebind"
            continue
        if not budget.allows(45):
            row["skipped"] = budget.reason(45)
            continue
        try:
            t = time.perf_counter()
            kernel = compile_variant(py_func, regs, threads, module_threads)
            out = cuda.device_array(base.shape, dtype=base.dtype)
            run_args = (*args[:-1], out)
            kernel[launch.griddim, threads](*run_args)
            sync()
            row["compile_s"] = time.perf_counter() - t
            row.update(event_time(lambda k=kernel, a=run_args, n=threads: k[launch.griddim, n](*a), FUSED_REPEATS))
            row["per_frame_s"] = row["median_s"] / int(args[5].shape[0])
            row.update(kernel_info(next(iter(kernel.overloads.values())), threads))
            got = to_host(out)
            row["max_rel_diff"] = float(np.max(np.abs(got - base)) / max(float(np.max(np.abs(base))), 1e-300))
        except Exception as exc:  # one setting failing (too few registers, say) keeps the others
            row["failed"] = error_note(exc)
    return rows


def _compare(cpu, gpu) -> dict:
    pose = max(float(np.max(np.abs(np.asarray(a.pose) - np.asarray(b.pose)))) for a, b in zip(cpu, gpu, strict=True))
    return {
        "pairs": len(cpu),
        "max_pose_diff": pose,
        "status_equal": sum(a.status == b.status for a, b in zip(cpu, gpu, strict=True)),
        "nit_equal": sum(a.nit == b.nit for a, b in zip(cpu, gpu, strict=True)),
        "levels_equal": sum(
            [lv.iterations for lv in a.levels] == [lv.iterations for lv in b.levels]
            for a, b in zip(cpu, gpu, strict=True)
        ),
        "cpu_statuses": _statuses(cpu),
        "cuda_statuses": _statuses(gpu),
    }


def equality_section(pairs: list[dict]) -> dict:
    """``align_batch`` CUDA against CPU on distinct pairs: max pose difference, equal statuses and iterations."""
    import solver

    args = _stack(pairs, len(pairs))
    cpu = solver.align_batch(*args, target="cpu")
    gpu = solver.align_batch(*args, target="cuda")
    return _compare(cpu, gpu)


def equal_enough(res: dict, tol: float = 1e-6) -> bool:
    """Whether an :func:`equality_section` result counts as equal (all statuses and iterations, poses within tol)."""
    n = res["pairs"]
    return (
        res["max_pose_diff"] <= tol and res["status_equal"] == n and res["nit_equal"] == n and res["levels_equal"] == n
    )


def copy_bandwidth(n_bytes: int) -> float:
    """Device-to-device copy bandwidth in bytes/s (read + write counted)."""
    from numba import cuda

    a = cuda.device_array(n_bytes // 4, dtype=np.float32)
    b = cuda.device_array_like(a)
    t = wall_time(lambda: b.copy_to_device(a), REPEATS)
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
    t = wall_time(lambda: mod.warp_jacobian(params, d_pts, K, uv, jac, valid), REPEATS)
    moved = pts.nbytes + n * (2 * 4 + 12 * 4 + 1)
    bw = copy_bandwidth(max(moved, 1 << 26))
    return {"n": n, **t, "bytes": moved, "achieved_Bps": moved / t["median_s"], "copy_Bps": bw}


def _library(name: str):
    """``(module, to_device)`` of CuPy or PyTorch with CUDA, or ``(None, reason)``."""
    try:
        if name == "cupy":
            import cupy

            cupy.cuda.runtime.getDeviceCount()
            return cupy, cupy.asarray
        import torch
    except Exception as exc:  # not installed, or no device for it
        return None, f"{name} unavailable: {error_note(exc)}"
    if not torch.cuda.is_available():
        return None, "torch has no CUDA device (CPU build)"
    return torch, lambda a: torch.from_numpy(np.ascontiguousarray(a)).cuda()


def _jacobian_diff(make, n: int = 100_000) -> float:
    import jacgen

    rng = np.random.default_rng(1)
    pts = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(1, 5, n)])
    params, K = np.array([0.1, -0.2, 0.3, 0.01, 0.02, 0.03]), (517.3, 516.5, 318.6, 255.3)
    ref = [to_host(x) for x in jacgen.warp_jacobian("rodrigues", params, pts, K, target="cuda")]
    got = [to_host(x) for x in jacgen.warp_jacobian("rodrigues", params, make(pts), K, target="cuda")]
    if not np.array_equal(ref[2], got[2]):
        return float("inf")
    return max(
        float(np.nanmax(np.abs(a.astype(float) - b.astype(float)), initial=0.0)) for a, b in zip(ref, got, strict=True)
    )


def interop_section(pairs: list[dict]) -> dict:
    """CuPy arrays and PyTorch CUDA tensors into ``align_batch`` and ``warp_jacobian``: no copy, same numbers."""
    import solver
    from jacgen.cuda_support import as_device_array

    host = _stack(pairs, len(pairs))
    ref = solver.align_batch(*host, target="cuda")
    out = {}
    for name in ("cupy", "torch"):
        lib, make = _library(name)
        if lib is None:
            out[name] = {"skipped": make}
            continue
        try:
            dev = [make(a) for a in host[:3]]
            view = as_device_array(dev[0])
            got = solver.align_batch(*dev, host[3], target="cuda")
            cmp = _compare(ref, got)
            out[name] = {
                "zero_copy": device_pointer(view) == device_pointer(dev[0]),
                "pairs": len(pairs),
                "max_pose_diff_vs_numpy": cmp["max_pose_diff"],
                "status_equal": cmp["status_equal"],
                "nit_equal": cmp["nit_equal"],
                "warp_jacobian_max_diff_vs_numpy": _jacobian_diff(make),
            }
        except Exception as exc:  # report, keep the other library
            out[name] = {"failed": error_note(exc)}
    return out


def single_section(pair: dict, repeats: int = 5) -> dict:
    """One pair: ``solver.align`` with ``target="cuda"`` and the CPU path."""
    import solver

    args = (pair["ref"], pair["depth"], pair["tgt"], pair["K"])
    return {
        "align_cuda": wall_time(lambda: solver.align(*args, target="cuda"), repeats),
        "align_cpu": wall_time(lambda: solver.align(*args), repeats),
    }


def torch_section(pair: dict) -> dict:
    """The PyTorch-CUDA autograd aligner on the same pair (LBFGS), if torch with CUDA is installed."""
    try:
        import torch
    except ImportError:
        return {"skipped": "torch not installed (pip install -e '.[bench]')"}
    if not torch.cuda.is_available():
        return {"skipped": "torch has no CUDA device (CPU build)"}
    from .peers.torch_align import align_torch

    def run():
        align_torch(pair["ref"], pair["depth"], pair["tgt"], pair["K"], device="cuda")
        torch.cuda.synchronize()

    return wall_time(run, repeats=3)


# ----------------------------------------------------------------------------------------------------------------------
# the suite


def _attempt(res: dict, name: str, fn, budget: Budget, need_s: float, log) -> object:
    """Run a section into ``res[name]`` unless the budget is short; failures are recorded, not raised."""
    if not budget.allows(need_s):
        res[name] = {"skipped": budget.reason(need_s)}
        log(f"gpu: {name} skipped ({res[name]['skipped']})")
        return None
    log(f"gpu: {name} ... ({budget.left():.0f} s left)")
    try:
        value = fn()
    except Exception as exc:  # report the failure, keep the other sections
        res[name] = {"failed": error_note(exc)}
        return None
    res[name] = value
    return value


def _kernel_sections(res: dict, extra: dict, budget: Budget, log):
    """Workspace bytes and the fused kernel's time from the largest synthetic batch; returns what the sweep needs."""
    res["workspace"] = extra.get("workspace", {"skipped": "the largest synthetic batch did not run"})
    launch = extra.pop("launch", None)
    extra.clear()
    if launch is None:
        res["fused"] = {"skipped": "no fused launch recorded (the largest synthetic batch did not run)"}
        return None
    found = _attempt(res, "fused", lambda: fused_section(launch), budget, 10, log)
    if found is None:
        return None
    res["fused"], args, base = found
    return launch, args, base


def run(mode: Mode = Mode()) -> dict:
    """Run every section; returns ``{"available": False, "reason": ...}`` without a GPU."""
    log = mode.log
    ok, info = gpu_available()
    if not ok:
        log(f"gpu suite skipped: {info}")
        return {"available": False, "reason": info}
    budget = Budget()
    small = mode.quick or mode.smoke
    sizes = (1, 16) if mode.smoke else (1, 16, 256) if mode.quick else (1, 16, 256, 1024)
    res: dict = {"available": True, "device": info, "budget_s": budget.seconds, "sizes": list(sizes)}
    pair = _scene()
    _attempt(res, "warmup", lambda: warmup_section(pair), budget, 0, log)
    kept = None  # the largest batch's fused launch and its arguments (its workspace stays alive until the sweep)
    found = _attempt(
        res, "synthetic", lambda: throughput_section("synthetic", [pair], sizes, budget, 256), budget, 5, log
    )
    if found is not None:
        res["synthetic"], extra = found
        kept = _kernel_sections(res, extra, budget, log)
    _attempt(res, "cpu", lambda: cpu_row("synthetic", [pair], 16, budget), budget, 20, log)
    scenes = [pair] + [_scene(k=k) for k in range(1, EQUAL_PAIRS)]
    _attempt(res, "equality", lambda: equality_section(scenes), budget, 30, log)
    tum, res["tum_note"] = tum_pairs(mode.data, EQUAL_PAIRS)
    if tum:
        _attempt(res, "equality_tum", lambda: equality_section(tum), budget, 30, log)
    _attempt(res, "jacobian", lambda: jacobian_section(307_200 if small else 4_915_200), budget, 15, log)
    _attempt(res, "interop", lambda: interop_section(scenes[:4]), budget, 20, log)
    if tum:
        found = _attempt(res, "tum", lambda: throughput_section("TUM", tum, sizes, budget, 1 << 30), budget, 10, log)
        if found is not None:
            res["tum"] = found[0]
            found[1].clear()
    else:
        res["tum"] = {"skipped": res["tum_note"]}
    _release()
    _attempt(res, "single", lambda: single_section(pair), budget, 10, log)
    _attempt(res, "torch", lambda: torch_section(pair), budget, 30, log)
    if kept is not None:
        _attempt(res, "settings", lambda: settings_section(*kept, budget), budget, 45, log)
    else:
        res["settings"] = {"skipped": "no fused launch to recompile"}
    kept = None  # frees the largest batch's workspace
    _release()
    res["elapsed_s"] = budget.seconds - budget.left()
    return res


# ----------------------------------------------------------------------------------------------------------------------
# report


def _note(entry) -> str | None:
    """``"skipped: ..."`` / ``"failed: ..."`` of a section or row, None when it ran."""
    if not isinstance(entry, dict):
        return None
    for key in ("skipped", "failed"):
        if key in entry:
            return f"{key}: {entry[key]}"
    return None


def _rows_md(rows: list[dict]) -> str:
    headers = [
        "scene",
        "target",
        "inputs",
        "B",
        "median per call",
        "pairs/s",
        "launches/call",
        "fused launches",
        "first call",
        "success",
    ]
    out = []
    for r in rows:
        head = [r.get("scene", "-"), r.get("target", "cuda"), r.get("inputs", "-"), r.get("B", "-")]
        note = _note(r)
        if note:
            out.append([*head, "-", "-", "-", "-", "-", note])
            continue
        out.append(
            [
                *head,
                fmt_time(r["median_s"]),
                f"{r['pairs_per_s']:,.0f}" if r["pairs_per_s"] >= 10 else f"{r['pairs_per_s']:.3g}",
                r.get("launches_per_call", "-"),
                r.get("fused_launches", "-"),
                fmt_time(r.get("first_call_s")),
                f"{r['success']}/{r['B']}",
            ]
        )
    return markdown_table(headers, out, align="llll" + "r" * 6)


def _throughput_md(res: dict) -> list[str]:
    rows = []
    for key in ("synthetic", "cpu", "tum"):
        value = res.get(key)
        if isinstance(value, list):
            rows += value
        elif isinstance(value, dict) and value:
            rows.append(value if "B" in value else {"scene": key, **value})
    if not rows:
        return []
    parts = ["\n### VGA pairs/s, align_batch\n", _rows_md(rows)]
    cuda16 = next(
        (
            r
            for r in rows
            if r.get("scene") == "synthetic"
            and r.get("B") == 16
            and "median_s" in r
            and r.get("target") == "cuda"
            and r.get("inputs") == "host"
        ),
        None,
    )
    cpu = res.get("cpu", {})
    if cuda16 and "median_s" in cpu:
        parts.append(
            f"\nCUDA / CPU at B = 16 (synthetic, host inputs): {cuda16['pairs_per_s'] / cpu['pairs_per_s']:.2f}x "
            "the CPU path's pairs/s.\n"
        )
    ws = res.get("workspace", {})
    if "bytes" in ws:
        parts.append(
            f"\nWorkspace at B = {ws['B']:,} ({ws['height']}x{ws['width']}, {ws['levels']} levels): "
            f"{ws['bytes'] / 2**30:.2f} GiB ({ws['bytes_per_pair'] / 2**20:.1f} MiB per pair).\n"
        )
    return parts


def _fused_md(res: dict) -> list[str]:
    f = res.get("fused", {})
    if "median_s" not in f:
        return []
    parts = [
        f"\n### Fused normal equations (`{f['kernel']}`), level 0, B = {f['pairs']:,}\n",
        f"{f['points']:,} points in {f['tiles']:,} tiles, {f['blocks']:,} blocks of {f['threads']} threads, "
        f"every pair running; {f.get('timer', '')}, median of {FUSED_REPEATS}.\n",
        markdown_table(
            ["launch", "per VGA frame", "registers/thread", "local (spill) bytes", "occupancy"],
            [
                [
                    fmt_time(f["median_s"]),
                    fmt_time(f["per_frame_s"]),
                    f.get("registers", "-"),
                    f.get("local_bytes", "-"),
                    f"{f['occupancy']:.1%}" if "occupancy" in f else "-",
                ]
            ],
        ),
    ]
    settings = res.get("settings")
    if isinstance(settings, list):
        rows = []
        for s in settings:
            head = ["default" if s["max_registers"] is None else s["max_registers"], s["threads"]]
            note = _note(s)
            if note:
                rows.append([*head, "-", "-", "-", "-", "-", "-", note])
                continue
            rows.append(
                [
                    *head,
                    s["registers"],
                    s["local_bytes"],
                    f"{s['occupancy']:.1%}",
                    fmt_time(s["median_s"]),
                    fmt_time(s["per_frame_s"]),
                    f"{s['max_rel_diff']:.1e}",
                    f"{s['compile_s']:.1f} s",
                ]
            )
        parts.append(
            "\nRecompiled with `cuda.jit(max_registers=..., fastmath=True)` on the same arguments; for 128 "
            "threads the kernel's `THREADS_PER_BLOCK` (shared arrays, point stride, tree reduction) is "
            "rebound to 128 in a copy of its globals, tiles unchanged (4,096 points). Difference: largest "
            "|partial sum - generated kernel's| / largest |partial sum|.\n"
        )
        parts.append(
            markdown_table(
                [
                    "max_registers",
                    "threads",
                    "registers",
                    "local bytes",
                    "occupancy",
                    "launch",
                    "per frame",
                    "rel. diff",
                    "compile",
                ],
                rows,
            )
        )
    return parts


def _checks_md(res: dict) -> list[str]:
    parts, rows = [], []
    for key, label in (("equality", "synthetic (distinct)"), ("equality_tum", "TUM (distinct)")):
        e = res.get(key, {})
        if "pairs" in e:
            n = e["pairs"]
            rows.append(
                [
                    label,
                    n,
                    f"{e['max_pose_diff']:.1e}",
                    f"{e['status_equal']}/{n}",
                    f"{e['nit_equal']}/{n}",
                    f"{e['levels_equal']}/{n}",
                    "yes" if equal_enough(e) else "**no**",
                ]
            )
    if rows:
        parts += [
            "\n### align_batch target=cuda against target=cpu\n",
            markdown_table(
                [
                    "pairs",
                    "B",
                    "max pose diff",
                    "same status",
                    "same nit",
                    "same per-level iters",
                    "equal (poses within 1e-6)",
                ],
                rows,
            ),
        ]
    inter = res.get("interop", {})
    if inter and not _note(inter):
        rows = []
        for name in ("cupy", "torch"):
            e = inter.get(name, {})
            note = _note(e)
            rows.append(
                [name, note] + ["-"] * 4
                if note
                else [
                    name,
                    "yes" if e["zero_copy"] else "**no**",
                    f"{e['max_pose_diff_vs_numpy']:.1e}",
                    f"{e['status_equal']}/{e['pairs']}",
                    f"{e['nit_equal']}/{e['pairs']}",
                    f"{e['warp_jacobian_max_diff_vs_numpy']:.1e}",
                ]
            )
        parts += [
            "\n### Foreign device arrays (CUDA array interface) in, against NumPy inputs\n",
            markdown_table(
                [
                    "library",
                    "no copy (same device address)",
                    "align_batch max pose diff",
                    "same status",
                    "same nit",
                    "warp_jacobian max diff",
                ],
                rows,
            ),
        ]
    return parts


def _jacobian_md(res: dict) -> list[str]:
    j = res.get("jacobian", {})
    if "median_s" not in j:
        return []
    frac = j["achieved_Bps"] / j["copy_Bps"]
    return [
        "\n### Per-point Jacobian (rodrigues, float32, device arrays)\n",
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
        ),
    ]


def _single_md(res: dict) -> list[str]:
    one = next(
        (
            r
            for r in res.get("synthetic", [])
            if isinstance(r, dict) and r.get("B") == 1 and "median_s" in r and r.get("inputs") == "host"
        ),
        None,
    )
    if one is None:
        return []
    base = one["median_s"]
    rows = [["align_batch target=cuda, B = 1", fmt_time(base), "1.00x"]]
    single = res.get("single", {})
    for key, label in (("align_cuda", "solver.align target=cuda"), ("align_cpu", "solver.align target=cpu")):
        if key in single:
            rows.append([label, fmt_time(single[key]["median_s"]), f"{single[key]['median_s'] / base:.2f}x"])
    t = res.get("torch", {})
    rows.append(
        ["PyTorch-CUDA autograd (LBFGS)", fmt_time(t["median_s"]), f"{t['median_s'] / base:.2f}x"]
        if "median_s" in t
        else ["PyTorch-CUDA autograd (LBFGS)", "-", _note(t) or "-"]
    )
    return ["\n### One VGA pair\n", markdown_table(["contender", "median", "ratio to ours"], rows)]


def targets(res: dict) -> list[list[str]]:
    """Issue 23's targets against this run's figures (``-`` where not measured)."""
    rows_all = [r for r in res.get("synthetic", []) if isinstance(r, dict) and "pairs_per_s" in r]
    big = max((r for r in rows_all if r["B"] == 1024), key=lambda r: r["pairs_per_s"], default=None)
    one = next((r for r in rows_all if r["B"] == 1 and r["inputs"] == "host"), None)
    f, j, t = res.get("fused", {}), res.get("jacobian", {}), res.get("torch", {})
    frac = j["achieved_Bps"] / j["copy_Bps"] if "median_s" in j else None
    ratio = t["median_s"] / one["median_s"] if "median_s" in t and one else None
    return [
        [
            "VGA pairs/s at B = 1024",
            ">= 2,000 (moonshot 10,000)",
            f"{big['pairs_per_s']:,.0f} ({big['inputs']} inputs)" if big else "-",
        ],
        ["one pair (align_batch B = 1)", "<= 2 ms", fmt_time(one["median_s"]) if one else "-"],
        ["fused normal equations per VGA frame", "<= 40 us", fmt_time(f["per_frame_s"]) if "per_frame_s" in f else "-"],
        ["warp_jacobian / copy bandwidth", ">= 50 %", f"{frac:.0%}" if frac is not None else "-"],
        ["PyTorch-CUDA autograd / ours (one pair)", ">= 10x", f"{ratio:.1f}x" if ratio is not None else "-"],
    ]


def markdown(res: dict, header: str) -> str:
    """Markdown report."""
    if not res.get("available"):
        return header + f"\n\n**Skipped: {res.get('reason')}.** GPU figures are not measured on this machine.\n"
    parts = [
        header,
        f"\nDevice: {res['device']}; time budget {res['budget_s']:.0f} s, used "
        f"{res.get('elapsed_s', 0):.0f} s. TUM: {res.get('tum_note', '-')}.\n",
    ]
    w = res.get("warmup", {})
    if "cuda" in w:
        parts += [
            "\n### Warm-up (first call: Numba compile, or a load from NUMBA_CACHE_DIR)\n",
            markdown_table(
                ["align_batch", "first call", "second call"],
                [[k, fmt_time(v["first_call_s"]), fmt_time(v["second_call_s"])] for k, v in w.items()],
            ),
        ]
    for part in (_throughput_md, _fused_md, _checks_md, _jacobian_md, _single_md):
        parts += part(res)
    parts += ["\n### Targets (issue 23)\n", markdown_table(["what", "target", "this run"], targets(res))]
    notes = [f"- {name}: {_note(res[name])}" for name in SECTIONS if _note(res.get(name))]
    if notes:
        parts += ["\nSections not measured:\n", "\n".join(notes)]
    return "\n".join(parts) + "\n"


SECTIONS = (
    "warmup",
    "synthetic",
    "fused",
    "settings",
    "cpu",
    "equality",
    "equality_tum",
    "jacobian",
    "interop",
    "tum",
    "single",
    "torch",
)


def strip_private(res: dict) -> dict:
    """JSON-ready copy (with the targets table)."""
    out = dict(res)
    if res.get("available"):
        out["targets"] = targets(res)
    return out


def plot(res: dict, path: Path) -> None:
    """Batched pairs/s against B per scene and input kind (nothing without a GPU)."""
    rows = [r for key in ("synthetic", "tum") if isinstance(res.get(key), list) for r in res[key] if "pairs_per_s" in r]
    if not res.get("available") or not rows:
        raise RuntimeError("no GPU measurements to plot")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for key in sorted({(r["scene"], r["inputs"]) for r in rows}):
        sel = [r for r in rows if (r["scene"], r["inputs"]) == key]
        ax.plot([r["B"] for r in sel], [r["pairs_per_s"] for r in sel], "o-", label=f"{key[0]}, {key[1]} inputs")
    cpu = res.get("cpu", {})
    if "pairs_per_s" in cpu:
        ax.plot([cpu["B"]], [cpu["pairs_per_s"]], "s", label="CPU path")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pairs per batch B")
    ax.set_ylabel("VGA pairs / s")
    ax.set_title(res["device"])
    ax.legend(fontsize=7)
    save_figure(fig, path, dpi=120)
