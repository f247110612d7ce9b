"""Reference-point selection and back-projection."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from solver.arrays.images import _neighbours

# Per-pixel formulas in plain Python, compiled by ``njit`` here and as CUDA device functions by
# :mod:`solver.arrays.device` (as those of :mod:`solver.arrays.images`).


def normalised(u, c, f):
    """Normalised image coordinate (``X / Z``) of pixel coordinate ``u``: principal point ``c``, focal length ``f``."""
    return (u - c) / f


def usable(image, depth, y, x, ym, yp, xm, xp, lo, hi):
    """Pixel ``(y, x)`` can be a reference point: depth within ``[lo, hi]`` and a non-zero gradient.

    ``ym, yp, xm, xp``: its neighbours (:func:`solver.arrays.images.neighbours`); the gradient is
    non-zero when either pair differs. The tests are joined by ``&`` and ``|`` (no branches).
    """
    z = depth[y, x]
    return (z >= lo) & (z <= hi) & ((image[y, xp] != image[y, xm]) | (image[yp, x] != image[ym, x]))


_normalised = njit(cache=True, inline="always")(normalised)
_usable = njit(cache=True, inline="always")(usable)


def backproject(depth: np.ndarray, intrinsics, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """3-D points (N, 3) of pixels ``(rows, cols)`` with their depth, in the camera frame."""
    fx, fy, cx, cy = intrinsics
    z = depth[rows, cols]
    return np.column_stack([normalised(cols, cx, fx) * z, normalised(rows, cy, fy) * z, z])


@njit(parallel=True, cache=True)
def _usable_mask(image, depth, lo, hi, mask):
    """Usable-pixel mask (:func:`usable`) and its count per row."""
    h, w = image.shape
    counts = np.zeros(h, dtype=np.int64)
    for y in prange(h):
        ym, yp = _neighbours(y, h)
        m = mask[y]
        for x in (0, w - 1):  # the border columns' neighbours are clamped, so the interior's need no clamps
            xm, xp = _neighbours(x, w)
            m[x] = _usable(image, depth, y, x, ym, yp, xm, xp, lo, hi)
        for x in range(1, w - 1):  # (vectorisable)
            m[x] = _usable(image, depth, y, x, ym, yp, x - 1, x + 1, lo, hi)
        c = 0
        for x in range(w):
            c += m[x]
        counts[y] = c
    return counts


@njit(parallel=True, cache=True)
def _fill_points(image, depth, mask, K, starts, points, intensities):
    h, w = image.shape
    fx, fy, cx, cy = K[0], K[1], K[2], K[3]
    ux = np.empty(w)
    for x in range(w):
        ux[x] = _normalised(x, cx, fx)
    for y in prange(h):
        i = starts[y]
        m, z, src = mask[y], depth[y], image[y]
        vy = _normalised(y, cy, fy)
        for x in range(w):
            if m[x]:
                points[i, 0] = ux[x] * z[x]
                points[i, 1] = vy * z[x]
                points[i, 2] = z[x]
                intensities[i] = src[x]
                i += 1


def all_points(
    image: np.ndarray, depth: np.ndarray, intrinsics, depth_range: tuple[float, float], dtype, empty=np.empty
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 3) and intensities (N,) of every usable pixel (see :func:`select_pixels`), row-major order.

    ``empty(shape, dtype)`` allocates the outputs and the mask.
    """
    lo, hi = (float(v) for v in depth_range)
    mask = empty(image.shape, np.bool_)
    counts = _usable_mask(image, depth, lo, hi, mask)
    starts = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    n = int(counts.sum())
    points = empty((n, 3), dtype)
    intensities = empty(n, dtype)
    _fill_points(image, depth, mask, np.asarray(intrinsics, dtype=np.float64), starts, points, intensities)
    return points, intensities


def reference_points(
    image: np.ndarray,
    depth: np.ndarray,
    intrinsics,
    depth_range: tuple[float, float],
    max_points: int | None,
    dtype,
    empty=np.empty,
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 3) and intensities (N,) of the reference pixels :func:`select_pixels` chooses."""
    if max_points is None:
        return all_points(image, depth, intrinsics, depth_range, dtype, empty)
    rows, cols = select_pixels(image, depth, depth_range, max_points)
    points = np.ascontiguousarray(backproject(depth, intrinsics, rows, cols), dtype=dtype)
    return points, np.ascontiguousarray(image[rows, cols], dtype=dtype)


def select_pixels(
    image: np.ndarray, depth: np.ndarray, depth_range: tuple[float, float], max_points: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of usable reference pixels.

    All pixels with depth inside ``depth_range`` (NaN and 0 are missing) and a non-zero image
    gradient; with ``max_points``, the highest-gradient ones, spread over a grid of cells so that
    texture-rich corners cannot take them all.
    """
    lo, hi = depth_range
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(depth) & (depth >= lo) & (depth <= hi)
    gy, gx = np.gradient(image)
    mag = np.hypot(gx, gy)
    ok &= mag > 0
    rows, cols = np.nonzero(ok)
    if max_points is None or rows.size <= max_points:
        return rows, cols
    cell = max(4, int(np.sqrt(image.size / max(max_points, 1) * 16)))
    cell_id = (rows // cell) * (image.shape[1] // cell + 1) + cols // cell
    score = mag[rows, cols]
    order = np.lexsort((-score, cell_id))
    ranked_cell = cell_id[order]
    first = np.r_[0, np.flatnonzero(np.diff(ranked_cell)) + 1]
    rank_in_cell = np.arange(order.size) - np.repeat(first, np.diff(np.r_[first, order.size]))
    # take the best of each cell first, then the second best, ... until max_points are chosen
    pick = order[np.lexsort((-score[order], rank_in_cell))][:max_points]
    return rows[pick], cols[pick]
