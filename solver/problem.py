"""One alignment problem: validated inputs, pyramids, per-level data and the parameter update rules.

Shared by :func:`solver.align` (one pair) and :func:`solver.align_batch` (many pairs in lockstep).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from jacgen.cuda_support import require_cuda

from . import images, lie
from .kernels import LOSSES, MODELS, NormalEquations, align_module, residuals
from .lm import LMOptions, check_int, check_iterations, check_number
from .points import reference_points
from .result import AlignResult, LevelReport, Status
from .scratch import Scratch

PARAM_NAMES = ("r1", "r2", "r3", "t1", "t2", "t3")
BRIGHTNESS_NAMES = ("a", "b")
LOSS_SCALE_FACTORS = {"l2": 1.0, "huber": 1.345, "tukey": 4.685, "cauchy": 2.385}
"""Robust scale = factor * sigma, sigma = 1.4826 * MAD of the residuals at the level's start."""
FTOL_COARSE = 1e-4
"""Default relative cost tolerance of every level but the finest."""
FTOL_FINEST = 5e-4
"""Default at full resolution, which starts within a fraction of a pixel of its optimum and whose
IRLS steps then shrink only linearly on real images (ratio 0.6-0.9 per iteration on the TUM pairs):
iterating it down to 1e-4 cost a third more time per pair; the 133 pairs' median errors per gap
moved by at most 0.012 cm / 0.021 deg at gaps 1-2 (better on desk, worse on rpy) and by 0.11 cm /
0.06 deg on rpy gap 4 (1.55 / 1.15 -> 1.66 / 1.21)."""
MAD_SAMPLES = 4096
"""The robust scale is estimated from at most about this many evenly strided residuals."""
FAILED_LEVEL = (Status.TOO_FEW_POINTS, Status.SINGULAR, Status.DIVERGED)


@dataclass
class State:
    """Current estimate: the model's parameters (additive models) or the pose (se3), plus (a, b)."""

    pose: np.ndarray
    params: np.ndarray
    ab: np.ndarray


@dataclass
class LevelData:
    """Reference points, their intensities and the target stack ``(I, dI/du, dI/dv)`` of one level."""

    level: int
    shape: tuple[int, int]
    intrinsics: np.ndarray
    points: np.ndarray
    iref: np.ndarray
    tgt_stack: np.ndarray


def check_intrinsics(intrinsics) -> np.ndarray:
    """``(fx, fy, cx, cy)`` as floats, finite, with positive focal lengths."""
    try:
        k = np.asarray(intrinsics, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        k = np.full(0, np.nan)  # not numbers: reported below
    if k.shape != (4,) or not np.all(np.isfinite(k)):
        raise ValueError(f"intrinsics must be 4 finite numbers (fx, fy, cx, cy), got {intrinsics!r}")
    if k[0] <= 0 or k[1] <= 0:
        raise ValueError(f"intrinsics: fx and fy must be > 0, got {k[:2]}")
    return k


def check_pose(init) -> np.ndarray:
    """A 4x4 rigid transform (identity for None), as a new array.

    A rotation within the tolerance of orthonormal (1e-6) is replaced by the nearest rotation and
    the last row is set to exactly ``0 0 0 1``, so that the result's pose is rigid to rounding
    even where no step is taken.
    """
    if init is None:
        return np.eye(4)
    try:
        T = np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"init must be a finite 4x4 pose, got {init!r}") from None
    if T.shape != (4, 4) or not np.all(np.isfinite(T)):
        raise ValueError(f"init must be a finite 4x4 pose, got shape {T.shape}")
    R = T[:3, :3]
    if not np.allclose(R.T @ R, np.eye(3), atol=1e-6) or np.linalg.det(R) < 0 or not np.allclose(T[3], [0, 0, 0, 1]):
        raise ValueError("init must be a rigid transform: orthonormal rotation with det +1 and last row 0 0 0 1")
    if np.abs(R.T @ R - np.eye(3)).max() > 1e-14:
        U, _, Vt = np.linalg.svd(R)
        T[:3, :3] = U @ Vt
    T[3] = (0.0, 0.0, 0.0, 1.0)
    return T


