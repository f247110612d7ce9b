"""Short real-GPU check: ``align_batch`` CUDA against CPU on 8 distinct pairs, and ``warp_jacobian`` CUDA against CPU.

``python -m benchmarks.device_check [--data DIR] [--json PATH]``: prints one line per check, writes
the figures as JSON, exits 0 when every check passes, 1 when one fails, 2 when there is no GPU (the
simulator does not count: use ``tests/device_pipeline_check.py`` there). The first ``align_batch``
call of each target is timed: in a fresh ``NUMBA_CACHE_DIR`` that is the cold compile, and it fills
the cache that ``python -m benchmarks gpu`` loads afterwards.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import gpu
from .harness import DEFAULT_DATA, clean_json

POSE_TOL = 1e-6
JAC_TOL = 1e-9
"""Largest ``warp_jacobian`` difference, relative to the largest CPU value (fastmath on the device)."""


def _first_calls(pair: dict) -> dict:
    import solver

    out = {}
    for target in ("cuda", "cpu"):
        t = time.perf_counter()
        solver.align_batch(*gpu._stack([pair], 1), target=target)
        gpu.sync()
        out[target] = time.perf_counter() - t
    return out


def _jacobian_check(n: int = 200_000) -> float:
    """Largest difference of ``warp_jacobian`` (rodrigues, float64) CUDA against CPU over the largest |CPU value|."""
    import jacgen

    rng = np.random.default_rng(2)
    pts = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(0.5, 5, n)])
    params, K = np.array([0.1, -0.2, 0.3, 0.01, 0.02, 0.03]), (517.3, 516.5, 318.6, 255.3)
    cpu = jacgen.warp_jacobian("rodrigues", params, pts, K, target="cpu")
    dev = [gpu.to_host(x) for x in jacgen.warp_jacobian("rodrigues", params, pts, K, target="cuda")]
    if not np.array_equal(np.asarray(cpu[2]), dev[2]):
        return float("inf")
    return max(
        float(np.nanmax(np.abs(np.asarray(a) - b), initial=0.0) / max(np.nanmax(np.abs(a), initial=0.0), 1e-300))
        for a, b in zip(cpu[:2], dev[:2], strict=True)
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.device_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of */pairs.csv (default %(default)s)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args(argv)
    ok, info = gpu.gpu_available()
    if not ok:
        print(f"device check skipped: {info}")
        return 2
    print(f"device: {info}", flush=True)
    scenes = [gpu._scene(k=k) for k in range(gpu.EQUAL_PAIRS)]
    res: dict = {"device": info, "first_call_s": _first_calls(scenes[0])}
    print(f"first align_batch call: {res['first_call_s']}", flush=True)
    tum, res["tum_note"] = gpu.tum_pairs(args.data, gpu.EQUAL_PAIRS)
    passed = True
    for name, pairs in (("synthetic", scenes), ("tum", tum)):
        if not pairs:
            print(f"{name}: skipped ({res['tum_note']})")
            continue
        e = res[name] = gpu.equality_section(pairs)
        good = gpu.equal_enough(e, POSE_TOL)
        passed &= good
        print(f"{'ok' if good else 'FAIL'} align_batch cuda == cpu, {name}: {json.dumps(clean_json(e))}", flush=True)
    res["jacobian_max_diff"] = _jacobian_check()
    good = res["jacobian_max_diff"] <= JAC_TOL
    passed &= good
    print(f"{'ok' if good else 'FAIL'} warp_jacobian cuda == cpu: max diff {res['jacobian_max_diff']:.2e}")
    res["passed"] = bool(passed)
    if args.json is not None:
        args.json.write_text(json.dumps(clean_json(res), indent=2, allow_nan=False))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
