"""``align``: coarse-to-fine photometric alignment of a reference RGB-D frame to a target image."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import images, lie
from .kernels import LOSSES, MODELS, align_module, normal_equations, residuals
from .lm import LMOptions, run_lm
from .points import reference_points
from .result import AlignResult, LevelReport, Status

PARAM_NAMES = ("r1", "r2", "r3", "t1", "t2", "t3")
BRIGHTNESS_NAMES = ("a", "b")
LOSS_SCALE_FACTORS = {"l2": 1.0, "huber": 1.345, "tukey": 4.685, "cauchy": 2.385}
"""Robust scale = factor * sigma, sigma = 1.4826 * MAD of the residuals at the level's start."""


@dataclass
class _State:
    """Current estimate: the model's parameters (additive models) or the pose (se3), plus (a, b)."""

    pose: np.ndarray
    params: np.ndarray
    ab: np.ndarray


def check_intrinsics(intrinsics) -> np.ndarray:
    """``(fx, fy, cx, cy)`` as floats, finite, with positive focal lengths."""
    k = np.asarray(intrinsics, dtype=np.float64).ravel()
    if k.shape != (4,) or not np.all(np.isfinite(k)):
        raise ValueError(f"intrinsics must be 4 finite numbers (fx, fy, cx, cy), got {intrinsics!r}")
    if k[0] <= 0 or k[1] <= 0:
        raise ValueError(f"intrinsics: fx and fy must be > 0, got {k[:2]}")
    return k


def check_pose(init) -> np.ndarray:
    """A 4x4 rigid transform (identity for None)."""
    if init is None:
        return np.eye(4)
    T = np.asarray(init, dtype=np.float64)
    if T.shape != (4, 4) or not np.all(np.isfinite(T)):
        raise ValueError(f"init must be a finite 4x4 pose, got shape {T.shape}")
    R = T[:3, :3]
    if not np.allclose(R.T @ R, np.eye(3), atol=1e-6) or np.linalg.det(R) < 0 or not np.allclose(T[3], [0, 0, 0, 1]):
        raise ValueError("init must be a rigid transform: orthonormal rotation with det +1 and last row 0 0 0 1")
    return T


def free_mask(model_names: Sequence[str], fixed: Sequence[str]) -> np.ndarray:
    """Boolean mask of solved parameters; unknown names raise ``ValueError``."""
    unknown = [f for f in fixed if f not in model_names]
    if unknown:
        raise ValueError(f"fixed names unknown parameters {unknown}; parameters are {tuple(model_names)}")
    mask = np.array([n not in fixed for n in model_names])
    if not mask.any():
        raise ValueError("every parameter is fixed: nothing to solve")
    return mask


MAD_SAMPLES = 20000
"""The robust scale is estimated from at most about this many evenly strided residuals."""


