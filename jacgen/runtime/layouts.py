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


__all__ = ["accumulator_layout"]
