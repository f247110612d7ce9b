"""What every generated CUDA module shares: device twins of :mod:`jacgen.runtime` and the launches.

The robust loss, ``phi_n`` and the closed-form pose inverses are compiled from the same plain-Python
bodies as the CPU ones (:func:`jacgen.runtime.losses.robust_body`, :func:`jacgen.runtime.sinc.phi_body`,
:func:`jacgen.runtime.pose_params.pose_params_body`), so both targets evaluate the same formulas;
host-side helpers (``phi`` in the hoists, the pose inverse) come from :mod:`jacgen.runtime.sinc` and
:mod:`jacgen.runtime.poses` themselves. Fused kernels write one row of partial sums per tile; the
host launchers here add them per pair in tile order (:func:`jacgen.runtime.tiles.sum_tiles`), so the
sums do not depend on the order in which blocks run.
Importing this module loads ``numba.cuda``; generated CUDA modules are only imported on the
``target="cuda"`` path, after :func:`jacgen.cuda_support.require_cuda`.
"""

from __future__ import annotations

import numpy as np

from ..cuda_support import _simulated, require_cuda
from ..runtime.losses import robust_body
from ..runtime.pose_params import pose_params_body
from ..runtime.sinc import phi_body
from ..runtime.tiles import batch_tiles, hoist_rows, sum_tiles

cuda = require_cuda()

SIMULATOR_THREADS = 32
"""Threads per block under Numba's CUDA simulator, which runs every thread as a Python thread."""

THREADS_PER_BLOCK = SIMULATOR_THREADS if _simulated() else 256
"""Threads per block of every generated CUDA kernel: 256 on a GPU, :data:`SIMULATOR_THREADS` under the
simulator (the same kernels: their shared arrays, strides and reduction trees follow this constant)."""

MAX_BLOCKS = 4096
"""Most blocks of a launch (blocks stride over further tiles)."""

BATCH_TILE = 4096
"""Points per tile when many pairs share a launch (on every target: tiles do not depend on the block size)."""

MAX_GRID_Y = 65535
"""Most blocks along a grid's second axis (pairs beyond it are strided over)."""

robust = cuda.jit(device=True, inline=True)(robust_body)
phi_device = cuda.jit(device=True, inline=True)(phi_body)
"""``phi_n`` on the device (device functions: hoists and ``pose`` computed in a kernel)."""
pose_params_device = cuda.jit(device=True, inline=True)(pose_params_body)
""":func:`jacgen.runtime.pose_params.pose_params_body` on the device: ``pose_params_device(kind, T, out)``."""


