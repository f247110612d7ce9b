"""The problem protocol of the coarse-to-fine driver, and the model's side shared by its problems.

:class:`ModelProblem` (kernel inputs, update rule, robust scale, result) serves the photometric
problem of :func:`solver.align` / :func:`solver.align_batch` and the point-set problem of
:func:`solver.align_points`; :class:`LevelRun` and :class:`DriverOutcome` are what
:func:`solver.core.driver.coarse_to_fine` exchanges with any problem (:func:`solver.fit_render`'s
too). What depends on the model comes from its generated module's description
(:class:`solver.core.model.AlignModel`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from solver.core.lm import LMOptions
from solver.core.model import AlignModel, FusedKernels, NormalEquations
from solver.result import AlignResult, LevelReport, Status, add_summary

if TYPE_CHECKING:
    from solver.arrays.target import Arrays

MIN_LEVEL_SIDE = 8
"""Pixels on the shorter side of the coarsest pyramid level, at least (see :func:`usable_levels`)."""
MAD_SAMPLES = 4096
"""The robust scale (``factor * sigma``, ``factor`` the loss's ``DESCRIPTION["loss_scale_factors"]`` entry,
``sigma = 1.4826 * MAD`` of the residuals at the level's start) is estimated from at most about this
many evenly strided residuals."""
FAILED_LEVEL = (Status.TOO_FEW_POINTS, Status.SINGULAR, Status.DIVERGED)
DEPTH_SIGMA_FLOOR = 1e-4
"""The depth residual's robust sigma is at least this, in its unit (the depth error over ``|n| Z'**2``:
0.1 mm of depth error on a fronto-parallel surface 1 m away, 0.4 mm 2 m away); exact depth, or a
start at the optimum, would otherwise make its scale, and so its weight, unbounded."""


@dataclass
class State:
    """Current estimate: the pose and the model's parameters (one follows the other), plus the brightness pair.

    Compositional models step the pose (``params = params_from_pose(pose)``), additive ones the
    parameters (``pose = pose(params)``).
    """

    pose: np.ndarray
    params: np.ndarray
    brightness: np.ndarray
    """The gain / bias pair ``(a, b)`` (zeros, and kept so, without brightness estimation)."""


@dataclass
class LevelData:
    """Reference points, their intensities and the target stack ``(I, dI/du, dI/dv)`` of one level."""

    level: int
    shape: tuple[int, int]
    intrinsics: np.ndarray
    points: np.ndarray
    iref: np.ndarray
    tgt_stack: np.ndarray
    depth_stack: np.ndarray | None = None
    """The target's depth stack ``(D, dD/du, dD/dv)`` (RGB-D alignment), else None."""

    @property
    def n_points(self) -> int:
        """Reference points of the level."""
        return int(self.points.shape[0])


@dataclass
class LevelRun:
    """One level as the coarse-to-fine driver runs it: where the LM starts and what it calls.

    A problem's :meth:`ModelProblem.prepare` builds it; :func:`solver.core.driver.coarse_to_fine`
    runs :func:`solver.core.lm.run_lm` with it and reports it.
    """

    level: int
    shape: tuple[int, int]
    n_points: int
    start: object
    """State the LM starts from (also what a failed level hands on to the next one)."""
    evaluate: Callable[[object], NormalEquations]
    update: Callable[[object, np.ndarray], object]
    free: np.ndarray
    norm: Callable[[object], float]
    options: LMOptions
    loss_scale: float
    callback: Callable | None = None
    """``callback(state, ne)`` after every accepted step."""
    time_evaluation: float = 0.0
    """Seconds of evaluations made while preparing the level (counted as the level's evaluation time)."""
    unsolvable: Status | None = None
    """Set when nothing can be solved on the level: the driver reports it with this status, no LM."""
    start_cost: float = float("nan")
    """Mean cost at ``start``, for the report of an unsolvable level."""


@dataclass
class DriverOutcome:
    """What :func:`solver.core.driver.coarse_to_fine` hands to a problem's ``finish`` after the last level."""

    state: object
    """The estimate: that of the finest level that did not fail."""
    last: NormalEquations | None
    """Its normal equations (None when every level failed)."""
    reports: list[LevelReport]
    status: Status
    """The last level's status."""
    initial_cost: float
    """Mean cost at the start of the level that gave ``state``."""
    start: float
    """``time.perf_counter()`` at the call's start."""
    preparation: float
    """Seconds of preparation so far (input checks, level data, robust scales)."""


