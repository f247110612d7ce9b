"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""

from .align import align
from .batch import align_batch
from .pointset import align_points, grid_torus, render_points, torus_points
from .render_fit import fit_render
from .result import AlignResult, LevelReport, Status

__all__ = [
    "AlignResult",
    "LevelReport",
    "Status",
    "align",
    "align_batch",
    "align_points",
    "fit_render",
    "grid_torus",
    "render_points",
    "torus_points",
]
