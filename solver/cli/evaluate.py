"""``python -m solver evaluate GT EST``: ATE and RPE of an estimated TUM trajectory against ground truth."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from solver.sequences.metrics import RPEResult, ate, report, rpe
from solver.sequences.tum import read_trajectory


def run(
    gt_path: str | Path,
    est_path: str | Path,
    *,
    plot: str | Path | None = None,
    align: Literal["rigid", "similarity", "none"] = "rigid",
    max_dt: float = 0.02,
    interpolate: bool = False,
) -> int:
    """``python -m solver evaluate``: print ATE and RPE (1 frame, 1 s) of two TUM trajectory files.

    ``gt_path`` may be a sequence folder (its ``groundtruth.txt``). Writes the plot when asked and
    matplotlib is there (else says how to install it). Exit status 0, or 2 for unusable input.
    """
    gt_path = Path(gt_path)
    if gt_path.is_dir():
        gt_path = gt_path / "groundtruth.txt"
    try:
        gt, est = read_trajectory(gt_path), read_trajectory(est_path)
        result = ate(gt, est, align=align, max_dt=max_dt, interpolate=interpolate)
    except (OSError, ValueError) as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    rpes: dict[str, RPEResult | str] = {}
    for label, delta, unit in (("1 frame", 1, "frames"), ("1 s", 1.0, "seconds")):
        try:
            rpes[label] = rpe(gt, est, delta=delta, unit=unit, max_dt=max_dt, interpolate=interpolate)
        except ValueError as error:
            rpes[label] = str(error)
    matching = "interpolated" if interpolate else "nearest sample"
    print(f"ground truth: {gt_path} ({len(gt.timestamps)} poses); estimate: {est_path} ({len(est.timestamps)} poses)")
    print(
        f"associated poses: {result.trans.n} of {len(est.timestamps)} (ground truth {matching}, |dt| < {max_dt} s);"
        f" alignment: {align}" + (f", scale {result.scale:.4f}" if align == "similarity" else "")
    )
    print(report(result, rpes))
    if plot is not None:
        try:
            from solver.sequences.plot import plot_evaluation

            plot_evaluation(plot, gt, result, title=f"{Path(est_path).name} vs {gt_path.name}")
        except ImportError as error:
            if not (error.name or "").startswith("matplotlib"):
                raise
            print("evaluate: no plot written: matplotlib is not installed (pip install -e .[plot])", file=sys.stderr)
        except OSError as error:
            print(f"evaluate: cannot write the plot: {error}", file=sys.stderr)
            return 2
        else:
            print(f"plot: {plot}")
    return 0
