"""Reference-point selection and back-projection."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


def backproject(depth: np.ndarray, intrinsics, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """3-D points (N, 3) of pixels ``(rows, cols)`` with their depth, in the camera frame."""
    fx, fy, cx, cy = intrinsics
    z = depth[rows, cols]
    return np.column_stack([(cols - cx) / fx * z, (rows - cy) / fy * z, z])


@njit(cache=True, inline="always")
def _usable(image, depth, y, x, lo, hi):
    """Depth inside [lo, hi] and a non-zero central-difference gradient (one-sided at borders)."""
    h, w = image.shape
    z = depth[y, x]
    if not (z >= lo and z <= hi):
        return False
    gx = image[y, min(x + 1, w - 1)] - image[y, max(x - 1, 0)]
    gy = image[min(y + 1, h - 1), x] - image[max(y - 1, 0), x]
    return gx != 0.0 or gy != 0.0


@njit(parallel=True, cache=True)
def _count_rows(image, depth, lo, hi):
    h, w = image.shape
    counts = np.zeros(h, dtype=np.int64)
    for y in prange(h):
        c = 0
        for x in range(w):
            if _usable(image, depth, y, x, lo, hi):
                c += 1
        counts[y] = c
    return counts


@njit(parallel=True, cache=True)
def _fill_points(image, depth, lo, hi, K, starts, points, intensities):
    h, w = image.shape
    fx, fy, cx, cy = K[0], K[1], K[2], K[3]
    for y in prange(h):
        i = starts[y]
        for x in range(w):
            if _usable(image, depth, y, x, lo, hi):
                z = depth[y, x]
                points[i, 0] = (x - cx) / fx * z
                points[i, 1] = (y - cy) / fy * z
                points[i, 2] = z
                intensities[i] = image[y, x]
                i += 1


def all_points(
    image: np.ndarray, depth: np.ndarray, intrinsics, depth_range: tuple[float, float], dtype
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 3) and intensities (N,) of every usable pixel (see :func:`select_pixels`), row-major order."""
    lo, hi = (float(v) for v in depth_range)
    counts = _count_rows(image, depth, lo, hi)
    starts = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    n = int(counts.sum())
    points = np.empty((n, 3), dtype=dtype)
    intensities = np.empty(n, dtype=dtype)
    _fill_points(image, depth, lo, hi, np.asarray(intrinsics, dtype=np.float64), starts, points, intensities)
    return points, intensities


def reference_points(
    image: np.ndarray, depth: np.ndarray, intrinsics, depth_range: tuple[float, float], max_points: int | None, dtype
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 3) and intensities (N,) of the reference pixels :func:`select_pixels` chooses."""
    if max_points is None:
        return all_points(image, depth, intrinsics, depth_range, dtype)
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
