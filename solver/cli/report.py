"""What every command prints of a result: the TUM pose line and the per-level summary."""

from __future__ import annotations

import numpy as np

from solver.core import lie


def summary(result) -> str:
    """Status, cost and per-level iterations and times of an :class:`~solver.AlignResult`, one line each."""
    lines = [f"status: {result.status.name} ({result.message})", f"success: {result.success}"]
    lines.append(f"cost per point: {result.cost:.4g}   valid points: {result.n_valid}")
    for lvl in result.levels:
        lines.append(
            f"  level {lvl.level} {lvl.shape[1]}x{lvl.shape[0]}: {lvl.n_points} points, {lvl.iterations} iterations,"
            f" {lvl.status.name}, {lvl.wall_time * 1e3:.1f} ms"
        )
    lines.append(f"total: {result.nit} iterations, {result.wall_time * 1e3:.1f} ms")
    return "\n".join(lines)


def tum_line(T: np.ndarray) -> str:
    """``tx ty tz qx qy qz qw`` of a 4x4 pose."""
    q = lie.quaternion_from_matrix(T[:3, :3])
    return " ".join(f"{v:.6f}" for v in (*T[:3, 3], *q))
