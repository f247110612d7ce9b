"""Pictures of a trajectory evaluation (needs matplotlib: ``pip install -e .[plot]``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from solver.sequences.metrics import ATEResult
from solver.sequences.tum import Trajectory


def plot_evaluation(path: str | Path, gt: Trajectory, result: ATEResult, *, title: str | None = None) -> None:
    """Write a PNG: top view (x-y) of ground truth vs aligned estimate, and translational error over time.

    The ground truth is drawn over the estimate's time span; thin red segments join matched positions.
    Raises ``ImportError`` when matplotlib is missing.
    """
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    gt_t, gt_P = (np.asarray(v) for v in gt)
    est_t, est_P = result.aligned
    span = (gt_t >= est_t[0] - 0.05) & (gt_t <= est_t[-1] + 0.05)
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    top, err = fig.subplots(1, 2, width_ratios=(1, 1.3))
    top.plot(gt_P[span, 0, 3], gt_P[span, 1, 3], "-", color="black", lw=1.2, label="ground truth")
    top.plot(est_P[:, 0, 3], est_P[:, 1, 3], "-", color="tab:blue", lw=1.2, label=f"estimate ({result.align})")
    for a, b in zip(result.gt_xyz, result.est_xyz, strict=True):
        top.plot([a[0], b[0]], [a[1], b[1]], "-", color="tab:red", lw=0.5, alpha=0.6)
    top.set(xlabel="x [m]", ylabel="y [m]", title="top view", aspect="equal")
    top.legend(loc="best", fontsize="small")
    err.plot(result.timestamps - est_t[0], result.errors * 100.0, ".-", color="tab:red", lw=1)
    err.axhline(result.trans.rmse * 100.0, color="grey", ls="--", lw=1, label=f"RMSE {result.trans.rmse * 100:.2f} cm")
    err.set(xlabel="time [s]", ylabel="translational error [cm]", title="absolute trajectory error", ylim=(0, None))
    err.legend(loc="best", fontsize="small")
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=100)
