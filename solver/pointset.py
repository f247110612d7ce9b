"""Point-set alignment: find the pose of a known 3-D point set that produced a (blurred) image.

This is the problem of the forum thread the project grew from: a torus rendered as Gaussian splats,
rotated about x and z; recover the two angles. The residual of point ``X_i`` is
``I_tgt(W(X_i; p)) - intensity_i``, driven to zero by the same generated fused kernels as
:func:`solver.align` (the target's own intensities and gradients are sampled at the projections).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import scipy.ndimage
from numba import njit

import jacgen

from . import images, lie
from .kernels import LOSSES, MODELS, align_module, normal_equations
from .lm import LMOptions, run_lm
from .problem import PARAM_NAMES, check_intrinsics, free_mask, parameter_covariance
from .result import AlignResult, LevelReport, Status


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


def fov_intrinsics(shape: tuple[int, int], fov_degrees: float = 90.0) -> np.ndarray:
    """Square-pixel pinhole intrinsics with the given horizontal field of view, centred."""
    h, w = shape
    f = 0.5 * w / math.tan(math.radians(fov_degrees) / 2.0)
    return np.array([f, f, (w - 1) / 2.0, (h - 1) / 2.0])


@njit(cache=True)
def _splat(uv, valid, sigma, out):
    h, w = out.shape
    radius = int(math.ceil(3.0 * sigma))
    inv = 1.0 / (2.0 * sigma * sigma)
    for i in range(uv.shape[0]):
        if not valid[i]:
            continue
        u, v = uv[i, 0], uv[i, 1]
        cu, cv = int(round(u)), int(round(v))
        for y in range(max(cv - radius, 0), min(cv + radius + 1, h)):
            for x in range(max(cu - radius, 0), min(cu + radius + 1, w)):
                out[y, x] += math.exp(-((x - u) ** 2 + (y - v) ** 2) * inv)


def render_points(points, pose_params, intrinsics, shape, sigma: float, model: str = "euler_xyz") -> np.ndarray:
    """Render ``points`` moved by the model's ``pose_params`` as Gaussian splats, clipped to [0, 1].

    Parameters
    ----------
    points : (N, 3) array
    pose_params : (6,) parameter vector of ``model``
    intrinsics : (fx, fy, cx, cy)
    shape : (H, W)
    sigma : float
        Splat standard deviation in pixels.
    model : str
        Warp model of ``pose_params``.
    """
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    uv, valid = jacgen.warp(model, pose_params, np.asarray(points, dtype=np.float64), intrinsics)
    out = np.zeros(tuple(shape))
    _splat(uv, valid, float(sigma), out)
    return np.clip(out, 0.0, 1.0)


def align_points(
    points,
    tgt_image,
    intrinsics,
    *,
    model: str = "euler_xyz",
    init=None,
    fixed: Sequence[str] = (),
    intensities=1.0,
    loss: str = "l2",
    loss_scale: float = 1.0,
    levels: int = 5,
    upsample: int = 4,
    max_iters: int = 50,
    method: str = "lm",
    dtype: str = "float64",
    xtol: float = 1e-8,
    ftol: float = 1e-10,
) -> AlignResult:
    """Find the parameters ``p`` of ``model`` that put ``points`` onto bright image content.

    Minimises ``sum rho(I_tgt(W(X_i; p)) - intensity_i)`` coarse to fine (``levels`` pyramid
    levels of the target) with the generated fused kernels.

    Parameters
    ----------
    points : (N, 3) array
        The known point set in its own frame.
    tgt_image : (H, W) array
        The observed image.
    intrinsics : (fx, fy, cx, cy)
    model : {"euler_xyz", "rodrigues", "se3"}
    init : (6,) array, optional
        Initial parameter vector (zeros by default).
    fixed : sequence of str
        Parameter names held at ``init`` (e.g. ``("r2", "t1", "t2", "t3")``).
    intensities : float or (N,) array
        Expected image value at each projected point.
    upsample : int
        The target is first enlarged this many times by cubic B-spline interpolation: the
        kernels sample bilinearly, which pulls a sharp splat peak towards pixel centres (a bias of
        up to a few tenths of a pixel at sigma = 2.5 px); the bias falls with ``upsample**2``.
    loss, loss_scale, levels, max_iters, method, dtype, xtol, ftol
        As in :func:`solver.align` (``levels`` counts from the upsampled image); ``loss_scale`` is
        in intensity units.

    Returns
    -------
    AlignResult
        ``params`` is the model's parameter vector, ``pose`` the matching 4x4.
    """
    start = time.perf_counter()
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3 or pts.shape[0] == 0:
        raise ValueError(f"points must have shape (N, 3) with N > 0, got {pts.shape}")
    if not np.isfinite(pts).all():
        raise ValueError("points contain NaN or inf")
    K = check_intrinsics(intrinsics)
    tgt = images.to_gray(tgt_image, "tgt_image")
    p0 = np.zeros(6) if init is None else np.asarray(init, dtype=np.float64)
    if p0.shape != (6,) or not np.isfinite(p0).all():
        raise ValueError(f"init must be 6 finite parameters, got {init!r}")
    iref = np.broadcast_to(np.asarray(intensities, dtype=np.float64), (pts.shape[0],))
    free = free_mask(PARAM_NAMES, fixed)
    np_dtype = np.dtype(dtype)
    module = align_module(model, "cpu")
    compositional = model == "se3"
    if not (isinstance(upsample, int | np.integer) and upsample >= 1):
        raise ValueError(f"upsample must be a positive integer, got {upsample!r}")
    if upsample > 1:
        tgt = scipy.ndimage.zoom(tgt, upsample, order=3, mode="nearest", grid_mode=True)
        K = np.array([K[0] * upsample, K[1] * upsample, (K[2] + 0.5) * upsample - 0.5, (K[3] + 0.5) * upsample - 0.5])
    levels = max(1, min(levels, int(np.log2(min(tgt.shape) / 8)) + 1))
    pyr = images.pyramid(tgt, levels)
    pts_d = np.ascontiguousarray(pts, dtype=np_dtype)
    iref_d = np.ascontiguousarray(iref, dtype=np_dtype)
    state = (lie.pose_from_params(model, p0), p0.copy())
    options = LMOptions(method=method, max_iters=max_iters, xtol=xtol, ftol=ftol, min_points=6)
    reports, ne, status, total = [], None, Status.TOO_FEW_POINTS, 0
    for level in reversed(range(levels)):
        t0 = time.perf_counter()
        Kl = images.intrinsics_at_level(K, level)
        stack = images.stack_with_gradients(pyr[level], np_dtype)

        def evaluate(s, Kl=Kl, stack=stack):
            if compositional:
                p, c = np.zeros(6), np.concatenate([Kl, s[0][:3, :4].ravel()])
            else:
                p, c = s[1], Kl
            return normal_equations(module, p, c, pts_d, iref_d, stack, loss, loss_scale, False)

        def update(s, delta):
            if compositional:
                T = lie.se3_exp(delta) @ s[0]
                return T, lie.se3_log(T)
            p = s[1] + delta
            return lie.pose_from_params(model, p), p

        outcome = run_lm(state, evaluate, update, free, lambda s: float(np.linalg.norm(s[1])), options)
        total += outcome.iterations
        reports.append(
            LevelReport(
                level,
                pyr[level].shape,
                pts.shape[0],
                outcome.iterations,
                outcome.status,
                outcome.cost_history,
                float(loss_scale),
                time.perf_counter() - t0,
                outcome.lambda_history,
            )
        )
        status = outcome.status
        if status in (Status.TOO_FEW_POINTS, Status.SINGULAR, Status.DIVERGED):
            continue
        state, ne = outcome.state, outcome.ne
    return AlignResult(
        pose=state[0],
        params=state[1],
        success=bool(status.converged),
        status=status,
        message=status.reason,
        cost=ne.mean_cost if ne is not None else float("nan"),
        n_valid=ne.n_used if ne is not None else 0,
        n_behind=ne.n_behind if ne is not None else 0,
        n_outside=ne.n_outside if ne is not None else 0,
        covariance=parameter_covariance(ne, free) if ne is not None else np.full((6, 6), np.nan),
        levels=reports,
        nit=total,
        wall_time=time.perf_counter() - start,
    )
