"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""

from .align import align
from .batch import align_batch
from .pointset import align_points, render_points, torus_points
from .result import AlignResult, LevelReport, Status

__all__ = [
    "AlignResult",
    "LevelReport",
    "Status",
    "align",
    "align_batch",
    "align_points",
    "render_points",
    "torus_points",
]
