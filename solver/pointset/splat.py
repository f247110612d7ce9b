"""Gaussian splats: render projected points, and the fused normal equations of render-and-compare.

A point projected to ``(u_i, v_i)`` with amplitude ``a_i`` adds

    a_i * (exp(-d^2 / (2 sigma^2)) - exp(-CUTOFF^2 / 2))   for d < CUTOFF * sigma, else 0

to pixel ``(x, y)`` (``d`` the distance from the pixel centre; pixel centres sit at integer
coordinates). The constant makes the splat reach zero at its cut-off, so the image is a continuous
function of the projections (a hard cut at 4 sigma would jump by 3e-4 of the peak). The model
image is ``gain * clip(S, 0, 1) + offset`` with ``S`` the sum of the splats (or ``S`` unclipped).

:func:`splat_normal_equations` evaluates ``H = J^T J``, ``g = J^T r`` and the cost of the pixel
residuals ``model - image`` without storing a pixel-by-parameter matrix: the image is cut into
square tiles, each tile lists the points whose splat reaches it, and each pixel's Jacobian row is
formed from those points (the chain rule through the warp Jacobian ``d(u, v)/d(params)`` of the
points, from the generated kernels) and summed into the tile's accumulators.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from solver.core.model import NormalEquations

CUTOFF = 4.0
"""Splat support radius in units of sigma."""

FLOOR = math.exp(-0.5 * CUTOFF * CUTOFF)
"""Value subtracted from the Gaussian so that a splat is zero at its cut-off."""

TILE = 16
"""Tile side in pixels."""

EXTRA_NAMES = ("sigma", "gain", "offset")
"""Unknowns of the renderer after the warp parameters, in the accumulators' order."""


@njit(cache=True)
def _render(uv, valid, amplitude, sigma, out):
    h, w = out.shape
    reach = CUTOFF * sigma
    cut2 = reach * reach
    inv = 1.0 / (2.0 * sigma * sigma)
    for i in range(uv.shape[0]):
        u, v = uv[i, 0], uv[i, 1]
        if not (valid[i] and abs(u) < 1e9 and abs(v) < 1e9):  # far off any image: nothing to draw, no overflow
            continue
        for y in range(max(int(math.ceil(v - reach)), 0), min(int(math.floor(v + reach)) + 1, h)):
            for x in range(max(int(math.ceil(u - reach)), 0), min(int(math.floor(u + reach)) + 1, w)):
                d2 = (x - u) * (x - u) + (y - v) * (y - v)
                if d2 < cut2:
                    out[y, x] += amplitude[i] * (math.exp(-d2 * inv) - FLOOR)


def render(uv, valid, amplitude, sigma: float, shape: tuple[int, int]) -> np.ndarray:
    """Sum of the splats of the ``valid`` projections ``uv`` (N, 2), unclipped: (H, W) float64."""
    out = np.zeros(shape)
    _render(np.ascontiguousarray(uv, dtype=np.float64), valid, amplitude, float(sigma), out)
    return out


@njit(cache=True)
def _bin_points(uv, valid, reach, h, w, tile, offsets, indices):
    """CSR lists of the points whose splat reaches each tile; returns how many reach none."""
    tiles_x = (w + tile - 1) // tile
    tiles_y = (h + tile - 1) // tile
    counts = np.zeros(tiles_x * tiles_y, dtype=np.int64)
    outside = 0
    for phase in range(2):
        for i in range(uv.shape[0]):
            if not valid[i]:
                continue
            if not (abs(uv[i, 0]) < 1e9 and abs(uv[i, 1]) < 1e9):  # far off the image (or not finite)
                outside += 1 - phase
                continue
            x0 = max(int(math.floor((uv[i, 0] - reach) / tile)), 0)
            x1 = min(int(math.floor((uv[i, 0] + reach) / tile)), tiles_x - 1)
            y0 = max(int(math.floor((uv[i, 1] - reach) / tile)), 0)
            y1 = min(int(math.floor((uv[i, 1] + reach) / tile)), tiles_y - 1)
            if x0 > x1 or y0 > y1:
                outside += 1 - phase
                continue
            for ty in range(y0, y1 + 1):
                for tx in range(x0, x1 + 1):
                    t = ty * tiles_x + tx
                    if phase == 0:
                        counts[t] += 1
                    else:
                        indices[offsets[t] + counts[t]] = i
                        counts[t] += 1
        if phase == 0:
            offsets[0] = 0
            for t in range(counts.size):
                offsets[t + 1] = offsets[t] + counts[t]
            counts[:] = 0
    return outside


