"""Result object and stop reasons of the aligners."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class Status(enum.IntEnum):
    """Why an optimisation stopped; ``success`` is True for the converged ones (value > 0).

    Each status is one stopping test of :func:`solver.core.lm.lm_iterations`, written in :attr:`test`
    with ``f`` the mean robust cost per used point, ``F`` the summed robust cost, ``n`` the used
    points, ``H``, ``g`` the normal equations of the free parameters, ``D = diag(H)``, ``dx`` the
    step, ``x`` the estimate (parameter vector), ``lam`` the damping; ``_new`` marks the value at
    the tried step.
    """

    CONVERGED_STEP = 1
    CONVERGED_COST = 2
    CONVERGED_DECREASE = 3
    CONVERGED_DAMPED_GAIN = 4
    CONVERGED_NOISE_FLOOR = 5
    CONVERGED_DAMPING = 6
    CONVERGED_LINE_SEARCH = 7
    MAX_ITERATIONS = 0
    TOO_FEW_POINTS = -1
    SINGULAR = -2
    DIVERGED = -3

    @property
    def converged(self) -> bool:
        """True for the ``CONVERGED_*`` statuses."""
        return self > 0

    @property
    def description(self) -> str:
        """One sentence for humans, without the test."""
        return _DESCRIPTIONS[self]

    @property
    def test(self) -> str:
        """The stopping test as :func:`solver.core.lm.lm_iterations` checks it."""
        return _TESTS[self]

    @property
    def reason(self) -> str:
        """:attr:`description` with :attr:`test` in parentheses (the result's ``message``)."""
        return f"{_DESCRIPTIONS[self]} ({_TESTS[self]})"


_DESCRIPTIONS = {
    Status.CONVERGED_STEP: "converged: relative step below xtol",
    Status.CONVERGED_COST: "converged: the Gauss-Newton model predicts a cost decrease below ftol of the cost",
    Status.CONVERGED_DECREASE: "converged: an accepted step decreased the cost by less than ftol (relative)",
    Status.CONVERGED_DAMPED_GAIN: "converged: a rejected damped step had promised a cost decrease below ftol of "
    "the cost",
    Status.CONVERGED_NOISE_FLOOR: "converged: a rejected step moved the cost by less than floor_factor * ftol "
    "(the interpolation-noise floor)",
    Status.CONVERGED_DAMPING: "converged: no cost decrease even at the largest damping",
    Status.CONVERGED_LINE_SEARCH: "converged: no cost decrease along the Gauss-Newton step down to 1/512 of it",
    Status.MAX_ITERATIONS: "stopped: iteration limit reached before convergence",
    Status.TOO_FEW_POINTS: "failed: too few valid points (depth, image overlap or texture)",
    Status.SINGULAR: "failed: normal equations singular (parameters not observable)",
    Status.DIVERGED: "failed: cost not finite at the start of the level",
}

_TESTS = {
    Status.CONVERGED_STEP: "|dx| <= xtol * (|x| + xtol)",
    Status.CONVERGED_COST: "g' H^-1 g / 2 <= ftol * F, before a step",
    Status.CONVERGED_DECREASE: "f - f_new < ftol * f, accepted step",
    Status.CONVERGED_DAMPED_GAIN: "dx' (lam D dx - g) / 2 <= ftol * F, rejected step, lm",
    Status.CONVERGED_NOISE_FLOOR: "|f_new - f| <= floor_factor * ftol * f, rejected step with "
    "n_new >= max(min_points, n // 4)",
    Status.CONVERGED_DAMPING: "lam > lambda_max after a rejected step, lm",
    Status.CONVERGED_LINE_SEARCH: "f(x + t dx) > f(x) (or too few points) for t = 1, 1/2, ..., 1/512, gn",
    Status.MAX_ITERATIONS: "iterations >= max_iters",
    Status.TOO_FEW_POINTS: "n < min_points",
    Status.SINGULAR: "H not finite, some D <= 0 or eig_min <= 1e-12 eig_max of D^-1/2 H D^-1/2 at the start; "
    "or no Cholesky factor of H + lam D (gn: lam = 0; lm: up to lam > lambda_max)",
    Status.DIVERGED: "F not finite",
}


@dataclass
class LevelReport:
    """What happened on one pyramid level."""

    level: int
    shape: tuple[int, int]
    n_points: int
    iterations: int
    status: Status
    cost_history: list[float]
    loss_scale: float
    wall_time: float
    lambda_history: list[float] = field(default_factory=list)
    nfev: int = 0
    """Normal-equation evaluations on this level (the first one at the level's start included)."""
    n_accepted: int = 0
    """Steps tried and applied; ``n_accepted + n_rejected == nfev - 1``."""
    n_rejected: int = 0
    """Steps tried and not applied (cost up, too few points); failed linear solves are no steps."""
    time_evaluation: float = 0.0
    """Seconds in the normal-equation evaluations (a batch's launches split evenly among its pairs)."""
    time_solve: float = 0.0
    """Seconds in the LM's own work: linear solves, tests, step updates, callbacks."""


@dataclass
class AlignResult:
    """Outcome of :func:`solver.align` / :func:`solver.align_points` (like ``scipy.optimize.OptimizeResult``).

    Attributes
    ----------
    pose : ndarray (4, 4)
        ``T_tgt_from_ref``: a reference-frame point ``p`` maps to ``R p + t`` in the target frame.
        Always finite and rigid (the initial pose when no level could take a step).
    params : ndarray
        The model's parameter vector of ``pose`` (the twist for ``se3``).
    brightness : ndarray (2,) or None
        ``(a, b)`` with ``I_tgt ~ exp(a) I_ref + b`` when estimated.
    success, status, message
        ``success`` is ``status.converged`` (the finest level's status); ``message`` is
        ``status.reason``: its description and, in parentheses, ``status.test``, the stopping test.
    cost : float
        Mean robust cost per used point at ``pose`` on the finest level (on the finest level that
        did not fail, when the finest one failed); NaN when every level failed.
    n_valid : int
        Points used at the final evaluation; ``n_behind`` / ``n_outside`` those rejected (0 when
        every level failed).
    covariance : ndarray (6, 6)
        Parameter covariance from the final normal equations (``sigma^2 H^-1``, symmetric, zero
        rows for fixed parameters, for ``se3`` in the left-increment tangent space). All NaN when
        every level failed (no normal equations), NaN in the free block when ``H`` is singular.
    levels : list of LevelReport
        Per pyramid level (coarse to fine): iterations, cost history, status, wall time.
    nit : int
        Total iterations.
    wall_time : float
        Seconds for the whole call.
    unobservable : tuple of str
        Directions the data does not determine (:func:`solver.fit_render`): a parameter name or a
        combination; their variance is ``inf`` and ``success`` speaks of the other directions.
    param_names : tuple of str
        Names of the covariance's rows when they are not the six model parameters.
    sigma : float or None
        The splat width of :func:`solver.fit_render`.
    nfev : int
        Normal-equation (cost) evaluations, all levels; each level's first one is at its start.
    n_accepted, n_rejected : int
        LM steps tried and applied / tried and not applied, all levels (``n_accepted <= nit``; a
        failed linear solve is an iteration but no step).
    initial_cost : float
        Mean robust cost per used point at the start of the level that gives ``cost`` (same points
        and loss scale, so ``cost <= initial_cost``): at the pose the coarser levels handed on, and
        with ``levels=1`` at ``init``, Ceres' initial cost. NaN when every level failed.
    n_depth_valid : int
        RGB-D alignment (``tgt_depth``): points whose depth residual was used at the finest level.
    cost_depth : float
        RGB-D alignment: the depth residual's part of ``cost`` (per used point, photometric units:
        ``cost - cost_depth`` is the photometric part). NaN without it.
    time_preparation, time_evaluation, time_solve : float
        Seconds in input checks, pyramids, point selection, robust scale, scratch arrays and
        covariance / in the normal-equation evaluations / in the LM's linear solves, tests and
        step updates; they add up to about ``wall_time`` (in :func:`solver.align_batch`, each pair's
        share of the batch: summed over the pairs they make about ``wall_time``).
    """

    pose: np.ndarray
    params: np.ndarray
    success: bool
    status: Status
    message: str
    cost: float
    n_valid: int
    n_behind: int
    n_outside: int
    covariance: np.ndarray
    levels: list[LevelReport]
    nit: int
    wall_time: float
    brightness: np.ndarray | None = None
    unobservable: tuple[str, ...] = ()
    param_names: tuple[str, ...] = ()
    sigma: float | None = None
    nfev: int = 0
    n_accepted: int = 0
    n_rejected: int = 0
    initial_cost: float = float("nan")
    time_preparation: float = 0.0
    time_evaluation: float = 0.0
    time_solve: float = 0.0
    n_depth_valid: int = 0
    cost_depth: float = float("nan")

    def brief_report(self) -> str:
        """One line, after Ceres' ``Summary::BriefReport``."""
        return (
            f"jacgen Solver Report: Iterations: {self.nit}, Evaluations: {self.nfev}, "
            f"Accepted steps: {self.n_accepted}, Rejected steps: {self.n_rejected}, "
            f"Initial cost: {self.initial_cost:.6e}, Final cost: {self.cost:.6e}, "
            f"Termination: {self.status.name}, Time: {self.wall_time:.6f} s "
            f"(preparation {self.time_preparation:.6f}, evaluation {self.time_evaluation:.6f}, "
            f"solve {self.time_solve:.6f})"
        )

    def __repr__(self) -> str:
        rows = [
            f"     success: {self.success}",
            f"      status: {self.status.name} ({int(self.status)})",
            f"     message: {self.message}",
            f"initial_cost: {self.initial_cost:.6g}",
            f"        cost: {self.cost:.6g}",
            f"     n_valid: {self.n_valid}",
            f"         nit: {self.nit}",
            f"        nfev: {self.nfev}",
            f"  n_accepted: {self.n_accepted}",
            f"  n_rejected: {self.n_rejected}",
            f"   wall_time: {self.wall_time:.4f} s (preparation {self.time_preparation:.4f}, "
            f"evaluation {self.time_evaluation:.4f}, solve {self.time_solve:.4f})",
            f"      params: {np.array2string(self.params, precision=6)}",
        ]
        return "AlignResult(\n" + "\n".join(rows) + "\n)"


def add_summary(
    result: AlignResult,
    initial_cost: float,
    time_preparation: float | None = None,
    nfev: int = 0,
    time_evaluation: float = 0.0,
) -> AlignResult:
    """Set ``result``'s counters and times from its level reports; returns ``result``.

    ``nfev`` and ``time_evaluation`` are evaluations made outside the levels' LM runs (a final
    one, say); ``time_preparation`` defaults to the rest of ``wall_time``.
    """
    levels = result.levels
    result.nfev = nfev + sum(lvl.nfev for lvl in levels)
    result.n_accepted = sum(lvl.n_accepted for lvl in levels)
    result.n_rejected = sum(lvl.n_rejected for lvl in levels)
    result.initial_cost = float(initial_cost)
    result.time_evaluation = time_evaluation + sum(lvl.time_evaluation for lvl in levels)
    result.time_solve = sum(lvl.time_solve for lvl in levels)
    if time_preparation is None:
        time_preparation = max(result.wall_time - result.time_evaluation - result.time_solve, 0.0)
    result.time_preparation = float(time_preparation)
    return result
