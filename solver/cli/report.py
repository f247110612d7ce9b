"""What the commands print of a result: the per-level summary of an alignment, the table of trajectory errors."""

from __future__ import annotations

from solver.sequences.metrics import ATEResult, ErrorStats, RPEResult, rpe


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
    values = (stats.rmse, stats.mean, stats.median, stats.max)
    return f"{label:<24}" + "".join(f"{v * factor:>10.3f}" for v in values) + f"{stats.n:>7d}"


def error_table(ate_result: ATEResult, rpe_results: dict[str, RPEResult | str]) -> str:
    """The evaluation table: ATE in cm, then each RPE (label -> result, or the reason it is missing)."""
    lines = [f"{'':<24}{'rmse':>10}{'mean':>10}{'median':>10}{'max':>10}{'n':>7}"]
    lines.append(_row("ATE trans [cm]", ate_result.trans, 100.0))
    for label, res in rpe_results.items():
        if isinstance(res, str):
            lines.append(f"{'RPE ' + label:<24}  n/a: {res}")
            continue
        lines.append(_row(f"RPE {label} trans [cm]", res.trans, 100.0))
        lines.append(_row(f"RPE {label} rot [deg]", res.rot, 1.0))
    return "\n".join(lines)


def evaluation(gt, est, ate_result: ATEResult, *, max_dt: float = 0.02, interpolate: bool = False) -> str:
    """:func:`error_table` of ``ate_result`` and the RPE of ``est`` against ``gt`` over 1 frame and 1 s.

    An RPE that cannot be computed (no pair that far apart with ground truth) is a row saying why.
    """
    rpes: dict[str, RPEResult | str] = {}
    for label, delta, unit in (("1 frame", 1, "frames"), ("1 s", 1.0, "seconds")):
        try:
            rpes[label] = rpe(gt, est, delta=delta, unit=unit, max_dt=max_dt, interpolate=interpolate)
        except ValueError as error:
            rpes[label] = str(error)
    return error_table(ate_result, rpes)