def mad_step(n: int) -> int:
    """Stride that keeps about ``MAD_SAMPLES`` of ``n`` residuals for the robust scale."""
    return max(1, n // MAD_SAMPLES)


def _median(a: np.ndarray) -> float:
    """Median of a finite float64 vector (the mean ``(a + b) / 2`` of the middle two of an even count).

    ``np.partition`` on the middle entries: the value of ``np.median`` (and of the device's radix
    select), without its NaN and axis handling, which cost more than the selection on a sample.
    """
    k = a.size // 2
    if a.size % 2:
        return float(np.partition(a, k)[k])
    part = np.partition(a, (k - 1, k))
    return float((part[k - 1] + part[k]) / 2)


def _mad_scale(r: np.ndarray) -> float:
    """1.4826 x the median absolute deviation of the finite entries of the sample ``r``."""
    r = r[np.isfinite(r)].astype(np.float64)
    if r.size == 0:
        return 0.0
    return 1.4826 * _median(np.abs(r - _median(r)))


def usable_levels(shape: tuple[int, ...], levels: int) -> int:
    """``levels`` (>= 1), or fewer: as many as keep the coarsest level :data:`MIN_LEVEL_SIDE` pixels or more a side.

    Each level halves the previous one (odd trailing rows and columns dropped); an image smaller
    than that gets the one level it has.
    """
    return max(1, min(levels, (int(min(shape)) // MIN_LEVEL_SIDE).bit_length()))


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


class ModelProblem:
    """The model's side of an alignment problem, shared by :class:`Problem` and the point-set problem.

    Subclasses validate their inputs, call :meth:`set_model` (with their arrays, which :meth:`release`
    gives back), set :attr:`initial` and :attr:`levels`, and provide :meth:`level_data`; the driver
    :func:`coarse_to_fine` needs nothing else.
    """

    levels: int
    initial: State
    depth_weight: float = 1.0
    """RGB-D: the depth terms' weight relative to the photometric ones, before the scale ratio."""
    depth_loss_scale: float | None = None
    """RGB-D: the depth residual's robust scale in metres (None: from its MAD at each level's start)."""
    depth_kernels: FusedKernels | None = None
    """RGB-D: the photometric + depth kernels (set by a problem with a target depth), else None."""

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
        arrays: Arrays,
        dtype: np.dtype,
    ) -> None:
        """Record the model, the loss and the per-level LM settings (inputs already validated).

        ``arrays``: the problem's arrays on its target (:func:`solver.arrays.target.arrays_for`); the
        fused kernels, the loss id and the accumulator layout are looked up here, once.
        """
        self.spec, self.model, self.extra = spec, model, extra
        self.loss, self.loss_scale, self.brightness = loss, loss_scale, brightness
        self.free, self.iters, self.ftols, self.options = free, iters, ftols, options
        self.arrays, self.dtype = arrays, np.dtype(dtype)
        self.compositional = spec.compositional
        self.n_params = len(spec.params)
        self.module = spec.module(arrays.name)
        self.kernels = FusedKernels.of(self.module, loss, brightness)
        self.loss_scale_factor = spec.loss_scale_factor(loss)

    def level_data(self, level: int) -> LevelData:
        """Arrays of ``level`` (0 = full resolution)."""
        raise NotImplementedError

    def release(self) -> None:
        """Give scratch arrays back; the level data must no longer be used."""
        self.arrays.release()

    failed = FAILED_LEVEL
    """Statuses of a level that keeps the estimate it started from for the finer levels."""

    def prepare(self, level: int, state: State, callback: Callable | None = None) -> LevelRun:
        """Level data, robust scale and the fused-kernel evaluation of ``level`` from ``state``.

        ``callback(level, pose, cost)`` (the user's) is called after every accepted step.
        """
        data = self.level_data(level)
        scale = self.robust_scale(data, state)
        if data.depth_stack is not None:
            return self.prepare_depth(data, state, scale, callback)
        arrays = (data.points, data.iref, data.tgt_stack)  # device arrays for target="cuda"

        def evaluate(s: State) -> NormalEquations:
            p, c = self.kernel_inputs(s, data.intrinsics)
            return self.kernels.normal_equations(p, c, *arrays, scale)

        step = None
        if callback is not None:

            def step(s: State, ne: NormalEquations) -> None:
                callback(level, s.pose.copy(), ne.mean_cost)

        options = self.level_options(level)
        return LevelRun(
            level, data.shape, data.n_points, state, evaluate, self.update, self.free, self.norm, options, scale, step
        )

    def prepare_depth(self, data: LevelData, state: State, scale: float, callback: Callable | None) -> LevelRun:
        """:meth:`prepare` with the depth residual: both residuals in one fused kernel (:meth:`depth_scales`)."""
        scales = self.depth_scales(data, state, scale)
        arrays = (data.points, data.iref, data.tgt_stack, data.depth_stack)
        kernels = self.depth_kernels

        def evaluate(s: State) -> NormalEquations:
            p, c = self.kernel_inputs(s, data.intrinsics)
            return kernels.normal_equations_depth(p, c, *arrays, scales)

        step = None
        if callback is not None:

            def step(s: State, ne: NormalEquations) -> None:
                callback(data.level, s.pose.copy(), ne.mean_cost)

        options = self.level_options(data.level)
        run = (data.level, data.shape, data.n_points, state, evaluate, self.update, self.free, self.norm, options)
        return LevelRun(*run, scale, step)

    def depth_scales(self, data: LevelData, s: State, scale: float) -> tuple[float, float, float]:
        """``(scale, depth scale, depth weight)`` of a level: the rule that makes both residuals commensurate.

        The depth residual has its own robust scale ``s_D`` (``depth_loss_scale``, else the loss's
        factor times ``1.4826 * MAD`` of the depth residuals at ``s``, sigma at least
        :data:`DEPTH_SIGMA_FLOOR`), as the photometric one has ``s_I``; its terms are weighted by
        ``depth_weight * (s_I / s_D)**2``, so both enter ``H``, ``g`` and the cost as residuals
        normalised by their own scale, in the photometric unit, and the kernels weight both by the
        loss at their joint norm (DVO-SLAM's bivariate weighting, with its two scales estimated
        separately; :func:`jacgen.fused_codegen.depth_weight_lines`).
        """
        if self.depth_loss_scale is not None:
            depth_scale = float(self.depth_loss_scale)
        else:
            p, c = self.kernel_inputs(s, data.intrinsics)
            p = p[: self.n_params]  # the depth residual does not read the brightness pair
            step = mad_step(data.n_points)
            r = self.arrays.depth_residual_sample(self.module, p, c, data.points, data.depth_stack, step)
            depth_scale = self.loss_scale_factor * max(_mad_scale(r), DEPTH_SIGMA_FLOOR)
        return scale, depth_scale, self.depth_weight * (scale / depth_scale) ** 2

    def mean_cost_depth(self, last: NormalEquations | None) -> float:
        """The depth part of the mean cost (NaN without the depth residual or without used points)."""
        if self.depth_kernels is None or last is None or not last.n_used:
            return float("nan")
        return float(last.cost_depth / last.n_used)

    def finish(self, outcome: DriverOutcome) -> AlignResult:
        """The result of the driver's ``outcome``, with its summary."""
        t_result = time.perf_counter()
        result = self.result(outcome.state, outcome.last, outcome.reports, outcome.status, outcome.start)
        return add_summary(result, outcome.initial_cost, outcome.preparation + time.perf_counter() - t_result)

    def max_iters(self, level: int) -> int:
        """Iteration limit of ``level``."""
        return self.iters[self.levels - 1 - level]

    def level_options(self, level: int) -> LMOptions:
        """LM settings of ``level``: its iteration limit and cost tolerance."""
        return replace(self.options, max_iters=self.max_iters(level), ftol=self.ftols[self.levels - 1 - level])

    def kernel_inputs(self, s: State, Kl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(params, constants)`` of the fused kernels at state ``s`` (``Kl``: the level's intrinsics)."""
        pair = s.brightness if self.brightness else np.zeros(0)
        return self.spec.kernel_inputs(Kl, self.extra, s.pose, s.params, pair)

    def robust_scale(self, data: LevelData, s: State) -> float:
        """``loss_scale`` if given, else the loss's factor times the MAD of the residuals at ``s``."""
        if self.loss_scale is not None:
            return float(self.loss_scale)
        p, c = self.kernel_inputs(s, data.intrinsics)
        if not self.brightness:  # the residual kernel always takes the brightness pair
            p = np.concatenate([p, np.zeros(len(self.spec.brightness_params))])
        step = mad_step(data.n_points)
        r = self.arrays.residual_sample(self.module, p, c, data.points, data.iref, data.tgt_stack, step)
        sigma = _mad_scale(r)
        return self.loss_scale_factor * sigma if sigma > 0 else 1e-3

    def update(self, s: State, delta: np.ndarray) -> State:
        """Apply a full-length step: ``T <- pose(delta) T`` (compositional models) or ``params += delta``."""
        n = self.n_params
        pair = s.brightness + delta[n:] if self.brightness else s.brightness
        if self.compositional:
            pose = self.spec.pose(delta[:n]) @ s.pose
            return State(pose, self.spec.params_from_pose(pose), pair)
        params = s.params + delta[:n]
        return State(self.spec.pose(params), params, pair)

    def norm(self, s: State) -> float:
        """Size of the estimate, for the relative step test."""
        return float(np.linalg.norm(np.concatenate([s.params, s.brightness if self.brightness else []])))

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
            brightness=state.brightness.copy() if self.brightness else None,
            n_depth_valid=int(last.n_depth_used) if last is not None else 0,
            cost_depth=self.mean_cost_depth(last),
        )
