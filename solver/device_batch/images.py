"""Batched device image preparation: gray, depth, pyramid halving, gradient and depth stacks of all B pairs at once.

Every function is one kernel launch over a (B, H, W) batch and takes preallocated device arrays
(no allocation, no copy). The grid is 3-D: ``x`` over columns, ``y`` over rows, ``z`` over pairs,
with blocks of :data:`THREADS` threads; each thread strides over the pixels beyond the grid (one
pixel per thread on a GPU, where :func:`grid` covers the batch; a few blocks per pair under Numba's
simulator, which runs every thread as a Python thread). Each pixel is computed by the per-pixel functions of
:mod:`solver.arrays.images` (the host's code), so every pair gets the host's values bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from jacgen.cuda_support import _simulated, require_cuda
from solver.arrays import images

cuda = require_cuda()

THREADS = (8, 4, 1) if _simulated() else (32, 8, 1)
"""Threads per block ``(columns, rows, pairs)``: a warp covers 32 consecutive pixels of one row."""

MAX_BLOCKS = (1, 1, 65535) if _simulated() else (2**31 - 1, 65535, 65535)
"""Most blocks along each grid axis (CUDA's limits; one block per pair's rows and columns under the
simulator); the kernels stride over what lies beyond."""

_pixel_luma = cuda.jit(device=True, inline=True)(images.pixel_luma)
_block_mean = cuda.jit(device=True, inline=True)(images.block_mean)
_depth_block_mean = cuda.jit(device=True, inline=True)(images.depth_block_mean)
_finite_depth = cuda.jit(device=True, inline=True)(images.finite_depth)
_neighbours = cuda.jit(device=True, inline=True)(images.neighbours)
_stack_pixel = cuda.jit(device=True, inline=True)(images.stack_pixel)
_depth_difference = cuda.jit(device=True, inline=True)(images._depth_difference.py_func)
"""The host's depth-gradient rule (missing samples, :data:`solver.arrays.images.DEPTH_EDGE`), its own Python body."""


