"""Reference-point selection and back-projection."""

from __future__ import annotations

import numpy as np


def backproject(depth: np.ndarray, intrinsics, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """3-D points (N, 3) of pixels ``(rows, cols)`` with their depth, in the camera frame."""
    fx, fy, cx, cy = intrinsics
    z = depth[rows, cols]
    return np.column_stack([(cols - cx) / fx * z, (rows - cy) / fy * z, z])


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