def free_mask(model_names: Sequence[str], fixed: Sequence[str]) -> np.ndarray:
    """Boolean mask of solved parameters; unknown names raise ``ValueError`` (one name may be a plain string)."""
    if isinstance(fixed, str):
        fixed = (fixed,)
    try:
        fixed = tuple(fixed)
    except TypeError:
        raise ValueError(f"fixed must be a sequence of parameter names {tuple(model_names)}, got {fixed!r}") from None
    unknown = [f for f in fixed if f not in model_names]
    if unknown:
        raise ValueError(f"fixed names unknown parameters {unknown}; parameters are {tuple(model_names)}")
    mask = np.array([n not in fixed for n in model_names])
    if not mask.any():
        raise ValueError("every parameter is fixed: nothing to solve")
    return mask


def per_level_ftol(ftol, levels: int) -> list[float]:
    """Cost tolerance of each level, coarse to fine (see :data:`FTOL_COARSE`, :data:`FTOL_FINEST`)."""
    if ftol is None:
        values = [FTOL_COARSE] * (levels - 1) + [FTOL_FINEST]
    elif np.ndim(ftol) == 0:
        values = [check_number("ftol", ftol)] * levels
    else:
        values = [check_number("ftol", v) for v in ftol]
        if len(values) != levels:
            raise ValueError(f"ftol has {len(values)} entries for {levels} levels")
    if not all(np.isfinite(v) and v >= 0 for v in values):
        raise ValueError(f"ftol must be finite and >= 0, got {ftol!r}")
    return values


def check_dtype(dtype) -> np.dtype:
    """``float32`` or ``float64`` (a name, NumPy type or dtype)."""
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in ("float32", "float64"):  # (None == np.dtype("float64") is True)
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return dt


def check_depth_range(depth_range) -> tuple[float, float]:
    """``(min, max)`` metres with ``0 < min < max``."""
    try:
        lo, hi = (float(v) for v in depth_range)
    except (TypeError, ValueError):
        lo = hi = math.nan
    if not (0 < lo < hi):
        raise ValueError(f"depth_range must be (min, max) with 0 < min < max, got {depth_range!r}")
    return lo, hi


