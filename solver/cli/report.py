"""What the commands print of a result: the per-level summary of an alignment, the table of trajectory errors.

Trajectory errors are printed in cm with 4 decimals and degrees with 4 decimals (1 micrometre, 0.0001
degree: the digits TUM's scripts and evo print in metres); :func:`evaluation_json` gives every figure
unrounded, in metres and degrees.
"""

from __future__ import annotations

import json
from typing import Any

from solver.sequences.metrics import ErrorStats, Evaluation

_COLUMNS = ("rmse", "mean", "median", "std", "min", "max")
_LABEL = 26


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


def _row(label: str, stats: ErrorStats, factor: float) -> str:
    values = (getattr(stats, name) * factor for name in _COLUMNS)
    return f"{label:<{_LABEL}}" + "".join(f"{v:>10.4f}" for v in values) + f"{stats.n:>7d}"


def association(ev: Evaluation) -> str:
    """``associated poses: M of N (...); alignment: ...``: what the table's figures were computed on."""
    a = ev.ate
    return (
        f"associated poses: {a.trans.n} of {ev.n_est} ({ev.association}); alignment: {a.align}"
        + (f", scale {a.scale:.6f}" if a.align == "similarity" else "")
        + (f"; RPE convention: {ev.convention}" if ev.convention != "evo" else "")
    )


def error_table(ev: Evaluation) -> str:
    """The evaluation table: ATE in cm, then each RPE in cm and degrees (or the reason it is missing)."""
    lines = [f"{'':<{_LABEL}}" + "".join(f"{c:>10}" for c in _COLUMNS) + f"{'n':>7}"]
    lines.append(_row("ATE trans [cm]", ev.ate.trans, 100.0))
    for label, res in ev.rpe.items():
        if isinstance(res, str):
            lines.append(f"{'RPE ' + label:<{_LABEL}}  n/a: {res}")
            continue
        lines.append(_row(f"RPE {label} trans [cm]", res.trans, 100.0))
        lines.append(_row(f"RPE {label} rot [deg]", res.rot, 1.0))
    return "\n".join(lines)


def evaluation_json(ev: Evaluation, **extra: Any) -> str:
    """:meth:`Evaluation.to_dict` with ``extra`` entries (file names, say) in front, as one JSON object on one line."""
    return json.dumps(extra | ev.to_dict(), allow_nan=False)
