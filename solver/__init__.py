"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""

from solver.photometric.align import align
from solver.photometric.batch import align_batch
from solver.pointset.points import align_points
from solver.pointset.render import render_points
from solver.pointset.render_fit import fit_render
from solver.pointset.scenes import grid_torus, torus_points
from solver.result import AlignResult, LevelReport, Status
from solver.sequences.visual_odometry import KeyframePolicy, OdometryResult, odometry

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