def mad_step(n: int) -> int:
    """Stride that keeps about ``MAD_SAMPLES`` of ``n`` residuals for the robust scale."""
    return max(1, n // MAD_SAMPLES)


@njit(cache=True)
def _mad_scale(r: np.ndarray) -> float:
    """1.4826 x the median absolute deviation of the finite entries of the sample ``r``."""
    r = r[np.isfinite(r)].astype(np.float64)
    if r.size == 0:
        return 0.0
    return 1.4826 * np.median(np.abs(r - np.median(r)))


class Problem:
    """Validated inputs and options of one reference/target pair (see :func:`solver.align`)."""

    def __init__(
        self,
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
        xtol: float = 1e-6,
        ftol: float | Sequence[float] | None = None,
    ) -> None:
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
        if method not in ("lm", "gn"):
            raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
        if loss_scale is not None:
            loss_scale = check_number("loss_scale", loss_scale, positive=True)
        dtype = check_dtype(dtype)
        if target not in ("cpu", "cuda"):
            raise ValueError(f"target must be 'cpu' or 'cuda', got {target!r}")
        levels = check_int("levels", levels, 1)
        if max_points is not None:
            max_points = check_int("max_points", max_points, 1)
        lo, hi = check_depth_range(depth_range)
        xtol = check_number("xtol", xtol)
        if not isinstance(brightness, bool | np.bool_):
            raise ValueError(f"brightness must be True or False, got {brightness!r}")
        self.K = check_intrinsics(intrinsics)
        T0 = check_pose(init)
        if target == "cuda":
            require_cuda()  # CudaUnavailableError naming the cause, before anything imports numba.cuda
            from . import device

            self._device = device
            ref = device.gray(ref_image, "ref_image")
            tgt = device.gray(tgt_image, "tgt_image")
            depth = device.depth_metres(ref_depth)
        else:
            self.scratch = Scratch()
            empty = self.scratch.empty
            ref = images.to_gray(ref_image, "ref_image", empty)
            tgt = images.to_gray(tgt_image, "tgt_image", empty)
            depth = images.to_depth(ref_depth, ref.shape)
        if tuple(depth.shape) != tuple(ref.shape):
            raise ValueError(f"ref_depth shape {tuple(depth.shape)} differs from ref_image shape {tuple(ref.shape)}")
        if tuple(tgt.shape) != tuple(ref.shape):
            raise ValueError(f"tgt_image shape {tuple(tgt.shape)} differs from ref_image shape {tuple(ref.shape)}")
        if target != "cuda":
            depth = images.finite_or_zero(depth, self.scratch.empty)
        names = PARAM_NAMES + (BRIGHTNESS_NAMES if brightness else ())
        self.free = free_mask(names, fixed)
        max_levels = int(np.floor(np.log2(min(ref.shape) / 8))) + 1
        self.levels = min(levels, max(1, max_levels))
        self.iters = check_iterations(max_iters, self.levels, 30)
        self.ftols = per_level_ftol(ftol, self.levels)
        self.model, self.loss, self.loss_scale, self.brightness = model, loss, loss_scale, brightness
        self.target, self.max_points, self.depth_range = target, max_points, (lo, hi)
        self.dtype = np.dtype(dtype)
        self.compositional = model == "se3"
        self.options = LMOptions(method=method, xtol=xtol)
        self.module = align_module(model, target)
        if target == "cuda":
            self.ref_pyr = self._device.pyramid(ref, self.levels)
            self.tgt_pyr = self._device.pyramid(tgt, self.levels)
            self.depth_pyr = self._device.depth_pyramid(depth, self.levels)
        else:
            self.ref_pyr = images.pyramid(ref, self.levels, self.scratch.empty)
            self.tgt_pyr = images.pyramid(tgt, self.levels, self.scratch.empty)
            self.depth_pyr = images.depth_pyramid(depth, self.levels, self.scratch.empty)
        self.initial = State(T0, lie.params_from_pose(model, T0), np.zeros(2))

    def level_data(self, level: int) -> LevelData:
        """Arrays of ``level`` (0 = full resolution), on the device for ``target="cuda"``."""
        Kl = images.intrinsics_at_level(self.K, level)
        ref, depth = self.ref_pyr[level], self.depth_pyr[level]
        shape = tuple(ref.shape)
        if self.target != "cuda":
            empty = self.scratch.empty
            points, iref = reference_points(ref, depth, Kl, self.depth_range, self.max_points, self.dtype, empty)
            stack = images.stack_with_gradients(self.tgt_pyr[level], self.dtype, empty)
            return LevelData(level, shape, Kl, points, iref, stack)
        device = self._device
        if self.max_points is None:
            points, iref = device.all_points(ref, depth, Kl, self.depth_range, self.dtype)
        else:  # the spread-out top-gradient selection runs on the host, once per level
            host = reference_points(
                ref.copy_to_host(), depth.copy_to_host(), Kl, self.depth_range, self.max_points, self.dtype
            )
            points, iref = (device.as_device(a) for a in host)
        stack = device.stack_with_gradients(self.tgt_pyr[level], self.dtype)
        return LevelData(level, shape, Kl, points, iref, stack)

    def release(self) -> None:
        """Give the host scratch arrays back (CPU target); the level data must no longer be used."""
        if self.target != "cuda":
            self.scratch.release()

    def max_iters(self, level: int) -> int:
        """Iteration limit of ``level``."""
        return self.iters[self.levels - 1 - level]

    def level_options(self, level: int) -> LMOptions:
        """LM settings of ``level``: its iteration limit and cost tolerance."""
        return replace(self.options, max_iters=self.max_iters(level), ftol=self.ftols[self.levels - 1 - level])

    def kernel_inputs(self, s: State, Kl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(params, constants)`` of the fused kernels at state ``s``."""
        ab = s.ab if self.brightness else np.zeros(0)
        if self.compositional:
            return np.concatenate([np.zeros(6), ab]), np.concatenate([Kl, s.pose[:3, :4].ravel()])
        return np.concatenate([s.params, ab]), Kl

    def robust_scale(self, data: LevelData, s: State) -> float:
        """``loss_scale`` if given, else the loss's factor times the MAD of the residuals at ``s``."""
        if self.loss_scale is not None:
            return float(self.loss_scale)
        p, c = self.kernel_inputs(s, data.intrinsics)
        if not self.brightness:
            p = np.concatenate([p, np.zeros(2)])
        if self.target == "cuda":
            cuda = require_cuda()
            resid = cuda.device_array(data.points.shape[0], dtype=self.dtype)
            self.module.residuals(p, c, data.points, data.iref, data.tgt_stack, resid)
            r = self._device.strided_sample(resid, mad_step(resid.shape[0]))
        else:  # residuals of the sampled points only
            step = mad_step(data.points.shape[0])
            points, iref = (np.ascontiguousarray(a[::step]) for a in (data.points, data.iref))
            r = residuals(self.module, p, c, points, iref, data.tgt_stack)
        sigma = _mad_scale(r)
        return LOSS_SCALE_FACTORS[self.loss] * sigma if sigma > 0 else 1e-3

    def update(self, s: State, delta: np.ndarray) -> State:
        """Apply a full-length step: left increment for ``se3``, additive otherwise."""
        ab = s.ab + delta[6:8] if self.brightness else s.ab
        if self.compositional:
            pose = lie.se3_exp(delta[:6]) @ s.pose
            return State(pose, lie.se3_log(pose), ab)
        params = s.params + delta[:6]
        return State(lie.pose_from_params(self.model, params), params, ab)

    def norm(self, s: State) -> float:
        """Size of the estimate, for the relative step test."""
        return float(np.linalg.norm(np.concatenate([s.params, s.ab if self.brightness else []])))

    def result(
        self, state: State, last: NormalEquations | None, reports: list[LevelReport], status: Status, start: float
    ) -> AlignResult:
        """The :class:`AlignResult` of ``state`` (``last``: its finest-level normal equations)."""
        if last is not None:
            status = reports[-1].status
        cov = parameter_covariance(last, self.free) if last is not None else np.full((6, 6), np.nan)
        return AlignResult(
            pose=state.pose,
            params=state.params,
            success=bool(status.converged),
            status=status,
            message=status.reason,
            cost=float(last.mean_cost) if last is not None else float("nan"),
            n_valid=int(last.n_used) if last is not None else 0,
            n_behind=int(last.n_behind) if last is not None else 0,
            n_outside=int(last.n_outside) if last is not None else 0,
            covariance=cov,
            levels=reports,
            nit=sum(r.iterations for r in reports),
            wall_time=time.perf_counter() - start,
            brightness=state.ab.copy() if self.brightness else None,
        )


def parameter_covariance(ne, free: np.ndarray) -> np.ndarray:
    """``sigma^2 (H_ff)^-1`` embedded in 6x6 (warp parameters), sigma^2 = 2 cost / (n - p)."""
    n_free = int(free.sum())
    cov = np.zeros((free.size, free.size))
    Hf = ne.H[np.ix_(free, free)]
    dof = max(ne.n_used - n_free, 1)
    sigma2 = 2.0 * ne.cost / dof
    try:
        inv = np.linalg.inv(Hf)
        cov[np.ix_(free, free)] = sigma2 * 0.5 * (inv + inv.T)  # symmetric also where H is ill-conditioned
    except np.linalg.LinAlgError:
        cov[np.ix_(free, free)] = np.nan
    return cov[:6, :6]
