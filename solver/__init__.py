"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""

from .align import align
from .batch import align_batch
from .pointset import align_points, grid_torus, render_points, torus_points
from .render_fit import fit_render
from .result import AlignResult, LevelReport, Status
from .visual_odometry import KeyframePolicy, OdometryResult, odometry

__all__ = [
    "AlignResult",
    "KeyframePolicy",
    "LevelReport",
    "OdometryResult",
    "Status",
    "align",
    "align_batch",
    "align_points",
    "fit_render",
    "grid_torus",
    "odometry",
    "render_points",
    "torus_points",
]