def grid(shape: tuple[int, ...]) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Launch configuration ``(blocks, THREADS)`` covering the ``(B, h, w, ...)`` batch ``shape``."""
    b, h, w = (int(v) for v in shape[:3])
    tx, ty, _ = THREADS
    wanted = ((w + tx - 1) // tx, (h + ty - 1) // ty, b)
    return tuple(max(1, min(n, cap)) for n, cap in zip(wanted, MAX_BLOCKS, strict=True)), THREADS


def array_dtype(a) -> np.dtype:
    """NumPy dtype of a device array: its ``dtype``, or the ``__cuda_array_interface__`` typestr."""
    try:
        return np.dtype(a.dtype)
    except TypeError:  # e.g. torch.float64
        return np.dtype(a.__cuda_array_interface__["typestr"])


@cuda.jit
def _gray_kernel(src, scale, out, n_bad):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    for b in range(b0, out.shape[0], step_b):
        for y in range(y0, out.shape[1], step_y):
            for x in range(x0, out.shape[2], step_x):
                v = scale * src[b, y, x]
                out[b, y, x] = v
                if not math.isfinite(v):
                    cuda.atomic.add(n_bad, 0, 1)


@cuda.jit
def _luma_kernel(rgb, scale, out, n_bad):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    for b in range(b0, out.shape[0], step_b):
        for y in range(y0, out.shape[1], step_y):
            for x in range(x0, out.shape[2], step_x):
                px = cuda.local.array((1, 1, 3), np.float64)  # the channels as float64, as the host has them
                for c in range(3):
                    px[0, 0, c] = rgb[b, y, x, c]
                v = scale * _pixel_luma(px, 0, 0)
                out[b, y, x] = v
                if not math.isfinite(v):
                    cuda.atomic.add(n_bad, 0, 1)


def gray_batch(src, out, n_bad) -> None:
    """Gray float64 images of all pairs, as :func:`solver.arrays.images.to_gray` computes them.

    Parameters
    ----------
    src : device array
        (B, H, W) gray or (B, H, W, C) colour (C >= 3, the first three channels RGB), any real dtype;
        uint8 is scaled by 1/255, other types are used as they are.
    out : device array
        (B, H, W) float64, written.
    n_bad : device array
        (1,) int64, zeroed by the caller: incremented once per non-finite result.
    """
    scale = 1.0 / 255.0 if array_dtype(src) == np.uint8 else 1.0
    kernel = _gray_kernel if len(src.shape) == 3 else _luma_kernel
    kernel[grid(out.shape)](src, scale, out, n_bad)


@cuda.jit
def _depth_kernel(src, out):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    for b in range(b0, out.shape[0], step_b):
        for y in range(y0, out.shape[1], step_y):
            for x in range(x0, out.shape[2], step_x):
                out[b, y, x] = _finite_depth(1.0 * src[b, y, x])  # (as float64, whatever the input's type)


def depth_batch(src, out) -> None:
    """Depths in metres of all pairs, NaN and inf replaced by 0 (:func:`solver.arrays.images.finite_depth`).

    Parameters
    ----------
    src : device array
        (B, H, W) depths, any real dtype.
    out : device array
        (B, H, W) float64, written.
    """
    _depth_kernel[grid(out.shape)](src, out)


@cuda.jit
def _halve_kernel(src, depth, dst):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    for b in range(b0, dst.shape[0], step_b):
        img = src[b]
        for y in range(y0, dst.shape[1], step_y):
            for x in range(x0, dst.shape[2], step_x):
                dst[b, y, x] = _depth_block_mean(img, y, x) if depth else _block_mean(img, y, x)


def halve_batch(src, dst, depth: bool) -> None:
    """The next pyramid level of all pairs (odd trailing row and column dropped).

    Parameters
    ----------
    src : device array
        (B, h, w) float64 level.
    dst : device array
        (B, h // 2, w // 2) float64, written: 2x2 block means (:func:`solver.arrays.images.block_mean`),
        or for ``depth`` the means of valid depths (:func:`solver.arrays.images.depth_block_mean`).
    depth : bool
        Whether ``src`` holds depths.
    """
    _halve_kernel[grid(dst.shape)](src, bool(depth), dst)


@cuda.jit
def _stack_kernel(img, out):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    _, h, w = img.shape
    for b in range(b0, img.shape[0], step_b):
        for y in range(y0, h, step_y):
            for x in range(x0, w, step_x):
                ym, yp = _neighbours(y, h)
                xm, xp = _neighbours(x, w)
                _stack_pixel(img[b], out[b], y, x, ym, yp, xm, xp)


def stack_batch(img, out) -> None:
    """Intensity and gradient stacks of all pairs (:func:`solver.arrays.images.stack_with_gradients`).

    Parameters
    ----------
    img : device array
        (B, h, w) float64 images.
    out : device array
        (B, h, w, 3) float32 or float64, written: computed in float64, stored in ``out``'s dtype.
    """
    _stack_kernel[grid(img.shape)](img, out)


@cuda.jit
def _depth_stack_kernel(depth, out):
    x0, y0, b0 = cuda.grid(3)
    step_x, step_y, step_b = cuda.gridsize(3)
    _, h, w = depth.shape
    for b in range(b0, depth.shape[0], step_b):
        d = depth[b]
        for y in range(y0, h, step_y):
            for x in range(x0, w, step_x):
                ym, yp = _neighbours(y, h)
                xm, xp = _neighbours(x, w)
                z = d[y, x]
                out[b, y, x, 0] = z if z > 0 else math.nan
                sx = 0.5 if xp - xm == 2 else 1.0
                sy = 0.5 if yp - ym == 2 else 1.0
                out[b, y, x, 1] = _depth_difference(d[y, xm], z, d[y, xp], sx)
                out[b, y, x, 2] = _depth_difference(d[ym, x], z, d[yp, x], sy)


def depth_stack_batch(depth, out) -> None:
    """Target depth stacks ``(D, dD/du, dD/dv)`` of all pairs, as :func:`solver.arrays.images.depth_stack`.

    Parameters
    ----------
    depth : device array
        (B, h, w) float64 depths in metres, 0 where missing (:func:`depth_batch`, :func:`halve_batch`).
    out : device array
        (B, h, w, 3) float32 or float64, written: ``D`` NaN where missing, each gradient the central
        difference of :func:`solver.arrays.images.stack_pixel`, NaN where a sample of its stencil is
        missing or the stencil crosses a depth edge; computed in float64, stored in ``out``'s dtype.
    """
    _depth_stack_kernel[grid(depth.shape)](depth, out)


__all__ = [
    "THREADS",
    "array_dtype",
    "depth_batch",
    "depth_stack_batch",
    "gray_batch",
    "grid",
    "halve_batch",
    "stack_batch",
]
