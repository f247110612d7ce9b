"""Point-set alignment: find the pose of a known 3-D point set that produced a (blurred) image.

This is the problem of the forum thread the project grew from: a torus rendered as Gaussian splats,
rotated about x and z; recover the two angles. The residual of point ``X_i`` is
``I_tgt(W(X_i; p)) - intensity_i``, driven to zero by the same generated fused kernels and the same
coarse-to-fine driver as :func:`solver.align` (:func:`solver.problem.coarse_to_fine`; the target's own
intensities and gradients are sampled at the projections).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import scipy.ndimage

import jacgen
from jacgen.handles import LEAST_SQUARES_LOSS, POINTSET_MODEL, GeneratedModel
from solver.arrays import images
from solver.core.checks import check_dtype, check_int, check_intrinsics, check_number, free_mask
from solver.core.driver import coarse_to_fine
from solver.core.lm import LMOptions
from solver.core.model import align_model
from solver.core.problem import LevelData, ModelProblem, State
from solver.pointset import splat
from solver.result import AlignResult

MIN_POINTS = 6
"""Fewest points in view for a level to be solved (the image alone, not a depth map, gives them)."""


def torus_points(
    n_points: int = 20,
    major_radius: float = 1.1,
    minor_radius: float = 0.3,
    min_distance: float = 0.45,
    seed: int = 15,
) -> np.ndarray:
    """Points on a torus around the z axis, centred at the origin: (n_points, 3).

    The points are drawn at random (seeded) on the surface and kept at least ``min_distance``
    apart: a regular grid would make the torus symmetric under rotations about its own axis (the
    angle could only be recovered modulo the grid step), and points closer than a few splat widths
    blur into one blob whose peak is not at either point, which biases the point-sampled
    residual of :func:`align_points` by tenths of a degree. The defaults (20 points, seed 15) keep
    every pair of splats at least 10 px apart at 128x128 with a 90-degree lens two units away for
    the demo pose (30, 0, 40) degrees.
    """
    rng = np.random.default_rng(seed)
    chosen: list[np.ndarray] = []
    for _ in range(200 * n_points):
        a, b = rng.uniform(0.0, 2 * np.pi, 2)
        ring = major_radius + minor_radius * np.cos(b)
        p = np.array([ring * np.cos(a), ring * np.sin(a), minor_radius * np.sin(b)])
        if all(np.linalg.norm(p - q) >= min_distance for q in chosen):
            chosen.append(p)
            if len(chosen) == n_points:
                return np.array(chosen)
    raise ValueError(f"could not place {n_points} points {min_distance} apart on this torus")


def grid_torus(
    n_major: int = 60, n_minor: int = 24, major_radius: float = 1.0, minor_radius: float = 0.3, axis: str = "z"
) -> np.ndarray:
    """The forum's dense torus: a regular ``n_major x n_minor`` grid of points, (n_major * n_minor, 3).

    Centred at the origin with its symmetry axis along ``axis`` ("z" or "y"). About that axis the
    point set is symmetric up to the grid step (``360 / n_major`` degrees) and, once neighbouring
    splats merge, its image not at all: :func:`solver.fit_render` reports that angle unobservable.
    """
    if axis not in ("y", "z"):
        raise ValueError(f"axis must be 'y' or 'z', got {axis!r}")
    a = 2.0 * np.pi * np.arange(n_major) / n_major
    b = 2.0 * np.pi * np.arange(n_minor) / n_minor
    major, minor = np.meshgrid(a, b, indexing="ij")
    ring = major_radius + minor_radius * np.cos(minor)
    x, y, z = ring * np.cos(major), ring * np.sin(major), minor_radius * np.sin(minor)
    return np.stack([x, y, z] if axis == "z" else [x, z, y], axis=-1).reshape(-1, 3)


def fov_intrinsics(shape: tuple[int, int], fov_degrees: float = 90.0) -> np.ndarray:
    """Square-pixel pinhole intrinsics with the given horizontal field of view, centred."""
    h, w = shape
    f = 0.5 * w / math.tan(math.radians(fov_degrees) / 2.0)
    return np.array([f, f, (w - 1) / 2.0, (h - 1) / 2.0])


def _points_array(points) -> np.ndarray:
    """``points`` as float64; ``ValueError`` naming them when they are not numbers."""
    try:
        return np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"points must be an (N, 3) array of numbers, got {type(points).__name__}") from None


def check_point_set(points, init, intensities, nonnegative: bool = False, *, n_params: int):
    """``(points (N, 3), init (n_params,), intensities (N,))`` as float64, validated.

    ``ValueError`` naming the culprit otherwise.
    """
    pts = _points_array(points)
    if pts.ndim != 2 or pts.shape[1] != 3 or pts.shape[0] == 0:
        raise ValueError(f"points must have shape (N, 3) with N > 0, got {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points contain NaN or inf")
    try:
        p0 = np.zeros(n_params) if init is None else np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        p0 = np.full(0, np.nan)  # reported below
    if p0.shape != (n_params,) or not np.isfinite(p0).all():
        raise ValueError(f"init must be {n_params} finite parameters, got {init!r}")
    try:
        amp = np.broadcast_to(np.asarray(intensities, dtype=np.float64), (pts.shape[0],)).copy()
    except (TypeError, ValueError):
        amp = np.full(0, np.nan)  # reported below
    if amp.shape != (pts.shape[0],) or not np.isfinite(amp).all() or (nonnegative and (amp < 0).any()):
        sign = " >= 0" if nonnegative else ""
        raise ValueError(f"intensities must be one finite number{sign} or {pts.shape[0]} of them (one per point)")
    return pts, p0, amp


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

    The splat is the renderer of :mod:`solver.splat` (a Gaussian cut off at 4 sigma, shifted to
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
    pts = _points_array(points)
    spec = align_model(model)
    K = spec.constants_vector(check_intrinsics(intrinsics), spec.check_constants(constants))
    uv, valid = jacgen.warp(spec.handle, pose_params, pts, K)
    return np.clip(splat.render(uv, valid, np.ones(pts.shape[0]), sigma, shape), 0.0, 1.0)


def align_points(
    points,
    tgt_image,
    intrinsics,
    *,
    model: str | GeneratedModel = POINTSET_MODEL,
    init=None,
    fixed: Sequence[str] = (),
    intensities=1.0,
    loss: str = LEAST_SQUARES_LOSS,
    loss_scale: float = 1.0,
    levels: int = 5,
    upsample: int = 4,
    max_iters: int = 50,
    method: str = "lm",
    dtype: str = "float64",
    xtol: float = 1e-8,
    ftol: float = 1e-10,
    constants=None,
) -> AlignResult:
    """Find the parameters ``p`` of ``model`` that put ``points`` onto bright image content.

    Minimises ``sum rho(I_tgt(W(X_i; p)) - intensity_i)`` coarse to fine (``levels`` pyramid
    levels of the target) with the generated fused kernels and the driver of :func:`solver.align`.

    Parameters
    ----------
    points : (N, 3) array
        The known point set in its own frame.
    tgt_image : (H, W) array
        The observed image.
    intrinsics : (fx, fy, cx, cy)
    model : str or jacgen.GeneratedModel
        A built-in name (:func:`jacgen.models`; default :data:`jacgen.handles.POINTSET_MODEL`, angles
        about fixed axes) or a :func:`jacgen.build_model` handle; compositional models step the
        pose, additive ones the parameters, as their generated module says.
    init : (P,) array, optional
        Initial parameter vector of ``model`` (zeros by default).
    fixed : sequence of str
        Parameter names held at ``init`` (e.g. ``("r2", "t1", "t2", "t3")``).
    intensities : float or (N,) array
        Expected image value at each projected point.
    upsample : int
        The target is first enlarged this many times by cubic B-spline interpolation: the
        kernels sample bilinearly, which pulls a sharp splat peak towards pixel centres (a bias of
        up to a few tenths of a pixel at sigma = 2.5 px); the bias falls with ``upsample**2``.
    loss, loss_scale, levels, max_iters, method, dtype, xtol, ftol, constants
        As in :func:`solver.align` (``levels`` counts from the upsampled image; the default loss is
        plain least squares); ``loss_scale`` is in intensity units.

    Returns
    -------
    AlignResult
        ``params`` is the model's parameter vector, ``pose`` the matching 4x4.
    """
    start = time.perf_counter()
    problem = PointSetProblem(
        points,
        tgt_image,
        intrinsics,
        model=model,
        init=init,
        fixed=fixed,
        intensities=intensities,
        loss=loss,
        loss_scale=loss_scale,
        levels=levels,
        upsample=upsample,
        max_iters=max_iters,
        method=method,
        dtype=dtype,
        xtol=xtol,
        ftol=ftol,
        constants=constants,
    )
    return coarse_to_fine(problem, start)


class PointSetProblem(ModelProblem):
    """The inputs of :func:`solver.align_points`, validated: fixed points, the (upsampled) target's pyramid."""

    def __init__(
        self,
        points,
        tgt_image,
        intrinsics,
        *,
        model,
        init,
        fixed,
        intensities,
        loss,
        loss_scale,
        levels,
        upsample,
        max_iters,
        method,
        dtype,
        xtol,
        ftol,
        constants,
    ) -> None:
        spec = align_model(model)
        spec.loss_id(loss)
        pts, p0, iref = check_point_set(points, init, intensities, n_params=len(spec.params))
        K = check_intrinsics(intrinsics)
        extra = spec.check_constants(constants)
        tgt = images.to_gray(tgt_image, "tgt_image")
        free = free_mask(spec.params, fixed)
        np_dtype = check_dtype(dtype)
        if method not in ("lm", "gn"):
            raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
        loss_scale = check_number("loss_scale", loss_scale, positive=True)
        levels = check_int("levels", levels, 1)
        max_iters = check_int("max_iters", max_iters, 0)
        upsample = check_int("upsample", upsample, 1)
        xtol, ftol = check_number("xtol", xtol), check_number("ftol", ftol)
        if upsample > 1:
            tgt = scipy.ndimage.zoom(tgt, upsample, order=3, mode="nearest", grid_mode=True)
            K = np.array(
                [K[0] * upsample, K[1] * upsample, (K[2] + 0.5) * upsample - 0.5, (K[3] + 0.5) * upsample - 0.5]
            )
        self.levels = max(1, min(levels, int(np.log2(min(tgt.shape) / 8)) + 1))
        self.K = K
        self.pyramid = images.pyramid(tgt, self.levels)
        self.set_model(
            spec,
            model=model,
            loss=loss,
            loss_scale=loss_scale,
            brightness=False,
            extra=extra,
            free=free,
            iters=[max_iters] * self.levels,
            ftols=[ftol] * self.levels,
            options=LMOptions(method=method, xtol=xtol, min_points=MIN_POINTS),
            target="cpu",
            dtype=np_dtype,
        )
        self.points = np.ascontiguousarray(pts, dtype=np_dtype)
        self.iref = np.ascontiguousarray(iref, dtype=np_dtype)
        self.initial = State(spec.pose(p0), p0.copy(), np.zeros(len(spec.brightness_params)))

    def level_data(self, level: int) -> LevelData:
        """The points, their intensities and the target level's stack ``(I, dI/du, dI/dv)``."""
        image = self.pyramid[level]
        stack = images.stack_with_gradients(image, self.dtype)
        return LevelData(level, image.shape, images.intrinsics_at_level(self.K, level), self.points, self.iref, stack)
