"""One alignment problem: validated inputs, pyramids, per-level data and the parameter update rules.

Shared by :func:`solver.align` (one pair) and :func:`solver.align_batch` (many pairs in lockstep);
:class:`ModelProblem` (the model's side: kernel inputs, update rule, robust scale, result) and the
coarse-to-fine driver :func:`coarse_to_fine` also serve :func:`solver.align_points`. What depends on
the model comes from its generated module's description (:class:`solver.kernels.AlignModel`).
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from jacgen.cuda_support import require_cuda

from . import images
from .backprojection import reference_points
from .kernels import AlignModel, NormalEquations, align_model, normal_equations, residuals
from .lm import LMOptions, check_int, check_iterations, check_number, run_lm
from .result import AlignResult, LevelReport, Status, add_summary
from .scratch import Scratch

FTOL_COARSE = 1e-4
"""Default relative cost tolerance of every level but the finest."""
FTOL_FINEST = 5e-4
"""Default at full resolution, which starts within a fraction of a pixel of its optimum and whose
IRLS steps then shrink only linearly on real images (ratio 0.6-0.9 per iteration on the TUM pairs):
iterating it down to 1e-4 cost a third more time per pair; the 133 pairs' median errors per gap
moved by at most 0.012 cm / 0.021 deg at gaps 1-2 (better on desk, worse on rpy) and by 0.11 cm /
0.06 deg on rpy gap 4 (1.55 / 1.15 -> 1.66 / 1.21)."""
MAD_SAMPLES = 4096
"""The robust scale (``factor * sigma``, ``factor`` the loss's ``DESCRIPTION["loss_scale_factors"]`` entry,
``sigma = 1.4826 * MAD`` of the residuals at the level's start) is estimated from at most about this
many evenly strided residuals."""
FAILED_LEVEL = (Status.TOO_FEW_POINTS, Status.SINGULAR, Status.DIVERGED)


@dataclass
class State:
    """Current estimate: the pose and the model's parameters (one follows the other), plus the brightness pair.

    Compositional models step the pose (``params = params_from_pose(pose)``), additive ones the
    parameters (``pose = pose(params)``).
    """

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


class ModelProblem:
    """The model's side of an alignment problem, shared by :class:`Problem` and the point-set problem.

    Subclasses validate their inputs, call :meth:`set_model`, set :attr:`initial` and :attr:`levels`,
    and provide :meth:`level_data` (and :meth:`release` when they hold scratch arrays); the driver
    :func:`coarse_to_fine` needs nothing else.
    """

    levels: int
    initial: State

    def set_model(
        self,
        spec: AlignModel,
        *,
        model,
        loss: str,
        loss_scale: float | None,
        brightness: bool,
        extra: np.ndarray,
        free: np.ndarray,
        iters: list[int],
        ftols: list[float],
        options: LMOptions,
        target: str,
        dtype: np.dtype,
    ) -> None:
        """Record the model, the loss and the per-level LM settings (inputs already validated)."""
        self.spec, self.model, self.extra = spec, model, extra
        self.loss, self.loss_scale, self.brightness = loss, loss_scale, brightness
        self.free, self.iters, self.ftols, self.options = free, iters, ftols, options
        self.target, self.dtype = target, np.dtype(dtype)
        self.compositional = spec.compositional
        self.n_params = len(spec.params)
        self.module = spec.module(target)

    def level_data(self, level: int) -> LevelData:
        """Arrays of ``level`` (0 = full resolution)."""
        raise NotImplementedError

    def release(self) -> None:
        """Give scratch arrays back; the level data must no longer be used."""

    def max_iters(self, level: int) -> int:
        """Iteration limit of ``level``."""
        return self.iters[self.levels - 1 - level]

    def level_options(self, level: int) -> LMOptions:
        """LM settings of ``level``: its iteration limit and cost tolerance."""
        return replace(self.options, max_iters=self.max_iters(level), ftol=self.ftols[self.levels - 1 - level])

    def kernel_inputs(self, s: State, Kl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(params, constants)`` of the fused kernels at state ``s`` (``Kl``: the level's intrinsics)."""
        ab = s.ab if self.brightness else np.zeros(0)
        return self.spec.kernel_inputs(Kl, self.extra, s.pose, s.params, ab)

    def robust_scale(self, data: LevelData, s: State) -> float:
        """``loss_scale`` if given, else the loss's factor times the MAD of the residuals at ``s``."""
        if self.loss_scale is not None:
            return float(self.loss_scale)
        p, c = self.kernel_inputs(s, data.intrinsics)
        if not self.brightness:  # the residual kernel always takes the brightness pair
            p = np.concatenate([p, np.zeros(len(self.spec.brightness_params))])
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
        return self.spec.loss_scale_factor(self.loss) * sigma if sigma > 0 else 1e-3

    def update(self, s: State, delta: np.ndarray) -> State:
        """Apply a full-length step: ``T <- pose(delta) T`` (compositional models) or ``params += delta``."""
        n = self.n_params
        ab = s.ab + delta[n:] if self.brightness else s.ab
        if self.compositional:
            pose = self.spec.pose(delta[:n]) @ s.pose
            return State(pose, self.spec.params_from_pose(pose), ab)
        params = s.params + delta[:n]
        return State(self.spec.pose(params), params, ab)

    def norm(self, s: State) -> float:
        """Size of the estimate, for the relative step test."""
        return float(np.linalg.norm(np.concatenate([s.params, s.ab if self.brightness else []])))

    def result(
        self, state: State, last: NormalEquations | None, reports: list[LevelReport], status: Status, start: float
    ) -> AlignResult:
        """The :class:`AlignResult` of ``state`` (``last``: its finest-level normal equations)."""
        if last is not None:
            status = reports[-1].status
        n = self.n_params
        cov = parameter_covariance(last, self.free, n) if last is not None else np.full((n, n), np.nan)
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


PROBLEM_OPTIONS = (
    "init model method loss loss_scale levels max_iters fixed brightness max_points depth_range dtype target xtol ftol"
    " constants"
).split()
"""The keywords of :func:`solver.align` that define a :class:`Problem`, in the order it reads them."""


def align_options(options: dict, names) -> list:
    """The values of ``names`` among :func:`solver.align`'s keywords: ``options``, else align's defaults.

    ``align``'s signature is the one list of the options and their defaults; an unknown keyword
    raises ``TypeError`` as a call of ``align`` would.
    """
    from .align import align  # (align imports this module)

    bound = inspect.signature(align).bind(None, None, None, None, **options)
    bound.apply_defaults()
    return [bound.arguments[name] for name in names]


class Problem(ModelProblem):
    """Validated inputs and options of one reference/target pair (see :func:`solver.align`)."""

    def __init__(self, ref_image, ref_depth, tgt_image, intrinsics, **options) -> None:
        """``options``: the keywords of :func:`solver.align` but ``callback`` (its signature has the defaults)."""
        (
            init,
            model,
            method,
            loss,
            loss_scale,
            levels,
            max_iters,
            fixed,
            brightness,
            max_points,
            depth_range,
            dtype,
            target,
            xtol,
            ftol,
            constants,
        ) = align_options(options, PROBLEM_OPTIONS)
        spec = align_model(model)
        if method not in ("lm", "gn"):
            raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
        spec.loss_id(loss)
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
        extra = spec.check_constants(constants)
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
        free = free_mask(spec.names(brightness), fixed)
        max_levels = int(np.floor(np.log2(min(ref.shape) / 8))) + 1
        self.levels = min(levels, max(1, max_levels))
        self.set_model(
            spec,
            model=model,
            loss=loss,
            loss_scale=loss_scale,
            brightness=brightness,
            extra=extra,
            free=free,
            iters=check_iterations(max_iters, self.levels, 30),
            ftols=per_level_ftol(ftol, self.levels),
            options=LMOptions(method=method, xtol=xtol),
            target=target,
            dtype=dtype,
        )
        self.max_points, self.depth_range = max_points, (lo, hi)
        if target == "cuda":
            self.ref_pyr = self._device.pyramid(ref, self.levels)
            self.tgt_pyr = self._device.pyramid(tgt, self.levels)
            self.depth_pyr = self._device.depth_pyramid(depth, self.levels)
        else:
            self.ref_pyr = images.pyramid(ref, self.levels, self.scratch.empty)
            self.tgt_pyr = images.pyramid(tgt, self.levels, self.scratch.empty)
            self.depth_pyr = images.depth_pyramid(depth, self.levels, self.scratch.empty)
        self.initial = State(T0, spec.params_from_pose(T0), np.zeros(len(spec.brightness_params)))

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


def coarse_to_fine(problem: ModelProblem, start: float, callback: Callable | None = None) -> AlignResult:
    """Run the LM on every level of ``problem``, coarsest first; the result of the finest level that did not fail.

    A level that fails (too few points, singular, diverged) keeps the estimate for the finer ones.
    ``start``: ``time.perf_counter()`` at the call's start (``wall_time``, preparation time);
    ``callback(level, pose, cost)`` after every accepted step. Releases the problem's scratch arrays.
    """
    preparation = time.perf_counter() - start  # input checks, pyramids, scratch
    try:
        state, last, status, initial_cost = problem.initial, None, Status.TOO_FEW_POINTS, float("nan")
        reports: list[LevelReport] = []
        for level in reversed(range(problem.levels)):
            t_level = time.perf_counter()
            data = problem.level_data(level)
            scale = problem.robust_scale(data, state)
            arrays = (data.points, data.iref, data.tgt_stack)  # device arrays for target="cuda"
            preparation += time.perf_counter() - t_level  # point selection, gradients, robust scale

            def evaluate(s: State, data: LevelData = data, arrays=arrays, scale: float = scale):
                p, c = problem.kernel_inputs(s, data.intrinsics)
                return normal_equations(problem.module, p, c, *arrays, problem.loss, scale, problem.brightness)

            cb = None
            if callback is not None:

                def cb(s, ne, level=level):
                    callback(level, s.pose.copy(), ne.mean_cost)

            options = problem.level_options(level)
            outcome = run_lm(state, evaluate, problem.update, problem.free, problem.norm, options, cb)
            reports.append(level_report(data, outcome, scale, time.perf_counter() - t_level))
            status = outcome.status
            if outcome.status in FAILED_LEVEL:
                # a coarse level may lack points or texture: keep the estimate and refine on finer levels
                continue
            state, last, initial_cost = outcome.state, outcome.ne, outcome.cost_history[0]
        t_result = time.perf_counter()
        result = problem.result(state, last, reports, status, start)
        return add_summary(result, initial_cost, preparation + time.perf_counter() - t_result)
    finally:  # the scratch arrays go back to the pool
        problem.release()


def level_report(data: LevelData, outcome, scale: float, wall_time: float) -> LevelReport:
    """The :class:`LevelReport` of one level's LM run."""
    return LevelReport(
        level=data.level,
        shape=data.shape,
        n_points=int(data.points.shape[0]),
        iterations=outcome.iterations,
        status=outcome.status,
        cost_history=outcome.cost_history,
        loss_scale=float(scale),
        wall_time=wall_time,
        lambda_history=outcome.lambda_history,
        nfev=outcome.nfev,
        n_accepted=outcome.n_accepted,
        n_rejected=outcome.n_rejected,
        time_evaluation=outcome.time_evaluation,
        time_solve=outcome.time_solve,
    )


def parameter_covariance(ne, free: np.ndarray, n_params: int) -> np.ndarray:
    """``sigma^2 (H_ff)^-1`` embedded in ``n_params`` x ``n_params`` (warp parameters), sigma^2 = 2 cost / (n - p)."""
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
    return cov[:n_params, :n_params]
