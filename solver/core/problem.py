"""One alignment problem: validated inputs, pyramids, per-level data and the parameter update rules.

Shared by :func:`solver.align` (one pair) and :func:`solver.align_batch` (many pairs in lockstep);
:class:`ModelProblem` (the model's side: kernel inputs, update rule, robust scale, result) and the
coarse-to-fine driver :func:`coarse_to_fine` also serve :func:`solver.align_points`. What depends on
the model comes from its generated module's description (:class:`solver.kernels.AlignModel`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from jacgen.cuda_support import require_cuda
from solver.core.checks import check_number
from solver.core.lm import LMOptions
from solver.core.model import AlignModel, NormalEquations, residuals
from solver.result import AlignResult, LevelReport, Status

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