def pixel_row(x, y, uv, duv, amplitude, indices, first, last, observed, sigma, gain, offset, clip, row):
    """Pixel ``(x, y)``: its Jacobian row into ``row`` (warp params, sigma, gain, offset); returns its residual.

    ``indices[first:last]`` are the points whose splat may reach the pixel, ``observed`` its value.
    Plain Python: compiled for the CPU here and as a CUDA device function in :mod:`solver.pointset.splat_cuda`,
    so both targets evaluate the same formulas.
    """
    n_pose = duv.shape[2]
    for k in range(n_pose + 3):
        row[k] = 0.0
    reach = CUTOFF * sigma
    cut2 = reach * reach
    inv2s2 = 1.0 / (2.0 * sigma * sigma)
    inv_s2 = 1.0 / (sigma * sigma)
    inv_s3 = inv_s2 / sigma
    total = 0.0
    for q in range(first, last):
        i = indices[q]
        dx = x - uv[i, 0]
        dy = y - uv[i, 1]
        d2 = dx * dx + dy * dy
        if d2 < cut2:
            e = amplitude[i] * math.exp(-d2 * inv2s2)
            total += e - amplitude[i] * FLOOR
            c = e * inv_s2
            for k in range(n_pose):
                row[k] += c * (dx * duv[i, 0, k] + dy * duv[i, 1, k])
            row[n_pose] += e * d2 * inv_s3
    clipped = clip and (total > 1.0 or total < 0.0)
    value = min(max(total, 0.0), 1.0) if clipped else total
    for k in range(n_pose + 1):
        row[k] = 0.0 if clipped else gain * row[k]
    row[n_pose + 1] = value
    row[n_pose + 2] = 1.0
    return gain * value + offset - observed


_pixel_row = njit(cache=True)(pixel_row)


@njit(parallel=True, cache=True)
def _normal_equations(uv, duv, amplitude, image, sigma, gain, offset, clip, tile, offsets, indices, partial):
    """Per tile: upper triangle of ``J^T J``, ``J^T r``, ``sum r^2 / 2`` and the pixel count."""
    h, w = image.shape
    n = duv.shape[2] + 3
    n_h = n * (n + 1) // 2
    tiles_x = (w + tile - 1) // tile
    for t in prange(offsets.size - 1):
        row = np.zeros(n)
        acc = np.zeros(partial.shape[1])
        ty, tx = t // tiles_x, t % tiles_x
        for y in range(ty * tile, min((ty + 1) * tile, h)):
            for x in range(tx * tile, min((tx + 1) * tile, w)):
                r = _pixel_row(
                    x,
                    y,
                    uv,
                    duv,
                    amplitude,
                    indices,
                    offsets[t],
                    offsets[t + 1],
                    image[y, x],
                    sigma,
                    gain,
                    offset,
                    clip,
                    row,
                )
                k = 0
                for a in range(n):
                    for b in range(a, n):
                        acc[k] += row[a] * row[b]
                        k += 1
                for a in range(n):
                    acc[n_h + a] += row[a] * r
                acc[n_h + n] += 0.5 * r * r
                acc[n_h + n + 1] += 1.0
        partial[t, :] = acc


