"""One run of every public entry point, printed as bit patterns (JSON), for the cold/warm cache test.

``tests/test_reproducible.py`` runs this file in fresh processes that share one ``NUMBA_CACHE_DIR``:
first with the directory empty and ``JACGEN_COMPILE_AHEAD=0`` (every kernel compiled in the
process), then again (every kernel loaded from the cache). The two outputs must be identical byte
for byte. Besides the results it prints how many kernel signatures of the ``generated`` modules
were compiled and how many were loaded from the cache, so the test can tell that each run really
was cold or warm, and which ``numba.cuda`` modules got imported (none: CPU paths never load CUDA,
compiled or cached). ``--first-align`` runs only the first ``align`` (on another empty cache, compile
ahead on: its fused kernels come from the background process of
:mod:`solver.photometric.compile_ahead`), for the same bits from kernels another process compiled.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys

import numpy as np
from numba.core.registry import CPUDispatcher

import jacgen
import solver
from solver.pointset.scenes import fov_intrinsics
from solver.synthetic import make_scene


def digest(*arrays) -> str:
    """SHA-256 of the arrays' bytes (dtype and shape included)."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def first_align() -> dict[str, str]:
    """The digest of the first ``align`` of :func:`results`."""
    scene = make_scene(shape=(96, 128))
    res = solver.align(scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics, levels=3)
    return {"align_float32": digest(res.pose, np.array([res.cost, res.nit]))}


def results() -> dict[str, str]:
    out: dict[str, str] = {}
    scene = make_scene(shape=(96, 128))
    args = (scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics)
    for dtype in ("float32", "float64"):
        res = solver.align(*args, levels=3, dtype=dtype)
        out[f"align_{dtype}"] = digest(res.pose, np.array([res.cost, res.nit]))
    other = make_scene((0.0, 0.02, 0.01, -1.0, 0.5, 1.0), shape=(96, 128), seed=3)
    for dtype in ("float32", "float64"):
        batch = solver.align_batch(
            [scene.ref_image, other.ref_image],
            [scene.ref_depth, other.ref_depth],
            [scene.tgt_image, other.tgt_image],
            scene.intrinsics,
            levels=3,
            dtype=dtype,
        )
        out[f"align_batch_{dtype}"] = digest(*(r.pose for r in batch))

    points = solver.torus_points()
    K = fov_intrinsics((96, 96), 90.0)
    true = np.array([math.radians(30.0), 0.0, math.radians(40.0), 0.0, 0.0, 2.0])
    image = solver.render_points(points, true, K, (96, 96), sigma=2.5)
    out["render_points"] = digest(image)
    init = true + np.radians([8.0, 0.0, -8.0, 0.0, 0.0, 0.0])
    for dtype in ("float32", "float64"):
        res = solver.align_points(points, image, K, init=init, fixed=("r2", "t1", "t2", "t3"), dtype=dtype)
        out[f"align_points_{dtype}"] = digest(res.pose, res.params)

    rng = np.random.default_rng(7)
    params = np.array([0.3, -0.2, 0.1, 0.05, -0.02, 0.1])
    intrinsics = (500.0, 500.0, 320.0, 240.0)
    for n in (1000, 70_000):  # below and above the streaming kernels' threshold
        xyz = np.c_[rng.uniform(-1.0, 1.0, (n, 2)), rng.uniform(2.0, 4.0, n)]
        for dtype in (np.float32, np.float64):
            pts = xyz.astype(dtype)
            out[f"warp_{n}_{dtype.__name__}"] = digest(*jacgen.warp("rodrigues", params, pts, intrinsics))
            jac = jacgen.warp_jacobian("rodrigues", params, pts, intrinsics)
            out[f"warp_jacobian_{n}_{dtype.__name__}"] = digest(*jac)
    return out


def cache_counts() -> dict[str, int]:
    """Kernel signatures of the ``generated`` modules compiled here and loaded from the cache."""
    compiled = loaded = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("generated.") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher):
                compiled += sum(value.stats.cache_misses.values())
                loaded += sum(value.stats.cache_hits.values())
    return {"compiled": compiled, "loaded": loaded}


if __name__ == "__main__":
    outputs = first_align() if sys.argv[1:] == ["--first-align"] else results()
    cuda = sorted(m for m in sys.modules if m.startswith(("numba.cuda", "numba_cuda")))
    print(json.dumps({"results": outputs, "cache": cache_counts(), "cuda_modules": cuda}))
