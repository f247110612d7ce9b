"""``python -m solver evaluate GT EST``: ATE and RPE of an estimated TUM trajectory against ground truth."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from solver.cli.report import association, error_table, evaluation_json
from solver.sequences.metrics import CONVENTIONS, DEFAULT_RPE_DELTAS, UNITS, ATEResult, evaluate, rpe_setting
from solver.sequences.tum import Trajectory, read_trajectory


def rpe_deltas(delta: str | None, unit: str) -> tuple[tuple[float, str], ...]:
    """The RPE ``(delta, unit)`` that ``--delta`` and ``--delta-unit`` ask for (1 frame and 1 s when neither does).

    Raises
    ------
    ValueError
        ``--delta`` not a number > 0 (a whole one for frames), or ``--delta-unit`` not ``f`` or ``s``.
    """
    if delta is None and unit is None:
        return DEFAULT_RPE_DELTAS
    unit = "f" if unit is None else unit
    if unit not in UNITS:
        raise ValueError(f"--delta-unit must be f (frames) or s (seconds), got {unit!r}")
    try:
        value = 1.0 if delta is None else float(delta)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0) or (UNITS[unit] == "frames" and value != int(value)):
        kind = "a whole number of frames" if UNITS[unit] == "frames" else "a number of seconds"
        raise ValueError(f"--delta must be {kind} > 0, got {delta!r}")
    return (rpe_setting(value, unit),)


def run(args: argparse.Namespace) -> int:
    """Print ATE and RPE of the TUM trajectory file ``args.est`` against ``args.gt`` (a table, or JSON).

    ``args.gt`` may be a sequence folder (its ``groundtruth.txt``); ``args.align``, ``args.max_dt``
    and ``args.interpolate`` as :func:`solver.sequences.metrics.evaluate` takes them; RPE over
    ``args.delta`` ``args.delta_unit`` (``f`` frames, ``s`` seconds), else over 1 frame and 1 s.
    ``args.json`` prints one JSON object instead of the table. Writes ``args.plot`` when given and
    matplotlib is there (else says how to install it on stderr). Exit status 0, or 2 for unusable
    input (raised as ``OSError`` / ``ValueError``: :func:`solver.cli.main` prints it in one line).
    """
    deltas = rpe_deltas(args.delta, args.delta_unit)
    if args.rpe_convention not in CONVENTIONS:
        raise ValueError(f"--rpe-convention must be 'evo' or 'tum', got {args.rpe_convention!r}")
    if not (math.isfinite(args.max_dt) and args.max_dt > 0):
        raise ValueError(f"--max-dt must be a number of seconds > 0, got {args.max_dt}")
    gt_path = args.gt / "groundtruth.txt" if args.gt.is_dir() else args.gt
    gt, est = read_trajectory(gt_path), read_trajectory(args.est)
    ev = evaluate(
        gt,
        est,
        align=args.align,
        max_dt=args.max_dt,
        interpolate=args.interpolate,
        deltas=deltas,
        convention=args.rpe_convention,
    )
    status, plot = 0, None
    if args.plot is not None:
        status, plot = _plot(args.plot, gt, ev.ate, f"{Path(args.est).name} vs {gt_path.name}")
    if args.json:
        print(evaluation_json(ev, gt=str(gt_path), est=str(args.est), plot=plot))
        return status
    print(f"ground truth: {gt_path} ({len(gt.timestamps)} poses); estimate: {args.est} ({len(est.timestamps)} poses)")
    print(association(ev))
    print(error_table(ev))
    if plot is not None:
        print(f"plot: {plot}")
    return status


def _plot(path: Path, gt: Trajectory, result: ATEResult, title: str) -> tuple[int, str | None]:
    """Write the evaluation plot: (exit status, the path written or None).

    Status 0, also when matplotlib is missing (said on stderr); 2 when the file cannot be written.
    """
    try:
        from solver.sequences.plot import plot_evaluation

        plot_evaluation(path, gt, result, title=title)
    except ImportError as error:
        if not (error.name or "").startswith("matplotlib"):
            raise
        print("evaluate: no plot written: matplotlib is not installed (pip install -e .[plot])", file=sys.stderr)
    except OSError as error:
        print(f"evaluate: cannot write the plot: {error}", file=sys.stderr)
        return 2, None
    else:
        return 0, str(path)
    return 0, None