def bin_points(uv, valid, sigma: float, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, int]:
    """CSR lists of the points whose splat reaches each ``TILE`` x ``TILE`` tile (row-major tiles).

    Returns ``(offsets, indices, outside)``: tile ``t`` lists ``indices[offsets[t]:offsets[t + 1]]``;
    ``outside`` counts the valid points that reach no tile.
    """
    h, w = shape
    offsets = np.zeros(((h + TILE - 1) // TILE) * ((w + TILE - 1) // TILE) + 1, dtype=np.int64)
    per_point = (int(2 * CUTOFF * sigma) // TILE + 2) ** 2  # tiles one splat can reach
    indices = np.empty(max(int(valid.sum()) * per_point, 1), dtype=np.int64)
    outside = _bin_points(uv, valid, CUTOFF * sigma, h, w, TILE, offsets, indices)
    return offsets, indices, outside


def symmetric(acc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(H, g)`` of ``n`` unknowns from the packed accumulators (upper triangle of ``H``, then ``g``)."""
    H = np.zeros((n, n))
    H[np.triu_indices(n)] = acc[: n * (n + 1) // 2]
    H = H + np.triu(H, 1).T
    return H, acc[n * (n + 1) // 2 : n * (n + 1) // 2 + n].copy()


def splat_normal_equations(
    uv, duv, valid, amplitude, image, sigma: float, gain: float, offset: float, clip: bool
) -> NormalEquations:
    """Normal equations of ``model - image`` over every pixel, parameters ``(warp..., sigma, gain, offset)``.

    Parameters
    ----------
    uv : (N, 2) float64
        Projections of the points.
    duv : (N, 2, P) float64
        ``d(u, v)/d(warp params)`` of each point.
    valid : (N,) bool
        Points in front of the camera; the others add nothing (counted as ``n_behind``).
    amplitude : (N,) float64
        Peak value of each point's splat.
    image : (H, W) float64
        The observed image.
    sigma, gain, offset, clip
        The renderer (module docstring).

    Returns
    -------
    NormalEquations
        ``n_used`` counts pixels; ``n_outside`` the valid points whose splat reaches no pixel.
    """
    n = duv.shape[2] + 3
    offsets, indices, outside = bin_points(uv, valid, sigma, image.shape)
    partial = np.empty((offsets.size - 1, n * (n + 1) // 2 + n + 2))
    _normal_equations(uv, duv, amplitude, image, sigma, gain, offset, clip, TILE, offsets, indices, partial)
    acc = partial.sum(axis=0)
    H, g = symmetric(acc, n)
    return NormalEquations(H, g, float(acc[-2]), int(acc[-1]), int((~valid).sum()), int(outside))


def motion_reference(duv, valid, amplitude, gain: float, H: np.ndarray) -> np.ndarray:
    """Reference curvature ``G`` for :func:`solver.observability.analyse`, same layout as ``H``.

    Warp block: what ``H`` would be if every point were an isolated, unclipped splat, ``gain^2
    sum_i a_i^2 (pi / 2) J_i^T J_i`` (``pi / 2`` is a splat's squared-gradient integral, ``J_i``
    the point's ``d(u, v)/d(params)``); ``sigma``: ``gain^2 sum_i a_i^2 2 pi`` (its squared
    derivative integral); ``gain`` and ``offset``: their own diagonal of ``H``.
    """
    n_pose = duv.shape[2]
    w = (gain * amplitude[valid]) ** 2
    J = duv[valid]
    G = np.zeros_like(H)
    G[:n_pose, :n_pose] = 0.5 * np.pi * np.einsum("i,iak,ial->kl", w, J, J)
    G[n_pose, n_pose] = 2.0 * np.pi * w.sum()
    G[n_pose + 1, n_pose + 1] = H[n_pose + 1, n_pose + 1]
    G[n_pose + 2, n_pose + 2] = H[n_pose + 2, n_pose + 2]
    return G
