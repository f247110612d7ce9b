"""``python -m solver evaluate GT EST``: ATE and RPE of an estimated TUM trajectory against ground truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from solver.cli.report import evaluation
from solver.sequences.metrics import ATEResult, ate
from solver.sequences.tum import Trajectory, read_trajectory


def run(args: argparse.Namespace) -> int:
    """Print ATE and RPE (1 frame, 1 s) of the TUM trajectory file ``args.est`` against ``args.gt``.

    ``args.gt`` may be a sequence folder (its ``groundtruth.txt``); ``args.align``, ``args.max_dt``
    and ``args.interpolate`` as :func:`solver.sequences.metrics.ate` takes them. Writes
    ``args.plot`` when given and matplotlib is there (else says how to install it). Exit status 0,
    or 2 for unusable input.
    """
    gt_path = args.gt / "groundtruth.txt" if args.gt.is_dir() else args.gt
    try:
        gt, est = read_trajectory(gt_path), read_trajectory(args.est)
        result = ate(gt, est, align=args.align, max_dt=args.max_dt, interpolate=args.interpolate)
    except (OSError, ValueError) as error:
        print(f"evaluate: {error}", file=sys.stderr)
        return 2
    matching = "interpolated" if args.interpolate else "nearest sample"
    print(f"ground truth: {gt_path} ({len(gt.timestamps)} poses); estimate: {args.est} ({len(est.timestamps)} poses)")
    print(
        f"associated poses: {result.trans.n} of {len(est.timestamps)} (ground truth {matching},"
        f" |dt| < {args.max_dt} s); alignment: {args.align}"
        + (f", scale {result.scale:.4f}" if args.align == "similarity" else "")
    )
    print(evaluation(gt, est, result, max_dt=args.max_dt, interpolate=args.interpolate))
    if args.plot is None:
        return 0
    return _plot(args.plot, gt, result, title=f"{Path(args.est).name} vs {gt_path.name}")


def _plot(path: Path, gt: Trajectory, result: ATEResult, title: str) -> int:
    """Write the evaluation plot; 0, also when matplotlib is missing (said on stderr), 2 when it cannot be written."""
    try:
        from solver.sequences.plot import plot_evaluation

        plot_evaluation(path, gt, result, title=title)
    except ImportError as error:
        if not (error.name or "").startswith("matplotlib"):
            raise
        print("evaluate: no plot written: matplotlib is not installed (pip install -e .[plot])", file=sys.stderr)
    except OSError as error:
        print(f"evaluate: cannot write the plot: {error}", file=sys.stderr)
        return 2
    else:
        print(f"plot: {path}")
    return 0
