"""Rendering a point set as Gaussian splats (the image :func:`solver.fit_render` compares with)."""

from __future__ import annotations

import numpy as np

import jacgen
from jacgen.handles import GeneratedModel
from solver.core.checks import check_int, check_intrinsics, check_number
from solver.core.model import align_model
from solver.options import POINTSET_MODEL
from solver.pointset import splat
from solver.pointset.inputs import points_array

SIGMA_RANGE = (1e-3, 1e6)
"""Splat widths :func:`render_points` accepts, in pixels: narrower is a point sample, wider a constant
(and ``1 / (2 sigma^2)`` stays finite, and the splat's reach an integer)."""


def render_points(
    points,
    pose_params,
    intrinsics,
    shape,
    sigma: float,
    model: str | GeneratedModel = POINTSET_MODEL,
    constants=None,
) -> np.ndarray:
    """Render ``points`` moved by the model's ``pose_params`` as Gaussian splats, clipped to [0, 1].

    The splat is the renderer of :mod:`solver.pointset.splat` (a Gaussian cut off at 4 sigma, shifted to
    reach zero there), the one :func:`solver.fit_render` compares with an image.

    Parameters
    ----------
    points : (N, 3) array
    pose_params : (P,) parameter vector of ``model``
    intrinsics : (fx, fy, cx, cy)
    shape : (H, W)
    sigma : float
        Splat standard deviation in pixels, within :data:`SIGMA_RANGE`.
    model : str or jacgen.GeneratedModel
        Warp model of ``pose_params``: a built-in name (:func:`jacgen.models`; default
        :data:`jacgen.handles.POINTSET_MODEL`, angles about fixed axes) or a :func:`jacgen.build_model` handle.
    constants : dict or sequence, optional
        The model's constants beyond the intrinsics (as for :func:`solver.align`).
    """
    sigma = check_number("sigma", sigma, positive=True)
    if not SIGMA_RANGE[0] <= sigma <= SIGMA_RANGE[1]:
        raise ValueError(f"sigma must be within {SIGMA_RANGE} pixels, got {sigma!r}")
    try:
        shape = tuple(check_int("shape", n, 0) for n in shape)
    except TypeError:
        shape = ()  # not a sequence: reported below
    if len(shape) != 2:
        raise ValueError(f"shape must be (H, W) with integers >= 0, got {shape!r}")
    pts = points_array(points)
    spec = align_model(model)
    K = spec.constants_vector(check_intrinsics(intrinsics), spec.check_constants(constants))
    uv, valid = jacgen.warp(spec.handle, pose_params, pts, K)
    return np.clip(splat.render(uv, valid, np.ones(pts.shape[0]), sigma, shape), 0.0, 1.0)