def _mad_scale(r: np.ndarray) -> float:
    r = r[:: max(1, r.size // MAD_SAMPLES)]
    r = r[np.isfinite(r)]
    if r.size == 0:
        return 0.0
    return 1.4826 * float(np.median(np.abs(r - np.median(r))))


def align(
    ref_image,
    ref_depth,
    tgt_image,
    intrinsics,
    *,
    init=None,
    model: str = "se3",
    method: str = "lm",
    loss: str = "huber",
    loss_scale: float | None = None,
    levels: int = 4,
    max_iters: int | Sequence[int] | None = None,
    fixed: Sequence[str] = (),
    brightness: bool = False,
    max_points: int | None = None,
    depth_range: tuple[float, float] = (0.1, 10.0),
    dtype: str = "float32",
    target: str = "cpu",
    callback: Callable | None = None,
    xtol: float = 1e-6,
    ftol: float = 1e-4,
) -> AlignResult:
    """Estimate the camera motion ``T_tgt_from_ref`` between an RGB-D reference and a target image.

    Minimises ``sum rho(I_tgt(pi(T X_i)) - I_ref_i)`` over reference pixels ``i`` with depth, by
    Levenberg-Marquardt (or Gauss-Newton) on generated fused kernels, coarse to fine.

    Parameters
    ----------
    ref_image, tgt_image : ndarray (H, W) or (H, W, 3)
        Gray or colour; uint8 is scaled to [0, 1], float is used as is.
    ref_depth : ndarray (H, W)
        Metres; 0 or NaN means missing.
    intrinsics : (fx, fy, cx, cy)
        Pinhole intrinsics of both images (pixel centres at integer coordinates).
    init : ndarray (4, 4), optional
        Initial ``T_tgt_from_ref``; identity by default.
    model : {"se3", "rodrigues", "euler_xyz"}
        ``se3``: forward compositional, left increment ``T <- exp(d) T``; the others: forward
        additive on their parameters ``(r1, r2, r3, t1, t2, t3)``.
    method : {"lm", "gn"}
        Levenberg-Marquardt with Nielsen's damping update, or undamped Gauss-Newton with the same
        acceptance test (a step that raises the cost is never applied).
    loss : {"l2", "huber", "tukey", "cauchy"}
        Robust loss, applied as IRLS weights in both ``H`` and ``g``.
    loss_scale : float, optional
        Robust scale in intensity units; default ``factor * 1.4826 * MAD`` of the residuals at the
        start of each level (factor 1.345 huber, 4.685 tukey, 2.385 cauchy).
    levels : int
        Pyramid levels (2x2 block means); 1 = full resolution only.
    max_iters : int or sequence, optional
        Iteration limit per level (a sequence is given coarse to fine); default 30 per level.
    fixed : sequence of str
        Parameter names held at their initial values (``r1 .. t3``, and ``a``, ``b`` with
        brightness); solved as the free sub-block of the normal equations.
    brightness : bool
        Also estimate ``(a, b)`` with ``I_tgt ~ exp(a) I_ref + b``.
    max_points : int, optional
        Use at most this many reference pixels per level: the highest-gradient ones, spread over
        the image. Default: every pixel with valid depth and non-zero gradient.
    depth_range : (float, float)
        Usable reference depths in metres.
    dtype : {"float32", "float64"}
        Precision of images, points and per-point arithmetic (accumulation is always float64).
    target : {"cpu", "cuda"}
        Where the fused kernels run.
    callback : callable, optional
        ``callback(level, pose, cost)`` after every accepted step.
    xtol, ftol : float
        Relative step-size and relative cost-change tolerances.

    Returns
    -------
    AlignResult
        With ``pose``, ``params``, ``success``, ``status``, ``message``, ``cost``, ``n_valid``,
        ``covariance``, per-level history and wall times. The best iterate seen is returned.
    """
    start = time.perf_counter()
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    if method not in ("lm", "gn"):
        raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if loss_scale is not None and not (np.isfinite(loss_scale) and loss_scale > 0):
        raise ValueError(f"loss_scale must be a positive number, got {loss_scale!r}")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    if not (isinstance(levels, int | np.integer) and levels >= 1):
        raise ValueError(f"levels must be a positive integer, got {levels!r}")
    if max_points is not None and max_points < 1:
        raise ValueError(f"max_points must be positive, got {max_points}")
    lo, hi = depth_range
    if not (0 < lo < hi):
        raise ValueError(f"depth_range must be (min, max) with 0 < min < max, got {depth_range}")
    K = check_intrinsics(intrinsics)
    T0 = check_pose(init)
    ref = images.to_gray(ref_image, "ref_image")
    tgt = images.to_gray(tgt_image, "tgt_image")
    depth = np.asarray(ref_depth, dtype=np.float64)
    if depth.shape != ref.shape:
        raise ValueError(f"ref_depth shape {depth.shape} differs from ref_image shape {ref.shape}")
    if tgt.shape != ref.shape:
        raise ValueError(f"tgt_image shape {tgt.shape} differs from ref_image shape {ref.shape}")
    depth = np.where(np.isfinite(depth), depth, 0.0)
    names = PARAM_NAMES + (BRIGHTNESS_NAMES if brightness else ())
    free = free_mask(names, fixed)
    max_levels = int(np.floor(np.log2(min(ref.shape) / 8))) + 1
    levels = min(levels, max(1, max_levels))
    if max_iters is None:
        iters = [30] * levels
    elif np.ndim(max_iters) == 0:
        iters = [int(max_iters)] * levels
    else:
        iters = [int(v) for v in max_iters]
        if len(iters) != levels:
            raise ValueError(f"max_iters has {len(iters)} entries for {levels} levels")

    np_dtype = np.dtype(dtype)
    module = align_module(model, target)
    ref_pyr = images.pyramid(ref, levels)
    tgt_pyr = images.pyramid(tgt, levels)
    depth_pyr = images.depth_pyramid(depth, levels)
    state = _State(T0, lie.params_from_pose(model, T0), np.zeros(2))
    compositional = model == "se3"
    options = LMOptions(method=method, xtol=xtol, ftol=ftol)
    reports: list[LevelReport] = []
    last = None
    total_iters = 0
    final_status = Status.TOO_FEW_POINTS

    for level in reversed(range(levels)):
        t_level = time.perf_counter()
        Kl = images.intrinsics_at_level(K, level)
        points, iref = reference_points(ref_pyr[level], depth_pyr[level], Kl, (lo, hi), max_points, np_dtype)
        tgt_stack = images.stack_with_gradients(tgt_pyr[level], np_dtype)
        if target == "cuda":
            from numba import cuda

            points, iref, tgt_stack = cuda.to_device(points), cuda.to_device(iref), cuda.to_device(tgt_stack)

        def kernel_inputs(s: _State, Kl=Kl) -> tuple[np.ndarray, np.ndarray]:
            ab = s.ab if brightness else np.zeros(0)
            if compositional:
                return np.concatenate([np.zeros(6), ab]), np.concatenate([Kl, s.pose[:3, :4].ravel()])
            return np.concatenate([s.params, ab]), Kl

        scale = loss_scale
        if scale is None:
            p8, c = kernel_inputs(state)
            if not brightness:
                p8 = np.concatenate([p8, np.zeros(2)])
            r = residuals(module, p8, c, points, iref, tgt_stack) if target == "cpu" else None
            if r is None:
                r = _residuals_host(module, p8, c, points, iref, tgt_stack)
            sigma = _mad_scale(r)
            scale = LOSS_SCALE_FACTORS[loss] * sigma if sigma > 0 else 1e-3

        def evaluate(s: _State, scale=scale, kernel_inputs=kernel_inputs, data=(points, iref, tgt_stack)):
            p, c = kernel_inputs(s)
            return normal_equations(module, p, c, *data, loss, scale, brightness)

        def update(s: _State, delta: np.ndarray) -> _State:
            ab = s.ab + delta[6:8] if brightness else s.ab
            if compositional:
                pose = lie.se3_exp(delta[:6]) @ s.pose
                return _State(pose, lie.se3_log(pose), ab)
            params = s.params + delta[:6]
            return _State(lie.pose_from_params(model, params), params, ab)

        def norm(s: _State) -> float:
            return float(np.linalg.norm(np.concatenate([s.params, s.ab if brightness else []])))

        cb = None
        if callback is not None:

            def cb(s, ne, level=level):
                callback(level, s.pose.copy(), ne.mean_cost)

        options.max_iters = iters[levels - 1 - level]
        outcome = run_lm(state, evaluate, update, free, norm, options, cb)
        total_iters += outcome.iterations
        reports.append(
            LevelReport(
                level=level,
                shape=ref_pyr[level].shape,
                n_points=int(points.shape[0]),
                iterations=outcome.iterations,
                status=outcome.status,
                cost_history=outcome.cost_history,
                loss_scale=float(scale),
                wall_time=time.perf_counter() - t_level,
                lambda_history=outcome.lambda_history,
            )
        )
        if outcome.status in (Status.TOO_FEW_POINTS, Status.SINGULAR, Status.DIVERGED):
            # a coarse level may lack points or texture: keep the estimate and refine on finer levels
            final_status = outcome.status
            continue
        state, last, final_status = outcome.state, outcome.ne, outcome.status

    if last is None:
        last_ne = None
    else:
        last_ne = last
    covariance = _covariance(last_ne, free) if last_ne is not None else np.full((6, 6), np.nan)
    finest = reports[-1]
    status = finest.status if last_ne is not None else final_status
    return AlignResult(
        pose=state.pose,
        params=state.params,
        success=bool(status.converged),
        status=status,
        message=status.reason,
        cost=float(last_ne.mean_cost) if last_ne is not None else float("nan"),
        n_valid=int(last_ne.n_used) if last_ne is not None else 0,
        n_behind=int(last_ne.n_behind) if last_ne is not None else 0,
        n_outside=int(last_ne.n_outside) if last_ne is not None else 0,
        covariance=covariance,
        levels=reports,
        nit=total_iters,
        wall_time=time.perf_counter() - start,
        brightness=state.ab.copy() if brightness else None,
    )


def _residuals_host(module, p8, c, points, iref, tgt_stack) -> np.ndarray:
    from numba import cuda

    resid = cuda.device_array(points.shape[0], dtype=points.dtype)
    module.residuals(p8, c, points, iref, tgt_stack, resid)
    return resid.copy_to_host()


def _covariance(ne, free: np.ndarray) -> np.ndarray:
    """``sigma^2 (H_ff)^-1`` embedded in 6x6 (warp parameters), sigma^2 = 2 cost / (n - p)."""
    n_free = int(free.sum())
    cov = np.zeros((free.size, free.size))
    Hf = ne.H[np.ix_(free, free)]
    dof = max(ne.n_used - n_free, 1)
    sigma2 = 2.0 * ne.cost / dof
    try:
        cov[np.ix_(free, free)] = sigma2 * np.linalg.inv(Hf)
    except np.linalg.LinAlgError:
        cov[np.ix_(free, free)] = np.nan
    return cov[:6, :6]
