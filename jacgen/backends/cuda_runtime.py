"""What every generated CUDA module shares: device twins of :mod:`jacgen.runtime` and the launches.

The robust loss is compiled from the same plain-Python body as the CPU one
(:func:`jacgen.runtime.losses.robust_body`), so both targets evaluate the same formulas; host-side
helpers (``phi`` in the hoists, the pose inverse) come from :mod:`jacgen.runtime.sinc` and
:mod:`jacgen.runtime.poses` themselves.
Importing this module loads ``numba.cuda``; generated CUDA modules are only imported on the
``target="cuda"`` path, after :func:`jacgen.cuda_support.require_cuda`.
"""

from __future__ import annotations

import numpy as np

from ..cuda_support import require_cuda
from ..runtime.losses import robust_body
from ..runtime.tiles import batch_tiles, hoist_rows

cuda = require_cuda()

THREADS_PER_BLOCK = 256
"""Threads per block of every generated CUDA kernel."""

MAX_BLOCKS = 4096
"""Most blocks of a launch (blocks stride over further tiles)."""

BATCH_TILE = 16 * THREADS_PER_BLOCK
"""Points per tile when many pairs share a launch."""

robust = cuda.jit(device=True, inline=True)(robust_body)


def grid(n: int) -> int:
    """Blocks for ``n`` points, one point per thread (at most :data:`MAX_BLOCKS`)."""
    return max(1, min((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK, MAX_BLOCKS))


def launch_points(kernel, hoisted, arrays, stream=0) -> None:
    """Run a per-point kernel ``kernel(h, points, *rest)`` over ``arrays[0]``'s points."""
    h = cuda.to_device(hoisted, stream=stream)
    kernel[grid(arrays[0].shape[0]), THREADS_PER_BLOCK, stream](h, *arrays)


def fused_pair(kernel, hoisted, size, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Run a fused kernel on one pair, a tile of :data:`THREADS_PER_BLOCK` points per block.

    Returns the accumulator vector on the host, or adds into ``out`` (a zeroed device array of
    ``size``) and returns it, for callers that keep the sums on the device.
    """
    n = points.shape[0]
    first = np.arange(0, max(n, 1), THREADS_PER_BLOCK, dtype=np.int64)
    tiles = np.column_stack([np.zeros_like(first), first, np.minimum(first + THREADS_PER_BLOCK, n)])
    acc = cuda.to_device(np.zeros((1, size)), stream=stream) if out is None else out.reshape(1, size)
    h, dtiles, scale = (
        cuda.to_device(a, stream=stream) for a in (hoisted[None, :], tiles, np.array([float(loss_scale)]))
    )
    blocks = min(tiles.shape[0], MAX_BLOCKS)
    kernel[blocks, THREADS_PER_BLOCK, stream](
        h, points, iref, tgt.reshape((1, *tgt.shape)), dtiles, loss_id, scale, acc
    )
    return acc.copy_to_host(stream=stream)[0] if out is None else out


def fused_batch(
    kernel, hoist, size, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0
):
    """Run a fused kernel on B pairs in one launch: ``(B, size)`` accumulators on the host."""
    h = hoist_rows(hoist, params, constants, active)
    tiles = batch_tiles(offsets, active, BATCH_TILE)
    out = cuda.to_device(np.zeros((h.shape[0], size)), stream=stream)
    if tiles.shape[0]:
        scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
        dh, dtiles, dscale = (cuda.to_device(a, stream=stream) for a in (h, tiles, scale))
        blocks = min(tiles.shape[0], MAX_BLOCKS)
        kernel[blocks, THREADS_PER_BLOCK, stream](dh, points, iref, tgt, dtiles, loss_id, dscale, out)
    return out.copy_to_host(stream=stream)


__all__ = [
    "BATCH_TILE",
    "MAX_BLOCKS",
    "THREADS_PER_BLOCK",
    "cuda",
    "fused_batch",
    "fused_pair",
    "grid",
    "launch_points",
    "robust",
]