def grid(n: int) -> int:
    """Blocks for ``n`` points, one point per thread (at most :data:`MAX_BLOCKS`)."""
    return max(1, min((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK, MAX_BLOCKS))


def launch_points(kernel, hoisted, arrays, stream=0) -> None:
    """Run a per-point kernel ``kernel(h, points, *rest)`` over ``arrays[0]``'s points."""
    h = cuda.to_device(hoisted, stream=stream)
    kernel[grid(arrays[0].shape[0]), THREADS_PER_BLOCK, stream](h, *arrays)


def launch_sample(kernel, arrays, stream=0) -> None:
    """Run a per-pair sample kernel: pairs on the grid's second axis, ``out``'s columns on the first.

    ``arrays`` end with ``out`` (B, M); nothing is allocated or copied.
    """
    pairs, width = arrays[-1].shape
    if pairs and width:
        blocks = (grid(width), min(pairs, MAX_GRID_Y))
        kernel[blocks, THREADS_PER_BLOCK, stream](*arrays)


def _run_tiles(kernel, h, size, points, iref, images, tiles, running, loss_id, scales, stream) -> np.ndarray:
    """Launch a fused kernel on ``tiles`` (host rows): the ``(n_tiles, size)`` partial sums on the host.

    ``images``: the stacks the kernel reads after ``iref`` (the targets', and their depths' for a
    photometric + depth kernel); ``scales``: a robust scale per pair, or a row of three.
    """
    partial = cuda.device_array((tiles.shape[0], size), dtype=np.float64, stream=stream)
    dh, dtiles, drunning, dscale = (
        cuda.to_device(np.ascontiguousarray(a), stream=stream) for a in (h, tiles, running, scales)
    )
    blocks = min(tiles.shape[0], MAX_BLOCKS)
    kernel[blocks, THREADS_PER_BLOCK, stream](dh, points, iref, *images, dtiles, drunning, loss_id, dscale, partial)
    return partial.copy_to_host(stream=stream)


def _pair(kernel, hoisted, size, points, iref, images, loss_id, scales, out, stream):
    """One pair's accumulator vector (:func:`fused_pair`), ``images`` its (H, W, 3) stacks."""
    n = points.shape[0]
    first = np.arange(0, max(n, 1), THREADS_PER_BLOCK, dtype=np.int64)
    tiles = np.column_stack([np.zeros_like(first), first, np.minimum(first + THREADS_PER_BLOCK, n)])
    running = np.ones(1, dtype=np.int32)
    stacks = tuple(a.reshape((1, *a.shape)) for a in images)
    args = (points, iref, stacks, tiles, running, loss_id, scales, stream)
    acc = sum_tiles(_run_tiles(kernel, hoisted[None, :], size, *args), tiles, 1)[0]
    if out is None:
        return acc
    out.copy_to_device(out.copy_to_host(stream=stream) + acc.reshape(out.shape), stream=stream)
    return out


def fused_pair(kernel, hoisted, size, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Run a fused kernel on one pair, a tile of :data:`THREADS_PER_BLOCK` points per block.

    Returns the accumulator vector on the host (the tiles' partial sums added in tile order), or
    adds it into ``out`` (a device array of ``size``) and returns ``out``.
    """
    scale = np.array([float(loss_scale)])
    return _pair(kernel, hoisted, size, points, iref, (tgt,), loss_id, scale, out, stream)


def fused_pair_depth(kernel, hoisted, size, points, iref, tgt, depth, loss_id, scales, out=None, stream=0):
    """:func:`fused_pair` of a photometric + depth kernel: ``depth`` the (H, W, 3) depth stack.

    ``scales``: the photometric robust scale, the depth robust scale and the depth terms' weight.
    """
    scale = np.array(scales, dtype=np.float64).reshape(1, 3)
    return _pair(kernel, hoisted, size, points, iref, (tgt, depth), loss_id, scale, out, stream)


def _batch(kernel, hoist, size, params, constants, points, iref, images, offsets, active, loss_id, scales, stream):
    """``(B, size)`` accumulators of B pairs (:func:`fused_batch`), ``images`` their (B, H, W, 3) stacks."""
    h = hoist_rows(hoist, params, constants, active)
    tiles = batch_tiles(offsets, active, BATCH_TILE)
    if not tiles.shape[0]:
        return np.zeros((h.shape[0], size))
    running = np.asarray(active, dtype=np.int32)
    partial = _run_tiles(kernel, h, size, points, iref, images, tiles, running, loss_id, scales, stream)
    return sum_tiles(partial, tiles, h.shape[0])


def fused_batch(
    kernel, hoist, size, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0
):
    """Run a fused kernel on B pairs in one launch: ``(B, size)`` accumulators on the host.

    The tiles' partial sums are added per pair in tile order (zero rows where not ``active``).
    """
    scale = np.asarray(loss_scale, dtype=np.float64)
    args = (points, iref, (tgt,), offsets, active, loss_id, scale, stream)
    return _batch(kernel, hoist, size, params, constants, *args)


def fused_batch_depth(
    kernel, hoist, size, params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream=0
):
    """:func:`fused_batch` of a photometric + depth kernel: ``depth`` (B, H, W, 3), ``scales`` (B, 3)."""
    scale = np.ascontiguousarray(np.reshape(scales, (-1, 3)), dtype=np.float64)
    args = (points, iref, (tgt, depth), offsets, active, loss_id, scale, stream)
    return _batch(kernel, hoist, size, params, constants, *args)


__all__ = [
    "BATCH_TILE",
    "MAX_BLOCKS",
    "MAX_GRID_Y",
    "THREADS_PER_BLOCK",
    "cuda",
    "fused_batch",
    "fused_batch_depth",
    "fused_pair",
    "fused_pair_depth",
    "grid",
    "launch_points",
    "launch_sample",
    "phi_device",
    "pose_params_device",
    "robust",
]
