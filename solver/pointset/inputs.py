"""Validation of point-set inputs, shared by the renderer, :func:`solver.align_points` and :func:`solver.fit_render`."""

from __future__ import annotations

import numpy as np


def points_array(points) -> np.ndarray:
    """``points`` as float64; ``ValueError`` naming them when they are not numbers."""
    try:
        return np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"points must be an (N, 3) array of numbers, got {type(points).__name__}") from None


def check_point_set(points, init, intensities, nonnegative: bool = False, *, n_params: int):
    """``(points (N, 3), init (n_params,), intensities (N,))`` as float64, validated.

    ``ValueError`` naming the culprit otherwise.
    """
    pts = points_array(points)
    if pts.ndim != 2 or pts.shape[1] != 3 or pts.shape[0] == 0:
        raise ValueError(f"points must have shape (N, 3) with N > 0, got {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points contain NaN or inf")
    try:
        p0 = np.zeros(n_params) if init is None else np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        p0 = np.full(0, np.nan)  # reported below
    if p0.shape != (n_params,) or not np.isfinite(p0).all():
        raise ValueError(f"init must be {n_params} finite parameters, got {init!r}")
    try:
        amp = np.broadcast_to(np.asarray(intensities, dtype=np.float64), (pts.shape[0],)).copy()
    except (TypeError, ValueError):
        amp = np.full(0, np.nan)  # reported below
    if amp.shape != (pts.shape[0],) or not np.isfinite(amp).all() or (nonnegative and (amp < 0).any()):
        sign = " >= 0" if nonnegative else ""
        raise ValueError(f"intensities must be one finite number{sign} or {pts.shape[0]} of them (one per point)")
    return pts, p0, amp
