"""Where each sum sits in the accumulator vector of a fused kernel."""

from __future__ import annotations


def accumulator_layout(n: int) -> dict:
    """Where each sum sits in the accumulator vector of a fused kernel with ``n`` unknowns.

    ``H`` upper triangle row-major, then ``g``, the cost, the used / behind / outside point
    counts; ``"size"`` the length.
    """
    n_h = n * (n + 1) // 2
    return {
        "H": 0,
        "g": n_h,
        "cost": n_h + n,
        "n_used": n_h + n + 1,
        "n_behind": n_h + n + 2,
        "n_outside": n_h + n + 3,
        "size": n_h + n + 4,
    }


def depth_accumulator_layout(n: int) -> dict:
    """The layout of a photometric + depth kernel with ``n`` unknowns.

    :func:`accumulator_layout` (``H``, ``g`` hold both residuals' terms; ``cost`` and ``n_used`` the
    photometric ones), then ``cost_depth`` (the depth residuals' share of the cost, in its unit)
    and ``n_depth_used`` (points with a depth residual); ``"size"`` the length.
    """
    layout = accumulator_layout(n)
    size = layout["size"]
    return {**layout, "cost_depth": size, "n_depth_used": size + 1, "size": size + 2}


__all__ = ["accumulator_layout", "depth_accumulator_layout"]
