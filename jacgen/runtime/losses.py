"""The robust losses of the fused kernels: ids, default scales, IRLS weight and ``rho``."""

from __future__ import annotations

import math

from numba import njit

from ..lanes import lane_broadcast, lane_log1p, lane_select

LOSSES = ("l2", "huber", "tukey", "cauchy")
"""Robust losses by id (the kernels' ``loss_id``)."""

LOSS_SCALE_FACTORS = (1.0, 1.345, 4.685, 2.385)
"""Default scale of each loss in units of the residuals' robust sigma (95 % efficiency for Gaussian noise)."""


def robust_body(r, loss_id, k):
    """IRLS weight and ``rho(r)`` of loss ``LOSSES[loss_id]`` with scale ``k`` (scalars; plain Python)."""
    if loss_id == 1:
        a = abs(r)
        return k / max(a, k), 0.5 * r * r if a <= k else k * (a - 0.5 * k)
    if loss_id == 2:
        u = max(1.0 - (r / k) * (r / k), 0.0)
        return u * u, k * k / 6.0 * (1.0 - u * u * u)
    if loss_id == 3:
        z = (r / k) * (r / k)
        return 1.0 / (1.0 + z), 0.5 * k * k * math.log1p(z)
    return 1.0, 0.5 * r * r


@njit(cache=True, inline="always")
def robust_lanes(r, loss_id, k):
    """:func:`robust_body` on float64 lane vectors (the same formulas, selects instead of branches)."""
    if loss_id == 1:
        a = abs(r)
        return k / lane_select(a > k, a, k), lane_select(a <= k, 0.5 * r * r, k * (a - 0.5 * k))
    if loss_id == 2:
        u = 1.0 - (r / k) * (r / k)
        u = lane_select(u > 0.0, u, 0.0)
        return u * u, k * k / 6.0 * (1.0 - u * u * u)
    if loss_id == 3:
        z = (r / k) * (r / k)
        return 1.0 / (1.0 + z), 0.5 * k * k * lane_log1p(z)
    return lane_broadcast(1.0, r), 0.5 * r * r


__all__ = ["LOSSES", "LOSS_SCALE_FACTORS", "robust_body", "robust_lanes"]
