"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""

from .align import align
from .pointset import align_points, render_points, torus_points
from .result import AlignResult, LevelReport, Status

__all__ = ["AlignResult", "LevelReport", "Status", "align", "align_points", "render_points", "torus_points"]
