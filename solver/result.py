"""Result object and stop reasons of the aligners."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class Status(enum.IntEnum):
    """Why an optimisation stopped; ``success`` is True for the converged ones."""

    CONVERGED_STEP = 1
    CONVERGED_COST = 2
    MAX_ITERATIONS = 0
    TOO_FEW_POINTS = -1
    SINGULAR = -2
    DIVERGED = -3

    @property
    def converged(self) -> bool:
        """True for :attr:`CONVERGED_STEP` and :attr:`CONVERGED_COST`."""
        return self > 0

    @property
    def reason(self) -> str:
        """One sentence for humans."""
        return {
            Status.CONVERGED_STEP: "converged: relative step below xtol",
            Status.CONVERGED_COST: "converged: actual or predicted relative cost decrease below ftol",
            Status.MAX_ITERATIONS: "stopped: iteration limit reached before convergence",
            Status.TOO_FEW_POINTS: "failed: too few valid points (depth, image overlap or texture)",
            Status.SINGULAR: "failed: normal equations singular (parameters not observable)",
            Status.DIVERGED: "failed: cost became non-finite or the estimate ran away",
        }[self]


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
        ``status.reason``.
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

    def __repr__(self) -> str:
        rows = [
            f"  success: {self.success}",
            f"   status: {self.status.name} ({int(self.status)})",
            f"  message: {self.message}",
            f"     cost: {self.cost:.6g}",
            f"  n_valid: {self.n_valid}",
            f"      nit: {self.nit}",
            f"wall_time: {self.wall_time:.4f} s",
            f"   params: {np.array2string(self.params, precision=6)}",
        ]
        return "AlignResult(\n" + "\n".join(rows) + "\n)"
