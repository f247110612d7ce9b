"""The memory floor of the warp-Jacobian kernel: the same bytes moved, no arithmetic.

:func:`move_warp_jacobian_bytes` reads every point once and writes every output byte once
(``uv``, ``J`` and ``valid`` in the layout the public API returns) with the non-temporal stores
the large-N kernels use (two values per store), so no output cache line is read before it is written. No kernel that
returns these outputs can move less data, so its time is the floor the generated kernel is
measured against (issue: "within 1.3x of the memory floor"). It uses the same thread pool and
the same chunking as the generated kernels.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit, prange

from generated.rodrigues_cpu import STREAM_CHUNK as CHUNK  # the generated kernels' chunking
from jacgen.aligned_memory import empty_aligned
from jacgen.streaming import store_fence, stream_store_pair


@njit(parallel=True, cache=True)
def move_warp_jacobian_bytes(points: np.ndarray, uv: np.ndarray, jac: np.ndarray, valid: np.ndarray) -> None:
    """Write ``uv`` (N, 2), ``jac`` (N, 2, 6) and ``valid`` (N,) from ``points`` (N, 3): copies, no maths."""
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + CHUNK - 1) // CHUNK):
        for i in range(chunk * CHUNK, min(n, (chunk + 1) * CHUNK)):
            iu = np.uint64(i)
            x = points_flat[iu * np.uint64(3)]
            y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            valid[iu] = z > 0
            stream_store_pair(uv_flat, iu * np.uint64(2), x, y)
            for k in range(6):
                stream_store_pair(jac_flat, iu * np.uint64(12) + np.uint64(2 * k), z, z)
        store_fence()


def make_floor(points: np.ndarray) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """A zero-argument runner of :func:`move_warp_jacobian_bytes` into preallocated outputs."""
    n = points.shape[0]
    uv = empty_aligned((n, 2), points.dtype)  # the outputs the API returns (the floor: no difference)
    jac = empty_aligned((n, 2, 6), points.dtype)
    valid = np.empty(n, np.bool_)

    def run():
        move_warp_jacobian_bytes(points, uv, jac, valid)
        return uv, jac

    return run


__all__ = ["move_warp_jacobian_bytes", "make_floor", "CHUNK"]
